"""Realistic Word reports made from the real agency template (``agency-template-2021.docx``).

``fill_template(values)`` writes known cell values (canonical keys, printed strings) into the template's
three tables, clearing its U+3000 placeholders, and optionally a title and section prose. Variants:

- ``other_single_row=True``: （六）其他处理 printed as one data row (its three sub-rows deleted), as
  淮安市洪泽区 prints it in 2021-format reports;
- ``version="2019"``: table 二 replaced by the 2019 layout (five items, 上一年项目数量/本年增/减 …, made
  with python-docx merges) and （六） as one row, as the 2019 format has it.

The template is only edited where values go; its merges, borders and fonts stay as agencies receive them.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.generators import deterministic_zip
from tests.generators.report import Report
from tests.generators.values import T3_COLS, T4_BLOCKS, T4_COLS, t3_rows

TEMPLATE = Path(__file__).resolve().parents[1] / "fixtures" / "office" / "agency-template-2021.docx"

# Grid positions (row, column; 0-based) of the value cells in the template's table 二 (2021).
_T2_2021: dict[str, tuple[int, int]] = {
    "t2.art20_1.rules.issued": (2, 1),
    "t2.art20_1.rules.repealed": (2, 2),
    "t2.art20_1.rules.in_force": (2, 3),
    "t2.art20_1.normative_docs.issued": (3, 1),
    "t2.art20_1.normative_docs.repealed": (3, 2),
    "t2.art20_1.normative_docs.in_force": (3, 3),
    "t2.art20_5.admin_license.decisions": (6, 1),
    "t2.art20_6.admin_penalty.decisions": (9, 1),
    "t2.art20_6.admin_coercion.decisions": (10, 1),
    "t2.art20_8.admin_fees.fee_amount": (13, 1),
}
#: Labels the positions above are checked against (the template must not have moved under us).
_T2_2021_LABELS = {
    2: "规章",
    3: "行政规范性文件",
    6: "行政许可",
    9: "行政处罚",
    10: "行政强制",
    13: "行政事业性收费",
}

# The 2019 table 二 built by ``_table2_2019``: five grid columns, as 上海市人民政府办公厅 2019 prints it.
# Each row: list of (text, first grid column, last grid column); "{key}" marks a value cell.
_ROWS_2019: list[list[tuple[str, int, int]]] = [
    [("第二十条第（一）项", 0, 4)],
    [("信息内容", 0, 0), ("本年新\n制作数量", 1, 1), ("本年新\n公开数量", 2, 3), ("对外公开总数量", 4, 4)],
    [
        ("规章", 0, 0),
        ("{t2.art20_1.rules.new_made}", 1, 1),
        ("{t2.art20_1.rules.new_published}", 2, 3),
        ("{t2.art20_1.rules.public_total}", 4, 4),
    ],
    [
        ("规范性文件", 0, 0),
        ("{t2.art20_1.normative_docs.new_made}", 1, 1),
        ("{t2.art20_1.normative_docs.new_published}", 2, 3),
        ("{t2.art20_1.normative_docs.public_total}", 4, 4),
    ],
    [("第二十条第（五）项", 0, 4)],
    [("信息内容", 0, 0), ("上一年项目数量", 1, 1), ("本年增/减", 2, 3), ("处理决定数量", 4, 4)],
    [
        ("行政许可", 0, 0),
        ("{t2.art20_5.admin_license.prev_year_items}", 1, 1),
        ("{t2.art20_5.admin_license.change}", 2, 3),
        ("{t2.art20_5.admin_license.decisions}", 4, 4),
    ],
    [
        ("其他对外管理服务事项", 0, 0),
        ("{t2.art20_5.other_mgmt_services.prev_year_items}", 1, 1),
        ("{t2.art20_5.other_mgmt_services.change}", 2, 3),
        ("{t2.art20_5.other_mgmt_services.decisions}", 4, 4),
    ],
    [("第二十条第（六）项", 0, 4)],
    [("信息内容", 0, 0), ("上一年项目数量", 1, 1), ("本年增/减", 2, 3), ("处理决定数量", 4, 4)],
    [
        ("行政处罚", 0, 0),
        ("{t2.art20_6.admin_penalty.prev_year_items}", 1, 1),
        ("{t2.art20_6.admin_penalty.change}", 2, 3),
        ("{t2.art20_6.admin_penalty.decisions}", 4, 4),
    ],
    [
        ("行政强制", 0, 0),
        ("{t2.art20_6.admin_coercion.prev_year_items}", 1, 1),
        ("{t2.art20_6.admin_coercion.change}", 2, 3),
        ("{t2.art20_6.admin_coercion.decisions}", 4, 4),
    ],
    [("第二十条第（八）项", 0, 4)],
    [("信息内容", 0, 0), ("上一年项目数量", 1, 2), ("本年增/减", 3, 4)],
    [
        ("行政事业性收费", 0, 0),
        ("{t2.art20_8.admin_fees.prev_year_items}", 1, 2),
        ("{t2.art20_8.admin_fees.change}", 3, 4),
    ],
    [("第二十条第（九）项", 0, 4)],
    [("信息内容", 0, 0), ("采购项目数量", 1, 2), ("采购总金额", 3, 4)],
    [
        ("政府集中采购", 0, 0),
        ("{t2.art20_9.gov_central_procurement.procurement_items}", 1, 2),
        ("{t2.art20_9.gov_central_procurement.procurement_amount}", 3, 4),
    ],
]

#: The key of the 小计 column (法人或其他组织小计) some reports add to table 三 (spec D12).
SUBTOTAL = "legal_person_subtotal"

# Table 三: first data row and first value column of the template's grid.
_T3_FIRST_ROW = 3
_T3_FIRST_COL = 3
# Table 四: the value row.
_T4_ROW = 3

#: Template paragraphs the section prose replaces.
_PROSE_SLOTS = {
    "s1_overview": ("一、总体情况", "（文字描述）"),
    "s5_problems": ("五、存在的主要问题及改进情况", "（文字描述）"),
    "s6_other": ("六、其他需要报告的事项", "（文字描述，收取信息处理费情况在此处报告。）"),
}
_TEMPLATE_TITLE = "政府信息公开工作年度报告格式模板"


def fill_template(
    values: Mapping[str, str],
    *,
    title: str | None = None,
    sections: Mapping[str, str] | None = None,
    version: str = "2021",
    other_single_row: bool = False,
    keep_placeholders: bool = False,
    template: bytes | None = None,
    subtotal: bool = False,
) -> bytes:
    """The agency template filled with ``values`` (cell key → printed text), as DOCX bytes.

    A key without a value leaves its cell empty (``keep_placeholders`` keeps the template's U+3000
    instead). A value may hold ``\\n`` (printed as a line break in the cell). ``sections`` maps
    ``preamble``, ``s1_overview``, ``s5_problems``, ``s6_other`` to prose (paragraphs split at
    ``\\n``). ``subtotal`` adds a 小计 column to table 三 under 法人或其他组织 (keys
    ``t3.<row>.legal_person_subtotal``). Unknown keys raise ``KeyError``: a generator must never drop a
    value silently.
    """
    return save(
        build_document(
            values,
            title=title,
            sections=sections,
            version=version,
            other_single_row=other_single_row,
            keep_placeholders=keep_placeholders,
            template=template,
            subtotal=subtotal,
        )
    )


def save(document: Any) -> bytes:
    """A python-docx document as DOCX bytes (deterministic: equal content, equal bytes)."""
    out = BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue())


def build_document(
    values: Mapping[str, str],
    *,
    title: str | None = None,
    sections: Mapping[str, str] | None = None,
    version: str = "2021",
    other_single_row: bool = False,
    keep_placeholders: bool = False,
    template: bytes | None = None,
    subtotal: bool = False,
) -> Any:
    """``fill_template``'s document as a python-docx ``Document``, for callers that edit it further."""
    if version not in ("2021", "2019"):
        raise ValueError(f"version must be 2021 or 2019, not {version!r}")
    base = template if template is not None else TEMPLATE.read_bytes()
    document = docx.Document(
        BytesIO(_laid_out(base, version, other_single_row or version == "2019", subtotal))
    )
    t2, t3, t4 = document.tables[:3]
    tables = (t2, t3, t4)
    positions = {
        key: (tables[t], r, c)
        for key, (t, r, c) in cell_positions(version, other_single_row, subtotal).items()
    }
    unknown = sorted(set(values) - set(positions))
    if unknown:
        raise KeyError(f"no cell for {unknown[:5]} in the {version} template")
    # python-docx's ``table.cell`` rebuilds the whole grid on every call: build it once per table.
    grids = {id(t): (t._cells, t._column_count) for t in tables}
    for key, (table, r, c) in positions.items():
        cells, n_cols = grids[id(table)]
        tc = cells[r * n_cols + c]._tc
        if key in values:
            set_cell_text(tc, values[key])
        elif not keep_placeholders:
            set_cell_text(tc, "")

    items = list(document.paragraphs)  # before the preamble goes in
    if title is not None:
        for p in document.paragraphs:
            if p.text.strip() == _TEMPLATE_TITLE:
                set_paragraph_text(p._p, title)
                if sections and sections.get("preamble"):
                    # Body text, formatted like the template's 「（文字描述）」 paragraphs (not centred
                    # like the title above it).
                    body = next(q for q in items if q.text.strip() == _PROSE_SLOTS["s1_overview"][1])
                    insert_paragraphs_after(p._p, sections["preamble"], like=body._p)
                break
    for key, (heading, placeholder) in _PROSE_SLOTS.items():
        if not sections or key not in sections:
            continue
        for i, p in enumerate(items[:-1]):
            if p.text.strip() == heading and items[i + 1].text.strip() == placeholder:
                target = items[i + 1]._p
                lines = sections[key].split("\n")
                set_paragraph_text(target, lines[0])
                if len(lines) > 1:
                    insert_paragraphs_after(target, "\n".join(lines[1:]))
                break
    return document


@functools.lru_cache(maxsize=16)
def _laid_out(template: bytes, version: str, single: bool, subtotal: bool = False) -> bytes:
    """The template with the variant's table structure (2019 table 二, （六） as one row, a 小计
    column), unfilled.

    Cached: building the 2019 table with python-docx merges takes a few tenths of a second.
    """
    document = docx.Document(BytesIO(template))
    t2, t3, _t4 = document.tables[:3]
    if single:
        _single_other_row(t3)
    if subtotal:
        _subtotal_column(t3)
    if version == "2019":
        _table2_2019(document, t2)
    else:
        for r, label in _T2_2021_LABELS.items():
            assert t2.cell(r, 0).text.strip() == label, (r, t2.cell(r, 0).text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def cell_positions(
    version: str = "2021", other_single_row: bool = False, subtotal: bool = False
) -> dict[str, tuple[int, int, int]]:
    """Where each value cell is in the filled template: key → (table index 0–2, grid row, grid column)."""
    single = other_single_row or version == "2019"
    out: dict[str, tuple[int, int, int]] = {}
    if version == "2019":
        for r, row in enumerate(_ROWS_2019):
            for text, first, _last in row:
                if text.startswith("{"):
                    out[text[1:-1]] = (0, r, first)
    else:
        out.update({k: (0, r, c) for k, (r, c) in _T2_2021.items()})
    columns = [*T3_COLS[:-1], SUBTOTAL, T3_COLS[-1]] if subtotal else list(T3_COLS)
    for i, row_key in enumerate(t3_rows(version, single)):
        for j, col in enumerate(columns):
            out[f"t3.{row_key}.{col}"] = (1, _T3_FIRST_ROW + i, _T3_FIRST_COL + j)
    for b, block in enumerate(T4_BLOCKS):
        for j, col in enumerate(T4_COLS):
            out[f"t4.{block}.{col}"] = (2, _T4_ROW, 5 * b + j)
    return out


# -- editing helpers (also used by the unit tests to build odd documents) ---------------------------


def set_cell_text(tc: Any, text: str) -> None:
    """Replace a cell's content by ``text`` in one paragraph (``\\n`` → line break), keeping the first
    paragraph's formatting."""
    paragraphs = tc.findall(qn("w:p"))
    if not paragraphs:
        paragraphs = [OxmlElement("w:p")]
        tc.append(paragraphs[0])
    for extra in paragraphs[1:]:
        tc.remove(extra)
    set_paragraph_text(paragraphs[0], text)


def set_paragraph_text(p: Any, text: str) -> None:
    """Replace a paragraph's runs by one run of ``text`` formatted like the paragraph mark."""
    for child in list(p):
        if child.tag != qn("w:pPr"):
            p.remove(child)
    if text == "":
        return
    run = OxmlElement("w:r")
    mark = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
    if mark is not None:
        rpr = OxmlElement("w:rPr")
        for prop in mark:
            if prop.tag not in (qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo")):
                rpr.append(copy.deepcopy(prop))
        run.append(rpr)
    for i, line in enumerate(text.split("\n")):
        if i:
            run.append(OxmlElement("w:br"))
        t = OxmlElement("w:t")
        t.text = line
        t.set(qn("xml:space"), "preserve")
        run.append(t)
    p.append(run)


def insert_paragraphs_after(p: Any, text: str, like: Any = None) -> None:
    """New paragraphs (one per line of ``text``) after ``p``, formatted like it (or like ``like``)."""
    anchor = p
    model = p if like is None else like
    for line in text.split("\n"):
        new = OxmlElement("w:p")
        ppr = model.find(qn("w:pPr"))
        if ppr is not None:
            new.append(copy.deepcopy(ppr))
        set_paragraph_text(new, line)
        anchor.addnext(new)
        anchor = new


def _single_other_row(t3: Any) -> None:
    """（六）其他处理 as one data row: its label spans both label columns, its sub-rows are deleted."""
    tbl = t3._tbl
    rows = tbl.findall(qn("w:tr"))
    first = 3 + 2 + 18  # header rows, 一/二, then （一）…（五） (2 + 8 + 3 + 5 rows)
    tr = rows[first]
    tcs = tr.findall(qn("w:tc"))
    label, sub = tcs[1], tcs[2]
    assert "其他处理" in "".join(label.itertext()), "template changed: （六） not where expected"
    tcpr = label.find(qn("w:tcPr"))
    vmerge = tcpr.find(qn("w:vMerge"))
    if vmerge is not None:
        tcpr.remove(vmerge)
    span = tcpr.find(qn("w:gridSpan"))
    if span is None:
        span = OxmlElement("w:gridSpan")
        tcpr.insert(1, span)
    span.set(qn("w:val"), "2")
    width = tcpr.find(qn("w:tcW"))
    sub_width = sub.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    if width is not None and sub_width is not None:
        width.set(qn("w:w"), str(int(width.get(qn("w:w"))) + int(sub_width.get(qn("w:w")))))
    tr.remove(sub)
    for extra in rows[first + 1 : first + 3]:
        tbl.remove(extra)


def _table2_2019(document: Any, old: Any) -> Any:
    """Replace the template's table 二 by the 2019 layout (same borders), built with python-docx."""
    new = document.add_table(rows=len(_ROWS_2019), cols=5)
    old_pr = old._tbl.find(qn("w:tblPr"))
    new_pr = new._tbl.find(qn("w:tblPr"))
    if old_pr is not None and new_pr is not None:
        new_pr = copy.deepcopy(old_pr)
        new._tbl.replace(new._tbl.find(qn("w:tblPr")), new_pr)
    if new_pr is not None:
        # The template rules its cells one by one (its table borders are 「none」); the rebuilt table
        # gets the same grid from table borders (else the PDF shows no rules at all).
        old_borders = new_pr.find(qn("w:tblBorders"))
        if old_borders is not None:
            new_pr.remove(old_borders)
        borders = OxmlElement("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            b = OxmlElement(f"w:{side}")
            b.set(qn("w:val"), "single")
            b.set(qn("w:sz"), "8")
            b.set(qn("w:space"), "0")
            b.set(qn("w:color"), "auto")
            borders.append(b)
        later = [
            c
            for c in new_pr
            if c.tag in {qn(f"w:{t}") for t in ("shd", "tblLayout", "tblCellMar", "tblLook")}
        ]
        if later:
            later[0].addprevious(borders)
        else:
            new_pr.append(borders)
    for r, row in enumerate(_ROWS_2019):
        for text, first, last in row:
            cell = new.cell(r, first)
            if last > first:
                cell = cell.merge(new.cell(r, last))
            set_cell_text(cell._tc, "" if text.startswith("{") else text)
    old._tbl.addprevious(new._tbl)
    old._tbl.getparent().remove(old._tbl)
    return new


def _grid_tcs(tr: Any) -> list[tuple[int, int, Any]]:
    """The ``w:tc`` of a row with the first grid column each starts at and its span."""
    out = []
    col = 0
    for tc in tr.findall(qn("w:tc")):
        span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
        n = int(span.get(qn("w:val"))) if span is not None else 1
        out.append((col, n, tc))
        col += n
    return out


def _subtotal_column(t3: Any) -> None:
    """A 小计 column after 其他, under 法人或其他组织 (the column govnianbao's 8-column table has).

    The label column 2 gives up the new column's width, so the table stays as wide as before.
    """
    tbl = t3._tbl
    grid = tbl.tblGrid.findall(qn("w:gridCol"))
    other = len(grid) - 2  # the 其他 column, before 总计
    width = int(grid[other].get(qn("w:w")))
    new_col = copy.deepcopy(grid[other])
    grid[other].addnext(new_col)
    grid[2].set(qn("w:w"), str(int(grid[2].get(qn("w:w"))) - width))
    for r, tr in enumerate(tbl.findall(qn("w:tr"))):
        for start, n, tc in _grid_tcs(tr):
            tcpr = tc.find(qn("w:tcPr"))
            if start <= 2 < start + n:  # the label cell covering column 2 gets narrower
                w = tcpr.find(qn("w:tcW"))
                w.set(qn("w:w"), str(int(w.get(qn("w:w"))) - width))
            if not start <= other < start + n:
                continue
            if n > 1:  # 申请人情况, 法人或其他组织: one column wider
                tcpr.find(qn("w:gridSpan")).set(qn("w:val"), str(n + 1))
                w = tcpr.find(qn("w:tcW"))
                w.set(qn("w:w"), str(int(w.get(qn("w:w"))) + width))
            else:
                new = copy.deepcopy(tc)
                set_cell_text(new, "小计" if r == 2 else "")
                tc.addnext(new)


# -- a generated report (tests/generators/report.py) as a Word document ------------------------------

#: The template's table-二 caption and header rows, by version: grid row → item index.
_T2_CAPTIONS = {"2021": (0, 4, 7, 11), "2019": (0, 4, 8, 12, 15)}


def report_document(rep: Report) -> Any:
    """The report printed into the agency template, every layout variant of ``rep`` applied, as a
    python-docx document (``render`` saves it; the PDF and DOC renderers edit it further)."""
    from tests.generators.report import note_after, prose_after, prose_before

    values = {k: p.text for k, p in rep.cells().items()}
    before = prose_before(rep)
    after = prose_after(rep)
    s6 = after.index(SECTION_HEADINGS_6)
    sections = {
        "preamble": before[0],
        "s1_overview": "\n".join(before[2:]),
        "s5_problems": "\n".join(after[1:s6]),
        "s6_other": "\n".join(after[s6 + 1 :]),
    }
    title = rep.title_lines() or [""]
    document = build_document(
        values,
        title=title[0],
        sections=sections,
        version=rep.version,
        other_single_row=rep.other_single_row,
        subtotal=rep.subtotal,
    )
    for p in document.paragraphs:
        if title[0] and p.text.strip() == title[0]:
            if len(title) > 1:
                insert_paragraphs_after(p._p, "\n".join(title[1:]))
            break
    header = rep.page_header()
    if header:  # the agency in the page header, printed on every page
        section = document.sections[0]
        section.header.is_linked_to_previous = False
        section.header.paragraphs[0].text = header
    t2, t3, t4 = document.tables[:3]
    _label_table2(rep, t2)
    _label_table3(rep, t3)
    _label_table4(rep, t4)
    if rep.extra_t2_row:
        _extra_row(t2, 3, [rep.extra_t2_row[0], *rep.extra_t2_row[1]])
    pieces2 = _split_table2(t2) if "split_table2" in rep.variants else [t2._tbl]
    pieces3 = [t3._tbl]
    if "split_table3" in rep.variants:
        pieces3 = [t3._tbl, _split_table3(rep, t3._tbl)]
    for pieces, table in ((pieces2, "t2"), (pieces3, "t3")):
        notes = note_after(rep, table)
        if notes:
            _paragraphs_after_table(pieces[-1], notes)
    return document


SECTION_HEADINGS_6 = "六、其他需要报告的事项"


def render(rep: Report, stem: str = "report") -> tuple[bytes, dict[str, Any]]:
    """The report as a Word document made from the agency template, and its expected values.

    Every layout variant of the report is printed: the Word template expresses them all (2019 table 二,
    （六） as one row, a 小计 column, an extra table-二 row, label and numbering variants, blank and
    「/」 zeros, tables split in pieces, prose, notes, the title on two lines).
    """
    data = save(report_document(rep))
    expected = rep.expected(f"{stem}.docx")
    expected["variants"] = sorted(rep.variants)
    return data, expected


def _grid(table: Any) -> tuple[list[Any], int]:
    return table._cells, table._column_count


def _text(el: Any) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def _relabel(tc: Any, text: str) -> None:
    """Put ``text`` in a label cell unless it already says that (keeps the template's line breaks)."""
    if "".join(_text(tc).split()) != text:
        set_cell_text(tc, text)


def _label_table2(rep: Report, t2: Any) -> None:
    cells, n = _grid(t2)
    for (_item, numeral, _cols, rows), top in zip(rep.t2_items(), _T2_CAPTIONS[rep.version], strict=True):
        _relabel(cells[top * n]._tc, rep.caption(numeral))
        for i, (_key, label) in enumerate(rows):
            _relabel(cells[(top + 2 + i) * n]._tc, rep.spaced(rep.qi(label), 1))


def _label_table3(rep: Report, t3: Any) -> None:
    from tests.generators.report import T3_ROWS

    cells, n = _grid(t3)
    info = {r[0]: r for r in T3_ROWS}
    corner = cells[0]._tc
    set_cell_text(corner, rep.note or "")
    columns = [k for k, _l in rep.t3_columns()]
    _relabel(cells[1 * n + 3]._tc, rep.t3_column_label("natural_person"))
    _relabel(cells[1 * n + 3 + len(columns) - 1]._tc, rep.t3_column_label("total"))
    for j, key in enumerate(columns[1:-1]):
        _relabel(cells[2 * n + 4 + j]._tc, rep.t3_column_label(key))
    results_done = False
    groups_done: set[str] = set()
    for i, key in enumerate(rep.t3_rows()):
        r = _T3_FIRST_ROW + i
        _k, level, _num, _text, group = info[key]
        if level == 0:
            _relabel(cells[r * n]._tc, rep.t3_label(key))
            continue
        if not results_done:
            _relabel(cells[r * n]._tc, rep.t3_heading("results"))
            results_done = True
        if level == 1:
            _relabel(cells[r * n + 1]._tc, rep.t3_label(key))
            continue
        assert group is not None
        if group not in groups_done:
            _relabel(cells[r * n + 1]._tc, rep.t3_heading(group))
            groups_done.add(group)
        _relabel(cells[r * n + 2]._tc, rep.t3_label(key))


def _label_table4(rep: Report, t4: Any) -> None:
    from tests.generators.report import T4_COLUMNS

    cells, n = _grid(t4)
    for j, (key, _label) in enumerate(T4_COLUMNS):
        text = rep.t4_column_label(key)
        _relabel(cells[1 * n + j]._tc, text)
        _relabel(cells[2 * n + 5 + j]._tc, text)
        _relabel(cells[2 * n + 10 + j]._tc, text)


def _extra_row(table: Any, after: int, texts: list[str]) -> None:
    """A copy of grid row ``after`` inserted below it, its cells holding ``texts`` (left to right)."""
    tr = table._tbl.findall(qn("w:tr"))[after]
    new = copy.deepcopy(tr)
    tcs = new.findall(qn("w:tc"))
    assert len(tcs) == len(texts), (len(tcs), texts)
    for tc, text in zip(tcs, texts, strict=True):
        set_cell_text(tc, text)
    tr.addnext(new)


def _new_table_like(tbl: Any, rows: list[Any]) -> Any:
    """An empty ``w:tbl`` with ``tbl``'s properties and grid, holding ``rows`` (moved, not copied)."""
    new = OxmlElement("w:tbl")
    for child in tbl:
        if child.tag in (qn("w:tblPr"), qn("w:tblGrid")):
            new.append(copy.deepcopy(child))
    for tr in rows:
        new.append(tr)
    return new


def _empty_paragraph() -> Any:
    return OxmlElement("w:p")


def _split_table2(t2: Any) -> list[Any]:
    """Table 二 as one table per 第二十条 item, an empty paragraph between them (Word keeps one)."""
    tbl = t2._tbl
    trs = tbl.findall(qn("w:tr"))
    starts = [i for i, tr in enumerate(trs) if "第二十条" in _text(tr)]
    pieces = [tbl]
    anchor = tbl
    for a, b in zip(starts[1:], [*starts[2:], len(trs)], strict=True):
        new = _new_table_like(tbl, trs[a:b])
        gap = _empty_paragraph()
        anchor.addnext(gap)
        gap.addnext(new)
        pieces.append(new)
        anchor = new
    return pieces


def _split_table3(rep: Report, tbl: Any) -> Any:
    """Table 三 broken before data row ``style["t3_break"]``: a paragraph 「（续表）」 and a second
    table without header. Labels merged down across the break restart in the second piece, printed
    again or left empty as Word's 「拆分表格」 leaves them (drawn per report)."""
    trs = tbl.findall(qn("w:tr"))
    first = _T3_FIRST_ROW + rep.style["t3_break"]
    moved = trs[first:]
    repeat = rep.seed % 2 == 0
    # The text of each vertically merged label over the break, by grid column.
    above: dict[int, str] = {}
    for tr in trs[:first]:
        for start, _n, tc in _grid_tcs(tr):
            kind = _vmerge(tc)
            if kind == "restart":
                above[start] = _text(tc)
            elif kind is None:
                above.pop(start, None)
    for start, _n, tc in _grid_tcs(moved[0]):
        if _vmerge(tc) == "continue":
            tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}").set(qn("w:val"), "restart")
            set_cell_text(tc, above.get(start, "") if repeat else "")
        # The template rules each cell's bottom and right; the new table's first row needs its top,
        # and its first column its left, as the first table has them.
        _rule(tc, "top")
    for tr in moved:
        tcs = tr.findall(qn("w:tc"))
        if tcs:
            _rule(tcs[0], "left")
    new = _new_table_like(tbl, moved)
    caption = OxmlElement("w:p")
    set_paragraph_text(caption, "（续表）")
    tbl.addnext(caption)
    caption.addnext(new)
    return new


def _rule(tc: Any, side: str) -> None:
    """A single rule on one side of a cell (its other borders as they are)."""
    pr = tc.find(qn("w:tcPr"))
    borders = pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        later = [c for c in pr if c.tag in {qn(f"w:{t}") for t in ("shd", "noWrap", "tcMar", "vAlign")}]
        if later:
            later[0].addprevious(borders)
        else:
            pr.append(borders)
    old = borders.find(qn(f"w:{side}"))
    b = OxmlElement(f"w:{side}")
    for name, value in (("val", "single"), ("color", "auto"), ("sz", "8"), ("space", "0")):
        b.set(qn(f"w:{name}"), value)
    if old is not None:
        old.addprevious(b)
        borders.remove(old)
    else:
        order = ["top", "left", "bottom", "right"]
        later = [c for c in borders if c.tag.rsplit("}", 1)[-1] in order[order.index(side) + 1 :]]
        if later:
            later[0].addprevious(b)
        else:
            borders.append(b)


def _vmerge(tc: Any) -> str | None:
    vm = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    if vm is None:
        return None
    return vm.get(qn("w:val")) or "continue"


def _paragraphs_after_table(tbl: Any, texts: list[str]) -> None:
    anchor = tbl
    for text in texts:
        p = OxmlElement("w:p")
        set_paragraph_text(p, text)
        anchor.addnext(p)
        anchor = p
