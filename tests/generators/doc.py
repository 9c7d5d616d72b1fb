"""A generated report as a legacy Word ``.doc``: the Word rendering (``tests.generators.docx``) saved as
Word 97 by LibreOffice.

LibreOffice 7.4 drops every table going DOCX → DOC directly, so the file goes DOCX → ODT → DOC, each
step one batched soffice call for everything not in the cache (``tests/.cache/libreoffice/``). Every
layout variant of the report survives the round trip (the expected ``variants`` are the report's).
"""

from __future__ import annotations

from typing import Any

from tests.generators.docx import report_document, save
from tests.generators.report import Report


def render_batch(items: list[tuple[Report, str]]) -> list[tuple[bytes, dict[str, Any]]]:
    """Several reports as ``.doc`` files (two LibreOffice calls for those not cached), with their
    expected values."""
    from tests.generators.libreoffice import convert_batch

    docs = {f"{stem}.docx": save(report_document(rep)) for rep, stem in items}
    timeout = 60 + 5 * len(docs)
    odts = convert_batch(docs, "odt", timeout=timeout)
    out = convert_batch({f"{_stem(name)}.odt": data for name, data in odts.items()}, "doc", timeout=timeout)
    results = []
    for rep, stem in items:
        expected = rep.expected(f"{stem}.doc")
        expected["variants"] = sorted(rep.variants)
        results.append((out[f"{stem}.odt"], expected))
    return results


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


def render(rep: Report, stem: str = "report") -> tuple[bytes, dict[str, Any]]:
    """One report as a ``.doc`` (prefer ``render_batch``: LibreOffice takes seconds to start)."""
    return render_batch([(rep, stem)])[0]
