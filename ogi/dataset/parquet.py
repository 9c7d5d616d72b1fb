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


def write_parquet_atomic(
    target: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch], run_id: str | None = None
) -> None:
    """Stream record batches into ``target`` through a temporary file and an atomic rename; ``run_id`` is
    recorded in the file's key-value metadata (``ogi_run_id``) so readers can check a set is one run's."""
    if run_id is not None:
        schema = schema.with_metadata({**(schema.metadata or {}), RUN_ID_KEY: run_id.encode()})
    with atomic_path(target) as tmp, pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        wrote = False
        for batch in batches:
            if batch.num_rows:
                writer.write_table(pa.Table.from_batches([batch], schema=schema), row_group_size=ROW_GROUP)
                wrote = True
        if not wrote:
            writer.write_table(schema.empty_table())
