"""One page image read by OCR: table grids with each cell's text, and the text outside the tables.

The grid comes from the image (``ogi.extractors.ocr.grid``); the OCR engine (``ogi.extractors.ocr.engine``)
finds text lines and reads them. Each line found is placed in the cell that holds it; a line the
detector drew across a rule (two numbers close together) is cut at the rule and each piece read on its
own, and a cell with ink but no line found (a lone small digit) is read from its ink. Lines of one cell
are joined as the PDF extractor joins wrapped cell text. A tall, narrow line (characters stacked
vertically in a narrow column) is read character by character.

A cell whose number the engine was unsure of (``doubtful``) is read a second time, otherwise
(``second_readings``: the crop enlarged, binarised the other way, read alone); when the two readings say
different numbers, the locator's ``reread`` holds the second, and ``ogi.schema.ocrfix.settle`` lets the
identities decide or makes the cell ``ambiguous``. Only doubtful cells are read twice.

The result is in the units the caller asks for (``scale`` per pixel: PDF points for a rendered page,
pixels for an embedded image), as the PDF extractor's raw tables and characters, so that tables are
built, stitched across pages and prose assembled by the same code as for born-digital PDFs.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ogi.extractors.ocr import engine as ocr
from ogi.extractors.ocr import grid as ig
from ogi.extractors.ocr import readings as ocrtext
from ogi.extractors.pdf.grid import Char
from ogi.extractors.pdf.tables import RawCell, RawTable
from ogi.extractors.textutil import join_wrapped

#: Rendering resolution for PDF pages.
DPI = 200.0
#: A cell holding nothing but a dash, however OCR spells it.
DASHES = re.compile(r"^[一—－\-_─ー‐–]{1,3}$")
#: What two readings of one number may differ in and still agree: all but digits, points and signs.
NUMBER_MARKS = re.compile(r"[^0-9.．+\-−]")


@dataclass
class OcrPage:
    """What OCR read on one page, in the caller's units."""

    number: int
    width: float
    height: float
    tables: list[RawTable] = field(default_factory=list)
    chars: list[Char] = field(default_factory=list)
    angle: float = 0.0
    seconds: float = 0.0


@dataclass
class _Piece:
    bbox: ig.Box
    reading: ocrtext.LineReading | None = None


def _inside(box: ig.Box, cell: ig.Box, shrink: float) -> ig.Box | None:
    x0 = max(box[0], cell[0] + shrink)
    y0 = max(box[1], cell[1] + shrink)
    x1 = min(box[2], cell[2] - shrink)
    y1 = min(box[3], cell[3] - shrink)
    if x1 - x0 < 3 or y1 - y0 < 5:
        return None
    return (x0, y0, x1, y1)


def _ink_in(text_ink: np.ndarray, box: ig.Box) -> int:
    part = ocr.crop(text_ink, box)
    return int(np.count_nonzero(part)) if part.size else 0


def _ink_lines(text_ink: np.ndarray, box: ig.Box, min_ink: int) -> list[ig.Box]:
    """Text lines in ``box`` found from the ink alone: rows with ink, split at blank rows."""
    import cv2

    part = ocr.crop(text_ink, box)
    if not part.size or np.count_nonzero(part) < min_ink:
        return []
    # Specks of noise are not text: only strokes of some size are kept.
    part = cv2.morphologyEx(part, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    n, labels, stats, _c = cv2.connectedComponentsWithStats(part, connectivity=8)
    big = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= min_ink]
    part = np.isin(labels, big).astype(np.uint8) * 255 if big else np.zeros_like(part)
    rows = np.nonzero(part.any(axis=1))[0]
    if len(rows) == 0:
        return []
    out = []
    start = prev = int(rows[0])
    for r in [*rows[1:].tolist(), None]:
        if r is not None and r - prev <= 3:
            prev = r
            continue
        band = part[start : prev + 1]
        cols = np.nonzero(band.any(axis=0))[0]
        height = prev - start + 1
        width = int(cols[-1] - cols[0] + 1) if len(cols) else 0
        if len(cols) and np.count_nonzero(band) >= min_ink and (height >= 5 or width >= 3 * height):
            # A dash is a few pixels tall: its box is made about as tall as it is wide, like a glyph's.
            grow = max(3, (width - height) // 2) if height < 5 else 3
            out.append(
                (
                    box[0] + float(cols[0]) - 3,
                    box[1] + start - grow,
                    box[0] + float(cols[-1]) + 4,
                    box[1] + prev + 1 + grow,
                )
            )
        if r is not None:
            start = prev = r
    return out


def _line_image(clean: np.ndarray, box: ig.Box, line_height: float) -> np.ndarray:
    """The crop of one line (from the page without its rules, for cells); characters stacked in a
    narrow column are laid side by side."""
    part = ocr.crop(clean, box)
    h, w = part.shape[:2]
    # Two characters or more stacked (a lone 1 or / is tall and narrow too, but one line high).
    if w and h >= 1.8 * w and h >= 1.6 * line_height:
        n = max(1, round(h / w))
        step = h / n
        pieces = [part[int(i * step) : int((i + 1) * step)] for i in range(n)]
        height = max(p.shape[0] for p in pieces)
        pieces = [np.pad(p, ((0, height - p.shape[0]), (0, 0)), constant_values=255) for p in pieces]
        part = np.hstack(pieces)
    return part


def _binarised(part: np.ndarray) -> np.ndarray:
    """A lone glyph's crop in black and white (Otsu's threshold after a light blur): on a noisy scan the
    recogniser reads a grey, speckled ``/`` as ``I``, a clean one as ``/``. Longer crops (labels, whose
    thin strokes a threshold would break) and crops of mere noise (no stroke holds most of the ink) are
    left grey."""
    import cv2

    if part.size == 0 or part.ndim != 2 or part.shape[1] >= ocr.LONE * part.shape[0]:
        return part
    blurred = cv2.GaussianBlur(part, (3, 3), 0)
    _t, out = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    n, _labels, stats, _c = cv2.connectedComponentsWithStats(255 - out, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    if n < 2 or areas.max() < 0.5 * areas.sum():
        return part
    return np.asarray(out)


def _join_line(pieces: list[_Piece]) -> str:
    return join_wrapped([p.reading.text for p in sorted(pieces, key=lambda p: p.bbox[0]) if p.reading])


def _lines_of(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Pieces grouped into lines (by their vertical centres), top to bottom."""
    lines: list[list[_Piece]] = []
    for p in sorted(pieces, key=lambda p: (p.bbox[1] + p.bbox[3]) / 2):
        cy = (p.bbox[1] + p.bbox[3]) / 2
        if lines:
            last = lines[-1][-1]
            if abs(cy - (last.bbox[1] + last.bbox[3]) / 2) <= 0.5 * (last.bbox[3] - last.bbox[1]):
                lines[-1].append(p)
                continue
        lines.append([p])
    return lines


def cell_reading(pieces: list[_Piece]) -> tuple[str, float | None, tuple[str, ...]]:
    """A cell's text (lines joined by newlines), its confidence and other readings of it."""
    read = [p for p in pieces if p.reading is not None and p.reading.text.strip()]
    if not read:
        return "", None, ()
    lines = _lines_of(read)
    text = "\n".join(_join_line(line) for line in lines)
    if DASHES.match(text):
        # A dash alone in a cell (a placeholder) and the numeral 一 print alike; a cell holding only
        # the numeral does not occur in a table, a dash often does.
        text = "—"
    chars = [c for p in read if p.reading for c in p.reading.chars if not c.char.isspace()]
    confidence = round(min((c.prob for c in chars), default=0.0), 3)
    alternatives: tuple[str, ...] = ()
    if len(read) == 1 and read[0].reading is not None and any(ch.isdigit() for ch in text):
        alternatives = tuple(ocrtext.alternative_texts([read[0].reading]))
    return text, confidence, alternatives


def doubtful(pieces: list[_Piece]) -> bool:
    """Whether a cell holds a number the engine was unsure of: some character below ``DOUBT``, or a digit
    the model nearly read between two (``INSERTION``: a digit dropped, 78 read for 178). Labels (「1.属于
    国家秘密」) and text that is no number at all (which recognition leaves ambiguous anyway) are not."""
    readings = [p.reading for p in pieces if p.reading is not None]
    chars = [c for r in readings for c in r.chars if not c.char.isspace()]
    if not ocrtext.number_like("".join(c.char for c in chars)):
        return False
    if any(c.prob < ocrtext.DOUBT for c in chars):
        return True
    return any(
        a.isdigit() and p >= ocrtext.INSERTION
        for r in readings
        for alts in r.insertions.values()
        for a, p in alts
    )


def _second_look(clean: np.ndarray, box: ig.Box, line_height: float) -> np.ndarray:
    """A line's crop prepared otherwise than for its first reading: enlarged by half (another scale),
    a lone glyph left grey (its first reading was in black and white), a longer crop rid of speckles by a
    median filter (a threshold would turn heavy noise into strokes)."""
    import cv2

    part = _line_image(clean, box, line_height)
    if part.size == 0 or part.ndim != 2:
        return part
    if part.shape[1] >= ocr.LONE * part.shape[0]:
        part = cv2.medianBlur(part, 3)
    return np.asarray(cv2.resize(part, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC))


def same_number(a: str, b: str) -> bool:
    """Whether two readings of a cell say the same number: the same digits, decimal points and signs in
    the same order (a stray mark the noise made beside them, a thousands separator or a space aside)."""
    return NUMBER_MARKS.sub("", a) == NUMBER_MARKS.sub("", b)


def second_readings(
    eng: ocr.Engine, clean: np.ndarray, by_cell: dict[int, list[_Piece]], line_height: float
) -> dict[int, str]:
    """The cells whose doubtful number a second reading (``ocr.Engine.reread`` of ``_second_look``)
    reads otherwise, with that reading. Only doubtful cells pay for it: a page of clean digits none."""
    todo = [i for i, pieces in by_cell.items() if doubtful(pieces)]
    pieces = [p for i in todo for p in by_cell[i] if p.reading is not None and p.reading.text.strip()]
    if not pieces:
        return {}
    again = {
        id(p): ocrtext.as_number(r)
        for p, r in zip(pieces, eng.reread([_second_look(clean, p.bbox, line_height) for p in pieces]))
    }
    out: dict[int, str] = {}
    for i in todo:
        first = cell_reading(by_cell[i])[0]
        second = cell_reading([_Piece(p.bbox, again[id(p)]) for p in by_cell[i] if id(p) in again])[0]
        if not same_number(first, second):
            out[i] = second
    return out


def _place(
    boxes: list[ig.Box],
    page: ig.PageImage,
    cells: list[tuple[ig.Grid, ig.GridCell]],
    text_ink: np.ndarray,
    shrink: float,
    min_ink: int,
) -> tuple[dict[int, list[_Piece]], list[_Piece]]:
    """Each text line found into the cell that holds it (cut at rules it crosses), lines outside the
    tables into prose; cells with ink but no line found get lines from their ink."""
    rects = np.array([c.bbox for _g, c in cells], dtype=np.float64).reshape(-1, 4)
    by_cell: dict[int, list[_Piece]] = {i: [] for i in range(len(cells))}
    prose: list[_Piece] = []
    margin = shrink
    for box in boxes:
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        if not any(g.contains(cx, cy, margin) for g in page.grids):
            prose.append(_Piece(box))
            continue
        placed = False
        home: tuple[int, ig.Box] | None = None
        overlapping = np.nonzero(
            (rects[:, 0] < box[2]) & (rects[:, 2] > box[0]) & (rects[:, 1] < box[3]) & (rects[:, 3] > box[1])
        )[0]
        for i in overlapping.tolist():
            cell = cells[i][1]
            clip = _inside(box, cell.bbox, shrink)
            if clip is None:
                continue
            b = cell.bbox
            if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]:
                home = (i, clip)
            if _ink_in(text_ink, clip) >= min_ink:
                by_cell[i].append(_Piece(clip))
                placed = True
        if not placed and home is not None:
            by_cell[home[0]].append(_Piece(home[1]))
    # Cells with ink but no line found: read what the ink shows.
    for i, (_g, cell) in enumerate(cells):
        if by_cell[i]:
            continue
        interior = _inside(cell.bbox, cell.bbox, shrink)
        if interior is None:
            continue
        by_cell[i] = [_Piece(b) for b in _ink_lines(text_ink, interior, min_ink)]

    return by_cell, prose


def read_image(
    image: np.ndarray,
    number: int = 1,
    dpi: float = DPI,
    scale: float = 1.0,
    prepared: ig.PageImage | None = None,
) -> OcrPage:
    """Read one page image. ``dpi`` is the image's resolution (it sizes the rules and text expected);
    ``scale`` converts pixels into the units of the result. ``prepared`` is ``ig.prepare(image, dpi)``
    when the caller has it already (made while the previous page was being read)."""
    started = time.perf_counter()
    eng = ocr.engine()
    page = prepared if prepared is not None else ig.prepare(image, dpi)
    gray = page.gray
    text_ink = page.text_ink()
    shrink = max(3.0, dpi * 0.02)
    min_ink = max(12, int((dpi / 100) ** 2 * 6))
    boxes = eng.detect(gray)

    cells = [(g, c) for g in page.grids for c in g.cells]
    by_cell, prose = _place(boxes, page, cells, text_ink, shrink, min_ink)

    in_cells = [p for ps in by_cell.values() for p in ps]
    pieces = in_cells + prose
    clean = page.without_rules()
    cell_ids = {id(p) for p in in_cells}
    heights = sorted(b[3] - b[1] for b in boxes)
    line_height = heights[len(heights) // 2] if heights else dpi / 6
    readings = eng.recognize(
        [
            _binarised(_line_image(clean, p.bbox, line_height))
            if id(p) in cell_ids
            else _line_image(gray, p.bbox, line_height)
            for p in pieces
        ]
    )
    for p, r in zip(pieces, readings):
        p.reading = r
    for p in in_cells:
        if p.reading is not None:
            p.reading = ocrtext.as_number(p.reading)
    rereads = second_readings(eng, clean, by_cell, line_height)

    out = OcrPage(number, gray.shape[1] * scale, gray.shape[0] * scale, angle=page.angle)
    for grid in page.grids:
        raw_cells = []
        for i, (g, cell) in enumerate(cells):
            if g is not grid:
                continue
            text, confidence, alternatives = cell_reading(by_cell[i])
            locator: dict[str, Any] = {}
            if confidence is not None:
                locator["confidence"] = confidence
            if i in rereads:
                # Read otherwise the second time: ``ogi.schema`` decides (identities) or leaves it ambiguous.
                locator["reread"] = rereads[i]
            raw_cells.append(
                RawCell(tuple(v * scale for v in cell.bbox), text, locator, alternatives)  # type: ignore[arg-type]
            )
        out.tables.append(RawTable(number, raw_cells, "ocr"))
    for p in prose:
        if p.reading is None or not p.reading.text.strip():
            continue
        out.chars.extend(_chars(p.bbox, p.reading.text, scale))
    out.seconds = time.perf_counter() - started
    return out


def _chars(box: ig.Box, text: str, scale: float) -> list[Char]:
    """A recognised line as characters spread evenly over its box (what the prose code reads)."""
    x0, top, x1, bottom = (v * scale for v in box)
    # The detector pads its boxes; the text's size is about three quarters of the box height.
    size = (bottom - top) * 0.75
    pad = (bottom - top - size) / 2
    width = (x1 - x0) / max(1, len(text))
    return [
        Char(ch, x0 + i * width, top + pad, x0 + (i + 1) * width, bottom - pad, True, size)
        for i, ch in enumerate(text)
    ]
