"""OCR fixtures, built once per session and cached under ``tests/.cache/`` by a hash of their inputs.

Every LibreOffice conversion the OCR tests need goes through one batched ``soffice`` call.
"""

from __future__ import annotations

import pytest

from tests.generators.libreoffice import convert_batch
from tests.generators.scan import cached, image_pdf, png, render_pages
from tests.ocr import fixtures as F


@pytest.fixture(scope="session")
def office() -> dict[str, bytes]:
    """PDFs LibreOffice made: the scanned report, and the two tables pasted as pictures alone on a page."""
    scan = F.scan_report()
    pictures = F.picture_report()
    full = F.report_docx(pictures)
    docs = {
        "scan.docx": F.report_docx(scan),
        "t3.docx": F.only_table(full, 1),
        "t4.docx": F.only_table(full, 2),
    }
    return convert_batch(docs, "pdf")


@pytest.fixture(scope="session")
def scanned_report(office: dict[str, bytes]) -> bytes:
    """The generated report, every page rendered at 200 dpi, as an image-only PDF."""
    pdf = office["scan.docx"]

    def build() -> bytes:
        import pypdfium2 as pdfium

        n = len(pdfium.PdfDocument(pdf))
        return image_pdf(render_pages(pdf, range(1, n + 1)))

    return cached([pdf, "scanned-report"], build)


@pytest.fixture(scope="session")
def t3_png(office: dict[str, bytes]) -> bytes:
    pdf = office["t3.docx"]
    return cached([pdf, "t3-picture"], lambda: png(F.table_picture(pdf)), suffix="png")


@pytest.fixture(scope="session")
def t4_png(office: dict[str, bytes]) -> bytes:
    pdf = office["t4.docx"]
    return cached([pdf, "t4-picture"], lambda: png(F.table_picture(pdf)), suffix="png")
