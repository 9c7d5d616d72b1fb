"""The tab-indented text rendering and plain text."""

from __future__ import annotations

from ogi.extractors.detect import detect
from ogi.extractors.model import Paragraph, Table
from ogi.extractors.text import parse
from ogi.schema.glued_solver import GLUED_ROW_LABELS


def test_cells_rows_and_tables() -> None:
    text = "标题\n\t甲\n\t乙\n\n\t1\n\t2\n\n中间段落\n\tA\n\n\tB\n"
    doc = parse(text)
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph", "Table"]
    first = doc.tables[0]
    assert first.geometry is False
    assert [[c.text for c in row] for row in first.rows()] == [["甲", "乙"], ["1", "2"]]
    assert [[c.text for c in row] for row in doc.tables[1].rows()] == [["A"], ["B"]]


def test_continuation_lines_join_without_space() -> None:
    doc = parse("\t商业\n企业\n\t科研\n机构\n\n\t1\n\t2\n")
    assert [c.text for c in doc.tables[0].rows()[0]] == ["商业企业", "科研机构"]


def test_latin_continuation_keeps_a_space() -> None:
    doc = parse("\tOA\nsystem\n\n")
    assert doc.tables[0].cells[0].text == "OA system"


def test_lone_tab_is_an_empty_cell() -> None:
    doc = parse("\t\n\t（二）部分公开\n\t0\n\n")
    row = doc.tables[0].rows()[0]
    assert [c.text for c in row] == ["", "（二）部分公开", "0"]


def test_line_locators_are_one_based() -> None:
    doc = parse("段落\n\tx\n\ty\n")
    table = doc.tables[0]
    assert [c.locator["line"] for c in table.cells] == [2, 3]
    assert isinstance(doc.blocks[0], Paragraph) and doc.blocks[0].locator == {"line": 1}


def test_converter_chrome_is_dropped() -> None:
    doc = parse("[bookmark: _GoBack]\n四、政府信息公开行政复议、行政诉讼情况\n")
    assert [p.text for p in doc.paragraphs] == ["四、政府信息公开行政复议、行政诉讼情况"]


def test_crlf_and_several_tables(jiaxing_bytes: bytes) -> None:
    doc = parse(jiaxing_bytes.decode("utf-8").replace("\n", "\r\n"))
    assert len(doc.tables) == 3
    assert all(isinstance(t, Table) for t in doc.tables)


def test_plain_text_has_paragraphs_only() -> None:
    doc = parse("一、总体情况\n本年度共收到申请5件。\n", "text_plain")
    assert doc.tables == [] and len(doc.paragraphs) == 2


def test_detect_text_shapes(jiaxing_bytes: bytes) -> None:
    assert detect(jiaxing_bytes, "a.txt") == "text_tab"
    assert detect("一、总体情况\n本年度无申请。".encode(), "a.txt", GLUED_ROW_LABELS) == "text_plain"
    glued = "一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000三、"
    assert detect(glued.encode(), "x", GLUED_ROW_LABELS) == "text_glued"
    assert detect("（一）予以公开 258 件。".encode(), "x", GLUED_ROW_LABELS) == "text_plain"
    assert detect("一、总体情况".encode("gb18030"), "a.txt", GLUED_ROW_LABELS) == "text_plain"


def test_detect_binary_formats() -> None:
    assert detect(b"%PDF-1.7\n...", "x") == "pdf"
    assert detect(b"\x00\x01\x02garbage\xff" * 100, "x.txt") == "unknown"
    assert detect(b"<p>hello</p>", "x.txt") == "html"
