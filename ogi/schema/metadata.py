"""Report metadata read from the text: title, agency, year covered, publication date, scope, place.

The year is the year the report covers, never the publication date: from the title as printed (found by
``ogi.schema.titles`` however it is wrapped, spaced or split), else the page title, else what the report
says of itself (statistics period, 「现将…年度报告公布如下」), else the file name or URL; ``year_source``
says which, and when the report's own statements disagree the year stays null with the reason (a wrong
year is worse than none). The agency is the body named in the title, as printed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ogi.extractors.model import Document
from ogi.schema.labels import squash
from ogi.schema.places import corrected_name, place_names
from ogi.schema.titles import (
    PERIOD,
    agency_from_title,
    compact,
    find_titles,
    name_title,
    page_title,
    plausible_agency,
    prose_years,
    title_year,
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
    #: Which source gave ``year``: ``title``, ``page_title``, ``prose``, ``filename``, ``url`` (vocabulary ``year_source`` in ``ogi.schema.dataset``).
    year_source: str | None = None
    #: Why ``year`` or ``agency`` is null, one phrase each (the report's ``error`` says them).
    problems: list[str] = field(default_factory=list)


def find_title(doc: Document) -> str | None:
    """The report's title: the first title printed near the top (``ogi.schema.titles``: wrapped, spaced,
    split between the page header and the first line), else the page's <title>."""
    titles = find_titles(doc)
    return titles[0].text if titles else page_title(doc)


def year_from(title: str | None, text: str) -> int | None:
    """The year a title names, else the one the statistics period starts in (no cross-check: see
    ``resolve_year`` for the rule the pipeline uses)."""
    year = title_year(title)
    if year is not None:
        return year
    m = PERIOD.search(compact(text))
    return int(m.group(1)) if m else None


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
    the name does not make them clear. A misprinted place name is placed as the gazetteer corrects it
    (``ogi.schema.places.corrected_name``); the agency itself stays as printed."""
    return place_names(corrected_name(agency) or agency)


#: How the metadata's reasons start in ``error`` (``Metadata.problems``), so they survive a status
#: recomputed after hand corrections.
PROBLEM_STARTS = ("year left empty:", "year not found:", "agency not found:")


def metadata_problems(error: str | None) -> list[str]:
    """The metadata's reasons among the phrases of a report's ``error``."""
    return [p for p in (error or "").split("; ") if p.startswith(PROBLEM_STARTS)]


def resolve_year(
    title: int | None, page: int | None, prose: set[int], filename: int | None, url: int | None
) -> tuple[int | None, str | None, str | None]:
    """(year, its source, why it is null): the most certain source, and never a year another source
    contradicts. The title, the page title and the prose are the report speaking of itself: when they
    disagree the year stays null. A file name or URL is only asked when the report says nothing."""
    stated = [("title", title), ("page_title", page)] + [("prose", y) for y in sorted(prose)]
    given = [(src, y) for src, y in stated if y is not None]
    if given:
        if len({y for _, y in given}) > 1:
            said = ", ".join(f"{YEAR_SAID[src]} {y}" for src, y in given)
            return None, None, f"year left empty: the report states different years ({said})"
        return given[0][1], given[0][0], None
    names = [(src, y) for src, y in (("filename", filename), ("url", url)) if y is not None]
    if len({y for _, y in names}) > 1:
        said = ", ".join(f"{YEAR_SAID[src]} {y}" for src, y in names)
        return None, None, f"year left empty: the report states none and {said}"
    if names:
        return names[0][1], names[0][0], None
    return None, None, "year not found: no title, statistics period, file name or URL states it"


YEAR_SAID = {
    "title": "the title says",
    "page_title": "the page title says",
    "prose": "the prose says",
    "filename": "the file name says",
    "url": "the URL says",
}


def read_metadata(doc: Document, names: Sequence[str] = ()) -> Metadata:
    """Title, agency, year (with its source), publication date and place of one document.

    ``names`` are the file name and the source (path or URL) it was read from, for the last fallbacks;
    the pipeline also leaves them in ``doc.meta["names"]``.
    """
    if not names:
        names = tuple(doc.meta.get("names") or ())
    titles = [t.text for t in find_titles(doc)]
    # A heading printed above the title (an <h1> 「2022年度报告」) names no agency: the report's title
    # is the first that names a place's body and agrees on the year, else the first one.
    first_year = title_year(titles[0]) if titles else None
    named = [
        t for t in titles if plausible_agency(agency_from_title(t)) and first_year in (None, title_year(t))
    ]
    body = named[0] if named else titles[0] if titles else None
    page = page_title(doc)
    meta = Metadata(title=body or page)
    prose, prose_agency = prose_years(doc)
    file_year = url_year = None
    file_agency: tuple[str, int | None] | None = None
    for name in dict.fromkeys(n for n in names if n):
        y, a = name_title(name)
        if "://" in name:
            url_year = url_year or y
        else:
            file_year = file_year or y
        if a and (y is None or file_agency is None):
            file_agency = (a, y)
    body_year, page_year = title_year(body), title_year(page)
    meta.year, meta.year_source, why = resolve_year(body_year, page_year, prose, file_year, url_year)
    if why:
        meta.problems.append(why)
    # The agency: the body title's, else a title that agrees on the year, else the prose's, else the name's.
    agencies = [agency_from_title(body) if body else None]
    for t in [*titles, page]:
        if t and t != body and title_year(t) in (None, body_year or meta.year):
            a = agency_from_title(t)
            # another title's agency must read as a place's body; the page's own title is taken as it is
            agencies.append(a if t == page or plausible_agency(a) else None)
    # a file name names the body of the year it names (「嘉兴市统计局2022年…年报.pdf」)
    name_agency = file_agency[0] if file_agency and file_agency[1] in (None, meta.year) else None
    agencies += [prose_agency, name_agency]
    meta.agency = next((a for a in agencies if a), None)
    if meta.agency is None:
        meta.problems.append("agency not found: " + ("the title names none" if meta.title else "no title"))
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
