"""Which painted shapes of a PDF page are table rules, and where a table has rules but no columns.

Engine-independent geometry: both engines pass their own shapes through the same decisions before
finding tables, so they keep and add the same edges.

- WPS paints a white, fill-only rectangle behind every line of body text; the lines strategy turns a
  column of them into a one-column "table" of prose (and glues such rows onto the top of a real table).
  It also paints white cell backgrounds that are sometimes the only thing closing a row at a page break,
  so fill rectangles cannot simply be ignored: a fill-only rectangle is kept when ruling lines run down
  both of its sides (it is a cell of a ruled table), and dropped otherwise.
- A 三线表 has horizontal rules and no vertical ones, so the lines strategy finds no cells. Where a group
  of horizontal rules of the same extent has no vertical rule between them, the columns are found from
  the gaps between characters and the rows from the text lines, and handed to the table finder as
  explicit edges.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ogi.extractors.pdfgrid import Char, Edge
from ogi.extractors.pdfium_reader import Shape

#: A filled shape thinner than this (pt) is a drawn rule, not a background.
THIN = 2.0
#: How far (pt) a rule may sit from the side of a cell background it borders.
SIDE_TOLERANCE = 3.0
#: A horizontal rule must be this long (pt) to bound a 三线表.
MIN_RULE = 40.0
_NUMBER = re.compile(r"^[-+−]?\d[\d,，]*(?:[.．]\d+)?%?$")
_ENUMERATED = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[一二三四五六七八九十]+\s*[、.．]|\d+\s*[、.．)）])"
)


@dataclass(frozen=True)
class Segment:
    """A ruling segment: vertical (``x``, ``top``..``bottom``) or horizontal (``y``, ``x0``..``x1``)."""

    pos: float
    start: float
    end: float


def _is_rule(s: Shape) -> bool:
    return s.kind == "line" or s.stroke or min(s.x1 - s.x0, s.bottom - s.top) <= THIN


def rules(shapes: Sequence[Shape]) -> tuple[list[Segment], list[Segment]]:
    """Vertical and horizontal ruling segments painted on the page."""
    vertical: list[Segment] = []
    horizontal: list[Segment] = []
    for s in shapes:
        if not _is_rule(s):
            continue
        w = s.x1 - s.x0
        h = s.bottom - s.top
        if s.kind == "curve":
            for (x0, y0), (x1, y1) in zip(s.pts, s.pts[1:]):
                if abs(x0 - x1) <= 0.5 and abs(y0 - y1) > 0:
                    vertical.append(Segment((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
                elif abs(y0 - y1) <= 0.5 and abs(x0 - x1) > 0:
                    horizontal.append(Segment((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
            continue
        if w <= THIN and h > 0:
            vertical.append(Segment((s.x0 + s.x1) / 2, s.top, s.bottom))
        elif h <= THIN and w > 0:
            horizontal.append(Segment((s.top + s.bottom) / 2, s.x0, s.x1))
        elif s.kind == "rect":  # a stroked box: its four sides are rules
            vertical += [Segment(s.x0, s.top, s.bottom), Segment(s.x1, s.top, s.bottom)]
            horizontal += [Segment(s.top, s.x0, s.x1), Segment(s.bottom, s.x0, s.x1)]
    return vertical, horizontal


def backgrounds_to_drop(rects: Sequence[Shape], vertical: Sequence[Segment]) -> set[int]:
    """Indexes of fill-only rectangles that are not cells of a ruled table (see the module docstring)."""
    drop: set[int] = set()
    for i, r in enumerate(rects):
        if not r.fill or r.stroke or min(r.x1 - r.x0, r.bottom - r.top) <= THIN:
            continue
        half = (r.bottom - r.top) / 2

        def bordered(x: float, r: Shape = r, half: float = half) -> bool:
            return any(
                abs(v.pos - x) <= SIDE_TOLERANCE and min(v.end, r.bottom) - max(v.start, r.top) >= half
                for v in vertical
            )

        if not (bordered(r.x0) and bordered(r.x1)):
            drop.add(i)
    return drop


def is_table_page(vertical: Sequence[Segment], horizontal: Sequence[Segment]) -> bool:
    """Whether the page's rules could make a table: two long rules across the text, at least (vertical
    ones count too: on a page turned by /Rotate, pdfium sees the table sideways)."""
    return (
        sum(1 for h in horizontal if h.end - h.start >= MIN_RULE) >= 2
        or sum(1 for v in vertical if v.end - v.start >= MIN_RULE) >= 2
    )


# -- 三线表 --------------------------------------------------------------------------------------------------


@dataclass
class _TextLine:
    chars: list[Char]
    top: float
    bottom: float

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)


def _text_lines(chars: Sequence[Char]) -> list[_TextLine]:
    lines: list[_TextLine] = []
    for c in sorted(chars, key=lambda c: c.bottom):
        if lines and abs(c.bottom - lines[-1].chars[-1].bottom) <= 3:
            line = lines[-1]
            line.chars.append(c)
            line.top = min(line.top, c.top)
            line.bottom = max(line.bottom, c.bottom)
        else:
            lines.append(_TextLine([c], c.top, c.bottom))
    for line in lines:
        line.chars.sort(key=lambda c: c.x0)
    return lines


def _intervals(chars: Sequence[Char], gap: float) -> list[tuple[float, float]]:
    """The x-intervals covered by characters, merged across gaps narrower than ``gap``."""
    spans = sorted((c.x0, c.x1) for c in chars)
    out: list[list[float]] = []
    for x0, x1 in spans:
        if out and x0 <= out[-1][1] + gap:
            out[-1][1] = max(out[-1][1], x1)
        else:
            out.append([x0, x1])
    return [(a, b) for a, b in out]


def _tokens(line: _TextLine, seps: Sequence[float]) -> list[str]:
    """The text of a line in each column."""
    cols = [""] * (len(seps) + 1)
    for c in line.chars:
        mid = (c.x0 + c.x1) / 2
        k = sum(1 for s in seps if mid >= s)
        cols[k] += c.text
    return [t.strip() for t in cols]


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.replace(" ", "")))


def _rows(lines: list[_TextLine], seps: Sequence[float], header: bool) -> list[list[_TextLine]]:
    """Text lines grouped into table rows (overlapping lines share a row; wrapped labels continue one)."""
    clusters: list[list[_TextLine]] = []
    for line in lines:
        if clusters and line.top < max(x.bottom for x in clusters[-1]) - 1:
            clusters[-1].append(line)
        else:
            clusters.append([line])
    if header:
        return [[x for cl in clusters for x in cl]] if clusters else []
    rows: list[list[_TextLine]] = []
    for cl in clusters:
        tokens = [_tokens(x, seps) for x in cl]
        has_value = any(_is_number(t) for tok in tokens for t in tok[1:] if t)
        label = next((tok[0] for tok in tokens if tok[0]), "")
        starts = has_value or bool(_ENUMERATED.match(label)) or not rows
        if starts:
            rows.append(list(cl))
        else:
            rows[-1].extend(cl)
    return rows


def ruled_table_edges(
    vertical: Sequence[Segment], horizontal: Sequence[Segment], chars: Sequence[Char]
) -> tuple[list[Edge], list[Edge]]:
    """Explicit vertical and horizontal edges for every 三线表 on the page (none when there is none)."""
    long_rules = sorted((h for h in horizontal if h.end - h.start >= MIN_RULE), key=lambda h: h.pos)
    groups: list[list[Segment]] = []
    for h in long_rules:
        for g in groups:
            if abs(g[0].start - h.start) <= 6 and abs(g[0].end - h.end) <= 6 and h.pos - g[-1].pos > 2:
                g.append(h)
                break
        else:
            groups.append([h])
    ev: list[Edge] = []
    eh: list[Edge] = []
    for g in groups:
        if len(g) < 2:
            continue
        x0 = min(h.start for h in g)
        x1 = max(h.end for h in g)
        top, bottom = g[0].pos, g[-1].pos
        if any(
            x0 - SIDE_TOLERANCE <= v.pos <= x1 + SIDE_TOLERANCE and min(v.end, bottom) - max(v.start, top) > 3
            for v in vertical
        ):
            continue  # ruled grid: the lines strategy reads it
        edges = _three_line(g, x0, x1, chars)
        if edges is not None:
            ev += edges[0]
            eh += edges[1]
    return ev, eh


def _three_line(
    rules_: list[Segment], x0: float, x1: float, chars: Sequence[Char]
) -> tuple[list[Edge], list[Edge]] | None:
    top, bottom = rules_[0].pos, rules_[-1].pos
    inside = [
        c
        for c in chars
        if not c.text.isspace() and x0 <= (c.x0 + c.x1) / 2 <= x1 and top < (c.top + c.bottom) / 2 < bottom
    ]
    if not inside:
        return None
    bands: list[list[_TextLine]] = []
    for a, b in itertools.pairwise(rules_):
        band = [c for c in inside if a.pos < (c.top + c.bottom) / 2 < b.pos]
        bands.append(_text_lines(band))
    has_header = len(rules_) >= 3 and bool(bands[0])
    body = [line for band in (bands[1:] if has_header else bands) for line in band]
    if len(body) < 2:
        return None
    width = x1 - x0
    # A prose line (wide, without gaps) between the rules: these rules are not a table.
    for line in body:
        spans = _intervals(line.chars, 4.0)
        if len(spans) == 1 and spans[0][1] - spans[0][0] > 0.6 * width:
            return None
    columns = _intervals([c for line in body for c in line.chars], 4.0)
    if len(columns) < 2:
        return None
    seps = [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(columns)]
    if not any(_is_number(t) for line in body for t in _tokens(line, seps)[1:] if t):
        return None
    h_positions: list[float] = []
    for k, band_lines in enumerate(bands):
        rows = _rows(band_lines, seps, header=has_header and k == 0)
        for r0, r1 in itertools.pairwise(rows):
            h_positions.append((max(x.bottom for x in r0) + min(x.top for x in r1)) / 2)
    if len(h_positions) + len(rules_) - 1 < 2:
        return None
    height = bottom - top
    v_edges = [Edge(x, top, x, bottom, "v", height) for x in (x0, *seps, x1)]
    h_edges = [Edge(x0, y, x1, y, "h", width) for y in (top, *h_positions, bottom)]
    return v_edges, h_edges
