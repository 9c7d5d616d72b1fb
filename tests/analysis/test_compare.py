"""ogi compare on the generated dataset: rankings, year-over-year changes, duplicates, flags.

Expected values are worked out by hand from the specs in ``analysis_dataset.py``.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from ogi.analysis.compare import CompareError, Filters, failed_checks, rank, report_view, trend
from ogi.cli import main


def _names(df: pd.DataFrame) -> list[str]:
    return list(df["agency"])


def test_ranking_own_reports_by_refused_rate(ds):
    r = rank(ds, "refused_rate")
    assert set(r["year"]) == {2022}  # the latest year by default
    assert _names(r) == [
        "嘉兴市生态环境局",
        "嘉兴市财政局",
        "嘉兴市南湖区人民政府",
        "嘉兴市统计局",
        "嘉兴市档案馆",
    ]
    values = list(r["value"])
    assert values[0] == pytest.approx(2 / 7)  # printed （七）总计 7: the report's own (wrong) total
    assert values[1] == pytest.approx(2 / 12)  # the re-issued report, not the first one (3/12)
    assert values[2] == pytest.approx(3 / 30)
    assert values[3] == 0
    assert math.isnan(values[4])  # no requests: 0/0 is null, listed last and unranked
    assert list(r["rank"][:4]) == [1, 2, 3, 4] and pd.isna(r["rank"].iloc[4])
    assert list(r["n_checks_failed"]) == [3, 0, 0, 0, 0]  # the flag travels with the ranking
    # the aggregate 嘉兴市人民政府 is not ranked among departments
    assert "嘉兴市人民政府" not in _names(r)


def test_each_agency_year_counted_once(ds):
    view = report_view(ds)
    assert not view.duplicated(["agency_id", "year"]).any()
    fin = view[(view["agency_name"] == "嘉兴市财政局") & (view["year"] == 2022)]
    assert len(fin) == 1 and Path(fin["source"].iloc[0]).name == "finance-2022-reissued.txt"
    assert len(report_view(ds, canonical_only=False)) == len(ds.agencies)


def test_ranking_aggregates_among_themselves(ds):
    r = rank(ds, "refused_rate", Filters(scope="aggregate"))
    assert _names(r) == ["嘉兴市人民政府"]
    assert r["value"].iloc[0] == pytest.approx(8 / 114)
    both = rank(ds, "company_share", Filters(scope="all"))
    assert both.set_index("agency").loc["嘉兴市人民政府", "value"] == pytest.approx(15 / 120)


def test_ranking_filters(ds):
    assert _names(rank(ds, "refused_rate", Filters(level="县"))) == ["嘉兴市南湖区人民政府"]
    assert _names(rank(ds, "refused_rate", Filters(level="county"))) == ["嘉兴市南湖区人民政府"]
    assert len(rank(ds, "refused_rate", Filters(province="浙江"))) == 5
    assert rank(ds, "refused_rate", Filters(city="湖州")).empty
    r = rank(ds, "refused_rate", Filters(year=2021))
    assert _names(r) == ["嘉兴市统计局", "浙江省嘉兴市财政局"]
    assert list(r["value"]) == pytest.approx([1 / 16, 0.0])
    with pytest.raises(CompareError):
        rank(ds, "no_such_metric")


def test_other_metrics(ds):
    late = rank(ds, "days_late", Filters(scope="all")).set_index("agency")["value"]
    assert late["嘉兴市财政局"] == 38  # 2023-03-10, the counted re-issue
    assert late["嘉兴市人民政府"] == 0  # 2023-01-30
    assert math.isnan(late["嘉兴市统计局"])  # the real report prints no date
    fee = rank(ds, "info_fee_yuan").set_index("agency")["value"]
    assert fee["嘉兴市财政局"] == 3940 and fee["嘉兴市南湖区人民政府"] == 500
    assert fee["嘉兴市统计局"] == 0  # 「未收取政府信息公开相关处理费」
    assert math.isnan(fee["嘉兴市档案馆"])  # 「无。」 says nothing about fees
    lit = rank(ds, "litigation_total").set_index("agency")["value"]
    assert lit["嘉兴市财政局"] == 2
    corr = rank(ds, "review_correction_rate").set_index("agency")["value"]
    assert corr["嘉兴市财政局"] == pytest.approx(0.5) and math.isnan(corr["嘉兴市统计局"])


def test_trend_across_years_with_the_template_break(ds):
    t = trend(ds, "refused_rate", Filters(agency="统计局"))
    assert list(t["year"]) == [2020, 2021, 2022]
    assert t["agency_id"].nunique() == 1
    assert list(t["template_version"]) == ["2019", "2021", "2021"]
    assert list(t["value"]) == pytest.approx([1 / 8, 1 / 16, 0.0])
    assert math.isnan(t["change"].iloc[0])
    assert list(t["change"][1:]) == pytest.approx([1 / 16 - 1 / 8, -1 / 16])
    assert t["break"].iloc[1] == "template 2019→2021" and pd.isna(t["break"].iloc[2])
    # X-CARRY: 2021 carried over what 2020 carried forward (0); 2022 carried over 0 against 1 + 1
    assert list(t["x_carry"][1:]) == ["pass", "fail"]
    detail = t["x_carry_failed"].iloc[2]
    assert "natural_person: 0 carried over vs 1 carried forward" in detail
    assert detail.startswith("against 嘉兴市统计局 2021: ")  # the earlier report by agency and year
    assert "commercial_enterprise" in detail and "total: 0 carried over vs 2" in detail


def test_table_two_series_never_cross_the_break(ds):
    t21 = trend(ds, "penalties_v2021", Filters(agency="统计局"))
    assert math.isnan(t21["value"].iloc[0])  # 2020 is a 2019-format report
    assert list(t21["value"][1:]) == [9, 13]
    assert math.isnan(t21["change"].iloc[1]) and t21["change"].iloc[2] == 4
    t19 = trend(ds, "penalties_v2019", Filters(agency="统计局"))
    assert t19["value"].iloc[0] == 11 and t19["value"][1:].isna().all()


def test_trend_lines_up_printed_name_variants(ds):
    t = trend(ds, "received", Filters(agency="财政局"))
    assert list(t["agency"]) == ["浙江省嘉兴市财政局", "嘉兴市财政局"]
    assert list(t["value"]) == [5, 16] and t["change"].iloc[1] == 11
    by_id = trend(ds, "received", Filters(agency=t["agency_id"].iloc[0]))
    assert list(by_id["year"]) == [2021, 2022]


def test_failed_checks(ds):
    f = failed_checks(ds)
    assert set(f["agency"]) == {"嘉兴市生态环境局"}
    assert sorted(zip(f["rule"], f["target"])) == [
        ("T3-BAL", "total"),
        ("T3-OUT", "total"),
        ("T3-ROW", "results_total"),
    ]
    row = f[f["rule"] == "T3-ROW"].iloc[0]
    assert (row["left"], row["right"], row["difference"]) == (7, 6, 1)


# -- the command ---------------------------------------------------------------------------------------


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_table(dataset):
    out = _run("compare", str(dataset))
    lines = out.splitlines()
    assert lines[0].startswith("refused_rate (不予公开率), year 2022, scope own")
    header = next(i for i, line in enumerate(lines) if line.startswith("rank "))
    assert lines[header].split()[-2:] == ["n", "checks_failed"]  # n beside the rate
    body = [line for line in lines[header + 1 :] if line.strip()]
    assert body[0].split()[:2] == ["1", "嘉兴市生态环境局"] and "28.6%" in body[0]
    assert body[-1].split()[0] == "嘉兴市档案馆"  # unranked
    trend_out = _run("compare", str(dataset), "--agency", "统计局")
    assert "template 2019→2021" in trend_out and "fail" in trend_out
    failed_out = _run("compare", str(dataset), "--failed")
    assert "T3-ROW" in failed_out and "嘉兴市生态环境局" in failed_out


def test_cli_csv_and_xlsx(dataset, tmp_path):
    csv = pd.read_csv(
        io.StringIO(_run("compare", str(dataset), "--metric", "granted_rate", "--format", "csv"))
    )
    assert csv["agency"].iloc[0] == "嘉兴市统计局" and csv["value"].iloc[0] == 1.0
    out = tmp_path / "rank.xlsx"
    _run("compare", str(dataset), "--format", "xlsx", "--out", str(out))
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["rank", "metric definitions"]
    rows = list(wb["rank"].iter_rows(values_only=True))
    assert rows[0][0] == "rank" and rows[1][1] == "嘉兴市生态环境局"
    result = CliRunner().invoke(main, ["compare", str(dataset), "--format", "xlsx"])
    assert result.exit_code != 0 and "--out" in result.output


def test_cli_rejects_unknown_metric(dataset):
    result = CliRunner().invoke(main, ["compare", str(dataset), "--metric", "nope"])
    assert result.exit_code != 0


def test_a_dataset_without_reports(tmp_path):
    """Only an unreadable file: nothing is ranked, and every output still works."""
    from ogi.analysis.html_report import render
    from ogi.analysis.load import load
    from ogi.run.options import RunOptions
    from ogi.run.pipeline import run

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    run([str(tmp_path / "in")], RunOptions(out=tmp_path / "out"))
    ds = load(tmp_path / "out")
    assert rank(ds).empty and trend(ds, filters=Filters(agency="x")).empty and failed_checks(ds).empty
    result = CliRunner().invoke(main, ["compare", str(tmp_path / "out")])
    assert result.exit_code != 0 and "no counted report" in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert "No values to chart" in render(ds, "refused_rate", Filters(agency="x"))
    _run("export", str(tmp_path / "out"), "--format", "sqlite", "--out", str(tmp_path / "site"))
    assert (tmp_path / "site" / "ogi.db").exists()
