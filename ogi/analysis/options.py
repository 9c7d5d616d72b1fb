"""The choices of the analysis commands, defined once (the command line offers exactly these)."""

from __future__ import annotations

#: The metric ``ogi compare`` ranks or follows by default.
DEFAULT_METRIC = "refused_rate"
#: Which reports a ranking or trend takes: an agency's own work, aggregates of a government's
#: departments (全市/全区), reports whose scope is neither stated nor inferable, or all.
SCOPES = ("own", "aggregate", "unknown", "all")
#: What ``ogi compare`` writes.
COMPARE_FORMATS = ("table", "csv", "xlsx", "html")
#: What ``ogi export`` writes.
EXPORT_FORMATS = ("sqlite", "csv", "xlsx", "duckdb", "parquet")
