"""A scanned pre-2019 report (the Fujian form printed by LibreOffice, rendered at 200 dpi): the form is
recognised from the OCR'd grid and every number is read (issue 17)."""

from __future__ import annotations

import pytest

from ogi.run.source import extraction_options, read_source
from tests.generators.libreoffice import soffice
from tests.generators.pre2019 import generate, render
from tests.generators.scan import cached, image_pdf, render_pages
from tests.ocr.fixtures import require_ocr


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_scanned_fujian_form_is_read_by_ocr() -> None:
    require_ocr()
    rep = generate(3)
    pdf, _name = render(rep, "pdf")

    def build() -> bytes:
        import pypdfium2 as pdfium

        n = len(pdfium.PdfDocument(pdf))
        return image_pdf(render_pages(pdf, range(1, n + 1)))

    scan = cached([pdf, "scanned-pre2019"], build)
    rows = read_source("/generated/scan.pdf", scan, extraction_options(), name="scan.pdf")
    assert rows.report["format"] == "pdf_scanned"
    assert rows.report["template_version"] == "pre2019" and rows.report["form"] == "fj_local"
    assert rows.report["status"] == "ok", rows.report["error"]
    got = {c["cell"]: c for c in rows.cells}
    exp = rep.expected("x")
    assert {k: got[k]["value"] for k in exp["cells"]} == exp["cells"]
    assert {c["status"] for c in rows.cells} <= {"ocr", "ocr_corrected", "placeholder", "blank"}
