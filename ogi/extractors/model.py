"""The document model every extractor produces.

A document is an ordered list of blocks: paragraphs of text and tables. A table is a grid of cells, each
with its own printed text, its row and column span, and a locator saying where in the source it was read
(page and bbox for PDF, table/row/col for HTML and DOCX, line for text). Extractors know formats, not
the template: they hand over raw cell text, merged cells once with their spans, and leave every decision
that needs the template to ``ogi.schema``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ogi.utils.text import strip_controls


@dataclass
class Cell:
    """One printed cell. ``row``/``col`` are 0-based grid positions of its top-left corner."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    locator: dict[str, Any] = field(default_factory=dict)
    #: Other readings of the same cell (OCR alternatives), best first after ``text``.
    alternatives: tuple[str, ...] = ()


@dataclass
class Table:
    """A table as a grid of cells.

    ``geometry`` is False when the source does not give true grid positions (the tab-indented text
    rendering loses spans): a row's cells are then only known in order, and recognition aligns values
    from the right-hand end of the row.
    """

    cells: list[Cell]
    locator: dict[str, Any] = field(default_factory=dict)
    geometry: bool = True
    #: Why this table may lack cells the source printed (the file ends inside it, its page's content
    #: stream is damaged), else None. A position without a cell is then unknown, not printed empty:
    #: ``ogi.schema`` reports the template cells it lacks as missing, never ``blank``.
    damaged: str | None = None

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def rows(self) -> list[list[Cell]]:
        """Cells grouped by the row they start in, left to right. Empty rows are kept."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row].append(c)
        for r in out:
            r.sort(key=lambda c: c.col)
        return out

    def covering(self, row: int) -> list[Cell]:
        """Cells started in an earlier row that span down into ``row`` (vertically merged labels)."""
        return sorted(
            (c for c in self.cells if c.row < row < c.row + c.rowspan),
            key=lambda c: c.col,
        )

    def text_grid(self) -> list[list[str]]:
        """The grid as text, each merged cell written once at its top-left position (for display)."""
        grid = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for c in self.cells:
            grid[c.row][c.col] = c.text
        return grid


@dataclass
class Paragraph:
    """A paragraph of running text, in reading order."""

    text: str
    locator: dict[str, Any] = field(default_factory=dict)


@dataclass
class GluedRun:
    """A known label found in text whose cell boundaries were lost, and the raw characters after it.

    Produced for crawled page text (format ``text_glued``); ``ogi.schema`` splits the run into cells.
    """

    label: str
    raw: str
    locator: dict[str, Any] = field(default_factory=dict)


Block = Paragraph | Table | GluedRun


@dataclass
class Document:
    """What an extractor read from one source."""

    format: str
    blocks: list[Block] = field(default_factory=list)
    #: Format-level facts: ``title`` (e.g. HTML <title>), ``published`` (ISO date), ``pdf_engine``;
    #: ``damaged``: why the file was not read whole (cut short, a page's content stream broken): the
    #: report is then ``partial``, and the tables affected say so (``Table.damaged``).
    meta: dict[str, Any] = field(default_factory=dict)
    #: Set when the extractor already knows the report cannot be read further: a contract status such as
    #: ``needs_ocr`` or ``attachment_only``, with ``reason``.
    status: str | None = None
    reason: str | None = None

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """All paragraph text, one paragraph per line."""
        return "\n".join(p.text for p in self.paragraphs)


def strip_document_controls(doc: Document) -> Document:
    """``doc`` with the C0 control characters (but tab and line feed) taken out of every text it carries:
    paragraphs, cells (and their OCR alternatives), glued runs, and the string facts of ``meta`` (title,
    agency, published …) and the reason. Applied once to what every extractor returns
    (``ogi.extractors.extract``), so no format can let one through (``strip_controls`` says why)."""
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            block.text = strip_controls(block.text)
        elif isinstance(block, Table):
            for cell in block.cells:
                cell.text = strip_controls(cell.text)
                if cell.alternatives:
                    cell.alternatives = tuple(strip_controls(a) for a in cell.alternatives)
        else:
            block.label = strip_controls(block.label)
            block.raw = strip_controls(block.raw)
    for key, value in list(doc.meta.items()):
        if isinstance(value, str):
            doc.meta[key] = strip_controls(value)
    if doc.reason is not None:
        doc.reason = strip_controls(doc.reason)
    return doc


class ExtractionError(Exception):
    """The source cannot be read. ``status`` is the contract's report status (usually ``failed``)."""

    def __init__(self, reason: str, status: str = "failed") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
