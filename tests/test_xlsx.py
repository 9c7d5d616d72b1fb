"""The XLSX extractor: workbooks laid out like the template, merged ranges, displayed values."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest

from ogi.extractors import ExtractionError, detect, extract
from ogi.extractors.model import Paragraph, Table
from ogi.extractors.xlsx import display
from ogi.run.source import read_source
from tests.generators.expected import expected_cell, header_unit_of
from tests.generators.values import cell_keys, sample_values
from tests.generators.xlsx import fill_workbook, sheet_positions

AGENCY = "某某市统计局"


def _book(build) -> bytes:
    wb = openpyxl.Workbook()
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def assert_sheet_cells(rows, values, version="2021", other_single_row=False, sheet="年报统计表"):
    got = {c["cell"]: c for c in rows.cells}
    keys = cell_keys(version, other_single_row)
    assert sorted(got) == sorted(keys)
    positions = sheet_positions(version, other_single_row)
    for key in keys:
        value, status, unit = expected_cell(values.get(key, ""), header_unit_of(key))
        cell = got[key]
        assert (cell["value"], cell["status"], cell["unit"]) == (value, status, unit), key
        row, col = positions[key]
        loc = json.loads(cell["locator"])
        assert loc.pop("label_match", None) in (
            (None,) if key.startswith("t4.") else ("exact", "normalised")
        ), key
        loc.pop("label", None)
        assert loc == {"sheet": sheet, "row": row, "col": col}, key


@pytest.mark.parametrize(
    ("version", "single"),
    [("2021", False), ("2021", True), ("2019", False)],
    ids=["2021", "2021-single-other", "2019"],
)
def test_workbook_laid_out_like_the_template_is_cell_exact(version, single):
    values = sample_values(version, single)
    values["t3.granted.research_institution"] = ""
    values["t3.granted.total"] = "/"
    year = 2020 if version == "2019" else 2022
    data = fill_workbook(
        values,
        title=f"{AGENCY}{year}年政府信息公开工作年度报告",
        version=version,
        other_single_row=single,
        number_formats={"t2.art20_5.admin_license.decisions": "#,##0", "t3.new_received.total": "#,##0_ "},
    )
    assert detect(data, "") == "xlsx"
    rows = read_source("tables.xlsx", data)
    assert {k: rows.report[k] for k in ("format", "status", "template_version", "agency", "year")} == {
        "format": "xlsx",
        "status": "ok",
        "template_version": version,
        "agency": AGENCY,
        "year": year,
    }
    assert_sheet_cells(rows, values, version, single)


def test_merged_ranges_come_out_once_with_their_spans():
    def build(wb):
        ws = wb.active
        ws.title = "表三"
        ws["B2"] = "（本列数据的勾稽关系为：…）"
        ws.merge_cells("B2:D4")
        ws["E2"] = "申请人情况"
        ws.merge_cells("E2:K2")
        ws["E3"] = "自然人"
        ws.merge_cells("E3:E4")
        ws["F4"] = "商业\n企业"

    doc = extract(_book(build), "xlsx")
    (t,) = doc.tables
    by_text = {c.text: c for c in t.cells if c.text}
    note = by_text["（本列数据的勾稽关系为：…）"]
    assert (note.row, note.col, note.rowspan, note.colspan) == (0, 0, 3, 3)
    assert note.locator == {"sheet": "表三", "row": 2, "col": 2}
    assert (by_text["申请人情况"].colspan, by_text["自然人"].rowspan) == (7, 2)
    assert "商业企业" in by_text
    covered = {(r, c) for r in range(3) for c in range(3)} - {(0, 0)}
    assert not covered & {(c.row, c.col) for c in t.cells}
    # Every position of the area is there once.
    assert sum(c.rowspan * c.colspan for c in t.cells) == t.n_rows * t.n_cols == 3 * 10


def test_tables_separated_by_blank_rows_and_a_lone_title():
    def build(wb):
        ws = wb.active
        ws["A1"] = "某某局2022年政府信息公开工作年度报告"
        ws.merge_cells("A1:F1")
        ws.append([])
        ws.append(["信息内容", "本年制发件数"])
        ws.append(["规章", 3])
        ws.append([])
        ws.append(["行政复议", None, None, "行政诉讼"])
        ws.append([1, 2, 3, 4, 5])

    doc = extract(_book(build), "xlsx")
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Table", "Table"]
    title = doc.blocks[0]
    assert isinstance(title, Paragraph) and title.text.startswith("某某局")
    first, second = doc.tables
    assert first.text_grid() == [["信息内容", "本年制发件数"], ["规章", "3"]]
    assert second.n_cols == 5 and second.locator["table"] == 2
    assert second.cells[0].locator == {"sheet": "Sheet", "row": 6, "col": 1}


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (12, "General", "12"),
        (12.0, "General", "12"),
        (96171.6, "General", "96171.6"),
        (0.1 + 0.2, "General", "0.3"),
        (96171.6, "0.00", "96171.60"),
        (96171.59999999, "0.0", "96171.6"),
        (1523, "#,##0", "1523"),
        (1523.5, "#,##0.00", "1523.50"),
        (1523, '_ * #,##0_ ;_ * -#,##0_ ;_ * "-"_ ;_ @_ ', "1523"),
        (0, '_ * #,##0_ ;_ * -#,##0_ ;_ * "-"_ ;_ @_ ', "0"),
        (0.125, "0.0%", "12.5%"),
        (7, '0"件"', "7"),
        (-18, "General", "-18"),
        (5, "@", "5"),
        ("251000元", "General", "251000元"),
        ("\u3000\u3000", "General", "\u3000\u3000"),
        (None, "General", ""),
        (True, "General", "TRUE"),
        (dt.datetime(2023, 1, 31), "yyyy-mm-dd", "2023-01-31"),
    ],
)
def test_values_as_displayed(value, fmt, shown):
    assert display(value, fmt) == shown


def test_formula_without_a_computed_value_is_not_taken_for_a_blank():
    def build(wb):
        ws = wb.active
        ws.append(["规章", 1, 2, "=B1+C1"])

    doc = extract(_book(build), "xlsx")
    assert doc.tables[0].text_grid() == [["规章", "1", "2", "=B1+C1"]]


def test_hidden_sheets_are_skipped_and_named():
    def build(wb):
        wb.active.append(["可见", 1])
        hidden = wb.create_sheet("辅助")
        hidden.append(["隐藏", 2])
        hidden.sheet_state = "hidden"

    doc = extract(_book(build), "xlsx")
    assert [t.locator["sheet"] for t in doc.tables] == ["Sheet"]
    assert doc.meta["hidden_sheets"] == ["辅助"]


def test_corrupt_workbook_fails_with_a_reason():
    data = fill_workbook(sample_values())
    broken = data[: len(data) // 2]
    assert detect(broken, "") == "xlsx"
    with pytest.raises(ExtractionError, match="corrupt XLSX"):
        extract(broken, "xlsx")
    rows = read_source("broken.xlsx", broken)
    assert (rows.report["format"], rows.report["status"]) == ("xlsx", "failed")


def test_tables_are_grids_with_geometry():
    doc = extract(fill_workbook(sample_values()), "xlsx")
    assert all(isinstance(t, Table) and t.geometry for t in doc.tables)
    assert len(doc.tables) == 3


def test_a_bordered_row_printed_blank_stays_in_its_table():
    """Every count of a row printed blank (zeros left empty): its bordered cells keep it in the table,
    so its cells come out blank, not missing, and the table is not cut in two."""
    from openpyxl.styles import Border, Side

    def build(wb):
        ws = wb.active
        ws.append(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])
        ws.append(["规章", None, None, None])
        ws.append(["行政规范性文件", 3, 0, 12])
        ws.append([None, None, None, None])
        ws.append(["行政许可", 5, None, None])
        thin = Side(style="thin")
        for row in ws.iter_rows(min_row=1, max_row=5, max_col=4):
            for cell in row:
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        ws.append([])
        ws.cell(row=9, column=2).border = Border(left=thin)  # a lone bordered cell apart: no table

    doc = extract(_book(build), "xlsx")
    assert len(doc.tables) == 1
    assert doc.tables[0].text_grid()[3] == ["", "", "", ""]
    assert doc.tables[0].text_grid()[4] == ["行政许可", "5", "", ""]


def test_a_styled_empty_cell_far_down_the_sheet_costs_nothing():
    from openpyxl.styles import Font

    def build(wb):
        ws = wb.active
        ws.append(["规章", 3])
        ws.cell(row=1_000_000, column=50).font = Font(bold=True)

    doc = extract(_book(build), "xlsx")
    assert [t.text_grid() for t in doc.tables] == [[["规章", "3"]]]
