"""ogi export: SQLite opened in Datasette, CSV, spreadsheet, DuckDB, and datapackage.json."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ogi.analysis.export import cell_order
from ogi.cli import main
from ogi.schema.metrics import metric_names

TABLES = ("reports", "cells", "checks", "sections", "unmapped", "agencies", "metrics", "wide")


def _export(dataset: Path, fmt: str, out: Path) -> str:
    result = CliRunner().invoke(main, ["export", str(dataset), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def sqlite_dir(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sqlite") / "site"
    _export(dataset, "sqlite", out)
    return out


def test_sqlite_tables(sqlite_dir: Path, dataset: Path):
    con = sqlite3.connect(sqlite_dir / "ogi.db")
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        fts = {n for n in names if n.startswith("sections_fts")}  # the FTS5 table and its shadow tables
        assert names - fts == {*TABLES, "report_ids", "metric_definitions"} and "sections_fts" in fts
        n_reports = pq.read_metadata(dataset / "reports.parquet").num_rows
        assert con.execute("SELECT count(*) FROM reports").fetchall()[0][0] == n_reports
        types = {r[0] for r in con.execute("SELECT DISTINCT typeof(year) FROM reports")}
        assert types == {"integer", "null"}  # years stay integers beside the empty file's null
        n_cells = pq.read_metadata(dataset / "cells.parquet").num_rows
        assert con.execute("SELECT count(*) FROM cells").fetchall()[0][0] == n_cells
        cells, zero = con.execute(
            "SELECT cells, assumed_zero FROM checks WHERE rule = 'T3-ROW' AND target = 'results_total' "
            "AND outcome = 'fail'"
        ).fetchall()[0]
        assert "t3.results_total.total" in json.loads(cells) and json.loads(zero) == []
        # the wide table: one row per report, one column per cell key
        cols = [r[1] for r in con.execute("PRAGMA table_info(wide)")]
        assert cols[: len(cols) - len(cell_order())][:3] == ["report_id", "source", "agency"]
        assert set(cell_order()) <= set(cols)
        value = con.execute(
            'SELECT "t2.art20_6.admin_penalty.decisions" FROM wide WHERE source LIKE ?',
            ["%jiaxing-stats-2022.txt"],
        ).fetchall()
        assert value == [(13.0,)]
        assert (
            con.execute("SELECT count(DISTINCT report_id) FROM wide").fetchall()[0][0]
            == con.execute("SELECT count(*) FROM wide").fetchall()[0][0]
        )
        counted = con.execute("SELECT count(*) FROM agencies WHERE canonical = 1").fetchall()[0][0]
        # 12 sources: the empty file and two of the three finance-2022 sources are not counted
        assert counted == 9
    finally:
        con.close()


def test_sqlite_opens_in_datasette(sqlite_dir: Path):
    from datasette.app import Datasette

    async def browse() -> None:
        site = Datasette(config_dir=sqlite_dir)
        await site.invoke_startup()
        r = await site.client.get("/ogi/agencies.json?_shape=array&canonical=1&level=县")
        assert r.status_code == 200
        assert [row["agency"] for row in r.json()] == ["嘉兴市南湖区人民政府"]
        page = await site.client.get("/ogi/reports")
        assert page.status_code == 200
        assert "Reports: one row per input source" in page.text  # the table title from metadata.json
        assert "The body named in the report" in page.text  # a column description from the dictionary
        sql = "select m.agency, m.value from metrics m join wide w using (report_id) where m.metric = 'refused_rate' and w.canonical = 1 and w.scope = 'own' and m.year = 2022 order by m.value desc limit 1"
        r = await site.client.get("/ogi.json", params={"sql": sql, "_shape": "array"})
        assert r.json() == [{"agency": "嘉兴市生态环境局", "value": pytest.approx(2 / 7)}]
        meta = (await site.client.get("/-/metadata.json")).json()
        assert meta["license"].startswith("Apache-2.0")
        assert "year" in meta["databases"]["ogi"]["tables"]["reports"]["facets"]

    asyncio.run(browse())


def test_sqlite_single_file(dataset: Path, tmp_path: Path):
    out = _export(dataset, "sqlite", tmp_path / "x.db")
    assert (tmp_path / "x.db").exists() and (tmp_path / "metadata.json").exists()
    meta = json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))
    assert "x" in meta["databases"]
    assert "metadata.json" in out


def test_csv_mirrors(dataset: Path, tmp_path: Path):
    _export(dataset, "csv", tmp_path / "csv")
    for name in TABLES:
        assert (tmp_path / "csv" / f"{name}.csv").exists(), name
    reports = pd.read_csv(tmp_path / "csv" / "reports.csv")
    assert reports.columns[0] == "report_id"  # the byte-order mark is not part of the name
    assert len(reports) == pq.read_metadata(dataset / "reports.parquet").num_rows
    via_duckdb = duckdb.sql(f"SELECT count(*) FROM read_csv('{tmp_path / 'csv' / 'cells.csv'}')").fetchall()
    assert via_duckdb[0][0] == pq.read_metadata(dataset / "cells.parquet").num_rows
    agencies = pd.read_csv(tmp_path / "csv" / "agencies.csv")
    assert set(agencies["agency"].dropna()) >= {"嘉兴市统计局", "嘉兴市南湖区人民政府"}
    package = json.loads((tmp_path / "csv" / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == [f"{t}.csv" for t in TABLES]


def test_xlsx(dataset: Path, tmp_path: Path):
    out = tmp_path / "ogi.xlsx"
    _export(dataset, "xlsx", out)
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == [
        "about",
        "wide",
        "reports",
        "agencies",
        "metrics",
        "failed checks",
        "metric definitions",
        "dictionary",
    ]
    # row 1: the Chinese labels over the dotted keys; row 2: the column names
    labels, header = list(wb["wide"].iter_rows(values_only=True, max_row=2))
    assert "t3.granted.total" in header and header[0] == "report_id"
    assert labels[header.index("t3.granted.total")] == "（一）予以公开／总计"
    metrics_header = list(wb["metrics"].iter_rows(values_only=True, max_row=2))[1]
    assert set(metric_names()) <= set(metrics_header)
    failed = list(wb["failed checks"].iter_rows(values_only=True))
    severity, cells = failed[0].index("severity"), failed[0].index("cells")
    assert sorted(r[severity] for r in failed[1:]) == ["hard"] * 3 + ["soft"] * 3  # and X-CARRY
    bal = next(r for r in failed[1:] if r[0] and "t3.new_received.total" in r[cells])
    assert bal[cells].startswith("t3.new_received.total, t3.carried_over.total")


def test_duckdb(dataset: Path, tmp_path: Path):
    out = tmp_path / "ogi.duckdb"
    _export(dataset, "duckdb", out)
    con = duckdb.connect(str(out), read_only=True)
    try:
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert names == set(TABLES)
        comment = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'agencies' AND column_name = 'agency_id'"
        ).fetchall()
        assert comment[0][0].startswith("Stable id of the body")
        rows = con.execute(
            "SELECT metrics.year, value FROM metrics JOIN agencies USING (report_id) "
            "WHERE metric = 'received' AND agency_name = '嘉兴市统计局' AND canonical ORDER BY year"
        ).fetchall()
        assert rows == [(2020, 8.0), (2021, 18.0), (2022, 20.0)]
    finally:
        con.close()


def test_datapackage_describes_the_parquet_files(dataset: Path):
    package = json.loads((dataset / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == {"reports", "cells", "checks", "sections", "unmapped", "agencies"}
    for name, res in resources.items():
        assert res["path"] == f"{name}.parquet" and res["format"] == "parquet"
        schema = pq.read_schema(dataset / res["path"])
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == schema.names
        assert all(f["type"] != "any" for f in fields), name
        assert all(f.get("description") for f in fields), name
    types = {f["name"]: f["type"] for f in resources["reports"]["schema"]["fields"]}
    assert types["year"] == "integer" and types["published"] == "date" and types["seconds"] == "number"
    assert {f["name"]: f["type"] for f in resources["checks"]["schema"]["fields"]}["cells"] == "array"
    assert resources["agencies"]["schema"]["primaryKey"] == ["source"]
