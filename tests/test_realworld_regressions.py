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


# -- table layouts seen on real pages, rebuilt as small HTML pages --------------------------------------

from ogi.extractors import extract  # noqa: E402
from ogi.schema.recognize import recognize  # noqa: E402

_RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
_T4 = {
    "review": [3, 1, 2, 1, 7],
    "litigation_direct": [2, 0, 1, 0, 3],
    "litigation_after_review": [1, 1, 0, 2, 4],
}
_COLS = ["upheld", "corrected", "other_result", "pending", "total"]


def _td(text: object, rs: int = 1, cs: int = 1) -> str:
    span = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
    return f"<td{span}>{text}</td>"


def _table(rows: list[list[str]]) -> str:
    return "<table border='1'>" + "".join("<tr>" + "".join(r) + "</tr>" for r in rows) + "</table>"


def _recognize(*parts: str) -> dict[str, float | None]:
    html = "<html><body><p>四、政府信息公开行政复议、行政诉讼情况</p>" + "".join(parts) + "</body></html>"
    rec = recognize(extract(html.encode("utf-8"), "html"))
    return {k: c.value for k, c in rec.cells.items()}


def _expected_t4() -> dict[str, float | None]:
    return {f"t4.{b}.{c}": float(v) for b, vals in _T4.items() for c, v in zip(_COLS, vals, strict=True)}


def test_table4_one_block_per_row() -> None:
    """Table 四 as three rows under one header of the five results; the row label names the block."""
    rows = [[_td("")] + [_td(x) for x in _RESULTS]]
    for label, block in (
        ("行政复议", "review"),
        ("行政诉讼（未经复议直接起诉）", "litigation_direct"),
        ("行政诉讼（复议后起诉）", "litigation_after_review"),
    ):
        rows.append([_td(label)] + [_td(v) for v in _T4[block]])
    assert _recognize(_table(rows)) == _expected_t4()
    grouped = [
        [_td("", cs=2)] + [_td(x) for x in _RESULTS],
        [_td("行政复议", cs=2)] + [_td(v) for v in _T4["review"]],
        [_td("行政诉讼", rs=2), _td("未经复议直接起诉")] + [_td(v) for v in _T4["litigation_direct"]],
        [_td("复议后起诉")] + [_td(v) for v in _T4["litigation_after_review"]],
    ]
    assert _recognize(_table(grouped)) == _expected_t4()


def test_table4_transposed_one_result_per_row() -> None:
    rows = [
        [_td("", rs=2), _td("行政复议", rs=2), _td("行政诉讼", cs=2)],
        [_td("未经复议直接起诉"), _td("复议后起诉")],
    ]
    blocks = ("review", "litigation_direct", "litigation_after_review")
    rows += [[_td(_RESULTS[i])] + [_td(_T4[b][i]) for b in blocks] for i in range(5)]
    assert _recognize(_table(rows)) == _expected_t4()


def test_table4_one_number_per_line() -> None:
    names = (
        ("行政复议", "review"),
        ("行政诉讼未经复议直接起诉", "litigation_direct"),
        ("行政诉讼复议后起诉", "litigation_after_review"),
    )
    rows = [[_td(f"{name}{_RESULTS[i]}"), _td(_T4[b][i])] for name, b in names for i in range(5)]
    assert _recognize(_table(rows)) == _expected_t4()


def test_numbers_no_header_column_covers_are_not_stored_as_blanks() -> None:
    """A 复议/诉讼 header naming no result columns, then two numbers: nothing is known, nothing is stored
    (it used to come out as fifteen blank cells and an ``ok`` report)."""
    cells = _recognize(_table([[_td("行政复议（件）"), _td("行政诉讼（件）")], [_td(3), _td(1)]]))
    assert not [k for k in cells if k.startswith("t4.")]


_T2_ITEMS = (
    (
        "（一）",
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        [["规章", 0, 1, 12], ["行政规范性文件", 14, 3, 57]],
    ),
    ("（五）", ["信息内容", "本年处理决定数量"], [["行政许可", 3456]]),
    ("（六）", ["信息内容", "本年处理决定数量"], [["行政处罚", 789], ["行政强制", 21]]),
    ("（八）", ["信息内容", "本年收费金额（单位：万元）"], [["行政事业性收费", "1234.5"]]),
)
_T2_EXPECTED = {
    "t2.art20_1.rules.issued": 0.0,
    "t2.art20_1.rules.repealed": 1.0,
    "t2.art20_1.rules.in_force": 12.0,
    "t2.art20_1.normative_docs.issued": 14.0,
    "t2.art20_1.normative_docs.repealed": 3.0,
    "t2.art20_1.normative_docs.in_force": 57.0,
    "t2.art20_5.admin_license.decisions": 3456.0,
    "t2.art20_6.admin_penalty.decisions": 789.0,
    "t2.art20_6.admin_coercion.decisions": 21.0,
    "t2.art20_8.admin_fees.fee_amount": 1234.5,
}


def _t2_only(cells: dict[str, float | None]) -> dict[str, float | None]:
    return {k: v for k, v in cells.items() if k.startswith("t2.")}


def test_table2_captions_printed_above_each_sub_table() -> None:
    parts = []
    for number, header, rows in _T2_ITEMS:
        parts.append(f"<p>第二十条第{number}项</p>")
        parts.append(_table([[_td(h) for h in header]] + [[_td(x) for x in r] for r in rows]))
    assert _t2_only(_recognize(*parts)) == _T2_EXPECTED


def test_table2_without_captions_items_named_by_their_rows() -> None:
    """No 第二十条 captions at all; （五） and （六） share one 信息内容 header."""
    one, five, six, eight = _T2_ITEMS
    parts = [
        _table([[_td(h) for h in one[1]]] + [[_td(x) for x in r] for r in one[2]]),
        _table([[_td(h) for h in five[1]]] + [[_td(x) for x in r] for r in five[2] + six[2]]),
        _table([[_td(h) for h in eight[1]]] + [[_td(x) for x in r] for r in eight[2]]),
    ]
    assert _t2_only(_recognize(*parts)) == _T2_EXPECTED


def test_markdown_heading_marks_are_not_part_of_the_title() -> None:
    meta = read_metadata(_doc("# 某县人民政府 2025 年 政府信息公开工作年度报告", "某县人民政府"))
    assert meta.agency == "某县人民政府"
    assert meta.year == 2025


def test_received_counted_in_tiao() -> None:
    """Some reports count requests in 条: 「共收到政府信息公开申请3条」."""
    found = {q: n for q, n, _p in prose_numbers("2022年，共收到政府信息公开申请3条。")}
    assert found["received"] == 3


def test_markdown_pipe_tables_and_headings() -> None:
    """PDF-to-Markdown conversions write 「## 一、…」 headings and pipe tables."""
    from ogi.extractors.model import Table
    from ogi.extractors.text import parse

    doc = parse(
        "## 二、主动公开政府信息情况\n\n| 信息内容 | 本年制发件数 |\n|---|---:|\n| 规章 | 3 |\n", "text_plain"
    )
    assert isinstance(doc.blocks[0], Paragraph) and doc.blocks[0].text == "二、主动公开政府信息情况"
    table = doc.blocks[1]
    assert isinstance(table, Table)
    assert [[c.text for c in row] for row in table.rows()] == [["信息内容", "本年制发件数"], ["规章", "3"]]


def test_table4_blocks_captioned_above_their_own_tables() -> None:
    """「### 行政复议」 then a five-result table, and the same for both kinds of 行政诉讼 (a Markdown conversion)."""
    from ogi.extractors.text import parse

    parts = ["## 四、政府信息公开行政复议、行政诉讼情况"]
    for caption, block in (
        ("行政复议", "review"),
        ("行政诉讼（未经复议直接起诉）", "litigation_direct"),
        ("行政诉讼（复议后起诉）", "litigation_after_review"),
    ):
        parts += [
            f"### {caption}",
            "| " + " | ".join(_RESULTS) + " |",
            "|---|---|---|---|---|",
            "| " + " | ".join(str(v) for v in _T4[block]) + " |",
            "",
        ]
    rec = recognize(parse("\n".join(parts), "text_plain"))
    assert {k: c.value for k, c in rec.cells.items()} == _expected_t4()


def test_an_empty_cell_beyond_the_header_columns_is_harmless() -> None:
    """Pages often carry an extra empty column; only a printed number outside the header is a doubt."""
    rows = [
        [_td("行政复议", cs=5), _td("行政诉讼", cs=10), _td("")],
        [_td(x, rs=2) for x in _RESULTS]
        + [_td("未经复议直接起诉", cs=5), _td("复议后起诉", cs=5), _td("", rs=2)],
        [_td(x) for x in _RESULTS + _RESULTS],
        [_td(v) for b in ("review", "litigation_direct", "litigation_after_review") for v in _T4[b]]
        + [_td("")],
    ]
    assert _recognize(_table(rows)) == _expected_t4()


def test_rows_after_a_one_number_per_line_table4_with_more_numbers_are_ignored() -> None:
    names = (
        ("行政复议", "review"),
        ("行政诉讼未经复议直接起诉", "litigation_direct"),
        ("行政诉讼复议后起诉", "litigation_after_review"),
    )
    rows = [[_td(f"{name}{_RESULTS[i]}"), _td(_T4[b][i])] for name, b in names for i in range(5)]
    rows.append([_td("合计"), _td(14), _td(3)])
    assert _recognize(_table(rows)) == _expected_t4()
