"""A report as a government site's CMS publishes Word content: a full page with site chrome around the
article, the three tables as ``<table>`` with the template's ``rowspan``/``colspan``, cell text inside
``<p>``/``<span>``, ``&nbsp;`` for empty cells, ``<br/>`` or two ``<p>`` for wrapped labels.

Layout choices of the page itself (drawn from the report's seed, listed in the expected file's
``variants``): ``gbk_page`` (GB18030 bytes declared as gb2312, as many older sites serve), ``layout_table``
(site chrome laid out with a table before the article), ``misaligned_spans`` (2019 （五）（六） rows whose
value spans do not line up with the header's, as 上海 2019 prints them), ``fragment`` (only the article
body, no ``<html>``, as 上海 2019 was stored), ``word_line_breaks`` (Word's manual line break pasted into
the CMS as a raw ``\x0b`` at the end of paragraphs and cell lines and after the page's blocks, the site
chrome the reader removes included).
"""

from __future__ import annotations

import random
from html import escape
from typing import Any

from tests.generators.report import (
    SECTION_HEADINGS,
    T3_ROWS,
    T4_BLOCKS,
    T4_COLUMNS,
    Report,
    note_after,
    prose_after,
    prose_before,
)

HTML_VARIANTS = ("gbk_page", "layout_table", "misaligned_spans", "fragment", "word_line_breaks")


def page_variants(rep: Report) -> list[str]:
    """The page-level variants this report is rendered with (a function of its seed)."""
    rng = random.Random(f"html:{rep.seed}")
    out = [v for v in HTML_VARIANTS if rng.random() < 0.25]
    if "misaligned_spans" in out and rep.version != "2019":
        out.remove("misaligned_spans")
    if "fragment" in out and "layout_table" in out:
        out.remove("layout_table")
    return out


class _Cells:
    """How cell text is wrapped in markup (drawn once per report)."""

    def __init__(self, rng: random.Random, blank: str) -> None:
        self.rng = rng
        self.p_style = rng.choice(
            [
                ' style="text-align:center;"',
                ' align="center" style="margin:0;line-height:20pt"',
                "",
            ]
        )
        self.span = rng.choice([True, False])
        self.blank = rng.choice(
            ["<p>&nbsp;</p>", "&nbsp;", "<p></p>", "", "<p><span>\u3000\u3000</span></p>"]
        )
        if blank.strip() == "" and blank:
            self.blank = f"<p>{escape(blank)}</p>"
        self.wrap = rng.choice(["br", "p"])

    def inner(self, text: str, wrap_at: int | None = None) -> str:
        if not text.strip():
            return self.blank
        parts = [text]
        if wrap_at is not None and 0 < wrap_at < len(text):
            parts = [text[:wrap_at], text[wrap_at:]]
        parts = [escape(p) for p in parts]
        if self.span:
            parts = [f'<span style="font-family:宋体;font-size:10.5pt">{p}</span>' for p in parts]
        if len(parts) == 2 and self.wrap == "br":
            return f"<p{self.p_style}>{parts[0]}<br/>{parts[1]}</p>"
        return "".join(f"<p{self.p_style}>{p}</p>" for p in parts)

    def td(self, text: str, rowspan: int = 1, colspan: int = 1, wrap_at: int | None = None) -> str:
        attrs = ""
        if rowspan > 1:
            attrs += f' rowspan="{rowspan}"'
        if colspan > 1:
            attrs += f' colspan="{colspan}"'
        width = self.rng.choice(["", ' width="64"', ' valign="center" width="89"'])
        return f"<td{attrs}{width}>{self.inner(text, wrap_at)}</td>"


def _table(rows: list[list[str]]) -> str:
    body = "\n".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    return (
        '<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%">\n'
        f"<tbody>\n{body}\n</tbody>\n</table>"
    )


def _table2(rep: Report, c: _Cells, misaligned: bool) -> str:
    # Value columns of the grid: 3 (信息内容 + 3), or 4 in the 上海 2019 layout, where the middle header
    # spans two grid columns and the （五）（六） values span them differently.
    width = 4 if misaligned else 3
    rows: list[list[str]] = []
    pieces: list[str] = []
    for item, numeral, cols, labels in rep.t2_items():
        if rows and "split_table2" in rep.variants:
            pieces.append(_table(rows))
            rows = []
        rows.append([c.td(rep.caption(numeral), colspan=width + 1)])
        spans = _spans(len(cols), width)
        value_spans = spans
        if misaligned:
            spans = {1: [4], 2: [2, 2], 3: [1, 2, 1]}[len(cols)]
            value_spans = [2, 1, 1] if item in ("art20_5", "art20_6") else spans
        rows.append([c.td("信息内容")] + [c.td(lbl, colspan=s) for (_k, lbl), s in zip(cols, spans)])
        for row, label in labels:
            tds = [c.td(rep.spaced(rep.qi(label), 1))]
            tds += [
                c.td(rep.t2[f"t2.{item}.{row}.{k}"].text, colspan=s) for (k, _l), s in zip(cols, value_spans)
            ]
            rows.append(tds)
            if item == "art20_1" and row == "normative_docs" and rep.extra_t2_row:
                extra_label, values = rep.extra_t2_row
                rows.append([c.td(extra_label)] + [c.td(v) for v in values[: len(cols)]])
    pieces.append(_table(rows))
    return "\n<p>&nbsp;</p>\n".join(pieces)


def _spans(n: int, width: int) -> list[int]:
    """How ``n`` value columns share ``width`` grid columns (the last takes what is left)."""
    if n >= width:
        return [1] * n
    return [1] * (n - 1) + [width - n + 1]


def _table3(rep: Report, c: _Cells) -> str:
    cols = rep.t3_columns()
    legal = [k for k, _ in cols if k not in ("natural_person", "total")]
    rows: list[list[str]] = [
        [c.td(rep.note or "", rowspan=3, colspan=3), c.td("申请人情况", colspan=len(cols))],
        [
            c.td(rep.t3_column_label("natural_person"), rowspan=2),
            c.td("法人或其他组织", colspan=len(legal)),
            c.td(rep.t3_column_label("total"), rowspan=2),
        ],
        [
            c.td(rep.t3_column_label(k), wrap_at=2 if len(rep.t3_column_label(k)) == 4 else None)
            for k in legal
        ],
    ]
    data_rows = rep.t3_rows()
    info = {r[0]: r for r in T3_ROWS}
    brk = rep.style["t3_break"] if "split_table3" in rep.variants else len(data_rows)
    pieces: list[str] = []
    for lo, hi in ((0, brk), (brk, len(data_rows))):
        piece = data_rows[lo:hi]
        if not piece:
            continue
        # Vertically merged labels span the rows of their own table piece only.
        n_results = sum(1 for r in piece if info[r][1] > 0)
        group_size: dict[str, int] = {}
        for r in piece:
            if info[r][4]:
                group_size[info[r][4]] = group_size.get(info[r][4], 0) + 1
        results_done = False
        groups_done: set[str] = set()
        for key in piece:
            _k, level, _n, _t, group = info[key]
            values = [c.td(rep.t3[f"t3.{key}.{col}"].text) for col, _ in cols]
            tds: list[str] = []
            if level == 0:
                tds.append(c.td(rep.t3_label(key), colspan=3))
            else:
                if not results_done:
                    tds.append(c.td(rep.t3_heading("results"), rowspan=n_results))
                    results_done = True
                if level == 1:
                    tds.append(c.td(rep.t3_label(key), colspan=2))
                else:
                    assert group is not None
                    if group not in groups_done:
                        tds.append(c.td(rep.t3_heading(group), rowspan=group_size[group]))
                        groups_done.add(group)
                    tds.append(c.td(rep.t3_label(key)))
            rows.append(tds + values)
        pieces.append(_table(rows))
        rows = []
    return "\n<p>（续表）</p>\n".join(pieces)


def _table4(rep: Report, c: _Cells) -> str:
    rows = [
        [c.td("行政复议", colspan=5), c.td("行政诉讼", colspan=10)],
        [c.td(rep.t4_column_label(k), rowspan=2) for k, _ in T4_COLUMNS]
        + [c.td(T4_BLOCKS[1][1], colspan=5), c.td(T4_BLOCKS[2][1], colspan=5)],
        [
            c.td(rep.t4_column_label(k), wrap_at=2 if len(rep.t4_column_label(k)) == 4 else None)
            for k, _ in T4_COLUMNS
        ]
        * 2,
        [c.td(rep.t4[f"t4.{b}.{k}"].text) for b, _ in T4_BLOCKS for k, _ in T4_COLUMNS],
    ]
    return _table(rows)


def _p(text: str, style: str = ' style="text-indent:2em;"') -> str:
    return f"<p{style}>{escape(text)}</p>"


def _h(text: str) -> str:
    return f'<p style="text-indent:2em;"><strong>{escape(text)}</strong></p>'


def article(rep: Report, variants: list[str]) -> str:
    """The report body as the CMS stores it."""
    rng = random.Random(f"html-cells:{rep.seed}")
    c = _Cells(rng, rep.blank_text())
    headings = set(SECTION_HEADINGS.values())
    parts = [
        f'<p style="text-align:center;"><strong>{escape(line)}</strong></p>' for line in rep.title_lines()
    ]
    parts += [_h(t) if t in headings else _p(t) for t in prose_before(rep)]
    parts.append(_h(SECTION_HEADINGS["s2"]))
    parts.append(_table2(rep, c, "misaligned_spans" in variants))
    parts += [_p(t) for t in note_after(rep, "t2")]
    parts.append(_h(SECTION_HEADINGS["s3"]))
    parts.append(_table3(rep, c))
    parts += [_p(t) for t in note_after(rep, "t3")]
    parts.append(_h(SECTION_HEADINGS["s4"]))
    parts.append(_table4(rep, c))
    parts += [_h(t) if t in headings else _p(t) for t in prose_after(rep)]
    return "\n".join(parts)


def render(rep: Report, stem: str = "report") -> tuple[bytes, dict[str, Any]]:
    """The report as an HTML page, and its expected values."""
    variants = page_variants(rep)
    body = article(rep, variants)
    charset = "gb2312" if "gbk_page" in variants else "utf-8"
    published = f"{rep.year + 1}-01-{10 + rep.seed % 18:02d}"
    if "fragment" in variants:
        html = body
    else:
        chrome_top = (
            '<div class="header"><div class="logo"><img src="/images/logo.png" alt="logo"/></div>'
            '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
            '<li><a href="/hdjl/">互动交流</a></li><li><a href="/zwfw/">政务服务</a></li></ul></div>'
        )
        if "layout_table" in variants:
            chrome_top = (
                '<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr>'
                '<td><a href="/">首页</a></td><td><a href="/zwgk/">政务公开</a></td>'
                '<td><a href="/xxgk/nb/">政府信息公开年报</a></td><td>2024年12月31日 星期二</td></tr></table>'
            )
        title = rep.page_title()
        h1 = f"{rep.year}年度报告" if rep.title_layout.page == "short" else title
        html = f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}"/>
<title>{escape(title)}_政府信息公开年报_{escape(rep.agency)}</title>
<script type="text/javascript">var _hmt = _hmt || []; var pageId = "4521";</script>
<style>.TRS_Editor p {{ line-height: 2; }}</style>
</head>
<body>
{chrome_top}
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>
<div class="article">
<h1 class="title">{escape(h1)}</h1>
<div class="info"><span>发布日期：{published}</span><span>来源：{escape(rep.agency)}</span><span>浏览次数：<em id="hits">1024</em></span><span>字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></span></div>
<div class="TRS_Editor">
{body}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="footer"><p>主办单位：{escape(rep.agency)}　　地址：人民路100号　　邮编：310000</p>
<p>网站标识码：3301000001　　浙ICP备05012345号-1　　浙公网安备 33010202000123号</p></div>
</body>
</html>
"""
    if "word_line_breaks" in variants:
        html = html.replace("</p>", "\x0b</p>").replace("</div>", "</div>\x0b")
    data = html.encode("gb18030") if charset == "gb2312" else html.encode("utf-8")
    expected = rep.expected(f"{stem}.html", header_read=False)
    expected["variants"] = sorted(rep.variants | set(variants))
    return data, expected
