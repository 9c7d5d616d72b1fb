"""Crawled page text whose table cells were glued together (format ``text_glued``).

Archives of government sites often keep only the text of a page, taken with a ``get_text()`` that drops
every cell boundary: 「…行政规范性文件693665第二十条第（五）项…」. This extractor does not split those
digits (that needs the template's identities, see ``ogi.schema.glued_solver``); it finds the labels it is given
(``ExtractOptions.glued_labels``) and hands over, in order, each label as printed and the raw run of
characters after it, as ``GluedRun`` blocks. Everything else is prose (``Paragraph`` blocks).

How labels are found, without knowing what they mean:

- Matching is done on a normal form (NFKC, no whitespace, unified brackets and quotes), and a label's
  numbering (「2.」「（三）」「三、」) is optional and tolerant to its punctuation. The numbering belongs to
  the label even when it is glued to the digits before it: in 「…属于国家秘密00000002.其他法律…」 the
  ``2.`` starts the next label, so the run is ``0000000``.
- Where labels overlap, the one that starts first wins, then the longest.
- A table is a *chain* of labels separated only by runs (digits, whitespace, signs, decimal points,
  units, placeholders): three labels with some digits, or four. Labels outside such chains are prose words
  (「行政许可类信息40条」) and stay in the paragraphs; a numbered one there (「一、总体情况」) starts a new
  paragraph, so section headings glued to their text come out on their own.
- A chain's last label gets only the run-like start of the text after it; the rest is prose again.

Crawler bookkeeping lines at the top (「标题: …」, 「发布时间: …」) become paragraphs and set
``meta["title"]``/``meta["published"]``; page chrome (navigation, 「当前位置：…」, footers) stays in
the prose, where it cannot reach a run: a run only ever lies between two labels or right after one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ogi.extractors import ExtractOptions
from ogi.extractors.model import Document, GluedRun, Paragraph
from ogi.extractors.textutil import PUNCTUATION, decode_text

_CN = "一二三四五六七八九十"
# Numbering at the start of a label as the label list prints it.
_LABEL_NUMBERING = re.compile(
    rf"^(?:([{_CN}]+)[、.．，,]|[（(]([{_CN}\d]+)[）)][、.．，,]?|(\d{{1,2}})[、.．，,])"
)
# What may stand between two labels of a table: numbers, signs, decimal points, whitespace, units,
# placeholders, a unit in brackets.
_RUN_CHARS = re.compile(
    r"(?:[\d\s+\-−－﹣.．,，/／—–%％\u00a0\u3000]|万元|亿元|元|件|[（(](?:单位[：:])?\s*(?:万元|亿元|元|件)\s*[）)])*"
)
_TRAILING_PUNCT = re.compile(r"[\s.．,，\-−－﹣—–/／]+$")
_PLACEHOLDER_TAIL = re.compile(r"\s*(?:[—/／][—/／\s]*|-(?:\s+-)*)")
_YEAR_GLUED = re.compile(r"(?:19|20)\d{2}$")
_HEADER_LINE = re.compile(
    r"^\s*(标题|题目|发布时间|发布日期|成文日期|文号|发布机构|栏目|原文链接|来源)\s*[:：]\s*(.*)$"
)
_SEPARATOR = re.compile(r"^\s*[=\-*#_]{5,}.*$")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_TOP_NUMBERING = re.compile(rf"^[{_CN}]+[、.．]")
# A report title opening the page text, before a space: 「某某区2020年政府信息公开工作年度报告 根据《…」.
_OPENING_TITLE = re.compile(r"^(\S{4,60}?(?:年度报告|工作报告|年报))[ \t\u3000\u00a0]+(?=\S)")
#: A table is a chain of at least this many labels with digits in its runs …
MIN_CHAIN = 3
#: … or of this many (a header on its own, cut off by a word that is not a label: 「…现行有效件数部门规章…」).
MIN_HEADER_CHAIN = 4


def _norm_char(ch: str) -> str:
    n = unicodedata.normalize("NFKC", ch)
    if not n.strip() or n == "\u200b":
        return ""
    return "".join(PUNCTUATION.get(c, c) for c in n)


def normal_form(text: str) -> tuple[str, list[int]]:
    """The text in matching form and, for each of its characters, the index it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        n = _norm_char(ch)
        for c in n:
            out.append(c)
            where.append(i)
    s = "".join(out).replace("其它", "其他")
    return s, where


def _norm(text: str) -> str:
    return normal_form(text)[0]


@dataclass(frozen=True)
class _Pattern:
    """One label's core (numbering removed) and the numeral its numbering carries, if any."""

    core: str
    numeral: str | None


def _patterns(labels: Sequence[str]) -> list[_Pattern]:
    out: dict[tuple[str, str | None], _Pattern] = {}
    for label in labels:
        n = _norm(label)
        numeral = None
        m = _LABEL_NUMBERING.match(n)
        if m:
            numeral = m.group(1) or m.group(2) or m.group(3)
            n = n[m.end() :]
        cores = {n}
        # A trailing note in brackets is often left out: 「（二）部分公开（区分处理的…）」, 「本年收费金额（单位：万元）」.
        short = re.sub(r"（[^（）]*）$", "", n)
        if short and short != n and len(short) >= 2:
            cores.add(short)
        # 「，」 printed for 「、」 inside a label (「…逾期不补正，行政机关不再处理…」, spec D6).
        cores |= {c.replace("、", "，") for c in cores if "、" in c}
        for core in cores:
            if len(core) >= 2:
                out[(core, numeral)] = _Pattern(core, numeral)
    return list(out.values())


@dataclass
class _Hit:
    """A label found in the text: [start, end) in normal-form positions."""

    start: int
    end: int


def _numbering_before(norm: str, at: int, numerals: set[str]) -> int:
    """Where the label's own numbering starts when it is printed just before ``at`` (else ``at``)."""
    best = at
    for num in numerals:
        if num.isdigit():
            forms = [f"{num}.", f"{num}、", f"{num}，", f"（{num}）"]
        else:
            forms = [f"（{num}）", f"{num}、", f"{num}.", f"{num}，"]
        for form in forms:
            start = at - len(form)
            if start >= 0 and norm.startswith(form, start):
                best = min(best, start)
    return best


def find_labels(norm: str, labels: Sequence[str]) -> list[_Hit]:
    """Non-overlapping label occurrences in ``norm``, leftmost first, then longest."""
    patterns = _patterns(labels)
    if not patterns:
        return []
    numerals: dict[str, set[str]] = {}
    for p in patterns:
        numerals.setdefault(p.core, set())
        if p.numeral:
            numerals[p.core].add(p.numeral)
    cores = sorted(numerals, key=len, reverse=True)
    regex = re.compile("|".join(re.escape(c) for c in cores))
    hits: list[_Hit] = []
    pos = 0
    while True:
        m = regex.search(norm, pos)
        if m is None:
            break
        # The longest core starting here (the alternation is ordered by length already).
        start = _numbering_before(norm, m.start(), numerals[m.group(0)])
        if hits and start < hits[-1].end:
            start = m.start()
        hits.append(_Hit(start, m.end()))
        pos = m.end()
    return hits


def _run_like_prefix(gap: str) -> str:
    m = _RUN_CHARS.match(gap)
    return m.group(0) if m else ""


def _is_run(gap: str) -> bool:
    return len(_run_like_prefix(gap)) == len(gap)


def _trailing_run(gap: str) -> str:
    """The start of ``gap`` that is a run (after a chain's last label); the rest is prose."""
    prefix = _run_like_prefix(gap)
    if len(prefix) == len(gap):
        return prefix
    rest = gap[len(prefix) :]
    kept = prefix.rstrip()
    if not kept[-1:].isdigit():
        stripped = _TRAILING_PUNCT.sub("", kept)
        # Placeholders closing the row (「…00—」, 「／／／」, the whole run 「—」 or a 「-」 standing
        # apart) are cells, not punctuation.
        tail = kept[len(stripped) :]
        if not (_PLACEHOLDER_TAIL.fullmatch(tail) and (not stripped or stripped[-1].isdigit())):
            kept = stripped
    # 「…事项2021年，…」: a year glued to the prose after it is prose.
    if rest[:1] in "年" and len(kept) == len(prefix):
        m = _YEAR_GLUED.search(kept)
        if m:
            kept = kept[: m.start()]
    return kept


@dataclass
class _Label:
    raw_start: int
    raw_end: int
    run_start: int
    run_end: int


def extract(
    data: bytes, fmt: str = "text_glued", name: str = "", options: ExtractOptions | None = None
) -> Document:
    """Read crawled page text into labels with their runs (``GluedRun``) and prose (``Paragraph``)."""
    labels = options.glued_labels if options is not None else ()
    return parse(decode_text(data), labels, fmt)


def parse(text: str, labels: Sequence[str], fmt: str = "text_glued") -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc = Document(format=fmt)
    body_start = _read_header(text, doc)
    opening = len(doc.blocks)
    norm, where = normal_form(text[body_start:])
    where = [w + body_start for w in where]
    hits = find_labels(norm, labels)

    def raw_start(h: _Hit) -> int:
        return where[h.start]

    def raw_end(h: _Hit) -> int:
        return where[h.end - 1] + 1

    # Chains: consecutive labels whose gaps are runs.
    chains: list[list[_Hit]] = []
    current: list[_Hit] = []
    for hit in hits:
        if current and _is_run(text[raw_end(current[-1]) : raw_start(hit)]):
            current.append(hit)
            continue
        if current:
            chains.append(current)
        current = [hit]
    if current:
        chains.append(current)

    table_labels: list[_Label] = []
    chain_spans: list[tuple[int, int]] = []
    seen = 0
    for chain in chains:
        members: list[_Label] = []
        seen += len(chain)
        for j, hit in enumerate(chain):
            start, end = raw_start(hit), raw_end(hit)
            if j + 1 < len(chain):
                run_end = raw_start(chain[j + 1])
            else:
                limit = raw_start(hits[seen]) if seen < len(hits) else len(text)
                run_end = end + len(_trailing_run(text[end:limit]))
            members.append(_Label(start, end, end, run_end))
        digits = any(any(c.isdigit() for c in text[m.run_start : m.run_end]) for m in members)
        if (len(members) >= MIN_CHAIN and digits) or len(members) >= MIN_HEADER_CHAIN:
            table_labels += members
            chain_spans.append((members[0].raw_start, members[-1].run_end))

    # Numbered labels outside tables start paragraphs (section headings glued to their text).
    in_table = {(m.raw_start, m.raw_end) for m in table_labels}
    breaks: list[tuple[int, int]] = []
    for hit in hits:
        span = (raw_start(hit), raw_end(hit))
        if span in in_table:
            continue
        if _TOP_NUMBERING.match(norm[hit.start : hit.end]) and not any(
            a <= span[0] < b for a, b in chain_spans
        ):
            breaks.append(span)

    events: list[tuple[int, int, str, _Label | None]] = []
    for a, b in breaks:
        events.append((a, b, "heading", None))
    for m in table_labels:
        events.append((m.raw_start, m.run_end, "label", m))
    events.sort(key=lambda e: e[0])

    pos = body_start
    for a, b, kind, label in events:
        _prose(text, pos, a, doc, opening)
        if kind == "heading":
            doc.blocks.append(Paragraph(text[a:b].strip(), {"line": _line_of(text, a), "char": a}))
        else:
            assert label is not None
            run_raw = text[label.run_start : label.run_end]
            stripped = run_raw.strip()
            offset = label.run_start + (len(run_raw) - len(run_raw.lstrip())) if stripped else label.run_start
            doc.blocks.append(
                GluedRun(
                    text[label.raw_start : label.raw_end].strip(),
                    stripped,
                    {"char": offset, "run": stripped},
                )
            )
        pos = b
    _prose(text, pos, len(text), doc, opening)
    return doc


def _line_of(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


def _prose(text: str, start: int, end: int, doc: Document, opening: int = -1) -> None:
    """Paragraphs of ``text[start:end]``, one per line.

    ``opening``: how many blocks the document holds before its body; the body's first line may open
    with the report's title, which becomes a paragraph of its own.
    """
    if end <= start:
        return
    offset = start
    for piece in text[start:end].split("\n"):
        stripped = piece.strip()
        if stripped and not _SEPARATOR.match(stripped):
            at = offset + (len(piece) - len(piece.lstrip()))
            m = _OPENING_TITLE.match(stripped) if len(doc.blocks) == opening else None
            if m:
                doc.blocks.append(Paragraph(m.group(1), {"line": _line_of(text, at), "char": at}))
                at += m.end()
                stripped = stripped[m.end() :]
            doc.blocks.append(Paragraph(stripped, {"line": _line_of(text, at), "char": at}))
        offset += len(piece) + 1


def _read_header(text: str, doc: Document) -> int:
    """The crawler's bookkeeping lines at the top: paragraphs and ``meta``; returns where the body starts.

    Only when the text starts with such a line (「标题: …」); a separator line (「==== 正文 ====」) within
    the first lines ends them.
    """
    lines = text.split("\n")
    if not lines or not _HEADER_LINE.match(lines[0]):
        return 0
    sep = next((i for i, line in enumerate(lines[:20]) if _SEPARATOR.match(line)), None)
    if sep is None:
        sep = next((i for i, line in enumerate(lines) if not _HEADER_LINE.match(line)), len(lines))
        skip = 0
    else:
        skip = 1
    pos = 0
    for line in lines[:sep]:
        m = _HEADER_LINE.match(line)
        if m is not None:
            key, value = m.group(1), m.group(2).strip()
            if key in ("标题", "题目") and value:
                doc.meta.setdefault("title", value)
            elif key in ("发布时间", "发布日期", "成文日期") and value:
                d = _DATE.search(value)
                if d:
                    y, mo, da = (int(g) for g in d.groups())
                    doc.meta.setdefault("published", f"{y:04d}-{mo:02d}-{da:02d}")
        if line.strip():
            doc.blocks.append(Paragraph(line.strip(), {"line": _line_of(text, pos), "char": pos}))
        pos += len(line) + 1
    if skip:
        pos += len(lines[sep]) + 1
    return min(pos, len(text))
