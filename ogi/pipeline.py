"""The pipeline: fetch → extract → recognise → validate → write.

``read_source`` turns one source's bytes into the rows ogi writes for it; it is pure (no store, no
network), so it can run in worker processes. ``run`` resolves the inputs, skips what the store already
holds, writes each report in one transaction, and at the end recomputes what spans reports (duplicates,
hand corrections, X-CARRY) and exports the dataset.
"""

from __future__ import annotations

import hashlib
import os
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ogi import __version__
from ogi.extractors import ExtractionError, ExtractOptions, detect, extract
from ogi.extractors.detect import unknown_reason
from ogi.schema.identities import CheckResult
from ogi.schema.report import Interpretation, interpret
from ogi.util import dumps

if TYPE_CHECKING:
    from ogi.store import Store

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
DEFAULT_MAX_BYTES = 300 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """One input: where it is read from (``path``) and how it is identified (``source``)."""

    source: str
    path: Path
    #: Why the source could not be fetched (URL inputs); the run writes a ``failed`` row with it.
    error: str | None = None


@dataclass
class RunOptions:
    out: Path = Path("data/out")
    cache: Path = Path("data/cache")
    force: bool = False
    corrections: Path | None = None
    pdf_engine: str = "auto"
    jobs: int = 1
    timeout: float | None = None
    max_memory_mb: int | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    engine: str = "local"
    scheduler: str | None = None


@dataclass
class ReportRows:
    """Everything ogi writes for one source."""

    report: dict[str, Any]
    cells: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    sections: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RunSummary:
    read: int = 0
    skipped: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    reports_with_failed_checks: int = 0
    failed_checks: int = 0
    not_ok: int = 0
    out: Path = Path()


# -- one source ------------------------------------------------------------------------------------


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def check_row(report_id: str, c: CheckResult) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "rule": c.rule,
        "severity": c.severity,
        "target": c.target,
        "cells": list(c.cells),
        "left": c.left,
        "right": c.right,
        "difference": c.difference,
        "outcome": c.outcome,
        "assumed_zero": list(c.assumed_zero),
    }


def read_source(
    source: str, data: bytes, options: ExtractOptions | None = None, name: str = ""
) -> ReportRows:
    """Read one source's bytes into the rows of the dataset. Never raises for bad input."""
    started = time.perf_counter()
    sha = sha256_of(data)
    report_id = sha[:16]
    report: dict[str, Any] = {
        "report_id": report_id,
        "source": source,
        "sha256": sha,
        "duplicate_of": None,
        "format": "unknown",
        "status": "failed",
        "error": None,
        "n_cells": 0,
        "n_checks_failed": 0,
        "ogi_version": __version__,
        "other_single_row": False,
        "found": "",
    }
    rows = ReportRows(report)
    name = name or source
    try:
        if not data:
            raise ExtractionError("empty file (0 bytes)")
        fmt = detect(data, name)
        report["format"] = fmt
        if fmt == "unknown":
            raise ExtractionError(unknown_reason(data))
        doc = extract(data, fmt, name=name, options=options or extraction_options())
        doc.meta.setdefault("names", (name, source))  # the metadata's last fallbacks for the year
        report["format"] = doc.format
        if doc.meta.get("pdf_engine"):
            report["pdf_engine"] = doc.meta["pdf_engine"]
        interp = interpret(doc)
        _fill(rows, interp)
    except ExtractionError as exc:
        report["status"] = exc.status
        report["error"] = _one_line(exc.reason)
    except MemoryError:
        report["status"] = "failed"
        report["error"] = "out of memory while reading"
    except Exception as exc:  # a bug or an input no extractor foresaw: this file fails alone
        report["status"] = "failed"
        where = traceback.extract_tb(exc.__traceback__)[-1]
        report["error"] = _one_line(
            f"internal error {type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
        )
    report["seconds"] = time.perf_counter() - started
    return rows


def extraction_options(pdf_engine: str = "auto") -> ExtractOptions:
    from ogi.schema.glued import glued_labels

    return ExtractOptions(pdf_engine=pdf_engine, glued_labels=glued_labels())


def _fill(rows: ReportRows, it: Interpretation) -> None:
    report = rows.report
    rid = report["report_id"]
    meta = it.meta
    report.update(
        status=it.status,
        error=_one_line(it.error) if it.error else None,
        title=meta.title,
        agency=meta.agency,
        year=meta.year,
        year_source=meta.year_source,
        published=meta.published,
        template_version=it.template_version,
        scope=it.scope,
        province=meta.province,
        city=meta.city,
        county=meta.county,
        other_single_row=it.other_single_row,
        found=",".join(sorted(it.found)),
    )
    for key, cell in it.cells.items():
        table, rest = key.split(".", 1)
        row_key, col_key = rest.rsplit(".", 1)
        loc = dumps(cell.locator)
        rows.cells.append(
            {
                "report_id": rid,
                "cell": key,
                "table": table,
                "row_key": row_key,
                "col_key": col_key,
                "value": cell.value,
                "raw": cell.raw,
                "status": cell.status,
                "unit": cell.unit,
                "locator": loc,
                "year": meta.year,
                "agency": meta.agency,
                "orig_value": cell.value,
                "orig_status": cell.status,
                "orig_locator": loc,
                "orig_unit": cell.unit,
                "corrected": False,
            }
        )
    rows.checks = [check_row(rid, c) for c in it.checks]
    rows.sections = [
        {"report_id": rid, "section": s.section, "heading": s.heading, "text": s.text, "ord": i}
        for i, s in enumerate(it.sections)
    ]
    rows.unmapped = [
        {
            "report_id": rid,
            "table": u.table,
            "label": u.label,
            "values": list(u.values),
            "locator": dumps(u.locator),
        }
        for u in it.unmapped
    ]
    report["n_cells"] = len(rows.cells)
    report["n_checks_failed"] = sum(1 for c in it.checks if c.severity == "hard" and c.outcome == "fail")


# -- inputs ------------------------------------------------------------------------------------------


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


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
        if path.is_file():
            src = _source_for(path.resolve())
            out[src.source] = src
            continue
        url_of = _manifest_urls(path)
        not_reports = _manifest_skips(path) if url_of else set()
        for file in _walk(path.resolve(), excluded):
            if file in not_reports:
                continue
            src = Source(url_of.get(file, str(file)), file)
            out[src.source] = src
    return sorted(out.values(), key=lambda s: s.source)


def _source_for(path: Path) -> Source:
    urls = _manifest_urls(path.parent)
    return Source(urls.get(path, str(path)), path)


def _manifest_urls(folder: Path) -> dict[Path, str]:
    """file → URL from a fetch cache's manifest in ``folder`` or above it (empty when there is none)."""
    try:
        from ogi.fetchers.cache import urls_by_path
    except ImportError:
        return {}
    return urls_by_path(folder)


def _manifest_skips(folder: Path) -> set[Path]:
    """Files of a fetch cache that are not reports (index pages, images kept for a report page)."""
    try:
        from ogi.fetchers.cache import skipped_paths
    except ImportError:
        return set()
    return skipped_paths(folder)


def _walk(root: Path, excluded: list[Path]) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and (here / d).resolve() not in excluded
        )
        for name in sorted(filenames):
            if name.startswith(".") or name in SKIP_NAMES or name.endswith(SKIP_SUFFIXES):
                continue
            yield (here / name).resolve()


# -- a run -------------------------------------------------------------------------------------------

ProgressFn = Callable[[Source, ReportRows | None], None]


def run(inputs: list[str], options: RunOptions, progress: ProgressFn | None = None) -> RunSummary:
    """Read every input into the dataset at ``options.out``."""
    if options.corrections is not None:
        from ogi.corrections import read_corrections

        # A bad corrections file is a usage error before anything is read, not after the whole run.
        read_corrections(Path(options.corrections))
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    urls = [i for i in inputs if is_url(i)]
    paths = [i for i in inputs if not is_url(i)]
    sources: list[Source] = []
    if urls:
        sources += _fetch_sources(urls, options)
    sources += resolve_sources(paths, exclude=[out])
    from ogi.store import Store

    store = Store(out)
    summary = RunSummary(out=out)
    try:
        ingest(store, sources, options, summary, progress)
        finish(store, options)
        _summarise(store, summary)
    finally:
        store.close()
    return summary


def _fetch_sources(urls: list[str], options: RunOptions) -> list[Source]:
    from ogi.fetchers import fetch_for_run

    return [
        Source(url, path or Path(options.cache), error)
        for url, path, error in fetch_for_run(urls, options.cache)
    ]


def read_file_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes | str:
    """A file's bytes, or a one-line reason it cannot be read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return f"file too large ({size / 2**20:.0f} MB > {max_bytes / 2**20:.0f} MB limit)"
        return path.read_bytes()
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, streamed (a too-large file still gets its identity)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        pass
    return h.hexdigest()


def failed_rows(source: str, sha: str, reason: str, fmt: str = "unknown") -> ReportRows:
    """The reports row of a source that could not be read at all."""
    return ReportRows(
        {
            "report_id": sha[:16],
            "source": source,
            "sha256": sha,
            "format": fmt,
            "status": "failed",
            "error": _one_line(reason),
            "n_cells": 0,
            "n_checks_failed": 0,
            "ogi_version": __version__,
            "seconds": 0.0,
            "found": "",
            "other_single_row": False,
        }
    )


#: Reports are committed to the store in small batches (each batch one transaction, each report whole).
FLUSH_REPORTS = 32
FLUSH_SECONDS = 1.0


def ingest(
    store: Store,
    sources: list[Source],
    options: RunOptions,
    summary: RunSummary,
    progress: ProgressFn | None = None,
) -> None:
    """Read the sources the store does not hold yet (or all with ``force``) and stream them into it."""
    from ogi.workers import Task

    known = store.known()
    ext = extraction_options(options.pdf_engine)
    done_sha = {sha: rid for sha, version, rid in known.values() if version == __version__}
    to_read: dict[str, Task] = {}  # sha → the first source with those bytes
    twins: dict[str, list[Source]] = {}  # sha → further sources with the same bytes
    for src in sources:
        if src.error is not None:
            # A URL that could not be fetched has no bytes, so no content hash: it gets an id of its own
            # (derived from the URL), or two unfetchable sources would share one report and one error.
            rows = failed_rows(src.source, "0" * 64, f"cannot fetch: {src.error}")
            rows.report["report_id"] = "0000" + sha256_of(src.source.encode("utf-8"))[:12]
            save(store, rows)
            summary.read += 1
            if progress:
                progress(src, rows)
            continue
        sha = file_sha256(src.path)
        old = known.get(src.source)
        if not options.force and old is not None and old[0] == sha and old[1] == __version__:
            summary.skipped += 1
            if progress:
                progress(src, None)
            continue
        summary.read += 1
        if sha in to_read:
            twins.setdefault(sha, []).append(src)
        elif sha in done_sha and not options.force:
            copy_report(store, done_sha[sha], src.source)
            if progress:
                progress(src, None)
        else:
            to_read[sha] = Task(src.source, str(src.path), options.max_bytes)
    by_source = {s.source: s for s in sources}
    batch: list[ReportRows] = []
    last = time.monotonic()

    def flush() -> None:
        nonlocal last
        save_many(store, batch)
        for rows in batch:
            for twin in twins.get(rows.report["sha256"], []):
                copy_report(store, rows.report["report_id"], twin.source)
        batch.clear()
        last = time.monotonic()

    for rows in _read_all(list(to_read.values()), ext, options):
        batch.append(rows)
        if progress:
            progress(by_source.get(rows.report["source"], Source(rows.report["source"], Path())), rows)
        if len(batch) >= FLUSH_REPORTS or time.monotonic() - last > FLUSH_SECONDS:
            flush()
    flush()


def _read_all(tasks: list[Any], ext: ExtractOptions, options: RunOptions) -> Iterator[ReportRows]:
    """Read tasks in this process, in local worker processes, or on a Dask cluster."""
    from ogi.workers import WorkerPool, read_task

    if options.engine == "dask":
        from ogi.cluster import dask_map

        yield from dask_map(
            tasks,
            ext,
            scheduler=options.scheduler,
            jobs=options.jobs,
            timeout=options.timeout,
            max_memory_mb=options.max_memory_mb,
        )
        return
    limited = options.timeout is not None or options.max_memory_mb is not None
    if not tasks or (options.jobs <= 1 and not limited):
        for task in tasks:
            yield read_task(task, ext)
        return
    with WorkerPool(options.jobs, ext, options.timeout, options.max_memory_mb) as pool:
        yield from pool.map(tasks)


def save(store: Store, rows: ReportRows) -> None:
    """Replace whatever the store held for this source (and its report) in one transaction."""
    save_many(store, [rows])


def save_many(store: Store, batch: list[ReportRows]) -> None:
    """Write several whole reports in one transaction, replacing what the store held for them."""
    if not batch:
        return
    tables = {
        t: [r for rows in batch for r in getattr(rows, t)]
        for t in ("cells", "checks", "sections", "unmapped")
    }
    store.replace([rows.report for rows in batch], tables)


def copy_report(store: Store, report_id: str, source: str) -> None:
    """A second source with the same bytes: its own reports row, the cells stored once."""
    row = store.report_row(report_id)
    if row is None:
        return
    row["source"] = source
    with store.transaction() as con:
        store.forget_source(con, source)
        store.insert(con, "reports", [row])


def finish(store: Store, options: RunOptions) -> None:
    """What spans reports, recomputed at the end of every run, then the export."""
    from ogi.corrections import apply_corrections
    from ogi.crosschecks import refresh_cross_checks
    from ogi.schema.dictionary import write_dictionary

    store.refresh_duplicates()
    apply_corrections(store, options.corrections)
    refresh_cross_checks(store)
    store.export()
    write_dictionary(Path(options.out))
    try:
        from ogi.analysis.agencies import write_agencies
    except ImportError:
        return
    write_agencies(Path(options.out))


def _summarise(store: Store, summary: RunSummary) -> None:
    for status, n in store.query("SELECT status, count(*) FROM reports GROUP BY status"):
        summary.statuses[status] = n
    rows = store.query(
        "SELECT count(*), coalesce(sum(n_checks_failed), 0) FROM reports WHERE n_checks_failed > 0 AND duplicate_of IS NULL"
    )
    summary.reports_with_failed_checks, summary.failed_checks = int(rows[0][0]), int(rows[0][1])
    summary.not_ok = sum(n for s, n in summary.statuses.items() if s != "ok")
