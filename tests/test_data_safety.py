"""Nothing written is lost or half written: kill -9, a full disk, an interrupted publish, an upgrade of ogi,
two runs on one folder, inputs that are not files, and limit failures that the next run retries."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ogi.cli import main
from ogi.dataset import publish as pub
from ogi.dataset.lock import DatasetBusy, dataset_lock
from ogi.dataset.store import Store, StoreError
from ogi.run.options import RunOptions
from ogi.run.pipeline import run
from tests.contract import check_dataset

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
RELEASE = ROOT / "tests" / "fixtures" / "release-0.1.0"
PARQUETS = ("reports", "cells", "checks", "sections", "unmapped", "agencies")


def _inputs(folder: Path, n: int = 3) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = (CORPUS / "jiaxing-stats-2022.txt").read_text(encoding="utf-8")
    for i in range(n):
        (folder / f"r{i}.txt").write_text(text.replace("嘉兴市统计局", f"嘉兴市第{i}局"), encoding="utf-8")
    return folder


def _digests(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file() and p.suffix == ".parquet"}


def _one_set(out: Path) -> str:
    """The run id every parquet file of ``out`` records (fails when they differ)."""
    run_id = pub.check_run_ids(out / f"{t}.parquet" for t in PARQUETS)
    assert run_id is not None
    assert (out / pub.RUN_FILE).exists() and run_id in (out / pub.RUN_FILE).read_text(encoding="utf-8")
    return run_id


# -- the parquet set is published whole -----------------------------------------------------------------


def test_every_file_of_a_run_records_its_run_id(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run([str(_inputs(tmp_path / "in"))], RunOptions(out=out))
    first = _one_set(out)
    run([str(tmp_path / "in")], RunOptions(out=out, force=True))
    assert _one_set(out) != first
    assert not list(out.glob(".staging-*")) and not (out / pub.JOURNAL).exists()


def test_a_full_disk_while_exporting_keeps_the_previous_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    run([str(_inputs(tmp_path / "in"))], RunOptions(out=out))
    before = _digests(out)
    import ogi.run.pipeline as pipeline

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline, "write_agencies", full)
    with pytest.raises(StoreError, match="No space left on device; the previous dataset is kept"):
        run([str(tmp_path / "in")], RunOptions(out=out, force=True))
    assert _digests(out) == before
    assert not list(out.glob(".staging-*"))


def test_an_interrupted_publish_is_finished_by_the_next_ogi(tmp_path: Path) -> None:
    """A process killed between two renames leaves the journal; the next run completes the set."""
    out = tmp_path / "out"
    run([str(_inputs(tmp_path / "in"))], RunOptions(out=out))
    old = _one_set(out)
    staging = pub.staging_dir(out, "20990101T000000000000Z-deadbeef")
    for name in os.listdir(out):
        if name.endswith(".parquet"):
            table = pq.read_table(out / name)
            meta = {**(table.schema.metadata or {}), pub.RUN_ID_KEY: b"20990101T000000000000Z-deadbeef"}
            pq.write_table(table.replace_schema_metadata(meta), staging / name)
    pub.write_run_file(staging, "20990101T000000000000Z-deadbeef")
    names = sorted(os.listdir(staging))
    (out / pub.JOURNAL).write_text(f'{{"staging": "{staging.name}", "files": {names!r}}}'.replace("'", '"'))
    for name in names[:2]:  # killed after two renames
        os.replace(staging / name, out / name)
    with pytest.raises(ValueError, match="different runs"):
        pub.check_run_ids(out / f"{t}.parquet" for t in PARQUETS)
    assert pub.recover(out) is not None
    assert _one_set(out) == "20990101T000000000000Z-deadbeef" != old
    assert not staging.exists() and not (out / pub.JOURNAL).exists()


@pytest.mark.slow
def test_kill_9_at_any_moment_leaves_one_set_or_a_journal(tmp_path: Path) -> None:
    """``ogi run`` killed at several moments: the folder always holds one run's set (or a journal the
    next ogi finishes), never a mix."""
    folder = _inputs(tmp_path / "in", 12)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "ogi", "run", str(folder), "--out", str(out), "-q", "--jobs", "1", "--force"]
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, timeout=300)
    for delay in (0.8, 1.6, 2.4, 3.2, 4.0):
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        if not (out / pub.JOURNAL).exists():
            _one_set(out)
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, timeout=300)
    _one_set(out)
    check_dataset(out)


# -- limits, upgrades, inputs ------------------------------------------------------------------------------


def _slow_text(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("某局2023年度政府信息公开工作年度报告\n")
        for i in range(rows):
            fh.write(f"\t行{i}\n\t{i}\n\t{i}\n\n")


def test_a_limit_failure_is_retried_by_the_next_run(tmp_path: Path) -> None:
    """On a loaded machine a timeout is the run's, not the file's: the next run reads the file again."""
    folder = tmp_path / "in"
    folder.mkdir()
    _slow_text(folder / "slow.txt", 200_000)
    out = tmp_path / "out"
    run([str(folder)], RunOptions(out=out, jobs=1, timeout=0.2))
    first = pq.read_table(out / "reports.parquet").to_pylist()[0]
    assert first["error"] == "timed out after 0.2 s"
    summary = run([str(folder)], RunOptions(out=out, jobs=1, timeout=600))
    assert summary.read == 1 and summary.skipped == 0
    second = pq.read_table(out / "reports.parquet").to_pylist()[0]
    assert second["error"] != "timed out after 0.2 s"
    # A final failure of the file itself is not retried.
    assert run([str(folder)], RunOptions(out=out, jobs=1, timeout=600)).skipped == 1


@pytest.mark.parametrize("option", ["--timeout", "--max-memory", "--jobs"])
def test_limits_must_be_positive(tmp_path: Path, option: str) -> None:
    result = CliRunner().invoke(
        main, ["run", str(CORPUS / "jiaxing-stats-2022.txt"), "--out", str(tmp_path), option, "0"]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "positive" in result.output or "x>=1" in result.output
    with pytest.raises(ValueError, match="must be positive"):
        RunOptions(timeout=-1)


def test_workers_die_with_a_killed_run(tmp_path: Path) -> None:
    """A run killed with -9 leaves no reader running on without its limits."""
    _slow_text(tmp_path / "slow.txt", 2_000_000)
    script = tmp_path / "run_pool.py"
    script.write_text(
        f"""
import threading, time
from ogi.run.source import Task, extraction_options
from ogi.run.workers import WorkerPool
if __name__ == "__main__":
    pool = WorkerPool(1, extraction_options(), timeout=600)
    rows = pool.map([Task("slow", {str(tmp_path / "slow.txt")!r})])
    def report():
        while not pool.workers:
            time.sleep(0.05)
        print(pool.workers[0].process.pid, flush=True)
    threading.Thread(target=report, daemon=True).start()
    next(rows)
""",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    worker = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    for _ in range(100):
        try:
            state = Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return  # gone
        if state in ("Z", "X"):
            return  # dead, waiting to be reaped
        time.sleep(0.1)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the worker outlived the run")


def test_the_kernel_enforces_the_memory_limit_between_polls() -> None:
    """A reader that allocates past its limit at once is refused by the kernel (RLIMIT), before any poll."""
    from ogi.utils.limits import Limited, LimitExceeded
    from tests.sandbox_calls import allocate

    limited = Limited(allocate, timeout=60, max_memory_mb=100)
    try:
        started = time.monotonic()
        with pytest.raises(LimitExceeded, match="the kernel refused more memory"):
            limited(1500)
        assert time.monotonic() - started < 5  # not after allocate's 5 s sleep
    finally:
        limited.close()


def test_a_store_written_by_the_previous_release_is_migrated(tmp_path: Path) -> None:
    """The dataset of the previous release (tests/fixtures/release-0.1.0): opened, migrated, every source
    read again, and its parquet files kept until the new set is published."""
    out = tmp_path / "out"
    shutil.copytree(RELEASE, out)
    before = _digests(out)
    store = Store(out)
    try:
        assert store.note and "migrated" in store.note
        assert store.query("SELECT count(*) FROM reports WHERE ogi_version IS NULL") == [(1,)]
    finally:
        store.close()
    assert _digests(out) == before  # opening the store changes no published file
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(CORPUS / "jiaxing-stats-2022.txt", folder)
    summary = run([str(folder)], RunOptions(out=out))
    assert summary.read == 1
    _one_set(out)
    check_dataset(out)


def test_a_store_missing_a_column_is_migrated_and_a_damaged_one_set_aside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    folder = _inputs(tmp_path / "in", 1)
    run([str(folder)], RunOptions(out=out))
    store = Store(out)
    store.con.execute("ALTER TABLE reports DROP COLUMN scope")
    store.con.execute("DELETE FROM ogi_store")
    store.close()
    summary = run([str(folder)], RunOptions(out=out))
    assert summary.read == 1 and any("migrated" in n for n in summary.notes)
    (out / "ogi.duckdb").write_bytes(b"not a database" * 100)
    summary = run([str(folder)], RunOptions(out=out))
    assert summary.read == 1 and any("moved to ogi.duckdb." in n for n in summary.notes)
    assert list(out.glob("ogi.duckdb.*.bak"))
    _one_set(out)


def test_fifos_devices_dangling_links_and_empty_files_each_get_their_own_row(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "gone1.txt").symlink_to(tmp_path / "nowhere1")
    (folder / "gone2.txt").symlink_to(tmp_path / "nowhere2")
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    script = f"from ogi.run.pipeline import run; from ogi.run.options import RunOptions; run([{str(folder)!r}], RunOptions(out={str(out)!r}))"
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)
    rows = {Path(r["source"]).name: r for r in pq.read_table(out / "reports.parquet").to_pylist()}
    assert set(rows) == {"pipe.txt", "zero.txt", "gone1.txt", "gone2.txt", "empty.txt"}
    assert len({r["report_id"] for r in rows.values()}) == 5
    assert rows["pipe.txt"]["error"] == "not a regular file (a FIFO)"
    assert rows["zero.txt"]["error"] == "not a regular file (a device or socket)"
    assert rows["gone1.txt"]["error"].startswith("a link to nothing")
    assert all(r["status"] == "failed" for r in rows.values())


def test_two_runs_on_one_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    folder = _inputs(tmp_path / "in", 1)
    with dataset_lock(out):
        with pytest.raises(DatasetBusy, match="is writing"):
            run([str(folder)], RunOptions(out=out))
        result = CliRunner().invoke(main, ["run", str(folder), "--out", str(out), "-q"])
        assert result.exit_code == 1 and "another ogi run" in result.output
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    run([str(folder)], RunOptions(out=out))  # released: the next run goes on


def test_analysis_refuses_a_mixed_set(tmp_path: Path) -> None:
    """A reader of ogi's own checks the run ids: files of two runs are not analysed together."""
    from ogi.analysis.load import DatasetError, load

    a, b = tmp_path / "a", tmp_path / "b"
    run([str(_inputs(tmp_path / "in"))], RunOptions(out=a))
    run([str(tmp_path / "in")], RunOptions(out=b))
    load(a)
    shutil.copy(b / "cells.parquet", a / "cells.parquet")
    with pytest.raises(DatasetError, match="different runs"):
        load(a)
