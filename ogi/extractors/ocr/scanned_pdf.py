"""PDF pages without a usable text layer, rendered with pypdfium2 and read by OCR.

OCR works from the scanned image's own pixels, never from the page's point size. A scan's PDF page says
how large the paper was only through its page size, and that is often wrong: Pillow, many phone apps and
some copiers write the pixel count as points ("72 dpi"), so a 200-dpi A4 scan becomes a page 23 inches
wide, and rendering that page at 200 dpi would blow its text up almost threefold (rules then look like
text, text like rules, and the recogniser reads digits it has never seen at that size). So each page is
rendered at the scale that gives its text the size the models were measured at (``DPI``, 200 dots per
inch of paper):

- the page's images give the scan's pixel density (pixels per inch of the page as declared);
- a page of a plausible paper size (at most A3, ``MAX_PAPER``) is believed: its density is the scan's
  resolution (150, 200, 300, 600 dpi all come out right);
- a page larger than any paper is taken as the paper its pixels fit at A4 proportions (``A4``), so a
  200-dpi scan declared at 72 or 96 dpi is read at 200;
- pages without an image (glyphs without Unicode) are rendered at ``DPI`` as before.

The page is then rendered (greyscale, as it would print, masks and rotation applied by pdfium) at that
scale, which is the image's native pixels resampled to 200 dpi of paper, and read by
``ogi.extractors.ocr.page``; tables and characters come back in PDF points (pdfplumber's coordinates,
origin at the top left), so the PDF extractor builds, stitches and assembles them as if the page had a
text layer. Each page is handled on its own (one file may mix page sizes). While one page is read, the
next is rendered and made ready (paper made white, levelled, grids found) in a second thread: those
steps use one core, and OCR's own Python work between the models' calls leaves the other idle. The
pages are read in order, and each exactly as it would be alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from ogi.extractors.ocr import grid as ig
from ogi.extractors.ocr.page import DPI, OcrPage, read_image
from ogi.extractors.pdf.pdfium import PDFIUM_LOCK

#: The largest paper a report is printed on, in inches (A3: short side, long side), with some margin.
MAX_PAPER = (12.5, 17.5)
#: A4 in inches (short side, long side): the paper assumed when the declared page size is implausible.
A4 = (8.27, 11.69)
#: An image covering less of the page than this does not tell the scan's resolution (a logo).
MIN_IMAGE_SHARE = 0.5


def scan_dpi(width_pt: float, height_pt: float, density: float | None) -> float:
    """The scan's resolution in dots per inch of paper, for a page ``width_pt`` × ``height_pt`` points
    whose image has ``density`` pixels per declared inch (None: no image; the page is rendered at
    ``DPI``)."""
    if density is None or density <= 0:
        return DPI
    short_in, long_in = sorted((width_pt / 72.0, height_pt / 72.0))
    if short_in <= MAX_PAPER[0] and long_in <= MAX_PAPER[1]:
        return density
    # Larger than any paper: the pixels are taken as an A4 sheet (the side that fits it more tightly
    # decides, so a cropped scan is not read larger than A4 would be).
    return max(short_in * density / A4[0], long_in * density / A4[1])


def render_scale(width_pt: float, height_pt: float, density: float | None) -> float:
    """Pixels per PDF point to render a page at so that its text has the size of a ``DPI`` scan."""
    if density is None or density <= 0:
        return DPI / 72.0
    return DPI / scan_dpi(width_pt, height_pt, density) * density / 72.0


def image_density(page: Any) -> float | None:
    """Pixels per declared inch of the page's images, weighted by the area each covers (a scan is one
    image, or strips of one; area-based, so a rotated or stretched image gives its mean). None when the
    images cover less than ``MIN_IMAGE_SHARE`` of the page (a logo tells nothing)."""
    import pypdfium2.raw as R

    width, height = page.get_size()
    covered = weighted = 0.0
    for obj in page.get_objects(filter=[R.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            px_w, px_h = obj.get_px_size()
            left, bottom, right, top = obj.get_bounds()
        except Exception:  # an image pdfium cannot measure tells nothing
            continue
        area = (right - left) * (top - bottom)
        if px_w <= 0 or px_h <= 0 or area <= 0:
            continue
        covered += area
        weighted += area * math.sqrt(px_w * px_h / area) * 72.0
    if covered <= 0 or covered < MIN_IMAGE_SHARE * width * height:
        return None
    return weighted / covered


def render(data: bytes, number: int, scale: float | None = None) -> tuple[np.ndarray, float]:
    """Page ``number`` (1-based) as greyscale pixels, and the pixels per point it was rendered at
    (``scale``, or the scale that gives its scan 200 dpi of paper, see ``render_scale``)."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            page = pdf[number - 1]
            try:
                if scale is None:
                    width, height = page.get_size()
                    scale = render_scale(width, height, image_density(page))
                bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
                pixels = np.array(bitmap.to_numpy(), copy=True)
            finally:
                page.close()
        finally:
            pdf.close()
    if pixels.ndim == 3:
        pixels = pixels[:, :, 0] if pixels.shape[2] == 1 else pixels.mean(axis=2).astype(np.uint8)
    return pixels, scale


def read_scanned(data: bytes, numbers: Iterable[int]) -> tuple[dict[int, OcrPage], dict[int, str]]:
    """OCR of the pages ``numbers`` (1-based), in PDF points, and the pages that could not be read (a
    picture pdfium cannot draw, a failure inside the OCR engine) with the reason.

    Pages are rendered here, in the caller's thread (pdfium's lock is the caller's business), and
    prepared (``ig.prepare``: paper made white, levelled, grids found) in a second thread, one page
    ahead of the page being read."""
    out: dict[int, OcrPage] = {}
    failed: dict[int, str] = {}
    pages = list(numbers)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ogi-ocr-prepare") as pool:

        def start(n: int) -> tuple[float, Future[ig.PageImage]] | BaseException:
            """Page ``n`` rendered and its preparation started (or why it could not be rendered)."""
            try:
                pixels, scale = render(data, n)
            except MemoryError:
                raise
            except Exception as exc:
                return exc
            return scale, pool.submit(ig.prepare, pixels, DPI)

        ahead = start(pages[0]) if pages else None
        for k, n in enumerate(pages):
            current = ahead
            try:
                ahead = start(pages[k + 1]) if k + 1 < len(pages) else None
                if not isinstance(current, tuple):
                    raise current or RuntimeError("page not rendered")
                scale, preparing = current
                page = preparing.result()
                out[n] = read_image(page.gray, number=n, dpi=DPI, scale=1.0 / scale, prepared=page)
            except MemoryError:
                raise
            except Exception as exc:  # one unreadable page does not lose the others
                failed[n] = f"{type(exc).__name__}: {exc}"[:200]
    return out, failed
