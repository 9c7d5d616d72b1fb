"""Real pre-2019 reports (平潭 2011–2013) against expected values written by hand (issue 17).

The expected files in ``tests/corpus/pre2019/`` follow output-contract §7 with ``pre.*`` keys and two
additions: ``form`` (the statistics form the report prints, null without one), ``units`` (cells whose
printed unit differs from the form's) and ``ambiguous_alone`` (cells the file alone leaves ambiguous, with
their candidates, that the agency's neighbouring reports decide: their values are in ``cells``). Every cell is asserted: its value and a read status (``value`` where
the source printed the boundaries, ``recovered`` where glued digits were split), the ambiguous cells with
exactly their candidates, and nothing read that the file does not list. Then the whole folder goes through
``ogi run`` and ``ogi eval``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ogi.analysis.evaluate import evaluate
from ogi.dataset.rows import ReportRows
from ogi.run.options import RunOptions
from ogi.run.pipeline import run
from ogi.run.source import extraction_options, read_source
from ogi.schema.pre2019 import forms

CORPUS = Path(__file__).parent / "corpus" / "pre2019"
EXPECTED = sorted(CORPUS.glob("*.json"))


def _read(exp: dict[str, Any]) -> ReportRows:
    src = CORPUS / exp["file"]
    return read_source(str(src), src.read_bytes(), extraction_options(), name=src.name)


@pytest.mark.parametrize("path", EXPECTED, ids=[p.stem for p in EXPECTED])
def test_pre2019_report_reads_as_written_by_hand(path: Path) -> None:
    exp = json.loads(path.read_text(encoding="utf-8"))
    rows = _read(exp)
    report = rows.report
    assert report["template_version"] == "pre2019"
    assert report["form"] == exp["form"]
    assert report["year"] == exp["year"]
    assert report["agency"] == exp["agency"]
    got = {c["cell"]: c for c in rows.cells}
    alone = exp.get("ambiguous_alone", {})
    for key, cands in alone.items():
        assert got[key]["status"] == "ambiguous", (key, got[key])
        assert json.loads(got[key]["locator"])["candidates"] == sorted(cands), key
        assert exp["cells"][key] in cands
    for key, value in exp["cells"].items():
        if key in alone:
            continue
        assert key in got, f"{key} not read"
        assert got[key]["status"] in {"value", "recovered"}, (key, got[key])
        assert got[key]["value"] == value, (key, got[key]["value"], value)
    for key, cands in exp["ambiguous"].items():
        assert got[key]["status"] == "ambiguous", (key, got[key])
        assert json.loads(got[key]["locator"])["candidates"] == sorted(cands), key
    assert set(got) == set(exp["cells"]) | set(exp["ambiguous"]) | set(exp["blank"])
    if exp["form"] is not None:
        form = forms()[exp["form"]]
        for key, c in got.items():
            indicator = c["row_key"]
            assert c["unit"] == exp["units"].get(indicator, form.row(indicator).unit), key
        assert report["status"] == ("partial" if exp["ambiguous"] or alone else "ok")
    else:
        # prose: the locator points at the sentence the number was read from
        for key in exp["cells"]:
            loc = json.loads(got[key]["locator"])
            assert got[key]["raw"] in loc["sentence"].replace(" ", "")
        assert report["status"] == "partial"
    # the soft PRE-* rules ran, and none is hard
    assert all(c["severity"] == "soft" for c in rows.checks)
    if exp["form"] is not None:
        assert {c["rule"] for c in rows.checks} >= {"PRE-PROACTIVE", "PRE-REQ", "PRE-REPLY"}


def test_pre2019_corpus_end_to_end_eval(tmp_path: Path) -> None:
    """A run over the whole corpus decides the county's glued proactive rows by PRE-CARRY; ogi eval agrees
    with every hand-written value; a second run (nothing re-read) gives the same cells."""
    src = tmp_path / "in"
    src.mkdir()
    for path in EXPECTED:
        name = json.loads(path.read_text(encoding="utf-8"))["file"]
        (src / name).write_bytes((CORPUS / name).read_bytes())
    out = tmp_path / "out"
    run([str(src)], RunOptions(out=out, cache=tmp_path / "cache", jobs=1))
    ev = evaluate(out, CORPUS)
    assert ev.overall.reports == len(EXPECTED)
    assert ev.overall.wrong == 0 and ev.overall.missing == 0 and ev.overall.extra == 0
    assert ev.overall.right == ev.overall.cells
    assert ev.overall.template_right == len(EXPECTED)
    cells = pd.read_parquet(out / "cells.parquet")
    carried = cells[cells["locator"].str.contains('"rule":"PRE-CARRY"')]
    assert set(carried["cell"]) == {
        "pre.proactive_total",
        "pre.proactive_total.cumulative",
        "pre.proactive_via_website",
        "pre.proactive_via_website.cumulative",
    }
    assert sorted(carried["year"].unique()) == [2012, 2013]
    reports = pd.read_parquet(out / "reports.parquet")
    county = reports[reports["source"].str.contains("county")]
    assert set(county["status"]) == {"ok"}
    run([str(src)], RunOptions(out=out, cache=tmp_path / "cache", jobs=1))
    again = pd.read_parquet(out / "cells.parquet")
    key = ["report_id", "cell"]
    pd.testing.assert_frame_equal(
        cells.sort_values(key).reset_index(drop=True), again.sort_values(key).reset_index(drop=True)
    )


def test_hand_corrections_of_a_pre2019_report_keep_its_checks_and_status(tmp_path: Path) -> None:
    name = "pingtan-syq-2013-crawled.txt"
    src = tmp_path / "in"
    src.mkdir()
    (src / name).write_bytes((CORPUS / name).read_bytes())
    fix = tmp_path / "fix.csv"
    fix.write_text(
        "source,cell,value,reason,by\n"
        f"{src / name},pre.proactive_via_gazette,0,the 0 is the year's (read on the page),test\n"
        f"{src / name},pre.proactive_via_gazette.cumulative,,printed empty,test\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run([str(src)], RunOptions(out=out, cache=tmp_path / "cache", jobs=1, corrections=fix))
    reports = pd.read_parquet(out / "reports.parquet")
    assert list(reports["status"]) == ["ok"] and list(reports["form"]) == ["fj_local"]
    checks = pd.read_parquet(out / "checks.parquet")
    proactive = checks[checks["rule"] == "PRE-PROACTIVE"].set_index("target")["outcome"].to_dict()
    # the year's column adds up; a cell set to null by hand makes the cumulative one not assessable (§4)
    assert proactive == {"year": "pass", "cumulative": "not_assessable"}
