"""Reports before the 2019 template (2008–2018): their statistics forms, as data, and the prose quantities.

Before 国办公开办函〔2019〕60号 there was no national table; a province or agency chose a statistics form
(统计表). The forms ogi knows are data in ``schema/data/pre2019_forms.toml`` (today the Fujian local form
``fj_local``: 指标名称 | 计量单位 | 本年度 | 历年累计). Cells are ``pre.<indicator>`` (the year's value) and
``pre.<indicator>.cumulative`` (历年累计), with the same statuses and locators as the template's.

How a form is read, in the order tried:

1. A table of the document model (HTML, Word, Excel, PDF, tab text, OCR) whose header row prints the
   form's header words and its two value columns; rows are mapped by label (numbering, 其中：, spaces and
   其它/其他 do not matter), values by the header's columns (or, without true geometry, from the row's end).
2. Otherwise the form's header in running text (crawled pages): labels are found in order and the text
   between two labels is the unit and the values. Whitespace between values is a printed boundary;
   digits glued across the two columns are split so that (a) each piece is a number without a leading
   zero, (b) the 历年累计 is not below the year's value (PRE-CUM), (c) the form's ``split`` identities
   hold in both columns. One value left: ``recovered`` with the rule in ``locator.rule``; several:
   ``ambiguous`` with ``locator.candidates``. When no split satisfies an identity (the source does not
   add up), the identity is not used and the checks report it.
3. Without any form, the quantities stated in unambiguous sentences (申请 received, 同意公开, 不予公开,
   复议, 诉讼, 收费) become ``pre.*`` cells with status ``value`` and a locator at the sentence.

A table that looks like a statistics form but is none of the known ones keeps the report
``unsupported_template``: its header as printed goes into ``error`` and its rows into ``unmapped``.
"""

from __future__ import annotations

import itertools
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ogi.extractors.model import Cell, Document, GluedRun, Paragraph, Table
from ogi.schema import labels as L
from ogi.schema.cells import CellValue, UnmappedRow, reading_to_cell
from ogi.schema.identities import CheckResult
from ogi.schema.values import read_cell

TABLE = "pre"
CUMULATIVE = "cumulative"
YEAR_COL = "year"
#: How many combinations of splits one identity group may try before its rows are left as they are.
MAX_COMBINATIONS = 200_000


# -- the forms, as data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormRow:
    indicator: str
    label_zh: str
    labels: tuple[str, ...]
    unit: str
    years: tuple[int, int]

    @property
    def cores(self) -> tuple[str, ...]:
        """The labels in matching form: normal form without 其中： and numbering."""
        return tuple(dict.fromkeys(label_core(x) for x in self.labels))

    @property
    def numbered(self) -> bool:
        """Whether the row is printed with numbering (「1.」「2、」), which glued text sticks to the digits
        before it."""
        return any(re.match(r"^(?:其中：)?\d", L.normalize(x)) for x in self.labels)


@dataclass(frozen=True)
class Identity:
    rule: str
    total: str
    parts: tuple[str, ...]
    relation: str
    split: bool


@dataclass(frozen=True)
class Form:
    key: str
    name_zh: str
    header: tuple[str, ...]
    year_column: re.Pattern[str]
    cumulative_column: re.Pattern[str]
    years: tuple[int, int]
    rows: tuple[FormRow, ...]
    identities: tuple[Identity, ...]

    def row(self, indicator: str) -> FormRow:
        return next(r for r in self.rows if r.indicator == indicator)

    def match(self, label: str) -> FormRow | None:
        """The row a printed label names (exact on the matching form), or None."""
        core = label_core(label)
        if not core:
            return None
        for r in self.rows:
            if core in r.cores:
                return r
        return None


def label_core(text: str) -> str:
    """A label in matching form: normal form, no 其中：, no numbering (「其中：1、当面申请数」 → 当面申请数)."""
    s = L.normalize(text)
    s = re.sub(r"^其中：?", "", s)
    return L.strip_numbering(s)


@cache
def _data() -> dict[str, Any]:
    text = resources.files("ogi.schema").joinpath("data/pre2019_forms.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def forms() -> dict[str, Form]:
    """Every known pre-2019 form by key."""
    out: dict[str, Form] = {}
    for key, f in _data()["forms"].items():
        rows = tuple(
            FormRow(r["indicator"], r["label_zh"], tuple(r["labels"]), r["unit"], tuple(r["years"]))
            for r in f["rows"]
        )
        ids = tuple(
            Identity(i["rule"], i["total"], tuple(i["parts"]), i["relation"], bool(i.get("split")))
            for i in f.get("identities", [])
        )
        out[key] = Form(
            key,
            f["name_zh"],
            tuple(f["header"]),
            re.compile(f["year_column"]),
            re.compile(f["cumulative_column"]),
            tuple(f["years"]),
            rows,
            ids,
        )
    return out


@cache
def prose_quantities() -> dict[str, tuple[str, str]]:
    """indicator → (Chinese label, unit) of the quantities read from prose."""
    return {k: (v["label_zh"], v["unit"]) for k, v in _data()["prose"].items()}


def is_pre_key(key: str) -> bool:
    return key.startswith(TABLE + ".")


def split_key(key: str) -> tuple[str, str, str]:
    """(table, row_key, col_key) of a ``pre.*`` key: ``pre.X`` → (pre, X, year); ``pre.X.cumulative``
    → (pre, X, cumulative). The template's keys are ``table.row_key.col_key`` already."""
    parts = key.split(".")
    if parts[-1] == CUMULATIVE and len(parts) >= 3:
        return TABLE, ".".join(parts[1:-1]), CUMULATIVE
    return TABLE, ".".join(parts[1:]), YEAR_COL


def cell_parts(key: str) -> tuple[str, str, str]:
    """(table, row_key, col_key) of any cell key: the template's are ``table.row_key.col_key``."""
    if is_pre_key(key):
        return split_key(key)
    table, rest = key.split(".", 1)
    row_key, col_key = rest.rsplit(".", 1)
    return table, row_key, col_key


def pre_key(indicator: str, column: str) -> str:
    return f"{TABLE}.{indicator}" + (f".{CUMULATIVE}" if column == CUMULATIVE else "")


def dictionary_rows() -> list[dict[str, str]]:
    """Every ``pre.*`` key with its Chinese label, unit and the forms (or ``prose``) it appears in."""
    seen: dict[str, dict[str, Any]] = {}
    for form in forms().values():
        for r in form.rows:
            for col in (YEAR_COL, CUMULATIVE):
                key = pre_key(r.indicator, col)
                e = seen.setdefault(
                    key,
                    {
                        "key": key,
                        "label_zh": r.label_zh + ("（历年累计）" if col == CUMULATIVE else "（本年度）"),
                        "unit": r.unit,
                        "forms": [],
                        "years": f"{r.years[0]}–{r.years[1]}",
                    },
                )
                e["forms"].append(form.key)
    for ind, (label, unit) in prose_quantities().items():
        key = pre_key(ind, YEAR_COL)
        e = seen.setdefault(
            key, {"key": key, "label_zh": label, "unit": unit, "forms": [], "years": "2008–2018"}
        )
        e["forms"].append("prose")
    return [{**e, "forms": ", ".join(e["forms"])} for e in sorted(seen.values(), key=lambda e: e["key"])]


# -- what one report gives -----------------------------------------------------------------------------


@dataclass
class PreReading:
    """What ogi read from a pre-2019 report."""

    form: str | None = None
    cells: dict[str, CellValue] = field(default_factory=dict)
    unmapped: list[UnmappedRow] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    #: The header of a statistics form ogi does not know, as printed.
    unknown_header: str | None = None
    from_prose: bool = False

    def status(self, year: int | None) -> tuple[str, str | None]:
        """The report status and error (output-contract §4)."""
        if self.form is not None:
            ambiguous = sorted(k for k, c in self.cells.items() if c.status == "ambiguous")
            if ambiguous:
                few = ", ".join(ambiguous[:3]) + (", …" if len(ambiguous) > 3 else "")
                return "partial", f"pre-2019 form {self.form}: {len(ambiguous)} cells ambiguous ({few})"
            return "ok", None
        if self.unknown_header is not None:
            return (
                "unsupported_template",
                f"pre-2019 report ({year}): statistics form not known: {self.unknown_header}",
            )
        if self.cells:
            return (
                "partial",
                f"pre-2019 report ({year}) without a statistics form: {len(self.cells)} quantities read "
                "from the prose",
            )
        return (
            "unsupported_template",
            f"pre-2019 report ({year}): no statistics form and no quantity stated in the prose",
        )


def read_pre2019(doc: Document, year: int | None) -> PreReading:
    """Read a pre-2019 report: its form (tables first, then running text), else its prose quantities."""
    out = PreReading()
    for index, block in enumerate(doc.blocks):
        if isinstance(block, Table) and _read_table(block, index, year, out):
            break
    if out.form is None:
        _read_text(doc, year, out)
    if out.form is not None:
        out.checks = run_checks(out.cells, forms()[out.form])
        return out
    if out.unknown_header is None:
        _find_unknown_form(doc, out)
    if out.unknown_header is None:
        out.cells = read_prose(doc)
        out.from_prose = bool(out.cells)
    return out


def recheck_pre2019(
    cells: Mapping[str, CellValue], form: str | None, year: int | None
) -> tuple[list[CheckResult], tuple[str, str | None] | None]:
    """Checks and (for a form) status and error of a stored pre-2019 report after its cells changed (hand
    corrections, PRE-CARRY). Without a form the status says why the report has none and stays as it is."""
    if form is None or form not in forms():
        return [], None
    reading = PreReading(form, {k: c for k, c in cells.items() if is_pre_key(k)})
    return run_checks(reading.cells, forms()[form]), reading.status(year)


# -- tables (every format with a grid) -----------------------------------------------------------------


def _unit_column(cells: Sequence[Cell]) -> Cell | None:
    return next((c for c in cells if L.normalize(c.text).endswith("单位")), None)


def _header_columns(form: Form, cells: Sequence[Cell]) -> tuple[Cell, Cell] | None:
    """The (year, cumulative) header cells when ``cells`` is the form's header row."""
    texts = [L.normalize(c.text) for c in cells]
    if not all(any(L.normalize(h) in t for t in texts) for h in form.header):
        return None
    year = next((c for c, t in zip(cells, texts, strict=True) if form.year_column.search(t)), None)
    cum = next((c for c, t in zip(cells, texts, strict=True) if form.cumulative_column.search(t)), None)
    if year is None or cum is None:
        return None
    return year, cum


def _read_table(table: Table, index: int, year: int | None, out: PreReading) -> bool:
    rows = table.rows()
    for form in forms().values():
        for h, header in enumerate(rows):
            cols = _header_columns(form, header)
            if cols is None:
                continue
            out.form = form.key
            width = len(header)
            for r, row in enumerate(rows[h + 1 :], start=h + 1):
                if not row:
                    continue
                label = row[0].text
                if not L.normalize(label):
                    continue
                frow = form.match(label)
                ucol = _unit_column(header)
                if table.geometry:
                    picked = [_cell_at(row, cols[0]), _cell_at(row, cols[1])]
                    ucell = _cell_at(row, ucol) if ucol is not None else None
                elif len(row) >= width:
                    picked = list(row[width - 2 : width])
                    ucell = row[width - 3] if width >= 3 else None
                else:
                    picked, ucell = [None, None], None
                printed_unit = ucell.text.strip() if ucell is not None and ucell is not row[0] else ""
                unit = printed_unit if printed_unit in _UNIT_WORDS else None
                if frow is None:
                    out.unmapped.append(
                        UnmappedRow(
                            TABLE,
                            label.strip(),
                            [c.text for c in row[1:]],
                            {"table": index + 1, "row": r + 1},
                        )
                    )
                    continue
                for column, cell in zip((YEAR_COL, CUMULATIVE), picked, strict=True):
                    key = pre_key(frow.indicator, column)
                    if key in out.cells:
                        continue
                    if cell is None and not table.geometry:
                        continue  # a short row of text without geometry: not guessed
                    cv = reading_to_cell(key, cell, unit or frow.unit)
                    if cell is not None and not cv.locator:
                        cv.locator = {"table": index + 1, "row": r + 1, "col": cell.col + 1}
                    out.cells[key] = cv
            return True
    return False


def _cell_at(row: Sequence[Cell], header: Cell) -> Cell | None:
    lo, hi = header.col, header.col + header.colspan
    for c in row:
        if c.col < hi and c.col + c.colspan > lo:
            return c
    return None


# -- running text (crawled pages: glued or spaced) -----------------------------------------------------


def _text_form(text: str) -> tuple[str, list[int]]:
    """NFKC per character with whitespace kept as one space per character, and the index map back."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch)
        if not n.strip():
            n = " "
        n = n.replace("其它", "其他")
        for c in n:
            out.append(c)
            where.append(i)
    s = "".join(out).replace("其它", "其他")
    return s, where


def _spaced(word: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in L.normalize(word).replace("：", ":"))


_UNIT_WORDS = ("万元", "元", "条", "件", "个", "项")
_SEGMENT = re.compile(
    r"^\s*(?P<unit>万元|元|条|件|个|项)?\s*(?P<vals>[\d\s.,，/\-—－]*?)\s*(?:其\s*中\s*[:：]?)?\s*"
    r"(?:(?P<num>\d)\s*[.、．])?\s*$"
)
_LAST = re.compile(r"^\s*(?P<unit>万元|元|条|件|个|项)?(?P<vals>(?:\s*(?:\d+(?:\.\d+)?|[/\-—－]))*)")
_PIECE = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d+)?$")


@dataclass
class _TextRow:
    row: FormRow
    pieces: list[tuple[str, int]]  # tokens as printed with their char offsets in the original text
    run: str
    start: int
    unit: str | None = None

    @property
    def shown_unit(self) -> str:
        """The unit printed in the row's 计量单位 cell, else the form's."""
        return self.unit or self.row.unit


def _header_regex(form: Form) -> re.Pattern[str]:
    words = r"\s*".join(_spaced(h) for h in form.header)
    return re.compile(words + r"\s*(?P<year>\d{4}\s*年\s*度?|本\s*年\s*度?)\s*" + _spaced("历年累计"))


def _read_text(doc: Document, year: int | None, out: PreReading) -> None:
    raw = "\n".join(
        b.text if isinstance(b, Paragraph) else (b.label + b.raw if isinstance(b, GluedRun) else "")
        for b in doc.blocks
    )
    text, where = _text_form(raw)
    for form in forms().values():
        m = _header_regex(form).search(text)
        if m is None:
            continue
        rows = _text_rows(form, text, where, m.end())
        if not rows:
            continue
        out.form = form.key
        spaced = " " in m.group(0).strip() or any(len(r.pieces) >= 2 for r in rows)
        _solve(form, rows, spaced, out)
        return


@cache
def _label_regex(form_key: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern finding every label of the form in text (longest first at a position, spaces allowed
    between characters), and the indicator of each of its groups."""
    alts = sorted(
        ((c, r.indicator) for r in forms()[form_key].rows for c in r.cores), key=lambda a: -len(a[0])
    )
    pattern = "|".join(f"(?P<r{i}>{_spaced(core)})" for i, (core, _ind) in enumerate(alts))
    return re.compile(pattern), {f"r{i}": ind for i, (_core, ind) in enumerate(alts)}


def _text_rows(form: Form, text: str, where: list[int], start: int) -> list[_TextRow]:
    pattern, indicator_of = _label_regex(form.key)
    found = [
        (m.start(), m.end(), form.row(indicator_of[m.lastgroup or ""])) for m in pattern.finditer(text, start)
    ]
    rows: list[_TextRow] = []
    seen: set[str] = set()
    for i, (_s, e, frow) in enumerate(found):
        if i + 1 < len(found):
            seg = text[e : found[i + 1][0]]
            sm = _SEGMENT.match(seg)
            if sm is None:
                break  # prose between two labels: the table ended
            nxt = found[i + 1][2]
            vals = sm.group("vals")
            if sm.group("num") and not nxt.numbered:
                break
            vstart = e + sm.start("vals")
            unit = sm.group("unit")
        else:
            lm = _LAST.match(text[e:])
            vals = lm.group("vals") if lm else ""
            vstart = e + (lm.start("vals") if lm else 0)
            unit = lm.group("unit") if lm else None
        if frow.indicator in seen:
            break
        seen.add(frow.indicator)
        pieces = [(t.group(0), where[vstart + t.start()]) for t in re.finditer(r"\S+", vals)]
        rows.append(_TextRow(frow, pieces, vals.strip(), where[vstart] if vstart < len(where) else 0, unit))
    return rows


# A row's possible readings: (year raw, cumulative raw), None for a cell printed empty.
Pair = tuple[str | None, str | None]


def _num(raw: str | None) -> float:
    if raw is None:
        return 0.0
    r = read_cell(raw)
    return r.value if r.value is not None else 0.0


def _candidates(tr: _TextRow, spaced: bool) -> tuple[list[Pair], bool]:
    """The row's possible (year, cumulative) readings and whether the printed boundaries fix them."""
    toks = [p for p, _ in tr.pieces]
    if len(toks) == 0:
        return [(None, None)], True
    if len(toks) == 2:
        return [(toks[0], toks[1])], True
    if len(toks) > 2:
        return [], True
    tok = toks[0]
    if spaced or (not tok.isdigit() and not _PIECE.match(tok)):
        return [(tok, None), (None, tok)], False
    # Glued: two cells, or one cell and one printed empty (a blank leaves no trace in glued text).
    one = [(tok, None), (None, tok)] if _PIECE.match(tok) else []
    pairs = [(tok[:i], tok[i:]) for i in range(1, len(tok))]
    return [(a, b) for a, b in pairs if _PIECE.match(a) and _PIECE.match(b)] + one, False


def _cum_ok(p: Pair) -> bool:
    if p[0] is None or p[1] is None:
        return True
    return _num(p[1]) >= _num(p[0])


def _solve(form: Form, rows: list[_TextRow], spaced: bool, out: PreReading) -> None:
    by_ind = {r.row.indicator: r for r in rows}
    cands: dict[str, list[Pair]] = {}
    printed: dict[str, bool] = {}
    rule: dict[str, str] = {}
    for ind, tr in by_ind.items():
        c, fixed = _candidates(tr, spaced)
        printed[ind] = fixed
        rule[ind] = "digits"
        if len(c) > 1:
            kept = [p for p in c if _cum_ok(p)]
            if kept and len(kept) < len(c):
                c = kept
                rule[ind] = "PRE-CUM"
        cands[ind] = c
    # identity groups: rows joined by split identities
    ids = [i for i in form.identities if i.split and i.relation == "eq"]
    groups: list[tuple[set[str], list[Identity]]] = []
    for ident in ids:
        members = {ident.total, *ident.parts} & set(by_ind)
        if ident.total not in members:
            continue
        merged = [g for g in groups if g[0] & members]
        for g in merged:
            groups.remove(g)
            members |= g[0]
        groups.append((members, [ident] + [i for g in merged for i in g[1]]))
    final: dict[str, list[Pair]] = dict(cands)
    for members, idents in groups:
        order = sorted(members, key=lambda k: len(cands[k]))
        if any(not cands[k] for k in order) or all(len(cands[k]) == 1 for k in order):
            continue
        total = 1
        for k in order:
            total *= len(cands[k])
        if total > MAX_COMBINATIONS:
            continue
        good: dict[str, set[Pair]] = {k: set() for k in order}
        for combo in itertools.product(*(cands[k] for k in order)):
            pick = dict(zip(order, combo, strict=True))
            if all(_holds(i, pick) for i in idents):
                for k, p in pick.items():
                    good[k].add(p)
        if not any(good.values()):
            continue  # the source does not add up: the identities choose nothing
        for k in order:
            if len(good[k]) < len(cands[k]):
                final[k] = [p for p in cands[k] if p in good[k]]
                rule[k] = "+".join(i.rule for i in idents if k in (i.total, *i.parts))
    for ind, tr in by_ind.items():
        pairs = final[ind]
        base = {"char": tr.start + 1, "run": tr.run}
        for col, pos in ((YEAR_COL, 0), (CUMULATIVE, 1)):
            key = pre_key(ind, col)
            if not pairs:
                out.cells[key] = CellValue(
                    key,
                    tr.run,
                    "ambiguous",
                    None,
                    tr.shown_unit,
                    {**base, "candidates": [], "reason": "too many values"},
                )
                continue
            options = {p[pos] for p in pairs}
            if printed[ind]:
                raw = pairs[0][pos]
                if raw is None:
                    out.cells[key] = CellValue(key, "", "blank", None, tr.shown_unit, base)
                else:
                    off = tr.pieces[pos][1] if len(tr.pieces) == 2 else tr.start
                    cell = Cell(raw, 0, 0, locator={"char": off + 1, "run": tr.run})
                    out.cells[key] = reading_to_cell(key, cell, tr.shown_unit)
                continue
            if len(options) == 1:
                raw = next(iter(options))
                if raw is None:
                    out.cells[key] = CellValue(
                        key, "", "blank", None, tr.shown_unit, {**base, "rule": rule[ind]}
                    )
                else:
                    out.cells[key] = CellValue(
                        key, raw, "recovered", _num(raw), tr.shown_unit, {**base, "rule": rule[ind]}
                    )
                continue
            values = sorted({_num(o) for o in options if o is not None})
            loc: dict[str, Any] = {**base, "candidates": [_plain(v) for v in values]}
            if None in options:
                loc["reason"] = "or printed empty"
            out.cells[key] = CellValue(key, tr.run, "ambiguous", None, tr.shown_unit, loc)


def _plain(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def _holds(ident: Identity, pick: Mapping[str, Pair]) -> bool:
    parts = [p for p in ident.parts if p in pick]
    for pos in (0, 1):
        left = _num(pick[ident.total][pos])
        right = sum(_num(pick[p][pos]) for p in parts)
        if abs(left - right) > 1e-9:
            return False
    return True


# -- checks --------------------------------------------------------------------------------------------


READ = ("value", "recovered", "ocr", "ocr_corrected", "manual")
ZERO = ("blank", "placeholder")


def run_checks(cells: Mapping[str, CellValue], form: Form) -> list[CheckResult]:
    """The form's identities as soft rules ``PRE-*``, and PRE-CUM (历年累计 ≥ the year's value)."""
    out: list[CheckResult] = []
    for ident in form.identities:
        columns = (YEAR_COL, CUMULATIVE) if ident.relation == "eq" else (YEAR_COL,)
        for col in columns:
            tkey = pre_key(ident.total, col)
            if tkey not in cells:
                continue
            pkeys = [pre_key(p, col) for p in ident.parts if pre_key(p, col) in cells]
            if not pkeys:
                continue
            out.append(_check(ident.rule, col, tkey, pkeys, cells, ident.relation))
    for r in form.rows:
        y, c = cells.get(pre_key(r.indicator, YEAR_COL)), cells.get(pre_key(r.indicator, CUMULATIVE))
        if y is None or c is None or y.value is None or c.value is None:
            continue
        left, right = c.value, y.value
        out.append(
            CheckResult(
                "PRE-CUM",
                "soft",
                r.indicator,
                [c.key, y.key],
                left,
                right,
                left - right,
                "pass" if left >= right else "fail",
            )
        )
    return out


def _check(
    rule: str, target: str, tkey: str, pkeys: list[str], cells: Mapping[str, CellValue], relation: str
) -> CheckResult:
    keys = [tkey, *pkeys]
    assumed = [k for k in keys if cells[k].status in ZERO]
    if any(
        cells[k].status not in READ + ZERO or (cells[k].status in READ and cells[k].value is None)
        for k in keys
    ):
        return CheckResult(rule, "soft", target, keys, None, None, None, "not_assessable", assumed)
    left = cells[tkey].value or 0.0
    right = sum(cells[k].value or 0.0 for k in pkeys)
    ok = abs(left - right) < 1e-9 if relation == "eq" else left <= right + 1e-9
    return CheckResult(
        rule, "soft", target, keys, left, right, left - right, "pass" if ok else "fail", assumed
    )


# -- forms ogi does not know ---------------------------------------------------------------------------

_FORM_HEADER_WORDS = ("指标", "统计指标", "项目", "代码", "指标名称")
_UNIT_HEADER = ("单位", "计量单位")
_TEXT_UNKNOWN = re.compile(
    r"(?:统计指标|指标名称|指\s*标)\s*(?:代\s*码\s*)?(?:计量)?\s*单\s*位\s*(?:统计数|本期实际|本年累计|[^\s。，]{0,12})"
)


def _find_unknown_form(doc: Document, out: PreReading) -> None:
    for index, block in enumerate(doc.blocks):
        if not isinstance(block, Table):
            continue
        rows = block.rows()
        for h, header in enumerate(rows):
            texts = [L.normalize(c.text) for c in header]
            if not (
                any(any(w in t for w in _FORM_HEADER_WORDS) for t in texts)
                and any(any(t.endswith(u) or u in t for u in _UNIT_HEADER) for t in texts)
            ):
                continue
            out.unknown_header = " | ".join(c.text.strip() for c in header)
            for r, row in enumerate(rows[h + 1 :], start=h + 1):
                if row and L.normalize(row[0].text):
                    out.unmapped.append(
                        UnmappedRow(
                            TABLE,
                            row[0].text.strip(),
                            [c.text for c in row[1:]],
                            {"table": index + 1, "row": r + 1},
                        )
                    )
            return
    text = doc.text()
    m = _TEXT_UNKNOWN.search(text)
    if m is not None:
        out.unknown_header = re.sub(r"\s+", " ", m.group(0)).strip()


# -- prose ---------------------------------------------------------------------------------------------

_N = r"(\d+(?:\.\d+)?)"
_COUNT_UNIT = r"(条|件|个|份|宗|起|次|项)"
_INFO = r"(?:有关|涉及)?(?:的)?(?:政府)?信息公开(?:的)?"
#: (indicator, pattern, fixed value or None: the number is group 1). Order matters only for reading.
_PROSE: tuple[tuple[str, re.Pattern[str], float | None], ...] = (
    (
        "requests_received",
        re.compile(rf"(?:共|总共)?(?:收到|受理|接到){_INFO}申请(?:共|总数|数)?(?:为)?{_N}{_COUNT_UNIT}"),
        None,
    ),
    (
        "requests_received",
        re.compile(rf"(?:共|总共)?(?:收到|受理|接到){_N}{_COUNT_UNIT}{_INFO}申请(?![^，。；]*(?:复议|诉讼))"),
        None,
    ),
    ("requests_received", re.compile(rf"未(?:收到|受理|接到|发生)(?:过|任何)?{_INFO}申请(?!人)"), 0.0),
    ("granted", re.compile(rf"(?<!不)同意公开(?:的)?答复(?:数|的)?(?:共|为)?{_N}{_COUNT_UNIT}"), None),
    (
        "denied",
        re.compile(rf"(?:不予公开|否决公开|不同意公开)(?:的)?答复(?:数)?(?:共|为)?{_N}{_COUNT_UNIT}"),
        None,
    ),
    (
        "review_total",
        re.compile(
            rf"(?:收到|受理|发生|提起)[^，。；]{{0,15}}?行政复议(?:申请|案件)?(?:共|数)?{_N}{_COUNT_UNIT}"
        ),
        None,
    ),
    ("review_total", re.compile(rf"(?:收到|受理|发生|提起){_N}{_COUNT_UNIT}{_INFO}行政复议"), None),
    ("review_total", re.compile(rf"未(?:收到|受理|发生|提起)(?:过|任何)?{_INFO}行政复议"), 0.0),
    (
        "litigation_total",
        re.compile(rf"(?:收到|受理|发生|提起)[^，。；]{{0,15}}?行政诉讼(?:案件)?(?:共|数)?{_N}{_COUNT_UNIT}"),
        None,
    ),
    ("litigation_total", re.compile(rf"(?:收到|受理|发生|提起){_N}{_COUNT_UNIT}{_INFO}行政诉讼"), None),
    (
        "litigation_total",
        re.compile(rf"未(?:收到|受理|发生|提起)(?:过|任何)?{_INFO}(?:行政复议和|行政复议、)?行政诉讼"),
        0.0,
    ),
    (
        "fees_charged",
        re.compile(rf"收取(?:了)?(?:申请人)?(?:费用|信息处理费|检索费|复制费)(?:共|为)?{_N}(万元|元)"),
        None,
    ),
    ("fees_charged", re.compile(r"(?:未|没有|不)收取(?:任何)?(?:费用|信息处理费)"), 0.0),
)
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")


def read_prose(doc: Document) -> dict[str, CellValue]:
    """Quantities stated in unambiguous sentences, as ``pre.*`` cells (status ``value``).

    A quantity stated twice with different numbers, or twice in one sentence, is left out: a missing number
    is better than a wrong one.
    """
    found: dict[str, list[tuple[float, str, str | None, dict[str, Any]]]] = {}
    for index, block in enumerate(doc.blocks):
        if not isinstance(block, Paragraph):
            continue
        text = block.text
        starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
        ends = [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]
        for s, e in zip(starts, ends, strict=True):
            sentence = text[s:e]
            norm = unicodedata.normalize("NFKC", sentence)
            if len(norm) != len(sentence):
                norm = sentence
            flat = re.sub(r"\s+", "", norm)
            hits: dict[str, list[tuple[float, str, str | None]]] = {}
            for ind, pat, fixed in _PROSE:
                for m in pat.finditer(flat):
                    if fixed is not None:
                        hits.setdefault(ind, []).append((fixed, m.group(0), None))
                    else:
                        unit = m.group(2) if m.lastindex and m.lastindex >= 2 else None
                        hits.setdefault(ind, []).append((float(m.group(1)), m.group(0), unit))
            for ind, hs in hits.items():
                values = {h[0] for h in hs}
                if len(values) != 1:
                    found.setdefault(ind, []).append((float("nan"), "", None, {}))
                    continue
                v, phrase, unit = hs[0]
                loc = {"block": index + 1, "char": s + 1, "sentence": sentence.strip()}
                found.setdefault(ind, []).append((v, phrase, unit, loc))
    cells: dict[str, CellValue] = {}
    units = prose_quantities()
    for ind, stated in found.items():
        values = {h[0] for h in stated}
        if len(values) != 1 or any(v != v for v in values):
            continue
        v, phrase, unit, loc = stated[0]
        key = pre_key(ind, YEAR_COL)
        cells[key] = CellValue(key, phrase, "value", v, unit or units[ind][1], loc)
    return cells
