"""Loading a dataset folder for analysis: its parquet files as DataFrames, agencies and metrics derived.

Analysis only reads: a folder without ``reports.parquet`` is not a dataset (``DatasetError``), and a
dataset written before ``agencies.parquet`` existed gets its agencies computed on the fly, not written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ogi.analysis import metrics as metric_calc
from ogi.dataset.agencies import build_agencies
from ogi.dataset.publish import JOURNAL, check_run_ids

#: The parquet files a run publishes together.
TABLE_FILES = ("reports", "cells", "checks", "sections", "unmapped", "agencies")


class DatasetError(ValueError):
    """The folder is not an ogi dataset, or the request cannot be answered from it."""


@dataclass
class Dataset:
    """The dataset's tables as DataFrames, with agencies and metrics derived."""

    path: Path
    reports: pd.DataFrame
    agencies: pd.DataFrame
    cells: pd.DataFrame
    checks: pd.DataFrame
    sections: pd.DataFrame
    metrics: pd.DataFrame  # report_id × metric
    #: report_id × rate metric: the denominator ``n`` behind each rate.
    metric_n: pd.DataFrame = field(default_factory=pd.DataFrame)


#: Integer columns stay integers with nulls (pandas would otherwise turn a year with a null into 2022.0).
_INTEGERS = {pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}


def to_frame(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas(types_mapper=_INTEGERS.get)


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame()
    return to_frame(pq.read_table(path))


def load(dataset: Path) -> Dataset:
    dataset = Path(dataset)
    if not (dataset / "reports.parquet").exists():
        raise DatasetError(f"{dataset} is not an ogi dataset (no reports.parquet)")
    if (dataset / JOURNAL).exists():
        raise DatasetError(f"{dataset} is half published (an interrupted run): run `ogi run` on it again")
    try:
        check_run_ids(dataset / f"{name}.parquet" for name in TABLE_FILES)
    except ValueError as exc:
        raise DatasetError(str(exc)) from exc
    reports = _read(dataset / "reports.parquet")
    agencies_path = dataset / "agencies.parquet"
    agencies = _read(agencies_path) if agencies_path.exists() else to_frame(build_agencies(dataset))
    cells = _read(dataset / "cells.parquet")
    checks = _read(dataset / "checks.parquet")
    sections = _read(dataset / "sections.parquet")
    if cells.empty:
        cells = pd.DataFrame(
            columns=["report_id", "cell", "table", "row_key", "col_key", "value", "status", "locator"]
        )
    table = metric_calc.compute(reports, cells, sections)
    n = metric_calc.denominators(reports, cells)
    return Dataset(dataset, reports, agencies, cells, checks, sections, table, n)
