"""PDF fixtures drawn exactly (``pdf_writer``): the WPS traps, scans and glyphs without Unicode.

``wps_page``: one page as WPS exports it —
- a centred two-line title, body paragraphs with a first-line indent, each text line on a white
  fill-only rectangle (touching rectangles, which pdfplumber reads as a one-column table);
- a ruled table: a blue header row, white cell backgrounds, the label 办理结果 set in a vertical-writing
  font across three rows, and a last row closed by nothing but its cell backgrounds (no bottom rule);
- the page number ``- 1 -`` at the foot of the page.
"""

from __future__ import annotations

import io

from pdf_writer import Page, Writer

WHITE = (1.0, 1.0, 1.0)
BLUE = (0.776, 0.851, 0.945)
TITLE = ("示例县人民政府办公室", "年政府信息公开工作年度报告")
BODY = (
    "示例县人民政府办公室坚持以公开为常态、不公开为例外，认真落实条例各项规定，不断完善政府信息公开"
    "工作机制，全面提升政务公开质量和实效，依法保障人民群众的知情权、参与权、表达权和监督权。"
)
#: The body paragraph as printed: 16 pt characters, a two-character first-line indent, 444 pt lines.
BODY_LINES = [BODY[:25], BODY[25:52], BODY[52:79], BODY[79:]]
#: The table: (label column 1, label column 2, value) rows; column 0 holds the vertical label.
TABLE_ROWS = [
    ("（一）予以公开", "", "12"),
    ("（二）部分公开", "", "3"),
    ("（三）不予公开", "1.属于国家秘密", "0"),
]
VERTICAL_LABEL = "办理结果"


def wps_page(pages: int = 1, form_pages: tuple[int, ...] = (), turned_pages: tuple[int, ...] = ()) -> bytes:
    """The WPS-style page, ``pages`` times; pages numbered in ``form_pages`` are drawn in a Form
    XObject, those in ``turned_pages`` stored sideways and turned upright by /Rotate."""
    w = Writer()
    for n in range(1, pages + 1):
        p = w.page()
        p.form = n in form_pages
        p.turned = n in turned_pages
        _draw_wps(w, p, n)
    return w.write()


def _draw_wps(w: Writer, p: Page, number: int) -> None:
    # Title: two centred lines, 20 pt.
    w.text(p, 197.5, 760, TITLE[0], 20)
    w.digits(p, 140, 730, "2022", 20)
    w.text(p, 184.5, 730, TITLE[1], 20)
    # Body: 16 pt lines every 28 pt on touching white backgrounds, text block 74..518.
    y = 680.0
    lines = [*BODY_LINES]
    for i, text in enumerate(lines):
        p.fill_rect(74, y - 8, 444, 28, WHITE)
        indent = 32 if i == 0 else 0
        w.text(p, 74 + indent, y, text, 16)
        y -= 28
    # A heading line, also on a white background.
    p.fill_rect(74, y - 8, 444, 28, WHITE)
    w.text(p, 106, y, "二、办理结果统计", 16)
    # The table: x 74 | 104 | 224 | 404 | 518; rows 30 pt from y=560 down to 410 (header + 4 rows).
    xs = [74.0, 104.0, 224.0, 404.0, 518.0]
    top = 560.0
    row_h = 30.0
    n_rows = 4  # header + 3 data rows
    bottom = top - row_h * n_rows
    # Backgrounds first (WPS paints them under the rules).
    p.fill_rect(xs[0], top - row_h, xs[-1] - xs[0], row_h, BLUE)
    # One background for the merged label cell, one per cell elsewhere.
    p.fill_rect(xs[0], bottom, xs[1] - xs[0], row_h * (n_rows - 1), WHITE)
    for r in range(1, n_rows):
        y0 = top - row_h * (r + 1)
        for c in range(1, 4):
            p.fill_rect(xs[c], y0, xs[c + 1] - xs[c], row_h, WHITE)
    # Horizontal rules: top, under the header, between data rows (not crossing the vertical label);
    # no rule under the last row.
    p.line(xs[0], top, xs[-1], top)
    p.line(xs[0], top - row_h, xs[-1], top - row_h)
    for r in (2, 3):
        p.line(xs[1], top - row_h * r, xs[-1], top - row_h * r)
    # Vertical rules, down to the bottom of the last row; the one at x=224 only in the header and in
    # the 1.属于国家秘密 row, which splits columns 1|2 (the other rows span them).
    for x in (xs[0], xs[1], xs[3], xs[4]):
        p.line(x, top, x, bottom)
    p.line(xs[2], top, xs[2], top - row_h)
    p.line(xs[2], top - row_h * 3, xs[2], bottom)
    # Header text.
    w.text(p, 110, top - 20, "情形", 10)
    w.text(p, 230, top - 20, "说明", 10)
    w.text(p, 410, top - 20, "件数", 10)
    # The vertical label in column 0, centred over the three data rows.
    w.text(p, 89, top - row_h - 18, VERTICAL_LABEL, 10, vertical=True)
    for r, (a, b, v) in enumerate(TABLE_ROWS, start=1):
        y = top - row_h * r - 19
        w.text(p, 110, y, a, 10)
        if b:
            w.text(p, 230, y, b, 10)
        w.digits(p, 410, y, v, 10)
    # Prose under the table, on white backgrounds again.
    y = bottom - 40
    p.fill_rect(74, y - 8, 444, 28, WHITE)
    w.text(p, 106, y, "三、其他需要报告的事项", 16)
    y -= 28
    p.fill_rect(74, y - 8, 444, 28, WHITE)
    w.text(p, 106, y, "本年度未收取信息处理费。", 16)
    # Page number.
    w.digits(p, 290, 40, f"- {number} -", 12)


def garbled() -> bytes:
    """Two pages of text whose glyphs have no Unicode (no ToUnicode map, Adobe-Identity ordering)."""
    w = Writer(unicode=False)
    for _ in range(2):
        p = w.page()
        y = 760.0
        for text in BODY_LINES * 3:
            w.text(p, 74, y, text, 16)
            y -= 28
    return w.write()


def scanned(page_png: bytes, pages: int = 2) -> bytes:
    """An image-only PDF: each page is a picture of a rendered report page."""
    from PIL import Image

    image = Image.open(io.BytesIO(page_png)).convert("RGB")
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=60)
    w = Writer()
    for _ in range(pages):
        w.image_page(buf.getvalue(), image.width, image.height)
    return w.write()
