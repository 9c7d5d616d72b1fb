"""The dataset the analysis tests read: the real 嘉兴市统计局 2022 report and generated variants, built
through the real pipeline.

| file | agency (printed), year | what it is for |
|---|---|---|
| jiaxing-stats-2022.txt | 嘉兴市统计局 2022 | the real report: 20 requests, all granted; X-CARRY against 2021 fails |
| stats-2021.txt | 嘉兴市统计局 2021 | carries 1 + 1 forward; on time (2022-01-28) |
| stats-2020.txt | 嘉兴市统计局 2020, 2019 format | the 2020→2021 template break |
| finance-2021.txt | 浙江省嘉兴市财政局 2021 | the same body under a longer printed name |
| finance-2022.txt, finance-2022-copy.txt | 嘉兴市财政局 2022 | identical bytes under two names |
| finance-2022-reissued.txt | 嘉兴市财政局 2022 | re-issued later with one refusal fewer: the counted one |
| city-2022.txt | 嘉兴市人民政府 2022 | an aggregate (「全市共收到」) |
| env-2022.txt | 嘉兴市生态环境局 2022 | （七）总计 printed 7 where the rows add up to 6: three hard checks fail |
| nanhu-2022.txt | 嘉兴市南湖区人民政府 2022 | a county-level government |
| archive-2022.txt | 嘉兴市档案馆 2022 | no requests: every rate is 0/0, null; section 六 says nothing of fees |
| empty.txt | — | an empty file: status failed, never counted |

Expected values in the tests are worked out by hand from the specs below.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from reportgen import BASE, Spec, write

NP, CE, LS = "natural_person", "commercial_enterprise", "legal_service_org"

SPECS: dict[str, Spec] = {
    "stats-2021.txt": Spec(
        "嘉兴市统计局",
        2021,
        new={NP: 15, CE: 3},
        outcomes={
            "granted": {NP: 12, CE: 2},
            "denied_third_party": {NP: 1},
            "unable_not_held": {NP: 1},
        },
        t2={"t2.art20_6.admin_penalty.decisions": 9},
        date_line="2022年1月28日",
    ),
    "stats-2020.txt": Spec(
        "嘉兴市统计局",
        2020,
        version="2019",
        new={NP: 8},
        outcomes={"granted": {NP: 6}, "denied_state_secret": {NP: 1}, "other_other": {NP: 1}},
        t2={
            "t2.art20_6.admin_penalty.decisions": 11,
            "t2.art20_6.admin_penalty.prev_year_items": 4,
            "t2.art20_6.admin_penalty.change": -1,
        },
    ),
    "finance-2021.txt": Spec(
        "浙江省嘉兴市财政局",
        2021,
        new={NP: 5},
        outcomes={"granted": {NP: 5}},
        t4={"review": {"upheld": 1}},
    ),
    "finance-2022.txt": Spec(
        "嘉兴市财政局",
        2022,
        new={NP: 10, CE: 4, LS: 2},
        outcomes={
            "granted": {NP: 6, CE: 2},
            "denied_third_party": {NP: 2},
            "denied_process_info": {CE: 1},
            "unable_not_held": {LS: 1},
        },
        t2={"t2.art20_8.admin_fees.fee_amount": 12.5},
        t4={"review": {"upheld": 1, "corrected": 1}, "litigation_direct": {"upheld": 2}},
        s6="本年度收取信息处理费 3940 元。",
        date_line="2023年3月2日",
    ),
    "finance-2022-reissued.txt": Spec(
        "嘉兴市财政局",
        2022,
        new={NP: 10, CE: 4, LS: 2},
        outcomes={
            "granted": {NP: 6, CE: 3},
            "denied_third_party": {NP: 2},
            "unable_not_held": {LS: 1},
        },
        t2={"t2.art20_8.admin_fees.fee_amount": 12.5},
        t4={"review": {"upheld": 1, "corrected": 1}, "litigation_direct": {"upheld": 2}},
        s6="本年度收取信息处理费 3940 元。",
        date_line="2023年3月10日",
    ),
    "city-2022.txt": Spec(
        "嘉兴市人民政府",
        2022,
        new={NP: 100, CE: 15, LS: 5},
        outcomes={
            "granted": {NP: 70, CE: 10},
            "partially_granted": {NP: 10},
            "denied_state_secret": {NP: 3},
            "denied_third_party": {NP: 3, CE: 2},
            "unable_not_held": {NP: 8, LS: 4},
            "not_processed_duplicate": {NP: 4},
        },
        received_sentence="2022年，全市共收到政府信息公开申请120件，办结114件。",
        date_line="2023年1月30日",
    ),
    "env-2022.txt": Spec(
        "嘉兴市生态环境局",
        2022,
        new={NP: 6},
        outcomes={"granted": {NP: 4}, "denied_other_law": {NP: 2}},
        tamper={"t3.results_total.total": 7},
    ),
    "nanhu-2022.txt": Spec(
        "嘉兴市南湖区人民政府",
        2022,
        new={NP: 30},
        outcomes={
            "granted": {NP: 20},
            "denied_third_party": {NP: 3},
            "unable_not_held": {NP: 5},
            "not_processed_petition": {NP: 2},
        },
        s6="本年度共收取信息处理费2笔，合计0.05万元。",
    ),
    "archive-2022.txt": Spec("嘉兴市档案馆", 2022, s6="无。"),
}


def build(folder: Path) -> tuple[Path, Path]:
    """Write the inputs to ``folder/in`` and run the pipeline into ``folder/out``."""
    from ogi.run.options import RunOptions
    from ogi.run.pipeline import run

    inputs = folder / "in"
    paths = write(SPECS, inputs)
    shutil.copyfile(BASE, inputs / "jiaxing-stats-2022.txt")
    shutil.copyfile(paths["finance-2022.txt"], inputs / "finance-2022-copy.txt")
    (inputs / "empty.txt").write_bytes(b"")
    out = folder / "out"
    run([str(inputs)], RunOptions(out=out))
    return inputs, out
