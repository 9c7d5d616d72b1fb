"""Scanned reports read end to end: image-only PDFs of the real report and of a generated one, a PDF
mixing text pages and scanned table pages, and tables pasted as pictures into Word and web pages.

Each page costs a few seconds of OCR, so the fixtures are few pages and each is read once per session.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ogi.dataset.rows import ReportRows
from ogi.extractors import extract
from ogi.extractors.model import Document, Table
from ogi.run.source import read_source
from tests.ocr import fixtures as F

pytestmark = pytest.mark.slow


def _read(data: bytes, name: str) -> ReportRows:
    F.require_ocr()
    return read_source(name, data, name=name)


def _values(rows: ReportRows) -> dict[str, float | None]:
    return {c["cell"]: c["value"] for c in rows.cells}


def _by_key(rows: ReportRows) -> dict[str, dict[str, Any]]:
    return {c["cell"]: c for c in rows.cells}


def _failed(rows: ReportRows) -> list[str]:
    return sorted(f"{c['rule']} {c['target']}" for c in rows.checks if c["outcome"] == "fail")


@pytest.fixture(scope="module")
def huaian_noisy() -> ReportRows:
    F.require_ocr()
    return _read(F.huaian_scan(noisy=True), "huaian-scan.pdf")


def _rows_of(doc: Document, data: bytes, name: str) -> ReportRows:
    """The rows of ``data`` from its document read once (OCR is the slow part)."""
    import ogi.run.source

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ogi.run.source, "extract", lambda *a, **k: doc)
        return _read(data, name)


@pytest.fixture(scope="module")
def mixed_doc() -> Document:
    F.require_ocr()
    return extract(F.huaian_mixed(), "pdf", name="huaian-mixed.pdf")


@pytest.fixture(scope="module")
def huaian_mixed(mixed_doc: Document) -> ReportRows:
    return _rows_of(mixed_doc, F.huaian_mixed(), "huaian-mixed.pdf")


def test_real_report_scanned_with_noise(huaian_noisy: ReportRows) -> None:
    """Pages 3–5 of 淮安 2024, rotated about a degree, with sensor noise and JPEG: every cell of the
    three tables as typed by hand from the source."""
    rows = huaian_noisy
    assert rows.report["format"] == "pdf_scanned"
    assert rows.report["status"] != "needs_ocr"
    expected = F.huaian_expected()["cells"]
    assert _values(rows) == pytest.approx(expected)
    assert _failed(rows) == []
    cells = _by_key(rows)
    for key in ("t3.new_received.natural_person", "t2.art20_8.admin_fees.fee_amount", "t4.review.total"):
        cell = cells[key]
        assert cell["status"] == "ocr"
        loc = json.loads(cell["locator"])
        assert loc["page"] in (1, 2, 3) and len(loc["bbox"]) == 4  # the scan holds pages 3–5
        assert 0.5 <= loc["confidence"] <= 1.0
    assert cells["t2.art20_8.admin_fees.fee_amount"]["unit"] == "万元"


def test_mixed_pdf_reads_text_pages_and_scanned_pages(huaian_mixed: ReportRows) -> None:
    """Text pages 1, 2 and 6 around scanned pages 3–5: one report, title and prose from the text layer,
    tables from OCR, statuses per cell."""
    rows = huaian_mixed
    r = rows.report
    assert (r["format"], r["status"], r["error"]) == ("pdf", "ok", None)
    assert (r["agency"], r["year"], r["pdf_engine"]) == ("淮安市人民政府", 2024, "pdfium")
    assert _values(rows) == pytest.approx(F.huaian_expected()["cells"])
    assert {c["status"] for c in rows.cells} == {"ocr"}
    assert _failed(rows) == []


def test_mixed_pdf_document(mixed_doc: Document) -> None:
    doc = mixed_doc
    assert doc.meta["ocr_pages"] == [3, 4, 5] and doc.meta["scanned_pages"] == [3, 4, 5]
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    # Table 三 runs from page 4 onto page 5: stitched into one grid, as the text layer's would be.
    t3 = next(t for t in tables if any("申请人情况" in c.text for c in t.cells))
    assert t3.locator["pages"] == [4, 5]
    labels = [c.text for c in t3.cells if c.col == 1]
    assert "（四）无法提供" in labels or "(四)无法提供" in labels


def test_generated_report_scanned(scanned_report: bytes) -> None:
    """A 2019-format report made from the agency template, printed to PDF and scanned: every cell, with
    the 「/」 and 「-」 placeholders, thousands separators and units in cells."""
    rep = F.scan_report()
    rows = _read(scanned_report, "generated-scan.pdf")
    r = rows.report
    assert (r["format"], r["status"], r["error"]) == ("pdf_scanned", "ok", None)
    assert (r["agency"], r["year"], r["template_version"]) == (rep.agency, rep.year, "2019")
    got = _by_key(rows)
    expected = F.expected_cells(rep)
    assert set(got) == set(expected)
    wrong = {}
    for key, (value, status) in expected.items():
        cell = got[key]
        read_as = "value" if cell["status"] in ("ocr", "ocr_corrected") else cell["status"]
        if cell["value"] != pytest.approx(value) or read_as != status:
            wrong[key] = (cell["raw"], cell["status"], value, status)
    assert wrong == {}
    assert _failed(rows) == sorted(rep.failing)


def test_docx_with_table_three_pasted_as_pictures(t3_png: bytes) -> None:
    """Table 三 pasted into the Word report as two pictures, one under the other (the table cut at a row
    rule): read where the pictures stand as one table, with picture locators; tables 二 and 四 are read
    from the document as usual."""
    from PIL import Image

    F.require_ocr()
    rep = F.picture_report()
    pictures = F.split_at_a_rule(Image.open(__import__("io").BytesIO(t3_png)))
    data = F.picture_docx(rep, pictures, 1)
    doc = extract(data, "docx")
    rows = _rows_of(doc, data, "pictures.docx")
    r = rows.report
    assert (r["format"], r["status"], r["error"]) == ("docx", "ok", None)
    got = _by_key(rows)
    for key, (value, status) in F.expected_cells(rep).items():
        cell = got[key]
        if key.startswith("t3."):
            assert cell["status"] in (status if status != "value" else "ocr", "ocr_corrected"), key
            loc = json.loads(cell["locator"])
            assert loc["image"] in ("image1.png", "image2.png") and len(loc["bbox"]) == 4
        assert cell["value"] == pytest.approx(value), key
    assert _failed(rows) == sorted(rep.failing)
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds.count("Table") == 3  # the two pictures make one table
    assert doc.meta["ocr_images"] == ["image1.png", "image2.png"]
    t3 = doc.tables[1]
    assert t3.locator["images"] == ["image1.png", "image2.png"]


def test_html_page_whose_table_is_a_picture(t4_png: bytes, tmp_path: Path) -> None:
    """A web page showing table 四 as an image, fetched into the cache with its image (as the crawler
    keeps it): ``ogi run`` over the cache hands the image to the HTML extractor, and OCR reads it."""
    F.require_ocr()
    from ogi.fetchers.cache import Cache
    from ogi.run.options import RunOptions
    from ogi.run.pipeline import run

    html = (
        "<html><head><title>某某局2023年政府信息公开工作年度报告</title></head><body>"
        "<div class='article'><h1>某某局2023年政府信息公开工作年度报告</h1>"
        "<p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src='/pic/t4.png'></p></div></body></html>"
    ).encode()
    page = "https://www.example.gov.cn/art/2024/1/1/art_1.html"
    picture = "https://www.example.gov.cn/pic/t4.png"
    without = extract(html, "html", name=page)
    assert without.status == "needs_ocr" and not without.tables
    assert without.meta["images"] == ["/pic/t4.png"]

    cache = Cache(tmp_path / "cache")
    cache.store(page, final_url=page, status=200, content_type="text/html", data=html, role="page")
    cache.store(
        picture,
        final_url=picture,
        status=200,
        content_type="image/png",
        data=t4_png,
        role="image",
        referrer=page,
    )
    cache.save()
    out = tmp_path / "out"
    run([str(tmp_path / "cache")], RunOptions(out=out, cache=tmp_path / "cache"))
    reports = pd.read_parquet(out / "reports.parquet").set_index("source")
    assert list(reports.index) == [page]  # the image is no report of its own
    assert reports.loc[page, "status"] == "partial"  # tables 二 and 三 are not on the page
    cells = pd.read_parquet(out / "cells.parquet").set_index("cell")
    rep = F.picture_report()
    for key, (value, _status) in F.expected_cells(rep).items():
        if key.startswith("t4."):
            got = cells.loc[key, "value"]
            assert (None if pd.isna(got) else got) == pytest.approx(value), key
            assert json.loads(cells.loc[key, "locator"])["image"] == picture
