"""Functions a test runs in a limited child process (``ogi.utils.limits.Limited``): a module of their own,
light to import, since the child imports it to find them."""

from __future__ import annotations

import time


def sleep_for(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def allocate(mb: int) -> int:
    block = bytearray(mb * 1024 * 1024)
    time.sleep(5)
    return len(block)


def crash() -> None:
    import os
    import signal

    os.kill(os.getpid(), signal.SIGSEGV)


def fail() -> None:
    raise RuntimeError("a reader bug")


def slow_page(data: bytes, name: str) -> dict[str, object]:
    """A page reader that takes far longer than a test's read limit."""
    time.sleep(30)
    return {"status": None}
