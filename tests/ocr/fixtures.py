"""Fixtures for the OCR tests and benchmark: scans of the real PDF and of generated reports.

Expected values come from the generator (what was written into the Word document) or from the
hand-written expected file of the real report, never from ogi's output.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.generators.docx import fill_template
from tests.generators.report import Report, generate
from tests.generators.scan import cached, image_pdf, png, render_pages, scanner_noise

TESTS = Path(__file__).resolve().parents[1]
HUAIAN = TESTS / "corpus" / "huaian-city-2024.pdf"
HUAIAN_EXPECTED = TESTS / "corpus" / "huaian-city-2024.json"
#: The pages of 淮安 2024 that hold tables 二, 三 and 四.
HUAIAN_TABLE_PAGES = (3, 4, 5)


def require_ocr() -> None:
    """Skip without the ``ocr`` extra, except under CI (``OGI_CI=1``), where ``.ci/run`` installs it."""
    from ogi.extractors.ocr import engine as ocr

    if not ocr.available():
        message = "OCR is not installed: pip install -e '.[ocr]'"
        if os.environ.get("OGI_CI") == "1":
            pytest.fail(message)
        pytest.skip(message)


# -- the real report -----------------------------------------------------------------------------------


def huaian_expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(HUAIAN_EXPECTED.read_text(encoding="utf-8"))
    return data


def huaian_scan(noisy: bool, pages: Iterable[int] = HUAIAN_TABLE_PAGES) -> bytes:
    """Pages of 淮安 2024 rendered at 200 dpi (clean, or with scanner noise) as an image-only PDF."""
    pages = tuple(pages)
    source = HUAIAN.read_bytes()

    def build() -> bytes:
        images = render_pages(source, pages)
        if noisy:
            images = [scanner_noise(im, seed=p) for p, im in zip(pages, images)]
        return image_pdf(images)

    return cached([source, f"huaian:{pages}:{noisy}"], build)


def huaian_mixed() -> bytes:
    """淮安 2024 with its table pages (3–5) replaced by clean scans: text pages and scanned pages."""
    source = HUAIAN.read_bytes()

    def build() -> bytes:
        from pypdf import PdfReader, PdfWriter

        original = PdfReader(io.BytesIO(source))
        scans = PdfReader(io.BytesIO(huaian_scan(False)))
        writer = PdfWriter()
        scanned = dict(zip(HUAIAN_TABLE_PAGES, scans.pages))
        for number, page in enumerate(original.pages, start=1):
            writer.add_page(scanned.get(number, page))
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    return cached([source, "huaian-mixed"], build)


# -- generated reports ---------------------------------------------------------------------------------


def report_values(rep: Report) -> dict[str, str]:
    return {k: p.text for d in (rep.t2, rep.t3, rep.t4) for k, p in d.items()}


def report_docx(rep: Report) -> bytes:
    return fill_template(
        report_values(rep),
        title=f"{rep.agency}{rep.year}年政府信息公开工作年度报告",
        version=rep.version,
        other_single_row=rep.other_single_row,
    )


def expected_cells(rep: Report) -> dict[str, tuple[float | None, str]]:
    """Each cell's value and what it is (``value``, ``blank``, ``placeholder``) as the generator printed it."""
    return {k: (p.value, p.status) for d in (rep.t2, rep.t3, rep.t4) for k, p in d.items()}


def only_table(docx_bytes: bytes, index: int) -> bytes:
    """The Word document with everything removed but its table ``index`` (0-based), for a picture of it."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(docx_bytes))
    body = document.element.body
    keep = document.tables[index]._tbl
    for child in list(body):
        if child is not keep and child.tag != qn("w:sectPr"):
            body.remove(child)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def table_picture(table_pdf: bytes, dpi: float = 200) -> Image.Image:
    """The first table of a PDF page as a picture (cropped from the page rendered at ``dpi``)."""
    from ogi.extractors import ExtractOptions, extract
    from ogi.extractors.model import Table

    doc = extract(table_pdf, "pdf", options=ExtractOptions(ocr=False))
    table = next(b for b in doc.blocks if isinstance(b, Table))
    page = table.locator["page"]
    x0, top, x1, bottom = (v * dpi / 72 for v in table.locator["bbox"])
    image = render_pages(table_pdf, [page], dpi)[0]
    return image.crop((int(x0) - 12, int(top) - 12, int(x1) + 12, int(bottom) + 12))


def picture_docx(rep: Report, pictures: list[Image.Image], table_index: int) -> bytes:
    """The report's Word document with table ``table_index`` replaced by ``pictures`` (as agencies paste
    a table they only have as images), one paragraph each."""
    import docx
    from docx.shared import Cm

    document = docx.Document(io.BytesIO(report_docx(rep)))
    tbl = document.tables[table_index]._tbl
    for picture in pictures:
        paragraph = document.add_paragraph()
        paragraph.add_run().add_picture(io.BytesIO(png(picture)), width=Cm(picture.width / 200 * 2.54))
        tbl.addprevious(paragraph._p)
    tbl.getparent().remove(tbl)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def split_at_a_rule(picture: Image.Image) -> list[Image.Image]:
    """A table picture cut in two along the row rule nearest its middle (a table continued on the next
    page, its header not repeated)."""
    import numpy as np

    from ogi.extractors.ocr import grid as imagegrid

    (grid,) = imagegrid.prepare(np.asarray(picture.convert("L")), 200).grids
    y = int(min(grid.ys[1:-1], key=lambda v: abs(v - picture.height / 2)))
    return [
        picture.crop((0, 0, picture.width, y + 3)),
        picture.crop((0, y - 3, picture.width, picture.height)),
    ]


def scan_report() -> Report:
    """The generated report scanned in the tests: 2019 format (five-column table 二), zeros printed as
    「/」 or 「-」, thousands separators and units in cells."""
    return generate(9, "2019", ("slash_zero", "thousands_separators", "units_in_cells"))


def picture_report() -> Report:
    """The generated report whose tables are pasted as pictures (large numbers, zeros left blank)."""
    return generate(4, "2021", ("large_numbers", "blank_zero"))
