"""Recognition, the one entry point: a document's printed tables, or its glued text, onto template keys.

A document whose table cells were glued together by a crawler (``GluedRun`` blocks) is solved by
``ogi.schema.glued_solver``; every other document's tables are read by ``ogi.schema.tables``. Both return
a ``Recognition`` (``ogi.schema.cells``) and decide the template version by ``ogi.schema.version``.
"""

from __future__ import annotations

from ogi.extractors.model import Document, GluedRun
from ogi.schema.cells import Recognition
from ogi.schema.glued_solver import recognize_glued
from ogi.schema.tables import recognize_tables
from ogi.schema.template import Template, load


def recognize(doc: Document, template: Template | None = None, year_hint: int | None = None) -> Recognition:
    """Map ``doc`` onto template keys. ``year_hint`` (the year the report covers) decides the template
    version only when no printed label does."""
    t = template or load()
    if any(isinstance(b, GluedRun) for b in doc.blocks):
        return recognize_glued(doc, t, year_hint)
    return recognize_tables(doc, t, year_hint)
