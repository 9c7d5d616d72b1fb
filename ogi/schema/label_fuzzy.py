"""Labels as printed: matching a row label with characters dropped, changed or cut short, by structure.

Real reports misprint labels (「2.其他法律行政止公开」 for 「2.其他法律行政法规禁止公开」, 「行政许」 cut short by a
cell). The keyword rules of ``ogi.schema.labels`` miss them, and the row's numbers went to ``unmapped``. A
misprinted label still says where it belongs: its group (the heading it sits under), its numbering (its place
in the group) and most of its characters. This module matches on all three together and answers only when
exactly one template row fits; when two fit, it answers nothing, because choosing between them could put a
number in the wrong row (a wrong number is worse than a missing one).

The template's labels are indexed once per template (character → rows), so a printed label is compared
with the few rows that share a character with it, never with every row: recognition stays linear in the
cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ogi.schema import labels as L
from ogi.schema.template import Label, Template

#: Exact (as printed, spaces aside), normalised (same normal form, numbering, keywords or a prefix of the
#: label), fuzzy (by group, numbering and shared characters; this module). Written as ``locator.label_match``.
EXACT, NORMALISED, FUZZY = "exact", "normalised", "fuzzy"

_CN = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_CIRCLED = {c: i for i, c in enumerate("①②③④⑤⑥⑦⑧⑨⑩", start=1)}
_LEADING_NUMBER = re.compile(
    r"^(?:(?P<cn>[一二三四五六七八九十]{1,2})[、.．，,]"
    r"|[（(](?P<par>[一二三四五六七八九十]{1,2}|\d{1,2})[）)][、.．，,]?"
    r"|(?P<ar>\d{1,2})(?:[、.．，,]|(?=\D))"
    r"|(?P<circ>[①②③④⑤⑥⑦⑧⑨⑩]))"
)

#: How much of the template label and of the printed label the shared characters must cover.
MIN_SHARE = 0.6
#: Without numbering to confirm the place, more must be shared.
MIN_SHARE_UNNUMBERED = 0.75
#: Fewer shared characters than this never name a row (「行政」 is in four rows).
MIN_SHARED_CHARS = 3


def _numeral(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text in _CN:
        return _CN[text]
    if len(text) == 2 and text[0] == "十" and text[1] in _CN:
        return 10 + _CN[text[1]]
    return None


def numbering(text: str) -> int | None:
    """The number a label is printed with (「2.其他…」 → 2, 「（三）不予公开」 → 3), or None.

    Only the innermost numbering counts: 「三、（一）予以公开」 → 1."""
    s = L.normalize(text)
    found: int | None = None
    for _ in range(3):
        m = _LEADING_NUMBER.match(s)
        if not m:
            break
        token = m.group("cn") or m.group("par") or m.group("ar")
        found = _CIRCLED[m.group("circ")] if m.group("circ") else _numeral(token or "")
        s = s[m.end() :]
    return found


def _lcs(a: str, b: str) -> int:
    """Length of the longest common subsequence: the characters two labels share, in order."""
    if len(a) < len(b):
        a, b = b, a
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


@dataclass(frozen=True)
class _Entry:
    label: Label
    scope: str | None  # the group (table 三) or the 第二十条 item (table 二) the row belongs to
    number: int | None
    core: str


@dataclass(frozen=True)
class LabelIndex:
    """The template rows of one table, indexed by the characters of their labels."""

    entries: tuple[_Entry, ...]
    by_char: dict[str, tuple[int, ...]]

    def near(self, core: str) -> list[_Entry]:
        """Rows sharing at least one character with ``core`` (each once, in template order)."""
        hits: set[int] = set()
        for ch in set(core):
            hits.update(self.by_char.get(ch, ()))
        return [self.entries[i] for i in sorted(hits)]


def _index(entries: Iterable[_Entry]) -> LabelIndex:
    listed = tuple(entries)
    by_char: dict[str, list[int]] = {}
    for i, e in enumerate(listed):
        for ch in set(e.core):
            by_char.setdefault(ch, []).append(i)
    return LabelIndex(listed, {ch: tuple(ix) for ch, ix in by_char.items()})


_INDEXES: dict[tuple[int, str], tuple[Template, LabelIndex]] = {}


def _cached(t: Template, which: str, build: Iterable[_Entry]) -> LabelIndex:
    """The index ``which`` of template ``t``, built from ``build`` (lazy) the first time only."""
    hit = _INDEXES.get((id(t), which))
    if hit is not None and hit[0] is t:
        return hit[1]
    index = _index(build)
    _INDEXES[(id(t), which)] = (t, index)  # the template is kept alive with its index: ids stay unique
    return index


def t3_index(t: Template) -> LabelIndex:
    """Table 三's rows, once per template."""
    return _cached(
        t,
        "t3",
        (_Entry(r, r.group, numbering(r.label), L.strip_numbering(r.label)) for r in t.t3_rows),
    )


def t2_index(t: Template) -> LabelIndex:
    """Table 二's rows of every item and version, once per template (a row is listed once per item)."""
    entries: dict[tuple[str, str, str], _Entry] = {}
    for item in t.items:
        for r in item.rows:
            core = L.strip_numbering(r.label)
            entries.setdefault((item.key, r.key, core), _Entry(r, item.key, None, core))
    return _cached(t, "t2", entries.values())


def _fits(entry: _Entry, core: str, printed_number: int | None) -> bool:
    if printed_number is not None and entry.number is not None and printed_number != entry.number:
        return False
    shared = _lcs(core, entry.core)
    if shared < MIN_SHARED_CHARS:
        return False
    numbered = printed_number is not None and printed_number == entry.number
    need = MIN_SHARE if numbered else MIN_SHARE_UNNUMBERED
    if shared / len(core) >= need and shared / len(entry.core) >= need:
        return True
    # Cut short by a cell or page break: what is printed is the start of the label, nearly all shared.
    return numbered and shared / len(core) >= 0.8 and core[0] == entry.core[0]


def fuzzy_find(index: LabelIndex, text: str, scopes: Sequence[str | None]) -> tuple[Label, str | None] | None:
    """The one row of ``index`` in ``scopes`` that the printed ``text`` fits, with its scope, or None (no
    row fits, or rows of different keys do).

    ``scopes`` are the groups (or items) the row can be in where it is printed: the current group and the
    levels above it. The same key listed twice (a row of both template versions) is one row.
    """
    core = L.strip_numbering(text)
    if len(core) < MIN_SHARED_CHARS:
        return None
    printed_number = numbering(text)
    allowed = set(scopes)
    fits = {
        e.label.key: (e.label, e.scope)
        for e in index.near(core)
        if e.scope in allowed and _fits(e, core, printed_number)
    }
    if len(fits) != 1:
        return None
    return next(iter(fits.values()))


def fuzzy_match(index: LabelIndex, text: str, scopes: Sequence[str | None]) -> Label | None:
    """The row of :func:`fuzzy_find`, without its scope."""
    found = fuzzy_find(index, text, scopes)
    return found[0] if found else None


def how_matched(label: Label, printed: str) -> str:
    """``exact`` when the printed label is the template's (spaces aside), else ``normalised``."""
    s = L.squash(printed)
    if s == L.squash(label.label) or s in {L.squash(e) for e in label.exact}:
        return EXACT
    return NORMALISED


def match_locator(label: Label, printed: str, how: str | None = None) -> dict[str, str]:
    """What goes into a cell's locator about its row label: ``label_match`` and, unless exact, the printed
    label (spaces collapsed)."""
    how = how or how_matched(label, printed)
    out = {"label_match": how}
    if how != EXACT:
        out["label"] = " ".join(printed.split())
    return out
