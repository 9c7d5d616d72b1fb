"""``ogi leads``: candidate stories with their evidence and the command that shows each (issue 16,
beyond the peers). Expected leads worked out from ``analysis_dataset.py``'s specs."""

from __future__ import annotations

import dataclasses

from click.testing import CliRunner

from ogi.analysis.leads import Thresholds, leads
from ogi.cli import main


def test_a_report_that_does_not_add_up_names_the_likely_culprit(ds):
    found = leads(ds)
    first = found.iloc[0]
    assert (first["kind"], first["agency"], first["year"]) == ("does_not_add_up", "嘉兴市生态环境局", 2022)
    # （七）总计 printed 7 where the rows add up to 6: the three failing checks all involve it
    assert "3 of them share t3.results_total.total: the likely culprit" in first["evidence"]
    assert first["command"].startswith("ogi show --dataset ") and first["command"].endswith("env-2022.txt")


def test_carry_over_that_does_not_carry(ds):
    found = leads(ds)
    carry = found[found["kind"] == "carry_over"]
    assert list(carry["agency"]) == ["嘉兴市统计局"] and list(carry["year"]) == [2022]
    assert "against 嘉兴市统计局 2021" in carry.iloc[0]["evidence"]


def test_steep_changes_respect_n_and_the_threshold(ds):
    assert not (leads(ds)["kind"] == "steep_change").any()  # nothing moved 20 pp with n ≥ 10
    loose = leads(ds, Thresholds(rate_points=5, min_n=5))
    steep = loose[loose["kind"] == "steep_change"].set_index("agency")
    assert "0.0% (n=5) → 16.7% (n=12)" in steep.loc["嘉兴市财政局", "evidence"]
    assert steep.loc["嘉兴市财政局", "command"].endswith("--metric refused_rate")
    strict = leads(ds, Thresholds(rate_points=5, min_n=6))  # 2021's n = 5 is too small now
    assert "嘉兴市财政局" not in set(strict[strict["kind"] == "steep_change"]["agency"])


def test_an_agency_that_stopped_publishing(ds):
    agencies = ds.agencies.copy()
    archive_2022 = (agencies["agency"] == "嘉兴市统计局") & (agencies["year"] == 2022)
    agencies.loc[archive_2022, "canonical"] = False
    found = leads(dataclasses.replace(ds, agencies=agencies))
    stopped = found[found["kind"] == "stopped_publishing"]
    assert list(stopped["agency"]) == ["嘉兴市统计局"]
    assert stopped.iloc[0]["evidence"] == "reports up to 2021, none for 2022–2022 in this dataset"


def test_cli(dataset, tmp_path):
    res = CliRunner().invoke(main, ["leads", str(dataset)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "2 leads, strongest first:"
    assert lines[2] == "1. [does_not_add_up] 嘉兴市生态环境局 2022"
    assert lines[4].startswith("   → ogi show --dataset")
    res = CliRunner().invoke(main, ["leads", str(dataset), "--out", str(tmp_path / "leads.csv")])
    assert res.exit_code == 0 and (tmp_path / "leads.csv").read_text(encoding="utf-8").startswith("rank,kind")
    res = CliRunner().invoke(main, ["leads", str(tmp_path)])
    assert res.exit_code != 0 and len(res.output.strip().splitlines()) == 1


def test_silence_is_judged_against_the_agencys_own_province(ds):
    """A dataset mixing places: an agency whose province has no later report is not 'silent'."""
    agencies = ds.agencies.copy()
    stats = agencies["agency"] == "嘉兴市统计局"
    agencies.loc[stats & (agencies["year"] == 2022), "canonical"] = False
    agencies["province"] = agencies["province"].astype(object)
    agencies.loc[stats, "province"] = "江苏省"
    found = leads(dataclasses.replace(ds, agencies=agencies))
    assert not (found["kind"] == "stopped_publishing").any()
