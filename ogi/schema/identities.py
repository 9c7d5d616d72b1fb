"""The template's arithmetic identities, evaluated on one report's cells (and X-CARRY across two).

The rules themselves are data (``data/identities.toml``); this module expands them over a report's columns,
rows and blocks and applies the contract's counting rules (output-contract.md §4):

- a needed cell that is missing or ``ambiguous`` makes the check ``not_assessable``;
- a blank or placeholder cell counts as 0 and is listed in ``assumed_zero``;
- except a blank (not a placeholder) total (the 总计 column, the （七）总计 row, a table-四 总计) beside printed values, which makes
  the check ``not_assessable``: agencies leave those empty when they did not add the row up. A printed 0
  is a printed value; only a blank total beside components that are all blank counts as 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from ogi.schema.cells import CellValue
from ogi.schema.template import Rule, Template, load

TOLERANCE = 1e-6


@dataclass
class CheckResult:
    """One row of ``checks``."""

    rule: str
    severity: str
    target: str
    cells: list[str]
    left: float | None
    right: float | None
    difference: float | None
    outcome: str
    assumed_zero: list[str] = field(default_factory=list)


class _Context:
    """What the rules expand over in one report."""

    def __init__(self, cells: Mapping[str, CellValue], version: str, other_single_row: bool, t: Template):
        self.cells = cells
        self.t = t
        self.rows = [r.key for r in t.t3_data_rows(version, other_single_row=other_single_row)]
        has_sub = any(k.endswith(".legal_person_subtotal") for k in cells)
        self.columns = [c.key for c in t.t3_columns if not c.optional or has_sub]
        self.applicants = [c.key for c in t.t3_columns if not c.optional and c.key != "total"]
        self.legal_person = [c.key for c in t.t3_columns if c.group == "legal_person"]
        self.outcomes = [r for r in self.rows if t.t3_row(r).group is not None and r != "results_total"]
        self.blocks = [b.key for b in t.t4_blocks]
        self.t4_parts = [c.key for c in t.t4_columns if c.key != "total"]

    def members(self, each: str) -> list[str]:
        return {"t3.column": self.columns, "t3.row": self.rows, "t4.block": self.blocks}[each]

    def expand(self, part: str, member: str) -> list[str]:
        key = part.replace("{col}", member).replace("{row}", member).replace("{block}", member)
        for name, values in (
            ("@outcomes", self.outcomes),
            ("@applicants", self.applicants),
            ("@legal_person", self.legal_person),
        ):
            if name in key:
                return [key.replace(name, v) for v in values]
        return [key]

    def components(self, key: str) -> list[str]:
        """The cells a printed total adds up (empty for a cell that is not a total)."""
        parts = key.split(".")
        out: list[str] = []
        if parts[0] == "t3":
            row, col = parts[1], parts[2]
            if col == "total" and row in self.rows:
                out += [f"t3.{row}.{c}" for c in self.applicants]
            if row == "results_total":
                out += [f"t3.{r}.{col}" for r in self.outcomes]
        elif parts[0] == "t4" and parts[2] == "total":
            out += [f"t4.{parts[1]}.{c}" for c in self.t4_parts]
        return out


def total_unknown(status: str | None, parts: Iterable[tuple[str | None, float | None]]) -> bool:
    """The blank-total rule (contract §4), for the checks and the metrics alike: a total printed blank
    (not a placeholder) beside parts that print a value (0 included) or are ambiguous is not known, since
    agencies leave a total empty when they did not add the row up. A placeholder (「/」) total was written
    there and counts as 0, like a blank total beside blank parts."""
    return status == "blank" and any(s == "ambiguous" or v is not None for s, v in parts)


@cache
def total_parts() -> dict[str, tuple[str, ...]]:
    """Every total cell of either template version → the cells it adds up (for applying
    ``total_unknown`` outside the checks: a report holds only its own version's cells)."""
    t = load()
    out: dict[str, list[str]] = {}
    for version in ("2019", "2021"):
        for single in (False, True):
            ctx = _Context({}, version, single, t)
            keys = [f"t3.{r}.{c}" for r in ctx.rows for c in ("total", *ctx.applicants)]
            keys += [f"t4.{b}.total" for b in ctx.blocks]
            for key in keys:
                for part in ctx.components(key):
                    out.setdefault(key, [])
                    if part not in out[key]:
                        out[key].append(part)
    return {k: tuple(v) for k, v in out.items()}


def _sum(keys: list[str], ctx: _Context, assumed: list[str]) -> tuple[float | None, str | None]:
    """Sum of ``keys`` with the counting rules; (None, reason) when not assessable."""
    total = 0.0
    for key in keys:
        cell = ctx.cells.get(key)
        if cell is None:
            return None, f"{key} missing"
        if cell.status == "ambiguous":
            return None, f"{key} ambiguous"
        if cell.value is None and cell.status not in ("blank", "placeholder"):
            # No number and not printed empty: a value a person declared unknown (a `manual` null).
            return None, f"{key} has no value"
        if cell.value is None:
            comps = [c for k in ctx.components(key) if (c := ctx.cells.get(k)) is not None]
            if total_unknown(cell.status, ((c.status, c.value) for c in comps)):
                return None, f"{key} blank beside printed values"
            assumed.append(key)
            continue
        total += cell.value
    return total, None


def evaluate(rule: Rule, ctx: _Context, member: str) -> CheckResult | None:
    if rule.requires:
        req = ctx.expand(rule.requires, member)[0]
        cell = ctx.cells.get(req)
        if cell is None:
            return None
    left_keys = [k for part in rule.left for k in ctx.expand(part, member)]
    right_keys = [k for part in rule.right for k in ctx.expand(part, member)]
    assumed: list[str] = []
    left, _why_l = _sum(left_keys, ctx, assumed)
    right, _why_r = _sum(right_keys, ctx, assumed)
    keys = left_keys + right_keys
    if left is None or right is None:
        return CheckResult(rule.id, rule.severity, member, keys, left, right, None, "not_assessable", assumed)
    diff = left - right
    outcome = "pass" if abs(diff) <= TOLERANCE else "fail"
    return CheckResult(rule.id, rule.severity, member, keys, left, right, diff, outcome, assumed)


def run_identities(
    cells: Mapping[str, CellValue],
    version: str | None,
    other_single_row: bool = False,
    template: Template | None = None,
) -> list[CheckResult]:
    """Every hard check of one report (T3-BAL, T3-OUT, T3-ROW, T3-ROW-SUB, T4-SUM, NONNEG)."""
    if version is None:
        return []
    t = template or load()
    ctx = _Context(cells, version, other_single_row, t)
    out: list[CheckResult] = []
    for rule in t.rules:
        for member in ctx.members(rule.each):
            result = evaluate(rule, ctx, member)
            if result is not None:
                out.append(result)
    out.append(nonneg(cells, t))
    return out


def nonneg(cells: Mapping[str, CellValue], t: Template) -> CheckResult:
    """NONNEG: every count is a non-negative integer (money and signed changes excepted)."""
    bad: list[str] = []
    checked = 0
    for key, cell in cells.items():
        if cell.value is None:
            continue
        checked += 1
        spec = t.spec(key)
        signed = spec.signed if spec else False
        decimal = spec.decimal if spec else False
        if (cell.value < 0 and not signed) or (not decimal and not float(cell.value).is_integer()):
            bad.append(key)
    outcome = "not_assessable" if checked == 0 else ("fail" if bad else "pass")
    return CheckResult("NONNEG", "hard", "report", sorted(bad), None, None, None, outcome, [])


# -- soft checks -----------------------------------------------------------------------------------


_NUM = re.compile(r"\d[\d,，]*")
#: The number group of the prose phrases (identities.toml). It is compiled to start only where a number
#: starts (not after a digit, nor after a digit and a thousands comma) and to run at most
#: ``MAX_NUMBER_CHARS`` characters: unguarded, a search tried every position of a long digit run and
#: scanned the rest of the run from each (quadratic: a 20 KB run took 18 s); guarded, each position costs
#: at most that many steps. A match the guard forbids was never the leftmost one, and no number a report
#: prints is that long, so what is found is unchanged. The guard looks back from after the number's first
#: digit (「(?<!\d\d)」 there is 「(?<!\d)」 before it): a phrase that starts with its number then starts
#: with a digit, which the regex engine skips to directly instead of trying the guard at every position
#: (four times faster on a report's prose).
_NUMBER_GROUP = r"(\d[\d,，]*)"
MAX_NUMBER_CHARS = 24
_GUARDED_GROUP = rf"(\d(?<!\d\d)(?<!\d[,，]\d)[\d,，]{{0,{MAX_NUMBER_CHARS - 1}}})"


def guarded(pattern: str) -> re.Pattern[str]:
    """A prose phrase compiled with its number group guarded (``_GUARDED_GROUP``): linear on any text."""
    return _guarded(pattern)


@cache
def _guarded(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace(_NUMBER_GROUP, _GUARDED_GROUP))


def prose_numbers(text: str, template: Template | None = None) -> list[tuple[str, float, str]]:
    """Quantities the prose states: (quantity, number, the matched phrase), first phrase per quantity."""
    t = template or load()
    flat = re.sub(r"[ \t\u3000\u00a0]+", " ", text)
    found: list[tuple[str, float, str]] = []
    seen: set[str] = set()
    for phrase in t.prose:
        if phrase.quantity in seen:
            continue
        best: tuple[int, float, str] | None = None
        for pattern in phrase.patterns:
            m = guarded(pattern).search(flat)
            if m is None:
                continue
            number = float(re.sub(r"[,，]", "", m.group(1)))
            if best is None or m.start() < best[0]:
                best = (m.start(), number, m.group(0))
        if best is not None:
            seen.add(phrase.quantity)
            found.append((phrase.quantity, best[1], best[2]))
    return found


def run_prose_checks(
    cells: Mapping[str, CellValue],
    text: str,
    template: Template | None = None,
    stated: list[tuple[str, float, str]] | None = None,
) -> list[CheckResult]:
    """TXT-T3 and TXT-T4: numbers in the prose against the tables (soft).

    ``stated``: ``prose_numbers(text)`` when the caller has it already (the phrases search the whole prose)."""
    t = template or load()
    by_quantity = {p.quantity: p for p in t.prose}
    out: list[CheckResult] = []
    for quantity, number, _phrase in prose_numbers(text, t) if stated is None else stated:
        phrase = by_quantity[quantity]
        involved = sorted({k for alt in phrase.compare for k in alt})
        sums: list[float] = []
        for alternative in phrase.compare:
            parts = [cells.get(key) for key in alternative]
            if all(c is not None and c.status != "ambiguous" for c in parts):
                sums.append(sum((c.value or 0.0) for c in parts if c is not None))
        if not sums:
            out.append(
                CheckResult(
                    phrase.rule, "soft", phrase.target, involved, number, None, None, "not_assessable"
                )
            )
            continue
        right = min(sums, key=lambda s: abs(s - number))
        diff = number - right
        outcome = "pass" if abs(diff) <= TOLERANCE else "fail"
        out.append(CheckResult(phrase.rule, "soft", phrase.target, involved, number, right, diff, outcome))
    return out


def carry_checks(
    later: Mapping[str, CellValue],
    earlier: Mapping[str, CellValue],
    earlier_report_id: str,
    template: Template | None = None,
) -> list[CheckResult]:
    """X-CARRY: this year's 上年结转 equals last year's 结转下年度 (soft), one per table-三 column."""
    t = template or load()
    out: list[CheckResult] = []
    for col in t.t3_columns:
        if col.optional:
            continue
        now_key = f"t3.carried_over.{col.key}"
        prev_key = f"t3.carry_forward.{col.key}"
        now = later.get(now_key)
        prev = earlier.get(prev_key)
        ref = f"{earlier_report_id}:{prev_key}"
        if now is None or prev is None or now.status == "ambiguous" or prev.status == "ambiguous":
            out.append(
                CheckResult("X-CARRY", "soft", col.key, [now_key, ref], None, None, None, "not_assessable")
            )
            continue
        assumed = [k for k, c in ((now_key, now), (ref, prev)) if c.value is None]
        left = now.value or 0.0
        right = prev.value or 0.0
        diff = left - right
        outcome = "pass" if abs(diff) <= TOLERANCE else "fail"
        out.append(
            CheckResult("X-CARRY", "soft", col.key, [now_key, ref], left, right, diff, outcome, assumed)
        )
    return out
