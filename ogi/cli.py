"""The ``ogi`` command line: commands that read like sentences.

ogi run data/samples --out data/out
ogi show --dataset data/out data/samples/jiaxing-stats-2022.txt
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ogi import __version__
from ogi.analysis.options import COMPARE_FORMATS, DEFAULT_METRIC, EXPORT_FORMATS, SCOPES
from ogi.extractors import PDF_ENGINES
from ogi.run.options import RUN_ENGINES, RunOptions
from ogi.utils.limits import READ_MAX_MEMORY_MB, READ_TIMEOUT

if TYPE_CHECKING:
    from ogi.fetchers.http import FetchPolicy
    from ogi.run.pipeline import RunSummary

DEFAULT_INPUTS = ("data/samples",)


def _one_line_error(exc: click.UsageError) -> click.ClickException:
    """A usage error as one line (``Error: … (see ogi run --help)``), not usage text over four lines."""
    where = exc.ctx.command_path if exc.ctx is not None else "ogi"
    return _UsageLine(f"{exc.format_message()} (see {where} --help)")


class _UsageLine(click.ClickException):
    """A usage error shown as one line, with the usage errors' exit status."""

    exit_code = 2


class OneLineGroup(click.Group):
    """The command group: every error, whatever the command and the input, is one line on stderr and a
    non-zero exit. Usage errors lose their usage block; an unexpected exception (an ogi bug) is named in
    one line too, and ``OGI_DEBUG=1`` shows its traceback."""

    def make_context(self, *args: object, **kwargs: object) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)  # type: ignore[arg-type]
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise _one_line_error(exc) from None

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise _one_line_error(exc) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("OGI_DEBUG"):
                raise
            from ogi.utils.text import one_line, printable

            raise click.ClickException(
                printable(
                    f"{type(exc).__name__}: {one_line(exc, 200)} (an ogi bug: please report it; "
                    "OGI_DEBUG=1 shows the traceback)"
                )
            ) from None


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ogi")
def main() -> None:
    """ogi turns government information-disclosure annual reports (政府信息公开工作年度报告) into
    clean, validated datasets."""


def read_url_list(path: Path) -> list[str]:
    """URLs from a file, one per line; blank lines and lines starting with # are skipped.

    The file is UTF-8, UTF-16 with its BOM (Windows Notepad's "Unicode") or GBK (a list saved on a
    Chinese Windows), since URLs often carry Chinese path names; anything else is refused in one line.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"--urls: cannot read {path}: {exc.strerror or exc}") from exc
    text = _decode_list(data)
    if text is None:
        raise click.ClickException(f"--urls: {path} is not text in UTF-8, UTF-16 (with its BOM) or GBK")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _decode_list(data: bytes) -> str | None:
    import codecs

    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codecs_to_try = ["utf-16"]
    else:
        codecs_to_try = ["utf-8-sig", "gb18030"]
    for codec in codecs_to_try:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    return None


#: Options ``run`` and ``fetch`` share.
_URLS_OPTION = click.option(
    "--urls",
    "urls_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file with one URL per line.",
)
_CACHE_OPTION = click.option(
    "--cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/cache"),
    show_default=True,
    help="Fetch cache folder (holds manifest.parquet).",
)


_POSITIVE = click.FloatRange(min=0, min_open=True)


def _fetch_policy_options(timeout_flag: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The fetch policy's options, shared by ``fetch`` and ``run`` (for URL inputs); the command gets
    one ``policy`` argument. ``run``'s own ``--timeout`` limits reading a file, so there the HTTP read
    timeout is ``--fetch-timeout``."""
    options = [
        click.option(
            "--ignore-robots",
            is_flag=True,
            help="Do not obey robots.txt. Only when you have the right to, and take responsibility for it.",
        ),
        click.option(
            "--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
            help="Seconds between requests to a host.",
        ),
        click.option(
            "--per-host", type=click.IntRange(min=1), default=2, show_default=True,
            help="Requests in flight per host.",
        ),
        click.option(
            timeout_flag, "fetch_timeout", type=_POSITIVE, default=30.0, show_default=True,
            help="Seconds to connect, and between two bytes of an answer.",
        ),
        click.option(
            "--deadline", type=_POSITIVE, default=600.0, show_default=True,
            help="Seconds one request may take in all, however slowly the server sends.",
        ),
        click.option(
            "--retries", type=click.IntRange(min=0), default=3, show_default=True,
            help="Retries after timeouts and 5xx answers.",
        ),
        click.option(
            "--backoff", type=click.FloatRange(min=0), default=1.0, show_default=True,
            help="Seconds before the first retry.",
        ),
        click.option(
            "--max-size", type=_POSITIVE, default=100.0, show_default=True, help="Largest file kept, in MB."
        ),
        click.option(
            "--allow-private",
            is_flag=True,
            help="Fetch from private, loopback and link-local addresses too (refused by default, redirects "
            "included): only for a server of your own.",
        ),
    ]  # fmt: skip
    names = ("ignore_robots", "delay", "per_host", "fetch_timeout", "deadline", "retries", "backoff",
             "max_size", "allow_private")  # fmt: skip

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        def with_policy(*args: Any, **kwargs: Any) -> None:
            from ogi.fetchers.http import FetchPolicy

            given = {name: kwargs.pop(name) for name in names}
            kwargs["policy"] = FetchPolicy(
                delay=given["delay"],
                per_host=given["per_host"],
                timeout=given["fetch_timeout"],
                deadline=given["deadline"],
                retries=given["retries"],
                backoff=given["backoff"],
                max_bytes=int(given["max_size"] * 1024 * 1024),
                respect_robots=not given["ignore_robots"],
                allow_private=given["allow_private"],
            )
            command(*args, **kwargs)

        for option in reversed(options):
            with_policy = option(with_policy)
        return with_policy

    return decorate


@main.command()
@click.argument("inputs", nargs=-1)
@_URLS_OPTION
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/out"),
    show_default=True,
    help="Dataset folder.",
)
@_CACHE_OPTION
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores)."
)
@click.option("--engine", type=click.Choice(RUN_ENGINES), default="local", show_default=True)
@click.option("--scheduler", default=None, help="Dask scheduler address (with --engine dask).")
@click.option(
    "--timeout",
    type=float,
    default=READ_TIMEOUT,
    show_default=True,
    help="Seconds one file may take before it is recorded as failed.",
)
@click.option(
    "--max-memory",
    "max_memory",
    type=int,
    default=READ_MAX_MEMORY_MB,
    show_default=True,
    help="MB one worker may use reading a file before it is recorded as failed.",
)
@click.option("--pdf-engine", type=click.Choice(PDF_ENGINES), default="auto", show_default=True)
@click.option(
    "--corrections",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Hand corrections CSV.",
)
@click.option(
    "--drop-corrections",
    is_flag=True,
    help="Remove the hand corrections the dataset keeps from an earlier --corrections (DIR/corrections.csv).",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Remove stored reports whose file is gone from the input folders.",
)
@click.option("--force", is_flag=True, help="Read every source again, even unchanged ones.")
@click.option("--strict", is_flag=True, help="Exit non-zero when any report is not ok.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--verbose", "-v", is_flag=True, help="One line per file on stderr (status and source).")
@_fetch_policy_options("--fetch-timeout")
def run(
    inputs: tuple[str, ...],
    urls_file: Path | None,
    out: Path,
    cache: Path,
    jobs: int | None,
    engine: str,
    scheduler: str | None,
    timeout: float,
    max_memory: int,
    pdf_engine: str,
    corrections: Path | None,
    drop_corrections: bool,
    prune: bool,
    force: bool,
    strict: bool,
    quiet: bool,
    verbose: bool,
    policy: FetchPolicy,
) -> None:
    """Read report files, folders (recursively) or URLs into a dataset (default: data/samples)."""
    from ogi.dataset.corrections import CorrectionsError
    from ogi.dataset.store import StoreError
    from ogi.run import pipeline

    items = list(inputs)
    if urls_file is not None:
        items += read_url_list(urls_file)
    if not items:
        items = list(DEFAULT_INPUTS)
    try:
        options = RunOptions(
            out=out,
            cache=cache,
            force=force,
            corrections=corrections,
            pdf_engine=pdf_engine,
            jobs=jobs or os.cpu_count() or 1,
            timeout=timeout,
            max_memory_mb=max_memory,
            engine=engine,
            scheduler=scheduler,
            fetch_policy=policy,
            drop_corrections=drop_corrections,
            prune=prune,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    bar = _Progress(enabled=not quiet, verbose=verbose)
    try:
        summary = pipeline.run(items, options, progress=bar.update, start=bar.start)
    except (FileNotFoundError, CorrectionsError) as exc:
        raise click.UsageError(str(exc)) from exc
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        bar.close()
    for note in summary.notes:
        click.echo(f"note: {note}", err=True)
    for line in summary_lines(summary, out):
        click.echo(line)
    if strict and summary.not_ok:
        sys.exit(1)


#: Files listed by name in the closing summary (the rest are counted).
SUMMARY_FILES = 10


def summary_lines(summary: RunSummary, out: Path) -> list[str]:
    """The closing summary of ``ogi run``: counts, the files that failed or are partial with their reason
    and the command that shows each, hand corrections kept or unmatched, sources gone, the dataset."""
    from ogi.utils.text import clip, clip_start, printable

    s = summary
    statuses = ", ".join(f"{k} {n}" for k, n in sorted(s.statuses.items()))
    lines = [
        f"{s.read} read, {s.skipped} unchanged; reports: {statuses or 'none'}; "
        f"hard checks failed: {s.failed_checks} in {s.reports_with_failed_checks} reports"
    ]
    problems = s.problems
    if problems:
        lines.append(f"{len(problems)} file{'s' if len(problems) > 1 else ''} failed or partly read:")
        for source, status, error in problems[:SUMMARY_FILES]:
            lines.append(printable(f"  {status:<8} {clip_start(source, 70)}: {clip(error or '-', 90)}"))
        if len(problems) > SUMMARY_FILES:
            lines.append(
                f"  … and {len(problems) - SUMMARY_FILES} more (ogi compare {out} --failed lists checks)"
            )
        lines.append(f"  next: ogi show --dataset {out} {problems[0][0]}")
    if s.corrections is not None:
        how = "kept from an earlier run" if s.corrections_kept else "from"
        lines.append(
            f"hand corrections: {s.corrections_applied} applied, {how} {s.corrections}"
            + (" (--drop-corrections removes them)" if s.corrections_kept else "")
        )
    for c in s.corrections_unmatched[:SUMMARY_FILES]:
        lines.append(
            printable(f"  correction line {c.line} matches no report: {c.source or c.report_id} {c.cell}")
        )
    if len(s.corrections_unmatched) > SUMMARY_FILES:
        lines.append(f"  … and {len(s.corrections_unmatched) - SUMMARY_FILES} more unmatched")
    if s.corrections_dropped:
        lines.append("hand corrections dropped (--drop-corrections): the cells are as read")
    if s.pruned:
        lines.append(f"pruned {s.pruned} stored report{'s' if s.pruned > 1 else ''} whose file is gone")
    elif s.orphans:
        n = len(s.orphans)
        lines.append(
            f"{n} stored report{'s have' if n > 1 else ' has'} no source file any more "
            f"(e.g. {clip_start(s.orphans[0], 70)}); --prune removes them"
        )
    lines.append(f"dataset: {Path(s.out).resolve()}")
    return lines


class _Progress:
    """Progress on stderr: a bar with the total, rate and ETA on a terminal (tqdm), or one line per file
    with ``--verbose``; nothing when stderr is not a terminal or with ``--quiet``."""

    def __init__(self, enabled: bool, verbose: bool = False) -> None:
        self.verbose = verbose
        self.enabled = enabled and sys.stderr.isatty() and not verbose
        self.bar: object | None = None

    def start(self, total: int) -> None:
        if self.enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True, leave=False)

    def update(self, source: object, rows: object) -> None:
        name = str(getattr(source, "source", ""))
        status = getattr(rows, "report", {}).get("status", "unchanged") if rows is not None else "unchanged"
        if self.verbose:
            from ogi.utils.text import printable

            sys.stderr.write(printable(f"{status}\t{name}") + "\n")
            sys.stderr.flush()
        elif self.bar is not None:
            self.bar.set_postfix_str(f"{status} {Path(name).name[-30:]}", refresh=False)  # type: ignore[attr-defined]
            self.bar.update(1)  # type: ignore[attr-defined]

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()  # type: ignore[attr-defined]
            self.bar = None


@main.command()
@click.argument("urls", nargs=-1)
@_URLS_OPTION
@click.option(
    "--crawl",
    "crawl_urls",
    multiple=True,
    metavar="INDEX_URL",
    help="Crawl a report column from its index page (pagination, report articles, their attachments).",
)
@click.option(
    "--pattern",
    default=None,
    metavar="REGEX",
    help="Follow the articles whose link text, title or URL matches REGEX (default: 年度报告|年报 in the text).",
)
@_CACHE_OPTION
@click.option("--refresh", is_flag=True, help="Download again what the cache already holds.")
@_fetch_policy_options("--timeout")
@click.option("--max-pages", type=int, default=50, show_default=True, help="Index pages read per crawl.")
@click.option(
    "--max-depth",
    type=int,
    default=2,
    show_default=True,
    help="Hops from the index: 1 = report pages, 2 = also their attachments and images.",
)
@click.option("--max-images", type=int, default=30, show_default=True, help="Images kept per report page.")
@click.option("--any-host", is_flag=True, help="Let a crawl leave the index page's host.")
def fetch(
    urls: tuple[str, ...],
    urls_file: Path | None,
    crawl_urls: tuple[str, ...],
    pattern: str | None,
    cache: Path,
    refresh: bool,
    policy: FetchPolicy,
    max_pages: int,
    max_depth: int,
    max_images: int,
    any_host: bool,
) -> None:
    """Download report pages and files into the cache, or crawl a report column (政府信息公开年报 栏目).

    Then read them with `ogi run CACHE`: each report keeps its URL as its source.
    """
    import re

    from ogi.extractors.html.walk import page_links
    from ogi.fetchers import jobs as fetchers
    from ogi.utils.urls import names_url

    items = list(urls)
    if urls_file is not None:
        items += read_url_list(urls_file)
    # Not a web address at all: a usage error. A malformed http(s) URL fails alone, in the summary.
    bad = [u for u in [*items, *crawl_urls] if not names_url(u)]
    if bad:
        raise click.UsageError(f"not an http(s) URL: {bad[0]!r}")
    if not items and not crawl_urls:
        raise click.UsageError("give URLs, --urls FILE or --crawl INDEX_URL")
    try:
        compiled = re.compile(pattern) if pattern else None
    except re.error as exc:
        raise click.UsageError(f"--pattern: {exc}") from exc
    options = fetchers.CrawlOptions(
        pattern=compiled,
        max_pages=max_pages,
        max_depth=max_depth,
        any_host=any_host,
        refresh=refresh,
        max_images=max_images,
        read_page=page_links,
    )
    lines: list[str] = []
    failed = fetched = 0
    for label, run_it, targets in (
        ("crawl", fetchers.crawl, list(crawl_urls)),
        ("fetch", fetchers.fetch_urls, items),
    ):
        if not targets:
            continue
        found, stats = run_it(targets, cache, policy=policy, options=options)
        ok = sum(1 for f in found if f.path is not None)
        fetched += ok
        failed += len(stats.errors)
        if label == "crawl":
            lines.append(
                f"index pages: {len(stats.index_pages)} read, {len(stats.index_changed)} new or changed"
            )
        lines.append(
            f"{label}: {ok} report sources in the cache (attachments: {len(stats.attachments)}, "
            f"images kept: {len(stats.images)}); {len(stats.downloaded)} downloaded, "
            f"{len(stats.cached)} already cached, {len(stats.errors)} failed"
        )
        for url, error in sorted(stats.errors.items()):
            lines.append(f"  failed: {url}: {error}")
    for line in lines:
        click.echo(line)
    click.echo(f"cache: {cache.resolve()} (read it with: ogi run {cache})")
    if failed and not fetched:
        sys.exit(1)


@main.command()
@click.argument("report")
@click.option(
    "--dataset",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/out"),
    show_default=True,
)
@click.option(
    "--crop",
    "crop_cell",
    default=None,
    metavar="CELL",
    help="Render the part of the source page CELL was read from (a PNG; the source lines for text).",
)
@click.option(
    "--crop-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where --crop writes its PNG (default: <report_id>-<CELL>.png).",
)
def show(report: str, dataset: Path, crop_cell: str | None, crop_out: Path | None) -> None:
    """Show one report (a file, URL or report_id) with its tables, checks and failing cells.

    A file that is not in the dataset (or with no dataset at all) is read on the spot, as ``ogi run``
    would read it, and nothing is written."""
    from ogi.analysis.show import NotFound, is_dataset, render, render_rows

    if crop_cell is not None:
        _crop(dataset, report, crop_cell, crop_out)
        return
    try:
        click.echo(render(dataset, report))
        return
    except NotFound as exc:
        if not Path(report).is_file():
            raise click.ClickException(str(exc)) from None
        note = "not in the dataset" if is_dataset(dataset) else f"no dataset at {dataset}"
    rows = _read_on_the_spot(Path(report))
    click.echo(f"({note}: read on the spot, nothing written)", err=True)
    click.echo(render_rows(rows.report, rows.cells, rows.checks))


def _crop(dataset: Path, report: str, cell: str, out: Path | None) -> None:
    """``ogi show --crop CELL``: the evidence beside the claim."""
    from ogi.analysis.crop import CropError, crop
    from ogi.analysis.show import NotFound, cell_of, find_report, is_dataset

    try:
        if not is_dataset(dataset):
            raise NotFound(f"{dataset} is not an ogi dataset (no reports.parquet): run ogi run first")
        rep = find_report(dataset, report)
        row = cell_of(dataset, rep["report_id"], cell)
        target = out or Path(f"{rep['report_id']}-{cell}.png")
        done = crop(rep["source"], rep["format"], cell, row.get("locator"), target)
    except (NotFound, CropError) as exc:
        raise click.ClickException(str(exc)) from None
    from ogi.schema.values import format_number

    click.echo(f"{cell} = {format_number(row.get('value'))} ({row.get('status')}) at {row.get('locator')}")
    if done.path is not None:
        click.echo(f"wrote {done.path}")
    if done.text is not None:
        click.echo(done.text)


def _read_on_the_spot(path: Path):  # type: ignore[no-untyped-def]
    """One file read by the one per-document path of a run (``ogi.run.source``), without a store."""
    from ogi.run.inputs import file_sha256
    from ogi.run.source import Task, extraction_options, read_task

    resolved = path.expanduser().resolve()
    return read_task(Task(str(resolved), str(resolved), sha256=file_sha256(resolved)), extraction_options())


def _format_from_suffix(out: Path | None, formats: tuple[str, ...], default: str) -> str:
    """``--out x.html`` means HTML: the format a file's suffix names, when it names one of ``formats``."""
    if out is not None:
        suffix = out.suffix.lower().lstrip(".")
        suffix = {"htm": "html", "db": "sqlite", "sqlite3": "sqlite"}.get(suffix, suffix)
        if suffix in formats:
            return suffix
    return default


def _metric_names() -> list[str]:
    from ogi.schema.metrics import metric_names

    return list(metric_names())


@main.command()
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--year", type=int, default=None, help="Year covered (default: the latest in the selection).")
@click.option("--province", default=None, help="Province name contains this text (浙江).")
@click.option("--city", default=None, help="City name contains this text (嘉兴).")
@click.option(
    "--level",
    default=None,
    help="省, 市, 县, 乡镇, 部门 or 功能区 (or province, city, county, township, department, zone).",
)
@click.option(
    "--agency",
    default=None,
    help="Follow the agencies whose name contains TEXT (or whose agency_id is TEXT) across years.",
)
@click.option(
    "--metric",
    default=DEFAULT_METRIC,
    show_default=True,
    help="Metric to rank or follow (defined in the data dictionary): " + ", ".join(_metric_names()) + ".",
)
@click.option(
    "--scope",
    type=click.Choice(SCOPES),
    default=None,
    help="own (default for rankings: a department's own work), aggregate (全市/全区 reports, and governments "
    "whose report states no scope), unknown (neither stated nor inferable) or all.",
)
@click.option(
    "--min-n",
    "min_n",
    type=click.IntRange(min=0),
    default=None,
    help="Rank a rate only when it is a share of at least N requests (or cases).",
)
@click.option("--failed", is_flag=True, help="List the reports whose own numbers do not add up.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(COMPARE_FORMATS),
    default=None,
    help="table (default), csv, xlsx or html; inferred from --out's suffix when not given.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Output file.")
@click.option("--title", default=None, help="HTML: the page's title (default: the metric, in Chinese).")
@click.option("--note", default=None, help="HTML: a note under the title (method, caveats, date).")
@click.option("--credit", default=None, help="HTML: a credit line (who made the page).")
def compare(
    dataset: Path,
    year: int | None,
    province: str | None,
    city: str | None,
    level: str | None,
    agency: str | None,
    metric: str,
    scope: str | None,
    min_n: int | None,
    failed: bool,
    fmt: str | None,
    out: Path | None,
    title: str | None,
    note: str | None,
    credit: str | None,
) -> None:
    """Rank agencies by a metric in a year, follow an agency across years (--agency), or list the
    reports whose own numbers do not add up (--failed). HTML gives all of it on one page."""
    from ogi.analysis import compare as cmp
    from ogi.analysis.html_report import render
    from ogi.analysis.load import DatasetError, load

    filters = cmp.Filters(
        year=year, province=province, city=city, level=level, agency=agency, scope=scope, min_n=min_n
    )
    fmt = fmt or _format_from_suffix(out, COMPARE_FORMATS, "table")
    try:
        cmp.metric_named(metric)
        ds = load(dataset)
        if fmt == "html":
            cmp.require_reports(ds)
            page = render(ds, cmp.metric_named(metric).name, filters, title=title, note=note, credit=credit)
            text = cmp.emit(page, out)
        else:
            text = cmp.run_compare(ds, metric, filters, failed=failed, fmt=fmt, out=out)
    except DatasetError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    if text is not None:
        click.echo(text, nl=False)
    elif out is not None:
        click.echo(f"wrote {out}", err=True)


@main.command()
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default=None,
    help="sqlite, csv, xlsx or duckdb; inferred from --out's suffix (.db, .xlsx, .duckdb) when not given.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="sqlite: a folder (ogi.db + metadata.json) or a .db file; csv: a folder; xlsx, duckdb: a file.",
)
def export(dataset: Path, fmt: str | None, out: Path) -> None:
    """Export the dataset: SQLite with Datasette metadata, CSV files (with their datapackage.json), a
    spreadsheet or a DuckDB file."""
    fmt = fmt or _format_from_suffix(out, EXPORT_FORMATS, "")
    if not fmt:
        raise click.UsageError("give --format (sqlite, csv, xlsx or duckdb): --out's suffix names none")
    from ogi.analysis.export import export as do_export
    from ogi.analysis.load import DatasetError

    try:
        written = do_export(dataset, fmt, out)
    except DatasetError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    for path in written:
        click.echo(str(path))
    if fmt == "sqlite":
        hint = (
            f"datasette {out}"
            if out.suffix not in (".db", ".sqlite", ".sqlite3")
            else (f"datasette {out} -m {out.with_name('metadata.json')}")
        )
        click.echo(f"browse with: {hint}", err=True)


@main.command()
@click.argument("dataset", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv"]), default=None, help="table (default) or csv."
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Output file.")
@click.option(
    "--min-n",
    "min_n",
    type=click.FloatRange(min=0),
    default=10,
    show_default=True,
    help="A rate's change is a lead only when both years have at least N requests or cases.",
)
@click.option(
    "--points",
    type=click.FloatRange(min=0),
    default=20,
    show_default=True,
    help="A rate's change of at least this many percentage points is steep.",
)
def leads(dataset: Path, fmt: str | None, out: Path | None, min_n: float, points: float) -> None:
    """The candidate stories, ranked: reports whose numbers do not add up (naming the likely culprit
    cell), steep year-on-year changes in refusals and lawsuits, carry-over that does not carry, agencies
    that stopped publishing; each with its evidence and the command that shows it."""
    from ogi.analysis import leads as lead_finder
    from ogi.analysis.compare import emit, require_reports
    from ogi.analysis.load import DatasetError, load
    from ogi.analysis.spreadsheet import csv_safe

    fmt = fmt or _format_from_suffix(out, ("table", "csv"), "table")
    try:
        ds = load(dataset)
        require_reports(ds)
        df = lead_finder.leads(ds, lead_finder.Thresholds(rate_points=points, min_n=min_n))
        body = (
            csv_safe(df).to_csv(index=False, lineterminator="\n")
            if fmt == "csv"
            else lead_finder.render_text(df)
        )
        text = emit(body, out)
    except DatasetError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    if text is not None:
        click.echo(text, nl=False)
    elif out is not None:
        click.echo(f"wrote {out}", err=True)


@main.command(name="eval")
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("expected_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON.")
def eval_(dataset: Path, expected_dir: Path, as_json: bool) -> None:
    """Compare a dataset with hand-checked expected values (one JSON per report, named after the
    source file's stem): cells right, wrong, missing, extra, blanks read as values, per format."""
    import json

    from ogi.analysis.evaluate import EvalError, evaluate, render

    try:
        ev = evaluate(dataset, expected_dir)
    except EvalError as exc:
        raise click.UsageError(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(ev.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render(ev))


if __name__ == "__main__":
    main()
