"""The rows ogi writes for one source, built in one place.

A report row is made by ``report_row`` whether the source was read, failed on the way, or could not be
fetched at all, so every row has the same columns and the same defaults; the cell, check, section and
unmapped rows are built from a ``schema.report.Interpretation`` here too. The store writes these dicts;
nothing else spells them out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from ogi import __version__
from ogi.schema.identities import CheckResult
from ogi.schema.pre2019 import cell_parts
from ogi.schema.report import Interpretation
from ogi.utils.text import dumps, one_line


@dataclass
class ReportRows:
    """Everything ogi writes for one source."""

    report: dict[str, Any]
    cells: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    sections: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[dict[str, Any]] = field(default_factory=list)


def report_id_of(sha256: str) -> str:
    """A report's id: the first 16 hex digits of its bytes' SHA-256 (contract §2)."""
    return sha256[:16]


def report_row(
    source: str,
    sha256: str,
    *,
    fmt: str = "unknown",
    status: str = "failed",
    error: str | None = None,
    report_id: str | None = None,
    retry: bool = False,
) -> dict[str, Any]:
    """A source's reports row before anything is read from it: a failure until the reading says more.

    ``retry``: the failure was the run's, not the file's (a time or memory limit, a crashed or lost
    worker): the next run reads the file again instead of keeping the failure as final."""
    return {
        "report_id": report_id or report_id_of(sha256),
        "source": source,
        "sha256": sha256,
        "duplicate_of": None,
        "format": fmt,
        "status": status,
        "error": one_line(error) if error else None,
        "n_cells": 0,
        "n_checks_failed": 0,
        "ogi_version": __version__,
        "seconds": 0.0,
        "other_single_row": False,
        "found": "",
        "retry": retry,
    }


def failed_rows(
    source: str, sha256: str, reason: str, fmt: str = "unknown", retry: bool = False
) -> ReportRows:
    """The rows of a source that could not be read at all: its reports row, saying why."""
    return ReportRows(report_row(source, sha256, fmt=fmt, error=reason, retry=retry))


def no_bytes_rows(source: str, reason: str) -> ReportRows:
    """The rows of a source that has no bytes to read (a URL that could not be fetched, a dangling link, a
    FIFO or device). With no content hash its id is derived from the source (``0000`` + 12 hex digits),
    or every such source would share one report."""
    rid = "0000" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]
    return ReportRows(report_row(source, "0" * 64, error=reason, report_id=rid))


def check_row(report_id: str, c: CheckResult) -> dict[str, Any]:
    """The checks row of one identity check."""
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


def fill(rows: ReportRows, it: Interpretation) -> None:
    """Complete ``rows`` (whose reports row is already made) with what the interpretation found."""
    report = rows.report
    rid = report["report_id"]
    meta = it.meta
    report.update(
        status=it.status,
        error=one_line(it.error) if it.error else None,
        title=meta.title,
        agency=meta.agency,
        year=meta.year,
        year_source=meta.year_source,
        published=meta.published,
        template_version=it.template_version,
        form=it.form,
        scope=it.scope,
        province=meta.province,
        city=meta.city,
        county=meta.county,
        other_single_row=it.other_single_row,
        found=",".join(sorted(it.found)),
    )
    for key, cell in it.cells.items():
        table, row_key, col_key = cell_parts(key)  # pre.* keys have their own shape (issue 17)
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
