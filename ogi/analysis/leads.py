"""``ogi leads``: the candidate stories in a dataset, ranked, each with its evidence and the command that
shows it. Reads the dataset only, and only its counted reports (``agencies.canonical``).

Four kinds, strongest first within each by how large the evidence is:

- ``does_not_add_up``: a report whose hard checks fail; when several failed checks share a cell, that
  cell is named as the likely culprit (one wrong number breaks every identity it is part of);
- ``steep_change``: a year-on-year change of a watched metric (refusals, lawsuits and review corrections)
  beyond a threshold, with ``n`` large enough for a rate to mean something, and no template break between
  the two reports;
- ``carry_over``: the requests a report carried over (上年结转) differ from what the previous year's report
  carried forward (X-CARRY);
- ``stopped_publishing``: an agency with reports in earlier years and none for the latest year the dataset
  holds for its province (for the whole dataset when the province is unknown).

A lead is a place to look, not a finding: a check fails for a misreading as well as for the source's own
error, and ``ogi show`` puts the cells side by side.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ogi.analysis.compare import Filters, format_value, known, metric_named, report_view, trend
from ogi.analysis.load import Dataset

#: The metrics whose steep changes are leads: refusals, and what courts and reviews said.
WATCHED = ("refused_rate", "litigation_total", "review_correction_rate", "litigation_direct_correction_rate")
LEAD_COLUMNS = ["rank", "kind", "agency", "year", "evidence", "command", "score", "agency_id", "report_id"]
#: Kinds in the order a reporter would check them.
KIND_WEIGHT = {"does_not_add_up": 4.0, "steep_change": 3.0, "carry_over": 2.0, "stopped_publishing": 1.0}


@dataclass(frozen=True)
class Thresholds:
    #: A rate's change that counts as steep, in percentage points.
    rate_points: float = 20.0
    #: A count's change that counts as steep, as a share of the earlier value.
    count_share: float = 1.0
    #: ... and at least this many cases in absolute terms.
    count_min: float = 5.0
    #: A rate is only compared when both years have at least this ``n``.
    min_n: float = 10.0


def leads(ds: Dataset, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """Every lead of the dataset, ranked (rank 1 first)."""
    t = thresholds or Thresholds()
    view = report_view(ds)
    rows: list[dict[str, Any]] = []
    rows += _does_not_add_up(ds, view)
    rows += _steep_changes(ds, t)
    rows += _carry_over(ds)
    rows += _stopped(ds, view)
    out = pd.DataFrame(rows, columns=[c for c in LEAD_COLUMNS if c != "rank"])
    if out.empty:
        return pd.DataFrame(columns=LEAD_COLUMNS)
    out = out.sort_values(["score", "year", "agency"], ascending=[False, False, True], kind="stable")
    out.insert(0, "rank", range(1, len(out) + 1))
    return out[LEAD_COLUMNS].reset_index(drop=True)


def _show(ds: Dataset, source: str) -> str:
    return f"ogi show --dataset {ds.path} {source}"


def _follow(ds: Dataset, agency_id: str, metric: str | None = None) -> str:
    extra = f" --metric {metric}" if metric else ""
    return f"ogi compare {ds.path} --agency {agency_id}{extra}"


def _does_not_add_up(ds: Dataset, view: pd.DataFrame) -> list[dict[str, Any]]:
    c = ds.checks
    if c.empty or view.empty:
        return []
    failed = c[(c["severity"] == "hard") & (c["outcome"] == "fail")]
    out = []
    for rec in view[view["report_id"].isin(failed["report_id"])].to_dict("records"):
        mine = failed[failed["report_id"] == rec["report_id"]]
        shared = Counter(cell for cells in mine["cells"] for cell in cells)
        culprit, times = shared.most_common(1)[0] if shared else (None, 0)
        rules = ", ".join(f"{r} {t}" for r, t in zip(mine["rule"], mine["target"]))
        biggest = float(mine["difference"].abs().max()) if mine["difference"].notna().any() else 0.0
        evidence = f"{len(mine)} hard check{'s' if len(mine) > 1 else ''} fail ({rules})"
        if culprit and times > 1:
            evidence += f"; {times} of them share {culprit}: the likely culprit"
        out.append(
            {
                "kind": "does_not_add_up",
                "agency": rec["agency"],
                "year": rec["year"],
                "evidence": evidence,
                "command": _show(ds, rec["source"]),
                "score": KIND_WEIGHT["does_not_add_up"] + min(0.9, len(mine) / 10 + biggest / 1000),
                "agency_id": rec["agency_id"],
                "report_id": rec["report_id"],
            }
        )
    return out


def _steep_changes(ds: Dataset, t: Thresholds) -> list[dict[str, Any]]:
    out = []
    for name in WATCHED:
        m = metric_named(name)
        tr = trend(ds, name, Filters())
        if tr.empty:
            continue
        for rec in tr.to_dict("records"):
            change, prev, value = rec["change"], rec["previous"], rec["value"]
            if not (known(change) and known(prev) and known(value)) or known(rec["break"]):
                continue
            if m.is_rate:
                n_now = rec["n"]
                n_before = _previous_n(tr, rec)
                if not (known(n_now) and known(n_before)) or min(n_now, n_before) < t.min_n:
                    continue
                if abs(change) * 100 < t.rate_points:
                    continue
                size = abs(change)
                what = (
                    f"{m.label_zh} {format_value(m, prev)} (n={int(n_before)}) → {format_value(m, value)} "
                    f"(n={int(n_now)}), {change * 100:+.1f} pp"
                )
            else:
                if abs(change) < t.count_min or not prev or abs(change) / abs(prev) < t.count_share:
                    continue
                size = min(1.0, abs(change) / abs(prev) / 10)
                what = f"{m.label_zh} {format_value(m, prev)} → {format_value(m, value)} ({change:+g})"
            out.append(
                {
                    "kind": "steep_change",
                    "agency": rec["agency"],
                    "year": rec["year"],
                    "evidence": f"{what} from {int(rec['year']) - 1} to {int(rec['year'])}",
                    "command": _follow(ds, rec["agency_id"], name),
                    "score": KIND_WEIGHT["steep_change"] + min(0.9, size),
                    "agency_id": rec["agency_id"],
                    "report_id": rec["report_id"],
                }
            )
    return out


def _previous_n(tr: pd.DataFrame, rec: Mapping[Any, Any]) -> Any:
    earlier = tr[(tr["agency_id"] == rec["agency_id"]) & (tr["year"] < rec["year"])]
    return earlier.sort_values("year")["n"].iloc[-1] if not earlier.empty else None


def _carry_over(ds: Dataset) -> list[dict[str, Any]]:
    tr = trend(ds, "received", Filters())
    if tr.empty:
        return []
    out = []
    for rec in tr[tr["x_carry"] == "fail"].to_dict("records"):
        out.append(
            {
                "kind": "carry_over",
                "agency": rec["agency"],
                "year": rec["year"],
                "evidence": f"carry-over does not carry: {rec['x_carry_failed']}",
                "command": _follow(ds, rec["agency_id"]),
                "score": KIND_WEIGHT["carry_over"],
                "agency_id": rec["agency_id"],
                "report_id": rec["report_id"],
            }
        )
    return out


def _stopped(ds: Dataset, view: pd.DataFrame) -> list[dict[str, Any]]:
    dated = view[view["year"].notna() & view["agency_id"].notna()]
    if dated.empty:
        return []
    out = []
    for agency_id, group in dated.groupby("agency_id"):
        last = int(group["year"].max())
        rec = group.sort_values("year").iloc[-1]
        # Later years are looked for among the agency's neighbours (its province), so a dataset that
        # mixes places does not make every agency of an earlier collection look silent.
        province = rec.get("province")
        peers = dated[dated["province"] == province] if known(province) else dated
        latest = int(peers["year"].max())
        if last >= latest:
            continue
        out.append(
            {
                "kind": "stopped_publishing",
                "agency": rec["agency"],
                "year": last,
                "evidence": f"reports up to {last}, none for {last + 1}–{latest} in this dataset",
                "command": _follow(ds, str(agency_id)),
                "score": KIND_WEIGHT["stopped_publishing"] + min(0.9, (latest - last) / 10),
                "agency_id": agency_id,
                "report_id": rec["report_id"],
            }
        )
    return out


def render_text(df: pd.DataFrame) -> str:
    """The leads as a reporter reads them in the terminal: one numbered block each, the command last."""
    from ogi.utils.text import printable

    if df.empty:
        return "No leads: every counted report adds up, carries over and has no steep change.\n"
    lines = [f"{len(df)} lead{'s' if len(df) > 1 else ''}, strongest first:", ""]
    for rec in df.to_dict("records"):
        year = int(rec["year"]) if known(rec["year"]) else "–"
        lines.append(printable(f"{rec['rank']}. [{rec['kind']}] {rec['agency']} {year}"))
        lines.append(printable(f"   {rec['evidence']}"))
        lines.append(printable(f"   → {rec['command']}"))
    return "\n".join(lines) + "\n"
