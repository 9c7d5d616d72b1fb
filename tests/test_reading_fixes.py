"""Unit tests of the reading fixes the generated reports exposed (tests/test_generated.py).

Each test states the general rule and builds the smallest input that breaks it; the generated report
that first showed it is named in the docstring (seed, format, variants).
"""

from __future__ import annotations

import pytest

from ogi.extractors.detect import text_kind
from ogi.extractors.model import Cell, Document, Table
from ogi.extractors.pdf.grid import Char
from ogi.extractors.pdf.pdfium import Shape
from ogi.extractors.pdf.shapes import Region, ruled_table_edges, rules
from ogi.extractors.pdf.tables import PdfTable, RawCell, RawTable, build_table, same_columns, stitch
from ogi.extractors.pdf.text import Line, margins
from ogi.extractors.text_glued import _trailing_run, parse
from ogi.extractors.textutil import join_wrapped
from ogi.run.source import extraction_options
from ogi.schema.glued_solver import GLUED_ROW_LABELS, glued_labels, prepare, splits
from ogi.schema.recognize import recognize
from ogi.schema.values import read_cell
from ogi.utils.cells import is_value

XS = [0.0, 30.0, 90.0, 200.0, 240.0]


def piece(
    page: int, spec: list[tuple[int, int, int, int, str]], n_rows: int, xs: list[float] = XS
) -> PdfTable:
    """A table piece from (row, col, rowspan, colspan, text) on the ``xs`` columns, 20 pt rows."""
    ys = [100.0 + 20 * r for r in range(n_rows + 1)]
    cells = [RawCell((xs[c], ys[r], xs[c + cs], ys[r + rs]), t) for r, c, rs, cs, t in spec]
    return build_table(RawTable(page, cells, "pdfium"))


def grid(t: PdfTable) -> list[tuple[int, int, int, int, str]]:
    return sorted((c.row, c.col, c.rowspan, c.colspan, c.text) for c in t.table.cells)


# -- values: two numbers never pass for one ---------------------------------------------------------------


def test_digits_around_a_space_are_two_numbers() -> None:
    """PDF, no vertical rules: 「51 113」 (two cells read together) was read as 51113."""
    r = read_cell("51 113")
    assert (r.status, r.value, r.candidates) == ("ambiguous", None, (51.0, 113.0))
    assert read_cell("12 件").value == 12 and read_cell("1,234").value == 1234
    assert read_cell("1，234").value == 1234 and read_cell("+14").value == 14


def test_numbers_wrapped_in_a_pdf_cell_are_joined() -> None:
    """PDF, large_numbers: 「3,86」 over 「4」 in a narrow column is 3,864 (a wrap, not two numbers);
    other text keeps its space."""
    assert join_wrapped(["3,86", "4"], numbers_wrap=True) == "3,864"
    assert join_wrapped(["469", "8"], numbers_wrap=True) == "4698"
    assert join_wrapped(["469", "8"]) == "469 8"  # a cell of two paragraphs (DOCX): two numbers
    assert join_wrapped(["Annual", "report"], numbers_wrap=True) == "Annual report"


# -- PDF: stitching pieces across page breaks ---------------------------------------------------------------


def test_placeholders_do_not_run_on_across_a_page_break() -> None:
    """PDF seed 3 (slash_zero 「-」): a row of 「-」 at the top of a page was joined into the row above
    as if its dashes were the rest of label words."""
    a = piece(1, [(0, 0, 1, 1, "1.信访"), (0, 1, 1, 1, "-"), (0, 2, 1, 1, "-"), (0, 3, 1, 1, "8")], 1)
    b = piece(2, [(0, 0, 1, 1, "2.重复申请"), (0, 1, 1, 1, "-"), (0, 2, 1, 1, "-"), (0, 3, 1, 1, "-")], 1)
    stitch(a, b)
    assert grid(a) == [
        (0, 0, 1, 1, "1.信访"),
        (0, 1, 1, 1, "-"),
        (0, 2, 1, 1, "-"),
        (0, 3, 1, 1, "8"),
        (1, 0, 1, 1, "2.重复申请"),
        (1, 1, 1, 1, "-"),
        (1, 2, 1, 1, "-"),
        (1, 3, 1, 1, "-"),
    ]
    assert is_value("—") and is_value("/") and is_value("888000元") and not is_value("审结")


def test_header_words_cut_by_a_page_break_are_joined() -> None:
    """PDF seed 68: 「尚未」 at the foot of a page, 「审结」 at the top of the next: one header cell."""
    a = piece(1, [(0, 0, 1, 1, "结果"), (0, 1, 1, 1, "尚未"), (0, 2, 1, 1, "总计"), (0, 3, 1, 1, "")], 1)
    b = piece(2, [(0, 0, 1, 1, ""), (0, 1, 1, 1, "审结"), (0, 2, 1, 1, ""), (0, 3, 1, 1, "")], 1)
    stitch(a, b)
    assert (0, 1, 1, 1, "尚未审结") in grid(a) and a.table.n_rows == 1


def test_digits_at_the_top_of_a_page_end_the_numbers_above() -> None:
    """PDF seed 26 (large numbers): 「840」 wrapped, its 「6」 on the next page: 8406, not a new row."""
    a = piece(1, [(0, 0, 1, 1, "（七）总计"), (0, 1, 1, 1, "840"), (0, 2, 1, 1, "0"), (0, 3, 1, 1, "970")], 1)
    b = piece(2, [(0, 0, 1, 1, ""), (0, 1, 1, 1, "6"), (0, 2, 1, 1, ""), (0, 3, 1, 1, "1")], 1)
    stitch(a, b)
    assert grid(a) == [
        (0, 0, 1, 1, "（七）总计"),
        (0, 1, 1, 1, "8406"),
        (0, 2, 1, 1, "0"),
        (0, 3, 1, 1, "9701"),
    ]


def test_a_piece_with_a_coarser_grid_is_stitched_on_the_union_grid() -> None:
    """PDF seed 109: table 三's header rows at the foot of a page merge the three label columns; the
    rows on the next page have them all. One table, the header cells spanning."""
    coarse = [0.0, 90.0, 200.0, 240.0]
    a = piece(1, [(0, 0, 1, 1, "（本列）"), (0, 1, 1, 2, "申请人情况")], 1, coarse)
    b = piece(2, [(0, 0, 1, 1, "三、"), (0, 1, 1, 1, "（一）"), (0, 2, 1, 1, "12"), (0, 3, 1, 1, "12")], 1)
    assert same_columns(a, b)
    stitch(a, b)
    assert grid(a) == [
        (0, 0, 1, 2, "（本列）"),
        (0, 2, 1, 2, "申请人情况"),
        (1, 0, 1, 1, "三、"),
        (1, 1, 1, 1, "（一）"),
        (1, 2, 1, 1, "12"),
        (1, 3, 1, 1, "12"),
    ]
    shifted = piece(2, [(0, 0, 1, 4, "x")], 1, [5.0, 30.0, 90.0, 200.0, 240.0])
    assert not same_columns(a, shifted)  # other outer edges: another table


# -- PDF: 三线表 rows ----------------------------------------------------------------------------------------


def _line(x0: float, y0: float, x1: float, y1: float) -> Shape:
    return Shape("line", x0, y0, x1, y1, x1 - x0, y1 - y0, False, True, [])


def _chars(text: str, x: float, top: float, size: float = 8.0, step: float | None = None) -> list[Char]:
    step = size if step is None else step
    return [
        Char(ch, x + i * step, top, x + i * step + size, top + size, True, size) for i, ch in enumerate(text)
    ]


def _three_line(body: list[list[Char]], bottom: float = 200) -> tuple[list[float], list[float]]:
    """Row separators (y) and column edges (x) ogi finds for a 三线表 with these body lines."""
    shapes = [_line(50, y, 350, y) for y in (100, 120, bottom)]
    chars = _chars("自然人", 200, 106) + _chars("总计", 300, 106)
    for line in body:
        chars += line
    vertical, horizontal = rules(shapes)
    ruled = ruled_table_edges(vertical, horizontal, chars)
    return [round(e.top, 1) for e in ruled.horizontal], [round(e.x0, 1) for e in ruled.vertical]


def test_three_line_rows_wrapped_numbers_headings_and_placeholders() -> None:
    """PDF flat 三线表 (seeds 26, 10, 24, 79): a number wrapped onto a line of its own stays in its row;
    an unnumbered heading after a short label is a row; a label with a space inside is one label;
    placeholders are values."""
    rows, _cols = _three_line(
        [
            _chars("一、本年新收申请数量", 52, 124) + _chars("943", 200, 124, step=5) + _chars("1", 300, 124),
            _chars("7", 200, 134, step=5),  # the rest of 9437
            _chars("属于行政查询事项", 52, 146) + _chars("—", 200, 146) + _chars("—", 300, 146),
            _chars("无法提供", 52, 158),  # a heading printed without numbering
            _chars("（三）不予", 52, 170) + _chars("公开", 52 + 6 * 8, 170),  # 「（三）不予 公开」
            _chars("本机关不掌握", 52, 182) + _chars("0", 200, 182) + _chars("0", 300, 182),
        ],
        bottom=196,
    )
    # Separators between 9437's row and 属于…, and after each of the next three rows.
    assert len(rows) == 2 + 4


def test_run_on_rows_take_the_columns_of_the_page_before() -> None:
    """PDF seed 69 (blank_zero, 三线表 over a page break): the rows at the top of the next page have a
    column blank in every row; the columns come from the table on the page before."""
    carry = Region((50, 100, 350, 800), [(52, 120), (200, 210), (250, 260), (300, 312)])
    shapes = [_line(50, 300, 350, 300)]  # only the bottom rule on this page
    chars = []
    for i, label in enumerate(("1.属于国家秘密", "2.其他法律禁止", "3.危及稳定")):
        top = 250 + 14 * i
        chars += _chars(label, 52, top) + _chars("5", 200, top) + _chars("5", 300, top)  # 250 blank
    vertical, horizontal = rules(shapes)
    ruled = ruled_table_edges(vertical, horizontal, chars, carry=carry)
    assert len(ruled.regions) == 1 and len(ruled.regions[0].columns) == 4
    alone = ruled_table_edges(vertical, horizontal, chars)
    assert len(alone.regions[0].columns) == 3  # without the page before, the blank column vanishes


def test_short_documents_take_the_text_block_from_their_outermost_lines() -> None:
    """PDF seed 77 (title_two_lines, no prose): too few lines for shared edges made a centred title
    line and the indented preamble one paragraph."""
    lines = [
        Line("淮安市人民政府", 256, 102, 340, 114, 12, 1),
        Line("2019年政府信息公开工作年度报告", 203, 133, 392, 145, 12, 1),
        Line("本报告根据《中华人民共和国政府信息公开条", 111, 164, 504, 176, 12, 1),
        Line("列数据统计期限从2019年1月1日到12", 90, 196, 382, 208, 12, 1),
        Line("一、总体情况", 111, 242, 183, 254, 12, 1),
    ]
    m = margins([lines])
    assert (m.left, m.right) == (90, 504)


# -- recognition of table 四 -----------------------------------------------------------------------------------


def _t4_table(third_row: list[str], extra_row: list[str] | None) -> Table:
    cells = [Cell("行政复议", 0, 0, 1, 5), Cell("行政诉讼", 0, 5, 1, 10)]
    for c, label in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]):
        cells.append(Cell(label, 1, c, 2 if extra_row is None else 3, 1))
    cells += [Cell("未经复议直接起诉", 1, 5, 1, 5), Cell("复议后起诉", 1, 10, 1, 5)]
    cells += [Cell(t, 2, 5 + i, 1, 1) for i, t in enumerate(third_row)]
    row = 3
    if extra_row is not None:
        cells += [Cell(t, 3, 5 + i, 1, 1) for i, t in enumerate(extra_row)]
        row = 4
    values = ["8", "0", "1", "0", "9", "0", "0", "1", "0", "1", "1", "1", "0", "4", "6"]
    cells += [Cell(v, row, i, 1, 1) for i, v in enumerate(values)]
    return Table(cells)


def test_table4_values_are_placed_by_their_columns_when_a_header_label_is_cut() -> None:
    """PDF seed 68: 「尚未审结」 cut into 「尚未」/「审结」 by a page break: the row of words is header,
    the values are placed by their grid columns (never shifted onto the labels found)."""
    leaf = ["结果维持", "结果纠正", "其他结果", "尚未", "总计"]
    rec = recognize(Document("pdf", [_t4_table(leaf * 2, ["", "", "", "审结", ""] * 2)]))
    got = {k: v.raw for k, v in rec.cells.items() if v.raw}
    assert got["t4.review.upheld"] == "8" and got["t4.review.total"] == "9"
    assert got["t4.litigation_direct.other_result"] == "1" and got["t4.litigation_after_review.total"] == "6"
    assert got["t4.litigation_after_review.corrected"] == "1"


def test_table4_header_in_two_tables_is_not_read_by_geometry() -> None:
    """PDF seed 55: 「行政复议 | 行政诉讼」 alone at the foot of a page (a table of two columns), the rest
    of table 四 on the next page: the two tables' grids are not one geometry."""
    top = Table([Cell("行政复议", 0, 0, 1, 1), Cell("行政诉讼", 0, 1, 1, 1)])
    rest = _t4_table(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2, None)
    rest.cells = [c for c in rest.cells if c.row > 0]
    for c in rest.cells:
        c.row -= 1
    rec = recognize(Document("pdf", [top, rest]))
    assert rec.cells["t4.review.upheld"].raw == "8" and rec.cells["t4.review.total"].raw == "9"
    assert rec.cells["t4.litigation_after_review.total"].raw == "6"


# -- glued text ---------------------------------------------------------------------------------------------


def test_placeholder_next_to_a_digit_at_a_total_does_not_crash() -> None:
    """Glued seed 24 (slash_zero): the splitter raised ValueError on 「8/」 at table 四's total."""
    run = prepare("///88/83314//1/1")
    sums = {4: [0, 1, 2, 3], 9: [5, 6, 7, 8], 14: [10, 11, 12, 13]}
    assert splits(run, ["count"] * 15, sums) is not None


def test_glued_reading_knows_the_subtotal_column_and_split_tables() -> None:
    """Glued seeds 10, 247: 「小计」 in table 三's header is a column (else every row is cut into seven
    cells, wrongly); 「（续表）」 inside table 三 does not end the table."""
    labels = glued_labels()
    assert "小计" in labels and "（续表）" in labels


def test_comma_for_enumeration_comma_inside_a_glued_label() -> None:
    """Glued seed 43 (comma_labels): 「…逾期不补正，行政机关不再处理…」 is the （六）1 label."""
    text = (
        "（六）其他处理1.申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请0000022"
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请00000003.其他0000000"
    )
    doc = parse(text, extraction_options().glued_labels)
    runs = [b.raw for b in doc.blocks if hasattr(b, "raw")]
    assert runs[:4] == ["", "0000022", "0000000", "0000000"]


@pytest.mark.parametrize(
    ("gap", "run"),
    [("000—00—注：本表", "000—00—"), ("/注：", "/"), (" - 注：", " -"), ("0 。", "0"), ("年度。", "")],
)
def test_placeholders_closing_a_glued_table_are_cells(gap: str, run: str) -> None:
    """Glued seeds 179, 470, 511: a table's last row ending in 「—」 (or a lone 「/」) before a note."""
    assert _trailing_run(gap) == run


def test_glued_text_with_placeholder_cells_is_detected() -> None:
    """Glued seed 3 (slash_zero): rows of 「/」 count as glued rows."""
    text = "予以公开//////国家秘密0/0/0/0/ 总计12///1/13 继续办理0 0 0 0 0 0 0"
    assert text_kind(text, GLUED_ROW_LABELS) == "text_glued"


# -- PDF: tables ruled between rows, without vertical rules -------------------------------------------------


def test_a_table_ruled_between_rows_gets_its_column_lines_back() -> None:
    """PDF no_vertical_rules (seeds 1, 15, 16): a rule under every row, none between columns. Column
    lines come from where a rule stops (under 申请人情况) and from the values lined up in columns; a
    line is drawn only where no word crosses it, so 申请人情况 stays one cell over the value columns."""
    from ogi.extractors.pdf.unruled import Rule, clusters, open_grid

    rules = [
        Rule(100, 50, 350),
        Rule(120, 150, 350),
        Rule(140, 50, 350),
        Rule(160, 50, 350),
        Rule(180, 50, 350),
    ]
    chars = _chars("（本列）", 52, 108) + _chars("申请人情况", 230, 104)
    chars += _chars("甲类", 152, 126) + _chars("乙类", 252, 126)
    chars += _chars("一、新收", 52, 146) + _chars("12", 152, 146, step=5) + _chars("3", 252, 146)
    chars += _chars("二、结转", 52, 166) + _chars("0", 152, 166) + _chars("/", 252, 166)
    (cluster,) = clusters(rules)
    grid = open_grid(cluster, chars)
    assert grid is not None
    assert grid.lines == pytest.approx([50, 150, 250.5, 350], abs=1)
    at_250 = sorted((round(e.top), round(e.bottom)) for e in grid.vertical if abs(e.x0 - 250.5) < 1)
    assert at_250 == [(120, 140), (140, 160), (160, 180)]  # not through 申请人情况 (100–120)


def test_values_straddling_a_column_line_leave_the_table_alone() -> None:
    """When the values do not fall one per column, no grid is made (cells missing, never misplaced)."""
    from ogi.extractors.pdf.unruled import Rule, clusters, open_grid

    rules = [Rule(100, 50, 350), Rule(120, 150, 350), Rule(140, 50, 350), Rule(160, 50, 350)]
    chars = _chars("一、新收", 52, 146) + _chars("12", 140, 146, step=5) + _chars("3", 252, 146)
    chars += _chars("表头", 52, 106)
    (cluster,) = clusters(rules)
    assert open_grid(cluster, chars) is None  # 「12」 runs over the line where the rule under 表头 stops


def test_a_header_over_two_grid_columns_takes_the_printed_cell() -> None:
    """PDF seed 16: a header spanning two grid columns, under it an empty grid position and the value:
    the value, not the empty position (which read as a blank)."""
    from ogi.schema.tables import _Column, _map_values

    columns = [_Column("new_made", 1, 2), _Column("public_total", 2, 4)]
    values = [Cell("32", 3, 1), Cell("", 3, 2), Cell("35", 3, 3)]
    pairs = _map_values(values, columns, geometry=True)
    assert pairs is not None
    assert [(c.key, v.text if v else None) for c, v in pairs] == [("new_made", "32"), ("public_total", "35")]


def test_a_row_printed_blank_at_the_top_of_a_page_is_a_row_of_its_own() -> None:
    """PDF seed 1158 (blank_zero, no_numbering): 「要求提供公开出版物」 with values at the foot of a
    page, 「无正当理由大量反复申请」 printed blank at the top of the next: two rows (they were joined,
    and the values went to the second label). A label that filled its line and goes on is one row."""
    xs = [0.0, 270.0, 310.0, 350.0]  # 20 pt rows: 12.8 pt characters, 21 to a label line

    def pieces(first: str, second: str) -> PdfTable:
        a = piece(1, [(0, 0, 1, 1, "信访举报投诉类申请"), (0, 1, 1, 1, "1"), (0, 2, 1, 1, "1"), (1, 0, 1, 1, first),
                      (1, 1, 1, 1, "7"), (1, 2, 1, 1, "8")], 2, xs)  # fmt: skip
        b = piece(2, [(0, 0, 1, 1, second), (0, 1, 1, 1, ""), (0, 2, 1, 1, "")], 1, xs)
        stitch(a, b)
        return a

    short = pieces("要求提供公开出版物", "无正当理由大量反复申请")
    assert short.table.n_rows == 3
    full = pieces("（二）部分公开（区分处理的，只计这一情形", "，不计其他情形）")
    assert full.table.n_rows == 2
    assert (1, 0, 1, 1, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）") in grid(full)


def test_a_wrapped_label_under_a_group_label_is_judged_by_its_own_line() -> None:
    """PDF pool seed 6: 「（六）其」 / 「他处理」 (the group label, narrow) and 「1、申请人无正当理由逾期不补正，」
    / 「行政机关不再处理…」 (the row's own label, full) cut by a page break: one row, judged by the row's
    own label, not by the short group label beside it."""
    xs = [0.0, 40.0, 310.0, 350.0]  # 20 pt rows: 12.8 pt characters, 21 to a label line
    a = piece(
        1,
        [
            (0, 0, 1, 1, "（六）其"),
            (0, 1, 1, 1, "1、申请人无正当理由逾期不补正，行政机关不"),
            (0, 2, 1, 1, "6"),
        ],
        1,
        xs,
    )
    b = piece(2, [(0, 0, 1, 1, "他处理"), (0, 1, 1, 1, "再处理其政府信息公开申请"), (0, 2, 1, 1, "")], 1, xs)
    stitch(a, b)
    assert a.table.n_rows == 1
    assert (0, 1, 1, 1, "1、申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请") in grid(a)
