"""Reading one printed cell as a value, a blank or a placeholder (spec §6 D1–D5).

A cell is never silently turned into 0: empty cells are ``blank``, 「/」「-」「—」「无」 and the like are
``placeholder``, and text that is not a number at all is ``ambiguous`` with the numbers it contains as
candidates, so a person can look.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ogi.schema.labels import squash
from ogi.utils.cells import DASHES, PLACEHOLDERS, UNITS

_NUMBER = re.compile(
    r"^(?P<sign>[+\-])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?P<unit>"
    + "|".join(UNITS)
    + r")?$"
)
_ANY_NUMBER = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?")
_SPLIT_DIGITS = re.compile(r"\d[,.]?\s+[+\-]?\d")


@dataclass(frozen=True)
class Reading:
    """What one printed cell says."""

    status: str  # value | blank | placeholder | ambiguous
    value: float | None
    unit: str | None = None
    candidates: tuple[float, ...] = ()
    reason: str | None = None


def _clean(text: str) -> str:
    s = squash(text)
    s = unicodedata.normalize("NFKC", s)
    s = _unify_signs(s)
    s = s.replace("。", ".") if re.fullmatch(r"\d+。\d+", s) else s
    return s


def _unify_signs(text: str) -> str:
    # NFKC maps full-width digits, ＋ and ， to ASCII; the minus signs here it leaves alone.
    return text.replace("−", "-").replace("－", "-").replace("﹣", "-").replace("，", ",")


@lru_cache(maxsize=1 << 16)
def read_cell(text: str | None) -> Reading:
    """Read one cell's printed text (cached: recognition asks about the same cell many times)."""
    if text is None:
        return Reading("blank", None)
    raw = squash(text)
    if raw == "":
        return Reading("blank", None)
    if raw in PLACEHOLDERS or set(raw) <= DASHES:
        return Reading("placeholder", None)
    spaced = unicodedata.normalize("NFKC", text)
    if _SPLIT_DIGITS.search(spaced):
        # Digits on both sides of a space: two numbers printed in one cell (or read together from two
        # cells), never one number (a number an extractor saw wrapped comes joined).
        found = _ANY_NUMBER.findall(_unify_signs(spaced))
        return Reading(
            "ambiguous",
            None,
            candidates=tuple(float(c.replace(",", "")) for c in found if c.strip("+-,")),
            reason=f"several numbers: {' '.join(spaced.split())[:40]}",
        )
    s = _clean(raw)
    m = _NUMBER.match(s)
    if m:
        num = m.group("num").replace(",", "")
        value = float(num)
        if m.group("sign") == "-":
            value = -value
        return Reading("value", value, unit=m.group("unit"))
    candidates = tuple(float(c.replace(",", "")) for c in _ANY_NUMBER.findall(s) if c.strip("+-,"))
    return Reading(
        "ambiguous",
        None,
        candidates=candidates,
        reason=f"not a number: {raw[:40]}",
    )


def is_integer(value: float) -> bool:
    return float(value).is_integer()


def format_number(value: float | None) -> str:
    """A number as a person would print it (12, 96171.6, -18)."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))
