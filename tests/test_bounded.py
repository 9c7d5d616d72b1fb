"""Inputs that made one file cost the whole per-file budget are read in linear, capped work or refused with
a reason (issue 15, item 13). Bounded by sizes and counts, never by the clock.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ogi.extractors.docx import MAX_TABLE_CELLS
from ogi.extractors.pdf.grid import Char
from ogi.extractors.pdf.shapes import _TextLine, _tokens
from ogi.extractors.xlsx import MAX_MERGED_CELLS, merged_area
from ogi.run.source import extraction_options, read_source
from ogi.schema import labels
from ogi.schema.identities import _NUMBER_GROUP, MAX_NUMBER_CHARS, guarded, prose_numbers
from ogi.schema.template import load
from tests.generators import docx as docx_gen
from tests.generators import html as html_gen
from tests.generators import xlsx as xlsx_gen
from tests.generators.report import generate

OPTIONS = extraction_options()

# -- prose phrases on a long digit run ----------------------------------------------------------------


def test_every_prose_phrase_is_guarded() -> None:
    """Each phrase's number may start only where a number starts and runs at most MAX_NUMBER_CHARS: a
    search then spends at most that many steps per position (unguarded, a 20 KB digit run took 18 s)."""
    for phrase in load().prose:
        for pattern in phrase.patterns:
            assert _NUMBER_GROUP in pattern, pattern
            compiled = guarded(pattern).pattern
            assert _NUMBER_GROUP not in compiled
            assert "(?<!\\d\\d)" in compiled and f"{{0,{MAX_NUMBER_CHARS - 1}}}" in compiled


def test_a_long_digit_run_states_no_number() -> None:
    run = "1" * 20_000
    assert prose_numbers(f"本年共收到申请{run}件。{run}件已办结，1，，" * 2 + "1，，" * 5000) == []
    assert prose_numbers(f"{run}。本年共收到申请12件。")[0][:2] == ("received", 12.0)


_FRAGMENTS = st.sampled_from(
    [
        "本年共收到",
        "申请",
        "件",
        "，",
        "。",
        "办结",
        "行政复议",
        "起",
        "结转下年度",
        "上年结转",
        " ",
        "共",
        "1,2",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, st.integers(0, 10**9).map(str)), max_size=25))
def test_guarded_phrases_find_what_the_phrases_find(parts: list[str]) -> None:
    """On prose whose numbers are of printable length the guard changes nothing."""
    text = "".join(parts)
    assume(all(len(run) <= MAX_NUMBER_CHARS for run in re.findall(r"\d[\d,，]*", text)))
    for phrase in load().prose:
        for pattern in phrase.patterns:
            plain, safe = re.search(pattern, text), guarded(pattern).search(text)
            assert (plain and (plain.start(), plain.group(1))) == (safe and (safe.start(), safe.group(1)))


#: The guard as it was first written, before the number's first digit (the reference for the one after it).
_GUARD_BEFORE = rf"(?<!\d)(?<!\d[,，])(\d[\d,，]{{0,{MAX_NUMBER_CHARS - 1}}})"


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(
            _FRAGMENTS,
            st.sampled_from(["1", "12", ",", "，", "1，", "9" * 30]),
            st.integers(0, 10**30).map(str),
        ),
        max_size=30,
    )
)
def test_the_guard_after_the_first_digit_finds_what_the_guard_before_it_finds(parts: list[str]) -> None:
    """Looking back from after the first digit (which lets the engine skip to digits) is the same guard:
    the same match, start, end and number on any text, long digit runs and commas included."""
    text = "".join(parts)
    for phrase in load().prose:
        for pattern in phrase.patterns:
            before = re.compile(pattern.replace(_NUMBER_GROUP, _GUARD_BEFORE)).search(text)
            after = guarded(pattern).search(text)
            assert (before and (before.span(), before.group(1))) == (after and (after.span(), after.group(1)))


# -- XLSX merged ranges ------------------------------------------------------------------------------


def _with_sheet_xml(data: bytes, edit: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = edit(content)
            dst.writestr(info, content)
    return out.getvalue()


def test_xlsx_merged_range_over_the_whole_sheet_is_refused_before_loading() -> None:
    """A 7 KB workbook merging A1:XFD1048576 took more than 5.7 GB inside openpyxl."""
    rep = generate(5, "2021", [])
    data, _ = xlsx_gen.render(rep, "x")
    assert 0 < merged_area(data) < MAX_MERGED_CELLS
    assert read_source("x.xlsx", data, OPTIONS, name="x.xlsx").report["status"] == "ok"

    def whole_sheet(xml: bytes) -> bytes:
        return re.sub(
            rb'(<mergeCells count=")(\d+)(">)', rb'\g<1>1\g<3><mergeCell ref="A1:XFD1048576"/>', xml, count=1
        )

    huge = _with_sheet_xml(data, whole_sheet)
    assert merged_area(huge) > 1_048_576 * 16_384
    rows = read_source("x.xlsx", huge, OPTIONS, name="x.xlsx")
    assert rows.report["status"] == "failed"
    assert "merged cells cover" in rows.report["error"]


# -- DOCX with a huge table -----------------------------------------------------------------------------


def _docx_with_table(rows: int, cols: int) -> bytes:
    data, _ = docx_gen.render(generate(3, "2021", []), "x")
    row = "<w:tr>" + "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>" * cols + "</w:tr>"
    grid = "<w:tblGrid>" + "<w:gridCol/>" * cols + "</w:tblGrid>"
    table = f"<w:tbl>{grid}{row * rows}</w:tbl><w:p/>".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "word/document.xml":
                content = content.replace(b"<w:sectPr", table + b"<w:sectPr", 1)
            dst.writestr(info, content)
    return out.getvalue()


def test_docx_with_more_table_cells_than_the_cap_is_refused_before_parsing() -> None:
    """100,000 DOCX rows took 2.7 GB: the cells are counted in the XML and the file refused with the count."""
    small = _docx_with_table(10, 10)
    assert read_source("x.docx", small, OPTIONS, name="x.docx").report["status"] == "ok"
    rows = read_source("x.docx", _docx_with_table(2_000, 60), OPTIONS, name="x.docx")
    assert rows.report["status"] == "failed"
    assert f"over the limit of {MAX_TABLE_CELLS:,}" in rows.report["error"]


# -- the PDF line tokenizer -----------------------------------------------------------------------------


class _CountedFloat(float):
    """A separator that counts the comparisons made with it (reflected ones included: a float compared
    with this subclass asks the subclass first)."""

    count = 0

    def _note(self, other: object, op: str) -> bool:
        _CountedFloat.count += 1
        return bool(getattr(float, op)(self, other))

    def __lt__(self, other: object) -> bool:
        return self._note(other, "__lt__")

    def __le__(self, other: object) -> bool:
        return self._note(other, "__le__")

    def __gt__(self, other: object) -> bool:
        return self._note(other, "__gt__")

    def __ge__(self, other: object) -> bool:
        return self._note(other, "__ge__")


def test_pdf_line_tokens_cost_n_log_n_comparisons_not_n_squared() -> None:
    """A line of n characters set apart has n - 1 separators: each character counted them all."""
    n = 3_000
    chars = [Char(str(k % 10), 10.0 * k, 0.0, 10.0 * k + 5, 10.0, True, 10.0) for k in range(n)]
    seps = [_CountedFloat(10.0 * k + 7.5) for k in range(n - 1)]
    _CountedFloat.count = 0
    tokens = _tokens(_TextLine(chars, 0.0, 10.0), seps)
    assert tokens == [str(k % 10) for k in range(n)]
    assert _CountedFloat.count <= 2 * n * n.bit_length(), _CountedFloat.count  # n² would be 9,000,000


# -- table 四 with its header repeated ------------------------------------------------------------------


def _t4_header_repeated(n: int) -> tuple[bytes, dict[str, Any]]:
    data, expected = html_gen.render(generate(0, "2021", []), "x")
    text = data.decode("utf-8")
    start = text.rfind("<table")
    end = text.find("</table>", start)
    rows = text[start:end].split("<tr>")
    header = "<tr>" + "<tr>".join(rows[1:4])
    return (text[:start] + rows[0] + header * n + "<tr>" + rows[4] + text[end:]).encode("utf-8"), expected


def test_repeated_table_four_header_costs_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """1,000 repeated header rows of table 四: every row recomputed the columns from all rows before it."""
    calls = 0
    sole_match = labels.sole_match

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return sole_match(*args, **kwargs)

    monkeypatch.setattr(labels, "sole_match", counted)
    work = {}
    for n in (20, 80):
        data, expected = _t4_header_repeated(n)
        calls = 0
        rows = read_source("x.html", data, OPTIONS, name="x.html")
        work[n] = calls
        assert rows.report["status"] == "ok", rows.report["error"]
        t4 = {c["cell"]: c["value"] for c in rows.cells if c["cell"].startswith("t4.")}
        assert t4 == {k: v for k, v in expected["cells"].items() if k.startswith("t4.")}
    assert work[80] <= 4.5 * work[20], work  # quadratic and worse before: 16 times and more
