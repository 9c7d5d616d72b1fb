"""Normalising printed labels and matching them to template keys.

Real reports print the same label in many ways (spec §6 D6–D8): with or without numbering (「1.」「1、」
「（一）」), with spaces and line breaks inside (「结 果\\n维持」), in full- or half-width punctuation, with
「，」 for 「、」, 其它 for 其他. Matching is done on a normal form with all of that removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class _Forms:
    """A label's exact forms and keyword alternatives in normal form (labels are few; texts are many)."""

    exacts: frozenset[str]
    alternatives: tuple[tuple[str, ...], ...]
    exact_only: bool


#: Forms by the label's id, with the label kept alive so that its id stays its own. A frozen ``Label``
#: hashes all its fields on every lookup; an id does not.
_FORMS: dict[int, tuple[Label, _Forms]] = {}
#: Labels made on the fly (tests) must not make the table grow without end.
_MAX_KEPT = 1 << 12


def _forms(label: Label) -> _Forms:
    hit = _FORMS.get(id(label))
    if hit is not None and hit[0] is label:
        return hit[1]
    forms = _Forms(
        frozenset([normalize(e) for e in label.exact] + [strip_numbering(label.label)]),
        tuple(tuple(normalize(w) for w in alt) for alt in label.match),
        bool(label.exact and not label.match),
    )
    if len(_FORMS) >= _MAX_KEPT:
        _FORMS.clear()
    _FORMS[id(label)] = (label, forms)
    return forms


def _score(forms: _Forms, core: str) -> int:
    """The rule of :func:`matches`, on a printed label already in normal form without numbering."""
    if core in forms.exacts:
        return 1000
    if forms.exact_only:
        return 0
    best = 0
    for words in forms.alternatives:
        if all(w in core for w in words):
            best = max(best, sum(len(w) for w in words))
    if not best and len(core) >= MIN_PREFIX:
        # A long label cut short (a page or cell break: 「申请人无正当理由逾期不补」) still names its row.
        best = max((len(core) for e in forms.exacts if len(e) > len(core) and e.startswith(core)), default=0)
    return best


def matches(label: Label, text: str) -> int:
    """How well ``text`` matches ``label``: 0 for no match, larger is better.

    An exact label (after numbering is stripped) scores highest; otherwise the longest keyword
    alternative whose words all occur in the text.
    """
    core = strip_numbering(text)
    if not core:
        return 0
    return _score(_forms(label), core)


Scored = tuple[tuple[Label, int], ...]


class _LabelSet:
    """Labels indexed once, so that a printed text is scored against the few labels it can match.

    A label scores above 0 only through one of the three ways of :func:`_score`, and each needs something
    of the text that an index can look up: an exact form is the whole text; an alternative's words all
    occur in it, so any one character of them does (the rarest is indexed); a long exact form cut short
    starts with the text's first character. Every other label scores 0, which no ranking counts, so
    scoring the candidates alone gives what scoring every label gives. Results are kept per text: row
    labels and header cells repeat within and across reports.
    """

    __slots__ = ("by_char", "by_start", "cache", "exact", "forms", "labels")

    def __init__(self, labels: tuple[Label, ...]) -> None:
        self.labels = labels
        self.forms = tuple(_forms(label) for label in labels)
        exact: dict[str, list[int]] = {}
        by_char: dict[str, list[int]] = {}
        by_start: dict[str, list[int]] = {}
        frequency: dict[str, int] = {}
        for forms in self.forms:
            for words in forms.alternatives:
                for ch in set("".join(words)):
                    frequency[ch] = frequency.get(ch, 0) + 1
        for i, forms in enumerate(self.forms):
            for e in forms.exacts:
                exact.setdefault(e, []).append(i)
            if forms.exact_only:
                continue
            for words in forms.alternatives:
                chars = "".join(words)
                if chars:
                    rarest = min(chars, key=lambda ch: (frequency[ch], ch))
                    by_char.setdefault(rarest, []).append(i)
            for e in forms.exacts:
                if len(e) > MIN_PREFIX:
                    by_start.setdefault(e[0], []).append(i)
        self.exact = {k: tuple(v) for k, v in exact.items()}
        self.by_char = {k: tuple(v) for k, v in by_char.items()}
        self.by_start = {k: tuple(v) for k, v in by_start.items()}
        self.cache: dict[str, Scored] = {}

    def scored(self, core: str) -> Scored:
        hit = self.cache.get(core)
        if hit is not None:
            return hit
        candidates: set[int] = set()
        by_char = self.by_char.get
        for ch in set(core):
            found = by_char(ch)
            if found:
                candidates.update(found)
        found = self.exact.get(core)
        if found:
            candidates.update(found)
        if len(core) >= MIN_PREFIX:
            found = self.by_start.get(core[0])
            if found:
                candidates.update(found)
        result: Scored = ()
        if candidates:
            forms, labels = self.forms, self.labels
            result = tuple((labels[i], s) for i in sorted(candidates) if (s := _score(forms[i], core)))
        if len(self.cache) >= _MAX_KEPT:
            self.cache.clear()
        self.cache[core] = result
        return result


#: Label sets by the id of the tuple given (the template's own tuples), and by the ids of their labels
#: (lists built by a caller); each entry keeps what its key's ids name alive.
_SETS_BY_TUPLE: dict[int, tuple[tuple[Label, ...], _LabelSet]] = {}
_SETS_BY_IDS: dict[tuple[int, ...], _LabelSet] = {}


def _label_set(labels: Iterable[Label]) -> _LabelSet:
    if isinstance(labels, tuple):
        hit = _SETS_BY_TUPLE.get(id(labels))
        if hit is not None and hit[0] is labels:
            return hit[1]
    listed = tuple(labels)
    key = tuple(map(id, listed))
    found = _SETS_BY_IDS.get(key)
    if found is None:
        if len(_SETS_BY_IDS) >= _MAX_KEPT:
            _SETS_BY_IDS.clear()
            _SETS_BY_TUPLE.clear()
        found = _SETS_BY_IDS[key] = _LabelSet(listed)
    if isinstance(labels, tuple):
        if len(_SETS_BY_TUPLE) >= _MAX_KEPT:  # a caller making a new tuple every time
            _SETS_BY_TUPLE.clear()
        _SETS_BY_TUPLE[id(labels)] = (labels, found)
    return found


def scored(labels: Iterable[Label], text: str) -> Scored:
    """The labels of ``labels`` that ``text`` matches (score above 0), with their :func:`matches` scores,
    in the order of ``labels``. Rankings over a set of labels start here: only these can win."""
    core = strip_numbering(text)
    if not core:
        return ()
    return _label_set(labels).scored(core)


def _ranked(labels: Iterable[Label], text: str) -> tuple[Label | None, bool]:
    """The first label ``text`` matches best, and whether a label of another key matches it as well."""
    best: Label | None = None
    score = 0
    tied = False
    for label, s in scored(labels, text):
        if s > score:
            best, score, tied = label, s, False
        elif s == score and best is not None and label.key != best.key:
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
    for row, s in scored(t.t3_rows, text):
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
