"""Tables ruled between their rows but without vertical rules (an agency's Word table with the vertical
borders removed), rebuilt as a grid for the lines strategy.

Such a table has a horizontal rule under every row (partial ones under merged cells: the rule under
「申请人情况」 spans only the value columns), but nothing separates the columns, so the lines strategy
finds no cells. The column lines are recovered from what the page does show:

- where a partial rule starts or ends inside the table, a column line stands (the label columns of table
  三: rules of sub-rows start at the sub-label column);
- the value cells (numbers, placeholders) of every row line up in columns: the gaps between them are
  column lines; a column blank in every row still has its label in the header, standing apart;
- a table continuing from the page before keeps that table's column lines.

Each column line is then drawn only between the rules where no character crosses it, so a label running
over several columns (一、本年新收…, 申请人情况) stays one merged cell. When the value cells do not fall
one per column (a number across a column line, two numbers in one column of a row), the table is left
alone: cells missing are better than cells misplaced.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ogi.extractors.pdf.grid import Char, Edge
from ogi.utils.cells import is_value
from ogi.utils.text import CJK

#: Fewer rules than this (top, under the header, bottom) is a 三线表, read from its text rows.
MIN_RULES = 4
#: A band between two rules of a ruled-row table holds one row: a few lines of text at most.
MAX_LINES_PER_BAND = 4
#: Rules of one table follow each other within this distance (pt): a row of three wrapped lines fits.
MAX_GAP = 70.0
#: Positions (pt) closer than this are one column line.
SAME_LINE = 2.5
#: How far (pt) a rule may stop short of the table's outer edge and still reach it.
EDGE = 3.0
_VALUE_START = re.compile(r"[\d+\-−/／—]")


@dataclass(frozen=True)
class Rule:
    """A horizontal rule: at ``y`` from ``x0`` to ``x1``."""

    y: float
    x0: float
    x1: float


@dataclass
class OpenGrid:
    """Explicit edges for one table, its extent and its column lines (outer edges included)."""

    vertical: list[Edge]
    horizontal: list[Edge]
    bbox: tuple[float, float, float, float]
    lines: list[float]


def _cluster(xs: Sequence[float]) -> list[float]:
    out: list[list[float]] = []
    for x in sorted(xs):
        if out and x - out[-1][-1] <= SAME_LINE:
            out[-1].append(x)
        else:
            out.append([x])
    return [sum(g) / len(g) for g in out]


def _spans(chars: Sequence[Char], gap: float) -> list[list[Char]]:
    """Characters of one text line grouped into runs separated by gaps wider than ``gap``; a number
    right after Chinese text starts a run of its own (a label filling its cell touches the value beside
    it: 「其他对外管理服务事22」)."""
    out: list[list[Char]] = []
    for c in sorted(chars, key=lambda c: c.x0):
        if (
            out
            and c.x0 - max(x.x1 for x in out[-1]) <= gap
            and not (CJK.match(out[-1][-1].text) and _VALUE_START.match(c.text))
        ):
            out[-1].append(c)
        else:
            out.append([c])
    return out


def _text_lines(chars: Sequence[Char]) -> list[list[Char]]:
    lines: list[list[Char]] = []
    for c in sorted(chars, key=lambda c: (c.bottom, c.x0)):
        if lines and abs(c.bottom - lines[-1][-1].bottom) <= 3:
            lines[-1].append(c)
        else:
            lines.append([c])
    return lines


def _is_value(run: list[Char]) -> bool:
    return is_value("".join(c.text for c in run))


def clusters(rules: Sequence[Rule]) -> list[list[Rule]]:
    """Horizontal rules grouped into tables: each rule below the last within ``MAX_GAP`` and under the
    group's extent (a heading between two tables leaves a wider gap)."""
    out: list[list[Rule]] = []
    for r in _joined(rules):
        if out:
            group = out[-1]
            lo, hi = min(g.x0 for g in group), max(g.x1 for g in group)
            overlap = min(hi, r.x1) - max(lo, r.x0)
            if r.y - group[-1].y <= MAX_GAP and overlap >= 0.5 * (r.x1 - r.x0):
                group.append(r)
                continue
        out.append([r])
    return out


def _joined(rules: Sequence[Rule]) -> list[Rule]:
    """Rules drawn in pieces (cell by cell) joined: pieces on one line that touch are one rule."""
    out: list[Rule] = []
    for r in sorted(rules, key=lambda r: (round(r.y), r.x0)):
        last = out[-1] if out else None
        if last is not None and abs(last.y - r.y) <= 1 and r.x0 <= last.x1 + SAME_LINE:
            out[-1] = Rule(last.y, last.x0, max(last.x1, r.x1))
        else:
            out.append(r)
    return sorted(out, key=lambda r: r.y)


def open_grid(
    cluster: Sequence[Rule],
    chars: Sequence[Char],
    carry: Sequence[float] = (),
    pieces: Sequence[Rule] = (),
) -> OpenGrid | None:
    """The grid of the table whose rules (without a vertical rule touching them) are ``cluster``, or
    None; ``carry`` is the column lines of the same table on the page before, ``pieces`` the rules as
    drawn (often cell by cell: their ends are column lines too)."""
    inside = sorted((r for r in cluster if r.x1 - r.x0 > 2 * EDGE), key=lambda r: r.y)
    if len(inside) < MIN_RULES:
        return None
    x0, x1 = min(r.x0 for r in inside), max(r.x1 for r in inside)
    top, bottom = inside[0].y, inside[-1].y
    if not any(r.x0 <= x0 + EDGE and r.x1 >= x1 - EDGE for r in inside):
        return None  # no rule across the whole table: not one table
    body = [
        c
        for c in chars
        if not c.text.isspace() and x0 <= (c.x0 + c.x1) / 2 <= x1 and top < (c.top + c.bottom) / 2 < bottom
    ]
    lines = _text_lines(body)
    if not lines:
        return None
    ys = sorted({r.y for r in inside})
    per_band = [
        sum(1 for line in lines if a < (line[0].top + line[0].bottom) / 2 < b)
        for a, b in itertools.pairwise(ys)
    ]
    if sorted(per_band)[len(per_band) // 2] > MAX_LINES_PER_BAND:
        return None  # rules far apart: a 三线表 with an extra rule, read from its text rows
    size = sorted(c.size for c in body)[len(body) // 2]

    # Column lines where a rule starts or ends inside the table.
    drawn = [
        r
        for r in [*inside, *pieces]
        if top - 1 <= r.y <= bottom + 1 and x0 - EDGE <= r.x0 and r.x1 <= x1 + EDGE
    ]
    ends = [r.x0 for r in drawn if r.x0 > x0 + EDGE] + [r.x1 for r in drawn if r.x1 < x1 - EDGE]
    ruled = _cluster(ends)
    lines_x = _cluster([*ends, *[x for x in carry if x0 + EDGE < x < x1 - EDGE]])

    # Value cells, and the columns they line up in.
    runs = [run for line in lines for run in _spans(line, 0.3 * size)]
    values = [run for run in runs if _is_value(run)]
    if not values:
        return None
    first_value_y = min(min(c.top for c in run) for run in values)
    columns = _merged([(min(c.x0 for c in run), max(c.x1 for c in run)) for run in values])
    value_start = columns[0][0]
    header = [c for c in body if c.bottom <= first_value_y and c.x0 >= value_start - 1]
    columns = _blank_columns(
        columns, [run for line in _text_lines(header) for run in _spans(line, 0.5 * size)]
    )
    # Column lines: a rule end standing in the gap before a value column, else just left of the column
    # (values sit at their cell's left edge; centred ones leave the line inside the gap all the same).
    in_values = {id(c) for run in values for c in run}
    labels = [c.x1 for c in body if c.x1 <= value_start + 0.5 and id(c) not in in_values]
    previous_end = max(labels, default=x0)
    for i, (lo, hi) in enumerate(columns):
        if lo - previous_end <= 0:
            return None
        first_without_labels = i == 0 and not labels  # table 四: values from the table's left edge
        if not first_without_labels and not any(previous_end - 0.5 <= x <= lo + 0.5 for x in lines_x):
            lines_x.append(lo - min(1.5, (lo - previous_end) / 2))
        previous_end = hi
    lines_x = _cluster(lines_x)

    # Every value in one column, one per row line: else the columns are not certain.
    for run in values:
        lo, hi = min(c.x0 for c in run), max(c.x1 for c in run)
        if any(lo + 0.5 < x < hi - 0.5 for x in lines_x):
            return None
    for line in lines:
        cols = [_column(run, lines_x) for run in _spans(line, 0.3 * size) if _is_value(run)]
        if len(cols) != len(set(cols)):
            return None

    vertical = [Edge(x0, top, x0, bottom, "v", bottom - top), Edge(x1, top, x1, bottom, "v", bottom - top)]
    value_ids = {id(c) for run in values for c in run}
    # Where a rule stops inside the table, the cells beside its end have a side there (above and below).
    stops = [(r.x0, r.y) for r in drawn if r.x0 > x0 + EDGE] + [
        (r.x1, r.y) for r in drawn if r.x1 < x1 - EDGE
    ]
    for x in lines_x:
        cover = sorted({r.y for r in inside if r.x0 - EDGE <= x <= r.x1 + EDGE} | {top, bottom})
        for a, b in itertools.pairwise(cover):
            band = [c for c in body if a < (c.top + c.bottom) / 2 < b]
            runs = [run for line in _text_lines(band) for run in _spans(line, 0.3 * size)]
            stopped = any(
                abs(sx - x) <= SAME_LINE and (abs(sy - a) <= 1 or abs(sy - b) <= 1) for sx, sy in stops
            )
            if _draws(x, runs, [x0, *lines_x, x1], ruled, value_ids, stopped, [lo for lo, _hi in columns]):
                vertical.append(Edge(x, a, x, b, "v", b - a))
    horizontal = [Edge(r.x0, r.y, r.x1, r.y, "h", r.x1 - r.x0) for r in inside]
    return OpenGrid(vertical, horizontal, (x0, top, x1, bottom), [x0, *lines_x, x1])


def _draws(
    x: float,
    runs: Sequence[list[Char]],
    lines_x: Sequence[float],
    ruled: Sequence[float],
    value_ids: set[int],
    stopped: bool,
    value_starts: Sequence[float] = (),
) -> bool:
    """Whether the column line at ``x`` separates cells in this band (between two rules).

    Never through a word or number. Beside the end of a rule at the band's top or bottom, always; in a
    band of values, always (a blank cell is a cell). In a band of words only (a header row), only
    between two words, and there once: at a rule end standing in the space between them, else at the
    line nearest its middle (「行政复议」 over five columns and 「行政诉讼」 over ten have one line between
    them, where the rule under 行政诉讼 starts).
    """
    spans = [(min(c.x0 for c in run), max(c.x1 for c in run), run) for run in runs]
    if any(lo < x - 0.3 and hi > x + 0.3 for lo, hi, _run in spans):
        return False
    if stopped or any(id(c) in value_ids for run in runs for c in run):
        return True
    left = [(lo, hi) for lo, hi, _run in spans if hi <= x + 0.3]
    right = [(lo, hi) for lo, hi, _run in spans if lo >= x - 0.3]
    if not left or not right:
        return False
    a = max(left, key=lambda s: s[1])
    b = min(right, key=lambda s: s[0])
    here = [v for v in lines_x if a[1] - 0.3 <= v <= b[0] + 0.3]
    by_rule = [v for v in here if any(abs(v - r) <= SAME_LINE for r in ruled)]
    if by_rule:
        return any(abs(v - x) < 0.01 for v in by_rule)
    if any(abs(b[0] - start) <= 3 for start in value_starts):
        # The word on the right starts where a value column starts: set at its cell's left edge like
        # the values, its line is the one just before it.
        return abs(max(here) - x) < 0.01
    # Header words centred in their cells: the line that leaves both words nearest the middle of
    # their cells (each cell closed on its far side by the nearest line or the table's edge).
    edges = sorted(lines_x)
    start = max((v for v in edges if v <= a[0] + 0.3), default=edges[0])
    end = min((v for v in edges if v >= b[1] - 0.3), default=edges[-1])

    def off(v: float) -> float:
        return abs((start + v) / 2 - (a[0] + a[1]) / 2) + abs((v + end) / 2 - (b[0] + b[1]) / 2)

    return abs(min(here, key=off) - x) < 0.01


def _blank_columns(
    columns: list[tuple[float, float]], header: Sequence[list[Char]]
) -> list[tuple[float, float]]:
    """Value columns with those left blank in every row put back: where the step from one value column
    to the next is about twice (three times …) the usual step, and a header label stands in the space
    between, a column is missing there."""
    starts = [lo for lo, _hi in columns]
    steps = sorted(b - a for a, b in itertools.pairwise(starts))
    if len(steps) < 2:
        return columns
    usual = steps[len(steps) // 2]
    out = list(columns)
    for (lo, hi), (nlo, _nhi) in itertools.pairwise(columns):
        missing = round((nlo - lo) / usual) - 1
        if missing < 1 or (nlo - lo) / usual < 1.6:
            continue
        for k in range(1, missing + 1):
            at = lo + k * (nlo - lo) / (missing + 1)
            labelled = any(
                at - 1 <= min(c.x0 for c in run) and max(c.x1 for c in run) <= at + usual for run in header
            )
            if labelled and at > hi:
                out.append((at, at))
    return sorted(out)


def _merged(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + 1.0:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(a, b) for a, b in out]


def _column(run: list[Char], lines_x: Sequence[float]) -> int:
    mid = (min(c.x0 for c in run) + max(c.x1 for c in run)) / 2
    return sum(1 for x in lines_x if mid > x)
