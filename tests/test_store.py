"""The working store: a failed write says what failed (not DuckDB's "transaction is aborted")."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ogi.dataset.rows import report_row
from ogi.dataset.store import Store


def test_a_failed_write_reports_the_real_error(tmp_path: Path) -> None:
    store = Store(tmp_path)
    try:
        # A store written by an older ogi lacks a column the new one writes.
        store.con.execute("ALTER TABLE reports DROP COLUMN scope")
        with pytest.raises(duckdb.Error) as caught:
            store.replace([report_row("a.txt", "a" * 64)], {})
        assert "aborted" not in str(caught.value)
        assert "scope" in str(caught.value) or "column" in str(caught.value).lower()
        # The transaction was rolled back: the store is usable and holds nothing half written.
        assert store.query("SELECT count(*) FROM reports") == [(0,)]
    finally:
        store.close()
