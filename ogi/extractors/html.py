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
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import CData, Declaration, Doctype, ProcessingInstruction

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
    """The page's text and the encoding it was read with.

    Order: a BOM; strict UTF-8 (valid UTF-8 with non-ASCII bytes is never an accident, whatever the page
    declares); the declared charset (HTTP header first, else ``<meta>``) with the whole GB family read as
    gb18030; gb18030; a statistical guess. A page declaring gb2312 whose text has 镕 still decodes, and
    so does a GBK page declaring UTF-8.
    """
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


# -- chrome --------------------------------------------------------------------------------------------


def _names(tag: Tag) -> list[str]:
    """The element's id and class names, lower-cased."""
    out: list[str] = []
    ident = tag.get("id")
    if isinstance(ident, str) and ident.strip():
        out.append(ident.strip().lower())
    classes = tag.get("class")
    names = classes.split() if isinstance(classes, str) else list(classes or [])
    out += [str(c).lower() for c in names]
    return out


def _is_chrome_name(names: Iterable[str]) -> bool:
    for name in names:
        if name in _CHROME_WHOLE:
            return True
        if any(part in _CHROME_PARTS for part in re.split(r"[-_\s]+", name) if part):
            return True
    return False


def _is_hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    style = tag.get("style")
    return isinstance(style, str) and bool(_HIDDEN_STYLE.search(style))


def _holds_report(tag: Tag) -> bool:
    """Whether removing ``tag`` would lose a real table or a page's worth of text (never strip those)."""
    for table in tag.find_all("table"):
        if len(table.find_all("tr")) >= 3:
            return True
    return len(tag.get_text()) > 3000


def strip_chrome(root: Tag) -> None:
    """Remove what is not the report: scripts, styles, comments, hidden elements, navigation, headers and
    footers, share and print buttons. Elements that hold a real table are kept whatever they are called."""
    for node in root.find_all(string=True):
        if isinstance(node, Comment | Declaration | Doctype | ProcessingInstruction | CData):
            node.extract()
    for tag in root.find_all(_DROP_TAGS):
        if tag.name in ("nav", "aside") and _holds_report(tag):
            continue
        tag.decompose()
    data_tables = {id(t) for t in root.find_all("table") if _is_numeric_table(t)}
    for tag in list(root.find_all(True)):
        if tag.decomposed or tag.parent is None:
            continue
        hidden = _is_hidden(tag)
        if tag.name in _TABLE_PARTS:
            # Removing a cell would shift the grid: a hidden cell is kept, empty.
            if hidden and tag.name in ("td", "th"):
                tag.clear()
            continue
        chrome = (tag.name in ("header", "footer") or _is_chrome_name(_names(tag))) and not _holds_report(tag)
        if not (hidden or chrome):
            continue
        table = tag.find_parent("table")
        if chrome and not hidden and table is not None and id(table) in data_tables:
            continue  # a class name inside a data table (「<td><span class="top">12</span>」) is not chrome
        tag.decompose()


def find_containers(root: Tag) -> list[Tag]:
    """The article container(s) when the page has recognisable ones that hold all its tables, else ``root``.

    A CMS may split one article into sibling editor blocks (the prose in one ``TRS_Editor``, the tables
    in the next): specific container names are taken together, in page order. A generic name (content,
    main, text …) counts only for one element that holds every table.
    """
    tables = [t for t in root.find_all("table") if _is_numeric_table(t)]
    generic = len(_CONTAINERS) - 1
    for rank, names in enumerate(_CONTAINERS):
        found: list[Tag] = []
        for tag in root.find_all(True):
            if not (any(n in names for n in _names(tag)) or (rank == generic and tag.name == "article")):
                continue
            # Generic names also name small widgets: ask those for some substance.
            enough = 20 if rank == generic else 1
            if len(tag.get_text(strip=True)) >= enough or tag.find(["table", "img", "a"]):
                found.append(tag)
        if rank == generic:
            found = [t for t in found if _contains_all(t, tables)]
        # Nested containers of the same kind: the outermost holds the whole article.
        top = [t for t in found if not any(o is not t and _inside(t, o) for o in found)]
        if not top:
            continue
        if rank == generic:
            return top[:1]
        if all(any(_inside(table, t) for t in top) for table in tables):
            return top
    return [root]


def _inside(tag: Tag, outer: Tag) -> bool:
    return any(p is outer for p in tag.parents)


def _contains_all(tag: Tag, tables: list[Tag]) -> bool:
    return all(_inside(t, tag) for t in tables)


def _is_numeric_table(table: Tag) -> bool:
    cells = table.find_all(["td", "th"])
    numeric = sum(1 for c in cells if _NUMERIC_CELL.match(c.get_text(strip=True)))
    return numeric >= 4


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


def _span(tag: Tag, attr: str) -> int:
    value = tag.get(attr)
    if isinstance(value, list):
        value = value[0] if value else None
    m = re.match(r"\s*(\d+)", value or "")
    if not m:
        return 1
    return min(int(m.group(1)), MAX_SPAN)


def _rows(table: Tag) -> list[Tag]:
    """The table's own rows (not those of tables nested in its cells)."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


@dataclass
class _Slot:
    tag: Tag
    row: int
    col: int
    rowspan: int
    colspan: int


def grid(table: Tag) -> tuple[list[_Slot], int, int]:
    """The HTML table model: each cell at the first free grid position of its row, with its spans
    (``rowspan="0"`` and spans past the last row end at the last row)."""
    rows = _rows(table)
    occupied: set[tuple[int, int]] = set()
    slots: list[_Slot] = []
    n_rows = len(rows)
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in occupied:
                c += 1
            rowspan = _span(td, "rowspan")
            if rowspan == 0 or r + rowspan > n_rows:
                rowspan = max(1, n_rows - r)
            colspan = max(1, _span(td, "colspan"))
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied.add((r + dr, c + dc))
            slots.append(_Slot(td, r, c, rowspan, colspan))
            c += colspan
    n_cols = max((s.col + s.colspan for s in slots), default=0)
    return slots, n_rows, n_cols


def _nested_tables(table: Tag) -> list[Tag]:
    """Tables directly nested in this table's cells (not deeper)."""
    return [t for t in table.find_all("table") if t.find_parent("table") is table]


#: A cell with more text than this holds running text: its table lays out a page (a sidebar beside the
#: article), it does not print data. Template cells are short (the longest label has about 40 characters).
LAYOUT_CELL_CHARS = 400


def _is_layout(table: Tag, n_cols: int, texts: Iterable[str] = ()) -> bool:
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

    def flush(self) -> None:
        text = _flow_text(self.buf)
        self.buf = []
        if text:
            self.n_paragraphs += 1
            self.blocks.append(Paragraph(text, {"paragraph": self.n_paragraphs}))

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, Comment):
                    self.buf.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
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

    def link(self, a: Tag) -> None:
        href = a.get("href")
        if isinstance(href, str) and href.strip():
            self.links.append((href.strip(), a.get_text(" ", strip=True) + " " + str(a.get("title") or "")))

    def image(self, img: Tag) -> None:
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

    def table(self, table: Tag) -> None:
        caption = table.find("caption")
        if caption is not None and caption.find_parent("table") is table:
            self.buf.append(caption.get_text(" "))
            self.flush()
            caption.extract()
        slots, _n_rows, n_cols = grid(table)
        if not slots:
            self.walk(table)
            return
        nested = [t for t in _nested_tables(table) if not _is_layout(t, grid(t)[2])]
        skip = {id(t) for t in nested}
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
        for slot, text in zip(slots, texts):
            for a in slot.tag.find_all("a"):
                self.link(a)
            for img in slot.tag.find_all("img"):
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


def cell_text(td: Tag, skip: set[int] | None = None) -> str:
    """A cell's text: ``<br>``, ``<p>`` and other blocks are line breaks, and lines are joined as the
    cell wraps them (no space between Chinese characters); a cell of ``&nbsp;`` only is empty."""
    lines: list[str] = []
    buf: list[str] = []
    skip = skip or set()

    def newline() -> None:
        line = _cell_line("".join(buf))
        buf.clear()
        if line:
            lines.append(line)

    def visit(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, Comment):
                    buf.append(str(child))
            elif isinstance(child, Tag):
                if id(child) in skip:
                    newline()
                    continue
                if child.name == "br":
                    newline()
                elif child.name in _BLOCK or child.name == "table":
                    newline()
                    visit(child)
                    newline()
                else:
                    visit(child)

    visit(td)
    newline()
    return join_wrapped(lines)


# -- metadata and status ---------------------------------------------------------------------------------


def _iso(m: re.Match[str]) -> str | None:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def page_meta(soup: BeautifulSoup) -> dict[str, Any]:
    """``title`` (the page's <title> or the CMS's ArticleTitle) and ``published`` (ISO date) when found."""
    meta: dict[str, Any] = {}
    tags: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or tag.get("itemprop") or "").strip().lower()
        content = tag.get("content")
        if key and isinstance(content, str) and content.strip() and key not in tags:
            tags[key] = content.strip()
    title = next((tags[k] for k in _TITLE_META if k in tags), None)
    if title is None and soup.title is not None:
        title = soup.title.get_text(" ", strip=True)
    if title:
        meta["title"] = _clean_title(title)
    for key in _PUBLISHED_META:
        if key in tags:
            m = _DATE.search(tags[key])
            if m and (iso := _iso(m)):
                meta["published"] = iso
                break
    if "published" not in meta:
        body = soup.body or soup
        m = _PUBLISHED_TEXT.search(_ASCII_WS.sub(" ", body.get_text(" ")))
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
    path = urlsplit(href).path.lower()
    return path.endswith(ATTACHMENT_SUFFIXES)


def _reportish(table: Table) -> bool:
    """A table that prints numbers in a grid (an info box of 索引号/发布日期 is not one)."""
    if table.n_rows < 3 or table.n_cols < 3:
        return False
    return sum(1 for c in table.cells if _NUMERIC_CELL.match(c.text.strip())) >= 4


def extract(data: bytes, fmt: str = "html", name: str = "", options: object = None, **_: object) -> Document:
    """Read an HTML page or fragment into the document model."""
    text, encoding = decode_html(data)
    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception as exc:  # lxml refuses only pathological input
        raise ExtractionError(f"unreadable HTML ({type(exc).__name__}: {exc})") from exc
    meta = page_meta(soup)
    meta["encoding"] = encoding
    base = soup.find("base", href=True)
    base_href = str(base["href"]) if isinstance(base, Tag) else ""
    root: Tag = soup.body or soup
    strip_chrome(root)
    walk = _Walk()
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
        url = urljoin(page_url, src) if page_url.startswith(("http://", "https://")) else src
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
    attachments = [
        (urljoin(base_href, href) if base_href else href, label)
        for href, label in walk.links
        if is_attachment(href)
    ]
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
    images = list(dict.fromkeys(urljoin(base_href, s) if base_href else s for s in walk.images))
    if images:
        doc.meta["images"] = images
        doc.status = "needs_ocr"
        doc.reason = f"the page has no tables, only {len(images)} image(s): its tables are pictures"
