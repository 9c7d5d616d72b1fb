"""The speed-ups of issue 18 change no result: each fast path against the plain one it replaced.

- the table finder's bisections (intersections, a cell's neighbours, a row's characters) against
  pdfplumber's brute-force scans, on random grids and characters (hypothesis);
- pdfium called through ``c_void_p`` prototypes against pypdfium2's typed bindings, on every character
  and path of the real WPS report and a hand-made WPS page;
- prose lines cut around tables through the tables' hull against testing every table.
"""

from __future__ import annotations

import ctypes
import itertools

import pypdfium2.raw as R
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ogi.extractors.pdf import pdfium as P
from ogi.extractors.pdf.grid import (
    Char,
    Edge,
    _Vertex,
    edges_to_intersections,
    extract_table,
    extract_text,
    intersections_to_cells,
    table_rows,
)
from ogi.extractors.pdf.text import page_lines, prose_lines

# -- references: pdfplumber's scans, as the port had them before bisection --------------------------------


def ref_intersections(edges: list[Edge], tol: float) -> dict[tuple[float, float], tuple[set, set]]:
    out: dict[tuple[float, float], tuple[set, set]] = {}
    v_edges = sorted((e for e in edges if e.orientation == "v"), key=lambda e: (e.x0, e.top))
    h_edges = sorted((e for e in edges if e.orientation == "h"), key=lambda e: (e.top, e.x0))
    for v in v_edges:
        for h in h_edges:
            if v.top <= h.top + tol and v.bottom >= h.top - tol and v.x0 >= h.x0 - tol and v.x0 <= h.x1 + tol:
                vs, hs = out.setdefault((v.x0, h.top), (set(), set()))
                vs.add(v.bbox)
                hs.add(h.bbox)
    return out


def ref_cells(inter: dict[tuple[float, float], _Vertex]) -> list[tuple[float, float, float, float]]:
    points = sorted(inter)
    cells = []
    for pt in points:
        below = [p for p in points if p[0] == pt[0] and p > pt]
        right = [p for p in points if p[1] == pt[1] and p > pt]
        found = None
        for b in below:
            if inter[pt].v.isdisjoint(inter[b].v):
                continue
            for r in right:
                if inter[pt].h.isdisjoint(inter[r].h):
                    continue
                br = (r[0], b[1])
                if (
                    br in inter
                    and not inter[br].v.isdisjoint(inter[r].v)
                    and not inter[br].h.isdisjoint(inter[b].h)
                ):
                    found = (pt[0], pt[1], br[0], br[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def ref_extract_table(
    cells: list[tuple[float, float, float, float]], chars: list[Char]
) -> list[list[str | None]]:
    out: list[list[str | None]] = []
    for row in table_rows(cells):
        present = [c for c in row if c is not None]
        rx0, rtop = min(c[0] for c in present), min(c[1] for c in present)
        rx1, rbottom = max(c[2] for c in present), max(c[3] for c in present)
        row_chars = [
            c for c in chars if rx0 <= (c.x0 + c.x1) / 2 < rx1 and rtop <= (c.top + c.bottom) / 2 < rbottom
        ]
        texts: list[str | None] = []
        for cell in row:
            if cell is None:
                texts.append(None)
                continue
            x0, top, x1, bottom = cell
            inside = [
                c
                for c in row_chars
                if x0 <= (c.x0 + c.x1) / 2 < x1 and top <= (c.top + c.bottom) / 2 < bottom
            ]
            texts.append(extract_text(inside) if inside else "")
        out.append(texts)
    return out


# -- random grids ------------------------------------------------------------------------------------------

coord = st.integers(0, 12).map(lambda k: 10.0 * k + 0.5 * (k % 3))
v_edge = st.tuples(coord, coord, coord).map(lambda t: Edge(t[0], min(t[1:]), t[0], max(t[1:]) + 5, "v", 0.0))
h_edge = st.tuples(coord, coord, coord).map(lambda t: Edge(min(t[1:]), t[0], max(t[1:]) + 5, t[0], "h", 0.0))
char = st.tuples(st.floats(0, 130), st.floats(0, 130), st.sampled_from("12３一二 x")).map(
    lambda t: Char(t[2], t[0], t[1], t[0] + 5, t[1] + 8, True, 8.0)
)


@given(st.lists(v_edge, max_size=14), st.lists(h_edge, max_size=14))
def test_intersections_and_cells_as_pdfplumber_scans(vs: list[Edge], hs: list[Edge]) -> None:
    edges = vs + hs
    inter = edges_to_intersections(edges, 3.0, 3.0)
    ref = ref_intersections(edges, 3.0)
    assert {k: (v.v, v.h) for k, v in inter.items()} == ref
    assert intersections_to_cells(inter) == ref_cells(inter)


@given(
    st.lists(st.integers(0, 8), min_size=2, max_size=6, unique=True),
    st.lists(st.integers(0, 8), min_size=2, max_size=6, unique=True),
    st.lists(char, max_size=60),
)
def test_row_characters_as_pdfplumber_scans(xs: list[int], ys: list[int], chars: list[Char]) -> None:
    gx, gy = sorted(15.0 * x for x in xs), sorted(15.0 * y for y in ys)
    cells = [(a, b, c, d) for a, c in itertools.pairwise(gx) for b, d in itertools.pairwise(gy)]
    assert extract_table(cells, chars) == ref_extract_table(cells, chars)


@given(st.lists(char, max_size=80), st.lists(st.tuples(coord, coord, coord, coord), max_size=3))
def test_prose_lines_cut_around_tables_as_before(chars: list[Char], boxes: list[tuple[float, ...]]) -> None:
    exclude = [(min(a, c), min(b, d), max(a, c), max(b, d)) for a, b, c, d in boxes]

    def excluded(c: Char) -> bool:
        mx, my = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
        return any(b[0] - 1 <= mx <= b[2] + 1 and b[1] - 1 <= my <= b[3] + 1 for b in exclude)

    kept = [c for c in chars if not excluded(c)]
    assert page_lines(chars, 1, exclude) == page_lines(kept, 1)


# -- pdfium through plain addresses ------------------------------------------------------------------------


def _typed_chars(data: bytes) -> list[list[tuple]]:
    """Every character's text object (as an address), loose box, matrix and size through pypdfium2's
    typed bindings: what ``_read_chars`` asked before the ``c_void_p`` prototypes."""
    buf = ctypes.create_string_buffer(data, len(data))  # pdfium reads it while the document is open
    doc = R.FPDF_LoadMemDocument64(buf, len(data), None)
    pages = []
    try:
        for index in range(R.FPDF_GetPageCount(doc)):
            page = R.FPDF_LoadPage(doc, index)
            tp = R.FPDFText_LoadPage(page)
            box, m = R.FS_RECTF(), R.FS_MATRIX()
            rows = []
            for i in range(R.FPDFText_CountChars(tp)):
                obj = ctypes.cast(R.FPDFText_GetTextObject(tp, i), ctypes.c_void_p).value
                R.FPDFText_GetLooseCharBox(tp, i, box)
                R.FPDFText_GetMatrix(tp, i, m)
                rows.append(
                    (obj, box.left, box.top, box.right, box.bottom, m.a, m.d, R.FPDFText_GetFontSize(tp, i))
                )
            pages.append(rows)
            R.FPDFText_ClosePage(tp)
            R.FPDF_ClosePage(page)
    finally:
        R.FPDF_CloseDocument(doc)
    return pages


def _fast_chars(data: bytes) -> list[list[tuple]]:
    buf = ctypes.create_string_buffer(data, len(data))  # pdfium reads it while the document is open
    doc = R.FPDF_LoadMemDocument64(buf, len(data), None)
    pages = []
    try:
        for index in range(R.FPDF_GetPageCount(doc)):
            page = R.FPDF_LoadPage(doc, index)
            text_page = R.FPDFText_LoadPage(page)
            tp = P._address(text_page)
            box, m = R.FS_RECTF(), R.FS_MATRIX()
            rows = []
            for i in range(R.FPDFText_CountChars(text_page)):
                obj = P._text_object(tp, i)
                P._loose_char_box(tp, i, ctypes.addressof(box))
                P._char_matrix(tp, i, ctypes.addressof(m))
                rows.append((obj, box.left, box.top, box.right, box.bottom, m.a, m.d, P._font_size(tp, i)))
            pages.append(rows)
            R.FPDFText_ClosePage(text_page)
            R.FPDF_ClosePage(page)
    finally:
        R.FPDF_CloseDocument(doc)
    return pages


@pytest.mark.parametrize("name", ["huaian", "wps_pdf"])
def test_fast_prototypes_read_what_the_typed_bindings_read(name: str, request: pytest.FixtureRequest) -> None:
    data = request.getfixturevalue(name)

    # Text object handles are addresses, different in each load: compare which characters share one.
    def shape(pages: list[list[tuple]]) -> list[list[tuple]]:
        out = []
        for rows in pages:
            ids: dict[int | None, int] = {}
            out.append([(ids.setdefault(r[0], len(ids)), *r[1:]) for r in rows])
        return out

    typed, fast = shape(_typed_chars(data)), shape(_fast_chars(data))
    assert sum(len(p) for p in typed) > 100
    assert fast == typed


def test_fast_prototypes_take_plain_addresses() -> None:
    """Pointer arguments and results become ``c_void_p``; other types stay as pypdfium2 declares them."""
    f = P._fast(R.FPDFText_GetFontSize)
    assert f.restype is ctypes.c_double
    assert f.argtypes == (ctypes.c_void_p, ctypes.c_int)
    g = P._fast(R.FPDFPath_GetPathSegment)
    assert g.restype is ctypes.c_void_p


# -- pages without rules read for their prose -------------------------------------------------------------


def _both_readings(data: bytes) -> list[tuple[P.PageData, P.PageData]]:
    """Each page read character by character, and read for its prose only."""
    with P.PdfiumDocument(data) as pdoc:
        return [(pdoc.page(i), pdoc.page(i, chars_needed=lambda _page: False)) for i in range(pdoc.n_pages)]


@pytest.mark.parametrize("name", ["huaian", "office"])
def test_prose_reading_gives_the_lines_of_every_character(name: str, request: pytest.FixtureRequest) -> None:
    """Lines, boxes and sizes from pdfium's text and a few characters a line are those every character
    gives (the real WPS report, whose digits are set in another font; LibreOffice exports)."""
    datas = (
        list(request.getfixturevalue("office_pdfs").values())
        if name == "office"
        else [request.getfixturevalue(name)]
    )
    from ogi.extractors.pdf.reader import has_rules

    compared = 0
    for data in datas:
        for whole, prose in _both_readings(data):
            if has_rules(whole):  # table pages keep every character
                continue
            if prose.text_lines is None:  # content the prose reading cannot vouch for: characters read
                assert len(prose.chars) == len(whole.chars)
                continue
            assert not prose.chars and prose.visible == sum(1 for c in whole.chars if not c.text.isspace())
            assert prose.bad_chars == whole.bad_chars == 0
            assert prose.system_fonts == whole.system_fonts
            assert prose_lines(prose.text_lines, prose.number) == page_lines(whole.chars, whole.number)
            compared += 1
    assert compared >= 3


def test_prose_reading_gives_way_on_what_it_cannot_vouch_for(wps_pdf: bytes) -> None:
    """A turned page and a garbled one (glyphs without Unicode) are read character by character."""
    from tests.pdf.pdf_handmade import garbled, wps_page

    for data in (wps_page(turned_pages=(1,)), garbled()):
        for whole, prose in _both_readings(data):
            assert prose.text_lines is None
            assert len(prose.chars) == len(whole.chars) and prose.bad_chars == whole.bad_chars


def test_only_pages_without_rules_are_read_for_their_prose(huaian: bytes) -> None:
    from ogi.extractors.pdf.reader import has_rules

    with P.PdfiumDocument(huaian) as pdoc:
        pages = [pdoc.page(i, chars_needed=has_rules) for i in range(pdoc.n_pages)]
    assert [p.text_lines is None for p in pages] == [False, False, True, True, True, False]


@pytest.mark.parametrize("name", ["huaian", "office"])
def test_characters_by_runs_are_every_character_read_exactly(
    name: str, request: pytest.FixtureRequest
) -> None:
    """One box a character and the first of each run read exactly give every character's description."""
    datas = (
        list(request.getfixturevalue("office_pdfs").values())
        if name == "office"
        else [request.getfixturevalue(name)]
    )

    def described(page: P.PageData) -> list[tuple]:
        return [(c.text, c.x0, c.top, c.x1, c.bottom, c.upright, c.size) for c in page.chars]

    read = 0
    for data in datas:
        with P.PdfiumDocument(data) as pdoc:
            for i in range(pdoc.n_pages):
                page = R.FPDF_LoadPage(pdoc.handle, i)
                text_page = R.FPDFText_LoadPage(page)
                try:
                    n = R.FPDFText_CountChars(text_page)
                    text = P._page_text(text_page, n)
                    exact, runs = P.PageData(i + 1, 595.0, 842.0), P.PageData(i + 1, 595.0, 842.0)
                    P._chars_of(text_page, n, text, exact)
                    if text is None or not P._chars_by_runs(text_page, n, text, runs):
                        continue
                    assert described(runs) == described(exact)
                    assert runs.bad_chars == exact.bad_chars
                    read += 1
                finally:
                    R.FPDFText_ClosePage(text_page)
                    R.FPDF_ClosePage(page)
    assert read >= 1


@pytest.mark.parametrize("name", ["garbled", "wps_pdf"])
def test_characters_by_runs_give_way(name: str, request: pytest.FixtureRequest) -> None:
    """Glyphs without Unicode, and vertical writing (the hand-made WPS page's 「办理结果」), need every
    character read exactly."""
    from tests.pdf.pdf_handmade import garbled

    data = garbled() if name == "garbled" else request.getfixturevalue(name)
    with P.PdfiumDocument(data) as pdoc:
        page = R.FPDF_LoadPage(pdoc.handle, 0)
        text_page = R.FPDFText_LoadPage(page)
        n = R.FPDFText_CountChars(text_page)
        out = P.PageData(1, 595.0, 842.0)
        text = P._page_text(text_page, n)
        assert text is None or not P._chars_by_runs(text_page, n, text, out)
        assert not out.chars
        R.FPDFText_ClosePage(text_page)
        R.FPDF_ClosePage(page)
