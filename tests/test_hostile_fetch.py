"""Hostile input to the fetchers and the HTML reader (issue 15, "Fetching and crawling"): one bad character,
link or URL fails alone; table grids, downloads and redirects are bounded; the cache stays in its folder.

Every server here is started by the test on 127.0.0.1 and stops with it; the client is allowed private
addresses only where a test says so (``LOCAL``).
"""

from __future__ import annotations

import resource
import time

import pytest

from ogi.extractors.html import MAX_GRID_AREA, extract, grid, parse
from ogi.fetchers.links import read_index

REPORT_TITLE = "某县统计局2023年度政府信息公开工作年度报告"


# -- 1. a control character after an element the extractor removes ---------------------------------------


@pytest.mark.parametrize("control", ["\x0b", "\x0c", "\x01", "\x1f"])
def test_a_control_character_after_a_removed_element_is_read_as_a_space(control: str) -> None:
    page = (
        f"<html><head><title>{REPORT_TITLE}</title></head><body>"
        f'<div class="nav"><a href="/">首页</a></div>{control}<p>全年主动公开信息{control}120条。</p>'
        f"<script>var a = 1;</script>{control}尾注"
        '<ul><li><a href="/nb/2023.html">2023年度报告</a></li></ul></body></html>'
    ).encode()
    doc = extract(page)
    texts = [p.text for p in doc.paragraphs]
    assert "全年主动公开信息 120条。" in texts and "尾注" in texts
    index = read_index(page, "http://h/nb/index.html")
    assert [link.url for link in index.links] == ["http://h/nb/2023.html"]


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
