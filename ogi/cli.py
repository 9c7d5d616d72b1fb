"""The ``ogi`` command line: commands that read like sentences.

ogi run data/samples --out data/out
ogi show --dataset data/out data/samples/jiaxing-stats-2022.txt
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ogi import __version__

DEFAULT_INPUTS = ("data/samples",)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ogi")
def main() -> None:
    """ogi turns government information-disclosure annual reports (政府信息公开工作年度报告) into
    clean, validated datasets."""


@main.command()
@click.argument("inputs", nargs=-1)
@click.option(
    "--urls",
    "urls_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file with one URL per line.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/out"),
    show_default=True,
    help="Dataset folder.",
)
@click.option(
    "--cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/cache"),
    show_default=True,
    help="Fetch cache folder.",
)
@click.option("--jobs", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="Dask scheduler address (with --engine dask).")
@click.option("--timeout", type=float, default=None, help="Seconds one file may take.")
@click.option("--max-memory", "max_memory", type=int, default=None, help="MB one file may use.")
@click.option(
    "--pdf-engine", type=click.Choice(["auto", "pdfium", "plumber"]), default="auto", show_default=True
)
@click.option(
    "--corrections",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Hand corrections CSV.",
)
@click.option("--force", is_flag=True, help="Read every source again, even unchanged ones.")
@click.option("--strict", is_flag=True, help="Exit non-zero when any report is not ok.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def run(
    inputs: tuple[str, ...],
    urls_file: Path | None,
    out: Path,
    cache: Path,
    jobs: int | None,
    engine: str,
    scheduler: str | None,
    timeout: float | None,
    max_memory: int | None,
    pdf_engine: str,
    corrections: Path | None,
    force: bool,
    strict: bool,
    quiet: bool,
) -> None:
    """Read report files, folders (recursively) or URLs into a dataset (default: data/samples)."""
    from ogi import pipeline
    from ogi.corrections import CorrectionsError

    items = list(inputs)
    if urls_file is not None:
        items += [
            line.strip()
            for line in urls_file.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
    if not items:
        items = list(DEFAULT_INPUTS)
    options = pipeline.RunOptions(
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
    )
    bar = _Progress(enabled=not quiet)
    try:
        summary = pipeline.run(items, options, progress=bar.update)
    except FileNotFoundError as exc:
        raise click.UsageError(str(exc)) from exc
    except CorrectionsError as exc:
        raise click.UsageError(str(exc)) from exc
    finally:
        bar.close()
    statuses = ", ".join(f"{s} {n}" for s, n in sorted(summary.statuses.items()))
    click.echo(
        f"{summary.read} read, {summary.skipped} unchanged; reports: {statuses or 'none'}; "
        f"hard checks failed: {summary.failed_checks} in {summary.reports_with_failed_checks} reports"
    )
    click.echo(f"dataset: {summary.out.resolve()}")
    if strict and summary.not_ok:
        sys.exit(1)


class _Progress:
    """A one-line progress display on stderr (silent when not a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.n = 0

    def update(self, source: object, rows: object) -> None:
        self.n += 1
        if self.enabled:
            name = getattr(source, "source", "")
            status = (
                getattr(rows, "report", {}).get("status", "unchanged") if rows is not None else "unchanged"
            )
            sys.stderr.write(f"\r\033[K[{self.n}] {status:<12} {str(name)[-70:]}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.n:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


@main.command()
@click.argument("report")
@click.option(
    "--dataset",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("data/out"),
    show_default=True,
)
def show(report: str, dataset: Path) -> None:
    """Show one report (a file, URL or report_id) with its tables, checks and failing cells."""
    from ogi.analysis.show import NotFound, render

    try:
        click.echo(render(dataset, report))
    except NotFound as exc:
        raise click.ClickException(str(exc)) from exc


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
