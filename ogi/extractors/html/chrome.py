"""What on a government page is not the report: navigation, share bars, footers, hidden blocks; the article
container; links to attachments. The fetchers' index reader applies the same rules, so they exist once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from ogi.extractors.html.tree import (
    clear_element,
    is_plain_page,
    nearest_table,
    remove_element,
    strings_of,
    text_of,
)

#: Files a report page links to when the report itself is an attachment.
ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd")


#: A page, link or file name that speaks of an annual report (a format-level cue, not the template).
REPORT_CUE = re.compile(r"年度报告|年报|工作报告")


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


NUMERIC_CELL = re.compile(r"^[+\-]?\d[\d,，.]*\s*(?:万元|元|件|条|个|项|%)?$")


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
    return sum(len(s) for s in strings_of(tag, plain)) > 3000


def _is_numeric_table(table: etree._Element, plain: bool = False) -> bool:
    numeric = 0
    for cell in table.iterdescendants("td", "th"):
        if NUMERIC_CELL.match(text_of(cell, strip=True, plain=plain)):
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
        remove_element(tag)
    plain = is_plain_page(root)
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
            table = nearest_table(tag)
            # A class name inside a data table (「<td><span class="top">12</span>」) is not chrome.
            if hidden or table is None or table not in data_tables:
                remove.append(tag)
                _skip_content(tag, elements)
    for tag in clear:
        clear_element(tag)
    for tag in remove:
        remove_element(tag)


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
    plain = is_plain_page(root)
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


def is_attachment(href: str) -> bool:
    try:
        path = urlsplit(href).path.lower()
    except ValueError:  # not a URL (``http://[::1/x``): the link is the fetcher's to report
        return False
    return path.endswith(ATTACHMENT_SUFFIXES)
