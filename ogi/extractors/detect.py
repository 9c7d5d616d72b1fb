"""Telling a source's format from its bytes (magic numbers, markup, text shape), not from its name.

The name only breaks ties the bytes cannot (an OLE container is a ``.doc``, ``.wps`` or ``.xls``).
"""

from __future__ import annotations

import functools
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence
from io import BytesIO
from pathlib import PurePath

from ogi.extractors.text import looks_markdown, looks_tabbed
from ogi.extractors.textutil import decode_text

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|table|p|div|span|br|meta|td|tr|h[1-6])[\s>/]",
    re.IGNORECASE,
)
PASSWORD_PROTECTED = (
    "password-protected: an encrypted Office document (ogi cannot read it without the password)"
)
#: Names that make an encrypted OOXML package a workbook rather than a Word document.
_SHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".et", ".ett", ".xltx"})
# Glued text: a row label directly followed by a row's worth of cells (seven cells, at least seven digits
# or placeholders 「/」「—」「-」, maybe thousands separators and some spaces) means the page's cells were
# glued together. Two such rows are needed, so a sentence such as 「予以公开 258 件」 is not enough. The
# labels are the template's, passed in by the caller (extractors do not know the template).
_GLUED_CELLS = r"[^\S\n]*(?:[\d/／—－\-][,，]?[^\S\n]*){7,}"
MIN_GLUED_ROWS = 2


def ole_streams(data: bytes) -> set[str] | None:
    """Names (lower-case, ``/``-joined paths) of the streams in an OLE compound file, or None when the
    file cannot be parsed as one (truncated or damaged)."""
    import olefile

    try:
        with olefile.OleFileIO(BytesIO(data)) as ole:
            return {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=False)}
    except (OSError, ValueError, IndexError, struct.error, RecursionError, MemoryError):
        return None


def ole_kind(data: bytes, name: str = "") -> str:
    """Which Office file an OLE compound file holds: ``docx``/``xlsx`` (an encrypted OOXML package),
    ``doc``, ``wps``, ``xls`` or ``unknown``.

    The OLE directory says what the file is (an ``EncryptedPackage``, a ``WordDocument`` or a
    ``Workbook`` stream); the name only tells an encrypted DOCX from an encrypted XLSX (the package is
    opaque) and a Kingsoft ``.wps`` from a ``.doc`` (both hold a ``WordDocument`` stream).
    """
    suffix = PurePath(name).suffix.lower()
    streams = ole_streams(data)
    if streams is None:
        return _ole_kind_by_name(suffix)
    if "encryptedpackage" in streams:
        return "xlsx" if suffix in _SHEET_SUFFIXES else "docx"
    if "worddocument" in streams:
        return "wps" if suffix == ".wps" else "doc"
    if "workbook" in streams or "book" in streams:
        return "xls"
    return "unknown"


def _ole_kind_by_name(suffix: str) -> str:
    """A damaged OLE file: its name is all that is left to go on (the extractor reports the damage)."""
    if suffix in (".doc", ".wps", ".docx"):
        return suffix[1:]
    if suffix in (".xls", ".et", ".xlsx"):
        return "xls" if suffix != ".xlsx" else "xlsx"
    return "unknown"


def ole_problem(data: bytes) -> str | None:
    """Why an OLE Office file cannot be read as it stands (encrypted, damaged), or None.

    Checked before any conversion: LibreOffice may wait for a password nobody will type.
    """
    streams = ole_streams(data)
    if streams is None:
        return "corrupt Office file: damaged or truncated OLE container"
    if "encryptedpackage" in streams:
        return PASSWORD_PROTECTED
    try:
        import msoffcrypto

        if msoffcrypto.OfficeFile(BytesIO(data)).is_encrypted():
            return PASSWORD_PROTECTED
    except Exception:  # not installed, or a file msoffcrypto cannot tell about: LibreOffice may
        pass
    return None


def zip_kind(data: bytes) -> str:
    """``docx``, ``xlsx`` or ``unknown`` for a zip archive.

    A truncated or damaged archive has no central directory, but its local file headers (and a
    ``[Content_Types].xml`` at its start) still tell a Word package from a workbook, so the damage is
    reported by the right extractor instead of as an unknown format.
    """
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            names = z.namelist()
            types = z.read("[Content_Types].xml")[:20_000] if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, zlib.error):
        names, types = _local_entries(data)
        # The main part may be among the entries lost: any part of the package's own folder tells.
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    if any(n.startswith("word/document") for n in names) or b"wordprocessingml.document" in types:
        return "docx"
    if any(n.startswith("xl/workbook") for n in names) or b"spreadsheetml.sheet" in types:
        return "xlsx"
    if b"ms-word.document" in types:
        return "docx"
    if b"ms-excel.sheet" in types:
        return "xlsx"
    return "unknown"


def _local_entries(data: bytes, limit: int = 200) -> tuple[list[str], bytes]:
    """Names in the local file headers of a (possibly truncated) zip, and what can be inflated of its
    ``[Content_Types].xml``."""
    names: list[str] = []
    types = b""
    pos = 0
    while len(names) < limit:
        pos = data.find(b"PK\x03\x04", pos)
        if pos < 0 or pos + 30 > len(data):
            break
        method, csize = struct.unpack_from("<H8xI", data, pos + 8)
        name_len, extra_len = struct.unpack_from("<HH", data, pos + 26)
        start = pos + 30 + name_len + extra_len
        name = data[pos + 30 : pos + 30 + name_len].decode("utf-8", errors="replace")
        names.append(name)
        if name == "[Content_Types].xml" and not types:
            chunk = data[start : start + (csize or 65_536)]
            try:
                types = zlib.decompressobj(-15).decompress(chunk, 20_000) if method == 8 else chunk
            except zlib.error:
                types = b""
        pos = max(start, pos + 4)
    return names, types


def detect(data: bytes, name: str = "", glued_rows: Sequence[str] = ()) -> str:
    """The contract's ``format`` of a source (``pdf``, ``docx``, ``text_tab`` …, or ``unknown``).

    ``glued_rows``: row labels that open a row of cells (the template's); without them glued text is not
    told from plain text.
    """
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return zip_kind(data)
    if head.startswith(OLE_MAGIC):
        return ole_kind(data, name)
    if head.lstrip()[:5] == b"{\\rtf":
        # Rich Text Format, often published under a .doc name; LibreOffice converts it like a .doc.
        return "doc"
    if _looks_binary(head):
        return "unknown"
    if _HTML.search(data[:200_000]):
        return "html"
    text = decode_text(data[:400_000])
    return text_kind(text, glued_rows)


def text_kind(text: str, glued_rows: Sequence[str] = ()) -> str:
    """``text_tab``, ``text_markdown``, ``text_glued`` or ``text_plain`` for decoded text."""

    if looks_tabbed(text):
        return "text_tab"
    if looks_markdown(text):
        return "text_markdown"
    if glued_rows and len(_glued_pattern(tuple(glued_rows)).findall(text)) >= MIN_GLUED_ROWS:
        return "text_glued"
    return "text_plain"


@functools.lru_cache(maxsize=8)
def _glued_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(map(re.escape, labels)) + ")" + _GLUED_CELLS)


def _looks_binary(head: bytes) -> bool:
    if not head:
        return False
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / len(head) > 0.05


def unknown_reason(data: bytes) -> str:
    """A one-line reason for a source whose format ogi does not read, naming what it seems to be."""
    if data.startswith(b"PK\x03\x04"):
        return "a zip archive that is not a Word (DOCX) or Excel (XLSX) document"
    if data.startswith(OLE_MAGIC):
        return "an OLE (Office 97) file that is not a Word or Excel document"
    return "not a format ogi reads (not HTML, Word, Excel, PDF or text)"
