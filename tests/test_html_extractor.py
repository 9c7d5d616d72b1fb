"""The HTML extractor: grids with spans, nested and layout tables, cell text, encodings, chrome, metadata
and the page-level statuses (attachment only, tables as images)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ogi.extractors import detect
from ogi.extractors.html.decode import decode_html
from ogi.extractors.html.walk import extract
from ogi.extractors.model import Table
from ogi.run.source import read_source
from tests.cms_site import JIAXING_TITLE, cms_page, jiaxing_body, tables_2021


def grid_of(table: Table) -> set[tuple[str, int, int, int, int]]:
    return {(c.text, c.row, c.col, c.rowspan, c.colspan) for c in table.cells}


# -- grids -----------------------------------------------------------------------------------------------


def test_rowspan_and_colspan_place_cells_once_at_their_top_left() -> None:
    html = """<table>
      <tr><td rowspan="2">A</td><td colspan="2">B</td><td>C</td></tr>
      <tr><td>D</td><td rowspan="0">E</td><td>F</td></tr>
      <tr><td colspan="2">G</td><td>H</td></tr>
      <tr><td>I</td><td rowspan="5">J</td></tr>
    </table>"""
    doc = extract(html.encode())
    (t,) = doc.tables
    assert grid_of(t) == {
        ("A", 0, 0, 2, 1), ("B", 0, 1, 1, 2), ("C", 0, 3, 1, 1),
        ("D", 1, 1, 1, 1), ("E", 1, 2, 3, 1), ("F", 1, 3, 1, 1),
        ("G", 2, 0, 1, 2), ("H", 2, 3, 1, 1),
        ("I", 3, 0, 1, 1), ("J", 3, 1, 1, 1),
    }  # fmt: skip
    locators = {c.text: c.locator for c in t.cells}
    assert locators["F"] == {"table": 1, "row": 2, "col": 4}
    assert t.locator == {"table": 1}


def test_table_three_header_of_the_2021_template() -> None:
    doc = extract(tables_2021({}, {}, [0] * 15).encode())
    two, three, four = doc.tables
    at = {(c.row, c.col): c for c in three.cells}
    assert (at[(0, 0)].rowspan, at[(0, 0)].colspan) == (3, 3)
    assert at[(0, 0)].text == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert (at[(1, 3)].text, at[(1, 3)].rowspan) == ("自然人", 2)
    assert (at[(1, 4)].text, at[(1, 4)].colspan) == ("法人或其他组织", 5)
    assert (at[(1, 9)].text, at[(1, 9)].rowspan) == ("总计", 2)
    assert at[(2, 4)].text == "商业企业" and at[(2, 5)].text == "科研机构"
    assert (at[(5, 0)].text, at[(5, 0)].rowspan) == ("三、本年度办理结果", 22)
    assert (at[(7, 1)].text, at[(7, 1)].rowspan) == ("（三）不予公开", 8)
    assert (at[(23, 1)].text, at[(23, 1)].rowspan) == ("（六）其他处理", 3)
    assert three.n_rows == 28 and three.n_cols == 10
    assert four.n_cols == 15 and {(c.row, c.col) for c in four.cells if c.text == "未经复议直接起诉"} == {
        (1, 5)
    }
    assert [c.locator["table"] for c in (two.cells[0], three.cells[0], four.cells[0])] == [1, 2, 3]


@st.composite
def tilings(draw: st.DrawFn) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """A grid of rows × cols covered exactly by rectangles (r, c, rowspan, colspan)."""
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 6))
    free = [[True] * n_cols for _ in range(n_rows)]
    rects = []
    for r in range(n_rows):
        for c in range(n_cols):
            if not free[r][c]:
                continue
            max_cs = 1
            while c + max_cs < n_cols and free[r][c + max_cs]:
                max_cs += 1
            cs = draw(st.integers(1, max_cs))
            rs = draw(st.integers(1, n_rows - r))
            for rr in range(r, r + rs):
                if not all(free[rr][c : c + cs]):
                    rs = rr - r
                    break
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    free[rr][cc] = False
            rects.append((r, c, rs, cs))
    return n_rows, n_cols, rects


@settings(max_examples=150, deadline=None)
@given(tilings())
def test_any_spanned_grid_round_trips(tiling: tuple[int, int, list[tuple[int, int, int, int]]]) -> None:
    n_rows, n_cols, rects = tiling
    if n_cols < 2:
        return  # a one-column table is read as layout (paragraphs)
    rows = []
    for r in range(n_rows):
        tds = "".join(
            f'<td rowspan="{rs}" colspan="{cs}">{rr}-{cc}</td>' for rr, cc, rs, cs in rects if rr == r
        )
        rows.append(f"<tr>{tds}</tr>")
    doc = extract(f"<table>{''.join(rows)}</table>".encode())
    (t,) = doc.tables
    assert grid_of(t) == {(f"{r}-{c}", r, c, rs, cs) for r, c, rs, cs in rects}


# -- nested and layout tables ---------------------------------------------------------------------------


def test_nested_table_is_its_own_block_and_stays_out_of_the_outer_cell() -> None:
    html = """<table>
      <tr><td>项目</td><td>数量</td><td>备注</td></tr>
      <tr><td>行政处罚</td><td>13</td><td>明细见下表<table>
          <tr><td>月份</td><td>件数</td></tr><tr><td>1月</td><td>7</td></tr><tr><td>2月</td><td>6</td></tr>
      </table></td></tr>
    </table><p>说明</p>"""
    doc = extract(html.encode())
    outer, inner = doc.tables
    assert outer.text_grid() == [["项目", "数量", "备注"], ["行政处罚", "13", "明细见下表"]]
    assert inner.text_grid() == [["月份", "件数"], ["1月", "7"], ["2月", "6"]]
    assert outer.locator == {"table": 1} and inner.locator == {"table": 2}
    assert inner.cells[-1].locator == {"table": 2, "row": 3, "col": 2}
    assert [type(b).__name__ for b in doc.blocks] == ["Table", "Table", "Paragraph"]


def test_layout_tables_are_read_as_flow() -> None:
    report = tables_2021({}, {}, [0] * 15)
    page = f"""<table width="100%"><tr><td><a href="/">首页</a></td></tr>
      <tr><td><p>2022年某局政府信息公开工作年度报告</p>{report}</td></tr></table>"""
    doc = extract(page.encode())
    assert len(doc.tables) == 3
    assert doc.tables[0].locator == {"table": 1}
    assert "2022年某局政府信息公开工作年度报告" in [p.text for p in doc.paragraphs]


def test_a_two_column_page_layout_is_read_as_flow() -> None:
    prose = "<p>一、总体情况</p>" + "<p>" + "本机关认真贯彻落实条例。" * 40 + "</p>"
    page = f"""<table><tr><td><a href="/a">栏目一</a><br><a href="/b">栏目二</a></td>
      <td>{prose}</td></tr></table>{tables_2021({}, {}, [0] * 15)}"""
    doc = extract(page.encode())
    assert len(doc.tables) == 3 and doc.tables[0].locator == {"table": 1}
    assert "一、总体情况" in [p.text for p in doc.paragraphs]


# -- cell text -----------------------------------------------------------------------------------------


def test_cell_text_joins_lines_without_stray_spaces() -> None:
    html = """<table><tr>
      <td><p>本年新</p><p>制作数量</p></td><td>商业<br/>企业</td><td>结 果
      维持</td><td>Total<br>count</td><td>&nbsp;</td><td>　</td><td><p>&nbsp;</p><p>&nbsp;</p></td>
      <td><span>25</span><span>1000</span>元</td>
    </tr><tr><td>a</td><td>b</td><td>c</td><td>d</td><td>e</td><td>f</td><td>g</td><td>h</td></tr></table>"""
    (t,) = extract(html.encode()).tables
    assert t.text_grid()[0] == [
        "本年新制作数量",
        "商业企业",
        "结果维持",
        "Total count",
        "",
        "",
        "",
        "251000元",
    ]


def test_nbsp_cells_read_as_blank_through_the_pipeline() -> None:
    body = jiaxing_body().replace("<td><p>0</p></td>", "<td><p>&nbsp;</p></td>")
    rows = read_source("p.html", cms_page(JIAXING_TITLE, body).encode())
    cells = {c["cell"]: c for c in rows.cells}
    assert cells["t3.carried_over.natural_person"]["status"] == "blank"
    assert cells["t3.new_received.natural_person"]["value"] == 20


# -- encodings -----------------------------------------------------------------------------------------

TEXT = "<p>2022年朱镕基路街道办事处政府信息公开工作年度报告，喆</p>"


def test_gb2312_declared_page_with_characters_outside_gb2312() -> None:
    data = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>{TEXT}</body></html>'.encode(
        "gb18030"
    )
    text, encoding = decode_html(data)
    assert encoding == "gb18030" and "镕" in text and "喆" in text
    assert "朱镕基路" in extract(data).paragraphs[0].text


def test_utf8_declared_page_that_is_really_gbk() -> None:
    data = f'<meta charset="utf-8">{TEXT}'.encode("gbk")
    assert "镕" in extract(data).paragraphs[0].text


def test_latin1_declared_page_that_is_really_gbk() -> None:
    data = f'<meta charset="iso-8859-1">{TEXT}'.encode("gbk")
    assert extract(data).paragraphs[0].text.startswith("2022年朱镕基路")


def test_gbk_declared_page_that_is_really_utf8_and_bom_and_undeclared() -> None:
    assert "镕" in extract(f'<meta charset="gbk">{TEXT}'.encode()).paragraphs[0].text
    assert "镕" in extract(b"\xef\xbb\xbf" + TEXT.encode()).paragraphs[0].text
    assert "镕" in extract(TEXT.encode("gb18030")).paragraphs[0].text
    assert detect(TEXT.encode("gb18030")) == "html"


def test_a_few_corrupt_bytes_do_not_change_the_encoding() -> None:
    gbk = f'<meta charset="gbk">{TEXT}'.encode("gbk")
    text, encoding = decode_html(gbk[:-12] + b"\xff" + gbk[-12:])
    assert encoding == "gb18030" and "朱镕基路" in text
    utf8 = (TEXT * 20).encode()
    text, encoding = decode_html(utf8[:-12] + b"\xff" + utf8[-12:])
    assert encoding == "utf-8" and "朱镕基路" in text


def test_http_header_charset_is_used_for_other_encodings() -> None:
    data = "<p>政府資訊公開年報</p>".encode("big5")
    text, encoding = decode_html(data, "big5")
    assert encoding == "big5" and "政府資訊公開年報" in text


# -- chrome --------------------------------------------------------------------------------------------


def test_chrome_is_stripped_and_the_article_container_preferred() -> None:
    body = "<p>正文第一段。</p><p>正文第二段。</p>"
    doc = extract(cms_page("某局2022年度政府信息公开工作年度报告", body).encode())
    assert [p.text for p in doc.paragraphs] == ["正文第一段。", "正文第二段。"]


def test_sibling_editor_blocks_are_read_together() -> None:
    report = tables_2021({}, {"new_received": [1, 2, 3, 4, 5, 6, 21]}, [0] * 15)
    html = f"""<div class="nav"><p>导航</p></div>
      <div class="TRS_Editor"><p>某局2022年度政府信息公开工作年度报告</p><p>一、总体情况</p></div>
      <div class="share">分享</div>
      <div class="TRS_Editor">{report}</div><div class="footer">版权</div>"""
    doc = extract(html.encode())
    assert doc.paragraphs[0].text == "某局2022年度政府信息公开工作年度报告"
    assert len(doc.tables) == 3
    assert not any(p.text in ("导航", "分享", "版权") for p in doc.paragraphs)


def test_without_a_container_the_body_minus_chrome() -> None:
    html = """<html><head><title>x</title><style>p{color:red}</style></head><body>
      <nav><a href="/">首页</a></nav><header>网站头部</header>
      <div id="top">顶部</div>
      <div><p>报告正文。</p><p hidden>隐藏</p><p style="DISPLAY: none">也隐藏</p>
        <div class="bdsharebuttonbox">分享到</div><div class="share-box">分享</div>
        <script>alert("脚本")</script><noscript>请启用脚本</noscript></div>
      <footer>版权所有</footer><div class="copyright">备案号</div></body></html>"""
    assert [p.text for p in extract(html.encode()).paragraphs] == ["报告正文。"]


def test_class_names_inside_data_tables_never_shift_the_grid() -> None:
    html = """<table>
      <tr><td class="top">项目</td><td class="header">A</td><td class="nav">B</td></tr>
      <tr><td>甲</td><td><span class="top">12</span></td><td style="display:none">9</td></tr>
      <tr><td>乙</td><td>3</td><td>4</td></tr><tr><td>丙</td><td>5</td><td>6</td></tr></table>"""
    (t,) = extract(html.encode()).tables
    assert t.text_grid() == [["项目", "A", "B"], ["甲", "12", ""], ["乙", "3", "4"], ["丙", "5", "6"]]


def test_word_conditional_comments_real_and_leaked() -> None:
    html = """<div class="TRS_Editor">
      <!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->
      <p><!--[if !supportLists]-->1.<!--[endif]-->属于国家秘密</p>
      <p>&lt;!--[if gte mso 9]&gt;&lt;xml&gt;&lt;w:WordDocument&gt;&lt;/w:WordDocument&gt;&lt;/xml&gt;&lt;![endif]--&gt;正文</p>
      <p>&lt;!--[if !supportLists]--&gt;2.&lt;!--[endif]--&gt;其他法律行政法规禁止公开</p>
      <p>/* Style Definitions */ table.MsoNormalTable {mso-style-name:普通表格; mso-tstyle-rowband-size:0;}</p>
      <p>报告内容</p></div>"""
    texts = [p.text for p in extract(html.encode()).paragraphs]
    assert texts == ["1.属于国家秘密", "正文", "2.其他法律行政法规禁止公开", "报告内容"]


def test_br_separates_paragraphs_except_in_headings() -> None:
    html = "<div id='zoom'><h1>2019年某局<br>政府信息公开工作年度报告</h1><p>一、总体情况<br>　　正文。</p></div>"
    texts = [p.text for p in extract(html.encode()).paragraphs]
    assert texts == ["2019年某局政府信息公开工作年度报告", "一、总体情况", "正文。"]


def test_source_line_breaks_between_chinese_characters_vanish() -> None:
    html = "<p>本年度报告中所列数据统计期限从2019年1月1日到12月31日\n  止。Open Data\nPortal</p>"
    assert (
        extract(html.encode()).paragraphs[0].text
        == "本年度报告中所列数据统计期限从2019年1月1日到12月31日止。Open Data Portal"
    )


# -- metadata --------------------------------------------------------------------------------------------


def test_title_and_published_date_from_the_page() -> None:
    page = "<html><head><title>某局2022年度政府信息公开工作年度报告_某市人民政府</title></head><body><div class='info'>发布时间：2023-01-18 10:00</div><p>正文</p></body></html>"
    meta = extract(page.encode()).meta
    assert meta["title"] == "某局2022年度政府信息公开工作年度报告"
    assert meta["published"] == "2023-01-18"
    doc = extract(cms_page(JIAXING_TITLE, "<p>正文</p>", published="2023-01-20").encode())
    assert (doc.meta["title"], doc.meta["published"]) == (JIAXING_TITLE, "2023-01-20")


# -- statuses ------------------------------------------------------------------------------------------


def test_a_page_that_only_links_to_the_report_file() -> None:
    body = '<p>全文见附件。</p><p><a href="/files/P020230120.pdf">某局2022年度政府信息公开工作年度报告.pdf</a></p>'
    doc = extract(cms_page("某局2022年度政府信息公开工作年度报告", body).encode())
    assert doc.status == "attachment_only"
    assert "/files/P020230120.pdf" in (doc.reason or "")
    assert doc.meta["attachments"] == ["/files/P020230120.pdf"]
    rows = read_source("a.html", cms_page("某局2022年度政府信息公开工作年度报告", body).encode())
    assert rows.report["status"] == "attachment_only" and "P020230120.pdf" in rows.report["error"]


def test_a_notice_with_an_attachment_is_not_attachment_only() -> None:
    body = '<p>各单位：</p><p><a href="/files/form.docx">报名表.docx</a></p>'
    doc = extract(cms_page("关于开展培训的通知", body).encode())
    assert doc.status is None
    assert (
        read_source("n.html", cms_page("关于开展培训的通知", body).encode()).report["status"]
        == "not_a_report"
    )


def test_a_page_whose_tables_are_images() -> None:
    body = (
        "<p>某局2022年度政府信息公开工作年度报告</p><p>一、总体情况</p>"
        '<p><img src="/pic/t2.jpg" width="640"><img src="/images/icon_share.png"><img src="/pic/t3.jpg"></p>'
    )
    doc = extract(cms_page("某局2022年度政府信息公开工作年度报告", body).encode())
    assert doc.status == "needs_ocr"
    assert doc.meta["images"] == ["/pic/t2.jpg", "/pic/t3.jpg"]


def test_a_page_with_report_tables_has_no_page_status() -> None:
    body = jiaxing_body() + '<p><a href="/files/copy.pdf">下载PDF版</a><img src="/pic/x.jpg"></p>'
    assert extract(cms_page(JIAXING_TITLE, body).encode()).status is None


def test_fragment_without_html_or_body() -> None:
    doc = extract("<p>标题</p><table><tr><td>a</td><td>1</td></tr></table>".encode())
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Table"]
