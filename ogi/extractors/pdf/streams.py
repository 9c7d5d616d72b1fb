"""Which pages of a PDF have a damaged content stream.

Neither engine says so: pdfium draws what it could parse of a broken stream and stops, and pdfminer
(pdfplumber) logs the zlib error and carries on. The page then lacks text the source printed, and a table
cell without its text reads as printed empty. This module decompresses each page's compressed content
streams itself and names the pages where one does not decode to its end, so the reader can mark what
came from them (``Document.meta["damaged"]``, ``Table.damaged``).

Walking the file's structure with pdfminer costs about 1 ms a page, more than the rest of a prose page's
reading; so the file's bytes are first scanned for every deflate stream there is (``all_streams_decode``),
and the walk that names pages runs only when one of them does not decode, or the scan cannot tell.
"""

from __future__ import annotations

import re
import zlib
from io import BytesIO
from typing import Any

_FLATE = {"FlateDecode", "Fl"}

#: The keyword that opens a stream's data (PDF 7.3.8.1: followed by CRLF or LF) and the one that ends it.
_STREAM = re.compile(rb"(?<![A-Za-z])stream\r?\n")
_ENDSTREAM = b"endstream"
#: A stream dictionary's filter written directly: a name, or an array whose first entry is a name.
_FILTER = re.compile(rb"/Filter\s*(\[\s*)?/([A-Za-z0-9]+)")
#: How far back from ``stream`` its dictionary is looked for.
_DICT_WINDOW = 4096
#: Keys a page content stream's dictionary never has (PDF 7.3.8.2 gives it only the keys common to all
#: streams): font programs (Length1-3), images, forms and font files (Subtype), cross-reference and object
#: streams, metadata (Type). Their data, most of a file's bytes, is not decompressed.
_NOT_CONTENT = re.compile(rb"/(?:Length[123]|Subtype|Type)(?![A-Za-z0-9])")


def all_streams_decode(data: bytes) -> bool:
    """True when every deflate-compressed stream in the file's bytes decodes to its end; False when one
    does not, or when a stream's filter or extent cannot be told from the bytes (an encrypted file, a
    filter given by reference): then only the structure walk can say which pages are concerned.

    Scanning the bytes sees every stream that may be a content stream (``_NOT_CONTENT`` leaves out the
    others), including those of earlier revisions an update replaced; any doubt sends the file to the
    walk."""
    if b"/Encrypt" in data:
        return False
    pos = 0
    while True:
        m = _STREAM.search(data, pos)
        if m is None:
            return True
        start = m.end()
        end = data.find(_ENDSTREAM, start)
        if end < 0:
            return False
        head = data[max(0, m.start() - _DICT_WINDOW) : m.start()]
        opened = head.rfind(b"obj")
        if opened < 0:
            return False
        head = head[opened:]
        if b"/Filter" in head and not _NOT_CONTENT.search(head):
            f = _FILTER.search(head)
            if f is None or head.count(b"/Filter") != 1:
                return False
            if f.group(2).decode("ascii") in _FLATE:
                inflater = zlib.decompressobj()
                try:
                    inflater.decompress(data[start:end])
                except zlib.error:
                    return False
                if not inflater.eof:
                    return False
        pos = end + len(_ENDSTREAM)


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
    if all_streams_decode(data):
        return {}
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
