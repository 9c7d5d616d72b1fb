"""Digits OCR doubts, corrected where the identities of tables 三 and 四 allow exactly one value.

The OCR extractor marks each cell with its ``confidence`` and, when some character was doubtful, the
other readings the engine considered (``locator.alternatives``: another digit in one or two places, a
digit more or less). Nothing is changed while the report's checks pass. When a hard check fails, every
doubtful cell of tables 三 and 四 it involves is tried with each of its other readings; a reading is a
solution when every check involving that cell then holds (in table 三 a cell sits in a row identity and in
column identities, so a wrong total cannot pass for a wrong component). Solutions that fix overlapping
failures compete: only a group with exactly one solution is applied. Single corrections are tried first,
then pairs of cells. A corrected cell becomes ``ocr_corrected`` with the identities used in
``locator.rule`` and the OCR reading in ``locator.corrected_from``; ``raw`` keeps the reading too.

A doubtful number is also read a second time by the extractor, otherwise (``ogi.extractors.ocr.page``);
when the two readings disagree (``locator.readings``), ``settle`` runs first: in tables 三 and 四 the
reading that alone makes every check involving the cell hold is taken (``locator.rule``; ``ocr_corrected``
when it is the second); otherwise, and always in table 二, which has no identities, the cell is
``ambiguous`` with the readings' values as ``locator.candidates``, never a number that may be wrong.
Table 二's other doubtful cells keep the reading; their locator's ``confidence`` and ``alternatives``
report the doubt.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from ogi.schema.cells import CellValue
from ogi.schema.identities import _Context, evaluate
from ogi.schema.template import Rule, Template, load
from ogi.schema.values import read_cell

TABLES = ("t3.", "t4.")
#: Bound on the value combinations tried for a pair of cells.
MAX_PAIR_COMBINATIONS = 2_000
#: Bound on the pairs of cells tried.
MAX_PAIRS = 300
#: Bound on the trial readings of one round (each re-evaluates a few checks).
MAX_TRIALS = 20_000

Check = tuple[Rule, str]


@dataclass(frozen=True)
class _Solution:
    changes: tuple[tuple[str, float], ...]
    fixed: frozenset[Check]


def candidates(cell: CellValue) -> list[float]:
    """The counts a doubtful OCR cell may hold instead of its reading, most likely first."""
    if cell.status != "ocr" or cell.value is None:
        return []
    out: list[float] = []
    for text in cell.locator.get("alternatives") or ():
        r = read_cell(str(text))
        if r.status != "value" or r.value is None or r.unit != read_cell(cell.raw).unit:
            continue
        v = r.value
        if v < 0 or not float(v).is_integer() or v == cell.value or v in out:
            continue
        out.append(v)
    return out


def _rule_ids(checks: Iterable[Check]) -> str:
    return "+".join(sorted({rule.id for rule, _member in checks}))


def _involving(ctx: _Context, t: Template) -> dict[str, list[Check]]:
    """The checks each cell takes part in (those that can be evaluated with the cells as they are)."""
    involving: dict[str, list[Check]] = {}
    for check in [(rule, m) for rule in t.rules for m in ctx.members(rule.each)]:
        result = evaluate(check[0], ctx, check[1])
        if result is None:
            continue
        for key in set(result.cells):
            involving.setdefault(key, []).append(check)
    return involving


def _reading_values(cell: CellValue) -> list[float]:
    """The values of a disputed cell's readings, the first reading's first."""
    out: list[float] = []
    for text in cell.locator.get("readings") or ():
        r = read_cell(str(text))
        if r.status == "value" and r.value is not None and r.value not in out:
            out.append(r.value)
    return out


def settle(
    cells: dict[str, CellValue],
    version: str | None,
    other_single_row: bool = False,
    template: Template | None = None,
) -> list[str]:
    """Cells whose two OCR readings disagree (``locator.readings``), decided in place: the reading that
    alone makes every check involving the cell pass, else ``ambiguous``. The keys made ambiguous."""
    disputed = [k for k, c in cells.items() if c.status == "ocr" and c.locator.get("readings")]
    if not disputed:
        return []
    t = template or load()
    ctx = _Context(cells, version, other_single_row, t) if version is not None else None
    involving = _involving(ctx, t) if ctx is not None else {}
    ambiguous: list[str] = []
    for key in disputed:
        cell = cells[key]
        values = _reading_values(cell)
        checks = involving.get(key, []) if key.startswith(TABLES) else []
        solutions: list[float] = []
        if ctx is not None and checks:
            for v in values:
                ctx.cells = {**cells, key: _with_value(cell, v)}
                if all(_outcome(ctx, c) == "pass" for c in checks):
                    solutions.append(v)
            ctx.cells = cells
        readings = [str(r) for r in cell.locator["readings"]]
        loc = {k: v for k, v in cell.locator.items() if k != "readings"}
        if len(solutions) == 1:
            value = solutions[0]
            loc["rule"] = _rule_ids(checks)
            if value == cell.value:
                cells[key] = CellValue(key, cell.raw, "ocr", value, cell.unit, loc)
            else:
                loc["corrected_from"] = cell.raw
                cells[key] = CellValue(key, cell.raw, "ocr_corrected", value, cell.unit, loc)
            continue
        loc["candidates"] = values
        loc["reason"] = "OCR readings disagree: " + " / ".join(f"「{r}」" for r in readings)
        cells[key] = CellValue(key, cell.raw, "ambiguous", None, cell.unit, loc)
        ambiguous.append(key)
    return ambiguous


def correct(
    cells: dict[str, CellValue],
    version: str | None,
    other_single_row: bool = False,
    template: Template | None = None,
) -> list[str]:
    """Correct doubtful OCR digits in ``cells`` (in place); the keys corrected."""
    if version is None or not any(c.status == "ocr" for c in cells.values()):
        return []
    t = template or load()
    ctx = _Context(cells, version, other_single_row, t)
    involving = _involving(ctx, t)
    corrected: list[str] = []
    for size in (1, 2):
        while True:
            applied = _round(cells, ctx, involving, size)
            if not applied:
                break
            corrected += applied
    return corrected


def _outcome(ctx: _Context, check: Check) -> str:
    result = evaluate(check[0], ctx, check[1])
    return "missing" if result is None else result.outcome


def _round(
    cells: dict[str, CellValue], ctx: _Context, involving: dict[str, list[Check]], size: int
) -> list[str]:
    """One search for corrections of ``size`` cells; applies the unambiguous ones."""
    ctx.cells = cells
    failing = {c for cs in involving.values() for c in cs if _outcome(ctx, c) == "fail"}
    if not failing:
        return []
    doubtful = {
        key: cands
        for key, cell in cells.items()
        if key.startswith(TABLES)
        and any(c in failing for c in involving.get(key, ()))
        and (cands := candidates(cell))
    }
    solutions: list[_Solution] = []
    if size == 1:
        groups: Iterable[tuple[str, ...]] = ((k,) for k in doubtful)
    else:
        # Two misreads need each other only when they sit in the same failing check.
        pairs = (
            (a, b)
            for a, b in itertools.combinations(doubtful, 2)
            if set(involving.get(a, ())) & set(involving.get(b, ())) & failing
        )
        groups = itertools.islice(pairs, MAX_PAIRS)
    trials = 0
    for keys in groups:
        involved = {c for k in keys for c in involving.get(k, ())}
        if not involved & failing:
            continue
        options = [doubtful[k] for k in keys]
        n = 1
        for o in options:
            n *= len(o)
        if n > MAX_PAIR_COMBINATIONS or trials + n > MAX_TRIALS:
            continue
        trials += n
        for values in itertools.product(*options):
            trial = dict(cells)
            for k, v in zip(keys, values):
                trial[k] = _with_value(cells[k], v)
            ctx.cells = trial
            if all(_outcome(ctx, c) == "pass" for c in involved):
                solutions.append(_Solution(tuple(zip(keys, values)), frozenset(involved & failing)))
    ctx.cells = cells
    applied: list[str] = []
    for sol in solutions:
        rivals = [s for s in solutions if s is not sol and s.fixed & sol.fixed]
        if rivals:
            continue
        for key, value in sol.changes:
            old = cells[key]
            rule = _rule_ids(involving.get(key, ()))
            cells[key] = CellValue(
                key,
                old.raw,
                "ocr_corrected",
                value,
                old.unit,
                {**old.locator, "rule": rule, "corrected_from": old.raw},
            )
            applied.append(key)
    return applied


def _with_value(cell: CellValue, value: float) -> CellValue:
    return CellValue(cell.key, cell.raw, cell.status, value, cell.unit, cell.locator)
