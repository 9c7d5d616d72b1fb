"""A random, consistent report model: what a renderer prints and what ogi must read back.

``generate(seed, version=None, variants=None)`` draws one report of the 2019 or 2021 format. Its numbers
satisfy every identity of the template (template-spec.md §5) unless the ``wrong_total`` variant prints one
total wrong on purpose; then ``Report.failing`` lists exactly the hard checks that must fail. Layout
variants (labels, numbering, blanks, extra rows and columns, prose) are drawn here, once, so every renderer
(``text_tab``, ``html``, …) prints the same report, and ``Report.expected()`` gives the expected values in
the shape of output-contract.md §7.

The template's keys and printed labels are written out here on purpose, not taken from ``ogi.schema``: the
generator must not share a mistake with the code it tests.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# -- the template, written out independently of ogi.schema ---------------------------------------------

VERSIONS = ("2021", "2019")

#: Table 二 per version: (item key, item numeral, [(col key, label)], [(row key, label)]).
T2: dict[str, list[tuple[str, str, list[tuple[str, str]], list[tuple[str, str]]]]] = {
    "2021": [
        (
            "art20_1",
            "一",
            [("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")],
            [("rules", "规章"), ("normative_docs", "行政规范性文件")],
        ),
        ("art20_5", "五", [("decisions", "本年处理决定数量")], [("admin_license", "行政许可")]),
        (
            "art20_6",
            "六",
            [("decisions", "本年处理决定数量")],
            [("admin_penalty", "行政处罚"), ("admin_coercion", "行政强制")],
        ),
        ("art20_8", "八", [("fee_amount", "本年收费金额（单位：万元）")], [("admin_fees", "行政事业性收费")]),
    ],
    "2019": [
        (
            "art20_1",
            "一",
            [
                ("new_made", "本年新制作数量"),
                ("new_published", "本年新公开数量"),
                ("public_total", "对外公开总数量"),
            ],
            [("rules", "规章"), ("normative_docs", "规范性文件")],
        ),
        (
            "art20_5",
            "五",
            [("prev_year_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量")],
            [("admin_license", "行政许可"), ("other_mgmt_services", "其他对外管理服务事项")],
        ),
        (
            "art20_6",
            "六",
            [("prev_year_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量")],
            [("admin_penalty", "行政处罚"), ("admin_coercion", "行政强制")],
        ),
        (
            "art20_8",
            "八",
            [("prev_year_items", "上一年项目数量"), ("change", "本年增/减")],
            [("admin_fees", "行政事业性收费")],
        ),
        (
            "art20_9",
            "九",
            [("procurement_items", "采购项目数量"), ("procurement_amount", "采购总金额")],
            [("gov_central_procurement", "政府集中采购")],
        ),
    ],
}

#: Table 三 columns: (key, label). The subtotal column is not in the template (spec §3.2, D12).
T3_COLUMNS = [
    ("natural_person", "自然人"),
    ("commercial_enterprise", "商业企业"),
    ("research_institution", "科研机构"),
    ("public_interest_org", "社会公益组织"),
    ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
]
APPLICANTS = [k for k, _ in T3_COLUMNS[:6]]
LEGAL_PERSON = APPLICANTS[1:]
SUBTOTAL = ("legal_person_subtotal", "小计")

#: Table 三 rows: (key, level, number, text). Level 0 rows span the three label columns; level-1 rows
#: （一）…（七） sit under 三、本年度办理结果; level-2 rows sit under their group heading.
T3_ROWS: list[tuple[str, int, str, str, str | None]] = [
    # key, level, number, text, group
    ("new_received", 0, "一", "本年新收政府信息公开申请数量", None),
    ("carried_over", 0, "二", "上年结转政府信息公开申请数量", None),
    ("granted", 1, "一", "予以公开", None),
    ("partially_granted", 1, "二", "部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    ("denied_state_secret", 2, "1", "属于国家秘密", "denied"),
    ("denied_other_law", 2, "2", "其他法律行政法规禁止公开", "denied"),
    ("denied_three_security_one_stability", 2, "3", "危及“三安全一稳定”", "denied"),
    ("denied_third_party", 2, "4", "保护第三方合法权益", "denied"),
    ("denied_internal_affairs", 2, "5", "属于三类内部事务信息", "denied"),
    ("denied_process_info", 2, "6", "属于四类过程性信息", "denied"),
    ("denied_enforcement_file", 2, "7", "属于行政执法案卷", "denied"),
    ("denied_admin_query", 2, "8", "属于行政查询事项", "denied"),
    ("unable_not_held", 2, "1", "本机关不掌握相关政府信息", "unable"),
    ("unable_need_creation", 2, "2", "没有现成信息需要另行制作", "unable"),
    ("unable_unclear", 2, "3", "补正后申请内容仍不明确", "unable"),
    ("not_processed_petition", 2, "1", "信访举报投诉类申请", "not_processed"),
    ("not_processed_duplicate", 2, "2", "重复申请", "not_processed"),
    ("not_processed_publication", 2, "3", "要求提供公开出版物", "not_processed"),
    ("not_processed_massive", 2, "4", "无正当理由大量反复申请", "not_processed"),
    ("not_processed_confirm", 2, "5", "要求行政机关确认或重新出具已获取信息", "not_processed"),
    (
        "other_overdue_correction",
        2,
        "1",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "other_handling",
    ),
    (
        "other_overdue_fee",
        2,
        "2",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other_handling",
    ),
    ("other_other", 2, "3", "其他", "other_handling"),
    ("other_handling", 1, "六", "其他处理", None),  # the single row (2019, and some 2021 reports)
    ("results_total", 1, "七", "总计", None),
    ("carry_forward", 0, "四", "结转下年度继续办理", None),
]
T3_GROUPS = {
    "denied": ("三", "不予公开"),
    "unable": ("四", "无法提供"),
    "not_processed": ("五", "不予处理"),
    "other_handling": ("六", "其他处理"),
}
RESULTS_HEADING = ("三", "本年度办理结果")
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

T4_BLOCKS = [
    ("review", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
]
T4_COLUMNS = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other_result", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
]

SECTION_HEADINGS = {
    "s1": "一、总体情况",
    "s2": "二、主动公开政府信息情况",
    "s3": "三、收到和处理政府信息公开申请情况",
    "s4": "四、政府信息公开行政复议、行政诉讼情况",
    "s5": "五、存在的主要问题及改进情况",
    "s6": "六、其他需要报告的事项",
}

#: (agency, the word its aggregate reports use for "all of us").
AGENCIES = [
    ("嘉兴市统计局", None),
    ("淮安市人民政府", "全市"),
    ("杭州市西湖区教育局", None),
    ("平潭综合实验区", "全区"),
    ("孝感市人民政府办公室", None),
    ("宜兴市住房和城乡建设局", None),
    ("南京市江宁区人民政府", "全区"),
    ("长沙县人民政府", "全县"),
    ("广东省生态环境厅", None),
    ("上海市浦东新区财政局", None),
    ("成都市武侯区人民政府", "全区"),
    ("苏州市人民政府", "全市"),
]

#: Layout variants, drawn independently (those that do not apply to a version are ignored).
VARIANTS = (
    "blank_zero",  # zeros printed as empty cells
    "slash_zero",  # zeros printed as 「/」
    "blank_total",  # a row's 总计 left blank beside printed values (上海 2019, D1)
    "other_single_row",  # 2021 report printing （六）其他处理 as one data row
    "decimals",  # 2021 fee amount / 2019 procurement amount with decimals
    "signed_change",  # 2019 本年增/减 printed with a sign, some negative
    "subtotal_column",  # a 法人或其他组织小计 column in table 三 (D12)
    "extra_t2_row",  # 「其他主动公开文件」 under 第二十条第（一）项 (D6)
    "large_numbers",  # aggregate-report magnitudes (D15)
    "prose",  # prose before and after the tables, with the request-total sentence
    "numbering_dunhao",  # sub-rows numbered 「1、」 (淮安 2024, D6b)
    "numbering_fullwidth",  # sub-rows numbered 「1．」
    "no_numbering",  # labels without 一、（一）1. (D7)
    "qita",  # 其它 for 其他
    "label_spaces",  # spaces inside labels (D6, D6b)
    "comma_labels",  # 「，」 for 「、」 in the （六）1/2 labels (D6)
    "note_missing",  # the 勾稽 note missing from table 三's corner
    "thousands_separators",  # 「1,234」 and 「1，234」 (D5)
    "units_in_cells",  # 「13件」 in table 二 (D3)
    "title_two_lines",  # agency on one line, 「2024年政府信息公开工作年度报告」 on the next (淮安 2024)
    "notes_after_tables",  # 「注：」 paragraphs after the tables (D14)
    "split_table2",  # table 二 as one table per 第二十条 item
    "split_table3",  # table 三 broken in two tables (「续表」), the second without a header
    "wrong_total",  # one total printed wrong on purpose
    "small_numbers",  # a small office: every count a single digit, mostly 0 (D17)
)
NUMBERINGS = ("numbering_dunhao", "numbering_fullwidth", "no_numbering")


_CN_DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class TitleLayout:
    """How the title is printed (issue 19); the default is the plain one-line title.

    Chosen by the caller (``generate(..., title=…)``, ``draw_title``), never drawn inside ``generate``, so
    the reports of existing seeds stay as they were.
    """

    #: Where the title's lines end, as offsets into the printed title (taken modulo its length): a wrap at
    #: any position, inside a word too (「…年度」 / 「报告」).
    breaks: tuple[int, ...] = ()
    #: The year and 年度 spaced out: 「2 0 2 2 年 度」.
    spaced: bool = False
    #: The year in Chinese numerals: 二〇二二年.
    numerals: bool = False
    #: The agency in the page header; the first line starts with the year (「2022年度政府信息公开…」).
    header: bool = False
    #: No title at all: the year only in the prose. ``period``: the statistics period says it; ``self``: a
    #: sentence 「现将<agency><year>年度政府信息公开工作年度报告公布如下」 says it too, with the agency.
    missing: str | None = None
    #: A web page's <title> and <h1>: ``same`` as the body's, ``generic`` (the column's name, no year), or
    #: ``short`` (<h1> 「<year>年度报告」, <title> the column's name).
    page: str = "same"


def draw_title(rng: random.Random) -> TitleLayout:
    """A random title layout (for benchmarks; property tests build theirs with hypothesis)."""
    missing = rng.choice([None, None, None, None, "period", "self"])
    return TitleLayout(
        breaks=tuple(rng.randrange(1, 60) for _ in range(rng.choice([0, 1, 1, 2]))),
        spaced=rng.random() < 0.3,
        numerals=rng.random() < 0.3,
        header=rng.random() < 0.25,
        missing=missing,
        page=rng.choice(["same", "generic", "short"]),
    )


def chinese_year(year: int) -> str:
    return "".join(_CN_DIGITS[int(d)] for d in str(year))


@dataclass
class Printed:
    """One cell as printed: its text, and what ogi must read from it."""

    text: str
    value: float | None
    status: str  # value | blank | placeholder (| ambiguous, for a reader that cannot tell)


@dataclass
class Report:
    """One generated report."""

    seed: int
    version: str
    agency: str
    year: int
    aggregate_word: str | None
    variants: frozenset[str]
    t2: dict[str, Printed] = field(default_factory=dict)
    t3: dict[str, Printed] = field(default_factory=dict)
    t4: dict[str, Printed] = field(default_factory=dict)
    #: The 「其他主动公开文件」 row (label, printed values) when drawn.
    extra_t2_row: tuple[str, list[str]] | None = None
    #: Hard checks that fail: "RULE target: note".
    failing: list[str] = field(default_factory=list)
    #: Numbers the prose states.
    requests_stated: float | None = None
    #: Words used by the renderers for layout choices drawn once (blank text, spaces inside labels …).
    style: dict[str, Any] = field(default_factory=dict)
    #: How the title is printed (wrapped, spaced, numerals, header, missing).
    title_layout: TitleLayout = field(default_factory=TitleLayout)

    # -- what the report says ------------------------------------------------------------------------

    @property
    def other_single_row(self) -> bool:
        return self.version == "2019" or "other_single_row" in self.variants

    @property
    def subtotal(self) -> bool:
        return "subtotal_column" in self.variants

    @property
    def has_prose(self) -> bool:
        return "prose" in self.variants

    @property
    def scope(self) -> str | None:
        if not self.has_prose:
            return None
        return "aggregate" if self.aggregate_word else "own"

    def t3_rows(self) -> list[str]:
        """The data rows the report prints, in order."""
        out = []
        for key, _lvl, _n, _t, group in T3_ROWS:
            if group == "other_handling" and self.other_single_row:
                continue
            if key == "other_handling" and not self.other_single_row:
                continue
            out.append(key)
        return out

    def t3_columns(self) -> list[tuple[str, str]]:
        cols = list(T3_COLUMNS)
        if self.subtotal:
            cols.insert(6, SUBTOTAL)
        return cols

    def t2_items(self) -> list[tuple[str, str, list[tuple[str, str]], list[tuple[str, str]]]]:
        return T2[self.version]

    def title_lines(self) -> list[str]:
        """The title as printed: one line, or the agency above 「YYYY年政府信息公开工作年度报告」, or as
        ``title_layout`` lays it out (wrapped, spaced, numerals; none when missing)."""
        layout = self.title_layout
        if layout.missing:
            return []
        if layout == TitleLayout():
            if "title_two_lines" in self.variants:
                return [self.agency, f"{self.year}年政府信息公开工作年度报告"]
            return [self.title]
        year = chinese_year(self.year) if layout.numerals else str(self.year)
        if layout.header:
            text = f"{year}年度政府信息公开工作年度报告"
        elif self.seed % 3 == 0:
            text = f"{year}年{self.agency}政府信息公开工作年度报告"
        else:
            text = f"{self.agency}{year}年度政府信息公开工作年度报告"
        if layout.spaced:
            at = text.index(year)
            end = at + len(year) + (2 if text[at + len(year) : at + len(year) + 2] == "年度" else 1)
            text = text[:at] + " ".join(text[at:end]) + text[end:]
        cuts = sorted({1 + b % (len(text) - 1) for b in layout.breaks})
        lines = [text[i:j] for i, j in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        return [x for x in (line.strip() for line in lines) if x]

    def page_header(self) -> str | None:
        """The page header's text (the agency) when the title layout puts it there."""
        return self.agency if self.title_layout.header and not self.title_layout.missing else None

    def page_title(self) -> str:
        """What a web page puts in its <title> (and <h1>): the title on one line, or the column's name."""
        if self.title_layout.missing or self.title_layout.page != "same":
            return "政府信息公开年报"
        return "".join(self.title_lines()) if self.title_layout.breaks else " ".join(self.title_lines())

    def self_sentence(self) -> str | None:
        """「现将…公布如下」: the report naming itself in its preamble (title layouts ``missing='self'``)."""
        if self.title_layout.missing != "self":
            return None
        return f"现将{self.agency}{self.year}年度政府信息公开工作年度报告公布如下。"

    @property
    def title(self) -> str:
        if self.seed % 3 == 0:
            return f"{self.year}年{self.agency}政府信息公开工作年度报告"
        return f"{self.agency}{self.year}年度政府信息公开工作年度报告"

    def cells(self) -> dict[str, Printed]:
        return {**self.t2, **self.t3, **self.t4}

    def expected(self, file: str, header_read: bool = True) -> dict[str, Any]:
        """The expected values of output-contract.md §7 for this report printed as ``file``.

        The agency is expected where it is printed: in the title, in a 「现将…」 sentence, or in the page
        header when the format keeps it (``header_read``: PDF and Word do, a copied-out text or a web
        page does not)."""
        cells = self.cells()
        layout = self.title_layout
        shown = layout.missing == "self" or (not layout.missing and (header_read or not layout.header))
        return {
            "file": file,
            "agency": self.agency if shown else None,
            "year": self.year,
            "template_version": self.version,
            "scope": self.scope,
            "cells": {k: _plain(p.value) for k, p in cells.items() if p.status == "value"},
            "blank": sorted(k for k, p in cells.items() if p.status == "blank"),
            "placeholder": sorted(k for k, p in cells.items() if p.status == "placeholder"),
            "ambiguous": {},
            "source_inconsistent": list(self.failing),
            "notes": f"generated: seed {self.seed}, version {self.version}, variants {sorted(self.variants)}",
        }

    # -- labels as printed ---------------------------------------------------------------------------

    def numbering(self) -> str:
        for n in NUMBERINGS:
            if n in self.variants:
                return n
        return "standard"

    def qi(self, text: str) -> str:
        return text.replace("其他", "其它") if "qita" in self.variants else text

    def spaced(self, text: str, salt: int = 0) -> str:
        """``text`` with a space inside it, for the ``label_spaces`` variant (deterministic per label)."""
        if "label_spaces" not in self.variants or len(text) < 3:
            return text
        rng = random.Random(f"{self.seed}:{salt}:{text}")
        if rng.random() < 0.5:
            return text
        # Never split the numbering or a quoted phrase; pick a cut between two CJK characters.
        cuts = [
            i
            for i in range(2, len(text) - 1)
            if _cjk(text[i - 1]) and _cjk(text[i]) and text[i - 1] not in "“”"
        ]
        if not cuts:
            return text
        i = rng.choice(cuts)
        return text[:i] + rng.choice([" ", "\u3000", "  "]) + text[i:]

    def caption(self, numeral: str) -> str:
        sep = " " if "label_spaces" in self.variants and self.seed % 2 else ""
        return f"第二十条{sep}第（{numeral}）项"

    def t3_label(self, key: str) -> str:
        """The printed label of a table-三 row (its own cell, without the group heading)."""
        row = next(r for r in T3_ROWS if r[0] == key)
        _key, level, number, text, _group = row
        text = self.qi(text)
        if "comma_labels" in self.variants and key in ("other_overdue_correction", "other_overdue_fee"):
            text = text.replace("、", "，")
        style = self.numbering()
        if style == "no_numbering":
            prefix = ""
        elif level == 0:
            prefix = f"{number}、"
        elif level == 1:
            prefix = f"（{number}）"
        else:
            prefix = {"numbering_dunhao": f"{number}、", "numbering_fullwidth": f"{number}．"}.get(
                style, f"{number}."
            )
        return prefix + self.spaced(text, 3)

    def t3_heading(self, group: str) -> str:
        if group == "results":
            number, text = RESULTS_HEADING
            prefix = "" if self.numbering() == "no_numbering" else f"{number}、"
            return prefix + text
        number, text = T3_GROUPS[group]
        prefix = "" if self.numbering() == "no_numbering" else f"（{number}）"
        return prefix + self.spaced(self.qi(text), 5)

    def t3_column_label(self, key: str) -> str:
        label = dict(self.t3_columns())[key]
        return self.spaced(self.qi(label), 7)

    def t4_column_label(self, key: str) -> str:
        return self.spaced(self.qi(dict(T4_COLUMNS)[key]), 11)

    @property
    def note(self) -> str | None:
        return None if "note_missing" in self.variants else T3_NOTE

    def blank_text(self) -> str:
        return str(self.style.get("blank", ""))


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _plain(v: float | None) -> float | int | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


def number_text(v: float, decimals: int | None = None) -> str:
    if decimals:
        return f"{v:.{decimals}f}"
    return str(int(v)) if float(v).is_integer() else repr(v)


# -- drawing the numbers -----------------------------------------------------------------------------


def _count(rng: random.Random, scale: int, p_zero: float, small: bool = False) -> int:
    """0 with probability ``p_zero``, else a heavy-tailed positive count around ``scale`` (a single digit
    for a small office)."""
    if rng.random() < p_zero:
        return 0
    if small:
        return rng.randint(1, 9)
    return min(max(int(rng.paretovariate(1.5) * scale * 0.5), 1), scale * 50)


def generate(
    seed: int,
    version: str | None = None,
    variants: Iterable[str] | None = None,
    title: TitleLayout | None = None,
) -> Report:
    """One random report. ``variants`` None draws them at random; otherwise exactly those apply.
    ``title`` lays the title out (default: one line, or two with the ``title_two_lines`` variant)."""
    rng = random.Random(seed)
    if version is None:
        version = rng.choice(VERSIONS)
    if variants is None:
        drawn = {v for v in VARIANTS if rng.random() < 0.2}
    else:
        drawn = set(variants)
        unknown = drawn - set(VARIANTS)
        if unknown:
            raise ValueError(f"unknown variants {sorted(unknown)}")
    # Variants that do not apply to this version, or exclude each other.
    if version == "2019":
        drawn.discard("other_single_row")
    else:
        drawn.discard("signed_change")
    numberings = [n for n in NUMBERINGS if n in drawn]
    for n in numberings[1:]:
        drawn.discard(n)
    if "large_numbers" in drawn:
        drawn.discard("small_numbers")
    agency, word = AGENCIES[rng.randrange(len(AGENCIES))]
    if "large_numbers" in drawn and word is None:
        word = "全市"
    rep = Report(
        seed=seed,
        version=version,
        agency=agency,
        year=rng.randint(2019, 2020) if version == "2019" else rng.randint(2021, 2025),
        aggregate_word=word if rng.random() < 0.8 or "large_numbers" in drawn else None,
        variants=frozenset(drawn),
        title_layout=title or TitleLayout(),
    )
    rep.style["blank"] = rng.choice(["", "", "\u3000\u3000", " "])
    rep.style["slash"] = rng.choice(["/", "/", "／", "-", "—"])
    big = "large_numbers" in drawn
    _draw_t2(rep, rng, big)
    _draw_t3(rep, rng, big)
    _draw_t4(rep, rng, big)
    _print_zeros(rep, rng)
    if "blank_total" in drawn:
        _blank_totals(rep, rng)
    if "wrong_total" in drawn:
        _wrong_total(rep, rng)
    if "units_in_cells" in drawn:
        _units(rep, rng)
    if "thousands_separators" in drawn:
        _separators(rep, rng)
    rep.failing = failing_checks(rep)
    if rep.has_prose:
        total = rep.t3["t3.new_received.total"]
        rep.requests_stated = total.value if total.value is not None else 0.0
    # Where table 三 breaks (the index of the first data row of the second piece).
    rep.style["t3_break"] = rng.randint(2, len(rep.t3_rows()) - 2)
    if "extra_t2_row" in drawn:
        made = rng.randint(1, 90)
        rep.extra_t2_row = (
            "其他主动公开文件",
            [str(made), str(made - rng.randint(0, made)), str(rng.randint(made, 900))],
        )
    return rep


def _value(v: float, decimals: int | None = None) -> Printed:
    return Printed(number_text(v, decimals), float(v), "value")


def _draw_t2(rep: Report, rng: random.Random, big: bool) -> None:
    small = "small_numbers" in rep.variants
    scale = 200_000 if big else 40
    for item, _num, cols, rows in rep.t2_items():
        for row, _label in rows:
            for col, _clabel in cols:
                key = f"t2.{item}.{row}.{col}"
                if col == "fee_amount":
                    if "decimals" in rep.variants:
                        places = rng.choice([1, 2])
                        v = round(rng.uniform(0, 9.99 if small else 100_000 if big else 500), places)
                        rep.t2[key] = Printed(f"{v:.{places}f}", float(v), "value")
                    else:
                        rep.t2[key] = _value(_count(rng, 1000 if big else 20, 0.6, small))
                elif col == "change":
                    v = _count(rng, 20, 0.5, small)
                    if "signed_change" in rep.variants:
                        v = v if rng.random() < 0.6 else -v
                        text = f"+{v}" if v > 0 else str(v)
                        rep.t2[key] = Printed(text, float(v), "value")
                    else:
                        rep.t2[key] = _value(v)
                elif col == "procurement_amount":
                    if "decimals" in rep.variants:
                        v = round(rng.uniform(0, 9.99) if small else rng.uniform(1000, 90_000_000), 2)
                        text = f"{v:.2f}"
                    else:
                        v = float(rng.randrange(0, 10) if small else rng.randrange(0, 900_000, 1000))
                        text = number_text(v)
                    if rng.random() < 0.5:
                        text += "元"
                    rep.t2[key] = Printed(text, v, "value")
                else:
                    rep.t2[key] = _value(_count(rng, scale, 0.35, small))


def _draw_t3(rep: Report, rng: random.Random, big: bool) -> None:
    small = "small_numbers" in rep.variants
    rows = rep.t3_rows()
    outcomes = [
        r for r in rows if r not in ("new_received", "carried_over", "results_total", "carry_forward")
    ]
    values: dict[tuple[str, str], int] = {}
    for col in APPLICANTS:
        active = rng.random() < (0.9 if col == "natural_person" else 0.35)
        scale = (400 if big else 8) if col == "natural_person" else (40 if big else 3)
        for r in outcomes:
            values[(r, col)] = _count(rng, scale, 0.55, small) if active else 0
        done = sum(values[(r, col)] for r in outcomes)
        values[("results_total", col)] = done
        values[("carry_forward", col)] = _count(rng, scale, 0.6, small) if active else 0
        values[("carried_over", col)] = min(
            _count(rng, scale, 0.6, small) if active else 0, done + values[("carry_forward", col)]
        )
        values[("new_received", col)] = done + values[("carry_forward", col)] - values[("carried_over", col)]
    for r in rows:
        values[(r, "total")] = sum(values[(r, c)] for c in APPLICANTS)
        if rep.subtotal:
            values[(r, SUBTOTAL[0])] = sum(values[(r, c)] for c in LEGAL_PERSON)
        for col, _label in rep.t3_columns():
            rep.t3[f"t3.{r}.{col}"] = _value(values[(r, col)])


def _draw_t4(rep: Report, rng: random.Random, big: bool) -> None:
    small = "small_numbers" in rep.variants
    scale = 80 if big else 2
    for block, _label in T4_BLOCKS:
        parts = [_count(rng, scale, 0.6, small) for _ in range(4)]
        for (col, _l), v in zip(T4_COLUMNS, [*parts, sum(parts)]):
            rep.t4[f"t4.{block}.{col}"] = _value(v)


def _print_zeros(rep: Report, rng: random.Random) -> None:
    """Zeros printed blank or 「/」 (each zero on its own draw: real reports mix them)."""
    modes = [m for m in ("blank_zero", "slash_zero") if m in rep.variants]
    if not modes:
        return
    p = rng.choice([0.5, 1.0])
    for table in (rep.t2, rep.t3, rep.t4):
        for key, cell in table.items():
            if cell.value == 0 and rng.random() < p:
                if rng.choice(modes) == "blank_zero":
                    table[key] = Printed(rep.blank_text(), None, "blank")
                else:
                    table[key] = Printed(str(rep.style["slash"]), None, "placeholder")


def _blank_totals(rep: Report, rng: random.Random) -> None:
    """Leave the 总计 of a few rows with values blank (agencies that did not add the row up)."""
    rows = [r for r in rep.t3_rows() if (rep.t3[f"t3.{r}.total"].value or 0) > 0]
    for r in rng.sample(rows, k=min(len(rows), rng.randint(1, 3))):
        rep.t3[f"t3.{r}.total"] = Printed(rep.blank_text(), None, "blank")
        rep.style.setdefault("blanked_totals", []).append(f"t3.{r}.total")


def _wrong_total(rep: Report, rng: random.Random) -> None:
    """Print one total wrong: an outcome row's 总计, a column's （七）总计, or a table-四 总计."""
    candidates = [f"t4.{b}.total" for b, _ in T4_BLOCKS]
    candidates += [f"t3.results_total.{c}" for c, _ in rep.t3_columns()]
    candidates += [f"t3.{r}.total" for r in rep.t3_rows() if r not in ("new_received", "carried_over")]
    # Not a total left blank on purpose: its printed value would not be the sum it stands for.
    candidates = [k for k in candidates if k not in rep.style.get("blanked_totals", [])]
    rng.shuffle(candidates)
    for key in candidates:
        cells = rep.t4 if key.startswith("t4") else rep.t3
        printed = cells[key]
        old = printed.value or 0.0
        new = old + rng.choice([1, 2, 3, 10, -1]) if old >= 1 else old + rng.randint(1, 9)
        cells[key] = _value(new)
        # Only a total some check can see: one whose every check needs a blank total (a zero printed
        # blank in the （七）总计 row, say) is not assessable, so its error could not be caught.
        if failing_checks(rep):
            rep.style["wrong"] = key
            return
        cells[key] = printed
    rep.variants = rep.variants - {"wrong_total"}


def _units(rep: Report, rng: random.Random) -> None:
    """「件」 after some counts of table 二 (the unit the template puts in the header)."""
    for key, cell in rep.t2.items():
        if (
            cell.status == "value"
            and key.split(".")[-1]
            in (
                "issued",
                "repealed",
                "in_force",
                "new_made",
                "decisions",
            )
            and rng.random() < 0.5
        ):
            rep.t2[key] = Printed(cell.text + "件", cell.value, "value")


def _separators(rep: Report, rng: random.Random) -> None:
    """Thousands separators in numbers of four digits or more."""
    sep = rng.choice([",", "，"])
    for table in (rep.t2, rep.t3, rep.t4):
        for key, cell in table.items():
            if cell.status != "value" or cell.value is None or abs(cell.value) < 1000:
                continue
            text = cell.text
            sign = text[0] if text[0] in "+-" else ""
            body = text[len(sign) :]
            digits = len(body) - len(body.lstrip("0123456789"))
            head, tail = body[:digits], body[digits:]
            grouped = f"{int(head):,}".replace(",", sep)
            table[key] = Printed(sign + grouped + tail, cell.value, "value")


# -- the identities, written out independently of ogi.schema.identities ---------------------------------


def failing_checks(rep: Report) -> list[str]:
    """The hard checks the printed report fails, by the counting rules of output-contract.md §4."""
    cells = rep.cells()
    rows = rep.t3_rows()
    outcomes = [
        r for r in rows if r not in ("new_received", "carried_over", "results_total", "carry_forward")
    ]
    columns = [c for c, _ in rep.t3_columns()]

    def components(key: str) -> list[str]:
        parts = key.split(".")
        out: list[str] = []
        if parts[0] == "t3":
            if parts[2] == "total":
                out += [f"t3.{parts[1]}.{c}" for c in APPLICANTS]
            if parts[1] == "results_total":
                out += [f"t3.{r}.{parts[2]}" for r in outcomes]
        elif parts[2] == "total":
            out += [f"t4.{parts[1]}.{c}" for c, _ in T4_COLUMNS[:4]]
        return out

    def total(keys: list[str]) -> float | None:
        s = 0.0
        for k in keys:
            c = cells[k]
            if c.status == "ambiguous":
                return None  # a cell the source leaves undetermined: not assessable
            if c.value is None:
                if c.status == "blank" and any(
                    cells[x].value is not None for x in components(k) if x in cells
                ):
                    return None  # a blank total beside printed values (0 included): not assessable
                continue  # a placeholder total, or blank beside blanks: 0
            s += c.value
        return s

    out: list[str] = []

    def check(rule: str, target: str, left: list[str], right: list[str]) -> None:
        a, b = total(left), total(right)
        if a is not None and b is not None and abs(a - b) > 1e-9:
            out.append(f"{rule} {target}: {_plain(a)} against {_plain(b)}")

    for c in columns:
        check(
            "T3-BAL",
            c,
            [f"t3.new_received.{c}", f"t3.carried_over.{c}"],
            [f"t3.results_total.{c}", f"t3.carry_forward.{c}"],
        )
    for c in columns:
        check("T3-OUT", c, [f"t3.results_total.{c}"], [f"t3.{r}.{c}" for r in outcomes])
    for r in rows:
        check("T3-ROW", r, [f"t3.{r}.total"], [f"t3.{r}.{c}" for c in APPLICANTS])
    if rep.subtotal:
        for r in rows:
            check("T3-ROW-SUB", r, [f"t3.{r}.{SUBTOTAL[0]}"], [f"t3.{r}.{c}" for c in LEGAL_PERSON])
    for b, _l in T4_BLOCKS:
        check("T4-SUM", b, [f"t4.{b}.total"], [f"t4.{b}.{c}" for c, _ in T4_COLUMNS[:4]])
    return out


# -- prose --------------------------------------------------------------------------------------------


def prose_before(rep: Report) -> list[str]:
    """Paragraphs before table 二: preamble, 一、总体情况 with the request-total sentence."""
    paras = [
        f"本报告根据《中华人民共和国政府信息公开条例》要求编制。本报告中所列数据统计期限从{rep.year}年1月1日到12月31日止。"
        + (rep.self_sentence() or "")
    ]
    paras.append(SECTION_HEADINGS["s1"])
    if rep.has_prose:
        n = number_text(rep.requests_stated or 0.0)
        if rep.aggregate_word:
            paras.append(
                f"{rep.year}年，{rep.aggregate_word}各级行政机关共受理政府信息公开申请{n}件，均在法定期限内予以答复。"
            )
        else:
            paras.append(f"{rep.year}年，本机关共收到政府信息公开申请{n}件，均依法依规按时答复。")
        paras.append("（一）主动公开情况。全年主动公开政府信息1280条，其中政策文件56条，工作动态312条。")
    return paras


def note_after(rep: Report, table: str) -> list[str]:
    """A 「注：」 paragraph after a table, for the ``notes_after_tables`` variant."""
    if "notes_after_tables" not in rep.variants:
        return []
    return {
        "t2": ["注：本表数据来源于各单位报送，统计截至12月31日。"],
        "t3": ["注：1.本表中“申请人情况”按申请人类型统计；2.本年度共有3件申请合并处理。"],
        "t4": [],
    }[table]


def prose_after(rep: Report) -> list[str]:
    paras = [SECTION_HEADINGS["s5"]]
    if rep.has_prose:
        paras.append(
            "一是政策解读形式不够丰富；二是信息公开的及时性有待加强。下一步将加强培训，提高公开质量。"
        )
    paras.append(SECTION_HEADINGS["s6"])
    paras.append(f"{rep.year}年未收取信息处理费。" if rep.has_prose else "无。")
    return paras
