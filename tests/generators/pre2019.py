"""Random pre-2019 reports printing the Fujian local form (指标名称 | 计量单位 | <YYYY>年度 | 历年累计), in
every format ogi reads (issue 17).

As in ``report.py``, the form is written out here independently of ``ogi.schema`` (its TOML): the generator
must not share a mistake with the code it tests. The period decides the labels (2011–2013 or 2014–2018, as
seen in real tables, spec/pre2019.md §1); the numbers satisfy the form's identities, and 历年累计 is the year's
value plus an earlier total. Variants: numbering 「1.」 or 「1、」, 其中： or not, a zero printed as 「0」 or 「/」
(placeholder), and, for crawled text, glued or spaced cells; and the quirks of the real 平潭 tables:

- ``units_tiao``: 行政复议数 and the rows after it counted in 条 (平潭县) instead of 件 (平潭综合实验区);
- ``broken_total``: 主动公开信息数 printed larger than 网站 + 公报 in the year's column (平潭县 2012: 2026 against
  1795 + 0), so PRE-PROACTIVE fails there and cannot choose between glued splits;
- ``blank_cumulative``: one row's 历年累计 printed empty (平潭综合实验区 2013, 「2、政府公报公开 条 0」).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from typing import Any

# (indicator, label 2011–2013, label 2014–2018, unit, numbering) — None: the row is not printed then.
ROWS: list[tuple[str, str | None, str | None, str, int]] = [
    ("proactive_total", "主动公开信息数", "主动公开信息数", "条", 0),
    ("proactive_via_website", "网站公开", "政府网站公开数", "条", 1),
    ("proactive_via_gazette", "政府公报公开", "政府公报公开数", "条", 2),
    ("requests_received", "受理依申请公开信息总数", "受理政府信息依申请公开总数", "条", 0),
    ("requests_in_person", "当面申请数", "当面申请数", "条", 1),
    ("requests_fax", "传真申请数", None, "条", 2),
    ("requests_email", "电子邮件申请数", None, "条", 3),
    ("requests_online", "网上申请数", "网上申请数", "条", 4),
    ("requests_letter", "信函申请数", None, "条", 5),
    ("requests_other", "其它形式申请数", None, "条", 6),
    ("requests_letter_fax", None, "信函、传真申请数", "条", 3),
    ("replies_total", "对申请的答复数", "对申请的答复总数", "条", 0),
    ("granted", "同意公开答复数", "同意公开答复数", "条", 1),
    ("partially_granted", "同意部分公开答复数", "同意部分公开答复数", "条", 2),
    ("denied", "否决公开答复数", "不予公开答复数", "条", 3),
    ("replies_other", None, "其他类型答复数", "条", 4),
    ("litigation_or_report_received", None, "接受行政诉讼、举报数", "件", 0),
    ("review_total", "行政复议数", "行政复议数", "件", 0),
    ("litigation_total", "行政诉讼数", "行政诉讼数", "件", 0),
    ("complaint_total", "行政申诉数", None, "件", 0),
]
#: 2014–2018 numbers 网上申请数 2 (the letter/fax row is 3).
NUMBER_2014 = {"requests_online": 2}
GROUPS = {
    "proactive_total": ["proactive_via_website", "proactive_via_gazette"],
    "requests_received": [
        "requests_in_person",
        "requests_fax",
        "requests_email",
        "requests_online",
        "requests_letter",
        "requests_other",
        "requests_letter_fax",
    ],
    "replies_total": ["granted", "partially_granted", "denied", "replies_other"],
}
AGENCIES = [
    "平潭县人民政府",
    "福清市统计局",
    "连江县人民政府",
    "长乐市财政局",
    "闽侯县教育局",
    "永泰县卫生局",
]
FORMATS = ("html", "text_tab", "docx", "xlsx", "text_glued", "pdf", "doc")


@dataclass
class PrintedRow:
    indicator: str
    label: str
    unit: str
    year: int
    cumulative: int
    year_text: str
    cumulative_text: str


@dataclass
class PreReport:
    seed: int
    year: int
    agency: str
    rows: list[PrintedRow] = field(default_factory=list)
    spaced: bool = True
    variants: set[str] = field(default_factory=set)

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    def header(self) -> list[str]:
        return ["指标名称", "计量单位", f"{self.year}年度", "历年累计"]

    def table(self) -> list[list[str]]:
        return [self.header()] + [[r.label, r.unit, r.year_text, r.cumulative_text] for r in self.rows]

    def prose(self) -> list[str]:
        return [
            f"本报告根据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自{self.year}年1月1日起至"
            f"{self.year}年12月31日止。",
            "一、概述 我单位认真贯彻落实《条例》，不断完善工作机制。",
            f"附件：{self.agency}{self.year}年政府信息公开情况统计表",
        ]

    def expected(self, file: str) -> dict[str, Any]:
        """Output-contract §7 with ``pre.*`` keys (for the formats that keep cell boundaries)."""
        cells: dict[str, float] = {}
        placeholder: list[str] = []
        blank: list[str] = []
        for r in self.rows:
            for key, text, value in (
                (f"pre.{r.indicator}", r.year_text, r.year),
                (f"pre.{r.indicator}.cumulative", r.cumulative_text, r.cumulative),
            ):
                if text == "/":
                    placeholder.append(key)
                elif text == "":
                    blank.append(key)
                else:
                    cells[key] = value
        return {
            "file": file,
            "agency": self.agency,
            "year": self.year,
            "template_version": "pre2019",
            "form": "fj_local",
            "cells": cells,
            "blank": blank,
            "placeholder": placeholder,
            "ambiguous": {},
            "source_inconsistent": [],
        }


def _count(rng: random.Random, scale: int) -> int:
    return 0 if rng.random() < 0.35 else rng.randint(1, scale)


def generate(seed: int, year: int | None = None) -> PreReport:
    rng = random.Random(f"pre2019:{seed}")
    year = year if year is not None else rng.randint(2011, 2018)
    rep = PreReport(seed, year, rng.choice(AGENCIES))
    late = year >= 2014
    sep = rng.choice([".", "、"])
    qizhong = rng.random() < 0.8
    placeholder_zero = rng.random() < 0.2
    if placeholder_zero:
        rep.variants.add("placeholder_zero")
    for variant, p in (("units_tiao", 0.3), ("broken_total", 0.15), ("blank_cumulative", 0.15)):
        if rng.random() < p:
            rep.variants.add(variant)
    present = [r for r in ROWS if (r[2] if late else r[1]) is not None]
    year_v: dict[str, int] = {}
    for ind, *_ in present:
        year_v[ind] = _count(rng, rng.choice([5, 40, 900]))
    for total, parts in GROUPS.items():
        year_v[total] = sum(year_v.get(p, 0) for p in parts if any(r[0] == p for r in present))
    cum_v = {ind: v for ind, v in year_v.items()}
    earlier = {ind: _count(rng, 3000) for ind in year_v}
    for total, parts in GROUPS.items():
        earlier[total] = sum(earlier.get(p, 0) for p in parts if any(r[0] == p for r in present))
    for ind in cum_v:
        cum_v[ind] += earlier[ind]
    if "broken_total" in rep.variants:
        year_v["proactive_total"] += rng.randint(1, 300)
        cum_v["proactive_total"] = year_v["proactive_total"] + earlier["proactive_total"]
    blank_row = (
        rng.choice([r[0] for r in present if r[0] not in GROUPS])
        if "blank_cumulative" in rep.variants
        else None
    )
    for ind, early, late_label, unit, number in present:
        label = late_label if late else early
        assert label is not None
        n = NUMBER_2014.get(ind, number) if late else number
        if n:
            label = f"{n}{sep}{label}"
            if n == 1 and qizhong:
                label = "其中：" + label
        y, c = year_v[ind], cum_v[ind]
        ytext = "/" if placeholder_zero and y == 0 and c == 0 and rng.random() < 0.5 else str(y)
        ctext = "/" if ytext == "/" else str(c)
        if ind == blank_row:
            ytext, ctext = str(y), ""
        if "units_tiao" in rep.variants and unit == "件":
            unit = "条"
        rep.rows.append(PrintedRow(ind, label, unit, y, c, ytext, ctext))
    return rep


# -- renderers -----------------------------------------------------------------------------------------


def render_html(rep: PreReport) -> bytes:
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n" for row in rep.table())
    paras = "".join(f"<p>{p}</p>\n" for p in rep.prose())
    html = (
        f'<html><head><meta charset="utf-8"><title>{rep.title}</title></head><body>'
        f'<h1>{rep.title}</h1>\n{paras}<table border="1">\n{rows}</table></body></html>'
    )
    return html.encode("utf-8")


def render_text_tab(rep: PreReport) -> bytes:
    lines = ["", rep.title, *rep.prose()]
    for row in rep.table():
        lines += ["\t" + c for c in row]
        lines.append("")
    lines.append("")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_docx(rep: PreReport) -> bytes:
    import docx  # python-docx

    d = docx.Document()
    d.add_paragraph(rep.title)
    for p in rep.prose():
        d.add_paragraph(p)
    grid = rep.table()
    t = d.add_table(rows=len(grid), cols=4)
    t.style = "Table Grid"
    for i, row in enumerate(grid):
        for j, text in enumerate(row):
            t.cell(i, j).text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def render_xlsx(rep: PreReport) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "统计表"
    ws.append([rep.title])
    ws.append([])
    for i, row in enumerate(rep.table()):
        values: list[Any] = list(row)
        if i > 0:
            values[2:] = [int(v) if v.isdigit() else v for v in row[2:]]
        ws.append(values)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_glued(rep: PreReport, spaced: bool) -> bytes:
    sep = " " if spaced else ""
    table = sep.join(sep.join(r) for r in rep.table())
    body = " ".join(rep.prose()) + " " + table + " 附件下载"
    header = (
        f"标题: {rep.title}\n发布时间: {rep.year + 1}-02-10 00:00\n文号: \n发布机构: \n栏目: 政府信息公开年报\n"
        "==================== 正文 ====================\n"
    )
    return (header + f"{rep.title} " + body + "\n").encode("utf-8")


def render(rep: PreReport, fmt: str, stem: str = "report") -> tuple[bytes, str]:
    """(bytes, file name) of the report in ``fmt`` (PDF and DOC through LibreOffice from the DOCX)."""
    if fmt == "html":
        return render_html(rep), f"{stem}.html"
    if fmt == "text_tab":
        return render_text_tab(rep), f"{stem}.txt"
    if fmt == "docx":
        return render_docx(rep), f"{stem}.docx"
    if fmt == "xlsx":
        return render_xlsx(rep), f"{stem}.xlsx"
    if fmt == "text_glued":
        return render_glued(rep, rep.spaced), f"{stem}.txt"
    if fmt in ("pdf", "doc"):
        from tests.generators.libreoffice import convert_batch

        docx_bytes = render_docx(rep)
        if fmt == "pdf":
            return convert_batch({"r.docx": docx_bytes}, "pdf")["r.docx"], f"{stem}.pdf"
        odt = convert_batch({"r.docx": docx_bytes}, "odt")["r.docx"]
        return convert_batch({"r.odt": odt}, "doc")["r.odt"], f"{stem}.doc"
    raise ValueError(fmt)


def glued_truth(rep: PreReport) -> dict[str, float | None]:
    """Every cell's true value (None for a placeholder or a blank), for glued text where only soundness is
    asserted."""
    out: dict[str, float | None] = {}
    for r in rep.rows:
        out[f"pre.{r.indicator}"] = None if r.year_text in ("/", "") else r.year
        out[f"pre.{r.indicator}.cumulative"] = None if r.cumulative_text in ("/", "") else r.cumulative
    return out


#: The form's sums as the generator knows them (rule name, total, parts), written out independently.
RULES = {"PRE-PROACTIVE": "proactive_total", "PRE-REQ": "requests_received", "PRE-REPLY": "replies_total"}


def failing_soft_checks(rep: PreReport) -> set[tuple[str, str]]:
    """(rule, column) of the sums the printed numbers break (a blank or 「/」 counting as 0): ``broken_total``,
    or a part whose 历年累计 is printed empty (``blank_cumulative``)."""
    printed: dict[tuple[str, str], float] = {}
    for r in rep.rows:
        printed[(r.indicator, "year")] = 0.0 if r.year_text in ("", "/") else float(r.year)
        printed[(r.indicator, "cumulative")] = 0.0 if r.cumulative_text in ("", "/") else float(r.cumulative)
    out = set()
    for rule, total in RULES.items():
        for col in ("year", "cumulative"):
            parts = [printed[(p, col)] for p in GROUPS[total] if (p, col) in printed]
            if printed[(total, col)] != sum(parts):
                out.add((rule, col))
    return out


def expected_spaced(rep: PreReport, file: str) -> dict[str, Any]:
    """Expected values of the spaced crawled text: a row printing one value for two columns
    (``blank_cumulative``) cannot say which one is empty, so both cells are ambiguous."""
    exp = rep.expected(file)
    for key in list(exp["blank"]):
        year_key = key.removesuffix(".cumulative")
        value = exp["cells"].pop(year_key)
        exp["blank"].remove(key)
        exp["ambiguous"][year_key] = [value]
        exp["ambiguous"][key] = [value]
    return exp
