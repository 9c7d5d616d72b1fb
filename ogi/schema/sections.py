"""Splitting a report's prose into its six sections (一 … 六) and the preamble before them."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ogi.extractors.model import Document, GluedRun, Paragraph
from ogi.schema.labels import normalize

_MAX_HEADING = 40


@dataclass(frozen=True)
class SectionSpec:
    key: str
    number: str
    heading: str
    match: tuple[tuple[str, ...], ...]


@dataclass
class Section:
    """One row of ``sections``."""

    section: str
    heading: str
    text: str


@cache
def section_specs() -> tuple[SectionSpec, ...]:
    raw = resources.files("ogi.schema").joinpath("data", "sections.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    return tuple(
        SectionSpec(s["key"], s["number"], s["heading"], tuple(tuple(a) for a in s["match"]))
        for s in data["section"]
    )


def heading_of(text: str) -> tuple[SectionSpec, str, str] | None:
    """(section, heading as printed, rest of the paragraph) when ``text`` starts with a section heading."""
    stripped = text.strip()
    m = re.match(r"^([一二三四五六])\s*[、.．，]\s*", stripped)
    if not m:
        return None
    number = m.group(1)
    # The heading ends at the first sentence break; a heading line is short.
    end = re.search(r"[。：:；;]|\s{2,}", stripped[m.end() :])
    cut = m.end() + (end.start() if end else len(stripped) - m.end())
    heading = stripped[:cut]
    if len(heading) > _MAX_HEADING:
        # A heading run on into its first sentence with no stop between (crawled text,
        # 「五、存在的主要问题及明年工作计划2024年，我局…：」): it ends where a year or a comma starts.
        end = re.search(r"(?:19|20)\d{2}\s*年|[，,]", stripped[m.end() :])
        if end is None:
            return None
        cut = m.end() + end.start()
        heading = stripped[:cut]
        if len(heading) > _MAX_HEADING:
            return None
    norm = normalize(heading)
    for spec in section_specs():
        if spec.number != number:
            continue
        if any(all(normalize(w) in norm for w in alt) for alt in spec.match):
            rest = stripped[cut:].lstrip("。：: ；;")
            return spec, heading, rest
    return None


def split_sections(doc: Document, title: str | None = None) -> list[Section]:
    """The sections of ``doc`` in report order; paragraphs before 一 form the ``preamble``.

    A heading only counts when it comes after the previous one (a 「一、」 line inside section 三 is a
    list item, not a new section), so each section appears at most once. In crawled glued text a
    heading between two tables arrives as a label of its own (a ``GluedRun`` with nothing after it).
    """
    sections: list[Section] = []
    current: Section | None = Section("preamble", "", "")
    parts: dict[int, list[str]] = {0: []}
    seen: set[str] = set()
    order = [s.key for s in section_specs()]
    last_index = -1
    for block in doc.blocks:
        if isinstance(block, GluedRun) and not block.raw and heading_of(block.label) is not None:
            text = block.label.strip()
        elif isinstance(block, Paragraph):
            text = block.text.strip()
        else:
            continue
        if not text or (title and text == title.strip()):
            continue
        found = heading_of(text)
        if found is not None:
            spec, heading, rest = found
            index = order.index(spec.key)
            if spec.key not in seen and index > last_index:
                seen.add(spec.key)
                last_index = index
                assert current is not None
                sections.append(current)
                current = Section(spec.key, heading, "")
                parts[len(sections)] = [rest] if rest else []
                continue
        parts.setdefault(len(sections), []).append(text)
    assert current is not None
    sections.append(current)
    for i, section in enumerate(sections):
        section.text = "\n".join(parts.get(i, []))
    return [s for s in sections if s.section != "preamble" or s.text]
