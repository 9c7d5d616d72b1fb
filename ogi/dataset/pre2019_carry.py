"""Glued pre-2019 digits decided across years (issue 17), recomputed over the whole store at every run's end.

The Fujian form's 历年累计 is a running total: C(y) = C(y−1) + Y(y). It holds for most years and breaks
where a source reset its count, so it is used only to choose between the splits of a run that the report
alone left ``ambiguous`` (「20263542」: 20|263542, 202|63542 or 2026|3542), never against a printed cell
boundary or a value already read:

- the same agency's report of the year before (the one counted for that year) gives C(y−1): keep the
  splits with C(y−1) + Y = C;
- the report of the year after gives Y(y+1) and C(y+1): keep the splits with C + Y(y+1) = C(y+1);
- a neighbour that no split satisfies is ignored (a reset, or a source error); when exactly one split is
  left, both cells become ``recovered`` with ``locator.rule`` ``PRE-CARRY`` and ``locator.previous`` /
  ``locator.next`` naming the cells used (``<report_id>:<key>``).

Decided cells feed the next year's decision, so a chain 2011 → 2012 → 2013 resolves in one run. Every
run first puts such cells back to their own reading, so the result never depends on an earlier run; cells
set by hand (``--corrections``) are never touched. Affected reports get their checks and status again.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from ogi.dataset.agencies import counted_first
from ogi.dataset.corrections import recheck
from ogi.dataset.crosschecks import reports_by_agency_year
from ogi.dataset.store import Store
from ogi.schema.pre2019 import CUMULATIVE, YEAR_COL, split_key
from ogi.utils.text import dumps

READ = ("value", "recovered", "ocr", "ocr_corrected", "manual")
RULE = "PRE-CARRY"


def _digits(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


def _pairs(
    run: str, years: list[float], cums: list[float], empty: bool
) -> list[tuple[float | None, float | None]]:
    """The readings of a glued run that both cells' candidates allow (``empty``: one cell may be blank)."""
    out: list[tuple[float | None, float | None]] = []
    for y in years:
        for c in cums:
            if _digits(y) + _digits(c) == run:
                out.append((y, c))
    if empty:
        whole = float(run)
        out += [(whole, None)] if whole in years else []
        out += [(None, whole)] if whole in cums else []
    return out


def _carries(before: float, pair: tuple[float | None, float | None]) -> bool:
    """C(y−1) + Y(y) = C(y); a cell printed empty counts as 0, as in every check (contract §4)."""
    y, c = pair
    return abs(before + (y or 0.0) - (c or 0.0)) < 1e-9


def _carried_into(pair: tuple[float | None, float | None], next_y: float, next_c: float) -> bool:
    """C(y) + Y(y+1) = C(y+1), a blank counting as 0."""
    return abs((pair[1] or 0.0) + next_y - next_c) < 1e-9


def refresh_pre2019_carry(store: Store) -> int:
    """Decide ambiguous glued pre-2019 cells by the 历年累计 of neighbouring years; returns cells decided."""
    reset = {
        rid
        for (rid,) in store.query(
            """SELECT DISTINCT report_id FROM cells WHERE "table" = 'pre' AND NOT coalesce(corrected, false)
               AND orig_status = 'ambiguous' AND status <> 'ambiguous'"""
        )
    }
    with store.transaction() as con:
        con.execute(
            """UPDATE cells SET value = orig_value, status = orig_status, locator = orig_locator,
                   raw = coalesce(json_extract_string(orig_locator, '$.run'), raw)
               WHERE "table" = 'pre' AND NOT coalesce(corrected, false) AND orig_status = 'ambiguous'
                 AND status <> 'ambiguous'"""
        )
    by_agency = reports_by_agency_year(
        store, "r.template_version = 'pre2019' AND r.form IS NOT NULL", "any_value(r.n_cells)"
    )
    chains: list[dict[int, str]] = []
    for years in by_agency.values():
        counted = {y: min(group, key=counted_first)["report_id"] for y, group in years.items()}
        if len(counted) > 1:
            chains.append(counted)
    needed = sorted({rid for chain in chains for rid in chain.values()})
    if not needed:
        _recheck(store, reset)
        return 0
    cells: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for rid, cell, status, value, loc in store.query(
        """SELECT report_id, cell, status, value, locator FROM cells
           WHERE "table" = 'pre' AND list_contains(?, report_id)""",
        [needed],
    ):
        cells[rid][cell] = {"status": status, "value": value, "locator": json.loads(loc or "{}")}
    decided: list[tuple[str, str, float | None, dict[str, Any]]] = []
    changed = True
    while changed:
        changed = False
        for chain in chains:
            for year, rid in sorted(chain.items()):
                for key, cell in list(cells[rid].items()):
                    _t, _indicator, col = split_key(key)
                    if col != YEAR_COL or cell["status"] != "ambiguous":
                        continue
                    ckey = f"{key}.{CUMULATIVE}"
                    cum = cells[rid].get(ckey)
                    run = str(cell["locator"].get("run", ""))
                    if cum is None or cum["status"] != "ambiguous" or not run.isdigit():
                        continue
                    empty = "empty" in str(cell["locator"].get("reason", ""))
                    pairs = _pairs(
                        run,
                        cell["locator"].get("candidates", []),
                        cum["locator"].get("candidates", []),
                        empty,
                    )
                    used: dict[str, str] = {}
                    before = cells[chain[year - 1]].get(ckey) if year - 1 in chain else None
                    if before is not None and before["status"] in READ and before["value"] is not None:
                        kept = [p for p in pairs if _carries(before["value"], p)]
                        if kept:
                            pairs, used["previous"] = kept, f"{chain[year - 1]}:{ckey}"
                    if year + 1 in chain:
                        ny, nc = cells[chain[year + 1]].get(key), cells[chain[year + 1]].get(ckey)
                        if (
                            ny
                            and nc
                            and ny["status"] in READ
                            and nc["status"] in READ
                            and None
                            not in (
                                ny["value"],
                                nc["value"],
                            )
                        ):
                            kept = [p for p in pairs if _carried_into(p, ny["value"], nc["value"])]
                            if kept:
                                pairs, used["next"] = kept, f"{chain[year + 1]}:{ckey}"
                    if len(pairs) != 1 or not used:
                        continue
                    y, c = pairs[0]
                    for k, v in ((key, y), (ckey, c)):
                        loc = {
                            k2: v2
                            for k2, v2 in cells[rid][k]["locator"].items()
                            if k2 not in ("candidates", "reason")
                        }
                        loc.update(rule=RULE, **used)
                        status = "recovered" if v is not None else "blank"
                        cells[rid][k] = {"status": status, "value": v, "locator": loc}
                        decided.append((rid, k, v, loc))
                    changed = True
    with store.transaction() as con:
        for rid, key, value, loc in decided:
            con.execute(
                """UPDATE cells SET value = ?, status = ?, raw = ?, locator = ?
                   WHERE report_id = ? AND cell = ?""",
                [
                    value,
                    "recovered" if value is not None else "blank",
                    _digits(value) if value is not None else "",
                    dumps(loc),
                    rid,
                    key,
                ],
            )
    _recheck(store, reset | {rid for rid, *_ in decided})
    return len(decided)


def _recheck(store: Store, report_ids: set[str]) -> None:
    if not report_ids:
        return
    with store.transaction() as con:
        for rid in sorted(report_ids):
            recheck(store, con, rid)
