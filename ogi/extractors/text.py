"""Plain-text reports and the tab-indented text rendering of Word reports (formats ``text_tab``,
``text_plain``).

The rendering writes one cell per line, each cell line led by a tab; a following line without a tab
continues the cell above (a wrapped label: 「商业」 then 「企业」); a line holding only a tab is an empty
(usually merged) cell; a blank line ends a row; consecutive rows form a table; any other line is a
paragraph. Spans are lost in this rendering, so tables come out with ``geometry=False``.
"""

from __future__ import annotations

import re

from ogi.extractors.model import Cell, Document, Paragraph, Table
from ogi.extractors.textutil import decode_text, join_wrapped

#: Lines a Word-to-text converter leaves behind that are not part of the report.
_CHROME = re.compile(r"^\s*\[(?:bookmark|image|footnote|comment)[^\]]*\]\s*$", re.IGNORECASE)
#: A Markdown pipe-table row (「| 规章 | 0 | 0 | 3 |」), as PDF-to-Markdown converters write tables, and
#: its delimiter row (「|---|:---:|」).
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|(?:\s*:?-{2,}:?\s*\|)+\s*$")
#: A Markdown heading's marks (「## 一、总体情况」): the heading is an ordinary paragraph.
_HEADING_MARKS = re.compile(r"^\s{0,3}#{1,6}\s+")


def extract_tab(data: bytes, fmt: str = "text_tab", **_: object) -> Document:
    """Read the tab-indented rendering of a Word report."""
    return parse(decode_text(data), fmt)


def extract_plain(data: bytes, fmt: str = "text_plain", **_: object) -> Document:
    """Read a plain-text report: paragraphs only (a line starting with a tab still makes a cell)."""
    return parse(decode_text(data), fmt)


def parse(text: str, fmt: str = "text_tab") -> Document:
    doc = Document(format=fmt)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ends_with_break = lines[-1] == ""
    if ends_with_break:
        lines.pop()  # the last line's own line break, not a blank line (which ends a row)

    rows: list[list[tuple[list[str], int]]] = []  # rows of cells; a cell is (lines, first line number)
    row: list[tuple[list[str], int]] = []
    last_was_cell = False
    n_tables = 0

    def end_row() -> None:
        nonlocal row
        if row:
            rows.append(row)
            row = []

    def end_table() -> None:
        nonlocal rows, n_tables
        end_row()
        if rows:
            n_tables += 1
            cells = [
                Cell(
                    text=join_wrapped(parts),
                    row=r,
                    col=c,
                    locator={"line": line},
                )
                for r, cells_of_row in enumerate(rows)
                for c, (parts, line) in enumerate(cells_of_row)
            ]
            first_line = rows[0][0][1]
            doc.blocks.append(
                Table(cells=cells, locator={"table": n_tables, "line": first_line}, geometry=False)
            )
            rows = []

    for number, line in enumerate(lines, start=1):
        if _CHROME.match(line):
            last_was_cell = False
            continue
        if _PIPE_ROW.match(line):
            # One Markdown table row per line; consecutive rows form a table.
            end_row()
            if not _PIPE_RULE.match(line):
                row = [([part.strip()], number) for part in line.strip()[1:-1].split("|")]
                end_row()
            last_was_cell = False
            continue
        if line.startswith("\t"):
            row.append(([line[1:]], number))
            last_was_cell = True
        elif line.strip() == "":
            end_row()
            last_was_cell = False
        elif last_was_cell and row:
            row[-1][0].append(line)
        else:
            end_table()
            text = _HEADING_MARKS.sub("", line).strip()
            doc.blocks.append(Paragraph(text=text, locator={"line": number}))
            last_was_cell = False
    if row and fmt == "text_tab":
        # The text stops inside a row (no blank line closed it): the file was cut short there, and the
        # cells after the cut are unknown, not empty. A last line without its line break may itself be
        # cut (「4」 of 「46」): it is left out.
        if not ends_with_break:
            row.pop()
        end_table()
        if doc.tables:
            doc.tables[-1].damaged = CUT_SHORT
        doc.meta["damaged"] = CUT_SHORT
        return doc
    end_table()
    return doc


#: Why a text whose last row is open is marked damaged (``Document.meta["damaged"]``).
CUT_SHORT = "the text ends inside a table row (the file was cut short)"


def looks_tabbed(text: str) -> bool:
    """Whether a text has the tab-led cell lines of the rendering (several of them)."""
    return sum(1 for line in text.split("\n")[:5000] if line.startswith("\t")) >= 10
