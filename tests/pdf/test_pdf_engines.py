"""Golden tests: on every PDF fixture the two engines give identical grids and identical documents."""

from __future__ import annotations

import pytest
from pdf_helpers import assert_same_raw, grids, paragraphs, raw_tables, read
from test_pdf_fonts import cjk_font_folders

FIXTURES = ["huaian", "grid", "shaded", "threeline", "threeline-break", "wps"]


class _Pdfs(dict):
    """The fixtures by name; LibreOffice's are built on first use (without LibreOffice or a CJK font only
    their tests skip)."""

    def __init__(self, request: pytest.FixtureRequest, **known: bytes) -> None:
        super().__init__(known)
        self.request = request

    def __missing__(self, name: str) -> bytes:
        self.update(self.request.getfixturevalue("office_pdfs"))
        return self[name]


@pytest.fixture(scope="module")
def pdfs(request: pytest.FixtureRequest, huaian: bytes, wps_pdf: bytes) -> dict[str, bytes]:
    return _Pdfs(request, huaian=huaian, wps=wps_pdf)


@pytest.mark.parametrize("name", FIXTURES)
def test_finders_agree_cell_for_cell(pdfs: dict[str, bytes], name: str) -> None:
    """pdfplumber and the pdfium port find the same cells with the same text on every table page."""
    pdfium = raw_tables(pdfs[name], "pdfium")
    plumber = raw_tables(pdfs[name], "plumber")
    assert pdfium, "fixture has table pages"
    assert_same_raw(pdfium, plumber)


@pytest.mark.parametrize("name", FIXTURES)
def test_documents_identical(pdfs: dict[str, bytes], name: str) -> None:
    docs = {engine: read(pdfs[name], engine) for engine in ("pdfium", "plumber", "auto")}
    assert grids(docs["pdfium"]) == grids(docs["plumber"]) == grids(docs["auto"])
    assert paragraphs(docs["pdfium"]) == paragraphs(docs["plumber"]) == paragraphs(docs["auto"])
    assert docs["pdfium"].meta["pdf_engine"] == "pdfium"
    assert docs["plumber"].meta["pdf_engine"] == "plumber"
    assert docs["auto"].meta["pdf_engine"] == "pdfium"  # nothing on these pages needs the fallback


@pytest.mark.parametrize("name", FIXTURES)
def test_characters_agree(pdfs: dict[str, bytes], name: str) -> None:
    """pdfium's characters are pdfplumber's: same text in the same order, same boxes (the right edge
    may differ by a fraction of a point where the font program's advance differs from /W), including
    the vertical-writing label and fonts whose descriptor has no metrics (LibreOffice)."""
    import io

    import pdfplumber

    from ogi.extractors.pdf.pdfium import PdfiumDocument

    with PdfiumDocument(pdfs[name]) as pdoc, pdfplumber.open(io.BytesIO(pdfs[name])) as pdf:
        for i, page in enumerate(pdf.pages):
            read = pdoc.page(i, shapes=False)
            if read.system_fonts and not cjk_font_folders():
                # ogi reads these pages' characters with pdfminer (test_pdf_fonts); the port's own
                # reading of them needs the fonts.
                pytest.skip(f"pdfium measures {read.system_fonts} through CJK system fonts; none installed")
            mine = read.chars
            ref = page.chars
            assert "".join(c.text for c in mine) == "".join(c["text"] for c in ref)
            for a, b in zip(mine, ref, strict=True):
                assert a.x0 == pytest.approx(b["x0"], abs=0.01)
                assert a.x1 == pytest.approx(b["x1"], abs=0.2)
                assert a.bottom == pytest.approx(b["bottom"], abs=0.01)
                assert a.top == pytest.approx(b["top"], abs=0.01)
                assert a.upright == b["upright"]
