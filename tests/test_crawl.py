"""End to end: a local imitation of a government CMS, ``ogi fetch --crawl``, then ``ogi run`` over the cache.

The site (127.0.0.1 only) has a report column paginated three ways (createPageHTML, index_N.html links,
下一页), report articles with tables (上海 2019 in a CMS page, 嘉兴 2022 as HTML, a GBK page), a report
published only as a Word attachment, a report whose tables are images, a notice that is not a report, a
404, a 500 that succeeds on retry, a slow endpoint past the timeout, a redirect, a robots.txt-disallowed
page and an off-host link.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ogi.cli import main
from ogi.run.options import RunOptions
from ogi.run.pipeline import run
from tests.cms_site import (
    FIXTURES,
    JIAXING_TITLE,
    SHANGHAI,
    CmsSite,
    Route,
    cms_page,
    create_page_html,
    index_page,
    jiaxing_body,
    report_body,
)

#: A fast client, allowed to fetch from this machine (the site is on 127.0.0.1).
FAST = ["--delay", "0", "--timeout", "0.5", "--retries", "1", "--backoff", "0.05", "--allow-private"]
#: The same for ``ogi run URL`` (its ``--timeout`` limits reading a file).
RUN_FAST = ["--delay", "0", "--fetch-timeout", "0.5", "--retries", "0", "--allow-private"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000

SH = "/col/nb/202001/t20200131_sh.html"
JX = "/col/nb/202301/t20230120_jx.html"
GBK = "/col/nb/old/t20230115_gbk.html"
FLAKY = "/col/nb/202201/flaky.html"
SLOW = "/col/nb/slow.html"
MOVED = "/col/nb/moved.html"
MOVED_TO = "/col/nb/2021/t20210125_moved.html"
ATT = "/col/nb/202201/t20220128_att.html"
DOCX = "/files/2021report.docx"
IMG = "/col/nb/202101/t20210130_img.html"
NOTICE = "/col/nb/notice.html"
MISSING = "/col/nb/missing.html"
PRIVATE = "/private/t2017.html"
NEW = "/col/nb/202401/t20240125_new.html"


def other_report(agency: str, year: int, penalty: int) -> str:
    """A distinct 2021-format report page (its own agency, so its bytes differ from the others)."""
    title = f"{agency}{year}年度政府信息公开工作年度报告"
    body = report_body(title, agency, year, t2={"art20_6.admin_penalty.decisions": penalty})
    return cms_page(title, body, published=f"{year + 1}-01-20")


def build_site() -> CmsSite:
    site = CmsSite()
    site.file("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    shanghai = SHANGHAI.read_text(encoding="utf-8")
    site.page(
        SH, cms_page("2019年上海市人民政府办公厅政府信息公开工作年度报告", shanghai, published="2020-01-31")
    )
    site.page(JX, cms_page(JIAXING_TITLE, jiaxing_body()))
    gbk = other_report("嘉兴市镕城区统计局", 2022, 7).replace("charset=utf-8", "charset=gb2312")
    site.page(GBK, gbk, encoding="gbk", content_type="text/html")
    site.page(FLAKY, other_report("嘉兴市卫生健康委员会", 2021, 21), fail_first=1)
    site.page(SLOW, other_report("嘉兴市慢速局", 2020, 1), delay=1.5)
    site.routes[MOVED] = Route(location=MOVED_TO)
    site.page(MOVED_TO, other_report("嘉兴市交通运输局", 2021, 3))
    site.page(
        ATT,
        cms_page(
            "嘉兴市审计局2021年度政府信息公开工作年度报告",
            "<p>嘉兴市审计局2021年度政府信息公开工作年度报告全文详见附件。</p>"
            f'<p>附件：<a href="{DOCX}">嘉兴市审计局2021年度政府信息公开工作年度报告.docx</a></p>',
        ),
    )
    site.file(
        DOCX,
        (FIXTURES / "report-attachment.docx").read_bytes(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    site.page(
        IMG,
        cms_page(
            "嘉兴市民政局2020年度政府信息公开工作年度报告",
            "<p>嘉兴市民政局2020年度政府信息公开工作年度报告</p><p>一、总体情况</p><p>全年主动公开信息120条。</p>"
            '<p><img src="/images/nb2020-t2.png" width="600"></p>'
            '<p><img src="/images/nb2020-t3.png" width="600"><img src="/images/icon_print.gif"></p>',
        ),
    )
    site.file("/images/nb2020-t2.png", PNG, "image/png")
    site.file("/images/nb2020-t3.png", PNG + b"3", "image/png")
    site.page(NOTICE, cms_page("关于开展2023年政务公开工作的通知", "<p>各单位：现将有关事项通知如下。</p>"))
    site.page(PRIVATE, other_report("嘉兴市保密局", 2017, 0))

    site.page(
        "/col/nb/index.html",
        index_page(
            "政府信息公开年报",
            [
                (SH, "2019年上海市人民政府办公厅政府信息公开工作年度报告"),
                (JX, JIAXING_TITLE),
                (NOTICE, "关于开展2023年政务公开工作的通知"),
                ("/col/nb/tz2023.html", "关于做好2023年度政府信息公开工作年度报告编制发布工作的通知"),
                (MISSING, "2018年度政府信息公开年报"),
            ],
            create_page_html(3, 0),
        ),
    )
    site.page(
        "/col/nb/index_1.html",
        index_page(
            "政府信息公开年报",
            [
                (GBK.replace("/col/nb/", ""), "嘉兴市镕城区统计局2022年度政府信息公开工作年度报告"),
                (FLAKY, "嘉兴市卫生健康委员会2021年度报告"),
                (SLOW, "嘉兴市慢速局2020年度报告"),
                (MOVED, "嘉兴市交通运输局2021年政府信息公开工作年度报告"),
                (PRIVATE, "2017年政府信息公开年报"),
                ("http://127.0.0.2:9/nb/2019.html", "2019年度报告（外站）"),
            ],
            create_page_html(3, 1) + '<a href="index_2.html">下一页</a>',
        ),
    )
    site.page(
        "/col/nb/index_2.html",
        index_page(
            "政府信息公开年报",
            [
                (ATT, "嘉兴市审计局2021年度政府信息公开工作年度报告"),
                (IMG, "嘉兴市民政局2020年度政府信息公开工作年度报告"),
            ],
            create_page_html(3, 2),
        ),
    )
    return site.start()


@pytest.fixture()
def site():
    s = build_site()
    yield s
    s.stop()


def fetch_cli(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, ["fetch", *args, *FAST], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def reports_of(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "reports.parquet").set_index("source")


def test_crawl_then_run_yields_exactly_the_reports(site: CmsSite, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    output = fetch_cli("--crawl", site.url("/col/nb/index.html"), "--cache", str(cache))
    assert "index pages: 3 read" in output

    manifest = pq.read_table(cache / "manifest.parquet")
    assert manifest.schema.names == [
        "url", "final_url", "http_status", "content_type", "bytes", "sha256", "fetched_at", "path",
        "referrer", "error",
    ]  # fmt: skip
    types = {f.name: str(f.type) for f in manifest.schema}
    assert types["http_status"] == "int16" and types["bytes"] == "int64"
    assert types["fetched_at"].startswith("timestamp")
    m = manifest.to_pandas().set_index("url")

    # Errors are recorded, not fatal, and say why.
    assert m.loc[site.url(MISSING), "http_status"] == 404
    assert "404" in m.loc[site.url(MISSING), "error"]
    assert "timed out" in m.loc[site.url(SLOW), "error"]
    assert "robots.txt" in m.loc[site.url(PRIVATE), "error"]
    assert site.hits[PRIVATE] == 0 and site.hits[SLOW] == 2  # one retry after the timeout
    for failed in (MISSING, SLOW, PRIVATE):
        assert pd.isna(m.loc[site.url(failed), "path"])
    # The 500 succeeded on the retry; the redirect keeps the URL as linked and the final one.
    assert site.hits[FLAKY] == 2 and m.loc[site.url(FLAKY), "http_status"] == 200
    assert m.loc[site.url(MOVED), "final_url"] == site.url(MOVED_TO)
    # The notice, the off-host link and the page 404 never became reports.
    assert site.url(NOTICE) not in m.index and site.hits[NOTICE] == 0
    assert site.hits["/col/nb/tz2023.html"] == 0
    assert not any("127.0.0.2" in u for u in m.index)
    # The attachment and the images belong to their pages.
    assert m.loc[site.url(DOCX), "referrer"] == site.url(ATT)
    assert m.loc[site.url("/images/nb2020-t2.png"), "referrer"] == site.url(IMG)
    assert m.loc[site.url("/images/nb2020-t2.png"), "content_type"] == "image/png"
    assert site.hits["/images/icon_print.gif"] == 0
    # Every kept file is where the manifest says, with its bytes and hash.
    for url, row in m[m["path"].notna()].iterrows():
        data = (cache / row["path"]).read_bytes()
        assert len(data) == row["bytes"], url
    # What each report page links to is remembered, so a re-crawl does not read the pages again.
    state = json.loads((cache / ".fetch-state.json").read_text(encoding="utf-8"))
    statuses = sorted(str(p["status"]) for p in state["pages"].values())
    assert statuses == ["None"] * 5 + ["attachment_only", "needs_ocr"]
    # A polite, identifiable client.
    assert site.user_agents and all(ua.startswith("ogi/") for ua in site.user_agents)

    out = tmp_path / "out"
    run([str(cache)], RunOptions(out=out, cache=cache, jobs=1))
    reports = reports_of(out)
    expected = {site.url(p) for p in (SH, JX, GBK, FLAKY, MOVED, ATT, DOCX, IMG)}
    assert set(reports.index) == expected
    status = reports["status"].to_dict()
    for p in (SH, JX, GBK, FLAKY, MOVED):
        assert status[site.url(p)] == "ok", (p, reports.loc[site.url(p), "error"])
    assert status[site.url(ATT)] == "attachment_only"
    assert DOCX in reports.loc[site.url(ATT), "error"]
    assert status[site.url(IMG)] == "needs_ocr"
    assert reports.loc[site.url(SH), "agency"] == "上海市人民政府办公厅"
    assert reports.loc[site.url(GBK), "agency"] == "嘉兴市镕城区统计局"
    assert reports.loc[site.url(MOVED), "agency"] == "嘉兴市交通运输局"
    cells = pd.read_parquet(out / "cells.parquet")
    rid = reports.loc[site.url(GBK), "report_id"]
    gbk = cells[cells["report_id"] == rid].set_index("cell")
    assert gbk.loc["t2.art20_6.admin_penalty.decisions", "value"] == 7

    # A second crawl downloads nothing: index pages answer 304, reports are cached. (robots.txt is read
    # once per crawl; what failed is tried again, and the slow page answers after the client gave up.)
    site.reset_counts()
    output = fetch_cli("--crawl", site.url("/col/nb/index.html"), "--cache", str(cache))
    served = {p: n for p, n in site.bodies.items() if p not in ("/robots.txt", SLOW)}
    assert served == {}
    assert site.not_modified["/col/nb/index.html"] == 1
    for p in (SH, JX, GBK, FLAKY, MOVED, ATT, DOCX, IMG, "/images/nb2020-t2.png"):
        assert site.hits[p] == 0, p
    assert "0 downloaded" in output

    # A new report appears on the first index page: only the index and the new report are downloaded.
    site.page(NEW, other_report("嘉兴市财政局", 2023, 5))
    site.routes["/col/nb/index.html"].body = site.routes["/col/nb/index.html"].body.replace(
        b'<div class="list"><ul>',
        f'<div class="list"><ul><li><a href="{NEW}">嘉兴市财政局2023年度政府信息公开工作年度报告</a></li>'.encode(),
    )
    site.reset_counts()
    fetch_cli("--crawl", site.url("/col/nb/index.html"), "--cache", str(cache))
    served = {p: n for p, n in site.bodies.items() if p not in ("/robots.txt", SLOW)}
    assert served == {"/col/nb/index.html": 1, NEW: 1}

    summary = run([str(cache)], RunOptions(out=out, cache=cache, jobs=1))
    assert summary.read == 1  # only the new report is read; the others are unchanged
    reports = reports_of(out)
    assert set(reports.index) == expected | {site.url(NEW)}
    assert reports.loc[site.url(NEW), "status"] == "ok"


def test_refresh_and_ignore_robots(site: CmsSite, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fetch_cli(site.url(SH), "--cache", str(cache))
    fetch_cli(site.url(SH), "--cache", str(cache))
    assert site.bodies[SH] == 1
    fetch_cli(site.url(SH), "--cache", str(cache), "--refresh")
    assert site.bodies[SH] == 2
    out = fetch_cli(site.url(PRIVATE), "--cache", str(cache), code=1)  # nothing fetched: exit 1
    assert "robots.txt" in out and site.hits[PRIVATE] == 0
    fetch_cli(site.url(PRIVATE), "--cache", str(cache), "--ignore-robots")
    assert site.bodies[PRIVATE] == 1


def test_pattern_overrides_the_report_link_test(site: CmsSite, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fetch_cli(
        "--crawl",
        site.url("/col/nb/index.html"),
        "--cache",
        str(cache),
        "--pattern",
        "通知",
        "--max-pages",
        "1",
    )
    m = pq.read_table(cache / "manifest.parquet").to_pandas().set_index("url")
    pages = set(m.index) - {site.url(p) for p in ("/col/nb/index.html",)}
    assert pages == {site.url(NOTICE), site.url("/col/nb/tz2023.html")}


def test_depth_one_leaves_attachments_and_images(site: CmsSite, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    output = fetch_cli("--crawl", site.url("/col/nb/index_2.html"), "--cache", str(cache), "--max-depth", "1")
    assert "index pages: 3 read" in output  # index_2 names the other two through createPageHTML
    assert site.hits[ATT] == 1 and site.hits[IMG] == 1
    assert site.hits[DOCX] == 0 and site.hits["/images/nb2020-t2.png"] == 0


def test_run_with_urls_fetches_then_reads(site: CmsSite, tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text(
        f"# reports\n{site.url(ATT)}\n\n{site.url(MISSING)}\n{site.url(SH)}#top\n{site.url(PRIVATE)}\n",
        encoding="utf-8",
    )
    cache, out = tmp_path / "cache", tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "run",
            "--urls",
            str(urls),
            "--cache",
            str(cache),
            "--out",
            str(out),
            "-q",
            "--jobs",
            "1",
            *RUN_FAST,
        ],
    )
    assert result.exit_code == 0, result.output
    reports = reports_of(out)
    assert set(reports.index) == {
        site.url(ATT),
        site.url(DOCX),
        site.url(MISSING),
        site.url(SH),
        site.url(PRIVATE),
    }
    # Two sources that could not be fetched: each its own row and its own reason.
    assert "robots.txt" in reports.loc[site.url(PRIVATE), "error"]
    assert reports.loc[site.url(PRIVATE), "report_id"] != reports.loc[site.url(MISSING), "report_id"]
    assert reports.loc[site.url(ATT), "status"] == "attachment_only"
    assert reports.loc[site.url(SH), "status"] == "ok"
    assert reports.loc[site.url(MISSING), "status"] == "failed"
    assert re.search(r"HTTP 404", reports.loc[site.url(MISSING), "error"])
    assert pd.isna(reports.loc[site.url(MISSING), "duplicate_of"])
    # The attachment was read as a report file of its own (its format comes from its bytes).
    assert reports.loc[site.url(DOCX), "format"] == "docx"
    # Run over the cache afterwards: the same sources, mapped back through the manifest.
    run([str(cache)], RunOptions(out=tmp_path / "out2", cache=cache, jobs=1))
    assert set(reports_of(tmp_path / "out2").index) == {site.url(ATT), site.url(DOCX), site.url(SH)}
