"""File-level variations: damage done to a rendered report's bytes, as broken downloads and bad writers
leave it (the report-level variants live in ``report.VARIANTS``, the page-level ones in each renderer).

``truncate`` cuts a file short at a character boundary; ``inside_tables`` says where a page's ``<table>``
elements are, so a test can cut inside one (table 四 is the last); ``damage_pdf_page`` breaks the content
stream of one PDF page (``content_streams`` lists them). Invented reports only: the numbers come from ``report.generate``.
"""

from __future__ import annotations

import re
import zlib

_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)


def decode(data: bytes) -> tuple[str, str]:
    """A rendered page's text and its encoding (the generator writes UTF-8 or GB18030)."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def truncate(data: bytes, at: float) -> bytes:
    """The page cut after the fraction ``at`` (0–1) of its characters, as a broken download leaves it."""
    text, encoding = decode(data)
    return text[: int(len(text) * at)].encode(encoding)


def inside_tables(data: bytes) -> list[tuple[float, float]]:
    """Where each ``<table>`` … ``</table>`` of the page lies, as fractions of its characters."""
    text, _ = decode(data)
    n = len(text)
    return [(m.start() / n, m.end() / n) for m in _TABLE.finditer(text)]


_STREAM = re.compile(rb"stream\r?\n")


def content_streams(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each deflate-compressed page content stream (one that sets a font and draws text:
    ``Tf``, ``BT`` … ``ET``) in file order; LibreOffice writes them in page order."""
    out = []
    for m in _STREAM.finditer(data):
        if data[max(0, m.start() - 3) : m.start()] == b"end":
            continue
        end = data.find(b"endstream", m.end())
        if end < 0:
            break
        raw = data[m.end() : end].rstrip(b"\r\n")
        try:
            content = zlib.decompress(raw)
        except zlib.error:
            continue
        if b"BT" in content and b"ET" in content and b" Tf" in content:
            out.append((m.end(), m.end() + len(raw)))
    return out


def damage_pdf_page(data: bytes, index: int) -> bytes:
    """The PDF with the ``index``-th page content stream (``content_streams``) broken halfway: its deflate
    data past the middle replaced by garbage of the same length, as a bad writer or a flipped disk block
    leaves it. Offsets and lengths are kept, so only that stream is unreadable."""
    start, end = content_streams(data)[index]
    half = start + (end - start) // 2
    garbage = bytes((b * 7 + 13) % 256 for b in data[half:end])
    return data[:half] + garbage + data[end:]
