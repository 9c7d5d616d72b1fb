"""Checks across reports (X-CARRY), recomputed over the whole store at the end of every run.

The same agency's report for year N should carry over (上年结转) what its report for year N−1 carried
forward (结转下年度继续办理). Reports pair up by ``agency_id`` (the versioned rule of
``ogi.analysis.agencies``, so 浙江省嘉兴市财政局 and 嘉兴市财政局 are one body); duplicates (the same bytes
under several sources) count once.
"""

from __future__ import annotations

import json
from collections import defaultdict

from ogi.analysis.agencies import agency_id_of
from ogi.schema.identities import carry_checks
from ogi.schema.recognize import CellValue
from ogi.store import Store


def refresh_cross_checks(store: Store) -> int:
    """Replace every X-CARRY row; returns how many were written."""
    from ogi.pipeline import check_row

    reports = store.query(
        """SELECT DISTINCT report_id, agency, year FROM reports
           WHERE agency IS NOT NULL AND year IS NOT NULL AND status IN ('ok', 'partial')
             AND template_version IN ('2019', '2021')"""
    )
    by_agency: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for rid, agency, year in reports:
        key = agency_id_of(agency)
        if key is not None:
            by_agency[key][int(year)].append(rid)
    pairs = [
        (later, earlier)
        for years in by_agency.values()
        for year, rids in years.items()
        for later in rids
        for earlier in years.get(year - 1, [])
        if later != earlier
    ]
    needed = sorted({r for pair in pairs for r in pair})
    cells: dict[str, dict[str, CellValue]] = defaultdict(dict)
    if needed:
        rows = store.query(
            """SELECT report_id, cell, raw, status, value, unit, locator FROM cells
               WHERE row_key IN ('carried_over', 'carry_forward') AND "table" = 't3'
                 AND list_contains(?, report_id)""",
            [needed],
        )
        for rid, cell, raw, status, value, unit, loc in rows:
            cells[rid][cell] = CellValue(cell, raw, status, value, unit, json.loads(loc or "{}"))
    out = []
    for later, earlier in sorted(pairs):
        for check in carry_checks(cells[later], cells[earlier], earlier):
            out.append(check_row(later, check))
    with store.transaction() as con:
        con.execute("DELETE FROM checks WHERE rule = 'X-CARRY'")
        store.insert(con, "checks", out)
    return len(out)
