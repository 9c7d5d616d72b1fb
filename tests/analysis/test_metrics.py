"""Metrics: definitions as data, missing inputs, 0/0, version-specific table-二 metrics, the fee text."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ogi.analysis.metrics import compute, days_late, expand, long_table, parse_fee
from ogi.schema.dictionary import csv_text, markdown
from ogi.schema.metrics import metric, metrics
from ogi.schema.template import load

COLS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
)


def _cells(rid: str, values: dict[str, float | None], statuses: dict[str, str] | None = None) -> list[dict]:
    out = []
    for key, value in values.items():
        table, rest = key.split(".", 1)
        row_key, col_key = rest.rsplit(".", 1)
        status = (statuses or {}).get(key, "value" if value is not None else "blank")
        out.append(
            {
                "report_id": rid,
                "cell": key,
                "table": table,
                "row_key": row_key,
                "col_key": col_key,
                "value": value,
                "status": status,
                "locator": "{}",
            }
        )
    return out


def _full(rid: str, version: str = "2021", fill: float = 0.0) -> dict[str, float | None]:
    return dict.fromkeys(load().cell_keys(version), fill)


def _run(cells: list[dict], versions: dict[str, str], published=None, sections=None) -> pd.DataFrame:
    reports = pd.DataFrame(
        {
            "report_id": list(versions),
            "template_version": list(versions.values()),
            "year": [2022] * len(versions),
            "published": [published] * len(versions),
        }
    )
    return compute(reports, pd.DataFrame(cells), sections)


def test_every_metric_is_defined_once_with_formula_and_caveats():
    names = [m.name for m in metrics()]
    assert len(names) == len(set(names))
    for m in metrics():
        assert m.formula and m.caveats and m.label_zh and m.label_en
        for version in m.versions:
            if m.kind in ("sum", "ratio"):
                assert expand(m.cells, version), (m.name, version)
    # table-二 metrics belong to one template version each
    for m in metrics():
        if any(c.startswith("t2.") for c in m.cells):
            assert len(m.versions) == 1, m.name
    assert len(expand(("t3.denied_*.total",), "2021")) == 8
    assert len(expand(("t3.unable_*.total",), "2019")) == 3


def test_dictionary_lists_metrics_and_agencies():
    md = markdown()
    assert "## Metrics" in md and "## `agencies.parquet`" in md
    for m in metrics():
        assert f"| `{m.name}` |" in md
    assert "| `agency_id` |" in md and "| `canonical` |" in md
    assert "metric,metrics,refused_rate" in csv_text()


def test_rates_and_sums():
    v = _full("r")
    v.update(
        {
            "t3.new_received.natural_person": 8,
            "t3.new_received.commercial_enterprise": 2,
            "t3.new_received.total": 10,
            "t3.carried_over.total": 2,
            "t3.results_total.total": 10,
            "t3.granted.total": 6,
            "t3.partially_granted.total": 1,
            "t3.denied_third_party.total": 1,
            "t3.denied_state_secret.total": 1,
            "t3.unable_not_held.total": 1,
            "t4.review.upheld": 1,
            "t4.review.corrected": 1,
            "t4.review.pending": 3,
            "t4.review.total": 5,
            "t4.litigation_direct.total": 2,
            "t4.litigation_after_review.total": 1,
            "t2.art20_6.admin_penalty.decisions": 13,
        }
    )
    row = _run(_cells("r", v), {"r": "2021"}).loc["r"]
    assert row["received"] == 12 and row["concluded"] == 10
    assert row["granted_rate"] == pytest.approx(0.6)
    assert row["granted_or_partial_rate"] == pytest.approx(0.7)
    assert row["refused_rate"] == pytest.approx(0.2)
    assert row["unable_rate"] == pytest.approx(0.1)
    assert row["not_processed_rate"] == 0
    assert row["company_share"] == pytest.approx(0.2)
    assert row["review_total"] == 5 and row["litigation_total"] == 3
    assert row["review_correction_rate"] == pytest.approx(0.5)  # pending cases excluded
    assert math.isnan(row["litigation_direct_correction_rate"])  # 0/0
    assert row["penalties_v2021"] == 13
    assert math.isnan(row["penalties_v2019"])  # never a 2019 value for a 2021 report


def test_missing_inputs_make_null_not_zero():
    v = _full("r")
    v.update(
        {"t3.granted.natural_person": 5, "t3.results_total.total": 5, "t3.results_total.natural_person": 5}
    )
    v["t3.granted.total"] = None  # blank 总计 beside a printed 5: not added up
    v["t3.new_received.commercial_enterprise"] = None  # blank elsewhere counts as 0
    v["t3.new_received.total"] = 4
    del v["t3.denied_state_secret.total"]  # not read at all
    cells = _cells("r", v, {"t3.partially_granted.total": "ambiguous"})
    for c in cells:
        if c["status"] == "ambiguous":
            c["value"] = None
    row = _run(cells, {"r": "2021"}).loc["r"]
    assert math.isnan(row["granted_rate"])
    assert row["company_share"] == 0
    assert math.isnan(row["refused_rate"])
    assert math.isnan(row["granted_or_partial_rate"])


def test_zero_over_zero_and_other_versions_are_null():
    rows = _run(_cells("a", _full("a")) + _cells("b", _full("b", "2019")), {"a": "2021", "b": "2019"})
    assert math.isnan(rows.loc["a", "refused_rate"])
    assert rows.loc["a", "received"] == 0
    assert math.isnan(rows.loc["b", "fees_wan_v2021"]) and rows.loc["b", "fee_items_v2019"] == 0
    long = long_table(rows)
    assert list(long.columns) == ["report_id", "metric", "value"]
    assert len(long) == 2 * len(metrics())


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 50), min_size=6, max_size=6),
    st.lists(st.integers(0, 30), min_size=4, max_size=4),
)
def test_outcome_rates_add_up(new, outcome_totals):
    granted, partial, denied, unable = outcome_totals
    v = _full("r")
    concluded = granted + partial + denied + unable
    v.update(
        {
            "t3.granted.total": granted,
            "t3.partially_granted.total": partial,
            "t3.denied_other_law.total": denied,
            "t3.unable_unclear.total": unable,
            "t3.results_total.total": concluded,
            "t3.new_received.total": sum(new),
        }
    )
    for col, n in zip(COLS, new):
        v[f"t3.new_received.{col}"] = n
    row = _run(_cells("r", v), {"r": "2021"}).loc["r"]
    rates = [row[n] for n in ("granted_or_partial_rate", "refused_rate", "unable_rate", "not_processed_rate")]
    if concluded == 0:
        assert all(math.isnan(r) for r in rates)
    else:
        assert all(0 <= r <= 1 for r in rates)
        assert sum(rates) == pytest.approx(1.0)
    if sum(new):
        assert 0 <= row["company_share"] <= 1


def test_days_late():
    assert days_late(2022, dt.date(2023, 1, 31)) == 0
    assert days_late(2022, dt.date(2023, 1, 15)) == 0
    assert days_late(2022, dt.date(2023, 2, 1)) == 1
    assert days_late(2022, dt.date(2023, 3, 2)) == 30
    assert days_late(2022, None) is None
    assert days_late(None, dt.date(2023, 3, 2)) is None


@pytest.mark.parametrize(
    ("text", "fee"),
    [
        ("2022年市统计局未收取政府信息公开相关处理费。", 0.0),  # the real 嘉兴 sentence
        ("本年度收取信息处理费 3940 元。", 3940.0),
        ("本机关实际收取信息处理费共计400元。", 400.0),
        ("（二）收取信息处理费情况\n收取信息处理费 380 元。", 380.0),
        ("本年度共收取信息处理费2笔，合计0.05万元。", 500.0),
        ("向甲收取信息处理费100元，向乙收取信息处理费200元，共计300元。", 300.0),
        ("向甲收取信息处理费100元；向乙收取信息处理费200元。共收取信息处理费300元。", 300.0),
        ("向甲收取信息处理费100元；向乙收取信息处理费200元。", None),
        ("无收取信息处理费情况。", 0.0),
        ("本年度收取信息处理费3,940元。", 3940.0),
        ("依照《政府信息公开信息处理费管理办法》收取信息处理费。", None),
        ("无。", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_fee(text, fee):
    assert parse_fee(text) == fee


def test_fee_metric_reads_section_six():
    sections = pd.DataFrame(
        [
            {"report_id": "r", "section": "s6_other", "text": "本年度收取信息处理费 3940 元。"},
            {"report_id": "r", "section": "s1_overview", "text": "收取信息处理费 1 元"},
        ]
    )
    row = _run(_cells("r", _full("r")), {"r": "2021"}, sections=sections).loc["r"]
    assert row["info_fee_yuan"] == 3940
    assert metric("info_fee_yuan").unit == "元"


@pytest.mark.parametrize(
    ("total_status", "part_value", "known"),
    [
        ("blank", 5.0, False),  # blank （七）总计 beside printed outcomes: not added up
        ("blank", 0.0, False),  # a printed 0 is a printed value
        ("blank", None, True),  # blank beside blank parts: 0
        ("placeholder", 5.0, True),  # 「/」 was written there: 0, like any placeholder
    ],
)
def test_checks_and_metrics_share_the_blank_total_rule(total_status, part_value, known):
    """One rule (contract §4) for a blank total: the check that needs it is not assessable exactly when
    the metric built on it is null (the （七）总计 row gave ``concluded = 0`` beside printed outcomes)."""
    from ogi.schema.cells import CellValue
    from ogi.schema.identities import run_identities

    v = _full("r", fill=None)  # every cell printed blank
    v["t3.granted.total"] = part_value
    v["t3.granted.natural_person"] = part_value
    cells = _cells("r", v, {"t3.results_total.total": total_status})
    row = _run(cells, {"r": "2021"}).loc["r"]
    assert math.isnan(row["concluded"]) == (not known)
    if known:
        assert row["concluded"] == 0
    values = {c["cell"]: CellValue(c["cell"], None, c["status"], c["value"]) for c in cells}
    checks = run_identities(values, "2021")
    out = [c for c in checks if c.rule == "T3-OUT" and "t3.results_total.total" in c.cells]
    assert out, "T3-OUT covers the （七）总计 column total"
    assert (out[0].outcome == "not_assessable") == (not known)
