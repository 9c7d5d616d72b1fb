"""Unit tests of the PDF pieces: cell text, spans, stitching, backgrounds, 三线表, lines."""

from __future__ import annotations

import pytest

from ogi.extractors.pdf.grid import Char
from ogi.extractors.pdf.pdfium import Shape
from ogi.extractors.pdf.shapes import backgrounds_to_drop, ruled_table_edges, rules
from ogi.extractors.pdf.tables import (
    PAGE_NUMBER,
    PdfTable,
    RawCell,
    RawTable,
    build_table,
    clean_cell_text,
    stitch,
)
from ogi.extractors.pdf.text import line_text

XS = [0.0, 30.0, 90.0, 200.0, 240.0]


def piece(page: int, spec: list[tuple[int, int, int, int, str]], n_rows: int) -> PdfTable:
    """A table piece from (row, col, rowspan, colspan, text) on the XS columns, 20 pt rows."""
    ys = [100.0 + 20 * r for r in range(n_rows + 1)]
    cells = [RawCell((XS[c], ys[r], XS[c + cs], ys[r + rs]), t) for r, c, rs, cs, t in spec]
    return build_table(RawTable(page, cells, "pdfium"))


def grid(t: PdfTable) -> list[tuple[int, int, int, int, str]]:
    return sorted((c.row, c.col, c.rowspan, c.colspan, c.text) for c in t.table.cells)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("结 果\n维持", "结果维持"),
        ("三、\n本\n年\n度", "三、本年度"),
        (
            "（二）部分公开（区分处理的，只计这一情\n形，不计其他情形）",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ),
        ("本年收费金额（单位：\n万元）", "本年收费金额（单位：万元）"),
        ("96171.6", "96171.6"),
        ("hazwgkc@163.com", "hazwgkc@163.com"),
        ("Annual\nreport", "Annual report"),
        ("12\n- 4 -", "12"),
        ("", ""),
    ],
)
def test_clean_cell_text(raw: str, clean: str) -> None:
    assert clean_cell_text(raw) == clean


@pytest.mark.parametrize("text", ["- 4 -", "— 12 —", "－3－", "第 4 页", "第4页 共6页", "4/6", "Page 2 of 9"])
def test_page_numbers(text: str) -> None:
    assert PAGE_NUMBER.match(text)


@pytest.mark.parametrize("text", ["4", "2024", "1.属于国家秘密", "-4", "第二十条"])
def test_not_page_numbers(text: str) -> None:
    assert not PAGE_NUMBER.match(text)


def test_spans_from_geometry() -> None:
    t = piece(1, [(0, 0, 2, 1, "三、"), (0, 1, 1, 2, "（一）予以公开"), (0, 3, 1, 1, "5"), (1, 1, 1, 1, "（三）"),
                  (1, 2, 1, 1, "1.属于"), (1, 3, 1, 1, "2")], 2)  # fmt: skip
    assert grid(t) == [
        (0, 0, 2, 1, "三、"),
        (0, 1, 1, 2, "（一）予以公开"),
        (0, 3, 1, 1, "5"),
        (1, 1, 1, 1, "（三）"),
        (1, 2, 1, 1, "1.属于"),
        (1, 3, 1, 1, "2"),
    ]
    assert t.table.locator == {"page": 1, "bbox": [0.0, 100.0, 240.0, 140.0]}


def test_stitch_label_split_by_the_break() -> None:
    """（四）无 / 法提供: the group label continues; the empty vertical label extends; 2. is its own row."""
    a = piece(
        4,
        [
            (0, 0, 1, 1, "三、本年"),
            (0, 1, 1, 1, "（四）无"),
            (0, 2, 1, 1, "1.本机关不掌握"),
            (0, 3, 1, 1, "746"),
        ],
        1,
    )
    b = piece(5, [(0, 0, 2, 1, ""), (0, 1, 2, 1, "法提供"), (0, 2, 1, 1, "2.没有现成信息"), (0, 3, 1, 1, "11"),
                  (1, 2, 1, 1, "3.补正后"), (1, 3, 1, 1, "1")], 2)  # fmt: skip
    stitch(a, b)
    assert grid(a) == [
        (0, 0, 3, 1, "三、本年"),
        (0, 1, 3, 1, "（四）无法提供"),
        (0, 2, 1, 1, "1.本机关不掌握"),
        (0, 3, 1, 1, "746"),
        (1, 2, 1, 1, "2.没有现成信息"),
        (1, 3, 1, 1, "11"),
        (2, 2, 1, 1, "3.补正后"),
        (2, 3, 1, 1, "1"),
    ]
    assert a.pages == [4, 5] and a.table.locator["pages"] == [4, 5]


def test_stitch_keeps_enumerated_labels_and_blank_values() -> None:
    a = piece(1, [(0, 0, 1, 3, "（三）不予公开"), (0, 3, 1, 1, "")], 1)
    b = piece(2, [(0, 0, 1, 3, "（四）无法提供"), (0, 3, 1, 1, "")], 1)
    stitch(a, b)
    # (The pieces only have the grid lines at 0, 200 and 240: two columns.)
    assert grid(a) == [
        (0, 0, 1, 1, "（三）不予公开"),
        (0, 1, 1, 1, ""),
        (1, 0, 1, 1, "（四）无法提供"),
        (1, 1, 1, 1, ""),
    ]


def test_stitch_row_cut_in_two() -> None:
    """A row whose label wraps across the break: the halves become one row."""
    head = [(0, 0, 1, 3, "情形"), (0, 3, 1, 1, "件数")]
    a = piece(1, [*head, (1, 0, 1, 3, "5.要求行政机关确认或重新出"), (1, 3, 1, 1, "1")], 2)
    b = piece(
        2,
        [(0, 0, 1, 3, "具已获取信息"), (0, 3, 1, 1, ""), (1, 0, 1, 3, "（六）其他处理"), (1, 3, 1, 1, "3")],
        2,
    )
    stitch(a, b)
    assert grid(a) == [
        (0, 0, 1, 1, "情形"),
        (0, 1, 1, 1, "件数"),
        (1, 0, 1, 1, "5.要求行政机关确认或重新出具已获取信息"),
        (1, 1, 1, 1, "1"),
        (2, 0, 1, 1, "（六）其他处理"),
        (2, 1, 1, 1, "3"),
    ]


def test_stitch_drops_repeated_header() -> None:
    head = [(0, 0, 1, 3, "情形"), (0, 3, 1, 1, "件数")]
    a = piece(1, [*head, (1, 0, 1, 3, "（一）予以公开"), (1, 3, 1, 1, "4")], 2)
    b = piece(2, [*head, (1, 0, 1, 3, "（二）部分公开"), (1, 3, 1, 1, "2")], 2)
    stitch(a, b)
    assert [c.text for c in sorted(a.table.cells, key=lambda c: (c.row, c.col))] == [
        "情形", "件数", "（一）予以公开", "4", "（二）部分公开", "2",
    ]  # fmt: skip


def _rect(x0: float, top: float, x1: float, bottom: float, fill: bool = True, stroke: bool = False) -> Shape:
    return Shape("rect", x0, top, x1, bottom, x1 - x0, bottom - top, fill, stroke)


def _line(x0: float, top: float, x1: float, bottom: float) -> Shape:
    return Shape("line", x0, top, x1, bottom, x1 - x0, bottom - top, False, True)


def test_backgrounds() -> None:
    table = [
        _line(74, 400, 74, 500),
        _line(300, 400, 300, 500),
        _line(518, 400, 518, 500),
        _line(74, 400, 518, 400),
    ]
    rects = [
        _rect(74.3, 300, 518.5, 328),  # behind a prose line: no rules beside it
        _rect(73.5, 400, 300, 430),  # a cell background between two rules
        _rect(300, 470, 518, 500),  # the last row's background, the only thing closing the row
        _rect(74, 600, 518, 600.8),  # a thin filled rect is a rule, never a background
        _rect(74, 700, 518, 728, fill=True, stroke=True),  # a stroked box is ruled
    ]
    vertical, _h = rules(table + rects)
    assert backgrounds_to_drop(rects, vertical) == {0}


def _chars(text: str, x: float, top: float, size: float = 8.0, step: float | None = None) -> list[Char]:
    step = step or size
    return [
        Char(ch, x + i * step, top, x + i * step + size, top + size, True, size) for i, ch in enumerate(text)
    ]


def test_three_line_table_edges() -> None:
    """Rules at 100 (top), 120 (under the header) and 180 (bottom), no vertical rule: columns from the
    gaps between characters, a row per text line, the wrapped label kept in its row."""
    shapes = [_line(50, y, 350, y) for y in (100, 120, 180)]
    chars = _chars("情形", 52, 106) + _chars("件数", 250, 106) + _chars("总计", 300, 106)
    chars += (
        _chars("（一）予以公开", 52, 124) + _chars("12", 250, 124, step=5) + _chars("13", 300, 124, step=5)
    )
    chars += _chars("（二）部分公开区", 52, 136) + _chars("3", 250, 136) + _chars("4", 300, 136)
    chars += _chars("分处理", 52, 146)
    chars += _chars("三、办理结果", 52, 158)
    chars += _chars("1.属于秘密", 52, 168) + _chars("0", 250, 168) + _chars("0", 300, 168)
    vertical, horizontal = rules(shapes)
    ruled = ruled_table_edges(vertical, horizontal, chars)
    ev, eh = ruled.vertical, ruled.horizontal
    assert [e.x0 for e in ev] == pytest.approx([50, (52 + 8 * 8 + 250) / 2, (263 + 300) / 2, 350])
    # Explicit edges: the outer rules and a separator between text rows (the header rule is a real rule).
    assert [round(e.top, 1) for e in eh] == [100, 134, 156, 167, 180]


def test_no_three_line_table_in_prose_between_rules() -> None:
    shapes = [_line(50, y, 350, y) for y in (100, 180)]
    chars = _chars("这是一段很长的正文内容没有任何表格结构只是在两条横线之间出现的文字", 52, 110, size=9)
    chars += _chars("第二行正文", 52, 130, size=9)
    vertical, horizontal = rules(shapes)
    assert ruled_table_edges(vertical, horizontal, chars).regions == []


def test_line_text_spacing() -> None:
    line = (
        _chars("2024", 0, 0, 8, 5)
        + _chars("年", 22, 0)
        + _chars("ab", 40, 0, 8, 5)
        + _chars("cd", 55, 0, 8, 5)
    )
    assert line_text(line) == "2024年ab cd"
