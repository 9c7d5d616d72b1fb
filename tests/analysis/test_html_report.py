"""The HTML page of ogi compare: self-contained, and checked in a real headless Chromium.

The browser test needs Debian's ``chromium`` and the ``playwright`` package (no browser download: the
system Chromium is launched by path). Without them it is skipped locally and fails under ``OGI_CI=1``.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ogi.analysis.compare import source_href, source_name
from ogi.cli import main

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def page_file(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "compare.html"
    result = CliRunner().invoke(
        main, ["compare", str(dataset), "--agency", "统计局", "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def test_page_is_self_contained(page_file: Path):
    html = page_file.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert '"Noto Sans CJK SC"' in html  # a CJK font stack
    # nothing loaded from anywhere: no external script, stylesheet, image or font
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=", html)
    assert "@import" not in html and "url(" not in html
    assert "<svg" in html and "不予公开率" in html


def test_source_links():
    """A published page links the published URL; a local file is never linked by its path."""
    assert source_href("/data/a.pdf", '{"page": 4, "bbox": [1, 2, 3, 4]}', "pdf") is None
    assert source_href("https://x.gov.cn/a.pdf", '{"page": 2}', "pdf") == "https://x.gov.cn/a.pdf#page=2"
    assert source_href("https://x.gov.cn/a.html", '{"table": 2, "row": 3, "col": 4}', "html") == (
        "https://x.gov.cn/a.html"
    )
    assert source_href("/data/a.txt", '{"line": 12}', "text_tab") is None
    assert source_name("/home/reporter/secret/a.txt") == "a.txt"
    assert source_name("https://x.gov.cn/a.html") == "https://x.gov.cn/a.html"


def test_page_reveals_no_local_path(page_file: Path, dataset: Path, inputs: Path):
    html = page_file.read_text(encoding="utf-8")
    assert "file:" not in html
    assert str(inputs) not in html and str(dataset) not in html
    assert "env-2022.txt" in html  # the file name only
    for zh in ("排名", "分布", "历年变化", "数字对不上的报告", "指标定义"):
        assert zh in html
    assert "@media print" in html


def test_title_note_and_credit(dataset: Path, tmp_path: Path):
    out = tmp_path / "p.html"
    result = CliRunner().invoke(
        main,
        [
            "compare",
            str(dataset),
            "--out",
            str(out),
            "--title",
            "谁拒绝得最多<?>",
            "--note",
            "数据截至2023年",
            "--credit",
            "制图：某报数据组",
        ],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<h1>谁拒绝得最多&lt;?&gt;</h1>" in html and "<title>谁拒绝得最多&lt;?&gt;</title>" in html
    assert 'id="note">数据截至2023年' in html and 'id="credit">制图：某报数据组' in html


def _chromium() -> str:
    """The system Chromium, or a skip (a failure under OGI_CI=1) when it or playwright is missing."""
    ci = os.environ.get("OGI_CI") == "1"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if ci:
            pytest.fail("playwright is not installed (pip install '.[test]')")
        pytest.skip("playwright is not installed")
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if ci:
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed")
    return exe


def test_page_in_a_headless_browser(page_file: Path, inputs: Path):
    exe = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            problems: list[str] = []
            requests: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")

            assert page.evaluate("document.characterSet") == "UTF-8"
            assert "不予公开率" in page.inner_text("h1")
            assert (
                page.eval_on_selector_all("a", "as => as.filter(a => a.href.startsWith('file:')).length") == 0
            )
            rows = page.locator("#ranking tbody tr")
            assert rows.count() == 5

            def column(i: int) -> list[str]:
                return page.eval_on_selector_all(
                    "#ranking tbody tr", f"rows => rows.map(r => r.cells[{i}].innerText.trim())"
                )

            assert column(1) == [
                "嘉兴市生态环境局",
                "嘉兴市财政局",
                "嘉兴市南湖区人民政府",
                "嘉兴市统计局",
                "嘉兴市档案馆",
            ]
            assert column(8)[:4] == ["28.6%", "16.7%", "10.0%", "0.0%"]
            # a local source is named by its file name, not linked by its path
            assert page.locator("#ranking tbody tr:first-child td:nth-child(9) a").count() == 0
            assert column(11)[0] == "env-2022.txt"
            assert column(9)[:4] == ["7", "12", "30", "20"]  # n beside the rate

            header = page.locator("#ranking thead th", has_text="refused_rate")
            assert header.count() == 1
            header.click()
            assert header.get_attribute("aria-sort") == "ascending"
            assert column(1)[0] == "嘉兴市统计局" and column(1)[-1] == "嘉兴市档案馆"  # null stays last
            header.click()
            assert column(1)[:2] == ["嘉兴市生态环境局", "嘉兴市财政局"] and column(1)[-1] == "嘉兴市档案馆"
            page.locator("#ranking thead th", has_text="rank").click()
            assert column(0)[:4] == ["1", "2", "3", "4"]

            # charts: ranking bars (the failing report in red), the distribution, the trend with its break
            assert page.locator("#ranking-chart rect.bar").count() == 4
            assert page.locator("#ranking-chart rect.flag").count() == 1
            assert page.locator("#distribution-chart rect.hist").count() == 10
            assert page.locator(".trend-chart line.brk").count() == 1
            assert "template 2019→2021" in page.inner_text("#trend")
            assert page.locator("#trend tbody tr").count() == 3
            assert page.locator("#failed tbody tr").count() == 3
            assert page.locator("#ranking-chart").bounding_box()["width"] > 300

            assert problems == []
            assert all(u.startswith(("file://", "data:", "about:")) for u in requests), requests
        finally:
            browser.close()


def test_a_pdf_value_links_to_its_page():
    """A metric value links to its anchor cell's page (the numerator's first cell)."""
    import pandas as pd

    from ogi.analysis.compare import locators, value_href
    from ogi.analysis.load import Dataset
    from ogi.schema.metrics import metric

    cells = pd.DataFrame(
        {
            "report_id": ["r1", "r1"],
            "cell": ["t3.denied_state_secret.total", "t3.results_total.total"],
            "locator": ['{"page": 5, "bbox": [1, 2, 3, 4]}', '{"page": 6, "bbox": [1, 2, 3, 4]}'],
        }
    )
    empty = pd.DataFrame()
    ds = Dataset(Path("."), empty, empty, cells, empty, empty, empty)
    m = metric("refused_rate")
    cache = locators(ds, [("r1", "t3.denied_state_secret.total")])
    row = {
        "report_id": "r1",
        "source": "https://x.gov.cn/2022.pdf",
        "format": "pdf",
        "template_version": "2021",
    }
    assert value_href(ds, m, row, cache) == "https://x.gov.cn/2022.pdf#page=5"
    row["template_version"] = None  # no template: no anchor cell, the report itself
    assert value_href(ds, m, row, cache) == "https://x.gov.cn/2022.pdf"


#: The flags the brief fixes for the browser test (the system Chromium, no download, no network).
TWO_WIDTH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.mark.parametrize("width", [1400, 430])
def test_page_at_desktop_and_phone_width(page_file: Path, width: int):
    """At 1400 px and at 430 px (a phone): nothing wider than the screen but the tables, which scroll in
    their own box; charts scale to fit; the trend's break label stays inside its chart; print CSS applies.
    No screenshot is written."""
    exe = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else exe,
            args=TWO_WIDTH_ARGS,
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            for box in page.eval_on_selector_all(
                "svg",
                "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })",
            ):
                assert box[0] >= 0 and box[1] <= width + 0.5, box
            # each table stays in its scrolling box, which is not wider than the page
            for right in page.eval_on_selector_all(
                ".scroll", "els => els.map(e => e.getBoundingClientRect().right)"
            ):
                assert right <= width + 0.5
            label_inside = page.eval_on_selector_all(
                ".trend-chart text.brk-label",
                """els => els.map(t => { const s = t.ownerSVGElement.getBoundingClientRect();
                                        const r = t.getBoundingClientRect();
                                        return r.left >= s.left - 0.5 && r.right <= s.right + 0.5; })""",
            )
            assert label_inside and all(label_inside)
            if width == 430:
                assert (
                    page.evaluate("getComputedStyle(document.querySelector('.scroll')).overflowX") == "auto"
                )
            page.emulate_media(media="print")
            assert page.evaluate("getComputedStyle(document.querySelector('.scroll')).overflowX") == "visible"
            page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
            assert page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
        finally:
            browser.close()
