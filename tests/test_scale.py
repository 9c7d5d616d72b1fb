"""Worker processes, per-file limits, and the Dask engine give the same dataset as a serial run."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from ogi.run.options import RunOptions
from ogi.run.pipeline import run
from tests.conftest import IN_CI
from tests.contract import check_dataset


def _comparable(out: Path) -> dict[str, list[str]]:
    tables = check_dataset(out)
    for r in tables["reports"]:
        r.pop("seconds")
        r.pop("ogi_version")
    return {k: sorted(map(repr, v)) for k, v in tables.items()}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, jiaxing_bytes: bytes) -> Path:
    root = tmp_path_factory.mktemp("scale") / "in"
    root.mkdir()
    text = jiaxing_bytes.decode("utf-8")
    for i in range(12):
        variant = text.replace("行政处罚\n\t13", f"行政处罚\n\t{13 + i}")
        variant = variant.replace(
            "嘉兴市统计局2022年度", f"嘉兴市统计局{2015 + i % 8}年度" if i % 3 else "嘉兴市统计局2022年度"
        )
        (root / f"r{i:02d}.txt").write_text(variant, encoding="utf-8")
    (root / "copy.txt").write_bytes((root / "r00.txt").read_bytes())
    (root / "empty.txt").write_bytes(b"")
    return root


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory, folder: Path) -> dict[str, list[str]]:
    out = tmp_path_factory.mktemp("serial") / "out"
    run([str(folder)], RunOptions(out=out, jobs=1))
    return _comparable(out)


def test_parallel_equals_serial(tmp_path: Path, folder: Path, serial: dict[str, list[str]]) -> None:
    out = tmp_path / "out"
    summary = run([str(folder)], RunOptions(out=out, jobs=2, timeout=120, max_memory_mb=4096))
    assert summary.read == 14
    assert _comparable(out) == serial


def _slow_text(path: Path, rows: int) -> None:
    """A real pathological input: a huge text rendering with a very long table."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("某局2023年度政府信息公开工作年度报告\n")
        for i in range(rows):
            fh.write(f"\t行{i}\n\t{i}\n\t{i}\n\n")


def test_a_file_past_the_timeout_is_recorded(tmp_path: Path, jiaxing_bytes: bytes) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(jiaxing_bytes)
    _slow_text(folder / "huge.txt", 400_000)
    run([str(folder)], RunOptions(out=tmp_path / "out", jobs=2, timeout=1.0))
    tables = check_dataset(tmp_path / "out")
    by = {Path(r["source"]).name: r for r in tables["reports"]}
    assert by["good.txt"]["status"] == "ok"
    assert by["huge.txt"]["status"] == "failed" and by["huge.txt"]["error"] == "timed out after 1 s"


def test_a_file_over_the_memory_limit_is_recorded(tmp_path: Path, jiaxing_bytes: bytes) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(jiaxing_bytes)
    _slow_text(folder / "huge.txt", 400_000)
    run([str(folder)], RunOptions(out=tmp_path / "out", jobs=1, timeout=120, max_memory_mb=250))
    by = {Path(r["source"]).name: r for r in check_dataset(tmp_path / "out")["reports"]}
    assert by["good.txt"]["status"] == "ok"
    assert by["huge.txt"]["status"] == "failed"
    assert by["huge.txt"]["error"].startswith("over the memory limit")


def test_a_crashing_reader_is_recorded(tmp_path: Path, jiaxing_bytes: bytes) -> None:
    """A reader killed from outside (as a segfault in a native library would end it) fails that file alone."""
    import signal
    import threading

    from ogi.run import workers
    from ogi.run.source import Task, extraction_options

    _slow_text(tmp_path / "huge.txt", 400_000)
    (tmp_path / "good.txt").write_bytes(jiaxing_bytes)
    tasks = [
        Task("huge", str(tmp_path / "huge.txt"), 10**9),
        Task("good", str(tmp_path / "good.txt"), 10**9),
    ]
    with workers.WorkerPool(1, extraction_options(), timeout=120) as pool:

        def kill_busy_worker() -> None:
            for w in pool.workers:
                task = pool.tasks.get(id(w))
                if w.busy and task is not None and task.source == "huge":
                    os.kill(w.process.pid or 0, signal.SIGKILL)

        timer = threading.Timer(1.5, kill_busy_worker)
        timer.start()
        results = {r.report["source"]: r.report for r in pool.map(tasks)}
        timer.cancel()
    assert results["good"]["status"] == "ok"
    assert results["huge"]["status"] == "failed"
    assert results["huge"]["error"] == "the reader crashed (SIGKILL)"


dask_available = importlib.util.find_spec("distributed") is not None


@pytest.mark.skipif(not dask_available and not IN_CI, reason="the dask extra is not installed")
def test_dask_engine_equals_serial(tmp_path: Path, folder: Path, serial: dict[str, list[str]]) -> None:
    out = tmp_path / "out"
    run([str(folder)], RunOptions(out=out, engine="dask", jobs=2, timeout=120))
    assert _comparable(out) == serial


@pytest.mark.skipif(not dask_available and not IN_CI, reason="the dask extra is not installed")
def test_dask_workers_get_the_page_images_a_local_run_gets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a cluster that does not share this machine's files, the bytes are shipped with what the local
    path hands to OCR: the pictures the fetch cache kept for a web page whose tables are images."""
    from distributed import LocalCluster

    import ogi.run.source
    from ogi.extractors import Document
    from ogi.fetchers.cache import Cache
    from ogi.run.cluster import dask_map
    from ogi.run.source import Task, extraction_options

    page = "https://www.example.gov.cn/art/2024/1/1/art_1.html"
    picture = "https://www.example.gov.cn/pic/t4.png"
    html = (
        "<html><body><h1>某某局2023年政府信息公开工作年度报告</h1><p><img src='/pic/t4.png'></p></body></html>"
    ).encode()
    cache = Cache(tmp_path / "cache")
    cache.store(page, final_url=page, status=200, content_type="text/html", data=html, role="page")
    cache.store(
        picture,
        final_url=picture,
        status=200,
        content_type="image/png",
        data=b"\x89PNG",
        role="image",
        referrer=page,
    )
    cache.save()
    path = next(p for p in (tmp_path / "cache").rglob("*.html"))
    seen: dict[str, object] = {}

    def fake_extract(data: bytes, fmt: str, *, name: str = "", options: object = None) -> Document:
        seen["images"] = dict(getattr(options, "images", {}))
        seen["page_url"] = getattr(options, "page_url", "")
        return Document(format=fmt)

    monkeypatch.setattr(ogi.run.source, "extract", fake_extract)
    # In-process workers, so the stand-in extractor is the one they call; a scheduler address makes
    # dask_map ship prepared bytes as it does to a remote cluster.
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        rows = list(
            dask_map([Task(page, str(path))], extraction_options(), scheduler=cluster.scheduler_address)
        )
    assert len(rows) == 1
    assert seen == {"images": {picture: b"\x89PNG"}, "page_url": page}
