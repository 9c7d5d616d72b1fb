"""Agencies: normalised names, stable ids, levels, and one counted report per (agency, year)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ogi.dataset.agencies import agency_id_of, agency_rows, describe, normalise_name
from ogi.schema.dataset import arrow_schema


def test_normalisation_rule_v1():
    assert normalise_name(" 嘉兴市 统计局（本级）") == "嘉兴市统计局"
    assert normalise_name("中华人民共和国杭州海关") == "杭州海关"
    assert normalise_name("嘉兴市政府办") == "嘉兴市人民政府办公室"
    assert normalise_name("嘉兴市政府") == "嘉兴市人民政府"
    assert normalise_name("嘉兴经济技术开发区管委会") == "嘉兴经济技术开发区管理委员会"
    assert normalise_name("南湖区新兴街道") == "南湖区新兴街道办事处"
    assert normalise_name("《嘉兴市统计局》") == "嘉兴市统计局"
    assert normalise_name("") is None


def test_same_body_same_id_across_printed_variants():
    base = agency_id_of("嘉兴市统计局")
    assert base is not None and base.startswith("v1:") and len(base) == 15
    for variant in ("浙江省嘉兴市统计局", "嘉兴市 统计局", "嘉兴市统计局（本级）", "嘉兴市统计局 "):
        assert agency_id_of(variant) == base, variant
    assert agency_id_of("嘉兴市政府") == agency_id_of("嘉兴市人民政府")
    assert agency_id_of("嘉兴市财政局") != base
    assert agency_id_of("湖州市统计局") != base
    assert agency_id_of(None) is None


@given(st.text(alphabet=" \u3000\t（）()·、,.", max_size=6))
def test_ids_ignore_spacing_and_punctuation(noise):
    assert agency_id_of("嘉兴" + noise + "市统计局") == agency_id_of("嘉兴市统计局")


@pytest.mark.parametrize(
    ("name", "level", "government"),
    [
        ("嘉兴市统计局", "部门", "嘉兴市人民政府"),
        ("嘉兴市人民政府", "市", "嘉兴市人民政府"),
        ("嘉兴市政府", "市", "嘉兴市人民政府"),
        ("上海市人民政府", "省", "上海市人民政府"),
        ("上海市人民政府办公厅", "部门", "上海市人民政府"),
        ("浙江省人民政府", "省", "浙江省人民政府"),
        ("嘉兴市南湖区人民政府", "县", "南湖区人民政府"),
        ("高平市人民政府", "县", "高平市人民政府"),
        ("嘉善县西塘镇人民政府", "乡镇", "西塘镇人民政府"),
        ("海盐县武原街道办事处", "乡镇", "武原街道办事处"),
        ("平潭综合实验区", "功能区", "平潭综合实验区管理委员会"),
        ("平潭综合实验区管委会", "功能区", "平潭综合实验区管理委员会"),
        ("杨凌示范区统计局", "部门", "杨凌示范区管理委员会"),
        ("国家统计局", "部门", "国务院"),
        ("国家税务总局嘉兴市税务局", "部门", None),
        ("市统计局", None, None),
    ],
)
def test_levels(name, level, government):
    a = describe(name)
    assert (a.level, a.government) == (level, government)


def test_unplaced_body_keeps_name_and_has_no_code():
    a = describe("平潭综合实验区")
    assert a.place.zone == "平潭综合实验区" and a.place.code is None
    assert a.agency_id is not None


def _report(source, rid, agency="嘉兴市统计局", year=2022, status="ok", published=None, failed=0):
    return {
        "report_id": rid,
        "source": source,
        "agency": agency,
        "year": year,
        "status": status,
        "published": published,
        "scope": "own",
        "template_version": "2021",
        "n_checks_failed": failed,
    }


def _by_source(rows):
    return {r["source"]: r for r in rows}


def test_canonical_rule_order():
    reports = [
        _report("a-page.html", "r1", status="partial"),
        _report("b-attachment.pdf", "r2"),
        _report("c-reissued.pdf", "r3", published=dt.date(2023, 2, 10)),
        _report("d-copy.pdf", "r3", published=dt.date(2023, 2, 10)),
        _report("e-other-year.pdf", "r4", year=2021),
        _report("f-broken.pdf", "r5", status="failed", agency=None, year=None),
    ]
    cells = {"r1": 200, "r2": 200, "r3": 200, "r4": 200, "r5": 0}
    rows = _by_source(agency_rows(reports, cells))
    # ok beats partial; equal cells: the later publication wins; then the smallest source.
    assert rows["c-reissued.pdf"]["canonical"]
    assert rows["d-copy.pdf"]["duplicate"] == "same_bytes"
    assert rows["d-copy.pdf"]["superseded_by"] == "c-reissued.pdf"
    assert rows["b-attachment.pdf"]["duplicate"] == "reissued"
    assert rows["a-page.html"]["duplicate"] == "reissued"
    assert rows["e-other-year.pdf"]["canonical"]
    assert not rows["f-broken.pdf"]["canonical"] and rows["f-broken.pdf"]["duplicate"] is None
    # more cells read beats a later date
    rows = _by_source(agency_rows(reports[:3], {"r1": 200, "r2": 200, "r3": 150}))
    assert rows["b-attachment.pdf"]["canonical"]
    # fewer failed checks decides when all else is equal
    rows = _by_source(
        agency_rows([_report("x", "r1", failed=2), _report("y", "r2", failed=0)], {"r1": 1, "r2": 1})
    )
    assert rows["y"]["canonical"] and not rows["x"]["canonical"]


def test_agencies_parquet(dataset: Path):
    path = dataset / "agencies.parquet"
    table = pq.read_table(path)
    assert table.schema.equals(arrow_schema("agencies"), check_metadata=False)
    rows = table.to_pylist()
    reports = pq.read_table(dataset / "reports.parquet")
    assert len(rows) == reports.num_rows  # one row per reports row
    by_name = {Path(r["source"]).name: r for r in rows}
    # the same bytes under two names, and a re-issue: one counted report for 嘉兴市财政局 2022
    fin = [r for r in rows if r["agency_name"] == "嘉兴市财政局" and r["year"] == 2022]
    assert sum(r["canonical"] for r in fin) == 1
    assert by_name["finance-2022-reissued.txt"]["canonical"]
    assert by_name["finance-2022.txt"]["duplicate"] == "reissued"
    assert by_name["finance-2022-copy.txt"]["duplicate"] == "reissued"
    assert by_name["finance-2022-copy.txt"]["superseded_by"].endswith("finance-2022-reissued.txt")
    # the printed 浙江省嘉兴市财政局 (2021) is the same body
    assert by_name["finance-2021.txt"]["agency_id"] == by_name["finance-2022-reissued.txt"]["agency_id"]
    assert by_name["empty.txt"]["canonical"] is False and by_name["empty.txt"]["agency_id"] is None
    assert by_name["city-2022.txt"]["level"] == "市" and by_name["city-2022.txt"]["scope"] == "aggregate"
    assert by_name["nanhu-2022.txt"]["division_code"] == "330402"
    assert by_name["stats-2021.txt"]["published"] == dt.date(2022, 1, 28)
    # sorted by (year, agency_id, source), nulls last
    keys = [(r["year"] is None, r["year"] or 0, r["agency_id"] or "~", r["source"]) for r in rows]
    assert keys == sorted(keys)
    assert not list(dataset.glob(".*.tmp"))


def test_same_bytes_without_reissue(tmp_path: Path):
    """Two copies of one file and nothing else: the smallest source counts, the other is same_bytes."""
    import shutil

    from ogi.run.options import RunOptions
    from ogi.run.pipeline import run

    src = Path(__file__).parent.parent / "corpus" / "jiaxing-stats-2022.txt"
    (tmp_path / "in").mkdir()
    shutil.copyfile(src, tmp_path / "in" / "a.txt")
    shutil.copyfile(src, tmp_path / "in" / "b.txt")
    run([str(tmp_path / "in")], RunOptions(out=tmp_path / "out"))
    rows = _by_source(pq.read_table(tmp_path / "out" / "agencies.parquet").to_pylist())
    a, b = rows[str(tmp_path / "in" / "a.txt")], rows[str(tmp_path / "in" / "b.txt")]
    assert a["canonical"] and not b["canonical"]
    assert b["duplicate"] == "same_bytes" and b["superseded_by"] == a["source"]
