"""Reading files in worker processes, with a time and memory limit per file.

A pathological file (one that hangs a parser, or balloons in memory) must not stall or sink a run of
hundreds of thousands: each worker (``ogi.utils.limits.Child``) reads one file at a time; the parent kills a
worker that runs past ``timeout`` seconds or whose resident memory passes ``max_memory_mb`` (the kernel
also refuses it memory past the limit between two polls), records the file as ``failed`` with the
reason, and starts a fresh worker. A worker that crashes (a segfault in a native library) is handled the
same way. Such failures are the run's, not the file's: the next run reads the file again. Workers die
with the run, however it ends. Results are yielded as they finish, so the caller can stream them into
the store.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import wait

from ogi.dataset.rows import ReportRows
from ogi.extractors import ExtractOptions
from ogi.run.source import Task, read_task
from ogi.utils.limits import POLL, Child, LimitExceeded, context


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
        # The fork server imports the readers once; each worker forked from it starts warm, so a file's
        # time limit measures reading the file, not importing ogi (and a replaced worker is ready at once).
        self.ctx = context(preload=[__name__])
        self.workers: list[Child] = []
        self.tasks: dict[int, Task] = {}

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        self.workers = []

    def _start(self) -> Child:
        worker = Child(self.ctx, read_task, (), self.max_memory_mb)
        worker.wait_ready()
        return worker

    def map(self, tasks: Iterable[Task]) -> Iterator[ReportRows]:
        """ReportRows for every task, in the order they finish."""
        pending = deque(tasks)
        while len(self.workers) < min(self.jobs, len(pending)):
            self.workers.append(self._start())
        while pending or any(w.busy for w in self.workers):
            for w in self.workers:
                if not w.busy and pending:
                    task = pending.popleft()
                    self.tasks[id(w)] = task
                    w.give((task, self.options))
            busy = {w.conn: w for w in self.workers if w.busy}
            for conn in wait(list(busy), timeout=POLL):
                worker = busy[conn]
                task = self.tasks[id(worker)]
                try:
                    ok, value = worker.answer()
                except LimitExceeded as exc:
                    yield task.failed(exc.reason, retry=True)
                    self._replace(worker)
                    continue
                yield value if ok else task.failed(f"internal error {value}")
            for worker in list(self.workers):
                if not worker.busy:
                    continue
                reason = worker.overrun(self.timeout, self.max_memory_mb)
                if reason is not None:
                    yield self.tasks[id(worker)].failed(reason, retry=True)
                    self._replace(worker)

    def _replace(self, worker: Child) -> None:
        worker.kill()
        self.tasks.pop(id(worker), None)
        self.workers[self.workers.index(worker)] = self._start()
