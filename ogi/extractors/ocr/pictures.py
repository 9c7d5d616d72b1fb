"""Pictures read by OCR: tables pasted into Word files or web pages as images, and scanned pages.

Each picture is read like a page (``ogi.extractors.ocr.page``) and the pictures of one document are
assembled in order like the pages of a PDF: tables with their spans, a table continuing from one picture
into the next stitched, text lines into paragraphs. Locators name the picture:
``{"image": name, "bbox": [x0, top, x1, bottom]}`` in the picture's own pixels, plus the cell's
``confidence``.

A picture's resolution decides the sizes expected of rules and text. It is the picture's pixels over its
printed size when the document says how large it is laid out (Word does), else assumed; a picture of low
resolution is enlarged to ``ogi.extractors.ocr.page.DPI`` first (OCR reads small text badly).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ogi.extractors.model import Block, Table
from ogi.extractors.ocr.page import DPI, read_image
from ogi.extractors.pdf.assemble import assemble
from ogi.extractors.pdf.pdfium import PageData

#: Resolution assumed for a picture whose printed size is unknown (a screenshot, a web image).
ASSUMED_DPI = 150.0


@dataclass(frozen=True)
class Picture:
    """A picture to read: its name (for locators), bytes, and printed width in cm when known."""

    name: str
    data: bytes
    width_cm: float | None = None


def decode(data: bytes) -> np.ndarray | None:
    """Greyscale pixels of a PNG, JPEG, BMP, TIFF or GIF picture; None when it is not one (EMF, WMF …)."""
    import cv2

    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if pixels is not None:
        return np.asarray(pixels)
    try:
        import io

        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:
            return np.asarray(im.convert("L"))
    except Exception:  # not a raster picture PIL knows
        return None


def read_pictures(pictures: Sequence[Picture]) -> tuple[list[Block], list[str]]:
    """The blocks OCR reads from ``pictures`` (in order), and the names of pictures it could not decode."""
    import cv2

    pages: list[PageData] = []
    tables = {}
    chars = {}
    names: dict[int, str] = {}
    skipped: list[str] = []
    for pic in pictures:
        pixels = decode(pic.data)
        if pixels is None or min(pixels.shape[:2]) < 16:
            skipped.append(pic.name)
            continue
        dpi = ASSUMED_DPI
        if pic.width_cm:
            dpi = min(600.0, max(50.0, pixels.shape[1] / (pic.width_cm / 2.54)))
        enlarge = DPI / dpi if dpi < DPI * 0.9 else 1.0
        if enlarge > 1.0:
            pixels = cv2.resize(pixels, None, fx=enlarge, fy=enlarge, interpolation=cv2.INTER_CUBIC)
            dpi = DPI
        number = len(pages) + 1
        page = read_image(pixels, number=number, dpi=dpi, scale=1.0 / enlarge)
        pages.append(PageData(number, page.width, page.height))
        tables[number] = [t for t in page.tables if t.n_cols() >= 2]
        chars[number] = page.chars
        names[number] = pic.name
    if not pages:
        return [], skipped
    blocks = assemble(pages, tables, chars)
    for block in blocks:
        _relabel(block.locator, names)
        if isinstance(block, Table):
            for cell in block.cells:
                _relabel(cell.locator, names)
    return blocks, skipped


def _relabel(locator: dict[str, Any], names: dict[int, str]) -> None:
    """A page locator of the assembled pictures as a picture locator (in place, ``image`` first)."""
    page = locator.pop("page", None)
    pages = locator.pop("pages", None)
    rest = dict(locator)
    locator.clear()
    if page is not None:
        locator["image"] = names.get(page, str(page))
    if pages is not None and len(pages) > 1:
        locator["images"] = [names.get(p, str(p)) for p in pages]
    locator.update(rest)
