"""A report as PDF→Markdown converters write it: headings with ``#`` marks, paragraphs, pipe tables.

Converters lose the tables' spans and often their shape. The styles below are the ones met in real
conversions (issue 14, item 5); each is a way of printing the same report model:

- ``plain``: one pipe table per table, spans flattened to empty cells, the header's first row as the
  Markdown header.
- ``t3_fragments``: table 三 split into one pipe table per row group, every piece after the first under
  an invented header 「| 项目 | | | 数据1 | … | 数据7 |」.
- ``t3_wrong_headers``: as ``t3_fragments``, but the last piece under a wrong header (table 四's five
  result labels, as a converter that took the next page's header prints it).
- ``t4_pieces``: table 四 (15 columns) split into three 5-column pipe tables, each with its slice of the
  header rows.
- ``loose_labels``: table 三's row labels moved out of their cells into loose lines above each piece; the
  rows keep their numbers under empty label cells.
"""

from __future__ import annotations

from typing import Any

from tests.generators.report import (
    SECTION_HEADINGS,
    T3_ROWS,
    T4_BLOCKS,
    T4_COLUMNS,
    Report,
    note_after,
    prose_after,
    prose_before,
)

MD_STYLES = ("plain", "t3_fragments", "t3_wrong_headers", "t4_pieces", "loose_labels")


def _pipe(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "｜").replace("\n", "") for c in cells) + " |"


def _table(rows: list[list[str]]) -> list[str]:
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return [_pipe(rows[0]), "|" + "---|" * width, *(_pipe(r) for r in rows[1:]), ""]


def render(rep: Report, stem: str = "report", style: str = "plain") -> tuple[bytes, dict[str, Any]]:
    """The report as Markdown in ``style``, and its expected values."""
    if style not in MD_STYLES:
        raise ValueError(f"unknown Markdown style {style}")
    out: list[str] = []
    for line in rep.title_lines():
        out += [f"# {line}", ""]
    for p in prose_before(rep):
        out += [p, ""]
    out += [f"## {SECTION_HEADINGS['s2']}", ""]
    for item, numeral, cols, rows in rep.t2_items():
        out += [rep.caption(numeral), ""]
        body = [["信息内容"] + [label for _k, label in cols]]
        for row, label in rows:
            body.append(
                [rep.spaced(rep.qi(label), 1)] + [rep.t2[f"t2.{item}.{row}.{c}"].text for c, _ in cols]
            )
        out += _table(body)
    out += note_after(rep, "t2")
    out += [f"## {SECTION_HEADINGS['s3']}", ""]
    out += _table3(rep, style)
    out += note_after(rep, "t3")
    out += [f"## {SECTION_HEADINGS['s4']}", ""]
    out += _table4(rep, style)
    for p in prose_after(rep):
        out += [p, ""]
    expected = rep.expected(f"{stem}.md")
    expected["variants"] = sorted(rep.variants)
    expected["md_style"] = style
    return ("\n".join(out) + "\n").encode("utf-8"), expected


def _t3_pieces(rep: Report) -> list[list[tuple[str, list[str], list[str]]]]:
    """Table 三's data rows as (key, label cells, values), grouped by row group (the fragments)."""
    cols = rep.t3_columns()
    pieces: list[list[tuple[str, list[str], list[str]]]] = []
    current: str | None = "top"
    group_seen: set[str] = set()
    results_seen = False
    for key in rep.t3_rows():
        _k, level, _n, _t, group = next(r for r in T3_ROWS if r[0] == key)
        values = [rep.t3[f"t3.{key}.{c}"].text for c, _ in cols]
        if level == 0:
            labels = [rep.t3_label(key), "", ""]
            piece = "top" if key != "carry_forward" else "end"
        else:
            head = "" if results_seen else rep.t3_heading("results")
            results_seen = True
            if level == 1:
                labels = [head, rep.t3_label(key), ""]
                piece = "results" if key not in ("results_total", "other_handling") else f"one:{key}"
            else:
                assert group is not None
                labels = [head, "" if group in group_seen else rep.t3_heading(group), rep.t3_label(key)]
                group_seen.add(group)
                piece = group
        if piece != current or not pieces:
            pieces.append([])
            current = piece
        pieces[-1].append((key, labels, values))
    return pieces


def _table3(rep: Report, style: str) -> list[str]:
    cols = rep.t3_columns()
    legal = [k for k, _ in cols if k not in ("natural_person", "total")]
    header = [
        [rep.note or "", "", "", "申请人情况"],
        ["", "", "", rep.t3_column_label("natural_person"), "法人或其他组织"]
        + [""] * (len(legal) - 1)
        + [rep.t3_column_label("total")],
        ["", "", "", ""] + [rep.t3_column_label(k) for k in legal] + [""],
    ]
    pieces = _t3_pieces(rep)
    if style in ("plain", "t4_pieces"):
        return _table(header + [labels + values for piece in pieces for _k, labels, values in piece])
    out: list[str] = []
    invented = ["项目", "", ""] + [f"数据{i}" for i in range(1, len(cols) + 1)]
    wrong = ["", "", ""] + [label for _k, label in T4_COLUMNS]
    for n, piece in enumerate(pieces):
        rows = [labels + values for _k, labels, values in piece]
        if style == "loose_labels":
            # The labels leave their cells and come before the piece, one line each.
            for _k, labels, _v in piece:
                out += [label for label in labels if label] + [""]
            rows = [["", "", "", *values] for _k, _l, values in piece]
        if n == 0:
            out += _table(header + rows)
        elif style == "t3_wrong_headers" and n == len(pieces) - 1:
            out += _table([wrong, *rows])
        else:
            out += _table([invented, *rows])
    return out


def _table4(rep: Report, style: str) -> list[str]:
    results = [rep.t4_column_label(k) for k, _ in T4_COLUMNS]
    values = [rep.t4[f"t4.{b}.{c}"].text for b, _ in T4_BLOCKS for c, _ in T4_COLUMNS]
    if style != "t4_pieces":
        return _table(
            [
                ["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
                [*results, T4_BLOCKS[1][1], "", "", "", "", T4_BLOCKS[2][1], "", "", "", ""],
                [""] * 5 + results * 2,
                values,
            ]
        )
    tops = [["行政复议", "", "", "", ""], ["行政诉讼", "", "", "", ""], ["", "", "", "", ""]]
    mids = [results, [T4_BLOCKS[1][1], "", "", "", ""], [T4_BLOCKS[2][1], "", "", "", ""]]
    lows = [[""] * 5, results, results]
    out: list[str] = []
    for i in range(3):
        out += _table([tops[i], mids[i], lows[i], values[5 * i : 5 * i + 5]])
    return out
