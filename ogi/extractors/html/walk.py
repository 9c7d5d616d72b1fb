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

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from ogi.extractors.detect import detect
from ogi.extractors.html.chrome import (
    NUMERIC_CELL,
    REPORT_CUE,
    find_containers,
    is_attachment,
    strip_chrome_tree,
)
from ogi.extractors.html.cut import REASON as CUT_REASON
from ogi.extractors.html.cut import ends_inside_table
from ogi.extractors.html.decode import decode_html
from ogi.extractors.html.tree import clean_text, is_plain_page, nearest_table, parse, remove_element, text_of
from ogi.extractors.model import Cell, Document, ExtractionError, Paragraph, Table
from ogi.extractors.textutil import join_wrapped
from ogi.utils.text import CJK_CHARS
from ogi.utils.urls import is_http_url

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


_CJK = CJK_CHARS


_ASCII_WS = re.compile(r"[ \t\n\r\f]+")


_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")


_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


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


_LEADING_NUMBER = re.compile(r"\s*(\d+)")


def _span(tag: etree._Element, attr: str) -> int:
    value = tag.get(attr)
    m = _LEADING_NUMBER.match(value) if value else None
    if not m:
        return 1
    return min(int(m.group(1)), MAX_SPAN)


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not those of tables nested in its cells)."""
    return [tr for tr in table.iterdescendants("tr") if nearest_table(tr) is table]


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
    return [t for t in table.iterdescendants("table") if nearest_table(t) is table]


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


@dataclass
class _Walk:
    blocks: list[Paragraph | Table] = field(default_factory=list)
    buf: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    n_tables: int = 0
    n_paragraphs: int = 0
    heading: int = 0
    #: No string containers in the tree walked (``is_plain_page``).
    plain: bool = False
    #: The table the page was cut short in (``ogi.extractors.html.cut``), and the cell its text stopped
    #: in when that cell was left open (its text may be cut: it is left out).
    cut_table: etree._Element | None = None
    cut_cell: etree._Element | None = None

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
        if caption is not None and nearest_table(caption) is table:
            self.buf.append(text_of(caption, " ", plain=self.plain))
            self.flush()
            remove_element(caption)
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
        cut = table is self.cut_table
        for slot, text in zip(slots, texts):
            if cut and slot.tag is self.cut_cell:
                continue
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
        self.blocks.append(
            Table(cells=cells, locator={"table": number}, geometry=True, damaged=CUT_REASON if cut else None)
        )
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


def _reportish(table: Table) -> bool:
    """A table that prints numbers in a grid (an info box of 索引号/发布日期 is not one)."""
    if table.n_rows < 3 or table.n_cols < 3:
        return False
    return sum(1 for c in table.cells if NUMERIC_CELL.match(c.text.strip())) >= 4


def page_links(data: bytes, name: str = "") -> dict[str, Any]:
    """What a crawler needs of a fetched page: its ``status`` (``attachment_only`` when it only links to
    its report file, ``needs_ocr`` when its tables are pictures, else None) and those ``attachments`` and
    ``images``. A page that is not HTML links to nothing."""
    if detect(data, name) != "html":
        return {"status": None}
    doc = extract(data)
    return {
        "status": doc.status,
        "attachments": list(doc.meta.get("attachments", [])),
        "images": list(doc.meta.get("images", [])),
    }


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
    cut = ends_inside_table(text)
    last_cell = None
    if cut is not None:
        meta["damaged"] = CUT_REASON
        cells = document.xpath("(//td | //th)[last()]")  # the last one in document order
        last_cell = cells[0] if cells else None
    strip_chrome_tree(root)
    walk = _Walk(plain=is_plain_page(root))
    if last_cell is not None:
        walk.cut_table = nearest_table(last_cell)
        # (a page cut inside a ``<td`` tag leaves that cell out of the tree: the last cell found is then
        # an earlier, complete one, and leaving it out too only costs a value)
        walk.cut_cell = last_cell if cut is not None and cut.cell_open else None
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
    from ogi.extractors.ocr import engine as ocr

    given: dict[str, bytes] = dict(getattr(options, "images", None) or {})
    if not ocr.available():
        doc.reason = f"{doc.reason}; {ocr.MISSING}"
        return
    if not given or not getattr(options, "ocr", True):
        return
    from ogi.extractors.ocr.pictures import Picture, read_pictures

    page_url = getattr(options, "page_url", "") or page_url
    pictures = []
    for src in doc.meta.get("images", []):
        url = _joined(page_url, src) if is_http_url(page_url) else src
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


def _joined(base: str, href: str) -> str:
    """``href`` against the page's ``<base>`` (or URL); as printed when either is not a URL (one bad link
    must not fail the page)."""
    if not base:
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return href
