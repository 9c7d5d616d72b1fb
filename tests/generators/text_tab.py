"""The tab-indented text rendering of a Word report, exactly as ``jiaxing-stats-2022.txt`` shows it.

One cell per line led by a tab; a wrapped cell continues on an untabbed line; a cell Word merged into the
cell above (a vertical merge) and an empty cell are a lone tab; a blank line ends a table row; paragraphs
are untabbed lines. Horizontal spans are lost (a merged cell is printed once).
"""

from __future__ import annotations

import random
from typing import Any

from tests.generators.report import (
    SECTION_HEADINGS,
    T3_GROUPS,
    T3_ROWS,
    T4_BLOCKS,
    T4_COLUMNS,
    Report,
    note_after,
    prose_after,
    prose_before,
)

#: Header labels Word wrapped in the 嘉兴 rendering (cell text on two lines).
_WRAP = {"商业企业", "科研机构", "结果纠正", "其他结果", "其它结果", "尚未审结", "结果维持"}
#: ... except 结果维持 in the first header row of table 四, which 嘉兴 prints on one line.
_WRAP_T4_TOP = _WRAP - {"结果维持"}


def _cell(text: str) -> list[str]:
    """The lines of one cell: a tab, then the text; a line break inside the cell starts an untabbed line."""
    lines = text.split("\n")
    return ["\t" + lines[0], *lines[1:]]


def _wrapped(text: str, wrap: frozenset[str] | set[str] = _WRAP) -> str:
    return text[:2] + "\n" + text[2:] if text in wrap else text


class _Out:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def para(self, text: str) -> None:
        self.lines.append(text)

    def row(self, cells: list[str]) -> None:
        for c in cells:
            self.lines += _cell(c)
        self.lines.append("")

    def end_table(self) -> None:
        self.lines.append("")


def render(rep: Report, stem: str = "report") -> tuple[bytes, dict[str, Any]]:
    """The report as the tab-indented text rendering, and its expected values."""
    rng = random.Random(f"text:{rep.seed}")
    out = _Out()
    out.lines += ["", "", ""]
    for line in rep.title_lines():
        out.para(line)
    for p in prose_before(rep):
        out.para(p)
    out.para(SECTION_HEADINGS["s2"])
    _table2(rep, out)
    out.end_table()
    for p in note_after(rep, "t2"):
        out.para(p)
    out.para(SECTION_HEADINGS["s3"])
    _table3(rep, out)
    out.end_table()
    for p in note_after(rep, "t3"):
        out.para(p)
    if rng.random() < 0.3:
        out.para("[bookmark: _GoBack]")
    out.para(SECTION_HEADINGS["s4"])
    _table4(rep, out)
    out.end_table()
    for p in prose_after(rep):
        out.para(p)
    text = "\n".join(out.lines) + "\n"
    expected = rep.expected(f"{stem}.txt", header_read=False)
    expected["variants"] = sorted(rep.variants)
    return text.encode("utf-8"), expected


def _table2(rep: Report, out: _Out) -> None:
    for n, (item, numeral, cols, rows) in enumerate(rep.t2_items()):
        if n and "split_table2" in rep.variants:
            out.end_table()
            out.para("")  # Word keeps an empty paragraph between two tables
        out.row([rep.caption(numeral)])
        out.row(["信息内容"] + [label for _k, label in cols])
        for row, label in rows:
            out.row([rep.spaced(rep.qi(label), 1)] + [rep.t2[f"t2.{item}.{row}.{c}"].text for c, _ in cols])
            if item == "art20_1" and row == "normative_docs" and rep.extra_t2_row:
                extra_label, values = rep.extra_t2_row
                out.row([extra_label, *values[: len(cols)]])


def _table3(rep: Report, out: _Out) -> None:
    cols = rep.t3_columns()
    legal = [k for k, _ in cols if k not in ("natural_person", "total")]
    # Header: the note (3×3 corner) and 申请人情况; then 自然人 | 法人或其他组织 | 总计; then the five (six) labels.
    out.row([rep.note or "", "申请人情况"])
    out.row(["", rep.t3_column_label("natural_person"), "法人或其他组织", rep.t3_column_label("total")])
    out.row(["", ""] + [_wrapped(rep.t3_column_label(k)) for k in legal] + [""])
    group_seen: set[str] = set()
    results_seen = False
    for n, key in enumerate(rep.t3_rows()):
        if n == rep.style["t3_break"] and "split_table3" in rep.variants:
            out.end_table()
            out.para("（续表）")
        _k, level, _n, _t, group = next(r for r in T3_ROWS if r[0] == key)
        values = [rep.t3[f"t3.{key}.{c}"].text for c, _ in cols]
        if level == 0:
            out.row([rep.t3_label(key), *values])
            continue
        labels: list[str] = []
        # Column 1: 三、本年度办理结果 (vertical, printed in its first row, a lone tab below).
        labels.append("" if results_seen else rep.t3_heading("results"))
        results_seen = True
        if level == 1:
            labels.append(rep.t3_label(key))
        else:
            assert group is not None
            labels.append("" if group in group_seen else rep.t3_heading(group))
            group_seen.add(group)
            labels.append(rep.t3_label(key))
        out.row(labels + values)
    assert set(T3_GROUPS) >= group_seen


def _table4(rep: Report, out: _Out) -> None:
    out.row(["行政复议", "行政诉讼"])
    out.row(
        [_wrapped(rep.t4_column_label(k), _WRAP_T4_TOP) for k, _ in T4_COLUMNS]
        + [T4_BLOCKS[1][1], T4_BLOCKS[2][1]]
    )
    out.row([""] * 5 + [_wrapped(rep.t4_column_label(k)) for k, _ in T4_COLUMNS] * 2)
    out.row([rep.t4[f"t4.{b}.{c}"].text for b, _ in T4_BLOCKS for c, _ in T4_COLUMNS])
