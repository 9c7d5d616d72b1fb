"""Generated test reports: variants of the real 嘉兴市统计局 2022 text rendering.

Each variant edits the real file's title (agency, year), its table values, one prose sentence (the request
total, where 「全市共收到」 makes an aggregate), section 六 (the 信息处理费) and an optional closing date
line (the publication date). Tables 三 and 四 are given per applicant type; totals are derived so the
template's identities hold unless a test tampers with a printed total on purpose. A 2019-format variant
replaces table 二 with the 2019 grid and prints （六）其他处理 as one row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

BASE = Path(__file__).parent.parent / "corpus" / "jiaxing-stats-2022.txt"

T3_COLS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
)
#: Row key → the label line that precedes its values in the base file.
T3_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "1.属于国家秘密",
    "denied_other_law": "2.其他法律行政法规禁止公开",
    "denied_three_security_one_stability": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_admin_query": "8.属于行政查询事项",
    "unable_not_held": "1.本机关不掌握相关政府信息",
    "unable_need_creation": "2.没有现成信息需要另行制作",
    "unable_unclear": "3.补正后申请内容仍不明确",
    "not_processed_petition": "1.信访举报投诉类申请",
    "not_processed_duplicate": "2.重复申请",
    "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_massive": "4.无正当理由大量反复申请",
    "not_processed_confirm": "5.要求行政机关确认或重新出具已获取信息",
    "other_overdue_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_overdue_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "results_total": "（七）总计",
    "carry_forward": "四、结转下年度继续办理",
}
OUTCOMES = [
    k for k in T3_LABELS if k not in ("new_received", "carried_over", "results_total", "carry_forward")
]
T2_2021 = {  # cell key → label line preceding its values, and the value's offset after it
    "t2.art20_1.rules.issued": ("规章", 1),
    "t2.art20_1.rules.repealed": ("规章", 2),
    "t2.art20_1.rules.in_force": ("规章", 3),
    "t2.art20_1.normative_docs.issued": ("行政规范性文件", 1),
    "t2.art20_1.normative_docs.repealed": ("行政规范性文件", 2),
    "t2.art20_1.normative_docs.in_force": ("行政规范性文件", 3),
    "t2.art20_5.admin_license.decisions": ("行政许可", 1),
    "t2.art20_6.admin_penalty.decisions": ("行政处罚", 1),
    "t2.art20_6.admin_coercion.decisions": ("行政强制", 1),
    "t2.art20_8.admin_fees.fee_amount": ("行政事业性收费", 1),
}
T4_BLOCKS = ("review", "litigation_direct", "litigation_after_review")
T4_COLS = ("upheld", "corrected", "other_result", "pending")


@dataclass
class Spec:
    """One generated report. Unlisted table-三 cells are 0."""

    agency: str
    year: int
    new: dict[str, int] = field(default_factory=dict)  # column → new_received
    carried: dict[str, int] = field(default_factory=dict)  # column → carried_over
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)  # row → column → value
    t2: dict[str, float] = field(default_factory=dict)  # 2021 keys, or 2019 keys with version="2019"
    t4: dict[str, dict[str, int]] = field(default_factory=dict)  # block → col → value (total derived)
    received_sentence: str | None = None  # replaces 「2022年，市统计局收到依申请公开20件…」
    s6: str = "本年度未收取信息处理费。"
    date_line: str | None = None  # e.g. 2023年1月20日
    version: str = "2021"
    tamper: dict[str, int] = field(default_factory=dict)  # printed override: "t3.row.col" → value
    title_suffix: str = ""

    def t3(self) -> dict[str, dict[str, int]]:
        """Every table-三 row with its total, identities true."""
        rows: dict[str, dict[str, int]] = {}
        rows["new_received"] = {c: self.new.get(c, 0) for c in T3_COLS}
        rows["carried_over"] = {c: self.carried.get(c, 0) for c in T3_COLS}
        for r in OUTCOMES:
            rows[r] = {c: self.outcomes.get(r, {}).get(c, 0) for c in T3_COLS}
        rows["results_total"] = {c: sum(rows[r][c] for r in OUTCOMES) for c in T3_COLS}
        rows["carry_forward"] = {
            c: rows["new_received"][c] + rows["carried_over"][c] - rows["results_total"][c] for c in T3_COLS
        }
        for r, vals in rows.items():
            if any(v < 0 for v in vals.values()):
                raise ValueError(f"{self.agency} {self.year}: negative {r}: {vals}")
            vals["total"] = sum(vals[c] for c in T3_COLS)
        return rows


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def render(spec: Spec) -> str:
    lines = BASE.read_text(encoding="utf-8").split("\n")
    lines[3] = f"{spec.agency}{spec.year}年度政府信息公开工作年度报告{spec.title_suffix}"
    rows = spec.t3()
    total_new = rows["new_received"]["total"]
    sentence = spec.received_sentence or (
        f"{spec.year}年，本机关收到依申请公开{total_new}件，均为咨询类，均依法及时进行答复。"
    )
    lines[11] = sentence
    for i, line in enumerate(lines):
        if line.startswith(("2022年", "2022年，")) and i < 20 and i != 11:
            lines[i] = line.replace("2022年", f"{spec.year}年")
    # table 三
    t3_start = next(i for i, s in enumerate(lines) if s.startswith("三、收到和处理"))
    t4_start = next(i for i, s in enumerate(lines) if s.startswith("四、政府信息公开行政复议"))
    for row, label in T3_LABELS.items():
        at = next(i for i in range(t3_start, t4_start) if lines[i] == "\t" + label)
        for j, col in enumerate((*T3_COLS, "total")):
            value = spec.tamper.get(f"t3.{row}.{col}", rows[row][col])
            assert lines[at + 1 + j].startswith("\t") and lines[at + 1 + j][1:].isdigit()
            lines[at + 1 + j] = f"\t{value}"
    # table 四: one row of 15 numbers
    t4_values = []
    for block in T4_BLOCKS:
        vals = [spec.t4.get(block, {}).get(c, 0) for c in T4_COLS]
        t4_values += [*vals, sum(vals)]
    first = next(i for i in range(t4_start, len(lines)) if lines[i] == "" and lines[i + 1] == "\t0")
    for j, v in enumerate(t4_values):
        lines[first + 1 + j] = f"\t{v}"
    # table 二 (2021 grid)
    t2_start = next(i for i, s in enumerate(lines) if s.startswith("二、主动公开政府信息情况"))
    if spec.version == "2021":
        for key, (label, offset) in T2_2021.items():
            at = next(i for i in range(t2_start, t3_start) if lines[i] == "\t" + label)
            lines[at + offset] = f"\t{_num(spec.t2.get(key, 0))}"
    else:
        lines[t2_start + 1 : t3_start] = _table2_2019(spec.t2)
        t3_start = next(i for i, s in enumerate(lines) if s.startswith("三、收到和处理"))
        _other_single_row(lines, t3_start, rows, spec)
    # section 六 and the closing date
    s6 = next(i for i, s in enumerate(lines) if s.startswith("六、其他需要报告的事项"))
    tail = [spec.s6]
    if spec.date_line:
        tail += ["", spec.agency, spec.date_line]
    lines[s6 + 1 :] = [*tail, ""]
    return "\n".join(lines)


def _table2_2019(t2: dict[str, float]) -> list[str]:
    def v(key: str) -> str:
        return "\t" + _num(t2.get(key, 0))

    out: list[str] = []

    def item(caption: str, cols: list[str], rows: list[tuple[str, str, list[str]]]) -> None:
        out.extend(["\t" + caption, "", "\t信息内容", *("\t" + c for c in cols), ""])
        for label, prefix, keys in rows:
            out.extend(["\t" + label, *(v(f"{prefix}.{k}") for k in keys), ""])

    item(
        "第二十条第（一）项",
        ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
        [
            ("规章", "t2.art20_1.rules", ["new_made", "new_published", "public_total"]),
            ("规范性文件", "t2.art20_1.normative_docs", ["new_made", "new_published", "public_total"]),
        ],
    )
    three = ["prev_year_items", "change", "decisions"]
    item(
        "第二十条第（五）项",
        ["上一年项目数量", "本年增/减", "处理决定数量"],
        [
            ("行政许可", "t2.art20_5.admin_license", three),
            ("其他对外管理服务事项", "t2.art20_5.other_mgmt_services", three),
        ],
    )
    item(
        "第二十条第（六）项",
        ["上一年项目数量", "本年增/减", "处理决定数量"],
        [
            ("行政处罚", "t2.art20_6.admin_penalty", three),
            ("行政强制", "t2.art20_6.admin_coercion", three),
        ],
    )
    item(
        "第二十条第（八）项",
        ["上一年项目数量", "本年增/减"],
        [("行政事业性收费", "t2.art20_8.admin_fees", ["prev_year_items", "change"])],
    )
    item(
        "第二十条第（九）项",
        ["采购项目数量", "采购总金额"],
        [
            (
                "政府集中采购",
                "t2.art20_9.gov_central_procurement",
                ["procurement_items", "procurement_amount"],
            )
        ],
    )
    out.append("")
    return out


def _other_single_row(lines: list[str], t3_start: int, rows: dict[str, dict[str, int]], spec: Spec) -> None:
    """2019 grid: （六）其他处理 is one data row (the sum of the 2021 sub-rows)."""
    head = next(i for i in range(t3_start, len(lines)) if lines[i] == "\t（六）其他处理")
    end = next(i for i in range(head, len(lines)) if lines[i] == "\t（七）总计") - 1  # the "\t" before it
    vals = {
        c: sum(rows[r][c] for r in ("other_overdue_correction", "other_overdue_fee", "other_other"))
        for c in (*T3_COLS, "total")
    }
    block = ["\t（六）其他处理", *(f"\t{vals[c]}" for c in (*T3_COLS, "total")), ""]
    lines[head:end] = block


def write(specs: dict[str, Spec], folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, spec in specs.items():
        path = folder / name
        path.write_text(render(spec), encoding="utf-8")
        out[name] = path
    return out
