"""Property tests on generated glued text (tests/generators/glued.py).

A brute-force reference, written here independently of ``ogi.schema.glued``, enumerates the splits of
every printed row and, for table 三, every choice of splits that satisfies T3-BAL and T3-OUT. Then:

- every recovered (or plainly read) cell equals the truth;
- a cell is reported ambiguous exactly when the reference finds at least two values for it that are
  consistent with all identities, and its candidates are exactly those values (the truth among them);
- a report whose every cell is determined comes out complete (status ``ok``);
- when the source does not add up, no column identity is used: rows keep the splits that satisfy their
  own identity, and exactly the broken checks fail.
"""

from __future__ import annotations

import json
import re
from itertools import product

from hypothesis import HealthCheck, assume, given, settings

from ogi.pipeline import read_source
from ogi.schema.template import load
from tests.generators.glued import APPLICANTS, GluedReport, PrintedRow, glued_reports

PATTERNS = {
    "count": re.compile(r"0|[1-9][0-9]*"),
    "signed": re.compile(r"[+-]?(0|[1-9][0-9]*)"),
    "decimal": re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?"),
}
#: Above this many combinations of table-三 row splits the joint reference is not computed.
JOINT_LIMIT = 100_000
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_splits(row: PrintedRow) -> list[tuple[float, ...]]:
    """Every split of the row's run into its cells: whitespace and 元 are boundaries, totals add up.

    Plain enumeration over cut positions. The only shortcuts: a total is checked as soon as it is
    placed, and a total printed last that adds up every cell before it (T3-ROW) is read first (a
    suffix of the last token) so that no partial sum may pass it.
    """
    tokens = row.run.replace("元", " ").split()
    k = len(row.kinds)
    out: list[tuple[float, ...]] = []

    def rec(toks: list[str], ti: int, pos: int, cells: list[float], ncells: int, bound: float | None) -> None:
        if ti == len(toks):
            if len(cells) == ncells:
                out.append((*cells, bound) if ncells < k else tuple(cells))
            return
        col = len(cells)
        if col == ncells or (bound is not None and sum(cells) > bound):
            return
        token = toks[ti]
        for end in range(pos + 1, len(token) + 1):
            piece = token[pos:end]
            if not PATTERNS[row.kinds[col]].fullmatch(piece):
                continue
            value = float(piece)
            if col in row.sums and value != sum(cells[c] for c in row.sums[col]):
                continue
            nxt = (ti + 1, 0) if end == len(token) else (ti, end)
            rec(toks, *nxt, [*cells, value], ncells, bound)

    if tokens and sorted(row.sums.get(k - 1, ())) == list(range(k - 1)):
        last = tokens[-1]
        for q in range(len(last)):
            total = last[q:]
            if not PATTERNS[row.kinds[-1]].fullmatch(total):
                continue
            toks = [*tokens[:-1], last[:q]] if q else tokens[:-1]
            before = len(out)
            rec(toks, 0, 0, [], k - 1, float(total))
            # Keep only the splits whose components add up to the total read first.
            out[before:] = [o for o in out[before:] if sum(o[c] for c in row.sums[k - 1]) == o[-1]]
    else:
        rec(tokens, 0, 0, [], k, None)
    return sorted(set(out))


def reference_values(report: GluedReport) -> tuple[dict[str, set[float]], bool | None]:
    """What the text allows for every cell, and whether table 三 admits a consistent choice.

    The second value is None when there are too many combinations to check.
    """
    t = load()
    allowed: dict[str, set[float]] = {}
    t3_rows: dict[str, list[tuple[float, ...]]] = {}
    for row in report.rows:
        options = reference_splits(row)
        if row.keys[0].startswith("t3."):
            t3_rows[row.keys[0].split(".")[1]] = options
        for i, key in enumerate(row.keys):
            allowed[key] = {o[i] for o in options}
    for key, value in report.truth.items():
        allowed.setdefault(key, {value})  # one-cell rows: the run is the cell

    rows = [r.key for r in t.t3_data_rows(report.version)]
    outcomes = [r for r in rows if t.t3_row(r).group is not None and r != "results_total"]
    size = 1
    for r in rows:
        size *= len(t3_rows[r])
    if size > JOINT_LIMIT or size == 0:
        return allowed, None
    multi = [r for r in rows if len(t3_rows[r]) > 1]
    joint: dict[str, set[int]] = {r: set() for r in multi}
    found = False
    for choice in product(*(range(len(t3_rows[r])) for r in multi)):
        pick = {r: t3_rows[r][0] for r in rows}
        pick.update({r: t3_rows[r][i] for r, i in zip(multi, choice, strict=True)})
        ok = all(
            pick["new_received"][c] + pick["carried_over"][c]
            == pick["results_total"][c] + pick["carry_forward"][c]
            and sum(pick[o][c] for o in outcomes) == pick["results_total"][c]
            for c in range(7)
        )
        if ok:
            found = True
            for r, i in zip(multi, choice, strict=True):
                joint[r].add(i)
    if found:
        for r in multi:
            for i, col in enumerate((*APPLICANTS, "total")):
                allowed[f"t3.{r}.{col}"] = {t3_rows[r][j][i] for j in joint[r]}
    return allowed, found


def read(report: GluedReport) -> tuple[dict, dict[str, dict], list[dict]]:
    rows = read_source("generated.txt", report.text.encode("utf-8"))
    cells = {c["cell"]: {**c, "loc": json.loads(c["locator"])} for c in rows.cells}
    return rows.report, cells, rows.checks


def assert_cells(report: GluedReport, cells: dict[str, dict], allowed: dict[str, set[float]]) -> None:
    assert set(cells) == set(report.truth), set(cells) ^ set(report.truth)
    for key, truth in report.truth.items():
        cell = cells[key]
        values = allowed[key]
        assert any(abs(v - truth) < 1e-9 for v in values), (key, truth, values)
        if cell["status"] in ("value", "recovered"):
            assert abs(cell["value"] - truth) < 1e-9, (key, cell, truth)
            assert len(values) == 1, (key, "reported certain but the text allows", values)
        else:
            assert cell["status"] == "ambiguous", (key, cell)
            assert cell["value"] is None
            assert sorted(cell["loc"]["candidates"]) == sorted(values), (key, cell["loc"], values)
            assert len(values) >= 2


@SETTINGS
@given(glued_reports())
def test_generated_reports_are_read_truthfully(report: GluedReport) -> None:
    summary, cells, checks = read(report)
    allowed, consistent = reference_values(report)
    assert consistent is not False  # the generator made a consistent report
    assume(consistent is not None)
    assert summary["format"] == "text_glued"
    assert summary["template_version"] == report.version
    assert summary["year"] == report.year
    assert summary["agency"] == report.agency
    assert str(summary["published"]) == report.published
    assert summary["scope"] == ("aggregate" if report.stated_received is not None else None)
    assert_cells(report, cells, allowed)
    # A consistent source never fails a hard check (a misreading would).
    assert not [c for c in checks if c["severity"] == "hard" and c["outcome"] == "fail"]
    if all(len(v) == 1 for v in allowed.values()):
        assert summary["status"] == "ok", summary["error"]
    else:
        assert summary["status"] == "partial"


@SETTINGS
@given(glued_reports(forced=True))
def test_unique_reports_come_out_complete(report: GluedReport) -> None:
    summary, cells, checks = read(report)
    allowed, consistent = reference_values(report)
    assume(consistent is True)
    assert_cells(report, cells, allowed)
    determined = all(len(v) == 1 for v in allowed.values())
    assert (summary["status"] == "ok") == determined, summary["error"]
    if determined:
        assert all(c["status"] in ("value", "recovered") for c in cells.values())
        assert all(c["outcome"] == "pass" for c in checks if c["severity"] == "hard")


@SETTINGS
@given(glued_reports(inconsistent=True))
def test_inconsistent_sources_keep_only_what_rows_decide(report: GluedReport) -> None:
    _summary, cells, checks = read(report)
    allowed, consistent = reference_values(report)
    # A wrong choice of splits could happen to add up; then the source looks consistent to anyone.
    assume(consistent is False)
    assert_cells(report, cells, allowed)
    # No cell was decided by the column identities.
    assert not any(c["loc"].get("rule", "").endswith("T3-BAL+T3-OUT") for c in cells.values())
    failed = {(c["rule"], c["target"]) for c in checks if c["severity"] == "hard" and c["outcome"] == "fail"}
    assert failed <= {("T3-OUT", report.broken_column), ("T3-OUT", "total")}
    if not any(c["status"] == "ambiguous" for k, c in cells.items() if k.startswith("t3.")):
        assert failed == {("T3-OUT", report.broken_column), ("T3-OUT", "total")}
