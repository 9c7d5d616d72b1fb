"""X-CARRY across reports: each report is checked against the report counted for the year before."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from reportgen import Spec, write

from ogi.run.options import RunOptions
from ogi.run.pipeline import run

NP = "natural_person"


def test_each_report_is_checked_once_per_column_against_the_counted_report_of_the_year_before(
    tmp_path: Path,
) -> None:
    specs = {
        # 2021, first issued: carries 1 forward; re-issued later (the counted one): carries 2 forward.
        "a-2021.txt": Spec(
            "嘉兴市水利局", 2021, new={NP: 3}, outcomes={"granted": {NP: 2}}, date_line="2022年1月20日"
        ),
        "a-2021-reissued.txt": Spec(
            "嘉兴市水利局", 2021, new={NP: 3}, outcomes={"granted": {NP: 1}}, date_line="2022年3月1日"
        ),
        # 2022, as a page and as its attachment (other bytes): both carried over 2.
        "a-2022.txt": Spec("嘉兴市水利局", 2022, new={NP: 1}, carried={NP: 2}, outcomes={"granted": {NP: 3}}),
        "a-2022-page.txt": Spec(
            "嘉兴市水利局",
            2022,
            new={NP: 1},
            carried={NP: 2},
            outcomes={"granted": {NP: 3}},
            title_suffix=" ",
        ),
    }
    write(specs, tmp_path / "in")
    run([str(tmp_path / "in")], RunOptions(out=tmp_path / "out", jobs=1))
    reports = {
        r["source"].rsplit("/", 1)[-1]: r
        for r in pq.read_table(tmp_path / "out" / "reports.parquet").to_pylist()
    }
    assert len({r["report_id"] for r in reports.values()}) == 4
    checks = [
        c for c in pq.read_table(tmp_path / "out" / "checks.parquet").to_pylist() if c["rule"] == "X-CARRY"
    ]
    later = {reports["a-2022.txt"]["report_id"], reports["a-2022-page.txt"]["report_id"]}
    assert {c["report_id"] for c in checks} == later
    for rid in later:
        mine = [c for c in checks if c["report_id"] == rid]
        assert len(mine) == len({c["target"] for c in mine}) == 7  # one per table-三 column
        assert all(c["outcome"] == "pass" for c in mine), mine
        earlier = reports["a-2021-reissued.txt"]["report_id"]
        assert all(any(ref.startswith(f"{earlier}:") for ref in c["cells"]) for c in mine)
