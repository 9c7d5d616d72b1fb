"""The data dictionary, generated from ``schema/``: every table and column of the dataset, the
vocabularies, and every cell key with its Chinese and English label, unit and template versions.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ogi.schema import pre2019
from ogi.schema.dataset import DERIVED, TABLES, VOCABULARIES
from ogi.schema.metrics import Metric, metrics
from ogi.schema.template import load
from ogi.utils.files import write_text_atomic

_VOCAB_TITLES = {
    "format": "`reports.format`",
    "status": "`reports.status`",
    "year_source": "`reports.year_source`",
    "cell_status": "`cells.status`",
    "outcome": "`checks.outcome`",
    "level": "`agencies.level`",
    "duplicate": "`agencies.duplicate`",
}


def _type(t: object) -> str:
    return str(t).replace("list<item: string>", "list<string>")


def markdown() -> str:
    """The dictionary as Markdown."""
    out = io.StringIO()
    w = out.write
    w("# ogi data dictionary\n\n")
    w("Generated from `ogi/schema/`; do not edit by hand. The normative description of what ogi writes ")
    w("is `output-contract.md`; this file lists every column and every cell key.\n\n")
    for table, columns in {**TABLES, **DERIVED}.items():
        if table == "metrics":
            w("## `metrics` (export table)\n\n")
            w("Written by `ogi export` in every format (`--format parquet`: `metrics.parquet`): one row per ")
            w("report and metric, with the report's agency and year; the metrics are defined below.\n\n")
        else:
            w(f"## `{table}.parquet`\n\n")
        w("| column | type | null | description |\n|---|---|---|---|\n")
        for c in columns:
            w(f"| `{c.name}` | {_type(c.type)} | {'yes' if c.nullable else 'no'} | {c.description} |\n")
        w("\n")
    w("## Vocabularies\n\n")
    for name, values in VOCABULARIES.items():
        w(f"### {_VOCAB_TITLES[name]}\n\n| value | meaning |\n|---|---|\n")
        for value, meaning in values.items():
            w(f"| `{value}` | {meaning} |\n")
        w("\n")
    w("## Cell keys\n\n")
    w("`cell` = `table.row_key.col_key`. Versions: the template versions whose grid has the cell. ")
    w("2019-format and 2021-format table 二 keys are different quantities and never one series.\n\n")
    w("| cell | versions | 中文 | English | unit | decimals | signed |\n|---|---|---|---|---|---|---|\n")
    for s in cell_rows():
        w(
            f"| `{s['cell']}` | {s['versions']} | {s['label_zh']} | {s['label_en']} | {s['unit']} "
            f"| {s['decimal']} | {s['signed']} |\n"
        )
    w("\nA printed 法人或其他组织小计 column (not in the template) is written as ")
    w("`t3.<row>.legal_person_subtotal` and checked by T3-ROW-SUB.\n\n")
    w(pre2019_markdown())
    w(metrics_markdown())
    w(exports_markdown())
    return out.getvalue()


def exports_markdown() -> str:
    """What the exports add, and how spreadsheet cells are kept safe."""
    return (
        "## Exports\n\n"
        "`ogi export` writes the tables above, `agencies`, `metrics` and `wide` (one row per report, one "
        "column per cell key). The SQLite export adds `report_ids` (one row per `report_id`: `label` "
        "「agency year」, `agency`, `year`, `title`), to which every other table's `report_id` is a foreign "
        "key; primary keys: `reports.source`, `cells` (`report_id`, `cell`), `agencies.source`, `metrics` "
        "(`report_id`, `metric`), `wide.report_id`; `sections_fts` is a full-text index (FTS5, trigram "
        "where SQLite has it) of `sections.heading` and `sections.text`; `metric_definitions` holds the "
        "metric definitions below (`metrics.metric` refers to it).\n\n"
        "**Spreadsheet safety.** A text cell is text: in XLSX exports every string is written as a string, "
        "never as a formula, so a title such as 「=HYPERLINK(…)」 stays the text it is. In CSV exports "
        "(and `ogi compare --format csv`) a text cell that starts with `=`, `+`, `-`, `@`, a tab or a "
        "carriage return gets a leading apostrophe (`'`), as OWASP recommends against CSV injection; a plain "
        "signed number as printed (「-1」) is left alone. Control characters in text are written escaped "
        "(`\\x0b`) in spreadsheets, CSV and on the terminal. The parquet files, SQLite and DuckDB keep the "
        "text exactly as read.\n\n"
        "In the XLSX `wide` and `metrics` sheets, row 1 holds the Chinese labels of the columns and row 2 "
        "their names (pandas: `read_excel(…, header=1)`); rates are formatted as percentages.\n\n"
        "## Kept hand corrections\n\n"
        "`DIR/corrections.csv` is a copy of the corrections file (contract §5) the dataset was last built "
        "with. A later `ogi run` without `--corrections` applies it again; `--drop-corrections` removes it "
        "and the corrections with it.\n"
    )


def pre2019_markdown() -> str:
    """The ``pre.*`` keys of the pre-2019 forms and prose (``schema/data/pre2019_forms.toml``, issue 17)."""
    out = io.StringIO()
    w = out.write
    w("## Pre-2019 cell keys (`pre.*`)\n\n")
    w("Reports of 2008–2018 (`template_version` `pre2019`) print no national table. Where a report prints ")
    w("a statistics form ogi knows (`reports.form`), its rows are `pre.<indicator>` (the year's value, ")
    w("`col_key` `year`) and `pre.<indicator>.cumulative` (历年累计, `col_key` `cumulative`); `table` is ")
    w("`pre` and `row_key` the indicator. Without a form, the quantities a sentence states unambiguously ")
    w("are `pre.<indicator>` cells too (form `prose` below; status `value`, `locator.sentence`). Units are ")
    w("as printed: the same indicator counts 条 in one form and 件 in another, so compare within a form. ")
    w("Checks: PRE-PROACTIVE, PRE-REQ, PRE-REPLY (the parts add up to the total, in each column), ")
    w(
        "PRE-REPLY-LE (replies ≤ requests, the year's column), PRE-CUM (历年累计 ≥ the year's value); all soft.\n\n"
    )
    w("| cell | 中文 | unit | forms | years seen |\n|---|---|---|---|---|\n")
    for r in pre2019.dictionary_rows():
        w(f"| `{r['key']}` | {r['label_zh']} | {r['unit']} | {r['forms']} | {r['years']} |\n")
    w("\n")
    return out.getvalue()


def metrics_markdown() -> str:
    """The metric definitions (``schema/data/metrics.toml``) as a dictionary section."""
    out = io.StringIO()
    w = out.write
    w("## Metrics\n\n")
    w("Computed per report by `ogi compare` and `ogi export` (`ogi/analysis/metrics.py`). A metric is null ")
    w(
        "when an input cell is missing or ambiguous, or is a blank 总计 (column, （七）总计 row or table-四 总计) "
    )
    w("beside printed values (0 included), the rule the checks apply; a placeholder total counts as 0, and ")
    w("other blank and placeholder cells count as 0, as in the checks; 0/0 is null. Cell patterns such as ")
    w("`t3.denied_*.total` cover every matching template row. Table-二 metrics exist for one template ")
    w("version only (suffix `_v2019` or `_v2021`): the two formats count different things and never form ")
    w("one series.\n\n")
    w("| metric | 中文 | English | unit | versions | formula | caveats |\n|---|---|---|---|---|---|---|\n")
    for m in metrics():
        w(
            f"| `{m.name}` | {m.label_zh} | {m.label_en} | {m.unit or ''} | {', '.join(m.versions)} "
            f"| {m.formula}{_pre_formula(m)} | {m.caveats}{' ' + m.pre_caveats if m.pre_caveats else ''} |\n"
        )
    return out.getvalue()


def _pre_formula(m: Metric) -> str:
    """The metric's pre-2019 formula (``pre.*`` keys), when it has one."""
    if m.pre_inputs:
        return "; pre2019: " + " + ".join(m.pre_inputs)
    if m.pre_numerator:
        return f"; pre2019: ({' + '.join(m.pre_numerator)}) / ({' + '.join(m.pre_denominator)})"
    return ""


def cell_rows() -> list[dict[str, str]]:
    t = load()
    rows = []
    for s in t.all_specs():
        rows.append(
            {
                "cell": s.key,
                "table": s.table,
                "row_key": s.row_key,
                "col_key": s.col_key,
                "versions": ", ".join(s.versions),
                "label_zh": s.label_zh,
                "label_en": s.label_en,
                "unit": s.unit or "",
                "decimal": "yes" if s.decimal else "",
                "signed": "yes" if s.signed else "",
            }
        )
    return rows


def csv_text() -> str:
    """Every column and every cell key as one CSV (kind, table, name, type, description …)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(
        [
            "kind",
            "table",
            "name",
            "type",
            "nullable",
            "label_zh",
            "label_en",
            "unit",
            "versions",
            "description",
        ]
    )
    for table, columns in {**TABLES, **DERIVED}.items():
        for c in columns:
            w.writerow(["column", table, c.name, _type(c.type), c.nullable, "", "", "", "", c.description])
    for name, values in VOCABULARIES.items():
        for value, meaning in values.items():
            w.writerow(["vocabulary", name, value, "", "", "", "", "", "", meaning])
    for m in metrics():
        w.writerow(
            [
                "metric",
                "metrics",
                m.name,
                "float64",
                True,
                m.label_zh,
                m.label_en,
                m.unit or "",
                ", ".join(m.versions),
                f"{m.formula}. {m.caveats}",
            ]
        )
    for s in cell_rows():
        w.writerow(
            [
                "cell",
                s["table"],
                s["cell"],
                "float64",
                True,
                s["label_zh"],
                s["label_en"],
                s["unit"],
                s["versions"],
                "",
            ]
        )
    for r in pre2019.dictionary_rows():
        w.writerow(
            [
                "cell",
                "pre",
                r["key"],
                "float64",
                True,
                r["label_zh"],
                "",
                r["unit"],
                "pre2019",
                f"forms: {r['forms']}",
            ]
        )
    return out.getvalue()


def write_dictionary(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out_dir / "dictionary.md", markdown())
    write_text_atomic(out_dir / "dictionary.csv", csv_text())


if __name__ == "__main__":  # python -m ogi.schema.dictionary: refresh docs/dictionary.md
    Path("docs").mkdir(exist_ok=True)
    Path("docs/dictionary.md").write_text(markdown(), encoding="utf-8")
