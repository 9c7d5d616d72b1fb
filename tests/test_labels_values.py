"""Label matching with real-world variants, and reading printed values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ogi.schema import labels as L
from ogi.schema.template import load
from ogi.schema.values import format_number, read_cell


def _row(text: str) -> str | None:
    best = L.best_match(load().t3_rows, text)
    return best.key if best else None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("一、本年新收政府信息公开申请数量", "new_received"),
        ("本年新收政府信息公开申请数量", "new_received"),
        ("二、上年结转政府信息公开申请数量", "carried_over"),
        ("（一）予以公开", "granted"),
        ("(一)予以公开", "granted"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
        ("（二）部分公开（区分处理的，只计这一情\n形，不计其他情形）", "partially_granted"),
        ("1.属于国家秘密", "denied_state_secret"),
        ("1、属于国家秘密", "denied_state_secret"),
        ("属于 国家 秘密", "denied_state_secret"),
        ("2.其他法律行政法规禁止公开", "denied_other_law"),
        ("3.危及“三安全一稳定”", "denied_three_security_one_stability"),
        ('3.危及"三安全一稳定"', "denied_three_security_one_stability"),
        ("4.保护第三方合法权益", "denied_third_party"),
        ("5.属于三类内部事务信息", "denied_internal_affairs"),
        ("6.属于四类过程性信息", "denied_process_info"),
        ("7.属于行政执法案卷", "denied_enforcement_file"),
        ("8.属于行政查询事项", "denied_admin_query"),
        ("1.本机关不掌握相关政府信息", "unable_not_held"),
        ("2.没有现成信息需要另行制作", "unable_need_creation"),
        ("3.补正后申请内容仍不明确", "unable_unclear"),
        ("1.信访举报投诉类申请", "not_processed_petition"),
        ("2.重复申请", "not_processed_duplicate"),
        ("3.要求提供公开出版物", "not_processed_publication"),
        ("4.无正当理由大量反复申请", "not_processed_massive"),
        ("5.要求行政机关确认或重新出具已获取信息", "not_processed_confirm"),
        ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_overdue_correction"),
        ("1，申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请", "other_overdue_correction"),
        ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_overdue_fee"),
        ("3.其他", "other_other"),
        ("3、其它", "other_other"),
        ("（六）其他处理", "other_handling"),
        ("（七）总计", "results_total"),
        ("四、结转下年度继续办理", "carry_forward"),
        ("三、\n本\n年\n度\n办\n理\n结\n果", "results"),
    ],
)
def test_table3_row_labels(text: str, key: str) -> None:
    assert _row(text) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("自然人", "natural_person"),
        ("商业\n企业", "commercial_enterprise"),
        ("科研 机构", "research_institution"),
        ("社会公益组织", "public_interest_org"),
        ("法律服务机构", "legal_service_org"),
        ("其他", "other_org"),
        ("其它", "other_org"),
        ("法人或其他组织小计", "legal_person_subtotal"),
        ("总计", "total"),
    ],
)
def test_table3_columns(text: str, key: str) -> None:
    best = L.best_match(load().t3_columns, text)
    assert best is not None and best.key == key


def test_group_heading_is_not_a_column() -> None:
    t = load()
    assert L.best_match(t.t3_columns, "法人或其他组织") is None


def test_caption_numbers() -> None:
    assert L.caption_item_number("第二十条第（一）项") == "一"
    assert L.caption_item_number("第二十条 第（八）项") == "八"
    assert L.caption_item_number("第二十条第(九)项") == "九"
    assert L.caption_item_number("第十九条") is None


def test_normalize_whitespace_and_width() -> None:
    assert L.normalize("结 果\n维持\u3000") == "结果维持"
    assert L.strip_numbering("三、（一）予以公开") == "予以公开"
    assert L.normalize("（一）") == L.normalize("(一)")


@pytest.mark.parametrize(
    ("text", "status", "value", "unit"),
    [
        ("13", "value", 13, None),
        (" 0 ", "value", 0, None),
        ("96171.6", "value", 96171.6, None),
        ("96171.60", "value", 96171.6, None),
        ("+14", "value", 14, None),
        ("-18", "value", -18, None),
        ("－18", "value", -18, None),
        ("1,234", "value", 1234, None),
        ("1，234", "value", 1234, None),
        ("１２３", "value", 123, None),
        ("251000元", "value", 251000, "元"),
        ("12 件", "value", 12, "件"),
        ("", "blank", None, None),
        ("\u3000\u3000", "blank", None, None),
        ("\xa0", "blank", None, None),
        ("/", "placeholder", None, None),
        ("／", "placeholder", None, None),
        ("-", "placeholder", None, None),
        ("--", "placeholder", None, None),
        ("—", "placeholder", None, None),
        ("－－", "placeholder", None, None),
        ("无", "placeholder", None, None),
        ("空", "placeholder", None, None),
    ],
)
def test_read_cell(text: str, status: str, value: float | None, unit: str | None) -> None:
    r = read_cell(text)
    assert r.status == status
    assert r.value == value
    assert r.unit == unit


def test_unreadable_text_is_ambiguous_never_zero() -> None:
    r = read_cell("约12件（含转办）")
    assert r.status == "ambiguous" and r.value is None
    assert 12.0 in r.candidates


@given(st.integers(min_value=-(10**9), max_value=10**12))
def test_integers_round_trip(n: int) -> None:
    assert read_cell(str(n)).value == n
    assert read_cell(f"{n:,}").value == n
    assert format_number(float(n)) == str(n)


@given(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False))
def test_decimals_round_trip(d: object) -> None:
    text = str(d)
    assert read_cell(text).value == pytest.approx(float(text))


def test_a_long_label_cut_short_still_names_its_row() -> None:
    """A page break cut 「1、申请人无正当理由逾期不补正，…」 after 「不补」: the start of a long label is enough."""
    assert _row("1、申请人无正当理由逾期不补") == "other_overdue_correction"
    assert _row("2.申请人逾期未按收费通知") == "other_overdue_fee"
    # a short fragment is not
    assert _row("申请人") is None
