"""Real reports against expected values written by hand from the sources (tests/corpus/*.json).

Each report is read end to end (``ogi.run.pipeline.read_source``) and every expected cell is asserted: value
and status, the blank and placeholder cells, the ambiguous cells with their candidates, that exactly the
hard checks the source itself breaks fail, and the report's template version, agency, year and scope.
Reports whose extractor is not in this installation are expected failures (non-strict), so they turn into
real tests as soon as the extractor is there.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from typing import Any

import pytest

from ogi.dataset.rows import ReportRows
from ogi.extractors import _EXTRACTORS, detect
from ogi.run.source import extraction_options, read_source
from ogi.schema.cells import CellValue
from ogi.schema.glued_solver import GLUED_ROW_LABELS
from ogi.schema.identities import run_identities
from ogi.schema.template import load

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = sorted(CORPUS.glob("*.json"))
#: Statuses a cell in the expected ``cells`` may have, per format: glued text recovers split cells.
READ_STATUS = {"text_glued": {"value", "recovered"}}


def _source_of(expected: Path) -> Path:
    data = json.loads(expected.read_text(encoding="utf-8"))
    return CORPUS / data["file"]


def extractor_available(fmt: str) -> bool:
    target = _EXTRACTORS.get(fmt)
    if target is None:
        return False
    module = target.partition(":")[0]
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _format_of(path: Path) -> str:
    return detect(path.read_bytes(), path.name, GLUED_ROW_LABELS)


def _cases() -> list[Any]:
    out = []
    for exp in EXPECTED:
        src = _source_of(exp)
        fmt = _format_of(src)
        marks = []
        if not extractor_available(fmt):
            marks.append(pytest.mark.xfail(strict=False, reason=f"{fmt} extractor merged separately"))
        out.append(pytest.param(exp, id=exp.stem, marks=marks))
    return out


_READ: dict[Path, ReportRows] = {}


def read(path: Path) -> ReportRows:
    """Each corpus file is read once per session."""
    if path not in _READ:
        _READ[path] = read_source(str(path), path.read_bytes(), extraction_options(), name=path.name)
    return _READ[path]


def _same(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


# -- the expected files themselves ------------------------------------------------------------------


def test_every_corpus_report_has_expected_values() -> None:
    # files only: the pre-2019 corpus has its own folder and test (tests/test_pre2019_corpus.py)
    reports = {p.stem for p in CORPUS.iterdir() if p.is_file() and p.suffix not in (".json", ".md")}
    assert reports - {p.stem for p in EXPECTED} == {"agency-template-2021"}


@pytest.mark.parametrize("expected", EXPECTED, ids=[p.stem for p in EXPECTED])
def test_expected_file_covers_the_template(expected: Path) -> None:
    """Every cell of tables 二, 三, 四 is listed exactly once (10 + 175 + 15 cells in 2021)."""
    data = json.loads(expected.read_text(encoding="utf-8"))
    groups = [set(data["cells"]), set(data["blank"]), set(data["placeholder"]), set(data["ambiguous"])]
    listed = [k for g in groups for k in g]
    assert len(listed) == len(set(listed)), "a cell is listed twice"
    keys = load().cell_keys(data["template_version"])
    assert set(listed) == set(keys)
    by_table = {t: sum(1 for k in keys if k.startswith(t + ".")) for t in ("t2", "t3", "t4")}
    if data["template_version"] == "2021":
        assert by_table == {"t2": 10, "t3": 175, "t4": 15}
    else:
        assert by_table == {"t2": 22, "t3": 161, "t4": 15}
    for key, cands in data["ambiguous"].items():
        assert len(cands) >= 2 and len(set(cands)) == len(cands), key


@pytest.mark.parametrize("expected", EXPECTED, ids=[p.stem for p in EXPECTED])
def test_expected_values_fail_exactly_the_listed_checks(expected: Path) -> None:
    """The hand-written numbers themselves: only the checks the source breaks may fail on them."""
    data = json.loads(expected.read_text(encoding="utf-8"))
    cells = {k: CellValue(k, str(v), "value", float(v)) for k, v in data["cells"].items()}
    cells |= {k: CellValue(k, "", "blank", None) for k in data["blank"]}
    cells |= {k: CellValue(k, "/", "placeholder", None) for k in data["placeholder"]}
    cells |= {k: CellValue(k, "", "ambiguous", None) for k in data["ambiguous"]}
    checks = run_identities(cells, data["template_version"])
    failed = {(c.rule, c.target) for c in checks if c.outcome == "fail"}
    listed = {tuple(s.replace(":", " ").split()[:2]) for s in data["source_inconsistent"]}
    assert failed == listed


# -- ogi against the expected files ------------------------------------------------------------------


@pytest.mark.parametrize("expected", _cases())
def test_report_matches_expected(expected: Path) -> None:
    data = json.loads(expected.read_text(encoding="utf-8"))
    src = CORPUS / data["file"]
    rows = read(src)
    report = rows.report
    assert report["error"] is None or report["status"] == "partial", report["error"]
    cells = {c["cell"]: c for c in rows.cells}
    read_ok = READ_STATUS.get(report["format"], {"value"})

    wrong: list[str] = []
    for key, want in data["cells"].items():
        got = cells.get(key)
        if got is None:
            wrong.append(f"{key}: missing, expected {want}")
        elif got["status"] not in read_ok or not _same(got["value"], float(want)):
            wrong.append(f"{key}: expected {want}, got {got['value']} ({got['status']}, raw {got['raw']!r})")
    for status in ("blank", "placeholder"):
        for key in data[status]:
            got = cells.get(key)
            if got is None or got["status"] != status or got["value"] is not None:
                wrong.append(f"{key}: expected {status}, got {got and (got['status'], got['value'])}")
    for key, cands in data["ambiguous"].items():
        got = cells.get(key)
        if got is None or got["status"] != "ambiguous" or got["value"] is not None:
            wrong.append(f"{key}: expected ambiguous, got {got and (got['status'], got['value'])}")
            continue
        have = sorted(set(json.loads(got["locator"]).get("candidates", [])))  # each value once
        if len(have) != len(cands) or not all(map(_same, have, sorted(cands))):
            wrong.append(f"{key}: candidates {have}, expected {sorted(cands)}")
    listed = set(data["cells"]) | set(data["blank"]) | set(data["placeholder"]) | set(data["ambiguous"])
    extra = sorted(set(cells) - listed)
    assert not wrong, f"{len(wrong)} cells not as expected:\n" + "\n".join(wrong[:40])
    assert not extra, f"cells the source does not have: {extra}"

    failed = {
        (c["rule"], c["target"]) for c in rows.checks if c["severity"] == "hard" and c["outcome"] == "fail"
    }
    want_failed = {tuple(s.replace(":", " ").split()[:2]) for s in data["source_inconsistent"]}
    assert failed == want_failed
    assert report["n_checks_failed"] == len(want_failed)

    assert report["template_version"] == data["template_version"]
    assert report["agency"] == data["agency"]
    assert report["year"] == data["year"]
    assert report["scope"] == data["scope"]
    assert report["status"] == ("partial" if data["ambiguous"] else "ok"), report["error"]


def test_blank_agency_template_is_partial() -> None:
    """The template agencies fill in is not a report: never ``ok``, and no cell holds a number."""
    path = CORPUS / "agency-template-2021.docx"
    fmt = _format_of(path)
    if not extractor_available(fmt):
        pytest.xfail(f"{fmt} extractor merged separately")
    rows = read(path)
    assert rows.report["status"] == "partial", rows.report["error"]
    assert rows.report["error"]
    assert all(c["value"] is None for c in rows.cells)
