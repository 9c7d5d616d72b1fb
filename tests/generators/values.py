"""Known values for generated reports, keyed by the canonical cell keys of template-spec.md.

Values are strings as they would be printed (「12」, 「96171.6」, 「/」, 「」). ``sample_values`` builds a
complete report whose numbers satisfy every hard identity (T3-BAL, T3-OUT, T3-ROW, T4-SUM), so a test
can also expect all checks to pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: Table 三's value columns in template order; the last one is the 总计.
T3_COLS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
    "total",
)
#: Table 三's outcome rows (三、本年度办理结果) in template order, 2021 with its three （六） sub-rows.
T3_OUTCOMES_2021 = (
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_other_law",
    "denied_three_security_one_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_admin_query",
    "unable_not_held",
    "unable_need_creation",
    "unable_unclear",
    "not_processed_petition",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_massive",
    "not_processed_confirm",
    "other_overdue_correction",
    "other_overdue_fee",
    "other_other",
)
T3_OUTCOMES_SINGLE_OTHER = (*T3_OUTCOMES_2021[:-3], "other_handling")


def t3_rows(version: str = "2021", other_single_row: bool = False) -> tuple[str, ...]:
    """Table 三's data rows in print order."""
    single = other_single_row or version == "2019"
    outcomes = T3_OUTCOMES_SINGLE_OTHER if single else T3_OUTCOMES_2021
    return ("new_received", "carried_over", *outcomes, "results_total", "carry_forward")


T4_BLOCKS = ("review", "litigation_direct", "litigation_after_review")
T4_COLS = ("upheld", "corrected", "other_result", "pending", "total")

T2_2021: dict[str, tuple[str, ...]] = {
    "art20_1.rules": ("issued", "repealed", "in_force"),
    "art20_1.normative_docs": ("issued", "repealed", "in_force"),
    "art20_5.admin_license": ("decisions",),
    "art20_6.admin_penalty": ("decisions",),
    "art20_6.admin_coercion": ("decisions",),
    "art20_8.admin_fees": ("fee_amount",),
}
T2_2019: dict[str, tuple[str, ...]] = {
    "art20_1.rules": ("new_made", "new_published", "public_total"),
    "art20_1.normative_docs": ("new_made", "new_published", "public_total"),
    "art20_5.admin_license": ("prev_year_items", "change", "decisions"),
    "art20_5.other_mgmt_services": ("prev_year_items", "change", "decisions"),
    "art20_6.admin_penalty": ("prev_year_items", "change", "decisions"),
    "art20_6.admin_coercion": ("prev_year_items", "change", "decisions"),
    "art20_8.admin_fees": ("prev_year_items", "change"),
    "art20_9.gov_central_procurement": ("procurement_items", "procurement_amount"),
}


def cell_keys(version: str = "2021", other_single_row: bool = False) -> list[str]:
    """Every cell key of a report in print order (table 二, 三, 四)."""
    t2 = T2_2021 if version == "2021" else T2_2019
    keys = [f"t2.{row}.{col}" for row, cols in t2.items() for col in cols]
    keys += [f"t3.{row}.{col}" for row in t3_rows(version, other_single_row) for col in T3_COLS]
    keys += [f"t4.{block}.{col}" for block in T4_BLOCKS for col in T4_COLS]
    return keys


def t3_values(
    outcomes: Mapping[str, Sequence[int]], carried_over: Sequence[int], carry_forward: Sequence[int]
) -> dict[str, str]:
    """Table 三 from its outcome rows (six applicant columns each) and the two carry rows.

    The 总计 column, the （七）总计 row and 一、本年新收 are derived so that T3-ROW, T3-OUT and T3-BAL hold.
    """
    n = len(T3_COLS) - 1
    results = [sum(row[i] for row in outcomes.values()) for i in range(n)]
    new_received = [results[i] + carry_forward[i] - carried_over[i] for i in range(n)]
    if min(new_received) < 0:
        raise ValueError("carried_over exceeds what the outcomes and carry_forward allow")
    rows: dict[str, Sequence[int]] = {
        "new_received": new_received,
        "carried_over": carried_over,
        **outcomes,
        "results_total": results,
        "carry_forward": carry_forward,
    }
    out: dict[str, str] = {}
    for row, nums in rows.items():
        for col, v in zip(T3_COLS, [*nums, sum(nums)], strict=True):
            out[f"t3.{row}.{col}"] = str(v)
    return out


_OUTCOMES: dict[str, tuple[int, ...]] = {
    "granted": (120, 8, 1, 0, 2, 3),
    "partially_granted": (15, 2, 0, 0, 0, 1),
    "denied_state_secret": (1, 0, 0, 0, 0, 0),
    "denied_other_law": (2, 0, 0, 0, 0, 0),
    "denied_three_security_one_stability": (0, 0, 0, 0, 0, 0),
    "denied_third_party": (3, 1, 0, 0, 0, 0),
    "denied_internal_affairs": (4, 0, 0, 0, 0, 0),
    "denied_process_info": (5, 0, 0, 0, 1, 0),
    "denied_enforcement_file": (2, 0, 0, 0, 0, 0),
    "denied_admin_query": (6, 0, 0, 0, 0, 0),
    "unable_not_held": (40, 3, 0, 1, 1, 2),
    "unable_need_creation": (7, 1, 0, 0, 0, 0),
    "unable_unclear": (3, 0, 0, 0, 0, 0),
    "not_processed_petition": (9, 0, 0, 0, 0, 0),
    "not_processed_duplicate": (11, 1, 0, 0, 0, 0),
    "not_processed_publication": (1, 0, 0, 0, 0, 0),
    "not_processed_massive": (2, 0, 0, 0, 0, 0),
    "not_processed_confirm": (1, 0, 0, 0, 0, 0),
    "other_overdue_correction": (5, 0, 0, 0, 0, 0),
    "other_overdue_fee": (1, 0, 0, 0, 0, 0),
    "other_other": (4, 1, 0, 0, 0, 0),
}
_CARRIED_OVER = (10, 1, 0, 0, 0, 0)
_CARRY_FORWARD = (12, 2, 0, 0, 1, 0)
_T4 = {"review": (3, 1, 0, 1), "litigation_direct": (2, 0, 1, 1), "litigation_after_review": (1, 0, 0, 0)}


def sample_values(version: str = "2021", other_single_row: bool = False) -> dict[str, str]:
    """A complete, internally consistent report (every key of ``cell_keys`` has a printed number)."""
    out: dict[str, str] = {}
    if version == "2021":
        out.update(
            {
                "t2.art20_1.rules.issued": "2",
                "t2.art20_1.rules.repealed": "1",
                "t2.art20_1.rules.in_force": "15",
                "t2.art20_1.normative_docs.issued": "12",
                "t2.art20_1.normative_docs.repealed": "3",
                "t2.art20_1.normative_docs.in_force": "86",
                "t2.art20_5.admin_license.decisions": "1523",
                "t2.art20_6.admin_penalty.decisions": "237",
                "t2.art20_6.admin_coercion.decisions": "18",
                "t2.art20_8.admin_fees.fee_amount": "96171.6",
            }
        )
    else:
        out.update(
            {
                "t2.art20_1.rules.new_made": "13",
                "t2.art20_1.rules.new_published": "13",
                "t2.art20_1.rules.public_total": "524",
                "t2.art20_1.normative_docs.new_made": "60",
                "t2.art20_1.normative_docs.new_published": "60",
                "t2.art20_1.normative_docs.public_total": "368",
                "t2.art20_5.admin_license.prev_year_items": "1036",
                "t2.art20_5.admin_license.change": "+14",
                "t2.art20_5.admin_license.decisions": "5210",
                "t2.art20_5.other_mgmt_services.prev_year_items": "461",
                "t2.art20_5.other_mgmt_services.change": "-3",
                "t2.art20_5.other_mgmt_services.decisions": "1200",
                "t2.art20_6.admin_penalty.prev_year_items": "2648",
                "t2.art20_6.admin_penalty.change": "-18",
                "t2.art20_6.admin_penalty.decisions": "538",
                "t2.art20_6.admin_coercion.prev_year_items": "12",
                "t2.art20_6.admin_coercion.change": "0",
                "t2.art20_6.admin_coercion.decisions": "4",
                "t2.art20_8.admin_fees.prev_year_items": "6",
                "t2.art20_8.admin_fees.change": "+1",
                "t2.art20_9.gov_central_procurement.procurement_items": "6",
                "t2.art20_9.gov_central_procurement.procurement_amount": "251000元",
            }
        )
    outcomes = dict(_OUTCOMES)
    if other_single_row or version == "2019":
        other = [outcomes.pop(k) for k in ("other_overdue_correction", "other_overdue_fee", "other_other")]
        outcomes["other_handling"] = tuple(sum(col) for col in zip(*other, strict=True))
    out.update(t3_values(outcomes, _CARRIED_OVER, _CARRY_FORWARD))
    for block, nums in _T4.items():
        for col, v in zip(T4_COLS, [*nums, sum(nums)], strict=True):
            out[f"t4.{block}.{col}"] = str(v)
    return out


def sample_sections(agency: str, year: int, values: Mapping[str, str]) -> dict[str, str]:
    """Prose for the template's sections (paragraphs separated by newlines), quoting table 三's totals."""
    total = {row: values.get(f"t3.{row}.total", "0") for row in t3_rows()}
    return {
        "preamble": (
            f"本报告根据《中华人民共和国政府信息公开条例》要求编制。本年度报告中所列数据统计期限从{year}年1月1日到"
            f"12月31日止。"
        ),
        "s1_overview": (
            f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，持续深化政务公开。\n"
            f"全年共收到政府信息公开申请{total['new_received']}件，上年结转{total['carried_over']}件，"
            f"办结{total['results_total']}件，结转下年度继续办理{total['carry_forward']}件。"
        ),
        "s5_problems": "政务公开工作仍存在信息发布不够及时等问题。下一步将加强培训，提升公开质量。",
        "s6_other": "本年度未收取信息处理费。",
    }
