"""Reading files in worker processes, with a time and memory limit per file.

A pathological file (one that hangs a parser, or balloons in memory) must not stall or sink a run of
hundreds of thousands: each worker reads one file at a time; the parent kills a worker that runs past
``timeout`` seconds or whose resident memory passes ``max_memory_mb``, records the file as ``failed``
with the reason, and starts a fresh worker. A worker that crashes (a segfault in a native library) is
handled the same way. Results are yielded as they finish, so the caller can stream them into the store.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import signal
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from ogi.dataset.rows import ReportRows
from ogi.extractors import ExtractOptions
from ogi.run.source import Task, read_task
from ogi.utils.limits import crash_reason, rss_mb

POLL = 0.1


def _worker_main(conn: Connection, options: ExtractOptions) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    while True:
        try:
            task = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if task is None:
            return
        conn.send(read_task(task, options))


class _Worker:
    def __init__(self, ctx: Any, options: ExtractOptions) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, options), daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.started = 0.0

    def give(self, task: Task) -> None:
        self.task = task
        self.started = time.monotonic()
        self.conn.send(task)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            self.conn.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self.conn.close()


def _context() -> Any:
    if not sys.platform.startswith("linux"):
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    # The fork server imports the readers once; each worker forked from it starts warm, so a file's time
    # limit measures reading the file, not importing ogi (and a replaced worker is ready at once).
    ctx.set_forkserver_preload([__name__])
    return ctx


class WorkerPool:
    """``jobs`` worker processes reading files, with per-file limits."""

    def __init__(
        self,
        jobs: int,
        options: ExtractOptions,
        timeout: float | None = None,
        max_memory_mb: int | None = None,
    ) -> None:
        self.jobs = max(1, jobs)
        self.options = options
        self.timeout = timeout
        self.max_memory_mb = max_memory_mb
        self.ctx = _context()
        self.workers: list[_Worker] = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        self.workers = []

    def map(self, tasks: Iterable[Task]) -> Iterator[ReportRows]:
        """ReportRows for every task, in the order they finish."""
        pending = deque(tasks)
        while len(self.workers) < min(self.jobs, len(pending)):
            self.workers.append(_Worker(self.ctx, self.options))
        while pending or any(w.task is not None for w in self.workers):
            for w in self.workers:
                if w.task is None and pending:
                    w.give(pending.popleft())
            busy = {w.conn: w for w in self.workers if w.task is not None}
            for conn in wait(list(busy), timeout=POLL):
                worker = busy[conn]
                task = worker.task
                assert task is not None
                try:
                    result = worker.conn.recv()
                except (EOFError, OSError):
                    worker.process.join(2)
                    code = worker.process.exitcode
                    yield task.failed(crash_reason(code), retry=True)
                    self._replace(worker)
                    continue
                worker.task = None
                yield result
            now = time.monotonic()
            for worker in list(self.workers):
                task = worker.task
                if task is None:
                    continue
                reason = None
                if self.timeout is not None and now - worker.started > self.timeout:
                    reason = f"timed out after {self.timeout:g} s"
                elif self.max_memory_mb is not None:
                    rss = rss_mb(worker.process.pid or 0)
                    if rss is not None and rss > self.max_memory_mb:
                        reason = f"over the memory limit ({rss:.0f} MB > {self.max_memory_mb} MB)"
                if reason is not None:
                    yield task.failed(reason, retry=True)
                    self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        index = self.workers.index(worker)
        self.workers[index] = _Worker(self.ctx, self.options)
