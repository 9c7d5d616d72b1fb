"""Pre-2019 reading rules with invented numbers: glued splits, prose sentences, unknown forms (issue 17)."""

from __future__ import annotations

from pathlib import Path

from ogi.extractors.model import Cell, Document, Paragraph, Table
from ogi.schema.pre2019 import cell_parts, dictionary_rows, read_pre2019, read_prose
from ogi.schema.report import interpret

HEADER = "附件：统计表 指标名称计量单位2012年度历年累计"


def _doc(text: str, title: str = "某某县人民政府2012年政府信息公开工作年度报告") -> Document:
    return Document("text_plain", [Paragraph(title), Paragraph(text)], meta={"title": title})


def _rows(body: str) -> dict[str, tuple[str, float | None, list[float] | None, str | None]]:
    pre = read_pre2019(_doc(HEADER + body), 2012)
    assert pre.form == "fj_local"
    return {
        k: (c.status, c.value, c.locator.get("candidates"), c.locator.get("rule"))
        for k, c in pre.cells.items()
    }


def test_numbering_glued_to_the_digits_before_it_belongs_to_the_next_label() -> None:
    # 「…公开条53615322.政府公报公开…」: the 2. is the next row's numbering, not a digit of the run.
    got = _rows("主动公开信息数条5401540其中：1.网站公开条53615322.政府公报公开条48")
    assert got["pre.proactive_via_website"][:2] == ("recovered", 536.0)
    assert got["pre.proactive_via_website.cumulative"][:2] == ("recovered", 1532.0)
    assert got["pre.proactive_total"][:2] == ("recovered", 540.0)
    assert got["pre.proactive_total"][3] == "PRE-PROACTIVE"
    assert got["pre.proactive_via_gazette"][:2] == ("recovered", 4.0)


def test_cumulative_below_the_year_is_not_a_split() -> None:
    got = _rows("行政复议数条935")  # 93|5 has 历年累计 below the year's value; 9|35 stays, and so does 935
    assert got["pre.review_total"][0] == "ambiguous"  # beside a cell printed empty (glued text cannot tell)
    assert got["pre.review_total"][2] == [9, 935]
    assert got["pre.review_total.cumulative"][2] == [35, 935]


def test_a_row_without_identity_stays_ambiguous_and_an_identity_decides() -> None:
    """Glued digits whose cumulative all have as many digits add up in both readings (521 + 713 = 1234 and
    5|21 + 7|13 = 12|34), so a blank 历年累计 can only be ruled out where the digit counts differ."""
    got = _rows("行政诉讼数条1234")
    assert got["pre.litigation_total"][0] == "ambiguous"
    assert got["pre.litigation_total"][2] == [1, 12, 1234]
    assert got["pre.litigation_total.cumulative"][2] == [34, 234, 1234]
    # inside PRE-REQ: 受理 12|134 = 当面 5|120 + 网上 7|14, in both columns, and no other reading fits
    got = _rows("受理依申请公开信息总数条12134其中：1.当面申请数条51204.网上申请数条714")
    assert got["pre.requests_received"][:2] == ("recovered", 12.0)
    assert got["pre.requests_received.cumulative"][:2] == ("recovered", 134.0)
    assert got["pre.requests_received"][3] == "PRE-REQ"


def test_a_source_breaking_its_identity_does_not_choose_a_split() -> None:
    # 1999 = 1|999, 19|99, 199|9 or 1999 beside a blank; 网站 27|35 and 公报 0|0 fit none of them in both
    # columns: the identity chooses nothing, the total stays ambiguous
    got = _rows("主动公开信息数条1999其中：1.网站公开条27352.政府公报公开条00")
    assert got["pre.proactive_total"][0] == "ambiguous"
    assert got["pre.proactive_total"][2] == [1, 19, 1999]


def test_one_value_for_two_spaced_columns_is_ambiguous() -> None:
    pre = read_pre2019(_doc("指标名称 计量单位 2012年度 历年累计 行政复议数 件 3 行政诉讼数 件 0 0"), 2012)
    c = pre.cells["pre.review_total"]
    assert c.status == "ambiguous" and c.locator["candidates"] == [3]
    assert pre.cells["pre.litigation_total"].status == "value"
    assert pre.cells["pre.review_total"].unit == "件"


def test_form_in_a_table_with_a_row_outside_the_form() -> None:
    grid = [
        ["指标名称", "计量单位", "2015年度", "历年累计"],
        ["受理政府信息依申请公开总数", "条", "5", "40"],
        ["其中：1、当面申请数", "条", "2", "20"],
        ["2、网上申请数", "条", "3", "12"],
        ["3、信函、传真申请数", "条", "0", "8"],
        ["政府信息公开咨询数", "人次", "120", "900"],
    ]
    cells = [Cell(t, r, c) for r, row in enumerate(grid) for c, t in enumerate(row)]
    doc = Document("html", [Paragraph("某某市统计局2015年政府信息公开工作年度报告"), Table(cells)])
    it = interpret(doc)
    assert it.template_version == "pre2019" and it.form == "fj_local" and it.status == "ok"
    assert it.cells["pre.requests_letter_fax.cumulative"].value == 8
    assert [u.label for u in it.unmapped] == ["政府信息公开咨询数"]
    assert all(c.outcome == "pass" for c in it.checks if c.rule == "PRE-REQ")


def test_unknown_form_stays_unsupported_with_its_header_and_rows() -> None:
    grid = [
        ["统计指标", "单位", "统计数"],
        ["一、主动公开情况", "", ""],
        ["主动公开政府信息数", "条", "321"],
        ["收到申请数", "件", "12"],
    ]
    cells = [Cell(t, r, c) for r, row in enumerate(grid) for c, t in enumerate(row)]
    doc = Document("html", [Paragraph("某某部2014年政府信息公开工作年度报告"), Table(cells)])
    it = interpret(doc)
    assert it.status == "unsupported_template" and it.template_version == "pre2019"
    assert it.error is not None and "2014" in it.error and "统计指标 | 单位 | 统计数" in it.error
    assert [u.label for u in it.unmapped] == ["一、主动公开情况", "主动公开政府信息数", "收到申请数"]
    assert not it.cells


def test_prose_quantities_from_unambiguous_sentences() -> None:
    doc = _doc(
        "2012年共收到政府信息公开申请37件，其中同意公开答复数30件，不予公开答复数4件。"
        "全年未收到有关政府信息公开的行政复议申请。提起行政诉讼2件。未收取任何费用。"
    )
    cells = read_prose(doc)
    assert {k: c.value for k, c in cells.items()} == {
        "pre.requests_received": 37,
        "pre.granted": 30,
        "pre.denied": 4,
        "pre.review_total": 0,
        "pre.litigation_total": 2,
        "pre.fees_charged": 0,
    }
    assert all(c.status == "value" for c in cells.values())
    assert "37件" in cells["pre.requests_received"].locator["sentence"]


def test_prose_that_is_not_a_request_count_or_contradicts_itself_is_left_out() -> None:
    doc = _doc(
        "主动公开政府信息425条，作为依申请公开信息数46条，不予公开信息数1402条。"  # items, not replies
        "政府信息公开事务支出费用1万元。"  # spending, not fees charged
        "上半年收到政府信息公开申请5件。全年收到政府信息公开申请9件。"  # two different numbers
    )
    assert read_prose(doc) == {}


def test_pre_keys_split_into_table_row_and_column() -> None:
    assert cell_parts("pre.requests_received") == ("pre", "requests_received", "year")
    assert cell_parts("pre.requests_received.cumulative") == ("pre", "requests_received", "cumulative")
    assert cell_parts("t3.granted.total") == ("t3", "granted", "total")
    keys = {r["key"] for r in dictionary_rows()}
    assert {"pre.proactive_total", "pre.proactive_total.cumulative", "pre.fees_charged"} <= keys


def test_coded_form_with_period_columns_is_not_taken_for_the_fujian_form() -> None:
    # 本期实际 | 本年累计 (a coded provincial form, docs/pre2019-forms.md) is not 本年度 | 历年累计.
    grid = [
        ["指标名称", "计量单位", "代码", "本期实际", "本年累计"],
        ["主动公开信息数", "条", "01", "12", "48"],
        ["申请总数", "条", "10", "1", "3"],
    ]
    cells = [Cell(t, r, c) for r, row in enumerate(grid) for c, t in enumerate(row)]
    doc = Document("docx", [Paragraph("某某市民政局2016年政府信息公开工作年度报告"), Table(cells)])
    it = interpret(doc)
    assert it.status == "unsupported_template" and it.form is None
    assert it.error is not None and "代码 | 本期实际 | 本年累计" in it.error
    assert len(it.unmapped) == 2


def test_a_store_from_before_the_form_column_gets_it(tmp_path: Path) -> None:
    from ogi.dataset.store import Store

    store = Store(tmp_path)
    store.con.execute("ALTER TABLE reports DROP COLUMN form")
    store.con.execute("UPDATE ogi_store SET value = 'before issue 17' WHERE key = 'schema'")
    store.close()
    store = Store(tmp_path)
    try:
        names = [r[0] for r in store.query("DESCRIBE reports")]
        assert "form" in names
        with store.transaction() as con:
            store.insert(
                con,
                "reports",
                [
                    {
                        "report_id": "r",
                        "source": "s",
                        "sha256": "h",
                        "format": "html",
                        "status": "ok",
                        "form": "x",
                        "n_cells": 0,
                        "n_checks_failed": 0,
                        "ogi_version": "v",
                    }
                ],
            )
        assert store.query("SELECT form, status FROM reports") == [("x", "ok")]
    finally:
        store.close()
