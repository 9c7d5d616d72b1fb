"""The two real crawled renderings (平潭综合实验区 2021 and 2020), end to end through ``read_source``.

Every expected value below was worked out by hand from the glued text (the reasoning is in the
comments), never copied from ogi's output. The tests assert that every recovered cell equals that
truth and that every cell the text cannot decide is ambiguous with exactly the candidates the digits
allow.
"""

from __future__ import annotations

import json
from itertools import combinations, pairwise
from pathlib import Path

import pytest

from ogi.run.source import read_source

CORPUS = Path(__file__).parent / "corpus"
T3_COLS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
    "total",
)
T4 = [
    f"t4.{b}.{c}"
    for b in ("review", "litigation_direct", "litigation_after_review")
    for c in ("upheld", "corrected", "other_result", "pending", "total")
]
ZERO = (0, 0, 0, 0, 0, 0, 0)


def t3(rows: dict[str, tuple[int, ...]]) -> dict[str, float]:
    return {
        f"t3.{row}.{col}": v for row, values in rows.items() for col, v in zip(T3_COLS, values, strict=True)
    }


def compositions(digits: str, parts: int) -> list[tuple[str, ...]]:
    """Every cut of ``digits`` into ``parts`` counts without leading zeros (the hand rule)."""
    out = []
    for cuts in combinations(range(1, len(digits)), parts - 1):
        bounds = (0, *cuts, len(digits))
        pieces = tuple(digits[a:b] for a, b in pairwise(bounds))
        if all(p == "0" or not p.startswith("0") for p in pieces):
            out.append(pieces)
    return out


def column_candidates(digits: str, parts: int) -> list[set[int]]:
    splits = compositions(digits, parts)
    return [{int(s[i]) for s in splits} for i in range(parts)]


# -- 平潭 2021 (2021 format) ----------------------------------------------------------------------------
#
# Table 三, row by row (seven cells, the last the sum of the first six):
#   640020470  → 64|0|0|2|0|4|70 is the only split: a total of 70 leaves 6400204 for six cells, which must
#                hold one two-digit cell; only 64 makes the sum; 470 or 0 as total leave too little.
#   270020130  → two splits add up: 27|0|0|2|0|1|30 and 2|7|0|0|20|1|30.
#   500000 5   → 5|0|0|0|0|0 and 5 (the space is a boundary).
#   220000325  → two splits: 22|0|0|0|0|3|25 and 2|20|0|0|0|3|25.
#   630020469  → 63|0|0|2|0|4|69 only (6|30|… gives 42, 6|3|0|0|20|4 gives 33).
#   seven-digit rows are one digit per cell.
# Column 自然人 under T3-OUT: 63 = granted + 5 + 1 + 6 + 1 + not_held + 1, so granted + not_held = 49:
# only 27 + 22. 商业企业 must add up to 0, which rules out 7 and 20 as well. So granted is
# 27|0|0|2|0|1|30 and not_held is 22|0|0|0|0|3|25; T3-BAL holds: 64 + 0 = 63 + 1, 70 + 0 = 69 + 1.
# Table 四: 10203120001200000 → review 1|0|2|0|3 (1+0+2+0 = 3; 10|… would need a total of 15 next),
# direct 12|0|0|0|12, after review 0|0|0|0|0.
# Table 二: 规章 000 → 0|0|0; 行政规范性文件 693665 → ten splits, the prose states none of them.
TRUTH_2021: dict[str, float] = {
    "t2.art20_1.rules.issued": 0,
    "t2.art20_1.rules.repealed": 0,
    "t2.art20_1.rules.in_force": 0,
    "t2.art20_5.admin_license.decisions": 2293,
    "t2.art20_6.admin_penalty.decisions": 1282,
    "t2.art20_6.admin_coercion.decisions": 42,
    "t2.art20_8.admin_fees.fee_amount": 24252.311082,
    **t3(
        {
            "new_received": (64, 0, 0, 2, 0, 4, 70),
            "carried_over": ZERO,
            "granted": (27, 0, 0, 2, 0, 1, 30),
            "partially_granted": (5, 0, 0, 0, 0, 0, 5),
            "denied_state_secret": ZERO,
            "denied_other_law": ZERO,
            "denied_three_security_one_stability": ZERO,
            "denied_third_party": ZERO,
            "denied_internal_affairs": (1, 0, 0, 0, 0, 0, 1),
            "denied_process_info": ZERO,
            "denied_enforcement_file": (6, 0, 0, 0, 0, 0, 6),
            "denied_admin_query": (1, 0, 0, 0, 0, 0, 1),
            "unable_not_held": (22, 0, 0, 0, 0, 3, 25),
            "unable_need_creation": ZERO,
            "unable_unclear": ZERO,
            "not_processed_petition": ZERO,
            "not_processed_duplicate": ZERO,
            "not_processed_publication": ZERO,
            "not_processed_massive": ZERO,
            "not_processed_confirm": ZERO,
            "other_overdue_correction": ZERO,
            "other_overdue_fee": ZERO,
            "other_other": (1, 0, 0, 0, 0, 0, 1),
            "results_total": (63, 0, 0, 2, 0, 4, 69),
            "carry_forward": (1, 0, 0, 0, 0, 0, 1),
        }
    ),
    **dict(zip(T4, (1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0), strict=True)),
}
_nd = column_candidates("693665", 3)
AMBIGUOUS_2021 = {
    "t2.art20_1.normative_docs.issued": _nd[0],
    "t2.art20_1.normative_docs.repealed": _nd[1],
    "t2.art20_1.normative_docs.in_force": _nd[2],
}

# -- 平潭 2020 (2019 format) ----------------------------------------------------------------------------
#
# Table 二: 规章 007 → 0|0|7. 规范性文件 7777166, 行政许可 396442278, 其他对外管理服务事项 107105 and
# 行政强制 1262629 have several splits and no identity. 行政处罚 2648-18538: the minus can only start
# 本年增/减, so 上一年项目数量 is 2648 and the rest -18538 splits four ways (-1|8538 … -1853|8). 行政事业性收费
# 35-15 → 35 | -15. 政府集中采购 39573802895.90元: the decimal point belongs to 采购总金额, so the count is a
# prefix of 39573802895 (not 395738, which would leave 02895.90).
# Table 三: 200 000121 → 20|0 0|0|0|1|21 (2|0|0 then 0|0|0|121 would need 121 = 2), 6000017 → 6|0|0|0|0|1|7,
# seven-digit rows one digit each, 4 0 0 0 0 0 4 spaced, 20 0 00 0 121 → 20|0|0|0|0|1|21,
# 0 0 00 00 0 → zeros. The source does not add up: 自然人 outcomes 6+6+4+3+3+4 = 26 against 20, 总计 27
# against 21. Table 四: fifteen zeros.
TRUTH_2020: dict[str, float] = {
    "t2.art20_1.rules.new_made": 0,
    "t2.art20_1.rules.new_published": 0,
    "t2.art20_1.rules.public_total": 7,
    "t2.art20_6.admin_penalty.prev_year_items": 2648,
    "t2.art20_8.admin_fees.prev_year_items": 35,
    "t2.art20_8.admin_fees.change": -15,
    **t3(
        {
            "new_received": (20, 0, 0, 0, 0, 1, 21),
            "carried_over": ZERO,
            "granted": (6, 0, 0, 0, 0, 1, 7),
            "partially_granted": (6, 0, 0, 0, 0, 0, 6),
            "denied_state_secret": ZERO,
            "denied_other_law": ZERO,
            "denied_three_security_one_stability": ZERO,
            "denied_third_party": ZERO,
            "denied_internal_affairs": ZERO,
            "denied_process_info": ZERO,
            "denied_enforcement_file": ZERO,
            "denied_admin_query": ZERO,
            "unable_not_held": (4, 0, 0, 0, 0, 0, 4),
            "unable_need_creation": ZERO,
            "unable_unclear": (3, 0, 0, 0, 0, 0, 3),
            "not_processed_petition": ZERO,
            "not_processed_duplicate": (3, 0, 0, 0, 0, 0, 3),
            "not_processed_publication": ZERO,
            "not_processed_massive": ZERO,
            "not_processed_confirm": ZERO,
            "other_handling": (4, 0, 0, 0, 0, 0, 4),
            "results_total": (20, 0, 0, 0, 0, 1, 21),
            "carry_forward": ZERO,
        }
    ),
    **dict.fromkeys(T4, 0),
}
_norm = column_candidates("7777166", 3)
_lic = column_candidates("396442278", 3)
_other = column_candidates("107105", 3)
_coerc = column_candidates("1262629", 3)
_items = {int("39573802895"[:i]) for i in range(1, 11) if "39573802895"[i] != "0"}
AMBIGUOUS_2020 = {
    "t2.art20_1.normative_docs.new_made": _norm[0],
    "t2.art20_1.normative_docs.new_published": _norm[1],
    "t2.art20_1.normative_docs.public_total": _norm[2],
    "t2.art20_5.admin_license.prev_year_items": _lic[0],
    "t2.art20_5.admin_license.change": _lic[1],
    "t2.art20_5.admin_license.decisions": _lic[2],
    "t2.art20_5.other_mgmt_services.prev_year_items": _other[0],
    "t2.art20_5.other_mgmt_services.change": _other[1],
    "t2.art20_5.other_mgmt_services.decisions": _other[2],
    "t2.art20_6.admin_penalty.change": {-1, -18, -185, -1853},
    "t2.art20_6.admin_penalty.decisions": {8538, 538, 38, 8},
    "t2.art20_6.admin_coercion.prev_year_items": _coerc[0],
    "t2.art20_6.admin_coercion.change": _coerc[1],
    "t2.art20_6.admin_coercion.decisions": _coerc[2],
    "t2.art20_9.gov_central_procurement.procurement_items": _items,
    "t2.art20_9.gov_central_procurement.procurement_amount": {
        float("39573802895"[i:] + ".90") for i in range(1, 11) if "39573802895"[i] != "0"
    },
}


@pytest.fixture(scope="module")
def read():
    cache: dict[str, object] = {}

    def _read(name: str):
        if name not in cache:
            path = CORPUS / name
            cache[name] = (read_source(str(path), path.read_bytes()), path.read_text(encoding="utf-8"))
        return cache[name]

    return _read


CASES = [
    ("pingtan-2021-crawled.txt", TRUTH_2021, AMBIGUOUS_2021),
    ("pingtan-2020-crawled.txt", TRUTH_2020, AMBIGUOUS_2020),
]


@pytest.mark.parametrize(("name", "truth", "ambiguous"), CASES)
def test_every_cell_is_the_truth_or_honestly_ambiguous(read, name, truth, ambiguous):
    rows, _text = read(name)
    cells = {c["cell"]: c for c in rows.cells}
    assert rows.report["format"] == "text_glued"
    assert set(cells) == set(truth) | set(ambiguous), "no cell missing, none invented"
    for key, value in truth.items():
        cell = cells[key]
        assert cell["status"] in ("value", "recovered"), (key, cell)
        assert cell["value"] == pytest.approx(value), key
    for key, candidates in ambiguous.items():
        cell = cells[key]
        loc = json.loads(cell["locator"])
        assert cell["status"] == "ambiguous", key
        assert cell["value"] is None
        assert len(loc["candidates"]) == len(candidates), key
        assert sorted(loc["candidates"]) == pytest.approx(sorted(candidates)), key


@pytest.mark.parametrize(("name", "truth", "ambiguous"), CASES)
def test_locators_point_at_the_runs(read, name, truth, ambiguous):
    rows, text = read(name)
    for cell in rows.cells:
        loc = json.loads(cell["locator"])
        run = loc["run"]
        assert text[loc["char"] : loc["char"] + len(run)] == run, cell["cell"]
        if cell["status"] == "recovered":
            assert loc["rule"] in (
                "digits",
                "T3-ROW",
                "T3-ROW+T3-BAL+T3-OUT",
                "T4-SUM",
            ), cell
            # The raw text is the cell's own digits, found in the run.
            assert cell["raw"] and cell["raw"].replace("-", "") in run.replace(" ", "")
        if cell["status"] == "value":
            assert cell["raw"] in run.split() or cell["raw"] == run


def test_2021_rules_say_what_decided(read):
    rows, _ = read("pingtan-2021-crawled.txt")
    loc = {c["cell"]: json.loads(c["locator"]) for c in rows.cells}
    # 640020470: one split adds up.
    assert loc["t3.new_received.natural_person"]["rule"] == "T3-ROW"
    assert loc["t3.new_received.total"]["run"] == "640020470"
    # 270020130 and 220000325: two splits each, the column identities choose.
    for key in ("t3.granted.natural_person", "t3.unable_not_held.natural_person"):
        assert loc[key]["rule"] == "T3-ROW+T3-BAL+T3-OUT"
    # Cells both splits agree on needed no column identity.
    assert loc["t3.granted.total"]["rule"] == "T3-ROW"
    assert loc["t3.granted.other_org"]["rule"] == "T3-ROW"
    # Seven digits for seven cells.
    assert loc["t3.carry_forward.natural_person"]["rule"] == "digits"
    assert loc["t2.art20_1.rules.issued"]["rule"] == "digits"
    assert loc["t4.litigation_direct.upheld"]["rule"] == "T4-SUM"


def test_2021_report_row(read):
    rows, _ = read("pingtan-2021-crawled.txt")
    r = rows.report
    assert r["agency"] == "平潭综合实验区"
    assert r["year"] == 2021
    assert str(r["published"]) == "2022-02-08"
    assert r["template_version"] == "2021"
    assert r["scope"] == "aggregate"
    assert r["status"] == "partial"
    assert "ambiguous" in r["error"] and "normative_docs" in r["error"]
    hard = [c for c in rows.checks if c["severity"] == "hard"]
    assert hard and all(c["outcome"] == "pass" for c in hard)
    prose = {c["target"]: c["outcome"] for c in rows.checks if c["rule"] == "TXT-T3"}
    # 「共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理」
    assert prose == {
        "t3.new_received.total": "pass",
        "t3.results_total.total": "pass",
        "t3.carry_forward.total": "pass",
    }


def test_2020_report_row_and_source_inconsistency(read):
    rows, _ = read("pingtan-2020-crawled.txt")
    r = rows.report
    assert r["agency"] == "平潭综合实验区"
    assert r["year"] == 2020
    assert str(r["published"]) == "2021-03-05"
    assert r["template_version"] == "2019"
    assert r["scope"] == "aggregate"
    assert r["status"] == "partial"
    failed = {
        (c["rule"], c["target"]) for c in rows.checks if c["severity"] == "hard" and c["outcome"] == "fail"
    }
    # The source prints （七）总计 20 / 21 while its outcome rows add up to 26 / 27.
    assert failed == {("T3-OUT", "natural_person"), ("T3-OUT", "total")}
    out = {c["target"]: (c["left"], c["right"]) for c in rows.checks if c["rule"] == "T3-OUT"}
    assert out["natural_person"] == (20, 26)
    assert out["total"] == (21, 27)
    assert r["n_checks_failed"] == 2


@pytest.mark.parametrize("name", ["pingtan-2021-crawled.txt", "pingtan-2020-crawled.txt"])
def test_sections_are_found(read, name):
    rows, _ = read(name)
    sections = {s["section"]: s for s in rows.sections}
    assert list(sections) == [
        "preamble",
        "s1_overview",
        "s2_active_disclosure",
        "s3_requests",
        "s4_review_litigation",
        "s5_problems",
        "s6_other",
    ]
    assert sections["s1_overview"]["heading"] == "一、总体情况"
    assert sections["s1_overview"]["text"].startswith(name[8:12] + "年")
    assert sections["s5_problems"]["text"].startswith("（一）存在的主要问题")
    # No table digits leak into the prose.
    for key in ("s2_active_disclosure", "s3_requests", "s4_review_litigation"):
        assert not any(ch.isdigit() for ch in sections[key]["text"])


def test_units_from_the_header_and_from_the_run(read):
    rows, _ = read("pingtan-2021-crawled.txt")
    cells = {c["cell"]: c for c in rows.cells}
    # 「本年收费金额（单位：万元）」
    assert cells["t2.art20_8.admin_fees.fee_amount"]["unit"] == "万元"
    rows, _ = read("pingtan-2020-crawled.txt")
    cells = {c["cell"]: c for c in rows.cells}
    # 「…73802895.90元」: the 元 belongs to the last cell, whichever split is true.
    assert cells["t2.art20_9.gov_central_procurement.procurement_amount"]["unit"] == "元"
    assert cells["t2.art20_9.gov_central_procurement.procurement_items"]["unit"] is None


def test_unmapped_is_empty(read):
    for name, _t, _a in CASES:
        rows, _ = read(name)
        assert rows.unmapped == []
