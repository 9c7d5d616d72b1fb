"""Telling a source's format from its bytes (magic numbers, markup, text shape), not from its name.

The name only breaks ties the bytes cannot (an OLE container is a ``.doc``, ``.wps`` or ``.xls``).
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import PurePath

from ogi.extractors.textutil import decode_text

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|table|p|div|span|br|meta|td|tr|h[1-6])[\s>/]",
    re.IGNORECASE,
)
# Row labels of table 三 each followed directly by a row's worth of digits (seven cells, at least seven
# digits, maybe some spaces): the cells of the page were glued together. Two such rows are needed, so a
# sentence such as 「予以公开 258 件」 is not enough.
_GLUED = re.compile(
    r"(?:本年新收政府信息公开申请数量|上年结转政府信息公开申请数量|予以公开|国家秘密|总计|继续办理)"
    r"[^\S\n]*(?:\d[^\S\n]*){7,}"
)
MIN_GLUED_ROWS = 2


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def ole_kind(data: bytes, name: str = "") -> str:
    """Which Office file an OLE compound file holds: ``docx`` (encrypted), ``doc``, ``wps``, ``xls``."""
    if _utf16("EncryptedPackage") in data:
        suffix = PurePath(name).suffix.lower()
        return "xlsx" if suffix in {".xlsx", ".xls"} else "docx"
    suffix = PurePath(name).suffix.lower()
    if suffix == ".wps":
        return "wps"
    if (_utf16("Workbook") in data or _utf16("Book") in data) and _utf16("WordDocument") not in data:
        return "xls"
    if _utf16("WordDocument") in data:
        return "wps" if suffix == ".wps" else "doc"
    if suffix in {".xls", ".et"}:
        return "xls"
    return "doc" if suffix == ".doc" else "unknown"


def zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "unknown"
    if "word/document.xml" in names or any(n.startswith("word/document") for n in names):
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "unknown"


def detect(data: bytes, name: str = "") -> str:
    """The contract's ``format`` of a source (``pdf``, ``docx``, ``text_tab`` …, or ``unknown``)."""
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return zip_kind(data)
    if head.startswith(OLE_MAGIC):
        return ole_kind(data, name)
    if _looks_binary(head):
        return "unknown"
    if _HTML.search(data[:200_000]):
        return "html"
    text = decode_text(data[:400_000])
    return text_kind(text)


def text_kind(text: str) -> str:
    """``text_tab``, ``text_glued`` or ``text_plain`` for decoded text."""
    from ogi.extractors.text import looks_tabbed

    if looks_tabbed(text):
        return "text_tab"
    if len(_GLUED.findall(text)) >= MIN_GLUED_ROWS:
        return "text_glued"
    return "text_plain"


def _looks_binary(head: bytes) -> bool:
    if not head:
        return False
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / len(head) > 0.05
