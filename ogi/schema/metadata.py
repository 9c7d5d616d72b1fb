"""Report metadata read from the text: title, agency, year covered, publication date, scope, place.

The year is the year the report covers (from the title, else the statistics period), never the
publication date; the agency is the body named in the title, as printed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ogi.extractors.model import Document, Paragraph
from ogi.schema.labels import squash
from ogi.schema.places import place_names
from ogi.utils.text import IDEOGRAPHS

_TITLE = re.compile(r"(政府信息公开|政务公开|信息公开).{0,8}(年度报告|年报|工作报告)|年度报告")
_TITLE_TAIL = re.compile(
    r"(?:关于)?(?:\d{4}\s*年度?)?(?:政府信息公开|政务公开|信息公开)?(?:工作)?(?:年度)?(?:报告|年报)"
    r"(?:[（(].*[）)])?$"
)
#: A page title's site suffix after the report's name: 「…年度报告-沭阳县发改局」, 「…年报_某某市人民政府」.
_SITE_SUFFIX = re.compile(r"(报告|年报)\s*[-_—–|｜]+\s*[^-_—–|｜]{1,30}$")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(
    r"统计(?:期限|时限|时间|区间|范围)[^。；\n]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
)
_PUBLISHED = re.compile(
    r"(?:发布(?:日期|时间)|成文日期|公开日期|发文日期|日期)\s*[:：]?\s*"
    r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)
_DATE_LINE = re.compile(r"^((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
AGGREGATE_WORDS = ("全市", "全区", "全县", "全省", "全州", "全旗", "全镇", "全乡", "各级", "汇总", "全盟")


@dataclass
class Metadata:
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    published: dt.date | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None


#: A line that can be the agency printed above a title without one (「淮安市人民政府」 over
#: 「2024年政府信息公开工作年度报告」): a short name ending like a body's name, no digits, no punctuation.
_AGENCY_LINE = re.compile(
    rf"^[{IDEOGRAPHS}（）()]{{1,28}}"
    r"(?:政府|办公室|办公厅|委员会|管委会|局|厅|委|院|署|部|中心|办|处|所|站|队|馆|会|区|县|市|旗|镇|乡|街道|办事处)$"
)


def find_title(doc: Document) -> str | None:
    """The report's title: a short paragraph near the top naming a 年度报告 (or the page's <title>).

    A title that names no agency takes the line printed right above it when that line looks like a name:
    cover pages often set the agency and 「2024年政府信息公开工作年度报告」 on two lines.
    """
    previous: str | None = None
    for block in doc.blocks[:40]:
        if not isinstance(block, Paragraph):
            previous = None
            continue
        text = block.text.strip()
        text = re.sub(r"^(?:#{1,6}\s*)?(?:(?:标题|题目)\s*[:：]\s*)?", "", text)
        if 6 <= len(text) <= 80 and _TITLE.search(text) and "。" not in text:
            title = squash(text) if len(text) > 40 else text
            title = _SITE_SUFFIX.sub(r"\1", title)
            if agency_from_title(title) is None and previous and _AGENCY_LINE.match(previous):
                title = previous + title
            return title
        previous = squash(text) or previous
    meta_title = doc.meta.get("title")
    if isinstance(meta_title, str) and _TITLE.search(meta_title):
        return _SITE_SUFFIX.sub(r"\1", meta_title.strip())
    return None


def agency_from_title(title: str) -> str | None:
    """The body named in a title: 「2019年上海市人民政府办公厅政府信息公开工作年度报告」 → 上海市人民政府办公厅."""
    t = squash(title)
    t = re.sub(r"^(?:关于)?((?:19|20)\d{2})年度?", "", t)
    t = _TITLE_TAIL.sub("", t)
    t = re.sub(r"((?:19|20)\d{2})年度?$", "", t)
    t = t.strip("《》“”\"'：:—-_ ")
    return t or None


def year_from(title: str | None, text: str) -> int | None:
    if title:
        m = _YEAR_IN_TITLE.search(squash(title))
        if m:
            return int(m.group(1))
    m = _PERIOD.search(text)
    if m:
        return int(m.group(1))
    return None


def _date(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def published_from(doc: Document) -> dt.date | None:
    """The publication date: from the page's metadata, a 「发布日期」 line, or the date line at the end."""
    value = doc.meta.get("published")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = re.match(r"((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})", value)
        if m:
            return _date(*m.groups())
    paragraphs = doc.paragraphs
    for p in paragraphs[:30]:
        m = _PUBLISHED.search(p.text)
        if m:
            return _date(*m.groups())
    for p in reversed(paragraphs[-8:]):
        m = _DATE_LINE.match(squash(p.text))
        if m:
            return _date(*m.groups())
    return None


def place_from(agency: str | None) -> tuple[str | None, str | None, str | None]:
    """Province, city and county of the agency, placed with the gazetteer (``ogi.schema.places``); None where
    the name does not make them clear."""
    return place_names(agency)


def read_metadata(doc: Document) -> Metadata:
    title = find_title(doc)
    text = doc.text()
    meta = Metadata(title=title)
    meta.agency = agency_from_title(title) if title else None
    meta.year = year_from(title, text)
    meta.published = published_from(doc)
    meta.province, meta.city, meta.county = place_from(meta.agency)
    return meta


def scope_of(sentence: str | None) -> str | None:
    """``aggregate`` when the sentence stating the year's request total speaks for several bodies."""
    if sentence is None:
        return None
    return "aggregate" if any(w in sentence for w in AGGREGATE_WORDS) else "own"


def sentence_around(text: str, phrase: str) -> str | None:
    """The sentence of ``text`` that contains ``phrase``."""
    flat = re.sub(r"[ \t\u3000\u00a0]+", " ", text)
    i = flat.find(phrase)
    if i < 0:
        return None
    start = max(flat.rfind(c, 0, i) for c in "。；\n!！?？") + 1
    ends = [j for j in (flat.find(c, i) for c in "。；\n") if j >= 0]
    end = min(ends) if ends else len(flat)
    return flat[start:end]
