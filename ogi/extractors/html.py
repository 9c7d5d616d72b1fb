"""HTML report pages (format ``html``): paragraphs in reading order and every table as a grid.

Government sites serve reports as CMS article pages or bare fragments of the article body, in UTF-8 or
the GB family, often mis-declared, wrapped in navigation, share buttons and the debris Word leaves when
a report is pasted into an editor. This module decodes the bytes, drops that chrome, picks the article
container when the page has a recognisable one, and hands over:

- a ``Paragraph`` per block-level element (``<br>`` starts a new paragraph, except inside headings);
- a ``Table`` per ``<table>`` with a true grid: merged cells once, at their top-left, with their spans.
  Layout tables (one column, or a narrow wrapper around other tables) are read as flow; a real table
  nested in a cell becomes its own ``Table`` after the outer one and its text stays out of that cell.

It never interprets the template. It only tells a page that merely links to the report file
(``attachment_only``) or shows its tables as images (``needs_ocr``) from one that holds tables. The
pictures of such a page are read by OCR when their bytes are handed over (``ExtractOptions.images``) and
the ``ocr`` extra is installed.

Why lxml and not BeautifulSoup: the page is parsed by libxml2's HTML parser, the one BeautifulSoup's
``"lxml"`` builder drives, but read on lxml's own tree. BeautifulSoup rebuilt that tree as Python objects
(about 25 ms for a 30 KB report page) and its ``find_all`` searches walked them again and again: 50–65 ms
a page in all, against 7–8 ms on lxml's tree, built in C (``bench/html_speed.py``), and a national corpus
has hundreds of thousands of pages. The rules were written for BeautifulSoup and its reading is kept
exactly (``parse`` explains the few places where the trees differ): ``tests/test_html_golden.py`` holds
pages to the Documents the BeautifulSoup implementation made, and ``bench/html_golden.py`` compares two
revisions on about 1100 pages. The index-page reader of the fetchers (``ogi.fetchers.links``) keeps
BeautifulSoup's friendly API for finding links and applies ``strip_chrome_tree`` to this module's tree of
the same page, so the chrome rules exist once.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ogi.extractors.model import Cell, Document, ExtractionError, Paragraph, Table
from ogi.extractors.textutil import join_wrapped

#: Files a report page links to when the report itself is an attachment.
ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd")
#: A page, link or file name that speaks of an annual report (a format-level cue, not the template).
REPORT_CUE = re.compile(r"年度报告|年报|工作报告")

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

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "svg",
    "canvas",
    "button",
    "select",
    "textarea",
    "input",
    "link",
    "meta",
    "head",
    "xml",
    "nav",
    "aside",
    "map",
)
# Parts of id/class names (split at - and _) that mark site chrome.
_CHROME_PARTS = frozenset(
    {
        "nav",
        "navbar",
        "navigation",
        "menu",
        "menus",
        "breadcrumb",
        "breadcrumbs",
        "crumb",
        "crumbs",
        "dqwz",
        "weizhi",
        "header",
        "footer",
        "banner",
        "copyright",
        "sidebar",
        "sidenav",
        "friendlink",
        "friendlinks",
        "xgwz",
        "xgxx",
        "xglj",
        "share",
        "bdshare",
        "bdsharebuttonbox",
        "jiathis",
        "bshare",
        "fenxiang",
        "sharebox",
        "dayin",
        "guanbi",
        "toolbar",
        "qrcode",
        "erweima",
        "ewm",
        "comment",
        "comments",
        "pinglun",
        "sousuo",
        "wza",
    }
)
# Whole id/class names that mark chrome (as parts they are too common: position-relative, d-print-none).
_CHROME_WHOLE = frozenset(
    {
        "top",
        "bottom",
        "close",
        "head",
        "foot",
        "position",
        "location",
        "search",
        "print",
        "tools",
        "related",
        "aside",
        "side",
        "links",
        "skip",
        "login",
    }
)
_TABLE_PARTS = frozenset({"td", "th", "tr", "tbody", "thead", "tfoot", "col", "colgroup", "caption"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

# Article containers of the common CMSs (TRS WCM, 大汉, 拓尔思, 博思 …), most specific first.
_CONTAINERS: tuple[frozenset[str], ...] = (
    frozenset({"trs_editor", "trs_ueditor", "custom_unionstyle", "trs_preappend", "trs_paper_default"}),
    frozenset(
        {
            "zoom",
            "fontzoom",
            "article-content",
            "article_content",
            "articlecontent",
            "art_content",
            "artcontent",
            "zw",
            "zwnr",
            "wzzw",
            "wznr",
            "news_content",
            "newscontent",
            "pages_content",
            "detail-content",
            "detail_content",
            "xxgk_content",
            "content-text",
            "content_text",
            "contenttext",
            "main-content",
            "maincontent",
            "maintext",
            "ucap-content",
            "ivs_content",
            "contxt",
        }
    ),
    frozenset({"content", "contents", "article", "detail", "details", "ccontent", "con", "main", "text"}),
)

_BLOCK = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dd",
        "dt",
        "blockquote",
        "section",
        "article",
        "main",
        "pre",
        "address",
        "center",
        "figure",
        "figcaption",
        "header",
        "footer",
        "hr",
        "form",
        "fieldset",
        "legend",
        "details",
        "summary",
        "caption",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_ASCII_WS = re.compile(r"[ \t\n\r\f]+")
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
# Word's conditional comments and style sheets when a CMS escaped them into the text.
_LEAKED_BLOCK = re.compile(
    r"<!--\[if[^\]]*\]>(?:(?!<!\[endif\]).)*?<(?:xml|w:|o:|m:|style)(?:.|\n)*?<!\[endif\]-->", re.S
)
_LEAKED_MARK = re.compile(r"<!(?:--)?\[(?:if[^\]]*|endif)\](?:--)?>")
_LEAKED_STYLE = re.compile(
    r"(?:/\*\s*Style Definitions\s*\*/\s*)?(?:[A-Za-z0-9_.#:\-\s,]+\{[^{}]*mso-[^{}]*\}\s*)+"
)

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_PUBLISHED_TEXT = re.compile(r"(?:发布|发表|公开|成文|印发|发文)(?:日期|时间)\s*[:：]?\s*" + _DATE.pattern)
_PUBLISHED_META = (
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "article:published_time",
    "og:article:published_time",
    "og:release_date",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "firstpublishedtime",
    "releasedate",
)
_TITLE_META = ("articletitle", "og:title", "dc.title", "title")
_NUMERIC_CELL = re.compile(r"^[+\-]?\d[\d,，.]*\s*(?:万元|元|件|条|个|项|%)?$")
_ICON_NAME = re.compile(
    r"icon|logo|share|print|close|qrcode|erweima|ewm|weixin|wechat|weibo|spacer|blank|arrow|dot\.|line\.|"
    r"bg[_.-]|btn|button|jiathis|bdshare|wza|gongan|beian|jiucuo|conac|dzjg",
    re.IGNORECASE,
)
MAX_SPAN = 1000
#: Grid positions one table may take (rows × columns, and the positions its cells' spans cover). The
#: template's tables have a few hundred; spans are capped one by one (``MAX_SPAN``), but their product is
#: not, so 13 KB of ``rowspan=1000 colspan=1000`` cells would ask for gigabytes. A table past this is not
#: read as a grid: its cells are read as running text.
MAX_GRID_AREA = 500_000
#: Characters lxml refuses in a string it is handed (C0 controls but tab, newline and carriage return).
#: libxml2's parser lets them into the tree, so the first string the extractor writes back would raise.
_NOT_XML = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f]")
_UNREADABLE = re.compile("[\ufffd\ue000-\uf8ff]")


# -- decoding ------------------------------------------------------------------------------------------


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


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """The page's text and the encoding it was read with, C0 controls read as spaces (see ``parse``).

    Order: a BOM; strict UTF-8 (valid UTF-8 with non-ASCII bytes is never an accident, whatever the page
    declares); the declared charset (HTTP header first, else ``<meta>``) with the whole GB family read as
    gb18030; gb18030; a statistical guess. A page declaring gb2312 whose text has 镕 still decodes, and
    so does a GBK page declaring UTF-8.
    """
    text, codec = _decode(data, declared)
    return _NOT_XML.sub(" ", text), codec


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


# -- the tree ----------------------------------------------------------------------------------------------

#: Elements whose text BeautifulSoup keeps in string classes of their own (Script, Stylesheet, RubyText …):
#: ``get_text()`` leaves it out, except on the element itself.
_STRING_CONTAINERS = ("rt", "rp", "style", "script", "template")
#: BeautifulSoup reads text of ASCII whitespace only (outside these) as one newline or one space.
_PRESERVE_WHITESPACE = ("pre", "textarea")
_ASCII_SPACES = " \t\n\r\f"
#: The element that stands for the document: the page's top-level nodes are its children.
DOCUMENT = "ogi-document"
_DOCTYPE = re.compile(r"<!doctype", re.IGNORECASE)

#: The text nodes below an element: BeautifulSoup's strings (``_strings``).
_TEXT = etree.XPath("descendant::text()", smart_strings=False)
#: Text nodes right after another text node (libxml2 may split a long text): one string for BeautifulSoup.
_SPLIT_TEXT = etree.XPath("//text()[preceding-sibling::node()[1]/self::text()]")
#: Text of blanks only but for one space or newline (XPath's blanks; ``parse`` made form feeds spaces).
_BLANK_TEXT = etree.XPath("//text()[normalize-space() = ''][. != ' '][. != '\n']")


def parse(text: str) -> etree._Element:
    """The page as lxml's tree, under one ``ogi-document`` element, reading as BeautifulSoup's tree does.

    BeautifulSoup's ``"lxml"`` builder drives this same parser (libxml2's, fed the whole text) and builds
    its tree from the parser's events; lxml's own tree comes from the same events. Where the two differ
    the tree is made to read like BeautifulSoup's, because cell and paragraph text depend on it:

    - text of ASCII whitespace only becomes one newline (if it has one) or one space, outside ``<pre>``;
    - a ``<!DOCTYPE>`` inside the page ends a string for BeautifulSoup (``get_text(strip=True)`` strips
      each string): it becomes an empty comment here, as does every element the extractor removes;
    - text outside ``<html>`` (only read when the page has no ``<body>``) is kept.

    The last two need the parser's events, so only pages with a misplaced doctype or no ``<body>`` are
    parsed twice. C0 control characters (Word's manual line break pastes as ``\\x0b``) are read as spaces:
    every reader of the text takes them for whitespace, and lxml refuses them in the strings written back.
    """
    text = _NOT_XML.sub(" ", text)
    document = etree.Element(DOCUMENT)
    parser = etree.HTMLParser()
    parser.feed(text)
    try:
        root = parser.close()
    except etree.XMLSyntaxError:
        root = None
    if root is not None:
        for node in [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]:
            document.append(node)
    doctypes = [m.start() for m in _DOCTYPE.finditer(text)]
    misplaced = len(doctypes) > 1 or (len(doctypes) == 1 and bool(text[: doctypes[0]].strip()))
    if root is None or misplaced or next(document.iter("body"), None) is None:
        _replay(text, document)
    _collapse_whitespace(document)
    return document


class _Events:
    """A parser target that notes what lxml's tree drops: where ``<!DOCTYPE>`` declarations came, and
    the text between top-level nodes. Elements are numbered in the order they start (the tree's
    document order)."""

    def __init__(self) -> None:
        self.n = 0
        self.open: list[int] = []
        #: Nodes begun so far in each open element; [0] is the top level.
        self.nodes = [0]
        #: Characters of text since the last node boundary.
        self.chars = 0
        self.doctypes: list[tuple[int, int, int]] = []
        self.top: list[tuple[int, str]] = []
        self._top: list[str] = []

    def _boundary(self) -> None:
        if self._top:
            self.top.append((self.nodes[0], "".join(self._top)))
            self._top = []
        self.chars = 0

    def start(self, tag: str, attrib: object, nsmap: object = None) -> None:
        self._boundary()
        self.nodes[-1] += 1
        self.open.append(self.n)
        self.nodes.append(0)
        self.n += 1

    def end(self, tag: str) -> None:
        self._boundary()
        if self.open:
            self.open.pop()
            self.nodes.pop()

    def data(self, data: str) -> None:
        self.chars += len(data)
        if not self.open:
            self._top.append(data)

    def comment(self, text: str) -> None:
        self._boundary()
        self.nodes[-1] += 1

    def pi(self, target: str, data: str | None = None) -> None:
        self._boundary()
        self.nodes[-1] += 1

    def doctype(self, name: str, pubid: str, system: str) -> None:
        self.doctypes.append((self.open[-1] if self.open else -1, self.nodes[-1], self.chars))
        self._boundary()
        self.nodes[-1] += 1

    def close(self) -> None:
        self._boundary()


def _replay(text: str, document: etree._Element) -> None:
    """Mark each ``<!DOCTYPE>`` with an empty comment where the parser reported it, splitting the text
    there, and put back the text between top-level nodes."""
    events = _Events()
    parser = etree.HTMLParser(target=events)
    parser.feed(text)
    parser.close()
    elements = list(document.iter(etree.Element))  # elements[0] is the document
    for index, position, chars in events.doctypes:
        if index + 1 >= len(elements) or position > len(elements[index + 1]):
            continue  # (never seen: the tree and the events always agreed)
        parent = elements[index + 1]
        holder, slot = (parent, "text") if position == 0 else (parent[position - 1], "tail")
        before = getattr(holder, slot) or ""
        marker = etree.Comment()
        marker.tail = before[chars:] or None
        setattr(holder, slot, before[:chars] or None)
        parent.insert(position, marker)
    for position, string in events.top:
        if position == 0:
            document.text = string
        elif position <= len(document):
            document[position - 1].tail = string


def _collapse_whitespace(document: etree._Element) -> None:
    for piece in _SPLIT_TEXT(document):
        holder = piece.getparent()
        if piece.is_tail:
            holder.tail = holder.tail  # lxml joins the nodes it reads and writes one
        else:
            holder.text = holder.text
    # Elements whose text keeps its whitespace: <pre>, <textarea> and everything in them.
    kept = {e for p in document.iter(*_PRESERVE_WHITESPACE) for e in p.iter()}
    for piece in _BLANK_TEXT(document):
        if piece.strip(_ASCII_SPACES):
            continue
        holder = piece.getparent()
        string = holder.tail if piece.is_tail else holder.text
        if string in ("\n", " ") or string.strip(_ASCII_SPACES):
            continue
        if kept and (holder.getparent() if piece.is_tail else holder) in kept:
            continue
        collapsed = "\n" if "\n" in string else " "
        if piece.is_tail:
            holder.tail = collapsed
        else:
            holder.text = collapsed


def _plain(root: etree._Element) -> bool:
    """Whether no text in or around ``root`` belongs to a string container (then every text node under
    an element is one of ``get_text()``'s strings)."""
    return (
        next(root.iter(*_STRING_CONTAINERS), None) is None
        and next(root.iterancestors(*_STRING_CONTAINERS), None) is None
    )


def _strings(el: etree._Element, plain: bool = False) -> list[str]:
    """The strings ``get_text()`` joins: each text node below ``el`` (not its tail), leaving out the text
    of string containers unless ``el`` is one. ``plain``: the caller knows there are none (``_plain``)."""
    if plain:
        return _TEXT(el)
    if el.tag in _STRING_CONTAINERS:
        return _own_strings(el)
    if next(el.iterancestors(*_STRING_CONTAINERS), None) is not None:
        return []  # all of it is a container's text
    if next(el.iterdescendants(*_STRING_CONTAINERS), None) is None:
        return _TEXT(el)
    copy = deepcopy(el)
    for container in list(copy.iterdescendants(*_STRING_CONTAINERS)):
        _remove(container)
    return _TEXT(copy)


def _own_strings(container: etree._Element) -> list[str]:
    """``get_text()`` of a string container itself: the text whose innermost container is of its kind."""
    out: list[str] = []
    kind = container.tag

    def visit(node: etree._Element, inside: str) -> None:
        if node.text and inside == kind:
            out.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                visit(child, child.tag if child.tag in _STRING_CONTAINERS else inside)
            if child.tail and inside == kind:
                out.append(child.tail)

    visit(container, kind)
    return out


def text_of(el: etree._Element, separator: str = "", strip: bool = False, plain: bool = False) -> str:
    """BeautifulSoup's ``get_text(separator, strip)``: with ``strip``, each string is stripped and empty
    ones are left out."""
    strings = _strings(el, plain)
    if strip:
        strings = [s for s in (s.strip() for s in strings) if s]
    return separator.join(strings)


def _remove(el: etree._Element) -> None:
    """Take ``el`` and its content out of the tree; the text after it stays a string of its own."""
    parent = el.getparent()
    if parent is None:
        return
    marker = etree.Comment()
    marker.tail = el.tail
    parent.replace(el, marker)


def _clear(el: etree._Element) -> None:
    """Empty ``el``, keeping the element."""
    for child in list(el):
        el.remove(child)
    el.text = None


def _nearest_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


# -- chrome --------------------------------------------------------------------------------------------


def _names(tag: Any) -> list[str]:
    """The element's id and class names, lower-cased (an lxml element or a BeautifulSoup tag)."""
    out: list[str] = []
    ident = tag.get("id")
    if isinstance(ident, str) and ident.strip():
        out.append(ident.strip().lower())
    classes = tag.get("class")
    names = classes.split() if isinstance(classes, str) else list(classes or [])
    out += [str(c).lower() for c in names]
    return out


@lru_cache(maxsize=4096)
def _is_chrome(name: str) -> bool:
    if name in _CHROME_WHOLE:
        return True
    return any(part in _CHROME_PARTS for part in re.split(r"[-_\s]+", name) if part)


def _is_chrome_name(names: Iterable[str]) -> bool:
    return any(_is_chrome(name) for name in names)


def _is_hidden(tag: Any) -> bool:
    """Hidden by ``hidden``, ``aria-hidden`` or its style (an lxml element or a BeautifulSoup tag)."""
    if tag.get("hidden") is not None or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    style = tag.get("style")
    return isinstance(style, str) and bool(_HIDDEN_STYLE.search(style))


def _holds_report(tag: etree._Element, plain: bool = False) -> bool:
    """Whether removing ``tag`` would lose a real table or a page's worth of text (never strip those)."""
    for table in tag.iterdescendants("table"):
        if sum(1 for _ in table.iterdescendants("tr")) >= 3:
            return True
    return sum(len(s) for s in _strings(tag, plain)) > 3000


def _is_numeric_table(table: etree._Element, plain: bool = False) -> bool:
    numeric = 0
    for cell in table.iterdescendants("td", "th"):
        if _NUMERIC_CELL.match(text_of(cell, strip=True, plain=plain)):
            numeric += 1
            if numeric >= 4:
                return True
    return False


def strip_chrome_tree(root: etree._Element) -> None:
    """Remove what is not the report: scripts, styles, comments, hidden elements, navigation, headers and
    footers, share and print buttons. Elements that hold a real table are kept whatever they are called.

    (Comments and other markup declarations are never read as text, so they need no removing here.)
    """
    for tag in list(root.iterdescendants(*_DROP_TAGS)):
        if tag.tag in ("nav", "aside") and _holds_report(tag):
            continue
        _remove(tag)
    plain = _plain(root)
    data_tables = {t for t in root.iterdescendants("table") if _is_numeric_table(t, plain)}
    # What to do with an element depends on it and its content only, so the decisions are all made on
    # the tree as it is now (in document order, passing over the content of what goes), then carried
    # out. Only elements with attributes, headers and footers can be hidden or chrome.
    remove: list[etree._Element] = []
    clear: list[etree._Element] = []
    elements = root.iterdescendants(etree.Element)
    for tag in elements:
        attributes = tag.keys()
        name = tag.tag
        if not attributes and name != "header" and name != "footer":
            continue
        hidden = bool(attributes) and _is_hidden(tag)
        if name in _TABLE_PARTS:
            # Removing a cell would shift the grid: a hidden cell is kept, empty.
            if hidden and name in ("td", "th"):
                clear.append(tag)
                _skip_content(tag, elements)
            continue
        names = _names(tag) if "id" in attributes or "class" in attributes else ()
        chrome = (name in ("header", "footer") or _is_chrome_name(names)) and not _holds_report(tag, plain)
        if hidden or chrome:
            table = _nearest_table(tag)
            # A class name inside a data table (「<td><span class="top">12</span>」) is not chrome.
            if hidden or table is None or table not in data_tables:
                remove.append(tag)
                _skip_content(tag, elements)
    for tag in clear:
        _clear(tag)
    for tag in remove:
        _remove(tag)


def _skip_content(tag: etree._Element, elements: Iterator[etree._Element]) -> None:
    """Pass over ``tag``'s descendants in ``elements``, a document-order iterator that just gave ``tag``."""
    n = sum(1 for _ in tag.iterdescendants(etree.Element))
    next(islice(elements, n, n), None)


def find_containers(root: etree._Element) -> list[etree._Element]:
    """The article container(s) when the page has recognisable ones that hold all its tables, else ``root``.

    A CMS may split one article into sibling editor blocks (the prose in one ``TRS_Editor``, the tables
    in the next): specific container names are taken together, in page order. A generic name (content,
    main, text …) counts only for one element that holds every table.
    """
    plain = _plain(root)
    tables = [t for t in root.iterdescendants("table") if _is_numeric_table(t, plain)]
    around_tables = [set(t.iterancestors()) for t in tables]
    named = [
        (tag, set(_names(tag)))
        for tag in root.iterdescendants(etree.Element)
        if tag.tag == "article" or tag.get("class") is not None or tag.get("id") is not None
    ]
    generic = len(_CONTAINERS) - 1
    for rank, names in enumerate(_CONTAINERS):
        found: list[etree._Element] = []
        for tag, own in named:
            if not (own & names or (rank == generic and tag.tag == "article")):
                continue
            # Generic names also name small widgets: ask those for some substance.
            enough = 20 if rank == generic else 1
            if (
                len(text_of(tag, strip=True, plain=plain)) >= enough
                or next(tag.iterdescendants("table", "img", "a"), None) is not None
            ):
                found.append(tag)
        if rank == generic:
            found = [t for t in found if all(t in around for around in around_tables)]
        # Nested containers of the same kind: the outermost holds the whole article.
        outer = set(found)
        top = [t for t in found if not any(a in outer for a in t.iterancestors())]
        if not top:
            continue
        if rank == generic:
            return top[:1]
        if all(not around.isdisjoint(top) for around in around_tables):
            return top
    return [root]


# -- text ----------------------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Remove Word debris a CMS escaped into visible text (conditional comments, mso style sheets)."""
    if "<!" in text:
        text = _LEAKED_BLOCK.sub("", text)
        text = _LEAKED_MARK.sub("", text)
    if "mso-" in text:
        text = _LEAKED_STYLE.sub("", text)
    return text


def _flow_text(parts: list[str]) -> str:
    """A paragraph's text: HTML whitespace collapsing (``&nbsp;`` and U+3000 are kept inside), and a source
    line break between two Chinese characters joins them as a browser lays them out."""
    text = clean_text("".join(parts))
    text = _CJK_BREAK.sub("", text)
    text = _ASCII_WS.sub(" ", text)
    return text.strip()


def _cell_line(text: str) -> str:
    text = _ASCII_WS.sub(" ", clean_text(text))
    return _CJK_GAP.sub("", text).strip()


# -- tables --------------------------------------------------------------------------------------------


_LEADING_NUMBER = re.compile(r"\s*(\d+)")


def _span(tag: etree._Element, attr: str) -> int:
    value = tag.get(attr)
    m = _LEADING_NUMBER.match(value) if value else None
    if not m:
        return 1
    return min(int(m.group(1)), MAX_SPAN)


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not those of tables nested in its cells)."""
    return [tr for tr in table.iterdescendants("tr") if _nearest_table(tr) is table]


@dataclass
class _Slot:
    tag: etree._Element
    row: int
    col: int
    rowspan: int
    colspan: int


def grid(table: etree._Element) -> tuple[list[_Slot], int, int]:
    """The HTML table model: each cell at the first free grid position of its row, with its spans
    (``rowspan="0"`` and spans past the last row end at the last row).

    A table whose grid would pass ``MAX_GRID_AREA`` positions gives no slots (it is read as text): the
    work and memory here, and in everything that lays the grid out later, stay bounded by that area.
    """
    rows = _rows(table)
    occupied: set[tuple[int, int]] = set()
    slots: list[_Slot] = []
    n_rows = len(rows)
    covered = 0  # positions the spans cover, overlaps counted each time
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if td.tag != "td" and td.tag != "th":
                continue
            while (r, c) in occupied:
                c += 1
            rowspan = _span(td, "rowspan")
            if rowspan == 0 or r + rowspan > n_rows:
                rowspan = max(1, n_rows - r)
            colspan = max(1, _span(td, "colspan"))
            covered += rowspan * colspan
            if (c + colspan) * n_rows > MAX_GRID_AREA or covered > MAX_GRID_AREA:
                return [], n_rows, 0
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied.add((r + dr, c + dc))
            slots.append(_Slot(td, r, c, rowspan, colspan))
            c += colspan
    n_cols = max((s.col + s.colspan for s in slots), default=0)
    return slots, n_rows, n_cols


def _nested_tables(table: etree._Element) -> list[etree._Element]:
    """Tables directly nested in this table's cells (not deeper)."""
    return [t for t in table.iterdescendants("table") if _nearest_table(t) is table]


#: A cell with more text than this holds running text: its table lays out a page (a sidebar beside the
#: article), it does not print data. Template cells are short (the longest label has about 40 characters).
LAYOUT_CELL_CHARS = 400


def _is_layout(table: etree._Element, n_cols: int, texts: Iterable[str] = ()) -> bool:
    """A table used to lay out the page, not to print data: one column, a narrow frame around tables, or
    a cell holding running text."""
    if n_cols <= 1:
        return True
    if n_cols <= 2 and bool(_nested_tables(table)):
        return True
    return any(len(t) > LAYOUT_CELL_CHARS for t in texts)


# -- the walk ------------------------------------------------------------------------------------------


@dataclass
class _Walk:
    blocks: list[Paragraph | Table] = field(default_factory=list)
    buf: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    n_tables: int = 0
    n_paragraphs: int = 0
    heading: int = 0
    #: No string containers in the tree walked (``_plain``).
    plain: bool = False

    def flush(self) -> None:
        text = _flow_text(self.buf)
        self.buf = []
        if text:
            self.n_paragraphs += 1
            self.blocks.append(Paragraph(text, {"paragraph": self.n_paragraphs}))

    def walk(self, node: etree._Element) -> None:
        if node.text:
            self.buf.append(node.text)
        for child in node:
            name = child.tag
            if not isinstance(name, str):
                pass  # a comment, or where an element was removed
            elif name == "br":
                if self.heading:
                    self.buf.append("\n")
                else:
                    self.flush()
            elif name == "table":
                self.flush()
                self.table(child)
            elif name == "img":
                self.image(child)
            elif name in _BLOCK:
                self.flush()
                if name in _HEADINGS:
                    self.heading += 1
                    self.walk(child)
                    self.heading -= 1
                else:
                    self.walk(child)
                self.flush()
            else:
                if name == "a":
                    self.link(child)
                self.walk(child)
            if child.tail:
                self.buf.append(child.tail)

    def link(self, a: etree._Element) -> None:
        href = a.get("href")
        if isinstance(href, str) and href.strip():
            self.links.append(
                (
                    href.strip(),
                    text_of(a, " ", strip=True, plain=self.plain) + " " + str(a.get("title") or ""),
                )
            )

    def image(self, img: etree._Element) -> None:
        src = img.get("src") or img.get("data-src") or img.get("original")
        if not isinstance(src, str) or not src.strip() or src.startswith("data:"):
            return
        if _ICON_NAME.search(src):
            return
        for attr in ("width", "height"):
            m = re.match(r"\s*(\d+)", str(img.get(attr) or ""))
            if m and int(m.group(1)) < 100:
                return
        self.images.append(src.strip())

    def table(self, table: etree._Element) -> None:
        caption = next(table.iterdescendants("caption"), None)
        if caption is not None and _nearest_table(caption) is table:
            self.buf.append(text_of(caption, " ", plain=self.plain))
            self.flush()
            _remove(caption)
        slots, _n_rows, n_cols = grid(table)
        if not slots:
            self.walk(table)
            return
        nested = [t for t in _nested_tables(table) if not _is_layout(t, grid(t)[2])]
        skip = set(nested)
        texts = [cell_text(slot.tag, skip) for slot in slots]
        if _is_layout(table, n_cols, texts):
            for slot in slots:
                self.flush()
                self.walk(slot.tag)
                self.flush()
            return
        self.n_tables += 1
        number = self.n_tables
        cells: list[Cell] = []
        media = next(table.iterdescendants("a", "img"), None) is not None
        for slot, text in zip(slots, texts):
            if media:
                for a in slot.tag.iterdescendants("a"):
                    self.link(a)
                for img in slot.tag.iterdescendants("img"):
                    self.image(img)
            cells.append(
                Cell(
                    text=text,
                    row=slot.row,
                    col=slot.col,
                    rowspan=slot.rowspan,
                    colspan=slot.colspan,
                    locator={"table": number, "row": slot.row + 1, "col": slot.col + 1},
                )
            )
        self.blocks.append(Table(cells=cells, locator={"table": number}, geometry=True))
        for inner in nested:
            self.table(inner)


def cell_text(td: etree._Element, skip: set[etree._Element] | None = None) -> str:
    """A cell's text: ``<br>``, ``<p>`` and other blocks are line breaks, and lines are joined as the
    cell wraps them (no space between Chinese characters); a cell of ``&nbsp;`` only is empty. Tables in
    ``skip`` (read as tables of their own) end a line and are left out."""
    lines: list[str] = []
    buf: list[str] = []
    skip = skip or set()

    def newline() -> None:
        if not buf:
            return
        line = _cell_line("".join(buf))
        buf.clear()
        if line:
            lines.append(line)

    def visit(node: etree._Element) -> None:
        if node.text:
            buf.append(node.text)
        for child in node:
            name = child.tag
            if not isinstance(name, str):
                pass
            elif child in skip or name == "br":
                newline()
            elif name in _BLOCK or name == "table":
                newline()
                visit(child)
                newline()
            else:
                visit(child)
            if child.tail:
                buf.append(child.tail)

    visit(td)
    newline()
    return join_wrapped(lines)


# -- metadata and status ---------------------------------------------------------------------------------


def _iso(m: re.Match[str]) -> str | None:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def page_meta(document: etree._Element) -> dict[str, Any]:
    """``title`` (the page's <title> or the CMS's ArticleTitle) and ``published`` (ISO date) when found."""
    meta: dict[str, Any] = {}
    tags: dict[str, str] = {}
    for tag in document.iter("meta"):
        key = str(tag.get("name") or tag.get("property") or tag.get("itemprop") or "").strip().lower()
        content = tag.get("content")
        if key and isinstance(content, str) and content.strip() and key not in tags:
            tags[key] = content.strip()
    title = next((tags[k] for k in _TITLE_META if k in tags), None)
    if title is None:
        title_tag = next(document.iter("title"), None)
        if title_tag is not None:
            title = text_of(title_tag, " ", strip=True)
    if title:
        meta["title"] = _clean_title(title)
    for key in _PUBLISHED_META:
        if key in tags:
            m = _DATE.search(tags[key])
            if m and (iso := _iso(m)):
                meta["published"] = iso
                break
    if "published" not in meta:
        body = next(document.iter("body"), document)
        m = _PUBLISHED_TEXT.search(_ASCII_WS.sub(" ", text_of(body, " ")))
        if m and (iso := _iso(m)):
            meta["published"] = iso
    return meta


def _clean_title(title: str) -> str:
    """The article's part of a <title> such as 「2019年…年度报告_上海市人民政府」."""
    title = _ASCII_WS.sub(" ", title).strip()
    parts = [p.strip() for p in re.split(r"\s*(?:_|\||｜|--|——|\s-\s)\s*", title) if p.strip()]
    for part in parts:
        if REPORT_CUE.search(part):
            return part
    return parts[0] if parts else title


def is_attachment(href: str) -> bool:
    try:
        path = urlsplit(href).path.lower()
    except ValueError:  # not a URL (``http://[::1/x``): the link is the fetcher's to report
        return False
    return path.endswith(ATTACHMENT_SUFFIXES)


def _joined(base: str, href: str) -> str:
    """``href`` against the page's ``<base>``; as printed when either is not a URL (one bad link must
    not fail the page)."""
    if not base:
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def _reportish(table: Table) -> bool:
    """A table that prints numbers in a grid (an info box of 索引号/发布日期 is not one)."""
    if table.n_rows < 3 or table.n_cols < 3:
        return False
    return sum(1 for c in table.cells if _NUMERIC_CELL.match(c.text.strip())) >= 4


def extract(data: bytes, fmt: str = "html", name: str = "", options: object = None, **_: object) -> Document:
    """Read an HTML page or fragment into the document model."""
    text, encoding = decode_html(data)
    try:
        document = parse(text)
    except Exception as exc:  # lxml refuses only pathological input
        raise ExtractionError(f"unreadable HTML ({type(exc).__name__}: {exc})") from exc
    meta = page_meta(document)
    meta["encoding"] = encoding
    base = next((b for b in document.iter("base") if b.get("href") is not None), None)
    base_href = str(base.get("href")) if base is not None else ""
    root = next(document.iter("body"), document)
    strip_chrome_tree(root)
    walk = _Walk(plain=_plain(root))
    for container in find_containers(root):
        walk.walk(container)
        walk.flush()
    doc = Document(format="html", blocks=list(walk.blocks), meta=meta)
    _set_status(doc, walk, base_href)
    if doc.status == "needs_ocr":
        _read_pictures(doc, name, options)
    return doc


def _read_pictures(doc: Document, page_url: str, options: object) -> None:
    """A page whose tables are pictures: OCR reads the pictures whose bytes were handed over
    (``ExtractOptions.images``, keyed by URL; the fetcher keeps them), and their blocks follow the text."""
    from ogi.extractors import ocr

    given: dict[str, bytes] = dict(getattr(options, "images", None) or {})
    if not ocr.available():
        doc.reason = f"{doc.reason}; {ocr.MISSING}"
        return
    if not given or not getattr(options, "ocr", True):
        return
    from ogi.extractors.ocrimages import Picture, read_pictures

    page_url = getattr(options, "page_url", "") or page_url
    pictures = []
    for src in doc.meta.get("images", []):
        url = _joined(page_url, src) if page_url.startswith(("http://", "https://")) else src
        data = given.get(url) or given.get(src)
        if data:
            pictures.append(Picture(url, data))
    if not pictures:
        return
    blocks, _skipped = read_pictures(pictures)
    doc.meta["ocr_images"] = [p.name for p in pictures]
    if any(isinstance(b, Table) for b in blocks):
        doc.blocks.extend(blocks)
        doc.status = None
        doc.reason = None
    else:
        doc.reason = f"{doc.reason}; OCR found no table in them"


def _set_status(doc: Document, walk: _Walk, base_href: str) -> None:
    if any(_reportish(t) for t in doc.tables):
        return
    texts = [doc.meta.get("title") or ""] + [p.text for p in doc.paragraphs[:40]]
    attachments = [(_joined(base_href, href), label) for href, label in walk.links if is_attachment(href)]
    attachments = list(dict.fromkeys(attachments))
    cue = any(REPORT_CUE.search(t) for t in texts) or any(
        REPORT_CUE.search(label) or REPORT_CUE.search(href) for href, label in attachments
    )
    if not cue:
        return
    if attachments:
        hrefs = [h for h, _ in attachments]
        doc.meta["attachments"] = hrefs
        more = f" (and {len(hrefs) - 1} more)" if len(hrefs) > 1 else ""
        doc.status = "attachment_only"
        doc.reason = f"the page has no tables and links to the report file {hrefs[0]}{more}"
        return
    images = list(dict.fromkeys(_joined(base_href, s) for s in walk.images))
    if images:
        doc.meta["images"] = images
        doc.status = "needs_ocr"
        doc.reason = f"the page has no tables, only {len(images)} image(s): its tables are pictures"
