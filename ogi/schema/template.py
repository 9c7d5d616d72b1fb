"""The national report template as data, loaded from the TOML files in ``schema/data``.

Everything ogi knows about the template's rows, columns, labels and versions lives in those files; this
module only turns them into small immutable objects and answers questions such as "which cell keys does
a 2019-format report have". Adding a template version means adding data there, not code here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

VERSIONS = ("2021", "2019")


@dataclass(frozen=True)
class Label:
    """A row or column of the template, with what it matches."""

    key: str
    label: str
    en: str = ""
    match: tuple[tuple[str, ...], ...] = ()
    exact: tuple[str, ...] = ()
    unit: str | None = None
    decimal: bool = False
    signed: bool = False
    group: str | None = None
    data: bool = True
    may_hold_values: bool = False
    optional: bool = False
    versions: tuple[str, ...] = VERSIONS
    single_in: tuple[str, ...] = ()

    def is_data_in(self, version: str) -> bool:
        """Whether this row has values of its own in a report of ``version``."""
        if version in self.single_in:
            return True
        return self.data and version in self.versions


def _label(d: dict[str, Any]) -> Label:
    return Label(
        key=d["key"],
        label=d["label"],
        en=d.get("en", ""),
        match=tuple(tuple(alt) for alt in d.get("match", ())),
        exact=tuple(d.get("exact", ())),
        unit=d.get("unit"),
        decimal=bool(d.get("decimal", False)),
        signed=bool(d.get("signed", False)),
        group=d.get("group"),
        data=bool(d.get("data", True)),
        may_hold_values=bool(d.get("may_hold_values", False)),
        optional=bool(d.get("optional", False)),
        versions=tuple(d.get("versions", VERSIONS)),
        single_in=tuple(d.get("single_in", ())),
    )


@dataclass(frozen=True)
class Item:
    """One 第二十条 sub-table of table 二 in one template version."""

    key: str
    caption: str
    number: str
    version: str
    rows: tuple[Label, ...]
    cols: tuple[Label, ...]


@dataclass(frozen=True)
class Rule:
    """An arithmetic identity (see ``identities.toml``)."""

    id: str
    severity: str
    each: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    totals: bool = False
    requires: str | None = None


@dataclass(frozen=True)
class ProsePhrase:
    """How the prose states a quantity that a table also holds."""

    rule: str
    quantity: str
    target: str
    compare: tuple[tuple[str, ...], ...]
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    """All versions of the template."""

    items: tuple[Item, ...]
    t3_columns: tuple[Label, ...]
    t3_column_groups: tuple[Label, ...]
    t3_rows: tuple[Label, ...]
    t4_blocks: tuple[Label, ...]
    t4_columns: tuple[Label, ...]
    t4_header: tuple[tuple[str, ...], ...]
    rules: tuple[Rule, ...]
    prose: tuple[ProsePhrase, ...]
    _by_key: dict[str, CellSpec] = field(default_factory=dict, compare=False, repr=False)

    # -- questions about keys -------------------------------------------------------------------------

    def items_of(self, version: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.version == version)

    def t3_row(self, key: str) -> Label:
        return next(r for r in self.t3_rows if r.key == key)

    def cell_keys(self, version: str, *, other_single_row: bool = False) -> list[str]:
        """The cell keys a complete report of ``version`` has, in template order.

        ``other_single_row``: the report prints （六）其他处理 as one data row (a 2021 variant).
        """
        keys = [
            f"t2.{item.key}.{row.key}.{col.key}"
            for item in self.items_of(version)
            for row in item.rows
            for col in item.cols
        ]
        for row in self.t3_data_rows(version, other_single_row=other_single_row):
            for col in self.t3_columns:
                if not col.optional:
                    keys.append(f"t3.{row.key}.{col.key}")
        for block in self.t4_blocks:
            for col in self.t4_columns:
                keys.append(f"t4.{block.key}.{col.key}")
        return keys

    def t3_data_rows(self, version: str, *, other_single_row: bool = False) -> list[Label]:
        rows = []
        for row in self.t3_rows:
            if other_single_row and row.may_hold_values:
                rows.append(row)
            elif other_single_row and row.group and self.t3_row(row.group).may_hold_values:
                continue
            elif row.is_data_in(version):
                rows.append(row)
        return rows

    def spec(self, key: str) -> CellSpec | None:
        """What the template says about one cell key (labels, unit, whether decimals are allowed)."""
        return self._by_key.get(key)

    def all_specs(self) -> list[CellSpec]:
        return list(self._by_key.values())


@dataclass(frozen=True)
class CellSpec:
    """One cell key of the template with its labels, for the data dictionary and value checks."""

    key: str
    table: str
    row_key: str
    col_key: str
    versions: tuple[str, ...]
    label_zh: str
    label_en: str
    unit: str | None
    decimal: bool
    signed: bool


def _specs(t: Template) -> dict[str, CellSpec]:
    specs: dict[str, CellSpec] = {}

    def add(
        key: str,
        table: str,
        row_key: str,
        col_key: str,
        version: Iterable[str],
        zh: str,
        en: str,
        unit: str | None,
        decimal: bool,
        signed: bool,
    ) -> None:
        old = specs.get(key)
        versions = tuple(sorted(set(version) | set(old.versions if old else ()), reverse=True))
        if old is not None and old.label_zh != zh:
            zh = f"{old.label_zh}｜{zh}"
        specs[key] = CellSpec(key, table, row_key, col_key, versions, zh, en, unit, decimal, signed)

    for item in t.items:
        for row in item.rows:
            for col in item.cols:
                add(
                    f"t2.{item.key}.{row.key}.{col.key}",
                    "t2",
                    f"{item.key}.{row.key}",
                    col.key,
                    [item.version],
                    f"{item.caption}／{row.label}／{col.label}",
                    f"Art. 20 ({item.number}): {row.en} — {col.en}",
                    col.unit,
                    col.decimal,
                    col.signed,
                )
    for row in t.t3_rows:
        versions = [v for v in VERSIONS if row.is_data_in(v) or row.may_hold_values]
        if not versions:
            continue
        for col in t.t3_columns:
            add(
                f"t3.{row.key}.{col.key}",
                "t3",
                row.key,
                col.key,
                versions,
                f"{row.label}／{col.label}",
                f"{row.en} — {col.en}",
                "件",
                False,
                False,
            )
    for block in t.t4_blocks:
        for col in t.t4_columns:
            add(
                f"t4.{block.key}.{col.key}",
                "t4",
                block.key,
                col.key,
                VERSIONS,
                f"{block.label}／{col.label}",
                f"{block.en} — {col.en}",
                "件",
                False,
                False,
            )
    return specs


def _read(name: str) -> dict[str, Any]:
    text = resources.files("ogi.schema").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def load() -> Template:
    """The template, read once per process."""
    t2 = _read("table2.toml")
    t3 = _read("table3.toml")
    t4 = _read("table4.toml")
    ids = _read("identities.toml")
    items = tuple(
        Item(
            key=item["key"],
            caption=item["caption"],
            number=item["number"],
            version=v["version"],
            rows=tuple(_label(r) for r in v["rows"]),
            cols=tuple(_label(c) for c in v["cols"]),
        )
        for item in t2["item"]
        for v in item["version"]
    )
    rules = tuple(
        Rule(
            id=r["id"],
            severity=r["severity"],
            each=r["each"],
            left=tuple(r["left"]),
            right=tuple(r["right"]),
            totals=bool(r.get("totals", False)),
            requires=r.get("requires"),
        )
        for r in ids["rule"]
    )
    prose = tuple(
        ProsePhrase(
            rule=p["rule"],
            quantity=p["quantity"],
            target=p["target"],
            compare=tuple(tuple(c) for c in p["compare"]),
            patterns=tuple(p["patterns"]),
        )
        for p in ids["prose"]
    )
    template = Template(
        items=items,
        t3_columns=tuple(_label(c) for c in t3["columns"]),
        t3_column_groups=tuple(_label(c) for c in t3["column_groups"]),
        t3_rows=tuple(_label(r) for r in t3["rows"]),
        t4_blocks=tuple(_label(b) for b in t4["blocks"]),
        t4_columns=tuple(_label(c) for c in t4["columns"]),
        t4_header=tuple(tuple(h) for h in t4["header"]),
        rules=rules,
        prose=prose,
    )
    template._by_key.update(_specs(template))
    return template
