"""Per-report metrics, computed from the dataset as ``schema/data/metrics.toml`` defines them.

The rules for missing inputs live with the definitions (and in the data dictionary): a metric is null when
an input cell is missing, ambiguous, or a total the checks' blank-total rule says is not known
(``schema.identities.total_unknown``, applied here to every report at once); other blank and placeholder
cells count as 0, as the identity checks count them; 0/0 is null. A table-二 metric
exists for one template version only, so a 2019-format value never sits in a 2021-format series.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Iterable
from functools import cache

import numpy as np
import pandas as pd

from ogi.schema.identities import total_parts
from ogi.schema.metrics import PRE2019, Metric, metrics
from ogi.schema.template import VERSIONS, load

#: Cell statuses whose value is a reading.
READ = ("value", "recovered", "ocr", "ocr_corrected", "manual")
ZERO = ("blank", "placeholder")


def effective_values(cells: pd.DataFrame) -> pd.DataFrame:
    """report_id × cell key: the value a metric uses (NaN where it must be treated as missing)."""
    if cells.empty:
        return pd.DataFrame(dtype="float64")
    c = cells[["report_id", "cell", "table", "row_key", "col_key", "value", "status"]]
    value = c["value"].astype("float64")
    eff = value.where(c["status"].isin(READ), np.nan)
    eff = eff.mask(c["status"].isin(ZERO), 0.0)
    frame = pd.DataFrame({"report_id": c["report_id"], "cell": c["cell"], "eff": eff, "status": c["status"]})
    frame = frame.assign(value=value).drop_duplicates(["report_id", "cell"])
    wide = frame.pivot(index="report_id", columns="cell", values="eff").astype("float64")
    wide.columns.name = None
    _null_unknown_totals(wide, frame)
    return wide


def _null_unknown_totals(wide: pd.DataFrame, frame: pd.DataFrame) -> None:
    """Null every total the blank-total rule (``schema.identities.total_unknown``) says is not known: the
    same rule the checks apply, vectorised over reports."""
    blank_totals = frame[(frame["status"] == "blank") & frame["cell"].isin(total_parts().keys())]
    if blank_totals.empty:
        return
    status = frame.pivot(index="report_id", columns="cell", values="status")
    value = frame.pivot(index="report_id", columns="cell", values="value")
    for total in blank_totals["cell"].unique():
        parts = [p for p in total_parts()[total] if p in status.columns]
        if not parts:
            continue
        printed = (status[parts] == "ambiguous") | value[parts].notna()
        unknown = (status[total] == "blank") & printed.any(axis=1)
        wide.loc[unknown[unknown].index, total] = np.nan


@cache
def expand(patterns: tuple[str, ...], version: str) -> tuple[str, ...]:
    """The template cell keys of ``version`` the patterns name, in template order."""
    if version == PRE2019:  # pre.* keys are listed, never patterns
        return tuple(dict.fromkeys(p for p in patterns if not any(ch in p for ch in "*?[")))
    keys = load().cell_keys(version)
    if version == "2021":  # the 2021 variant printing （六）其他处理 as one row
        keys = keys + [k for k in load().cell_keys(version, other_single_row=True) if k not in keys]
    out: list[str] = []
    for pattern in patterns:
        if any(ch in pattern for ch in "*?["):
            out += [k for k in keys if fnmatch.fnmatchcase(k, pattern)]
        elif pattern in keys:
            out.append(pattern)
    return tuple(dict.fromkeys(out))


def anchor_cell(m: Metric, version: str | None) -> str | None:
    """The cell a metric's value links to: its first input (the numerator of a ratio)."""
    if version not in m.versions or m.kind not in ("sum", "ratio"):
        return None
    inputs, numerator, _den = m.parts(str(version))
    keys = expand(inputs or numerator, str(version))
    return keys[0] if keys else None


def _sum_all(values: np.ndarray, columns: dict[str, int], keys: Iterable[str]) -> np.ndarray:
    """Row sums that are NaN when any key is missing (the column absent or the value NaN)."""
    found = [columns.get(k) for k in keys]
    idx = [i for i in found if i is not None]
    if not idx or len(idx) != len(found):
        return np.full(values.shape[0], np.nan)
    return values[:, idx].sum(axis=1)  # NaN propagates


def _table_metric(m: Metric, values: np.ndarray, columns: dict[str, int], versions: np.ndarray) -> np.ndarray:
    out = np.full(values.shape[0], np.nan)
    for version in (*VERSIONS, PRE2019):
        if version not in m.versions:
            continue
        rows = versions == version
        if not rows.any():
            continue
        inputs, numerator, denominator = m.parts(version)
        if m.kind == "sum":
            value = _sum_all(values, columns, expand(inputs, version))
        else:
            num = _sum_all(values, columns, expand(numerator, version))
            den = _sum_all(values, columns, expand(denominator, version))
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)
        out[rows] = value[rows]
    return out


def days_late(year: int | None, published: dt.date | None) -> float | None:
    """Days after 31 January of the following year; 0 when on time; None when a date is unknown."""
    if year is None or published is None or pd.isna(year) or pd.isna(published):
        return None
    due = dt.date(int(year) + 1, 1, 31)
    return float(max(0, (pd.Timestamp(published).date() - due).days))


_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_AMOUNT = re.compile(r"(\d+(?:[,，]\d{3})*(?:\.\d+)?)\s*(万元|元)")
_TOTAL = re.compile(r"共计|合计|总计|累计|共收取|一共")
_NONE_CHARGED = re.compile(r"未收取|无收取|没有收取|不收取|未收|免收|未产生|未发生|无信息处理费|未涉及")


def parse_fee(text: str | None) -> float | None:
    """The 信息处理费 actually charged (元), as section 六 states it; None when it does not say.

    「收取信息处理费 3940 元」 → 3940; 「共计收取…0.12万元」 → 1200; 「未收取」「无收取」 → 0. Several different
    amounts without one marked 共计/合计 → None (not guessed).
    """
    if not text:
        return None
    amounts: list[tuple[bool, float]] = []
    none_charged = False
    for sentence in _SENTENCE.findall(re.sub(r"[ \t\u3000\u00a0]+", " ", text)):
        if "处理费" not in sentence:
            continue
        found = False
        for m in _AMOUNT.finditer(sentence):
            number = float(m.group(1).replace(",", "").replace("，", ""))
            if m.group(2) == "万元":
                number = round(number * 10000, 2)
            is_total = bool(_TOTAL.search(sentence[max(0, m.start() - 12) : m.start()]))
            amounts.append((is_total, number))
            found = True
        if not found and _NONE_CHARGED.search(sentence):
            none_charged = True
    if amounts:
        totals = {v for is_total, v in amounts if is_total}
        if len(totals) == 1:
            return totals.pop()
        values = {v for _, v in amounts}
        return values.pop() if len(values) == 1 else None
    return 0.0 if none_charged else None


def _inputs(reports: pd.DataFrame, cells: pd.DataFrame) -> tuple[pd.Index, pd.DataFrame, pd.DataFrame]:
    """The report ids, their first reports rows and their effective cell values (report_id × cell)."""
    ids = pd.Index(reports["report_id"].drop_duplicates(), name="report_id")
    first = reports.drop_duplicates("report_id").set_index("report_id")
    wide = effective_values(cells[cells["report_id"].isin(ids)]).reindex(ids)
    return ids, first, wide


def _versions(first: pd.DataFrame, ids: pd.Index) -> np.ndarray:
    versions = first["template_version"].reindex(ids)
    return versions.astype(object).where(versions.notna(), "").to_numpy()


def denominators(reports: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """report_id × rate metric: ``n``, the count a rate is a share of (its denominator), so a reader
    sees that 100 % of 2 is not 100 % of 2,000. Null where the denominator is not known."""
    ids, first, wide = _inputs(reports, cells)
    values = wide.to_numpy(dtype="float64", na_value=np.nan)
    columns = {c: i for i, c in enumerate(wide.columns)}
    version_array = _versions(first, ids)
    out = pd.DataFrame(index=ids)
    for m in metrics():
        if not m.is_rate:
            continue
        n = np.full(values.shape[0], np.nan)
        for version in VERSIONS:
            rows = version_array == version
            if version in m.versions and rows.any():
                n[rows] = _sum_all(values, columns, expand(m.denominator, version))[rows]
        out[m.name] = pd.Series(n, index=ids, dtype="float64")
    return out


def compute(reports: pd.DataFrame, cells: pd.DataFrame, sections: pd.DataFrame | None = None) -> pd.DataFrame:
    """report_id × metric (float64, NaN = null) for every report in ``reports``."""
    ids, first, wide = _inputs(reports, cells)
    fees: dict[str, float | None] = {}
    if sections is not None and not sections.empty:
        s6 = sections[sections["section"] == "s6_other"]
        fees = {rid: parse_fee(text) for rid, text in zip(s6["report_id"], s6["text"])}
    values = wide.to_numpy(dtype="float64", na_value=np.nan)
    columns = {c: i for i, c in enumerate(wide.columns)}
    version_array = _versions(first, ids)
    out = pd.DataFrame(index=ids)
    for m in metrics():
        if m.kind in ("sum", "ratio"):
            out[m.name] = _table_metric(m, values, columns, version_array)
        elif m.kind == "days_late":
            out[m.name] = [
                days_late(y, p) for y, p in zip(first["year"].reindex(ids), first["published"].reindex(ids))
            ]
        elif m.kind == "fee_text":
            out[m.name] = [fees.get(rid) for rid in ids]
        out[m.name] = out[m.name].astype("float64")
    return out


def long_table(wide: pd.DataFrame) -> pd.DataFrame:
    """The ``metrics`` export table: one row per report and metric, sorted."""
    names = [m.name for m in metrics()]
    df = wide.reindex(columns=names).reset_index().melt(id_vars="report_id", var_name="metric")
    df["value"] = df["value"].astype("float64")
    return df.sort_values(["report_id", "metric"], kind="stable").reset_index(drop=True)
