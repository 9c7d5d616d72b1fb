"""A generated report (``tests.generators.report``) as a crawler keeps it: page text, table cells glued.

``render_glued(report)`` prints the report the way the real crawls show it (tests/corpus/
pingtan-*-crawled.txt): crawler header lines, page chrome before and after, one long body line, section
headings glued to their paragraphs, the tables' labels with their numbering, each row's cells glued with
no separator or partly separated by spaces, a repeated 「三、本年度办理结果」 in the middle of table 三,
prose that mentions table words and numbers. It returns the text with every multi-cell row as printed.

What a glued row can mean is decided here by a reference written independently of ``ogi.schema.glued_solver``:
``reference_splits`` enumerates the ways to cut a row into its cells (cell shapes, whitespace and units
as boundaries, the row's own identity), ``reference_values`` adds table 三's column identities by
brute force over the rows' splits. The expected values (``render``) follow from it: a cell with one
possible value is in ``cells``, one with several is ``ambiguous`` with its candidates, and the hard
checks that fail on what the text determines are ``source_inconsistent``.

The rules the reference applies (the contract's, not ogi's code): a count has no leading zero and may
group thousands (「1,234」); only 本年增/减 has a sign; only the money columns a decimal point; 「/」 and
「—」 are placeholders anywhere, 「-」 only standing apart; the row identities (T3-ROW, T3-ROW-SUB,
T4-SUM) hold for a row's split unless no split satisfies them, then they are not used for that row;
T3-BAL and T3-OUT choose among the rows' splits only when every row of table 三 satisfies its own
identity and some choice satisfies them all (else the source does not add up, and rows keep their own
splits).

Layout variants that crawled text cannot show (a zero printed blank leaves no trace once cells are glued)
are dropped: the report is drawn again without them, and the expected ``variants`` say so. Rows whose
splits are too many to enumerate are printed with spaces between their cells (crawls are often partly
spaced), so the reference stays exact.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise, product
from typing import Any

from tests.generators.report import (
    APPLICANTS,
    LEGAL_PERSON,
    SECTION_HEADINGS,
    SUBTOTAL,
    T3_ROWS,
    T4_BLOCKS,
    T4_COLUMNS,
    Printed,
    Report,
    failing_checks,
    generate,
    note_after,
    prose_after,
    prose_before,
)

#: Layout variants crawled text cannot show.
GLUED_DROPS = frozenset({"blank_zero", "blank_total"})
#: Rows with more splits than this are printed spaced; so are table-三 rows while the joint search
#: over their splits would pass ``JOINT_LIMIT`` combinations.
ROW_LIMIT = 400
JOINT_LIMIT = 20_000

T3_HEADER_COLUMNS = "申请人情况自然人法人或其他组织总计 "
T4_HEADER = (
    "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
    "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
)
CHROME_BEFORE = (
    "当前位置： 首页政务公开政府信息公开政府信息公开年报 {title} 来源：{agency} 时间：{date} 14:05 "
    "微信 微博 QQ空间 全真版 文字版 文件下载 相关链接： --> ",
    "首页 > 政务公开 > 政府信息公开年报 浏览次数：1287 字号：大 中 小 发布日期：{date} ",
    "",
)
CHROME_AFTER = (
    " 附件下载",
    " 【打印本页】 【关闭窗口】 主办单位：{agency} 电话：0591-23165370 闽ICP备05012345号-1 网站标识码3501000021",
    "",
)


@dataclass
class PrintedRow:
    """One multi-cell row as printed: its cells' keys, the kind of each, its identity, its run."""

    keys: list[str]
    kinds: list[str]
    #: total position → component positions (T3-ROW, T3-ROW-SUB, T4-SUM); empty for table 二.
    sums: dict[int, list[int]]
    run: str
    texts: list[str] = field(default_factory=list)


@dataclass
class GluedReport:
    """The crawled text of a report and what it printed."""

    text: str
    report: Report
    published: str
    #: Every multi-cell row (table 二 rows of several columns, table 三 rows, table 四).
    rows: list[PrintedRow] = field(default_factory=list)
    #: The title is printed at the top of the body too (not only in the page's 标题 line).
    title_in_body: bool = False

    @property
    def version(self) -> str:
        return self.report.version

    @property
    def truth(self) -> dict[str, float | None]:
        return {k: p.value if p.status == "value" else None for k, p in self.report.cells().items()}


# -- the page ----------------------------------------------------------------------------------------


def glued_report(rep: Report) -> Report:
    """The report as crawled text can show it: drawn again without the variants it cannot."""
    if rep.variants & GLUED_DROPS:
        return generate(rep.seed, rep.version, rep.variants - GLUED_DROPS, title=rep.title_layout)
    return rep


def render_glued(rep: Report) -> GluedReport:
    """The report (first passed through ``glued_report``) as crawled page text."""
    rep = glued_report(rep)
    rng = random.Random(f"glued:{rep.seed}")
    published = f"{rep.year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"
    spaced: set[str] = set()
    for _attempt in range(200):
        out = GluedReport("", rep, published)
        text = _page(rep, random.Random(f"glued-layout:{rep.seed}"), out, spaced)
        worst = _too_many(out)
        if worst is None:
            out.text = text
            return out
        spaced.add(worst)
    raise AssertionError(f"seed {rep.seed}: rows could not be made tractable")


def _too_many(g: GluedReport) -> str | None:
    """The key of a row to print spaced (its splits, or the table-三 joint search, are too many)."""
    counts = {
        row.keys[0]: len(
            reference_splits(row, own_identity=True) or reference_splits(row, own_identity=False)
        )
        for row in g.rows
    }
    for row in g.rows:
        if counts[row.keys[0]] > ROW_LIMIT:
            return row.keys[0]
    t3 = [row for row in g.rows if row.keys[0].startswith("t3.")]
    size = 1
    for row in t3:
        size *= max(counts[row.keys[0]], 1)
    if size > JOINT_LIMIT:
        return max(t3, key=lambda r: counts[r.keys[0]]).keys[0]
    return None


def _join(rng: random.Random, texts: list[str], spaced: bool) -> str:
    """Cells glued as crawlers do: no separator, all spaced, or spaced here and there. A 「-」 placeholder
    always stands apart (glued, it would be a minus sign)."""
    mode = "spaced" if spaced else rng.choice(("glued", "glued", "glued", "spaced", "partly"))
    out = texts[0]
    for prev, t in pairwise(texts):
        apart = (
            mode == "spaced"
            or (mode == "partly" and rng.random() < 0.5)
            or t.startswith("-")
            or prev.endswith("-")
            or t.startswith("+")
        )
        out += (" " if apart else "") + t
    return out + (" " if out.endswith("-") else "")


def _kind(key: str) -> str:
    col = key.rsplit(".", 1)[-1]
    if col == "change":
        return "signed"
    if col in ("fee_amount", "procurement_amount"):
        return "decimal"
    return "count"


def _row(
    rng: random.Random,
    out: GluedReport,
    spaced: set[str],
    keys: list[str],
    sums: dict[int, list[int]],
) -> str:
    rep = out.report
    cells = rep.cells()
    texts = [cells[k].text for k in keys]
    run = _join(rng, texts, keys[0] in spaced)
    if len(keys) > 1:
        out.rows.append(PrintedRow(keys, [_kind(k) for k in keys], sums, run, texts))
    return run


def _page(rep: Report, rng: random.Random, out: GluedReport, spaced: set[str]) -> str:
    title = rep.page_title()
    chrome_before = rng.choice(CHROME_BEFORE).format(title=title, agency=rep.agency, date=out.published)
    chrome_after = rng.choice(CHROME_AFTER).format(agency=rep.agency)
    before = prose_before(rep)
    after = prose_after(rep)
    body = chrome_before
    if rng.random() < 0.3:
        body += " ".join(rep.title_lines()) + " "
        out.title_in_body = bool(rep.title_lines())
    body += "".join(before)
    body += SECTION_HEADINGS["s2"] + " " + _table2(rep, rng, out, spaced)
    body += "".join(note_after(rep, "t2"))
    body += SECTION_HEADINGS["s3"] + _table3(rep, rng, out, spaced)
    body += "".join(note_after(rep, "t3"))
    body += " " + SECTION_HEADINGS["s4"] + " " + _table4(rep, rng, out, spaced)
    body += "".join(after) + chrome_after
    year = rep.year + 1
    header = (
        f"标题: {title}\n发布时间: {out.published} 16:34\n文号: \n发布机构: \n栏目: 政府信息公开年报\n"
        f"原文链接: https://www.example.gov.cn/zwgk/zfxxgknb/{year}02/t{year}0208_80613.htm\n"
        "==================== 正文 ====================\n"
    )
    return header + body + "\n"


def _table2(rep: Report, rng: random.Random, out: GluedReport, spaced: set[str]) -> str:
    parts: list[str] = []
    for item, numeral, cols, rows in rep.t2_items():
        space = rng.choice(("", " "))
        parts.append(f"{rep.caption(numeral)}信息内容{space}" + "".join(label for _k, label in cols))
        for row, label in rows:
            keys = [f"t2.{item}.{row}.{c}" for c, _l in cols]
            lead = rng.choice(("", "", " "))
            parts.append(rep.spaced(rep.qi(label), 1) + lead + _row(rng, out, spaced, keys, {}))
            if item == "art20_1" and row == "normative_docs" and rep.extra_t2_row:
                extra_label, values = rep.extra_t2_row
                parts.append(extra_label + "".join(values[: len(cols)]))
    return "".join(parts)


def _t3_sums(rep: Report) -> dict[int, list[int]]:
    cols = [k for k, _l in rep.t3_columns()]
    sums = {cols.index("total"): [cols.index(c) for c in APPLICANTS]}
    if rep.subtotal:
        sums[cols.index(SUBTOTAL[0])] = [cols.index(c) for c in LEGAL_PERSON]
    return sums


def _table3(rep: Report, rng: random.Random, out: GluedReport, spaced: set[str]) -> str:
    cols = [k for k, _l in rep.t3_columns()]
    legal = [rep.t3_column_label(k) for k in cols if k not in ("natural_person", "total")]
    header = (rep.note or "") + T3_HEADER_COLUMNS.replace("自然人", rep.t3_column_label("natural_person"))
    header = header.replace("总计", rep.t3_column_label("total")) + "".join(legal)
    parts = [header]
    sums = _t3_sums(rep)
    info = {r[0]: r for r in T3_ROWS}
    results_done = False
    groups_done: set[str] = set()
    brk = rep.style["t3_break"] if "split_table3" in rep.variants else None
    for n, key in enumerate(rep.t3_rows()):
        if n == brk:
            parts.append("（续表）")
        _k, level, _num, _t, group = info[key]
        if level > 0 and not results_done:
            parts.append(rep.t3_heading("results"))
            results_done = True
        if group == "unable" and group not in groups_done and rng.random() < 0.5:
            # 平潭 2020 prints the vertical 「三、本年度办理结果」 again in the middle of the table.
            parts.append(rep.t3_heading("results"))
        if level == 2 and group is not None and group not in groups_done:
            parts.append(rep.t3_heading(group))
            groups_done.add(group)
        keys = [f"t3.{key}.{c}" for c in cols]
        parts.append(rep.t3_label(key) + _row(rng, out, spaced, keys, sums))
    return "".join(parts)


def _table4(rep: Report, rng: random.Random, out: GluedReport, spaced: set[str]) -> str:
    keys = [f"t4.{b}.{c}" for b, _l in T4_BLOCKS for c, _c in T4_COLUMNS]
    sums = {5 * i + 4: [5 * i + j for j in range(4)] for i in range(3)}
    labels = {k: rep.t4_column_label(k) for k, _l in T4_COLUMNS}
    header = T4_HEADER
    for key, label in T4_COLUMNS:
        header = header.replace(label, labels[key]) if label != labels[key] else header
    return header + _row(rng, out, spaced, keys, sums)


# -- the reference: what a glued row can mean ---------------------------------------------------------

_COUNT = r"(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)"
_SHAPES = {
    "count": re.compile(_COUNT),
    "signed": re.compile(r"[+-]?" + _COUNT),
    "decimal": re.compile(_COUNT + r"(?:\.\d+)?"),
}
#: Placeholders that may be glued to digits, and those that must stand apart.
_PLACEHOLDER_ANYWHERE = frozenset({"/", "—", "——"})
_PLACEHOLDER_APART = frozenset({"-", "--"})
_UNITS = re.compile(r"(万元|亿元|元|件)")

Split = tuple[float | None, ...]


def _tokens(run: str) -> list[tuple[str, bool]]:
    """The run's pieces between boundaries (whitespace, units), each with whether it stood apart."""
    s = unicodedata.normalize("NFKC", run).replace("，", ",")
    out: list[tuple[str, bool]] = []
    for token in s.split():
        parts = [p for p in _UNITS.split(token) if p and not _UNITS.fullmatch(p)]
        for p in parts:
            out.append((p, len(parts) == 1))
    return out


def _cell_value(piece: str, kind: str, whole: bool) -> tuple[bool, float | None]:
    """(fits, value) of a piece as one cell of ``kind`` (value None: a placeholder)."""
    if piece in _PLACEHOLDER_ANYWHERE or (whole and piece in _PLACEHOLDER_APART):
        return True, None
    if _SHAPES[kind].fullmatch(piece):
        return True, float(piece.replace(",", ""))
    return False, None


def reference_splits(row: PrintedRow, own_identity: bool = True) -> list[Split]:
    """Every way to cut the row's run into its cells; with ``own_identity`` only those whose totals add
    up (a placeholder counts as 0). Plain enumeration over cut positions, pruned once a total is placed."""
    tokens = _tokens(row.run)
    k = len(row.kinds)
    out: list[Split] = []
    cells: list[float | None] = []

    def ok_total(col: int) -> bool:
        if not own_identity or col not in row.sums:
            return True
        return (cells[col] or 0.0) == sum(cells[c] or 0.0 for c in row.sums[col])

    def rec(ti: int, pos: int) -> None:
        if len(out) > 50_000:
            return
        if ti == len(tokens):
            if len(cells) == k:
                out.append(tuple(cells))
            return
        if len(cells) == k:
            return
        piece_from, whole_token = tokens[ti]
        for end in range(pos + 1, len(piece_from) + 1):
            piece = piece_from[pos:end]
            fits, value = _cell_value(
                piece, row.kinds[len(cells)], whole_token and pos == 0 and end == len(piece_from)
            )
            if not fits:
                continue
            cells.append(value)
            if ok_total(len(cells) - 1):
                nxt = (ti + 1, 0) if end == len(piece_from) else (ti, end)
                rec(*nxt)
            cells.pop()

    rec(0, 0)
    return sorted(set(out), key=lambda s: tuple(-1.0 if v is None else v for v in s))


def reference_values(g: GluedReport) -> tuple[dict[str, set[float | None]], bool | None]:
    """What the text allows for every cell (None standing for a placeholder), and whether table 三's
    column identities were usable: True (some choice satisfies them), False (none does: the source does
    not add up), None (a row of table 三 breaks its own identity, so they are not used)."""
    allowed: dict[str, set[float | None]] = {}
    t3_options: dict[str, list[Split]] = {}
    usable = True
    for row in g.rows:
        options = reference_splits(row, own_identity=True)
        if not options:
            options = reference_splits(row, own_identity=False)
            if row.keys[0].startswith("t3."):
                usable = False
        elif row.keys[0].startswith("t3."):
            t3_options[row.keys[0].split(".")[1]] = options
        for i, key in enumerate(row.keys):
            allowed[key] = {o[i] for o in options}
    for key, p in g.report.cells().items():
        # One-cell rows: the run is the cell.
        allowed.setdefault(key, {p.value if p.status == "value" else None})
    if not usable:
        return allowed, None
    rep = g.report
    rows = rep.t3_rows()
    outcomes = [
        r for r in rows if r not in ("new_received", "carried_over", "results_total", "carry_forward")
    ]
    cols = [k for k, _l in rep.t3_columns()]
    multi = [r for r in rows if len(t3_options[r]) > 1]
    kept: dict[str, set[int]] = {r: set() for r in multi}
    found = False

    def z(v: float | None) -> float:
        return 0.0 if v is None else v

    for choice in product(*(range(len(t3_options[r])) for r in multi)):
        pick = {r: t3_options[r][0] for r in rows}
        pick.update({r: t3_options[r][i] for r, i in zip(multi, choice, strict=True)})
        if all(
            z(pick["new_received"][c]) + z(pick["carried_over"][c])
            == z(pick["results_total"][c]) + z(pick["carry_forward"][c])
            and sum(z(pick[o][c]) for o in outcomes) == z(pick["results_total"][c])
            for c in range(len(cols))
        ):
            found = True
            for r, i in zip(multi, choice, strict=True):
                kept[r].add(i)
    if not found:
        return allowed, False
    for r in multi:
        for i, col in enumerate(cols):
            allowed[f"t3.{r}.{col}"] = {t3_options[r][j][i] for j in kept[r]}
    return allowed, True


def expected_values(g: GluedReport, file: str) -> dict[str, Any]:
    """The contract's expected values of the crawled text (output-contract.md §7)."""
    rep = g.report
    allowed, _usable = reference_values(g)
    exp = rep.expected(file, header_read=False)
    cells: dict[str, Any] = {}
    placeholder: list[str] = []
    ambiguous: dict[str, list[float | int]] = {}
    read: dict[str, Printed] = {}
    for key, values in allowed.items():
        numbers = sorted(v for v in values if v is not None)
        if len(values) == 1:
            (only,) = values
            if only is None:
                placeholder.append(key)
                read[key] = Printed("/", None, "placeholder")
            else:
                cells[key] = int(only) if float(only).is_integer() else only
                read[key] = Printed(str(only), only, "value")
        else:
            ambiguous[key] = [int(v) if float(v).is_integer() else v for v in numbers]
            read[key] = Printed("?", None, "ambiguous")
    shown = Report(
        seed=rep.seed,
        version=rep.version,
        agency=rep.agency,
        year=rep.year,
        aggregate_word=rep.aggregate_word,
        variants=rep.variants,
        t2={k: v for k, v in read.items() if k.startswith("t2.")},
        t3={k: v for k, v in read.items() if k.startswith("t3.")},
        t4={k: v for k, v in read.items() if k.startswith("t4.")},
    )
    exp.update(
        cells=cells,
        blank=[],
        placeholder=sorted(placeholder),
        ambiguous=ambiguous,
        source_inconsistent=failing_checks(shown),
    )
    exp["notes"] += "; glued: expected values from tests/generators/glued.py's reference"
    return exp


def render(rep: Report, stem: str = "report") -> tuple[bytes, dict[str, Any]]:
    """The report as crawled page text with glued cells, and its expected values.

    The expected ``variants`` are those of the report as printed (``GLUED_DROPS`` removed)."""
    g = render_glued(rep)
    expected = expected_values(g, f"{stem}.txt")
    if g.report.title_layout.page != "same" and not g.title_in_body:
        expected["agency"] = None  # the page's 标题 is the column's name and the body prints no title
    expected["variants"] = sorted(g.report.variants)
    return g.text.encode("utf-8"), expected
