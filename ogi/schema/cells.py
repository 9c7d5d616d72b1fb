"""What recognition produces: canonical cells, unmapped rows, the recognition of one document.

Types apart from the logic (as docling keeps its ``datamodel``), so the table recogniser, the glued-text
solver, the identities and the dataset layer share them without importing one another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ogi.extractors.model import Cell
from ogi.schema import labels as L
from ogi.schema.values import Reading, read_cell

VALUE_LIKE = frozenset({"value", "blank", "placeholder"})
_UNIT_IN_HEADER = re.compile(r"[（(](?:单位[：:])?\s*(万元|亿元|元|件|条|个|项)\s*[）)]")


@dataclass
class CellValue:
    """One canonical cell as read from the source."""

    key: str
    raw: str | None
    status: str
    value: float | None
    unit: str | None = None
    locator: dict[str, Any] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def row_key(self) -> str:
        return self.key.split(".", 1)[1].rsplit(".", 1)[0]

    @property
    def col_key(self) -> str:
        return self.key.rsplit(".", 1)[1]

    @property
    def printed(self) -> bool:
        """Whether the cell holds a number (read, recovered, OCR or set by hand)."""
        return self.value is not None


@dataclass
class UnmappedRow:
    """A printed row or column that is not in the template, kept verbatim."""

    table: str
    label: str
    values: list[str]
    locator: dict[str, Any]


@dataclass
class Recognition:
    """Everything recognition found in one document."""

    version: str | None = None
    cells: dict[str, CellValue] = field(default_factory=dict)
    unmapped: list[UnmappedRow] = field(default_factory=list)
    found: set[str] = field(default_factory=set)
    other_single_row: bool = False
    notes: list[str] = field(default_factory=list)
    #: Indexes (into Document.blocks) of the blocks that hold each table.
    blocks: dict[str, list[int]] = field(default_factory=dict)


def reading_to_cell(key: str, cell: Cell | None, header_unit: str | None = None) -> CellValue:
    """A ``CellValue`` for ``key`` from the printed cell (None: the grid has no cell there)."""
    if cell is None:
        return CellValue(key, None, "blank", None, header_unit, {})
    r: Reading = read_cell(cell.text)
    locator = dict(cell.locator)
    if r.status == "ambiguous":
        locator["candidates"] = list(r.candidates)
        if r.reason:
            locator["reason"] = r.reason
    if cell.alternatives:
        locator.setdefault("alternatives", list(cell.alternatives))
    reread = locator.pop("reread", None)
    status = r.status
    if status == "value" and "confidence" in locator:
        # A number read by OCR (its extractor gives each cell's confidence) is ``ocr``, not ``value``.
        status = "ocr"
        if reread is not None:
            # Read as another number a second time (the extractor compares the readings):
            # ``ogi.schema.ocrfix.settle`` decides by the identities or leaves the cell ambiguous.
            locator["readings"] = [cell.text.strip(), str(reread)]
    return CellValue(key, cell.text.strip(), status, r.value, r.unit or header_unit, locator)


def header_unit(text: str) -> str | None:
    m = _UNIT_IN_HEADER.search(L.normalize(text))
    return m.group(1) if m else None


def is_value_like(cell: Cell) -> bool:
    """A cell that holds a value, a blank or a placeholder (not label words)."""
    return read_cell(cell.text).status in VALUE_LIKE
