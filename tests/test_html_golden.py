"""The HTML extractor reads a handful of representative pages to exactly the Documents recorded for them.

``tests/fixtures/html/golden/NAME.html`` → ``NAME.json``: the whole Document (every block in order,
paragraph texts and locators, every cell's text, position, spans and locator, meta, status, reason).
These are regression records, not hand-checked values: they were written by the BeautifulSoup
implementation of ``ogi/extractors/html/reader.py`` (``python bench/html_golden.py expected
--into tests/fixtures/html/golden --rev 3fac156 PAGES``), and the lxml implementation that replaced it must read
every page byte for byte the same. The pages: the real 上海 2019 fragment (``tests/fixtures/html``), two generated report pages covering
the other page variants (``gbk_page``, ``layout_table``, ``misaligned_spans``), three CMS pages of
``tests/cms_site.py`` (a report; a page that only links to the report file; one whose tables are
images), a hand-written page of edge cases (a ``<!DOCTYPE>`` inside a cell, ruby text, comments inside
cells, ``<pre>``, a caption with ruby, a nested table with its own caption, hidden and chrome-named
cells, ``rowspan="0"``, text after ``</html>``), a page without ``<body>``, and three messy pages of
``bench/html_fuzz.py``. ``bench/html_golden.py`` compares two revisions on about 1100 pages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ogi.extractors.html.walk import extract
from ogi.extractors.model import Document, ExtractionError, Paragraph, Table

GOLDEN = Path(__file__).parent / "fixtures" / "html" / "golden"
#: Each page's expected Document is ``GOLDEN/<stem>.json``.
PAGES = [*sorted(GOLDEN.glob("*.html")), GOLDEN.parent / "shanghai-govoffice-2019.html"]


def document_json(doc: Document | ExtractionError) -> dict[str, Any]:
    """The whole Document as JSON-ready data: a paragraph is ``["P", text, locator]``, a table
    ``["T", locator, geometry, cells]`` with each cell ``[text, row, col, rowspan, colspan, locator,
    alternatives]``."""
    if isinstance(doc, ExtractionError):
        return {"error": doc.reason, "status": doc.status}
    blocks: list[Any] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            blocks.append(["P", block.text, block.locator])
        elif isinstance(block, Table):
            cells = [
                [c.text, c.row, c.col, c.rowspan, c.colspan, c.locator, list(c.alternatives)]
                for c in block.cells
            ]
            blocks.append(["T", block.locator, block.geometry, cells])
        else:
            blocks.append([type(block).__name__, repr(block)])
    return {
        "format": doc.format,
        "status": doc.status,
        "reason": doc.reason,
        "meta": doc.meta,
        "blocks": blocks,
    }


def dumps(data: dict[str, Any]) -> str:
    """JSON with one block, and one cell, per line (reviewable diffs)."""
    head = {k: v for k, v in data.items() if k != "blocks"}
    lines = ["{", *(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items())]
    if "blocks" not in data:
        lines[-1] = lines[-1].rstrip(",")
        return "\n".join([*lines, "}"]) + "\n"
    lines.append(' "blocks": [')
    blocks = data["blocks"]
    for i, block in enumerate(blocks):
        end = "," if i < len(blocks) - 1 else ""
        if block[0] == "T":
            cells = block[3]
            lines.append(f'  ["T", {json.dumps(block[1])}, {json.dumps(block[2])}, [')
            lines += [
                f"   {json.dumps(c, ensure_ascii=False)}{',' if j < len(cells) - 1 else ''}"
                for j, c in enumerate(cells)
            ]
            lines.append(f"  ]]{end}")
        else:
            lines.append(f"  {json.dumps(block, ensure_ascii=False)}{end}")
    lines += [" ]", "}"]
    return "\n".join(lines) + "\n"


def read(data: bytes) -> dict[str, Any]:
    try:
        doc: Document | ExtractionError = extract(data)
    except ExtractionError as exc:
        doc = exc
    return json.loads(json.dumps(document_json(doc)))


def test_the_golden_pages_are_there() -> None:
    assert len(PAGES) >= 10
    assert all((GOLDEN / f"{p.stem}.json").exists() for p in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_reads_to_its_recorded_document(page: Path) -> None:
    expected = json.loads((GOLDEN / f"{page.stem}.json").read_text(encoding="utf-8"))
    got = read(page.read_bytes())
    for key in ("format", "status", "reason", "meta"):
        assert got.get(key) == expected.get(key), key
    assert len(got["blocks"]) == len(expected["blocks"])
    for i, (g, e) in enumerate(zip(got["blocks"], expected["blocks"])):
        assert g == e, f"block {i}"
    assert got == expected


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_link_reader_and_extractor_see_the_same_anchors(page: Path) -> None:
    """The index-page reader finds links with BeautifulSoup and decides which are chrome on the
    extractor's tree of the same page: both trees must hold the same anchors."""
    import warnings

    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    from ogi.extractors.html.decode import decode_html
    from ogi.extractors.html.tree import parse

    text, _encoding = decode_html(page.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(text, "lxml")
    soup_hrefs = [str(a["href"]).strip() for a in soup.find_all("a", href=True)]
    tree_hrefs = [(a.get("href") or "").strip() for a in parse(text).iter("a") if a.get("href") is not None]
    assert soup_hrefs == tree_hrefs
