"""``ogi show``: one report from the dataset, as a person checks it.

The report's tables as readable grids (with a mark on every cell that was not simply read), its checks,
and for each failed check the involved cells with their raw text and locator, side by side, so a
person can tell a source error from a misreading. Reads the dataset only, never the source file:
``render_rows`` renders rows a caller read itself (``ogi show FILE`` on a file not in the dataset, where
the command line reads it on the spot). Every text is printed with its control characters escaped, and
long cells end in 「…」.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from ogi.schema.template import load
from ogi.schema.values import format_number
from ogi.utils.text import clip, display_width, printable
from ogi.utils.urls import is_http_url

MARKS = {
    "value": "",
    "blank": "·",
    "placeholder": "/",
    "recovered": "*",
    "ambiguous": "?",
    "ocr": "~",
    "ocr_corrected": "≈",
    "manual": "!",
}
LEGEND = (
    "· blank  / placeholder  * recovered  ? ambiguous  ~ OCR  ≈ OCR corrected  ! manual  (missing: empty)\n"
    "‡ before a row: its printed label was matched fuzzily (locator.label_match = fuzzy; listed below)"
)
#: The mark on a row whose label was matched by structure and shared characters, not by its words.
FUZZY_MARK = "‡"


class NotFound(LookupError):
    pass


def _rows(path: Path, column: str, value: str) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    table = pq.read_table(path)
    mask = pc.equal(table[column], value)
    return list(table.filter(mask).to_pylist())


def find_report(dataset: Path, ref: str) -> dict[str, Any]:
    """A report by report_id (or a unique prefix of it), source path or URL."""
    reports = pq.read_table(dataset / "reports.parquet").to_pylist()
    candidates = [r for r in reports if r["report_id"] == ref or r["source"] == ref]
    if not candidates and not is_http_url(ref):
        resolved = str(Path(ref).expanduser().resolve())
        candidates = [r for r in reports if r["source"] == resolved]
    if not candidates and len(ref) >= 4:
        candidates = [r for r in reports if r["report_id"].startswith(ref)]
    if not candidates:
        name = Path(ref).name
        candidates = [r for r in reports if Path(r["source"]).name == name]
    ids = {r["report_id"] for r in candidates}
    if not candidates:
        raise NotFound(f"no report {ref!r} in {dataset}")
    if len(ids) > 1:
        raise NotFound(f"{ref!r} matches {len(ids)} reports: " + ", ".join(sorted(ids)))
    return sorted(candidates, key=lambda r: r["source"])[0]


_width = display_width


def _pad(s: str, n: int, right: bool = False) -> str:
    gap = " " * max(0, n - _width(s))
    return gap + s if right else s + gap


def _grid(title: str, header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [title]
    lines.append("  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip())
    for r in rows:
        lines.append(
            "  ".join(
                _pad(c, w, right=i > 0) for i, (c, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip()
        )
    return "\n".join(lines)


def _cell_text(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return ""
    mark = MARKS.get(cell["status"], "?")
    value = format_number(cell["value"]) if cell["value"] is not None else ""
    return f"{value}{mark}"


def _fuzzy_rows(cells: Any) -> dict[str, str]:
    """``table.row_key`` → printed label, for the rows whose label was matched fuzzily."""
    out: dict[str, str] = {}
    for c in cells:
        loc = json.loads(c["locator"] or "{}")
        if loc.get("label_match") == "fuzzy":
            out[f"{c['table']}.{c['row_key']}"] = str(loc.get("label", ""))
    return out


def cell_of(dataset: Path, report_id: str, cell: str) -> dict[str, Any]:
    """One cell row of a report; a key the report lacks gets the nearest keys it has ("did you mean")."""
    import difflib

    rows = {c["cell"]: c for c in _rows(Path(dataset) / "cells.parquet", "report_id", report_id)}
    if cell in rows:
        return rows[cell]
    near = difflib.get_close_matches(cell, list(rows), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(near)}?" if near else ""
    raise NotFound(f"report {report_id} has no cell {cell!r}{hint}")


def _or_dash(v: Any) -> str:
    """A header value, or 「–」 when it is missing (never ``None`` or ``nan``)."""
    if v is None or (isinstance(v, float) and v != v):
        return "–"
    return str(v)


def is_dataset(dataset: Path) -> bool:
    return (Path(dataset) / "reports.parquet").is_file()


def render(dataset: Path, ref: str) -> str:
    """The text ``ogi show`` prints for a report of the dataset."""
    if not is_dataset(dataset):
        raise NotFound(f"{dataset} is not an ogi dataset (no reports.parquet): run ogi run first")
    report = find_report(dataset, ref)
    rid = report["report_id"]
    cells = _rows(dataset / "cells.parquet", "report_id", rid)
    checks = _rows(dataset / "checks.parquet", "report_id", rid)
    return render_rows(report, cells, checks)


def _t3_rows(
    version: str,
    other_single: bool,
    cells: dict[str, dict[str, Any]],
    cols: list[Any],
    mark: Callable[[str, str], str] = lambda _key, label: label,
) -> list[list[str]]:
    """Table 三's rows with their group headings (三、本年度办理结果, （三）不予公开 …) as rows of their own,
    sub-rows indented under them, as the template prints them."""
    t = load()
    data = t.t3_data_rows(version, other_single_row=other_single)
    data_keys = {r.key for r in data}
    shown: set[str] = set()
    out: list[list[str]] = []
    for row in data:
        chain = []
        group = row.group
        while group:
            try:
                head = t.t3_row(group)
            except StopIteration:
                break
            if head.key in data_keys:
                break
            chain.append(head)
            group = head.group
        for depth, head in enumerate(reversed(chain)):
            if head.key not in shown:
                shown.add(head.key)
                out.append(["  " * depth + clip(head.label, 30)] + [""] * len(cols))
        indent = "  " * len(chain)
        out.append(
            [indent + mark(row.key, clip(row.label, 30))]
            + [_cell_text(cells.get(f"t3.{row.key}.{c.key}")) for c in cols]
        )
    return out


def render_rows(report: dict[str, Any], cell_rows: list[dict[str, Any]], checks: list[dict[str, Any]]) -> str:
    """The text ``ogi show`` prints for one report's rows (from the dataset or read on the spot)."""
    return printable(_render(report, {c["cell"]: c for c in cell_rows}, checks))


def _render(report: dict[str, Any], cells: dict[str, dict[str, Any]], checks: list[dict[str, Any]]) -> str:
    rid = report["report_id"]
    out: list[str] = []
    out.append(clip(" ".join(str(report.get("title") or "(no title)").split()), 100))
    out.append(
        f"report {rid}  agency {_or_dash(report.get('agency'))}  year {_or_dash(report.get('year'))}  "
        f"template {_or_dash(report.get('template_version'))}  scope {_or_dash(report.get('scope'))}"
    )
    out.append(f"source {report['source']}")
    out.append(
        f"format {report['format']}  status {report['status']}"
        + (f"  ({report['error']})" if report.get("error") else "")
    )
    if report.get("duplicate_of"):
        out.append(f"same bytes as {report['duplicate_of']}")
    version = report.get("template_version")
    t = load()
    fuzzy = _fuzzy_rows(cells.values())

    def row_label(prefix: str, key: str, label: str) -> str:
        return (FUZZY_MARK if f"{prefix}.{key}" in fuzzy else "") + label

    if version in ("2019", "2021"):
        out.append("")
        out.append(LEGEND)
        for item in t.items_of(version):
            rows = [
                [row_label("t2", f"{item.key}.{row.key}", row.label)]
                + [_cell_text(cells.get(f"t2.{item.key}.{row.key}.{col.key}")) for col in item.cols]
                for row in item.rows
            ]
            out.append("")
            out.append(_grid(f"表二 {item.caption}", ["信息内容"] + [c.label for c in item.cols], rows))
        cols = [c for c in t.t3_columns if not c.optional or any(k.endswith("." + c.key) for k in cells)]
        other_single = any(k.startswith("t3.other_handling.") for k in cells)
        rows = _t3_rows(version, other_single, cells, cols, lambda key, label: row_label("t3", key, label))
        out.append("")
        out.append(_grid("表三 收到和处理政府信息公开申请情况", [""] + [c.label for c in cols], rows))
        rows = [
            [b.label] + [_cell_text(cells.get(f"t4.{b.key}.{c.key}")) for c in t.t4_columns]
            for b in t.t4_blocks
        ]
        out.append("")
        out.append(_grid("表四 行政复议、行政诉讼", [""] + [c.label for c in t.t4_columns], rows))
    if fuzzy:
        out.append("")
        out.append("Rows matched by a fuzzy label (printed label → row):")
        for key, printed in sorted(fuzzy.items()):
            out.append(f"  {FUZZY_MARK}{key}  printed {printed!r}")
    special = [c for c in cells.values() if c["status"] not in ("value", "blank", "placeholder")]
    if special:
        out.append("")
        out.append("Cells not simply read:")
        for c in sorted(special, key=lambda c: c["cell"]):
            loc = json.loads(c["locator"] or "{}")
            extra = {
                k: loc[k]
                for k in ("rule", "candidates", "confidence", "by", "reason", "corrected_from")
                if k in loc
            }
            out.append(
                f"  {c['cell']}  {c['status']}  value={format_number(c['value'])}  "
                f"raw={clip(repr(c['raw']), 60)}  {clip(json.dumps(extra, ensure_ascii=False), 120)}"
            )
    if checks:
        counts: dict[str, int] = {}
        for ch in checks:
            counts[f"{ch['severity']} {ch['outcome']}"] = (
                counts.get(f"{ch['severity']} {ch['outcome']}", 0) + 1
            )
        out.append("")
        out.append("Checks: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        for ch in sorted(checks, key=lambda c: (c["severity"], c["rule"], c["target"])):
            if ch["outcome"] != "fail":
                continue
            out.append("")
            out.append(
                f"FAIL {ch['rule']} ({ch['severity']}) {ch['target']}: left {format_number(ch['left'])} "
                f"≠ right {format_number(ch['right'])} (difference {format_number(ch['difference'])})"
            )
            for key in ch["cells"]:
                involved = cells.get(key)
                if involved is None:
                    out.append(f"    {key}  (not in this report)")
                    continue
                out.append(
                    f"    {key}  value={format_number(involved['value'])}  status={involved['status']}  "
                    f"raw={involved['raw']!r}  at {involved['locator']}"
                )
    return "\n".join(out)
