"""One agency across 2011–2025 with `ogi compare --agency` (issue 17): the real 平潭县 2011–2013 reports, the
Fujian form generated for 2014–2018 and the national template generated for 2019–2025, end to end."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ogi.analysis.compare import Filters, trend
from ogi.analysis.load import load
from ogi.cli import main
from ogi.run.options import RunOptions
from ogi.run.pipeline import run
from tests.generators import pre2019 as pre_gen
from tests.generators import text_tab
from tests.generators.report import generate

CORPUS = Path(__file__).parent / "corpus" / "pre2019"
AGENCY = "平潭县人民政府"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("panel")
    src = root / "in"
    src.mkdir()
    for year in (2011, 2012, 2013):
        name = f"pingtan-county-{year}-crawled.txt"
        (src / name).write_bytes((CORPUS / name).read_bytes())
    for year in range(2014, 2019):
        rep = dataclasses.replace(pre_gen.generate(year * 7, year), agency=AGENCY)
        (src / f"pre-{year}.html").write_bytes(pre_gen.render_html(rep))
    for year in range(2019, 2026):
        rep = generate(year, "2019" if year < 2021 else "2021", variants=[])
        rep = dataclasses.replace(rep, agency=AGENCY, year=year)
        data, _expected = text_tab.render(rep, f"t-{year}")
        (src / f"t-{year}.txt").write_bytes(data)
    out = root / "out"
    run([str(src)], RunOptions(out=out, cache=root / "cache", jobs=1))
    return out


def test_trend_over_2011_to_2025_has_one_row_per_year_and_a_break_at_2019(dataset: Path) -> None:
    reports = pd.read_parquet(dataset / "reports.parquet")
    assert set(reports["status"]) <= {"ok", "partial"}, reports[["source", "status", "error"]]
    df = trend(load(dataset), "new_received", Filters(agency="平潭县"))
    assert list(df["year"]) == list(range(2011, 2026))
    assert list(df["template_version"][:8]) == ["pre2019"] * 8
    # the real reports' 受理依申请公开信息总数 (2012: 21 glued as 2121, 2013: 7 from 728)
    assert list(df["value"][:3]) == [0, 21, 7]
    assert df["value"].notna().all()
    at_2019 = df[df["year"] == 2019].iloc[0]
    assert "pre2019→2019" in at_2019["break"] and pd.isna(at_2019["change"])
    assert df[df["year"] == 2013].iloc[0]["change"] == -14
    assert pd.isna(df[df["year"] == 2014].iloc[0]["break"])
    assert "template 2019→2021" in df[df["year"] == 2021].iloc[0]["break"]


def test_compare_agency_command_prints_the_panel(dataset: Path) -> None:
    result = CliRunner().invoke(
        main, ["compare", str(dataset), "--agency", "平潭县", "--metric", "refused_rate"]
    )
    assert result.exit_code == 0, result.output
    assert "2011" in result.output and "2025" in result.output
    assert "pre2019→2019" in result.output
