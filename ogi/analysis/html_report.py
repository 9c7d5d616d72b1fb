"""The HTML output of ``ogi compare``: one self-contained page that works offline.

No CDN and no external file: the CSS and the small sorting script are inline, and the charts (ranking
bars, the distribution of the metric, each followed agency's trend) are SVG drawn here. The page is meant
to be published: a number links to where it was read when the source has a published URL (with
``#page=N`` for a PDF cell); a local file is named by its file name only, never linked by its path on the
reporter's machine. Headings are Chinese with English beside them; ``title``, ``note`` and ``credit`` are
the publisher's. It works on a phone (430 px: charts scale, tables scroll inside their box) and prints
(print CSS). Chinese renders with ``<meta charset="utf-8">`` and a CJK font stack.
"""

from __future__ import annotations

import math
from dataclasses import replace
from html import escape
from typing import Any

import pandas as pd

from ogi import __version__
from ogi.analysis.compare import (
    Filters,
    failed_checks,
    format_value,
    locators,
    rank,
    source_href,
    source_name,
    trend,
    value_href,
)
from ogi.analysis.load import Dataset
from ogi.analysis.metrics import anchor_cell
from ogi.schema.metrics import Metric, metric, metrics

FONT = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
)
CSS = f"""
body {{ font-family: {FONT}; margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; color: #1b1b1b;
       line-height: 1.45; }}
h1 {{ font-size: 1.5rem; }} h2 {{ font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }}
.note {{ color: #555; font-size: .9rem; }}
table {{ border-collapse: collapse; font-size: .88rem; margin: .5rem 0; }}
th, td {{ border-bottom: 1px solid #e2e2e2; padding: .25rem .5rem; text-align: left; vertical-align: top; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
th {{ background: #f4f4f4; cursor: pointer; user-select: none; white-space: nowrap; }}
th[aria-sort=ascending]::after {{ content: " ▲"; }} th[aria-sort=descending]::after {{ content: " ▼"; }}
tr.flag td {{ background: #fff4f0; }} tr.hl td {{ background: #fffbe0; }}
.bad {{ color: #b3261e; font-weight: 600; }}
td a {{ white-space: nowrap; }}
a {{ color: #0b57d0; text-decoration: none; }} a:hover {{ text-decoration: underline; }}
svg {{ font-family: {FONT}; display: block; margin: .5rem 0; }}
svg text {{ font-size: 12px; fill: #222; }}
.bar {{ fill: #4c78a8; }} .bar.flag {{ fill: #e45756; }} .hist {{ fill: #72b7b2; }}
.line {{ fill: none; stroke: #4c78a8; stroke-width: 2; }} .pt {{ fill: #4c78a8; }}
.brk {{ stroke: #e45756; stroke-dasharray: 4 3; }} .axis {{ stroke: #888; }}
details {{ margin: 1rem 0; }}
.scroll {{ overflow-x: auto; max-width: 100%; -webkit-overflow-scrolling: touch; }}
svg {{ max-width: 100%; height: auto; }}
.credit {{ color: #555; font-size: .85rem; margin-top: 2rem; border-top: 1px solid #ddd; padding-top: .5rem; }}
h2 small, h1 small {{ color: #666; font-weight: normal; }}
@media (max-width: 600px) {{
  body {{ margin: .75rem auto; padding: 0 .6rem; }}
  h1 {{ font-size: 1.2rem; }} h2 {{ font-size: 1.05rem; }}
  table {{ font-size: .8rem; }}
  th, td {{ padding: .2rem .3rem; }}
}}
@media print {{
  body {{ max-width: none; margin: 0; padding: 0; color: #000; font-size: 10pt; }}
  a {{ color: #000; text-decoration: none; }}
  th {{ cursor: auto; background: #eee; }}
  th[aria-sort]::after {{ content: ""; }}
  .scroll {{ overflow: visible; }}
  table, svg, h2, h3 {{ page-break-inside: avoid; break-inside: avoid; }}
  h2, h3 {{ page-break-after: avoid; break-after: avoid; }}
  tr.flag td, tr.hl td {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
"""
SORT_JS = """
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
});
(function () {
  function key(cell) {
    var v = cell.getAttribute('data-v');
    return v === null ? cell.textContent.trim() : v;
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, i) {
      th.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var numeric = th.getAttribute('data-type') === 'number';
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[i]), y = key(b.cells[i]);
          if (x === '' && y === '') return 0;
          if (x === '') return 1;
          if (y === '') return -1;
          var d = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, 'zh-CN');
          return asc ? d : -d;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
"""
MAX_BARS = 40


def _v(value: Any) -> str:
    """The data-v attribute a sortable cell sorts by ('' for null)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return escape(str(value), quote=True)


def _shown(value: Any) -> str:
    """A value as the page prints it: nothing for a missing one (never ``nan`` or ``<NA>``)."""
    return "" if _v(value) == "" else str(value)


def _failed(r: Any) -> bool:
    """Whether a row's report fails a hard check (a missing count is not a failure)."""
    n = r.get("n_checks_failed")
    return _v(n) != "" and int(n) > 0


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(href, quote=True)}">{escape(text)}</a>'


class Table:
    """A sortable HTML table built row by row."""

    def __init__(self, table_id: str, headers: list[tuple[str, str]]) -> None:
        self.id = table_id
        self.headers = headers  # (label, "number" | "text")
        self.rows: list[str] = []

    def add(self, cells: list[str], css: str = "") -> None:
        cls = f' class="{css}"' if css else ""
        self.rows.append(f"<tr{cls}>{''.join(cells)}</tr>")

    def html(self) -> str:
        head = "".join(f'<th data-type="{t}">{escape(h)}</th>' for h, t in self.headers)
        return (
            f'<div class="scroll"><table id="{self.id}" class="sortable"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(self.rows)}</tbody></table></div>"
        )


def td_text(text: Any, href: str | None = None, sort: Any = None) -> str:
    shown = "" if text is None or _v(text) == "" else str(text)
    inner = _link(href, shown) if href and shown else escape(shown)
    v = f' data-v="{_v(sort)}"' if sort is not None else ""
    return f"<td{v}>{inner}</td>"


def td_num(value: Any, shown: str, href: str | None = None, css: str = "n") -> str:
    inner = _link(href, shown) if href and _v(value) != "" else escape(shown)
    return f'<td class="{css}" data-v="{_v(value)}">{inner}</td>'


# -- charts ----------------------------------------------------------------------------------------------


def bar_chart(items: list[tuple[str, float, bool]], m: Metric) -> str:
    """Horizontal bars, one per agency (red when its report fails a hard check)."""
    if not items:
        return '<p class="note">No values to chart.</p>'
    items = items[:MAX_BARS]
    label_w, bar_w, row_h = 230, 420, 20
    height = row_h * len(items) + 10
    top = max(v for _, v, _ in items) or 1.0
    parts = [
        f'<svg id="ranking-chart" role="img" aria-label="ranking" width="{label_w + bar_w + 90}" '
        f'height="{height}" viewBox="0 0 {label_w + bar_w + 90} {height}">'
    ]
    for i, (label, value, flag) in enumerate(items):
        y = 5 + i * row_h
        w = max(0.0, value / top * bar_w)
        css = "bar flag" if flag else "bar"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(label[:18])}</text>'
            f'<rect class="{css}" x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row_h - 5}">'
            f"<title>{escape(label)}: {escape(format_value(m, value))}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{escape(format_value(m, value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram(values: list[float], m: Metric, bins: int = 10) -> str:
    """The distribution of the metric over the ranked reports."""
    if not values:
        return '<p class="note">No values to chart.</p>'
    lo, hi = (0.0, 1.0) if m.is_rate else (min(values), max(values))
    if hi <= lo:
        hi = lo + 1.0
    step = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / step))] += 1
    width, height, pad = 640, 220, 40
    bw = (width - 2 * pad) / bins
    top = max(counts) or 1
    parts = [
        f'<svg id="distribution-chart" role="img" aria-label="distribution" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">',
        f'<line class="axis" x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}"/>',
    ]
    for i, n in enumerate(counts):
        h = n / top * (height - 2 * pad)
        x = pad + i * bw
        a, b = lo + i * step, lo + (i + 1) * step
        rng = f"{format_value(m, a)} – {format_value(m, b)}"
        parts.append(
            f'<rect class="hist" x="{x + 1:.1f}" y="{height - pad - h:.1f}" width="{bw - 2:.1f}" '
            f'height="{h:.1f}"><title>{escape(rng)}: {n}</title></rect>'
        )
        if n:
            parts.append(
                f'<text x="{x + bw / 2:.1f}" y="{height - pad - h - 4:.1f}" text-anchor="middle">{n}</text>'
            )
        if i % 2 == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{height - pad + 16}" text-anchor="middle">{escape(format_value(m, a))}</text>'
            )
    parts.append(
        f'<text x="{width - pad:.1f}" y="{height - pad + 16}" text-anchor="middle">{escape(format_value(m, hi))}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(points: list[tuple[int, float | None, str | None]], m: Metric, chart_id: str) -> str:
    """One agency's metric by year; a dashed red line marks a break (template change, gap)."""
    years = [y for y, _, _ in points]
    vals = [v for _, v, _ in points if v is not None]
    if not years:
        return ""
    width, height, pad = 560, 200, 45
    y0, y1 = min(years), max(years)
    span = max(1, y1 - y0)
    lo = 0.0 if not vals else min(0.0, min(vals))
    hi = max(vals) * 1.15 if vals and max(vals) > 0 else 1.0
    if m.is_rate:
        hi = min(hi, 1.0)
    if hi <= lo:
        hi = lo + 1.0

    def px(y: int) -> float:
        return pad + (y - y0) / span * (width - 2 * pad)

    def py(v: float) -> float:
        return height - pad - (v - lo) / (hi - lo) * (height - 2 * pad)

    parts = [
        f'<svg id="{chart_id}" class="trend-chart" role="img" aria-label="trend" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">',
        f'<line class="axis" x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}"/>',
        f'<text x="{pad - 6}" y="{py(hi) + 4:.1f}" text-anchor="end">{escape(format_value(m, hi))}</text>',
        f'<text x="{pad - 6}" y="{py(lo) + 4:.1f}" text-anchor="end">{escape(format_value(m, lo))}</text>',
    ]
    segment: list[str] = []
    for i, (year, value, brk) in enumerate(points):
        if brk and i > 0:
            x = (px(points[i - 1][0]) + px(year)) / 2
            # The label starts at the line and runs into the chart, towards its wider side, so it is
            # never cut by the chart's edge.
            anchor, dx = ("start", 4) if x < width / 2 else ("end", -4)
            parts.append(
                f'<line class="brk" x1="{x:.1f}" y1="{pad - 10}" x2="{x:.1f}" y2="{height - pad}">'
                f"<title>{escape(brk)}</title></line>"
                f'<text class="brk-label" x="{x + dx:.1f}" y="{pad - 14}" text-anchor="{anchor}">'
                f"{escape(brk[:40])}</text>"
            )
            if len(segment) > 1:
                parts.append(f'<polyline class="line" points="{" ".join(segment)}"/>')
            segment = []
        parts.append(f'<text x="{px(year):.1f}" y="{height - pad + 16}" text-anchor="middle">{year}</text>')
        if value is None:
            if len(segment) > 1:
                parts.append(f'<polyline class="line" points="{" ".join(segment)}"/>')
            segment = []
            continue
        segment.append(f"{px(year):.1f},{py(value):.1f}")
        parts.append(
            f'<circle class="pt" cx="{px(year):.1f}" cy="{py(value):.1f}" r="4">'
            f"<title>{year}: {escape(format_value(m, value))}</title></circle>"
        )
    if len(segment) > 1:
        parts.append(f'<polyline class="line" points="{" ".join(segment)}"/>')
    parts.append("</svg>")
    return "".join(parts)


# -- the page ------------------------------------------------------------------------------------------


def _nan(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _filters_text(f: Filters, year: Any) -> str:
    parts = [f"{year} 年度 year {year}" if year is not None else "all years"]
    for name in ("province", "city", "level", "agency"):
        if getattr(f, name):
            parts.append(f"{name} {getattr(f, name)}")
    parts.append(f"范围 scope {f.scope or 'own'}")
    if f.min_n is not None:
        parts.append(f"n ≥ {f.min_n}")
    return ", ".join(parts)


#: Section headings: Chinese first, English beside.
HEADINGS = {
    "ranking": ("排名", "Ranking"),
    "distribution": ("分布", "Distribution"),
    "trend": ("历年变化", "Across years"),
    "failed": ("数字对不上的报告", "Reports whose own numbers do not add up"),
    "definitions": ("指标定义", "Metric definitions"),
}


def _h2(key: str) -> str:
    zh, en = HEADINGS[key]
    return f'<h2 id="h-{key}">{escape(zh)} <small>{escape(en)}</small></h2>'


def _source_cell(source: Any) -> str:
    """The source as a reader can use it: the published URL as a link, else the file name only."""
    if not isinstance(source, str) or not source:
        return "<td></td>"
    href = source_href(source)
    return td_text(source_name(source), href)


def render(
    ds: Dataset,
    metric_name: str,
    filters: Filters | None = None,
    *,
    title: str | None = None,
    note: str | None = None,
    credit: str | None = None,
) -> str:
    """The whole page for one metric: ranking, distribution, trends (with ``agency``), failed checks.

    ``title`` replaces the default heading (the metric in Chinese), ``note`` is printed under it and
    ``credit`` at the foot of the page: a publisher's words, escaped like every text."""
    f = filters or Filters()
    m = metric(metric_name)
    ranked = rank(ds, m.name, replace(f, agency=None))
    years = ranked["year"].dropna()
    year = int(years.iloc[0]) if not years.empty else None
    followed = trend(ds, m.name, f) if f.agency else None
    failed = failed_checks(ds, replace(f, agency=None))
    if year is not None:
        failed = failed[failed["year"] == year]
    pairs = []
    for df in (ranked, followed):
        if df is not None:
            for rid, version in zip(df["report_id"], df["template_version"]):
                cell = anchor_cell(m, version)
                if cell:
                    pairs.append((rid, cell))
    cache = locators(ds, pairs)
    highlighted = set(followed["agency_id"]) if followed is not None else set()

    heading = (
        f"<h1>{escape(title)}</h1>"
        if title
        else f"<h1>{escape(m.label_zh)} <small>{escape(m.label_en)}</small></h1>"
    )
    body = [
        heading,
        f'<p class="note" id="note">{escape(note)}</p>' if note else "",
        f'<p class="note">{escape(m.label_zh)} ({escape(m.name)}); {escape(_filters_text(f, year))}. '
        f"每个机关每年只计一份报告 (only the counted report of each agency and year is used); 部门与部门比较，"
        f"汇总报告单独排名 (departments are ranked with departments, aggregates apart); rank 1 is the highest "
        f"value; a red bar or row marks a report whose own numbers do not add up."
        + (" n: the count the rate is a share of." if m.is_rate else "")
        + "</p>",
        f'<p class="note"><b>公式 Formula</b>: {escape(m.formula)}. <b>说明 Caveats</b>: '
        f"{escape(m.caveats)}</p>",
        _h2("ranking"),
    ]
    chart_items = [
        (_shown(r["agency"]), float(r["value"]), _failed(r))
        for r in ranked.to_dict("records")
        if _nan(r["value"]) is not None
    ]
    body.append(bar_chart(chart_items, m))
    table = Table(
        "ranking",
        [
            ("排名 rank", "number"),
            ("机关 agency", "text"),
            ("层级 level", "text"),
            ("省 province", "text"),
            ("市 city", "text"),
            ("县 county", "text"),
            ("年度 year", "number"),
            ("范围 scope", "text"),
            (f"{m.label_zh} {m.name}", "number"),
            ("n", "number"),
            ("勾稽不符 hard checks failed", "number"),
            ("来源 source", "text"),
        ],
    )
    for r in ranked.to_dict("records"):
        href = value_href(ds, m, r, cache)
        flag = _failed(r)
        css = " ".join(
            c for c in ("flag" if flag else "", "hl" if r["agency_id"] in highlighted else "") if c
        )
        table.add(
            [
                td_num(r["rank"], "" if _v(r["rank"]) == "" else str(r["rank"])),
                td_text(r["agency"], source_href(r["source"], None, r["format"])),
                td_text(r["level"]),
                td_text(r["province"]),
                td_text(r["city"]),
                td_text(r["county"]),
                td_num(r["year"], _shown(r["year"])),
                td_text(_scope_text(r)),
                td_num(r["value"], format_value(m, r["value"]), href),
                td_num(r["n"], format_value(None, r["n"]) if _v(r["n"]) != "" else ""),
                td_num(r["n_checks_failed"], _shown(r["n_checks_failed"]), css="n bad" if flag else "n"),
                _source_cell(r["source"]),
            ],
            css,
        )
    body.append(table.html())
    body += [
        _h2("distribution"),
        histogram([float(v) for v in ranked["value"] if _nan(v) is not None], m),
    ]
    if followed is not None:
        body.append(_trend_section(ds, m, followed, cache))
    body.append(_failed_section(ds, failed))
    body.append(_definitions())
    if credit:
        body.append(f'<p class="credit" id="credit">{escape(credit)}</p>')
    return _page(title or f"{m.label_zh} {m.label_en}", "".join(body))


def _scope_text(r: Any) -> str:
    """``own``, ``aggregate (level)`` when inferred from the agency's level, or nothing when unknown."""
    scope = r.get("scope")
    if not isinstance(scope, str) or not scope:
        return ""
    return f"{scope} (level)" if r.get("scope_basis") == "level" else scope


def _trend_section(ds: Dataset, m: Metric, followed: pd.DataFrame, cache: dict[tuple[str, str], str]) -> str:
    out = [_h2("trend")]
    if followed.empty:
        out.append('<p class="note">No report of the agency matches.</p>')
        return "".join(out)
    for n, (agency_id, group) in enumerate(followed.groupby("agency_id", sort=True)):
        names = " / ".join(dict.fromkeys(str(a) for a in group["agency"]))
        out.append(f"<h3>{escape(names)} <small><code>{escape(str(agency_id))}</code></small></h3>")
        points = [
            (int(r["year"]), _nan(r["value"]), r["break"] if isinstance(r["break"], str) else None)
            for r in group.to_dict("records")
        ]
        out.append(line_chart(points, m, f"trend-chart-{n}"))
    table = Table(
        "trend",
        [
            ("机关 agency", "text"),
            ("年度 year", "number"),
            ("模板 template", "text"),
            ("范围 scope", "text"),
            (f"{m.label_zh} {m.name}", "number"),
            ("n", "number"),
            ("变化 change", "number"),
            ("断点 break", "text"),
            ("结转 X-CARRY", "text"),
            ("勾稽不符 hard checks failed", "number"),
        ],
    )
    for r in followed.to_dict("records"):
        brk = r["break"] if isinstance(r["break"], str) else ""
        carry = r["x_carry"] if isinstance(r["x_carry"], str) else ""
        detail = r["x_carry_failed"] if isinstance(r["x_carry_failed"], str) else ""
        table.add(
            [
                td_text(r["agency"], source_href(r["source"], None, r["format"])),
                td_num(r["year"], _shown(r["year"])),
                td_text(r["template_version"]),
                td_text(_scope_text(r)),
                td_num(r["value"], format_value(m, r["value"]), value_href(ds, m, r, cache)),
                td_num(r["n"], format_value(None, r["n"]) if _v(r["n"]) != "" else ""),
                td_num(r["change"], _change(m, r["change"])),
                f'<td class="{"bad" if brk else ""}">{escape(brk)}</td>',
                f'<td class="{"bad" if carry == "fail" else ""}" title="{escape(detail, quote=True)}">'
                f"{escape(carry)}{(' — ' + escape(detail)) if detail else ''}</td>",
                td_num(r["n_checks_failed"], _shown(r["n_checks_failed"])),
            ],
            "flag" if brk else "",
        )
    out.append(table.html())
    return "".join(out)


def _change(m: Metric, v: Any) -> str:
    if v is None or pd.isna(v):
        return "–"
    if m.is_rate:
        return f"{v * 100:+.1f} pp"
    return f"{v:+g}"


def _failed_section(ds: Dataset, failed: pd.DataFrame) -> str:
    out = [_h2("failed")]
    if failed.empty:
        out.append('<p class="note" id="no-failed">No hard check failed in the selection.</p>')
        return "".join(out)
    table = Table(
        "failed",
        [
            ("机关 agency", "text"),
            ("年度 year", "number"),
            ("规则 rule", "text"),
            ("对象 target", "text"),
            ("左 left", "number"),
            ("右 right", "number"),
            ("差 difference", "number"),
            ("单元格 cells", "text"),
            ("来源 source", "text"),
        ],
    )
    first_cells = [(r["report_id"], str(r["cells"]).split(", ")[0]) for r in failed.to_dict("records")]
    cache = locators(ds, first_cells)
    for r, key in zip(failed.to_dict("records"), first_cells, strict=True):
        href = source_href(r["source"], cache.get(key), r["format"])
        table.add(
            [
                td_text(r["agency"], href),
                td_num(r["year"], _shown(r["year"])),
                td_text(r["rule"]),
                td_text(r["target"]),
                td_num(r["left"], format_value(None, r["left"]), href),
                td_num(r["right"], format_value(None, r["right"]), href),
                td_num(r["difference"], format_value(None, r["difference"]), css="n bad"),
                td_text(r["cells"]),
                _source_cell(r["source"]),
            ]
        )
    out.append(table.html())
    return "".join(out)


def _definitions() -> str:
    rows = "".join(
        f"<tr><td><code>{escape(m.name)}</code></td><td>{escape(m.label_zh)}</td><td>{escape(m.formula)}</td>"
        f"<td>{escape(m.caveats)}</td></tr>"
        for m in metrics()
    )
    return (
        '<details><summary>指标定义 Metric definitions</summary><div class="scroll"><table><thead><tr>'
        "<th>metric</th><th>中文</th><th>formula</th><th>caveats</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div></details>"
        f'<p class="note">Made with ogi {escape(__version__)}.</p>'
    )


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}<script>{SORT_JS}</script></body></html>\n"
    )
