"""One source, bytes to rows: the single per-document path, used inline, by the worker pool and on Dask.

``prepare`` runs where the file is (it reads the bytes and gathers what the extractors need besides them:
the pictures a fetch cache kept for a web page); ``read_source`` runs anywhere (pure: no store, no
network, no file system), so a remote Dask worker given the prepared bytes and options reads exactly
what a local run reads. ``read_source`` never raises for bad input: every failure is recorded on the
report row, as docling's per-document pipeline records errors on its result.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from ogi.dataset.rows import ReportRows, failed_rows, fill, report_row
from ogi.extractors import ExtractionError, ExtractOptions, detect, extract
from ogi.extractors.detect import unknown_reason
from ogi.fetchers.cache import page_images
from ogi.run.inputs import file_sha256, read_file_bytes
from ogi.run.options import DEFAULT_MAX_BYTES
from ogi.schema.glued_solver import GLUED_ROW_LABELS, glued_labels
from ogi.schema.report import interpret
from ogi.utils.text import one_line
from ogi.utils.urls import is_http_url


@dataclass(frozen=True)
class Task:
    """One file to read: ``source`` identifies it, ``path`` is where its bytes are, ``sha256`` their hash
    when the run has already computed it (so the file is hashed once)."""

    source: str
    path: str
    max_bytes: int = DEFAULT_MAX_BYTES
    sha256: str | None = None

    def failed(self, reason: str, retry: bool = False) -> ReportRows:
        """The rows of this task's file when it could not be read (an unreadable file; with ``retry``, a
        limit of the run or a crashed worker, which the next run tries again)."""
        return failed_rows(
            self.source, self.sha256 or file_sha256(self.path) or "0" * 64, reason, retry=retry
        )


@dataclass(frozen=True)
class Prepared:
    """A task's bytes and everything the extractors need beside them, ready to be read anywhere."""

    task: Task
    data: bytes
    options: ExtractOptions
    fmt: str


def extraction_options(pdf_engine: str = "auto") -> ExtractOptions:
    """The extractors' options for a run: the PDF engine, and the template's labels that cut glued text."""
    return ExtractOptions(pdf_engine=pdf_engine, glued_labels=glued_labels(), glued_rows=GLUED_ROW_LABELS)


def prepare(task: Task, options: ExtractOptions) -> Prepared | ReportRows:
    """Read a task's file (or the rows saying why it cannot be read) and add the pictures the fetch cache
    kept for a web page whose tables are images, so that OCR can read them."""
    data = read_file_bytes(Path(task.path), task.max_bytes)
    if isinstance(data, str):
        return task.failed(data)
    name = Path(task.path).name
    fmt = detect(data, name, glued_rows=options.glued_rows) if data else "unknown"
    if options.ocr and fmt == "html" and is_http_url(task.source):
        images = page_images(Path(task.path), task.source)
        if images:
            options = dataclasses.replace(options, images=images, page_url=task.source)
    return Prepared(task, data, options, fmt)


def read_prepared(p: Prepared) -> ReportRows:
    """``read_source`` of prepared bytes (what a Dask worker runs)."""
    return read_source(
        p.task.source, p.data, p.options, name=Path(p.task.path).name, sha256=p.task.sha256, fmt=p.fmt
    )


def read_task(task: Task, options: ExtractOptions) -> ReportRows:
    """Read one task's file into its rows, in whatever process runs it."""
    p = prepare(task, options)
    return p if isinstance(p, ReportRows) else read_prepared(p)


def read_source(
    source: str,
    data: bytes,
    options: ExtractOptions | None = None,
    name: str = "",
    *,
    sha256: str | None = None,
    fmt: str | None = None,
) -> ReportRows:
    """Read one source's bytes into the rows of the dataset. Never raises for bad input.

    ``sha256`` and ``fmt``, when the caller already knows them, spare hashing and detecting again.
    """
    started = time.perf_counter()
    options = options or extraction_options()
    sha = sha256 or hashlib.sha256(data).hexdigest()
    report = report_row(source, sha)
    rows = ReportRows(report)
    name = name or source
    try:
        if not data:
            raise ExtractionError("empty file (0 bytes)")
        fmt = fmt or detect(data, name, glued_rows=options.glued_rows)
        report["format"] = fmt
        if fmt == "unknown":
            raise ExtractionError(unknown_reason(data))
        doc = extract(data, fmt, name=name, options=options)
        doc.meta.setdefault("names", (name, source))  # the metadata's last fallbacks for the year
        report["format"] = doc.format
        if doc.meta.get("pdf_engine"):
            report["pdf_engine"] = doc.meta["pdf_engine"]
        fill(rows, interpret(doc))
    except ExtractionError as exc:
        report["status"] = exc.status
        report["error"] = one_line(exc.reason)
    except MemoryError:
        report["status"] = "failed"
        report["error"] = "over the memory limit (no memory left while reading)"
        report["retry"] = True
    except Exception as exc:  # a bug or an input no extractor foresaw: this file fails alone
        report["status"] = "failed"
        where = traceback.extract_tb(exc.__traceback__)[-1]
        report["error"] = one_line(
            f"internal error {type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
        )
    report["seconds"] = time.perf_counter() - started
    return rows
