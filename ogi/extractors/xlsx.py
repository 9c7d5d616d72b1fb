"""Excel workbooks (format ``xlsx``): every visible sheet as one table grid.

openpyxl reads the workbook in normal mode (read-only mode does not report merged cells) with
``data_only=True``, so a formula cell gives the value the spreadsheet last computed, not its formula.
A formula without a computed value (a file written by a program that never calculated it) keeps its
formula text, which ``ogi.schema`` reads as not a number, rather than passing for an empty cell.

A sheet often stacks several tables (with blank rows between them, each with its own width): each run
of non-empty rows becomes a table of its own, and a lone text cell standing apart (a title) a paragraph.

Cell text is the value as the sheet displays it: integers without 「.0」, decimals as many as the number
format shows (「0.00」 → 「96171.60」), a thousands-separator format shown as the plain number, a percent
format with 「%」, dates as ISO dates. Merged ranges come out once, at their top-left cell, with their
span. Locators are the sheet's own coordinates: ``{"sheet": name, "row": r, "col": c}`` (1-based).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
import zlib
from io import BytesIO
from typing import Any

from ogi.extractors.detect import OLE_MAGIC, ole_problem
from ogi.extractors.model import Cell, Document, ExtractionError, Paragraph, Table
from ogi.extractors.ooxml import check_unpacked_size, without_xml_controls
from ogi.extractors.textutil import join_cell_lines

_BRACKETS = re.compile(r"\[[^\]]*\]")
_QUOTED = re.compile(r'"[^"]*"')
_ESCAPED = re.compile(r"\\.|_.|\*.")


def extract(data: bytes, fmt: str = "xlsx", name: str = "", options: object = None) -> Document:
    """Read an XLSX workbook into the document model (``fmt`` is kept: ``xls`` after conversion)."""
    if data.startswith(OLE_MAGIC):
        raise ExtractionError(ole_problem(data) or "an OLE container, not an XLSX package", "failed")
    check_unpacked_size(data, "XLSX")
    check_merged_area(data)
    values_wb, formulas_wb = _open(data)
    doc = Document(format=fmt)
    hidden: list[str] = []
    number = 0
    for ws in values_wb.worksheets:
        if ws.sheet_state != "visible":
            hidden.append(ws.title)
            continue
        formulas = formulas_wb[ws.title] if formulas_wb is not None else None
        for block in _sheet(ws, formulas):
            if isinstance(block, Table):
                number += 1
                block.locator["table"] = number
            doc.blocks.append(block)
    title = getattr(values_wb.properties, "title", None)
    if isinstance(title, str) and title.strip():
        doc.meta["title"] = title.strip()
    if hidden:
        doc.meta["hidden_sheets"] = hidden
    return doc


#: Grid positions all merged ranges of a workbook may cover together. openpyxl makes an object for every
#: position a merged range covers (and so does ``_sheet``): one range over a whole sheet, 7 KB on disk,
#: took more than 5.7 GB. The template's merges cover a few hundred positions.
MAX_MERGED_CELLS = 200_000
_MERGE_REF = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Za-z]+)(\d+)(?::([A-Za-z]+)(\d+))?[\"']"
)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper()[:4]:
        n = n * 26 + ch - 64
    return n


def merged_area(data: bytes) -> int:
    """How many grid positions the merged ranges of all worksheets cover, read from the package's XML
    (linear in its size, before any library builds the workbook); 0 when it cannot be read as a zip."""
    total = 0
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            for info in z.infolist():
                if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
                    continue
                for m in _MERGE_REF.finditer(z.read(info.filename)):
                    c0, r0 = _column_number(m.group(1)), int(m.group(2)[:8])
                    c1 = _column_number(m.group(3)) if m.group(3) else c0
                    r1 = int(m.group(4)[:8]) if m.group(4) else r0
                    total += (abs(r1 - r0) + 1) * (abs(c1 - c0) + 1)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, zlib.error):
        return 0
    return total


def check_merged_area(data: bytes, limit: int = MAX_MERGED_CELLS) -> None:
    """Refuse a workbook whose merged ranges cover more than ``limit`` grid positions (``merged_area``)."""
    area = merged_area(data)
    if area > limit:
        raise ExtractionError(
            f"XLSX refused: its merged cells cover {area:,} grid positions (over the limit of {limit:,}; "
            "a report's tables cover a few hundred)"
        )


def _open(data: bytes) -> tuple[Any, Any]:
    """The workbook with computed values, and (to tell uncomputed formulas from blanks) with formulas."""
    import openpyxl

    with warnings.catch_warnings():
        # openpyxl warns about extensions it drops (data validation, conditional formats): not ours.
        warnings.simplefilter("ignore")
        try:
            values = openpyxl.load_workbook(BytesIO(data), data_only=True)
        except Exception as exc:  # zipfile, KeyError for a missing part, XML errors, openpyxl's own …
            cleaned = without_xml_controls(data) if "invalid" in str(exc).lower() else None
            if cleaned is None:
                raise ExtractionError(f"corrupt XLSX: {type(exc).__name__}: {exc}") from exc
            return _open(cleaned)
        try:
            formulas = openpyxl.load_workbook(BytesIO(data), data_only=False)
        except Exception:
            formulas = None
    return values, formulas


def _sheet(ws: Any, formulas: Any) -> list[Paragraph | Table]:
    """One sheet as blocks: each run of non-empty rows is a table (a sheet often stacks several tables
    with blank rows between them, each with its own width); a lone text cell standing apart (a title)
    is a paragraph. Every position of a table's area comes out once, merged ranges at their top-left;
    grid positions are relative to the table, locators are the sheet's own coordinates."""
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        merged[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))
    texts: dict[tuple[int, int], str] = {}
    ruled_rows: set[int] = set()
    for (r, c), cell in _existing_cells(ws):
        if (r, c) in covered:
            continue
        if cell.value is None:
            formula = _formula(formulas, r, c)
            if formula:
                texts[(r, c)] = formula
            elif _has_border(cell):
                ruled_rows.add(r)
            continue
        text = display(cell.value, cell.number_format)
        if text:
            texts[(r, c)] = text
    used_rows: set[int] = {r for r, _ in texts}
    for (r, _c), (rowspan, _colspan) in merged.items():
        used_rows.update(range(r, r + rowspan))
    # A row of empty bordered cells is a row of the table around it (every count of a row printed
    # blank), not a gap between two tables.
    used_rows |= ruled_rows
    blocks: list[Paragraph | Table] = []
    for top, bottom in _runs(sorted(used_rows)):
        inside = [p for p in set(texts) | set(merged) if top <= p[0] <= bottom]
        if not inside:
            continue  # only empty bordered cells
        left = min(c for _, c in inside)
        right = max(c + merged.get((r, c), (1, 1))[1] - 1 for r, c in inside)
        filled = [p for p in inside if p in texts]
        if len(filled) == 1 and len(inside) == 1 and top == bottom:
            r, c = filled[0]
            locator = {"sheet": ws.title, "row": r, "col": c}
            blocks.append(Paragraph(text=texts[(r, c)].strip(), locator=locator))
            continue
        cells: list[Cell] = []
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) in covered:
                    continue
                rowspan, colspan = merged.get((r, c), (1, 1))
                cells.append(
                    Cell(
                        text=texts.get((r, c), ""),
                        row=r - top,
                        col=c - left,
                        rowspan=rowspan,
                        colspan=colspan,
                        locator={"sheet": ws.title, "row": r, "col": c},
                    )
                )
        blocks.append(Table(cells=cells, locator={"sheet": ws.title, "row": top, "col": left}))
    return blocks


def _has_border(cell: Any) -> bool:
    border = getattr(cell, "border", None) if getattr(cell, "has_style", False) else None
    if border is None:
        return False
    return any(
        getattr(getattr(border, side, None), "style", None) for side in ("left", "right", "top", "bottom")
    )


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs."""
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and r == out[-1][1] + 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


def _existing_cells(ws: Any) -> list[tuple[tuple[int, int], Any]]:
    """The cells the sheet's XML holds. ``iter_rows`` would create every cell of the bounding box,
    which a stray styled cell far down a sheet makes enormous."""
    cells = getattr(ws, "_cells", None)
    if isinstance(cells, dict):
        return sorted(cells.items(), key=lambda item: item[0])
    return [((cell.row, cell.column), cell) for row in ws.iter_rows() for cell in row]


def _formula(formulas: Any, row: int, col: int) -> str | None:
    """A formula whose value was never computed (the cell has no cached value)."""
    if formulas is None:
        return None
    cells = getattr(formulas, "_cells", None)
    cell = cells.get((row, col)) if isinstance(cells, dict) else formulas.cell(row=row, column=col)
    value = getattr(cell, "value", None)
    if isinstance(value, str) and value.startswith("="):
        return value
    text = getattr(value, "text", None)  # array formulas
    return text if isinstance(text, str) and text else None


def display(value: Any, number_format: str | None = "General") -> str:
    """A cell value as the sheet shows it (see the module docstring for what is and is not applied)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return join_cell_lines(value.replace("\r\n", "\n").split("\n"))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, int | float):
        return _number(float(value), number_format or "General")
    return str(value)


def _number(value: float, number_format: str) -> str:
    section = _first_section(number_format)
    shown = _QUOTED.sub("", _BRACKETS.sub("", section))
    shown = _ESCAPED.sub("", shown)
    percent = "%" in shown
    if percent:
        value *= 100
    decimals = _decimals(shown)
    if decimals is None or "E" in shown.upper():
        text = _general(value)
    else:
        text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text + ("%" if percent else "")


def _first_section(number_format: str) -> str:
    """The part of a number format used for positive numbers (formats may hold ``pos;neg;zero;text``)."""
    out = []
    quoted = False
    for ch in number_format:
        if ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            break
        out.append(ch)
    return "".join(out)


def _decimals(shown: str) -> int | None:
    """How many decimals a format shows, or None when it has no digit placeholders (General, @)."""
    if not re.search(r"[0#?]", shown):
        return None
    if "." not in shown:
        return 0
    after = shown.split(".", 1)[1]
    m = re.match(r"[0#?,]*", after)
    return len((m.group(0) if m else "").replace(",", ""))


def _general(value: float) -> str:
    """The General format: integers without a decimal point, others without float noise."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"
