"""A check of a dataset folder against the output contract: every file, column, type and vocabulary.

Used by tests on every format; raises AssertionError with what is wrong.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ogi.schema.dataset import (
    CELL_STATUSES,
    FORMATS,
    OUTCOMES,
    REPORT_STATUSES,
    SECTIONS,
    TABLES,
    arrow_schema,
)

RULES = {"T3-BAL", "T3-OUT", "T3-ROW", "T3-ROW-SUB", "T4-SUM", "NONNEG", "TXT-T3", "TXT-T4", "X-CARRY"}
HARD = {"T3-BAL", "T3-OUT", "T3-ROW", "T3-ROW-SUB", "T4-SUM", "NONNEG"}


def _sorted(rows: list[dict], keys: list[str]) -> bool:
    def k(r: dict) -> tuple:
        return tuple((r[x] is None, r[x] if r[x] is not None else "") for x in keys)

    return [k(r) for r in rows] == sorted(k(r) for r in rows)


def check_dataset(out: Path) -> dict[str, list[dict]]:
    """Assert ``out`` is a valid ogi dataset; returns the tables as lists of dicts."""
    tables: dict[str, list[dict]] = {}
    for name in TABLES:
        path = out / f"{name}.parquet"
        assert path.is_file(), f"{path} missing"
        table = pq.read_table(path)
        expected = arrow_schema(name)
        assert table.schema.names == expected.names, f"{name}: columns {table.schema.names}"
        for field in expected:
            got = table.schema.field(field.name).type
            assert got == field.type, f"{name}.{field.name}: {got} != {field.type}"
            if not field.nullable:
                assert table[field.name].null_count == 0, f"{name}.{field.name} has nulls"
        tables[name] = table.to_pylist()
    assert (out / "dictionary.md").is_file() and (out / "dictionary.csv").is_file()

    reports = tables["reports"]
    sources = [r["source"] for r in reports]
    assert len(sources) == len(set(sources)), "one row per source"
    by_id: dict[str, list[dict]] = {}
    for r in reports:
        assert re.fullmatch(r"[0-9a-f]{64}", r["sha256"]), r["sha256"]
        if r["sha256"] == "0" * 64:  # a URL that could not be fetched: no bytes, an id from the URL
            assert r["status"] == "failed" and r["report_id"].startswith("0000")
        else:
            assert r["report_id"] == r["sha256"][:16]
        assert r["format"] in FORMATS, r["format"]
        assert r["status"] in REPORT_STATUSES, r["status"]
        assert (r["error"] is None) == (r["status"] == "ok"), (r["status"], r["error"])
        if r["error"] is not None:
            assert "\n" not in r["error"] and r["error"].strip()
        assert r["template_version"] in (None, "2021", "2019", "pre2019")
        assert r["scope"] in (None, "own", "aggregate")
        assert r["pdf_engine"] in (None, "pdfium", "plumber", "mixed")
        if r["format"] not in ("pdf", "pdf_scanned"):
            assert r["pdf_engine"] is None
        by_id.setdefault(r["report_id"], []).append(r)
    for rid, rows in by_id.items():
        first = min(r["source"] for r in rows)
        for r in rows:
            assert r["duplicate_of"] == (None if r["source"] == first else first), rid
    assert _sorted(reports, ["year", "agency", "source"])

    cells = tables["cells"]
    n_cells: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for c in cells:
        assert c["report_id"] in by_id
        assert c["cell"] == f"{c['table']}.{c['row_key']}.{c['col_key']}"
        assert c["table"] in ("t2", "t3", "t4")
        assert c["status"] in CELL_STATUSES
        if c["status"] in ("blank", "placeholder", "ambiguous"):
            assert c["value"] is None, c
        if c["status"] in ("value", "recovered", "ocr", "ocr_corrected"):
            assert c["value"] is not None, c
        loc = json.loads(c["locator"])
        assert isinstance(loc, dict)
        if c["status"] == "ambiguous":
            assert "candidates" in loc, c
        if c["status"] in ("recovered", "ocr_corrected"):
            assert "rule" in loc, c
        if "label_match" in loc:
            assert loc["label_match"] in ("exact", "normalised", "fuzzy"), c
            assert (loc["label_match"] == "exact") == ("label" not in loc), c
        report = by_id[c["report_id"]][0]
        assert c["year"] == report["year"] and c["agency"] == report["agency"]
        assert (c["report_id"], c["cell"]) not in seen, "a cell twice"
        seen.add((c["report_id"], c["cell"]))
        n_cells[c["report_id"]] = n_cells.get(c["report_id"], 0) + 1
    for rid, rows in by_id.items():
        for r in rows:
            assert r["n_cells"] == n_cells.get(rid, 0), (rid, r["n_cells"], n_cells.get(rid))
    assert _sorted(cells, ["year", "agency", "report_id", "cell"])

    failed: dict[str, int] = {}
    for ch in tables["checks"]:
        assert ch["report_id"] in by_id
        assert ch["rule"] in RULES, ch["rule"]
        assert ch["severity"] == ("hard" if ch["rule"] in HARD else "soft")
        assert ch["outcome"] in OUTCOMES
        assert isinstance(ch["cells"], list) and isinstance(ch["assumed_zero"], list)
        if ch["outcome"] == "not_assessable":
            assert ch["difference"] is None
        elif ch["rule"] != "NONNEG":
            assert ch["difference"] is not None
            assert abs(ch["left"] - ch["right"] - ch["difference"]) < 1e-6
        if ch["severity"] == "hard" and ch["outcome"] == "fail":
            failed[ch["report_id"]] = failed.get(ch["report_id"], 0) + 1
    for rid, rows in by_id.items():
        for r in rows:
            assert r["n_checks_failed"] == failed.get(rid, 0)
    assert _sorted(tables["checks"], ["report_id", "rule", "target"])

    for s in tables["sections"]:
        assert s["report_id"] in by_id and s["section"] in SECTIONS
    for u in tables["unmapped"]:
        assert u["report_id"] in by_id and u["table"] in ("t2", "t3", "t4")
        assert isinstance(u["values"], list)
        json.loads(u["locator"])
    return tables


def arrow_type_names(out: Path) -> dict[str, dict[str, pa.DataType]]:
    return {name: {f.name: f.type for f in pq.read_schema(out / f"{name}.parquet")} for name in TABLES}
