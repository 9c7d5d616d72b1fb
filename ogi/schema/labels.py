"""Normalising printed labels and matching them to template keys.

Real reports print the same label in many ways (spec §6 D6–D8): with or without numbering (「1.」「1、」
「（一）」), with spaces and line breaks inside (「结 果\\n维持」), in full- or half-width punctuation, with
「，」 for 「、」, 其它 for 其他. Matching is done on a normal form with all of that removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from ogi.extractors.textutil import PUNCTUATION
from ogi.schema.template import Label, Template
from ogi.utils.text import IDEOGRAPHS

_WS = re.compile(r"\s+", re.UNICODE)
# Numbering at the start of a label: 一、 （一） (一) 1. 1、 1． 1， (1) ①
_NUMBERING = re.compile(
    r"^(?:"
    r"[一二三四五六七八九十]+[、.．，,]"
    r"|[（(][一二三四五六七八九十\d]+[）)][、.．，,]?"
    rf"|\d{{1,2}}(?:[、.．，,]|(?=[{IDEOGRAPHS}]))"
    r"|[①②③④⑤⑥⑦⑧⑨⑩]"
    r")"
)
_PUNCT = str.maketrans(PUNCTUATION)


@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    """Remove every kind of whitespace (U+3000, U+00A0, line breaks, spaces inside labels)."""
    return _WS.sub("", unicodedata.normalize("NFKC", text or "").replace("\u200b", ""))


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """The normal form labels are compared in: NFKC, no whitespace, unified punctuation."""
    s = squash(text)
    return s.translate(_PUNCT).replace("其它", "其他")


@lru_cache(maxsize=1 << 16)
def strip_numbering(text: str) -> str:
    """Drop leading numbering, repeatedly (「三、（一）予以公开」 → 「予以公开」)."""
    s = normalize(text)
    for _ in range(3):
        t = _NUMBERING.sub("", s, count=1)
        if t == s:
            break
        s = t
    return s


#: How long the start of a label must be to name its row on its own.
MIN_PREFIX = 8


@lru_cache(maxsize=4096)
def _compiled(label: Label) -> tuple[frozenset[str], tuple[tuple[str, ...], ...], bool]:
    """A label's exact forms and keyword alternatives in normal form (labels are few; texts are many)."""
    exacts = frozenset([normalize(e) for e in label.exact] + [strip_numbering(label.label)])
    alternatives = tuple(tuple(normalize(w) for w in alt) for alt in label.match)
    return exacts, alternatives, bool(label.exact and not label.match)


def matches(label: Label, text: str) -> int:
    """How well ``text`` matches ``label``: 0 for no match, larger is better.

    An exact label (after numbering is stripped) scores highest; otherwise the longest keyword
    alternative whose words all occur in the text.
    """
    core = strip_numbering(text)
    if not core:
        return 0
    exacts, alternatives, exact_only = _compiled(label)
    if core in exacts:
        return 1000
    if exact_only:
        return 0
    best = 0
    for words in alternatives:
        if all(w in core for w in words):
            best = max(best, sum(len(w) for w in words))
    if not best and len(core) >= MIN_PREFIX:
        # A long label cut short (a page or cell break: 「申请人无正当理由逾期不补」) still names its row.
        best = max((len(core) for e in exacts if len(e) > len(core) and e.startswith(core)), default=0)
    return best


def _ranked(labels: Iterable[Label], text: str) -> tuple[Label | None, bool]:
    """The first label ``text`` matches best, and whether a label of another key matches it as well."""
    best: Label | None = None
    score = 0
    tied = False
    for label in labels:
        s = matches(label, text)
        if s > score:
            best, score, tied = label, s, False
        elif s == score and s > 0 and best is not None and label.key != best.key:
            tied = True
    return best, tied


def best_match(labels: Iterable[Label], text: str) -> Label | None:
    """The label ``text`` matches best, or None. Ties go to the first label."""
    return _ranked(labels, text)[0]


def sole_match(labels: Iterable[Label], text: str) -> Label | None:
    """The label ``text`` matches best when no other label matches it as well, else None.

    A PDF cell that took in the words of two header cells (「结果结果维持纠正」) names neither column."""
    best, tied = _ranked(labels, text)
    return None if tied else best


def caption_item_number(text: str) -> str | None:
    """The item numeral of a 第二十条 caption (「第二十条 第（一）项」 → 「一」), or None."""
    n = normalize(text)
    m = re.search(r"第二十条第?（?([一二三四五六七八九十]{1,2})）?项", n)
    return m.group(1) if m else None


def match_t3_row(t: Template, text: str, group: str | None) -> tuple[Label | None, int]:
    """The table-三 row a printed label names, and the match score.

    Rows of the current ``group`` win ties over top-level rows, which win over rows of other groups; a
    sub-row's bare label (「3.其他」) only counts inside its own group.
    """
    best: Label | None = None
    best_rank = (0, 0)
    parent = t.t3_row(group).group if group else None
    for row in t.t3_rows:
        s = matches(row, text)
        if s <= 0:
            continue
        if row.group is not None and row.group == group:
            tier = 3
        elif row.group is None or row.group == parent or row.group == "results":
            tier = 2
        else:
            tier = 1
        if row.exact and s >= 1000 and tier == 1:
            continue
        rank = (s, tier)
        if rank > best_rank:
            best, best_rank = row, rank
    return best, best_rank[0]
