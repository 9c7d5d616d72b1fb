"""``ogi eval``: pairing by stem, the counts, the text and JSON output, bad inputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ogi.analysis.evaluate import (
    EvalError,
    evaluate,
    evaluate_rows,
    load_expected,
    render,
    score_report,
    source_stem,
)
from ogi.cli import main
from ogi.run.options import RunOptions
from ogi.run.pipeline import run

CORPUS = Path(__file__).parent / "corpus"
JIAXING = "jiaxing-stats-2022"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset over the jiaxing report (the one format every installation reads)."""
    root = tmp_path_factory.mktemp("eval")
    src = root / "in" / f"{JIAXING}.txt"
    src.parent.mkdir()
    shutil.copy(CORPUS / f"{JIAXING}.txt", src)
    run([str(src)], RunOptions(out=root / "out"))
    return root / "out"


def _expected_dir(tmp_path: Path, edit: dict | None = None) -> Path:
    folder = tmp_path / "expected"
    folder.mkdir(exist_ok=True)
    data = json.loads((CORPUS / f"{JIAXING}.json").read_text(encoding="utf-8"))
    for key, value in (edit or {}).items():
        if key == "cells":
            data["cells"].update(value)
        else:
            data[key] = value
    (folder / f"{JIAXING}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def test_source_stem_of_paths_and_urls() -> None:
    assert source_stem("/data/reports/huaian-city-2024.pdf") == "huaian-city-2024"
    assert source_stem("https://www.example.gov.cn/zwgk/2022/t20220208_80613.htm") == "t20220208_80613"
    assert source_stem("https://example.gov.cn/a/%E5%B9%B4%E6%8A%A5.pdf?x=1#p2") == "年报"
    assert source_stem("https://example.gov.cn/a/report/") == "report"


def test_all_right(dataset: Path, tmp_path: Path) -> None:
    ev = evaluate(dataset, _expected_dir(tmp_path))
    assert len(ev.reports) == 1
    t = ev.by_format["text_tab"]
    assert (t.reports, t.cells, t.right, t.wrong, t.missing, t.extra, t.blank_as_value) == (
        1,
        200,
        200,
        0,
        0,
        0,
        0,
    )
    assert (t.fully_right, t.template_right, t.year_right, t.checks_right) == (1, 1, 1, 1)
    assert ev.overall.accuracy == 1.0
    assert ev.unpaired_expected == []


def test_a_deliberately_wrong_cell_is_reported_with_both_values(dataset: Path, tmp_path: Path) -> None:
    folder = _expected_dir(
        tmp_path, {"cells": {"t2.art20_6.admin_penalty.decisions": 31}, "year": 2021, "scope": "aggregate"}
    )
    ev = evaluate(dataset, folder)
    score = ev.reports[0]
    assert score.right == 199 and len(score.wrong) == 1
    wrong = score.wrong[0]
    assert (wrong.cell, wrong.expected, wrong.got, wrong.raw) == (
        "t2.art20_6.admin_penalty.decisions",
        31,
        13,
        "13",
    )
    assert score.year_right is False and score.template_right is True and score.scope_right is False
    assert not score.fully_right
    assert ev.overall.fully_right == 0
    text = render(ev)
    assert "t2.art20_6.admin_penalty.decisions: expected 31, got 13 (raw '13')" in text
    assert "year                expected 2021, got 2022" in text


def test_missing_cells_blank_read_as_value_and_extra(dataset: Path, tmp_path: Path) -> None:
    data = json.loads((CORPUS / f"{JIAXING}.json").read_text(encoding="utf-8"))
    # The source prints 0 where this file says blank: a blank read as a value.
    del data["cells"]["t3.carried_over.total"]
    data["blank"].append("t3.carried_over.total")
    # A cell ogi does not have: missing. A cell ogi has that the file does not list: extra.
    data["cells"]["t3.legal_person_subtotal_row.total"] = 1
    del data["cells"]["t4.review.total"]
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / f"{JIAXING}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    ev = evaluate(dataset, folder)
    s = ev.reports[0]
    assert [i.cell for i in s.blank_as_value] == ["t3.carried_over.total"]
    assert s.blank_as_value[0].got == 0
    assert [i.cell for i in s.missing] == ["t3.legal_person_subtotal_row.total"]
    assert [i.cell for i in s.extra] == ["t4.review.total"]
    assert s.right == 198


def test_source_inconsistent_checks_are_compared(dataset: Path, tmp_path: Path) -> None:
    folder = _expected_dir(tmp_path, {"source_inconsistent": ["T3-BAL total: the source does not add up"]})
    s = evaluate(dataset, folder).reports[0]
    assert s.checks_right is False
    assert s.expected_failures_passing == ["T3-BAL total"]


def test_ambiguous_cells_and_statuses() -> None:
    exp_path = CORPUS / "pingtan-2021-crawled.json"
    exp = load_expected(exp_path)
    key = "t2.art20_1.normative_docs.issued"
    report = {
        "source": "/x/pingtan-2021-crawled.txt",
        "report_id": "r",
        "format": "text_glued",
        "status": "partial",
    }
    cands = json.dumps({"candidates": [6936, 693, 69, 6]})
    good = [{"cell": key, "status": "ambiguous", "value": None, "raw": "693665", "locator": cands}]
    s = score_report(exp, report, good)
    assert s.right == 1 and key not in [i.cell for i in s.wrong]
    guessed = [{"cell": key, "status": "recovered", "value": 69.0, "raw": "69", "locator": "{}"}]
    s = score_report(exp, report, guessed)
    assert [(i.cell, i.got) for i in s.wrong] == [(key, 69)]
    other = [
        {"cell": key, "status": "ambiguous", "value": None, "raw": "", "locator": '{"candidates": [6, 69]}'}
    ]
    s = score_report(exp, report, other)
    assert s.wrong[0].got == {"ambiguous": [6.0, 69.0]}
    recovered = [
        {
            "cell": "t3.granted.natural_person",
            "status": "recovered",
            "value": 27.0,
            "raw": "27",
            "locator": "{}",
        }
    ]
    assert score_report(exp, report, recovered).right == 1


def test_pairs_by_stem_of_urls_and_lists_unpaired() -> None:
    exp = {"t20220208_80613": load_expected(CORPUS / "pingtan-2021-crawled.json")}
    exp["t20220208_80613"].stem = "t20220208_80613"
    reports = [
        {
            "source": "https://www.pingtan.gov.cn/zfxxgknb/202202/t20220208_80613.htm",
            "report_id": "a",
            "format": "html",
        },
        {"source": "/elsewhere/other.pdf", "report_id": "b", "format": "pdf"},
    ]
    ev = evaluate_rows(exp, reports, [], [])
    assert [r.report_id for r in ev.reports] == ["a"]
    assert ev.by_format["html"].missing == 200
    ev = evaluate_rows({"nothing-here": exp["t20220208_80613"]}, reports, [], [])
    assert ev.reports == [] and ev.unpaired_expected == ["nothing-here"]
    assert "No report of the dataset pairs" in render(ev)


def test_cli_text_and_json(dataset: Path, tmp_path: Path) -> None:
    folder = _expected_dir(tmp_path, {"cells": {"t3.granted.total": 21}})
    runner = CliRunner()
    res = runner.invoke(main, ["eval", str(dataset), str(folder)])
    assert res.exit_code == 0, res.output
    assert "text_tab" in res.output and "overall" in res.output
    assert "wrong               t3.granted.total: expected 21, got 20" in res.output
    res = runner.invoke(main, ["eval", str(dataset), str(folder), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["overall"]["wrong"] == 1 and out["overall"]["right"] == 199
    assert out["by_format"]["text_tab"]["cells"] == 200
    assert out["reports"][0]["wrong"] == [
        {"cell": "t3.granted.total", "expected": 21, "got": 20, "status": "value", "raw": "20"}
    ]


def test_cli_usage_errors(dataset: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    empty = tmp_path / "empty"
    empty.mkdir()
    res = runner.invoke(main, ["eval", str(dataset), str(empty)])
    assert res.exit_code == 2 and "no expected-values files" in res.output
    res = runner.invoke(main, ["eval", str(empty), str(CORPUS)])
    assert res.exit_code == 2 and "not an ogi dataset" in res.output
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.json").write_text('{"cells": {"t3.granted.total": "many"}}', encoding="utf-8")
    res = runner.invoke(main, ["eval", str(dataset), str(bad)])
    assert res.exit_code == 2 and "is not a number" in res.output
    (bad / "a.json").write_text('{"cells": {"t3.granted.total": 1}, "blank": ["t3.granted.total"]}')
    with pytest.raises(EvalError, match="both cells and blank"):
        load_expected(bad / "a.json")


def test_sources_sharing_a_stem_pair_with_the_file_the_expected_values_name() -> None:
    exp = {"r": load_expected(CORPUS / "pingtan-2021-crawled.json")}
    exp["r"].stem, exp["r"].file = "r", "r.pdf"
    reports = [
        {"source": "/a/r.pdf", "report_id": "a", "format": "pdf"},
        {"source": "/a/r.json", "report_id": "b", "format": "text_plain"},
    ]
    assert [s.report_id for s in evaluate_rows(exp, reports, [], []).reports] == ["a"]
    exp["r"].file = "other.txt"  # none is the named file: every source with the stem is scored
    assert sorted(s.report_id for s in evaluate_rows(exp, reports, [], []).reports) == ["a", "b"]


def test_ambiguous_candidates_compare_as_sets() -> None:
    exp = load_expected(CORPUS / "pingtan-2021-crawled.json")
    key = "t2.art20_1.normative_docs.repealed"
    report = {"source": "/x/pingtan-2021-crawled.txt", "report_id": "r", "format": "text_glued"}
    # One candidate per split of 「693665」: 6 appears in two of the ten splits.
    per_split = [9, 93, 936, 9366, 3, 36, 366, 6, 66, 6]
    cell = {
        "cell": key,
        "status": "ambiguous",
        "value": None,
        "raw": "693665",
        "locator": json.dumps({"candidates": per_split}),
    }
    assert score_report(exp, report, [cell]).right == 1
