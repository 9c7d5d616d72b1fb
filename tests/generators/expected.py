"""What a printed cell must come out as in ogi's rows: the test oracle for generated reports.

Only the shapes the generators print are known (numbers, signed numbers, a number with 元/万元, the
usual placeholders, blanks); anything else fails loudly rather than being guessed.
"""

from __future__ import annotations

import re

PLACEHOLDER_TEXTS = {"/", "／", "-", "—", "无", "--"}


def expected_cell(raw: str, header_unit: str | None = None) -> tuple[float | None, str, str | None]:
    """(value, status, unit) a printed string must come out as (only the shapes the fixtures print)."""
    text = raw.strip().strip("\u3000")
    if text == "":
        return None, "blank", header_unit
    if text in PLACEHOLDER_TEXTS:
        return None, "placeholder", header_unit
    m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)(元|万元)?", text)
    assert m, f"fixture prints {raw!r}, which this test does not know how to expect"
    return float(m.group(1)), "value", m.group(2) or header_unit


def header_unit_of(key: str) -> str | None:
    """The unit printed in the column header of a cell (only 本年收费金额（单位：万元）has one)."""
    return "万元" if key == "t2.art20_8.admin_fees.fee_amount" else None
