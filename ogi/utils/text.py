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
