"""Word documents with known values, made from the real template, for the PDF fixtures.

LibreOffice turns them into PDFs (``tests/pdf_fixtures.py``); the values written here are the expected
values of the tests, so every number is chosen here and nowhere else. Three layouts:

- ``grid``: the template as agencies fill it, with enough prose before table 三 that it breaks across
  a page (vertical label 三、本年度办理结果 in its narrow column, merged labels on both sides);
- ``shaded``: every prose paragraph on a white background and the caption rows of table 二 shaded, as
  WPS exports do (fill-only rectangles that touch one another);
- ``threeline``: table 三 as a 三线表 (top rule, a rule under the header, bottom rule; no vertical rules);
- ``threeline-break``: the same 三线表 breaking across a page: the first page has the top and header
  rules, the next only the bottom rule.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

TEMPLATE = Path(__file__).parent.parent / "corpus" / "agency-template-2021.docx"

AGENCY = "示例市数据局"
YEAR = 2023
TITLE = f"{AGENCY}{YEAR}年政府信息公开工作年度报告"

#: Table 二 values by row label, in column order, and the keys they are expected under.
T2 = {
    "规章": ["2", "1", "15"],
    "行政规范性文件": ["7", "3", "42"],
    "行政许可": ["1205"],
    "行政处罚": ["88"],
    "行政强制": ["6"],
    "行政事业性收费": ["12.5"],
}

#: Table 三 rows in print order (label path, key) and the seven value columns.
T3_ROWS: list[tuple[str, str]] = [
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("（一）予以公开", "granted"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
    ("1.属于国家秘密", "denied_state_secret"),
    ("2.其他法律行政法规禁止公开", "denied_other_law"),
    ("3.危及“三安全一稳定”", "denied_three_security_one_stability"),
    ("4.保护第三方合法权益", "denied_third_party"),
    ("5.属于三类内部事务信息", "denied_internal_affairs"),
    ("6.属于四类过程性信息", "denied_process_info"),
    ("7.属于行政执法案卷", "denied_enforcement_file"),
    ("8.属于行政查询事项", "denied_admin_query"),
    ("1.本机关不掌握相关政府信息", "unable_not_held"),
    ("2.没有现成信息需要另行制作", "unable_need_creation"),
    ("3.补正后申请内容仍不明确", "unable_unclear"),
    ("1.信访举报投诉类申请", "not_processed_petition"),
    ("2.重复申请", "not_processed_duplicate"),
    ("3.要求提供公开出版物", "not_processed_publication"),
    ("4.无正当理由大量反复申请", "not_processed_massive"),
    ("5.要求行政机关确认或重新出具已获取信息", "not_processed_confirm"),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_overdue_correction"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_overdue_fee"),
    ("3.其他", "other_other"),
    ("（七）总计", "results_total"),
    ("四、结转下年度继续办理", "carry_forward"),
]
T3_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
T3_COL_KEYS = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
    "total",
]


def t3_values() -> list[list[int]]:
    """25 rows × 7 columns that satisfy the template's identities (every hard check passes)."""
    outcome_rows = 21  # （一） … （六）3
    cols: list[list[int]] = []
    for j in range(6):
        outcomes = [((r * 7 + j * 5) % 9) * (1 if j in (0, 1, 4) else 0) for r in range(outcome_rows)]
        total = sum(outcomes)
        carried_over = (j + 1) if j in (0, 1) else 0
        carried_forward = 2 * j + 1 if j in (0, 1, 4) else 0
        new = total + carried_forward - carried_over
        cols.append([new, carried_over, *outcomes, total, carried_forward])
    rows = [[cols[j][r] for j in range(6)] for r in range(len(T3_ROWS))]
    return [[*row, sum(row)] for row in rows]


T2_KEYS = {
    "规章": ["t2.art20_1.rules.issued", "t2.art20_1.rules.repealed", "t2.art20_1.rules.in_force"],
    "行政规范性文件": [
        "t2.art20_1.normative_docs.issued",
        "t2.art20_1.normative_docs.repealed",
        "t2.art20_1.normative_docs.in_force",
    ],
    "行政许可": ["t2.art20_5.admin_license.decisions"],
    "行政处罚": ["t2.art20_6.admin_penalty.decisions"],
    "行政强制": ["t2.art20_6.admin_coercion.decisions"],
    "行政事业性收费": ["t2.art20_8.admin_fees.fee_amount"],
}

#: Table 四: 行政复议 (5), 未经复议直接起诉 (5), 复议后起诉 (5).
T4 = ["3", "1", "0", "2", "6", "1", "0", "1", "0", "2", "0", "1", "0", "0", "1"]
T4_KEYS = [
    f"t4.{block}.{col}"
    for block in ("review", "litigation_direct", "litigation_after_review")
    for col in ("upheld", "corrected", "other_result", "pending", "total")
]


def expected_cells() -> dict[str, float]:
    """Every template cell of the fixtures with the value written into it."""
    out: dict[str, float] = {}
    for label, keys in T2_KEYS.items():
        for key, value in zip(keys, T2[label], strict=True):
            out[key] = float(value)
    for (_label, row), values in zip(T3_ROWS, t3_values(), strict=True):
        for col, value in zip(T3_COL_KEYS, values, strict=True):
            out[f"t3.{row}.{col}"] = float(value)
    for key, value in zip(T4_KEYS, T4, strict=True):
        out[key] = float(value)
    return out


PROSE = {
    "一": (
        f"{YEAR}年，{AGENCY}坚持以公开为常态、不公开为例外，认真贯彻落实《中华人民共和国政府信息公开条例》，"
        "不断完善政府信息公开工作机制，全面提升政务公开质量和实效。全年主动公开政府信息一千余条，"
        "办理政府信息公开申请按时答复率百分之百。"
    ),
    "五": "对照上级要求，还存在政策解读形式单一、公开内容更新不够及时等问题。下一步将加强培训，完善制度。",
    "六": f"{YEAR}年，本机关未收取信息处理费。",
}
#: Filler prose pushing table 三 across a page break in the ``grid`` layout.
FILLER = (
    "围绕重点领域信息公开，持续做好财政预决算、重大建设项目、公共资源配置、社会公益事业等信息的发布，"
    "及时回应社会关切，不断增强政府工作透明度，切实保障人民群众的知情权、参与权、表达权和监督权。"
)


def _set_text(tc: docx.oxml.CT_Tc, text: str) -> None:
    """Replace a cell's text, keeping the first run's formatting."""
    ps = tc.findall(qn("w:p"))
    p = ps[0]
    for extra in ps[1:]:
        tc.remove(extra)
    runs = p.findall(qn("w:r"))
    rpr = None
    if runs:
        found = runs[0].find(qn("w:rPr"))
        rpr = copy.deepcopy(found) if found is not None else None
        for r in runs:
            p.remove(r)
    r = OxmlElement("w:r")
    if rpr is not None:
        r.append(rpr)
    t = OxmlElement("w:t")
    t.text = text
    r.append(t)
    p.append(r)


def _unique_cells(row: docx.table._Row) -> list[docx.table._Cell]:
    seen: list[object] = []
    out = []
    for c in row.cells:
        if c._tc in seen:
            continue
        seen.append(c._tc)
        out.append(c)
    return out


def _shade(el: docx.oxml.xmlchemy.BaseOxmlElement, pr_tag: str, fill: str) -> None:
    pr = el.find(qn(pr_tag))
    if pr is None:
        pr = OxmlElement(pr_tag)
        el.insert(0, pr)
    for old in pr.findall(qn("w:shd")):
        pr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    pr.append(shd)


def _border(side: str, val: str = "single") -> docx.oxml.xmlchemy.BaseOxmlElement:
    b = OxmlElement(f"w:{side}")
    b.set(qn("w:val"), val)
    b.set(qn("w:sz"), "8" if val != "nil" else "0")
    b.set(qn("w:space"), "0")
    b.set(qn("w:color"), "000000" if val != "nil" else "auto")
    return b


def _fill_table2(table: docx.table.Table, shaded: bool) -> None:
    for row in table.rows:
        cells = _unique_cells(row)
        label = cells[0].text.strip()
        if label in T2:
            for cell, value in zip(cells[1:], T2[label], strict=True):
                _set_text(cell._tc, value)
        if shaded:
            fill = "C6D9F1" if label.startswith("第二十条") else "FFFFFF"
            for cell in cells:
                _shade(cell._tc, "w:tcPr", fill)


def _fill_table3(table: docx.table.Table) -> None:
    values = t3_values()
    for i, row in enumerate(table.rows[3:]):
        cells = _unique_cells(row)
        for cell, value in zip(cells[-7:], values[i], strict=True):
            _set_text(cell._tc, str(value))


def _narrow_first_column(table: docx.table.Table, width: int = 300) -> None:
    """Make table 三's first column one character wide, so 三、本年度办理结果 prints as a vertical label."""
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
    old = int(grid[0].get(qn("w:w")))
    grid[0].set(qn("w:w"), str(width))
    grid[2].set(qn("w:w"), str(int(grid[2].get(qn("w:w"))) + old - width))
    for tr in table._tbl.tr_lst:
        tcs = tr.tc_lst
        if len(tcs) < 2:
            continue
        first = tcs[0].tcPr
        span = first.find(qn("w:gridSpan"))
        if span is not None:
            continue
        tcw = first.find(qn("w:tcW"))
        delta = int(tcw.get(qn("w:w"))) - width
        tcw.set(qn("w:w"), str(width))
        # The label cell ending at grid column 2 takes the width the first column gave up.
        col = 1
        for tc in tcs[1:]:
            span = tc.tcPr.find(qn("w:gridSpan"))
            n = int(span.get(qn("w:val"))) if span is not None else 1
            if col <= 2 < col + n:
                w = tc.tcPr.find(qn("w:tcW"))
                w.set(qn("w:w"), str(int(w.get(qn("w:w"))) + delta))
                break
            col += n


def _fill_table4(table: docx.table.Table) -> None:
    cells = _unique_cells(table.rows[3])
    for cell, value in zip(cells, T4, strict=True):
        _set_text(cell._tc, value)


def _paragraph_after(anchor: docx.oxml.CT_P, text: str, shaded: bool) -> docx.oxml.CT_P:
    """A body paragraph (first-line indent of two characters) inserted after ``anchor``."""
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    ind = OxmlElement("w:ind")
    ind.set(qn("w:firstLineChars"), "200")
    ind.set(qn("w:firstLine"), "640")
    ppr.append(ind)
    p.append(ppr)
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "32")
    rpr.append(sz)
    r.append(rpr)
    t = OxmlElement("w:t")
    t.text = text
    r.append(t)
    p.append(r)
    if shaded:
        _shade(p, "w:pPr", "FFFFFF")
    anchor.addnext(p)
    return p


def _three_line_table3(doc: docx.document.Document, old: docx.table.Table) -> None:
    """Replace table 三 by a flat 三线表: one header row, one label column, no vertical rules."""
    labels = [
        ("一、本年新收政府信息公开申请数量", 0),
        ("二、上年结转政府信息公开申请数量", 1),
        ("三、本年度办理结果", None),
        ("（一）予以公开", 2),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 3),
        ("（三）不予公开", None),
        *[(T3_ROWS[i][0], i) for i in range(4, 12)],
        ("（四）无法提供", None),
        *[(T3_ROWS[i][0], i) for i in range(12, 15)],
        ("（五）不予处理", None),
        *[(T3_ROWS[i][0], i) for i in range(15, 20)],
        ("（六）其他处理", None),
        *[(T3_ROWS[i][0], i) for i in range(20, 23)],
        ("（七）总计", 23),
        ("四、结转下年度继续办理", 24),
    ]
    values = t3_values()
    table = doc.add_table(rows=1 + len(labels), cols=8)
    widths = [3800] + [600] * 7
    tbl = table._tbl
    for gc, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        gc.set(qn("w:w"), str(w))
    tblpr = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_border(side, "nil"))
    tblpr.append(borders)
    header = ["", *T3_COLS]
    for i, row in enumerate(table.rows):
        for j, cell in enumerate(row.cells):
            cell.width = docx.shared.Twips(widths[j])
            if i == 0:
                text = header[j]
            else:
                label, idx = labels[i - 1]
                text = label if j == 0 else ("" if idx is None else str(values[idx][j - 1]))
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.font.size = docx.shared.Pt(8)
            tcpr = cell._tc.get_or_add_tcPr()
            tcb = OxmlElement("w:tcBorders")
            if i == 0:
                tcb.append(_border("top"))
                tcb.append(_border("bottom"))
            if i == len(labels):
                tcb.append(_border("bottom"))
            tcpr.append(tcb)
    old._tbl.addnext(tbl)
    old._tbl.getparent().remove(old._tbl)


def build(layout: str) -> bytes:
    """The DOCX bytes of one fixture layout (``grid``, ``shaded``, ``threeline``, ``threeline-break``)."""
    doc = docx.Document(str(TEMPLATE))
    shaded = layout == "shaded"
    paragraphs = doc.paragraphs
    for p in paragraphs:
        if p.text.strip() == "政府信息公开工作年度报告格式模板":
            for r in p.runs[1:]:
                r._r.getparent().remove(r._r)
            p.runs[0].text = TITLE
    # Prose under each section heading in place of 「（文字描述）」.
    heading = None
    for p in doc.paragraphs:
        text = p.text.strip()
        if text[:2] in ("一、", "五、", "六、"):
            heading = text[0]
        elif text.startswith("（文字描述") and heading in PROSE:
            anchor = _paragraph_after(p._p, PROSE[heading], shaded)
            if heading == "一" and layout == "grid":
                for _ in range(7):
                    anchor = _paragraph_after(anchor, FILLER, shaded)
            if heading == "一" and layout == "threeline-break":
                for _ in range(3):
                    anchor = _paragraph_after(anchor, FILLER, shaded)
            if heading == "一" and layout == "shaded":
                for _ in range(2):
                    anchor = _paragraph_after(anchor, FILLER, shaded)
            p._p.getparent().remove(p._p)
    t2, t3, t4 = doc.tables
    _fill_table2(t2, shaded)
    _fill_table3(t3)
    if layout == "grid":
        _narrow_first_column(t3)
    _fill_table4(t4)
    if layout.startswith("threeline"):
        _three_line_table3(doc, t3)
    if layout == "threeline":
        # Table 三 starts a page, so the 三线表 has all three rules on one page.
        for p in doc.paragraphs:
            if p.text.strip().startswith("三、收到和处理"):
                p.paragraph_format.page_break_before = True
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def not_a_report() -> bytes:
    """A short meeting notice: readable text, no template tables, no report title."""
    doc = docx.Document()
    doc.add_paragraph("关于召开季度工作会议的通知")
    doc.add_paragraph("各科室：定于下周三上午九时在三楼会议室召开季度工作会议，请准时参加。")
    doc.add_paragraph("办公室")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
