"""PDFs that are not readable reports: each gets a status and a one-line reason."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from pdf_handmade import garbled, scanned, wps_page
from pdf_helpers import read, rows_of
from pypdf import PdfReader, PdfWriter

ENGINES = ["auto", "pdfium", "plumber"]


@pytest.fixture
def no_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about PDFs OCR cannot help with, or about what happens without the extra."""
    from ogi.extractors.ocr import engine as ocr

    monkeypatch.setattr(ocr, "available", lambda: False)


@pytest.fixture(scope="module")
def page_png(huaian: bytes) -> bytes:
    """Page 4 of 淮安 (tables) rendered at 100 dpi: what a scanner would deliver."""
    pdf = pdfium.PdfDocument(huaian)
    image = pdf[3].render(scale=100 / 72).to_pil()
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def _encrypt(data: bytes, user: str, owner: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize("engine", ENGINES)
def test_image_only(page_png: bytes, engine: str, no_ocr: None) -> None:
    rows = rows_of(scanned(page_png), engine, "scan.pdf")
    r = rows.report
    assert (r["format"], r["status"]) == ("pdf_scanned", "needs_ocr")
    assert "no text layer" in r["error"] and "2 of 2 pages are images" in r["error"]
    assert "pip install 'ogi[ocr]'" in r["error"]
    assert rows.cells == []


def test_glyphs_without_unicode(no_ocr: None) -> None:
    doc = read(garbled(), "auto")
    assert (doc.format, doc.status) == ("pdf_scanned", "needs_ocr")
    assert "unusable" in (doc.reason or "")


def test_some_pages_scanned(page_png: bytes, huaian: bytes, no_ocr: None) -> None:
    """A born-digital PDF with a scanned page stays ``pdf``; the page is listed for OCR."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(huaian)))
    writer.append(PdfReader(io.BytesIO(scanned(page_png, pages=1))))
    buf = io.BytesIO()
    writer.write(buf)
    doc = read(buf.getvalue(), "auto")
    assert doc.format == "pdf" and doc.status is None
    assert doc.meta["scanned_pages"] == [7]


@pytest.mark.parametrize("engine", ENGINES)
def test_encrypted_with_password(huaian: bytes, engine: str) -> None:
    rows = rows_of(_encrypt(huaian, "secret", "owner"), engine, "locked.pdf")
    assert (rows.report["format"], rows.report["status"]) == ("pdf", "failed")
    assert rows.report["error"] == "encrypted PDF (password required)"


@pytest.mark.parametrize("engine", ["pdfium", "plumber"])
def test_encrypted_with_empty_password(engine: str) -> None:
    """Permissions-only encryption (empty user password) opens like any PDF, with both engines."""
    data = _encrypt(wps_page(), "", "owner")
    doc = read(data, engine)
    assert doc.status is None and doc.meta["pdf_engine"] == engine
    assert [c.text for c in doc.tables[0].cells if c.rowspan == 3] == ["办理结果"]


@pytest.mark.parametrize("cut", [0.3, 0.9])
def test_truncated(huaian: bytes, cut: float) -> None:
    rows = rows_of(huaian[: int(len(huaian) * cut)], "auto", "part.pdf")
    assert (rows.report["format"], rows.report["status"]) == ("pdf", "failed")
    assert rows.report["error"].startswith("truncated or corrupt PDF")


def test_corrupt() -> None:
    rows = rows_of(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n", "auto", "bad.pdf")
    assert (rows.report["status"], rows.report["error"]) == (
        "failed",
        "corrupt PDF (not a readable PDF structure)",
    )


def test_table_pasted_as_picture(page_png: bytes) -> None:
    """A page with a text heading over a picture of a table is readable, and listed for OCR."""
    import io as _io

    from pdf_writer import Writer
    from PIL import Image

    image = Image.open(_io.BytesIO(page_png)).convert("RGB")
    buf = _io.BytesIO()
    image.save(buf, "JPEG", quality=60)
    w = Writer()
    w.image_page(buf.getvalue(), image.width, image.height)
    page = w.pages[-1]
    w.text(page, 74, 800, "三、收到和处理政府信息公开申请情况", 16)
    doc = read(w.write(), "auto")
    assert doc.format == "pdf" and doc.status is None
    assert doc.meta["image_pages"] == [1] and "scanned_pages" not in doc.meta
    assert doc.paragraphs[0].text == "三、收到和处理政府信息公开申请情况"
