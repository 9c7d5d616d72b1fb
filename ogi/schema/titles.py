"""Where a report says which body wrote it and which year it covers: the title as printed, and what
stands in for a missing one.

Titles are printed in more ways than one line of text: wrapped over two or three lines at any point (inside
a word too: 「…政府信息公开工作年度」 / 「报告」), spaced out (「2 0 2 2 年 度」), with the year in Chinese
numerals (二〇二二年), with the agency in the page header above a first line that starts with the year. So
every line is compared in a compact form (no whitespace, Chinese-numeral years as digits), and a title is
a run of up to four consecutive short lines whose joined text reads as a report's name. When a report
prints no title, it still says what it is: 「本报告中所列数据的统计期限自2022年1月1日起」, 「现将…2022年度
政府信息公开工作年度报告公布如下」; and its file name or URL often carries the title too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ogi.extractors.model import Document, Paragraph
from ogi.schema.labels import squash
from ogi.schema.places import ZONE_WORDS, corrected_name, place

_TITLE = re.compile(r"(政府信息公开|政务公开|信息公开).{0,8}(年度报告|年报|工作报告)|年度报告")
#: Where a report's name ends: 「…报告」 or 「…年报」, perhaps with a bracketed note (「（全文）」).
_TITLE_END = re.compile(r"(?:报告|年报)(?:[（(][^（）()]{0,12}[）)])?$")
_TITLE_TAIL = re.compile(
    r"(?:关于)?(?:\d{4}\s*年度?)?(?:政府信息公开|政务公开|信息公开)?(?:工作)?(?:年度)?(?:报告|年报)"
    r"(?:[（(].*[）)])?$"
)
#: A page title's site suffix after the report's name: 「…年度报告-沭阳县发改局」, 「…年报_某某市人民政府」.
_SITE_SUFFIX = re.compile(r"(报告|年报)\s*[-_—–|｜]+\s*[^-_—–|｜]{1,30}$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年")
_LEADING_YEAR = re.compile(r"^(?:关于)?(?:19|20)\d{2}年度?")
_YEAR_PIECE = re.compile(r"^[\d〇零○OＯ一二三四五六七八九]{1,4}年度?$")
_YEAR_TAIL = re.compile(r"^[〇零○OＯ一二三四五六七八九]{0,3}年|^度")
_PREFIX = re.compile(r"^(?:#{1,6}\s*)?(?:(?:标题|题目)\s*[:：]\s*)?")
#: Punctuation a title line does not hold (sentences, labels such as 「发布日期：」).
_NOT_IN_TITLE = re.compile(r"[。；;：:，,！!？?]")
_NATIONAL = re.compile(r"^(?:中华人民共和国|国务院|国家|中国|中共|中央|全国)")
#: A line that can be the agency printed above a title without one (「淮安市人民政府」 over
#: 「2024年政府信息公开工作年度报告」): a short name ending like a body's name, no digits, no punctuation.
_AGENCY_LINE = re.compile(
    r"^[\u4e00-\u9fff（）()]{1,28}"
    r"(?:政府|办公室|办公厅|委员会|管委会|局|厅|委|院|署|部|中心|办|处|所|站|队|馆|会|区|县|市|旗|镇|乡|街道|办事处)$"
)
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {
    "零": "0",
    "○": "0",
    "O": "0",
    "Ｏ": "0",
}
_CN_YEAR = re.compile(r"(?:一九|二[〇零○OＯ])[〇零○OＯ一二三四五六七八九]{2}(?=年)")
#: The statistics period: 「统计期限从2022年1月1日」, 「统计期限自2022年1月1日起至…」.
PERIOD = re.compile(r"统计(?:期限|时限|时间|区间|范围)[^。；\n]{0,12}?((?:19|20)\d{2})年1月1日")
#: What the report says of itself: 「现将…2022年度政府信息公开工作年度报告公布如下」.
_SELF = re.compile(
    r"现(?:将|就)(?:《)?([^。；\n《》]{0,40}?((?:19|20)\d{2})年度?[^。；\n《》]{0,24}?(?:年度报告|年报))"
)
_LINES = 40
#: Paragraphs whose words are read as lines when no paragraph is a title naming its agency.
_RUN_ON = 12
_WORDS = re.compile(r"[ \t\u3000\u00a0]+")
_MAX_LINES = 4


def numeral_years(text: str) -> str:
    """Chinese-numeral years as digits (二〇二二年 → 2022年); other numerals are left alone."""
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGIT[c] for c in m.group(0)), text)


def compact(text: str) -> str:
    """A line as titles are compared: NFKC, no whitespace (「2 0 2 2 年 度」), years in digits."""
    return numeral_years(squash(text))


def agency_from_title(title: str) -> str | None:
    """The body named in a title: 「2019年上海市人民政府办公厅政府信息公开工作年度报告」 → 上海市人民政府办公厅."""
    t = compact(title)
    t = _LEADING_YEAR.sub("", t)
    t = _TITLE_TAIL.sub("", t)
    t = re.sub(r"((?:19|20)\d{2})年度?$", "", t)
    t = t.strip("《》“”\"'：:—-_ ")
    if _YEAR_PIECE.match(t):
        return None  # the rest of a year wrapped or spaced apart (「21年度」, 「二一年度」), not a name
    return t or None


def title_year(title: str | None) -> int | None:
    """The first year a title names (「…2022年度…」, 「二〇二二年」, 「2 0 2 2 年」)."""
    if not title:
        return None
    m = _YEAR.search(compact(title))
    return int(m.group(1)) if m else None


def plausible_agency(name: str | None) -> bool:
    """A name that starts with a place the gazetteer knows (or a national body's words): what a wrapped
    title's first line must restore when the line below starts inside the name (「嘉兴」 / 「市统计局…」)."""
    if not name or re.search(r"\d", name) or len(name) < 3 or _YEAR_TAIL.match(name):
        return False  # digits, or the tail of a year (「2022」 / 「年平潭…」, 「二〇一」 / 「九年平潭…」), are no name
    if _NATIONAL.match(name):
        return True
    p = place(corrected_name(name) or name)
    if p.zone is not None and p.province is None and p.code is None:
        # a zone needs its own name before the zone word (平潭综合实验区, not 综合实验区 or 合实验区)
        word = next((w for w in ZONE_WORDS if p.zone.endswith(w)), "")
        return len(p.zone) - len(word) >= 2
    return p.start == 0


@dataclass(frozen=True)
class Title:
    """A title found in the document: its text, and the paragraphs it was printed on."""

    text: str
    first: int
    last: int


def _clean(text: str) -> str:
    return _PREFIX.sub("", text.strip())


def _eligible(text: str) -> bool:
    c = compact(text)
    return 0 < len(c) <= 80 and not _NOT_IN_TITLE.search(c)


def is_title(text: str, lines: int = 1) -> bool:
    """``text`` (one line, or ``lines`` joined) reads as a report's name. A line on its own may run on
    after the name (「…年度报告发布」 was always taken); joined lines must end where the name ends, so
    that a title is never made of its first line and the paragraph after it."""
    c = _SITE_SUFFIX.sub(r"\1", compact(text))
    if not (6 <= len(c) <= 90 and _TITLE.search(c)):
        return False
    return lines == 1 or bool(_TITLE_END.search(c))


def _join(texts: Sequence[str]) -> str:
    joined = "".join(t.strip() for t in texts)
    return squash(joined) if len(texts) > 1 or len(joined) > 40 else joined


def _choose(run: list[tuple[int, str]], j: int) -> Title | None:
    """The title ending on line ``j`` of ``run``, if any: the fewest lines that give a plausible agency,
    one more line when it is a bare place name the agency continues (「上海市」 / 「浦东新区财政局…」)."""
    windows = []
    for i in range(j, max(-1, j - _MAX_LINES), -1):
        texts = [t for _, t in run[i : j + 1]]
        if is_title("".join(texts), len(texts)):
            windows.append((i, _SITE_SUFFIX.sub(r"\1", _join(texts))))
    if not windows:
        return None
    chosen = windows[0]
    agency = agency_from_title(chosen[1])
    for i, text in windows[1:]:
        longer = agency_from_title(text)
        gains_year = title_year(chosen[1]) is None and title_year(text) is not None
        if longer is None and gains_year and not plausible_agency(agency):
            chosen, agency = (i, text), longer  # the lines above complete the year: 「2 0」 / 「2 1 年 度…」
            continue
        if not plausible_agency(longer):
            continue
        added = _LEADING_YEAR.sub("", compact("".join(t for _, t in run[i : chosen[0]])))
        above = place(added)
        year_above = longer == agency and gains_year
        if (
            not plausible_agency(agency)
            or year_above
            or (added and above.rest == "" and above.start == 0 and place(longer).code is not None)
        ):
            chosen, agency = (i, text), longer
    i, text = chosen
    if agency is None and i > 0 and _AGENCY_LINE.match(compact(run[i - 1][1])):
        i, text = i - 1, compact(run[i - 1][1]) + text
    return Title(text, run[i][0], run[j][0])


def find_titles(doc: Document) -> list[Title]:
    """Every title printed near the top of the document, in order (the report's own comes first).

    Lines are paragraphs. When none of them is a title naming an agency, the words of the first long
    paragraphs are read as lines too: crawled page text runs the title into the chrome and the first
    sentence (「…相关链接： 嘉兴市统计局2021年度政府信息公开工作年度 报告 本报告根据…」).
    """
    found = _scan(
        (
            (k, _clean(b.text) if isinstance(b, Paragraph) else None)
            for k, b in enumerate(doc.blocks[:_LINES])
        ),
        _header_lines(doc),
    )
    if not any(agency_from_title(t.text) for t in found):
        words = (
            (k, word)
            for k, b in enumerate(doc.blocks[:_RUN_ON])
            if isinstance(b, Paragraph) and not _eligible(b.text)
            for word in [*_WORDS.split(b.text.strip()), None]
        )
        # only a title that names a place's body: the chrome's words (「首页政务公开…年报」) are none
        found += [t for t in _scan(words, []) if plausible_agency(agency_from_title(t.text))]
    return found


def _scan(lines: Iterable[tuple[int, str | None]], run: list[tuple[int, str]]) -> list[Title]:
    """Titles among consecutive lines (None: something that is not a line, such as a table)."""
    found: list[Title] = []
    for k, text in lines:
        if text is not None and not compact(text):
            continue  # an empty paragraph between a title's lines
        if text is None or not _eligible(text):
            run = []
            continue
        run.append((k, text))
        title = _choose(run, len(run) - 1)
        if title is not None:
            found.append(title)
            run = []
    return found


def _header_lines(doc: Document) -> list[tuple[int, str]]:
    """The page header's lines (PDF, Word: ``meta["page_header"]``) as the lines above the first
    paragraph, unless the text prints them there itself; their block index is -1."""
    header = doc.meta.get("page_header")
    if not isinstance(header, str):
        return []
    top = "".join(compact(p.text) for p in doc.paragraphs[:3])
    lines = [h for h in (x.strip() for x in header.split("\n")) if h and _eligible(h)]
    return [(-1, h) for h in lines if compact(h) not in top]


def page_title(doc: Document) -> str | None:
    """The title the format keeps beside the text (an HTML page's <title>, a document's properties)."""
    value = doc.meta.get("title")
    if isinstance(value, str) and is_title(value):
        return _SITE_SUFFIX.sub(r"\1", value.strip())
    return None


def prose_years(doc: Document) -> tuple[set[int], str | None]:
    """Years the report states of itself in its prose, and the body a 「现将…」 sentence names."""
    years: set[int] = set()
    agency = None
    for p in doc.paragraphs:
        c = compact(p.text)
        years.update(int(m.group(1)) for m in PERIOD.finditer(c))
        for m in _SELF.finditer(c):
            years.add(int(m.group(2)))
            name = agency_from_title(m.group(1))
            if agency is None and plausible_agency(name):
                agency = name
    return years, agency


_NAME_YEAR = re.compile(r"(?<![0-9])((?:19|20)\d{2})(?![0-9])")
_REPORT_WORD = re.compile(r"年报|年度报告|报告|ndbg|nianbao|annual|report|nb", re.IGNORECASE)


def name_title(name: str) -> tuple[int | None, str | None]:
    """Year and agency a file name or URL states: from a name that is a title (「嘉兴市统计局2022年度…
    年度报告.pdf」), else a lone year beside 年 or a report word (「2022年报.pdf」, 「ndbg2022.html」). A
    URL's folders are not read: they hold the publication date (/art/2023/1/15/)."""
    if not name:
        return None, None
    if "://" in name:
        name = urlsplit(name).path
    stem = unquote(name).rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", stem)
    c = compact(stem)
    if is_title(c):
        agency = agency_from_title(c)
        return title_year(c), agency if plausible_agency(agency) else None
    years = {int(y) for y in _YEAR.findall(c)}
    if not years and _REPORT_WORD.search(c):
        years = {int(y) for y in _NAME_YEAR.findall(c)}
    return (years.pop(), None) if len(years) == 1 else (None, None)
