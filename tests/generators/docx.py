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
) -> bytes:
    """The agency template filled with ``values`` (cell key → printed text), as DOCX bytes.

    A key without a value leaves its cell empty (``keep_placeholders`` keeps the template's U+3000
    instead). A value may hold ``\\n`` (printed as a line break in the cell). ``sections`` maps
    ``preamble``, ``s1_overview``, ``s5_problems``, ``s6_other`` to prose (paragraphs split at
    ``\\n``). Unknown keys raise ``KeyError``: a generator must never drop a value silently.
    """
    if version not in ("2021", "2019"):
        raise ValueError(f"version must be 2021 or 2019, not {version!r}")
    base = template if template is not None else TEMPLATE.read_bytes()
    document = docx.Document(BytesIO(_laid_out(base, version, other_single_row or version == "2019")))
    t2, t3, t4 = document.tables[:3]
    tables = (t2, t3, t4)
    positions = {
        key: (tables[t], r, c) for key, (t, r, c) in cell_positions(version, other_single_row).items()
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
                    insert_paragraphs_after(p._p, sections["preamble"])
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
    out = BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue())


@functools.lru_cache(maxsize=16)
def _laid_out(template: bytes, version: str, single: bool) -> bytes:
    """The template with the variant's table structure (2019 table 二, （六） as one row), unfilled.

    Cached: building the 2019 table with python-docx merges takes a few tenths of a second.
    """
    document = docx.Document(BytesIO(template))
    t2, t3, _t4 = document.tables[:3]
    if single:
        _single_other_row(t3)
    if version == "2019":
        _table2_2019(document, t2)
    else:
        for r, label in _T2_2021_LABELS.items():
            assert t2.cell(r, 0).text.strip() == label, (r, t2.cell(r, 0).text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def cell_positions(version: str = "2021", other_single_row: bool = False) -> dict[str, tuple[int, int, int]]:
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
    for i, row_key in enumerate(t3_rows(version, single)):
        for j, col in enumerate(T3_COLS):
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


def insert_paragraphs_after(p: Any, text: str) -> None:
    """New paragraphs (one per line of ``text``) after ``p``, formatted like it."""
    anchor = p
    for line in text.split("\n"):
        new = OxmlElement("w:p")
        ppr = p.find(qn("w:pPr"))
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
        new._tbl.replace(new_pr, copy.deepcopy(old_pr))
    _ruled(new._tbl)
    for r, row in enumerate(_ROWS_2019):
        for text, first, last in row:
            cell = new.cell(r, first)
            if last > first:
                cell = cell.merge(new.cell(r, last))
            set_cell_text(cell._tc, "" if text.startswith("{") else text)
    old._tbl.addprevious(new._tbl)
    old._tbl.getparent().remove(old._tbl)
    return new


def _ruled(tbl: Any) -> None:
    """Single rules around and between all cells (the template draws its rules per cell, which a table
    built anew does not have): printed, the 2019 table 二 is ruled like the others."""
    pr = tbl.find(qn("w:tblPr"))
    if pr is None:
        return
    old = pr.find(qn("w:tblBorders"))
    if old is not None:
        pr.remove(old)  # the template's table-level borders are all "none"
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    # Schema order: tblBorders comes after tblStyle … tblInd (before shd, layout, cellMar, look).
    after = [qn(f"w:{t}") for t in ("shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption")]
    anchor = next((c for c in pr if c.tag in after), None)
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        pr.append(borders)
