"""pdfplumber's table finder (``lines`` strategy) and text joining, ported to plain data.

The fast PDF engine reads characters and ruling lines through pdfium; this module then runs the very
algorithm pdfplumber 0.11 runs (``pdfplumber/table.py``, ``utils/clustering.py``, ``utils/text.py``) so
that both engines find the same grids and join the same cell text. Every step keeps pdfplumber's order
of operations, tolerances and tie-breaking (stable sorts over the same input order), because grids are
compared cell by cell between the engines. Only the data structures differ: tuples instead of dicts, and
precomputed lookups where pdfplumber rescans lists.

Coordinates are pdfplumber's: origin at the top-left of the page, ``top`` growing downwards.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

SNAP_TOLERANCE = 3.0
JOIN_TOLERANCE = 3.0
EDGE_MIN_LENGTH = 3.0
EDGE_MIN_LENGTH_PREFILTER = 1.0
INTERSECTION_TOLERANCE = 3.0
X_TOLERANCE = 3.0
Y_TOLERANCE = 3.0

Bbox = tuple[float, float, float, float]
Point = tuple[float, float]
T = TypeVar("T")


class Char:
    """A character as pdfplumber describes it (only what table finding and text joining read)."""

    __slots__ = ("bottom", "size", "text", "top", "upright", "x0", "x1")

    def __init__(
        self, text: str, x0: float, top: float, x1: float, bottom: float, upright: bool, size: float
    ) -> None:
        self.text = text
        self.x0 = x0
        self.top = top
        self.x1 = x1
        self.bottom = bottom
        self.upright = upright
        self.size = size

    def __repr__(self) -> str:
        return f"Char({self.text!r}, {self.x0:.2f}, {self.top:.2f}, {self.x1:.2f}, {self.bottom:.2f})"


class Edge:
    """A horizontal (``h``) or vertical (``v``) edge; ``length`` is pdfplumber's width/height field."""

    __slots__ = ("bottom", "length", "orientation", "top", "x0", "x1")

    def __init__(
        self, x0: float, top: float, x1: float, bottom: float, orientation: str | None, length: float
    ) -> None:
        self.x0 = x0
        self.top = top
        self.x1 = x1
        self.bottom = bottom
        self.orientation = orientation
        self.length = length

    @property
    def bbox(self) -> Bbox:
        return (self.x0, self.top, self.x1, self.bottom)

    def __repr__(self) -> str:
        return f"Edge({self.orientation}, {self.x0:.2f}, {self.top:.2f}, {self.x1:.2f}, {self.bottom:.2f})"


# -- edges from page objects (pdfplumber.utils.geometry) -----------------------------------------------


def line_edge(x0: float, top: float, x1: float, bottom: float, width: float, height: float) -> Edge:
    """``line_to_edge``: a line is horizontal when its top equals its bottom, else vertical."""
    if top == bottom:
        return Edge(x0, top, x1, bottom, "h", width)
    return Edge(x0, top, x1, bottom, "v", height)


def rect_edges(x0: float, top: float, x1: float, bottom: float, width: float, height: float) -> list[Edge]:
    """``rect_to_edges``: top, bottom, left, right (the bottom edge sits at ``top + height``)."""
    return [
        Edge(x0, top, x1, top, "h", width),
        Edge(x0, top + height, x1, top + height, "h", width),
        Edge(x0, top, x0, bottom, "v", height),
        Edge(x1, top, x1, bottom, "v", height),
    ]


def curve_edges(pts: Sequence[Point]) -> list[Edge]:
    """``curve_to_edges``: one edge per pair of consecutive points (diagonals get no orientation)."""
    out = []
    for p0, p1 in itertools.pairwise(pts):
        orientation = "v" if p0[0] == p1[0] else ("h" if p0[1] == p1[1] else None)
        length = abs(p0[0] - p1[0]) if orientation == "h" else abs(p0[1] - p1[1])
        out.append(
            Edge(
                min(p0[0], p1[0]),
                min(p0[1], p1[1]),
                max(p0[0], p1[0]),
                max(p0[1], p1[1]),
                orientation,
                length,
            )
        )
    return out


def filter_edges(edges: Iterable[Edge], orientation: str | None = None, min_length: float = 1) -> list[Edge]:
    return [
        e
        for e in edges
        if (orientation is None or e.orientation == orientation) and e.orientation is not None
        if e.length >= min_length
    ]


# -- clustering (pdfplumber.utils.clustering) ------------------------------------------------------------


def cluster_list(xs: list[float], tolerance: float = 0) -> list[list[float]]:
    if tolerance == 0 or len(xs) < 2:
        return [[x] for x in sorted(xs)]
    groups = []
    xs = sorted(xs)
    current = [xs[0]]
    last = xs[0]
    for x in xs[1:]:
        if x <= last + tolerance:
            current.append(x)
        else:
            groups.append(current)
            current = [x]
        last = x
    groups.append(current)
    return groups


def cluster_objects(xs: Sequence[T], key: Callable[[T], float], tolerance: float) -> list[list[T]]:
    """Objects grouped by ``key`` within ``tolerance``, clusters in key order, objects in input order."""
    keys = [key(x) for x in xs]
    index: dict[float, int] = {}
    for i, cluster in enumerate(cluster_list(list(set(keys)), tolerance)):
        for value in cluster:
            index[value] = i
    tagged = sorted(zip(keys, range(len(xs))), key=lambda kv: index[kv[0]])
    out: list[list[T]] = []
    last = None
    for k, i in tagged:
        c = index[k]
        if c != last:
            out.append([])
            last = c
        out[-1].append(xs[i])
    return out


# -- merging edges (pdfplumber.table) ---------------------------------------------------------------------


def _snap(edges: list[Edge], attr: str, tolerance: float) -> list[Edge]:
    if attr == "x0":
        clusters = cluster_objects(edges, lambda e: e.x0, tolerance)
    else:
        clusters = cluster_objects(edges, lambda e: e.top, tolerance)
    out = []
    for cluster in clusters:
        if attr == "x0":
            avg = sum(e.x0 for e in cluster) / len(cluster)
            for e in cluster:
                d = avg - e.x0
                out.append(Edge(e.x0 + d, e.top, e.x1 + d, e.bottom, e.orientation, e.length))
        else:
            avg = sum(e.top for e in cluster) / len(cluster)
            for e in cluster:
                d = avg - e.top
                out.append(Edge(e.x0, e.top + d, e.x1, e.bottom + d, e.orientation, e.length))
    return out


def snap_edges(edges: list[Edge], x_tolerance: float, y_tolerance: float) -> list[Edge]:
    v = [e for e in edges if e.orientation == "v"]
    h = [e for e in edges if e.orientation == "h"]
    return _snap(v, "x0", x_tolerance) + _snap(h, "top", y_tolerance)


def join_edge_group(edges: Iterable[Edge], orientation: str, tolerance: float) -> list[Edge]:
    if orientation == "h":
        ordered = sorted(edges, key=lambda e: e.x0)
        joined = [ordered[0]]
        for e in ordered[1:]:
            last = joined[-1]
            if e.x0 <= last.x1 + tolerance:
                if e.x1 > last.x1:
                    joined[-1] = Edge(last.x0, last.top, e.x1, last.bottom, "h", e.x1 - last.x0)
            else:
                joined.append(e)
        return joined
    ordered = sorted(edges, key=lambda e: e.top)
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e.top <= last.bottom + tolerance:
            if e.bottom > last.bottom:
                diff = e.bottom - last.bottom
                joined[-1] = Edge(last.x0, last.top, last.x1, e.bottom, "v", last.length + diff)
        else:
            joined.append(e)
    return joined


def merge_edges(edges: list[Edge], snap_tolerance: float, join_tolerance: float) -> list[Edge]:
    if snap_tolerance > 0:
        edges = snap_edges(edges, snap_tolerance, snap_tolerance)

    def group(e: Edge) -> tuple[str, float]:
        return ("h", e.top) if e.orientation == "h" else ("v", e.x0)

    out: list[Edge] = []
    for k, items in itertools.groupby(sorted(edges, key=group), key=group):
        out.extend(join_edge_group(items, k[0], join_tolerance))
    return out


def table_edges(
    raw_edges: list[Edge],
    explicit_v: Sequence[Edge] = (),
    explicit_h: Sequence[Edge] = (),
    use_lines_v: bool = True,
    use_lines_h: bool = True,
) -> list[Edge]:
    """``TableFinder.get_edges`` for the ``lines`` strategy (optionally with explicit edges added)."""
    v = filter_edges(raw_edges, "v", EDGE_MIN_LENGTH_PREFILTER) if use_lines_v else []
    h = filter_edges(raw_edges, "h", EDGE_MIN_LENGTH_PREFILTER) if use_lines_h else []
    edges = v + list(explicit_v) + h + list(explicit_h)
    edges = merge_edges(edges, SNAP_TOLERANCE, JOIN_TOLERANCE)
    return filter_edges(edges, None, EDGE_MIN_LENGTH)


# -- intersections, cells, tables ---------------------------------------------------------------------------


@dataclass
class _Vertex:
    v: set[Bbox]
    h: set[Bbox]


def edges_to_intersections(
    edges: list[Edge], x_tolerance: float = 1, y_tolerance: float = 1
) -> dict[Point, _Vertex]:
    out: dict[Point, _Vertex] = {}
    v_edges = sorted((e for e in edges if e.orientation == "v"), key=lambda e: (e.x0, e.top))
    h_edges = sorted((e for e in edges if e.orientation == "h"), key=lambda e: (e.top, e.x0))
    h_tops = [h.top for h in h_edges]
    for v in v_edges:
        # Only the horizontal edges whose top lies within reach of the vertical edge can meet it: a
        # window found by bisection (one point wider than the tolerance, so rounding cannot narrow it),
        # then the exact test below, in pdfplumber's order.
        lo = bisect.bisect_left(h_tops, v.top - y_tolerance - 1)
        hi = bisect.bisect_right(h_tops, v.bottom + y_tolerance + 1)
        for h in h_edges[lo:hi]:
            if (
                v.top <= h.top + y_tolerance
                and v.bottom >= h.top - y_tolerance
                and v.x0 >= h.x0 - x_tolerance
                and v.x0 <= h.x1 + x_tolerance
            ):
                vertex = (v.x0, h.top)
                if vertex not in out:
                    out[vertex] = _Vertex(set(), set())
                out[vertex].v.add(v.bbox)
                out[vertex].h.add(h.bbox)
    return out


def intersections_to_cells(intersections: dict[Point, _Vertex]) -> list[Bbox]:
    """Every smallest rectangle whose four corners are intersections joined by edges."""
    points = sorted(intersections)
    below_of: dict[float, list[Point]] = {}
    right_of: dict[float, list[Point]] = {}
    #: Where each point sits in its column and in its row: the points after it there are the ones
    #: greater than it (the lists are built in sorted order).
    in_column: dict[Point, int] = {}
    in_row: dict[Point, int] = {}
    for p in points:
        column = below_of.setdefault(p[0], [])
        in_column[p] = len(column)
        column.append(p)
        row = right_of.setdefault(p[1], [])
        in_row[p] = len(row)
        row.append(p)

    def v_connects(p1: Point, p2: Point) -> bool:
        return not intersections[p1].v.isdisjoint(intersections[p2].v)

    def h_connects(p1: Point, p2: Point) -> bool:
        return not intersections[p1].h.isdisjoint(intersections[p2].h)

    cells: list[Bbox] = []
    for pt in points:
        below = below_of[pt[0]][in_column[pt] + 1 :]
        right = right_of[pt[1]][in_row[pt] + 1 :]
        found = None
        for below_pt in below:
            if not v_connects(pt, below_pt):
                continue
            for right_pt in right:
                if not h_connects(pt, right_pt):
                    continue
                bottom_right = (right_pt[0], below_pt[1])
                if (
                    bottom_right in intersections
                    and v_connects(bottom_right, right_pt)
                    and h_connects(bottom_right, below_pt)
                ):
                    found = (pt[0], pt[1], bottom_right[0], bottom_right[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def cells_to_tables(cells: list[Bbox]) -> list[list[Bbox]]:
    """Cells grouped into tables by shared corners, top-to-bottom; single-cell groups dropped."""

    def corners(b: Bbox) -> tuple[Point, Point, Point, Point]:
        x0, top, x1, bottom = b
        return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))

    remaining = list(cells)
    current_corners: set[Point] = set()
    current: list[Bbox] = []
    tables: list[list[Bbox]] = []
    while remaining:
        initial = len(current)
        for cell in list(remaining):
            cc = corners(cell)
            if not current or any(c in current_corners for c in cc):
                current_corners.update(cc)
                current.append(cell)
                remaining.remove(cell)
        if len(current) == initial:
            tables.append(list(current))
            current_corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    ordered = sorted(tables, key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in ordered if len(t) > 1]


def find_tables(edges: list[Edge]) -> list[list[Bbox]]:
    """The cell bboxes of each table the edges describe (``TableFinder(...).tables``)."""
    inter = edges_to_intersections(edges, INTERSECTION_TOLERANCE, INTERSECTION_TOLERANCE)
    return cells_to_tables(intersections_to_cells(inter))


def table_rows(cells: list[Bbox]) -> list[list[Bbox | None]]:
    """``Table.rows``: cells grouped by top, placed at the table's distinct x0 positions."""
    ordered = sorted(cells, key=lambda c: (c[1], c[0]))
    xs = sorted({c[0] for c in cells})
    rows = []
    for _top, row_cells in itertools.groupby(ordered, key=lambda c: c[1]):
        by_x = {c[0]: c for c in row_cells}
        rows.append([by_x.get(x) for x in xs])
    return rows


def extract_table(cells: list[Bbox], chars: Sequence[Char]) -> list[list[str | None]]:
    """``Table.extract()``: each cell's text, None where a merged cell covers the position.

    A character belongs to a row, then to a cell, when its centre lies inside (left/top edges
    inclusive). Characters outside the table are set aside first; that changes nothing (every row lies
    inside the table) but saves testing every character of the page against every row.
    """
    x0s, tops, x1s, bottoms = zip(*cells)
    tx0, ttop, tx1, tbottom = min(x0s), min(tops), max(x1s), max(bottoms)
    inside: list[tuple[float, float, Char]] = []
    for c in chars:
        h = (c.x0 + c.x1) / 2
        v = (c.top + c.bottom) / 2
        if tx0 <= h < tx1 and ttop <= v < tbottom:
            inside.append((h, v, c))
    # A row's characters are found by bisection on their vertical centres, then kept in page order.
    by_v = sorted(range(len(inside)), key=lambda k: inside[k][1])
    vs = [inside[k][1] for k in by_v]
    out: list[list[str | None]] = []
    for row in table_rows(cells):
        present = [c for c in row if c is not None]
        rx0 = min(c[0] for c in present)
        rtop = min(c[1] for c in present)
        rx1 = max(c[2] for c in present)
        rbottom = max(c[3] for c in present)
        window = sorted(by_v[bisect.bisect_left(vs, rtop) : bisect.bisect_left(vs, rbottom)])
        row_chars = [t for t in (inside[k] for k in window) if rx0 <= t[0] < rx1 and rtop <= t[1] < rbottom]
        texts: list[str | None] = []
        for cell in row:
            if cell is None:
                texts.append(None)
                continue
            x0, top, x1, bottom = cell
            cell_chars = [t[2] for t in row_chars if x0 <= t[0] < x1 and top <= t[1] < bottom]
            texts.append(extract_text(cell_chars) if cell_chars else "")
        out.append(texts)
    return out


# -- text (pdfplumber.utils.text, layout=False) ---------------------------------------------------------------


def _begins_new_word(prev: Char, curr: Char, upright: bool) -> bool:
    if upright:  # direction "ltr"
        ax, bx, cx = prev.x0, prev.x1, curr.x0
        ay, cy = prev.top, curr.top
        x, y = X_TOLERANCE, Y_TOLERANCE
    else:  # direction "ttb"
        ax, bx, cx = prev.top, prev.bottom, curr.top
        ay, cy = prev.x0, curr.x0
        x, y = Y_TOLERANCE, X_TOLERANCE
    return cx < ax or cx > bx + x or abs(cy - ay) > y


class Word:
    __slots__ = ("text", "top")

    def __init__(self, text: str, top: float) -> None:
        self.text = text
        self.top = top


_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def extract_words(chars: Sequence[Char]) -> list[Word]:
    words: list[Word] = []

    def emit(word: list[Char]) -> None:
        words.append(Word("".join(_LIGATURES.get(c.text, c.text) for c in word), min(c.top for c in word)))

    for upright, group in itertools.groupby(chars, key=lambda c: c.upright):
        group_chars = list(group)
        if upright:
            lines = cluster_objects(group_chars, lambda c: c.top, Y_TOLERANCE)
            lines = [sorted(line, key=lambda c: (c.x0, c.x0)) for line in lines]
        else:
            lines = cluster_objects(group_chars, lambda c: c.x0, X_TOLERANCE)
            lines = [sorted(line, key=lambda c: (c.top, c.bottom)) for line in lines]
        for line in lines:
            current: list[Char] = []
            for c in line:
                if c.text.isspace():
                    if current:
                        emit(current)
                    current = []
                elif current and _begins_new_word(current[-1], c, upright):
                    emit(current)
                    current = [c]
                else:
                    current.append(c)
            if current:
                emit(current)
    return words


def _one_line_text(chars: Sequence[Char]) -> str | None:
    """``extract_text`` for upright characters whose tops lie within the tolerance of each other (most
    cells): one line, its words in x order. None when the general path is needed."""
    tops = [c.top for c in chars]
    if max(tops) - min(tops) > Y_TOLERANCE or not all(c.upright for c in chars):
        return None
    words: list[str] = []
    current: list[str] = []
    prev: Char | None = None
    for c in sorted(chars, key=lambda c: c.x0):
        if c.text.isspace():
            if current:
                words.append("".join(current))
            current = []
            prev = None
            continue
        if prev is not None and (c.x0 < prev.x0 or c.x0 > prev.x1 + X_TOLERANCE):
            words.append("".join(current))
            current = []
        current.append(_LIGATURES.get(c.text, c.text))
        prev = c
    if current:
        words.append("".join(current))
    return " ".join(words)


def extract_text(chars: Sequence[Char]) -> str:
    """``pdfplumber.utils.extract_text(chars, x_tolerance=3, y_tolerance=3)``."""
    if not chars:
        return ""
    fast = _one_line_text(chars)
    if fast is not None:
        return fast
    lines = cluster_objects(extract_words(chars), lambda w: w.top, Y_TOLERANCE)
    return "\n".join(" ".join(w.text for w in line) for line in lines)
