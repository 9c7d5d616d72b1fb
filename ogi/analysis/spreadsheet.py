"""Spreadsheets a person opens: XLSX workbooks and CSV text cells that are safe and readable.

Safe: a text cell is text. openpyxl makes a string starting with ``=`` a live formula, so a report title
such as 「=HYPERLINK(…)」 would run when the workbook is opened; every string cell is written as a string
(``data_type`` ``s``), and control characters, which XML 1.0 cannot hold (openpyxl refuses the whole
workbook), are shown escaped. CSV cells follow OWASP's rule (``ogi.utils.text.spreadsheet_text``).

Readable: a bold header with an autofilter, frozen panes, column widths that fit the text (CJK counted
double), rates shown as percentages, and over the dotted cell keys of the ``wide`` sheet a row of their
Chinese labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ogi.utils.files import atomic_path
from ogi.utils.text import CONTROL, display_width, printable, spreadsheet_text

#: Widest column, in characters (Excel's unit); a longer text wraps in the cell when opened.
MAX_WIDTH = 50


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell made safe for a spreadsheet program (numbers stay numbers)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(lambda v: spreadsheet_text(v) if isinstance(v, str) else v).astype(object)
    return out


def _cell_value(v: Any) -> Any:
    """A value openpyxl can write: null for every kind of missing, lists joined, numpy scalars as Python
    values, control characters in text shown escaped."""
    if isinstance(v, list | tuple | np.ndarray):
        return ", ".join(map(str, v))
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, str) and CONTROL.search(v):
        return printable(v)
    return v


def write_xlsx(
    path: Path,
    sheets: Mapping[str, pd.DataFrame],
    *,
    percent: Mapping[str, list[str]] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """Several DataFrames as sheets of one workbook, written atomically: built in memory, saved to a
    temporary file that replaces ``path`` only when saving succeeded (nothing is left when it fails).
    ``percent``: sheet → columns shown as percentages; ``labels``: sheet → column → a label written in a
    row above the header (the Chinese label of a cell key)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    for sheet in list(wb.worksheets):
        wb.remove(sheet)
    for name, df in sheets.items():
        ws = wb.create_sheet(name[:31])
        columns = [str(c) for c in df.columns]
        sheet_labels = (labels or {}).get(name) or {}
        if sheet_labels:
            ws.append([sheet_labels.get(c) for c in columns])
        ws.append(columns)
        header_row = ws.max_row
        for row in df.itertuples(index=False, name=None):
            ws.append([_cell_value(v) for v in row])
        for row in ws.iter_rows(min_row=1):
            for cell in row:
                if cell.data_type == "f":  # a string openpyxl took for a formula: it is text
                    cell.data_type = "s"
        rates = set((percent or {}).get(name) or [])
        for i, col in enumerate(columns, start=1):
            letter = get_column_letter(i)
            ws.cell(row=header_row, column=i).font = Font(bold=True)
            if col in sheet_labels:
                label = ws.cell(row=1, column=i)
                label.font = Font(bold=True, color="555555")
                label.alignment = Alignment(wrap_text=True, vertical="bottom")
            texts = [col] + [str(v) for v in df.iloc[:200, i - 1].dropna()]
            ws.column_dimensions[letter].width = min(MAX_WIDTH, max(6, max(map(display_width, texts)) + 2))
            if col in rates:
                for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=i, max_col=i):
                    cell.number_format = "0.0%"
        if columns:
            ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{header_row + len(df)}"
        ws.freeze_panes = f"A{header_row + 1}"
    if not wb.worksheets:
        wb.create_sheet("empty")
    with atomic_path(Path(path), suffix=".xlsx") as tmp:
        wb.save(tmp)
