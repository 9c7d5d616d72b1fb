"""The WPS traps, drawn exactly (``pdf_handmade.wps_page``), with both engines."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from pdf_handmade import BODY, TITLE, VERTICAL_LABEL, wps_page
from pdf_helpers import grids, paragraphs, read

from ogi.extractors.model import Table


@pytest.mark.parametrize("engine", ["pdfium", "plumber"])
def test_wps_page(wps_pdf: bytes, engine: str) -> None:
    doc = read(wps_pdf, engine)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(tables) == 1  # the white rectangles behind the text lines make no table
    assert tables[0].text_grid() == [
        ["", "情形", "说明", "件数"],
        [VERTICAL_LABEL, "（一）予以公开", "", "12"],
        ["", "（二）部分公开", "", "3"],
        ["", "（三）不予公开", "1.属于国家秘密", "0"],  # closed by cell backgrounds alone
    ]
    label = next(c for c in tables[0].cells if c.text == VERTICAL_LABEL)
    assert (label.row, label.rowspan) == (1, 3)
    assert paragraphs(doc) == [
        f"{TITLE[0]}2022{TITLE[1]}",
        BODY,
        "二、办理结果统计",
        "三、其他需要报告的事项",
        "本年度未收取信息处理费。",
    ]  # and no page number


def test_the_traps_are_real(wps_pdf: bytes) -> None:
    """Without the background rule, pdfplumber glues the prose above onto the table and reads the prose
    below as a one-column table."""
    with pdfplumber.open(io.BytesIO(wps_pdf)) as pdf:
        glued, below = pdf.pages[0].extract_tables()
    assert glued[0][0] is not None and glued[0][0].startswith(BODY[:10]) and len(glued) == 9
    assert below == [["三、其他需要报告的事项"], ["本年度未收取信息处理费。"]]


def test_form_xobject_page_falls_back_to_pdfplumber() -> None:
    data = wps_page(pages=2, form_pages=(2,))
    auto = read(data, "auto")
    assert auto.meta["pdf_engine"] == "mixed"
    assert auto.meta["pdf_fallbacks"] == {"2": "Form XObject"}
    # The port reads the Form XObject too, and agrees with pdfplumber.
    assert grids(read(data, "pdfium")) == grids(read(data, "plumber")) == grids(auto)
    assert len(grids(auto)) == 2


def test_turned_page_falls_back_to_pdfplumber() -> None:
    """A page stored sideways and turned upright by /Rotate: pdfium sees rotated characters, so ``auto``
    reads it with pdfplumber, whose coordinates are upright; its prose is cut in the same coordinates."""
    data = wps_page(pages=2, turned_pages=(2,))
    doc = read(data, "auto")
    assert doc.meta["pdf_engine"] == "mixed"
    assert doc.meta["pdf_fallbacks"]["2"].startswith("page rotated by 90°")
    first, second = grids(doc)
    assert first == second
    assert paragraphs(doc)[:5] == paragraphs(doc)[5:]
