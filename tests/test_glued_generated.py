"""Property tests on generated glued text: the report model (tests/generators/report.py) printed as a
crawler keeps it (tests/generators/glued.py).

The generator's reference, written independently of ``ogi.schema.glued_solver``, enumerates the splits of every
printed row and, for table 三, every choice of splits that satisfies T3-BAL and T3-OUT. Then:

- every recovered (or plainly read) cell equals the truth;
- a cell is reported ambiguous exactly when the reference finds at least two values for it, and its
  candidates are exactly those values (the truth among them);
- a report whose every cell is determined comes out complete (status ``ok``);
- when the source does not add up, no column identity is used, and exactly the checks that fail on
  what the text determines fail.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ogi.run.source import read_source
from tests.generators.glued import GLUED_DROPS, GluedReport, reference_splits, reference_values, render_glued
from tests.generators.report import VARIANTS, generate

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_PRINTABLE = [v for v in VARIANTS if v not in GLUED_DROPS]


def glued_reports(*forced: str) -> st.SearchStrategy[GluedReport]:
    """Reports of the model with random variants (``forced`` ones always), as crawled text."""
    return st.builds(
        lambda seed, version, variants: render_glued(generate(seed, version, variants | set(forced))),
        st.integers(0, 2**31 - 1),
        st.sampled_from(["2021", "2019"]),
        st.sets(st.sampled_from(_PRINTABLE), max_size=6),
    )


def read(g: GluedReport) -> tuple[dict, dict[str, dict], list[dict]]:
    rows = read_source("generated.txt", g.text.encode("utf-8"))
    cells = {c["cell"]: {**c, "loc": json.loads(c["locator"])} for c in rows.cells}
    return rows.report, cells, rows.checks


def assert_cells(g: GluedReport, cells: dict[str, dict], allowed: dict[str, set[float | None]]) -> None:
    truth = g.truth
    assert set(cells) == set(truth), set(cells) ^ set(truth)
    for key, value in truth.items():
        cell = cells[key]
        values = allowed[key]
        assert value in values, (key, value, values)
        numbers = sorted(v for v in values if v is not None)
        if cell["status"] in ("value", "recovered"):
            assert cell["value"] == value, (key, cell, value)
            assert values == {value}, (key, "reported certain but the text allows", values)
        elif cell["status"] == "placeholder":
            assert values == {None}, (key, cell, values)
        else:
            assert cell["status"] == "ambiguous", (key, cell)
            assert cell["value"] is None
            assert len(values) >= 2, (key, values)
            assert sorted(cell["loc"]["candidates"]) == numbers, (key, cell["loc"], values)


def hard_failures(checks: list[dict]) -> set[tuple[str, str]]:
    return {(c["rule"], c["target"]) for c in checks if c["severity"] == "hard" and c["outcome"] == "fail"}


def expected_failures(g: GluedReport) -> set[tuple[str, str]]:
    from tests.generators.glued import expected_values

    exp = expected_values(g, "x.txt")
    return {tuple(f.split(":")[0].split()[:2]) for f in exp["source_inconsistent"]}  # type: ignore[misc]


@SETTINGS
@given(glued_reports())
def test_generated_reports_are_read_truthfully(g: GluedReport) -> None:
    summary, cells, checks = read(g)
    allowed, _usable = reference_values(g)
    rep = g.report
    assert summary["format"] == "text_glued"
    assert summary["template_version"] == rep.version
    assert summary["year"] == rep.year
    assert summary["agency"] == rep.agency
    assert str(summary["published"]) == g.published
    assert summary["scope"] == rep.scope
    assert_cells(g, cells, allowed)
    assert hard_failures(checks) == expected_failures(g)
    if all(len(v) == 1 for v in allowed.values()):
        assert summary["status"] == "ok", summary["error"]
    else:
        assert summary["status"] == "partial"


@SETTINGS
@given(glued_reports("small_numbers"))
def test_small_reports_come_out_complete_when_determined(g: GluedReport) -> None:
    summary, cells, checks = read(g)
    allowed, _usable = reference_values(g)
    assert_cells(g, cells, allowed)
    determined = all(len(v) == 1 for v in allowed.values())
    assert (summary["status"] == "ok") == determined, summary["error"]
    if determined:
        assert all(c["status"] in ("value", "recovered", "placeholder") for c in cells.values())
        assert hard_failures(checks) == expected_failures(g)


@SETTINGS
@given(glued_reports("wrong_total"))
def test_inconsistent_sources_keep_only_what_rows_decide(g: GluedReport) -> None:
    _summary, cells, checks = read(g)
    allowed, usable = reference_values(g)
    assert_cells(g, cells, allowed)
    if usable is not True:
        # The column identities could not be used: no cell was decided by them.
        assert not any(c["loc"].get("rule", "").endswith("T3-BAL+T3-OUT") for c in cells.values())
    assert hard_failures(checks) == expected_failures(g)


def test_reference_enumerates_the_cuts_of_a_row() -> None:
    """The reference itself, on rows worked out by hand."""
    from tests.generators.glued import PrintedRow

    row = PrintedRow(["a", "b", "t"], ["count", "count", "count"], {2: [0, 1]}, "10111")
    # 10+1=11 holds; 1+0≠111, 10+11≠1, 101+1≠1; 「01」 is no count.
    assert reference_splits(row) == [(10.0, 1.0, 11.0)]
    spaced = PrintedRow(["a", "b", "t"], ["count", "count", "count"], {2: [0, 1]}, "1 0 2")
    assert reference_splits(spaced) == []  # the printed total is wrong
    assert reference_splits(spaced, own_identity=False) == [(1.0, 0.0, 2.0)]
    dash = PrintedRow(["a", "b", "c"], ["count"] * 3, {}, "3/ 12")
    assert sorted(reference_splits(dash), key=str) == sorted([(3.0, None, 12.0)], key=str)
    apart = PrintedRow(["a", "b"], ["count"] * 2, {}, "3-")
    assert reference_splits(apart) == []  # 「-」 glued to a digit is no placeholder
    grouped = PrintedRow(["a", "b"], ["count"] * 2, {}, "1,2345")
    assert reference_splits(grouped) == [(1234.0, 5.0)]  # 「,2345」 is no count
