"""Report metadata: the title, agency and year (core fixes found by the accuracy work)."""

from __future__ import annotations

from ogi.extractors.model import Document, Paragraph, Table
from ogi.schema.metadata import read_metadata


def _doc(*lines: str) -> Document:
    return Document("text_tab", blocks=[Paragraph(t) for t in lines])


def test_agency_on_the_line_above_a_title_without_one() -> None:
    """Cover pages set the agency and 「2024年政府信息公开工作年度报告」 on two lines (淮安 2024)."""
    meta = read_metadata(_doc("淮安市人民政府", "2024年政府信息公开工作年度报告", "本报告由……编制。"))
    assert meta.title == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert (meta.agency, meta.year) == ("淮安市人民政府", 2024)
    meta = read_metadata(_doc("杭州市西湖区教育局", "2023年度政府信息公开工作年度报告"))
    assert (meta.agency, meta.year) == ("杭州市西湖区教育局", 2023)


def test_a_line_above_that_is_not_a_name_is_not_taken() -> None:
    for above in ("目录", "发布日期：2024-01-20", "（此件公开发布）", "本报告依据条例编制。"):
        meta = read_metadata(_doc(above, "2024年政府信息公开工作年度报告"))
        assert meta.agency is None, above
        assert meta.year == 2024


def test_a_title_with_its_agency_keeps_it() -> None:
    meta = read_metadata(_doc("嘉兴市人民政府", "嘉兴市统计局2022年度政府信息公开工作年度报告"))
    assert meta.agency == "嘉兴市统计局"
    doc = Document(
        "html",
        blocks=[Paragraph("长沙县人民政府"), Table(cells=[]), Paragraph("2022年政府信息公开工作年度报告")],
    )
    assert read_metadata(doc).agency is None  # a table between the lines: not one title
