"""Whether an HTML page was cut short inside a table (a download broken off, a truncated cache file).

libxml2 recovers silently from a page that stops in the middle of a table: it closes the open elements,
and the table simply has fewer cells, the last one perhaps with half its text. Recognition cannot tell a
cell that was never sent from one printed empty, nor 「12」 from the first two digits of 「123」, so the
extractor says what it knows: the page ends inside a table, and which cell the text stopped in.
"""

from __future__ import annotations

from dataclasses import dataclass

#: What a complete page writes after its last cell: the end of the table, or of the page itself.
_CLOSERS = ("</table", "</body", "</html")
_CELL_END = ("</td", "</th")
_TAG_END = " \t\r\n\f/>"

#: The reason recorded on the Document (``meta["damaged"]``) and the table.
REASON = "the page ends inside a table (the file was cut short)"


@dataclass(frozen=True)
class Cut:
    """The page ends inside a table; ``cell_open``: inside its last cell (that cell's text may be cut)."""

    cell_open: bool


def _last_cell_tag(lower: str) -> int:
    """Where the last ``<td``/``<th`` start tag begins (not ``<thead``), or -1."""
    end = len(lower)
    while True:
        pos = max(lower.rfind("<td", 0, end), lower.rfind("<th", 0, end))
        if pos < 0:
            return -1
        after = lower[pos + 3 : pos + 4]
        if after == "" or after in _TAG_END:
            return pos
        end = pos


def ends_inside_table(text: str) -> Cut | None:
    """A ``Cut`` when nothing closes the table (nor the page) after the last cell begins, else None.

    Linear in the page: one lower-cased copy and backward searches.
    """
    lower = text.lower()
    pos = _last_cell_tag(lower)
    if pos < 0:
        return None
    tail = lower[pos:]
    if any(closer in tail for closer in _CLOSERS):
        return None
    return Cut(cell_open=not any(end in tail for end in _CELL_END))
