"""Hand corrections (output-contract.md §5): ``ogi run … --corrections FILE``."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import ogi.run.source
from ogi.analysis.show import render
from ogi.cli import main
from ogi.dataset.corrections import CorrectionsError, read_corrections
from ogi.run.options import RunOptions
from ogi.run.pipeline import run

CORPUS = Path(__file__).parent / "corpus"
FIELDS = ["source", "report_id", "cell", "value", "reason", "by"]


@pytest.fixture
def src(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "jiaxing-stats-2022.txt"
    path.parent.mkdir()
    shutil.copy(CORPUS / "jiaxing-stats-2022.txt", path)
    return path


def _write(path: Path, rows: list[dict[str, Any]], fields: list[str] = FIELDS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in fields})
    return path


def _run(src: Path, out: Path, corrections: Path | None = None, force: bool = False):
    return run([str(src)], RunOptions(out=out, corrections=corrections, force=force))


def _rows(out: Path, table: str) -> list[dict[str, Any]]:
    return pq.read_table(out / f"{table}.parquet").to_pylist()


def _cells(out: Path) -> dict[str, dict[str, Any]]:
    return {r["cell"]: r for r in _rows(out, "cells")}


def _checks(out: Path) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["rule"], r["target"]): r for r in _rows(out, "checks")}


def _report(out: Path) -> dict[str, Any]:
    return _rows(out, "reports")[0]


PENALTY = "t2.art20_6.admin_penalty.decisions"
GRANTED = "t3.granted.natural_person"


def test_a_correction_changes_exactly_the_named_cells(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(src, out)
    before = _cells(out)
    fix = _write(
        tmp_path / "fix.csv",
        [
            {"source": str(src), "cell": PENALTY, "value": "31", "reason": "page 2 prints 31", "by": "lw"},
            {"source": str(src), "cell": GRANTED, "value": "21", "reason": "typo in the source", "by": "ab"},
        ],
    )
    summary = _run(src, out, fix)
    assert summary.read == 0 and summary.skipped == 1  # nothing re-read
    after = _cells(out)
    assert set(after) == set(before)
    changed = {
        k
        for k in after
        if any(after[k][c] != before[k][c] for c in ("value", "status", "locator", "raw", "unit"))
    }
    assert changed == {PENALTY, GRANTED}
    cell = after[PENALTY]
    assert (cell["value"], cell["status"], cell["raw"]) == (31.0, "manual", "13")
    loc = json.loads(cell["locator"])
    assert loc["by"] == "lw" and loc["reason"] == "page 2 prints 31" and loc["corrected_from"] == 13
    assert loc["line"] == json.loads(before[PENALTY]["locator"])["line"]  # where it was read stays
    # The checks are recomputed: 21 natural persons granted breaks the row and the column.
    checks = _checks(out)
    assert checks[("T3-ROW", "granted")]["outcome"] == "fail"
    assert checks[("T3-OUT", "natural_person")]["outcome"] == "fail"
    assert checks[("T3-BAL", "natural_person")]["outcome"] == "pass"
    report = _report(out)
    failed = sum(1 for c in checks.values() if c["severity"] == "hard" and c["outcome"] == "fail")
    assert report["n_checks_failed"] == failed == 2
    assert report["status"] == "ok" and report["n_cells"] == 200


def test_corrections_survive_a_second_run_without_rereading(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    fix = _write(
        tmp_path / "fix.csv", [{"source": str(src), "cell": PENALTY, "value": "31", "reason": "r", "by": "b"}]
    )
    _run(src, out, fix)
    first = _cells(out)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the source was read again")

    monkeypatch.setattr(ogi.run.source, "read_source", no_reading)
    summary = _run(src, out, fix)
    assert summary.skipped == 1 and summary.read == 0
    second = _cells(out)
    assert second[PENALTY]["status"] == "manual" and second[PENALTY]["value"] == 31.0
    assert {k: (v["value"], v["status"], v["locator"]) for k, v in first.items()} == {
        k: (v["value"], v["status"], v["locator"]) for k, v in second.items()
    }
    monkeypatch.undo()
    # Re-reading the source (--force) keeps the correction too.
    _run(src, out, fix, force=True)
    assert _cells(out)[PENALTY]["status"] == "manual"


def test_removing_a_line_restores_the_extracted_value(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(src, out)
    original = _cells(out)
    orig_checks = _checks(out)
    both = [
        {"source": str(src), "cell": PENALTY, "value": "31", "reason": "r", "by": "b"},
        {"source": str(src), "cell": GRANTED, "value": "21", "reason": "r", "by": "b"},
    ]
    _run(src, out, _write(tmp_path / "fix.csv", both))
    _run(src, out, _write(tmp_path / "fix.csv", both[:1]))
    cells = _cells(out)
    assert cells[GRANTED]["status"] == "value" and cells[GRANTED]["value"] == 20.0
    assert cells[GRANTED]["locator"] == original[GRANTED]["locator"]
    assert cells[PENALTY]["status"] == "manual"
    assert _checks(out)[("T3-ROW", "granted")]["outcome"] == "pass"
    # A run without --corrections keeps the ones the dataset was built with (DIR/corrections.csv) …
    summary = _run(src, out)
    assert summary.corrections_kept and summary.corrections_applied == 1
    assert _cells(out)[PENALTY]["status"] == "manual"
    # … and only --drop-corrections undoes them: the dataset is as extracted.
    summary = run([str(src)], RunOptions(out=out, drop_corrections=True))
    assert summary.corrections_dropped and not (out / "corrections.csv").exists()
    assert _cells(out) == original
    assert {k: v["outcome"] for k, v in _checks(out).items()} == {
        k: v["outcome"] for k, v in orig_checks.items()
    }
    assert _report(out)["n_checks_failed"] == 0


def test_a_correction_for_a_missing_cell_inserts_it(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(src, out)
    key = "t3.granted.legal_person_subtotal"
    assert key not in _cells(out)
    rid = _report(out)["report_id"]
    fix = _write(
        tmp_path / "fix.csv", [{"report_id": rid, "cell": key, "value": "0", "reason": "added", "by": "me"}]
    )
    _run(src, out, fix)
    cells = _cells(out)
    cell = cells[key]
    assert (cell["value"], cell["status"], cell["raw"], cell["table"], cell["row_key"], cell["col_key"]) == (
        0.0,
        "manual",
        None,
        "t3",
        "granted",
        "legal_person_subtotal",
    )
    assert (cell["year"], cell["agency"]) == (2022, "嘉兴市统计局")
    assert json.loads(cell["locator"]) == {"by": "me", "corrected_from": None, "reason": "added"}
    assert _report(out)["n_cells"] == 201
    assert _checks(out)[("T3-ROW-SUB", "granted")]["outcome"] == "pass"
    run([str(src)], RunOptions(out=out, drop_corrections=True))
    assert key not in _cells(out) and _report(out)["n_cells"] == 200


def test_a_correction_resolves_an_ambiguous_cell_and_the_status(tmp_path: Path) -> None:
    text = (CORPUS / "jiaxing-stats-2022.txt").read_text(encoding="utf-8")
    assert "\t行政处罚\n\t13\n" in text
    path = tmp_path / "in" / "unclear.txt"
    path.parent.mkdir()
    path.write_text(text.replace("\t行政处罚\n\t13\n", "\t行政处罚\n\t13（约）\n"), encoding="utf-8")
    out = tmp_path / "out"
    _run(path, out)
    assert _cells(out)[PENALTY]["status"] == "ambiguous"
    assert _report(out)["status"] == "partial"
    fix = _write(
        tmp_path / "fix.csv",
        [{"source": str(path), "cell": PENALTY, "value": "13", "reason": "r", "by": "b"}],
    )
    _run(path, out, fix)
    report = _report(out)
    assert (report["status"], report["error"]) == ("ok", None)
    cell = _cells(out)[PENALTY]
    assert cell["raw"] == "13（约）" and json.loads(cell["locator"])["corrected_from"] is None


def test_an_empty_value_means_null_and_is_not_counted_as_zero(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    fix = _write(
        tmp_path / "fix.csv",
        [{"source": str(src), "cell": GRANTED, "value": "", "reason": "unreadable", "by": "b"}],
    )
    _run(src, out, fix)
    cell = _cells(out)[GRANTED]
    assert cell["value"] is None and cell["status"] == "manual" and cell["raw"] == "20"
    checks = _checks(out)
    # A cell a person declared unknown cannot be counted as 0.
    assert checks[("T3-ROW", "granted")]["outcome"] == "not_assessable"
    assert checks[("T3-OUT", "natural_person")]["outcome"] == "not_assessable"
    assert checks[("T3-BAL", "natural_person")]["outcome"] == "pass"


def test_the_correction_shows_in_ogi_show(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    fix = _write(
        tmp_path / "fix.csv",
        [{"source": str(src), "cell": GRANTED, "value": "21", "reason": "typo", "by": "lw"}],
    )
    _run(src, out, fix)
    text = render(out, str(src))
    assert "（一）予以公开" in text and "21!" in text
    assert f"{GRANTED}  manual  value=21  raw='20'" in text
    assert '"by": "lw"' in text and '"reason": "typo"' in text and '"corrected_from": 20' in text
    assert "FAIL T3-ROW (hard) granted" in text
    res = CliRunner().invoke(main, ["show", "--dataset", str(out), str(src)])
    assert res.exit_code == 0 and "21!" in res.output


@pytest.mark.parametrize(
    ("rows", "fields", "message"),
    [
        ([{"cell": PENALTY, "value": "1"}], ["cell", "value"], "needs the columns"),
        ([{"source": "x.txt", "cell": "t3.no_such_row.total", "value": "1"}], FIELDS, "unknown cell key"),
        ([{"source": "x.txt", "cell": PENALTY, "value": "thirteen"}], FIELDS, "is not a number"),
        ([{"cell": PENALTY, "value": "1"}], FIELDS, "needs a source or a report_id"),
    ],
)
def test_a_bad_corrections_file_is_a_clear_usage_error(
    src: Path, tmp_path: Path, rows: list[dict[str, Any]], fields: list[str], message: str
) -> None:
    fix = _write(tmp_path / "fix.csv", rows, fields)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(src), "--out", str(out), "--corrections", str(fix), "-q"])
    assert res.exit_code == 2, res.output
    assert message in res.output and "fix.csv" in res.output
    if message != "needs the columns":
        assert "fix.csv:2" in res.output  # the line that is wrong
    # The file is checked before anything is read: no dataset was started.
    assert not (out / "reports.parquet").exists() and not (out / "ogi.duckdb").exists()


def test_a_missing_corrections_file_is_a_usage_error(src: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main, ["run", str(src), "--out", str(tmp_path / "o"), "--corrections", str(tmp_path / "no.csv")]
    )
    assert res.exit_code == 2 and "no.csv" in res.output


def test_cli_run_with_corrections(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    fix = _write(
        tmp_path / "fix.csv", [{"source": str(src), "cell": PENALTY, "value": "31", "reason": "r", "by": "b"}]
    )
    res = CliRunner().invoke(main, ["run", str(src), "--out", str(out), "--corrections", str(fix), "-q"])
    assert res.exit_code == 0, res.output
    assert _cells(out)[PENALTY]["value"] == 31.0


def test_a_correction_for_a_report_not_in_the_dataset_is_skipped(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    fix = _write(
        tmp_path / "fix.csv",
        [
            {
                "source": str(tmp_path / "elsewhere.txt"),
                "cell": PENALTY,
                "value": "1",
                "reason": "r",
                "by": "b",
            },
            {"report_id": "0123456789abcdef", "cell": PENALTY, "value": "1", "reason": "r", "by": "b"},
        ],
    )
    summary = _run(src, out, fix)
    assert _cells(out)[PENALTY]["status"] == "value"
    # … but reported, with its line, not skipped in silence
    assert [c.line for c in summary.corrections_unmatched] == [2, 3]
    res = CliRunner().invoke(main, ["run", str(src), "--out", str(out), "--corrections", str(fix), "-q"])
    assert res.exit_code == 0, res.output
    assert "correction line 2 matches no report" in res.output
    assert "correction line 3 matches no report: 0123456789abcdef" in res.output


def test_the_dataset_remembers_its_corrections(src: Path, tmp_path: Path) -> None:
    """A later run without --corrections never reverts a hand fix silently: the dataset keeps the file it
    was built with, says so, and drops it only on request."""
    out = tmp_path / "out"
    fix = _write(
        tmp_path / "fix.csv", [{"source": str(src), "cell": PENALTY, "value": "31", "reason": "r", "by": "b"}]
    )
    runner = CliRunner()
    res = runner.invoke(main, ["run", str(src), "--out", str(out), "--corrections", str(fix), "-q"])
    assert res.exit_code == 0, res.output
    assert (out / "corrections.csv").read_bytes() == fix.read_bytes()
    fix.unlink()  # the reporter's own copy is gone: the dataset still has it
    res = runner.invoke(main, ["run", str(src), "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert "hand corrections: 1 applied, kept from an earlier run" in res.output
    assert "--drop-corrections removes them" in res.output
    assert _cells(out)[PENALTY]["value"] == 31.0
    res = runner.invoke(
        main,
        [
            "run",
            str(src),
            "--out",
            str(out),
            "--corrections",
            str(out / "corrections.csv"),
            "--drop-corrections",
        ],
    )
    assert res.exit_code == 2 and "contradict" in res.output
    res = runner.invoke(main, ["run", str(src), "--out", str(out), "-q", "--drop-corrections"])
    assert res.exit_code == 0 and "dropped" in res.output
    assert _cells(out)[PENALTY]["status"] == "value"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source,cell,reason,by\nx.txt,t3.granted.total,r,b\n", "fix.csv:1: needs the columns"),
        (f"source,cell,value,reason,by\nx.txt,{PENALTY},3\n", "fix.csv:2: a short row (3 fields"),
        (f"source,cell,value,reason,by\nx.txt,{PENALTY},3,r,b\nx.txt,{PENALTY}\n", "fix.csv:3: a short row"),
        (f"source,cell,value,reason,by\nx.txt,{PENALTY},3,r,b,extra\n", "fix.csv:2: a long row"),
    ],
)
def test_no_value_column_or_a_short_row_is_rejected(
    src: Path, tmp_path: Path, text: str, message: str
) -> None:
    """Issue 15 item 16: such a file used to set the cell to null in silence."""
    fix = tmp_path / "fix.csv"
    fix.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(src), "--out", str(tmp_path / "o"), "--corrections", str(fix)])
    assert res.exit_code == 2 and message in res.output, res.output
    assert len(res.output.strip().splitlines()) == 1


@pytest.mark.parametrize("drop_heading", [False, True])
def test_recomputed_checks_are_the_same_checks(tmp_path: Path, drop_heading: bool) -> None:
    """After a correction the report has the same checks as when it was read (prose checks included,
    also when the report prints no 一、总体情况 heading and the prose is read from the whole text)."""
    text = (CORPUS / "jiaxing-stats-2022.txt").read_text(encoding="utf-8")
    if drop_heading:
        text = text.replace("\n一、总体情况\n", "\n")
    path = tmp_path / "in" / "r.txt"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    _run(path, out)
    before = _checks(out)
    assert before[("TXT-T3", "t3.new_received.total")]["outcome"] == "pass"
    fix = _write(
        tmp_path / "fix.csv",
        [{"source": str(path), "cell": PENALTY, "value": "14", "reason": "r", "by": "b"}],
    )
    _run(path, out, fix)
    after = _checks(out)
    assert set(after) == set(before)
    assert {k: v["outcome"] for k, v in after.items()} == {k: v["outcome"] for k, v in before.items()}


def test_a_corrections_file_saved_by_excel_in_gbk(src: Path, tmp_path: Path) -> None:
    """Excel on a Chinese system writes CSV in GBK; thousands separators and full-width digits are fine."""
    rows = [
        "source,cell,value,reason,by",
        f'{src},{PENALTY},"1,313",原文第2页为1313,张三',
        f"{src},{GRANTED},２１,笔误,李四",
    ]
    fix = tmp_path / "fix.csv"
    fix.write_bytes(("\r\n".join(rows) + "\r\n").encode("gbk"))
    out = tmp_path / "out"
    _run(src, out, fix)
    cells = _cells(out)
    assert cells[PENALTY]["value"] == 1313.0 and json.loads(cells[PENALTY]["locator"])["by"] == "张三"
    assert cells[GRANTED]["value"] == 21.0 and json.loads(cells[GRANTED]["locator"])["reason"] == "笔误"


def test_corrections_file_header_with_spaces_and_bom(src: Path, tmp_path: Path) -> None:
    fix = tmp_path / "fix.csv"
    fix.write_text(f" source , cell ,value,reason,by\n{src},{PENALTY},7,r,b\n", encoding="utf-8-sig")
    out = tmp_path / "out"
    _run(src, out, fix)
    assert _cells(out)[PENALTY]["value"] == 7.0


@pytest.mark.parametrize("value", ["nan", "inf", "1.2.3", "13件"])
def test_values_that_are_not_numbers(src: Path, tmp_path: Path, value: str) -> None:
    from ogi.dataset.corrections import CorrectionsError, read_corrections

    fix = _write(tmp_path / "fix.csv", [{"source": str(src), "cell": PENALTY, "value": value}])
    with pytest.raises(CorrectionsError, match="is not a number"):
        read_corrections(fix)


def test_a_field_past_the_csv_limit_is_one_line(tmp_path: Path) -> None:
    """A corrections field over 128 KB (the csv module's limit) is refused with file and line, not a
    traceback."""
    path = tmp_path / "fix.csv"
    path.write_text(
        'source,cell,value,reason,by\n/x/a.txt,t3.granted.total,3,"' + "长" * 140_000 + '",me\n',
        encoding="utf-8",
    )
    with pytest.raises(CorrectionsError, match=r"fix\.csv:2: not a readable CSV row"):
        read_corrections(path)
    result = CliRunner().invoke(
        main, ["run", str(tmp_path), "--out", str(tmp_path / "out"), "--corrections", str(path)]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output and "fix.csv:2" in result.output
