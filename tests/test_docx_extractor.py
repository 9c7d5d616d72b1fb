"""Unit tests of the DOCX extractor on small documents built here (spans, nesting, revisions, fields …)."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ogi.extractors import ExtractionError, detect, extract
from ogi.extractors.model import Paragraph, Table
from ogi.run.source import read_source
from tests.generators.docx import fill_template

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


# -- building small documents --------------------------------------------------------------------------


def make_docx(body_xml: str, *, hidden_style: bool = False) -> bytes:
    """A DOCX whose body is ``body_xml`` (WordprocessingML, ``w:`` prefix)."""
    d = docx.Document()
    if hidden_style:
        style = d.styles.add_style("Secret", WD_STYLE_TYPE.CHARACTER)
        style.font.hidden = True
    body = d.element.body
    sect = body.find(qn("w:sectPr"))
    for child in list(body):
        if child is not sect:
            body.remove(child)
    for child in parse_xml(f"<w:body {NS}>{body_xml}</w:body>"):
        sect.addprevious(child)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def r(text: str, props: str = "") -> str:
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def p(*runs: str) -> str:
    return "<w:p>" + "".join(r(x) if not x.startswith("<") else x for x in runs) + "</w:p>"


def tc(content: str = "", span: int = 1, vmerge: str | None = None) -> str:
    props = ""
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"  # no w:val means continue
    body = content if content.startswith("<w:") else p(content) if content else "<w:p/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>"


def tr(*cells: str, props: str = "") -> str:
    trpr = f"<w:trPr>{props}</w:trPr>" if props else ""
    return "<w:tr>" + trpr + "".join(cells) + "</w:tr>"


def tbl(*rows: str, cols: int) -> str:
    grid = "".join('<w:gridCol w:w="1000"/>' for _ in range(cols))
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>" + "".join(rows) + "</w:tbl>"


def read(body_xml: str, **kw: bool):
    return extract(make_docx(body_xml, **kw), "docx")


def spans(table: Table) -> list[tuple[str, int, int, int, int]]:
    return [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in table.cells]


# -- spans ---------------------------------------------------------------------------------------------


def test_horizontal_merge_comes_out_once_with_its_span():
    doc = read(tbl(tr(tc("申请人情况", span=3)), tr(tc("甲"), tc("乙"), tc("丙")), cols=3))
    (t,) = doc.tables
    assert spans(t) == [
        ("申请人情况", 0, 0, 1, 3),
        ("甲", 1, 0, 1, 1),
        ("乙", 1, 1, 1, 1),
        ("丙", 1, 2, 1, 1),
    ]
    assert t.cells[0].locator == {"table": 1, "row": 1, "col": 1}
    assert t.cells[3].locator == {"table": 1, "row": 2, "col": 3}


def test_vertical_merge_counts_the_continue_cells():
    doc = read(
        tbl(
            tr(tc("三、本年度办理结果", vmerge="restart"), tc("（一）予以公开"), tc("5")),
            tr(tc("", vmerge="continue"), tc("（二）部分公开"), tc("1")),
            tr(tc("", vmerge="continue"), tc("（七）总计"), tc("6")),
            tr(tc("四、结转"), tc(""), tc("0")),
            cols=3,
        )
    )
    (t,) = doc.tables
    first = t.cells[0]
    assert (first.text, first.rowspan, first.colspan) == ("三、本年度办理结果", 3, 1)
    assert [c.text for c in t.cells].count("三、本年度办理结果") == 1
    assert [(c.text, c.row, c.col) for c in t.rows()[1]] == [("（二）部分公开", 1, 1), ("1", 1, 2)]
    assert t.covering(2) == [first]
    assert t.rows()[3][0].text == "四、结转" and t.rows()[3][0].rowspan == 1


def test_block_merge_spans_rows_and_columns():
    d = docx.Document()
    t = d.add_table(rows=3, cols=4)
    merged = t.cell(0, 0).merge(t.cell(1, 2))
    merged.paragraphs[0].add_run("勾稽关系")
    t.cell(0, 3).text = "申请人"
    t.cell(2, 0).text = "一、新收"
    out = io.BytesIO()
    d.save(out)
    (table,) = extract(out.getvalue(), "docx").tables
    by_pos = {(c.row, c.col): c for c in table.cells}
    assert (by_pos[(0, 0)].rowspan, by_pos[(0, 0)].colspan) == (2, 3)
    assert by_pos[(0, 0)].text == "勾稽关系"
    assert set(by_pos) == {(0, 0), (0, 3), (1, 3), (2, 0), (2, 1), (2, 2), (2, 3)}
    assert [c.text for c in table.cells].count("勾稽关系") == 1


def test_grid_before_shifts_the_row():
    doc = read(
        tbl(
            tr(tc("a"), tc("b"), tc("c")),
            tr(tc("x"), tc("y"), props='<w:gridBefore w:val="1"/>'),
            cols=3,
        )
    )
    (t,) = doc.tables
    assert [(c.text, c.col) for c in t.rows()[1]] == [("x", 1), ("y", 2)]
    assert t.rows()[1][0].locator == {"table": 1, "row": 2, "col": 2}


def _grid_of(merges: list[tuple[int, int, int, int]], rows: int, cols: int) -> bytes:
    d = docx.Document()
    t = d.add_table(rows=rows, cols=cols)
    for i, (r0, c0, r1, c1) in enumerate(merges):
        cell = t.cell(r0, c0).merge(t.cell(r1, c1)) if (r0, c0) != (r1, c1) else t.cell(r0, c0)
        cell.paragraphs[0].add_run(f"m{i}")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


@st.composite
def _merges(draw):
    rows, cols = draw(st.integers(2, 6)), draw(st.integers(1, 6))  # one row of one cell is a frame
    taken: set[tuple[int, int]] = set()
    merges = []
    for _ in range(draw(st.integers(0, 6))):
        r0, c0 = draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))
        r1, c1 = draw(st.integers(r0, rows - 1)), draw(st.integers(c0, cols - 1))
        area = {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        if area & taken:
            continue
        taken |= area
        merges.append((r0, c0, r1, c1))
    return rows, cols, merges


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_merges())
def test_random_merges_tile_the_grid_once(case):
    """Whatever the merges, every grid position is covered by exactly one cell, each merge's text
    appears once, at its top-left corner, with the merge's size."""
    rows, cols, merges = case
    (t,) = extract(_grid_of(merges, rows, cols), "docx").tables
    seen: dict[tuple[int, int], int] = {}
    for c in t.cells:
        for rr in range(c.row, c.row + c.rowspan):
            for cc in range(c.col, c.col + c.colspan):
                seen[(rr, cc)] = seen.get((rr, cc), 0) + 1
    assert seen == {(rr, cc): 1 for rr in range(rows) for cc in range(cols)}
    for i, (r0, c0, r1, c1) in enumerate(merges):
        hits = [c for c in t.cells if c.text == f"m{i}"]
        assert len(hits) == 1
        assert (hits[0].row, hits[0].col, hits[0].rowspan, hits[0].colspan) == (
            r0,
            c0,
            r1 - r0 + 1,
            c1 - c0 + 1,
        )


# -- nesting and order ---------------------------------------------------------------------------------


def test_nested_tables_are_blocks_of_their_own_counted_where_they_appear():
    inner = tbl(tr(tc("内1"), tc("内2")), cols=2)
    outer = tbl(tr(tc(p("外层标题") + inner), tc("右")), tr(tc("下左"), tc("下右")), cols=2)
    doc = read(p("前言") + outer + p("中间") + tbl(tr(tc("后表"), tc("")), cols=2))
    kinds = [(type(b).__name__, b.locator.get("table") or b.locator.get("paragraph")) for b in doc.blocks]
    assert kinds == [("Paragraph", 1), ("Table", 1), ("Table", 2), ("Paragraph", 2), ("Table", 3)]
    outer_t, inner_t, last = doc.tables
    assert outer_t.cells[0].text == "外层标题"  # the nested table's text is not in the outer cell
    assert [c.text for c in inner_t.cells] == ["内1", "内2"]
    assert inner_t.cells[1].locator == {"table": 2, "row": 1, "col": 2}
    assert last.cells[0].locator == {"table": 3, "row": 1, "col": 1} and last.cells[0].text == "后表"


def test_content_controls_at_every_level():
    sdt_row = f"<w:sdt><w:sdtPr/><w:sdtContent>{tr(tc('控件行'), tc('7'))}</w:sdtContent></w:sdt>"
    sdt_cell = f"<w:sdt><w:sdtPr/><w:sdtContent>{tc('控件格')}</w:sdtContent></w:sdt>"
    sdt_run = f"<w:sdt><w:sdtPr/><w:sdtContent>{r('12')}</w:sdtContent></w:sdt>"
    placeholder = f"<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>{r('单击此处输入文字。')}</w:sdtContent></w:sdt>"
    table = tbl(
        sdt_row,
        tr(sdt_cell, tc(f"<w:p>{sdt_run}</w:p>")),
        tr(tc("空"), tc(f"<w:p>{placeholder}</w:p>")),
        cols=2,
    )
    body_sdt = f"<w:sdt><w:sdtPr/><w:sdtContent>{p('控件段落')}{table}</w:sdtContent></w:sdt>"
    doc = read(body_sdt)
    assert [b.text for b in doc.paragraphs] == ["控件段落"]
    (t,) = doc.tables
    assert t.text_grid() == [["控件行", "7"], ["控件格", "12"], ["空", ""]]


# -- text --------------------------------------------------------------------------------------------


def test_runs_and_breaks_join_without_stray_spaces():
    cell_br = "<w:p><w:r><w:t>商业</w:t><w:br/><w:t>企业</w:t></w:r></w:p>"
    cell_paras = p("科研") + p("机构")
    cell_digits = "<w:p><w:r><w:t>12</w:t><w:br/><w:t>34</w:t></w:r></w:p>"
    doc = read(
        p(r("政府信息"), r("公开"), r("工作年度报告"))
        + tbl(tr(tc(cell_br), tc(cell_paras), tc(cell_digits), tc(p(r("1"), r("2")))), cols=4)
    )
    assert doc.paragraphs[0].text == "政府信息公开工作年度报告"
    assert doc.tables[0].text_grid() == [["商业企业", "科研机构", "12 34", "12"]]


def test_full_width_space_cells_keep_their_text_and_read_blank():
    doc = read(tbl(tr(tc("规章"), tc("\u3000\u3000"), tc(""), tc("3")), cols=4))
    assert doc.tables[0].text_grid() == [["规章", "\u3000\u3000", "", "3"]]
    data = fill_template({"t2.art20_1.rules.issued": "\u3000\u3000", "t2.art20_1.rules.repealed": "3"})
    cells = {c["cell"]: c for c in read_source("u3000.docx", data).cells}
    assert cells["t2.art20_1.rules.issued"]["status"] == "blank"
    assert cells["t2.art20_1.rules.issued"]["value"] is None
    assert cells["t2.art20_1.rules.repealed"]["value"] == 3.0


def test_tracked_changes_keep_insertions_and_drop_deletions():
    ins = '<w:ins w:id="1" w:author="a" w:date="2023-01-01T00:00:00Z">' + r("15") + "</w:ins>"
    dele = '<w:del w:id="2" w:author="a" w:date="2023-01-01T00:00:00Z"><w:r><w:delText>12</w:delText></w:r></w:del>'
    moved_from = (
        '<w:moveFrom w:id="3" w:author="a" w:date="2023-01-01T00:00:00Z">' + r("旧") + "</w:moveFrom>"
    )
    moved_to = '<w:moveTo w:id="4" w:author="a" w:date="2023-01-01T00:00:00Z">' + r("新") + "</w:moveTo>"
    deleted_row = tr(
        tc("删除的行"), tc("99"), props='<w:del w:id="5" w:author="a" w:date="2023-01-01T00:00:00Z"/>'
    )
    doc = read(
        p(moved_from, r("保留"), moved_to)
        + tbl(tr(tc("规章"), tc(f"<w:p>{dele}{ins}</w:p>")), deleted_row, tr(tc("行政许可"), tc("7")), cols=2)
    )
    assert doc.paragraphs[0].text == "保留新"
    assert doc.tables[0].text_grid() == [["规章", "15"], ["行政许可", "7"]]
    assert doc.tables[0].cells[2].locator == {"table": 1, "row": 2, "col": 1}


def test_hidden_text_is_dropped():
    doc = read(
        p(
            r("可见"),
            r("隐藏", "<w:vanish/>"),
            r("文字", '<w:vanish w:val="0"/>'),
            r("样式隐藏", '<w:rStyle w:val="Secret"/>'),
        )
        + tbl(tr(tc("规章"), tc(p(r("8"), r("0", "<w:vanish/>")))), cols=2),
        hidden_style=True,
    )
    assert doc.paragraphs[0].text == "可见文字"
    assert doc.tables[0].text_grid() == [["规章", "8"]]


def test_fields_keep_their_result_not_their_instruction_and_drop_page_numbers():
    def complex_field(instr: str, result: str) -> str:
        return (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            + r(result)
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        )

    simple = '<w:fldSimple w:instr=" DOCPROPERTY Agency ">' + r("某某局") + "</w:fldSimple>"
    page = '<w:fldSimple w:instr=" PAGE ">' + r("3") + "</w:fldSimple>"
    doc = read(
        p(simple, r("年报"), page)
        + tbl(
            tr(
                tc(f"<w:p>{complex_field('=SUM(LEFT)', '42')}</w:p>"),
                tc(f"<w:p>{complex_field('PAGE', '7')}</w:p>"),
            ),
            cols=2,
        )
    )
    assert doc.paragraphs[0].text == "某某局年报"
    assert doc.tables[0].text_grid() == [["42", ""]]


def test_headers_and_footers_stay_out():
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "某某市人民政府办公室"
    d.sections[0].footer.paragraphs[0].text = "— 1 —"
    d.add_paragraph("一、总体情况")
    out = io.BytesIO()
    d.save(out)
    doc = extract(out.getvalue(), "docx")
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["一、总体情况"]


# -- pictures ------------------------------------------------------------------------------------------


def _png(width: int, height: int) -> io.BytesIO:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buf, format="PNG")
    buf.seek(0)
    return buf


def test_report_with_its_tables_as_pictures_needs_ocr():
    d = docx.Document()
    d.add_paragraph("某某局2022年政府信息公开工作年度报告")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    d.add_picture(_png(300, 200), width=Cm(15))
    out = io.BytesIO()
    d.save(out)
    rows = read_source("pictures.docx", out.getvalue())
    assert rows.report["format"] == "docx"
    assert rows.report["status"] == "needs_ocr"
    assert "image" in rows.report["error"] and "OCR" in rows.report["error"]
    doc = extract(out.getvalue(), "docx")
    (image,) = doc.meta["images"]
    assert image["name"] == "image1.png" and image["bytes"] > 0 and image["reportish"]
    assert image["locator"] == {"paragraph": 3}
    assert image["width_cm"] == pytest.approx(15, abs=0.01)


def test_small_pictures_and_pictures_in_cells_are_listed_but_do_not_stop_the_reading():
    d = docx.Document()
    d.add_paragraph("某某局2022年政府信息公开工作年度报告")
    d.add_picture(_png(40, 40), width=Cm(3))  # a seal
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 1).paragraphs[0].add_run().add_picture(_png(300, 100), width=Cm(12))
    out = io.BytesIO()
    d.save(out)
    doc = extract(out.getvalue(), "docx")
    assert doc.status is None
    seal, in_cell = doc.meta["images"]
    assert not seal["reportish"] and seal["locator"] == {"paragraph": 2}
    assert in_cell["reportish"] and in_cell["locator"] == {"table": 1, "row": 1, "col": 2}


# -- files that cannot be read -------------------------------------------------------------------------


def test_truncated_docx_is_detected_as_docx_and_fails_with_a_reason():
    data = fill_template({})
    broken = data[: len(data) // 2]
    assert detect(broken, "report.docx") == "docx"
    assert detect(data[:3000], "") == "docx"  # only the first entries survive
    with pytest.raises(ExtractionError) as err:
        extract(broken, "docx")
    assert err.value.status == "failed"
    rows = read_source("broken.docx", broken)
    assert (rows.report["format"], rows.report["status"]) == ("docx", "failed")
    assert rows.report["error"].startswith("corrupt DOCX")


def test_password_protected_docx_is_failed_before_anything_else():
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(fill_template({}))).encrypt("secret", encrypted)
    data = encrypted.getvalue()
    for name, fmt in (("report.docx", "docx"), ("", "docx"), ("tables.xlsx", "xlsx")):
        assert detect(data, name) == fmt
        rows = read_source(name or "upload", data, name=name)
        assert (rows.report["format"], rows.report["status"]) == (fmt, "failed")
        assert "password-protected" in rows.report["error"]


def test_zip_that_is_not_word_or_excel():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("附件/说明.txt", "政府信息公开工作年度报告")
        z.writestr("mimetype", "application/epub+zip")
    rows = read_source("attachments.zip", buf.getvalue())
    assert (rows.report["format"], rows.report["status"]) == ("unknown", "failed")
    assert rows.report["error"] == "a zip archive that is not a Word (DOCX) or Excel (XLSX) document"


def test_word_package_without_a_body_or_with_a_foreign_main_part():
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(fill_template({}))) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = b'<?xml version="1.0"?><w:document ' + NS.encode() + b"></w:document>"
            dst.writestr(item, data)
    with pytest.raises(ExtractionError, match="no body"):
        extract(buf.getvalue(), "docx")


def test_blocks_are_paragraphs_and_tables_only():
    doc = extract(fill_template({}), "docx")
    assert all(isinstance(b, Paragraph | Table) for b in doc.blocks)
    assert [t.locator["table"] for t in doc.tables] == [1, 2, 3]


def test_packages_that_unpack_too_large_are_refused(monkeypatch):
    from ogi.extractors import ooxml

    monkeypatch.setattr(ooxml, "MAX_UNPACKED_BYTES", 10_000)
    rows = read_source("huge.docx", fill_template({}))
    assert (rows.report["format"], rows.report["status"]) == ("docx", "failed")
    assert rows.report["error"].startswith("DOCX too large")


def test_an_unclosed_field_does_not_swallow_the_rest():
    broken = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> MERGEFIELD x </w:instrText></w:r>'
    )
    doc = read(p(broken, r("坏字段")) + p("一、总体情况") + tbl(tr(tc("规章"), tc("3")), cols=2))
    assert [b.text for b in doc.paragraphs] == ["一、总体情况"]
    assert doc.tables[0].text_grid() == [["规章", "3"]]


def test_a_document_made_of_imported_chunks_says_so():
    doc = read('<w:altChunk r:id="rIdMissing"/>')
    assert doc.status == "failed" and "altChunk" in doc.reason


def test_a_one_cell_table_is_a_frame_around_running_text():
    boxed = tbl(tr(tc(p("一、总体情况") + p("本机关……") + tbl(tr(tc("规章"), tc("3")), cols=2))), cols=1)
    doc = read(p("标题") + boxed + tbl(tr(tc("行政许可"), tc("7")), cols=2))
    assert [(type(b).__name__, b.locator) for b in doc.blocks] == [
        ("Paragraph", {"paragraph": 1}),
        ("Paragraph", {"paragraph": 2}),
        ("Paragraph", {"paragraph": 3}),
        ("Table", {"table": 1}),
        ("Table", {"table": 2}),
    ]
    assert doc.tables[0].text_grid() == [["规章", "3"]]
