"""The fetchers' pieces: the polite HTTP client, the cache and its manifest, index-page links."""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ogi.fetchers.cache import MANIFEST, Cache, file_name, skipped_paths, urls_by_path
from ogi.fetchers.http import FetchPolicy, HttpClient
from ogi.fetchers.links import create_page_urls, read_index
from ogi.run.inputs import resolve_sources
from tests.cms_site import CmsSite, Route

FAST = FetchPolicy(delay=0, timeout=0.5, retries=2, backoff=0.01, allow_private=True)


@pytest.fixture()
def site():
    s = CmsSite().start()
    yield s
    s.stop()


# -- the client ------------------------------------------------------------------------------------------


def test_retries_5xx_with_backoff_then_succeeds(site: CmsSite) -> None:
    site.page("/flaky.html", "<p>ok</p>", fail_first=2)
    with HttpClient(FAST) as client:
        resp = client.get(site.url("/flaky.html"))
    assert resp.ok and resp.data == b"<p>ok</p>" and site.hits["/flaky.html"] == 3


def test_gives_up_after_the_retries(site: CmsSite) -> None:
    site.page("/down.html", "x", fail_first=10)
    with HttpClient(FAST.with_(retries=1)) as client:
        resp = client.get(site.url("/down.html"))
    assert not resp.ok and resp.status == 500 and "HTTP 500" in (resp.error or "")
    assert site.hits["/down.html"] == 2


def test_timeout_is_retried_and_reported(site: CmsSite) -> None:
    site.page("/slow.html", "late", delay=0.6)
    started = time.monotonic()
    with HttpClient(FAST.with_(timeout=0.2, retries=1)) as client:
        resp = client.get(site.url("/slow.html"))
    assert "timed out" in (resp.error or "") and "2 attempts" in (resp.error or "")
    assert time.monotonic() - started < 2


def test_404_is_not_retried(site: CmsSite) -> None:
    with HttpClient(FAST) as client:
        resp = client.get(site.url("/nothing.html"))
    assert resp.status == 404 and site.hits["/nothing.html"] == 1


def test_size_cap(site: CmsSite) -> None:
    site.file("/big.pdf", b"%PDF-" + b"0" * 5000, "application/pdf")
    with HttpClient(FAST.with_(max_bytes=1000)) as client:
        resp = client.get(site.url("/big.pdf"))
    assert resp.data is None and "too large" in (resp.error or "")


def test_only_http_and_https() -> None:
    with HttpClient(FAST) as client:
        for url in ("ftp://example.org/a.pdf", "file:///etc/passwd", "javascript:alert(1)"):
            assert "not an http(s) URL" in (client.get(url).error or "")


def test_redirects_are_followed_and_the_final_url_kept(site: CmsSite) -> None:
    site.routes["/old.html"] = Route(location="/new.html")
    site.page("/new.html", "<p>new</p>")
    with HttpClient(FAST) as client:
        resp = client.get(site.url("/old.html"))
    assert resp.ok and resp.url == site.url("/old.html") and resp.final_url == site.url("/new.html")


def test_conditional_get(site: CmsSite) -> None:
    site.page("/index.html", "<p>list</p>")
    with HttpClient(FAST) as client:
        first = client.get(site.url("/index.html"))
        again = client.get(site.url("/index.html"), etag=first.headers["etag"])
    assert again.not_modified and again.data is None and site.bodies["/index.html"] == 1


def test_per_host_delay_spaces_requests(site: CmsSite) -> None:
    site.page("/a.html", "a")
    started = time.monotonic()
    with HttpClient(FAST.with_(delay=0.15, respect_robots=False)) as client:
        for _ in range(3):
            assert client.get(site.url("/a.html")).ok
    assert time.monotonic() - started >= 0.29


def test_per_host_concurrency_limit(site: CmsSite) -> None:
    from concurrent.futures import ThreadPoolExecutor

    site.page("/s.html", "s", delay=0.2)
    started = time.monotonic()
    with HttpClient(FAST.with_(per_host=1, respect_robots=False)) as client, ThreadPoolExecutor(4) as pool:
        assert all(r.ok for r in pool.map(client.get, [site.url("/s.html")] * 3))
    assert time.monotonic() - started >= 0.55  # one at a time


def test_robots(site: CmsSite) -> None:
    site.file("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    site.page("/private/a.html", "a")
    with HttpClient(FAST) as client:
        assert "robots.txt" in (client.get(site.url("/private/a.html")).error or "")
    with HttpClient(FAST.with_(respect_robots=False)) as client:
        assert client.get(site.url("/private/a.html")).ok
    assert site.hits["/private/a.html"] == 1


def test_unreadable_robots_means_nothing_is_fetched(site: CmsSite) -> None:
    site.file("/robots.txt", b"", "text/plain", fail_first=10)
    site.page("/a.html", "a")
    with HttpClient(FAST) as client:
        assert "could not be read" in (client.get(site.url("/a.html")).error or "")
    assert site.hits["/a.html"] == 0


# -- the cache -------------------------------------------------------------------------------------------


def test_file_names_are_stable_and_safe() -> None:
    a = file_name("http://www.gov.cn:8080/col/nb/t2023_1.html?id=3", "page", "text/html")
    assert a == file_name("http://www.gov.cn:8080/col/nb/t2023_1.html?id=3", "page", None)
    assert a.startswith("www.gov.cn_8080/") and a.endswith("-t2023_1.html")
    assert file_name("http://h/col/", "index", "text/html").startswith("h/_index/")
    assert file_name("http://h/img/pic", "image", "image/png").endswith("-pic.png")
    assert file_name("http://h/%E5%B9%B4%E6%8A%A5.pdf", "attachment", None).endswith("-年报.pdf")
    assert file_name("http://h/a.html", "page", None) != file_name("http://h/a.html?x", "page", None)


def test_manifest_types_and_round_trip(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.store("http://h/a.html", final_url="http://h/b.html", status=200, content_type="text/html",
                data=b"<p>a</p>", role="page", etag='"x"')  # fmt: skip
    cache.store("http://h/p.png", final_url="http://h/p.png", status=200, content_type="image/png",
                data=b"png", role="image", referrer="http://h/a.html")  # fmt: skip
    cache.failed("http://h/gone.html", error="HTTP 404 Not Found", status=404)
    cache.save()
    table = pq.read_table(tmp_path / MANIFEST)
    assert [(f.name, str(f.type)) for f in table.schema] == [
        ("url", "string"), ("final_url", "string"), ("http_status", "int16"), ("content_type", "string"),
        ("bytes", "int64"), ("sha256", "string"), ("fetched_at", "timestamp[us, tz=UTC]"), ("path", "string"),
        ("referrer", "string"), ("error", "string"),
    ]  # fmt: skip
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))
    again = Cache(tmp_path)
    assert again.read("http://h/a.html") == b"<p>a</p>"
    assert again.etag("http://h/a.html") == ('"x"', None)
    assert again.entry("http://h/gone.html").error == "HTTP 404 Not Found"  # type: ignore[union-attr]
    # A later failure keeps the good copy.
    again.failed("http://h/a.html", error="HTTP 500")
    assert again.file("http://h/a.html") is not None


def test_run_over_the_cache_maps_files_to_urls_and_skips_what_is_not_a_report(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    cache.store("http://h/col/index.html", final_url="http://h/col/index.html", status=200,
                content_type="text/html", data=b"<a>list</a>", role="index")  # fmt: skip
    cache.store("http://h/r.html", final_url="http://h/r.html", status=200, content_type="text/html",
                data=b"<p>r</p>", role="page")  # fmt: skip
    cache.store("http://h/t.png", final_url="http://h/t.png", status=200, content_type="image/png",
                data=b"png", role="image", referrer="http://h/r.html")  # fmt: skip
    cache.save()
    root = (tmp_path / "cache").resolve()
    mapping = urls_by_path(root / "h")
    assert mapping[root / cache.entry("http://h/r.html").path] == "http://h/r.html"  # type: ignore[union-attr]
    assert len(skipped_paths(root)) == 2
    assert [s.source for s in resolve_sources([str(root)])] == ["http://h/r.html"]
    assert [s.source for s in resolve_sources([str(root / "h")])] == ["http://h/r.html"]
    assert [s.source for s in resolve_sources([str(tmp_path)])] == ["http://h/r.html"]
    assert urls_by_path(tmp_path / "elsewhere") == {}


# -- index pages -----------------------------------------------------------------------------------------


def test_create_page_html_variants() -> None:
    base = "http://h/col/nb/index.html"
    assert create_page_urls('createPageHTML(3, 0, "index", "html");', base) == [
        "http://h/col/nb/index.html", "http://h/col/nb/index_1.html", "http://h/col/nb/index_2.html",
    ]  # fmt: skip
    assert create_page_urls("createPageHTML('page_div',2, 1,'list','shtml',35);", base) == [
        "http://h/col/nb/list.shtml", "http://h/col/nb/list_1.shtml",
    ]  # fmt: skip
    assert create_page_urls("createPageHTML(x, y)", base) == []


def test_read_index_finds_pagination_and_articles() -> None:
    html = """<html><body><div class="nav"><a href="/col/nb/index.html">政府信息公开年报</a></div>
      <ul><li><a href="./202301/t1.html" title="某局2022年度政府信息公开工作年度报告">某局2022年度…</a></li>
          <li><a href="/col/nb/202201/t2.html#top">某局2021年报</a></li></ul>
      <div class="page"><a href="index_3.html">3</a><a href="index_1.html">下一页</a>
      <a href="javascript:void(0)">尾页</a></div></body></html>"""
    page = read_index(html.encode(), "http://h/col/nb/index_2.html")
    assert page.pagination == ["http://h/col/nb/index_3.html", "http://h/col/nb/index_1.html"]
    assert [(link.url, link.title) for link in page.links] == [
        ("http://h/col/nb/202301/t1.html", "某局2022年度政府信息公开工作年度报告"),
        ("http://h/col/nb/202201/t2.html", ""),
    ]
