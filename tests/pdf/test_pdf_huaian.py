"""淮安市人民政府 2024 (WPS export, 6 pages): every cell, with both engines.

Expected values are in ``tests/corpus/huaian-city-2024.json``, read by hand from the rendered pages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pdf_helpers import cell_values, failed_hard_checks, paragraphs, read, rows_of

from ogi.extractors.model import Table
from ogi.schema.recognize import recognize

EXPECTED = json.loads((Path(__file__).parent.parent / "corpus" / "huaian-city-2024.json").read_text("utf-8"))
ENGINES = ["pdfium", "plumber", "auto"]


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_every_cell_and_check(huaian: bytes, engine: str) -> None:
    rows = rows_of(huaian, engine, "huaian-city-2024.pdf")
    r = rows.report
    assert (r["format"], r["status"], r["error"]) == ("pdf", "ok", None)
    assert r["pdf_engine"] == ("plumber" if engine == "plumber" else "pdfium")
    assert r["agency"] == EXPECTED["agency"]
    assert r["year"] == EXPECTED["year"]
    assert r["template_version"] == EXPECTED["template_version"]
    assert r["scope"] == EXPECTED["scope"]
    values = cell_values(rows)
    assert values == pytest.approx({k: float(v) for k, v in EXPECTED["cells"].items()})
    assert failed_hard_checks(rows) == []
    by_key = {c["cell"]: c for c in rows.cells}
    fee = by_key["t2.art20_8.admin_fees.fee_amount"]
    assert (fee["raw"], fee["unit"]) == ("96171.6", "万元")
    # Locators point at the page and the cell rectangle.
    loc = json.loads(by_key["t3.unable_need_creation.total"]["locator"])
    assert loc["page"] == 5 and len(loc["bbox"]) == 4


def test_table_pieces_and_spans(huaian: bytes, engine: str) -> None:
    doc = read(huaian, engine)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    # Table 二 breaks between the （六） caption and its header, the page-4 piece with a coarser grid
    # (its value cells span the three value columns): one grid on the union of their grid lines;
    # table 三 (pp.4-5) is one stitched grid; table 四.
    assert [(t.locator["page"], t.n_rows, t.n_cols) for t in tables] == [
        (3, 14, 4),
        (4, 28, 10),
        (5, 4, 15),
    ]
    t2, t3, t4 = tables
    assert t2.locator["pages"] == [3, 4]
    assert t2.text_grid()[7][0] == "第二十条第（六）项"
    header = sorted((c for c in t2.cells if c.row == 8), key=lambda c: c.col)
    assert [(c.text, c.col, c.colspan) for c in header] == [("信息内容", 0, 1), ("本年处理决定数量", 1, 3)]
    assert t3.locator["pages"] == [4, 5]
    cells = {(c.row, c.col): c for c in t3.cells}
    # The label split by the page break: （四）无 on p.4, 法提供 on p.5, one cell over three rows.
    unable = cells[(15, 1)]
    assert (unable.text, unable.rowspan, unable.locator["page"]) == ("（四）无法提供", 3, 4)
    # The vertical label 三、本年度办理结果 runs over both pages without stray spaces.
    results = cells[(5, 0)]
    assert (results.text, results.rowspan) == ("三、本年度办理结果", 22)
    assert cells[(0, 0)].text == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert (cells[(0, 0)].rowspan, cells[(0, 0)].colspan) == (3, 3)
    assert cells[(23, 2)].text == "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    # Covered positions hold no cell (never copied text).
    assert (16, 1) not in cells and (6, 0) not in cells
    assert [c.text for c in sorted(t4.cells, key=lambda c: (c.row, c.col)) if c.row == 3] == [
        "72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20",
    ]  # fmt: skip
    assert t4.text_grid()[2][5] == "结果维持"  # 「结 果」 printed with a gap: no stray space
    # Recognition reads the stitched table 二 as one block.
    rec = recognize(doc)
    assert [doc.blocks[i] for i in rec.blocks["t2"]] == [t2]
    assert rec.cells["t2.art20_6.admin_coercion.decisions"].value == 88283


def test_prose(huaian: bytes) -> None:
    doc = read(huaian, "auto")
    text = paragraphs(doc)
    assert text[0] == "淮安市人民政府2024年政府信息公开工作年度报告"  # the two centred title lines
    # The two boxed paragraphs (white fill rectangles behind every line) are prose, not tables.
    assert any(p.startswith("本报告由淮安市人民政府办公室根据") and p.endswith("）。") for p in text)
    boxed = [p for p in text if p.startswith("（五）政府信息公开监督保障情况。")]
    assert len(boxed) == 1 and boxed[0].endswith("工作能力和水平。")
    # A paragraph running across the page break 1→2 is one paragraph; CJK lines join without spaces.
    assert any("“建设‘四最’一流营商环境高质量推进产业发展”" in p for p in text)
    # Page numbers are gone.
    assert not any(p.strip("- ").isdigit() for p in text)
    assert all("- 4 -" not in p for p in text)
    assert "一、总体情况" in text and "六、其他需要报告的事项" in text
    assert doc.meta["table_pages"] == [3, 4, 5]
