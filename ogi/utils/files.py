"""Writing a file so that readers only ever see a whole earlier or a whole later version.

Every file ogi writes goes through ``atomic_path``: the content goes to a temporary file beside the target
(same folder, so the rename cannot cross file systems), which replaces the target in one ``os.replace``
when the writing succeeded, and is removed when it did not (an exception, a full disk).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: Path, suffix: str = "") -> Iterator[Path]:
    """A fresh temporary path beside ``target`` (no file there yet) to write to; it replaces ``target`` when
    the block ends without an exception. ``suffix`` ends the temporary name (writers that choose their
    format by it)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp" + suffix)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # writers such as DuckDB want to create the file themselves
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(target: Path, data: bytes) -> None:
    """``target`` holds ``data``, or (on any failure) what it held before."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(target: Path, text: str) -> None:
    """``target`` holds ``text`` (UTF-8), or (on any failure) what it held before."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def local_source(path: str | Path) -> str:
    """A local file's ``source`` (contract §2): absolute, its folder resolved, its own name kept, so a
    link is a source of its own (its target may be a device, or gone)."""
    p = Path(os.path.abspath(Path(path).expanduser()))
    return str(p.parent.resolve() / p.name)
