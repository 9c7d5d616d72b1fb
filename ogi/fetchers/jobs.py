"""A fetch or a crawl over one cache and one client: ``ogi fetch``, ``ogi fetch --crawl`` and ``ogi run URL``."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from ogi.fetchers import http
from ogi.fetchers.cache import Cache
from ogi.fetchers.crawl import CrawlOptions, Fetched, Fetcher, Stats
from ogi.fetchers.http import FetchPolicy, HttpClient, without_fragment

__all__ = ["CrawlOptions", "FetchPolicy", "Fetched", "Stats", "crawl", "fetch_for_run", "fetch_urls"]


@contextmanager
def _fetcher(cache: Path, policy: FetchPolicy | None, options: CrawlOptions | None) -> Iterator[Fetcher]:
    """A fetcher over ``cache`` whose manifest is saved however the work ends (so nothing fetched is lost)."""
    store = Cache(cache)
    with HttpClient(policy or http.DEFAULT_POLICY) as client:
        fetcher = Fetcher(store, client, options)
        try:
            yield fetcher
        finally:
            fetcher.close()
            store.save()


def _key(url: str) -> str:
    """A URL as fetched (cleaned, without fragment); one that cannot be parsed stays as given, to fail."""
    try:
        return without_fragment(url)
    except ValueError:
        return url


def fetch_urls(
    urls: list[str],
    cache: Path,
    *,
    policy: FetchPolicy | None = None,
    options: CrawlOptions | None = None,
) -> tuple[list[Fetched], Stats]:
    """Fetch report URLs into ``cache`` (with the report file of an attachment-only page). Each URL
    succeeds or fails alone (a malformed one gets its ``Fetched`` with the reason)."""
    with _fetcher(cache, policy, options) as fetcher:
        unique = list(dict.fromkeys(_key(u) for u in urls))
        workers = max(1, fetcher.options.workers)
        # In parallel across hosts; the client's per-host gate keeps each host's pace.
        with ThreadPoolExecutor(max_workers=workers) as pool:
            groups = list(pool.map(lambda u: fetcher.report(u, depth=1), unique))
    return [f for group in groups for f in group], fetcher.stats


def crawl(
    index_urls: list[str],
    cache: Path,
    *,
    policy: FetchPolicy | None = None,
    options: CrawlOptions | None = None,
) -> tuple[list[Fetched], Stats]:
    """Crawl report columns from their index pages into ``cache``; each column fails alone."""
    out: list[Fetched] = []
    with _fetcher(cache, policy, options) as fetcher:
        for url in index_urls:
            try:
                out += fetcher.crawl(url)
            except Exception as exc:  # a bug or an input nobody foresaw: this column fails, not the rest
                fetcher.error(url, f"crawl stopped: internal error {type(exc).__name__}: {exc}"[:300])
    return out, fetcher.stats


def fetch_for_run(
    urls: list[str],
    cache: Path,
    options: CrawlOptions | None = None,
    policy: FetchPolicy | None = None,
) -> list[tuple[str, Path | None, str | None]]:
    """For ``ogi run URL …``: fetch into the cache; (url, local file or None, error) per report source.

    An attachment-only page yields itself (its row says ``attachment_only``) and the report file it
    links to, which a researcher wants read as the report. A URL that cannot be fetched yields its error,
    so the run writes a ``failed`` row that says why.
    """
    fetched, _stats = fetch_urls(urls, cache, policy=policy, options=options)
    seen: dict[str, Fetched] = {}
    for f in fetched:
        seen.setdefault(f.url, f)
    return [(f.url, f.path, f.error) for f in seen.values()]
