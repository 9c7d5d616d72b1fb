"""The dataset ogi writes (output-contract.md §1–§4): tables, columns, Arrow types, sort orders and
vocabularies, with the descriptions the data dictionary is generated from.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

STRING = pa.string()
LIST_STRING = pa.list_(pa.string())


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = True


def _c(name: str, type_: pa.DataType, description: str, nullable: bool = True) -> Column:
    return Column(name, type_, description, nullable)


TABLES: dict[str, tuple[Column, ...]] = {
    "reports": (
        _c(
            "report_id",
            STRING,
            "First 16 hex digits of `sha256`; sources with identical bytes share it.",
            False,
        ),
        _c(
            "source",
            STRING,
            "The input as resolved: an absolute normalised path, or the URL it was fetched from.",
            False,
        ),
        _c("sha256", STRING, "SHA-256 of the source's bytes.", False),
        _c(
            "duplicate_of",
            STRING,
            "The lexicographically smallest source with the same bytes, when this is not it.",
        ),
        _c("format", STRING, "Format detected from the bytes (see the vocabulary below).", False),
        _c("status", STRING, "Report status (see the vocabulary below).", False),
        _c("error", STRING, "Null when fine; otherwise one line saying what could not be read and why."),
        _c("title", STRING, "The report's title as printed."),
        _c(
            "agency",
            STRING,
            "The body named in the report's title, as printed (e.g. 嘉兴市统计局); without one, in the page header, a 「现将…年度报告公布如下」 sentence or the file name; null with the reason in `error`.",
        ),
        _c(
            "year",
            pa.int16(),
            "The year the report covers (title or statistics period; not the publication date).",
        ),
        _c(
            "year_source",
            STRING,
            "Where `year` comes from: `title`, `page_title`, `prose`, `filename` or `url` (see the vocabulary below); null with `year`.",
        ),
        _c("published", pa.date32(), "Publication date when the source states it."),
        _c("template_version", STRING, "`2021`, `2019`, `pre2019` or null, detected from the table labels."),
        _c(
            "form",
            STRING,
            "For `pre2019` reports: the statistics form read (`fj_local` …, see the `pre.*` keys); null otherwise.",
        ),
        _c(
            "scope",
            STRING,
            "`aggregate` when the sentence stating the year's request total speaks for several bodies (全市, 全区 …), else `own`; null without such a sentence.",
        ),
        _c("province", STRING, "Province named by the agency, null when unclear."),
        _c("city", STRING, "City (prefecture level) named by the agency, null when unclear."),
        _c("county", STRING, "County or district named by the agency, null when unclear."),
        _c(
            "pdf_engine",
            STRING,
            "Engine that read a PDF's tables: `pdfium`, `plumber` or `mixed`; null for other formats.",
        ),
        _c("n_cells", pa.int32(), "Number of rows in `cells` for this report.", False),
        _c("n_checks_failed", pa.int32(), "Hard checks that failed.", False),
        _c("ogi_version", STRING, "Version of ogi that read the source.", False),
        _c("seconds", pa.float64(), "Seconds spent reading the source."),
    ),
    "cells": (
        _c("report_id", STRING, "The report (see `reports`).", False),
        _c("cell", STRING, "Full key: `table.row_key.col_key`, e.g. `t3.granted.natural_person`.", False),
        _c("table", STRING, "`t2`, `t3`, `t4`, or `pre` for the pre-2019 forms and prose.", False),
        _c(
            "row_key",
            STRING,
            "Everything between table and column, e.g. `art20_1.rules`, `granted`, `review`.",
            False,
        ),
        _c(
            "col_key",
            STRING,
            "The column key, e.g. `natural_person`, `fee_amount`; for `pre.*` cells `year` or `cumulative`.",
            False,
        ),
        _c("value", pa.float64(), "The number; null when blank, placeholder, ambiguous or not read."),
        _c("raw", STRING, "The cell's own text as printed (for a recovered cell, its own digits)."),
        _c("status", STRING, "Cell status (see the vocabulary below).", False),
        _c(
            "unit", STRING, "Unit printed in the cell, else in its column header; values are never converted."
        ),
        _c(
            "locator",
            STRING,
            "JSON, 1-based: where the cell was read (page and bbox, table/row/col, line or char), plus rule, candidates, confidence or by/reason/corrected_from; for tables 二 and 三, label_match (exact, normalised, fuzzy) and, unless exact, the printed label.",
            False,
        ),
        _c("year", pa.int16(), "Repeated from `reports`."),
        _c("agency", STRING, "Repeated from `reports`."),
    ),
    "checks": (
        _c("report_id", STRING, "The report the check belongs to.", False),
        _c(
            "rule",
            STRING,
            "Identity rule: T3-BAL, T3-OUT, T3-ROW, T3-ROW-SUB, T4-SUM, NONNEG, TXT-T3, TXT-T4, X-CARRY; PRE-* for the pre-2019 forms.",
            False,
        ),
        _c("severity", STRING, "`hard` (true by template definition) or `soft` (flag for review).", False),
        _c("target", STRING, "Column key, row key, block key, `report`, or the cell key compared.", False),
        _c(
            "cells",
            LIST_STRING,
            "Cell keys involved (X-CARRY writes the earlier report's as `<report_id>:<key>`).",
            False,
        ),
        _c("left", pa.float64(), "Left-hand side (the total, or the number the prose states)."),
        _c("right", pa.float64(), "Right-hand side (the sum of the parts, or the table value)."),
        _c("difference", pa.float64(), "left − right; null when not assessable."),
        _c("outcome", STRING, "`pass`, `fail` or `not_assessable`.", False),
        _c("assumed_zero", LIST_STRING, "Blank or placeholder cells the check counted as 0.", False),
    ),
    "sections": (
        _c("report_id", STRING, "The report.", False),
        _c(
            "section",
            STRING,
            "`preamble`, `s1_overview`, `s2_active_disclosure`, `s3_requests`, `s4_review_litigation`, `s5_problems`, `s6_other`.",
            False,
        ),
        _c("heading", STRING, "The heading as printed (empty for the preamble)."),
        _c("text", STRING, "The section's prose, one paragraph per line (tables excluded)."),
    ),
    "unmapped": (
        _c("report_id", STRING, "The report.", False),
        _c(
            "table",
            STRING,
            "`t2`, `t3` or `t4`: the table the row or column was printed in; `pre` for a pre-2019 statistics form.",
            False,
        ),
        _c("label", STRING, "The row or column label as printed."),
        _c("values", LIST_STRING, "The printed values, as printed.", False),
        _c("locator", STRING, "JSON: where the row was read."),
    ),
}

#: Tables derived from the five above by ``ogi/analysis/`` (not kept in the working store). ``agencies``
#: is written as ``DIR/agencies.parquet`` at the end of every run; ``metrics`` by ``ogi export`` (every
#: format; ``--format parquet`` writes ``metrics.parquet``).
DERIVED: dict[str, tuple[Column, ...]] = {
    "agencies": (
        _c("report_id", STRING, "The report (see `reports`).", False),
        _c("source", STRING, "The source (one row per `reports` row).", False),
        _c("agency", STRING, "The body as printed in the title (repeated from `reports`)."),
        _c(
            "agency_name",
            STRING,
            "The name normalised by the `agency_id` rule: no whitespace, punctuation, bracketed notes or 中华人民共和国; 政府 → 人民政府, 管委会 → 管理委员会.",
        ),
        _c(
            "agency_corrected",
            pa.bool_(),
            "True when the printed name's place is not in the gazetteer and `agency_name` (with `agency_id` and the place columns) uses the one division one character away from it (沐阳县 → 沭阳县, under the city when one is printed); `agency` keeps the printed name.",
            False,
        ),
        _c(
            "agency_id",
            STRING,
            "Stable id of the body across years: `v1:` + 12 hex digits of SHA-1 over the gazetteer's province/city/county and the normalised rest of the name (see `ogi/dataset/agencies.py`); null without an agency.",
        ),
        _c(
            "level",
            STRING,
            "`省`, `市`, `县`, `乡镇` (a people's government of that level; 直辖市 are `省`, county-level cities and districts `县`), `部门` (a department of `government`), `功能区` (a zone's administration: 开发区, 实验区 …), null when the name does not tell.",
        ),
        _c(
            "government",
            STRING,
            "The people's government the body belongs to (itself for a government; 国务院 for national bodies); null when unclear or for a local branch of a national body.",
        ),
        _c("province", STRING, "Province from the gazetteer (null when the name does not place it)."),
        _c("city", STRING, "Prefecture-level city from the gazetteer (municipalities: themselves)."),
        _c(
            "county", STRING, "County-level division named (as printed when the gazetteer cannot tell which)."
        ),
        _c("township", STRING, "Township, town or street named (镇, 乡, 街道), as printed."),
        _c(
            "zone",
            STRING,
            "Functional zone named (开发区, 综合实验区, 新区 …) that the gazetteer does not list.",
        ),
        _c(
            "division_code",
            STRING,
            "Six-digit administrative division code of the finest division the gazetteer places; null for zones, unplaced or ambiguous names.",
        ),
        _c("year", pa.int16(), "Repeated from `reports`."),
        _c("scope", STRING, "Repeated from `reports`: `own`, `aggregate` or null."),
        _c("template_version", STRING, "Repeated from `reports`."),
        _c("status", STRING, "Repeated from `reports`."),
        _c("published", pa.date32(), "Repeated from `reports`."),
        _c("cells_read", pa.int32(), "Cells with a reading (every status but `ambiguous`).", False),
        _c("n_checks_failed", pa.int32(), "Repeated from `reports`.", False),
        _c(
            "canonical",
            pa.bool_(),
            "The one report counted for its (`agency_id`, `year`): status ok over partial, then more cells read, later publication, fewer failed hard checks, smallest source. False for the others and for rows that are not an `ok`/`partial` report with agency and year.",
            False,
        ),
        _c(
            "duplicate",
            STRING,
            "Why a report of a counted (agency, year) is not counted: `same_bytes` (identical file under another source) or `reissued` (different bytes); null otherwise.",
        ),
        _c("superseded_by", STRING, "The `source` counted instead, when `duplicate` is set."),
        _c("id_rule", STRING, "Version of the `agency_id` rule (`v1`).", False),
    ),
    "metrics": (
        _c("report_id", STRING, "The report.", False),
        _c("agency", STRING, "The body named in the report's title, as printed (repeated from `reports`)."),
        _c("year", pa.int16(), "Year covered (repeated from `reports`)."),
        _c("metric", STRING, "Metric name (see the metric definitions below).", False),
        _c("value", pa.float64(), "The metric's value; null when an input is missing or 0/0."),
        _c(
            "n",
            pa.float64(),
            "For a rate: its denominator, the count the rate is a share of (a rate of 1 of 2 says less "
            "than one of 1,000); null for other metrics and when the denominator is not known.",
        ),
    ),
}

#: ORDER BY clauses (contract §1).
SORT: dict[str, str] = {
    "reports": "year NULLS LAST, agency NULLS LAST, source",
    "cells": "year NULLS LAST, agency NULLS LAST, report_id, cell",
    "checks": "report_id, rule, target, cells",
    "sections": "report_id, ord",
    "unmapped": 'report_id, "table", locator, label',
    "agencies": "year NULLS LAST, agency_id NULLS LAST, source",
    "metrics": "report_id, metric",
}

VOCABULARIES: dict[str, dict[str, str]] = {
    "format": {
        "text_tab": "tab-indented text rendering of a Word report",
        "text_glued": "crawled page text with the table cells glued together",
        "text_plain": "plain text",
        "text_markdown": "Markdown with pipe tables (what PDF-to-Markdown converters write)",
        "html": "web page",
        "docx": "Word (OOXML)",
        "doc": "legacy Word, read through LibreOffice",
        "wps": "WPS Writer, read through LibreOffice",
        "xlsx": "Excel (OOXML)",
        "xls": "legacy Excel, read through LibreOffice",
        "pdf": "PDF with a text layer (some pages may be scanned)",
        "pdf_scanned": "PDF in which no page has usable text",
        "unknown": "not a format ogi reads",
    },
    "status": {
        "ok": "tables 二, 三 and 四 recognised and no template cell missing or ambiguous; whether the numbers add up is told by `checks`",
        "partial": "a report, but some table or cells could not be read or stayed ambiguous, or a blank template without values and year (`error` says which)",
        "not_a_report": "readable, but not an annual report (no template tables and no report title)",
        "attachment_only": "a page that only links to the report file",
        "needs_ocr": "the tables are images or the text layer is unusable, and OCR is not available",
        "needs_converter": "a legacy format (.doc, .wps, .xls) and LibreOffice is not installed",
        "unsupported_template": "a pre-2019 report printing a statistics form ogi does not know (its header in `error`, its rows in `unmapped`), or with neither a form nor a quantity in its prose",
        "failed": "unreadable: empty, corrupt, encrypted, timed out or over a resource limit",
    },
    "cell_status": {
        "value": "read directly from the cell",
        "blank": "printed empty (including full-width spaces and &nbsp;); value is null",
        "placeholder": "printed /, -, —, 无 and the like; value is null",
        "recovered": "split out of glued digits by the rule in locator.rule",
        "ambiguous": "several values possible; value is null; locator.candidates lists them",
        "ocr": "read by OCR; confidence in locator.confidence",
        "ocr_corrected": "an OCR digit corrected because exactly one value satisfies the identities (locator.rule)",
        "manual": "set by a person through the corrections file",
    },
    "outcome": {
        "pass": "the identity holds",
        "fail": "it does not: a source error or a misreading (see `ogi show`)",
        "not_assessable": "a needed cell is missing, ambiguous or set to null by hand, or a blank total sits beside printed values",
    },
    "year_source": {
        "title": "the report's title as printed in the document (wrapped, spaced or split lines joined; 二〇二二年 read as 2022)",
        "page_title": "the title the file keeps beside the text (a web page's <title>), when the document prints none",
        "prose": "what the report says of itself: its statistics period (统计期限自2022年1月1日起…) or 「现将…2022年度…年度报告公布如下」",
        "filename": "the file name, when the document states no year",
        "url": "the last part of the URL, when the document and the file name state no year (never its folders: they hold the publication date)",
    },
    "level": {
        "省": "a provincial people's government (including the four 直辖市)",
        "市": "a prefecture-level people's government",
        "县": "a county-level people's government (县, 区, 县级市, 旗)",
        "乡镇": "a township-level government (乡, 镇, 街道办事处)",
        "部门": "a department of a government (named in `government`), or a national body",
        "功能区": "the administration of a functional zone the gazetteer does not list (开发区, 综合实验区 …)",
    },
    "duplicate": {
        "same_bytes": "the same file under another source (`reports.duplicate_of` is set)",
        "reissued": "another report of the same body and year (a re-issue, or the page and its attachment); the one in `superseded_by` is counted",
    },
}

CELL_STATUSES = tuple(VOCABULARIES["cell_status"])
REPORT_STATUSES = tuple(VOCABULARIES["status"])
FORMATS = tuple(VOCABULARIES["format"])
OUTCOMES = tuple(VOCABULARIES["outcome"])
SECTIONS = (
    "preamble",
    "s1_overview",
    "s2_active_disclosure",
    "s3_requests",
    "s4_review_litigation",
    "s5_problems",
    "s6_other",
)


def arrow_schema(table: str) -> pa.Schema:
    columns = TABLES[table] if table in TABLES else DERIVED[table]
    return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in columns])
