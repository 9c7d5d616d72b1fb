"""End to end: ogi run on the 嘉兴 text rendering, incremental and kill-safe runs, bad inputs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ogi import __version__
from ogi.cli import main
from ogi.run.options import RunOptions
from ogi.run.pipeline import run
from ogi.run.source import read_source
from ogi.schema.template import load
from tests.contract import check_dataset

T = load()


def _cells(out: Path) -> dict[str, dict]:
    return {c["cell"]: c for c in pq.read_table(out / "cells.parquet").to_pylist()}


def test_jiaxing_every_cell(tmp_path: Path, corpus: Path) -> None:
    src = tmp_path / "in" / "jiaxing-stats-2022.txt"
    src.parent.mkdir()
    shutil.copy(corpus / "jiaxing-stats-2022.txt", src)
    summary = run([str(src.parent)], RunOptions(out=tmp_path / "out"))
    assert summary.read == 1 and summary.statuses == {"ok": 1}
    tables = check_dataset(tmp_path / "out")
    (report,) = tables["reports"]
    assert report["agency"] == "嘉兴市统计局" and report["year"] == 2022
    assert report["template_version"] == "2021" and report["status"] == "ok"
    assert report["format"] == "text_tab" and report["scope"] == "own"
    assert report["source"] == str(src.resolve()) and report["n_checks_failed"] == 0
    cells = _cells(tmp_path / "out")
    assert sorted(cells) == sorted(T.cell_keys("2021"))
    twenty = {
        f"t3.{row}.{col}"
        for row in ("new_received", "granted", "results_total")
        for col in ("natural_person", "total")
    }
    for key, cell in cells.items():
        expected = 13 if key == "t2.art20_6.admin_penalty.decisions" else 20 if key in twenty else 0
        assert cell["value"] == expected, key
        assert cell["status"] == "value" and cell["raw"] == str(expected), key
        assert json.loads(cell["locator"])["line"] > 0
    assert json.loads(cells["t2.art20_6.admin_penalty.decisions"]["locator"]) == {
        "line": 52,
        "label_match": "exact",
    }
    hard = [c for c in tables["checks"] if c["severity"] == "hard"]
    assert len(hard) == 43 and all(c["outcome"] == "pass" for c in hard)
    soft = [c for c in tables["checks"] if c["rule"] == "TXT-T3"]
    assert [(c["target"], c["left"], c["outcome"]) for c in soft] == [("t3.new_received.total", 20, "pass")]
    sections = [s["section"] for s in tables["sections"]]
    assert sections == [
        "preamble",
        "s1_overview",
        "s2_active_disclosure",
        "s3_requests",
        "s4_review_litigation",
        "s5_problems",
        "s6_other",
    ]


def test_rerun_reads_nothing_new_and_changed_bytes_replace(tmp_path: Path, jiaxing_bytes: bytes) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(jiaxing_bytes)
    (folder / "b.txt").write_bytes(
        jiaxing_bytes.replace("行政处罚\n\t13".encode(), "行政处罚\n\t14".encode())
    )
    out = tmp_path / "out"
    first = run([str(folder)], RunOptions(out=out))
    assert first.read == 2
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.parquet")}
    second = run([str(folder)], RunOptions(out=out))
    assert (second.read, second.skipped) == (0, 2)
    assert {p.name for p in out.glob("*.parquet")} == set(before)
    # b changes: only b's report is replaced, nothing duplicated
    (folder / "b.txt").write_bytes(
        jiaxing_bytes.replace("行政处罚\n\t13".encode(), "行政处罚\n\t15".encode())
    )
    third = run([str(folder)], RunOptions(out=out))
    assert (third.read, third.skipped) == (1, 1)
    tables = check_dataset(out)
    assert len(tables["reports"]) == 2
    values = sorted(c["value"] for c in tables["cells"] if c["cell"] == "t2.art20_6.admin_penalty.decisions")
    assert values == [13, 15]
    assert len(tables["cells"]) == 2 * 200
    forced = run([str(folder)], RunOptions(out=out, force=True))
    assert forced.read == 2
    assert check_dataset(out)["cells"] == tables["cells"]


def test_identical_bytes_share_one_report(tmp_path: Path, jiaxing_bytes: bytes) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("z.txt", "a.txt"):
        (folder / name).write_bytes(jiaxing_bytes)
    run([str(folder)], RunOptions(out=tmp_path / "out"))
    tables = check_dataset(tmp_path / "out")
    rows = {Path(r["source"]).name: r for r in tables["reports"]}
    assert rows["a.txt"]["duplicate_of"] is None
    assert rows["z.txt"]["duplicate_of"] == rows["a.txt"]["source"]
    assert len(tables["cells"]) == 200
    # X-CARRY never pairs a report with itself
    assert not [c for c in tables["checks"] if c["rule"] == "X-CARRY"]


def test_bad_inputs_fail_alone(tmp_path: Path, jiaxing_bytes: bytes) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(jiaxing_bytes)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.bin").write_bytes(os.urandom(4096))
    (folder / "notice.txt").write_text(
        "关于做好春节期间值班工作的通知\n各单位：请按时值班。\n", encoding="utf-8"
    )
    (folder / "truncated.txt").write_bytes(jiaxing_bytes[: len(jiaxing_bytes) // 2])
    (folder / "fake.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n")
    run([str(folder)], RunOptions(out=tmp_path / "out"))
    tables = check_dataset(tmp_path / "out")
    by = {Path(r["source"]).name: r for r in tables["reports"]}
    assert by["good.txt"]["status"] == "ok"
    assert by["empty.txt"]["status"] == "failed" and "empty" in by["empty.txt"]["error"]
    assert by["garbage.bin"]["status"] == "failed" and by["garbage.bin"]["format"] == "unknown"
    assert by["notice.txt"]["status"] == "not_a_report"
    assert by["truncated.txt"]["status"] == "partial"
    assert "table 四 not found" in by["truncated.txt"]["error"]
    assert by["fake.pdf"]["status"] == "failed" and by["fake.pdf"]["format"] == "pdf"
    for r in by.values():
        if r["status"] != "ok":
            assert r["error"] and "\n" not in r["error"]


def test_read_source_never_raises_on_internal_error(
    monkeypatch: pytest.MonkeyPatch, jiaxing_bytes: bytes
) -> None:
    import ogi.run.source as p

    def boom(doc: object) -> None:
        raise RuntimeError("bad day")

    monkeypatch.setattr(p, "interpret", boom)
    rows = read_source("/x/a.txt", jiaxing_bytes)
    assert (
        rows.report["status"] == "failed" and "internal error RuntimeError: bad day" in rows.report["error"]
    )


def test_cli_run_show_strict(tmp_path: Path, corpus: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    src = str(corpus / "jiaxing-stats-2022.txt")
    result = runner.invoke(main, ["run", src, "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "ok 1" in result.output and "hard checks failed: 0" in result.output
    shown = runner.invoke(main, ["show", "--dataset", str(out), src])
    assert shown.exit_code == 0, shown.output
    assert "行政处罚" in shown.output and "13" in shown.output and "hard pass 43" in shown.output
    bad = tmp_path / "bad.txt"
    bad.write_text("通知", encoding="utf-8")
    strict = runner.invoke(main, ["run", str(bad), "--out", str(out), "--strict", "-q"])
    assert strict.exit_code == 1
    missing = runner.invoke(main, ["run", str(tmp_path / "nope"), "--out", str(out)])
    assert missing.exit_code == 2
    assert runner.invoke(main, ["show", "--dataset", str(out), "ffffffffffff"]).exit_code == 1


def _make_many(folder: Path, data: bytes, n: int) -> None:
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"r{i:04d}.txt").write_bytes(data + f"\n附注{i}\n".encode())


def _comparable(out: Path) -> dict[str, list]:
    tables = check_dataset(out)
    for r in tables["reports"]:
        r.pop("seconds")
        r.pop("ogi_version")
    return {k: sorted(map(repr, v)) for k, v in tables.items()}


def test_killed_run_resumes_to_the_same_dataset(tmp_path: Path, jiaxing_bytes: bytes) -> None:
    folder = tmp_path / "in"
    _make_many(folder, jiaxing_bytes, 120)
    killed = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ogi", "run", str(folder), "--out", str(killed), "-v", "--jobs", "2"],
        cwd=Path(__file__).parent.parent,
        start_new_session=True,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for _ in range(40):  # kill it in the middle: after 40 of the 120 files were read
        if not proc.stderr.readline():
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    # Whatever is on disk is complete: no half-written parquet.
    for p in killed.glob("*.parquet"):
        pq.read_table(p)
    resumed = run([str(folder)], RunOptions(out=killed))
    assert resumed.read + resumed.skipped == 120
    # Killed mid-way: a first batch was committed (at the latest after 32 reports), later ones were not.
    assert 0 < resumed.skipped < 120
    clean = tmp_path / "clean"
    run([str(folder)], RunOptions(out=clean))
    assert _comparable(killed) == _comparable(clean)
    assert all(r["ogi_version"] == __version__ for r in check_dataset(clean)["reports"])
