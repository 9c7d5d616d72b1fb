"""Hand corrections (output-contract.md §5), applied to the store at the end of every run.

A correction file is a CSV with the columns ``source`` or ``report_id``, ``cell``, ``value``, ``reason``
and ``by``. Each run first undoes every correction it applied before (the store keeps the original
reading), then applies the file as it is now, so corrections survive re-runs and removing a line
from the file restores the extracted value. Corrected cells get status ``manual``; ``by``, ``reason`` and
``corrected_from`` go into the locator; ``raw`` keeps what the source printed; the report's checks and
status are recomputed.

The dataset remembers the corrections it was built with: the run keeps a copy of the file as
``DIR/corrections.csv`` (``KEPT``), and a later run without ``--corrections`` applies that copy, so a
hand fix is never reverted silently; only ``--drop-corrections`` removes them. A correction row that
matches no report of the dataset is returned as unmatched, for the run to report, not skipped in silence.
"""

from __future__ import annotations

import csv
import io
import json
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ogi.dataset.rows import check_row
from ogi.dataset.store import Store
from ogi.schema.cells import CellValue
from ogi.schema.identities import run_identities, run_prose_checks
from ogi.schema.metadata import metadata_problems
from ogi.schema.pre2019 import cell_parts
from ogi.schema.pre2019 import dictionary_rows as pre2019_keys
from ogi.schema.report import status_of_cells
from ogi.schema.template import load
from ogi.utils.files import local_source
from ogi.utils.text import dumps
from ogi.utils.urls import is_http_url


@dataclass(frozen=True)
class Correction:
    source: str | None
    report_id: str | None
    cell: str
    value: float | None
    reason: str
    by: str
    line: int


class CorrectionsError(ValueError):
    """The corrections file cannot be used (with the line that is wrong)."""


#: The copy of the corrections a dataset was built with, inside the dataset folder.
KEPT = "corrections.csv"
#: The columns every corrections file has (and one of ``source`` and ``report_id``).
REQUIRED = ("cell", "value")


@dataclass
class Applied:
    """What applying a corrections file did: the reports it touched, the rows that matched no report."""

    touched: set[str]
    unmatched: list[Correction]
    applied: int = 0


def read_corrections(path: Path) -> list[Correction]:
    """Parse and validate a corrections CSV."""
    t = load()
    known = {s.key for s in t.all_specs()} | {f"t3.{r.key}.legal_person_subtotal" for r in t.t3_rows}
    known |= {r["key"] for r in pre2019_keys()}  # issue 17: the pre-2019 forms' and prose keys
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CorrectionsError(f"{path}: cannot read the corrections file ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on a Chinese system saves CSV in the GB family.
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise CorrectionsError(f"{path}: not UTF-8 or GB18030 text") from None
    with io.StringIO(text, newline="") as fh:
        reader = csv.DictReader(fh)
        try:
            return _rows(path, reader, known)
        except csv.Error as exc:  # a field past the csv module's limit (128 KB), a stray quote …
            raise CorrectionsError(f"{path}:{reader.line_num + 1}: not a readable CSV row ({exc})") from None


def _rows(path: Path, reader: csv.DictReader[str], known: set[str]) -> list[Correction]:
    out: list[Correction] = []
    if reader.fieldnames:
        reader.fieldnames = [f.strip() for f in reader.fieldnames]
    fields = set(reader.fieldnames or [])
    missing = [c for c in REQUIRED if c not in fields]
    if missing or not ({"source", "report_id"} & fields):
        what = f" (no {', '.join(missing)} column)" if missing else " (no source or report_id column)"
        raise CorrectionsError(
            f"{path}:1: needs the columns cell, value, reason, by and source or report_id{what}"
        )
    width = len(reader.fieldnames or [])
    for row in reader:
        n = reader.line_num
        if None in row.values():
            got = width - sum(1 for v in row.values() if v is None)
            raise CorrectionsError(f"{path}:{n}: a short row ({got} fields where the header has {width})")
        if None in row:
            raise CorrectionsError(f"{path}:{n}: a long row (more fields than the header's {width})")
        cell = (row.get("cell") or "").strip()
        if cell not in known:
            raise CorrectionsError(f"{path}:{n}: unknown cell key {cell!r}")
        value = _number((row.get("value") or "").strip(), f"{path}:{n}")
        source = (row.get("source") or "").strip() or None
        report_id = (row.get("report_id") or "").strip() or None
        if source is None and report_id is None:
            raise CorrectionsError(f"{path}:{n}: needs a source or a report_id")
        if source and not is_http_url(source):
            source = local_source(source)
        out.append(
            Correction(
                source,
                report_id,
                cell,
                value,
                (row.get("reason") or "").strip(),
                (row.get("by") or "").strip(),
                n,
            )
        )
    return out


def _number(text: str, where: str) -> float | None:
    """A correction's value: empty is null; full-width digits and thousands separators are accepted."""
    if not text:
        return None
    plain = unicodedata.normalize("NFKC", text).replace(",", "").replace("，", "").strip()
    try:
        value = float(plain)
    except ValueError:
        raise CorrectionsError(f"{where}: value {text!r} is not a number") from None
    if not math.isfinite(value):
        raise CorrectionsError(f"{where}: value {text!r} is not a number")
    return value


def apply_corrections(store: Store, path: Path | None) -> Applied:
    """Undo earlier corrections, apply the file's, recompute checks and status. Returns the touched
    reports and the rows that match no report."""
    corrections = read_corrections(Path(path)) if path else []
    touched: set[str] = set()
    unmatched: list[Correction] = []
    applied = 0
    with store.transaction() as con:
        for (rid,) in con.execute("SELECT DISTINCT report_id FROM cells WHERE corrected").fetchall():
            touched.add(rid)
        con.execute("DELETE FROM cells WHERE corrected AND orig_status IS NULL")
        con.execute(
            """UPDATE cells SET value = orig_value, status = orig_status, locator = orig_locator,
               unit = orig_unit, corrected = false WHERE corrected"""
        )
        by_source = dict(con.execute("SELECT source, report_id FROM reports").fetchall())
        ids = set(by_source.values())
        for c in corrections:
            rid = c.report_id or by_source.get(c.source or "")
            if rid is None or rid not in ids:
                unmatched.append(c)  # a correction for a report not in this dataset (yet): reported
                continue
            touched.add(rid)
            applied += 1
            rows = con.execute(
                "SELECT orig_value, orig_locator FROM cells WHERE report_id = ? AND cell = ?", [rid, c.cell]
            ).fetchall()
            extra = {"by": c.by, "reason": c.reason}
            if rows:
                orig_value, orig_locator = rows[0]
                locator = {**json.loads(orig_locator or "{}"), **extra, "corrected_from": orig_value}
                con.execute(
                    """UPDATE cells SET value = ?, status = 'manual', locator = ?, corrected = true
                       WHERE report_id = ? AND cell = ?""",
                    [c.value, dumps(locator), rid, c.cell],
                )
            else:
                meta = con.execute(
                    "SELECT year, agency FROM reports WHERE report_id = ? LIMIT 1", [rid]
                ).fetchall()
                year, agency = meta[0] if meta else (None, None)
                table, row_key, col_key = cell_parts(c.cell)
                locator = {**extra, "corrected_from": None}
                store.insert(
                    con,
                    "cells",
                    [
                        {
                            "report_id": rid,
                            "cell": c.cell,
                            "table": table,
                            "row_key": row_key,
                            "col_key": col_key,
                            "value": c.value,
                            "raw": None,
                            "status": "manual",
                            "unit": None,
                            "locator": dumps(locator),
                            "year": year,
                            "agency": agency,
                            "corrected": True,
                        }
                    ],
                )
        for rid in sorted(touched):
            recheck(store, con, rid)
    return Applied(touched, unmatched, applied)


def stored_cells(con: object, report_id: str) -> dict[str, CellValue]:
    rows = con.execute(  # type: ignore[attr-defined]
        "SELECT cell, raw, status, value, unit, locator FROM cells WHERE report_id = ?", [report_id]
    ).fetchall()
    return {
        cell: CellValue(cell, raw, status, value, unit, json.loads(loc or "{}"))
        for cell, raw, status, value, unit, loc in rows
    }


def recheck(store: Store, con: object, report_id: str) -> None:
    """Recompute one report's checks (all but X-CARRY), n_cells, n_checks_failed and status."""

    meta = con.execute(  # type: ignore[attr-defined]
        """SELECT template_version, other_single_row, year, found, status, error FROM reports
           WHERE report_id = ? LIMIT 1""",
        [report_id],
    ).fetchall()
    if not meta:
        return
    version, other_single, year, found, status, old_error = meta[0]
    cells = stored_cells(con, report_id)
    sections = con.execute(  # type: ignore[attr-defined]
        "SELECT section, heading, text FROM sections WHERE report_id = ? ORDER BY ord", [report_id]
    ).fetchall()
    # The prose the first reading compared (ogi.schema.report.prose_for_checks): section 一, else all of it.
    prose = next((t for s, _h, t in sections if s == "s1_overview" and t), None)
    if prose is None:
        prose = "\n".join("\n".join(x for x in (h, t) if x) for _s, h, t in sections)
    checks = []
    if version == "pre2019":  # issue 17: the form's PRE-* checks and status (ogi.schema.pre2019)
        from ogi.schema.pre2019 import recheck_pre2019

        form = con.execute("SELECT form FROM reports WHERE report_id = ? LIMIT 1", [report_id]).fetchall()  # type: ignore[attr-defined]
        pre_checks, pre_status = recheck_pre2019(cells, form[0][0] if form else None, year)
        con.execute("DELETE FROM checks WHERE report_id = ? AND rule != 'X-CARRY'", [report_id])  # type: ignore[attr-defined]
        store.insert(con, "checks", [check_row(report_id, c) for c in pre_checks])  # type: ignore[arg-type]
        if pre_status is not None and status in ("ok", "partial"):
            con.execute(  # type: ignore[attr-defined]
                "UPDATE reports SET status = ?, error = ? WHERE report_id = ?", [*pre_status, report_id]
            )
        con.execute(  # type: ignore[attr-defined]
            "UPDATE reports SET n_cells = ?, n_checks_failed = 0 WHERE report_id = ?", [len(cells), report_id]
        )
        return
    if version in ("2019", "2021") and found:
        checks = run_identities(cells, version, bool(other_single))
        if prose:
            checks += run_prose_checks(cells, prose)
    con.execute("DELETE FROM checks WHERE report_id = ? AND rule != 'X-CARRY'", [report_id])  # type: ignore[attr-defined]
    store.insert(con, "checks", [check_row(report_id, c) for c in checks])  # type: ignore[arg-type]
    failed = sum(1 for c in checks if c.severity == "hard" and c.outcome == "fail")
    new_status, error = status, None
    if status in ("ok", "partial") and found:
        new_status, error = status_of_cells(found.split(","), version, bool(other_single), year, cells)
        error = "; ".join([e for e in (error,) if e] + metadata_problems(old_error)) or None
        con.execute(  # type: ignore[attr-defined]
            "UPDATE reports SET status = ?, error = ? WHERE report_id = ?", [new_status, error, report_id]
        )
    con.execute(  # type: ignore[attr-defined]
        "UPDATE reports SET n_cells = ?, n_checks_failed = ? WHERE report_id = ?",
        [len(cells), failed, report_id],
    )
