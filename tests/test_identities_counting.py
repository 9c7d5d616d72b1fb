"""Counting rules of the checks (output-contract.md §4): blank totals, printed zeros, manual nulls."""

from __future__ import annotations

from ogi.schema.cells import CellValue
from ogi.schema.identities import run_identities
from ogi.schema.template import load


def _cells(version: str = "2021", **printed: float | str | None) -> dict[str, CellValue]:
    """Every cell of the version printed 0, except those given (None: blank; "?": ambiguous)."""
    out = {k: CellValue(k, "0", "value", 0.0) for k in load().cell_keys(version)}
    for name, v in printed.items():
        key = name.replace("__", ".")
        if v is None:
            out[key] = CellValue(key, "", "blank", None)
        elif v == "?":
            out[key] = CellValue(key, "12", "ambiguous", None, locator={"candidates": [1, 2]})
        else:
            out[key] = CellValue(key, str(v), "value", float(v))
    return out


def _check(cells: dict[str, CellValue], rule: str, target: str):
    return next(c for c in run_identities(cells, "2021") if c.rule == rule and c.target == target)


def test_blank_total_beside_printed_zeros_is_not_assessable() -> None:
    """The contract: a blank total beside printed values (a printed 0 is one) is not assessable."""
    cells = _cells(**{"t4__review__total": None})
    c = _check(cells, "T4-SUM", "review")
    assert (c.outcome, c.assumed_zero) == ("not_assessable", [])


def test_blank_total_beside_blanks_counts_as_zero() -> None:
    blanks = {f"t4__review__{c}": None for c in ("upheld", "corrected", "other_result", "pending", "total")}
    c = _check(_cells(**blanks), "T4-SUM", "review")
    assert c.outcome == "pass" and "t4.review.total" in c.assumed_zero
    # ... and a wrong number on the other side of a check using it is caught.
    row = {
        f"t3__granted__{c}": None
        for c in (
            "natural_person",
            "commercial_enterprise",
            "research_institution",
            "public_interest_org",
            "legal_service_org",
            "other_org",
            "total",
        )
    }
    c = _check(_cells(**row, t3__results_total__total=3), "T3-OUT", "total")
    assert c.outcome == "fail" and "t3.granted.total" in c.assumed_zero


def test_blank_total_beside_printed_values_is_not_assessable() -> None:
    """上海 2019: 予以公开 258 12 – – 1 1 with the 总计 blank."""
    cells = _cells(
        **{
            "t3__granted__natural_person": 258,
            "t3__granted__commercial_enterprise": 12,
            "t3__granted__total": None,
        }
    )
    assert _check(cells, "T3-ROW", "granted").outcome == "not_assessable"
    assert _check(cells, "T3-OUT", "total").outcome == "not_assessable"


def test_blank_total_beside_an_ambiguous_component_is_not_assessable() -> None:
    cells = _cells(**{"t4__review__total": None, "t4__review__upheld": "?"})
    assert _check(cells, "T4-SUM", "review").outcome == "not_assessable"
    cells = _cells(**{"t3__new_received__total": None, "t3__new_received__natural_person": "?"})
    assert _check(cells, "T3-BAL", "total").outcome == "not_assessable"


def test_a_manual_null_is_not_counted_as_zero() -> None:
    """A cell a person set to null through the corrections file is unknown, not empty."""
    cells = _cells(**{"t4__review__upheld": None})
    assert _check(cells, "T4-SUM", "review").outcome == "pass"  # printed blank: counts as 0
    cells["t4.review.upheld"] = CellValue("t4.review.upheld", "3", "manual", None, locator={"by": "x"})
    c = _check(cells, "T4-SUM", "review")
    assert c.outcome == "not_assessable" and c.assumed_zero == []
