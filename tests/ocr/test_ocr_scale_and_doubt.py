"""Scans at any declared size, shaded tables, and doubtful numbers read twice (issue 14, items 1 and 2).

No OCR engine is needed here (pypdfium2 and Pillow for the PDFs, OpenCV where marked): the scale a page
is rendered at, the grid of a table printed on grey, the second reading of doubtful cells with a stand-in
engine, and what recognition makes of two readings that disagree.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from ogi.extractors.ocr import grid as imagegrid
from ogi.extractors.ocr.page import DPI, _Piece, doubtful, same_number, second_readings
from ogi.extractors.ocr.readings import CharReading, LineReading
from ogi.extractors.ocr.scanned_pdf import A4, render, render_scale, scan_dpi
from ogi.schema.report import interpret
from tests.generators.scan import image_pdf, shade_headers
from tests.ocr.test_ocr_units import MERGED, XS, YS, _cells, _draw, _ocr_document


@pytest.fixture
def cv2_installed() -> None:
    """OpenCV comes with the ``ocr`` extra."""
    from tests.ocr.fixtures import require_ocr

    require_ocr()


def _a4(dpi: float, landscape: bool = False) -> Image.Image:
    """A white A4 sheet scanned at ``dpi``, a rule across it (pdfium must draw something)."""
    w, h = round(A4[0] * dpi), round(A4[1] * dpi)
    if landscape:
        w, h = h, w
    image = Image.new("L", (w, h), 255)
    image.paste(0, (w // 10, h // 2, w - w // 10, h // 2 + max(1, round(dpi / 100))))
    return image


def _rendered_size(pdf: bytes, number: int = 1) -> tuple[int, int]:
    pixels, _scale = render(pdf, number)
    return pixels.shape[1], pixels.shape[0]


# -- item 1: the scan's own pixels, whatever the page says ---------------------------------------------


@pytest.mark.parametrize(
    ("scan", "declared"),
    [(200, 72), (200, 96), (200, 200), (150, 150), (300, 300), (600, 600), (150, 72), (300, 72)],
)
def test_a_scan_is_rendered_at_200_dpi_of_paper_whatever_its_page_declares(scan: int, declared: int) -> None:
    """An A4 scan at ``scan`` dpi in a PDF whose page size says ``declared`` dpi (Pillow writes 72 unless
    told): the page is rendered so that A4 is 200 dpi, the text the size the models expect."""
    pdf = image_pdf([_a4(scan)], declared)
    width, height = _rendered_size(pdf)
    assert width == pytest.approx(A4[0] * DPI, abs=3)
    assert height == pytest.approx(A4[1] * DPI, abs=3)


def test_pages_of_different_sizes_in_one_file_are_each_rendered_at_200_dpi() -> None:
    from pypdf import PdfReader, PdfWriter

    parts = [image_pdf([_a4(200)], 72), image_pdf([_a4(300, landscape=True)], 300), image_pdf([_a4(150)], 96)]
    writer = PdfWriter()
    for part in parts:
        writer.add_page(PdfReader(io.BytesIO(part)).pages[0])
    out = io.BytesIO()
    writer.write(out)
    sizes = [_rendered_size(out.getvalue(), n) for n in (1, 2, 3)]
    portrait = (A4[0] * DPI, A4[1] * DPI)
    expected = [portrait, portrait[::-1], portrait]
    for (w, h), (ew, eh) in zip(sizes, expected):
        assert (w, h) == (pytest.approx(ew, abs=3), pytest.approx(eh, abs=3))


def test_a_scan_stored_as_strips_is_measured_by_all_of_them() -> None:
    """Some scanners store a page as horizontal strips, each one image: together they give the density."""
    import pypdfium2 as pdfium

    width, height, strips = round(A4[0] * 200), round(A4[1] * 200), 4  # declared at 72 dpi
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(width, height)
    for k in range(strips):
        strip = Image.new("L", (width, height // strips), 255)
        strip.paste(0, (100, 50, width - 100, 53))
        obj = pdfium.PdfImage.new(doc)
        obj.set_bitmap(pdfium.PdfBitmap.from_pil(strip))
        obj.set_matrix(
            pdfium.PdfMatrix()
            .scale(width, height // strips)
            .translate(0, height - (k + 1) * (height // strips))
        )
        page.insert_obj(obj)
    page.gen_content()
    out = io.BytesIO()
    doc.save(out)
    w, h = _rendered_size(out.getvalue())
    assert (w, h) == (pytest.approx(A4[0] * DPI, abs=3), pytest.approx(A4[1] * DPI, abs=3))


def test_a_page_without_an_image_renders_at_200_dpi_of_its_size() -> None:
    assert render_scale(595, 842, None) == pytest.approx(DPI / 72)
    assert scan_dpi(595, 842, None) == DPI


@settings(max_examples=60)
@given(
    st.floats(min_value=100, max_value=600),
    st.floats(min_value=0.1, max_value=1.0),
    st.booleans(),
)
def test_the_scan_resolution_is_recovered_when_the_page_is_believable_or_impossible(
    dpi: float, declared_share: float, landscape: bool
) -> None:
    """An A4 scan at ``dpi`` declared at ``dpi * declared_share``: a true declaration is believed, and a
    page larger than any paper (declared at 60 % of the truth or less: 72 dpi for anything from 120 dpi)
    is taken as A4, so the resolution comes out right either way."""
    declared = dpi * declared_share
    px_w, px_h = A4[0] * dpi, A4[1] * dpi
    if landscape:
        px_w, px_h = px_h, px_w
    width_pt, height_pt = px_w / declared * 72, px_h / declared * 72
    got = scan_dpi(width_pt, height_pt, declared)
    if declared_share == 1.0 or declared_share <= 0.6:
        assert got == pytest.approx(dpi, rel=1e-6)
    else:
        # In between, the page looks like paper (at most A3) and is believed: text up to 1.5 times the
        # expected size, which OCR still reads (the 150–300 dpi scans).
        assert declared * (1 - 1e-9) <= got <= dpi * (1 + 1e-9)
    # The rendering scale turns the image's pixels into 200 dpi of paper.
    assert render_scale(width_pt, height_pt, declared) * width_pt == pytest.approx(px_w * DPI / got, rel=1e-6)


# -- item 1: shaded tables keep their grid -------------------------------------------------------------


@settings(max_examples=12)
@given(
    level=st.integers(min_value=120, max_value=235),
    banded=st.booleans(),
    sigma=st.sampled_from([0.0, 8.0, 16.0]),
)
def test_grey_header_rows_and_banded_rows_do_not_change_the_grid(
    level: int, banded: bool, sigma: float
) -> None:
    """The drawn grid with its first row (and, banded, every other row) printed on grey of ``level``, with
    or without noise: the same cells with the same spans as on white paper."""
    from tests.ocr.fixtures import require_ocr

    require_ocr()
    page = _draw(XS, YS, MERGED)
    shaded = np.asarray(shade_headers(Image.fromarray(page), level, banded=banded), dtype=np.float32)
    assert shaded[YS[0] + 20, XS[0] + 200] == pytest.approx(level, abs=2)  # the header row is grey
    if sigma:
        shaded = shaded + np.random.default_rng(level).normal(0, sigma, shaded.shape)
    image = np.clip(shaded, 0, 255).astype(np.uint8)
    (grid,) = imagegrid.prepare(image, DPI).grids
    (white,) = imagegrid.prepare(page, DPI).grids
    assert _cells(grid) == _cells(white)
    assert [round(y) for y in grid.ys] == pytest.approx(YS, abs=3)


def test_a_shaded_cell_becomes_white_paper_its_text_stays_ink(cv2_installed: None) -> None:
    page = np.full((400, 600), 255, np.uint8)
    page[100:300, 100:500] = 150  # a grey cell
    page[190:200, 200:400] = 20  # a stroke on it
    flat = imagegrid.flatten(page, DPI)
    assert flat[120, 300] >= 245 and flat[50, 50] >= 250
    assert flat[195, 300] <= 60


# -- item 2: doubtful numbers read twice -----------------------------------------------------------------


def _line(text: str, prob: float = 0.99) -> LineReading:
    return LineReading([CharReading(c, prob) for c in text])


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("1,856", "1856", True),
        ("12", "12号", True),
        ("96171.6", "96171.6万元", True),
        ("598", "698", False),
        ("1", "/", False),
        ("12", "1.2", False),
        ("-5", "5", False),
    ],
)
def test_two_readings_agree_when_they_say_the_same_number(a: str, b: str, same: bool) -> None:
    assert same_number(a, b) is same


def test_only_numbers_with_a_doubtful_character_are_doubtful() -> None:
    box = (0.0, 0.0, 40.0, 30.0)
    assert not doubtful([_Piece(box, _line("598"))])
    assert doubtful([_Piece(box, LineReading([CharReading("5", 0.99), CharReading("9", 0.7)]))])
    assert not doubtful([_Piece(box, _line("行政许可", 0.5))])  # no number: not re-read
    assert not doubtful([_Piece(box, _line("1.属于国家秘密", 0.5))])  # a label
    assert doubtful([_Piece(box, _line("96171.6万元", 0.9))])
    assert not doubtful([])
    # Sure of every digit, but a 1 nearly read before them: a digit may have been dropped (78 for 178).
    dropped = LineReading([CharReading("7", 0.99), CharReading("8", 0.99)], {0: (("1", 0.3),)})
    assert doubtful([_Piece(box, dropped)])
    faint = LineReading([CharReading("7", 0.99), CharReading("8", 0.99)], {0: (("1", 0.05), ("、", 0.4))})
    assert not doubtful([_Piece(box, faint)])


class _Engine:
    """Stands in for ``ocr.Engine``: reads every crop as ``text`` and counts the crops it was given."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.crops = 0

    def reread(self, crops: list[np.ndarray]) -> list[LineReading]:
        self.crops += len(crops)
        return [_line(self.text) for _ in crops]


def test_only_doubtful_cells_pay_for_a_second_reading(cv2_installed: None) -> None:
    clean = np.full((200, 400), 255, np.uint8)
    sure = {0: [_Piece((10, 10, 60, 40), _line("598"))], 1: [_Piece((100, 10, 150, 40), _line("12"))]}
    eng = _Engine("698")
    assert second_readings(eng, clean, sure, 30.0) == {}  # type: ignore[arg-type]
    assert eng.crops == 0
    unsure = LineReading([CharReading("5", 0.62), CharReading("9", 0.99), CharReading("8", 0.99)])
    cells = {**sure, 2: [_Piece((200, 10, 260, 40), unsure)]}
    assert second_readings(eng, clean, cells, 30.0) == {2: "698"}  # type: ignore[arg-type]
    assert eng.crops == 1
    agreeing = _Engine("5,98")
    assert second_readings(agreeing, clean, cells, 30.0) == {}  # type: ignore[arg-type]


def _disputed(changes: dict[str, tuple[str, str]], version: str = "2021") -> dict:
    """The OCR'd template with cells read as ``text`` first and as ``again`` the second time."""
    doc = _ocr_document({k: (text, ()) for k, (text, _again) in changes.items()}, version)
    from ogi.extractors.model import Table
    from tests.generators.docx import cell_positions

    where = {pos: key for key, pos in cell_positions(version).items()}
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    for t, table in enumerate(tables[:3]):
        for cell in table.cells:
            key = where.get((t, cell.row, cell.col))
            if key in changes:
                cell.locator["reread"] = changes[key][1]
    return interpret(doc).cells


def test_table_two_readings_that_disagree_make_the_cell_ambiguous_not_a_number() -> None:
    # Table 二 has no identity: 1528 or 1523, nothing can tell, so neither is written as the value.
    cell = _disputed({"t2.art20_5.admin_license.decisions": ("1528", "1523")})[
        "t2.art20_5.admin_license.decisions"
    ]
    assert (cell.status, cell.value, cell.raw) == ("ambiguous", None, "1528")
    assert cell.locator["candidates"] == [1528.0, 1523.0]
    assert "1523" in cell.locator["reason"] and "readings" not in cell.locator


def test_a_second_reading_that_is_no_number_leaves_table_two_ambiguous() -> None:
    cell = _disputed({"t2.art20_5.admin_license.decisions": ("1", "/")})["t2.art20_5.admin_license.decisions"]
    assert (cell.status, cell.value, cell.locator["candidates"]) == ("ambiguous", None, [1.0])


def test_the_identities_take_the_one_reading_that_makes_every_check_hold() -> None:
    # granted.natural_person is 120. Read 128 first and 120 the second time: the second.
    cells = _disputed({"t3.granted.natural_person": ("128", "120")})
    cell = cells["t3.granted.natural_person"]
    assert (cell.status, cell.value, cell.raw) == ("ocr_corrected", 120.0, "128")
    assert cell.locator["corrected_from"] == "128" and cell.locator["rule"] == "T3-OUT+T3-ROW"
    # Read 120 first and 126 the second time: the first, kept as read.
    cell = _disputed({"t3.granted.natural_person": ("120", "126")})["t3.granted.natural_person"]
    assert (cell.status, cell.value, cell.locator["rule"]) == ("ocr", 120.0, "T3-OUT+T3-ROW")


def test_readings_no_identity_decides_leave_the_cell_ambiguous() -> None:
    # Neither 128 nor 126 makes the row and column add up: ambiguous, and its checks not assessable.
    cells = _disputed({"t3.granted.natural_person": ("128", "126")})
    cell = cells["t3.granted.natural_person"]
    assert (cell.status, cell.value, cell.locator["candidates"]) == ("ambiguous", None, [128.0, 126.0])
    # Table 四: a reading of 7 or 1 where T4-SUM wants 1 takes 1.
    cell = _disputed({"t4.review.corrected": ("7", "1")})["t4.review.corrected"]
    assert (cell.status, cell.value, cell.locator["rule"]) == ("ocr_corrected", 1.0, "T4-SUM")


def test_a_disputed_cell_makes_the_report_partial_and_its_checks_not_assessable() -> None:
    doc = _ocr_document({"t3.granted.natural_person": ("128", ())})
    from ogi.extractors.model import Table
    from tests.generators.docx import cell_positions

    row, col = cell_positions("2021")["t3.granted.natural_person"][1:]
    t3 = [b for b in doc.blocks if isinstance(b, Table)][1]
    next(c for c in t3.cells if (c.row, c.col) == (row, col)).locator["reread"] = "126"
    it = interpret(doc)
    assert it.status == "partial" and "ambiguous" in (it.error or "")
    assessed = {(c.rule, c.target): c.outcome for c in it.checks}
    assert assessed[("T3-ROW", "granted")] == "not_assessable"
    assert "fail" not in assessed.values()
