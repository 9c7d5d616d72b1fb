"""Tables of converted text (PDF→Markdown and the like) whose row labels left their cells.

Converters sometimes write table 三's row labels as loose lines above the pipe table and leave the label
cells empty: 「（三）不予公开」「1.属于国家秘密」 … then 「|  | 0 | 0 | … |」 rows. The lines still give the rows
in order, so the rows are rebuilt by order: the loose lines that name table-三 rows (headings set the
group, as in a table) are paired one to one with the table's rows that have values and no label. Only an
exact one-to-one pairing is used: when the counts differ, nothing is paired and the rows stay unmapped.
"""

from __future__ import annotations

from ogi.extractors.model import Cell
from ogi.schema import labels as L
from ogi.schema.cells import is_value_like
from ogi.schema.label_fuzzy import fuzzy_match, t3_index
from ogi.schema.template import Label, Template
from ogi.schema.values import read_cell

_PRINTED = ("value", "placeholder")
#: A loose line longer than this is prose, not a row label.
MAX_LABEL = 48


def _name(t: Template, text: str, group: str | None) -> Label | None:
    row, _score = L.match_t3_row(t, text, group)
    if row is not None:
        return row
    scopes: list[str | None] = [None, "results"]
    if group is not None:
        scopes += [group, t.t3_row(group).group]
    return fuzzy_match(t3_index(t), text, scopes)


def _label_run(t: Template, lines: list[str], group: str | None) -> list[tuple[str, Label]]:
    """The last run of ``lines`` that all name table-三 rows, each with its row."""
    run: list[str] = []
    for line in reversed(lines):
        text = line.strip()
        if not text or len(L.squash(text)) > MAX_LABEL:
            break
        if _name(t, text, None) is None and not _fits_any_group(t, text):
            break
        run.append(text)
    run.reverse()
    named: list[tuple[str, Label]] = []
    current = group
    for text in run:
        row = _name(t, text, current)
        if row is None:
            return []
        if not row.data and not row.may_hold_values:
            current = row.key
        elif row.group is not None and row.data:
            current = row.group
        named.append((text, row))
    return named


def _fits_any_group(t: Template, text: str) -> bool:
    return any(_name(t, text, g.key) is not None for g in t.t3_rows if not g.data)


def _unlabelled(cells: list[Cell]) -> bool:
    """A row as wide as table 三's values (seven, or eight with a 小计 column) and no label words (all
    blank is a row too: a row of zeros printed empty)."""
    return len(cells) >= 6 and all(is_value_like(c) for c in cells)


def attach_loose_labels(
    t: Template, lines: list[str], rows: list[list[Cell]], group: str | None
) -> list[list[Cell]] | None:
    """``rows`` with the labels of the loose ``lines`` before the table put back in their cells, or None.

    Headings among the lines go in front of the next row's label, as a table prints them. A heading that
    may hold values (（六）其他处理) is a data row when no sub-row of its own follows it.
    """
    targets = [i for i, cells in enumerate(rows) if cells and _unlabelled(cells)]
    if not lines or not any(read_cell(c.text).status in _PRINTED for i in targets for c in rows[i]):
        return None
    named = _label_run(t, lines, group)
    labels: list[list[str]] = []
    pending: list[str] = []
    for n, (text, row) in enumerate(named):
        following = named[n + 1][1] if n + 1 < len(named) else None
        heading = not row.data and not (
            row.may_hold_values and (following is None or following.group != row.key)
        )
        if heading:
            pending.append(text)
            continue
        labels.append([*pending, text])
        pending = []
    if len(labels) != len(targets):
        return None
    out = [list(cells) for cells in rows]
    for i, texts in zip(targets, labels, strict=True):
        first = rows[i][0]
        out[i] = [Cell(text, first.row, -1, locator=dict(first.locator)) for text in texts] + rows[i]
    return out
