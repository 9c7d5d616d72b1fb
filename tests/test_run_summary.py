"""The end of ``ogi run`` as a user sees it (issue 16, points 8 and 10): the closing summary names the
files that failed or were partly read with their reason and the next command; sources deleted from the
input folder are reported and removed with ``--prune``; the progress bar is a maintained library's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner

from ogi.cli import _Progress, main

CORPUS = Path(__file__).parent / "corpus"


def _inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(CORPUS / "jiaxing-stats-2022.txt", folder / "jiaxing-stats-2022.txt")
    (folder / "broken.txt").write_bytes(b"")
    return folder


def test_the_summary_lists_failed_files_with_reason_and_next_command(tmp_path: Path) -> None:
    folder = _inputs(tmp_path)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(folder), "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert "1 file failed or partly read:" in lines
    failed = next(line for line in lines if "broken.txt" in line)
    assert failed.split()[0] == "failed" and "empty file" in failed
    assert f"  next: ogi show --dataset {out} {(folder / 'broken.txt').resolve()}" in lines
    assert lines[-1] == f"dataset: {out.resolve()}"


def test_a_deleted_source_is_reported_and_pruned(tmp_path: Path) -> None:
    folder = _inputs(tmp_path)
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["run", str(folder), "--out", str(out), "-q"]).exit_code == 0
    (folder / "broken.txt").unlink()
    res = runner.invoke(main, ["run", str(folder), "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert "1 stored report has no source file any more" in res.output and "--prune" in res.output
    assert len(pq.read_table(out / "reports.parquet")) == 2  # kept until asked
    res = runner.invoke(main, ["run", str(folder), "--out", str(out), "-q", "--prune"])
    assert res.exit_code == 0 and "pruned 1 stored report whose file is gone" in res.output
    sources = pq.read_table(out / "reports.parquet")["source"].to_pylist()
    assert [Path(s).name for s in sources] == ["jiaxing-stats-2022.txt"]
    # a report from a folder not read this time is never pruned
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(CORPUS / "jiaxing-stats-2022.txt", other / "copy.txt")
    assert runner.invoke(main, ["run", str(other), "--out", str(out), "-q", "--prune"]).exit_code == 0
    assert len(pq.read_table(out / "reports.parquet")) == 2


def test_the_progress_bar_has_a_total_and_an_eta(monkeypatch) -> None:
    import io

    stream = io.StringIO()
    stream.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stderr", stream)
    bar = _Progress(enabled=True)
    bar.start(4)

    class Src:
        source = "/x/a.txt"

    bar.update(Src(), None)
    bar.update(Src(), None)
    bar.bar.refresh()  # type: ignore[attr-defined]  # tqdm redraws at most every 0.1 s by itself
    text = stream.getvalue()
    bar.close()
    assert "2/4" in text and "<" in text  # tqdm: count of total, elapsed<remaining
