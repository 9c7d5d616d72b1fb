"""``ogi export``: the dataset in the formats people open — SQLite for Datasette, CSV, a spreadsheet,
a DuckDB file — and ``datapackage.json`` (Frictionless Table Schema) describing the parquet files.

Every format carries the same tables: the five of the run, ``agencies``, ``metrics`` (one row per
report and metric) and ``wide`` (one row per report, one column per cell key, for spreadsheets), with
the column descriptions of the data dictionary. The spreadsheet leaves out the tidy ``cells``,
``sections`` and ``unmapped`` tables (a sheet holds at most 1,048,576 rows and 32,767 characters a cell)
and has ``metrics`` as one column per metric instead.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ogi import __version__
from ogi.analysis import spreadsheet
from ogi.analysis.compare import metric_sheet
from ogi.analysis.load import DatasetError, to_frame
from ogi.analysis.load import load as load_dataset
from ogi.analysis.metrics import long_table
from ogi.analysis.options import EXPORT_FORMATS
from ogi.analysis.spreadsheet import csv_safe
from ogi.dataset.datapackage import (
    LICENSE,
    LICENSE_URL,
    RUN_TABLES,
    SOURCE,
    TABLE_TITLES,
    TITLE,
    datapackage,
    descriptions,
    frame_fields,
)
from ogi.schema.dataset import VOCABULARIES
from ogi.schema.dictionary import csv_text
from ogi.schema.metrics import metrics
from ogi.schema.template import load
from ogi.utils.files import atomic_path, write_text_atomic

FACETS = {
    "reports": ["year", "status", "template_version", "scope", "format", "province"],
    "cells": ["table", "status", "year"],
    "checks": ["rule", "outcome", "severity"],
    "sections": ["section"],
    "unmapped": ["table"],
    "agencies": ["year", "level", "province", "city", "canonical", "scope"],
    "metrics": ["metric"],
    "wide": ["year", "template_version", "scope", "status"],
}
LABEL_COLUMNS = {"reports": "agency", "agencies": "agency", "report_ids": "label"}


# -- the tables ------------------------------------------------------------------------------------


def cell_order() -> list[str]:
    """Every cell key in template order: the 2021 grid, then what only 2019 and variants have."""
    t = load()
    keys = list(t.cell_keys("2021"))
    for extra in (t.cell_keys("2021", other_single_row=True), t.cell_keys("2019")):
        keys += [k for k in extra if k not in keys]
    return keys


def wide_table(reports: pd.DataFrame, cells: pd.DataFrame, agencies: pd.DataFrame) -> pd.DataFrame:
    """One row per report, one column per cell key (values; null where not read)."""
    first = reports.sort_values("source").drop_duplicates("report_id")
    ids = first[["report_id", "source", "agency", "year", "template_version", "scope", "status"]]
    canon = agencies.groupby("report_id")["canonical"].any()
    agency_id = agencies.drop_duplicates("report_id").set_index("report_id")["agency_id"]
    ids = ids.assign(
        agency_id=ids["report_id"].map(agency_id),
        canonical=ids["report_id"].map(canon).fillna(False).astype(bool),
    )
    order = cell_order()
    if cells.empty:
        values = pd.DataFrame(index=pd.Index([], name="report_id"))
    else:
        values = cells.pivot(index="report_id", columns="cell", values="value")
    extra = sorted(c for c in values.columns if c not in order)
    values = values.reindex(columns=order + extra).astype("float64")
    values.columns.name = None
    out = ids.join(values, on="report_id")
    cols = ["report_id", "source", "agency", "agency_id", "year", "template_version", "scope", "status"]
    out = out[[*cols, "canonical", *order, *extra]]
    return out.sort_values(["year", "agency", "source"], na_position="last").reset_index(drop=True)


def gather(dataset: Path) -> dict[str, pd.DataFrame]:
    """Every exported table as a DataFrame (list columns kept as lists)."""
    ds = load_dataset(dataset)
    if ds.reports.empty:
        raise DatasetError(f"nothing to export: {dataset} holds no report (run ogi run over report files)")
    tables: dict[str, pd.DataFrame] = {}
    for name in RUN_TABLES:
        path = Path(dataset) / f"{name}.parquet"
        tables[name] = to_frame(pq.read_table(path)) if path.exists() else pd.DataFrame()
    tables["agencies"] = ds.agencies
    wide = wide_table(ds.reports, ds.cells, ds.agencies)
    tables["metrics"] = metrics_table(ds, wide)
    tables["wide"] = wide
    return tables


def metrics_table(ds: Any, wide: pd.DataFrame) -> pd.DataFrame:
    """The ``metrics`` export table: one row per report and metric, with the report's agency and year
    (so it reads on its own, in Datasette or a spreadsheet) and ``n``, the count a rate is a share of."""
    long = long_table(ds.metrics)
    keys = wide[["report_id", "agency", "year"]].drop_duplicates("report_id")
    out = long.merge(keys, on="report_id", how="left")
    if not ds.metric_n.empty:
        n = ds.metric_n.reset_index().melt(id_vars="report_id", var_name="metric", value_name="n")
        out = out.merge(n, on=["report_id", "metric"], how="left")
    else:
        out["n"] = np.nan
    out["n"] = out["n"].astype("float64")
    out["year"] = out["year"].astype("Int16")
    return out[["report_id", "agency", "year", "metric", "value", "n"]]


def report_ids(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per report_id with its agency, year and a label 「agency year」: what the other tables'
    ``report_id`` refers to in SQLite (a foreign key), so Datasette shows 嘉兴市统计局 2022, not 16 hex."""
    wide = tables["wide"]
    first = tables["reports"].sort_values("source").drop_duplicates("report_id")
    titles = first.set_index("report_id")["title"]
    out = wide[["report_id", "agency", "year"]].copy()
    out["title"] = out["report_id"].map(titles)
    out["label"] = [
        " ".join(str(x) for x in (a, y) if isinstance(x, str) or (x is not None and not pd.isna(x)))
        or f"report {rid}"
        for rid, a, y in zip(out["report_id"], out["agency"], out["year"])
    ]
    return out[["report_id", "label", "agency", "year", "title"]].reset_index(drop=True)


def _plain(v: Any) -> Any:
    """A value SQLite and CSV can hold: lists as JSON, dates as ISO text, NaN and NA as null."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.ndarray | list | tuple):
        return json.dumps([str(x) for x in v], ensure_ascii=False)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return v


def _records(df: pd.DataFrame, size: int = 20_000) -> Iterator[list[tuple[Any, ...]]]:
    for start in range(0, len(df), size):
        chunk = df.iloc[start : start + size]
        yield [tuple(_plain(v) for v in row) for row in chunk.itertuples(index=False, name=None)]


# -- formats -----------------------------------------------------------------------------------------


def _sql_type(series: pd.Series) -> str:
    kind = series.dtype.kind
    if kind in "iu":
        return "INTEGER"
    if kind == "f":
        return "REAL"
    if kind == "b":
        return "INTEGER"
    return "TEXT"


INDEXES = {
    "reports": ["report_id", "year", "agency"],
    "cells": ["report_id", "cell"],
    "checks": ["report_id", "rule"],
    "sections": ["report_id"],
    "unmapped": ["report_id"],
    "agencies": ["report_id", "agency_id", "year"],
    "metrics": ["report_id", "metric"],
    "wide": ["report_id", "agency_id", "year"],
}


#: SQLite primary keys (Datasette links rows by them).
SQL_PRIMARY_KEYS = {
    "report_ids": ["report_id"],
    "metric_definitions": ["metric"],
    "reports": ["source"],
    "cells": ["report_id", "cell"],
    "agencies": ["source"],
    "metrics": ["report_id", "metric"],
    "wide": ["report_id"],
}
#: SQLite foreign keys: table → (column, referenced table, referenced column). Every ``report_id`` refers
#: to ``report_ids``, whose label Datasette shows in its place.
SQL_FOREIGN_KEYS = {
    name: [("report_id", "report_ids", "report_id")]
    for name in ("reports", "cells", "checks", "sections", "unmapped", "agencies", "metrics", "wide")
}
SQL_FOREIGN_KEYS["agencies"].append(("source", "reports", "source"))
SQL_FOREIGN_KEYS["metrics"].append(("metric", "metric_definitions", "metric"))
#: Full-text search over the report prose: (table, its FTS5 table, the columns searched).
SQL_FTS = [("sections", "sections_fts", ["heading", "text"])]


def write_sqlite(tables: dict[str, pd.DataFrame], path: Path) -> None:
    with atomic_path(path) as tmp:
        con = sqlite3.connect(tmp)
        try:
            extra = {"metric_definitions": metric_sheet()}
            _fill_sqlite(con, {"report_ids": report_ids(tables), **tables, **extra})
            con.commit()
        finally:
            con.close()


def _fts_tokenizer(con: sqlite3.Connection) -> str:
    """trigram (any three characters match: Chinese has no spaces between words) where SQLite has it."""
    try:
        con.execute("CREATE VIRTUAL TABLE temp._ogi_probe USING fts5(x, tokenize='trigram')")
        con.execute("DROP TABLE temp._ogi_probe")
        return "trigram"
    except sqlite3.OperationalError:
        return "unicode61"


def _fill_sqlite(con: sqlite3.Connection, tables: dict[str, pd.DataFrame]) -> None:
    for name, df in tables.items():
        cols = [f'"{c}" {_sql_type(df[c])}' for c in df.columns]
        pk = [c for c in SQL_PRIMARY_KEYS.get(name, []) if c in df.columns]
        if pk:
            cols.append("PRIMARY KEY (" + ", ".join(f'"{c}"' for c in pk) + ")")
        for col, ref, ref_col in SQL_FOREIGN_KEYS.get(name, []):
            if col in df.columns:
                cols.append(f'FOREIGN KEY ("{col}") REFERENCES "{ref}" ("{ref_col}")')
        con.execute(f'CREATE TABLE "{name}" ({", ".join(cols)})')
        marks = ", ".join("?" for _ in df.columns)
        for rows in _records(df):
            con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
        for col in INDEXES.get(name, []):
            if col in df.columns:
                con.execute(f'CREATE INDEX "ix_{name}_{col}" ON "{name}" ("{col}")')
    tokenizer = _fts_tokenizer(con)
    for table, fts, columns in SQL_FTS:
        if table not in tables or not all(c in tables[table].columns for c in columns):
            continue
        names = ", ".join(f'"{c}"' for c in columns)
        con.execute(
            f'CREATE VIRTUAL TABLE "{fts}" USING fts5({names}, content="{table}", tokenize="{tokenizer}")'
        )
        con.execute(f'INSERT INTO "{fts}" (rowid, {names}) SELECT rowid, {names} FROM "{table}"')


def datasette_metadata(tables: dict[str, pd.DataFrame], database: str) -> dict[str, Any]:
    """Datasette ``metadata.json``: titles, source, licence, column descriptions, facets."""
    meta: dict[str, Any] = {
        "title": TITLE,
        "description": (
            "Statistics tables of the annual reports, each number with its raw text and where it was "
            "read; identity checks; agencies; metrics. Column meanings come from the data dictionary."
        ),
        "license": LICENSE,
        "license_url": LICENSE_URL,
        "source": SOURCE,
        "databases": {database: {"tables": {}}},
    }
    all_tables = dict(tables)
    if "wide" in tables:
        all_tables = {"report_ids": report_ids(tables), **tables, "metric_definitions": metric_sheet()}
    own = {"report_ids": (REPORT_IDS_TITLE, REPORT_IDS_COLUMNS), "metric_definitions": (METRICS_TITLE, {})}
    for name, df in all_tables.items():
        desc = own[name][1] if name in own else descriptions(name)
        entry: dict[str, Any] = {
            "title": own[name][0] if name in own else TABLE_TITLES.get(name, name),
            "columns": {c: _in_database(name, c, desc[c]) for c in df.columns if c in desc},
            "facets": [f for f in FACETS.get(name, []) if f in df.columns],
        }
        if name in LABEL_COLUMNS:
            entry["label_column"] = LABEL_COLUMNS[name]
        for table, fts, _columns in SQL_FTS:
            if table == name:
                entry["fts_table"] = fts
                entry["fts_pk"] = "rowid"
        meta["databases"][database]["tables"][name] = entry
    return meta


#: Which vocabulary of the data dictionary a column takes its values from.
_VOCABULARY_OF = {
    ("reports", "format"): "format",
    ("reports", "status"): "status",
    ("agencies", "status"): "status",
    ("wide", "status"): "status",
    ("cells", "status"): "cell_status",
    ("checks", "outcome"): "outcome",
    ("agencies", "level"): "level",
    ("agencies", "duplicate"): "duplicate",
}


def _in_database(table: str, column: str, text: str) -> str:
    """A column description that points only at what the database holds: "the vocabulary below" (a
    section of the data dictionary) becomes the values themselves; "the metric definitions below"
    becomes the ``metric_definitions`` table."""
    vocabulary = _VOCABULARY_OF.get((table, column)) or (column if column in VOCABULARIES else None)
    if "(see the vocabulary below)" in text:
        values = "; ".join(f"{k}: {v}" for k, v in VOCABULARIES[vocabulary].items()) if vocabulary else ""
        text = text.replace(" (see the vocabulary below)", f" (values — {values})" if values else "")
    return text.replace("see the metric definitions below", "see the table metric_definitions")


METRICS_TITLE = "Metric definitions: name, labels, unit, template versions, formula and caveats"
REPORT_IDS_TITLE = "Report ids: one row per report, the agency and year other tables' report_id stands for"
REPORT_IDS_COLUMNS = {
    "report_id": "First 16 hex digits of the report's sha256 (the other tables refer to it).",
    "label": "Agency and year, as Datasette shows a report_id.",
    "agency": "The body named in the report's title, as printed.",
    "year": "Year covered.",
    "title": "The report's title (of its smallest source).",
}


def export_sqlite(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """``out`` a folder → ``out/ogi.db`` + ``out/metadata.json`` (``datasette out``); ``out`` ending in
    .db/.sqlite → that file + ``metadata.json`` beside it (``datasette out -m metadata.json``)."""
    if out.suffix in (".db", ".sqlite", ".sqlite3"):
        db, meta_path = out, out.with_name("metadata.json")
    else:
        out.mkdir(parents=True, exist_ok=True)
        db, meta_path = out / "ogi.db", out / "metadata.json"
    db.parent.mkdir(parents=True, exist_ok=True)
    write_sqlite(tables, db)
    write_text_atomic(
        meta_path, json.dumps(datasette_metadata(tables, db.stem), ensure_ascii=False, indent=2)
    )
    return [db, meta_path]


def export_csv(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """One UTF-8 CSV per table (with a byte-order mark, so spreadsheet programs read the Chinese) and a
    ``datapackage.json`` describing them."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        plain = df.copy()
        for col in plain.columns:
            if plain[col].dtype == object:
                plain[col] = plain[col].map(_plain)
        plain = csv_safe(plain)
        target = out / f"{name}.csv"
        with atomic_path(target) as tmp:
            plain.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
        written.append(target)
    package = datapackage({n: frame_fields(n, df) for n, df in tables.items()}, fmt="csv")
    path = out / "datapackage.json"
    write_text_atomic(path, json.dumps(package, ensure_ascii=False, indent=2))
    return [*written, path]


def export_xlsx(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:

    agencies = tables["agencies"]
    metrics_wide = tables["metrics"].pivot(index="report_id", columns="metric", values="value")
    names = metric_sheet()["metric"].tolist()
    metrics_wide = metrics_wide.reindex(columns=names).reset_index()
    keys = tables["wide"][["report_id", "agency", "agency_id", "year", "scope", "canonical"]]
    metrics_wide = keys.merge(metrics_wide, on="report_id", how="left")
    checks = tables["checks"]
    failed = checks[(checks["outcome"] == "fail")] if not checks.empty else checks
    import csv
    import io

    dictionary = pd.DataFrame(list(csv.DictReader(io.StringIO(csv_text()))))
    about = pd.DataFrame(
        {
            "about": [
                TITLE,
                f"Exported by ogi {__version__}. Licence: {LICENSE}.",
                "Sheets: wide (one row per report, one column per cell key), reports, agencies, metrics, "
                "failed checks, metric definitions, dictionary.",
                "Use rows with canonical = TRUE to count each agency and year once.",
                "In wide and metrics, row 1 holds the Chinese labels and row 2 the column names "
                "(pandas: read_excel(..., header=1)). Text cells are text, never formulas.",
            ]
        }
    )
    sheets = {
        "about": about,
        "wide": tables["wide"],
        "reports": tables["reports"],
        "agencies": agencies,
        "metrics": metrics_wide,
        "failed checks": failed,
        "metric definitions": metric_sheet(),
        "dictionary": dictionary,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    rates = [m.name for m in metrics() if m.is_rate]
    labels = {
        "wide": {c: descriptions("wide")[c].split(" — ")[0] for c in tables["wide"].columns if "." in c},
        "metrics": {m.name: m.label_zh for m in metrics()},
    }
    spreadsheet.write_xlsx(out, sheets, percent={"metrics": rates}, labels=labels)
    return [out]


def export_duckdb(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """A DuckDB file with every table and the dictionary's descriptions as column comments."""
    import duckdb

    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp:
        con = duckdb.connect(str(tmp))
        try:
            for name, df in tables.items():
                data = pa.Table.from_pandas(df, preserve_index=False)
                con.register("_ogi_export", data)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _ogi_export')
                con.unregister("_ogi_export")
                con.execute(f"COMMENT ON TABLE \"{name}\" IS '{_sq(TABLE_TITLES.get(name, name))}'")
                desc = descriptions(name)
                for col in df.columns:
                    if col in desc:
                        con.execute(f'COMMENT ON COLUMN "{name}"."{col}" IS \'{_sq(desc[col])}\'')
        finally:
            con.close()
    return [out]


def export_parquet(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """One parquet file per table in the folder ``out`` (``metrics.parquet`` included: the per-report
    metrics as ogi computes them, so no analyst rewrites the formulas), with a ``datapackage.json``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        target = out / f"{name}.parquet"
        with atomic_path(target) as tmp:
            pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp)
        written.append(target)
    package = datapackage({n: frame_fields(n, df) for n, df in tables.items()}, fmt="parquet")
    path = out / "datapackage.json"
    write_text_atomic(path, json.dumps(package, ensure_ascii=False, indent=2))
    return [*written, path]


def _sq(text: str) -> str:
    return text.replace("'", "''")


def export(dataset: Path, fmt: str, out: Path) -> list[Path]:
    """Export the dataset folder ``dataset`` as ``fmt`` to ``out``; returns the files written."""
    dataset, out = Path(dataset), Path(out)
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}")
    tables = gather(dataset)
    written = {
        "sqlite": export_sqlite,
        "csv": export_csv,
        "xlsx": export_xlsx,
        "duckdb": export_duckdb,
        "parquet": export_parquet,
    }[fmt](tables, out)
    return written
