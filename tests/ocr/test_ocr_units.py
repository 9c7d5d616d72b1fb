"""The OCR pieces one by one: grids from drawn images, deskew, readings and their alternatives, the
``ocr`` status, and corrections by the identities (no OCR engine needed except where marked)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ogi.extractors import ExtractOptions, extract
from ogi.extractors.model import Document, Table
from ogi.extractors.ocr import grid as imagegrid
from ogi.extractors.ocr.page import DASHES, cell_reading
from ogi.extractors.ocr.readings import CharReading, LineReading, alternative_texts, as_number
from ogi.schema.report import interpret
from tests.generators.docx import cell_positions, fill_template
from tests.generators.values import sample_values

DPI = 200


@pytest.fixture
def cv2_installed() -> None:
    """OpenCV comes with the ``ocr`` extra."""
    from tests.ocr.fixtures import require_ocr

    require_ocr()


# -- grids ------------------------------------------------------------------------------------------


def _draw(
    xs: list[int], ys: list[int], merged: list[tuple[int, int, int, int]], angle: float = 0.0
) -> np.ndarray:
    """A white page with a ruled grid; ``merged`` cells (row, col, rowspan, colspan) lack inner rules."""
    import cv2

    page = np.full((1600, 1400), 255, np.uint8)

    def covered(r: int, c: int) -> tuple[int, int, int, int] | None:
        for m in merged:
            if m[0] <= r < m[0] + m[2] and m[1] <= c < m[1] + m[3]:
                return m
        return None

    for i, y in enumerate(ys):
        for c in range(len(xs) - 1):
            above, below = covered(i - 1, c), covered(i, c)
            if 0 < i < len(ys) - 1 and above is not None and above is below:
                continue
            cv2.line(page, (xs[c], y), (xs[c + 1], y), 0, 2)
    for j, x in enumerate(xs):
        for r in range(len(ys) - 1):
            left, right = covered(r, j - 1), covered(r, j)
            if 0 < j < len(xs) - 1 and left is not None and left is right:
                continue
            cv2.line(page, (x, ys[r]), (x, ys[r + 1]), 0, 2)
    # Some text-like strokes inside cells, shorter than the rule kernels.
    for r in range(len(ys) - 1):
        cv2.putText(page, "12", (xs[0] + 10, ys[r] + 40), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)
    if angle:
        m = cv2.getRotationMatrix2D((700, 800), -angle, 1.0)
        page = cv2.warpAffine(page, m, (1400, 1600), borderValue=255)
    return page


XS = [100, 400, 550, 700, 850, 1000, 1300]
YS = [200, 260, 320, 380, 440, 500, 560]
MERGED = [(0, 0, 1, 6), (1, 0, 3, 1), (1, 1, 1, 2), (4, 2, 2, 3)]


def _cells(grid: imagegrid.Grid) -> set[tuple[int, int, int, int]]:
    return {(c.row, c.col, c.rowspan, c.colspan) for c in grid.cells}


def test_grid_with_spans_from_missing_rules(cv2_installed: None) -> None:
    page = imagegrid.prepare(_draw(XS, YS, MERGED), DPI)
    (grid,) = page.grids
    assert [round(x) for x in grid.xs] == pytest.approx(XS, abs=2)
    assert [round(y) for y in grid.ys] == pytest.approx(YS, abs=2)
    cells = _cells(grid)
    for m in MERGED:
        assert m in cells
    covered = sum(r * c for _, _, r, c in cells)
    assert covered == (len(XS) - 1) * (len(YS) - 1)  # every grid unit in exactly one cell
    assert (5, 0, 1, 1) in cells and (2, 1, 1, 1) in cells


@pytest.mark.parametrize("angle", [-1.5, -0.7, 0.6, 1.2])
def test_small_rotations_are_undone(angle: float, cv2_installed: None) -> None:
    image = _draw(XS, YS, MERGED, angle)
    ink = imagegrid.ink_mask(image)
    assert imagegrid.estimate_skew(ink) == pytest.approx(angle, abs=0.15)
    page = imagegrid.prepare(image, DPI)
    (grid,) = page.grids
    assert _cells(grid) == _cells(imagegrid.prepare(_draw(XS, YS, MERGED), DPI).grids[0])


def test_a_page_without_rules_has_no_grid(cv2_installed: None) -> None:
    import cv2

    page = np.full((800, 1000), 255, np.uint8)
    for i in range(8):
        cv2.putText(page, "一二三 text 123", (50, 80 + 80 * i), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3)
    assert imagegrid.prepare(page, DPI).grids == []


@settings(max_examples=15, deadline=None)
@given(
    widths=st.lists(st.integers(90, 200), min_size=3, max_size=6),
    heights=st.lists(st.integers(50, 90), min_size=2, max_size=6),
)
def test_any_full_grid_is_found_cell_for_cell(widths: list[int], heights: list[int]) -> None:
    from tests.ocr.fixtures import require_ocr

    require_ocr()
    xs = [80]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [100]
    for h in heights:
        ys.append(ys[-1] + h)
    (grid,) = imagegrid.prepare(_draw(xs, ys, []), DPI, deskew=False).grids
    assert len(grid.cells) == len(widths) * len(heights)
    assert all(c.rowspan == c.colspan == 1 for c in grid.cells)


# -- readings ---------------------------------------------------------------------------------------


def _line(*chars: tuple[str, float, tuple[tuple[str, float], ...]]) -> LineReading:
    return LineReading([CharReading(c, p, a) for c, p, a in chars])


def test_alternatives_come_from_doubtful_characters_only() -> None:
    line = _line(("1", 0.99, ()), ("3", 0.7, (("8", 0.25),)), ("0", 0.99, (("8", 0.01),)))
    alts = alternative_texts([line])
    assert alts[0] == "180"
    assert "130" not in alts and all(a[0] == "1" and a[2] == "0" for a in alts)


def test_a_digit_read_with_little_confidence_may_be_any_digit() -> None:
    line = _line(("4", 0.4, (("9", 0.3),)))
    alts = alternative_texts([line])
    assert alts[0] == "9" and set(alts) == set("0123456789") - {"4"}


def test_letters_in_a_number_read_as_the_digits_they_resemble() -> None:
    line = LineReading(
        [CharReading("1", 0.99), CharReading("O", 0.8, (), ("0", 0.15)), CharReading("件", 0.99)]
    )
    number = as_number(line)
    assert number.text == "10件" and number.chars[1].prob == pytest.approx(0.15)
    word = LineReading([CharReading("O", 0.9, (), ("0", 0.1)), CharReading("K", 0.9, (), ("4", 0.1))])
    assert as_number(word).text == "OK"


@pytest.mark.parametrize("text", ["一", "—", "--", "－", "一一"])
def test_a_lone_dash_in_a_cell(text: str) -> None:
    assert DASHES.match(text)


def test_cell_text_joins_wrapped_lines_and_reports_confidence() -> None:
    from ogi.extractors.ocr.page import _Piece

    pieces = [
        _Piece((10, 50, 60, 80), _line(("5", 0.9, (("6", 0.08),)))),
        _Piece((10, 10, 60, 40), _line(("4", 1.0, ()), ("0", 1.0, ()), ("1", 1.0, ()))),
    ]
    text, confidence, alternatives = cell_reading(pieces)
    assert (text, confidence, alternatives) == ("401\n5", 0.9, ())  # several pieces: no alternatives
    single = [_Piece((0, 0, 9, 9), _line(("7", 0.6, (("1", 0.3),))))]
    assert cell_reading(single)[2][0] == "1"


# -- statuses and corrections ------------------------------------------------------------------------


def _ocr_document(changes: dict[str, tuple[str, tuple[str, ...]]], version: str = "2021") -> Document:
    """The filled template read from Word, its cells marked as read by OCR (confidence 0.99), with some
    cells' text and alternatives replaced: what a scan with misread digits looks like to recognition."""
    doc = extract(
        fill_template(sample_values(version), title="某某局2023年政府信息公开工作年度报告", version=version),
        "docx",
    )
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    where = {pos: key for key, pos in cell_positions(version).items()}
    for t, table in enumerate(tables[:3]):
        for cell in table.cells:
            cell.locator["confidence"] = 0.99
            key = where.get((t, cell.row, cell.col))
            if key in changes:
                text, alts = changes[key]
                cell.text = text
                cell.alternatives = alts
                cell.locator["confidence"] = 0.6
    return doc


def _cells_of(doc: Document) -> dict:
    return interpret(doc).cells


def test_numbers_read_by_ocr_have_status_ocr() -> None:
    it = interpret(_ocr_document({}))
    statuses = {c.status for c in it.cells.values()}
    assert statuses == {"ocr"}
    assert it.cells["t3.granted.natural_person"].locator["confidence"] == 0.99
    assert not [c for c in it.checks if c.outcome == "fail"]


def test_a_doubtful_digit_is_corrected_when_one_value_makes_every_identity_hold() -> None:
    # granted.natural_person is 120; the scan read 128, and the engine also saw 120 and 126.
    doc = _ocr_document({"t3.granted.natural_person": ("128", ("126", "120"))})
    it = interpret(doc)
    cell = it.cells["t3.granted.natural_person"]
    assert (cell.status, cell.value, cell.raw) == ("ocr_corrected", 120.0, "128")
    assert cell.locator["corrected_from"] == "128"
    assert cell.locator["rule"] == "T3-OUT+T3-ROW"
    assert not [c for c in it.checks if c.outcome == "fail"]


def test_table_four_digit_corrected_by_its_sum() -> None:
    doc = _ocr_document({"t4.review.corrected": ("7", ("1",))})
    cell = interpret(doc).cells["t4.review.corrected"]
    assert (cell.status, cell.value, cell.locator["rule"]) == ("ocr_corrected", 1.0, "T4-SUM")


def test_no_correction_when_two_values_would_do() -> None:
    # Two doubtful cells of the same block, each with a reading that repairs T4-SUM: nothing is chosen.
    doc = _ocr_document({"t4.review.upheld": ("8", ("3",)), "t4.review.total": ("5", ("10",))})
    it = interpret(doc)
    assert it.cells["t4.review.upheld"].status == "ocr"
    assert it.cells["t4.review.total"].status == "ocr"
    failing = [(c.rule, c.target) for c in it.checks if c.outcome == "fail"]
    assert ("T4-SUM", "review") in failing


def test_no_correction_without_a_doubt_or_when_nothing_fails() -> None:
    wrong = interpret(_ocr_document({"t3.granted.natural_person": ("128", ())}))
    assert wrong.cells["t3.granted.natural_person"].status == "ocr"
    assert {c.target for c in wrong.checks if c.outcome == "fail"} >= {"natural_person", "granted"}
    fine = interpret(_ocr_document({"t3.granted.natural_person": ("120", ("126",))}))
    assert fine.cells["t3.granted.natural_person"].status == "ocr"


def test_table_two_digits_are_reported_not_corrected() -> None:
    it = interpret(_ocr_document({"t2.art20_5.admin_license.decisions": ("1528", ("1523",))}))
    cell = it.cells["t2.art20_5.admin_license.decisions"]
    assert (cell.status, cell.value) == ("ocr", 1528.0)
    assert cell.locator["alternatives"] == ["1523"] and cell.locator["confidence"] == 0.6


def test_ocr_switched_off_keeps_needs_ocr() -> None:
    from tests.generators.scan import image_pdf

    page = np.full((300, 200), 255, np.uint8)
    from PIL import Image

    doc = extract(image_pdf([Image.fromarray(page)]), "pdf", options=ExtractOptions(ocr=False))
    assert (doc.format, doc.status) == ("pdf_scanned", "needs_ocr")
    assert "switched off" in (doc.reason or "")


def test_cell_reading_of_nothing() -> None:
    assert cell_reading([]) == ("", None, ())


@pytest.mark.slow
def test_a_drawn_table_is_read_cell_by_cell() -> None:
    """OCR on a drawn grid: a word, a lone dash (too thin for the text detector, read from its ink), a
    number and a lone slash (which the recogniser reads as 1 when it stands alone)."""
    import cv2

    from ogi.extractors.ocr.page import read_image
    from ogi.extractors.pdf.tables import build_table
    from tests.ocr.fixtures import require_ocr

    require_ocr()
    image = np.full((400, 1200), 255, np.uint8)
    xs, ys = [100, 400, 600, 800, 1000], [100, 170, 240]
    for y in ys:
        cv2.line(image, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(image, (x, ys[0]), (x, ys[-1]), 0, 2)
    cv2.putText(image, "ABC", (120, 150), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 0, 3)
    cv2.line(image, (420, 205), (440, 205), 0, 3)
    cv2.putText(image, "12", (620, 220), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 0, 3)
    cv2.putText(image, "/", (820, 220), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 0, 3)
    page = read_image(image, 1, DPI, 1.0)
    (raw,) = page.tables
    table = build_table(raw).table
    assert table.text_grid() == [["ABC", "", "", ""], ["", "—", "12", "/"]]
    twelve = next(c for c in table.cells if c.text == "12")
    assert twelve.locator["page"] == 1 and 0.5 < twelve.locator["confidence"] <= 1
    assert twelve.locator["bbox"] == pytest.approx([600, 170, 800, 240], abs=3)


def test_without_the_extra_pictures_stay_needs_ocr_and_say_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    import docx
    from docx.shared import Cm
    from PIL import Image

    from ogi.extractors.ocr import engine as ocr
    from ogi.run.source import read_source

    monkeypatch.setattr(ocr, "available", lambda: False)
    d = docx.Document()
    d.add_paragraph("某某局2022年政府信息公开工作年度报告")
    buf = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(buf, format="PNG")
    buf.seek(0)
    d.add_picture(buf, width=Cm(15))
    out = io.BytesIO()
    d.save(out)
    rows = read_source("pictures.docx", out.getvalue())
    assert rows.report["status"] == "needs_ocr"
    assert "pip install 'ogi[ocr]'" in rows.report["error"]

    html = (
        "<html><head><title>某某局2023年政府信息公开工作年度报告</title></head><body><div class='article'>"
        "<h1>某某局2023年政府信息公开工作年度报告</h1><p><img src='t3.png'></p></div></body></html>"
    ).encode()
    doc = extract(html, "html", options=ExtractOptions(images={"t3.png": b"\x89PNG"}))
    assert doc.status == "needs_ocr" and "pip install 'ogi[ocr]'" in (doc.reason or "")


def test_two_misread_digits_of_one_row_are_corrected_together() -> None:
    # granted: natural_person 120 read as 126, commercial_enterprise 8 read as 3; neither correction
    # alone makes the row add up, both together make every identity hold.
    doc = _ocr_document(
        {
            "t3.granted.natural_person": ("126", ("120", "128")),
            "t3.granted.commercial_enterprise": ("3", ("8",)),
        }
    )
    it = interpret(doc)
    a = it.cells["t3.granted.natural_person"]
    b = it.cells["t3.granted.commercial_enterprise"]
    assert (a.status, a.value, b.status, b.value) == ("ocr_corrected", 120.0, "ocr_corrected", 8.0)
    assert not [c for c in it.checks if c.outcome == "fail"]
