"""Checks across reports (X-CARRY), recomputed over the whole store at the end of every run.

The same agency's report for year N should carry over (上年结转) what its report for year N−1 carried
forward (结转下年度继续办理). Reports pair up by ``agency_id`` (the versioned rule of
``ogi.dataset.agencies``, so 浙江省嘉兴市财政局 and 嘉兴市财政局 are one body); duplicates (the same bytes
under several sources) count once.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from ogi.dataset.agencies import CELLS_READ_SQL, agency_id_of, counted_first
from ogi.dataset.rows import check_row
from ogi.dataset.store import Store
from ogi.schema.cells import CellValue
from ogi.schema.identities import carry_checks


def reports_by_agency_year(
    store: Store, where: str, cells_read: str, join: str = ""
) -> dict[str, dict[int, list[dict[str, Any]]]]:
    """The store's readable reports (``ok`` or ``partial``, agency and year known, and ``where``), by
    ``agency_id`` and year, each with what ``counted_first`` ranks them by (``cells_read`` an SQL
    expression over ``join``)."""
    rows = store.query(
        f"""SELECT r.report_id, r.agency, r.year, any_value(r.status), max(r.published),
                  max(coalesce(r.n_checks_failed, 0)), min(r.source), {cells_read}
           FROM reports r {join}
           WHERE r.agency IS NOT NULL AND r.year IS NOT NULL AND r.status IN ('ok', 'partial') AND {where}
           GROUP BY r.report_id, r.agency, r.year"""
    )
    by_agency: dict[str, dict[int, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for rid, agency, year, status, published, failed, source, n_read in rows:
        key = agency_id_of(agency)
        if key is not None:
            by_agency[key][int(year)].append(
                {
                    "report_id": rid,
                    "status": status,
                    "published": published,
                    "n_checks_failed": int(failed),
                    "source": source,
                    "cells_read": int(n_read or 0),
                }
            )
    return by_agency


def refresh_cross_checks(store: Store) -> int:
    """Replace every X-CARRY row; returns how many were written.

    Each report of year N is checked against one report of year N−1: the one counted for that agency and
    year (``counted_first``), so a re-issued or copied report adds one set of checks, never a set per
    copy (and the work stays linear in the number of reports).
    """
    by_agency = reports_by_agency_year(
        store,
        "r.template_version IN ('2019', '2021')",
        "coalesce(any_value(c.n), 0)",
        f"LEFT JOIN (SELECT report_id, {CELLS_READ_SQL} AS n FROM cells GROUP BY report_id) c"
        " ON c.report_id = r.report_id",
    )
    pairs = []
    for years in by_agency.values():
        for year, group in years.items():
            before = years.get(year - 1)
            if not before:
                continue
            earlier = min(before, key=counted_first)["report_id"]
            pairs += [(r["report_id"], earlier) for r in group if r["report_id"] != earlier]
    needed = sorted({r for pair in pairs for r in pair})
    cells: dict[str, dict[str, CellValue]] = defaultdict(dict)
    if needed:
        found = store.query(
            """SELECT report_id, cell, raw, status, value, unit, locator FROM cells
               WHERE row_key IN ('carried_over', 'carry_forward') AND "table" = 't3'
                 AND list_contains(?, report_id)""",
            [needed],
        )
        for rid, cell, raw, status, value, unit, loc in found:
            cells[rid][cell] = CellValue(cell, raw, status, value, unit, json.loads(loc or "{}"))
    out = []
    for later, earlier in sorted(pairs):
        for check in carry_checks(cells[later], cells[earlier], earlier):
            out.append(check_row(later, check))
    with store.transaction() as con:
        con.execute("DELETE FROM checks WHERE rule = 'X-CARRY'")
        store.insert(con, "checks", out)
    return len(out)
