"""Property tests over the variation layer (issue 14, item 6): Markdown conversions in the converters'
styles, misprinted labels, the other version's labels, captions apart from their tables.

Whatever the variation: never a wrong number, never a blank read as a value. What cannot be read stays
missing (unmapped) or ``ambiguous``. Accuracy per variation is measured by ``bench/variations.py``.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ogi.extractors import detect, extract
from ogi.schema.recognize import recognize
from ogi.schema.template import load
from tests.generators import markdown as M
from tests.generators import text_tab
from tests.generators.report import generate
from tests.generators.variation import PERTURBATIONS, perturb


def _check(data: bytes, expected: dict, fmt: str) -> int:  # type: ignore[type-arg]
    """Assert the invariant; return how many expected cells were read right."""
    rec = recognize(extract(data, fmt))
    right = 0
    for key, cell in rec.cells.items():
        if cell.value is None:
            continue
        assert key in expected["cells"], f"{key} read as {cell.value}, printed blank or not at all"
        assert abs(cell.value - expected["cells"][key]) < 1e-9, (key, cell.value, expected["cells"][key])
        right += 1
    return right


@settings(max_examples=40)
@given(
    seed=st.integers(0, 10_000),
    style=st.sampled_from(M.MD_STYLES),
    kinds=st.sets(st.sampled_from(PERTURBATIONS)),
)
def test_markdown_conversions_never_give_a_wrong_number(seed: int, style: str, kinds: set[str]) -> None:
    rep = generate(seed)
    data, expected = M.render(rep, "r", style)
    text = perturb(data.decode("utf-8"), rep, tuple(sorted(kinds)), seed)
    data = text.encode("utf-8")
    fmt = detect(data, "r.md", [r.label for r in load().t3_rows])
    assert fmt == "text_markdown"
    right = _check(data, expected, fmt)
    # Not vacuous: most of the report is read.
    assert right >= 0.8 * len(expected["cells"])


@settings(max_examples=25)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 8))
def test_misprinted_labels_in_the_text_rendering_never_give_a_wrong_number(seed: int, n: int) -> None:
    rep = generate(seed)
    data, expected = text_tab.render(rep, "r")
    text = perturb(data.decode("utf-8"), rep, ("labels", "other_version"), seed, n_labels=n)
    _check(text.encode("utf-8"), expected, "text_tab")


def test_every_markdown_style_is_read_whole() -> None:
    """Without perturbations every style gives every printed cell."""
    for style in M.MD_STYLES:
        rep = generate(7, version="2021")
        data, expected = M.render(rep, "r", style)
        assert _check(data, expected, "text_markdown") == len(expected["cells"]), style


@settings(max_examples=15)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 8))
def test_misprinted_labels_in_html_never_give_a_wrong_number(seed: int, n: int) -> None:
    from tests.generators import html

    rep = generate(seed)
    data, expected = html.render(rep, "r")
    try:
        encoding, text = "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:  # the gbk_page variant
        encoding, text = "gb18030", data.decode("gb18030")
    text = perturb(text, rep, ("labels", "other_version"), seed, n_labels=n)
    _check(text.encode(encoding), expected, "html")
