"""Writing a parquet file of the dataset: streamed, zstd, whole or not at all."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ogi.utils.files import atomic_path

#: The key under which every parquet file records the run that wrote it.
RUN_ID_KEY = b"ogi_run_id"

ROW_GROUP = 64_000

#: Arrow integer types and the pandas types that keep them integers with nulls.
_NULLABLE = {
    pa.int8(): "Int8",
    pa.int16(): "Int16",
    pa.int32(): "Int32",
    pa.int64(): "Int64",
}


def with_nullable_integers(schema: pa.Schema) -> pa.Schema:
    """``schema`` with pandas metadata that makes ``pandas.read_parquet`` load integer columns as nullable
    integers (``Int16``), so ``year`` stays 2022, not 2022.0, when a failed report has none. DuckDB and
    pyarrow ignore the metadata; a schema that already has pandas metadata is left alone."""
    meta = dict(schema.metadata or {})
    if b"pandas" in meta or not any(f.type in _NULLABLE for f in schema):
        return schema
    import pandas as pd

    mapping = {t: pd.api.types.pandas_dtype(name) for t, name in _NULLABLE.items()}
    empty = schema.empty_table().to_pandas(types_mapper=mapping.get)
    meta[b"pandas"] = pa.Schema.from_pandas(empty, preserve_index=False).metadata[b"pandas"]
    return schema.with_metadata(meta)


def write_parquet_atomic(
    target: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch], run_id: str | None = None
) -> None:
    """Stream record batches into ``target`` through a temporary file and an atomic rename; ``run_id`` is
    recorded in the file's key-value metadata (``ogi_run_id``) so readers can check a set is one run's."""
    if run_id is not None:
        schema = schema.with_metadata({**(schema.metadata or {}), RUN_ID_KEY: run_id.encode()})
    schema = with_nullable_integers(schema)
    with atomic_path(target) as tmp, pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        wrote = False
        for batch in batches:
            if batch.num_rows:
                writer.write_table(pa.Table.from_batches([batch], schema=schema), row_group_size=ROW_GROUP)
                wrote = True
        if not wrote:
            writer.write_table(schema.empty_table())
