"""Unit tests of the glued-text pieces: detection, the extractor (labels and runs), run splitting, the
table-三 search, and ``ogi show`` on a dataset built from a crawled report."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pyarrow.parquet as pq

from ogi.analysis.show import render
from ogi.extractors import ExtractOptions, extract
from ogi.extractors.detect import detect
from ogi.extractors.model import GluedRun, Paragraph
from ogi.extractors.text_glued import parse
from ogi.run.options import RunOptions
from ogi.run.pipeline import run
from ogi.run.source import read_source
from ogi.schema.glued_solver import GLUED_ROW_LABELS, free_spans, glued_labels, prepare, splits
from ogi.schema.recognize import recognize
from ogi.schema.sections import split_sections

CORPUS = Path(__file__).parent / "corpus"
T3_SUM = {6: list(range(6))}


def runs(text: str) -> list[tuple[str, str]]:
    doc = parse(text, glued_labels())
    return [(b.label, b.raw) for b in doc.blocks if isinstance(b, GluedRun)]


def paragraphs(text: str) -> list[str]:
    return [b.text for b in parse(text, glued_labels()).blocks if isinstance(b, Paragraph)]


def values(run_text: str, kinds: list[str], sums: dict | None = None) -> list[tuple[float, ...]]:
    r = prepare(run_text)
    found = splits(r, kinds, sums or {})
    assert found is not None
    return [tuple(float(r.piece(sp).replace(",", "")) for sp in o) for o in found]


# -- detection ---------------------------------------------------------------------------------------


def test_detection_needs_two_glued_rows():
    assert detect((CORPUS / "pingtan-2021-crawled.txt").read_bytes(), "", GLUED_ROW_LABELS) == "text_glued"
    assert detect((CORPUS / "pingtan-2020-crawled.txt").read_bytes(), "", GLUED_ROW_LABELS) == "text_glued"
    prose = "本年度共收到申请20件，予以公开 258 件，其中予以公开12件。".encode()
    assert detect(prose, "", GLUED_ROW_LABELS) == "text_plain"
    glued = "一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000".encode()
    assert detect(glued, "", GLUED_ROW_LABELS) == "text_glued"


# -- the extractor -----------------------------------------------------------------------------------


def test_a_numbering_glued_to_digits_belongs_to_the_next_label():
    text = "（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开00000003、危及“三安全一稳定”1000001"
    assert runs(text) == [
        ("（三）不予公开", ""),
        ("1.属于国家秘密", "0000000"),
        ("2.其他法律行政法规禁止公开", "0000000"),
        ("3、危及“三安全一稳定”", "1000001"),
    ]


def test_header_words_are_labels_with_empty_runs():
    text = (
        "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章 000行政规范性文件693665"
        "申请人情况自然人法人或其他组织总计 商业企业科研机构社会公益组织法律服务机构其他"
        "一、本年新收政府信息公开申请数量640020470"
    )
    got = runs(text)
    assert got[:7] == [
        ("第二十条第（一）项", ""),
        ("信息内容", ""),
        ("本年制发件数", ""),
        ("本年废止件数", ""),
        ("现行有效件数", ""),
        ("规章", "000"),
        ("行政规范性文件", "693665"),
    ]
    assert [label for label, _ in got[7:16]] == [
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "总计",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    assert all(raw == "" for _, raw in got[7:16])
    assert got[16] == ("一、本年新收政府信息公开申请数量", "640020470")


def test_spaces_signs_decimals_and_units_stay_in_the_run():
    text = (
        "第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量行政处罚2648-18538行政强制1262629"
        "第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购39573802895.90元"
        "（七）总计20 0 00 0 121四、结转下年度继续办理 0 0 00 00 0 "
    )
    got = dict(runs(text))
    assert got["行政处罚"] == "2648-18538"
    assert got["政府集中采购"] == "39573802895.90元"
    assert got["（七）总计"] == "20 0 00 0 121"
    assert got["四、结转下年度继续办理"] == "0 0 00 00 0"


def test_a_repeated_heading_in_the_middle_of_table_three():
    text = (
        "（一）予以公开6000017（二）部分公开（区分处理的，只计这一情形，不计其他情形）6000006"
        "8.属于行政查询事项0000000三、本年度办理结果（四）无法提供1.本机关不掌握相关政府信息4000004"
    )
    assert runs(text)[-4:] == [
        ("8.属于行政查询事项", "0000000"),
        ("三、本年度办理结果", ""),
        ("（四）无法提供", ""),
        ("1.本机关不掌握相关政府信息", "4000004"),
    ]


def test_page_chrome_and_prose_words_never_reach_a_run():
    text = (
        "标题: 某某区2021年度政府信息公开工作年度报告\n发布时间: 2022-01-30 09:12\n"
        "==================== 正文 ====================\n"
        "当前位置： 首页 > 政务公开 时间：2022-01-30 09:12 浏览次数：1287 "
        "一、总体情况2021年，主动公开行政许可类信息40条，其他信息12条，总计52条。"
        "二、主动公开政府信息情况 第二十条第（五）项信息内容本年处理决定数量行政许可2293 "
        "第二十条第（六）项信息内容本年处理决定数量行政处罚1282行政强制42"
        "五、存在的主要问题及改进情况（一）存在的主要问题:无。"
        "六、其他需要报告的事项2021年，无。 【打印本页】 电话：0591-23165370 闽ICP备05012345号"
    )
    doc = parse(text, glued_labels())
    assert doc.meta == {"title": "某某区2021年度政府信息公开工作年度报告", "published": "2022-01-30"}
    got = [(b.label, b.raw) for b in doc.blocks if isinstance(b, GluedRun)]
    assert got == [
        ("二、主动公开政府信息情况", ""),
        ("第二十条第（五）项", ""),
        ("信息内容", ""),
        ("本年处理决定数量", ""),
        ("行政许可", "2293"),
        ("第二十条第（六）项", ""),
        ("信息内容", ""),
        ("本年处理决定数量", ""),
        ("行政处罚", "1282"),
        ("行政强制", "42"),
        ("五、存在的主要问题及改进情况", ""),
    ]
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    # Headings glued to their paragraphs are cut off; prose mentioning table words stays whole.
    assert "一、总体情况" in texts
    assert "2021年，主动公开行政许可类信息40条，其他信息12条，总计52条。" in texts
    assert "六、其他需要报告的事项" in texts
    assert any(t.startswith("2021年，无。") and "闽ICP备" in t for t in texts)
    # The run after a chain's last label ends where the prose begins.
    sections = {s.section: s for s in split_sections(doc)}
    assert set(sections) >= {"s1_overview", "s2_active_disclosure", "s5_problems", "s6_other"}
    assert sections["s5_problems"].text == "（一）存在的主要问题:无。"


def test_a_word_that_is_no_label_breaks_the_table_but_loses_nothing():
    text = (
        "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数部门规章 000行政规范性文件123"
        "第二十条第（五）项信息内容本年处理决定数量行政许可2293"
    )
    got = runs(text)
    assert got[:5] == [
        ("第二十条第（一）项", ""),
        ("信息内容", ""),
        ("本年制发件数", ""),
        ("本年废止件数", ""),
        ("现行有效件数", ""),
    ]
    assert ("规章", "000") in got and ("行政规范性文件", "123") in got
    assert "部门" in paragraphs(text)
    cells = recognize(parse(text, glued_labels()), year_hint=2021).cells
    assert [cells[f"t2.art20_1.normative_docs.{c}"].value for c in ("issued", "repealed", "in_force")] == [
        1,
        2,
        3,
    ]
    assert cells["t2.art20_1.rules.in_force"].value == 0


def test_a_year_glued_to_the_prose_after_the_last_table_is_prose():
    text = "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计000000000000000六、其他需要报告的事项2021年，无。"
    got = runs(text)
    assert got[-2:] == [("总计", "000000000000000"), ("六、其他需要报告的事项", "")]
    assert "2021年，无。" in paragraphs(text)


def test_locators_are_character_offsets_of_the_runs():
    text = (CORPUS / "pingtan-2021-crawled.txt").read_text(encoding="utf-8")
    doc = extract(text.encode("utf-8"), "text_glued", options=ExtractOptions(glued_labels=glued_labels()))
    assert doc.format == "text_glued"
    glued = [b for b in doc.blocks if isinstance(b, GluedRun)]
    for b in glued:
        assert text[b.locator["char"] : b.locator["char"] + len(b.raw)] == b.raw
        assert b.locator["run"] == b.raw
    assert ("（一）予以公开", "270020130") in [(b.label, b.raw) for b in glued]


def test_without_labels_the_text_is_prose():
    doc = extract(b"\xe4\xb8\x80\xe3\x80\x81\xe6\x80\xbb\xe4\xbd\x93", "text_glued", options=ExtractOptions())
    assert doc.blocks and all(isinstance(b, Paragraph) for b in doc.blocks)


# -- splitting runs ----------------------------------------------------------------------------------


def test_row_identity_splits():
    assert values("640020470", ["count"] * 7, T3_SUM) == [(64, 0, 0, 2, 0, 4, 70)]
    assert sorted(values("270020130", ["count"] * 7, T3_SUM)) == [
        (2, 7, 0, 0, 20, 1, 30),
        (27, 0, 0, 2, 0, 1, 30),
    ]
    # Whitespace is a boundary: 「200 000121」 is 20|0 0|0|0|1|21.
    assert values("200 000121", ["count"] * 7, T3_SUM) == [(20, 0, 0, 0, 0, 1, 21)]
    assert values("1000002", ["count"] * 7, T3_SUM) == []  # a row that does not add up


def test_table_two_splits_are_all_listed():
    r = prepare("693665")
    spans = free_spans(r, ["count"] * 3)
    assert {r.piece(s) for s in spans[0]} == {"6", "69", "693", "6936"}
    assert {r.piece(s) for s in spans[2]} == {"5", "65", "665", "3665"}
    assert len(values("693665", ["count"] * 3)) == 10
    assert values("000", ["count"] * 3) == [(0, 0, 0)]


def test_signs_only_where_signed_and_decimals_only_where_decimal():
    assert sorted(values("2648-18538", ["count", "signed", "count"])) == [
        (2648, -1853, 8),
        (2648, -185, 38),
        (2648, -18, 538),
        (2648, -1, 8538),
    ]
    assert values("35-15", ["count", "signed"]) == [(35, -15)]
    assert values("2648-18538", ["count"] * 3) == []
    assert values("5.90", ["count"]) == []
    assert values("5.90", ["decimal"]) == [(5.9,)]
    # A leading zero never starts a count: 107105 has five splits, not ten.
    assert len(values("107105", ["count", "signed", "count"])) == 5


def test_table_four_sums():
    found = values(
        "10203120001200000", ["count"] * 15, {4: [0, 1, 2, 3], 9: [5, 6, 7, 8], 14: [10, 11, 12, 13]}
    )
    assert found == [(1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)]


def test_a_placeholder_total_counts_as_zero():
    """Contract §4: a 「/」 total stands for 0, so it closes only a row of zeros and placeholders."""
    t4 = {4: [0, 1, 2, 3], 9: [5, 6, 7, 8], 14: [10, 11, 12, 13]}
    # 「0//6363/…」: review is 0|/|/|63|63, never 0|/|/|6363|/ (6363 under a total of 0).
    found = [
        tuple(None if p == "/" else float(p) for p in o)
        for o in (
            tuple(r.piece(sp) for sp in o)
            for r in [prepare("0//6363/5752655638/043043")]
            for o in splits(r, ["count"] * 15, t4) or []
        )
    ]
    assert found == [(0, None, None, 63, 63, None, 57, 526, 55, 638, None, 0, 43, 0, 43)]
    assert values("3000/", ["count"] * 5, {4: [0, 1, 2, 3]}) == []
    r = prepare("0/00/")
    assert [tuple(r.piece(sp) for sp in o) for o in splits(r, ["count"] * 5, {4: [0, 1, 2, 3]}) or []] == [
        ("0", "/", "0", "0", "/")
    ]
    # T3-ROW's total taken first: a 「/」 total caps its components at 0.
    r = prepare("5 - - - - - /")
    assert splits(r, ["count"] * 7, T3_SUM) == []


def test_placeholders_closing_a_row_before_a_note_are_cells():
    text = (
        "（五）不予处理1.信访举报投诉类申请- - - 2 - - 22.重复申请- - - - - - - （六）其他处理- - - - - - - "
        "（七）总计67 - - 21 - - 88四、结转下年度继续办理- - - - - - - 注：1.本表中“申请人情况”按申请人类型统计。"
    )
    assert ("四、结转下年度继续办理", "- - - - - - -") in runs(text)


def test_a_sum_printed_with_thousands_separators_is_found():
    t4 = {4: [0, 1, 2, 3], 9: [5, 6, 7, 8], 14: [10, 11, 12, 13]}
    assert values("41164297050247001，3121，359064043107", ["count"] * 15, t4) == [
        (41, 164, 297, 0, 502, 47, 0, 0, 1312, 1359, 0, 64, 0, 43, 107)
    ]


def test_long_runs_split_fast():
    # A city-wide row with four-digit values: 24 digits, seven cells.
    started = time.perf_counter()
    found = values("30118521341729413138287", ["count"] * 7, T3_SUM)
    assert (3011, 852, 1341, 729, 413, 1, 6347) not in found  # 6347 is not a suffix
    assert (3011, 852, 1341, 729, 41, 3, 5977) not in found
    assert all(sum(f[:6]) == f[6] for f in found)
    assert time.perf_counter() - started < 0.5


# -- the table-三 search -------------------------------------------------------------------------------

_T3_ROWS_2021 = [
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("三、本年度办理结果", None),
    ("（一）予以公开", "granted"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
    ("（三）不予公开", None),
    ("1.属于国家秘密", "z"),
    ("2.其他法律行政法规禁止公开", "z"),
    ("3.危及“三安全一稳定”", "z"),
    ("4.保护第三方合法权益", "z"),
    ("5.属于三类内部事务信息", "z"),
    ("6.属于四类过程性信息", "z"),
    ("7.属于行政执法案卷", "z"),
    ("8.属于行政查询事项", "z"),
    ("（四）无法提供", None),
    ("1.本机关不掌握相关政府信息", "z"),
    ("2.没有现成信息需要另行制作", "z"),
    ("3.补正后申请内容仍不明确", "z"),
    ("（五）不予处理", None),
    ("1.信访举报投诉类申请", "z"),
    ("2.重复申请", "z"),
    ("3.要求提供公开出版物", "z"),
    ("4.无正当理由大量反复申请", "z"),
    ("5.要求行政机关确认或重新出具已获取信息", "z"),
    ("（六）其他处理", None),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "z"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "z"),
    ("3.其他", "z"),
    ("（七）总计", "results_total"),
    ("四、结转下年度继续办理", "carry_forward"),
]


def _table3(rows: dict[str, str]) -> str:
    body = "".join(label + (rows.get(key, "0000000") if key else "") for label, key in _T3_ROWS_2021)
    return (
        "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
        "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计 商业企业科研机构社会公益组织法律服务机构其他"
        + body
        + "四、政府信息公开行政复议、行政诉讼情况"
    )


def _cells(text: str) -> dict:
    doc = parse(text, glued_labels())
    return recognize(doc, year_hint=2021).cells


def test_table_three_without_its_header_uses_template_columns():
    text = _table3({"new_received": "640020470", "results_total": "640020470", "granted": "640020470"})
    text = text.replace("申请人情况自然人法人或其他组织总计 商业企业科研机构社会公益组织法律服务机构其他", "")
    doc = parse(text, glued_labels())
    rec = recognize(doc, year_hint=2021)
    assert "t3" in rec.found
    assert rec.cells["t3.granted.natural_person"].value == 64
    assert rec.cells["t3.granted.total"].value == 70
    assert any("without a header" in n for n in rec.notes)


def test_column_identities_can_leave_two_choices():
    # 110000011 is 1|10|0|0|0|0|11 or 11|0|0|0|0|0|11. With two such rows and a 总计 of 12 and 10, both
    # ways of pairing them add up: the cells stay ambiguous; the row totals are known.
    text = _table3(
        {
            "new_received": "1210000022",
            "granted": "110000011",
            "partially_granted": "110000011",
            "results_total": "1210000022",
        }
    )
    cells = _cells(text)
    for row in ("granted", "partially_granted"):
        assert cells[f"t3.{row}.natural_person"].status == "ambiguous"
        assert sorted(cells[f"t3.{row}.natural_person"].locator["candidates"]) == [1, 11]
        assert sorted(cells[f"t3.{row}.commercial_enterprise"].locator["candidates"]) == [0, 10]
        assert cells[f"t3.{row}.total"].value == 11
        assert cells[f"t3.{row}.total"].locator["rule"] == "T3-ROW"
    assert cells["t3.results_total.natural_person"].value == 12


def test_column_identities_pick_one_choice():
    # Same rows, but the 总计 (printed with spaces) says 2 and 20: only 1|10|… twice adds up.
    text = _table3(
        {
            "new_received": "2 20 0 0 0 0 22",
            "granted": "110000011",
            "partially_granted": "110000011",
            "results_total": "2 20 0 0 0 0 22",
        }
    )
    cells = _cells(text)
    for row in ("granted", "partially_granted"):
        assert cells[f"t3.{row}.natural_person"].value == 1
        assert cells[f"t3.{row}.commercial_enterprise"].value == 10
        assert cells[f"t3.{row}.natural_person"].locator["rule"] == "T3-ROW+T3-BAL+T3-OUT"


def test_no_consistent_choice_keeps_row_splits_only():
    # 总计 says 13 and 10: no pairing of 1|10 and 11|0 makes 13.
    text = _table3(
        {
            "new_received": "1310000023",
            "granted": "110000011",
            "partially_granted": "110000011",
            "results_total": "1310000023",
        }
    )
    cells = _cells(text)
    cell = cells["t3.granted.natural_person"]
    assert cell.status == "ambiguous"
    assert sorted(cell.locator["candidates"]) == [1, 11]
    assert "does not add up" in cell.locator["reason"]


def test_a_whole_table_three_in_well_under_a_second():
    # Every outcome row has several splits: the search over rows must prune, not enumerate.
    rows = {key: "110000011" for _label, key in _T3_ROWS_2021 if key == "z"}
    text = _table3(rows).replace("0000000", "110000011")
    started = time.perf_counter()
    _cells(text)
    assert time.perf_counter() - started < 1.0


# -- ogi show ----------------------------------------------------------------------------------------


def test_show_lists_recovered_and_ambiguous_cells(tmp_path):
    source = tmp_path / "pingtan-2021-crawled.txt"
    source.write_bytes((CORPUS / "pingtan-2021-crawled.txt").read_bytes())
    out = tmp_path / "out"
    run([str(source)], RunOptions(out=out, cache=tmp_path / "cache"))
    cells = pq.read_table(out / "cells.parquet").to_pylist()
    by_key = {c["cell"]: c for c in cells}
    assert by_key["t3.granted.natural_person"]["status"] == "recovered"
    assert json.loads(by_key["t3.granted.natural_person"]["locator"])["rule"] == "T3-ROW+T3-BAL+T3-OUT"
    text = render(out, str(source))
    assert "format text_glued" in text
    lines = text.splitlines()
    granted = next(line for line in lines if line.strip().startswith("t3.granted.natural_person"))
    assert "recovered" in granted and "value=27" in granted and "T3-ROW+T3-BAL+T3-OUT" in granted
    issued = next(line for line in lines if line.strip().startswith("t2.art20_1.normative_docs.issued"))
    assert "ambiguous" in issued and "[6, 69, 693, 6936]" in issued
    # In the grids, recovered cells carry * and ambiguous ones ?.
    assert any("27*" in line for line in lines)
    assert any("?" in line and "行政规范性文件" in line for line in lines)


def test_read_source_of_a_glued_report_without_options():
    rows = read_source("x.txt", (CORPUS / "pingtan-2021-crawled.txt").read_bytes())
    assert rows.report["format"] == "text_glued" and rows.report["n_cells"] == 200
