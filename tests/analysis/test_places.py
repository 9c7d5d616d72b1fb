"""ogi.schema.places: the gazetteer lookup, and reports.province/city/county filled from it."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ogi.schema.metadata import place_from
from ogi.schema.places import place, place_names

CORPUS = Path(__file__).parent.parent / "corpus"


@pytest.mark.parametrize(
    ("name", "province", "city", "county", "code"),
    [
        ("嘉兴市统计局", "浙江省", "嘉兴市", None, "330400"),
        ("浙江省嘉兴市统计局", "浙江省", "嘉兴市", None, "330400"),
        ("广东省深圳市南山区财政局", "广东省", "深圳市", "南山区", "440305"),
        ("上海市人民政府办公厅", "上海市", "上海市", None, "310000"),
        ("淮安市人民政府", "江苏省", "淮安市", None, "320800"),
        ("淮安市洪泽区人民政府", "江苏省", "淮安市", "洪泽区", "320813"),
        ("北京市朝阳区人民政府", "北京市", "北京市", "朝阳区", "110105"),
        ("高平市人民政府", "山西省", "晋城市", "高平市", "140581"),
        ("浙江省统计局", "浙江省", None, None, "330000"),
        ("国家统计局", None, None, None, None),
        ("市统计局", None, None, None, None),
    ],
)
def test_gazetteer_places_named_divisions(name, province, city, county, code):
    p = place(name)
    assert (p.province, p.city, p.county, p.code) == (province, city, county, code)


def test_a_zone_keeps_what_the_name_says_without_a_code():
    p = place("平潭综合实验区")
    assert p.zone == "平潭综合实验区" and p.code is None and p.province is None
    p = place("嘉兴经济技术开发区管委会")
    assert (p.province, p.city, p.zone, p.code, p.rest) == (
        "浙江省",
        "嘉兴市",
        "嘉兴经济技术开发区",
        None,
        "管委会",
    )


def test_an_ambiguous_district_is_not_guessed():
    p = place("朝阳区财政局")  # 北京 and 长春 both have one
    assert p.ambiguous and p.code is None and p.province is None and p.county == "朝阳区"
    assert place("鼓楼区人民政府").code is None
    assert place("福州市鼓楼区人民政府").code == "350102"


def test_township_and_branch_of_a_national_body():
    p = place("嘉善县西塘镇人民政府")
    assert (p.county, p.township, p.code, p.rest) == ("嘉善县", "西塘镇", "330421", "人民政府")
    p = place("国家税务总局嘉兴市税务局")
    assert (p.city, p.start, p.rest) == ("嘉兴市", 6, "税务局")


def test_department_words_are_not_places():
    assert place("嘉兴市乡村振兴局").township is None
    assert place("嘉兴市城乡规划局").rest == "城乡规划局"


def test_metadata_place_from_uses_the_gazetteer():
    assert place_from("嘉兴市统计局") == ("浙江省", "嘉兴市", None)
    assert place_from("平潭综合实验区") == (None, None, None)
    assert place_from(None) == (None, None, None)
    assert place_names("淮安市洪泽区人民政府") == ("江苏省", "淮安市", "洪泽区")


def test_reports_get_province_from_the_gazetteer():
    from ogi.run.source import read_source

    path = CORPUS / "jiaxing-stats-2022.txt"
    rows = read_source(str(path), path.read_bytes())
    r = rows.report
    assert (r["province"], r["city"], r["county"]) == ("浙江省", "嘉兴市", None)


def test_dataset_reports_carry_places(dataset):
    reports = pq.read_table(dataset / "reports.parquet").to_pylist()
    by_agency = {r["agency"]: r for r in reports if r["agency"]}
    assert by_agency["嘉兴市南湖区人民政府"]["county"] == "南湖区"
    assert by_agency["嘉兴市南湖区人民政府"]["province"] == "浙江省"
