"""Decoding an HTML page's bytes: the declared and the sniffed charset, the GB family read as GB18030."""

from __future__ import annotations

import codecs
import re

from ogi.utils.text import strip_controls

_GB_FAMILY = {
    "gb2312",
    "gbk",
    "gb18030",
    "x-gbk",
    "cp936",
    "ms936",
    "euc-cn",
    "csgb2312",
    "gb_2312-80",
    "hz-gb-2312",
}


# Declarations servers and editors print by default whatever the bytes are.
_WESTERN_DEFAULTS = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"}


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


_XML_ENCODING = re.compile(rb"""<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.IGNORECASE)


_UNREADABLE = re.compile("[\ufffd\ue000-\uf8ff]")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in ``<meta>`` (or an XML declaration), lower-cased."""
    head = data[:8192]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


#: Characters lxml refuses in a string it is handed (C0 controls but tab, newline and carriage return).
#: libxml2's parser lets them into the tree, so the first string the extractor writes back would raise.
def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """The page's text and the encoding it was read with, without C0 controls (``strip_controls``: Word's
    manual line break pastes as a vertical tab, which lxml refuses).

    Order: a BOM; strict UTF-8 (valid UTF-8 with non-ASCII bytes is never an accident, whatever the page
    declares); the declared charset (HTTP header first, else ``<meta>``) with the whole GB family read as
    gb18030; gb18030; a statistical guess. A page declaring gb2312 whose text has 镕 still decodes, and
    so does a GBK page declaring UTF-8.
    """
    text, codec = _decode(data, declared)
    return strip_controls(text), codec


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    tried: list[str] = ["utf-8"]
    for name in (declared, declared_charset(data)):
        codec = _codec(name)
        if codec is None or codec in tried or (name or "").lower() in _WESTERN_DEFAULTS:
            continue
        tried.append(codec)
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    if "gb18030" not in tried:
        tried.append("gb18030")
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass
    # No encoding reads every byte (a page with a few corrupt bytes): the one with the fewest errors,
    # unless even that one fails on many characters; then a statistical guess.
    # (Reading UTF-8 as gb18030 rarely fails outright but lands in the private use area.)
    readings = [(data.decode(c, errors="replace"), c) for c in tried]
    text, codec = min(readings, key=lambda r: len(_UNREADABLE.findall(r[0])))
    if len(_UNREADABLE.findall(text)) <= max(3, len(text) // 200):
        return text, codec
    from charset_normalizer import from_bytes

    best = from_bytes(data[:300_000]).best()
    guess = _codec(best.encoding if best is not None else None)
    return (data.decode(guess, errors="replace"), guess) if guess else (text, codec)
