"""PDF reports (format ``pdf``): tables rebuilt across pages, prose in reading order.

Two engines read the tables and give the same grids:

- ``plumber``: pdfplumber (the reference), whose pdfminer content-stream parse costs 100-200 ms a page;
- ``pdfium``: the same ``lines`` strategy (``ogi.extractors.pdfgrid``) run on characters and ruling lines
  read through pdfium's raw API (``ogi.extractors.pdfium_reader``), several times faster;
- ``auto`` (default): pdfium, and pdfplumber for any page with content the port does not reproduce
  (Form XObjects, rotation, rotated text, Unicode-map errors). ``Document.meta["pdf_engine"]`` says which
  engine read the table pages: ``pdfium``, ``plumber`` or ``mixed``.

Whatever the engine, pdfium opens the file and reads the characters of every page: table pages are found
by their ruling lines, prose comes from the characters outside the tables, and fill-only backgrounds and
三线表 are settled the same way for both engines (``ogi.extractors.pdfshapes``) before tables are found.
Grids then become model tables with spans, stitched across page breaks (``ogi.extractors.pdftables``).

Pages without a usable text layer (scans, or glyphs without Unicode) are rendered and read by OCR
(``ogi.extractors.pdfocr``) when the ``ocr`` extra is installed; their tables and text then go through the
same building, stitching and assembly, page by page, so a PDF mixing text pages and scanned table pages
reads as one document. A PDF without usable text on any page is ``pdf_scanned``; without OCR it gets
status ``needs_ocr`` (the reason names the extra), and pages without text in an otherwise readable PDF
are listed in ``meta["scanned_pages"]``. ``meta["ocr_pages"]`` lists the pages OCR read.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ogi.extractors.model import Block, Document, ExtractionError, Paragraph
from ogi.extractors.pdfgrid import (
    Char,
    Edge,
    curve_edges,
    extract_table,
    find_tables,
    line_edge,
    rect_edges,
    table_edges,
    table_rows,
)
from ogi.extractors.pdfium_reader import PageData, PdfiumDocument, Shape
from ogi.extractors.pdfshapes import (
    Region,
    backgrounds_to_drop,
    is_table_page,
    ruled_table_edges,
    rules,
)
from ogi.extractors.pdftables import PdfTable, RawCell, RawTable, build_table, same_columns, stitch
from ogi.extractors.pdftext import (
    Line,
    ParagraphBuilder,
    gap_limit,
    margins,
    page_header,
    page_lines,
    remove_furniture,
)

if TYPE_CHECKING:
    from ogi.extractors.ocrpage import OcrPage

ENGINES = ("auto", "pdfium", "plumber")
#: A page with fewer usable characters than this has no text layer worth reading.
MIN_CHARS = 10


def extract(data: bytes, fmt: str = "pdf", name: str = "", options: Any = None) -> Document:
    """Read a PDF report (see the module docstring)."""
    engine = getattr(options, "pdf_engine", "auto") or "auto"
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r} (one of {', '.join(ENGINES)})")
    with PdfiumDocument(data) as pdoc:
        if pdoc.n_pages <= 0:
            raise ExtractionError("corrupt PDF (no pages)")
        pages = [pdoc.page(i) for i in range(pdoc.n_pages)]
    return read_pages(data, pages, engine, ocr=getattr(options, "ocr", True))


# -- scanned pages -------------------------------------------------------------------------------------


def _usable(page: PageData) -> bool:
    visible = sum(1 for c in page.chars if not c.text.isspace())
    good = visible - page.bad_chars
    return good >= MIN_CHARS and good >= 0.5 * visible


def _to_ocr(pages: Sequence[PageData]) -> list[int]:
    """Pages OCR should read: no usable text, but something printed (an image or unusable glyphs)."""
    return [p.number for p in pages if not _usable(p) and (p.images or p.bad_chars)]


def _scanned(pages: Sequence[PageData], why_not: str = "needs OCR") -> Document | None:
    """The ``pdf_scanned`` document when no page has usable text, else None."""
    if any(_usable(p) for p in pages):
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


# -- tables of one page, per engine ----------------------------------------------------------------------


@dataclass
class PagePlan:
    """What both engines share for a page: rules, backgrounds to drop, 三线表 edges."""

    page: PageData
    drop: set[int]
    explicit_v: list[Edge]
    explicit_h: list[Edge]
    is_table_page: bool
    #: Where the 三线表 are (their columns come from the text, not from rules).
    regions: list[Region] = field(default_factory=list)


def plan_page(page: PageData, before: PagePlan | None = None) -> PagePlan:
    """Rules, backgrounds to drop and 三线表 edges of a page, from pdfium's shapes and characters.

    ``before`` is the plan of the page before: a 三线表 running on at the top of this page takes the
    columns of the last 三线表 there."""
    vertical, horizontal = rules(page.shapes)
    drop = backgrounds_to_drop(page.rects, vertical)
    table_page = is_table_page(vertical, horizontal)
    if not table_page:
        return PagePlan(page, drop, [], [], False)
    carry = None
    if before is not None and before.regions:
        carry = max(before.regions, key=lambda r: r.bbox[3])
    ruled = ruled_table_edges(vertical, horizontal, page.chars, page.height, carry)
    return PagePlan(page, drop, ruled.vertical, ruled.horizontal, True, ruled.regions)


def plan_pages(pages: Sequence[PageData]) -> list[PagePlan]:
    """``plan_page`` for every page, in order (each page sees the plan of the one before)."""
    plans: list[PagePlan] = []
    for page in pages:
        plans.append(plan_page(page, plans[-1] if plans else None))
    return plans


def pdfium_tables(plan: PagePlan) -> list[RawTable]:
    """The lines strategy over pdfium's shapes and characters (``ogi.extractors.pdfgrid``)."""
    page = plan.page
    raw: list[Edge] = [line_edge(s.x0, s.top, s.x1, s.bottom, s.width, s.height) for s in page.lines]
    for i, s in enumerate(page.rects):
        if i not in plan.drop:
            raw += rect_edges(s.x0, s.top, s.x1, s.bottom, s.width, s.height)
    for s in page.curves:
        raw += curve_edges(s.pts)
    edges = table_edges(raw, plan.explicit_v, plan.explicit_h)
    out = []
    for cells in find_tables(edges):
        texts = extract_table(cells, page.chars)
        raw_cells = [
            RawCell(bbox, text)
            for row, row_texts in zip(table_rows(cells), texts)
            for bbox, text in zip(row, row_texts)
            if bbox is not None and text is not None
        ]
        table = RawTable(page.number, raw_cells, "pdfium")
        table.text_columns = _text_columns(table.bbox, plan.regions)
        out.append(table)
    return out


def _text_columns(bbox: Sequence[float], regions: Sequence[Region]) -> list[tuple[float, float]] | None:
    """The text columns of the 三线表 region a table lies in (None: its columns are ruled)."""
    for r in regions:
        b = r.bbox
        if min(bbox[2], b[2]) - max(bbox[0], b[0]) > 0 and min(bbox[3], b[3]) - max(bbox[1], b[1]) > 0:
            return r.columns
    return None


class PlumberReader:
    """pdfplumber over the same bytes, opened on first use (its import and parse are the slow part)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._pdf: Any = None

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()

    def tables(self, plan: PagePlan) -> list[RawTable]:
        import pdfplumber

        if self._pdf is None:
            self._pdf = pdfplumber.open(io.BytesIO(self.data), password="")
        page = self._pdf.pages[plan.page.number - 1]
        rects = page.rects
        shapes = [_plumber_shape("line", o) for o in page.lines]
        rect_shapes = [_plumber_shape("rect", o) for o in rects]
        shapes += rect_shapes + [_plumber_shape("curve", o) for o in page.curves]
        vertical, horizontal = rules(shapes)
        drop_ids = {id(rects[i]) for i in backgrounds_to_drop(rect_shapes, vertical)}
        explicit_v, explicit_h, regions = plan.explicit_v, plan.explicit_h, plan.regions
        if page.rotation:
            # pdfplumber turns a rotated page upright; the shared plan is in pdfium's unrotated space.
            ruled = ruled_table_edges(vertical, horizontal, _chars(page.chars), float(page.height))
            explicit_v, explicit_h, regions = ruled.vertical, ruled.horizontal, ruled.regions
        if drop_ids:
            page = page.filter(lambda o: id(o) not in drop_ids)
        settings: dict[str, Any] = {}
        if explicit_v:
            settings["explicit_vertical_lines"] = [_edge_dict(e) for e in explicit_v]
            settings["explicit_horizontal_lines"] = [_edge_dict(e) for e in explicit_h]
        out = []
        for table in page.find_tables(settings):
            texts = table.extract(x_tolerance=3, y_tolerance=3)
            raw_cells = [
                RawCell(tuple(bbox), text)
                for row, row_texts in zip(table.rows, texts)
                for bbox, text in zip(row.cells, row_texts)
                if bbox is not None and text is not None
            ]
            out.append(RawTable(plan.page.number, raw_cells, "plumber", _text_columns(table.bbox, regions)))
        return out

    def rotated_chars(self, number: int) -> list[Char] | None:
        """pdfplumber's characters of page ``number`` when the page is rotated (pdfium's are not)."""
        page = self._pdf.pages[number - 1] if self._pdf is not None else None
        if page is None or not page.rotation:
            return None
        return _chars(page.chars)


def _chars(chars: list[dict[str, Any]]) -> list[Char]:
    return [
        Char(c["text"], c["x0"], c["top"], c["x1"], c["bottom"], bool(c["upright"]), float(c["size"]))
        for c in chars
    ]


def _plumber_shape(kind: str, o: dict[str, Any]) -> Shape:
    pts = [tuple(p) for p in o.get("pts", [])] if kind == "curve" else []
    return Shape(
        kind,
        o["x0"],
        o["top"],
        o["x1"],
        o["bottom"],
        o["width"],
        o["height"],
        bool(o.get("fill")),
        bool(o.get("stroke")),
        pts,
    )


def _edge_dict(e: Edge) -> dict[str, Any]:
    return {
        "object_type": "line",
        "x0": e.x0,
        "x1": e.x1,
        "top": e.top,
        "bottom": e.bottom,
        "width": e.x1 - e.x0,
        "height": e.bottom - e.top,
    }


# -- the document ------------------------------------------------------------------------------------------


@dataclass
class _Reading:
    tables: dict[int, list[RawTable]] = field(default_factory=dict)
    engines: dict[int, str] = field(default_factory=dict)
    fallbacks: dict[int, str] = field(default_factory=dict)
    #: Characters of rotated pages read by pdfplumber, in its (rotated) coordinates, so that the prose
    #: of those pages is cut around the tables in the same coordinates.
    chars: dict[int, list[Char]] = field(default_factory=dict)


def read_tables(data: bytes, plans: Sequence[PagePlan], engine: str) -> _Reading:
    """Raw tables of every table page with the chosen engine (``auto``: per page)."""
    reading = _Reading()
    plumber = PlumberReader(data)
    try:
        for plan in plans:
            if not plan.is_table_page:
                continue
            number = plan.page.number
            use = engine
            if engine == "auto":
                use = "plumber" if plan.page.unsupported else "pdfium"
                if plan.page.unsupported:
                    reading.fallbacks[number] = "; ".join(plan.page.unsupported)
            if use == "plumber":
                try:
                    tables = plumber.tables(plan)
                except Exception as exc:  # pdfminer cannot parse the page: read it with pdfium
                    if engine == "plumber" and not plan.page.unsupported:
                        reading.fallbacks[number] = f"pdfplumber failed: {type(exc).__name__}"
                    tables = pdfium_tables(plan)
                    use = "pdfium"
            else:
                tables = pdfium_tables(plan)
            reading.tables[number] = [t for t in tables if t.n_cols() >= 2]
            reading.engines[number] = use
            if use == "plumber":
                chars = plumber.rotated_chars(number)
                if chars is not None:
                    reading.chars[number] = chars
    finally:
        plumber.close()
    return reading


def read_pages(data: bytes, pages: Sequence[PageData], engine: str = "auto", ocr: bool = True) -> Document:
    """The document from pdfium's pages (tables read with ``engine``; pages without text by OCR when
    ``ocr`` and the extra is installed)."""
    ocr_read, why_not = _ocr_pages(data, _to_ocr(pages), ocr)
    if not ocr_read:
        scanned = _scanned(pages, why_not)
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
        header = page_header(
            page_lines(reading.chars.get(first.number, first.chars), first.number), first.height
        )
        if header:
            meta["page_header"] = header
    if not any(_usable(p) for p in pages):
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
    scanned_pages = [p.number for p in pages if not _usable(p) and p.images]
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
    return Document(format="pdf", blocks=blocks, meta=meta)


def _ocr_pages(data: bytes, numbers: list[int], wanted: bool) -> tuple[dict[int, OcrPage], str]:
    """OCR of the pages ``numbers``, or nothing and why not."""
    from ogi.extractors import ocr

    if not numbers:
        return {}, "needs OCR"
    if not wanted:
        return {}, "needs OCR (OCR switched off)"
    if not ocr.available():
        return {}, f"needs OCR: {ocr.MISSING}"
    from ogi.extractors.pdfocr import read_scanned

    pages, failed = read_scanned(data, numbers)
    if failed:
        first = min(failed)
        return pages, f"OCR failed on {len(failed)} page(s) (page {first}: {failed[first]})"
    return pages, ""


def assemble(
    pages: Sequence[PageData],
    tables: dict[int, list[RawTable]],
    chars: dict[int, list[Char]] | None = None,
) -> list[Block]:
    """Paragraphs and tables in reading order, tables stitched across page breaks.

    ``chars`` replaces pdfium's characters of some pages (rotated pages read by pdfplumber)."""
    chars = chars or {}
    built: dict[int, list[PdfTable]] = {n: [build_table(t) for t in ts] for n, ts in tables.items()}
    lines_by_page = [
        page_lines(
            chars.get(p.number, p.chars), p.number, [t.table.locator["bbox"] for t in built.get(p.number, [])]
        )
        for p in pages
    ]
    lines_by_page = remove_furniture(lines_by_page, [p.height for p in pages])
    builder = ParagraphBuilder(margins(lines_by_page))
    out: list[Paragraph | PdfTable] = []
    last_item_was_table = False

    def flush() -> None:
        builder.flush()
        for lines, loc in builder.paragraphs:
            out.append(Paragraph(ParagraphBuilder.text(lines), loc))
        builder.paragraphs.clear()

    for page, lines in zip(pages, lines_by_page):
        items: list[tuple[float, Line | PdfTable]] = [(x.top, x) for x in lines]
        items += [(t.table.locator["bbox"][1], t) for t in built.get(page.number, [])]
        items.sort(key=lambda it: it[0])
        limit = gap_limit(lines)
        first_on_page = True
        for _top, item in items:
            if isinstance(item, Line):
                builder.add(item, None if first_on_page else limit)
                last_item_was_table = False
            else:
                flush()
                prev = out[-1] if out else None
                if (
                    first_on_page
                    and last_item_was_table
                    and isinstance(prev, PdfTable)
                    and prev.pages[-1] == page.number - 1
                    and same_columns(prev, item)
                ):
                    stitch(prev, item)
                else:
                    out.append(item)
                last_item_was_table = True
            first_on_page = False
    flush()
    return [b.table if isinstance(b, PdfTable) else b for b in out]
