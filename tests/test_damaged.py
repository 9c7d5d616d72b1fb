"""Damaged files never read ``ok`` with printed values turned ``blank`` (issue 15, item 12).

A page or a tab-indented text cut short inside a table, or a PDF page whose content stream is broken, lacks cells the source
printed: those cells are missing (the report ``partial``), never ``blank`` (which the checks count as 0),
and no value read differs from the whole file's. Invented reports (``tests/generators``), damaged by
``tests/generators/damage``.
"""

from __future__ import annotations

import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ogi.dataset.rows import ReportRows
from ogi.extractors.html.cut import ends_inside_table
from ogi.extractors.pdf.streams import all_streams_decode, damaged_pages
from ogi.run.source import extraction_options, read_source
from tests.generators import damage, text_tab
from tests.generators import html as html_gen
from tests.generators.libreoffice import require_soffice
from tests.generators.report import VARIANTS, generate

OPTIONS = extraction_options()


def _read(data: bytes, name: str) -> ReportRows:
    return read_source(f"/generated/{name}", data, OPTIONS, name=name)


def _assert_nothing_invented(rows: ReportRows, expected: dict) -> None:  # type: ignore[type-arg]
    """No blank where the whole report prints a value, and no value other than the printed one."""
    printed = expected["cells"]
    by_key = {c["cell"]: c for c in rows.cells}
    blanks = sorted(k for k in printed if k in by_key and by_key[k]["status"] == "blank")
    assert not blanks, f"{len(blanks)} printed values read as blank: {blanks[:5]}"
    wrong = {
        k: by_key[k]["raw"] for k, v in printed.items() if k in by_key and by_key[k]["value"] not in (None, v)
    }
    assert not wrong, wrong


def test_ends_inside_table() -> None:
    assert ends_inside_table("<table><tr><td>1</td><td>2") is not None
    assert ends_inside_table("<table><tr><td>1</td><td>2").cell_open  # type: ignore[union-attr]
    assert not ends_inside_table("<table><tr><td>1</td><td>2</td>").cell_open  # type: ignore[union-attr]
    assert ends_inside_table("<table><tr><td>1</td></tr></table>") is None
    assert ends_inside_table("<table><tr><td>1</td></tr></body></html>") is None  # unclosed, page complete
    assert ends_inside_table("<table><thead><tr><th>a</th></tr></thead></table><p>x") is None
    assert ends_inside_table("<p>no table</p>") is None


def test_page_cut_inside_table_four_is_partial() -> None:
    """A page cut in table 四's value row read `ok`, the cells after the cut `blank`."""
    rep = generate(0, "2021", [])
    data, expected = html_gen.render(rep, "r")
    start, end = damage.inside_tables(data)[-1]
    rows = _read(damage.truncate(data, start + (end - start) * 0.8), "r.html")
    assert rows.report["status"] == "partial"
    assert "cut short" in rows.report["error"] and "table 四" in rows.report["error"]
    _assert_nothing_invented(rows, expected)
    assert sum(1 for c in rows.cells if c["cell"].startswith("t4.")) < 15


def test_whole_page_is_not_damaged() -> None:
    rep = generate(0, "2021", [])
    data, _ = html_gen.render(rep, "r")
    assert _read(data, "r.html").report["status"] == "ok"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    version=st.sampled_from(["2021", "2019"]),
    variants=st.sets(st.sampled_from(VARIANTS), max_size=6),
    where=st.floats(0.0, 1.0),
    in_table_four=st.booleans(),
)
def test_truncated_page_never_turns_printed_values_blank(
    seed: int, version: str, variants: set[str], where: float, in_table_four: bool
) -> None:
    """Property: a page cut anywhere (half the draws inside table 四) has no blank where the whole report
    prints a value, no value the whole report does not print, and is never ``ok`` when cut in a table."""
    rep = generate(seed, version, variants)
    data, expected = html_gen.render(rep, "r")
    tables = damage.inside_tables(data)
    if in_table_four:
        start, end = tables[-1]
        where = start + (end - start) * where
    cut = damage.truncate(data, where)
    rows = _read(cut, "r.html")
    _assert_nothing_invented(rows, expected)
    if any(start < where < end for start, end in tables):
        assert rows.report["status"] != "ok"


# -- a PDF page whose content stream is damaged ---------------------------------------------------------


@pytest.fixture(scope="module")
def generated_pdf() -> tuple[bytes, dict]:  # type: ignore[type-arg]
    require_soffice()
    from tests.generators import pdf as pdf_gen

    return pdf_gen.render(generate(11, "2021", []), "damaged")


@pytest.mark.parametrize("engine", ["auto", "plumber"])
def test_pdf_page_with_a_damaged_stream_is_partial(generated_pdf: tuple[bytes, dict], engine: str) -> None:  # type: ignore[type-arg]
    """Each engine drew what it could of the broken stream and said nothing: table cells whose text was
    lost read as printed empty, in a report that could read `ok`."""
    data, expected = generated_pdf
    whole = read_source("/generated/d.pdf", data, extraction_options(engine), name="d.pdf")
    assert whole.report["status"] == "ok" and "damaged" not in (whole.report["error"] or "")
    pages = len(damage.content_streams(data))
    assert pages >= 2
    for index in range(pages):
        rows = read_source(
            "/generated/d.pdf", damage.damage_pdf_page(data, index), extraction_options(engine), name="d.pdf"
        )
        assert rows.report["status"] == "partial"
        assert f"the content stream of page {index + 1} is damaged" in rows.report["error"]
        _assert_nothing_invented(rows, expected)


def test_damaged_pages_names_the_broken_page(generated_pdf: tuple[bytes, dict]) -> None:  # type: ignore[type-arg]
    data, _ = generated_pdf
    assert damaged_pages(data) == {}
    assert list(damaged_pages(damage.damage_pdf_page(data, 1))) == [2]
    assert damaged_pages(data[: len(data) // 2]) is not None  # a structure it cannot walk: no claim, no error


def test_byte_scan_sends_every_damaged_page_to_the_walk(generated_pdf: tuple[bytes, dict]) -> None:  # type: ignore[type-arg]
    """The scan that spares whole files the structure walk says "all decode" only when they do."""
    data, _ = generated_pdf
    assert all_streams_decode(data)
    for index in range(len(damage.content_streams(data))):
        assert not all_streams_decode(damage.damage_pdf_page(data, index))


def test_byte_scan_defers_what_it_cannot_tell() -> None:
    good = zlib.compress(b"BT /F1 12 Tf (x) Tj ET")
    stream = b"1 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream\nendobj\n"
    assert all_streams_decode(stream % (len(good), good))
    assert not all_streams_decode(stream % (len(good), good[:-6]))  # cut short
    assert not all_streams_decode(stream % (len(good), b"\x00" + good[1:]))  # corrupt
    by_reference = b"1 0 obj\n<< /Length 5 /Filter 2 0 R >>\nstream\n" + good + b"\nendstream\nendobj\n"
    assert not all_streams_decode(by_reference)
    assert not all_streams_decode(b"1 0 obj\n<< /Length 5 >>\nstream\nabc")  # no endstream
    assert not all_streams_decode(b"trailer << /Encrypt 5 0 R >>")
    font = b"1 0 obj\n<< /Length 5 /Length1 9 /Filter /FlateDecode >>\nstream\nnot zlib\nendstream\nendobj\n"
    assert all_streams_decode(font)  # a font program is no page's content


# -- tab-indented text cut short ------------------------------------------------------------------------


def test_text_cut_inside_table_four_is_partial() -> None:
    """The tab-indented text cut after a table-四 cell read `ok`, the cells after the cut `blank`, and a
    cut inside a number (「4」 of 「46」) read as that number."""
    rep = generate(20, "2021", [])
    data, expected = text_tab.render(rep, "r")
    text = data.decode("utf-8")
    last_cell = text.rfind("\n\t", 0, text.rfind("五、")) + 2
    for cut in (last_cell - 9, last_cell - 1, last_cell + 1):
        rows = _read(text[:cut].encode("utf-8"), "r.txt")
        assert rows.report["status"] == "partial", repr(text[cut - 20 : cut])
        assert "cut short" in rows.report["error"]
        _assert_nothing_invented(rows, expected)
    assert _read(data, "r.txt").report["status"] == "ok"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    version=st.sampled_from(["2021", "2019"]),
    variants=st.sets(st.sampled_from(VARIANTS), max_size=6),
    where=st.floats(0.0, 1.0),
)
def test_truncated_text_never_turns_printed_values_blank(
    seed: int, version: str, variants: set[str], where: float
) -> None:
    rep = generate(seed, version, variants)
    data, expected = text_tab.render(rep, "r")
    _assert_nothing_invented(_read(damage.truncate(data, where), "r.txt"), expected)
