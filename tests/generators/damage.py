"""File-level variations: damage done to a rendered report's bytes, as broken downloads and bad writers
leave it (the report-level variants live in ``report.VARIANTS``, the page-level ones in each renderer).

``truncate`` cuts a file short at a character boundary; ``inside_tables`` says where a page's ``<table>``
elements are, so a test can cut inside one (table 四 is the last); ``damage_pdf_page`` breaks the content
stream of one PDF page. Invented reports only: the numbers come from ``report.generate``.
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


_STREAM = re.compile(rb"(/Length\s+(\d+)[^>]*>>\s*stream\r?\n)", re.S)


def damage_pdf_page(data: bytes, page_marker: bytes) -> bytes:
    """The PDF with the compressed content stream that draws ``page_marker`` (raw content-stream bytes,
    e.g. a font resource name) broken halfway: its deflate data is cut and padded with garbage to its
    declared length, as a bad writer or a flipped block leaves it. The file's layout (offsets, xref) is
    kept, so only that stream is unreadable."""
    for m in _STREAM.finditer(data):
        start = m.end()
        length = int(m.group(2))
        raw = data[start : start + length]
        try:
            content = zlib.decompress(raw)
        except zlib.error:
            continue
        if page_marker not in content:
            continue
        half = length // 2
        broken = raw[:half] + bytes((b * 7 + 13) % 256 for b in raw[half:])
        return data[:start] + broken + data[start + length :]
    raise ValueError("no compressed content stream holds the marker")
