"""``ogi compare``: rank agencies in a year, follow one agency across years, list reports whose own
numbers do not add up. Reads the dataset folder only.

Like is compared with like: only the counted report of each (agency, year) is used (``agencies.canonical``),
and by default only reports that speak for the body itself are ranked. The scope compared is the one the
report states (``reports.scope``); when it states none, it is inferred from the agency's level (a
department speaks for itself, a government's report for the government and its departments) and
``scope_basis`` says ``level``; a report with neither is ``unknown`` and ranked apart, never beside
departments. ``scope="aggregate"`` ranks the 全市/全区 reports among themselves, ``scope="all"`` mixes them.
Every rate is shown with ``n``, the count it is a share of, and ``min_n`` leaves out rates of fewer.
Rank 1 is the highest value; ties share a rank; reports whose metric is null are listed last, unranked.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ogi.analysis import metrics as metric_calc
from ogi.analysis import spreadsheet
from ogi.analysis.load import Dataset, DatasetError
from ogi.analysis.options import DEFAULT_METRIC, SCOPES
from ogi.dataset.agencies import normalise_name
from ogi.schema.metrics import Metric, metric, metrics
from ogi.utils.files import write_text_atomic
from ogi.utils.text import clip, display_width, printable
from ogi.utils.urls import is_http_url

LEVEL_ALIASES = {
    "province": "省",
    "city": "市",
    "county": "县",
    "township": "乡镇",
    "department": "部门",
    "zone": "功能区",
}


class CompareError(DatasetError):
    """A comparison that cannot be made (an unknown metric, a filter that matches nothing …)."""


@dataclass
class Filters:
    year: int | None = None
    province: str | None = None
    city: str | None = None
    level: str | None = None
    agency: str | None = None
    #: own, aggregate, unknown or all; None: ``own`` for rankings, ``all`` for trends and failed checks.
    scope: str | None = None
    #: Rates whose denominator ``n`` is below this are not ranked (a rate of 1 of 2 says little).
    min_n: int | None = None


#: Agency levels that are governments: when their report states no scope, it speaks for the government
#: and its departments (the 全区/全县 totals), so it is compared with aggregates, not with departments.
GOVERNMENT_LEVELS = ("省", "市", "县", "乡镇", "功能区")
DEPARTMENT_LEVEL = "部门"


def compared_scope(view: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(scope compared, its basis): the stated ``scope``; else inferred from ``level`` (basis
    ``level``); else null (unknown). Missing is missing: a NaN scope is never a value."""
    stated = view["scope"].astype(object).where(view["scope"].notna(), None)
    level = view["level"].astype(object).where(view["level"].notna(), None)
    inferred = level.map(
        lambda lv: "own" if lv == DEPARTMENT_LEVEL else "aggregate" if lv in GOVERNMENT_LEVELS else None
    )
    scope = stated.where(stated.notna(), inferred)
    basis = pd.Series(
        [
            "stated" if s is not None else ("level" if i is not None else None)
            for s, i in zip(stated, inferred)
        ],
        index=view.index,
        dtype=object,
    )
    return scope.astype(object).where(scope.notna(), None), basis


def _contains(series: pd.Series, text: str) -> pd.Series:
    return series.fillna("").astype(str).str.contains(text, regex=False)


def report_view(ds: Dataset, canonical_only: bool = True) -> pd.DataFrame:
    """One row per counted report: agency columns, report columns and every metric."""
    a = ds.agencies
    if canonical_only:
        a = a[a["canonical"]]
    cols = ["format", "title"] + (["form"] if "form" in ds.reports.columns else [])
    rep = ds.reports.drop_duplicates("source").set_index("source")[cols]
    view = a.join(rep, on="source").join(ds.metrics, on="report_id")
    scope, basis = compared_scope(view)
    view = view.assign(scope=scope, scope_basis=basis)
    return view.reset_index(drop=True)


def with_n(ds: Dataset, view: pd.DataFrame, m: Metric) -> pd.DataFrame:
    """``view`` with ``n``: the denominator of a rate (null for a metric that is not a rate)."""
    if m.is_rate and m.name in ds.metric_n.columns and not view.empty:
        n = view["report_id"].map(ds.metric_n[m.name]).astype("float64")
    else:
        n = pd.Series(float("nan"), index=view.index, dtype="float64")
    return view.assign(n=n)


def apply_filters(
    view: pd.DataFrame, f: Filters, *, use_agency: bool = True, use_year: bool = True
) -> pd.DataFrame:
    mask = pd.Series(True, index=view.index)
    if use_year and f.year is not None:
        mask &= view["year"] == f.year
    if f.province:
        mask &= _contains(view["province"], f.province)
    if f.city:
        mask &= _contains(view["city"], f.city)
    if f.level:
        level = LEVEL_ALIASES.get(f.level.lower(), f.level)
        mask &= view["level"] == level
    if use_agency and f.agency:
        mask &= agency_mask(view, f.agency)
    scope = view["scope"].astype(object)
    if f.scope in ("own", "aggregate"):
        mask &= (scope == f.scope).fillna(False).astype(bool)
    elif f.scope == "unknown":
        mask &= scope.isna()
    elif f.scope not in ("all", None):
        raise CompareError(f"scope must be one of {', '.join(SCOPES)}")
    return view[mask]


def agency_mask(view: pd.DataFrame, text: str) -> pd.Series:
    """Rows whose agency_id is ``text``, or whose printed or normalised name contains it."""
    if text.startswith("v1:"):
        return view["agency_id"] == text
    norm = normalise_name(text) or text
    return _contains(view["agency"], text) | _contains(view["agency_name"], norm)


def metric_named(name: str) -> Metric:
    """The metric called ``name``; a mistyped name gets the nearest ones ("did you mean")."""
    try:
        return metric(name)
    except KeyError:
        names = [m.name for m in metrics()]
        near = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f"did you mean {' or '.join(near)}? " if near else ""
        raise CompareError(f"unknown metric {name!r}; {hint}one of: {', '.join(names)}") from None


#: The filters whose values can be listed when nothing matches, with the column they read.
_FILTER_COLUMNS = {
    "year": "year",
    "province": "province",
    "city": "city",
    "level": "level",
    "agency": "agency",
}


def no_match_hint(ds: Dataset, f: Filters) -> str | None:
    """When a selection is empty: the first filter that matches nothing, and the values that exist."""
    view = report_view(ds)
    if view.empty:
        return "the dataset has no counted report"
    for name, column in _FILTER_COLUMNS.items():
        wanted = getattr(f, name)
        if wanted is None or wanted == "":
            continue
        only = Filters(**{name: wanted}, scope="all")
        if not apply_filters(view, only).empty:
            continue
        values = sorted({str(int(v)) if name == "year" else str(v) for v in view[column].dropna()})
        shown = ", ".join(values[:12]) + (f" … ({len(values)} in all)" if len(values) > 12 else "")
        return f"--{name} {wanted} matches nothing; the dataset has: {shown or 'none'}"
    return None


RANK_COLUMNS = [
    "rank",
    "agency",
    "level",
    "province",
    "city",
    "county",
    "year",
    "scope",
    "scope_basis",
    "template_version",
    "value",
    "n",
    "n_checks_failed",
    "agency_id",
    "report_id",
    "source",
    "format",
]


def rank(ds: Dataset, metric_name: str = DEFAULT_METRIC, filters: Filters | None = None) -> pd.DataFrame:
    """Agencies of one year ranked by a metric (the latest year in the selection unless ``year`` is set)."""
    f = filters or Filters()
    if f.scope is None:
        f = replace(f, scope="own")
    m = metric_named(metric_name)
    view = apply_filters(report_view(ds), f, use_year=False)
    if f.year is None and not view.empty and view["year"].notna().any():
        f = replace(f, year=int(view["year"].max()))
    if f.year is not None:
        view = view[view["year"] == f.year]
    view = with_n(ds, view, m).assign(value=view[m.name])
    if f.min_n is not None and m.is_rate:
        view = view[view["n"] >= f.min_n]
    view = view.sort_values(
        ["value", "agency_name", "source"], ascending=[False, True, True], na_position="last"
    )
    view["rank"] = view["value"].rank(method="min", ascending=False).astype("Int64")
    return view[RANK_COLUMNS].reset_index(drop=True)


def left_apart(ds: Dataset, metric_name: str, filters: Filters) -> dict[str, int]:
    """What a ranking leaves out, so its title can say so: reports of other scopes in the same
    selection and year (``own`` → how many aggregates and unknowns), and rates below ``min_n``."""
    f = replace(filters, scope="all", min_n=None)
    everything = rank(ds, metric_name, f)
    if filters.year is None and not everything.empty and everything["year"].notna().any():
        everything = everything[everything["year"] == everything["year"].max()]
    m = metric_named(metric_name)
    scope = everything["scope"].astype(object)
    out = {
        "aggregate": int((scope == "aggregate").fillna(False).sum()),
        "own": int((scope == "own").fillna(False).sum()),
        "unknown": int(scope.isna().sum()),
    }
    chosen = filters.scope or "own"
    out = {k: v for k, v in out.items() if k != chosen and v} if chosen != "all" else {}
    if filters.min_n is not None and m.is_rate:
        shown = rank(ds, metric_name, replace(filters, min_n=None))
        below = int((shown["n"] < filters.min_n).sum()) + int(shown["n"].isna().sum())
        if below:
            out["below_min_n"] = below
    return out


def _x_carry(ds: Dataset) -> pd.DataFrame:
    """Per report: the X-CARRY outcome (fail beats not_assessable beats pass) and the failed columns."""
    c = ds.checks
    columns = ["x_carry", "x_carry_failed"]
    empty = pd.DataFrame({k: pd.Series([], dtype=object) for k in columns}, index=pd.Index([], dtype="str"))
    if c.empty:
        return empty
    c = c[c["rule"] == "X-CARRY"]
    rows: dict[str, dict[str, Any]] = {}
    names = _report_names(ds)
    for rid, group in c.groupby("report_id"):
        outcomes = set(group["outcome"])
        outcome = next(o for o in ("fail", "not_assessable", "pass") if o in outcomes or o == "pass")
        failed = group[group["outcome"] == "fail"]
        detail = "; ".join(
            f"{t}: {_fmt(le)} carried over vs {_fmt(ri)} carried forward"
            for t, le, ri in zip(failed["target"], failed["left"], failed["right"])
        )
        if detail:
            earlier = _earlier([c for cs in failed["cells"] for c in cs], names)
            detail = f"against {earlier}: {detail}" if earlier else detail
        rows[str(rid)] = {"x_carry": outcome, "x_carry_failed": detail or None}
    if not rows:
        return empty
    return pd.DataFrame.from_dict(rows, orient="index")


def _report_names(ds: Dataset) -> dict[str, str]:
    """report_id → 「agency year」, how a person names a report."""
    r = ds.reports.drop_duplicates("report_id")
    return {
        str(rid): " ".join(str(x) for x in (agency, year) if known(x))
        for rid, agency, year in zip(r["report_id"], r["agency"], r["year"])
    }


def _earlier(cells: Any, names: dict[str, str]) -> str:
    """「嘉兴市统计局 2021」: the earlier report an X-CARRY check compared with (its cells are written
    ``<report_id>:<key>``)."""
    ids = {str(c).split(":", 1)[0] for c in (cells if cells is not None else []) if ":" in str(c)}
    named = [names[i] for i in sorted(ids) if names.get(i)]
    return ", ".join(named)


def known(v: Any) -> bool:
    """A value that is there: not None, NaN, NA or empty (pandas 3 gives NaN for a missing string)."""
    if v is None or v is pd.NA:
        return False
    if isinstance(v, float) and math.isnan(v):
        return False
    return v != ""


def _fmt(v: Any) -> str:
    if v is None or pd.isna(v):
        return "–"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


TREND_COLUMNS = [
    "agency",
    "agency_id",
    "year",
    "template_version",
    "scope",
    "scope_basis",
    "value",
    "n",
    "previous",
    "change",
    "change_pct",
    "break",
    "x_carry",
    "x_carry_failed",
    "n_checks_failed",
    "report_id",
    "source",
    "format",
]


PRE_BREAK = "pre-2019 form→national template: other definitions, not one series"


def pre2019_break(prev: Mapping[Any, Any], rec: Mapping[Any, Any]) -> str | None:
    """The break between a pre-2019 report and a template report, or between two pre-2019 forms."""
    a, b = prev.get("template_version"), rec.get("template_version")
    if (a == "pre2019") != (b == "pre2019"):
        return f"template {a}→{b} ({PRE_BREAK})"
    if a == b == "pre2019" and _form(prev) != _form(rec):
        return f"pre-2019 form {_form(prev)}→{_form(rec)}"
    return None


def _form(rec: Mapping[Any, Any]) -> str:
    """A pre-2019 report's form, ``prose`` when it has none (a missing form is NaN in pandas 3)."""
    form = rec.get("form")
    return str(form) if known(form) else "prose"


def trend(ds: Dataset, metric_name: str = DEFAULT_METRIC, filters: Filters | None = None) -> pd.DataFrame:
    """Each matching agency across years: the metric, its change from the previous report, the breaks.

    ``break`` says ``template 2019→2021`` when the template changed between the two reports (for a
    table-二 metric the two are never one series, so ``change`` stays null), and X-CARRY tells whether
    the applications carried over match what the previous report carried forward.
    """
    f = filters or Filters()
    m = metric_named(metric_name)
    view = apply_filters(report_view(ds), f, use_year=False)
    if f.year is not None:
        view = view[view["year"] <= f.year]
    view = view[view["year"].notna()].join(_x_carry(ds), on="report_id")
    view = with_n(ds, view, m).assign(value=view[m.name]).sort_values(["agency_id", "year"])
    rows = []
    for _agency_id, group in view.groupby("agency_id", sort=False):
        prev: dict[Any, Any] | None = None
        for rec in group.to_dict("records"):
            rec["previous"] = rec["change"] = rec["change_pct"] = rec["break"] = None
            if prev is not None:
                breaks = []
                pre_break = pre2019_break(prev, rec)  # issue 17: 2018→2019 is never one series
                if pre_break:
                    breaks.append(pre_break)
                elif (
                    known(prev["template_version"])
                    and known(rec["template_version"])
                    and prev["template_version"] != rec["template_version"]
                ):
                    breaks.append(f"template {prev['template_version']}→{rec['template_version']}")
                if int(rec["year"]) - int(prev["year"]) > 1:
                    breaks.append(f"no report for {int(prev['year']) + 1}–{int(rec['year']) - 1}")
                if known(prev["scope"]) and known(rec["scope"]) and prev["scope"] != rec["scope"]:
                    breaks.append(f"scope {prev['scope']}→{rec['scope']}")
                rec["break"] = "; ".join(breaks) or None
                rec["previous"] = prev["value"]
                if pd.notna(rec["value"]) and pd.notna(prev["value"]) and not pre_break:
                    rec["change"] = rec["value"] - prev["value"]
                    if prev["value"]:
                        rec["change_pct"] = rec["change"] / abs(prev["value"])
            rows.append(rec)
            prev = rec
    out = pd.DataFrame(rows, columns=[*view.columns, "previous", "change", "change_pct", "break"])
    for col in ("previous", "change", "change_pct"):
        out[col] = out[col].astype("float64")
    return out[TREND_COLUMNS].reset_index(drop=True)


FAILED_COLUMNS = [
    "agency",
    "year",
    "scope",
    "rule",
    "target",
    "left",
    "right",
    "difference",
    "cells",
    "agency_id",
    "report_id",
    "source",
    "format",
]


def failed_checks(ds: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """Failed hard checks of the counted reports: numbers that do not add up in the report itself."""
    f = filters or Filters()
    view = apply_filters(report_view(ds), f)
    c = ds.checks
    if c.empty or view.empty:
        return pd.DataFrame(columns=FAILED_COLUMNS)
    c = c[(c["severity"] == "hard") & (c["outcome"] == "fail")]
    c = c.assign(cells=c["cells"].map(lambda xs: ", ".join(xs)))
    out = view[["agency", "year", "scope", "agency_id", "report_id", "source", "format"]].merge(
        c[["report_id", "rule", "target", "left", "right", "difference", "cells"]], on="report_id"
    )
    out = out.sort_values(["year", "agency", "rule", "target"])
    return out[FAILED_COLUMNS].reset_index(drop=True)


# -- links to the source ---------------------------------------------------------------------------


def source_name(source: str) -> str:
    """How a published page names a source: its URL, or only its file name (a local path is dead for
    readers and reveals the reporter's folders)."""
    return source if is_http_url(source) else Path(source).name


def source_href(source: str, locator: str | None = None, fmt: str | None = None) -> str | None:
    """A link to the source for a published page: the URL it was fetched from, with ``#page=N`` for a PDF
    cell; None for a local file (never a ``file://`` path)."""
    if not is_http_url(source):
        return None
    href = source
    if locator:
        try:
            loc = json.loads(locator)
        except ValueError:
            loc = {}
        page = loc.get("page") if isinstance(loc, dict) else None
        if page and (fmt in ("pdf", "pdf_scanned") or source.lower().endswith(".pdf")):
            href += f"#page={int(page)}"
    return href


def locators(ds: Dataset, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(report_id, cell) → locator JSON for the pairs asked."""
    wanted = pd.DataFrame(pairs, columns=["report_id", "cell"]).drop_duplicates()
    if wanted.empty or ds.cells.empty:
        return {}
    got = wanted.merge(ds.cells[["report_id", "cell", "locator"]], on=["report_id", "cell"])
    return {(r, c): loc for r, c, loc in zip(got["report_id"], got["cell"], got["locator"])}


def value_href(
    ds: Dataset, m: Metric, row: Mapping[Any, Any], cache: dict[tuple[str, str], str]
) -> str | None:
    """Where a metric value of a report comes from: its anchor cell's place in the source."""
    cell = metric_calc.anchor_cell(m, row.get("template_version"))
    loc = cache.get((row["report_id"], cell)) if cell else None
    return source_href(row["source"], loc, row.get("format"))


# -- plain outputs -------------------------------------------------------------------------------------


def format_value(m: Metric | None, v: Any) -> str:
    if v is None or pd.isna(v):
        return "–"
    if m is not None and m.is_rate:
        return f"{v * 100:.1f}%"
    return _fmt(v)


#: Display columns a cell of a terminal table takes at most (longer text ends in 「…」).
MAX_CELL = 60


def text_table(
    df: pd.DataFrame, columns: list[str], m: Metric | None = None, headers: dict[str, str] | None = None
) -> str:
    """An aligned plain-text table (CJK characters counted double-width). Control characters are shown
    escaped, never sent to the terminal raw; cells wider than ``MAX_CELL`` end in 「…」."""
    width = display_width

    def cell(col: str, v: Any) -> str:
        if col in ("value", "previous") and m is not None:
            return format_value(m, v)
        if col == "change" and m is not None:
            if v is None or pd.isna(v):
                return "–"
            return f"{v * 100:+.1f} pp" if m.is_rate else f"{v:+g}"
        if col == "change_pct":
            return "–" if v is None or pd.isna(v) else f"{v * 100:+.1f}%"
        if v is None or (not isinstance(v, list | tuple) and pd.isna(v)):
            return ""
        if isinstance(v, float):
            return _fmt(v)
        return str(v)

    names = [(headers or {}).get(c, c) for c in columns]
    rows = [
        [clip(printable(" ".join(cell(c, v).split())), MAX_CELL) for c, v in zip(columns, rec)]
        for rec in df[columns].itertuples(index=False)
    ]
    widths = [max([width(n)] + [width(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(n + " " * (w - width(n)) for n, w in zip(names, widths)).rstrip()]
    for r in rows:
        lines.append("  ".join(v + " " * (w - width(v)) for v, w in zip(r, widths)).rstrip())
    return "\n".join(lines) + "\n"


SHOWN = {
    "rank": [
        "rank",
        "agency",
        "level",
        "province",
        "city",
        "county",
        "year",
        "scope",
        "value",
        "n",
        "n_checks_failed",
    ],
    "trend": [
        "agency",
        "year",
        "template_version",
        "scope",
        "value",
        "n",
        "change",
        "change_pct",
        "break",
        "x_carry",
        "x_carry_failed",
        "n_checks_failed",
    ],
    "failed": ["agency", "year", "rule", "target", "left", "right", "difference", "report_id"],
}


def require_reports(ds: Dataset) -> None:
    """Nothing to compare is an answer in one line (CompareError), not an empty page or a traceback."""
    if ds.agencies.empty or not ds.agencies["canonical"].fillna(False).astype(bool).any():
        n = len(ds.reports)
        raise CompareError(
            f"nothing to compare: {ds.path} has no counted report ({n} source{'s' if n != 1 else ''} "
            f"stored, none read as a report with an agency and a year; see ogi show)"
        )


def run_compare(
    ds: Dataset,
    metric_name: str = DEFAULT_METRIC,
    filters: Filters | None = None,
    *,
    failed: bool = False,
    fmt: str = "table",
    out: Path | None = None,
) -> str | None:
    """What ``ogi compare`` prints (or writes to ``out``, then returns None)."""
    f = filters or Filters()
    m = metric_named(metric_name)
    require_reports(ds)
    if failed:
        view, df = "failed", failed_checks(ds, f)
        title = "Failed hard checks: reports whose own numbers do not add up"
    elif f.agency:
        view, df = "trend", trend(ds, m.name, f)
        title = f"{m.name} ({m.label_zh}) across years for agencies matching {f.agency!r}"
    else:
        view, df = "rank", rank(ds, m.name, f)
        year = df["year"].dropna()
        when = f"year {int(year.iloc[0])}" if not year.empty else "no year"
        title = (
            f"{m.name} ({m.label_zh}), {when}, scope {f.scope or 'own'}: rank 1 is the highest value; "
            f"null values last, unranked"
        )
        if m.is_rate:
            title += "; n = the count the rate is a share of"
        apart = left_apart(ds, m.name, replace(f, year=int(year.iloc[0]) if not year.empty else f.year))
        notes = [
            f"{v} {k} report{'s' if v > 1 else ''} ranked apart (--scope {k})"
            for k, v in apart.items()
            if k != "below_min_n"
        ]
        if "below_min_n" in apart:
            notes.append(f"{apart['below_min_n']} left out with n below {f.min_n} (--min-n)")
        if notes:
            title += "\n" + "; ".join(notes)
        if (df["scope_basis"] == "level").any():
            title += "\nscope (level): the report states no scope; inferred from the agency's level"
    if fmt == "csv":
        return emit(spreadsheet.csv_safe(df).to_csv(index=False, lineterminator="\n"), out)
    if fmt == "xlsx":
        if out is None:
            raise CompareError("--format xlsx needs --out FILE")
        df.attrs["is_rate"] = m.is_rate and view != "failed"
        write_xlsx(out, {view: df, "metric definitions": metric_sheet()})
        return None
    if fmt != "table":
        raise CompareError(f"unknown format {fmt!r}")
    headers = {"value": m.name, "n_checks_failed": "checks_failed", "template_version": "template"}
    if df.empty:
        body = f"(nothing: {no_match_hint(ds, f) or 'no report matches'})\n"
    else:
        shown = df
        if "scope_basis" in df.columns:
            scopes: list[object] = [
                None if not known(sc) else f"{sc} (level)" if b == "level" else sc
                for sc, b in zip(df["scope"], df["scope_basis"])
            ]
            shown = df.assign(scope=pd.Series(scopes, index=df.index, dtype=object))
        columns = [c for c in SHOWN[view] if c != "n" or m.is_rate]
        body = text_table(shown, columns, m, headers)
    text = printable(title) + "\n\n" + body
    return emit(text, out)


def emit(text: str, out: Path | None) -> str | None:
    """``text`` returned, or written to ``out`` (atomically) and None returned."""
    if out is None:
        return text
    write_text_atomic(Path(out), text)
    return None


def metric_sheet() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "metric": m.name,
                "label_zh": m.label_zh,
                "label_en": m.label_en,
                "unit": m.unit,
                "versions": ", ".join(m.versions),
                "formula": m.formula,
                "caveats": m.caveats,
            }
            for m in metrics()
        ]
    )


def write_xlsx(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """Several DataFrames as sheets of one workbook (``ogi.analysis.spreadsheet``: text stays text, rates
    of the metric columns as percentages)."""
    rates = {m.name for m in metrics() if m.is_rate}
    percent = {
        name: [c for c in df.columns if c in rates or (c == "value" and _all_rates(df))]
        for name, df in sheets.items()
    }
    spreadsheet.write_xlsx(path, sheets, percent=percent)


def _all_rates(df: pd.DataFrame) -> bool:
    """Whether the ``value`` column of a ranking or trend holds a rate (the rank sheet of a rate metric)."""
    return bool(df.attrs.get("is_rate", False))
