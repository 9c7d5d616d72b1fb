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
