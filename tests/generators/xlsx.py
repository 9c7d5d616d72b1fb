"""Workbooks laid out like the agency template (the statistics attachment some agencies publish).

``fill_workbook(values)`` copies the three tables of the filled Word template into one sheet, stacked
under a title and the section headings, with the template's merged cells as merged ranges. The grid
is read from the DOCX with python-docx alone (merged cells deduplicated by their ``w:tc``), so this
generator does not depend on ogi's own DOCX extractor. Numbers are written as numbers: integers with
the General format (or ``number_formats[key]``), decimals with a format showing as many decimals as the
value string has; 「/」 and other text as text; an empty value as an empty cell. With ``formulas`` the
总计 column, the （七）总计 row and the table-四 总计 cells are ``=SUM(...)`` formulas without cached
values (as openpyxl writes them; LibreOffice computes them when it converts the file).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Mapping
from io import BytesIO
from typing import Any

import docx
import openpyxl
from openpyxl.utils import get_column_letter

from tests.generators import deterministic_zip
from tests.generators.docx import cell_positions, fill_template
from tests.generators.values import T3_COLS, T4_BLOCKS, T4_COLS

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_HEADINGS = (
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
)


def fill_workbook(
    values: Mapping[str, str],
    *,
    title: str | None = None,
    version: str = "2021",
    other_single_row: bool = False,
    number_formats: Mapping[str, str] | None = None,
    formulas: bool = False,
    sheet: str = "年报统计表",
) -> bytes:
    """A workbook holding the report's three tables on one sheet, as XLSX bytes.

    ``sheet_positions`` gives where each key lands (1-based row and column).
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    grids = _template_grids(version, other_single_row)
    positions = cell_positions(version, other_single_row)
    offsets = _offsets(grids, title is not None)
    if title is not None:
        ws.cell(row=1, column=1, value=title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=10)
    key_at = {(t, r, c): k for k, (t, r, c) in positions.items()}
    formats = dict(number_formats or {})
    for t, grid in enumerate(grids):
        top = offsets[t]
        ws.cell(row=top - 1, column=1, value=_HEADINGS[t])
        for text, r, c, rowspan, colspan in grid:
            row, col = top + r, 1 + c
            key = key_at.get((t, r, c))
            cell = ws.cell(row=row, column=col)
            if key is not None:
                _write_value(cell, values.get(key, ""), formats.get(key))
            elif text:
                cell.value = text
            if rowspan > 1 or colspan > 1:
                ws.merge_cells(
                    start_row=row, start_column=col, end_row=row + rowspan - 1, end_column=col + colspan - 1
                )
    if formulas:
        _totals_as_formulas(ws, positions, offsets, version, other_single_row)
    wb.properties.created = wb.properties.modified = datetime.datetime(2024, 1, 1)
    out = BytesIO()
    wb.save(out)
    return deterministic_zip(out.getvalue())


def sheet_positions(
    version: str = "2021", other_single_row: bool = False, title: bool = True
) -> dict[str, tuple[int, int]]:
    """key → (row, column) on the sheet ``fill_workbook`` writes (1-based, as the locators say)."""
    grids = _template_grids(version, other_single_row)
    offsets = _offsets(grids, title)
    return {k: (offsets[t] + r, 1 + c) for k, (t, r, c) in cell_positions(version, other_single_row).items()}


def _offsets(grids: list[list[tuple[str, int, int, int, int]]], title: bool) -> list[int]:
    """The sheet row of each table's first grid row: a heading row above each, a blank row between."""
    offsets = []
    row = 3 if title else 1
    for grid in grids:
        row += 1  # the heading
        offsets.append(row)
        row += max(r + rs for _t, r, _c, rs, _cs in grid) + 1
    return offsets


def _write_value(cell: Any, text: str, number_format: str | None) -> None:
    if text == "":
        return
    if _NUMBER.match(text) and not text.startswith("+"):
        if "." in text:
            cell.value = float(text)
            cell.number_format = number_format or "0." + "0" * len(text.split(".", 1)[1])
        else:
            cell.value = int(text)
            if number_format:
                cell.number_format = number_format
        return
    cell.value = text


@functools.lru_cache(maxsize=8)
def _template_grids(version: str, other_single_row: bool) -> list[list[tuple[str, int, int, int, int]]]:
    """The three tables of the (empty) filled template: (text, row, col, rowspan, colspan) per cell."""
    document = docx.Document(BytesIO(fill_template({}, version=version, other_single_row=other_single_row)))
    grids = []
    for table in document.tables[:3]:
        first: dict[Any, list[int]] = {}  # w:tc → [row, col, last row, last col]
        texts: dict[Any, str] = {}
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                tc = cell._tc
                if tc not in first:
                    first[tc] = [r, c, r, c]
                    texts[tc] = cell.text.replace("\n", "")
                else:
                    box = first[tc]
                    box[2], box[3] = max(box[2], r), max(box[3], c)
        grids.append(
            [(texts[tc], r0, c0, r1 - r0 + 1, c1 - c0 + 1) for tc, (r0, c0, r1, c1) in first.items()]
        )
    return grids


def _totals_as_formulas(
    ws: Any, positions: Mapping[str, tuple[int, int, int]], offsets: list[int], version: str, single: bool
) -> None:
    def at(key: str) -> str:
        t, r, c = positions[key]
        return f"{get_column_letter(1 + c)}{offsets[t] + r}"

    from tests.generators.values import t3_rows

    rows = t3_rows(version, single)
    outcomes = rows[2:-2]
    for row in rows:
        first, last = at(f"t3.{row}.{T3_COLS[0]}"), at(f"t3.{row}.{T3_COLS[-2]}")
        ws[at(f"t3.{row}.total")] = f"=SUM({first}:{last})"
    for col in T3_COLS[:-1]:
        first, last = at(f"t3.{outcomes[0]}.{col}"), at(f"t3.{outcomes[-1]}.{col}")
        ws[at(f"t3.results_total.{col}")] = f"=SUM({first}:{last})"
    for block in T4_BLOCKS:
        first, last = at(f"t4.{block}.{T4_COLS[0]}"), at(f"t4.{block}.{T4_COLS[-2]}")
        ws[at(f"t4.{block}.total")] = f"=SUM({first}:{last})"


# -- a generated report (tests/generators/report.py) as a workbook --------------------------------------

#: Page-level variants of the workbook (drawn from the report's seed, listed in the expected ``variants``).
XLSX_VARIANTS = ("text_numbers", "heading_in_table")
#: Layout variants a workbook of tables cannot print: agencies' statistics sheets carry no prose.
XLSX_DROPS = frozenset({"prose"})
_KEPT_PARAGRAPH = re.compile(r"^([一二三四]、|注：|（续表）)")


def page_variants(rep: Any) -> list[str]:
    import random

    rng = random.Random(f"xlsx:{rep.seed}")
    return [v for v in XLSX_VARIANTS if rng.random() < 0.3]


def render(rep: Any, stem: str = "report") -> tuple[bytes, dict[str, Any]]:
    """The report's tables as agencies publish them in a statistics workbook, and its expected values.

    The tables are those of the Word rendering (``tests.generators.docx.report_document``: every label
    and layout variant, 小计 column, split tables), copied onto one sheet with their merged cells, under
    the title and the section headings; notes after tables and 「（续表）」 stay. Prose does not: the
    ``prose`` variant is dropped from the expected ``variants`` and scope is not stated by the sheet.
    Numbers are stored as numbers (decimals with a format showing the printed places, 「1,234」 with a
    thousands format), or as text with the ``text_numbers`` page variant; anything else as text.
    """
    from tests.generators.docx import report_document

    variants = page_variants(rep)
    document = report_document(_without_prose(rep))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年报统计表" if rep.seed % 2 else "Sheet1"
    # The title in one merged cell over the tables' width (two printed lines: one cell, a line break).
    ws.cell(row=1, column=1, value="\n".join(rep.title_lines()))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=10)
    row = 3
    pending: list[str] = []
    started = False
    for kind, item in _body(document):
        if kind == "p":
            text = str(item).strip()
            started = started or text.startswith("二、")
            if started and _KEPT_PARAGRAPH.match(text):
                pending.append(text)
            continue
        for text in pending:
            ws.cell(row=row, column=1, value=text)
            row += 1 if "heading_in_table" in variants else 2
        pending = []
        height = _copy_table(ws, item, row, "text_numbers" in variants)
        row += height + 1
    for text in pending:
        ws.cell(row=row, column=1, value=text)
        row += 2
    wb.properties.created = wb.properties.modified = datetime.datetime(2024, 1, 1)
    out = BytesIO()
    wb.save(out)
    expected = rep.expected(f"{stem}.xlsx", header_read=False)
    expected["scope"] = None
    if rep.title_layout.missing:  # no title and no prose on the sheet: nothing says whose or which year
        expected["agency"] = expected["year"] = None
    expected["variants"] = sorted((rep.variants - XLSX_DROPS) | set(variants))
    return deterministic_zip(out.getvalue()), expected


def _without_prose(rep: Any) -> Any:
    import copy as _copy

    plain = _copy.copy(rep)
    plain.variants = rep.variants - XLSX_DROPS
    return plain


def _body(document: Any) -> list[tuple[str, Any]]:
    """The body in order: ("p", text) for paragraphs, ("t", table) for tables."""
    from docx.table import Table

    out: list[tuple[str, Any]] = []
    for child in document.element.body:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(("p", "".join(t.text or "" for t in child.iter(_W_T))))
        elif tag == "tbl":
            out.append(("t", Table(child, document)))
    return out


_W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
_PLAIN_INT = re.compile(r"^-?\d+$")
_PLAIN_DEC = re.compile(r"^-?\d+\.(\d+)$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+$")


def _copy_table(ws: Any, table: Any, top: int, text_numbers: bool) -> int:
    """A Word table's grid at sheet row ``top``: merged cells merged, numbers typed; returns its height."""
    first: dict[Any, list[int]] = {}  # w:tc → [row, col, last row, last col]
    texts: dict[Any, str] = {}
    grid, n_cols = table._cells, table._column_count
    for i, cell in enumerate(grid):
        r, c = divmod(i, n_cols)
        if True:
            key = cell._tc
            if key not in first:
                first[key] = [r, c, r, c]
                lines = ["".join(t.text or "" for t in p.iter(_W_T)) for p in cell._tc.iter(_W_P)]
                texts[key] = "".join(lines)
            else:
                box = first[key]
                box[2], box[3] = max(box[2], r), max(box[3], c)
    covered: dict[tuple[int, int], Any] = {}
    for key, (r0, c0, r1, c1) in first.items():
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                assert (r, c) not in covered, f"two cells of the Word table cover ({r}, {c})"
                covered[(r, c)] = key
        _typed(ws.cell(row=top + r0, column=1 + c0), texts[key], text_numbers)
    for r0, c0, r1, c1 in first.values():
        if r1 > r0 or c1 > c0:
            ws.merge_cells(start_row=top + r0, start_column=1 + c0, end_row=top + r1, end_column=1 + c1)
    return len(grid) // n_cols


_W_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"


def _typed(cell: Any, text: str, text_numbers: bool) -> None:
    if text == "":
        return
    if not text_numbers:
        if _PLAIN_INT.match(text):
            cell.value = int(text)
            return
        m = _PLAIN_DEC.match(text)
        if m:
            cell.value = float(text)
            cell.number_format = "0." + "0" * len(m.group(1))
            return
        if _GROUPED.match(text):
            cell.value = int(text.replace(",", ""))
            cell.number_format = "#,##0"
            return
    cell.value = text
