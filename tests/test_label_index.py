"""The label index gives exactly what ranking every label against the text gives (issue 18).

``ogi.schema.labels`` scores a printed text only against the labels an index names as candidates, and keeps
the result per text. The reference here is the matching as it was before the index, kept verbatim: every
label of every template label set is scored against the text, and the rankings (first label wins ties,
``sole_match`` ties across keys, ``match_t3_row``'s tiers) run over all of them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ogi.schema import labels as L
from ogi.schema.template import Label, Template, load

# -- the reference: the matching before the index, verbatim ----------------------------------------------


_COMPILED: dict[int, tuple[Label, tuple[frozenset[str], tuple[tuple[str, ...], ...], bool]]] = {}


def _compiled(label: Label) -> tuple[frozenset[str], tuple[tuple[str, ...], ...], bool]:
    """(The reference's one liberty: a label's normal forms are computed once, for the test's speed.)"""
    hit = _COMPILED.get(id(label))
    if hit is None or hit[0] is not label:
        exacts = frozenset([L.normalize(e) for e in label.exact] + [L.strip_numbering(label.label)])
        alternatives = tuple(tuple(L.normalize(w) for w in alt) for alt in label.match)
        hit = _COMPILED[id(label)] = (label, (exacts, alternatives, bool(label.exact and not label.match)))
    return hit[1]


def naive_matches(label: Label, text: str) -> int:
    core = L.strip_numbering(text)
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
    if not best and len(core) >= L.MIN_PREFIX:
        best = max((len(core) for e in exacts if len(e) > len(core) and e.startswith(core)), default=0)
    return best


def naive_ranked(
    labels: Iterable[Label], text: str, scores: list[int] | None = None
) -> tuple[Label | None, bool]:
    """``scores``: the labels' ``naive_matches`` when already computed."""
    labels = list(labels)
    scores = scores if scores is not None else [naive_matches(label, text) for label in labels]
    best: Label | None = None
    score = 0
    tied = False
    for label, s in zip(labels, scores, strict=True):
        if s > score:
            best, score, tied = label, s, False
        elif s == score and s > 0 and best is not None and label.key != best.key:
            tied = True
    return best, tied


def naive_match_t3_row(t: Template, text: str, group: str | None) -> tuple[Label | None, int]:
    best: Label | None = None
    best_rank = (0, 0)
    parent = t.t3_row(group).group if group else None
    for row in t.t3_rows:
        s = naive_matches(row, text)
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


# -- what is compared ----------------------------------------------------------------------------------------


def label_sets(t: Template) -> list[tuple[Label, ...] | list[Label]]:
    """Every set of labels recognition ranks, as it passes them (template tuples and lists it builds)."""
    sets: list[tuple[Label, ...] | list[Label]] = [
        t.t3_rows,
        t.t3_columns,
        t.t3_column_groups,
        t.t4_blocks,
        t.t4_columns,
        [*t.t3_columns, *t.t3_column_groups],
        [r for r in t.t3_rows if r.data or r.may_hold_values],
    ]
    for item in t.items:
        sets += [item.rows, item.cols]
    sets.append([label for s in list(sets) for label in s])  # everything at once
    return sets


def all_labels(t: Template) -> list[Label]:
    return [label for s in label_sets(t)[:-1] for label in s]


NUMBERINGS = ("", "一、", "（一）", "(二)", "3.", "4、", "10．", "①", "三、（一）", "1")
NOISE = ("", " ", "\u3000", "\n", "※", "*", "0", "12", "其它", "（", "）", "、", "：")


def printed_forms(t: Template) -> list[str]:
    """Every label as printed and misprinted: with numbering, cut short, with noise, glued to another."""
    words: list[str] = []
    for label in all_labels(t):
        words += [label.label, *label.exact, *("".join(alt) for alt in label.match)]
        words += [w for alt in label.match for w in alt]
    words = list(dict.fromkeys(words))
    out: list[str] = []
    for w in words:
        core = L.strip_numbering(w)
        out += [n + w for n in NUMBERINGS]
        out += [core[:k] for k in range(1, len(core) + 1)]  # cut short, every length
        out += [core[k:] for k in range(1, len(core))]  # the start lost
        out += [core[: len(core) // 2] + n + core[len(core) // 2 :] for n in NOISE]
        out += [n + core + n for n in NOISE]
    out += [a + b for a, b in itertools.pairwise(words)]  # two labels in one cell
    out += ["", " ", "合计", "总计", "结果结果维持纠正", "尚未审结", "尚未\n审结", "信息内容"]
    return list(dict.fromkeys(out))


def assert_same(t: Template, text: str, times: int = 1) -> None:
    """The index's answers for ``text``, asked ``times`` times (later times come from its kept results),
    are the reference's."""
    sets = label_sets(t)
    expected = []
    for labels in sets:
        scores = [naive_matches(label, text) for label in labels]
        want = [(id(label), s) for label, s in zip(labels, scores, strict=True) if s > 0]
        expected.append((labels, want, naive_ranked(labels, text, scores)))
    groups = [None, *(r.key for r in t.t3_rows if not r.data), *sorted({r.group for r in t.t3_rows} - {None})]
    rows = [naive_match_t3_row(t, text, group) for group in groups]
    for _ in range(times):
        for labels, want, (best, tied) in expected:
            assert [(id(a), s) for a, s in L.scored(labels, text)] == want, text
            assert L.best_match(labels, text) is best, text
            assert L.sole_match(labels, text) is (None if tied else best), text
        for group, (want_row, want_score) in zip(groups, rows, strict=True):
            got_row, got_score = L.match_t3_row(t, text, group)
            assert got_row is want_row and got_score == want_score, (text, group)
    for label in sets[-1]:
        assert L.matches(label, text) == naive_matches(label, text), (label.key, text)


def test_every_printed_form_of_every_label_ranks_as_the_naive_ranking() -> None:
    t = load()
    forms = printed_forms(t)
    assert len(forms) > 5000
    for text in forms:
        assert_same(t, text, times=2)


@pytest.fixture(scope="module")
def alphabet() -> str:
    t = load()
    chars = {ch for label in all_labels(t) for ch in label.label + "".join(label.exact)}
    chars |= {ch for label in all_labels(t) for alt in label.match for w in alt for ch in w}
    return "".join(sorted(chars)) + " 、.（）()123一二三①\n"


@settings(max_examples=1000, deadline=None)
@given(data=st.data())
def test_any_text_of_template_characters_ranks_as_the_naive_ranking(
    alphabet: str, data: st.DataObject
) -> None:
    t = load()
    pieces = st.one_of(
        st.text(alphabet=alphabet, max_size=24),
        st.sampled_from(printed_forms_cached()),
    )
    text = "".join(data.draw(st.lists(pieces, min_size=1, max_size=3)))
    assert_same(t, text)


_FORMS: list[str] = []


def printed_forms_cached() -> list[str]:
    if not _FORMS:
        _FORMS.extend(printed_forms(load()))
    return _FORMS


def test_labels_made_apart_from_the_template_are_indexed_too() -> None:
    """Sets of labels built on the spot (as tests and callers do) give the naive ranking as well, also
    when a label has no alternatives, an empty word, or only exact forms."""
    made = [
        Label("a", "申请数量", match=(("申请",), ("数量", "申请"))),
        Label("b", "其他", exact=("其他", "其它")),
        Label("c", "空", match=(("",), ("", "空"))),
        Label("d", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        Label("a", "申请", match=(("申请",),)),
    ]
    texts = ["申请", "数量申请", "其它", "空", "", "申请人无正当理由逾期不补", "3.其他", "申请人无正当理由"]
    for text in texts:
        want = tuple((label, s) for label in made if (s := naive_matches(label, text)) > 0)
        assert [(id(a), s) for a, s in L.scored(made, text)] == [(id(a), s) for a, s in want]
        best, tied = naive_ranked(made, text)
        assert L.best_match(made, text) is best
        assert L.sole_match(made, text) is (None if tied else best)
