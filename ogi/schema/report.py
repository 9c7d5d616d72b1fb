"""From a document to what ogi knows about the report: metadata, cells, sections, checks and status.

This is the one entry point of ``ogi.schema`` the pipeline calls for each source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ogi.extractors.model import Document
from ogi.schema.cells import CellValue, Recognition, UnmappedRow
from ogi.schema.identities import CheckResult, prose_numbers, run_identities, run_prose_checks
from ogi.schema.metadata import Metadata, read_metadata, scope_of, sentence_around
from ogi.schema.ocrfix import correct as correct_ocr
from ogi.schema.ocrfix import settle as settle_ocr
from ogi.schema.pre2019 import read_pre2019
from ogi.schema.recognize import recognize
from ogi.schema.sections import Section, split_sections
from ogi.schema.template import load

TABLE_NAMES = {"t2": "table 二", "t3": "table 三", "t4": "table 四"}
PRE2019 = 2019


@dataclass
class Interpretation:
    """One report as ogi reads it (before hand corrections)."""

    meta: Metadata
    status: str
    error: str | None
    template_version: str | None
    scope: str | None
    cells: dict[str, CellValue] = field(default_factory=dict)
    unmapped: list[UnmappedRow] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    other_single_row: bool = False
    found: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    #: The pre-2019 statistics form read (``fj_local`` …), else None (issue 17).
    form: str | None = None


def prose_for_checks(sections: list[Section], doc: Document) -> str:
    """Section 一's prose (the statistics sentences live there), else all prose."""
    for s in sections:
        if s.section == "s1_overview" and s.text:
            return s.text
    return doc.text()


def interpret(doc: Document) -> Interpretation:
    """Read one document as a report (or say why it is not one)."""
    t = load()
    meta = read_metadata(doc)
    rec: Recognition = recognize(doc, t, year_hint=meta.year)
    sections = split_sections(doc, meta.title)
    prose = prose_for_checks(sections, doc)

    scope = None
    stated = prose_numbers(prose, t)
    for quantity, _number, phrase in stated:
        if quantity == "received":
            scope = scope_of(sentence_around(prose, phrase))
            break

    damaged = unread_blanks_missing(doc, rec)
    version = rec.version
    checks: list[CheckResult] = []
    if rec.found and version is not None:
        settle_ocr(rec.cells, version, rec.other_single_row, t)
        correct_ocr(rec.cells, version, rec.other_single_row, t)
        checks = run_identities(rec.cells, version, rec.other_single_row, t)
        checks += run_prose_checks(rec.cells, prose, t, stated)
    elif meta.year is not None and meta.year < PRE2019 and meta.title:
        version = "pre2019"

    cells, unmapped, form = rec.cells, rec.unmapped, None
    if version == "pre2019" and not rec.found and doc.status is None:
        # A report before the 2019 template: its statistics form, or its prose (ogi.schema.pre2019).
        pre = read_pre2019(doc, meta.year)
        status, error = pre.status(meta.year)
        cells, unmapped, checks, form = pre.cells, rec.unmapped + pre.unmapped, pre.checks, pre.form
    else:
        status, error = _status(doc, meta, rec, version)
    if status in ("ok", "partial") and meta.problems:  # a report, but not sure whose or of which year
        error = "; ".join([e for e in (error,) if e] + meta.problems)
    if damaged and status in ("ok", "partial"):
        why = str(damaged)
        status, error = "partial", why if status == "ok" else f"{error}; {why}"
    return Interpretation(
        meta=meta,
        status=status,
        error=error,
        template_version=version,
        scope=scope,
        cells=cells,
        unmapped=unmapped,
        sections=sections,
        checks=checks,
        other_single_row=rec.other_single_row,
        found=rec.found,
        notes=rec.notes,
        form=form,
    )


@dataclass(frozen=True)
class Damage:
    """Why the document was not read whole (``Document.meta["damaged"]``), and the template tables read
    from an affected block."""

    reason: str
    tables: tuple[str, ...]

    def __str__(self) -> str:
        names = ", ".join(TABLE_NAMES[t] for t in self.tables) or "no table affected"
        return f"{self.reason} ({names})"


def unread_blanks_missing(doc: Document, rec: Recognition) -> Damage | None:
    """For a document the extractor could not read whole, the ``blank`` cells of every template table
    read from a damaged block (``Table.damaged``) become missing, and the damage is returned.

    Why: a grid position without a cell reads as printed empty, but in a table the file ends inside, or on
    a page whose content stream broke, the cell may just not have been read; a wrong blank (counted as 0
    by the checks) is worse than a missing cell. Placeholders and values were printed, and stay.
    """
    reason = doc.meta.get("damaged")
    if not reason:
        return None
    affected = tuple(
        table
        for table, indexes in sorted(rec.blocks.items())
        if any(getattr(doc.blocks[i], "damaged", None) for i in indexes if i < len(doc.blocks))
    )
    for key in [k for k, c in rec.cells.items() if c.status == "blank" and k.split(".")[0] in affected]:
        del rec.cells[key]
    return Damage(str(reason), affected)


def _status(doc: Document, meta: Metadata, rec: Recognition, version: str | None) -> tuple[str, str | None]:
    if doc.status is not None:
        return doc.status, doc.reason
    if not rec.found:
        if version == "pre2019":
            return (
                "unsupported_template",
                f"pre-2019 report ({meta.year}): its statistics tables are not extracted yet",
            )
        if meta.title:
            reason = "report title found but none of tables 二, 三, 四"
            if rec.notes:
                reason += f" ({rec.notes[0]})"
            return "partial", reason
        return "not_a_report", "no report title and no template tables"
    return status_of_cells(rec.found, version, rec.other_single_row, meta.year, rec.cells)


def status_of_cells(
    found: Iterable[str],
    version: str | None,
    other_single_row: bool,
    year: int | None,
    cells: Mapping[str, CellValue],
) -> tuple[str, str | None]:
    """``ok`` or ``partial`` (with the reason) for a report whose tables were found.

    Kept separate so the status can be recomputed after hand corrections from what the store holds.
    """
    found = set(found)
    problems: list[str] = []
    if not any(c.value is not None for c in cells.values()) and year is None:
        problems.append("blank template: no values and no year")
    for table in ("t2", "t3", "t4"):
        if table not in found:
            problems.append(f"{TABLE_NAMES[table]} not found")
    expected = (
        load().cell_keys(version, other_single_row=other_single_row) if version in ("2019", "2021") else []
    )
    missing = [k for k in expected if k not in cells and k.split(".")[0] in found]
    ambiguous = sorted(k for k, c in cells.items() if c.status == "ambiguous")
    if missing:
        problems.append(f"{len(missing)} cells missing ({_few(missing)})")
    if ambiguous:
        problems.append(f"{len(ambiguous)} cells ambiguous ({_few(ambiguous)})")
    if problems:
        return "partial", "; ".join(problems)
    return "ok", None


def _few(keys: list[str], n: int = 3) -> str:
    head = ", ".join(keys[:n])
    return head + (", …" if len(keys) > n else "")
