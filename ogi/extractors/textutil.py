"""Small text helpers shared by the extractors (format-level, not template-level)."""

from __future__ import annotations

import re

from ogi.utils.text import CJK

#: Punctuation written in one form when labels are compared: half-width brackets and separators become
#: full-width, every kind of quote becomes ”, a slash becomes ／ (applied after NFKC, which has already turned
#: full-width forms into ASCII).
PUNCTUATION: dict[str, str] = {
    "(": "（",
    ")": "）",
    ",": "，",
    ":": "：",
    ";": "；",
    '"': "”",
    "“": "”",
    "「": "”",
    "」": "”",
    "‘": "”",
    "’": "”",
    "'": "”",
    "/": "／",
}


def join_wrapped(parts: list[str], numbers_wrap: bool = False) -> str:
    """Join the lines of one wrapped cell or paragraph.

    Chinese text wraps without a space (「商业」 + 「企业」 → 「商业企业」); Latin words and numbers keep
    one space between them. With ``numbers_wrap`` (lines laid out by the page, as in a PDF cell), a line
    ending inside a number that the next line continues is one number broken by a narrow column
    (「3,86」 + 「4」 → 「3,864」), joined without a space; elsewhere a space between digits stays, so
    two numbers never pass for one.
    """
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        latin = out and not (CJK.match(out[-1]) or CJK.match(part[0]))
        if latin and not (numbers_wrap and _NUMBER_END.search(out) and _NUMBER_START.match(part)):
            out += " "
        out += part
    return out


#: A line ending inside a number (its last character a digit, a grouping comma or a decimal point) and
#: a line going on with one.
_NUMBER_END = re.compile(r"\d[\d,.，]*$")
_NUMBER_START = re.compile(r"[\d,.，]")


def join_cell_lines(lines: list[str]) -> str:
    """The lines of one table cell (wrapped lines, paragraphs, line breaks) as its raw text.

    Joined like ``join_wrapped``; a cell that holds only whitespace (such as the U+3000 full-width
    spaces of a blank template cell) keeps it as printed, so the reader can tell it was printed blank.
    """
    text = join_wrapped([line.replace("\t", " ") for line in lines])
    return text if text else "".join(lines)


def decode_text(data: bytes) -> str:
    """Decode text bytes: BOM, then strict UTF-8, then the GB family as gb18030, then a best guess.

    GB2312 and GBK are subsets of gb18030, which also has names like 镕 and 喆 that GB2312 lacks.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None else "utf-8"
    if encoding.replace("-", "").replace("_", "").lower() in {"gb2312", "gbk", "gb18030", "hz"}:
        encoding = "gb18030"
    return data.decode(encoding, errors="replace")
