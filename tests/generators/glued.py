"""Random annual reports rendered the way a crawler keeps them: page text with the table cells glued.

``glued_reports()`` is a hypothesis strategy. Each report has random values that satisfy every identity
of the template (or, in the inconsistent variant, a table 三 whose （七）总计 does not add up its outcome
rows, as in 平潭 2020), and comes with its truth and with every multi-cell row as printed, so a test
can enumerate the splits of each run on its own.

The rendering copies what the real crawls show (tests/corpus/pingtan-*-crawled.txt): crawler header
lines, page chrome before and after, one long body line, section headings glued to their paragraphs,
the table labels of the template with their numbering, cells glued with no separator or partly
separated by spaces, a repeated 「三、本年度办理结果」 in the middle of table 三, signed 本年增/减 values,
decimal amounts, a 元 after 采购总金额, and prose that mentions table words and numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from ogi.schema.template import Label, load

APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
)
T3_HEADER = (
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    "申请人情况自然人法人或其他组织总计 商业企业科研机构社会公益组织法律服务机构其他"
)
T4_HEADER = (
    "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
    "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
)
AGENCIES = ("平潭综合实验区", "某某市某某区", "某某县人民政府", "某某市统计局")
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
    """One multi-cell row as printed: the cells it holds, what kind each is, and its run."""

    keys: list[str]
    kinds: list[str]
    #: total position → component positions (T3-ROW, T4-SUM); empty for table 二.
    sums: dict[int, list[int]]
    run: str


@dataclass
class GluedReport:
    text: str
    version: str
    year: int
    agency: str
    published: str
    truth: dict[str, float]
    rows: list[PrintedRow] = field(default_factory=list)
    #: The table-三 column broken on purpose (inconsistent variant), else None.
    broken_column: str | None = None
    #: The number the prose states for the requests received (new_received.total).
    stated_received: int | None = None


# -- values ------------------------------------------------------------------------------------------


@st.composite
def count(draw: st.DrawFn, small: bool = False) -> int:
    """A count as reports print them: mostly 0, often one digit, sometimes two or three."""
    tier = draw(st.sampled_from((0, 0, 0, 1, 1, 2) if small else (0, 0, 1, 1, 2, 2, 3)))
    if tier == 0:
        return 0
    return draw(st.integers(10 ** (tier - 1) if tier > 1 else 1, 10**tier - 1))


@st.composite
def big_count(draw: st.DrawFn) -> int:
    digits = draw(st.integers(1, 5))
    return draw(st.integers(0 if digits == 1 else 10 ** (digits - 1), 10**digits - 1))


@st.composite
def signed_text(draw: st.DrawFn, forced: bool) -> tuple[str, float]:
    v = draw(st.integers(-9, 9)) if forced else draw(st.integers(-2000, 2000))
    if v < 0:
        return f"-{-v}", float(v)
    plus = draw(st.booleans()) and v > 0
    return (f"+{v}" if plus else str(v)), float(v)


@st.composite
def decimal_text(draw: st.DrawFn, forced: bool) -> tuple[str, float]:
    whole = draw(st.integers(0, 9)) if forced else draw(big_count())
    decimals = draw(st.sampled_from(("", "", "5", "31", "90", "311082")))
    text = f"{whole}.{decimals}" if decimals else str(whole)
    return text, float(text)


def _join(draw: st.DrawFn, texts: list[str]) -> str:
    """Cells glued as the crawler does: no separator, all spaced, or spaced here and there."""
    mode = draw(st.sampled_from(("glued", "glued", "glued", "spaced", "partly")))
    if mode == "glued":
        return "".join(texts)
    if mode == "spaced":
        return " ".join(texts)
    out = texts[0]
    for t in texts[1:]:
        out += (" " if draw(st.booleans()) else "") + t
    return out


# -- table 二 ----------------------------------------------------------------------------------------


@st.composite
def _table2(draw: st.DrawFn, version: str, forced: bool, report: GluedReport) -> str:
    t = load()
    out = []
    for item in t.items_of(version):
        header = "".join(c.label for c in item.cols)
        space = draw(st.sampled_from(("", " ")))
        out.append(f"{item.caption}信息内容{space}{header}")
        for row in item.rows:
            texts: list[str] = []
            kinds: list[str] = []
            keys = [f"t2.{item.key}.{row.key}.{c.key}" for c in item.cols]
            for col, key in zip(item.cols, keys, strict=True):
                text, value = _t2_value(draw, col, forced and len(item.cols) > 1)
                texts.append(text)
                kinds.append("signed" if col.signed else "decimal" if col.decimal else "count")
                report.truth[key] = value
            run = _join(draw, texts)
            if item.key == "art20_9" and draw(st.booleans()):
                run += "元"
            if len(item.cols) > 1:
                report.rows.append(PrintedRow(keys, kinds, {}, run))
            lead = draw(st.sampled_from(("", "", " ")))
            out.append(f"{row.label}{lead}{run}")
    return "".join(out)


def _t2_value(draw: st.DrawFn, col: Label, forced: bool) -> tuple[str, float]:
    if col.signed:
        return draw(signed_text(forced))
    if col.decimal:
        return draw(decimal_text(forced))
    v = draw(st.integers(0, 9)) if forced else draw(big_count())
    return str(v), float(v)


# -- table 三 ----------------------------------------------------------------------------------------


@st.composite
def _table3_values(
    draw: st.DrawFn, version: str, small: bool, broken: bool
) -> tuple[dict[str, list[int]], str | None]:
    t = load()
    rows = [r.key for r in t.t3_data_rows(version)]
    outcomes = [r for r in rows if t.t3_row(r).group is not None and r != "results_total"]
    values: dict[str, list[int]] = {}
    for r in outcomes:
        active = draw(st.sampled_from((False, False, True)))
        values[r] = [draw(count(small)) if active else 0 for _ in APPLICANTS]
    rt = [sum(values[r][c] for r in outcomes) for c in range(len(APPLICANTS))]
    cf = [draw(count(True)) for _ in APPLICANTS]
    co = [draw(st.integers(0, min(rt[c] + cf[c], 5))) for c in range(len(APPLICANTS))]
    nr = [rt[c] + cf[c] - co[c] for c in range(len(APPLICANTS))]
    column = None
    if broken:
        c = draw(st.integers(0, len(APPLICANTS) - 1))
        delta = draw(st.sampled_from((-6, -4, -3, -1, 1, 2, 5, 7)))
        if rt[c] + delta < 0 or nr[c] + delta < 0:
            delta = abs(delta)
        # Printed 总计 and 新收 move together: T3-BAL holds, T3-OUT fails in that column and in 总计.
        rt[c] += delta
        nr[c] += delta
        column = APPLICANTS[c]
    values.update(results_total=rt, carry_forward=cf, carried_over=co, new_received=nr)
    return values, column


@st.composite
def _table3(draw: st.DrawFn, version: str, small: bool, broken: bool, report: GluedReport) -> str:
    t = load()
    values, report.broken_column = draw(_table3_values(version, small, broken))
    comma = draw(st.sampled_from((".", ".", "、")))
    out = [T3_HEADER]
    for row in t.t3_rows:
        label = row.label.replace(".", comma, 1) if row.label[:1].isdigit() else row.label
        if row.key == "unable" and draw(st.booleans()):
            # 平潭 2020 prints the vertical 「三、本年度办理结果」 again in the middle of the table.
            out.append("三、本年度办理结果")
        if version not in row.versions and version not in row.single_in:
            continue
        if not row.is_data_in(version):
            out.append(label)
            continue
        cells = [*values[row.key], sum(values[row.key])]
        keys = [f"t3.{row.key}.{c}" for c in (*APPLICANTS, "total")]
        for key, v in zip(keys, cells, strict=True):
            report.truth[key] = float(v)
        run = _join(draw, [str(v) for v in cells])
        report.rows.append(PrintedRow(keys, ["count"] * 7, {6: list(range(6))}, run))
        out.append(f"{label}{run}")
    return "".join(out)


# -- table 四 ----------------------------------------------------------------------------------------


@st.composite
def _table4(draw: st.DrawFn, report: GluedReport) -> str:
    texts: list[str] = []
    keys: list[str] = []
    sums: dict[int, list[int]] = {}
    for block in ("review", "litigation_direct", "litigation_after_review"):
        active = draw(st.sampled_from((False, True)))
        parts = [draw(count(True)) if active else 0 for _ in range(4)]
        start = len(keys)
        for col, v in zip(
            ("upheld", "corrected", "other_result", "pending", "total"), [*parts, sum(parts)], strict=True
        ):
            keys.append(f"t4.{block}.{col}")
            texts.append(str(v))
            report.truth[keys[-1]] = float(v)
        sums[start + 4] = list(range(start, start + 4))
    run = _join(draw, texts)
    report.rows.append(PrintedRow(keys, ["count"] * 15, sums, run))
    return T4_HEADER + run


# -- the page ----------------------------------------------------------------------------------------


@st.composite
def glued_reports(
    draw: st.DrawFn,
    version: str | None = None,
    inconsistent: bool = False,
    forced: bool = False,
) -> GluedReport:
    """A random report as crawled glued text.

    ``inconsistent``: table 三 does not add up (T3-OUT fails in one column and in 总计).
    ``forced``: table 二's multi-cell rows hold single digits and table 三 small values, so most
    reports can be read completely.
    """
    version = version or draw(st.sampled_from(("2021", "2019")))
    year = draw(st.integers(2021, 2024)) if version == "2021" else draw(st.integers(2019, 2020))
    agency = draw(st.sampled_from(AGENCIES))
    month, day = draw(st.integers(1, 3)), draw(st.integers(1, 28))
    published = f"{year + 1}-{month:02d}-{day:02d}"
    title = f"{agency}{year}年度政府信息公开工作年度报告"
    report = GluedReport("", version, year, agency, published, {})

    t2 = draw(_table2(version, forced, report))
    t3 = draw(_table3(version, forced, inconsistent, report))
    t4 = draw(_table4(report))
    received = int(report.truth["t3.new_received.total"])
    state = draw(st.booleans())
    report.stated_received = received if state else None
    said = f"本年度全区共收到{received}件申请，均已按时答复。" if state else "依申请公开工作平稳有序。"
    chrome_before = draw(st.sampled_from(CHROME_BEFORE)).format(title=title, agency=agency, date=published)
    chrome_after = draw(st.sampled_from(CHROME_AFTER)).format(agency=agency)
    body = (
        f"{chrome_before}根据《中华人民共和国政府信息公开条例》要求，编制本报告。本报告包括总体情况、"
        f"主动公开政府信息情况、收到和处理政府信息公开申请情况、因政府信息公开申请行政复议、提起行政诉讼的情况、"
        f"政府信息公开工作存在的主要问题及改进情况和其他需要报告的事项等六个部分。本报告所列数据的统计期限自"
        f"{year}年1月1日起至{year}年12月31日止。"
        f"一、总体情况{year}年，全年主动公开政府信息2645条，其中行政许可类信息40条，其他信息12条。{said}"
        f"二、主动公开政府信息情况 {t2}"
        f"三、收到和处理政府信息公开申请情况{t3}"
        f" 四、政府信息公开行政复议、行政诉讼情况 {t4}"
        f"五、存在的主要问题及改进情况（一）存在的主要问题:公开质量有待提高。（二）改进措施：加强培训。"
        f"六、其他需要报告的事项{year}年，无收取信息处理费情况。{chrome_after}"
    )
    header = (
        f"标题: {title}\n发布时间: {published} 16:34\n文号: \n发布机构: \n栏目: 政府信息公开年报\n"
        f"原文链接: https://www.example.gov.cn/zwgk/zfxxgknb/{year + 1}02/t{year + 1}0208_80613.htm\n"
        "==================== 正文 ====================\n"
    )
    report.text = header + body + "\n"
    return report
