"""The variation layer: a rendered report perturbed the way real ones are (issue 14, item 6).

Applied to the text of a rendering (Markdown, the tab-indented text or HTML), so every renderer's output can
be varied without knowing how it lays tables out:

- ``labels``: row labels printed with a character dropped, changed or the label cut short (「2.其他法律行政
  止公开」 in a published PDF), a few per report; the numbers stay where they are.
- ``other_version``: a 2021 table printing the 2019 label (「规范性文件」 for 「行政规范性文件」).
- ``caption_apart`` (Markdown): each 第二十条 caption after the first printed as the last row of the table
  before it (the foot of a page), its sub-table opening the next page.
- ``items_merged`` (Markdown): a sub-table whose header repeats the one before it (（五）and （六）) loses its
  caption and header, its rows run on under the item before (rows of two items under one header).

The expected values do not change: a perturbed row is either read right or left missing (unmapped), and
the property tests say that nothing is ever read wrong.
"""

from __future__ import annotations

import random
import re

from tests.generators.report import T3_ROWS, Report

PERTURBATIONS = ("labels", "other_version", "caption_apart", "items_merged")
#: Characters a misprint puts in (common ones, as an OCR or a typist would).
_SUBSTITUTES = "的一是了在人有中大上为和地出也时年"


def misprint(text: str, rng: random.Random) -> str:
    """``text`` (a label without its numbering) with one character dropped or changed, or cut short."""
    if len(text) < 4:
        return text
    kind = rng.choice(["drop", "substitute", "truncate"])
    i = rng.randrange(1, len(text) - 1)
    if kind == "drop":
        return text[:i] + text[i + 1 :]
    if kind == "substitute":
        return text[:i] + rng.choice(_SUBSTITUTES) + text[i + 1 :]
    return text[: max(4, len(text) * 2 // 3)]


def perturb(text: str, rep: Report, kinds: tuple[str, ...], seed: int = 0, n_labels: int = 3) -> str:
    """The rendering ``text`` of ``rep`` with the perturbations ``kinds`` applied."""
    rng = random.Random(f"variation:{rep.seed}:{seed}")
    if "labels" in kinds:
        keys = [k for k, _lvl, _n, _t, _g in T3_ROWS if k in rep.t3_rows()]
        for key in rng.sample(keys, min(n_labels, len(keys))):
            _k, _lvl, _n, core, _g = next(r for r in T3_ROWS if r[0] == key)
            printed = rep.qi(core)
            if printed not in text:
                continue
            # Only a label that is a cell of its own (「| label |」, a tab-led line, 「<td>label</td>」) is
            # changed.
            text = re.sub(
                rf"(?<=[\t|.、．）)\s>]){re.escape(printed)}(?=\s*(?:\||\n|<))",
                misprint(printed, rng),
                text,
                count=1,
            )
    if "other_version" in kinds and rep.version == "2021":
        text = re.sub(r"(?<=[\t|]\s)行政规范性文件", "规范性文件", text)
        text = re.sub(r"(?<=\t)行政规范性文件", "规范性文件", text)
    if "items_merged" in kinds:
        text = _items_merged(text)
    if "caption_apart" in kinds:
        text = _captions_apart(text)
    return text


def _items_merged(text: str) -> str:
    """Markdown: a caption, blank line, header and delimiter repeating the table above are dropped."""
    lines = text.split("\n")
    out: list[str] = []
    last_header: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        is_caption = re.fullmatch(r"第二十条\s?第（[一二三四五六七八九十]+）项", line.strip()) is not None
        if is_caption and i + 2 < len(lines) and lines[i + 2] == last_header and out:
            while out and not out[-1].strip():
                out.pop()
            i += 4  # caption, blank line, header, delimiter
            continue
        if line.startswith("| 信息内容"):
            last_header = line
        out.append(line)
        i += 1
    return "\n".join(out)


def _captions_apart(text: str) -> str:
    """Markdown: move each 第二十条 caption line after the first into the table above, as its last row."""
    lines = text.split("\n")
    out: list[str] = []
    seen = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if re.fullmatch(r"第二十条\s?第（[一二三四五六七八九十]+）项", line.strip()):
            seen += 1
            if seen > 1:
                # Drop the blank line(s) ending the table before, append the caption as its row.
                while out and not out[-1].strip():
                    out.pop()
                if out and out[-1].startswith("|"):
                    width = out[-1].count("|") - 1
                    out.append("| " + line.strip() + " |" + " |" * (width - 1))
                    out.append("")
                    i += 1
                    while i < len(lines) and not lines[i].strip():
                        i += 1
                    continue
        out.append(line)
        i += 1
    return "\n".join(out)
