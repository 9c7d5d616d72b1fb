"""上海市人民政府办公厅 2019 (tests/fixtures/html/shanghai-govoffice-2019.html, a fragment as the site serves
it): every cell, its status, unit and locator, and the checks the contract prescribes.

Expected values were read by hand from the page's HTML: blank ``&nbsp;`` cells are listed as absent from
``VALUES`` and must come out ``blank``.
"""

from __future__ import annotations

import json

import pytest

from ogi.extractors.html.walk import extract
from ogi.run.source import read_source
from ogi.schema.template import load
from tests.cms_site import SHANGHAI, cms_page

COLS = ("natural_person", "commercial_enterprise", "research_institution", "public_interest_org",
        "legal_service_org", "other_org", "total")  # fmt: skip
_ = None
T3 = {
    "new_received": (821, 35, _, _, 2, 1, 859),
    "carried_over": (18, _, _, _, _, _, 18),
    "granted": (258, 12, _, _, 1, 1, _),
    "partially_granted": (3, _, _, _, _, _, _),
    "denied_state_secret": (14, _, _, _, _, _, _),
    "denied_internal_affairs": (5, _, _, _, _, _, _),
    "denied_process_info": (3, 1, _, _, _, _, _),
    "denied_admin_query": (10, 2, _, _, _, _, _),
    "unable_not_held": (252, 12, _, _, 1, _, _),
    "unable_need_creation": (44, 3, _, _, _, _, _),
    "unable_unclear": (25, _, _, _, _, _, _),
    "not_processed_petition": (148, 1, _, _, _, _, _),
    "not_processed_duplicate": (5, 4, _, _, _, _, _),
    "results_total": (767, 35, _, _, 2, 1, 805),
    "carry_forward": (72, _, _, _, _, _, 72),
}
VALUES: dict[str, float] = {
    "t2.art20_1.rules.new_made": 13,
    "t2.art20_1.rules.new_published": 13,
    "t2.art20_1.rules.public_total": 524,
    "t2.art20_1.normative_docs.new_made": 60,
    "t2.art20_1.normative_docs.new_published": 60,
    "t2.art20_1.normative_docs.public_total": 368,
    **{
        f"t2.{item}.{row}.{col}": 0
        for item, rows in (
            ("art20_5", ("admin_license", "other_mgmt_services")),
            ("art20_6", ("admin_penalty", "admin_coercion")),
        )
        for row in rows
        for col in ("prev_year_items", "change", "decisions")
    },
    "t2.art20_8.admin_fees.prev_year_items": 0,
    "t2.art20_8.admin_fees.change": 0,
    "t2.art20_9.gov_central_procurement.procurement_items": 6,
    "t2.art20_9.gov_central_procurement.procurement_amount": 251000,
    **{f"t3.{row}.{col}": v for row, vals in T3.items() for col, v in zip(COLS, vals) if v is not None},
    "t4.review.upheld": 5,
    "t4.review.pending": 2,
    "t4.review.total": 7,
    "t4.litigation_direct.upheld": 8,
    "t4.litigation_direct.pending": 1,
    "t4.litigation_direct.total": 9,
}
# The rows where values are printed but the 总计 cell is left blank (the contract's example: 11 rows).
BLANK_TOTAL_ROWS = {row for row, vals in T3.items() if vals[-1] is None}


@pytest.fixture(scope="module")
def rows():
    return read_source("shanghai-govoffice-2019.html", SHANGHAI.read_bytes())


def test_report_metadata(rows) -> None:
    r = rows.report
    assert r["format"] == "html"
    assert r["status"] == "ok", r["error"]
    assert r["template_version"] == "2019"
    assert r["year"] == 2019
    assert r["agency"] == "上海市人民政府办公厅"
    assert r["title"] == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    assert str(r["published"]) == "2020-01-31"
    assert r["province"] == "上海市"


def test_every_cell(rows) -> None:
    cells = {c["cell"]: c for c in rows.cells}
    expected_keys = set(load().cell_keys("2019", other_single_row=True))
    assert set(cells) == expected_keys
    assert len(cells) == 22 + 23 * 7 + 15
    for key in sorted(expected_keys):
        c = cells[key]
        if key in VALUES:
            assert c["status"] == "value" and c["value"] == VALUES[key], (key, c["raw"], c["status"])
        else:
            assert c["status"] == "blank" and c["value"] is None and c["raw"] == "", (key, c["raw"])
    amount = cells["t2.art20_9.gov_central_procurement.procurement_amount"]
    assert (amount["raw"], amount["value"], amount["unit"]) == ("251000元", 251000, "元")
    assert sum(1 for c in cells.values() if c["status"] == "value") == len(VALUES) == 63


def test_locators_point_at_the_printed_cells(rows) -> None:
    full = {c["cell"]: json.loads(c["locator"]) for c in rows.cells}
    # Where the cell is; how its row label was matched is told apart (label_match).
    loc = {k: {p: v for p, v in f.items() if p not in ("label_match", "label")} for k, f in full.items()}
    assert full["t2.art20_1.rules.public_total"]["label_match"] == "exact"
    assert loc["t2.art20_1.rules.public_total"] == {"table": 1, "row": 3, "col": 5}
    # (五): the value under 上一年项目数量 spans grid columns 2-3, 本年增/减 sits in column 4.
    assert loc["t2.art20_5.admin_license.prev_year_items"] == {"table": 1, "row": 7, "col": 2}
    assert loc["t2.art20_5.admin_license.change"] == {"table": 1, "row": 7, "col": 4}
    assert loc["t2.art20_9.gov_central_procurement.procurement_amount"] == {"table": 1, "row": 18, "col": 4}
    assert loc["t3.new_received.natural_person"] == {"table": 2, "row": 4, "col": 4}
    assert loc["t3.granted.natural_person"] == {"table": 2, "row": 6, "col": 4}
    assert loc["t3.denied_state_secret.total"] == {"table": 2, "row": 8, "col": 10}
    assert loc["t3.carry_forward.total"] == {"table": 2, "row": 26, "col": 10}
    assert loc["t4.litigation_direct.total"] == {"table": 3, "row": 4, "col": 10}


def test_checks_follow_the_contract(rows) -> None:
    checks = {(c["rule"], c["target"]): c for c in rows.checks}
    # T3-BAL in every column: 859 + 18 = 805 + 72 in 总计; 821 + 18 = 767 + 72 for 自然人.
    for col in COLS:
        assert checks[("T3-BAL", col)]["outcome"] == "pass", col
    assert (checks[("T3-BAL", "total")]["left"], checks[("T3-BAL", "total")]["right"]) == (877, 877)
    # T3-OUT adds up in the printed columns; the 总计 column has blank totals beside values.
    for col in ("natural_person", "commercial_enterprise"):
        c = checks[("T3-OUT", col)]
        assert c["outcome"] == "pass" and c["left"] == c["right"], col
    assert checks[("T3-OUT", "natural_person")]["left"] == 767
    assert checks[("T3-OUT", "total")]["outcome"] == "not_assessable"
    # A blank 总计 beside printed values: not assessable on exactly those 11 rows, never assumed 0.
    not_assessable = {
        t for (rule, t), c in checks.items() if rule == "T3-ROW" and c["outcome"] == "not_assessable"
    }
    assert not_assessable == BLANK_TOTAL_ROWS and len(BLANK_TOTAL_ROWS) == 11
    assert all(c["outcome"] != "fail" for c in rows.checks)
    # T4-SUM: 5 + 2 = 7, 8 + 1 = 9.
    assert (checks[("T4-SUM", "review")]["outcome"], checks[("T4-SUM", "review")]["left"]) == ("pass", 7)
    assert checks[("T4-SUM", "litigation_direct")]["outcome"] == "pass"


def test_sections_and_no_chrome(rows) -> None:
    sections = [s["section"] for s in rows.sections]
    assert sections == [
        "preamble", "s1_overview", "s2_active_disclosure", "s3_requests", "s4_review_litigation",
        "s5_problems", "s6_other",
    ]  # fmt: skip
    assert "一是新《条例》实施后" in next(s["text"] for s in rows.sections if s["section"] == "s5_problems")


def test_table_three_grid_has_its_three_level_header() -> None:
    doc = extract(SHANGHAI.read_bytes())
    t3 = doc.tables[1]
    at = {(c.row, c.col): c for c in t3.cells}
    note = at[(0, 0)]
    assert (note.rowspan, note.colspan) == (3, 3) and "勾稽关系" in note.text
    assert (at[(0, 3)].text, at[(0, 3)].colspan) == ("申请人情况", 7)
    assert (at[(1, 3)].text, at[(1, 3)].rowspan) == ("自然人", 2)
    assert (at[(1, 4)].text, at[(1, 4)].colspan) == ("法人或其他组织", 5)
    assert (at[(1, 9)].text, at[(1, 9)].rowspan) == ("总计", 2)
    assert [at[(2, c)].text for c in range(4, 9)] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    assert (at[(5, 0)].text, at[(5, 0)].rowspan) == ("三、本年度办理结果", 20)
    assert (at[(7, 1)].text, at[(7, 1)].rowspan) == ("（三）不予公开", 8)
    # Covered positions hold no cell of their own.
    assert (1, 0) not in at and (2, 3) not in at and (6, 0) not in at
    assert t3.n_rows == 26 and t3.n_cols == 10
    # <br /> inside a header label joins without a space.
    assert doc.tables[0].text_grid()[1][1] == "本年新制作数量"


def _non_zero_copy() -> bytes:
    """The page with its （五）（六） rows filled: their values span other grid columns than the header's."""
    html = SHANGHAI.read_text(encoding="utf-8")
    new = {"行政许可": ("7", "+2", "5"), "其他对外管理服务事项": ("11", "-3", "4"),
           "行政处罚": ("120", "+15", "98"), "行政强制": ("6", "0", "3")}  # fmt: skip
    for label, values in new.items():
        start = html.index(f"<p>{label}</p>")
        end = html.index("</tr>", start)
        row = html[start:end]
        pieces = row.split('<p align="center">0</p>')
        assert len(pieces) == len(values) + 1
        row = pieces[0] + "".join(f'<p align="center">{v}</p>{p}' for v, p in zip(values, pieces[1:]))
        html = html[:start] + row + html[end:]
    return html.encode("utf-8")


def test_misaligned_rows_with_non_zero_values() -> None:
    rows = read_source("copy.html", _non_zero_copy())
    cells = {c["cell"]: c for c in rows.cells}
    expected = {
        "t2.art20_5.admin_license": (7, 2, 5),
        "t2.art20_5.other_mgmt_services": (11, -3, 4),
        "t2.art20_6.admin_penalty": (120, 15, 98),
        "t2.art20_6.admin_coercion": (6, 0, 3),
    }
    for prefix, (prev, change, decisions) in expected.items():
        got = tuple(cells[f"{prefix}.{c}"]["value"] for c in ("prev_year_items", "change", "decisions"))
        assert got == (prev, change, decisions), prefix
    assert cells["t2.art20_5.admin_license.change"]["raw"] == "+2"
    assert rows.report["status"] == "ok"


def test_the_same_report_inside_a_cms_page_reads_the_same() -> None:
    bare = read_source("a", SHANGHAI.read_bytes())
    page = cms_page(
        "2019年上海市人民政府办公厅政府信息公开工作年度报告",
        SHANGHAI.read_text(encoding="utf-8"),
        published="2020-01-31",
    )
    wrapped = read_source("b", page.encode("utf-8"))
    strip = lambda rows: sorted((c["cell"], c["raw"], c["status"], c["locator"]) for c in rows.cells)  # noqa: E731
    assert strip(wrapped) == strip(bare)
    assert [s["section"] for s in wrapped.sections] == [s["section"] for s in bare.sections]
    text = "\n".join(s["text"] for s in wrapped.sections)
    for chrome in (
        "首页",
        "分享到微信",
        "主办单位",
        "打印本页",
        "隐藏的统计脚本文字",
        "统计代码",
        "相关链接",
    ):
        assert chrome not in text, chrome
