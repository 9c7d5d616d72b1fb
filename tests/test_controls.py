"""C0 control characters are taken out at extraction, in every format (issue 15, item 15).

A vertical tab (what Word's manual line break pastes as), a bell or a NUL in a title, a label or a cell is
never content: each test writes some into a generated report of one format (invented numbers) and
asserts that nothing ogi reads keeps one, and that the report still reads completely.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from ogi.dataset.rows import ReportRows
from ogi.extractors.model import Cell, Document, GluedRun, Paragraph, Table, strip_document_controls
from ogi.run.source import extraction_options, read_source
from ogi.utils.text import strip_controls
from tests.generators import docx as docx_gen
from tests.generators import html as html_gen
from tests.generators import text_tab
from tests.generators import xlsx as xlsx_gen
from tests.generators.report import Report, generate

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
OPTIONS = extraction_options()


def _report() -> Report:
    return generate(7, "2021", [])


def _texts(rows: ReportRows) -> list[str]:
    out = [str(rows.report.get(k) or "") for k in ("title", "agency", "error")]
    out += [str(c.get("raw") or "") for c in rows.cells]
    out += [str(s.get(k) or "") for s in rows.sections for k in ("heading", "text")]
    out += [str(u.get("label") or "") for u in rows.unmapped]
    return out


def _assert_clean(rows: ReportRows, rep: Report) -> None:
    assert rows.report["status"] == "ok", rows.report["error"]
    assert not [t for t in _texts(rows) if CONTROL.search(t)]
    assert rows.report["agency"] == rep.agency
    values = {c["cell"]: c["value"] for c in rows.cells}
    expected = rep.expected("x")["cells"]
    assert all(values.get(k) == v for k, v in expected.items())


def test_strip_controls_keeps_tab_and_newline_and_breaks_lines() -> None:
    assert strip_controls("a\tb\nc") == "a\tb\nc"
    assert strip_controls("结果\x01维持\x7f") == "结果维持\x7f"  # DEL is not a C0 control
    assert strip_controls("12\x0b34\r\n5\r6\x0c7\x00") == "12\n34\n5\n6\n7"
    text = "无控制字符"
    assert strip_controls(text) is text


def test_every_block_of_a_document_is_cleaned() -> None:
    doc = Document(
        "html",
        [
            Paragraph("总体\x07情况"),
            Table([Cell("1\x0b2", 0, 0, alternatives=("1\x012",))]),
            GluedRun("结果\x1b维持", "12\x003"),
        ],
        meta={"title": "标题\x1b[31m", "pages": 3},
    )
    strip_document_controls(doc)
    assert doc.paragraphs[0].text == "总体情况"
    assert doc.tables[0].cells[0].text == "1\n2" and doc.tables[0].cells[0].alternatives == ("12",)
    run = doc.blocks[2]
    assert isinstance(run, GluedRun) and (run.label, run.raw) == ("结果维持", "123")
    assert doc.meta == {"title": "标题[31m", "pages": 3}


def test_text_tab() -> None:
    rep = _report()
    data, _ = text_tab.render(rep, "x")
    text = data.decode("utf-8").replace("结果维持", "结果\x01维持").replace("总体情况", "总体\x0b情况")
    text = text.replace(rep.agency, rep.agency[:2] + "\x07\x1b" + rep.agency[2:], 1)
    rows = read_source("x.txt", text.encode("utf-8"), OPTIONS, name="x.txt")
    _assert_clean(rows, rep)


def test_html_with_a_control_after_a_removed_element() -> None:
    """lxml refused the page (ValueError) when a vertical tab followed an element the extractor drops."""
    rep = _report()
    data, _ = html_gen.render(rep, "x")
    text = data.decode("gb18030" if b"charset=gb2312" in data else "utf-8")
    text = text.replace("</script>", "</script>\x0b", 1).replace("结果维持", "结果\x01维持")
    text = text.replace(rep.agency, rep.agency[:2] + "\x07" + rep.agency[2:])
    rows = read_source("x.html", text.encode("utf-8"), OPTIONS, name="x.html")
    _assert_clean(rows, rep)


def _rezip(data: bytes, part: str, edit: object) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == part:
                content = edit(content)  # type: ignore[operator]
            dst.writestr(info, content)
    return out.getvalue()


def test_docx_with_raw_control_bytes() -> None:
    """XML forbids them, so python-docx refused the whole file ('corrupt DOCX') for one stray byte."""
    rep = _report()
    data, _ = docx_gen.render(rep, "x")

    def edit(xml: bytes) -> bytes:
        return xml.replace("结果维持".encode(), "结果\x01维持".encode()).replace(b"<w:t>", b"<w:t>\x0b", 3)

    rows = read_source("x.docx", _rezip(data, "word/document.xml", edit), OPTIONS, name="x.docx")
    _assert_clean(rows, rep)


@pytest.mark.parametrize("raw", [False, True], ids=["escaped", "raw"])
def test_xlsx(raw: bool) -> None:
    """openpyxl turns ``_x0001_`` into the control itself; a raw control byte made the file 'corrupt'."""
    rep = _report()
    data, _ = xlsx_gen.render(rep, "x")
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        holds = "结果维持".encode() in z.read(sheet)
    part = sheet if holds else "xl/sharedStrings.xml"
    control = b"\x01" if raw else b"_x0001_"

    def edit(xml: bytes) -> bytes:
        return xml.replace("结果维持".encode(), "结果".encode() + control + "维持".encode())

    rows = read_source("x.xlsx", _rezip(data, part, edit), OPTIONS, name="x.xlsx")
    _assert_clean(rows, rep)
    assert any(c["cell"].startswith("t4.") and c["status"] == "value" for c in rows.cells)


def test_pdf_text_layer_with_control_characters() -> None:
    """A ToUnicode map may give a glyph a control character (a bell, a vertical tab) as its text."""
    from tests.pdf.pdf_writer import Writer

    w = Writer()
    page = w.page()
    w.text(page, 74, 760, "宜兴市住房和城乡建设局\x072022年度政府信息公开工作年度报告", 16)
    w.text(page, 74, 720, "一、总体\x0b情况", 14)
    w.text(page, 74, 690, "本年度\x1b本机关坚持公开为常态、不公开为例外。", 12)
    rows = read_source("x.pdf", w.write(), OPTIONS, name="x.pdf")
    assert rows.report["format"] == "pdf"
    assert not [t for t in _texts(rows) if CONTROL.search(t)]
    assert rows.report["agency"] == "宜兴市住房和城乡建设局" and rows.report["year"] == 2022


def test_text_glued() -> None:
    from tests.generators import glued as glued_gen

    rep = generate(7, "2021", [])
    data, _ = glued_gen.render(rep, "x")
    text = (
        data.decode("utf-8").replace("结果维持", "结果\x01维持").replace(rep.agency, rep.agency + "\x07", 1)
    )
    clean = read_source("x.txt", data, OPTIONS, name="x.txt")
    rows = read_source("x.txt", text.encode("utf-8"), OPTIONS, name="x.txt")
    assert rows.report["format"] == "text_glued"
    assert not [t for t in _texts(rows) if CONTROL.search(t)]
    assert (rows.report["status"], rows.report["agency"]) == (clean.report["status"], clean.report["agency"])
    assert {c["cell"]: c["value"] for c in rows.cells} == {c["cell"]: c["value"] for c in clean.cells}
