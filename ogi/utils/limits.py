"""Limits on reading bytes from outside, stated once: their defaults, how a process's memory is measured,
how a crash is told, and a child process that calls one function under a time and a memory limit.

``Child`` is the one mechanism: ``ogi.run.workers`` keeps several (a run's worker pool), ``Limited``
keeps one for work done elsewhere on bytes from outside (the fetcher reads each downloaded page to find
the report file it links to, and a hostile page must not take the fetch down with it).

A child is limited three ways: the parent kills it when a call runs past its time or when its resident
memory passes the limit (polled); the kernel refuses it memory past the limit between two polls
(``RLIMIT_DATA`` over what it held when it started); and it dies with the process that started it
(``PR_SET_PDEATHSIG``), so a killed run leaves no reader running without limits.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any

#: The limits of ``ogi run`` for reading one file (its ``--timeout`` and ``--max-memory`` defaults).
READ_TIMEOUT = 300.0
READ_MAX_MEMORY_MB = 2048
POLL = 0.1
#: Seconds a reader process may take to start (not counted in a call's time).
STARTUP = 120.0
_PR_SET_PDEATHSIG = 1


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux), or None where /proc is not available."""
    return _status_mb(f"/proc/{pid}/status", "VmRSS:")


def _status_mb(path: str, key: str) -> float | None:
    try:
        with open(path, encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key):
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


def timed_out(seconds: float) -> str:
    return f"timed out after {seconds:g} s"


def over_memory(rss: float, limit: int) -> str:
    return f"over the memory limit ({rss:.0f} MB > {limit} MB)"


class LimitExceeded(Exception):
    """The call ran past a limit, crashed the child or raised: ``reason`` says which, in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def context(preload: Sequence[str] = ()) -> Any:
    """The multiprocessing context for children: a fork server (with ``preload`` imported once, so each
    child starts warm) on Linux, spawn elsewhere."""
    if not sys.platform.startswith("linux"):
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    if preload:
        ctx.set_forkserver_preload(list(preload))
    return ctx


def _die_with_parent() -> None:
    """Ask the kernel to kill this process when the process that forked it ends (Linux).

    A child of the fork server also lets go of the server's "alive" pipe, which multiprocessing hands to
    every child: while any child held it, the server would outlive the run, and the child its server."""
    if not sys.platform.startswith("linux"):
        return
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if alive is not None:
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver_alive_fd = None  # type: ignore[union-attr]
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _cap_memory(max_memory_mb: int | None) -> None:
    """Let the kernel refuse this process memory past ``max_memory_mb`` over what it holds now."""
    if max_memory_mb is None:
        return
    try:
        import resource
    except ImportError:
        return
    held = _status_mb("/proc/self/status", "VmData:")
    if held is None:
        return
    limit = int((held + max_memory_mb) * 1024 * 1024)
    with contextlib.suppress(OSError, ValueError):
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _child_main(
    conn: Connection, fn: Callable[..., Any], bound: tuple[Any, ...], max_memory_mb: int | None
) -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _cap_memory(max_memory_mb)
    conn.send((True, "ready"))  # ``fn`` and its module are loaded: calls are timed from here
    while True:
        try:
            args = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if args is None:
            return
        try:
            conn.send((True, fn(*bound, *args)))
        except MemoryError:
            conn.send((False, "over the memory limit (the kernel refused more memory)"))
        except Exception as exc:  # the caller gets the reason; the child lives on
            conn.send((False, f"{type(exc).__name__}: {exc}"[:300]))


class Child:
    """One child process that calls ``fn(*bound, *args)`` for each ``give(args)``, one call at a time.

    ``fn`` must be a module-level function (it is pickled). The parent owns the limits: ``overrun`` says
    whether the running call passed its time or memory, ``kill`` ends the child."""

    def __init__(
        self,
        ctx: Any,
        fn: Callable[..., Any],
        bound: tuple[Any, ...] = (),
        max_memory_mb: int | None = None,
    ) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_child_main, args=(child, fn, bound, max_memory_mb), daemon=True)
        self.process.start()
        child.close()
        self.started = 0.0
        self.busy = False

    def wait_ready(self, seconds: float = STARTUP) -> None:
        """Block until the child has loaded ``fn``; ``LimitExceeded`` when it does not start."""
        try:
            ready = self.conn.poll(seconds) and self.conn.recv() == (True, "ready")
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.process.join(0.5)
            gone = self.process.exitcode is not None
            self.kill()
            if gone:
                raise LimitExceeded(
                    f"the reader process did not start: {crash_reason(self.process.exitcode)}"
                )
            raise LimitExceeded(f"the reader process did not start within {seconds:g} s")

    def give(self, args: tuple[Any, ...]) -> None:
        self.started = time.monotonic()
        self.busy = True
        self.conn.send(args)

    def answer(self) -> tuple[bool, Any]:
        """The running call's (ok, result or reason); ``LimitExceeded`` when the child died instead."""
        try:
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(2)
            raise LimitExceeded(crash_reason(self.process.exitcode)) from None
        self.busy = False
        return ok, value

    def overrun(self, timeout: float | None, max_memory_mb: int | None) -> str | None:
        """Why the running call must be stopped (past its time, over the memory limit, or the child is
        gone), or None."""
        if timeout is not None and time.monotonic() - self.started > timeout:
            return timed_out(timeout)
        if max_memory_mb is not None:
            rss = rss_mb(self.process.pid or 0)
            if rss is not None and rss > max_memory_mb:
                return over_memory(rss, max_memory_mb)
        if not self.process.is_alive() and not self.conn.poll(0):
            return crash_reason(self.process.exitcode)
        return None

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        """End the child between calls (or kill it when it does not end)."""
        with contextlib.suppress(OSError, ValueError, BrokenPipeError):
            self.conn.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self.conn.close()


class Limited:
    """``fn`` (a module-level function: it is pickled) called in a child process, each call under
    ``timeout`` seconds and ``max_memory_mb`` of resident memory; with neither, called in this process."""

    def __init__(self, fn: Callable[..., Any], timeout: float | None, max_memory_mb: int | None) -> None:
        self.fn = fn
        self.timeout = timeout
        self.max_memory_mb = max_memory_mb
        self._lock = threading.Lock()
        self._child: Child | None = None

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
        child = self._start()
        try:
            child.give(args)
        except (OSError, ValueError) as exc:
            self._kill()
            raise LimitExceeded(f"the reader could not be given the work ({exc})") from exc
        while True:
            left = None if self.timeout is None else self.timeout - (time.monotonic() - child.started)
            if child.conn.poll(POLL if left is None else max(0.0, min(POLL, left))):
                try:
                    ok, value = child.answer()
                except LimitExceeded:
                    self._kill()
                    raise
                if ok:
                    return value
                raise LimitExceeded(str(value))
            reason = child.overrun(self.timeout, self.max_memory_mb)
            if reason is not None:
                self._kill()
                raise LimitExceeded(reason)

    def _start(self) -> Child:
        if self._child is not None and self._child.process.is_alive():
            return self._child
        self._kill()
        try:
            child = Child(context(), self.fn, (), self.max_memory_mb)
        except Exception as exc:  # no child process here (a daemonic process cannot have one)
            raise LimitExceeded(f"no reader process: {type(exc).__name__}: {exc}"[:300]) from exc
        child.wait_ready()
        self._child = child
        return child

    def _kill(self) -> None:
        if self._child is not None:
            self._child.kill()
        self._child = None

    def close(self) -> None:
        """Stop the child (it finishes nothing: calls are synchronous, so none is running)."""
        with self._lock:
            if self._child is not None:
                self._child.stop()
            self._child = None
