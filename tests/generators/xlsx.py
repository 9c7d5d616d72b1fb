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
