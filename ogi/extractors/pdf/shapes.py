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

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ogi.extractors.pdf.grid import Char, Edge
from ogi.extractors.pdf.pdfium import Shape
from ogi.extractors.pdf.unruled import EDGE, Rule, clusters, open_grid
from ogi.utils.cells import is_value

#: A filled shape thinner than this (pt) is a drawn rule, not a background.
THIN = 2.0
#: How far (pt) a rule may sit from the side of a cell background it borders.
SIDE_TOLERANCE = 3.0
#: A horizontal rule must be this long (pt) to bound a 三线表.
MIN_RULE = 40.0
#: Share of the page height at the top and bottom where running headers and footers are.
MARGIN_SHARE = 0.08
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


def _column(c: Char, ascending: Sequence[float]) -> int:
    """The column a character stands in: how many separators its middle is at or right of.

    A binary search in the separators sorted: counting them one by one made a line of n characters set
    apart (n separators) cost n² steps."""
    return bisect.bisect_right(ascending, (c.x0 + c.x1) / 2)


def _tokens(line: _TextLine, seps: Sequence[float]) -> list[str]:
    """The text of a line in each column."""
    ascending = sorted(seps)  # linear when already sorted, as the callers' separators are
    cols: list[list[str]] = [[] for _ in range(len(seps) + 1)]
    for c in line.chars:
        cols[_column(c, ascending)].append(c.text)
    return ["".join(t).strip() for t in cols]


def _continues_numbers(
    cluster: list[_TextLine],
    above: list[_TextLine],
    seps: Sequence[float],
    columns: Sequence[tuple[float, float]],
    digit: float,
) -> bool:
    """Whether the values of ``cluster`` can be the wrapped rest of numbers in the row ``above``: each
    stands under a number of two characters or more that reaches its column's right end (a number
    wraps only when it fills its column), and not every value column has one (a wrapped row goes on
    in its long numbers only)."""

    # Each column's characters above, counted and with their right end, found once (not per character).
    seps = sorted(seps)
    count: Counter[int] = Counter()
    right: dict[int, float] = {}
    for a in above:
        for x in a.chars:
            k = _column(x, seps)
            count[k] += 1
            right[k] = max(right.get(k, x.x1), x.x1)
    below: set[int] = set()
    for line in cluster:
        for c in line.chars:
            k = _column(c, seps)
            if k == 0 or k >= len(columns):
                continue
            below.add(k)
            if count[k] < 2 or right[k] < columns[k][1] - 1.5 * digit:
                return False
    return len(below) < len(columns) - 1


def _rows(
    lines: list[_TextLine],
    seps: Sequence[float],
    header: bool,
    columns: Sequence[tuple[float, float]] = (),
) -> list[list[_TextLine]]:
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
    first_sep = seps[0] if seps else float("inf")
    label_chars = [c for x in lines for c in x.chars if (c.x0 + c.x1) / 2 < first_sep]
    label_right = max((c.x1 for c in label_chars), default=0.0)
    widths = sorted(c.x1 - c.x0 for c in label_chars)
    char_width = widths[len(widths) // 2] if widths else 0.0
    digits = sorted(c.x1 - c.x0 for x in lines for c in x.chars if c.text.isdigit())
    digit = digits[len(digits) // 2] if digits else char_width / 2
    for cl in clusters:
        tokens = [_tokens(x, seps) for x in cl]
        label = next((tok[0] for tok in tokens if tok[0]), "")
        if not rows or _ENUMERATED.match(label):
            starts = True
        elif not label:
            # Values with nothing in the label column: the rest of the row above (numbers wrapped in
            # their narrow columns), not a row of its own: data rows have labels.
            starts = False
        else:
            # A label wraps only when its line is full: after a full label line this is the rest of
            # that label (with the rest of any wrapped numbers), after a short one a row of its own
            # (also a heading such as 无法提供, printed without numbering).
            above = [c for x in rows[-1] for c in x.chars if (c.x0 + c.x1) / 2 < first_sep]
            last_line = max(above, key=lambda c: c.bottom, default=None)
            starts = True
            if last_line is not None:
                line_end = max(c.x1 for c in above if abs(c.bottom - last_line.bottom) <= 3)
                starts = line_end < label_right - 1.5 * char_width
                # A label line that ends at the column's edge may not have wrapped: values that cannot
                # be the rest of the numbers above start a row of their own.
                if not starts and columns:
                    starts = not _continues_numbers(cl, rows[-1], seps, columns, digit)
        if starts:
            rows.append(list(cl))
        else:
            rows[-1].extend(cl)
    return rows


@dataclass
class Region:
    """Where a 三线表 is, and the x-extent of the text in each of its columns (for a table ruled between
    its rows only, ``lines`` are its column lines and ``columns`` the spaces between them)."""

    bbox: tuple[float, float, float, float]
    columns: list[tuple[float, float]]
    lines: list[float] | None = None


@dataclass
class RuledTables:
    """Explicit edges for the 三线表 of a page, and where they are."""

    vertical: list[Edge]
    horizontal: list[Edge]
    regions: list[Region]


def ruled_table_edges(
    vertical: Sequence[Segment],
    horizontal: Sequence[Segment],
    chars: Sequence[Char],
    page_height: float = 842.0,
    carry: Region | None = None,
) -> RuledTables:
    """Explicit vertical and horizontal edges for every 三线表 on the page (none when there is none).

    ``carry`` is the last 三线表 of the page before: a table whose rows run on at the top of this page
    (without a header of their own) is cut into the columns that table had, not into columns guessed
    from its own rows, where a column left blank all the way would vanish."""
    # A rule that a vertical rule touches belongs to a ruled grid, which the lines strategy reads.
    long_rules = sorted(
        (
            h
            for h in horizontal
            if h.end - h.start >= MIN_RULE
            and not any(
                h.start - SIDE_TOLERANCE <= v.pos <= h.end + SIDE_TOLERANCE
                and v.start - SIDE_TOLERANCE <= h.pos <= v.end + SIDE_TOLERANCE
                for v in vertical
            )
        ),
        key=lambda h: h.pos,
    )
    groups: list[list[Segment]] = []
    for h in long_rules:
        for g in groups:
            if abs(g[0].start - h.start) <= 6 and abs(g[0].end - h.end) <= 6 and h.pos - g[-1].pos > 2:
                g.append(h)
                break
        else:
            groups.append([h])
    out = RuledTables([], [], [])
    # Tables ruled between their rows (vertical rules removed): widest first, their rules taken.
    free = [
        Rule(h.pos, h.start, h.end)
        for h in horizontal
        if h.end - h.start > 2 * EDGE
        and not any(
            h.start - SIDE_TOLERANCE <= v.pos <= h.end + SIDE_TOLERANCE
            and v.start - SIDE_TOLERANCE <= h.pos <= v.end + SIDE_TOLERANCE
            for v in vertical
        )
    ]
    grids: list[tuple[float, float, float, float]] = []
    for cluster in clusters(free):
        x0, x1 = min(r.x0 for r in cluster), max(r.x1 for r in cluster)
        # The same table going on from the page before: that table reached the foot of its page and
        # this one starts at the head of this page, with the same extent.
        top = min(r.y for r in cluster)
        same = (
            carry is not None
            and carry.lines is not None
            and abs(carry.bbox[0] - x0) <= 6
            and abs(carry.bbox[2] - x1) <= 6
            and carry.bbox[3] >= (1 - 2 * MARGIN_SHARE) * page_height
            and top <= 2 * MARGIN_SHARE * page_height
        )
        grid = open_grid(cluster, chars, carry.lines if same and carry and carry.lines else (), free)
        if grid is None:
            continue
        grids.append(grid.bbox)
        out.vertical += grid.vertical
        out.horizontal += grid.horizontal
        out.regions.append(Region(grid.bbox, list(itertools.pairwise(grid.lines)), grid.lines))
    for g in groups:
        x0 = min(h.start for h in g)
        x1 = max(h.end for h in g)
        if any(b[0] - EDGE <= x0 and x1 <= b[2] + EDGE and b[1] - 1 <= g[0].pos <= b[3] + 1 for b in grids):
            continue  # part of a table ruled between its rows, read above
        # Vertical rules inside: a ruled grid, which the lines strategy reads. A 三线表 found here would
        # span the rules at least, so vertical rules between them settle it before the text is read.
        if _crossed(vertical, x0, x1, g[0].pos, g[-1].pos):
            continue
        found = _three_line(g, x0, x1, chars, page_height, carry)
        if found is None:
            continue
        if _crossed(vertical, x0, x1, found[2].bbox[1], found[2].bbox[3]):
            continue
        out.vertical += found[0]
        out.horizontal += found[1]
        out.regions.append(found[2])
    return out


def _crossed(vertical: Sequence[Segment], x0: float, x1: float, top: float, bottom: float) -> bool:
    """Whether a vertical rule runs more than 3 pt inside the region between ``x0`` and ``x1``."""
    return any(
        x0 - SIDE_TOLERANCE <= v.pos <= x1 + SIDE_TOLERANCE and min(v.end, bottom) - max(v.start, top) > 3
        for v in vertical
    )


def _split_by_header(columns: list[tuple[float, float]], header: Sequence[Char]) -> list[tuple[float, float]]:
    """Body columns completed by the header: a label standing over no body text is a column left blank
    in every row of the piece, and two labels over one body column (set apart by a clear gap) cut it
    in two. The header never joins columns (a label over several, such as 法人或其他组织, spans them)."""
    labels = _intervals(header, 4.0)
    out: list[tuple[float, float]] = []
    for a, b in columns:
        inside = [(p, q) for p, q in labels if p >= a - 2 and q <= b + 2]
        cuts = [(q1 + p2) / 2 for (_p1, q1), (p2, _q2) in itertools.pairwise(inside) if p2 - q1 > 6]
        edges = [a, *cuts, b]
        out += [(lo, hi) for lo, hi in itertools.pairwise(edges)]
    for p, q in labels:
        if not any(min(q, b) > max(p, a) for a, b in columns):
            out.append((p, q))
    return sorted(out)


def _table_like(line: _TextLine, width: float) -> bool:
    """A line of table text: words and numbers set apart in columns, a number after the first."""
    spans = _intervals(line.chars, 4.0)
    if len(spans) < 2:
        return False
    first_end = spans[0][1]
    rest = "".join(c.text for c in line.chars if c.x0 > first_end)
    tokens = _tokens(line, [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(spans)])
    return any(is_value(t) for t in tokens[1:] if t) and bool(rest)


def _values_only(line: _TextLine, x0: float, width: float) -> bool:
    """A line of numbers only, right of the label column: the wrapped rest of numbers in a row above
    (「425」 over 「4」 in a narrow column)."""
    spans = _intervals(line.chars, 4.0)
    if not spans or spans[0][0] - x0 <= 0.3 * width:
        return False
    tokens = _tokens(line, [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(spans)])
    return all(is_value(t) for t in tokens if t)


def _label_like(line: _TextLine, x0: float, width: float) -> bool:
    """A line of label text only (a wrapped label, a heading row such as （三）不予公开, maybe printed
    with a space inside: 「（三）不予 公开」)."""
    spans = _intervals(line.chars, 4.0)
    if not spans or spans[-1][1] - spans[0][0] > 0.6 * width or spans[0][0] - x0 > 0.3 * width:
        return False
    tokens = _tokens(line, [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(spans)])
    return not any(is_value(t) for t in tokens[1:] if t)


def _extend(
    lines: list[_TextLine], edge: float, downward: bool, x0: float, width: float, page_height: float
) -> list[_TextLine]:
    """Table lines running on past the outermost rule (the table continues across a page break), in
    page order. Stops at prose, at a wide gap, and at the page margins (headers, footers)."""
    ordered = sorted(lines, key=lambda x: x.top, reverse=not downward)
    taken: list[_TextLine] = []
    last = edge
    for line in ordered:
        if line.top < MARGIN_SHARE * page_height or line.bottom > (1 - MARGIN_SHARE) * page_height:
            break
        pitch = line.bottom - line.top
        gap = line.top - last if downward else last - line.bottom
        if gap > 2.5 * pitch:
            break
        if not (_table_like(line, width) or _label_like(line, x0, width) or _values_only(line, x0, width)):
            break
        taken.append(line)
        last = line.bottom if downward else line.top
    if downward:
        # A table piece ends with a row of values (or the wrapped end of one), not a stray label line.
        while taken and not (_table_like(taken[-1], width) or _values_only(taken[-1], x0, width)):
            taken.pop()
    return sorted(taken, key=lambda x: x.top)


def _three_line(
    rules_: list[Segment],
    x0: float,
    x1: float,
    chars: Sequence[Char],
    page_height: float,
    carry: Region | None = None,
) -> tuple[list[Edge], list[Edge], Region] | None:
    first, last = rules_[0].pos, rules_[-1].pos
    width = x1 - x0
    lines = _text_lines([c for c in chars if not c.text.isspace() and x0 <= (c.x0 + c.x1) / 2 <= x1])
    bands: list[list[_TextLine]] = []
    for a, b in itertools.pairwise(rules_):
        bands.append([x for x in lines if a.pos < (x.top + x.bottom) / 2 < b.pos])
    # A header is the band under the first rule when it holds no number.
    has_header = bool(bands) and bool(bands[0]) and not any(_table_like(x, width) for x in bands[0])
    above = _extend([x for x in lines if x.bottom < first], first, False, x0, width, page_height)
    below = _extend([x for x in lines if x.top > last], last, True, x0, width, page_height)
    if above and has_header:
        above = []  # a table piece starts either with its header or with rows run on from a page before
    all_bands = ([above] if above else []) + bands + ([below] if below else [])
    header_index = (1 if above else 0) if has_header else -1
    body = [x for k, band in enumerate(all_bands) if k != header_index for x in band]
    if len(body) < 2:
        return None
    for line in body:
        spans = _intervals(line.chars, 4.0)
        if len(spans) == 1 and spans[0][1] - spans[0][0] > 0.6 * width:
            return None  # prose between the rules: these rules are not a table
    columns = _intervals([c for line in body for c in line.chars], 4.0)
    if has_header:
        columns = _split_by_header(columns, [c for line in all_bands[header_index] for c in line.chars])
    if (
        above
        and carry is not None
        and abs(carry.bbox[0] - x0) <= 6
        and abs(carry.bbox[2] - x1) <= 6
        and len(carry.columns) >= len(columns)
    ):
        # Rows run on from the page before: that table's columns, widened by this piece's own text
        # where it falls in only one of them (a longer label here).
        own = columns
        columns = []
        for col in carry.columns:
            lo, hi = col
            for p, q in own:
                hits = [k for k in carry.columns if min(q, k[1]) > max(p, k[0])]
                if hits == [col]:
                    lo, hi = min(lo, p), max(hi, q)
            columns.append((lo, hi))
    if len(columns) < 2:
        return None
    seps = [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(columns)]
    if sum(1 for line in body if _table_like(line, width)) < 2:
        return None
    top = above[0].top - 1.0 if above else first
    bottom = below[-1].bottom + 1.0 if below else last
    h_positions: list[float] = []
    for k, band_lines in enumerate(all_bands):
        rows = _rows(band_lines, seps, header=k == header_index, columns=columns)
        for r0, r1 in itertools.pairwise(rows):
            h_positions.append((max(x.bottom for x in r0) + min(x.top for x in r1)) / 2)
    height = bottom - top
    v_edges = [Edge(x, top, x, bottom, "v", height) for x in (x0, *seps, x1)]
    h_edges = [Edge(x0, y, x1, y, "h", width) for y in (top, *h_positions, bottom)]
    return v_edges, h_edges, Region((x0, top, x1, bottom), columns)
