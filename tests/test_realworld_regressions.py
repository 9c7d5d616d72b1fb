"""Regressions found by running ogi over real published reports (docs/realworld.md).

Each test rebuilds the layout that broke with invented numbers and names; the real files are not kept.
"""

from __future__ import annotations

from ogi.extractors.model import Document, Paragraph
from ogi.schema.identities import prose_numbers
from ogi.schema.metadata import read_metadata, scope_of, sentence_around
from ogi.schema.sections import heading_of


def _doc(*lines: str, meta: dict[str, object] | None = None) -> Document:
    return Document("html", blocks=[Paragraph(t) for t in lines], meta=meta or {})


def test_a_page_title_with_the_site_name_after_a_dash_names_the_agency() -> None:
    """Crawled pages title the report 「…年度报告-某县发改局」: the suffix after the dash is the site."""
    meta = read_metadata(_doc("标题：某县农业农村局2023年政府信息公开年度报告-某县农业局", "根据《条例》……"))
    assert meta.title == "某县农业农村局2023年政府信息公开年度报告"
    assert (meta.agency, meta.year) == ("某县农业农村局", 2023)
    meta = read_metadata(
        _doc("正文", meta={"title": "某市统计局2021年政府信息公开工作年度报告_某市人民政府"})
    )
    assert (meta.agency, meta.year) == ("某市统计局", 2021)


def test_a_dash_inside_the_name_is_kept() -> None:
    meta = read_metadata(_doc("某市2021—2022学年教育局2022年政府信息公开工作年度报告"))
    assert meta.title == "某市2021—2022学年教育局2022年政府信息公开工作年度报告"


def test_a_section_heading_run_on_into_its_first_sentence() -> None:
    """Crawled text glues 「五、存在的主要问题及明年工作计划」 to a long first sentence with no stop."""
    text = "五、存在的主要问题及明年工作计划2024年，我局政府信息公开工作能力进一步增强，但也存在一些不足之处，主要表现在：部分……"
    found = heading_of(text)
    assert found is not None
    spec, heading, _rest = found
    assert spec.key == "s5_problems"
    assert heading == "五、存在的主要问题及明年工作计划"
    assert heading_of("五、" + "很长的一句话没有停顿" * 6 + "问题") is None


def test_received_phrase_with_a_long_channel_description() -> None:
    """「全区接收通过邮寄、网络提交的各类政府信息公开申请共计81件」 states the year's requests."""
    prose = "2023年全区接收通过邮寄、网络提交的各类政府信息公开申请共计81件，涉及自然人80件。"
    found = {q: (n, phrase) for q, n, phrase in prose_numbers(prose)}
    number, phrase = found["received"]
    assert number == 81
    assert scope_of(sentence_around(prose, phrase)) == "aggregate"
