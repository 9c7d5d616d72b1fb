"""The run's working store (an embedded DuckDB file) and the parquet files exported from it.

Each report is written in one transaction, so a run killed at any moment leaves every finished report in
the store and nothing half-written; the parquet files are exported at the end of a run, each to a
temporary file renamed over the old one, so on disk they are always a complete earlier or later version
(output-contract.md §6).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ogi import __version__
from ogi.dataset.parquet import ROW_GROUP, write_parquet_atomic
from ogi.schema.dataset import SORT, TABLES, arrow_schema

STORE_NAME = "ogi.duckdb"
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
        ("retry", "BOOLEAN", pa.bool_()),
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


def _columns(table: str) -> list[tuple[str, str]]:
    """(name, DuckDB type) of every column the store keeps for ``table``."""
    cols = [(c.name, _DUCK_TYPES[c.type]) for c in TABLES[table]]
    return cols + [(n, d) for n, d, _a in _INTERNAL.get(table, [])]


def schema_fingerprint() -> str:
    """What this ogi's store looks like (tables, columns, types), as a short hash: a store written with
    another fingerprint is migrated before it is used."""
    text = json.dumps({t: _columns(t) for t in TABLES}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class StoreError(RuntimeError):
    """The working store cannot be used (damaged, read-only, …); the message says how to recover."""


class Store:
    """A DuckDB working store under the dataset folder, versioned by its schema.

    A store written by another ogi (an older release without some column, or one whose columns changed)
    is migrated in place when its columns can be added or dropped, and every source is then read again
    (``note`` says so); when it cannot be migrated, or cannot be opened at all, it is moved aside and the
    dataset is rebuilt from the sources. The parquet files of the previous run are untouched until the
    new run publishes its own (``ogi.dataset.publish``).
    """

    def __init__(self, out_dir: Path) -> None:
        self.dir = Path(out_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / STORE_NAME
        #: One line for the run's summary when the store was migrated or rebuilt.
        self.note: str | None = None
        self.con = self._connect()
        try:
            self._prepare()
        except duckdb.Error as exc:
            self.con.close()
            self._set_aside(f"it could not be migrated ({type(exc).__name__}: {_first_line(exc)})")
            self.con = self._connect()
            self._prepare()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(str(self.path), config={"memory_limit": MEMORY_LIMIT})
        except duckdb.IOException as exc:
            text = _first_line(exc)
            if "permission" in text.lower() or "read-only" in text.lower():
                raise StoreError(f"cannot open the working store {self.path}: {text}") from exc
            # Not a DuckDB file, or a damaged one: keep it for inspection, rebuild from the sources.
            self._set_aside(f"it could not be opened ({text})")
            return duckdb.connect(str(self.path), config={"memory_limit": MEMORY_LIMIT})
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the working store {self.path}: {_first_line(exc)}") from exc

    def _set_aside(self, why: str) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{STORE_NAME}.{stamp}.bak")
        os.replace(self.path, aside)
        wal = self.path.with_name(STORE_NAME + ".wal")
        if wal.exists():
            os.replace(wal, aside.with_name(aside.name + ".wal"))
        self.note = f"the working store was moved to {aside.name} ({why}); every source is read again"

    def close(self) -> None:
        self.con.close()

    def _prepare(self) -> None:
        """Create the tables, or migrate those of a store written by another ogi."""
        self.con.execute("CREATE TABLE IF NOT EXISTS ogi_store (key VARCHAR PRIMARY KEY, value VARCHAR)")
        found = dict(self.con.execute("SELECT key, value FROM ogi_store").fetchall())
        existing = {t for (t,) in self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        fingerprint = schema_fingerprint()
        stale = found.get("schema") != fingerprint or any(
            self._have(t) != dict(_columns(t)) for t in TABLES if t in existing
        )
        if stale and existing & set(TABLES):
            self._migrate(existing, found.get("ogi_version") or "an earlier release")
        for table in TABLES:
            cols = ", ".join(f"{_q(n)} {d}" for n, d in _columns(table))
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")
        self.con.execute(
            "INSERT OR REPLACE INTO ogi_store VALUES ('schema', ?), ('ogi_version', ?)",
            [fingerprint, __version__],
        )

    def _have(self, table: str) -> dict[str, str]:
        """The columns (name → DuckDB type) the store's ``table`` has."""
        rows = self.con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?", [table]
        ).fetchall()
        return dict(rows)

    def _migrate(self, existing: set[str], written_by: str) -> None:
        """Add the columns this ogi writes and the store lacks, drop those it no longer has, change
        types that changed; then mark every report stale so that it is read again."""
        with self.transaction() as con:
            for table in TABLES:
                if table not in existing:
                    continue
                have = self._have(table)
                want = dict(_columns(table))
                for name, duck in want.items():
                    if name not in have:
                        con.execute(f"ALTER TABLE {table} ADD COLUMN {_q(name)} {duck}")
                    elif have[name] != duck:
                        con.execute(f"ALTER TABLE {table} ALTER {_q(name)} TYPE {duck}")
                for name in have.keys() - want.keys():
                    con.execute(f"ALTER TABLE {table} DROP COLUMN {_q(name)}")
            if "reports" in existing:
                con.execute("UPDATE reports SET ogi_version = NULL")
        self.note = f"the working store was written by ogi {written_by}: migrated; every source is read again"

    # -- reading -----------------------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        cur = self.con.cursor()
        try:
            return cur.execute(sql, params or []).fetchall()
        finally:
            cur.close()

    def known(self) -> dict[str, tuple[str, str | None, str, bool]]:
        """source → (sha256, ogi_version, report_id, retry) for every source in the store."""
        return {
            s: (h, v, r, bool(retry))
            for s, h, v, r, retry in self.query(
                "SELECT source, sha256, ogi_version, report_id, retry FROM reports"
            )
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
            # The error that aborted the transaction is the one to report: a failing ROLLBACK (DuckDB
            # refuses statements in an aborted transaction) must not replace it.
            with contextlib.suppress(duckdb.Error):
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
            # In a transaction the failed INSERT aborted, unregistering fails too; the INSERT's error is
            # the one that says what went wrong (a column the store lacks, a type it cannot take).
            with contextlib.suppress(duckdb.Error):
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

    def export(self, out_dir: Path | None = None, run_id: str | None = None) -> dict[str, Path]:
        """Write the five parquet files, each atomically, sorted as the contract says (``run_id`` in
        their metadata)."""
        out = Path(out_dir or self.dir)
        written: dict[str, Path] = {}
        for table in TABLES:
            schema = arrow_schema(table)
            cols = ", ".join(_q(f.name) for f in schema)
            sql = f"SELECT {cols} FROM {table} ORDER BY {SORT[table]}"
            target = out / f"{table}.parquet"
            write_parquet_atomic(target, schema, self._batches(sql, schema), run_id)
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


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
