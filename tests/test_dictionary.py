"""The data dictionary is generated from schema/ and the committed copy is current."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ogi.schema.dataset import TABLES
from ogi.schema.dictionary import csv_text, markdown
from ogi.schema.template import load

DOCS = Path(__file__).parent.parent / "docs" / "dictionary.md"


def test_committed_dictionary_is_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == markdown(), "regenerate: python -m ogi.schema.dictionary"


def test_every_column_and_cell_key_is_described() -> None:
    text = markdown()
    for table, columns in TABLES.items():
        assert f"`{table}.parquet`" in text
        for c in columns:
            assert f"| `{c.name}` |" in text
    rows = list(csv.DictReader(io.StringIO(csv_text())))
    keys = {r["name"] for r in rows if r["kind"] == "cell"}
    t = load()
    for version in ("2019", "2021"):
        assert set(t.cell_keys(version)) <= keys
    fee = next(r for r in rows if r["name"] == "t2.art20_8.admin_fees.fee_amount")
    assert fee["unit"] == "万元" and "收费金额" in fee["label_zh"] and fee["label_en"]
    # 25 rows of 2021 plus （六）其他处理 as one row; 7 columns plus a printed 小计
    assert len([k for k in keys if k.startswith("t3.")]) == 26 * 8
