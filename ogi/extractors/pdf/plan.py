"""What both PDF engines share for a page: its rules, the backgrounds to drop, the 三线表 and their columns.

Settled once per page from pdfium's shapes and characters (``ogi.extractors.pdf.shapes``), so whichever
engine then finds the tables (``ogi.extractors.pdf.engines``) finds them on the same plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ogi.extractors.pdf.grid import Edge
from ogi.extractors.pdf.pdfium import PageData
from ogi.extractors.pdf.shapes import Region, backgrounds_to_drop, is_table_page, ruled_table_edges, rules


@dataclass
class PagePlan:
    """What both engines share for a page: rules, backgrounds to drop, 三线表 edges."""

    page: PageData
    drop: set[int]
    explicit_v: list[Edge]
    explicit_h: list[Edge]
    is_table_page: bool
    #: Where the 三线表 are (their columns come from the text, not from rules).
    regions: list[Region] = field(default_factory=list)


def plan_page(page: PageData, before: PagePlan | None = None) -> PagePlan:
    """Rules, backgrounds to drop and 三线表 edges of a page, from pdfium's shapes and characters.

    ``before`` is the plan of the page before: a 三线表 running on at the top of this page takes the
    columns of the last 三线表 there."""
    vertical, horizontal = rules(page.shapes)
    drop = backgrounds_to_drop(page.rects, vertical)
    table_page = is_table_page(vertical, horizontal)
    if not table_page:
        return PagePlan(page, drop, [], [], False)
    carry = None
    if before is not None and before.regions:
        carry = max(before.regions, key=lambda r: r.bbox[3])
    ruled = ruled_table_edges(vertical, horizontal, page.chars, page.height, carry)
    return PagePlan(page, drop, ruled.vertical, ruled.horizontal, True, ruled.regions)


def plan_pages(pages: Sequence[PageData]) -> list[PagePlan]:
    """``plan_page`` for every page, in order (each page sees the plan of the one before)."""
    plans: list[PagePlan] = []
    for page in pages:
        plans.append(plan_page(page, plans[-1] if plans else None))
    return plans


def text_columns(bbox: Sequence[float], regions: Sequence[Region]) -> list[tuple[float, float]] | None:
    """The text columns of the 三线表 region a table lies in (None: its columns are ruled)."""
    for r in regions:
        b = r.bbox
        if min(bbox[2], b[2]) - max(bbox[0], b[0]) > 0 and min(bbox[3], b[3]) - max(bbox[1], b[1]) > 0:
            return r.columns
    return None
