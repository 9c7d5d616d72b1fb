"""``datapackage.json``: the Frictionless data package that describes what a run (or an export) wrote.

Its table titles and column descriptions come from the contract's columns (``ogi.schema.dataset``), so
the package, the data dictionary and the exports describe each column in the same words.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ogi import __version__
from ogi.schema.dataset import DERIVED, TABLES, Column
from ogi.schema.dictionary import cell_rows
from ogi.utils.files import write_text_atomic

RUN_TABLES = tuple(TABLES)  # reports, cells, checks, sections, unmapped
TITLE = "ogi: government information-disclosure annual reports (政府信息公开工作年度报告)"
LICENSE = "Apache-2.0 (ogi and this compilation); the source reports are public government information"
LICENSE_URL = "https://www.apache.org/licenses/LICENSE-2.0"
SOURCE = "Published 政府信息公开工作年度报告, read by ogi; each row names its source"
TABLE_TITLES = {
    "reports": "Reports: one row per input source",
    "cells": "Cells: one row per template cell read",
    "checks": "Checks: one row per identity check",
    "sections": "Sections 一 … 六 of each report",
    "unmapped": "Rows and columns outside the template, verbatim",
    "agencies": "Agencies: normalised body, place and the counted report per (agency, year)",
    "metrics": "Metrics: one row per report and metric",
    "wide": "One row per report, one column per cell key",
}


def _columns(table: str) -> tuple[Column, ...]:
    return TABLES[table] if table in TABLES else DERIVED[table]


def descriptions(table: str) -> dict[str, str]:
    """Column → description for a table (the wide table's cell columns from the cell labels)."""
    if table != "wide":
        return {c.name: c.description for c in _columns(table)}
    out = {
        "report_id": "The report.",
        "source": "Its smallest source (see `reports`).",
        "agency": "As printed.",
        "agency_id": "See `agencies`.",
        "year": "Year covered.",
        "template_version": "2019 or 2021 format.",
        "scope": "own or aggregate.",
        "status": "Report status.",
        "canonical": "Whether this report is the one counted for its agency and year.",
    }
    for s in cell_rows():
        out[s["cell"]] = f"{s['label_zh']} — {s['label_en']} ({s['versions']})"
    return out


# -- datapackage.json ----------------------------------------------------------------------------------

_FRICTIONLESS = {
    "string": "string",
    "int16": "integer",
    "int32": "integer",
    "int64": "integer",
    "double": "number",
    "float": "number",
    "date32[day]": "date",
    "bool": "boolean",
}
PRIMARY_KEYS = {"reports": ["source"], "cells": ["report_id", "cell"], "agencies": ["source"]}


def _field(name: str, type_: str, description: str = "", required: bool = False) -> dict[str, Any]:
    f: dict[str, Any] = {"name": name, "type": type_}
    if description:
        f["description"] = description
    if required:
        f["constraints"] = {"required": True}
    return f


def _arrow_fields(table: str, schema: pa.Schema) -> list[dict[str, Any]]:
    desc = descriptions(table) if table in TABLES or table in DERIVED else {}
    return [
        _field(
            f.name,
            "array" if pa.types.is_list(f.type) else _FRICTIONLESS.get(str(f.type), "any"),
            desc.get(f.name, ""),
            not f.nullable,
        )
        for f in schema
    ]


def frame_fields(table: str, df: pd.DataFrame) -> list[dict[str, Any]]:
    desc = descriptions(table)
    kinds = {"i": "integer", "u": "integer", "f": "number", "b": "boolean"}
    out = []
    for col in df.columns:
        kind = kinds.get(df[col].dtype.kind, "string")
        if table in ("reports", "agencies") and col == "published":
            kind = "date"
        if table in ("checks", "unmapped") and col in ("cells", "assumed_zero", "values"):
            kind = "array"  # written as a JSON list
        out.append(_field(col, kind, desc.get(col, "")))
    return out


def datapackage(fields: dict[str, list[dict[str, Any]]], fmt: str) -> dict[str, Any]:
    resources = []
    for name, fs in fields.items():
        res: dict[str, Any] = {
            "name": name,
            "path": f"{name}.{fmt}",
            "title": TABLE_TITLES.get(name, name),
            "profile": "tabular-data-resource",
            "format": fmt,
            "schema": {"fields": fs},
        }
        if fmt == "parquet":
            res["mediatype"] = "application/vnd.apache.parquet"
        else:
            res["mediatype"] = "text/csv"
            res["encoding"] = "utf-8-sig"
        if name in PRIMARY_KEYS:
            res["schema"]["primaryKey"] = PRIMARY_KEYS[name]
        resources.append(res)
    return {
        "profile": "tabular-data-package",
        "name": "ogi-dataset",
        "title": TITLE,
        "description": "Written by ogi; the data dictionary (dictionary.md) explains every column.",
        "version": __version__,
        "licenses": [{"name": "Apache-2.0", "path": LICENSE_URL, "title": LICENSE}],
        "sources": [{"title": SOURCE}],
        "resources": resources,
    }


def write_datapackage(dataset: Path) -> Path:
    """``dataset/datapackage.json``: a Frictionless data package describing its parquet files."""
    dataset = Path(dataset)
    fields = {}
    for name in (*RUN_TABLES, "agencies"):
        path = dataset / f"{name}.parquet"
        if path.exists():
            fields[name] = _arrow_fields(name, pq.read_schema(path))
    target = dataset / "datapackage.json"
    write_text_atomic(target, json.dumps(datapackage(fields, fmt="parquet"), ensure_ascii=False, indent=2))
    return target
