"""Scans made from PDFs: pages rendered as a scanner would deliver them, wrapped as image-only PDFs.

``render_pages`` rasterises pages with pypdfium2 (greyscale, 200 dpi by default); ``scanner_noise`` adds
what a real scan has: a slight rotation (the sheet laid askew), Gaussian sensor noise and JPEG
compression; ``image_pdf`` wraps images as a PDF with no text layer (one picture per page, A4-sized at
the images' resolution), like the output of a scanner's "scan to PDF".

``cached`` keeps built fixtures under ``tests/.cache/scan/`` keyed by a hash of their inputs, so a test
session builds each once and later sessions not at all.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image

CACHE = Path(__file__).resolve().parents[1] / ".cache" / "scan"
#: Bump when the way fixtures are built changes (it is part of every cache key).
VERSION = "1"


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


def image_pdf(images: Sequence[Image.Image], dpi: float = 200) -> bytes:
    """An image-only PDF, one page per image (JPEG inside), sized by ``dpi``."""
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
