"""``ogi show --crop CELL``: the evidence beside the claim — the part of the source page a number was read
from, as a PNG a reporter can publish beside the number, with the cell framed in red.

The locator (contract §3) says where: a PDF cell has its page and box (PDF points from the page's top
left), and that region, with a margin that keeps the row and column labels in view, is rendered from the
source file (pypdfium2, already installed with pdfplumber). A text cell has its line, and the lines
around it are returned instead. Other locators (an HTML or Word table's row and column) name the place
but have no page to render: the crop says so. Reads the source file named by the dataset; never writes
the dataset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ogi.utils.urls import is_http_url

#: Points kept right of, above and below the cell; to the left the crop runs to the page's edge, so the
#: row's label is in the picture.
MARGIN_X = 60.0
MARGIN_Y = 60.0
#: Rendering scale (1 = 72 dpi): 3 gives 216 dpi, sharp in print.
SCALE = 3.0


class CropError(ValueError):
    """The cell cannot be cropped (no such cell, no page, the source file is not here)."""


@dataclass(frozen=True)
class Crop:
    """What was cropped: a PNG written (``path``) or, for text, the source lines (``text``)."""

    cell: str
    locator: dict[str, Any]
    path: Path | None = None
    text: str | None = None


def crop(source: str, fmt: str, cell: str, locator_json: str | None, out: Path) -> Crop:
    """The crop of one cell of one report."""
    try:
        loc = json.loads(locator_json or "{}")
    except ValueError:
        loc = {}
    if not isinstance(loc, dict) or not loc:
        raise CropError(f"{cell} has no locator: it was not read from a place in the source")
    if is_http_url(source):
        raise CropError(f"the source is a URL ({source}): crop the file in the fetch cache instead")
    path = Path(source)
    if not path.is_file():
        raise CropError(f"the source file is not here any more: {source}")
    if "page" in loc and "bbox" in loc and fmt in ("pdf", "pdf_scanned"):
        return Crop(cell, loc, path=_crop_pdf(path, int(loc["page"]), loc["bbox"], out))
    if "line" in loc:
        return Crop(cell, loc, text=_lines(path, int(loc["line"])))
    raise CropError(
        f"{cell} is at {json.dumps(loc, ensure_ascii=False)}: no page to render for a {fmt} source"
    )


def _crop_pdf(path: Path, page_number: int, bbox: list[float], out: Path) -> Path:
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page_number <= len(pdf):
            raise CropError(f"page {page_number} is not in {path.name} ({len(pdf)} pages)")
        page = pdf[page_number - 1]
        width, height = page.get_size()
        image = page.render(scale=SCALE).to_pil()
    finally:
        pdf.close()
    x0, top, x1, bottom = (float(v) for v in bbox)
    left, upper = 0.0, max(0.0, top - MARGIN_Y)
    right, lower = min(width, x1 + MARGIN_X), min(height, bottom + MARGIN_Y)
    draw = ImageDraw.Draw(image)
    draw.rectangle([x0 * SCALE, top * SCALE, x1 * SCALE, bottom * SCALE], outline=(220, 30, 30), width=4)
    piece = image.crop((int(left * SCALE), int(upper * SCALE), int(right * SCALE), int(lower * SCALE)))
    from ogi.utils.files import atomic_path

    with atomic_path(out, suffix=".png") as tmp:
        piece.save(tmp, format="PNG")
    return out


def _lines(path: Path, line: int, before: int = 6, after: int = 2) -> str:
    from ogi.utils.text import printable

    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    lines = text.splitlines()
    first, last = max(1, line - before), min(len(lines), line + after)
    return "\n".join(
        printable(f"{'>' if n == line else ' '} {n:>5}  {lines[n - 1]}") for n in range(first, last + 1)
    )
