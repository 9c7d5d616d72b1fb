"""PDF reports (format ``pdf``): tables rebuilt across pages, prose in reading order.

Two engines read the tables and give the same grids:

- ``plumber``: pdfplumber (the reference), whose pdfminer content-stream parse costs 100-200 ms a page;
- ``pdfium``: the same ``lines`` strategy (``ogi.extractors.pdf.grid``) run on characters and ruling lines
  read through pdfium's raw API (``ogi.extractors.pdf.pdfium``), several times faster;
- ``auto`` (default): pdfium, and pdfplumber for any page with content the port does not reproduce
  (Form XObjects, rotation, rotated text, Unicode-map errors). ``Document.meta["pdf_engine"]`` says which
  engine read the table pages: ``pdfium``, ``plumber`` or ``mixed``.

Whatever the engine, pdfium opens the file and reads every page's shapes first: a page whose rules could
make a table (``has_rules``) has its characters read, and its prose comes from the characters outside the
tables; a page without such rules holds no table either engine could find, and is read for its prose
only, from pdfium's text and a few characters a line (``PdfiumDocument.page``; the same lines as from
every character). Fill-only backgrounds and 三线表 are settled the same way for both engines
(``ogi.extractors.pdf.shapes``) before tables are found.
Grids then become model tables with spans, stitched across page breaks (``ogi.extractors.pdf.tables``).

Pages without a usable text layer (scans, or glyphs without Unicode) are rendered and read by OCR
(``ogi.extractors.ocr.scanned_pdf``) when the ``ocr`` extra is installed; their tables and text then go through the
same building, stitching and assembly, page by page, so a PDF mixing text pages and scanned table pages
reads as one document. A PDF without usable text on any page is ``pdf_scanned``; without OCR it gets
status ``needs_ocr`` (the reason names the extra), and pages without text in an otherwise readable PDF
are listed in ``meta["scanned_pages"]``. ``meta["ocr_pages"]`` lists the pages OCR read.

The characters of pages whose text is in fonts the PDF does not embed are pdfminer's, so that the document
does not depend on the fonts installed (``ogi.extractors.pdf.fonts``; ``meta["font_fallbacks"]`` names
those pages and fonts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ogi.extractors import PDF_ENGINES
from ogi.extractors.model import Document, ExtractionError
from ogi.extractors.pdf.assemble import assemble
from ogi.extractors.pdf.engines import read_tables
from ogi.extractors.pdf.fonts import font_fallbacks, font_independent
from ogi.extractors.pdf.pdfium import PageData, PdfiumDocument
from ogi.extractors.pdf.plan import plan_pages
from ogi.extractors.pdf.shapes import is_table_page, rules
from ogi.extractors.pdf.streams import damaged_pages
from ogi.extractors.pdf.text import lines_of, page_header

if TYPE_CHECKING:
    from ogi.extractors.ocr.page import OcrPage

#: A page with fewer usable characters than this has no text layer worth reading.
MIN_CHARS = 10


def extract(data: bytes, fmt: str = "pdf", name: str = "", options: Any = None) -> Document:
    """Read a PDF report (see the module docstring)."""
    engine = getattr(options, "pdf_engine", "auto") or "auto"
    if engine not in PDF_ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r} (one of {', '.join(PDF_ENGINES)})")
    with PdfiumDocument(data) as pdoc:
        if pdoc.n_pages <= 0:
            raise ExtractionError("corrupt PDF (no pages)")
        pages = [pdoc.page(i, chars_needed=has_rules) for i in range(pdoc.n_pages)]
    return read_pages(data, font_independent(data, pages), engine, ocr=getattr(options, "ocr", True))


def has_rules(page: PageData) -> bool:
    """Whether a page's rules could make a table (``shapes.is_table_page``): only such pages need every
    character read; the others are read for their prose (``PdfiumDocument.page``)."""
    return is_table_page(*rules(page.shapes))


# -- scanned pages -------------------------------------------------------------------------------------


def _usable(page: PageData) -> bool:
    if page.text_lines is not None:
        visible = page.visible
    else:
        visible = sum(1 for c in page.chars if not c.text.isspace())
    good = visible - page.bad_chars
    return good >= MIN_CHARS and good >= 0.5 * visible


def _usable_pages(pages: Sequence[PageData]) -> set[int]:
    """The numbers of the pages with usable text (``_usable``), counted once per page."""
    return {p.number for p in pages if _usable(p)}


def _to_ocr(pages: Sequence[PageData], usable: set[int] | None = None) -> list[int]:
    """Pages OCR should read: no usable text, but something printed (an image or unusable glyphs)."""
    usable = _usable_pages(pages) if usable is None else usable
    return [p.number for p in pages if p.number not in usable and (p.images or p.bad_chars)]


def _scanned(
    pages: Sequence[PageData], why_not: str = "needs OCR", usable: set[int] | None = None
) -> Document | None:
    """The ``pdf_scanned`` document when no page has usable text, else None."""
    usable = _usable_pages(pages) if usable is None else usable
    if usable:
        return None
    with_images = [p.number for p in pages if p.images]
    garbled = sum(1 for p in pages if p.bad_chars)
    if garbled:
        reason = f"text layer unusable (glyphs without Unicode on {garbled} of {len(pages)} pages); {why_not}"
    elif with_images:
        reason = f"no text layer ({len(with_images)} of {len(pages)} pages are images); {why_not}"
    else:
        reason = f"no text layer ({len(pages)} pages without text or images); needs OCR"
    return Document(
        format="pdf_scanned",
        meta={"pages": len(pages), "scanned_pages": with_images or [p.number for p in pages]},
        status="needs_ocr",
        reason=reason,
    )


# -- the document ------------------------------------------------------------------------------------------


def read_pages(data: bytes, pages: Sequence[PageData], engine: str = "auto", ocr: bool = True) -> Document:
    """The document from pdfium's pages (tables read with ``engine``; pages without text by OCR when
    ``ocr`` and the extra is installed)."""
    usable = _usable_pages(pages)
    ocr_read, why_not = _ocr_pages(data, _to_ocr(pages, usable), ocr)
    if not ocr_read:
        scanned = _scanned(pages, why_not, usable)
        if scanned is not None:
            return scanned
    plans = plan_pages([p for p in pages if p.number not in ocr_read])
    reading = read_tables(data, plans, engine)
    for number, page in ocr_read.items():
        reading.tables[number] = [t for t in page.tables if t.n_cols() >= 2]
        reading.chars[number] = page.chars
    blocks = assemble(pages, reading.tables, reading.chars)
    meta: dict[str, Any] = {"pages": len(pages)}
    if pages:  # the first page's running header (the agency, above a title starting with the year)
        first = pages[0]
        header = page_header(lines_of(first, reading.chars.get(first.number)), first.height)
        if header:
            meta["page_header"] = header
    if not usable:
        # All pages read by OCR: no PDF engine read tables (``pdf_engine`` stays unset).
        meta["scanned_pages"] = meta["ocr_pages"] = sorted(ocr_read)
        meta["table_pages"] = sorted(n for n, ts in reading.tables.items() if ts)
        if why_not:
            meta["ocr_missing"] = why_not
        return Document(format="pdf_scanned", blocks=blocks, meta=meta)
    used = set(reading.engines.values())
    if not used:
        name = "plumber" if engine == "plumber" else "pdfium"
    else:
        name = used.pop() if len(used) == 1 else "mixed"
    meta["pdf_engine"] = name
    meta["table_pages"] = sorted(n for n, ts in reading.tables.items() if ts or n not in ocr_read)
    if reading.fallbacks:
        meta["pdf_fallbacks"] = {str(k): v for k, v in sorted(reading.fallbacks.items())}
    if fonts := font_fallbacks(pages):
        meta["font_fallbacks"] = fonts
    scanned_pages = [p.number for p in pages if p.number not in usable and p.images]
    if scanned_pages:
        meta["scanned_pages"] = scanned_pages
    if ocr_read:
        meta["ocr_pages"] = sorted(ocr_read)
    if why_not and scanned_pages:
        meta["ocr_missing"] = why_not
    # Pages with text that are largely pictures (a table pasted as an image): for OCR to look at.
    image_pages = [p.number for p in pages if p.image_area >= 0.25 and p.number not in scanned_pages]
    if image_pages:
        meta["image_pages"] = image_pages
    doc = Document(format="pdf", blocks=blocks, meta=meta)
    mark_damaged(doc, damaged_pages(data))
    return doc


def mark_damaged(doc: Document, broken: dict[int, str]) -> None:
    """Record pages whose content stream is damaged (``ogi.extractors.pdf.streams``): the reason in
    ``meta["damaged"]``, and ``Table.damaged`` on every table with cells on such a page or a page next to
    it (a table running on from or onto a broken page may have lost its whole piece there)."""
    if not broken:
        return
    first = min(broken)
    more = f" and {len(broken) - 1} more page(s)" if len(broken) > 1 else ""
    reason = f"the content stream of page {first}{more} is damaged ({broken[first]})"
    doc.meta["damaged"] = reason
    doc.meta["damaged_pages"] = sorted(broken)
    near = {n + d for n in broken for d in (-1, 0, 1)}
    for table in doc.tables:
        if any(c.locator.get("page") in near for c in table.cells):
            table.damaged = reason


def _ocr_pages(data: bytes, numbers: list[int], wanted: bool) -> tuple[dict[int, OcrPage], str]:
    """OCR of the pages ``numbers``, or nothing and why not."""
    from ogi.extractors.ocr import engine as ocr

    if not numbers:
        return {}, "needs OCR"
    if not wanted:
        return {}, "needs OCR (OCR switched off)"
    if not ocr.available():
        return {}, f"needs OCR: {ocr.MISSING}"
    from ogi.extractors.ocr.scanned_pdf import read_scanned

    pages, failed = read_scanned(data, numbers)
    if failed:
        first = min(failed)
        return pages, f"OCR failed on {len(failed)} page(s) (page {first}: {failed[first]})"
    return pages, ""
