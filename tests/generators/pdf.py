"""A generated report as a PDF: the Word rendering (``tests.generators.docx``) exported by LibreOffice.

Page-level layouts real agencies publish, drawn from the report's seed and listed in the expected file's
``variants``:

- ``page_break_t3``: paragraphs of prose pushed in before table 三, so that it starts low on a page
  and breaks across the page at a row that varies from report to report (the template's table 三 is
  nearly a page long: most reports break somewhere anyway);
- ``no_vertical_rules``: every vertical rule of every table removed (horizontal rules only);
- ``three_line_t3``: table 三 rebuilt as a flat 三线表, as agencies who retype the table print it: one
  header row of column labels, one label column (group headings such as （三）不予公开 as rows of their
  own), a rule above the header, one under it and one under the last row, nothing else; split in two
  tables with ``split_table3`` (the second without header).

Conversions go through ``tests.generators.libreoffice.convert_batch``: one soffice call for every file
not in the cache (``tests/.cache/libreoffice/``, keyed by the DOCX bytes, which are deterministic).
"""

from __future__ import annotations

import random
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips

from tests.generators.docx import report_document, save, set_paragraph_text
from tests.generators.report import Report

PDF_VARIANTS = ("page_break_t3", "no_vertical_rules", "three_line_t3")
FILLER = (
    "围绕重点领域信息公开，持续做好财政预决算、重大建设项目、公共资源配置、社会公益事业等信息的发布，"
    "及时回应社会关切，不断增强政府工作透明度，切实保障人民群众的知情权、参与权、表达权和监督权。"
)


def page_variants(rep: Report) -> list[str]:
    """The page-level layouts of this report (a function of its seed)."""
    rng = random.Random(f"pdf:{rep.seed}")
    out = [v for v in PDF_VARIANTS if rng.random() < 0.3]
    if "three_line_t3" in out and "no_vertical_rules" in out:
        out.remove("no_vertical_rules")
    return out


def layout_docx(rep: Report, variants: list[str]) -> bytes:
    """The Word document the PDF is exported from: the report with the page-level layouts applied."""
    document = report_document(rep)
    body = document.element.body
    tables = body.findall(qn("w:tbl"))
    t3_pieces = [t for t in tables if _is_t3(t)]
    if "page_break_t3" in variants:
        rng = random.Random(f"pdf-break:{rep.seed}")
        heading = next(
            p for p in body.findall(qn("w:p")) if _text(p).strip() == "三、收到和处理政府信息公开申请情况"
        )
        for _ in range(rng.randint(1, 14)):
            p = OxmlElement("w:p")
            set_paragraph_text(p, FILLER)
            heading.addprevious(p)
    if "no_vertical_rules" in variants:
        for tbl in tables:
            _no_vertical_rules(tbl)
    if "three_line_t3" in variants:
        for i, tbl in enumerate(t3_pieces):
            flat = _flat_table3(document, rep, first=i == 0, last=i == len(t3_pieces) - 1)
            tbl.addprevious(flat)
            tbl.getparent().remove(tbl)
    return save(document)


def render_batch(
    items: list[tuple[Report, str]], layouts: list[list[str] | None] | None = None
) -> list[tuple[bytes, dict[str, Any]]]:
    """Several reports as PDFs (one LibreOffice call for those not cached), with their expected values.

    ``layouts`` gives each report's page-level layouts (None: drawn from its seed, ``page_variants``).
    """
    from tests.generators.libreoffice import convert_batch

    docs: dict[str, bytes] = {}
    expected: list[dict[str, Any]] = []
    chosen = layouts or [None] * len(items)
    for (rep, stem), layout in zip(items, chosen, strict=True):
        variants = page_variants(rep) if layout is None else list(layout)
        docs[f"{stem}.docx"] = layout_docx(rep, variants)
        exp = rep.expected(f"{stem}.pdf")
        exp["variants"] = sorted(rep.variants | set(variants))
        expected.append(exp)
    pdfs = convert_batch(docs, "pdf", timeout=60 + 5 * len(docs))
    return [(pdfs[f"{stem}.docx"], exp) for (_rep, stem), exp in zip(items, expected, strict=True)]


def render(rep: Report, stem: str = "report") -> tuple[bytes, dict[str, Any]]:
    """One report as a PDF (prefer ``render_batch``: LibreOffice takes seconds to start)."""
    return render_batch([(rep, stem)])[0]


# -- editing the Word tables ----------------------------------------------------------------------------


def _text(el: Any) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def _is_t3(tbl: Any) -> bool:
    text = _text(tbl)
    return (
        "申请人情况" in text
        or "本年度办理结果" in text
        or "结转下年度继续办理" in text
        or ("予以公开" in text)
    )


def _borders(pr: Any, tag: str) -> Any:
    found = pr.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        # Schema order: tcBorders follows tcW/gridSpan/vMerge; tblBorders follows tblW/jc/tblInd.
        later = {
            "w:tcBorders": ("shd", "noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark"),
            "w:tblBorders": ("shd", "tblLayout", "tblCellMar", "tblLook"),
        }[tag]
        after = [c for c in pr if c.tag in {qn(f"w:{t}") for t in later}]
        if after:
            after[0].addprevious(found)
        else:
            pr.append(found)
    return found


def _set(borders: Any, side: str, on: bool) -> None:
    old = borders.find(qn(f"w:{side}"))
    if old is not None:
        borders.remove(old)
    b = OxmlElement(f"w:{side}")
    b.set(qn("w:val"), "single" if on else "nil")
    if on:
        b.set(qn("w:sz"), "8")
        b.set(qn("w:space"), "0")
        b.set(qn("w:color"), "auto")
    # Schema order of the sides: top, left (start), bottom, right (end), insideH, insideV.
    order = ["top", "left", "start", "bottom", "right", "end", "insideH", "insideV"]
    rank = order.index(side)
    later = [c for c in borders if c.tag.rsplit("}", 1)[-1] in order[rank + 1 :]]
    if later:
        later[0].addprevious(b)
    else:
        borders.append(b)


def _tcpr(tc: Any) -> Any:
    pr = tc.find(qn("w:tcPr"))
    if pr is None:
        pr = OxmlElement("w:tcPr")
        tc.insert(0, pr)
    return pr


def _tblpr(tbl: Any) -> Any:
    return tbl.find(qn("w:tblPr"))


def _no_vertical_rules(tbl: Any) -> None:
    table_borders = _borders(_tblpr(tbl), "w:tblBorders")
    for side in ("left", "right", "insideV"):
        _set(table_borders, side, False)
    for tc in tbl.iter(qn("w:tc")):
        borders = _borders(_tcpr(tc), "w:tcBorders")
        for side in ("left", "right"):
            _set(borders, side, False)


def _flat_table3(document: Any, rep: Report, first: bool, last: bool) -> Any:
    """Table 三 (or its first or second piece) as a flat 三线表 ``w:tbl``: labels in one column."""
    from tests.generators.report import T3_ROWS

    info = {r[0]: r for r in T3_ROWS}
    rows = rep.t3_rows()
    brk = rep.style["t3_break"] if "split_table3" in rep.variants else len(rows)
    keys = rows[:brk] if first else rows[brk:]
    if first and last:
        keys = rows
    columns = rep.t3_columns()
    lines: list[list[str]] = []
    if first:
        lines.append(["", *[rep.t3_column_label(k) for k, _l in columns]])
    results_done = False
    groups_done: set[str] = set()
    for key in keys:
        _k, level, _n, _t, group = info[key]
        if level > 0 and not results_done:
            lines.append([rep.t3_heading("results"), *[""] * len(columns)])
            results_done = True
        if level == 2 and group is not None and group not in groups_done:
            lines.append([rep.t3_heading(group), *[""] * len(columns)])
            groups_done.add(group)
        lines.append([rep.t3_label(key), *[rep.t3[f"t3.{key}.{c}"].text for c, _l in columns]])
    table = document.add_table(rows=len(lines), cols=1 + len(columns))
    tbl = table._tbl
    widths = [3400] + [600] * len(columns)
    for gc, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        gc.set(qn("w:w"), str(w))
    tblpr = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    table_borders = _borders(tblpr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _set(table_borders, side, False)
    for r, (row, texts) in enumerate(zip(table.rows, lines, strict=True)):
        for j, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
            cell.width = Twips(widths[j])
            tc = cell._tc
            p = tc.find(qn("w:p"))
            set_paragraph_text(p, text)
            for run in p.findall(qn("w:r")):
                rpr = OxmlElement("w:rPr")
                size = OxmlElement("w:sz")
                size.set(qn("w:val"), "16")
                rpr.append(size)
                run.insert(0, rpr)
            borders = _borders(_tcpr(tc), "w:tcBorders")
            _set(borders, "top", r == 0)
            _set(borders, "bottom", (first and r == 0) or r == len(lines) - 1)
    tbl.getparent().remove(tbl)  # add_table appended it at the end of the body
    return tbl
