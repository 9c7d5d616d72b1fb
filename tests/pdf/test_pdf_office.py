"""PDFs exported by LibreOffice from the filled template: every cell, with both engines.

The values are those written into the Word documents (``pdf_fixture_docs``), not ogi's output.
"""

from __future__ import annotations

import pdfplumber
import pytest
from pdf_fixture_docs import AGENCY, YEAR, expected_cells
from pdf_helpers import cell_values, failed_hard_checks, read, rows_of

from ogi.extractors.model import Table
from ogi.extractors.pdf.pdfium import PdfiumDocument
from ogi.extractors.pdf.shapes import rules

LAYOUTS = ["grid", "shaded", "threeline", "threeline-break"]


@pytest.mark.parametrize("engine", ["pdfium", "plumber"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_cells_exact(office_pdfs: dict[str, bytes], layout: str, engine: str) -> None:
    rows = rows_of(office_pdfs[layout], engine, f"{layout}.pdf")
    r = rows.report
    assert (r["format"], r["status"], r["error"]) == ("pdf", "ok", None)
    assert (r["agency"], r["year"], r["template_version"]) == (AGENCY, YEAR, "2021")
    assert cell_values(rows) == pytest.approx(expected_cells())
    assert failed_hard_checks(rows) == []


def _table3(doc_tables: list[Table]) -> Table:
    return next(t for t in doc_tables if any("申请人情况" in c.text or "自然人" in c.text for c in t.cells))


def test_table_across_page_break(office_pdfs: dict[str, bytes]) -> None:
    """Table 三 breaks inside （三）不予公开: one grid, the merged labels extended over the break."""
    doc = read(office_pdfs["grid"], "auto")
    t3 = _table3([b for b in doc.blocks if isinstance(b, Table)])
    assert len(t3.locator["pages"]) == 2
    assert t3.n_rows == 28 and t3.n_cols == 10
    cells = {(c.row, c.col): c for c in t3.cells}
    vertical = cells[(5, 0)]
    assert (vertical.text, vertical.rowspan) == ("三、本年度办理结果", 22)  # one character per line
    denied = cells[(7, 1)]
    assert (denied.text, denied.rowspan) == ("（三）不予公开", 8)
    # The rows after the break keep their own labels.
    labels = [cells[(r, 2)].text for r in range(7, 15)]
    assert labels[0] == "1.属于国家秘密" and labels[-1] == "8.属于行政查询事项"


def test_shaded_paragraphs_are_not_tables(office_pdfs: dict[str, bytes]) -> None:
    data = office_pdfs["shaded"]
    # The fixture reproduces the trap: pdfplumber alone reads the shaded prose as a one-column table.
    with pdfplumber.open(__import__("io").BytesIO(data)) as pdf:
        one_column = [t for p in pdf.pages for t in p.extract_tables() if len(t[0]) == 1]
    assert one_column
    for engine in ("pdfium", "plumber"):
        doc = read(data, engine)
        tables = [b for b in doc.blocks if isinstance(b, Table)]
        assert all(t.n_cols > 1 for t in tables)
        assert any(p.text.startswith(f"{YEAR}年，{AGENCY}坚持以公开为常态") for p in doc.paragraphs)


def test_three_line_table(office_pdfs: dict[str, bytes]) -> None:
    data = office_pdfs["threeline"]
    with PdfiumDocument(data) as pdoc:
        page = next(
            p
            for p in (pdoc.page(i) for i in range(pdoc.n_pages))
            if "自然" in "".join(c.text for c in p.chars)
        )
    vertical, horizontal = rules(page.shapes)
    assert not vertical and len(horizontal) >= 3  # rules only: top, under the header, bottom
    doc = read(data, "auto")
    t3 = _table3([b for b in doc.blocks if isinstance(b, Table)])
    grid = t3.text_grid()
    assert grid[0] == ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    labels = [row[0] for row in grid[1:]]
    assert labels[:5] == [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果",
        "（一）予以公开",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",  # wrapped label joined
    ]
    assert len(grid) == 1 + 25 + 5  # header, 25 data rows, 5 heading rows (三、 （三） … （六）)


@pytest.mark.parametrize("engine", ["pdfium", "plumber"])
def test_three_line_table_across_a_page_break(office_pdfs: dict[str, bytes], engine: str) -> None:
    """The first page has the top and header rules, the next only the bottom rule: one table."""
    doc = read(office_pdfs["threeline-break"], engine)
    t3 = _table3([b for b in doc.blocks if isinstance(b, Table)])
    assert len(t3.locator["pages"]) == 2
    grid = t3.text_grid()
    assert len(grid) == 1 + 25 + 5
    assert [row[0] for row in grid[1:3]] == [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
    ]
    assert grid[3][0] == "三、本年度办理结果" and grid[-1][0] == "四、结转下年度继续办理"


def test_not_a_report(office_pdfs: dict[str, bytes]) -> None:
    rows = rows_of(office_pdfs["notice"], "auto", "notice.pdf")
    assert (rows.report["format"], rows.report["status"]) == ("pdf", "not_a_report")
    assert rows.report["error"]
