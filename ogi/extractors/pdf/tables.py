"""From the grids a table finder returns to the document model's tables: spans, cell text, page breaks.

The finders (pdfplumber or its port) return each table as cell rectangles with their text; positions a
merged cell covers are simply absent. Spans are recovered from the geometry (the distinct cell edges are
the grid lines), never by copying text. A table continuing on the next page with the same columns is
stitched into one grid: a repeated header is dropped, a merged label that runs on (an empty cell, or the
rest of its words: （四）无 / 法提供) is extended, and a row split by the page break is joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ogi.extractors.model import Cell, Table
from ogi.extractors.pdf.grid import Bbox
from ogi.extractors.textutil import join_wrapped
from ogi.utils.cells import is_number, is_value
from ogi.utils.text import CJK_CHARS

_CJK = CJK_CHARS
#: Spaces next to a Chinese character or full-width punctuation: layout, not text.
SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
#: A page number printed in a line of its own: - 4 -, — 4 —, 第4页, 第4页 共6页, 4/6.
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-－—–‐]+\s*\d{1,4}\s*[-－—–‐]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*$"
)
_ENUMERATED = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[一二三四五六七八九十]+\s*[、.．]|\d+\s*[、.．)）])"
)
#: Column edges of two table pieces closer than this (pt) are the same grid line (the finder snaps
#: edges within 3 pt, so pieces of one table on two pages can differ by that much).
SAME_COLUMN = 3.5


@dataclass
class RawCell:
    bbox: Bbox
    text: str
    #: Extra locator fields (OCR: ``confidence``) and other readings of the cell (OCR alternatives).
    locator: dict[str, Any] = field(default_factory=dict)
    alternatives: tuple[str, ...] = ()


@dataclass
class RawTable:
    """One table as a finder returned it: cell rectangles (pdfplumber coordinates) and their text."""

    page: int
    cells: list[RawCell]
    engine: str
    #: For a 三线表 (columns found from the text, not from rules): the text's extent in each column.
    text_columns: list[tuple[float, float]] | None = None

    @property
    def bbox(self) -> Bbox:
        return (
            min(c.bbox[0] for c in self.cells),
            min(c.bbox[1] for c in self.cells),
            max(c.bbox[2] for c in self.cells),
            max(c.bbox[3] for c in self.cells),
        )

    def n_cols(self) -> int:
        return len({c.bbox[0] for c in self.cells} | {c.bbox[2] for c in self.cells}) - 1


def clean_cell_text(text: str) -> str:
    """One cell's text: wrapped lines joined (CJK without spaces), page-number lines dropped."""
    parts = []
    for line in text.split("\n"):
        if PAGE_NUMBER.match(line):
            continue
        line = SPACE_NEAR_CJK.sub("", " ".join(line.split()))
        if line:
            parts.append(line)
    return join_wrapped(parts, numbers_wrap=True)


@dataclass
class PdfTable:
    """A table being assembled: model cells plus the grid lines of each page piece."""

    table: Table
    pages: list[int]
    xs: list[float]
    engines: set[str] = field(default_factory=set)
    text_columns: list[tuple[float, float]] | None = None


def build_table(raw: RawTable) -> PdfTable:
    """Cells with spans from the geometry: the distinct cell edges are the grid lines."""
    xs = sorted({c.bbox[0] for c in raw.cells} | {c.bbox[2] for c in raw.cells})
    ys = sorted({c.bbox[1] for c in raw.cells} | {c.bbox[3] for c in raw.cells})
    xi = {x: i for i, x in enumerate(xs)}
    yi = {y: i for i, y in enumerate(ys)}
    cells = []
    for rc in sorted(raw.cells, key=lambda c: (c.bbox[1], c.bbox[0])):
        x0, top, x1, bottom = rc.bbox
        cells.append(
            Cell(
                text=clean_cell_text(rc.text),
                row=yi[top],
                col=xi[x0],
                rowspan=yi[bottom] - yi[top],
                colspan=xi[x1] - xi[x0],
                locator={"page": raw.page, "bbox": [round(v, 2) for v in rc.bbox], **rc.locator},
                alternatives=rc.alternatives,
            )
        )
    bbox = raw.bbox
    table = Table(cells=cells, locator={"page": raw.page, "bbox": [round(v, 2) for v in bbox]})
    return PdfTable(table, [raw.page], xs, {raw.engine}, raw.text_columns)


def same_columns(a: PdfTable, b: PdfTable) -> bool:
    """Whether two table pieces have the same grid columns: the same grid lines (within the finder's
    snapping distance), or for two pieces of a 三线表, whose column lines each piece places in the gaps
    of its own rows, text columns that overlap one for one."""
    if a.text_columns is not None and b.text_columns is not None:
        return len(a.text_columns) == len(b.text_columns) and all(
            min(p[1], q[1]) > max(p[0], q[0]) for p, q in zip(a.text_columns, b.text_columns)
        )
    if len(a.xs) == len(b.xs) and all(abs(x - y) <= SAME_COLUMN for x, y in zip(a.xs, b.xs)):
        return True
    # One piece's grid lines all among the other's, the same outer edges: a piece whose rows merge
    # some columns (a header row broken off at the foot of a page, 行政复议 | 行政诉讼 over 15 columns).
    if a.text_columns is not None or b.text_columns is not None or len(a.xs) < 2 or len(b.xs) < 2:
        return False
    if abs(a.xs[0] - b.xs[0]) > SAME_COLUMN or abs(a.xs[-1] - b.xs[-1]) > SAME_COLUMN:
        return False
    small, big = (a.xs, b.xs) if len(a.xs) <= len(b.xs) else (b.xs, a.xs)
    return all(any(abs(x - y) <= SAME_COLUMN for y in big) for x in small)


def _union_lines(xs: list[float], ys: list[float]) -> list[float]:
    out: list[float] = []
    for x in sorted([*xs, *ys]):
        if not out or x - out[-1] > SAME_COLUMN:
            out.append(x)
    return out


def _regrid(cells: list[Cell], xs: list[float], union: list[float]) -> None:
    """Cells placed on grid lines ``xs`` moved onto the finer grid ``union`` (columns and spans)."""
    index = [min(range(len(union)), key=lambda j: abs(union[j] - x)) for x in xs]
    for c in cells:
        start, end = index[c.col], index[c.col + c.colspan]
        c.col, c.colspan = start, end - start


def _is_label(c: Cell) -> bool:
    return bool(c.text) and not is_value(c.text)


def _rows_text(cells: list[Cell], row: int) -> list[tuple[int, int, str]]:
    return sorted((c.col, c.colspan, c.text) for c in cells if c.row == row)


def _line_full(cell: Cell, line_height: float | None) -> bool:
    """Whether the last line of a label cell may be full (its text long enough to reach the cell's
    width): a shorter label did not wrap. ``line_height`` (the table's lowest row, one line of text)
    gives the character size, about 0.64 of it; unknown sizes count as full."""
    bbox = cell.locator.get("bbox")
    if not bbox or not line_height:
        return True
    per_line = (bbox[2] - bbox[0]) / (0.64 * line_height)
    rest = len(cell.text) % max(int(per_line), 1)
    return rest == 0 or rest >= 0.75 * per_line


def _row_split(
    a_last: list[Cell], first_row: list[Cell], ending: dict[int, Cell], line_height: float | None = None
) -> bool:
    """Whether the page break cut one row in two: the new page's first row continues a label (no
    enumeration such as （五） or 2.), and one half holds the row's values (numbers or placeholders)
    while the other is empty in those columns (a header above a data row is not that: it has words
    there)."""
    if not first_row or any(
        ending.get(c.col) is None or ending[c.col].colspan != c.colspan for c in first_row
    ):
        return False
    label = next((c.text for c in first_row if _is_label(c)), "")
    filled = [c for c in first_row if c.text]
    if not label and filled and all(is_number(c.text) and is_number(ending[c.col].text) for c in filled):
        # Digits only, each under a number: the ends of numbers wrapped in their narrow columns.
        return all(ending[c.col].rowspan == 1 for c in filled)
    if not label or _ENUMERATED.match(label):
        return False

    def numbers(cells: list[Cell]) -> set[int]:
        return {c.col for c in cells if c.text and is_value(c.text)}

    def empty_under(cells: list[Cell], cols: set[int]) -> bool:
        return bool(cols) and all(not c.text for c in cells if c.col in cols)

    if not numbers(first_row) and empty_under(first_row, numbers(a_last)):
        # The label goes on under a row with values, itself with none: the rest of a wrapped label, or
        # a row of its own printed blank (zeros left empty). A label wraps only when its line is full.
        own = [c for c in first_row if _is_label(c)]  # the row's own label is its last one
        above = ending[max(own, key=lambda c: c.col).col] if own else None
        return above is None or _line_full(above, line_height)
    if not numbers(a_last) and empty_under(a_last, numbers(first_row)):
        return True
    # A row of words only (a header row) cut by the break: the new page's words all continue words
    # above them (「尚未」 / 「审结」), none is a new enumerated label.
    words = [c for c in first_row if c.text]
    return (
        bool(words)
        and not numbers(first_row)
        and not numbers(a_last)
        and all(ending[c.col].rowspan == 1 for c in words)
        and all(ending[c.col].text and not _ENUMERATED.match(c.text) for c in words)
    )


def stitch(first: PdfTable, nxt: PdfTable) -> None:
    """Append ``nxt`` (the same table continued on the next page) to ``first``, in place."""
    a = first.table
    b = nxt.table
    b_cells = [
        Cell(c.text, c.row, c.col, c.rowspan, c.colspan, dict(c.locator), c.alternatives) for c in b.cells
    ]
    if len(first.xs) != len(nxt.xs) and first.text_columns is None:
        # Pieces whose grids differ (``same_columns``): both onto the union of their grid lines.
        union = _union_lines(first.xs, nxt.xs)
        _regrid(a.cells, first.xs, union)
        _regrid(b_cells, nxt.xs, union)
        first.xs = union
    # A header printed again on the new page: drop the rows that repeat the table's first rows.
    k = 0
    while k < b.n_rows and k < a.n_rows and _rows_text(b_cells, k) == _rows_text(a.cells, k):
        k += 1
    if k and k < b.n_rows:
        b_cells = [
            Cell(c.text, c.row - k, c.col, c.rowspan, c.colspan, c.locator, c.alternatives)
            for c in b_cells
            if c.row >= k
        ]
    last_row = a.n_rows - 1
    ending = {c.col: c for c in a.cells if c.row + c.rowspan - 1 == last_row}
    a_last = [c for c in a.cells if c.row == last_row]
    first_row = sorted((c for c in b_cells if c.row == 0), key=lambda c: c.col)
    heights = [
        c.locator["bbox"][3] - c.locator["bbox"][1]
        for c in a.cells
        if c.rowspan == 1 and c.locator.get("bbox")
    ]
    row_split = _row_split(a_last, first_row, ending, min(heights) if heights else None)
    merged_into: dict[int, Cell] = {}
    for pos, c in enumerate(first_row):
        top = ending.get(c.col)
        if top is None or top.colspan != c.colspan:
            continue
        if row_split:
            merged_into[id(c)] = top
        elif not _is_label(top) or is_value(c.text):
            continue  # values never run on; a blank cell under a blank cell is a blank value
        elif not c.text:
            merged_into[id(c)] = top  # a merged label running on: only its span grows
        elif not _ENUMERATED.match(c.text) and any(_is_label(x) for x in first_row[pos + 1 :]):
            # The rest of a group label's words (（四）无 / 法提供), when the row has its own label
            # further right; a row's own label split by the break is a row split instead.
            merged_into[id(c)] = top
    offset = a.n_rows - (1 if row_split else 0)
    for c in b_cells:
        top = merged_into.get(id(c))
        if top is not None:
            top.text = join_wrapped([top.text, c.text], numbers_wrap=True)
            top.rowspan += c.rowspan - (1 if row_split else 0)
            continue
        a.cells.append(Cell(c.text, c.row + offset, c.col, c.rowspan, c.colspan, c.locator, c.alternatives))
    first.pages += [p for p in nxt.pages if p not in first.pages]
    first.engines |= nxt.engines
    a.locator["pages"] = list(first.pages)
