"""Small helpers shared by the PDF tests."""

from __future__ import annotations

from ogi.dataset.rows import ReportRows
from ogi.extractors import ExtractOptions
from ogi.extractors.model import Document, Paragraph, Table
from ogi.extractors.pdf.engines import read_tables
from ogi.extractors.pdf.fonts import font_independent
from ogi.extractors.pdf.pdfium import PdfiumDocument
from ogi.extractors.pdf.plan import plan_pages
from ogi.extractors.pdf.reader import extract
from ogi.run.source import extraction_options, read_source


def read(data: bytes, engine: str) -> Document:
    return extract(data, "pdf", "fixture.pdf", ExtractOptions(pdf_engine=engine))


def rows_of(data: bytes, engine: str, name: str = "fixture.pdf") -> ReportRows:
    return read_source(name, data, extraction_options(engine), name=name)


def grids(doc: Document) -> list[list[tuple[int, int, int, int, str]]]:
    """Each table as (row, col, rowspan, colspan, text) tuples: what the engines must agree on."""
    return [
        sorted((c.row, c.col, c.rowspan, c.colspan, c.text) for c in b.cells)
        for b in doc.blocks
        if isinstance(b, Table)
    ]


def paragraphs(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def raw_tables(data: bytes, engine: str) -> dict[int, list[list[tuple[tuple[float, ...], str]]]]:
    """The finders' own output per page: each cell's rectangle and text, top to bottom."""
    with PdfiumDocument(data) as pdoc:
        pages = [pdoc.page(i) for i in range(pdoc.n_pages)]
    reading = read_tables(data, plan_pages(font_independent(data, pages)), engine)
    return {
        page: [
            sorted(((c.bbox[1], c.bbox[0], c.bbox[2], c.bbox[3]), c.text) for c in t.cells) for t in tables
        ]
        for page, tables in reading.tables.items()
    }


def assert_same_raw(a: dict, b: dict, tolerance: float = 0.01) -> None:
    """Same pages, tables and cell texts; rectangles equal within ``tolerance`` pt (pdfium reads
    single-precision numbers where pdfminer parses decimals)."""
    assert sorted(a) == sorted(b)
    for page in a:
        assert len(a[page]) == len(b[page]), f"page {page}: {len(a[page])} tables against {len(b[page])}"
        for ta, tb in zip(a[page], b[page], strict=True):
            assert [t for _, t in ta] == [t for _, t in tb], f"page {page}: cell texts differ"
            for (ba, _), (bb, _) in zip(ta, tb, strict=True):
                assert all(abs(x - y) <= tolerance for x, y in zip(ba, bb, strict=True)), (page, ba, bb)


def cell_values(rows: ReportRows) -> dict[str, float | None]:
    return {c["cell"]: c["value"] for c in rows.cells}


def failed_hard_checks(rows: ReportRows) -> list[str]:
    return [
        f"{c['rule']} {c['target']}"
        for c in rows.checks
        if c["severity"] == "hard" and c["outcome"] == "fail"
    ]
