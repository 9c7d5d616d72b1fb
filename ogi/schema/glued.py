"""Tables rebuilt from crawled text whose cells were glued together (format ``text_glued``).

The extractor cuts the text at the labels this module lists; the splitting of each run of digits into
cells needs the template (its identities), so it lives here.
"""

from __future__ import annotations

from functools import cache

from ogi.schema.template import load


@cache
def glued_labels() -> tuple[str, ...]:
    """Every printed label of the template's tables, in template order, for cutting glued text."""
    t = load()
    labels: list[str] = []
    for item in t.items:
        labels.append(item.caption)
        labels += [r.label for r in item.rows]
        labels += [c.label for c in item.cols]
    labels += [r.label for r in t.t3_rows]
    labels += [c.label for c in t.t3_columns] + [g.label for g in t.t3_column_groups]
    labels += [b.label for b in t.t4_blocks] + [c.label for c in t.t4_columns]
    return tuple(dict.fromkeys(labels))
