"""Same document on every machine: pages whose text is in fonts the PDF does not embed.

pdfium measures text set in a font that is not embedded (other than the standard fonts it carries)
through the fonts installed on the machine: without a CJK font, vertical text in ``STSong-Light`` with
``Identity-V`` (what iText and reportlab write) comes back empty, so the grids would differ from machine
to machine. The pdfium port names those fonts in ``PageData.system_fonts`` whatever the machine has;
here the characters of such pages are read by pdfminer instead, which measures with the font's own
widths and its bundled CMaps, before anything else (table pages, 三线表 columns, prose, either engine's
tables) looks at them.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence

from ogi.extractors.pdf.engines import plumber_chars
from ogi.extractors.pdf.pdfium import PageData


def font_independent(data: bytes, pages: Sequence[PageData]) -> list[PageData]:
    """``pages`` with pdfminer's characters on the pages whose text pdfium measures through the machine's
    fonts (``PageData.system_fonts``).

    The pdfium port describes characters as pdfminer does, so both engines' table finders read the same
    characters. A page turned by /Rotate keeps pdfium's (pdfminer's are in turned coordinates; the
    ``auto`` engine already reads such pages with pdfplumber), as does a page pdfminer cannot parse."""
    wanted = [p for p in pages if p.system_fonts and not any("rotated" in u for u in p.unsupported)]
    if not wanted:
        return list(pages)
    import pdfplumber

    replaced: dict[int, PageData] = {}
    try:
        with pdfplumber.open(io.BytesIO(data), password="") as pdf:
            for page in wanted:
                try:
                    chars = plumber_chars(pdf.pages[page.number - 1].chars)
                except Exception:  # pdfminer cannot parse this page: pdfium's reading stays
                    continue
                replaced[page.number] = dataclasses.replace(page, chars=chars, text_lines=None)
    except Exception:  # pdfminer cannot open the file at all: pdfium's reading stays
        pass
    return [replaced.get(p.number, p) for p in pages]


def font_fallbacks(pages: Sequence[PageData]) -> dict[str, str]:
    """``Document.meta["font_fallbacks"]``: page number → the fonts pdfium would take from the machine."""
    return {str(p.number): ", ".join(p.system_fonts) for p in pages if p.system_fonts}
