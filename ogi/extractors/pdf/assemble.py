"""A PDF's pages as one document: paragraphs and tables in reading order, tables stitched across page breaks.

Shared by every way a page's tables were found (either PDF engine, or OCR of a scanned page or a
picture), so they all end in the same document model.
"""

from __future__ import annotations

from collections.abc import Sequence

from ogi.extractors.model import Block, Paragraph
from ogi.extractors.pdf.grid import Char
from ogi.extractors.pdf.pdfium import PageData
from ogi.extractors.pdf.tables import PdfTable, RawTable, build_table, same_columns, stitch
from ogi.extractors.pdf.text import Line, ParagraphBuilder, gap_limit, lines_of, margins, remove_furniture


def assemble(
    pages: Sequence[PageData],
    tables: dict[int, list[RawTable]],
    chars: dict[int, list[Char]] | None = None,
) -> list[Block]:
    """Paragraphs and tables in reading order, tables stitched across page breaks.

    ``chars`` replaces pdfium's characters of some pages (rotated pages read by pdfplumber)."""
    chars = chars or {}
    built: dict[int, list[PdfTable]] = {n: [build_table(t) for t in ts] for n, ts in tables.items()}
    lines_by_page = [
        lines_of(p, chars.get(p.number), [t.table.locator["bbox"] for t in built.get(p.number, [])])
        for p in pages
    ]
    lines_by_page = remove_furniture(lines_by_page, [p.height for p in pages])
    builder = ParagraphBuilder(margins(lines_by_page))
    out: list[Paragraph | PdfTable] = []
    last_item_was_table = False

    def flush() -> None:
        builder.flush()
        for lines, loc in builder.paragraphs:
            out.append(Paragraph(ParagraphBuilder.text(lines), loc))
        builder.paragraphs.clear()

    for page, lines in zip(pages, lines_by_page):
        items: list[tuple[float, Line | PdfTable]] = [(x.top, x) for x in lines]
        items += [(t.table.locator["bbox"][1], t) for t in built.get(page.number, [])]
        items.sort(key=lambda it: it[0])
        limit = gap_limit(lines)
        first_on_page = True
        for _top, item in items:
            if isinstance(item, Line):
                builder.add(item, None if first_on_page else limit)
                last_item_was_table = False
            else:
                flush()
                prev = out[-1] if out else None
                if (
                    first_on_page
                    and last_item_was_table
                    and isinstance(prev, PdfTable)
                    and prev.pages[-1] == page.number - 1
                    and same_columns(prev, item)
                ):
                    stitch(prev, item)
                else:
                    out.append(item)
                last_item_was_table = True
            first_on_page = False
    flush()
    return [b.table if isinstance(b, PdfTable) else b for b in out]
