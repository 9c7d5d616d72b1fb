"""Word reports made from the real agency template with known values, read end to end.

Expected values are the generator's inputs (tests/generators/values.py, written by hand), never ogi's
output: every cell of every table is compared (value, status, unit, raw text, locator).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ogi.dataset.rows import ReportRows
from ogi.run.source import read_source
from tests.generators.docx import TEMPLATE, cell_positions, fill_template
from tests.generators.expected import expected_cell, header_unit_of
from tests.generators.values import cell_keys, sample_sections, sample_values

AGENCY = "某某市统计局"


def assert_cells(
    rows: ReportRows, values: dict[str, str], version: str = "2021", other_single_row: bool = False
) -> None:
    """Every template cell is there, exactly as printed, at the grid position the generator wrote."""
    got = {c["cell"]: c for c in rows.cells}
    keys = cell_keys(version, other_single_row)
    assert sorted(got) == sorted(keys)
    positions = cell_positions(version, other_single_row)
    for key in keys:
        raw = values.get(key, "")
        value, status, unit = expected_cell(raw, header_unit_of(key))
        cell = got[key]
        assert (cell["value"], cell["status"], cell["unit"]) == (value, status, unit), key
        assert cell["raw"] == raw.strip(), key
        t, r, c = positions[key]
        loc = json.loads(cell["locator"])
        # How the row label was matched: the template's labels as printed (t4 rows have no label).
        assert loc.pop("label_match", None) == (None if key.startswith("t4.") else "exact"), key
        loc.pop("label", None)
        assert loc == {"table": t + 1, "row": r + 1, "col": c + 1}, key


def report(rows: ReportRows) -> dict[str, object]:
    keys = ("format", "status", "error", "template_version", "agency", "year", "n_checks_failed")
    return {k: rows.report[k] for k in keys}


def test_complete_2021_report_is_cell_exact():
    values = sample_values("2021")
    data = fill_template(
        values,
        title=f"{AGENCY}2022年政府信息公开工作年度报告",
        sections=sample_sections(AGENCY, 2022, values),
    )
    rows = read_source("complete-2021.docx", data)
    assert report(rows) == {
        "format": "docx",
        "status": "ok",
        "error": None,
        "template_version": "2021",
        "agency": AGENCY,
        "year": 2022,
        "n_checks_failed": 0,
    }
    assert_cells(rows, values)
    assert {c["outcome"] for c in rows.checks if c["severity"] == "hard"} == {"pass"}
    sections = {s["section"]: s for s in rows.sections}
    assert "全年共收到政府信息公开申请275件" in sections["s1_overview"]["text"]
    assert sections["s6_other"]["text"].endswith("本年度未收取信息处理费。")
    assert json.loads(
        next(c for c in rows.cells if c["cell"] == "t3.new_received.natural_person")["locator"]
    ) == {
        "table": 2,
        "row": 4,
        "col": 4,
        "label_match": "exact",
    }


def test_blank_cells_and_placeholders():
    values = sample_values("2021")
    changes = {
        "t2.art20_1.rules.issued": "",
        "t2.art20_1.rules.repealed": "\u3000\u3000",
        "t2.art20_5.admin_license.decisions": "/",
        "t2.art20_8.admin_fees.fee_amount": "—",
        "t3.granted.research_institution": "",
        "t3.granted.legal_service_org": "-",
        "t3.unable_unclear.natural_person": "／",
        "t3.other_other.total": "无",
        "t4.review.pending": "",
        "t4.litigation_after_review.total": "/",
    }
    values.update(changes)
    rows = read_source("blanks.docx", fill_template(values, title=f"{AGENCY}2022年政府信息公开工作年度报告"))
    # Blank and placeholder cells are read (they say so); the report is complete.
    assert report(rows)["status"] == "ok"
    assert_cells(rows, values)
    got = {c["cell"]: c["status"] for c in rows.cells}
    assert [got[k] for k in changes] == [
        "blank",
        "blank",
        "placeholder",
        "placeholder",
        "blank",
        "placeholder",
        "placeholder",
        "placeholder",
        "blank",
        "placeholder",
    ]


@pytest.mark.parametrize("fee", ["96171.6", "0.35", "1234.50", "12"])
def test_fee_amount_decimals_keep_their_digits(fee):
    values = sample_values("2021")
    values["t2.art20_8.admin_fees.fee_amount"] = fee
    rows = read_source("fee.docx", fill_template(values, title=f"{AGENCY}2022年政府信息公开工作年度报告"))
    cell = next(c for c in rows.cells if c["cell"] == "t2.art20_8.admin_fees.fee_amount")
    assert (cell["raw"], cell["value"], cell["unit"], cell["status"]) == (fee, float(fee), "万元", "value")
    assert rows.report["status"] == "ok"


def test_other_handling_printed_as_one_row():
    values = sample_values("2021", other_single_row=True)
    data = fill_template(values, title=f"{AGENCY}2023年政府信息公开工作年度报告", other_single_row=True)
    rows = read_source("single-other.docx", data)
    assert report(rows) | {"error": None} == {
        "format": "docx",
        "status": "ok",
        "error": None,
        "template_version": "2021",
        "agency": AGENCY,
        "year": 2023,
        "n_checks_failed": 0,
    }
    assert rows.report["other_single_row"] is True
    assert_cells(rows, values, "2021", other_single_row=True)
    assert not any(c["cell"].startswith("t3.other_overdue") for c in rows.cells)


def test_2019_format_report():
    values = sample_values("2019")
    data = fill_template(values, title=f"{AGENCY}2020年政府信息公开工作年度报告", version="2019")
    rows = read_source("format-2019.docx", data)
    assert report(rows) == {
        "format": "docx",
        "status": "ok",
        "error": None,
        "template_version": "2019",
        "agency": AGENCY,
        "year": 2020,
        "n_checks_failed": 0,
    }
    assert_cells(rows, values, "2019")
    got = {c["cell"]: c for c in rows.cells}
    assert got["t2.art20_6.admin_penalty.change"]["value"] == -18
    assert got["t2.art20_9.gov_central_procurement.procurement_amount"]["unit"] == "元"


def test_blank_agency_template_is_partial_never_ok():
    rows = read_source("template.docx", TEMPLATE.read_bytes())
    assert rows.report["format"] == "docx"
    assert rows.report["status"] == "partial"
    assert "blank template" in rows.report["error"]
    assert {c["status"] for c in rows.cells} == {"blank"}
    assert len(rows.cells) == 200  # the tables themselves are all recognised
    # The copy in the repository is the corpus file, byte for byte.
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "agency-template-2021.docx"
    if corpus.is_file():
        assert corpus.read_bytes() == TEMPLATE.read_bytes()


def test_template_with_its_placeholders_kept():
    """Cells nobody filled keep the template's U+3000 spaces and still read blank."""
    values = {"t2.art20_6.admin_penalty.decisions": "13", "t3.new_received.total": "20"}
    data = fill_template(values, title=f"{AGENCY}2022年政府信息公开工作年度报告", keep_placeholders=True)
    got = {c["cell"]: c for c in read_source("sparse.docx", data).cells}
    assert got["t2.art20_6.admin_penalty.decisions"]["value"] == 13
    assert got["t2.art20_6.admin_coercion.decisions"]["status"] == "blank"
    assert got["t2.art20_1.rules.issued"]["status"] == "blank"  # printed 「　　」 in the template
    assert got["t3.new_received.total"]["value"] == 20
