"""Agencies: who published each report, where it sits, and which report counts for an (agency, year).

Written as ``DIR/agencies.parquet`` at the end of every run (the pipeline calls ``write_agencies``), one
row per ``reports`` row. Reads the dataset only.

**agency_id, rule v1.** The printed name is normalised (``normalise_name``): NFKC; whitespace,
punctuation and bracketed notes (「（本级）」「(原XX局)」) removed; 「中华人民共和国」 removed; the
variants in ``NAME_VARIANTS`` unified (市政府 → 市人民政府, 管委会 → 管理委员会, 政府办 → 政府办公室,
…街道 → …街道办事处). The normalised name is placed with the gazetteer (``ogi.schema.places``); the key is the text
before the place names, the gazetteer's province, city and county names, the township and zone as printed
and the rest of the name, joined by ``|``; ``agency_id`` = ``v1:`` + the first 12 hex digits of SHA-1 of
that key. So 「浙江省嘉兴市统计局」 and 「嘉兴市统计局」 are one body, and so are 「嘉兴市政府」 and
「嘉兴市人民政府」; a body renamed (统计局 → 统计和普查局) is a new one. A later rule gets a new prefix
(``v2:``), never a silent change; ``id_rule`` says which rule made an id.

**A misprinted place name** (an OCR or typing slip: 宿迁市沐阳县 for 宿迁市沭阳县) that the gazetteer
cannot place is corrected when exactly one division is one character away (``ogi.schema.places.corrected_name``):
``agency`` keeps the printed name, ``agency_name``, ``agency_id`` and the place columns are the corrected
body's, and ``agency_corrected`` is true. So a slip does not split one body in two; a correctly printed
name is never changed.

**One report per (agency_id, year).** Among the rows that are a report (status ``ok`` or ``partial``, with
an agency and a year) the counted one is: status ``ok`` before ``partial``; then more cells read (every
cell status but ``ambiguous``); then the later publication date (unknown last); then fewer failed hard
checks; then the smallest ``source``. The others get ``canonical`` false, ``duplicate`` = ``same_bytes``
(identical file) or ``reissued`` (other bytes: a re-issue, or the page and its attachment) and
``superseded_by`` = the counted source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ogi.dataset.datapackage import write_datapackage
from ogi.dataset.parquet import write_parquet_atomic
from ogi.schema.dataset import arrow_schema
from ogi.schema.places import Place, corrected_name, place

ID_RULE = "v1"

#: Ordered (pattern, replacement) pairs unifying printed variants of one name (rule v1).
NAME_VARIANTS: tuple[tuple[str, str], ...] = (
    (r"管委会", "管理委员会"),
    (r"政府办(?![公事])", "政府办公室"),
    (r"(?<!人民)政府", "人民政府"),
    (r"街道$", "街道办事处"),
)
_REMOVE = ("中华人民共和国",)
_BRACKETED = re.compile(r"[（(【〔\[［][^（()）【】〔〕\[\]［］]*[）)】〕\]］]")
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
_NATIONAL = re.compile(r"^(?:中华人民共和国|国务院|国家|中国|中央)")
_GOVERNMENT_RESTS = ("", "人民政府")
_ZONE_GOVERNMENT_RESTS = ("", "管理委员会", "人民政府")
_TOWNSHIP_RESTS = ("", "人民政府", "办事处", "街道办事处")
_LEVEL_OF_RANK = {0: "省", 1: "市", 2: "县"}
REPORT_STATUSES = ("ok", "partial")


def normalise_name(name: str | None) -> str | None:
    """The printed name in rule v1's normal form (see the module docstring)."""
    if not name:
        return None
    s = unicodedata.normalize("NFKC", name)
    s = re.sub(r"\s+", "", s)
    for _ in range(2):  # nested brackets
        s = _BRACKETED.sub("", s)
    for word in _REMOVE:
        s = s.replace(word, "")
    s = _PUNCT.sub("", s)
    for pattern, repl in NAME_VARIANTS:
        s = re.sub(pattern, repl, s)
    return s or None


@dataclass(frozen=True)
class Agency:
    """A body named in a report title, normalised and placed."""

    agency_name: str | None
    agency_id: str | None
    level: str | None
    government: str | None
    place: Place
    #: The place name in ``agency_name`` is the gazetteer's, not the printed one (``corrected_name``).
    corrected: bool = False


def _key(name: str, p: Place) -> str:
    prefix = name[: p.start] if p.start else ""
    parts = [prefix, p.province, p.city, p.county, p.township, p.zone, p.rest]
    return "|".join(x or "" for x in parts)


def _normalised(name: str | None) -> tuple[str | None, bool]:
    """The normalised name with a misprinted place name corrected by the gazetteer, and whether it was."""
    norm = normalise_name(name)
    fixed = corrected_name(norm)
    return (fixed, True) if fixed is not None else (norm, False)


def agency_id_of(name: str | None) -> str | None:
    """``v1:`` + 12 hex digits: the same body across years (rule in the module docstring)."""
    norm, _ = _normalised(name)
    if norm is None:
        return None
    digest = hashlib.sha1(_key(norm, place(norm)).encode("utf-8")).hexdigest()
    return f"{ID_RULE}:{digest[:12]}"


def _level(name: str, p: Place) -> tuple[str | None, str | None]:
    """(level, government) from the name's structure."""
    if p.start is None:
        if _NATIONAL.match(name):
            return "部门", "国务院"
        return None, None
    if p.start > 0:  # a local branch of a national body (国家税务总局嘉兴市税务局)
        return "部门", None
    if p.zone is not None:
        zone_government = f"{p.zone}管理委员会"
        if p.rest in _ZONE_GOVERNMENT_RESTS:
            return "功能区", zone_government
        return "部门", zone_government
    if p.township is not None:
        suffix = "人民政府" if p.township.endswith(("镇", "乡", "苏木")) else "办事处"
        return "乡镇", f"{p.township}{suffix}"
    finest = p.county or p.city or p.province
    if finest is None:
        return None, None
    rank = 2 if p.ambiguous else p.rank
    government = f"{finest}人民政府"
    if p.rest in _GOVERNMENT_RESTS:
        return _LEVEL_OF_RANK.get(rank) if rank is not None else None, government
    return "部门", government


def describe(agency: str | None) -> Agency:
    """Normalise, identify and place one printed agency name."""
    norm, corrected = _normalised(agency)
    if norm is None:
        return Agency(None, None, None, None, Place())
    p = place(norm)
    level, government = _level(norm, p)
    return Agency(norm, agency_id_of(agency), level, government, p, corrected)


# -- the table ---------------------------------------------------------------------------------------


#: The cells a report has read, as the counted-report rule counts them (SQL, over a ``cells`` table).
CELLS_READ_SQL = "count(*) FILTER (WHERE status <> 'ambiguous')"


def _cells_read(dataset: Path) -> dict[str, int]:
    path = dataset / "cells.parquet"
    if not path.exists():
        return {}
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT report_id, {CELLS_READ_SQL} FROM read_parquet(?) GROUP BY 1",
            [str(path)],
        ).fetchall()
    finally:
        con.close()
    return {rid: int(n) for rid, n in rows}


def counted_first(row: dict[str, Any]) -> tuple[Any, ...]:
    """Sort key putting the report counted for its (agency, year) first (the rule in the docstring)."""
    published: dt.date | None = row["published"]
    return (
        0 if row["status"] == "ok" else 1,
        -row["cells_read"],
        -(published.toordinal() if published else 0),
        row["n_checks_failed"],
        row["source"],
    )


def agency_rows(reports: list[dict[str, Any]], cells_read: dict[str, int]) -> list[dict[str, Any]]:
    """One agencies row per reports row, with the canonical choice made."""
    out = []
    for r in reports:
        a = describe(r.get("agency"))
        p = a.place
        out.append(
            {
                "report_id": r["report_id"],
                "source": r["source"],
                "agency": r.get("agency"),
                "agency_name": a.agency_name,
                "agency_corrected": a.corrected,
                "agency_id": a.agency_id,
                "level": a.level,
                "government": a.government,
                "province": p.province,
                "city": p.city,
                "county": p.county,
                "township": p.township,
                "zone": p.zone,
                "division_code": p.code,
                "year": r.get("year"),
                "scope": r.get("scope"),
                "template_version": r.get("template_version"),
                "status": r["status"],
                "published": r.get("published"),
                "cells_read": cells_read.get(r["report_id"], 0),
                "n_checks_failed": int(r.get("n_checks_failed") or 0),
                "canonical": False,
                "duplicate": None,
                "superseded_by": None,
                "id_rule": ID_RULE,
            }
        )
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in out:
        if row["agency_id"] and row["year"] is not None and row["status"] in REPORT_STATUSES:
            groups.setdefault((row["agency_id"], int(row["year"])), []).append(row)
    for rows in groups.values():
        rows.sort(key=counted_first)
        first = rows[0]
        first["canonical"] = True
        for other in rows[1:]:
            other["duplicate"] = "same_bytes" if other["report_id"] == first["report_id"] else "reissued"
            other["superseded_by"] = first["source"]
    return out


def _sort_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["year"] is None,
        row["year"] or 0,
        row["agency_id"] is None,
        row["agency_id"] or "",
        row["source"],
    )


def build_agencies(dataset: Path) -> pa.Table:
    """The agencies table for the dataset folder ``dataset``, sorted (year, agency_id, source)."""
    dataset = Path(dataset)
    reports = pq.read_table(dataset / "reports.parquet").to_pylist()
    rows = agency_rows(reports, _cells_read(dataset))
    rows.sort(key=_sort_key)
    return pa.Table.from_pylist(rows, schema=arrow_schema("agencies"))


def write_agencies(out_dir: Path, run_id: str | None = None) -> Path:
    """Write ``out_dir/agencies.parquet`` (atomically) and ``datapackage.json`` beside it."""
    out_dir = Path(out_dir)
    table = build_agencies(out_dir)
    target = out_dir / "agencies.parquet"
    write_parquet_atomic(target, table.schema, table.to_batches(), run_id)
    write_datapackage(out_dir)
    return target
