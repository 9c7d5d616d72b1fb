"""A run: fetch → extract → recognise → validate → write, for every input.

``run`` resolves the inputs (``ogi.run.inputs``), skips what the store already holds, has each source read
by the one per-document path (``ogi.run.source``) inline, in worker processes or on Dask, writes each report
in one transaction, and at the end recomputes what spans reports (duplicates, hand corrections, X-CARRY)
and exports the dataset.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ogi import __version__
from ogi.dataset.agencies import write_agencies
from ogi.dataset.corrections import KEPT, Correction, apply_corrections, read_corrections
from ogi.dataset.crosschecks import refresh_cross_checks
from ogi.dataset.lock import dataset_lock
from ogi.dataset.pre2019_carry import refresh_pre2019_carry
from ogi.dataset.publish import new_run_id, publish, recover, staging_dir, write_run_file
from ogi.dataset.rows import ReportRows, no_bytes_rows
from ogi.dataset.store import Store, StoreError
from ogi.extractors import ExtractOptions
from ogi.extractors.html.walk import page_links
from ogi.fetchers.crawl import CrawlOptions
from ogi.fetchers.jobs import fetch_for_run
from ogi.run.cluster import dask_map
from ogi.run.inputs import Source, file_sha256, not_a_file, resolve_sources
from ogi.run.options import RunOptions
from ogi.run.source import Task, extraction_options, read_task
from ogi.run.workers import WorkerPool
from ogi.schema.dictionary import write_dictionary
from ogi.utils.files import write_bytes_atomic
from ogi.utils.urls import names_url


@dataclass
class RunSummary:
    read: int = 0
    skipped: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    reports_with_failed_checks: int = 0
    failed_checks: int = 0
    not_ok: int = 0
    out: Path = Path()
    #: Hand corrections: the file applied (given, or the one the dataset kept), how many rows applied,
    #: the rows that match no report, and whether the kept ones were dropped on request.
    corrections: Path | None = None
    corrections_kept: bool = False
    corrections_applied: int = 0
    corrections_unmatched: list[Correction] = field(default_factory=list)
    corrections_dropped: bool = False
    #: Files that failed or were read partly: (source, status, error).
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    #: Stored reports whose source file is gone (removed with ``prune``).
    orphans: list[str] = field(default_factory=list)
    pruned: int = 0
    #: What the run did besides reading (a store migrated, an interrupted publish finished), one line each.
    notes: list[str] = field(default_factory=list)


# -- a run -------------------------------------------------------------------------------------------

ProgressFn = Callable[[Source, ReportRows | None], None]


def run(
    inputs: list[str],
    options: RunOptions,
    progress: ProgressFn | None = None,
    start: Callable[[int], None] | None = None,
) -> RunSummary:
    """Read every input into the dataset at ``options.out``."""
    out = Path(options.out)
    corrections = corrections_to_apply(options)
    if corrections is not None:
        # A bad corrections file is a usage error before anything is read, not after the whole run.
        read_corrections(corrections)
    paths = [i for i in inputs if not names_url(i)]
    urls = [i for i in inputs if names_url(i)]
    sources = resolve_sources(paths, exclude=[out])
    if not sources and not urls:
        # An empty folder is a mistake to say, not an empty dataset to write.
        raise FileNotFoundError(f"no files to read in {', '.join(paths)}")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the dataset folder {out}: {exc.strerror or exc}") from exc
    summary = RunSummary(out=out)
    with dataset_lock(out):
        done = recover(out)
        if done:
            summary.notes.append(done)
        if urls:
            sources = _fetch_sources(urls, options) + sources
        if start is not None:
            start(len(sources))  # the total a progress bar counts towards
        store = Store(out)
        if store.note:
            summary.notes.append(store.note)
        try:
            ingest(store, sources, options, summary, progress)
            _orphans(store, sources, paths, options, summary)
            finish(store, options, summary)
            _summarise(store, summary)
        except (OSError, duckdb.IOException) as exc:
            # A full or read-only disk: the store keeps every report it committed, and the parquet set
            # of the previous run stays whole (nothing is published half-written).
            why = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
            raise StoreError(
                f"cannot write the dataset in {out}: {why}; the previous dataset is kept"
            ) from exc
        finally:
            store.close()
    return summary


def corrections_to_apply(options: RunOptions) -> Path | None:
    """The corrections file a run applies: the one given, else the one the dataset kept from an earlier
    run (``DIR/corrections.csv``) unless ``drop_corrections``; None for none."""
    if options.corrections is not None:
        return Path(options.corrections)
    kept = Path(options.out) / KEPT
    if kept.is_file() and not options.drop_corrections:
        return kept
    return None


def _orphans(
    store: Store, sources: list[Source], paths: list[str], options: RunOptions, summary: RunSummary
) -> None:
    """Stored reports from a local file under the input folders that is not there any more: listed, and
    with ``prune`` removed from the dataset (a source outside the folders read this time is left alone)."""
    folders = [Path(p).expanduser().resolve() for p in paths if Path(p).expanduser().is_dir()]
    if not folders:
        return
    seen = {s.source for s in sources}
    gone = []
    for source in store.known():
        if source in seen or names_url(source) or Path(source).exists():
            continue
        if any(Path(source).is_relative_to(f) for f in folders):
            gone.append(source)
    summary.orphans = sorted(gone)
    if options.prune and gone:
        with store.transaction() as con:
            for source in gone:
                store.forget_source(con, source)
        summary.pruned = len(gone)


def _fetch_sources(urls: list[str], options: RunOptions) -> list[Source]:
    crawl = CrawlOptions(
        read_page=page_links, read_timeout=options.timeout, read_max_memory_mb=options.max_memory_mb
    )
    fetched = fetch_for_run(urls, options.cache, crawl, options.fetch_policy)
    return [Source(url, path or Path(options.cache), error) for url, path, error in fetched]


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
    known = store.known()
    ext = extraction_options(options.pdf_engine)
    done_sha = {
        sha: rid for sha, version, rid, retry in known.values() if version == __version__ and not retry
    }
    to_read: dict[str, Task] = {}  # sha → the first source with those bytes
    twins: dict[str, list[Source]] = {}  # sha → further sources with the same bytes
    for src in sources:
        problem = f"cannot fetch: {src.error}" if src.error is not None else not_a_file(src.path)
        sha = file_sha256(src.path) if problem is None else None
        if sha is None:
            rows = no_bytes_rows(src.source, problem or "cannot read file")
            save(store, rows)
            summary.read += 1
            if progress:
                progress(src, rows)
            continue
        old = known.get(src.source)
        if not options.force and old is not None and old[0] == sha and old[1] == __version__ and not old[3]:
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
            to_read[sha] = Task(src.source, str(src.path), options.max_bytes, sha)
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


def _read_all(tasks: list[Task], ext: ExtractOptions, options: RunOptions) -> Iterator[ReportRows]:
    """Read tasks in this process, in local worker processes, or on a Dask cluster."""
    if options.engine == "dask":
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


def finish(store: Store, options: RunOptions, summary: RunSummary | None = None) -> str:
    """What spans reports, recomputed at the end of every run, then the export: every file written into a
    staging folder and published as one set (``ogi.dataset.publish``), the kept hand corrections
    (``corrections.csv``) with them. Returns the run id."""
    store.refresh_duplicates()
    corrections = corrections_to_apply(options)
    applied = apply_corrections(store, corrections)
    if summary is not None:
        summary.corrections = corrections
        summary.corrections_kept = corrections is not None and options.corrections is None
        summary.corrections_applied = applied.applied
        summary.corrections_unmatched = applied.unmatched
    refresh_pre2019_carry(store)  # issue 17: glued pre-2019 digits decided by the neighbouring years
    refresh_cross_checks(store)
    out = Path(options.out)
    run_id = new_run_id()
    staging = staging_dir(out, run_id)
    try:
        store.export(staging, run_id)
        write_dictionary(staging)
        write_agencies(staging, run_id)
        if corrections is not None:
            # The dataset remembers the corrections it was built with, published with the set.
            write_bytes_atomic(staging / KEPT, Path(corrections).read_bytes())
        write_run_file(staging, run_id)
        publish(out, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if options.drop_corrections and (out / KEPT).exists():
        (out / KEPT).unlink()
        if summary is not None:
            summary.corrections_dropped = True
    return run_id


def _summarise(store: Store, summary: RunSummary) -> None:
    for status, n in store.query("SELECT status, count(*) FROM reports GROUP BY status"):
        summary.statuses[status] = n
    rows = store.query(
        "SELECT count(*), coalesce(sum(n_checks_failed), 0) FROM reports WHERE n_checks_failed > 0 AND duplicate_of IS NULL"
    )
    summary.reports_with_failed_checks, summary.failed_checks = int(rows[0][0]), int(rows[0][1])
    summary.not_ok = sum(n for s, n in summary.statuses.items() if s != "ok")
    summary.problems = [
        (str(source), str(status), str(error or ""))
        for source, status, error in store.query(
            "SELECT source, status, error FROM reports WHERE status IN ('failed', 'partial') ORDER BY source"
        )
    ]
