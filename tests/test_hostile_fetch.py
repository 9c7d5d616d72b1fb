"""Hostile input to the fetchers and the HTML reader (issue 15, "Fetching and crawling"): one bad character,
link or URL fails alone; table grids, downloads and redirects are bounded; the cache stays in its folder.

Every server here is started by the test on 127.0.0.1 and stops with it; the client is allowed private
addresses only where a test says so (``LOCAL``).
"""

from __future__ import annotations

import contextlib
import importlib
import resource
import socket
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ogi.cli import main
from ogi.extractors import ExtractionError
from ogi.extractors.html.tree import parse
from ogi.extractors.html.walk import MAX_GRID_AREA, extract, grid, page_links
from ogi.fetchers import http
from ogi.fetchers.cache import Cache, Entry, file_name
from ogi.fetchers.crawl import CrawlOptions, Fetcher
from ogi.fetchers.http import (
    FetchPolicy,
    HttpClient,
    Response,
    host_of,
    is_http_url,
    is_public_address,
    join_url,
    url_problem,
)
from ogi.fetchers.jobs import crawl, fetch_urls
from ogi.fetchers.links import read_index
from ogi.run.options import RunOptions
from ogi.run.pipeline import run
from ogi.utils.limits import Limited, LimitExceeded
from tests.cms_site import CmsSite, Route, cms_page, index_page, report_body
from tests.sandbox_calls import allocate, crash, fail, sleep_for, slow_page

#: A fast client allowed to fetch from this machine (the test servers are on 127.0.0.1).
LOCAL = FetchPolicy(delay=0, timeout=2, retries=0, backoff=0.01, allow_private=True)
FAST = ["--delay", "0", "--timeout", "2", "--retries", "0", "--allow-private"]
RUN_FAST = ["--delay", "0", "--fetch-timeout", "2", "--retries", "0", "--allow-private"]


def reports_of(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "reports.parquet").set_index("source")


REPORT_TITLE = "某县统计局2023年度政府信息公开工作年度报告"


# -- 1. a control character after an element the extractor removes ---------------------------------------


@pytest.mark.parametrize(
    ("control", "read"),
    [
        ("\x0b", "全年主动公开信息 120条。"),
        ("\x0c", "全年主动公开信息 120条。"),
        ("\x01", "全年主动公开信息120条。"),
        ("\x1f", "全年主动公开信息120条。"),
    ],
)
def test_a_control_character_after_a_removed_element_is_taken_out(control: str, read: str) -> None:
    """Controls that stand for a line break read as one (a space between words); the others are taken out
    (``ogi.utils.text.strip_controls``, the one rule for every format)."""
    page = (
        f"<html><head><title>{REPORT_TITLE}</title></head><body>"
        f'<div class="nav"><a href="/">首页</a></div>{control}<p>全年主动公开信息{control}120条。</p>'
        f"<script>var a = 1;</script>{control}尾注"
        '<ul><li><a href="/nb/2023.html">2023年度报告</a></li></ul></body></html>'
    ).encode()
    doc = extract(page)
    texts = [p.text for p in doc.paragraphs]
    assert read in texts and "尾注" in texts
    index = read_index(page, "http://h/nb/index.html")
    assert [link.url for link in index.links] == ["http://h/nb/2023.html"]


_PIECES = st.sampled_from(
    ["<p>", "</p>", '<div class="nav">', "</div>", "<script>x</script>", "<table><tr><td>", "</td></tr>",
     '<td rowspan="0" colspan="1000">', "<br>", "<!DOCTYPE html>", '<a href="', '">', "</a>", "http://[::1/",
     "年度报告", "12", " ", "&nbsp;", "<base href='http://[::1/'>"]
)  # fmt: skip
_CONTROLS = st.sampled_from([chr(i) for i in range(32)] + ["\x7f", "\ufffe", "\ud7ff"])


@given(st.lists(st.one_of(_PIECES, _CONTROLS, st.text(max_size=5)), max_size=40))
@settings(max_examples=200)
def test_no_page_makes_the_reader_or_the_link_reader_raise(parts: list[str]) -> None:
    page = "".join(parts)
    for data in (page.encode("utf-8", "surrogatepass"), page.encode("gb18030", "replace")):
        with contextlib.suppress(ExtractionError):  # a refusal in one line is fine; nothing else is
            extract(data)
        index = read_index(data, "http://h/nb/index.html")
        assert all(is_http_url(u) for u in index.pagination)


@given(st.text(max_size=30), st.text(max_size=30))
def test_urls_and_links_never_raise(base: str, href: str) -> None:
    joined = join_url("http://h/nb/" + base, href)
    assert joined is None or isinstance(joined, str)
    assert url_problem(href) is None or url_problem(href)
    host_of(href)


@pytest.mark.parametrize("seed", [1, 6])
def test_a_generated_page_with_words_manual_line_breaks_reads_back(seed: int) -> None:
    """The generator's ``word_line_breaks`` page variant (``\\x0b`` after paragraphs, cell lines and the
    site chrome): every cell read as generated (before: the page failed with lxml's ValueError)."""
    from tests.generators import html as html_gen
    from tests.generators.report import generate
    from tests.test_generated import _check

    rep = generate(seed)
    data, expected = html_gen.render(rep, f"wlb-{seed}")
    assert "word_line_breaks" in expected["variants"] and b"\x0b" in data
    _check(rep, data, expected)


# -- 2. table grids are bounded ------------------------------------------------------------------------------


def _huge_span_page(rows: int = 300, per_row: int = 3) -> bytes:
    cells = '<td rowspan="1000" colspan="1000">1</td>' * per_row
    body = "".join(f"<tr>{cells}</tr>" for _ in range(rows))
    return f"<html><body><p>{REPORT_TITLE}</p><table>{body}</table></body></html>".encode()


def test_a_table_of_huge_spans_is_not_laid_out() -> None:
    page = _huge_span_page()
    assert len(page) < 40_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    doc = extract(page)
    assert time.monotonic() - started < 10
    # (ru_maxrss is in KB; the unbounded grid took more than 5 GB)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 300_000
    assert doc.tables == []  # not read as a grid; its text is running text
    assert sum(p.text == "1" for p in doc.paragraphs) == 900


def test_the_grid_area_cap_keeps_real_tables() -> None:
    # A full-width row (colspan=100) in a table of a few columns is common and stays a grid.
    rows = '<tr><td colspan="100">表三</td></tr>' + "<tr><td>a</td><td>1</td><td>2</td></tr>" * 40
    table = next(parse(f"<table>{rows}</table>").iter("table"))
    slots, n_rows, n_cols = grid(table)
    assert (n_rows, n_cols) == (41, 100) and len(slots) == 121
    too_wide = next(parse(f'<table><tr><td colspan="1000">x</td></tr>{rows * 13}</table>').iter("table"))
    assert grid(too_wide)[0] == [] and MAX_GRID_AREA < 1000 * 534


# -- servers -------------------------------------------------------------------------------------------------


@pytest.fixture()
def site():
    s = CmsSite().start()
    yield s
    s.stop()


@pytest.fixture()
def other_site():
    s = CmsSite().start()
    yield s
    s.stop()


class Trickler:
    """A server on 127.0.0.1 that answers every connection a byte at a time, ``every`` seconds apart,
    for at most ``seconds`` (then it closes); ``headers=False`` trickles the status line and headers
    too. It stops with the test."""

    def __init__(self, every: float = 0.1, seconds: float = 20.0, headers: bool = True) -> None:
        self.every, self.seconds, self.headers = every, seconds, headers
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/slow.html"

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
        end = time.monotonic() + self.seconds
        with conn:
            try:
                conn.recv(65536)
                if self.headers:
                    conn.sendall(head)
                    head = b""
                data = head + b"<p>" + b"x" * 100_000
                for i in range(len(data)):
                    if self.stopped.is_set() or time.monotonic() > end:
                        return
                    conn.sendall(data[i : i + 1])
                    time.sleep(self.every)
            except OSError:
                return

    def stop(self) -> None:
        self.stopped.set()
        self.sock.close()
        self.thread.join(2)


@pytest.fixture()
def trickler():
    t = Trickler()
    yield t
    t.stop()


@pytest.fixture()
def trickling_headers():
    t = Trickler(headers=False)
    yield t
    t.stop()


# -- 3. a wall-clock deadline per request --------------------------------------------------------------------


@pytest.mark.parametrize("server", ["trickler", "trickling_headers"])
def test_a_trickling_server_is_cut_off_at_the_deadline(server: str, request: pytest.FixtureRequest) -> None:
    slow: Trickler = request.getfixturevalue(server)
    started = time.monotonic()
    with HttpClient(LOCAL.with_(timeout=5, deadline=1.0, retries=2, respect_robots=False)) as client:
        resp = client.get(slow.url)
    elapsed = time.monotonic() - started
    assert resp.data is None and "deadline (1 s)" in (resp.error or "")
    assert elapsed < 4  # one attempt (a retry would trickle again), cut at the deadline (else 20 s)


def test_the_deadline_is_an_option_of_fetch_and_of_run(trickler: Trickler, tmp_path: Path) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(
        main,
        ["fetch", trickler.url, "--cache", str(tmp_path / "c"), "--deadline", "1", "--ignore-robots", *FAST],
    )
    assert result.exit_code == 1 and "took longer than the deadline (1 s)" in result.output
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["run", trickler.url, "--cache", str(tmp_path / "c"), "--out", str(out), "-q", "--jobs", "1",
         "--deadline", "1", "--ignore-robots", *RUN_FAST],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "deadline" in reports_of(out).loc[trickler.url, "error"]
    assert time.monotonic() - started < 15  # (the server trickles for 20 s a request)


def test_deadline_and_timeouts_must_be_positive(tmp_path: Path) -> None:
    for option in ("--deadline", "--timeout"):
        result = CliRunner().invoke(main, ["fetch", "http://example.org/", option, "0"])
        assert result.exit_code == 2 and option in result.output
    result = CliRunner().invoke(main, ["run", "http://example.org/", "--fetch-timeout", "-1"])
    assert result.exit_code == 2


# -- 4. redirects are followed by hand -----------------------------------------------------------------------


def test_a_redirect_into_a_robots_disallowed_path_is_refused(site: CmsSite) -> None:
    site.file("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    site.routes["/open.html"] = Route(location="/private/x.html")
    site.page("/private/x.html", "secret")
    with HttpClient(LOCAL) as client:
        resp = client.get(site.url("/open.html"))
    assert resp.data is None and "robots.txt" in (resp.error or "")
    assert "redirected to" in (resp.error or "") and site.hits["/private/x.html"] == 0


def test_every_hop_waits_for_its_hosts_gate(site: CmsSite) -> None:
    site.routes["/r1.html"] = Route(location="/r2.html")
    site.routes["/r2.html"] = Route(location="/r3.html")
    site.page("/r3.html", "<p>here</p>")
    started = time.monotonic()
    with HttpClient(LOCAL.with_(delay=0.3, respect_robots=False)) as client:
        resp = client.get(site.url("/r1.html"))
    assert resp.ok and resp.final_url == site.url("/r3.html")
    assert time.monotonic() - started >= 0.55  # three requests, 0.3 s apart


def test_redirect_loops_end(site: CmsSite) -> None:
    site.routes["/a.html"] = Route(location="/b.html")
    site.routes["/b.html"] = Route(location="/a.html")
    with HttpClient(LOCAL.with_(respect_robots=False)) as client:
        resp = client.get(site.url("/a.html"))
    assert resp.error == "too many redirects" and site.hits["/a.html"] <= 6


def test_a_redirect_to_an_invalid_url_fails_alone(site: CmsSite) -> None:
    site.routes["/bad.html"] = Route(location="http://[::1/x")
    with HttpClient(LOCAL.with_(respect_robots=False)) as client:
        resp = client.get(site.url("/bad.html"))
    assert "invalid URL" in (resp.error or "")


def test_private_addresses_are_refused_unless_allowed(site: CmsSite) -> None:
    site.page("/a.html", "a")
    with HttpClient(FetchPolicy(delay=0, retries=0)) as client:
        resp = client.get(site.url("/a.html"))
    assert resp.data is None and "refused" in (resp.error or "") and "--allow-private" in (resp.error or "")
    assert site.hits["/a.html"] == 0 and site.hits["/robots.txt"] == 0  # nothing was asked of it
    for address in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1",
                    "fe80::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0", "100.64.0.1"):  # fmt: skip
        assert not is_public_address(address), address
    assert is_public_address("202.96.134.133") and is_public_address("2400:3200::1")


def test_a_name_is_checked_after_it_is_resolved(site: CmsSite) -> None:
    site.page("/a.html", "a")
    port = site.url("/").split(":")[-1].rstrip("/")
    with HttpClient(FetchPolicy(delay=0, retries=0)) as client:
        resp = client.get(f"http://localhost:{port}/a.html")
    assert "refused: localhost is at a private" in (resp.error or "") and site.hits["/a.html"] == 0


def test_the_address_connected_to_is_checked_too(site: CmsSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name that resolves to a public address when checked and to a private one when connected to
    (DNS rebinding): the answer is refused before its body is read."""
    site.page("/a.html", "secret")
    monkeypatch.setattr(HttpClient, "address_block", lambda self, url: None)
    with HttpClient(FetchPolicy(delay=0, retries=0, respect_robots=False)) as client:
        resp = client.get(site.url("/a.html"))
    assert resp.data is None and "refused" in (resp.error or "") and "127.0.0.1" in (resp.error or "")


def test_a_redirect_into_a_private_address_is_refused(site: CmsSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every hop is checked after its name is resolved: here 127.0.0.1 stands for a public server and
    127.0.0.2 for the private network it redirects into."""
    monkeypatch.setattr(http, "is_public_address", lambda address: address != "127.0.0.2")
    site.routes["/go.html"] = Route(location="http://127.0.0.2:9/admin")  # (refused before connecting)
    with HttpClient(FetchPolicy(delay=0, retries=0, respect_robots=False)) as client:
        resp = client.get(site.url("/go.html"))
    assert site.hits["/go.html"] == 1
    assert "refused" in (resp.error or "") and "127.0.0.2" in (resp.error or "")


def test_a_crawl_does_not_follow_a_redirect_off_its_host(
    site: CmsSite, other_site: CmsSite, tmp_path: Path
) -> None:
    other_site.page("/elsewhere.html", cms_page(REPORT_TITLE, report_body()))
    site.routes["/nb/moved.html"] = Route(location=other_site.url("/elsewhere.html"))
    site.page("/nb/index.html", index_page("年报", [("/nb/moved.html", REPORT_TITLE)]))
    found, stats = crawl([site.url("/nb/index.html")], tmp_path / "cache", policy=LOCAL)
    assert other_site.hits["/elsewhere.html"] == 0
    assert "off the crawl's host" in stats.errors[site.url("/nb/moved.html")]
    assert [f.path for f in found] == [None]
    # --any-host lets it go.
    found, stats = crawl(
        [site.url("/nb/index.html")], tmp_path / "cache2", policy=LOCAL, options=CrawlOptions(any_host=True)
    )
    assert other_site.hits["/elsewhere.html"] == 1 and found[0].path is not None


# -- 1. every URL and every link fails alone -------------------------------------------------------------

BAD_URLS = ["http://[::1/x", "http://h/a\x01b.html", "http://h:99999/x.html", "http://"]


def test_fetch_urls_keeps_the_good_ones(site: CmsSite, tmp_path: Path) -> None:
    site.page("/good.html", cms_page(REPORT_TITLE, report_body()))
    found, _stats = fetch_urls([*BAD_URLS, site.url("/good.html")], tmp_path / "cache", policy=LOCAL)
    by_url = {f.url: f for f in found}
    assert by_url[site.url("/good.html")].path is not None
    bad = [f for f in found if f.url != site.url("/good.html")]
    assert len(bad) == len(BAD_URLS) and all(f.path is None and f.error for f in bad)
    assert any("invalid URL" in (f.error or "") for f in bad)


def test_run_with_one_bad_url_keeps_the_good_one(site: CmsSite, tmp_path: Path) -> None:
    site.page("/good.html", cms_page(REPORT_TITLE, report_body()))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["run", "http://[::1/x", site.url("/good.html"), "--cache", str(tmp_path / "cache"),
         "--out", str(out), "-q", "--jobs", "1", *RUN_FAST],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    reports = reports_of(out)
    assert reports.loc[site.url("/good.html"), "status"] == "ok"
    assert reports.loc["http://[::1/x", "status"] == "failed"
    assert "invalid URL" in reports.loc["http://[::1/x", "error"]


def test_a_crawl_leaves_bad_links_and_reads_the_rest(site: CmsSite, tmp_path: Path) -> None:
    att = "/nb/att.html"
    site.page(
        att,
        cms_page(
            REPORT_TITLE,
            "<p>全文详见附件。</p><p>附件：<a href='http://[::1/r.pdf'>年度报告.pdf</a>"
            "<a href='/f/r.docx'>年度报告.docx</a></p>",
        ),
    )
    site.file("/f/r.docx", b"PK docx bytes", "application/octet-stream")
    site.page("/nb/good.html", "\x0b".join(cms_page(REPORT_TITLE, report_body()).split("</div>")))
    links = [("http://[::1/nb/x.html", "2022年度报告"), ("/nb/a\x01b.html", "2021年度报告"),
             ("/nb/good.html", REPORT_TITLE), (att, "某局2021年度报告")]  # fmt: skip
    page = index_page("年报", links, '<a href="http://[::1/index_1.html">下一页</a>')
    site.page("/nb/index.html", page.replace("</li>", "</li>\x0b"))
    options = CrawlOptions(read_page=page_links)
    found, stats = crawl([site.url("/nb/index.html")], tmp_path / "cache", policy=LOCAL, options=options)
    got = {f.url: f for f in found}
    assert got[site.url("/nb/good.html")].path is not None
    assert got[site.url("/f/r.docx")].path is not None
    assert site.hits["/nb/ab.html"] == 1  # a control character in an href is taken out (strip_controls)
    assert any("http://[::1/nb/x.html" in key for key in stats.errors)


def test_malformed_urls_on_the_command_line_fail_alone(site: CmsSite, tmp_path: Path) -> None:
    site.page("/good.html", "<p>ok</p>")
    result = CliRunner().invoke(
        main, ["fetch", "http://[::1/x", site.url("/good.html"), "--cache", str(tmp_path / "c"), *FAST]
    )
    assert result.exit_code == 0, result.output
    assert "failed: http://[::1/x: invalid URL" in result.output
    result = CliRunner().invoke(
        main,
        ["fetch", "--crawl", "http://[::1/x", site.url("/good.html"), "--cache", str(tmp_path / "c"), *FAST],
    )
    assert result.exit_code == 0 and "failed: http://[::1/x: invalid URL" in result.output
    result = CliRunner().invoke(main, ["fetch", "ftp://h/x", "--cache", str(tmp_path / "c")])
    assert result.exit_code == 2 and "not an http(s) URL" in result.output


# -- 2. pages are read for their links under limits -------------------------------------------------------


def test_a_limited_call_past_its_time_or_memory_is_stopped() -> None:
    limited = Limited(sleep_for, timeout=0.5, max_memory_mb=None)
    try:
        started = time.monotonic()
        with pytest.raises(LimitExceeded, match=r"timed out after 0\.5 s"):
            limited(30)
        assert time.monotonic() - started < 10
        assert limited(0) == "woke"  # a fresh reader took over
    finally:
        limited.close()
    limited = Limited(crash, timeout=20, max_memory_mb=None)
    try:
        with pytest.raises(LimitExceeded, match="crashed"):
            limited()
        with pytest.raises(LimitExceeded, match="RuntimeError: a reader bug"):
            Limited(fail, timeout=None, max_memory_mb=None)()
    finally:
        limited.close()
    limited = Limited(allocate, timeout=20, max_memory_mb=150)
    try:
        with pytest.raises(LimitExceeded, match="over the memory limit"):
            limited(400)
    finally:
        limited.close()


def test_fetched_pages_are_read_under_the_runs_limits(
    site: CmsSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given: list[tuple[float | None, int | None]] = []

    class Recording(Limited):
        def __init__(self, fn, timeout, max_memory_mb):  # type: ignore[no-untyped-def]
            given.append((timeout, max_memory_mb))
            super().__init__(fn, timeout, max_memory_mb)

    monkeypatch.setattr(importlib.import_module("ogi.fetchers.crawl"), "Limited", Recording)
    site.page("/good.html", cms_page(REPORT_TITLE, report_body()))
    run([site.url("/good.html")], RunOptions(out=tmp_path / "out", cache=tmp_path / "c", jobs=1,
        timeout=123, max_memory_mb=456, fetch_policy=LOCAL))  # fmt: skip
    assert given == [(123, 456)]


def test_a_page_past_the_read_limit_is_still_a_report_source(site: CmsSite, tmp_path: Path) -> None:
    site.file("/good.html", _huge_span_page(rows=1500), "text/html")
    options = CrawlOptions(read_page=slow_page, read_timeout=0.5)  # a reader that takes 30 s
    found, stats = fetch_urls([site.url("/good.html")], tmp_path / "cache", policy=LOCAL, options=options)
    assert found[0].path is not None
    assert "links not read: timed out" in stats.errors[site.url("/good.html")]


# -- 5. the cache stays in its folder ---------------------------------------------------------------------


class _Stub:
    """A client that answers every URL with a page (as a proxy would, whatever the host)."""

    policy = LOCAL

    def get(self, url: str, **_: object) -> Response:
        return Response(url, url, 200, "text/html", b"<p>x</p>")


@pytest.mark.parametrize("url", ["http://../x.html", "http://.../x.html", "http://./x", "http://..:80/a"])
def test_a_host_of_dots_stays_inside_the_cache(url: str, tmp_path: Path) -> None:
    root = tmp_path / "cache"
    rel = file_name(url, "page", "text/html")
    assert (root / rel).resolve().is_relative_to(root.resolve())
    fetcher = Fetcher(Cache(root), _Stub(), CrawlOptions(max_depth=1))  # type: ignore[arg-type]
    [fetched] = fetcher.report(url)
    fetcher.close()
    assert fetched.path is not None and fetched.path.resolve().is_relative_to(root.resolve())
    assert list(tmp_path.iterdir()) == [root]


def test_a_manifest_path_outside_the_cache_is_never_read_or_written(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    outside = tmp_path / "secret.html"
    outside.write_bytes(b"secret")
    cache = Cache(root)
    cache.entries["http://h/a.html"] = Entry("http://h/a.html", path="../secret.html", sha256="0")
    assert cache.file("http://h/a.html") is None and cache.read("http://h/a.html") is None
    with pytest.raises(ValueError, match="outside the cache"):
        cache.store("http://h/a.html", final_url="http://h/a.html", status=200, content_type="text/html",
                    data=b"new", role="page")  # fmt: skip
    assert outside.read_bytes() == b"secret"


# -- 11. a URL list in GBK or UTF-16 ---------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "gbk", "utf-8-sig", "utf-8"])
def test_a_url_list_in_gbk_or_utf16_is_read(encoding: str, site: CmsSite, tmp_path: Path) -> None:
    path = "/nb/2023年度报告.html"
    site.routes["/nb/2023%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.html"] = Route(body=b"<p>ok</p>")
    urls = tmp_path / "urls.txt"
    urls.write_bytes(f"# 年报\r\n{site.url(path)}\r\n".encode(encoding))
    result = CliRunner().invoke(main, ["fetch", "--urls", str(urls), "--cache", str(tmp_path / "c"), *FAST])
    assert result.exit_code == 0, result.output
    assert site.bodies["/nb/2023%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.html"] == 1


def test_a_url_list_that_is_not_text_is_refused_in_one_line(tmp_path: Path) -> None:
    urls = tmp_path / "urls.bin"
    urls.write_bytes(b"\x00\x01\x02\xff\xfe\x00http://h/\x00" * 10)
    for command in ("fetch", "run"):
        result = CliRunner().invoke(main, [command, "--urls", str(urls), "--cache", str(tmp_path / "c")])
        assert result.exit_code == 1 and result.exception is not None
        assert result.output.strip().splitlines() == [
            f"Error: --urls: {urls} is not text in UTF-8, UTF-16 (with its BOM) or GBK"
        ]
