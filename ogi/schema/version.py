"""Which template version a report uses (spec §0), decided in one place for tables and glued text.

Table 二's labels decide (a label only one version prints is a vote for it); when they tie, table 三's
（六） sub-rows do (other_overdue / other_other are 2021's, other_handling 2019's); when nothing printed
says, the year the report covers does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def decide_version(
    votes: Mapping[str, int], t3_rows: Iterable[str], found: bool, year_hint: int | None
) -> str | None:
    """The version from table 二's ``votes``, else the table-三 row keys read, else (when any table was
    ``found``) the year; None when nothing of the template was found."""
    if votes["2021"] != votes["2019"]:
        return "2021" if votes["2021"] > votes["2019"] else "2019"
    rows = set(t3_rows)
    if any(r.startswith(("other_overdue", "other_other")) for r in rows):
        return "2021"
    if "other_handling" in rows:
        return "2019"
    if found:
        return version_for_year(year_hint)
    return None


def version_for_year(year: int | None) -> str | None:
    """The version a report on ``year`` would normally use, for when its labels say nothing."""
    if year is None or year >= 2021:
        return "2021"
    if year >= 2019:
        return "2019"
    return None
