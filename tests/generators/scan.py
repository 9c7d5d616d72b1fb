"""Scans made from PDFs: pages rendered as a scanner would deliver them, wrapped as image-only PDFs.

``render_pages`` rasterises pages with pypdfium2 (greyscale, 200 dpi by default); ``scanner_noise`` adds
what a real scan has: a slight rotation (the sheet laid askew), Gaussian sensor noise and JPEG
compression; ``shade_headers`` greys the header row of every table (and, ``banded``, every other row) as
printed reports often do; ``image_pdf`` wraps images as a PDF with no text layer (one picture per page),
like the output of a scanner's "scan to PDF", declaring whatever resolution it is told: the real
resolution, or 72 dpi as Pillow, many phone apps and some copiers write (the page size is then the pixel
count in points). ``Variation`` and ``VARIATIONS`` name the combinations the tests and the benchmark use.

``cached`` keeps built fixtures under ``tests/.cache/scan/`` keyed by a hash of their inputs, so a test
session builds each once and later sessions not at all.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

CACHE = Path(__file__).resolve().parents[1] / ".cache" / "scan"
#: Bump when the way fixtures are built changes (it is part of every cache key).
VERSION = "2"


def render_pages(pdf: bytes, pages: Sequence[int], dpi: float = 200) -> list[Image.Image]:
    """Pages (1-based) of ``pdf`` as greyscale images."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[p - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for p in pages]
    finally:
        doc.close()


def scanner_noise(
    image: Image.Image, seed: int, angle: float | None = None, sigma: float = 12.0, quality: int = 70
) -> Image.Image:
    """``image`` as a flatbed scan: rotated by ``angle`` degrees (drawn from ±0.5–1.5° when None),
    Gaussian noise of ``sigma`` grey levels, then JPEG at ``quality``."""
    rng = np.random.default_rng(seed)
    if angle is None:
        angle = float(rng.uniform(0.5, 1.5) * rng.choice([-1, 1]))
    turned = image.convert("L").rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)
    pixels = np.asarray(turned, dtype=np.float32)
    pixels = pixels + rng.normal(0.0, sigma, pixels.shape)
    noisy = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    buf = io.BytesIO()
    noisy.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def _rule_rows(pixels: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Horizontal rules of a clean page image: (top, bottom, left, right) of each run of rows more than
    a quarter dark. Written here, not taken from ``ogi``, so the generator shares no mistake with it."""
    dark = pixels < 128
    share = dark.mean(axis=1)
    rows = np.nonzero(share > 0.25)[0]
    out: list[tuple[int, int, int, int]] = []
    for r in rows.tolist():
        if out and r - out[-1][1] <= 1:
            out[-1] = (out[-1][0], r, out[-1][2], out[-1][3])
        else:
            out.append((r, r, 0, 0))
    ruled = []
    for top, bottom, _l, _r in out:
        cols = np.nonzero(dark[top : bottom + 1].any(axis=0))[0]
        ruled.append((top, bottom, int(cols[0]), int(cols[-1])))
    return ruled


def shade_headers(image: Image.Image, level: int = 210, banded: bool = False) -> Image.Image:
    """``image`` (a clean page) with the first row of every table printed on grey paper of ``level``
    (0 black, 255 white), ink staying ink; ``banded`` greys every other row of the tables too. Two rules
    bound a table row when a vertical rule joins them at their left end."""
    pixels = np.asarray(image.convert("L"), dtype=np.float32)
    rules = _rule_rows(pixels.astype(np.uint8))
    if len(rules) < 2:
        return image.convert("L")
    factor = np.ones_like(pixels)
    index_in_table = 0
    dark = pixels < 128
    in_table = False
    for a, b in itertools.pairwise(rules):
        left, right = max(a[2], b[2]), min(a[3], b[3])
        # Two rules bound a row of a table when a vertical rule joins them at its left edge.
        edge = dark[a[1] + 1 : b[0], max(0, left - 2) : left + 3]
        if right <= left or not edge.size or edge.any(axis=1).mean() < 0.9:
            in_table = False
            continue
        index_in_table = index_in_table + 1 if in_table else 0
        in_table = True
        if index_in_table == 0 or (banded and index_in_table % 2 == 0):
            factor[a[1] + 1 : b[0], left : right + 1] = level / 255.0
    return Image.fromarray(np.clip(pixels * factor, 0, 255).astype(np.uint8), "L")


@dataclass(frozen=True)
class Variation:
    """How a report is scanned: at ``dpi``, declared in the PDF as ``declared`` dpi (the page size), with
    shaded header rows (grey of ``level``), scanner noise (``noise``: rotation, Gaussian noise, JPEG), at JPEG ``quality``."""

    name: str
    dpi: float = 200
    declared: float = 200
    shaded: bool = False
    banded: bool = False
    level: int = 210
    noise: bool = False
    sigma: float = 12.0
    quality: int = 70

    def images(self, pdf: bytes, pages: Sequence[int], seed: int = 0) -> list[Image.Image]:
        """The pages of ``pdf`` as this variation scans them."""
        out = []
        for p, image in zip(pages, render_pages(pdf, pages, self.dpi)):
            if self.shaded or self.banded:
                image = shade_headers(image, self.level, banded=self.banded)
            if self.noise:
                image = scanner_noise(image, seed=seed * 1000 + p, sigma=self.sigma, quality=self.quality)
            out.append(image)
        return out

    def pdf(self, pdf: bytes, pages: Sequence[int], seed: int = 0) -> bytes:
        """The image-only PDF of the scanned pages (cached)."""
        key = [pdf, repr(self), repr(tuple(pages)), str(seed)]
        return cached(key, lambda: image_pdf(self.images(pdf, pages, seed), self.declared))


#: The scans real reports arrive as: declared at their real resolution, at Pillow's 72 dpi (the page is
#: the pixel count in points), at 96 dpi, with shaded header rows, and all of it with scanner noise.
VARIATIONS = (
    Variation("200 dpi"),
    Variation("200 dpi declared 72", declared=72),
    Variation("200 dpi declared 96", declared=96),
    Variation("150 dpi", dpi=150, declared=150),
    Variation("300 dpi", dpi=300, declared=300),
    Variation("300 dpi declared 72", dpi=300, declared=72),
    Variation("shaded headers", shaded=True),
    Variation("shaded, banded, noisy, declared 72", declared=72, shaded=True, banded=True, noise=True),
)


def image_pdf(images: Sequence[Image.Image], dpi: float = 200) -> bytes:
    """An image-only PDF, one page per image (JPEG inside), its page size the images' pixels at ``dpi``
    (72: the page is the pixel count in points, as Pillow writes without ``resolution``)."""
    buf = io.BytesIO()
    first, *rest = [im.convert("L") for im in images]
    first.save(buf, "PDF", save_all=True, append_images=rest, resolution=dpi, quality=90)
    return buf.getvalue()


def png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def cached(key_parts: Sequence[bytes | str], build: Callable[[], bytes], suffix: str = "pdf") -> bytes:
    """``build()``'s bytes, cached under ``tests/.cache/scan/`` by a hash of ``key_parts``."""
    h = hashlib.sha256(VERSION.encode())
    for part in key_parts:
        h.update(part if isinstance(part, bytes) else part.encode())
    path = CACHE / f"{h.hexdigest()[:24]}.{suffix}"
    if path.is_file():
        return path.read_bytes()
    data = build()
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return data
