"""Property tests: ``ogi.extractors.pdf.grid`` computes what pdfplumber computes, on any input.

Random ruling lines, rectangles and characters (coordinates on a coarse grid with small offsets, so
edges snap, join and intersect often) go through pdfplumber's own ``TableFinder`` / ``extract_text`` and
through the port; the cells, tables and texts must be identical.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pdfplumber import utils as pu
from pdfplumber.table import TableFinder

from ogi.extractors.pdf import grid as G

coord = st.builds(
    lambda k, d: 10.0 * k + d, st.integers(0, 12), st.sampled_from([0.0, 0.0, 0.4, 1.5, 2.9, 3.2])
)


@st.composite
def segment(draw: st.DrawFn) -> dict[str, Any]:
    a, b = sorted((draw(coord), draw(coord)))
    c = draw(coord)
    if draw(st.booleans()):  # horizontal line
        return {"object_type": "line", "x0": a, "x1": b, "top": c, "bottom": c, "width": b - a, "height": 0.0}
    return {"object_type": "line", "x0": c, "x1": c, "top": a, "bottom": b, "width": 0.0, "height": b - a}


@st.composite
def rect(draw: st.DrawFn) -> dict[str, Any]:
    x0, x1 = sorted((draw(coord), draw(coord)))
    top, bottom = sorted((draw(coord), draw(coord)))
    return {
        "object_type": "rect",
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "doctop": top,
        "y0": 1000 - bottom,
        "y1": 1000 - top,
    }


@st.composite
def char(draw: st.DrawFn) -> dict[str, Any]:
    x0 = draw(st.floats(0, 125, allow_nan=False))
    top = draw(st.floats(0, 125, allow_nan=False))
    size = draw(st.sampled_from([5.0, 8.0, 10.0]))
    width = draw(st.sampled_from([size, size / 2]))
    return {
        "text": draw(st.sampled_from(["表", "格", "1", "2", " ", "a", "、"])),
        "x0": x0,
        "x1": x0 + width,
        "top": top,
        "bottom": top + size,
        "doctop": top,
        "upright": draw(st.sampled_from([True, True, True, False])),
        "size": size,
    }


class _Page:
    """What pdfplumber's TableFinder and Table.extract read from a page."""

    def __init__(self, objs: list[dict[str, Any]], chars: list[dict[str, Any]]) -> None:
        self.edges = [e for o in objs for e in pu.obj_to_edges(o)]
        self.chars = chars
        self.bbox = (0, 0, 200, 200)


def _port_edges(objs: list[dict[str, Any]]) -> list[G.Edge]:
    out: list[G.Edge] = []
    for o in objs:
        if o["object_type"] == "line":
            out.append(G.line_edge(o["x0"], o["top"], o["x1"], o["bottom"], o["width"], o["height"]))
        else:
            out += G.rect_edges(o["x0"], o["top"], o["x1"], o["bottom"], o["width"], o["height"])
    return out


def _port_chars(chars: list[dict[str, Any]]) -> list[G.Char]:
    return [
        G.Char(c["text"], c["x0"], c["top"], c["x1"], c["bottom"], c["upright"], c["size"]) for c in chars
    ]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.one_of(segment(), rect()), max_size=14), st.lists(char(), max_size=40))
def test_tables_and_cell_text(objs: list[dict[str, Any]], chars: list[dict[str, Any]]) -> None:
    finder = TableFinder(_Page(objs, chars))
    expected_cells = [t.cells for t in finder.tables]
    expected_text = [t.extract(x_tolerance=3, y_tolerance=3) for t in finder.tables]
    tables = G.find_tables(G.table_edges(_port_edges(objs)))
    assert tables == expected_cells
    assert [G.extract_table(t, _port_chars(chars)) for t in tables] == expected_text


@settings(max_examples=150, deadline=None)
@given(st.lists(char(), max_size=30))
def test_extract_text(chars: list[dict[str, Any]]) -> None:
    assert G.extract_text(_port_chars(chars)) == pu.extract_text(chars, x_tolerance=3, y_tolerance=3)


@st.composite
def line_char(draw: st.DrawFn) -> dict[str, Any]:
    """A character of one text line (tops within 3 pt): the common case the port takes a short cut for."""
    c = draw(char())
    top = draw(st.floats(50, 53, allow_nan=False))
    c.update(top=top, bottom=top + c["size"], doctop=top, upright=draw(st.sampled_from([True] * 9 + [False])))
    return c


@settings(max_examples=150, deadline=None)
@given(st.lists(line_char(), max_size=20))
def test_extract_text_one_line(chars: list[dict[str, Any]]) -> None:
    assert G.extract_text(_port_chars(chars)) == pu.extract_text(chars, x_tolerance=3, y_tolerance=3)
