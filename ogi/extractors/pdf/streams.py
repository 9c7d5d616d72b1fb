"""Which pages of a PDF have a damaged content stream.

Neither engine says so: pdfium draws what it could parse of a broken stream and stops, and pdfminer
(pdfplumber) logs the zlib error and carries on. The page then lacks text the source printed, and a table
cell without its text reads as printed empty. This module decompresses each page's compressed content
streams itself and names the pages where one does not decode to its end, so the reader can mark what
came from them (``Document.meta["damaged"]``, ``Table.damaged``).
"""

from __future__ import annotations

import zlib
from io import BytesIO
from typing import Any

_FLATE = {"FlateDecode", "Fl"}


def _name(obj: Any) -> str:
    return str(getattr(obj, "name", obj)).lstrip("/")


def _broken(stream: Any) -> str | None:
    """Why a content stream does not decode (None when it does, or is not deflate-compressed)."""
    from pdfminer.pdftypes import resolve1

    filters = resolve1(stream.attrs.get("Filter") or stream.attrs.get("F"))
    names = (
        [_name(resolve1(f)) for f in (filters if isinstance(filters, list) else [filters])] if filters else []
    )
    if not names or names[0] not in _FLATE:
        return None
    raw = stream.rawdata
    if raw is None:  # already decoded by pdfminer: it kept whatever it could
        return None
    inflater = zlib.decompressobj()
    try:
        inflater.decompress(raw)
    except zlib.error:
        return "its deflate data is corrupt"
    if not inflater.eof:
        return "its deflate data is cut short"
    return None


def damaged_pages(data: bytes) -> dict[int, str]:
    """1-based page number → why its content stream is damaged. Empty when the file's structure cannot be
    walked (the engines then decide what is readable) or nothing is damaged."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    out: dict[int, str] = {}
    try:
        document = PDFDocument(PDFParser(BytesIO(data)))
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            contents = resolve1(page.attrs.get("Contents"))
            streams = contents if isinstance(contents, list) else [contents]
            for stream in streams:
                stream = resolve1(stream)
                if not hasattr(stream, "rawdata"):
                    continue
                why = _broken(stream)
                if why is not None:
                    out[number] = why
                    break
    except Exception:  # an unreadable structure is the engines' to report (failed, or what they read)
        return out
    return out
