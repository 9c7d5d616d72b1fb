"""One writer per dataset folder: a second ``ogi run`` on the same ``--out`` is refused, not interleaved.

An advisory ``flock`` on ``.ogi.lock`` in the folder; the kernel releases it when the process ends, however
it ends (kill -9 included), so a crashed run never leaves the folder locked.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from ogi.dataset.store import StoreError

LOCK_NAME = ".ogi.lock"


class DatasetBusy(StoreError):
    """Another process is writing the dataset folder."""


@contextlib.contextmanager
def dataset_lock(out: Path) -> Iterator[None]:
    """Hold the dataset folder's write lock for the block; ``DatasetBusy`` when another run holds it."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no advisory locks; one writer is then the user's business
        yield
        return
    path = Path(out) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot write the dataset folder {out}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise DatasetBusy(
                f"another ogi run ({holder}) is writing {out}: wait for it to finish, or use another --out"
            ) from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        yield
    finally:
        os.close(fd)
