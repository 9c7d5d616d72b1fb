"""PDF→Markdown conversions of real reports (issue 14, items 5 and 7), rebuilt with invented numbers.

Converters split table 三 into one pipe table per row group under invented headers 「数据1…」, print a
wrong header above its last rows, split table 四 into three 5-column tables, and move row labels out of
their cells into loose lines. Rows are rebuilt by their labels and order; what cannot be decided stays
unmapped.
"""

from __future__ import annotations

from ogi.extractors import detect, extract
from ogi.schema.recognize import recognize

HEADER = """| 本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和 | | 申请人情况 | | | | | | |
|---|---|---|---|---|---|---|---|---|
| | | 自然人 | 法人或其他组织 | | | | | 总计 |
| | | | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | |
"""
INVENTED = "| 项目 | | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 数据7 |\n|---|---|---|---|---|---|---|---|---|\n"
COLS = ["natural_person", "commercial_enterprise", "research_institution", "public_interest_org"]
COLS += ["legal_service_org", "other_org", "total"]


def _cells(md: str) -> dict[str, float | None]:
    data = md.encode("utf-8")
    fmt = detect(data, "r.md")
    assert fmt == "text_markdown"
    rec = recognize(extract(data, fmt))
    return {k: c.value for k, c in rec.cells.items()}


def _row(key: str, values: list[int]) -> dict[str, float]:
    return {f"t3.{key}.{c}": float(v) for c, v in zip(COLS, values, strict=True)}


def _r(label: str, values: list[int], lead: str = "") -> str:
    return f"| {lead} | {label} | " + " | ".join(map(str, values)) + " |\n"


def test_table3_in_row_group_pieces_under_invented_headers() -> None:
    md = (
        "三、收到和处理政府信息公开申请情况\n\n"
        + HEADER
        + _r("一、本年新收政府信息公开申请数量", [9, 2, 0, 1, 0, 0, 12])
        + _r("二、上年结转政府信息公开申请数量", [1, 0, 0, 0, 0, 0, 1])
        + "\n"
        + INVENTED
        + _r("（一）予以公开", [4, 1, 0, 0, 0, 0, 5], "三、本年度办理结果")
        + _r("（二）部分公开", [2, 0, 0, 0, 0, 0, 2])
        + "\n"
        + INVENTED
        + _r("1.属于国家秘密", [0, 0, 0, 0, 0, 0, 0], "（三）不予公开")
        + _r("2.其他法律行政法规禁止公开", [1, 0, 0, 1, 0, 0, 2])
    )
    got = _cells(md)
    for key, vals in (
        ("new_received", [9, 2, 0, 1, 0, 0, 12]),
        ("carried_over", [1, 0, 0, 0, 0, 0, 1]),
        ("granted", [4, 1, 0, 0, 0, 0, 5]),
        ("partially_granted", [2, 0, 0, 0, 0, 0, 2]),
        ("denied_other_law", [1, 0, 0, 1, 0, 0, 2]),
    ):
        assert {k: got.get(k) for k in _row(key, vals)} == _row(key, vals), key


def test_a_wrong_header_above_the_last_rows_of_table3() -> None:
    """The converter took table 四's header for the last piece: the rows keep table 三's columns."""
    wrong = "| | | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | | |\n|---|---|---|---|---|---|---|---|---|\n"
    md = (
        HEADER
        + _r("一、本年新收政府信息公开申请数量", [9, 2, 0, 1, 0, 0, 12])
        + "\n"
        + wrong
        + _r("（七）总计", [8, 2, 0, 1, 0, 0, 11])
        + _r("四、结转下年度继续办理", [2, 0, 0, 0, 0, 0, 2])
    )
    got = _cells(md)
    assert {k: got.get(k) for k in _row("results_total", [8, 2, 0, 1, 0, 0, 11])} == _row(
        "results_total", [8, 2, 0, 1, 0, 0, 11]
    )
    assert {k: got.get(k) for k in _row("carry_forward", [2, 0, 0, 0, 0, 0, 2])} == _row(
        "carry_forward", [2, 0, 0, 0, 0, 0, 2]
    )
    assert not any(k.startswith("t4.") for k in got)


def test_table4_in_three_five_column_pieces() -> None:
    results = "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n"
    rule = "|---|---|---|---|---|\n"
    md = (
        "四、政府信息公开行政复议、行政诉讼情况\n\n"
        + "| 行政复议 | | | | |\n"
        + rule
        + results
        + "| | | | | |\n"
        + "| 3 | 1 | 0 | 1 | 5 |\n\n"
        + "| 行政诉讼 | | | | |\n"
        + rule
        + "| 未经复议直接起诉 | | | | |\n"
        + results
        + "| 2 | 0 | 1 | 0 | 3 |\n\n"
        + "| | | | | |\n"
        + rule
        + "| 复议后起诉 | | | | |\n"
        + results
        + "| 0 | 1 | 1 | 2 | 4 |\n"
    )
    got = _cells(md)
    t4 = ["upheld", "corrected", "other_result", "pending", "total"]
    want = {}
    for block, vals in (
        ("review", [3, 1, 0, 1, 5]),
        ("litigation_direct", [2, 0, 1, 0, 3]),
        ("litigation_after_review", [0, 1, 1, 2, 4]),
    ):
        want.update({f"t4.{block}.{c}": float(v) for c, v in zip(t4, vals, strict=True)})
    assert got == want


LOOSE = """（三）不予公开
1.属于国家秘密

2.其他法律行政法规禁止公开

3.危及“三安全一稳定”

{table}"""


def test_labels_moved_into_loose_lines_are_put_back_by_order() -> None:
    table = (
        INVENTED
        + "| | | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n| | | 5 | 1 | 0 | 0 | 0 | 0 | 6 |\n| | | 1 | | | | | | 1 |\n"
    )
    got = _cells(
        HEADER
        + _r("一、本年新收政府信息公开申请数量", [9, 2, 0, 1, 0, 0, 12])
        + "\n"
        + LOOSE.format(table=table)
    )
    assert {k: got.get(k) for k in _row("denied_other_law", [5, 1, 0, 0, 0, 0, 6])} == _row(
        "denied_other_law", [5, 1, 0, 0, 0, 0, 6]
    )
    assert got["t3.denied_three_security_one_stability.natural_person"] == 1.0
    assert got["t3.denied_three_security_one_stability.commercial_enterprise"] is None  # printed blank


def test_loose_labels_and_rows_that_do_not_pair_one_to_one_stay_unmapped() -> None:
    """Three labels, two rows: which row lost its label cannot be told, so none is paired."""
    table = INVENTED + "| | | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n| | | 5 | 1 | 0 | 0 | 0 | 0 | 6 |\n"
    data = (
        HEADER
        + _r("一、本年新收政府信息公开申请数量", [9, 2, 0, 1, 0, 0, 12])
        + "\n"
        + LOOSE.format(table=table)
    )
    rec = recognize(extract(data.encode("utf-8"), "text_markdown"))
    assert not any(k.startswith("t3.denied") for k in rec.cells)
    assert sum(u.table == "t3" for u in rec.unmapped) == 2


def test_plain_text_is_not_markdown() -> None:
    assert detect("某县2023年政府信息公开工作年度报告\n一、总体情况\n".encode(), "r.txt") == "text_plain"
