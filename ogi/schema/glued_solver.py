"""Tables rebuilt from crawled text whose cells were glued together (format ``text_glued``).

The extractor hands over each label it found with the raw run of characters after it
(``GluedRun``: 「（一）予以公开」 + ``270020130``). This module knows the template, so it decides which
table and row a label is, then splits each run into the row's cells:

1. Each cell must look like a number of its column: counts without leading zeros (except 0 itself), a
   sign only in 本年增/减, a decimal point only in the money columns (template ``decimal``), a unit such
   as 元 only at a cell's end. Whitespace in the run is always a cell boundary.
2. The row's own identity must hold: T3-ROW (the 总计 column adds up the applicant columns; T3-ROW-SUB
   when a 小计 column is printed), T4-SUM for each block of table 四. Table 二 rows have none.
3. Only then the column identities of table 三 (T3-BAL, T3-OUT) choose among the splits that remain,
   by a search over the rows that still have several (forward and backward sets of column sums,
   bounded by the totals).

A cell with one value left is ``recovered`` (its rule in ``locator.rule``: ``digits`` when the run's
characters alone force it, else the identities used); a cell with several is ``ambiguous`` with
``locator.candidates``; never a guess. If no combination of splits satisfies the column identities, the
source itself does not add up (平潭 2020): the column identities are not used at all, rows keep the
splits that satisfy their own identity, and the checks report the failures. A cell printed with
whitespace on both sides needed no splitting and is a plain ``value``.
"""

from __future__ import annotations

import itertools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ogi.extractors.model import Document, GluedRun
from ogi.schema import labels as L
from ogi.schema.cells import CellValue, Recognition, UnmappedRow, header_unit
from ogi.schema.labels import match_t3_row
from ogi.schema.sections import heading_of
from ogi.schema.template import Item, Label, Template, load
from ogi.schema.values import read_cell
from ogi.schema.version import decide_version

#: Header words of the printed tables that are not row or column labels of the template, but must be
#: cut at like labels (else the text between two labels is not a run and the table is lost).
HEADER_WORDS = (
    "信息内容",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "行政诉讼",
    "（续表）",  # where a table was split in two: the rows after it are the same table's
    "续表",
)
#: How many splits of one run are enumerated before giving up on listing them (a run this long is not
#: one table row).
MAX_SPLITS = 20_000
#: Bound on the sets of column sums the table-三 search keeps.
MAX_STATES = 200_000
INCONSISTENT = "no choice of the rows' splits satisfies T3-BAL and T3-OUT: the source does not add up"

_COUNT = r"(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)"
_KINDS = {
    "count": re.compile(_COUNT),
    "signed": re.compile(r"[+\-]?" + _COUNT),
    "decimal": re.compile(_COUNT + r"(?:\.\d+)?"),
}
_PLACEHOLDER_ANYWHERE = frozenset({"/", "—", "——", "…"})
_PLACEHOLDER_TOKEN = frozenset({"-", "--", "无", "空"})
_UNIT_SPLIT = re.compile(r"(万元|亿元|元|件|%)")


# -- the labels the extractor cuts at --------------------------------------------------------------


@cache
def _section_headings() -> tuple[str, ...]:
    raw = resources.files("ogi.schema").joinpath("data", "sections.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    out: list[str] = []
    for s in data["section"]:
        out.append(s["heading"])
        out += list(s.get("variants", ()))
    return tuple(out)


#: Table-三 row labels that open a row of seven cells: glued text is told from prose by two of them each
#: followed by a row of numbers (``ogi.extractors.detect``).
GLUED_ROW_LABELS = (
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "予以公开",
    "国家秘密",
    "总计",
    "继续办理",
)


@cache
def glued_labels() -> tuple[str, ...]:
    """Every printed label of the template's tables, in template order, for cutting glued text.

    Also the tables' other header words and the section headings (with their printed variants), so
    that headings glued to their paragraphs can be cut off and found by ``ogi.schema.sections``.
    """
    t = load()
    labels: list[str] = list(_section_headings())
    for item in t.items:
        labels.append(item.caption)
        labels += [r.label for r in item.rows]
        labels += [c.label for c in item.cols]
    labels += [r.label for r in t.t3_rows]
    labels += [c.label for c in t.t3_columns] + [g.label for g in t.t3_column_groups]
    # A column outside the template is printed in short (法人或其他组织小计 as 「小计」 under its group).
    labels += [m[0] for c in t.t3_columns if c.optional for m in c.match if len(m) == 1]
    for b in t.t4_blocks:
        labels += b.label.split("／")
    labels += [c.label for c in t.t4_columns]
    labels += HEADER_WORDS
    return tuple(dict.fromkeys(labels))


# -- splitting one run -----------------------------------------------------------------------------

Span = tuple[int, int]


@dataclass
class Run:
    """A run prepared for splitting: its characters without whitespace, and where cells must end."""

    text: str
    compact: str
    #: Positions in ``compact`` where whitespace or a unit stood: every one is a cell boundary.
    bounds: frozenset[int]
    #: Unit printed right after the cell ending at a position.
    units: dict[int, str]
    #: For each position, the first boundary after it (a cell cannot cross one).
    next_bound: list[int] = field(default_factory=list)

    def piece(self, span: Span) -> str:
        return self.compact[span[0] : span[1]]

    def whole_token(self, span: Span) -> bool:
        """Whether the cell was printed apart (whitespace or the run's ends on both sides)."""
        a, b = span
        return (a == 0 or a in self.bounds) and (b == len(self.compact) or b in self.bounds)


def prepare(run: str) -> Run:
    s = unicodedata.normalize("NFKC", run)
    s = s.replace("−", "-").replace("－", "-").replace("﹣", "-").replace("，", ",").replace("／", "/")
    compact = ""
    bounds: set[int] = set()
    units: dict[int, str] = {}
    for token in s.split():
        for part in _UNIT_SPLIT.split(token):
            if not part:
                continue
            if _UNIT_SPLIT.fullmatch(part):
                units[len(compact)] = part
                bounds.add(len(compact))
                continue
            compact += part
        bounds.add(len(compact))
    n = len(compact)
    bounds.discard(0)
    bounds.discard(n)
    ordered = [*sorted(bounds), n]
    next_bound = [next(b for b in ordered if b > pos) if pos < n else n for pos in range(n + 1)]
    return Run(run, compact, frozenset(bounds), units, next_bound)


def _is_placeholder(piece: str) -> bool:
    return piece in _PLACEHOLDER_ANYWHERE or piece in _PLACEHOLDER_TOKEN


def _value(piece: str) -> float | None:
    if _is_placeholder(piece):
        return None
    return float(piece.replace(",", ""))


def _fmt(total: float) -> str:
    return str(int(total)) if float(total).is_integer() else repr(float(total))


def _fits(run: Run, kind: str, span: Span) -> bool:
    """Whether ``span`` can be one cell of a column of ``kind`` (a number of that kind, or a placeholder)."""
    piece = run.piece(span)
    if piece in _PLACEHOLDER_ANYWHERE or (piece in _PLACEHOLDER_TOKEN and run.whole_token(span)):
        return True
    return _KINDS[kind].fullmatch(piece) is not None


def free_spans(run: Run, kinds: Sequence[str]) -> list[set[Span]]:
    """For each column, every span it can take in some split of ``run`` (no identity used).

    Forward and backward reachability over positions, so it costs k·n² however many splits there are.
    """
    n, k = len(run.compact), len(kinds)
    # What a column can take depends on its kind alone: each kind is tried once, however many columns.
    by_kind = {
        kind: {
            (a, b) for a in range(n) for b in range(a + 1, run.next_bound[a] + 1) if _fits(run, kind, (a, b))
        }
        for kind in set(kinds)
    }
    ok = [by_kind[kind] for kind in kinds]
    forward: list[set[int]] = [{0}] + [set() for _ in range(k)]
    for c in range(k):
        forward[c + 1] = {b for a, b in ok[c] if a in forward[c]}
    backward: list[set[int]] = [set() for _ in range(k)] + [{n}]
    for c in reversed(range(k)):
        backward[c] = {a for a, b in ok[c] if b in backward[c + 1]}
    return [{(a, b) for a, b in ok[c] if a in forward[c] and b in backward[c + 1]} for c in range(k)]


def splits(
    run: Run,
    kinds: Sequence[str],
    sums: dict[int, Sequence[int]],
    limit: int = MAX_SPLITS,
) -> list[tuple[Span, ...]] | None:
    """Every way to cut ``run`` into ``len(kinds)`` cells whose totals add up; None past ``limit``.

    ``sums`` maps a total's position to its components' positions (all before it): the total must
    print exactly their sum (a placeholder counts as 0). With counts only, the search is pruned: a
    total printed last (T3-ROW's 总计) is taken first, as a suffix of the run, and then caps its
    components (a partial sum never exceeds it, the last component is what is missing); a total in the
    middle (T4-SUM) is forced once its components are placed, and must fit in what is left of the run.
    """
    s = run.compact
    n = len(s)
    k = len(kinds)
    nonneg = all(kinds[c] != "signed" for comps in sums.values() for c in comps)
    out: list[tuple[Span, ...]] = []
    spans: list[Span] = [(0, 0)] * k
    values: list[float] = [0.0] * k
    overflow = False
    caps: dict[int, float] = {}
    group_of = {c: total for total, comps in sums.items() for c in comps}
    last_of = {total: max(comps) for total, comps in sums.items() if comps}

    def total_of(cols: Sequence[int]) -> float:
        return sum(values[c] for c in cols)

    def room(col: int, end: int, stop: int, ncells: int) -> bool:
        """Whether every uncapped total still to come can be printed in what is left."""
        for total, comps in sums.items():
            if total <= col or total >= ncells:
                continue
            partial = total_of([c for c in comps if c <= col])
            if stop - end < (total - col - 1) + len(_fmt(partial)) + (ncells - 1 - total):
                return False
        return True

    def forced(pos: int, hi: int, number: float) -> list[int]:
        """Where a cell printing ``number`` (with or without thousands separators) ends."""
        targets = {_fmt(number)}
        if float(number).is_integer() and abs(number) >= 1000:
            targets.add(f"{int(number):,}")
        return sorted(pos + len(t) for t in targets if s.startswith(t, pos) and pos + len(t) <= hi)

    def rec(pos: int, col: int, stop: int, ncells: int) -> None:
        nonlocal overflow
        if overflow:
            return
        if col == ncells:
            if pos == stop and all(total_of(sums[t]) == cap for t, cap in caps.items()):
                if len(out) >= limit:
                    overflow = True
                    return
                out.append(tuple(spans))
            return
        if stop - pos < ncells - col:
            return
        for t, cap_t in caps.items():
            # What the total still misses must fit in what is left: r cells in m characters hold less
            # than r·10^(m−r+1).
            rest = [c for c in sums[t] if c >= col]
            if rest:
                chars = stop - pos - sum(1 for c in range(col, ncells) if c not in rest)
                if cap_t - total_of([c for c in sums[t] if c < col]) >= len(rest) * 10 ** (
                    chars - len(rest) + 1
                ):
                    return
        hi = min(run.next_bound[pos], stop)
        total = group_of.get(col)
        cap = caps.get(total) if total is not None else None
        ends: Iterable[int]
        if col == ncells - 1:
            ends = [stop] if hi == stop else []
        elif col in sums and nonneg:
            owed = total_of(sums[col])
            ends = forced(pos, hi, owed)
            if owed == 0:
                ends += [e for e in range(pos + 1, min(hi, pos + 2) + 1) if _is_placeholder(s[pos:e])]
        elif cap is not None and total is not None and last_of[total] == col:
            ends = forced(pos, hi, cap - total_of([c for c in sums[total] if c < col]))
        else:
            ends = range(pos + 1, hi + 1)
        partial = (
            total_of([c for c in sums[total] if c < col]) if cap is not None and total is not None else 0.0
        )
        for end in ends:
            span = (pos, end)
            if not _fits(run, kinds[col], span):
                continue
            value = _value(s[pos:end])
            if col in sums and (value or 0.0) != total_of(sums[col]):
                continue  # a placeholder total counts as 0
            if cap is not None and value is not None and partial + value > cap:
                break  # a longer piece is larger still
            spans[col] = span
            values[col] = 0.0 if value is None else value
            if not nonneg or room(col, end, stop, ncells):
                rec(end, col + 1, stop, ncells)

    last = k - 1
    if nonneg and last in sums and n:
        # Total first: each suffix of the run's last token that can be the total.
        for q in range(max(max(run.bounds, default=0), last), n):
            span = (q, n)
            if not _fits(run, kinds[last], span):
                continue
            value = _value(s[q:])
            spans[last] = span
            values[last] = 0.0 if value is None else value
            caps.clear()
            caps[last] = values[last]
            rec(0, 0, q, k - 1)
            if overflow:
                break
    else:
        rec(0, 0, n, k)
    return None if overflow else sorted(out)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _order(values: Iterable[float]) -> list[int | float]:
    """Candidates in a stable order: by printed length, then size (−1, −18, −185 …)."""
    return [_number(v) for v in sorted(set(values), key=lambda v: (len(_fmt(abs(v))), abs(v), v))]


# -- what was printed --------------------------------------------------------------------------------


@dataclass
class _Printed:
    label: str
    run: str
    locator: dict[str, Any]
    block: int


@dataclass
class _Row:
    """A printed data row: where it goes and what was printed after its label."""

    table: str
    row_key: str  # for table 二 "<item>.<row>"
    printed: _Printed
    #: Another, different run printed for the same row.
    conflict: _Printed | None = None


@dataclass
class _Reading:
    version_votes: dict[str, int] = field(default_factory=lambda: {"2021": 0, "2019": 0})
    rows: dict[str, _Row] = field(default_factory=dict)
    t2_headers: dict[str, list[_Printed]] = field(default_factory=dict)
    t3_header: list[_Printed] = field(default_factory=list)
    t4: _Printed | None = None
    other_single_row: bool = False
    unmapped: list[UnmappedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    blocks: dict[str, list[int]] = field(default_factory=dict)

    def add_row(self, table: str, key: str, printed: _Printed) -> None:
        self.blocks.setdefault(table, []).append(printed.block)
        old = self.rows.get(key)
        if old is None:
            self.rows[key] = _Row(table, key, printed)
        elif L.squash(old.printed.run) != L.squash(printed.run):
            if not L.squash(old.printed.run):
                self.rows[key] = _Row(table, key, printed)
            elif L.squash(printed.run):
                old.conflict = printed


def _has_digits(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _t2_item(t: Template, text: str) -> str | None:
    num = L.caption_item_number(text)
    return next((i.key for i in t.items if i.number == num), None)


def _best(labels: Iterable[tuple[Sequence[Label], str]], text: str) -> tuple[Label | None, set[str]]:
    """The best-matching label of ``labels`` (each version's labels in turn) and the versions whose label
    matched that well."""
    best: Label | None = None
    score = 0
    versions: set[str] = set()
    for of_version, version in labels:
        for label, s in L.scored(of_version, text):
            if s > score:
                best, score, versions = label, s, {version}
            elif s == score and best is not None and label.key == best.key:
                versions.add(version)
    return best, versions


def _t3_row_for(t: Template, text: str, group: str | None) -> Label | None:
    """The table-三 row a label names (the same rule as for table grids)."""
    return match_t3_row(t, text, group)[0]


def _is_t3_marker(t: Template, text: str) -> bool:
    n = L.normalize(text)
    if "勾稽" in n or "申请人情况" in n or "自然人" in n:
        return True
    return any(s >= 1000 for _g, s in L.scored(t.t3_column_groups, text))


def _is_t4_marker(t: Template, text: str) -> bool:
    n = L.strip_numbering(text)
    if n in ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"):
        return True
    col = L.best_match(t.t4_columns, text)
    return col is not None and col.key in ("upheld", "corrected", "pending") and L.matches(col, text) >= 2


def _read_blocks(doc: Document, t: Template) -> _Reading:
    """Which table, row or header each glued label is, in one pass in document order."""
    rd = _Reading()
    state: str | None = None
    item: str | None = None
    group: str | None = None
    for index, block in enumerate(doc.blocks):
        if not isinstance(block, GluedRun):
            continue
        label, run = block.label, block.raw
        printed = _Printed(label, run, dict(block.locator), index)
        norm = L.normalize(label)
        if not run and heading_of(label) is not None:
            continue
        if "第二十条" in norm:
            state, item = "t2", _t2_item(t, label)
            if item is None:
                rd.notes.append(f"table 二: unknown item caption {label}")
            elif not any(i.key == item and i.version == "2021" for i in t.items):
                rd.version_votes["2019"] += 1
            rd.t2_headers[item or ""] = []
            continue
        if state != "t4" and state != "t4_done" and _is_t4_marker(t, label):
            state = "t4"
        if state == "t4":
            if run:
                rd.t4 = printed
                rd.blocks.setdefault("t4", []).append(index)
                state = "t4_done"
            continue
        if state in (None, "t2", "t4_done") and _is_t3_marker(t, label):
            state, group = "t3_header", None
        if state in (None, "t2", "t4_done") and _has_digits(run):
            data_row = _t3_row_for(t, label, None)
            if data_row is not None and data_row.data and L.matches(data_row, label) >= 2:
                # Table 三 rows without a header we saw: template columns.
                rd.notes.append("table 三: rows without a header; columns taken in template order")
                state, group = "t3", None
        if state == "t3_header":
            col = L.best_match([*t.t3_columns, *t.t3_column_groups], label)
            if col is not None and not run:
                rd.t3_header.append(printed)
                continue
            if not run and _is_t3_marker(t, label):
                continue
            state = "t3"
        if state == "t2" or (state is None and norm == "信息内容"):
            state = "t2"
            if norm == "信息内容":
                rd.t2_headers[item or ""] = []
                continue
            items = [i for i in t.items if i.key == item]
            col, col_versions = _best(((i.cols, i.version) for i in items), label)
            row, row_versions = _best(((i.rows, i.version) for i in items), label)
            if col is not None and row is None and not _has_digits(run):
                rd.t2_headers.setdefault(item or "", []).append(printed)
                if len(col_versions) == 1 and len(items) > 1:
                    rd.version_votes[next(iter(col_versions))] += 1
                continue
            if row is not None and item is not None:
                if len(row_versions) == 1 and len(items) > 1:
                    rd.version_votes[next(iter(row_versions))] += 1
                rd.add_row("t2", f"{item}.{row.key}", printed)
                continue
            if _has_digits(run):
                rd.unmapped.append(UnmappedRow("t2", label, [run], printed.locator))
            continue
        if state == "t3":
            row3 = _t3_row_for(t, label, group)
            if row3 is None:
                if _has_digits(run):
                    rd.unmapped.append(UnmappedRow("t3", label, [run], printed.locator))
                continue
            if not row3.data:
                if row3.may_hold_values and L.squash(run):
                    rd.other_single_row = True
                    rd.add_row("t3", row3.key, printed)
                    continue
                group = row3.key
                if _has_digits(run):
                    rd.unmapped.append(UnmappedRow("t3", label, [run], printed.locator))
                continue
            if row3.group is not None and row3.group != "results":
                group = row3.group
            rd.add_row("t3", row3.key, printed)
    return rd


# -- from splits to cells ----------------------------------------------------------------------------


def _cell(
    key: str,
    row: _Row,
    run: Run,
    spans: set[Span],
    rule: str,
    unit: str | None,
    reason: str | None = None,
) -> CellValue:
    """One cell of a split row: the value all its remaining spans agree on, else the candidates."""
    base: dict[str, Any] = {"char": row.printed.locator.get("char"), "run": row.printed.run}
    values = {_value(run.piece(sp)) for sp in spans}
    if len(values) == 1:
        span = min(spans)
        value = next(iter(values))
        # A unit printed right after the cell is its unit.
        cell_unit = run.units.get(span[1], unit)
        if value is None:
            return CellValue(key, run.piece(span), "placeholder", None, cell_unit, base)
        if all(run.whole_token(sp) for sp in spans):
            return CellValue(key, run.piece(span), "value", value, cell_unit, base)
        return CellValue(key, run.piece(span), "recovered", value, cell_unit, {**base, "rule": rule})
    loc: dict[str, Any] = {**base, "candidates": _order(v for v in values if v is not None)}
    if reason or not spans:
        loc["reason"] = reason or "the run cannot be cut into this row's cells"
    ends = {b for _a, b in spans}
    if len(ends) == 1:
        unit = run.units.get(next(iter(ends)), unit)
    return CellValue(key, row.printed.run, "ambiguous", None, unit, loc)


def _solve_row(
    keys: list[str],
    kinds: list[str],
    sums: dict[int, Sequence[int]],
    row: _Row,
    rule: str,
    units: list[str | None],
) -> tuple[dict[str, CellValue], list[tuple[Span, ...]] | None, Run]:
    """Cells of one row from its characters and its own identity.

    Also returns the splits that satisfy the identity (for the column identities; None when there are
    none, too many, or the row is blank or printed twice) and the prepared run.
    """
    run = prepare(row.printed.run)
    base = {"char": row.printed.locator.get("char"), "run": row.printed.run}
    if row.conflict is not None:
        twice = f"printed twice with different runs ({row.printed.run!r}, {row.conflict.run!r})"
        loc: dict[str, Any] = {**base, "candidates": [], "reason": twice}
        return (
            {
                k: CellValue(k, row.printed.run, "ambiguous", None, u, dict(loc))
                for k, u in zip(keys, units, strict=True)
            },
            None,
            run,
        )
    if not run.compact:
        return (
            {k: CellValue(k, "", "blank", None, u, dict(base)) for k, u in zip(keys, units, strict=True)},
            None,
            run,
        )
    free = free_spans(run, kinds)
    per_col = free
    options: list[tuple[Span, ...]] | None = None
    reason: str | None = None
    if sums:
        found = splits(run, kinds, sums)
        if found is None:
            reason = "too many possible splits to list"
        elif not found:
            reason = f"no split satisfies {rule}"
        else:
            options = found
            per_col = [{o[c] for o in found} for c in range(len(kinds))]
    cells: dict[str, CellValue] = {}
    for c, key in enumerate(keys):
        by_digits = len({_value(run.piece(sp)) for sp in free[c]}) == 1
        cells[key] = _cell(key, row, run, per_col[c], "digits" if by_digits else rule, units[c], reason)
    return cells, options, run


def _kind(label: Label) -> str:
    if label.signed:
        return "signed"
    if label.decimal:
        return "decimal"
    return "count"


def _solve_t2(t: Template, version: str, rd: _Reading, rec: Recognition) -> None:
    """Table 二: no identity, so a cell is known only when the run's characters force it."""
    for key, row in rd.rows.items():
        if row.table != "t2":
            continue
        item_key, row_key = key.split(".", 1)
        item = next((i for i in t.items_of(version) if i.key == item_key), None)
        if item is None or not any(r.key == row_key for r in item.rows):
            rec.unmapped.append(UnmappedRow("t2", row.printed.label, [row.printed.run], row.printed.locator))
            continue
        cols = _t2_columns(item, rd.t2_headers.get(item_key, []))
        keys = [f"t2.{item_key}.{row_key}.{c.key}" for c, _u in cols]
        units = [u for _c, u in cols]
        if len(cols) == 1:
            rec.cells[keys[0]] = _single(keys[0], row, units[0])
        else:
            cells, _options, _run = _solve_row(keys, [_kind(c) for c, _u in cols], {}, row, "digits", units)
            rec.cells.update(cells)
        rec.found.add("t2")


def _t2_columns(item: Item, headers: list[_Printed]) -> list[tuple[Label, str | None]]:
    """The item's columns in printed order (template order unless the header names each once), with
    the unit the printed header names (「本年收费金额（单位：万元）」)."""
    printed: list[tuple[Label, _Printed]] = []
    for h in headers:
        col = L.best_match(item.cols, h.label)
        if col is not None:
            printed.append((col, h))
    keys = [c.key for c, _h in printed]
    if sorted(keys) == sorted(c.key for c in item.cols) and len(set(keys)) == len(keys):
        return [(c, header_unit(h.label)) for c, h in printed]
    out: list[tuple[Label, str | None]] = []
    for col in item.cols:
        match = next((h for c, h in printed if c.key == col.key), None)
        out.append((col, header_unit(match.label) if match else None))
    return out


def _single(key: str, row: _Row, unit: str | None) -> CellValue:
    """A one-cell row: its run is the cell's own text."""
    base: dict[str, Any] = {"char": row.printed.locator.get("char"), "run": row.printed.run}
    if row.conflict is not None:
        a, b = read_cell(row.printed.run), read_cell(row.conflict.run)
        cands = _order(v for v in (a.value, b.value) if v is not None)
        return CellValue(
            key,
            row.printed.run,
            "ambiguous",
            None,
            unit,
            {**base, "candidates": cands, "reason": "printed twice with different runs"},
        )
    r = read_cell(row.printed.run)
    if r.status == "ambiguous":
        base["candidates"] = [_number(c) for c in r.candidates]
        if r.reason:
            base["reason"] = r.reason
    return CellValue(key, row.printed.run, r.status, r.value, r.unit or unit, base)


def _t3_columns(t: Template, header: list[_Printed]) -> list[Label]:
    """The value columns in print order: 自然人, the 法人或其他组织 columns as printed, 小计, 总计."""
    seen: list[Label] = []
    for h in header:
        if any(s >= 1000 for _g, s in L.scored(t.t3_column_groups, h.label)):
            continue
        col = L.best_match(t.t3_columns, h.label)
        if col is not None and col not in seen:
            seen.append(col)
    if not seen:
        return [c for c in t.t3_columns if not c.optional]
    rank = {"natural_person": 0, "legal_person_subtotal": 2, "total": 3}
    return sorted(seen, key=lambda c: (rank.get(c.key, 1), seen.index(c)))


def _solve_t3(t: Template, version: str, rd: _Reading, rec: Recognition) -> None:
    cols = _t3_columns(t, rd.t3_header)
    keys_of = [c.key for c in cols]
    if "total" not in keys_of or "natural_person" not in keys_of:
        rec.notes.append("table 三: header without 自然人 and 总计; columns taken in template order")
        cols = [c for c in t.t3_columns if not c.optional]
        keys_of = [c.key for c in cols]
    applicants = [i for i, k in enumerate(keys_of) if k not in ("total", "legal_person_subtotal")]
    sums: dict[int, Sequence[int]] = {keys_of.index("total"): applicants}
    rule = "T3-ROW"
    if "legal_person_subtotal" in keys_of:
        legal = [i for i, c in enumerate(cols) if c.group == "legal_person"]
        sums[keys_of.index("legal_person_subtotal")] = legal
        rule = "T3-ROW+T3-ROW-SUB"
    kinds = ["count"] * len(cols)
    units: list[str | None] = [None] * len(cols)

    data_rows = {r.key for r in t.t3_data_rows(version, other_single_row=rd.other_single_row)}
    solved: dict[str, tuple[dict[str, CellValue], list[tuple[Span, ...]] | None, Run]] = {}
    for key, row in rd.rows.items():
        if row.table != "t3":
            continue
        if key not in data_rows:
            rec.unmapped.append(UnmappedRow("t3", row.printed.label, [row.printed.run], row.printed.locator))
            continue
        cell_keys = [f"t3.{key}.{c}" for c in keys_of]
        solved[key] = _solve_row(cell_keys, kinds, sums, row, rule, units)
        rec.found.add("t3")
    rec.other_single_row = rd.other_single_row

    vectors = {
        key: [tuple(_value(run.piece(sp)) or 0.0 for sp in o) for o in options]
        for key, (_cells, options, run) in solved.items()
        if options
    }
    outcome, kept = _column_search(t, version, rd.other_single_row, vectors)
    for key, (cells, options, run) in solved.items():
        if outcome == "resolved" and key in kept and options is not None:
            left = [options[i] for i in sorted(kept[key])]
            for col, cell_key in enumerate(cells):
                if cells[cell_key].status == "ambiguous":
                    spans = {o[col] for o in left}
                    cells[cell_key] = _cell(
                        cell_key, rd.rows[key], run, spans, f"{rule}+T3-BAL+T3-OUT", units[col]
                    )
        elif outcome == "inconsistent":
            for cell in cells.values():
                if cell.status == "ambiguous":
                    cell.locator.setdefault("reason", INCONSISTENT)
        rec.cells.update(cells)
    if outcome == "inconsistent":
        rec.notes.append(f"table 三: {INCONSISTENT}")


def _vec_add(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _vec_sub(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(x - y for x, y in zip(a, b, strict=True))


@cache
def _balance(t: Template) -> tuple[tuple[str, ...], str, str]:
    """T3-BAL and T3-OUT as ``identities.toml`` states them: the rows T3-BAL adds on its left, the total
    row T3-OUT adds up (on T3-BAL's right), and the one other row on T3-BAL's right."""
    rules = {r.id: r for r in t.rules}

    def row(part: str) -> str:
        return part.split(".")[1]

    added = tuple(row(p) for p in rules["T3-BAL"].left)
    total = row(rules["T3-OUT"].left[0])
    others = [row(p) for p in rules["T3-BAL"].right if row(p) != total]
    if len(others) != 1 or total not in {row(p) for p in rules["T3-BAL"].right}:
        raise ValueError("the glued solver needs T3-BAL's right side to be T3-OUT's total and one other row")
    return added, total, others[0]


def _column_search(
    t: Template,
    version: str,
    other_single_row: bool,
    vecs: dict[str, list[tuple[float, ...]]],
) -> tuple[str, dict[str, set[int]]]:
    """Which splits of each table-三 row take part in some choice satisfying T3-BAL and T3-OUT.

    ``vecs`` holds each row's splits as vectors of values. Returns (``resolved``, indexes kept per
    row); (``unused``, {}) when the identities cannot be used (a row missing, blank or unreadable, the
    search too large); (``inconsistent``, {}) when no choice satisfies them: the source does not add up.
    """
    rows = [r.key for r in t.t3_data_rows(version, other_single_row=other_single_row)]
    if any(not vecs.get(key) for key in rows):
        return "unused", {}
    added, total_row, other_row = _balance(t)
    outcomes = [r for r in rows if t.t3_row(r).group is not None and r != total_row]
    width = len(next(iter(vecs.values()))[0])
    zero = tuple(0.0 for _ in range(width))
    fixed = zero
    multi: list[str] = []
    for r in outcomes:
        if len(vecs[r]) == 1:
            fixed = _vec_add(fixed, vecs[r][0])
        else:
            multi.append(r)
    keep: dict[str, set[int]] = {k: set() for k in rows}
    other_index: dict[tuple[float, ...], list[int]] = {}
    for i, v in enumerate(vecs[other_row]):
        other_index.setdefault(v, []).append(i)
    for rt_i, rt in enumerate(vecs[total_row]):
        # T3-BAL: the added rows (new + carried over) = the total row + the other (carried forward).
        bal: list[tuple[tuple[int, ...], int]] = []
        for combo in itertools.product(*(range(len(vecs[r])) for r in added)):
            left = zero
            for r, i in zip(added, combo, strict=True):
                left = _vec_add(left, vecs[r][i])
            for c in other_index.get(_vec_sub(left, rt), []):
                bal.append((combo, c))
        if not bal:
            continue
        target = _vec_sub(rt, fixed)
        if any(x < 0 for x in target):
            continue
        feasible = _outcome_search(multi, vecs, target, zero)
        if feasible is None:
            return "unused", {}
        if multi and not feasible:
            continue
        if not multi and target != zero:
            continue
        keep[total_row].add(rt_i)
        for combo, c in bal:
            for r, i in zip(added, combo, strict=True):
                keep[r].add(i)
            keep[other_row].add(c)
        for r, idx in feasible.items():
            keep[r] |= idx
    if not keep[total_row]:
        return "inconsistent", {}
    for r in outcomes:
        if r not in multi:
            keep[r] = {0}
    return "resolved", keep


def _outcome_search(
    multi: list[str],
    vecs: dict[str, list[tuple[float, ...]]],
    target: tuple[float, ...],
    zero: tuple[float, ...],
) -> dict[str, set[int]] | None:
    """Which splits of the outcome rows with several can add up to ``target`` (T3-OUT).

    Forward sets of partial column sums, backward sets of suffix sums, both bounded by ``target``; a
    split is kept when some prefix, it and some suffix make the target. Empty when none can; None when
    the sets grow past ``MAX_STATES``.
    """

    def within(v: tuple[float, ...]) -> bool:
        return all(x <= y for x, y in zip(v, target, strict=True))

    forward: list[set[tuple[float, ...]]] = [{zero}]
    for r in multi:
        nxt = {s2 for s in forward[-1] for v in vecs[r] if within(s2 := _vec_add(s, v))}
        if len(nxt) > MAX_STATES:
            return None
        forward.append(nxt)
    if target not in forward[-1]:
        return {}
    backward: list[set[tuple[float, ...]]] = [{zero}]
    for r in reversed(multi):
        nxt = {s2 for s in backward[-1] for v in vecs[r] if within(s2 := _vec_add(s, v))}
        if len(nxt) > MAX_STATES:
            return None
        backward.append(nxt)
    backward.reverse()  # backward[i]: sums of rows i.. to the end
    out: dict[str, set[int]] = {}
    for i, r in enumerate(multi):
        keep: set[int] = set()
        for j, v in enumerate(vecs[r]):
            rest = backward[i + 1]
            if any(_vec_sub(_vec_sub(target, s), v) in rest for s in forward[i]):
                keep.add(j)
        out[r] = keep
    return out


def _solve_t4(t: Template, rd: _Reading, rec: Recognition) -> None:
    if rd.t4 is None:
        return
    row = _Row("t4", "t4", rd.t4)
    keys: list[str] = []
    sums: dict[int, Sequence[int]] = {}
    for b in t.t4_blocks:
        parts: list[int] = []
        for c in t.t4_columns:
            if c.key == "total":
                sums[len(keys)] = list(parts)
            else:
                parts.append(len(keys))
            keys.append(f"t4.{b.key}.{c.key}")
    cells, _options, _run = _solve_row(keys, ["count"] * len(keys), sums, row, "T4-SUM", [None] * len(keys))
    rec.cells.update(cells)
    rec.found.add("t4")


def recognize_glued(
    doc: Document, template: Template | None = None, year_hint: int | None = None
) -> Recognition:
    """Map the glued labels and runs of ``doc`` onto template keys, splitting each run into its cells."""
    t = template or load()
    rd = _read_blocks(doc, t)
    rec = Recognition()
    rec.notes += rd.notes
    rec.unmapped += rd.unmapped
    rec.blocks = {k: sorted(set(v)) for k, v in rd.blocks.items()}
    rec.version = decide_version(rd.version_votes, rd.rows, bool(rd.rows) or rd.t4 is not None, year_hint)
    if rec.version is None:
        return rec
    _solve_t2(t, rec.version, rd, rec)
    _solve_t3(t, rec.version, rd, rec)
    _solve_t4(t, rd, rec)
    return rec
