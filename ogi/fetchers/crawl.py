"""Fetching reports into the cache, and crawling an agency's report column for them.

From an index page: follow its pagination, the article links that look like annual reports, the report
file a page only links to (attachment-only pages), and the images of a report page whose tables are
pictures (capped in number and size). Index pages are revalidated on every crawl with a conditional GET,
so a new year's report is found; articles, attachments and images already cached are not downloaded
again unless ``refresh``.

Index pages and articles stay on the index's host (``any_host`` lifts that), redirects included; an
attachment or image linked from a report page is fetched wherever it is hosted, since government sites
often serve files from a separate host and those links lead nowhere further.

Every URL and every link fails alone: a link that is not a URL, a page that cannot be read, a file that
cannot be kept is one error in ``Stats.errors`` (and one ``Fetched`` with its error), never the end of
the fetch. Downloaded pages are read for their links in a child process under the limits ``ogi run``
reads files with (``read_timeout``, ``read_max_memory_mb``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ogi import __version__
from ogi.fetchers.cache import Cache, Entry
from ogi.fetchers.http import HostRule, HttpClient, Response, host_of, join_url, without_fragment
from ogi.fetchers.links import read_index
from ogi.utils.limits import READ_MAX_MEMORY_MB, READ_TIMEOUT, Limited, LimitExceeded
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
    #: picture of a report page is followed. It runs in a child process (so it must be a module-level
    #: function) under the limits ``ogi run`` reads a file with; None for both: in this process, unlimited.
    read_page: Callable[[bytes, str], dict[str, Any]] | None = None
    read_timeout: float | None = READ_TIMEOUT
    read_max_memory_mb: int | None = READ_MAX_MEMORY_MB


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
        read = self.options.read_page
        self._reader = (
            Limited(read, self.options.read_timeout, self.options.read_max_memory_mb) if read else None
        )

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()

    def error(self, url: str, reason: str) -> None:
        """Note a failure that belongs to ``url`` alone."""
        with self._lock:
            self.stats.errors[url] = reason

    # -- one URL -------------------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        role: str,
        referrer: str | None = None,
        revalidate: bool = False,
        max_bytes: int | None = None,
        host_rule: HostRule | None = None,
    ) -> Entry:
        """The cache entry for ``url``: the cached copy, revalidated or downloaded as the options say
        (redirects only where ``host_rule`` allows)."""
        with self._lock:
            done = self._done.get(url)
        if done is not None:
            return done
        try:
            entry = self._fetch(
                url,
                role=role,
                referrer=referrer,
                revalidate=revalidate,
                max_bytes=max_bytes,
                host_rule=host_rule,
            )
        except (OSError, ValueError) as exc:  # the file cannot be kept (disk full, a path outside the cache)
            reason = f"cannot keep it in the cache: {type(exc).__name__}: {exc}"[:300]
            self.error(url, reason)
            entry = Entry(url, error=reason)
        with self._lock:
            self._done[url] = entry
        return entry

    def _fetch(
        self,
        url: str,
        *,
        role: str,
        referrer: str | None,
        revalidate: bool,
        max_bytes: int | None,
        host_rule: HostRule | None,
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
        resp: Response = self.client.get(
            url, etag=etag, last_modified=last_modified, max_bytes=max_bytes, host_rule=host_rule
        )
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
        self.error(url, error)
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

    def report(
        self,
        url: str,
        *,
        referrer: str | None = None,
        depth: int = 1,
        host_rule: HostRule | None = None,
    ) -> list[Fetched]:
        """Fetch a report (page or file). A page that only links to the report file yields that file as a
        source of its own too; the images of a page whose tables are pictures are kept for it.

        Whatever goes wrong fails this report alone: its ``Fetched`` carries the reason."""
        try:
            return self._report(url, referrer, depth, host_rule)
        except Exception as exc:  # a bug or an input nobody foresaw: this URL fails, the fetch goes on
            reason = f"internal error {type(exc).__name__}: {exc}"[:300]
            self.error(url, reason)
            return [Fetched(url, None, reason)]

    def _report(
        self, url: str, referrer: str | None, depth: int, host_rule: HostRule | None
    ) -> list[Fetched]:
        entry = self.fetch(url, role="page", referrer=referrer, host_rule=host_rule)
        path = self.cache.file(url)
        out = [Fetched(url, path, entry.error if path is None else None)]
        with self._lock:
            self.stats.reports.append(url)
        if path is None or depth >= self.options.max_depth:
            return out
        found = self._page_links(url, path, entry)
        base = entry.final_url or url
        if found.get("status") == "attachment_only":
            for href in found.get("attachments", []):
                att = join_url(base, href)
                if att is None or not is_http_url(att):
                    self.error(f"{url} → {href[:100]}", "a link that is not an http(s) URL")
                    continue
                self.fetch(att, role="attachment", referrer=url)
                att_path = self.cache.file(att)
                err = None if att_path is not None else (self.cache.entry(att) or Entry(att)).error
                out.append(Fetched(att, att_path, err))
                with self._lock:
                    self.stats.attachments.append(att)
        elif found.get("status") == "needs_ocr":
            for src in found.get("images", [])[: self.options.max_images]:
                img = join_url(base, src)
                if img is not None and is_http_url(img):
                    self.fetch(img, role="image", referrer=url, max_bytes=self.options.max_image_bytes)
                    with self._lock:
                        self.stats.images.append(img)
        return out

    def _page_links(self, url: str, path: Path, entry: Entry) -> dict[str, Any]:
        """Whether a page only links to its report file or shows its tables as images, and the links: read
        once per page version (remembered by sha256 in the cache), in the reader process. A page that
        cannot be read is still a report source (``ogi run`` says why); the reason is noted."""
        key = f"{__version__}:{entry.sha256}" if entry.sha256 else None
        if key:
            known = self.cache.page_links(key)
            if known is not None:
                return known
        if self._reader is None:
            return {"status": None}
        try:
            found: dict[str, Any] = self._reader(path.read_bytes(), path.name)
        except (LimitExceeded, OSError) as exc:
            self.error(url, f"links not read: {getattr(exc, 'reason', exc)}")
            return {"status": None}
        if key:
            self.cache.remember_page(key, found)
        return found

    # -- a report column -----------------------------------------------------------------------------

    def crawl(self, index_url: str) -> list[Fetched]:
        """Crawl a report column from its first index page; the report sources found, in link order."""
        try:
            index_url = without_fragment(index_url)
        except ValueError as exc:
            self.error(index_url, f"invalid URL ({exc})")
            return []
        host = host_of(index_url)
        stay = None if self.options.any_host else _same_host(host)
        pattern = self.options.pattern
        queue = [index_url]
        seen_pages: set[str] = {index_url}
        articles: list[tuple[str, str]] = []
        seen_articles: set[str] = set()
        pages_read = 0
        while queue and pages_read < self.options.max_pages:
            page_url = queue.pop(0)
            pages_read += 1
            entry = self.fetch(page_url, role="index", referrer=None, revalidate=True, host_rule=stay)
            self.stats.index_pages.append(page_url)
            if page_url in self.stats.downloaded:
                self.stats.index_changed.append(page_url)
            try:
                data = self.cache.read(page_url)
                if data is None:
                    continue
                page = read_index(data, entry.final_url or page_url, _charset(entry.content_type))
            except Exception as exc:  # this index page fails alone
                self.error(page_url, f"index page not read: {type(exc).__name__}: {exc}"[:300])
                continue
            for href in page.bad_links:
                self.error(f"{page_url} → {href[:100]}", "a link that is not a URL")
            for nxt in page.pagination:
                if nxt not in seen_pages and (self.options.any_host or host_of(nxt) == host):
                    seen_pages.add(nxt)
                    queue.append(nxt)
            for link in page.links:
                url = link.url
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
            results = list(
                pool.map(lambda a: self.report(a[0], referrer=a[1], depth=1, host_rule=stay), articles)
            )
        return [f for group in results for f in group]


def _same_host(host: str) -> HostRule:
    """The crawl's host rule: index pages and articles stay on the index page's host."""

    def rule(url: str) -> str | None:
        if host_of(url) == host:
            return None
        return f"off the crawl's host {host} (--any-host lets a crawl leave it)"

    return rule


def _charset(content_type: str | None) -> str | None:
    """The charset of a Content-Type header (what the server says the page is in)."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None
