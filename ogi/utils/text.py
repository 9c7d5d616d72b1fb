"""Lexical helpers every layer shares: what counts as CJK, one-line messages, locator JSON.

Each rule is stated here once; the layers import it instead of restating a character range.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: CJK radicals, ideographs, compatibility ideographs, CJK punctuation and full-width forms: the
#: characters between which a line break or a space is not a word boundary.
CJK_CHARS = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
CJK = re.compile(rf"[{CJK_CHARS}]")
#: The unified ideographs alone (names of places and bodies are written in them).
IDEOGRAPHS = "\u4e00-\u9fff"


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` (one character) is in ``CJK_CHARS``."""
    return bool(CJK.match(ch))


def one_line(text: object, limit: int = 300) -> str:
    """``text`` as one line of at most ``limit`` characters (whitespace runs become one space)."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def dumps(obj: Any) -> str:
    """JSON for locators: compact, UTF-8, keys in a stable order."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


#: C0 and C1 control characters and DEL: never printed raw on a terminal (ANSI and OSC escape sequences
#: start with one), never written into a spreadsheet cell (XML 1.0 cannot hold most of them). Extraction
#: takes C0 controls out (``strip_controls``); the outputs escape what a dataset may still hold (one
#: written before, a C1 control, a hand-made parquet file).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` safe for a terminal: every control character shown escaped (``\\x1b``), so a title
    carrying an ANSI or OSC sequence cannot recolour, retitle or rewrite the user's terminal.
    Tabs and line breaks are kept."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` display columns (CJK counted double), ending in 「…」 when cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def clip_start(text: str, width: int) -> str:
    """``text`` cut from the front to at most ``width`` display columns, starting with 「…」 when cut (for
    paths, whose end names the file)."""
    if display_width(text) <= width:
        return text
    return "…" + clip(text[::-1], width)[:-1][::-1]


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide and full-width characters count two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


#: What a spreadsheet program takes for the start of a formula (OWASP "CSV injection"): = + - @, and a
#: tab or carriage return before one of them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def spreadsheet_text(text: str) -> str:
    """A text cell for a CSV file that a spreadsheet program opens as text, never as a formula.

    OWASP's rule: a cell starting with ``= + - @`` (or a tab or carriage return) gets a leading
    apostrophe, so 「=HYPERLINK(…)」 or 「=cmd|…」 in a report title stays the text it is. A plain signed
    number as printed (「-1」, the raw text of a 本年增/减 cell) cannot be a formula and is left alone.
    Control characters are shown escaped (as on the terminal)."""
    text = printable(text)
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


#: Line breaks written as controls: CR LF and a lone CR (old Mac text), the vertical tab Word writes for a
#: manual line break (Shift+Enter) and the form feed of a page break.
_CONTROL_BREAKS = re.compile(r"\r\n?|[\x0b\x0c]")
#: The other C0 control characters (tab and line feed are text).
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")
_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def strip_controls(text: str) -> str:
    """``text`` without C0 control characters, except tab and line feed.

    Why at extraction: a control character in a title, an agency, a label or a cell is never content; it
    breaks what comes later (lxml refuses the tree, openpyxl refuses the workbook, a terminal obeys it).
    The controls that stand for a line break (CR, CR LF, vertical tab, form feed) become a line feed, so
    that the two sides of a break never run together (「12」 and 「34」 must not become 1234); the others
    are removed. Text without controls is returned as it is.
    """
    if not _ANY_CONTROL.search(text):
        return text
    return _CONTROLS.sub("", _CONTROL_BREAKS.sub("\n", text))
