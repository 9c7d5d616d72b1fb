"""Running text of PDF pages: characters to lines, lines to paragraphs, headers and footers removed.

Lines are clustered on the characters' bottoms (the descent line: a bold run and the body text next to it
share it, while their tops differ). A new paragraph starts at a first-line indent, after a line that ends
short of the right margin, at a change of font size or after extra space; centred lines of the same size
(a title printed on two lines) stay together, and a paragraph runs on across a page break when its last
line is full. Chinese lines join without a space.

Page furniture is removed from the top and bottom margins: page numbers (``- 4 -``, ``第4页``) and lines
repeated on most pages.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ogi.extractors.pdf.grid import Bbox, Char
from ogi.extractors.pdf.pdfium import PageData, TextLine
from ogi.extractors.pdf.tables import PAGE_NUMBER, SPACE_NEAR_CJK
from ogi.extractors.textutil import join_wrapped
from ogi.utils.text import is_cjk

#: Share of the page height at the top and at the bottom where headers and footers live.
MARGIN = 0.1


@dataclass
class Line:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    page: int


def _cjk(ch: str) -> bool:
    return is_cjk(ch)


def line_text(chars: Sequence[Char]) -> str:
    """Characters of one line, left to right: a space only between non-CJK words set apart."""
    out: list[str] = []
    prev: Char | None = None
    for c in chars:
        t = c.text
        if t.isspace():
            if out and out[-1] != " ":
                out.append(" ")
            prev = None
            continue
        if prev is not None and out[-1] != " " and _set_apart(prev, c):
            out.append(" ")
        out.append(t)
        prev = c
    return SPACE_NEAR_CJK.sub("", "".join(out)).strip()


def _set_apart(prev: Char, c: Char) -> bool:
    """Whether a space goes between ``prev`` and the next character ``c`` of a line: non-CJK text set apart
    by more than a little."""
    return c.x0 - prev.x1 > 0.15 * max(c.size, prev.size) and not (_cjk(prev.text) or _cjk(c.text))


def _same_line(bottom: float, first_bottom: float, size: float) -> bool:
    """Whether text of ``size`` whose bottom is ``bottom`` belongs to the line whose first bottom is
    ``first_bottom`` (bottoms are the descent line: a bold run and the body text share it)."""
    return bottom - first_bottom <= max(3.0, 0.25 * size)


def _most_common(sizes: dict[float, int]) -> float:
    """``Counter.most_common``'s choice: the most frequent size, the first seen among equals."""
    return max(sizes, key=sizes.__getitem__)


def page_lines(chars: Sequence[Char], page: int, exclude: Sequence[Bbox] = ()) -> list[Line]:
    """Text lines of a page, top to bottom, without the characters inside ``exclude`` (tables)."""

    if exclude:
        # Most characters of a table page lie outside every table: one test against the tables' hull
        # settles those before each table is tried.
        boxes = [(b[0] - 1, b[1] - 1, b[2] + 1, b[3] + 1) for b in exclude]
        hx0 = min(b[0] for b in boxes)
        htop = min(b[1] for b in boxes)
        hx1 = max(b[2] for b in boxes)
        hbottom = max(b[3] for b in boxes)
        kept = []
        for c in chars:
            if not c.upright:
                continue
            mx = (c.x0 + c.x1) / 2
            my = (c.top + c.bottom) / 2
            if (hx0 <= mx <= hx1 and htop <= my <= hbottom) and any(
                b[0] <= mx <= b[2] and b[1] <= my <= b[3] for b in boxes
            ):
                continue
            kept.append(c)
    else:
        kept = [c for c in chars if c.upright]
    groups: list[list[Char]] = []
    kept.sort(key=_bottom)
    group: list[Char] = []
    first_bottom = 0.0
    for c in kept:
        if group and _same_line(c.bottom, first_bottom, c.size):
            group.append(c)
        else:
            group = [c]
            first_bottom = c.bottom
            groups.append(group)
    lines = []
    for g in groups:
        g.sort(key=_x0)
        text = line_text(g)
        if not text:
            continue
        visible = [c for c in g if not c.text.isspace()]
        first = visible[0]
        x0, top, x1, bottom = first.x0, first.top, first.x1, first.bottom
        sizes: dict[float, int] = {}
        for c in visible:
            if c.x0 < x0:
                x0 = c.x0
            if c.top < top:
                top = c.top
            if c.x1 > x1:
                x1 = c.x1
            if c.bottom > bottom:
                bottom = c.bottom
            size = round(c.size, 1)
            sizes[size] = sizes.get(size, 0) + 1
        lines.append(Line(text, x0, top, x1, bottom, _most_common(sizes), page))
    return lines


def lines_of(page: PageData, chars: Sequence[Char] | None = None, exclude: Sequence[Bbox] = ()) -> list[Line]:
    """The text lines of ``page``: from ``chars`` when given (characters another reader supplied), else
    from the page's own characters, or from its ``text_lines`` when it was read for its prose only."""
    if chars is None and page.text_lines is not None and not exclude:
        return prose_lines(page.text_lines, page.number)
    return page_lines(page.chars if chars is None else chars, page.number, exclude)


def prose_lines(text_lines: Sequence[TextLine], page: int) -> list[Line]:
    """``page_lines`` for a page read for its prose: pdfium's lines, boxed and sized by their sampled
    characters, and joined as ``page_lines`` joins characters: lines whose bottoms lie within its
    tolerance are one line, left to right, a space only between non-CJK text set apart."""
    pieces: list[tuple[str, TextLine]] = []
    for t in text_lines:
        text = SPACE_NEAR_CJK.sub("", _WS.sub(" ", t.text)).strip()
        if t.chars and text:
            pieces.append((text, t))
    pieces.sort(key=lambda p: min(c.bottom for c in p[1].chars))
    groups: list[list[tuple[str, TextLine]]] = []
    first_bottom = 0.0
    for piece in pieces:
        bottom = min(c.bottom for c in piece[1].chars)
        if groups and _same_line(bottom, first_bottom, piece[1].chars[0].size):
            groups[-1].append(piece)
        else:
            groups.append([piece])
            first_bottom = bottom
    lines = []
    for g in groups:
        g.sort(key=lambda p: p[1].chars[0].x0)
        out: list[str] = []
        prev: Char | None = None
        sizes: dict[float, int] = {}
        for text, t in g:
            if prev is not None and _set_apart(prev, t.chars[0]):
                out.append(" ")
            out.append(text)
            prev = t.chars[-1]
            for c, n in zip(t.chars, t.counts):
                size = round(c.size, 1)
                sizes[size] = sizes.get(size, 0) + n
        sampled = [c for _, t in g for c in t.chars]
        lines.append(
            Line(
                SPACE_NEAR_CJK.sub("", "".join(out)).strip(),
                min(c.x0 for c in sampled),
                min(c.top for c in sampled),
                max(c.x1 for c in sampled),
                max(c.bottom for c in sampled),
                _most_common(sizes),
                page,
            )
        )
    return lines


_WS = re.compile(r"\s+")


def _bottom(c: Char) -> float:
    return c.bottom


def _x0(c: Char) -> float:
    return c.x0


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def page_header(lines: Sequence[Line], height: float) -> str | None:
    """The text in a page's top margin, page numbers left out: on the first page, a running header
    such as the agency's name that ``remove_furniture`` drops from the text (``ogi.schema.titles``
    reads it as the line above the first)."""
    top = [x.text.strip() for x in lines if x.bottom <= MARGIN * height and not PAGE_NUMBER.match(x.text)]
    return "\n".join(t for t in top if t) or None


def remove_furniture(pages: list[list[Line]], heights: list[float]) -> list[list[Line]]:
    """Drop page numbers and running headers/footers from the top and bottom margins of every page."""

    def in_margin(line: Line, height: float) -> bool:
        return line.bottom <= MARGIN * height or line.top >= (1 - MARGIN) * height

    counts: Counter[str] = Counter()
    for lines, h in zip(pages, heights):
        counts.update({_furniture_key(x.text) for x in lines if in_margin(x, h)})
    repeated = {k for k, n in counts.items() if n >= 2 and n >= 0.5 * len(pages)}
    out = []
    for lines, h in zip(pages, heights):
        out.append(
            [
                x
                for x in lines
                if not (in_margin(x, h) and (PAGE_NUMBER.match(x.text) or _furniture_key(x.text) in repeated))
            ]
        )
    return out


@dataclass
class Margins:
    left: float
    right: float


def _common_edge(values: list[float], from_right: bool) -> float:
    """The outermost position shared by several lines (within 2 pt): where the text block ends."""
    ordered = sorted(values, reverse=from_right)
    need = max(2, int(0.1 * len(values)))
    for i, v in enumerate(ordered):
        if sum(1 for w in ordered[i:] if abs(w - v) <= 2) >= need:
            return v
    return ordered[0]


def margins(pages: list[list[Line]]) -> Margins:
    """The text block's left and right edges, from the lines of the whole document."""
    lines = [x for p in pages for x in p]
    if not lines:
        return Margins(0.0, 0.0)
    if len(lines) < FEW_LINES:
        # Too little prose for edges shared by several lines (a title, a few headings and one
        # paragraph): the outermost text is the text block.
        return Margins(min(x.x0 for x in lines), max(x.x1 for x in lines))
    return Margins(
        _common_edge([x.x0 for x in lines], from_right=False),
        _common_edge([x.x1 for x in lines], from_right=True),
    )


#: Below this many lines of running text, the text block is taken from the outermost lines.
FEW_LINES = 30


class ParagraphBuilder:
    """Accumulates lines into paragraphs, in reading order, across pages."""

    def __init__(self, m: Margins) -> None:
        self.m = m
        self.paragraphs: list[tuple[list[Line], dict[str, object]]] = []
        self.current: list[Line] = []

    def _indented(self, line: Line) -> bool:
        return line.x0 - self.m.left >= 1.2 * line.size

    def _short(self, line: Line) -> bool:
        return line.x1 < self.m.right - 1.5 * line.size

    def _centred(self, line: Line) -> bool:
        left = line.x0 - self.m.left
        right = self.m.right - line.x1
        return left > 2 * line.size and abs(left - right) <= 1.5 * line.size

    def continues(self, prev: Line, line: Line, gap_limit: float | None) -> bool:
        if abs(prev.size - line.size) > 0.6:
            return False
        if self._centred(prev) and self._centred(line):
            return gap_limit is None or line.top - prev.bottom <= gap_limit
        if self._indented(line) or self._short(prev):
            return False
        return gap_limit is None or line.top - prev.bottom <= gap_limit

    def add(self, line: Line, gap_limit: float | None) -> None:
        """Add the next line; ``gap_limit`` is the largest gap (pt) that continues a paragraph on the same
        page, None at the top of a page (a paragraph may run on from the previous page)."""
        if self.current and self.continues(self.current[-1], line, gap_limit):
            self.current.append(line)
            return
        self.flush()
        self.current = [line]

    def flush(self) -> None:
        if self.current:
            first = self.current[0]
            last = self.current[-1]
            loc: dict[str, object] = {
                "page": first.page,
                "bbox": [
                    round(first.x0, 2),
                    round(first.top, 2),
                    round(max(x.x1 for x in self.current), 2),
                    round(last.bottom, 2),
                ],
            }
            if last.page != first.page:
                loc["pages"] = sorted({x.page for x in self.current})
            self.paragraphs.append((self.current, loc))
            self.current = []

    @staticmethod
    def text(lines: list[Line]) -> str:
        return join_wrapped([x.text for x in lines])


def gap_limit(lines: Sequence[Line]) -> float:
    """The largest gap between lines of one paragraph on a page: the usual leading plus a little."""
    gaps = sorted(b.top - a.bottom for a, b in itertools.pairwise(lines) if b.top - a.bottom > -2)
    if not gaps:
        return 1e9
    usual = gaps[len(gaps) // 2]
    size = sorted(x.size for x in lines)[len(lines) // 2]
    return usual + 0.6 * size
