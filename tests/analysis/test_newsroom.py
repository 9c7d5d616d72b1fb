"""Issue 16 for the newsroom and the analyst: honest rankings, no ``nan``, one-line errors, the terminal.

Read on the generated dataset of ``analysis_dataset.py`` (its specs give every expected number).
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ogi.analysis.compare import CompareError, Filters, metric_named, rank, run_compare, trend
from ogi.cli import main


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


# -- 1. honest rankings ---------------------------------------------------------------------------------


def test_every_rate_has_its_n(ds):
    r = rank(ds, "refused_rate").set_index("agency")
    # 嘉兴市生态环境局 concluded 7 (its printed total), 嘉兴市统计局 20, the archive nothing (0/0: null rate)
    assert r.loc["嘉兴市生态环境局", "n"] == 7 and r.loc["嘉兴市统计局", "n"] == 20
    assert r.loc["嘉兴市档案馆", "n"] == 0 and pd.isna(r.loc["嘉兴市档案馆", "value"])
    assert rank(ds, "received")["n"].isna().all()  # a count has no denominator


def test_min_n_leaves_small_denominators_out(ds):
    r = rank(ds, "refused_rate", Filters(min_n=10))
    assert set(r["agency"]) == {"嘉兴市财政局", "嘉兴市南湖区人民政府", "嘉兴市统计局"}
    assert list(r["rank"]) == [1, 2, 3]
    text = run_compare(ds, "refused_rate", Filters(min_n=10))
    assert "2 left out with n below 10 (--min-n)" in text


def test_aggregates_and_unknown_scope_are_ranked_apart(ds):
    """A report that states no scope is not ranked beside departments: its scope is inferred from the
    agency's level (a government → aggregate, a department → own) and marked so; with no level either it
    is ``unknown`` and ranked apart."""
    agencies = ds.agencies.copy()
    silent = agencies["agency"].isin(["嘉兴市人民政府", "嘉兴市档案馆"])
    agencies.loc[silent, "scope"] = np.nan
    nowhere = agencies["agency"] == "嘉兴市财政局"
    agencies.loc[nowhere, ["scope", "level"]] = np.nan
    d = dataclasses.replace(ds, agencies=agencies)
    own = rank(d, "refused_rate")
    assert "嘉兴市人民政府" not in set(own["agency"]) and "嘉兴市财政局" not in set(own["agency"])
    archive = own.set_index("agency").loc["嘉兴市档案馆"]
    assert archive["scope"] == "own" and archive["scope_basis"] == "level"
    agg = rank(d, "refused_rate", Filters(scope="aggregate")).set_index("agency")
    assert agg.loc["嘉兴市人民政府", "scope_basis"] == "level"
    assert list(rank(d, "refused_rate", Filters(scope="unknown"))["agency"]) == ["嘉兴市财政局"]
    text = run_compare(d, "refused_rate")
    assert "1 aggregate report ranked apart (--scope aggregate)" in text
    assert "1 unknown report ranked apart (--scope unknown)" in text
    assert "own (level)" in text and "nan" not in text.lower()


# -- 2. no nan anywhere ------------------------------------------------------------------------------------


def test_missing_scope_is_never_a_break_nor_printed(ds, tmp_path):
    """pandas 3 gives NaN for a missing string: it must not count as a scope, a break or a word."""
    reports = ds.reports.copy()
    agencies = ds.agencies.copy()
    stats = agencies["agency"] == "嘉兴市统计局"
    agencies.loc[stats, ["scope", "level"]] = np.nan
    agencies.loc[stats & (agencies["year"] == 2021), "template_version"] = np.nan
    d = dataclasses.replace(ds, agencies=agencies, reports=reports)
    t = trend(d, "refused_rate", Filters(agency="统计局"))
    assert len(t) == 3
    assert not any("scope" in b for b in t["break"].dropna())
    assert not any("nan" in str(b) for b in t["break"].dropna())
    for fmt in ("table", "csv"):
        out = run_compare(d, "refused_rate", Filters(agency="统计局"), fmt=fmt)
        assert out is not None and "nan" not in out.lower()
    from ogi.analysis.html_report import render

    page = render(d, "refused_rate", Filters(agency="统计局"))
    assert (
        ">nan<" not in page.lower() and "scope nan" not in page.lower() and "&lt;na&gt;" not in page.lower()
    )
    # the trend is one line, not loose dots cut apart by breaks that are not there
    assert '<polyline class="line"' in page and 'class="brk"' not in page


# -- 4. one line and a non-zero exit on every empty or wrong input ---------------------------------------


@pytest.fixture()
def places(tmp_path: Path, dataset: Path) -> dict[str, Path]:
    not_a_dataset = tmp_path / "folder"
    not_a_dataset.mkdir()
    (not_a_dataset / "notes.txt").write_text("hello", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    only_failed = tmp_path / "failed-in"
    only_failed.mkdir()
    (only_failed / "empty.txt").write_bytes(b"")
    code, out = _cli("run", str(only_failed), "--out", str(tmp_path / "failed-ds"), "-q")
    assert code == 0, out
    return {
        "not_a_dataset": not_a_dataset,
        "empty": empty,
        "only_failed": tmp_path / "failed-ds",
        "dataset": dataset,
        "tmp": tmp_path,
    }


def _one_line_failure(args: list[str]) -> str:
    code, out = _cli(*args)
    assert code != 0, (args, out)
    lines = out.strip().splitlines()
    assert len(lines) == 1, (args, out)
    assert "Traceback" not in out and lines[0].startswith("Error: ")
    return lines[0]


def test_every_command_answers_wrong_input_in_one_line(places):
    p = {k: str(v) for k, v in places.items()}
    cases = [
        ["run", p["empty"], "--out", p["tmp"] + "/o1"],
        ["run", p["tmp"] + "/no-such-folder", "--out", p["tmp"] + "/o2"],
        ["fetch"],
        ["fetch", "not-a-url"],
        ["show", "abc", "--dataset", p["not_a_dataset"]],
        ["show", "no-such-report", "--dataset", p["dataset"]],
        ["compare", p["not_a_dataset"]],
        ["compare", p["only_failed"]],
        ["compare", p["dataset"], "--metric", "refused_rat"],
        ["compare", p["dataset"], "--format", "xlsx"],
        ["compare", p["tmp"] + "/missing"],
        ["export", p["not_a_dataset"], "--format", "sqlite", "--out", p["tmp"] + "/site"],
        ["export", p["dataset"], "--out", p["tmp"] + "/what.txt"],
        ["export", p["tmp"] + "/missing", "--format", "csv", "--out", p["tmp"] + "/csv"],
        ["eval", p["not_a_dataset"], p["empty"]],
        ["eval", p["dataset"], p["empty"]],
        ["nosuchcommand"],
    ]
    messages = [_one_line_failure(c) for c in cases]
    assert "did you mean refused_rate" in messages[8]
    assert "not an ogi dataset" in messages[4] and "not an ogi dataset" in messages[6]
    assert "no counted report" in messages[7]


def test_export_of_a_dataset_without_reports_is_refused(places, tmp_path):
    from ogi.analysis.export import export
    from ogi.analysis.load import DatasetError

    shutil.copytree(places["only_failed"], tmp_path / "ds")
    pq_path = tmp_path / "ds" / "reports.parquet"
    import pyarrow.parquet as pq

    table = pq.read_table(pq_path)
    pq.write_table(table.slice(0, 0), pq_path)
    with pytest.raises(DatasetError, match="nothing to export"):
        export(tmp_path / "ds", "sqlite", tmp_path / "site")


# -- 8. the terminal ------------------------------------------------------------------------------------


def test_mistyped_metric_gets_did_you_mean():
    with pytest.raises(CompareError, match="did you mean granted_rate"):
        metric_named("granted_rat")


def test_a_filter_matching_nothing_names_the_values(dataset):
    code, out = _cli("compare", str(dataset), "--city", "湖州")
    assert code == 0 and "--city 湖州 matches nothing; the dataset has: 嘉兴市" in out
    code, out = _cli("compare", str(dataset), "--year", "1999")
    assert "--year 1999 matches nothing; the dataset has: 2020, 2021, 2022" in out


def test_out_suffix_gives_the_format(dataset, tmp_path):
    code, out = _cli("compare", str(dataset), "--out", str(tmp_path / "page.html"))
    assert code == 0, out
    assert (tmp_path / "page.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, out = _cli("export", str(dataset), "--out", str(tmp_path / "x.xlsx"))
    assert code == 0 and (tmp_path / "x.xlsx").exists()


def test_show_keeps_table_three_group_headings(dataset):
    code, out = _cli("show", "--dataset", str(dataset), "jiaxing-stats-2022.txt")
    assert code == 0, out
    lines = out.splitlines()
    heads = [
        line.strip()
        for line in lines
        if line.strip() in ("三、本年度办理结果", "（三）不予公开", "（四）无法提供")
    ]
    assert heads == ["三、本年度办理结果", "（三）不予公开", "（四）无法提供"]
    denied = next(i for i, line in enumerate(lines) if line.strip() == "（三）不予公开")
    assert lines[denied + 1].startswith("    1.属于国家秘密")  # indented under its heading
    assert any(line.rstrip().endswith("…") or "…" in line for line in lines)  # long labels cut with 「…」


def test_show_reads_a_file_not_in_the_dataset_on_the_spot(tmp_path):
    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "jiaxing-stats-2022.txt"
    result = CliRunner().invoke(main, ["show", "--dataset", str(tmp_path / "none"), str(sample)])
    assert result.exit_code == 0, result.output
    assert "嘉兴市统计局" in result.output and "read on the spot" in result.output
    assert not (tmp_path / "none").exists()  # nothing written


def test_control_characters_never_reach_the_terminal(ds):
    from ogi.analysis.show import render_rows

    report = ds.reports.iloc[0].to_dict()
    report["title"] = "报告\x1b]0;pwned\x07\x1b[31m红"
    text = render_rows(report, [], [])
    assert "\x1b" not in text and "\x07" not in text and "\\x1b" in text
    agencies = ds.agencies.copy()
    agencies["agency"] = (
        agencies["agency"].astype(object).map(lambda a: a if a != "嘉兴市统计局" else "统计\x1b[2J局")
    )
    out = run_compare(dataclasses.replace(ds, agencies=agencies), "refused_rate")
    assert out is not None and "\x1b" not in out and "统计\\x1b[2J局" in out
