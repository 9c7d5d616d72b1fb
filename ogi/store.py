"""The run's working store (an embedded DuckDB file) and the parquet files exported from it.

Each report is written in one transaction, so a run killed at any moment leaves every finished report in
the store and nothing half-written; the parquet files are exported at the end of a run, each to a
temporary file renamed over the old one, so on disk they are always a complete earlier or later version
(output-contract.md §6).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ogi.schema.dataset import SORT, TABLES, arrow_schema

STORE_NAME = "ogi.duckdb"
ROW_GROUP = 64_000
#: DuckDB's own default is 80% of the machine's memory; the sorts of the export then grow with the
#: dataset (several GB at 20,000 reports). Capped, DuckDB spills to ``ogi.duckdb.tmp`` beside the store.
MEMORY_LIMIT = "256MB"

_DUCK_TYPES = {
    pa.string(): "VARCHAR",
    pa.int16(): "SMALLINT",
    pa.int32(): "INTEGER",
    pa.float64(): "DOUBLE",
    pa.date32(): "DATE",
    pa.list_(pa.string()): "VARCHAR[]",
}

#: Columns the store keeps beside the contract's, never exported.
_INTERNAL: dict[str, list[tuple[str, str, pa.DataType]]] = {
    "cells": [
        ("orig_value", "DOUBLE", pa.float64()),
        ("orig_status", "VARCHAR", pa.string()),
        ("orig_locator", "VARCHAR", pa.string()),
        ("orig_unit", "VARCHAR", pa.string()),
        ("corrected", "BOOLEAN", pa.bool_()),
    ],
    "sections": [("ord", "INTEGER", pa.int32())],
    "reports": [
        ("other_single_row", "BOOLEAN", pa.bool_()),
        ("found", "VARCHAR", pa.string()),
    ],
}


def _q(name: str) -> str:
    return f'"{name}"'


def store_schema(table: str) -> pa.Schema:
    """The contract's columns plus the store's internal ones."""
    fields = list(arrow_schema(table))
    for name, _duck, arrow in _INTERNAL.get(table, []):
        fields.append(pa.field(name, arrow))
    return pa.schema(fields)


class Store:
    """A DuckDB working store under the dataset folder."""

    def __init__(self, out_dir: Path) -> None:
        self.dir = Path(out_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / STORE_NAME
        self.con = duckdb.connect(str(self.path), config={"memory_limit": MEMORY_LIMIT})
        self._create()

    def close(self) -> None:
        self.con.close()

    def _create(self) -> None:
        for table, columns in TABLES.items():
            cols = [f"{_q(c.name)} {_DUCK_TYPES[c.type]}" for c in columns]
            cols += [f"{_q(n)} {d}" for n, d, _a in _INTERNAL.get(table, [])]
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(cols)})")
            # A store written before a column was added to the contract gets it (null in the old rows).
            have = {r[0] for r in self.con.execute(f"DESCRIBE {table}").fetchall()}
            for col in cols:
                if col.split(" ", 1)[0].strip('"') not in have:
                    self.con.execute(f"ALTER TABLE {table} ADD COLUMN {col}")

    # -- reading -----------------------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        cur = self.con.cursor()
        try:
            return cur.execute(sql, params or []).fetchall()
        finally:
            cur.close()

    def known(self) -> dict[str, tuple[str, str, str]]:
        """source → (sha256, ogi_version, report_id) for every source in the store."""
        return {
            s: (h, v, r)
            for s, h, v, r in self.query("SELECT source, sha256, ogi_version, report_id FROM reports")
        }

    def report_row(self, report_id: str) -> dict[str, Any] | None:
        cur = self.con.cursor()
        try:
            rel = cur.execute(
                "SELECT * FROM reports WHERE report_id = ? ORDER BY source LIMIT 1", [report_id]
            )
            names = [d[0] for d in rel.description]
            rows = rel.fetchall()
        finally:
            cur.close()
        return dict(zip(names, rows[0], strict=True)) if rows else None

    # -- writing -----------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def insert(self, con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        schema = store_schema(table)
        columns = {name: [r.get(name) for r in rows] for name in schema.names}
        data = pa.table(columns, schema=schema)
        con.register("_ogi_rows", data)
        try:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _ogi_rows")
        finally:
            con.unregister("_ogi_rows")

    def replace(self, reports: list[dict[str, Any]], rows: dict[str, list[dict[str, Any]]]) -> None:
        """Write whole reports in one transaction, replacing what the store held for their sources.

        ``reports`` are reports rows; ``rows`` the rows of the other tables for their report_ids. A source
        that pointed at another report before loses it (and the report's rows go when no other source
        shares them); other sources with the same bytes as a new report share its new reading.
        """
        sources = [r["source"] for r in reports]
        new_ids = sorted({r["report_id"] for r in reports})
        with self.transaction() as con:
            hits = con.execute(
                """SELECT source, report_id FROM reports
                   WHERE list_contains(?, source) OR list_contains(?, report_id)""",
                [sources, new_ids],
            ).fetchall()
            twins: list[dict[str, Any]] = []
            if hits:
                batch = set(sources)
                by_id = {r["report_id"]: r for r in reports}
                twins = [
                    {**by_id[rid], "source": src} for src, rid in hits if src not in batch and rid in by_id
                ]
                old_ids = sorted({rid for _src, rid in hits} - set(new_ids))
                con.execute(
                    "DELETE FROM reports WHERE list_contains(?, source) OR list_contains(?, report_id)",
                    [sources, new_ids],
                )
                still = {
                    rid
                    for (rid,) in con.execute(
                        "SELECT DISTINCT report_id FROM reports WHERE list_contains(?, report_id)", [old_ids]
                    ).fetchall()
                }
                gone = new_ids + [rid for rid in old_ids if rid not in still]
                for table in ("cells", "checks", "sections", "unmapped"):
                    con.execute(f"DELETE FROM {table} WHERE list_contains(?, report_id)", [gone])
            self.insert(con, "reports", reports + twins)
            for table in ("cells", "checks", "sections", "unmapped"):
                self.insert(con, table, rows.get(table, []))

    def forget_source(self, con: duckdb.DuckDBPyConnection, source: str) -> None:
        """Remove a source's row, and its report's rows when no other source shares them."""
        old = con.execute("SELECT report_id FROM reports WHERE source = ?", [source]).fetchall()
        con.execute("DELETE FROM reports WHERE source = ?", [source])
        for (report_id,) in old:
            left = con.execute("SELECT count(*) FROM reports WHERE report_id = ?", [report_id]).fetchall()
            if left[0][0] == 0:
                self.forget_report(con, report_id)

    def forget_report(self, con: duckdb.DuckDBPyConnection, report_id: str) -> None:
        for table in ("cells", "checks", "sections", "unmapped"):
            con.execute(f"DELETE FROM {table} WHERE report_id = ?", [report_id])

    def refresh_duplicates(self) -> None:
        """``duplicate_of``: the smallest source with the same bytes, for every other source."""
        with self.transaction() as con:
            con.execute(
                """
                UPDATE reports SET duplicate_of = CASE WHEN reports.source = m.first THEN NULL ELSE m.first END
                FROM (SELECT report_id, min(source) AS first FROM reports GROUP BY report_id) AS m
                WHERE reports.report_id = m.report_id
                """
            )

    # -- export ------------------------------------------------------------------------------------

    def export(self, out_dir: Path | None = None) -> dict[str, Path]:
        """Write the five parquet files, each atomically, sorted as the contract says."""
        out = Path(out_dir or self.dir)
        written: dict[str, Path] = {}
        for table in TABLES:
            schema = arrow_schema(table)
            cols = ", ".join(_q(f.name) for f in schema)
            sql = f"SELECT {cols} FROM {table} ORDER BY {SORT[table]}"
            target = out / f"{table}.parquet"
            write_parquet_atomic(target, schema, self._batches(sql, schema))
            written[table] = target
        return written

    def _batches(self, sql: str, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
        cur = self.con.cursor()
        try:
            reader = cur.sql(sql).to_arrow_reader(ROW_GROUP)
            for batch in reader:
                yield pa.Table.from_batches([batch]).cast(schema).to_batches()[0] if batch.num_rows else batch
        finally:
            cur.close()


def write_parquet_atomic(target: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> None:
    """Stream record batches into ``target`` through a temporary file and an atomic rename."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            wrote = False
            for batch in batches:
                if batch.num_rows:
                    writer.write_table(
                        pa.Table.from_batches([batch], schema=schema), row_group_size=ROW_GROUP
                    )
                    wrote = True
            if not wrote:
                writer.write_table(schema.empty_table())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
