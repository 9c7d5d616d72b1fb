"""The fetch cache: downloaded files by host, and ``manifest.parquet`` saying where each came from.

Layout (``data/cache`` by default)::

    manifest.parquet              one row per URL (contract §8), written atomically
    .fetch-state.json             ETag / Last-Modified per URL (conditional GETs of index pages), and what
                                  a report page links to, by its sha256 (a re-crawl need not re-read it)
    <host>/<hash>-<name>          report pages and attachments (what ``ogi run`` reads)
    <host>/_index/<hash>-<name>   index pages of a report column (kept for provenance, never read as reports)
    <host>/_images/<hash>-<name>  images of report pages whose tables are pictures (belong to that page)

``ogi run`` over the cache (or a folder inside it) maps each file back to its URL through the manifest,
so every report keeps its URL as ``source``, and skips the index pages and images.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import threading
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import pyarrow as pa
import pyarrow.parquet as pq

from ogi.utils.files import atomic_path, write_bytes_atomic
from ogi.utils.text import IDEOGRAPHS

MANIFEST = "manifest.parquet"
STATE = ".fetch-state.json"
INDEX_DIR = "_index"
IMAGE_DIR = "_images"
#: Roles a cached URL can have; they decide the folder (see the module docstring).
ROLES = ("page", "attachment", "index", "image")

SCHEMA = pa.schema(
    [
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("http_status", pa.int16()),
        ("content_type", pa.string()),
        ("bytes", pa.int64()),
        ("sha256", pa.string()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("path", pa.string()),
        ("referrer", pa.string()),
        ("error", pa.string()),
    ]
)

_EXT_BY_TYPE = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-works": ".wps",
    "application/kswps": ".wps",
    "text/plain": ".txt",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
}
_UNSAFE = re.compile(rf"[^\w.\-{IDEOGRAPHS}]+")


@dataclass
class Entry:
    """One manifest row."""

    url: str
    final_url: str | None = None
    http_status: int | None = None
    content_type: str | None = None
    bytes: int | None = None
    sha256: str | None = None
    fetched_at: dt.datetime | None = None
    path: str | None = None
    referrer: str | None = None
    error: str | None = None

    @property
    def is_image(self) -> bool:
        return (self.content_type or "").lower().startswith("image/") or IMAGE_DIR in _parts(self.path)

    @property
    def is_index(self) -> bool:
        return INDEX_DIR in _parts(self.path)


def _parts(path: str | None) -> tuple[str, ...]:
    return PurePosixPath(path).parts if path else ()


def file_name(url: str, role: str, content_type: str | None) -> str:
    """``<host>[/_index|/_images]/<hash>-<name>``: stable for a URL, safe on every filesystem."""
    parts = urlsplit(url)
    # A host is one folder: never ``.``/``..`` or a hidden name (``http://../x`` through a proxy).
    host = _UNSAFE.sub("_", parts.netloc.lower()).lstrip(".") or "_"
    base = unquote(parts.path.rsplit("/", 1)[-1]) or "index"
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = _UNSAFE.sub("_", stem)[:60].strip("._") or "file"
    ext = _UNSAFE.sub("", ext.lower())[:8]
    if not ext or len(ext) > 5:
        mime = (content_type or "").split(";")[0].strip().lower()
        ext = _EXT_BY_TYPE.get(mime, ".bin").lstrip(".")
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]
    sub = {"index": INDEX_DIR, "image": IMAGE_DIR}.get(role)
    name = f"{digest}-{stem}.{ext}"
    return f"{host}/{sub}/{name}" if sub else f"{host}/{name}"


def inside(root: Path, rel: str) -> Path | None:
    """``root / rel`` when it resolves inside the cache folder ``root`` (symbolic links followed), else
    None: a manifest row or a name that points elsewhere is never read or written."""
    path = root / rel
    try:
        if path.resolve().is_relative_to(root.resolve()) and not PurePosixPath(rel).is_absolute():
            return path
    except (OSError, ValueError, RuntimeError):
        pass
    return None


class Cache:
    """The cache folder and its manifest, safe to use from several fetching threads."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.RLock()
        self.entries: dict[str, Entry] = {e.url: e for e in read_manifest(self.root / MANIFEST)}
        self.validators: dict[str, dict[str, str]] = {}
        self.pages: dict[str, dict[str, Any]] = {}
        state = self.root / STATE
        if state.exists():
            try:
                saved = json.loads(state.read_text(encoding="utf-8"))
                self.validators = dict(saved.get("validators", {}))
                self.pages = dict(saved.get("pages", {}))
            except (OSError, ValueError, AttributeError):
                pass
        self._dirty = 0

    # -- reading -------------------------------------------------------------------------------------

    def entry(self, url: str) -> Entry | None:
        with self._lock:
            return self.entries.get(url)

    def file(self, url: str) -> Path | None:
        """The cached file of ``url`` when a good copy is on disk."""
        e = self.entry(url)
        if e is None or e.path is None:
            return None
        path = inside(self.root, e.path)
        return path if path is not None and path.is_file() else None

    def read(self, url: str) -> bytes | None:
        path = self.file(url)
        return path.read_bytes() if path is not None else None

    # -- writing -------------------------------------------------------------------------------------

    def store(
        self,
        url: str,
        *,
        final_url: str,
        status: int,
        content_type: str | None,
        data: bytes,
        role: str,
        referrer: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Entry:
        """Keep a downloaded file (replacing an older copy of the same URL) and its manifest row."""
        with self._lock:
            old = self.entries.get(url)
        rel = old.path if old is not None and old.path else file_name(url, role, content_type)
        path = inside(self.root, rel)
        if path is None:
            raise ValueError(f"cache path outside the cache folder: {rel[:100]}")
        write_bytes_atomic(path, data)
        entry = Entry(
            url=url,
            final_url=final_url,
            http_status=status,
            content_type=content_type,
            bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            fetched_at=_now(),
            path=rel,
            referrer=referrer if referrer is not None else (old.referrer if old else None),
            error=None,
        )
        with self._lock:
            self.entries[url] = entry
            v = {k: val for k, val in (("etag", etag), ("last_modified", last_modified)) if val}
            if v:
                self.validators[url] = v
            else:
                self.validators.pop(url, None)
            self._touch()
        return entry

    def revalidated(self, url: str) -> Entry | None:
        """The server said 304: the cached copy is current."""
        with self._lock:
            e = self.entries.get(url)
            if e is not None:
                e.fetched_at = _now()
                self._touch()
            return e

    def failed(
        self,
        url: str,
        *,
        error: str,
        status: int | None = None,
        final_url: str | None = None,
        content_type: str | None = None,
        referrer: str | None = None,
    ) -> Entry:
        """Record a failed fetch. A good copy fetched earlier is kept (and stays the manifest's row)."""
        with self._lock:
            old = self.entries.get(url)
            if old is not None and old.path and self.file(url) is not None:
                return old
            entry = Entry(
                url=url,
                final_url=final_url,
                http_status=status,
                content_type=content_type,
                fetched_at=_now(),
                referrer=referrer,
                error=error,
            )
            self.entries[url] = entry
            self._touch()
            return entry

    def etag(self, url: str) -> tuple[str | None, str | None]:
        v = self.validators.get(url, {})
        return v.get("etag"), v.get("last_modified")

    def page_links(self, key: str) -> dict[str, Any] | None:
        """What an earlier read of a page version found (``status``, ``attachments``, ``images``); ``key``
        names the bytes and the reader (ogi version and sha256)."""
        with self._lock:
            return self.pages.get(key)

    def remember_page(self, key: str, found: dict[str, Any]) -> None:
        with self._lock:
            self.pages[key] = found
            self._touch()

    def _touch(self) -> None:
        self._dirty += 1
        if self._dirty >= 25:
            self.save()

    def save(self) -> None:
        """Write the manifest and the validators, each atomically."""
        with self._lock:
            rows = [asdict(e) for e in sorted(self.entries.values(), key=lambda e: e.url)]
            table = pa.Table.from_pylist(rows, schema=SCHEMA)
            with atomic_path(self.root / MANIFEST) as tmp:
                pq.write_table(table, tmp)
            state = {"validators": self.validators, "pages": self.pages}
            write_bytes_atomic(
                self.root / STATE,
                json.dumps(state, ensure_ascii=False, indent=0, sort_keys=True).encode("utf-8"),
            )
            self._dirty = 0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def read_manifest(path: Path) -> list[Entry]:
    if not path.is_file():
        return []
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    fields = set(Entry.__dataclass_fields__)
    return [Entry(**{k: v for k, v in row.items() if k in fields}) for row in rows]


def find_manifest(folder: Path) -> Path | None:
    """The ``manifest.parquet`` of the cache ``folder`` is in or under (searching upwards)."""
    here = Path(folder).resolve()
    if here.is_file():
        here = here.parent
    for candidate in (here, *here.parents):
        manifest = candidate / MANIFEST
        if manifest.is_file():
            return manifest
    return None


def _manifests(folder: Path) -> list[Path]:
    """Every cache manifest that covers files under ``folder``: the one it is inside, and those of caches
    inside it (``ogi run data`` over ``data/cache``)."""
    found: list[Path] = []
    up = find_manifest(folder)
    if up is not None:
        found.append(up)
    root = Path(folder).resolve()
    if root.is_dir():
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))  # as ogi run walks
            if MANIFEST in filenames:
                manifest = (Path(dirpath) / MANIFEST).resolve()
                if manifest != up:
                    found.append(manifest)
    return found


def urls_by_path(folder: Path) -> dict[Path, str]:
    """Absolute file path → URL for every cached file, when ``folder`` is in a fetch cache or holds one."""
    out: dict[Path, str] = {}
    for manifest in _manifests(folder):
        root = manifest.parent
        out.update(
            {
                (root / e.path).resolve(): e.url
                for e in read_manifest(manifest)
                if e.path and inside(root, e.path)
            }
        )
    return out


def skipped_paths(folder: Path) -> set[Path]:
    """Cached files that are not reports: index pages and the images kept for report pages."""
    out: set[Path] = set()
    for manifest in _manifests(folder):
        root = manifest.parent
        out |= {
            (root / e.path).resolve()
            for e in read_manifest(manifest)
            if e.path and (e.is_image or e.is_index) and inside(root, e.path)
        }
    return out


#: At most this many bytes of pictures are handed to OCR for one page.
MAX_PAGE_IMAGE_BYTES = 50 * 1024 * 1024


def page_images(file: Path, page_url: str) -> dict[str, bytes]:
    """The pictures the fetcher kept for the report page ``page_url`` (cached at ``file``): URL → bytes.

    They are the images of a page whose tables are pictures (the crawler fetches them with the page as
    referrer), for OCR.
    """
    manifest = find_manifest(file)
    if manifest is None:
        return {}
    root = manifest.parent
    out: dict[str, bytes] = {}
    total = 0
    for e in read_manifest(manifest):
        if e.referrer != page_url or not e.path or not e.is_image:
            continue
        path = inside(root, e.path)
        if path is None or not path.is_file():
            continue
        data = path.read_bytes()
        total += len(data)
        if total > MAX_PAGE_IMAGE_BYTES:
            break
        out[e.url] = data
    return out
