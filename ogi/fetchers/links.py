"""Links on an index page of a report column: the articles it lists and the pages that follow it.

Chinese government CMSs paginate a column in a few ways: static files ``index.html``, ``index_1.html`` …
(TRS WCM writes them and prints the pager with a ``createPageHTML(count, current, "index", "html")``
script call), and pager links labelled 下一页/下页. All three are recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from ogi.extractors.html.chrome import is_attachment, strip_chrome_tree
from ogi.extractors.html.decode import decode_html
from ogi.extractors.html.tree import parse
from ogi.fetchers.http import join_url

#: Link text (or title) of an article that is an annual report, unless ``--pattern`` says otherwise.
REPORT_LINK = re.compile(r"年度报告|年报")
#: Link texts that name a report but are about reports: the notices that ask agencies to write them
#: (「关于做好2023年度政府信息公开工作年度报告编制发布工作的通知」), the template, assessments.
NOT_A_REPORT_LINK = re.compile(r"通知|通报|工作要点|模板|格式|培训|考核|评估|评议|编制发布")
_NEXT = re.compile(r"^(?:下一页|下页|后一页|后页|next|next\s*page|›|»|>|>>)$", re.IGNORECASE)
_PAGE_FILE = re.compile(r"^(?:index|default|list|more)_\d+\.(?:s?html?|jsp|aspx?|php)$", re.IGNORECASE)
_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^()]*)\)")


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    title: str = ""

    def matches(self, pattern: re.Pattern[str], on_url: bool = False) -> bool:
        if pattern.search(self.text) or pattern.search(self.title):
            return True
        return on_url and bool(pattern.search(self.url))

    def is_report(self) -> bool:
        """The default test: 年度报告/年报 in the link text or title, and not a notice about reports."""
        text = f"{self.text} {self.title}"
        return bool(REPORT_LINK.search(text)) and not NOT_A_REPORT_LINK.search(text)


@dataclass
class IndexPage:
    links: list[Link] = field(default_factory=list)
    pagination: list[str] = field(default_factory=list)
    #: hrefs that are not URLs (``http://[::1/x``): left out, each noted.
    bad_links: list[str] = field(default_factory=list)


def _split_args(args: str) -> list[str]:
    return [a.strip().strip("'\"").strip() for a in args.split(",")]


def create_page_urls(script: str, base_url: str) -> list[str]:
    """The pages a ``createPageHTML(...)`` call describes (TRS WCM): page 0 is ``index.html``, page k is
    ``index_k.html``. Variants put an element id first or a record count last; the first two integers are
    the page count and the current page, the two strings after them the file prefix and suffix."""
    out: list[str] = []
    for m in _CREATE_PAGE.finditer(script):
        args = _split_args(m.group(1))
        ints = [(i, int(a)) for i, a in enumerate(args) if a.isdigit()]
        if len(ints) < 2:
            continue
        count = ints[0][1]
        after = [a for a in args[ints[1][0] + 1 :] if a and not a.isdigit()]
        prefix = after[0] if after else "index"
        suffix = after[1] if len(after) > 1 else "html"
        if not re.fullmatch(r"[\w\-]+", prefix) or not re.fullmatch(r"\w+", suffix):
            continue
        for k in range(min(count, 1000)):
            name = f"{prefix}.{suffix}" if k == 0 else f"{prefix}_{k}.{suffix}"
            out.append(urljoin(base_url, name))
    return out


def read_index(data: bytes, base_url: str, charset: str | None = None) -> IndexPage:
    """The links of an index page, absolute, without fragments, in page order (``http.join_url``)."""
    text, _enc = decode_html(data, charset)
    soup = BeautifulSoup(text, "lxml")
    base = soup.find("base", href=True)
    if isinstance(base, Tag):
        base_url = join_url(base_url, str(base["href"])) or base_url
    page = IndexPage()
    seen_pages: set[str] = set()

    def add_page(found: str) -> None:
        url = join_url(base_url, found)
        if url is None:
            page.bad_links.append(found)
        elif url not in seen_pages:
            seen_pages.add(url)
            page.pagination.append(url)

    for script in soup.find_all("script"):
        for url in create_page_urls(script.get_text(), base_url):
            add_page(url)
    here = urlsplit(base_url)
    directory = here.path.rsplit("/", 1)[0]
    pager_anchors: set[int] = set()
    for a in soup.find_all("a", href=True):
        label = a.get_text(" ", strip=True)
        joined = join_url(base_url, str(a["href"]))
        if joined is None:
            continue  # (noted below, with the article links)
        url = joined
        parts = urlsplit(url)
        same_dir = parts.netloc == here.netloc.lower() and parts.path.rsplit("/", 1)[0] == directory
        name = parts.path.rsplit("/", 1)[-1]
        if _NEXT.match(label) or (same_dir and _PAGE_FILE.match(name) and not is_attachment(url)):
            if parts.scheme in ("http", "https"):
                add_page(url)
            pager_anchors.add(id(a))
    # Article links come from the page without its navigation, header and footer: a menu entry such as
    # 「政府信息公开年报」 is another column, not a report. Which anchors those are is decided by the
    # extractor's chrome rules on its own tree of the same page, so the rules exist once; the anchors of
    # both trees come in document order, so they pair up one to one.
    anchors = [a for a in soup.find_all("a", href=True) if isinstance(a, Tag)]
    body_hrefs = _body_hrefs(text)
    for a in anchors:
        if id(a) in pager_anchors:
            continue
        href = str(a["href"]).strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        if not body_hrefs.get(href):
            continue
        body_hrefs[href] -= 1
        article = join_url(base_url, href)
        if article is None:
            page.bad_links.append(href)
            continue
        label = a.get_text(" ", strip=True)
        title = str(a.get("title") or "").strip()
        page.links.append(Link(article, label, title))
    return page


def _body_hrefs(text: str) -> dict[str, int]:
    """How many anchors with each href the page keeps once its chrome is stripped."""
    root = parse(text)
    strip_chrome_tree(root)
    counts: dict[str, int] = {}
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if href:
            counts[href] = counts.get(href, 0) + 1
    return counts
