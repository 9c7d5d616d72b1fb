"""What a run reads: the sources behind its inputs (files, folders, a fetch cache), and their bytes.

The skip rules (ogi's own output, hidden files, a fetch cache's index pages and kept images) and the size
limit are stated here once.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ogi.fetchers.cache import skipped_paths, urls_by_path
from ogi.run.options import DEFAULT_MAX_BYTES
from ogi.utils.files import local_source

#: Files that are ogi's own output or bookkeeping, never reports.
SKIP_SUFFIXES = (".parquet", ".duckdb", ".wal", ".tmp", ".pyc")
SKIP_NAMES = (
    "manifest.parquet",
    "dictionary.md",
    "dictionary.csv",
    "datapackage.json",
    "metadata.json",
    ".DS_Store",
    "Thumbs.db",
)


@dataclass(frozen=True)
class Source:
    """One input: where it is read from (``path``) and how it is identified (``source``)."""

    source: str
    path: Path
    #: Why the source could not be fetched (URL inputs); the run writes a ``failed`` row with it.
    error: str | None = None


def resolve_sources(inputs: Iterable[str], exclude: Iterable[Path] = ()) -> list[Source]:
    """Files and folders (recursive) as sources; ogi's own output and hidden files are skipped.

    A folder holding a fetch cache's ``manifest.parquet`` maps its files back to their URLs.
    """
    excluded = [Path(e).resolve() for e in exclude]
    out: dict[str, Source] = {}
    for item in inputs:
        path = Path(item).expanduser()
        if not path.exists():
            raise FileNotFoundError(f"no such file or folder: {item}")
        if not path.is_dir():  # a file, or a link to one or to nothing
            src = _source_for(Path(local_source(path)))
            out[src.source] = src
            continue
        url_of = urls_by_path(path)
        not_reports = skipped_paths(path) if url_of else set()
        for file in _walk(path.resolve(), excluded):
            if file in not_reports:
                continue
            src = Source(url_of.get(file, str(file)), file)
            out[src.source] = src
    return sorted(out.values(), key=lambda s: s.source)


def _source_for(path: Path) -> Source:
    urls = urls_by_path(path.parent)
    return Source(urls.get(path, str(path)), path)


def _walk(root: Path, excluded: list[Path]) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and (here / d).resolve() not in excluded
        )
        for name in sorted(filenames):
            if name.startswith(".") or name in SKIP_NAMES or name.endswith(SKIP_SUFFIXES):
                continue
            # The file as the folder lists it: a link is its own source (its target may be a device, or gone).
            yield here / name


def read_file_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes | str:
    """A file's bytes, or a one-line reason it cannot be read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return f"file too large ({size / 2**20:.0f} MB > {max_bytes / 2**20:.0f} MB limit)"
        return path.read_bytes()
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"


def not_a_file(path: Path) -> str | None:
    """Why ``path`` is not a regular file ogi can read (a dangling link, a FIFO, a device …), or None.

    Checked before anything opens the file: reading a FIFO or ``/dev/zero`` would never end."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if os.path.islink(path):
            return f"a link to nothing ({os.readlink(path)})"
        return f"cannot read file: {exc.strerror or exc}"
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
        return f"not a regular file ({kind})"
    return None


def file_sha256(path: str | Path) -> str | None:
    """SHA-256 of a file, streamed (a too-large file still gets its identity); None when it cannot be read."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()
