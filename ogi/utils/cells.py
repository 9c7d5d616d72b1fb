"""What a value cell prints, stated once: a number (maybe with its unit), or a placeholder for "none".

Extractors use it to tell value cells from label cells when they rebuild a grid (a PDF row without
rules, a line of glued text); the schema reads the value itself (``ogi.schema.values.read_cell``) from
the same sets, so a placeholder such as 「不涉及」 or 「×」 is a value cell everywhere.
"""

from __future__ import annotations

import re

#: Printed for "none" or "not applicable" in a value cell (after removing spaces).
PLACEHOLDERS = frozenset(
    {
        "/",
        "／",
        "\\",
        "-",
        "--",
        "---",
        "—",
        "——",
        "－",
        "－－",
        "–",
        "−",
        "~",
        "～",
        "空",
        "无",
        "暂无",
        "没有",
        "未发生",
        "不涉及",
        "不适用",
        "x",
        "X",
        "×",
        "*",
        "…",
        "……",
        "、",
    }
)
#: Runs of these characters alone are a placeholder too (「///」, 「-－-」).
DASHES = frozenset("/／\\-—－–‐−_")
#: Units printed after a number in a value cell.
UNITS = ("万元", "亿元", "元", "件", "条", "个", "项", "次", "人次", "份", "起", "宗")
_NUMBER = re.compile(r"^[-+−]?(?:\d[\d,，]*(?:[.．]\d+)?|[.．]\d+)%?$")
_UNIT = re.compile(r"(?<=\d)(?:" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")$")


def is_placeholder(text: str) -> bool:
    """「/」「-」「—」「无」「不涉及」「×」 …: a value cell that prints "none"."""
    t = "".join(text.split())
    return bool(t) and (t in PLACEHOLDERS or set(t) <= DASHES)


def is_number(text: str) -> bool:
    """A number as printed (thousands separators, full-width digits' punctuation, a percent sign)."""
    return bool(_NUMBER.match("".join(text.split())))


def is_value(text: str) -> bool:
    """What a value cell holds: a number, maybe with its unit (「251000元」), or a placeholder; never label
    words."""
    t = "".join(text.split())
    return is_number(_UNIT.sub("", t)) or is_placeholder(t)
