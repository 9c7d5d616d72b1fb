"""Recognition: finding tables 二, 三 and 四 in a document and mapping every printed cell to its key.

Tables are found by their content (第二十条 captions, the 自然人/总计 header, the 行政复议/行政诉讼 header),
never by position, and may arrive in pieces: one grid per 第二十条 item, a table continuing on the next
page with or without its header. All rows of all tables are read in document order by one small state
machine that knows which table it is in; rows and columns are mapped to keys by label
(``ogi.schema.labels``), values by the header's columns.

Values are aligned to columns in this order of preference: the row has exactly as many value cells as the
header has columns (map in order: this survives misaligned spans, as in 上海 2019's （五）（六） rows); the
table has true geometry (map by column overlap); otherwise the cells are recorded as missing, never
guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ogi.extractors.model import Cell, Document, Paragraph, Table
from ogi.schema import labels as L
from ogi.schema.cells import CellValue, Recognition, UnmappedRow, header_unit, is_value_like, reading_to_cell
from ogi.schema.converted import attach_loose_labels
from ogi.schema.label_fuzzy import FUZZY, fuzzy_find, fuzzy_match, match_locator, t2_index, t3_index
from ogi.schema.labels import match_t3_row
from ogi.schema.template import Item, Label, Template, load
from ogi.schema.values import read_cell
from ogi.schema.version import decide_version
from ogi.utils.text import IDEOGRAPHS

#: A number printed at the end of a label cell (「政府集中采购0」): the cell swallowed a value, as a PDF row
#: without column rules does when it is read with the grid of another table, so the row's values cannot be
#: placed with certainty.
_NUMBER_AFTER_LABEL = re.compile(rf"[{IDEOGRAPHS}）)]\s*[+\-−]?[0-9０-９][0-9０-９,，.．]*\s*$")


def _swallowed_value(label: str) -> bool:
    return _NUMBER_AFTER_LABEL.search(label.strip()) is not None


def _row_text(cells: list[Cell]) -> str:
    return "".join(L.normalize(c.text) for c in cells)


def _trailing_values(cells: list[Cell]) -> int:
    n = 0
    for c in reversed(cells):
        if not is_value_like(c):
            break
        n += 1
    return n


@dataclass
class _Column:
    """A value column found in a header: its key and the grid columns it spans."""

    key: str
    start: int
    end: int
    unit: str | None = None
    label: str = ""


def _map_values(
    values: list[Cell], columns: list[_Column], geometry: bool, leftover: list[Cell] | None = None
) -> list[tuple[_Column, Cell | None]] | None:
    """Pair a row's value cells with header columns, or None when the pairing is not certain.

    With ``leftover``, a printed value under no recognised header column (a header label misread) does
    not make the whole row uncertain: it is put in ``leftover`` and the others keep their columns.
    """
    if len(values) == len(columns):
        return list(zip(columns, values, strict=True))
    if geometry:
        out: list[tuple[_Column, Cell | None]] = []
        used: set[int] = set()
        for col in columns:
            hit = [
                (i, v)
                for i, v in enumerate(values)
                if v.col < col.end and col.start < v.col + v.colspan and i not in used
            ]
            printed = [h for h in hit if L.squash(h[1].text)]
            if len(hit) > 1 and len(printed) == 1:
                # A header over two grid columns with one printed cell under it (the other an empty
                # position of the grid): the printed one.
                hit = printed
            if len(hit) == 1 or (hit and hit[0][1].col == col.start):
                used.add(hit[0][0])
                out.append((col, hit[0][1]))
            elif not hit:
                out.append((col, None))
            else:
                return None
        uncovered = [v for i, v in enumerate(values) if i not in used and L.squash(v.text)]
        if uncovered and leftover is None:
            # A printed number no header column covers: the pairing is not certain.
            return None
        if leftover is not None:
            leftover.extend(uncovered)
        return out
    return None


class _State:
    def __init__(self, template: Template, rec: Recognition) -> None:
        self.t = template
        self.rec = rec
        self.kind: str | None = None
        # table 二
        self.item_key: str | None = None
        self.t2_cols: list[_Column] = []
        # A 信息内容 header seen with no 第二十条 caption: the item comes from the row labels below it.
        self.t2_inferred = False
        self.t2_header_cells: list[Cell] | None = None
        # The last 信息内容 header read (any item): rows of another item under it, or under their caption
        # printed apart from them, are read with it when its columns are that item's too.
        self.t2_last_header: list[Cell] | None = None
        self.votes: dict[str, int] = {"2021": 0, "2019": 0}
        # table 三
        self.t3_header_rows: list[tuple[list[Cell], bool]] = []
        self.t3_cols: list[_Column] = []
        self.t3_table_id: int | None = None
        self.t3_group: str | None = None
        self.t3_pending_heading: tuple[Label, list[Cell], Table, int] | None = None
        self.t3_pending_match: dict[str, str] = {}
        # Paragraph lines since the last table: a converter may have moved row labels out of their cells.
        self.loose: list[str] = []
        # The rows of the table being read (a header's heading rows above a five-column piece of table 四).
        self.table_rows: list[list[Cell]] = []
        # table 四
        self.t4_header_rows: list[tuple[list[Cell], bool]] = []
        self.t4_header_capped = False
        self.t4_cols: list[tuple[str, _Column]] = []
        self.t4_table_id: int | None = None
        # A block named in a caption printed above its own table (「行政复议」 over 「结果维持 | …」).
        self.t4_caption_block: str | None = None
        # Whether a table-四 cell was stored (``put`` is the only writer): asked on every row of table 四.
        self.t4_read = False

    # -- helpers -------------------------------------------------------------------------------------

    def put(
        self, key: str, cell: Cell | None, unit: str | None = None, match: dict[str, str] | None = None
    ) -> None:
        new = reading_to_cell(key, cell, unit)
        if key.startswith("t4."):
            self.t4_read = True
        if match:
            new.locator.update(match)
        old = self.rec.cells.get(key)
        if old is None:
            self.rec.cells[key] = new
            return
        if old.raw == new.raw or (old.value is not None and old.value == new.value):
            return
        # The same cell printed twice with different numbers (a repeated header row at a page break, a
        # duplicated row): keep neither, say so.
        cands = [v for v in (old.value, new.value) if v is not None]
        self.rec.cells[key] = CellValue(
            key,
            old.raw,
            "ambiguous",
            None,
            old.unit,
            {**old.locator, "candidates": cands, "reason": "printed twice with different values"},
        )

    def unmapped(self, table: str, label: str, values: list[Cell], locator: dict[str, Any]) -> None:
        self.rec.unmapped.append(UnmappedRow(table, label, [v.text.strip() for v in values], locator))


def _row_locator(cells: list[Cell], table: Table, index: int) -> dict[str, Any]:
    first = cells[0].locator if cells else {}
    loc = dict(first)
    if "col" in loc:
        loc["col"] = 1
    loc.setdefault("table", table.locator.get("table"))
    loc.setdefault("row", index + 1)
    return loc


# -- table 二 ------------------------------------------------------------------------------------------


def _t2_items(t: Template, key: str) -> list[Item]:
    return [i for i in t.items if i.key == key]


def _t2_caption(t: Template, cells: list[Cell]) -> str | None:
    text = _row_text(cells)
    if "第二十条" not in text:
        return None
    num = L.caption_item_number(text)
    for item in t.items:
        if item.number == num:
            return item.key
    return "unknown"


def _t2_header(st: _State, cells: list[Cell]) -> None:
    """A 信息内容 header row: the value columns of the current item."""
    st.t2_cols = []
    st.t2_last_header = cells
    items = _t2_items(st.t, st.item_key or "")
    for cell in cells[1:]:
        text = cell.text
        if not L.squash(text):
            continue
        best: Label | None = None
        matched_versions: set[str] = set()
        score = 0
        for item in items:
            for col, s in L.scored(item.cols, text):
                if s > score:
                    best, score = col, s
                    matched_versions = {item.version}
                elif s == score and best is not None and col.key == best.key:
                    matched_versions.add(item.version)
        if best is None:
            st.t2_cols.append(_Column("", cell.col, cell.col + cell.colspan, label=text))
            continue
        if len(matched_versions) == 1:
            st.votes[next(iter(matched_versions))] += 1
        st.t2_cols.append(_Column(best.key, cell.col, cell.col + cell.colspan, header_unit(text), text))


def _looks_t2_header(items: list[Item], values: list[Cell]) -> bool:
    """A header row whose first cell is not 信息内容: its other cells are the item's column labels."""
    texts = [v.text for v in values if L.squash(v.text)]
    if not texts or any(read_cell(t).status == "value" for t in texts):
        return False
    return all(any(L.scored(item.cols, t) for item in items) for t in texts)


def _t2_row(st: _State, cells: list[Cell], table: Table, index: int) -> None:
    label_pos = next((i for i, c in enumerate(cells) if L.squash(c.text) and not is_value_like(c)), None)
    if label_pos is None:
        return
    label_cell = cells[label_pos]
    values = cells[label_pos + 1 :]
    if st.t2_inferred and L.normalize(label_cell.text).startswith("信息内容"):
        # Another sub-table without a caption: its item is named by the rows below.
        st.item_key = None
        st.t2_header_cells = cells[label_pos:]
        st.t2_cols = []
        return
    if st.t2_inferred:
        item_key = _t2_item_of_row(st.t, label_cell.text)
        if item_key is not None and item_key != st.item_key:
            st.item_key = item_key
            if st.t2_header_cells is not None:
                _t2_header(st, st.t2_header_cells)
    items = _t2_items(st.t, st.item_key or "")
    if L.normalize(label_cell.text).startswith("信息内容") or _looks_t2_header(items, values):
        _t2_header(st, cells[label_pos:])
        return
    best, row_versions = _t2_best(items, label_cell.text)
    how: str | None = None
    if best is None and st.item_key is not None:
        best = fuzzy_match(t2_index(st.t), label_cell.text, [st.item_key])
        how = FUZZY if best is not None else None
    if best is None and _t2_other_item(st, label_cell.text):
        # A row of another item (its caption printed apart, or missing, or two items under one header).
        items = _t2_items(st.t, st.item_key or "")
        best, row_versions = _t2_best(items, label_cell.text)
        if best is None:
            best = fuzzy_match(t2_index(st.t), label_cell.text, [st.item_key])
            how = FUZZY if best is not None else None
    locator = _row_locator(cells, table, index)
    if best is None or st.item_key is None:
        if any(read_cell(v.text).status == "value" for v in values):
            st.unmapped("t2", label_cell.text.strip(), values, locator)
        return
    if len(row_versions) == 1 and len(items) > 1:
        st.votes[next(iter(row_versions))] += 1
    if _swallowed_value(label_cell.text):
        st.rec.notes.append(f"table 二 {st.item_key}.{best.key}: a number inside the label cell")
        st.unmapped("t2", label_cell.text.strip(), values, locator)
        return
    if not st.t2_cols and st.t2_last_header is not None:
        # A caption printed apart from its sub-table (at the foot of the page before), the rows under
        # the header read last: used only when every one of its columns is a column of this item.
        _t2_header(st, st.t2_last_header)
        if any(not c.key for c in st.t2_cols):
            st.t2_cols = []
    cols = st.t2_cols
    if not cols:
        st.rec.notes.append(f"table 二 {st.item_key}: values without a header row")
        st.unmapped("t2", label_cell.text.strip(), values, locator)
        return
    # Trailing empty cells beyond the header's columns carry nothing.
    while len(values) > len(cols) and not L.squash(values[-1].text):
        values = values[:-1]
    pairs = _map_values(values, cols, table.geometry)
    if pairs is None:
        st.rec.notes.append(
            f"table 二 {st.item_key}.{best.key}: {len(values)} values under {len(cols)} columns"
        )
        st.unmapped("t2", label_cell.text.strip(), values, locator)
        return
    match = match_locator(best, label_cell.text, how)
    for col, cell in pairs:
        if not col.key:
            if cell is not None:
                st.unmapped("t2", f"{label_cell.text.strip()}／{col.label.strip()}", [cell], locator)
            continue
        st.put(f"t2.{st.item_key}.{best.key}.{col.key}", cell, col.unit, match)
    st.rec.found.add("t2")


def _t2_best(items: list[Item], text: str) -> tuple[Label | None, set[str]]:
    """The row of ``items`` that ``text`` names best, and the versions that have it."""
    best: Label | None = None
    score = 0
    row_versions: set[str] = set()
    for item in items:
        for row, s in L.scored(item.rows, text):
            if s > score:
                best, score, row_versions = row, s, {item.version}
            elif s == score and best is not None and row.key == best.key:
                row_versions.add(item.version)
    return best, row_versions


def _t2_other_item(st: _State, text: str) -> bool:
    """Move to the one other 第二十条 item whose rows ``text`` names, when the last header read has exactly
    that item's columns (rows of （六） under （五）'s header and caption, a caption printed at the foot of
    the page before its rows, or none at all). Returns whether the item changed.

    The item must be unique (by the row's words, else by a fuzzy match unique over all items) and every
    header column must be one of its columns: otherwise nothing changes and the row stays unmapped."""
    key = _t2_item_of_row(st.t, text)
    if key is None:
        found = fuzzy_find(t2_index(st.t), text, [i.key for i in st.t.items])
        key = found[1] if found is not None else None
    if key is None or key == st.item_key or st.t2_last_header is None:
        return False
    saved = (st.item_key, st.t2_cols, dict(st.votes), st.t2_last_header)
    st.item_key = key
    _t2_header(st, st.t2_last_header)
    if not st.t2_cols or any(not c.key for c in st.t2_cols):
        st.item_key, st.t2_cols, st.votes, st.t2_last_header = saved
        return False
    st.rec.notes.append(f"table 二: row 「{L.squash(text)}」 read as item {key} without its caption")
    return True


def _t2_item_of_row(t: Template, text: str) -> str | None:
    """The one 第二十条 item whose rows ``text`` names (规章 → （一）, 行政许可 → （五）), or None."""
    scored: dict[str, int] = {}
    for item in t.items:
        for _row, s in L.scored(item.rows, text):
            if s > scored.get(item.key, 0):
                scored[item.key] = s
    if not scored:
        return None
    top = max(scored.values())
    keys = [k for k, v in scored.items() if v == top]
    return keys[0] if len(keys) == 1 else None


def _is_t2_uncaptioned_header(t: Template, cells: list[Cell]) -> bool:
    """「信息内容 | 本年制发件数 | …」 opening a table-二 sub-table printed without its 第二十条 caption."""
    texts = [c.text for c in cells if L.squash(c.text)]
    if len(texts) < 2 or not L.normalize(texts[0]).startswith("信息内容"):
        return False
    return all(any(L.scored(item.cols, x) for item in t.items) for x in texts[1:])


# -- table 三 ------------------------------------------------------------------------------------------


def _is_t3_header(t: Template, cells: list[Cell]) -> bool:
    text = _row_text(cells)
    if "勾稽" in text or "申请人情况" in text:
        return True
    if not any(w in text for w in ("自然人", "法人", "企业", "机构", "组织", "总计")):
        return False
    hits = sum(
        1
        for c in cells
        if any(col.key != "other_org" for col, _s in L.scored(t.t3_columns, c.text)) and not is_value_like(c)
    )
    return "自然人" in text or ("法人或其他组织" in text and hits >= 1) or hits >= 3


def _t3_columns(t: Template, rows: list[tuple[list[Cell], bool]]) -> list[_Column]:
    found: list[tuple[Label, Cell, int]] = []
    seen: set[str] = set()
    order = 0
    for cells, _geometry in rows:
        for cell in cells:
            text = cell.text
            if not L.squash(text) or "勾稽" in L.normalize(text):
                continue
            if any(s >= 1000 for _g, s in L.scored(t.t3_column_groups, text)):
                continue
            best = L.best_match(t.t3_columns, text)
            if best is None or best.key in seen:
                continue
            if any(L.matches(g, text) > L.matches(best, text) for g in t.t3_column_groups):
                continue
            seen.add(best.key)
            found.append((best, cell, order))
            order += 1
    geometry = all(g for _, g in rows)
    if geometry:
        found.sort(key=lambda f: (f[1].col, f[2]))
    else:
        first = {"natural_person": 0, "total": 2}
        found.sort(key=lambda f: (first.get(f[0].key, 1), f[2]))
    return [_Column(lbl.key, c.col, c.col + c.colspan, header_unit(c.text), c.text) for lbl, c, _ in found]


def _t3_default_columns(t: Template) -> list[_Column]:
    cols = [c for c in t.t3_columns if not c.optional]
    return [_Column(c.key, -1, -1) for c in cols]


def _t3_row(st: _State, cells: list[Cell], table: Table, index: int) -> None:
    if not st.t3_cols:
        return
    k = len(st.t3_cols)
    geometry = table.geometry and id(table) == st.t3_table_id
    if geometry:
        start = min(c.start for c in st.t3_cols)
        label_cells = [c for c in cells if c.col < start]
        values = [c for c in cells if c.col >= start]
    else:
        n = _trailing_values(cells)
        if n >= k:
            label_cells, values = cells[: len(cells) - k], cells[len(cells) - k :]
        else:
            label_cells, values = cells[: len(cells) - n], cells[len(cells) - n :]
    labels = [c for c in label_cells if L.squash(c.text)]
    has_values = any(read_cell(v.text).status == "value" for v in values)
    locator = _row_locator(cells, table, index)

    # Headings printed before the row's own label set the group (三、本年度办理结果, （三）不予公开).
    leaf: Label | None = None
    leaf_cell: Cell | None = None
    leaf_how: str | None = None
    for pos, cell in enumerate(labels):
        row, _score = match_t3_row(st.t, cell.text, st.t3_group)
        how: str | None = None
        if row is None:
            row = _t3_fuzzy(st, cell.text)
            how = FUZZY if row is not None else None
        if row is None:
            if pos == len(labels) - 1 and has_values:
                st.unmapped("t3", cell.text.strip(), values, locator)
                return
            continue
        if not row.data and not (row.may_hold_values and pos == len(labels) - 1):
            st.t3_group = row.key
            if pos == len(labels) - 1:
                leaf, leaf_cell, leaf_how = row, cell, how
            continue
        if row.may_hold_values and pos == len(labels) - 1:
            st.t3_group = row.key
        leaf, leaf_cell, leaf_how = row, cell, how

    if st.t3_pending_heading is not None:
        heading, hcells, htable, hindex = st.t3_pending_heading
        st.t3_pending_heading = None
        if leaf is None or leaf.group != heading.key:
            # The heading had no sub-rows after it: it was a data row printed with blank cells.
            _t3_store(st, heading, hcells, htable, hindex, st.t3_pending_match)

    if leaf is None:
        if has_values:
            label = " ".join(c.text.strip() for c in labels) or "(no label)"
            st.unmapped("t3", label, values, locator)
        return
    if leaf.data and leaf.group is not None:
        # A data row puts us in its group, even when the group's own label went unread (a vertical
        # label split over rows by a page or a PDF cell: 「（六）其它」 / 「处理」), so a short sub-row
        # label after it (「其它」) is still read in its group.
        st.t3_group = leaf.group
    if leaf_cell is not None and _swallowed_value(leaf_cell.text):
        st.rec.notes.append(f"table 三 {leaf.key}: a number inside the label cell")
        st.unmapped("t3", leaf_cell.text.strip(), values, locator)
        return
    match = match_locator(leaf, leaf_cell.text, leaf_how) if leaf_cell is not None else {}
    if not leaf.data:
        if leaf.may_hold_values:
            if has_values:
                _t3_store(st, leaf, cells, table, index, match)
            elif values:
                st.t3_pending_heading = (leaf, cells, table, index)
                st.t3_pending_match = match
            return
        if has_values:
            st.unmapped("t3", leaf_cell.text.strip() if leaf_cell else leaf.label, values, locator)
        return
    _t3_store(st, leaf, cells, table, index, match)


def _t3_fuzzy(st: _State, text: str) -> Label | None:
    """A table-三 label misprinted (a character dropped or changed, cut short): the one row of the current
    group, its parent or the top level that it fits by numbering and shared characters (``label_fuzzy``)."""
    group = st.t3_group
    scopes: list[str | None] = [None, "results"]
    if group is not None:
        scopes.append(group)
        parent = st.t.t3_row(group).group
        if parent is not None:
            scopes.append(parent)
    return fuzzy_match(t3_index(st.t), text, scopes)


def _t3_store(
    st: _State,
    row: Label,
    cells: list[Cell],
    table: Table,
    index: int,
    match: dict[str, str] | None = None,
) -> None:
    k = len(st.t3_cols)
    geometry = table.geometry and id(table) == st.t3_table_id
    if geometry:
        start = min(c.start for c in st.t3_cols)
        values = [c for c in cells if c.col >= start]
    else:
        n = _trailing_values(cells)
        values = cells[len(cells) - min(n, k) :] if n else []
    pairs = _map_values(values, st.t3_cols, geometry)
    if pairs is None:
        st.rec.notes.append(
            f"table 三 {row.key}: {len(values)} value cells for {k} columns; cells left missing"
        )
        st.unmapped("t3", row.label, values, _row_locator(cells, table, index))
        return
    if row.may_hold_values:
        st.rec.other_single_row = True
    for col, cell in pairs:
        st.put(f"t3.{row.key}.{col.key}", cell, col.unit, match)
    st.rec.found.add("t3")


# -- table 四 ------------------------------------------------------------------------------------------


#: Header rows of table 四 read: the template's header has three, a label cut by a page break adds one
#: or two. Each header row recomputes the columns from all rows so far, so without a cap a page repeating
#: the header 1,000 times cost cubic work; the rows past the cap are skipped, never read as data.
MAX_T4_HEADER_ROWS = 12


def _is_t4_header(cells: list[Cell]) -> bool:
    text = _row_text(cells)
    return ("行政复议" in text and "行政诉讼" in text) or (
        "复议" in text and ("诉讼" in text or "起诉" in text)
    )


def _t4_columns(t: Template, rows: list[tuple[list[Cell], bool]]) -> list[tuple[str, _Column]]:
    """The 15 (block, column) pairs of the header, in grid order."""
    blocks: list[tuple[Label, Cell]] = []
    leaves: list[tuple[Label, Cell, int]] = []
    order = 0
    geometry = all(g for _, g in rows)
    # A label cut in two by a line or page break (「尚未」 over 「审结」) is read joined with the cell right
    # below it, when only the two together name a column.
    below = {(c.row, c.col, c.colspan): c for cells, _g in rows for c in cells} if geometry else {}
    joined: set[int] = set()
    for cells, _g in rows:
        for cell in cells:
            if not L.squash(cell.text) or id(cell) in joined:
                continue
            text = cell.text
            block = L.best_match(t.t4_blocks, text)
            col = L.sole_match(t.t4_columns, text)
            nxt = below.get((cell.row + cell.rowspan, cell.col, cell.colspan))
            if block is None and col is None and nxt is not None and L.squash(nxt.text):
                col = L.sole_match(t.t4_columns, text + nxt.text)
                if col is not None:
                    joined.add(id(nxt))
            if block is not None and (col is None or L.matches(block, text) >= L.matches(col, text)):
                blocks.append((block, cell))
            elif col is not None:
                leaves.append((col, cell, order))
                order += 1
    out: list[tuple[str, _Column]] = []
    if geometry:
        for col, cell, _o in sorted(leaves, key=lambda f: (f[1].col, f[2])):
            covering = [
                (b, bc)
                for b, bc in blocks
                if bc.col <= cell.col < bc.col + bc.colspan and bc.row < cell.row + cell.rowspan
            ]
            if not covering:
                continue
            # The lowest heading above the leaf names its block (未经复议直接起诉 under 行政诉讼).
            b, _bc = max(covering, key=lambda f: f[1].row)
            out.append((b.key, _Column(col.key, cell.col, cell.col + cell.colspan, None, cell.text)))
        if out and len(out) == len({(b, c.key) for b, c in out}):
            return out
        out = []
    # Without geometry: blocks in the order their headings appear, five columns each, in order.
    block_order: list[str] = []
    for b, _c in blocks:
        if b.key not in block_order:
            block_order.append(b.key)
    leaf_keys = [c.key for c, _cell, _o in leaves]
    if len(block_order) == 1 and len(leaf_keys) == len(set(leaf_keys)) == len(t.t4_columns):
        # One block's five columns: table 四 cut into 5-column pieces (a Markdown conversion).
        return [(block_order[0], _Column(c.key, -1, -1)) for c, _cell, _o in leaves]
    if len(block_order) == 3 and len(leaf_keys) == 15:
        for i, key in enumerate(leaf_keys):
            out.append((block_order[i // 5], _Column(key, -1, -1)))
        if len(set((b, c.key) for b, c in out)) == 15:
            return out
    # A header naming only one axis: the five columns (one block per row, 「行政复议 | 3 | 1 | …」) or
    # the three blocks (one result per row, 「结果维持 | 3 | 2 | 1」). Each row's label names the other.
    if not blocks and len({c.key for c, _cell, _o in leaves}) == len(leaves) >= 4:
        ordered = sorted(leaves, key=lambda f: (f[1].col, f[2])) if geometry else leaves
        return [
            ("", _Column(c.key, cell.col, cell.col + cell.colspan, None, cell.text))
            for c, cell, _o in ordered
        ]
    if not leaves and len(block_order) == len(blocks) >= 2:
        ordered_blocks = sorted(blocks, key=lambda f: f[1].col) if geometry else blocks
        return [(b.key, _Column("", bc.col, bc.col + bc.colspan, None, bc.text)) for b, bc in ordered_blocks]
    return [(b.key, _Column(c.key, -1, -1)) for b in t.t4_blocks for c in t.t4_columns]


def _is_t4_column_header(t: Template, cells: list[Cell]) -> bool:
    """A header row holding four or more of table 四's five result columns and no numbers (the head of a
    table 四 laid out one block per row, whose header names no 复议/诉讼)."""
    if any(is_value_like(c) for c in cells if L.squash(c.text)):
        return False
    keys = {col.key for c in cells if (col := L.best_match(t.t4_columns, c.text)) is not None}
    return len(keys) >= 4


def _t4_label_axes(t: Template, labels: list[Cell]) -> tuple[str | None, str | None]:
    """The block and the result column a table-四 row's own label names (either may be None)."""
    text = "".join(c.text for c in labels)
    if not L.squash(text):
        return None, None
    block = L.best_match(t.t4_blocks, text)
    rest = text
    if block is not None:
        for alt in block.match:
            for word in alt:
                rest = rest.replace(word, "")
    col = L.best_match(t.t4_columns, rest) if L.squash(rest) else None
    return (block.key if block else None), (col.key if col else None)


def _t4_row(st: _State, cells: list[Cell], table: Table, index: int) -> None:
    k = len(st.t4_cols)
    n = _trailing_values(cells)
    if n == 0:
        return
    cols = [c for _b, c in st.t4_cols]
    if not cols:
        return
    geometry = table.geometry and id(table) == st.t4_table_id and all(c.start >= 0 for c in cols)
    if geometry:
        # By position under the header, as for table 三: an extra empty column at the row's end must not
        # shift the numbers.
        start = min(c.start for c in cols)
        label_cells = [c for c in cells if c.col < start]
        values = [c for c in cells if c.col >= start]
    else:
        values = cells[len(cells) - min(n, k) :]
        label_cells = cells[: len(cells) - n]
    leftover: list[Cell] = []
    pairs = _map_values(values, cols, geometry, leftover if geometry else None)
    if pairs is not None and leftover:
        # Under a header label that named no column: kept verbatim, the other values keep their places.
        st.unmapped("t4", _row_text(label_cells), leftover, _row_locator(cells, table, index))
    by_id = {id(c): b for b, c in st.t4_cols}
    both_axes = all(b and c.key for b, c in st.t4_cols)
    label_block, label_col = (None, None) if both_axes else _t4_label_axes(st.t, label_cells)
    if not both_axes and label_block is None:
        label_block = st.t4_caption_block
    # When the header names one axis only, the row's label must name the other.
    if (
        pairs is not None
        and not both_axes
        and any(
            (not by_id[id(c)] and label_block is None) or (not c.key and label_col is None) for c, _v in pairs
        )
    ):
        pairs = None
    if pairs is None:
        st.rec.notes.append(f"table 四: {n} values for {k} columns; cells left missing")
        st.unmapped("t4", _row_text(label_cells), values, _row_locator(cells, table, index))
        return
    for col, cell in pairs:
        st.put(f"t4.{by_id[id(col)] or label_block}.{col.key or label_col}", cell)
    st.rec.found.add("t4")
    if both_axes or sum(k.startswith("t4.") for k in st.rec.cells) >= 15:
        st.kind = "t4_done"


# -- the state machine ---------------------------------------------------------------------------------


def recognize_tables(
    doc: Document, template: Template | None = None, year_hint: int | None = None
) -> Recognition:
    """Map the tables of ``doc`` onto template keys.

    ``year_hint`` (the year the report covers) decides the template version only when no label does.
    """
    t = template or load()
    rec = Recognition()
    st = _State(t, rec)

    for block_index, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            st.loose.append(block.text)
            # A 第二十条 caption printed above its sub-table instead of inside it.
            text = L.squash(block.text)
            if len(text) <= 16 and _t2_caption(t, [Cell(text, 0, 0)]) not in (None, "unknown"):
                _dispatch(st, [Cell(text, 0, 0)], Table(cells=[]), 0)
            elif len(text) <= 20:
                # The section heading names both 行政复议 and 行政诉讼: it is no block's caption.
                named, col = _t4_label_axes(t, [Cell(text, 0, 0)])
                both = "行政复议" in text and "行政诉讼" in text
                st.t4_caption_block = named if col is None and not both else None
            continue
        if not isinstance(block, Table):
            continue
        rows = block.rows()
        if st.loose and not block.geometry:
            rebuilt = attach_loose_labels(t, st.loose, rows, st.t3_group if st.kind == "t3" else None)
            if rebuilt is not None:
                rec.notes.append(
                    f"table 三: row labels printed as loose lines before block {block_index + 1}"
                )
                rows = rebuilt
        st.loose = []
        st.table_rows = rows
        for index, cells in enumerate(rows):
            if not cells:
                continue
            _dispatch(st, cells, block, index)
            kind = st.kind if st.kind != "t4_done" else "t4"
            if kind and kind.startswith("t"):
                rec.blocks.setdefault(kind[:2], [])
                if block_index not in rec.blocks[kind[:2]]:
                    rec.blocks[kind[:2]].append(block_index)
    if st.t3_pending_heading is not None:
        heading, hcells, htable, hindex = st.t3_pending_heading
        _t3_store(st, heading, hcells, htable, hindex, st.t3_pending_match)

    rec.version = decide_version(
        st.votes,
        (k.split(".")[1] for k in st.rec.cells if k.startswith("t3.")),
        bool(st.rec.found),
        year_hint,
    )
    _drop_foreign_keys(rec, t)
    return rec


def _dispatch(st: _State, cells: list[Cell], table: Table, index: int) -> None:
    t = st.t
    caption = _t2_caption(t, cells)
    if caption is not None and len([c for c in cells if L.squash(c.text)]) <= 2:
        st.kind = "t2"
        st.item_key = None if caption == "unknown" else caption
        st.t2_cols = []
        st.t2_inferred = False
        if caption == "unknown":
            st.rec.notes.append(f"table 二: unknown item caption {_row_text(cells)[:30]}")
        elif not any(i.key == caption and i.version == "2021" for i in t.items):
            st.votes["2019"] += 1
        return
    if (
        st.kind in (None, "t2")
        and (st.kind is None or st.t2_inferred)
        and _is_t2_uncaptioned_header(t, cells)
    ):
        st.kind = "t2"
        st.item_key = None
        st.t2_inferred = True
        st.t2_header_cells = cells
        st.t2_cols = []
        return
    t4_header_open = st.kind == "t4" and not st.t4_read
    if (
        st.kind != "t3_header"
        and (st.kind != "t4" or (id(table) != st.t4_table_id and not t4_header_open))
        and _is_t4_column_header(t, cells)
    ):
        st.kind = "t4"
        st.t4_header_rows = [(r, table.geometry) for r in _block_headings_above(st, index)]
        st.t4_header_rows.append((cells, table.geometry))
        st.t4_table_id = id(table)
        st.t4_cols = _t4_columns(t, st.t4_header_rows)
        return
    labels = [c for c in cells[:-1] if L.squash(c.text)]
    if (
        st.kind != "t3_header"
        and _trailing_values(cells) == 1
        and read_cell(cells[-1].text).status == "value"
        and 1 <= len(labels) <= 2
    ):
        # Table 四 printed one number per line, the label naming block and result
        # (「行政诉讼复议后起诉结果维持 | 1」).
        block, col = _t4_label_axes(t, labels)
        if block is not None and col is not None:
            st.kind = "t4"
            st.t4_table_id = id(table)
            st.t4_header_rows = []
            st.t4_cols = []
            st.put(f"t4.{block}.{col}", cells[-1])
            st.rec.found.add("t4")
            return
    if _is_t4_header(cells) and st.kind not in ("t4",):
        st.kind = "t4"
        st.t4_header_rows = [(cells, table.geometry)]
        st.t4_table_id = id(table)
        st.t4_cols = _t4_columns(t, st.t4_header_rows)
        return
    if st.kind == "t4":
        if _t3_row_under_a_wrong_header(st, cells):
            # A converter printed a wrong header (table 四's) above table 三's last rows: the rows keep
            # table 三's columns when they have exactly as many values.
            st.rec.notes.append("table 三: rows under a table-四 header read with table 三's columns")
            st.kind = "t3"
            st.t4_cols, st.t4_header_rows = [], []
            _t3_row(st, cells, table, index)
            return
        # A row of words without a value continues the header (also a header row's words cut off
        # by a page break, 「尚未」 / 「审结」); the data row is the row with values (or all blank).
        if _trailing_values(cells) == 0 or (
            not any(read_cell(c.text).status == "value" for c in cells)
            and any(L.squash(c.text) and not is_value_like(c) for c in cells)
        ):
            # A header row of another table (the header broken across a page into two tables)
            # has grid columns of its own: the header's geometry is not usable then.
            if len(st.t4_header_rows) < MAX_T4_HEADER_ROWS:
                st.t4_header_rows.append((cells, table.geometry and id(table) == st.t4_table_id))
                st.t4_cols = _t4_columns(t, st.t4_header_rows)
            elif not st.t4_header_capped:
                st.t4_header_capped = True
                st.rec.notes.append(f"table 四: header rows after the first {MAX_T4_HEADER_ROWS} ignored")
            return
        nxt = st.table_rows[index + 1] if index + 1 < len(st.table_rows) else []
        if not any(L.squash(c.text) for c in cells) and any(read_cell(c.text).status == "value" for c in nxt):
            # An empty row between the header and the numbers (a header row whose cells the row above
            # spans, flattened by a converter): the numbers are in the next row.
            return
        _t4_row(st, cells, table, index)
        return
    if _is_t3_header(t, cells) and st.kind != "t3_header":
        st.kind = "t3_header"
        st.t3_header_rows = [(cells, table.geometry)]
        st.t3_table_id = id(table)
        st.t3_group = None
        return
    if st.kind == "t3_header":
        if _trailing_values(cells) < 3:
            st.t3_header_rows.append((cells, table.geometry and id(table) == st.t3_table_id))
            return
        st.t3_cols = _t3_columns(t, st.t3_header_rows)
        if not st.t3_cols:
            st.rec.notes.append("table 三: header without value columns")
        st.kind = "t3"
    if st.kind in ("t2", None, "t4_done") and _t3_data_label(t, cells) and _trailing_values(cells) >= 6:
        # Table 三 rows without a header we saw (a continuation piece): template columns.
        st.rec.notes.append("table 三: rows without a header; columns taken in template order")
        st.t3_cols = _t3_default_columns(t)
        st.t3_table_id = None
        st.kind = "t3"
    if st.kind == "t3":
        _t3_row(st, cells, table, index)
        return
    if st.kind == "t2":
        _t2_row(st, cells, table, index)
        return


def _t3_row_under_a_wrong_header(st: _State, cells: list[Cell]) -> bool:
    """A table-三 data row (by its label) with table 三's number of values, read after table 三 began and
    before any table-四 cell: it belongs to table 三 whatever header a converter put above it."""
    if not st.t3_cols or "t3" not in st.rec.found or st.t4_read:
        return False
    n = _trailing_values(cells)
    return len(st.t3_cols) <= n <= len(st.t3_cols) + 3 and _t3_data_label(st.t, cells[: len(cells) - n])


def _block_headings_above(st: _State, index: int) -> list[list[Cell]]:
    """Rows of words right above a table-四 column header in the same table that name a block
    (「行政复议」 over a five-column piece of table 四), nearest last."""
    out: list[list[Cell]] = []
    for cells in reversed(st.table_rows[:index]):
        if any(read_cell(c.text).status == "value" for c in cells):
            break
        if any(L.squash(c.text) for c in cells):
            if not any(L.best_match(st.t.t4_blocks, c.text) for c in cells):
                break
            out.append(cells)
    out.reverse()
    return out


def _t3_data_label(t: Template, cells: list[Cell]) -> bool:
    for c in cells:
        if is_value_like(c):
            continue
        best = L.best_match([r for r in t.t3_rows if r.data or r.may_hold_values], c.text)
        if best is not None and L.matches(best, c.text) >= 2:
            return True
    return False


def _drop_foreign_keys(rec: Recognition, t: Template) -> None:
    """Cells of table 二 the decided version does not have (a 2019 row in a 2021 report) go to unmapped."""
    if rec.version is None:
        return
    valid = {s.key for s in t.all_specs() if rec.version in s.versions}
    for key in [k for k in rec.cells if k.startswith("t2.")]:
        if key not in valid:
            cell = rec.cells.pop(key)
            rec.unmapped.append(UnmappedRow("t2", key, [cell.raw or ""], cell.locator))
