"""``ogi eval``: how far a dataset agrees with hand-checked expected values (output-contract.md §7).

A person checks a sample of reports by hand and writes one expected-values JSON per report, named after the
source file's stem. This module pairs each report of a dataset with its expected file by that stem (for a
URL, the stem of the last path segment) and counts, per format and overall, the cells read right, read
wrong (with both values), missing, extra, and blanks read as values, and whether the template version, year,
agency and scope are right and whether exactly the checks the source itself breaks fail. It reads only the
dataset, never the sources.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

import pyarrow.parquet as pq

from ogi.utils.urls import is_http_url

#: Cell statuses that carry a number ogi stands behind.
READ_STATUSES = frozenset({"value", "recovered", "ocr", "ocr_corrected", "manual"})


class EvalError(ValueError):
    """The dataset or the expected-values folder cannot be used (one line saying why)."""


# -- expected-values files ---------------------------------------------------------------------------


@dataclass
class Expected:
    """One expected-values file (output-contract.md §7)."""

    stem: str
    file: str
    path: Path
    agency: str | None = None
    year: int | None = None
    template_version: str | None = None
    scope: str | None = None
    cells: dict[str, float] = field(default_factory=dict)
    blank: set[str] = field(default_factory=set)
    placeholder: set[str] = field(default_factory=set)
    ambiguous: dict[str, list[float]] = field(default_factory=dict)
    source_inconsistent: list[str] = field(default_factory=list)
    #: Whether the file states the field at all (an absent field is not scored).
    stated: frozenset[str] = frozenset()

    def keys(self) -> set[str]:
        return set(self.cells) | self.blank | self.placeholder | set(self.ambiguous)

    def failing_checks(self) -> set[tuple[str, str]]:
        """(rule, target) of every hard check the source itself breaks."""
        out: set[tuple[str, str]] = set()
        for entry in self.source_inconsistent:
            parts = entry.replace(":", " ").split()
            if len(parts) < 2:
                raise EvalError(f"{self.path}: source_inconsistent entry {entry!r} is not 'RULE target …'")
            out.add((parts[0], parts[1]))
        return out


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EvalError(f"{where}: {value!r} is not a number")
    return float(value)


def load_expected(path: Path) -> Expected:
    """Read and validate one expected-values JSON."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvalError(f"{path}: cannot read expected values ({exc})") from exc
    return expected_from_dict(data, Path(path).stem, Path(path))


def expected_from_dict(data: Any, stem: str, path: Path | None = None) -> Expected:
    """Validate the parsed JSON of an expected-values file (``path`` only names it in errors)."""
    where = path or Path(stem)
    if not isinstance(data, dict):
        raise EvalError(f"{where}: not a JSON object")
    file = str(data.get("file") or stem)
    exp = Expected(
        stem=stem,
        file=file,
        path=where,
        agency=data.get("agency"),
        year=int(data["year"]) if data.get("year") is not None else None,
        template_version=str(data["template_version"]) if data.get("template_version") else None,
        scope=data.get("scope"),
        stated=frozenset(k for k in ("agency", "year", "template_version", "scope") if k in data),
    )
    exp.cells = {k: _number(v, f"{where}: {k}") for k, v in (data.get("cells") or {}).items()}
    exp.blank = set(data.get("blank") or [])
    exp.placeholder = set(data.get("placeholder") or [])
    exp.ambiguous = {
        k: [_number(c, f"{where}: {k}") for c in v] for k, v in (data.get("ambiguous") or {}).items()
    }
    exp.source_inconsistent = list(data.get("source_inconsistent") or [])
    seen: dict[str, str] = {}
    for name, keys in (
        ("cells", exp.cells),
        ("blank", exp.blank),
        ("placeholder", exp.placeholder),
        ("ambiguous", exp.ambiguous),
    ):
        for key in keys:
            if key in seen:
                raise EvalError(f"{where}: {key} is listed in both {seen[key]} and {name}")
            seen[key] = name
    exp.failing_checks()  # validates the entries
    return exp


def load_expected_dir(folder: Path) -> dict[str, Expected]:
    """Every ``*.json`` of ``folder`` (not recursive), by stem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise EvalError(f"no such folder: {folder}")
    out = {p.stem: load_expected(p) for p in sorted(folder.glob("*.json"))}
    if not out:
        raise EvalError(f"no expected-values files (*.json) in {folder}")
    return out


def source_name(source: str) -> str:
    """The file name of a source: of the path, or of a URL's last path segment."""
    if is_http_url(source):
        return PurePosixPath(unquote(urlparse(source).path).rstrip("/")).name
    return Path(source).name


def source_stem(source: str) -> str:
    """The stem a report is paired by: of the file name, or of a URL's last path segment."""
    if is_http_url(source):
        path = unquote(urlparse(source).path).rstrip("/")
        name = PurePosixPath(path).name
        return PurePosixPath(name).stem if name else urlparse(source).netloc
    return Path(source).stem


# -- scoring -------------------------------------------------------------------------------------------


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def _shown(cell: Mapping[str, Any] | None) -> Any:
    """A cell's reading for a report: its value, else its status."""
    if cell is None:
        return None
    value = cell.get("value")
    if value is not None and cell.get("status") in READ_STATUSES:
        return int(value) if float(value).is_integer() else value
    return cell.get("status")


@dataclass
class CellIssue:
    """One cell that is not right: what the expected file says and what the dataset holds."""

    cell: str
    expected: Any
    got: Any
    status: str | None = None
    raw: str | None = None


@dataclass
class ReportScore:
    """How one report compares with its expected file."""

    stem: str
    source: str
    report_id: str
    format: str
    status: str
    error: str | None = None
    cells: int = 0
    right: int = 0
    wrong: list[CellIssue] = field(default_factory=list)
    missing: list[CellIssue] = field(default_factory=list)
    extra: list[CellIssue] = field(default_factory=list)
    blank_as_value: list[CellIssue] = field(default_factory=list)
    template_right: bool | None = None
    year_right: bool | None = None
    agency_right: bool | None = None
    scope_right: bool | None = None
    checks_right: bool | None = None
    unexpected_failures: list[str] = field(default_factory=list)
    expected_failures_passing: list[str] = field(default_factory=list)
    metadata: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def fully_right(self) -> bool:
        """Every cell right, nothing extra, and template version and year right."""
        return (
            self.right == self.cells
            and not self.extra
            and self.template_right is not False
            and self.year_right is not False
        )


def score_report(
    exp: Expected,
    report: Mapping[str, Any],
    cells: Iterable[Mapping[str, Any]],
    checks: Iterable[Mapping[str, Any]] = (),
) -> ReportScore:
    """Compare one report's rows (``reports``, ``cells``, ``checks`` as dicts) with its expected file."""
    by_key = {c["cell"]: c for c in cells}
    score = ReportScore(
        stem=exp.stem,
        source=str(report.get("source")),
        report_id=str(report.get("report_id")),
        format=str(report.get("format")),
        status=str(report.get("status")),
        error=report.get("error"),
    )
    expected_keys = exp.keys()
    score.cells = len(expected_keys)

    def issue(key: str, expected: Any, got: Mapping[str, Any] | None) -> CellIssue:
        return CellIssue(
            key,
            expected,
            _shown(got),
            got.get("status") if got else None,
            got.get("raw") if got else None,
        )

    for key in sorted(expected_keys):
        got = by_key.get(key)
        status = got.get("status") if got else None
        value = got.get("value") if got else None
        if key in exp.cells:
            want: Any = exp.cells[key]
            shown_want: Any = int(want) if float(want).is_integer() else want
            if got is None or status == "ambiguous":
                score.missing.append(issue(key, shown_want, got))
            elif status in READ_STATUSES and _same(value, want):
                score.right += 1
            else:
                score.wrong.append(issue(key, shown_want, got))
        elif key in exp.blank or key in exp.placeholder:
            kind = "blank" if key in exp.blank else "placeholder"
            if got is None:
                score.missing.append(issue(key, kind, got))
            elif status == kind:
                score.right += 1
            elif value is not None:
                score.blank_as_value.append(issue(key, kind, got))
            else:
                score.wrong.append(issue(key, kind, got))
        else:
            cands = sorted(set(exp.ambiguous[key]))  # the values a cell can take, each once
            if got is None:
                score.missing.append(issue(key, {"ambiguous": cands}, got))
                continue
            got_cands = sorted({float(c) for c in _locator(got).get("candidates", [])})
            if status == "ambiguous" and len(got_cands) == len(cands) and all(map(_same, got_cands, cands)):
                score.right += 1
            else:
                found = issue(key, {"ambiguous": cands}, got)
                if status == "ambiguous":
                    found.got = {"ambiguous": got_cands}
                score.wrong.append(found)
    for key in sorted(set(by_key) - expected_keys):
        score.extra.append(issue(key, None, by_key[key]))

    def meta(name: str, want: Any, have: Any) -> bool | None:
        if name not in exp.stated:
            return None
        score.metadata[name] = (want, have)
        if name == "year":
            return (want is not None and have is not None and int(want) == int(have)) or want is have
        return bool(want == have)

    score.template_right = meta("template_version", exp.template_version, report.get("template_version"))
    score.year_right = meta("year", exp.year, report.get("year"))
    score.agency_right = meta("agency", exp.agency, report.get("agency"))
    score.scope_right = meta("scope", exp.scope, report.get("scope"))
    failed = {
        (c["rule"], c["target"]) for c in checks if c.get("severity") == "hard" and c.get("outcome") == "fail"
    }
    want_failed = exp.failing_checks()
    score.unexpected_failures = sorted(f"{r} {t}" for r, t in failed - want_failed)
    score.expected_failures_passing = sorted(f"{r} {t}" for r, t in want_failed - failed)
    score.checks_right = failed == want_failed
    return score


def _locator(cell: Mapping[str, Any]) -> dict[str, Any]:
    loc = cell.get("locator")
    if isinstance(loc, str):
        try:
            parsed = json.loads(loc)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return dict(loc) if isinstance(loc, Mapping) else {}


# -- a dataset against a folder of expected files -------------------------------------------------------


@dataclass
class Totals:
    """Counts over several reports."""

    reports: int = 0
    fully_right: int = 0
    cells: int = 0
    right: int = 0
    wrong: int = 0
    missing: int = 0
    extra: int = 0
    blank_as_value: int = 0
    template_right: int = 0
    template_stated: int = 0
    year_right: int = 0
    year_stated: int = 0
    checks_right: int = 0

    def add(self, s: ReportScore) -> None:
        self.reports += 1
        self.fully_right += int(s.fully_right)
        self.cells += s.cells
        self.right += s.right
        self.wrong += len(s.wrong)
        self.missing += len(s.missing)
        self.extra += len(s.extra)
        self.blank_as_value += len(s.blank_as_value)
        if s.template_right is not None:
            self.template_stated += 1
            self.template_right += int(s.template_right)
        if s.year_right is not None:
            self.year_stated += 1
            self.year_right += int(s.year_right)
        self.checks_right += int(bool(s.checks_right))

    @property
    def accuracy(self) -> float | None:
        return self.right / self.cells if self.cells else None


@dataclass
class Evaluation:
    """``ogi eval``'s result."""

    reports: list[ReportScore]
    by_format: dict[str, Totals]
    overall: Totals
    #: Expected files no report of the dataset pairs with.
    unpaired_expected: list[str]

    def to_dict(self) -> dict[str, Any]:
        def totals(t: Totals) -> dict[str, Any]:
            return {**asdict(t), "accuracy": t.accuracy}

        return {
            "overall": totals(self.overall),
            "by_format": {f: totals(t) for f, t in sorted(self.by_format.items())},
            "reports": [
                {
                    "stem": r.stem,
                    "source": r.source,
                    "report_id": r.report_id,
                    "format": r.format,
                    "status": r.status,
                    "error": r.error,
                    "cells": r.cells,
                    "right": r.right,
                    "fully_right": r.fully_right,
                    "template_right": r.template_right,
                    "year_right": r.year_right,
                    "agency_right": r.agency_right,
                    "scope_right": r.scope_right,
                    "checks_right": r.checks_right,
                    "metadata": {k: list(v) for k, v in r.metadata.items()},
                    "unexpected_failures": r.unexpected_failures,
                    "expected_failures_passing": r.expected_failures_passing,
                    **{
                        name: [asdict(i) for i in getattr(r, name)]
                        for name in ("wrong", "missing", "extra", "blank_as_value")
                    },
                }
                for r in self.reports
            ],
            "unpaired_expected": self.unpaired_expected,
        }


def evaluate_rows(
    expected: Mapping[str, Expected],
    reports: Iterable[Mapping[str, Any]],
    cells: Iterable[Mapping[str, Any]],
    checks: Iterable[Mapping[str, Any]],
) -> Evaluation:
    """Pair reports with expected files by source stem and score every pair."""
    cells_by: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for c in cells:
        cells_by[c["report_id"]].append(c)
    checks_by: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for c in checks:
        checks_by[c["report_id"]].append(c)
    by_stem: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for report in sorted(reports, key=lambda r: str(r["source"])):
        by_stem[source_stem(str(report["source"]))].append(report)
    scores: list[ReportScore] = []
    paired: set[str] = set()
    for stem, group in sorted(by_stem.items()):
        exp = expected.get(stem)
        if exp is None:
            continue
        # Several sources with one stem (report.pdf beside report.html): the file the expected values
        # name, when one of them is it.
        named = [r for r in group if source_name(str(r["source"])) == exp.file]
        paired.add(stem)
        for report in named or group:
            rid = report["report_id"]
            scores.append(score_report(exp, report, cells_by.get(rid, []), checks_by.get(rid, [])))
    by_format: dict[str, Totals] = defaultdict(Totals)
    overall = Totals()
    for s in scores:
        by_format[s.format].add(s)
        overall.add(s)
    return Evaluation(scores, dict(by_format), overall, sorted(set(expected) - paired))


def evaluate(dataset: Path, expected_dir: Path) -> Evaluation:
    """Evaluate the dataset folder ``dataset`` against the expected files in ``expected_dir``."""
    dataset = Path(dataset)
    tables: dict[str, list[dict[str, Any]]] = {}
    for name in ("reports", "cells", "checks"):
        path = dataset / f"{name}.parquet"
        if not path.exists():
            raise EvalError(f"{dataset} is not an ogi dataset (no {name}.parquet)")
        tables[name] = pq.read_table(path).to_pylist()
    return evaluate_rows(
        load_expected_dir(expected_dir), tables["reports"], tables["cells"], tables["checks"]
    )


# -- text output ----------------------------------------------------------------------------------------


def _pct(n: int, d: int) -> str:
    return f"{100.0 * n / d:.1f}%" if d else "–"


def _fmt(value: Any) -> str:
    if isinstance(value, dict) and "ambiguous" in value:
        return "ambiguous " + "/".join(_fmt(v) for v in value["ambiguous"])
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "(absent)" if value is None else str(value)


def render(ev: Evaluation, details: int = 25) -> str:
    """The text ``ogi eval`` prints: a table per format and overall, then what is not right per report
    (at most ``details`` lines per report)."""
    header = ["format", "reports", "fully right", "cells", "right", "wrong", "missing", "extra"]
    header += ["blank→value", "template", "year", "checks"]
    rows: list[list[str]] = []

    def line(name: str, t: Totals) -> list[str]:
        return [
            name,
            str(t.reports),
            f"{t.fully_right}/{t.reports}",
            str(t.cells),
            f"{t.right} ({_pct(t.right, t.cells)})",
            str(t.wrong),
            str(t.missing),
            str(t.extra),
            str(t.blank_as_value),
            f"{t.template_right}/{t.template_stated}",
            f"{t.year_right}/{t.year_stated}",
            f"{t.checks_right}/{t.reports}",
        ]

    for fmt, t in sorted(ev.by_format.items()):
        rows.append(line(fmt, t))
    rows.append(line("overall", ev.overall))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    if not ev.reports:
        out.append("")
        out.append("No report of the dataset pairs with an expected file (pairing is by the source's stem).")
    for r in ev.reports:
        problems = _problems(r)
        if not problems:
            continue
        out.append("")
        head = f"{r.stem} ({r.format}, {r.status}): {r.right}/{r.cells} cells right"
        if r.error:
            head += f" — {r.error}"
        out.append(head)
        out += problems[:details]
        if len(problems) > details:
            out.append(f"  … and {len(problems) - details} more (ogi eval --json lists all)")
    if ev.unpaired_expected:
        out.append("")
        out.append("Expected files with no report in the dataset: " + ", ".join(ev.unpaired_expected))
    return "\n".join(out)


def _problems(r: ReportScore) -> list[str]:
    problems: list[str] = []
    if r.cells and len(r.missing) == r.cells:
        problems.append(f"  every expected cell is missing ({r.cells})")
    else:
        for name, label in (
            ("wrong", "wrong"),
            ("blank_as_value", "blank read as value"),
            ("missing", "missing"),
        ):
            for i in getattr(r, name):
                problems.append(
                    f"  {label:<19} {i.cell}: expected {_fmt(i.expected)}, got {_fmt(i.got)}"
                    + (f" (raw {i.raw!r})" if i.raw not in (None, "") else "")
                )
    for i in r.extra:
        problems.append(f"  {'extra':<19} {i.cell}: got {_fmt(i.got)}")
    for key, (want, have) in r.metadata.items():
        if key == "year" and want is not None and have is not None and int(want) == int(have):
            continue
        if want != have:
            problems.append(f"  {key:<19} expected {want!r}, got {have!r}")
    for f in r.unexpected_failures:
        problems.append(f"  check fails         {f} (the expected file says the source adds up)")
    for f in r.expected_failures_passing:
        problems.append(f"  check does not fail {f} (the expected file says the source breaks it)")
    return problems
