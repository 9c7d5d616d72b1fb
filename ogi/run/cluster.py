"""Running the per-file work on a Dask distributed cluster (``ogi run --engine dask``).

The same per-document path as the local worker pool (``ogi.run.source``) runs on Dask workers; results
come back to the client, which streams them into its store exactly as a local run does, so the dataset
is the same. Workers that do not share this machine's files get the prepared bytes and options
(``prepare`` runs here: the file's bytes and the pictures the fetch cache kept for a web page). Without a
scheduler address a ``LocalCluster`` is started. A bounded number of tasks is in flight at a time so
memory stays flat however many files there are.

Per-file limits: each task runs its file in a thread and gives up waiting after ``timeout`` (the file is
recorded ``failed``; the thread is abandoned); memory is bounded by the workers' own ``memory_limit``
(Dask's nanny restarts a worker that passes it, and the file is recorded ``failed``).
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterable, Iterator
from typing import Any

from ogi.dataset.rows import ReportRows
from ogi.extractors import ExtractOptions
from ogi.run.source import Prepared, Task, prepare, read_prepared, read_task
from ogi.utils.limits import timed_out

IN_FLIGHT_PER_WORKER = 4


def _run_one(task: Task, options: ExtractOptions, timeout: float | None, prepared: Prepared | None) -> Any:
    """Executed on a Dask worker: the prepared bytes when the client shipped them, else the file."""

    def work() -> ReportRows:
        return read_prepared(prepared) if prepared is not None else read_task(task, options)

    if timeout is None:
        return work()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(work)
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        return task.failed(timed_out(timeout), retry=True)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def dask_map(
    tasks: Iterable[Task],
    options: ExtractOptions,
    *,
    scheduler: str | None = None,
    jobs: int = 2,
    timeout: float | None = None,
    max_memory_mb: int | None = None,
    send_bytes: bool | None = None,
) -> Iterator[Any]:
    """ReportRows for every task, in the order they finish, computed on a Dask cluster.

    ``send_bytes``: ship each file's bytes to the workers (needed when they do not share this machine's
    filesystem); by default, only when a remote ``scheduler`` is given.
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise RuntimeError("the Dask engine needs the extra: pip install 'ogi[dask]'") from exc
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=max(1, jobs),
            threads_per_worker=1,
            processes=True,
            memory_limit=f"{max_memory_mb}MB" if max_memory_mb else "auto",
            dashboard_address=None,
        )
        client = Client(cluster)
    ship = bool(scheduler) if send_bytes is None else send_bytes
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        window = n_workers * IN_FLIGHT_PER_WORKER
        todo = iter(tasks)
        futures: dict[Any, Task] = {}
        unreadable: list[ReportRows] = []
        done = as_completed()

        def submit(task: Task) -> None:
            prepared = None
            if ship:
                p = prepare(task, options)
                if isinstance(p, ReportRows):
                    unreadable.append(p)
                    return
                prepared = p
            fut = client.submit(_run_one, task, options, timeout, prepared, pure=False, retries=0)
            futures[fut] = task
            done.add(fut)

        for task in todo:
            submit(task)
            if len(futures) >= window:
                break
        while futures or unreadable:
            while unreadable:
                yield unreadable.pop()
            if not futures:
                break
            fut = next(done)
            task = futures.pop(fut)
            try:
                yield fut.result()
            except Exception as exc:  # a worker killed for memory, or lost
                yield task.failed(_reason(exc, max_memory_mb), retry=True)
            fut.release()
            nxt = next(todo, None)
            if nxt is not None:
                submit(nxt)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _reason(exc: Exception, max_memory_mb: int | None) -> str:
    name = type(exc).__name__
    if name == "KilledWorker":
        limit = f" (memory limit {max_memory_mb} MB)" if max_memory_mb else ""
        return f"the Dask worker reading it was killed{limit}"
    return f"failed on the Dask cluster: {name}: {exc}"
