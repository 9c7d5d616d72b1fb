"""Fetching reports into the cache, and crawling an agency's report column for them.

From an index page: follow its pagination, the article links that look like annual reports, the report
file a page only links to (attachment-only pages), and the images of a report page whose tables are
pictures (capped in number and size). Index pages are revalidated on every crawl with a conditional GET,
so a new year's report is found; articles, attachments and images already cached are not downloaded
again unless ``refresh``.

Index pages and articles stay on the index's host (``any_host`` lifts that); an attachment or image
linked from a report page is fetched wherever it is hosted, since government sites often serve files
from a separate host and those links lead nowhere further.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from ogi import __version__
from ogi.fetchers.cache import Cache, Entry
from ogi.fetchers.http import HttpClient, Response, host_of, without_fragment
from ogi.fetchers.links import read_index
from ogi.utils.urls import is_http_url


@dataclass
class CrawlOptions:
    #: Link text/title (or URL) of the articles to follow. Default: 年度报告 or 年报 in the text or title,
    #: except notices about reports (``links.NOT_A_REPORT_LINK``).
    pattern: re.Pattern[str] | None = None
    #: Index pages (the first and its pagination) read per crawl.
    max_pages: int = 50
    #: Link hops from the index: 1 = articles, 2 = also their attachments and images.
    max_depth: int = 2
    #: Articles followed per crawl.
    max_reports: int = 2000
    #: Follow index pages and articles on other hosts too.
    any_host: bool = False
    #: Download again what the cache already holds.
    refresh: bool = False
    #: Images kept per report page whose tables are pictures, and the size cap of each.
    max_images: int = 30
    max_image_bytes: int = 10 * 1024 * 1024
    #: Articles fetched in parallel (the per-host limit of the client still applies).
    workers: int = 4
    #: How a fetched page is read for what it links to (``{"status", "attachments", "images"}``: whether
    #: it only links to its report file or shows its tables as pictures). Fetchers know bytes and links,
    #: not documents: the caller hands in the HTML extractor's ``page_links``. Without it no attachment or
    #: picture of a report page is followed.
    read_page: Callable[[bytes, str], dict[str, Any]] | None = None


@dataclass
class Stats:
    """What a fetch or crawl did (for the command's summary and for tests)."""

    index_pages: list[str] = field(default_factory=list)
    index_changed: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    downloaded: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Fetched:
    """A report source the fetch produced: its URL, the cached file (None when it failed) and the error."""

    url: str
    path: Path | None
    error: str | None = None


class Fetcher:
    """Fetches into one cache with one client; shared by ``ogi fetch``, ``ogi run URL`` and the crawl."""

    def __init__(self, cache: Cache, client: HttpClient, options: CrawlOptions | None = None) -> None:
        self.cache = cache
        self.client = client
        self.options = options or CrawlOptions()
        self.stats = Stats()
        self._lock = threading.Lock()
        #: URLs already handled in this run (an attachment linked from two pages is fetched once).
        self._done: dict[str, Entry] = {}

    # -- one URL -------------------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        role: str,
        referrer: str | None = None,
        revalidate: bool = False,
        max_bytes: int | None = None,
    ) -> Entry:
        """The cache entry for ``url``: the cached copy, revalidated or downloaded as the options say."""
        with self._lock:
            done = self._done.get(url)
        if done is not None:
            return done
        entry = self._fetch(url, role=role, referrer=referrer, revalidate=revalidate, max_bytes=max_bytes)
        with self._lock:
            self._done[url] = entry
        return entry

    def _fetch(
        self, url: str, *, role: str, referrer: str | None, revalidate: bool, max_bytes: int | None
    ) -> Entry:
        cached = self.cache.file(url)
        if cached is not None and not self.options.refresh and not revalidate:
            self._note("cached", url)
            entry = self.cache.entry(url)
            assert entry is not None
            return entry
        etag = last_modified = None
        if cached is not None and revalidate and not self.options.refresh:
            etag, last_modified = self.cache.etag(url)
        resp: Response = self.client.get(url, etag=etag, last_modified=last_modified, max_bytes=max_bytes)
        if resp.not_modified and cached is not None:
            self._note("cached", url)
            entry = self.cache.revalidated(url)
            assert entry is not None
            return entry
        if resp.ok and resp.data is not None:
            self._note("downloaded", url)
            return self.cache.store(
                url,
                final_url=resp.final_url,
                status=resp.status or 200,
                content_type=resp.content_type,
                data=resp.data,
                role=role,
                referrer=referrer,
                etag=resp.headers.get("etag"),
                last_modified=resp.headers.get("last-modified"),
            )
        error = resp.error or f"HTTP {resp.status} without content"
        with self._lock:
            self.stats.errors[url] = error
        return self.cache.failed(
            url,
            error=error,
            status=resp.status,
            final_url=resp.final_url,
            content_type=resp.content_type,
            referrer=referrer,
        )

    def _note(self, what: str, url: str) -> None:
        with self._lock:
            getattr(self.stats, what).append(url)

    # -- a report ------------------------------------------------------------------------------------

    def report(self, url: str, *, referrer: str | None = None, depth: int = 1) -> list[Fetched]:
        """Fetch a report (page or file). A page that only links to the report file yields that file as a
        source of its own too; the images of a page whose tables are pictures are kept for it."""
        entry = self.fetch(url, role="page", referrer=referrer)
        path = self.cache.file(url)
        out = [Fetched(url, path, entry.error if path is None else None)]
        with self._lock:
            self.stats.reports.append(url)
        if path is None or depth >= self.options.max_depth:
            return out
        found = self._page_links(path, entry)
        base = entry.final_url or url
        if found.get("status") == "attachment_only":
            for href in found.get("attachments", []):
                att = without_fragment(urljoin(base, href))
                if not is_http_url(att):
                    continue
                self.fetch(att, role="attachment", referrer=url)
                att_path = self.cache.file(att)
                err = None if att_path is not None else (self.cache.entry(att) or Entry(att)).error
                out.append(Fetched(att, att_path, err))
                with self._lock:
                    self.stats.attachments.append(att)
        elif found.get("status") == "needs_ocr":
            for src in found.get("images", [])[: self.options.max_images]:
                img = without_fragment(urljoin(base, src))
                if is_http_url(img):
                    self.fetch(img, role="image", referrer=url, max_bytes=self.options.max_image_bytes)
                    with self._lock:
                        self.stats.images.append(img)
        return out

    def _page_links(self, path: Path, entry: Entry) -> dict[str, Any]:
        """Whether a page only links to its report file or shows its tables as images, and the links: read
        once per page version (remembered by sha256 in the cache)."""
        key = f"{__version__}:{entry.sha256}" if entry.sha256 else None
        if key:
            known = self.cache.page_links(key)
            if known is not None:
                return known
        found: dict[str, Any] = {"status": None}
        if self.options.read_page is not None:
            found = self.options.read_page(path.read_bytes(), path.name)
        if key:
            self.cache.remember_page(key, found)
        return found

    # -- a report column -----------------------------------------------------------------------------

    def crawl(self, index_url: str) -> list[Fetched]:
        """Crawl a report column from its first index page; the report sources found, in link order."""
        index_url = without_fragment(index_url)
        host = host_of(index_url)
        pattern = self.options.pattern
        queue = [index_url]
        seen_pages: set[str] = {index_url}
        articles: list[tuple[str, str]] = []
        seen_articles: set[str] = set()
        pages_read = 0
        while queue and pages_read < self.options.max_pages:
            page_url = queue.pop(0)
            pages_read += 1
            entry = self.fetch(page_url, role="index", referrer=None, revalidate=True)
            self.stats.index_pages.append(page_url)
            if page_url in self.stats.downloaded:
                self.stats.index_changed.append(page_url)
            data = self.cache.read(page_url)
            if data is None:
                continue
            page = read_index(data, entry.final_url or page_url, _charset(entry.content_type))
            for nxt in page.pagination:
                nxt = without_fragment(nxt)
                if nxt not in seen_pages and (self.options.any_host or host_of(nxt) == host):
                    seen_pages.add(nxt)
                    queue.append(nxt)
            for link in page.links:
                url = without_fragment(link.url)
                if url in seen_articles or url in seen_pages or not is_http_url(url):
                    continue
                if not self.options.any_host and host_of(url) != host:
                    continue
                if link.matches(pattern, on_url=True) if pattern is not None else link.is_report():
                    seen_articles.add(url)
                    articles.append((url, page_url))
        articles = articles[: self.options.max_reports]
        if self.options.max_depth < 1:
            return []
        with ThreadPoolExecutor(max_workers=max(1, self.options.workers)) as pool:
            results = list(pool.map(lambda a: self.report(a[0], referrer=a[1], depth=1), articles))
        return [f for group in results for f in group]


def _charset(content_type: str | None) -> str | None:
    """The charset of a Content-Type header (what the server says the page is in)."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None
