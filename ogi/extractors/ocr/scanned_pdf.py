"""PDF pages without a usable text layer, rendered with pypdfium2 and read by OCR.

A page is rendered at ``DPI`` (200: the resolution OCR was measured at), greyscale, as it would print,
and read by ``ogi.extractors.ocr.page``; its tables and characters come back in PDF points (pdfplumber's
coordinates, origin at the top left), so the PDF extractor builds, stitches and assembles them as if the
page had a text layer. Pages are rendered one at a time (a 200-dpi A4 page is about 4 MB of pixels).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ogi.extractors.ocr.page import DPI, OcrPage, read_image
from ogi.extractors.pdf.pdfium import PDFIUM_LOCK


def render(data: bytes, number: int, dpi: float = DPI) -> np.ndarray:
    """Page ``number`` (1-based) as greyscale pixels."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            page = pdf[number - 1]
            try:
                bitmap = page.render(scale=dpi / 72, grayscale=True, may_draw_forms=True)
                pixels = np.array(bitmap.to_numpy(), copy=True)
            finally:
                page.close()
        finally:
            pdf.close()
    if pixels.ndim == 3:
        pixels = pixels[:, :, 0] if pixels.shape[2] == 1 else pixels.mean(axis=2).astype(np.uint8)
    return pixels


def read_scanned(
    data: bytes, numbers: Iterable[int], dpi: float = DPI
) -> tuple[dict[int, OcrPage], dict[int, str]]:
    """OCR of the pages ``numbers`` (1-based), in PDF points, and the pages that could not be read (a
    picture pdfium cannot draw, a failure inside the OCR engine) with the reason."""
    out: dict[int, OcrPage] = {}
    failed: dict[int, str] = {}
    for n in numbers:
        try:
            out[n] = read_image(render(data, n, dpi), number=n, dpi=dpi, scale=72.0 / dpi)
        except MemoryError:
            raise
        except Exception as exc:  # one unreadable page does not lose the others
            failed[n] = f"{type(exc).__name__}: {exc}"[:200]
    return out, failed
