"""What OCR read, as data: characters with their probabilities and alternatives, and what follows from
them without the engine: other readings of a text, and letters in a number read as digits.

Template-free: "a number" here is a run of digits with separators and an optional unit, as printed in
any table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

#: A character read with less probability than this is doubtful: its alternatives are kept.
DOUBT = 0.95
#: A digit read with less probability than this may be any digit.
LOW_DIGIT = 0.6
#: A character the model nearly read between two, with at least this probability, may have been dropped.
INSERTION = 0.1


@dataclass(frozen=True)
class CharReading:
    """One recognised character: its probability and the other readings of the same place.

    An alternative is ``(text, probability)``; ``""`` means "no character here".
    """

    char: str
    prob: float
    alternatives: tuple[tuple[str, float], ...] = ()
    #: For a character that is not a digit: the likeliest digit at its place (``O`` read for ``0``).
    digit: tuple[str, float] | None = None


@dataclass
class LineReading:
    """A recognised line of text: characters with their alternatives, and readings of characters the
    model nearly saw between them (``insertions``: position in ``text`` → alternatives)."""

    chars: list[CharReading] = field(default_factory=list)
    insertions: dict[int, tuple[tuple[str, float], ...]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "".join(c.char for c in self.chars)

    @property
    def confidence(self) -> float:
        return min((c.prob for c in self.chars), default=0.0)


#: Latin letters printed numbers are misread as, and the digit each stands for.
LOOKALIKE_DIGITS = {
    **dict.fromkeys("ODQo", "0"),
    **dict.fromkeys("lIi|", "1"),
    **dict.fromkeys("Zz", "2"),
    **dict.fromkeys("Ss", "5"),
    "b": "6",
    "B": "8",
    **dict.fromkeys("gq", "9"),
}
_NUMBER_LIKE = re.compile(r"^[+\-]?[\d,，]*\d(?:[.．]\d+)?%?(?:万元|亿元|元|件|条|个|项)?$")


def number_like(text: str) -> bool:
    """Whether ``text`` (spaces and line breaks aside) reads as one number, as printed in a table cell."""
    return _NUMBER_LIKE.match(re.sub(r"\s", "", text)) is not None


def as_number(line: LineReading) -> LineReading:
    """``line`` with Latin letters read as the digits they resemble (``O`` → ``0``, ``l`` → ``1``) when
    that makes it a number; else ``line`` unchanged. For table cells, where a lone 0 is often read as O.
    """
    if not any(c.char in LOOKALIKE_DIGITS for c in line.chars):
        return line
    chars = []
    for c in line.chars:
        digit = LOOKALIKE_DIGITS.get(c.char)
        if digit is None:
            chars.append(c)
            continue
        prob = c.digit[1] if c.digit is not None and c.digit[0] == digit else 0.0
        chars.append(CharReading(digit, prob, ((c.char, c.prob), *c.alternatives)))
    text = "".join(c.char for c in chars).replace(" ", "")
    if not _NUMBER_LIKE.match(text):
        return line
    return LineReading(chars, dict(line.insertions))


def alternative_texts(lines: Sequence[LineReading], limit: int = 24) -> list[str]:
    """Other readings of text made of ``lines`` (joined without separators), most likely first.

    Built from the doubtful characters only: each may be read as one of its alternatives (another
    character or none), a digit read with little confidence as any digit, and a character the model
    nearly saw between two as an insertion. At most ``limit`` readings, each differing from the text in
    one or two places.
    """
    text_chars: list[CharReading] = [c for line in lines for c in line.chars]
    options: list[tuple[int, str, float, str]] = []  # (position, replacement, probability, kind)
    offset = 0
    for line in lines:
        for i, c in enumerate(line.chars):
            pos = offset + i
            if c.prob >= DOUBT:
                continue
            seen = {c.char}
            for alt, p in c.alternatives:
                if alt not in seen:
                    seen.add(alt)
                    options.append((pos, alt, p, "sub"))
            if c.char.isdigit() and c.prob < LOW_DIGIT:
                for d in "0123456789":
                    if d not in seen:
                        seen.add(d)
                        options.append((pos, d, 0.0, "sub"))
        for i, alts in line.insertions.items():
            for alt, p in alts:
                if alt.strip() and p >= INSERTION:
                    options.append((offset + i, alt, p, "ins"))
        offset += len(line.chars)
    if not options:
        return []
    base = [c.char for c in text_chars]

    def apply(edits: Sequence[tuple[int, str, float, str]]) -> str:
        chars = list(base)
        # Right to left, so that insertions do not shift the positions still to apply.
        for pos, alt, _p, kind in sorted(edits, key=lambda e: (e[0], e[3] == "sub"), reverse=True):
            if kind == "ins":
                chars.insert(pos, alt)
            else:
                chars[pos] = alt
        return "".join(chars)

    ranked = sorted(options, key=lambda o: -o[2])
    readings: dict[str, float] = {}
    for o in ranked:
        readings.setdefault(apply([o]), o[2])
    for i, a in enumerate(ranked):
        for b in ranked[i + 1 :]:
            if a[0] == b[0] and "sub" in (a[3], b[3]):
                continue
            readings.setdefault(apply([a, b]), a[2] * b[2])
    text = "".join(base)
    readings.pop(text, None)
    ordered = sorted(readings.items(), key=lambda kv: -kv[1])
    return [t for t, _p in ordered[:limit]]
