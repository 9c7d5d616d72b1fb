"""The PDF table engines behind one interface, as camelot's backends are: each says whether it is installed
and whether it can read a page, and ``read_tables`` chooses per page and falls back.

- ``pdfium``: the ``lines`` strategy run on pdfium's characters and ruling lines (fast; the default);
- ``plumber``: pdfplumber (the reference), for the pages pdfium's port does not reproduce.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ogi.extractors.pdf.grid import (
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
from ogi.extractors.pdf.pdfium import Shape
from ogi.extractors.pdf.plan import PagePlan, text_columns
from ogi.extractors.pdf.shapes import backgrounds_to_drop, ruled_table_edges, rules
from ogi.extractors.pdf.tables import RawCell, RawTable

#: The engines ``auto`` tries, in order; ``FALLBACK`` reads any page another engine fails on.
ENGINES = ("pdfium", "plumber")
FIRST = "pdfium"
FALLBACK = "pdfium"


class TableEngine(Protocol):
    """A PDF table engine: whether it is installed, whether it can read a page, and the page's tables."""

    name: str
    description: str

    def installed(self) -> bool: ...

    def cannot_read(self, plan: PagePlan) -> str | None: ...

    def tables(self, plan: PagePlan) -> list[RawTable]: ...

    def page_chars(self, number: int) -> list[Char] | None:
        """The page's characters in the engine's own coordinates when they differ from pdfium's (a
        rotated page turned upright by pdfplumber), so prose is cut around its tables there."""
        ...

    def close(self) -> None: ...


def pdfium_tables(plan: PagePlan) -> list[RawTable]:
    """The lines strategy over pdfium's shapes and characters (``ogi.extractors.pdf.grid``)."""
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
        table.text_columns = text_columns(table.bbox, plan.regions)
        out.append(table)
    return out


class PdfiumEngine:
    """The ``lines`` strategy (``ogi.extractors.pdf.grid``) on pdfium's characters and shapes: several
    times faster than pdfplumber, and the same grids wherever the port reproduces the page."""

    name = "pdfium"
    description = "pdfium"

    def installed(self) -> bool:
        return True  # pypdfium2 opens every PDF ogi reads

    def cannot_read(self, plan: PagePlan) -> str | None:
        """Why the port would misread this page (Form XObjects, rotation, rotated text …), or None."""
        return "; ".join(plan.page.unsupported) or None

    def tables(self, plan: PagePlan) -> list[RawTable]:
        return pdfium_tables(plan)

    def page_chars(self, number: int) -> list[Char] | None:
        return None

    def close(self) -> None:
        pass


class PlumberEngine:
    """pdfplumber over the same bytes, opened on first use (its import and parse are the slow part): the
    reference engine, which reads pages the pdfium port does not reproduce."""

    name = "plumber"
    description = "pdfplumber"

    def installed(self) -> bool:
        return importlib.util.find_spec("pdfplumber") is not None

    def cannot_read(self, plan: PagePlan) -> str | None:
        return None

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
            ruled = ruled_table_edges(vertical, horizontal, plumber_chars(page.chars), float(page.height))
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
            out.append(RawTable(plan.page.number, raw_cells, "plumber", text_columns(table.bbox, regions)))
        return out

    def page_chars(self, number: int) -> list[Char] | None:
        """pdfplumber's characters of page ``number`` when the page is rotated (pdfium's are not)."""
        page = self._pdf.pages[number - 1] if self._pdf is not None else None
        if page is None or not page.rotation:
            return None
        return plumber_chars(page.chars)


def plumber_chars(chars: list[dict[str, Any]]) -> list[Char]:
    """pdfplumber's characters as the table finder's ``Char`` (shared with the font fallback)."""
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


@dataclass
class TableReading:
    tables: dict[int, list[RawTable]] = field(default_factory=dict)
    engines: dict[int, str] = field(default_factory=dict)
    fallbacks: dict[int, str] = field(default_factory=dict)
    #: Characters of rotated pages read by pdfplumber, in its (rotated) coordinates, so that the prose
    #: of those pages is cut around the tables in the same coordinates.
    chars: dict[int, list[Char]] = field(default_factory=dict)


def read_tables(data: bytes, plans: Sequence[PagePlan], engine: str) -> TableReading:
    """Raw tables of every table page with the chosen engine (``auto``: per page).

    ``auto`` asks pdfium first and hands a page it ``cannot_read`` to pdfplumber (the reason is kept in
    ``fallbacks``); an engine that fails on a page falls back to ``FALLBACK``, which reads any page.
    """
    reading = TableReading()
    engines: dict[str, TableEngine] = {"pdfium": PdfiumEngine(), "plumber": PlumberEngine(data)}
    try:
        for plan in plans:
            if not plan.is_table_page:
                continue
            number = plan.page.number
            use = engine
            if engine == "auto":
                why = engines[FIRST].cannot_read(plan)
                use = (
                    next((n for n in ENGINES if n != FIRST and engines[n].installed()), FIRST)
                    if why
                    else FIRST
                )
                if why and use != FIRST:
                    reading.fallbacks[number] = why
            try:
                tables = engines[use].tables(plan)
            except Exception as exc:  # the engine cannot parse the page: the fallback reads it
                if use == FALLBACK:
                    raise
                if engine == use and engines[FALLBACK].cannot_read(plan) is None:
                    reading.fallbacks[number] = f"{engines[use].description} failed: {type(exc).__name__}"
                use, tables = FALLBACK, engines[FALLBACK].tables(plan)
            reading.tables[number] = [t for t in tables if t.n_cols() >= 2]
            reading.engines[number] = use
            chars = engines[use].page_chars(number)
            if chars is not None:
                reading.chars[number] = chars
    finally:
        for e in engines.values():
            e.close()
    return reading
