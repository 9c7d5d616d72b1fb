"""Limits on reading bytes from outside, stated once: their defaults, how a process's memory is measured,
how a crash is told, and calling a function in a child process under a time and a memory limit.

``ogi.run.workers`` reads every file of a run under these limits; ``Limited`` does the same for work
done elsewhere on bytes from outside: the fetcher reads each downloaded page to find the report file it
links to, and a hostile page must not take the fetch down with it. The child is started on first use,
serves one call at a time, and is replaced after a call that ran past a limit or crashed it.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import signal
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

#: The limits of ``ogi run`` for reading one file (its ``--timeout`` and ``--max-memory`` defaults).
READ_TIMEOUT = 300.0
READ_MAX_MEMORY_MB = 2048
POLL = 0.1
#: Seconds a reader process may take to start (not counted in a call's time).
STARTUP = 120.0


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux), or None where /proc is not available."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def crash_reason(code: int | None) -> str:
    """Why a reader process ended without an answer, from its exit code (a signal by name)."""
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"the reader crashed ({name})"
    return f"the reader crashed (exit code {code})"


class LimitExceeded(Exception):
    """The call ran past a limit, crashed the child or raised: ``reason`` says which, in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _child(conn: Connection, fn: Callable[..., Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    conn.send((True, "ready"))  # ``fn`` and its module are loaded: calls are timed from here
    while True:
        try:
            args = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if args is None:
            return
        try:
            conn.send((True, fn(*args)))
        except MemoryError:
            conn.send((False, "out of memory"))
        except Exception as exc:  # the caller gets the reason; the child lives on
            conn.send((False, f"{type(exc).__name__}: {exc}"[:300]))


class Limited:
    """``fn`` (a module-level function: it is pickled) called in a child process, each call under
    ``timeout`` seconds and ``max_memory_mb`` of resident memory; with neither, called in this process."""

    def __init__(self, fn: Callable[..., Any], timeout: float | None, max_memory_mb: int | None) -> None:
        self.fn = fn
        self.timeout = timeout
        self.max_memory_mb = max_memory_mb
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Connection | None = None

    def __call__(self, *args: Any) -> Any:
        """``fn(*args)``; raises ``LimitExceeded`` when the call fails in any way."""
        if self.timeout is None and self.max_memory_mb is None:
            try:
                return self.fn(*args)
            except Exception as exc:
                raise LimitExceeded(f"{type(exc).__name__}: {exc}"[:300]) from exc
        with self._lock:
            return self._call(args)

    def _call(self, args: tuple[Any, ...]) -> Any:
        try:
            conn = self._start()
        except LimitExceeded:
            raise
        except Exception as exc:  # no child process here (a daemonic process cannot have one)
            self._kill()
            raise LimitExceeded(f"no reader process: {type(exc).__name__}: {exc}"[:300]) from exc
        started = time.monotonic()
        try:
            conn.send(args)
        except (OSError, ValueError) as exc:
            self._kill()
            raise LimitExceeded(f"the reader could not be given the work ({exc})") from exc
        while True:
            if conn.poll(POLL):
                try:
                    ok, value = conn.recv()
                except (EOFError, OSError):
                    self._process.join(2)
                    code = self._process.exitcode
                    self._kill()
                    raise LimitExceeded(crash_reason(code)) from None
                if ok:
                    return value
                raise LimitExceeded(str(value))
            if self.timeout is not None and time.monotonic() - started > self.timeout:
                self._kill()
                raise LimitExceeded(f"timed out after {self.timeout:g} s")
            if self.max_memory_mb is not None:
                rss = rss_mb(self._process.pid or 0)
                if rss is not None and rss > self.max_memory_mb:
                    self._kill()
                    raise LimitExceeded(f"over the memory limit ({rss:.0f} MB > {self.max_memory_mb} MB)")
            if not self._process.is_alive() and not conn.poll(0):
                code = self._process.exitcode
                self._kill()
                raise LimitExceeded(crash_reason(code))

    def _start(self) -> Connection:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        self._kill()
        ctx: Any = mp.get_context("forkserver" if sys.platform.startswith("linux") else "spawn")
        parent, child = ctx.Pipe()
        self._process = ctx.Process(target=_child, args=(child, self.fn), daemon=True)
        self._process.start()
        child.close()
        self._conn = parent
        try:
            ready = parent.poll(STARTUP) and parent.recv() == (True, "ready")
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._kill()
            raise LimitExceeded(f"the reader process did not start within {STARTUP:g} s")
        return parent

    def _kill(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def close(self) -> None:
        """Stop the child (it finishes nothing: calls are synchronous, so none is running)."""
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(OSError, ValueError):
                    self._conn.send(None)
            if self._process is not None:
                self._process.join(2)
            self._kill()
