"""The per-report metrics as data (``schema/data/metrics.toml``): names, labels, formulas, caveats.

Defined here once; ``ogi/analysis/metrics.py`` computes them and the data dictionary lists them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ogi.schema.template import VERSIONS

KINDS = ("sum", "ratio", "days_late", "fee_text")
PRE2019 = "pre2019"


@dataclass(frozen=True)
class Metric:
    name: str
    label_zh: str
    label_en: str
    kind: str
    formula: str
    caveats: str
    inputs: tuple[str, ...] = ()
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    unit: str | None = None
    versions: tuple[str, ...] = VERSIONS
    #: The same quantity read from pre-2019 reports (``pre.*`` keys), where the meaning matches (issue 17).
    pre_inputs: tuple[str, ...] = ()
    pre_numerator: tuple[str, ...] = ()
    pre_denominator: tuple[str, ...] = ()
    pre_caveats: str = ""

    @property
    def pre2019(self) -> bool:
        return bool(self.pre_inputs or self.pre_numerator)

    def parts(self, version: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """(inputs, numerator, denominator) for a template version, ``pre2019`` included."""
        if version == PRE2019:
            return self.pre_inputs, self.pre_numerator, self.pre_denominator
        return self.inputs, self.numerator, self.denominator

    @property
    def is_rate(self) -> bool:
        return self.kind == "ratio"

    @property
    def cells(self) -> tuple[str, ...]:
        """Every cell key or pattern the metric reads (numerator first: the cell its value links to)."""
        return self.inputs + self.numerator + self.denominator


@cache
def metrics() -> tuple[Metric, ...]:
    text = resources.files("ogi.schema").joinpath("data/metrics.toml").read_text(encoding="utf-8")
    out = []
    for d in tomllib.loads(text)["metric"]:
        m = Metric(
            name=d["name"],
            label_zh=d["label_zh"],
            label_en=d["label_en"],
            kind=d["kind"],
            formula=d["formula"],
            caveats=d["caveats"],
            inputs=tuple(d.get("inputs", ())),
            numerator=tuple(d.get("numerator", ())),
            denominator=tuple(d.get("denominator", ())),
            unit=d.get("unit", "share (0–1)" if d["kind"] == "ratio" else None),
            versions=tuple(d.get("versions", VERSIONS)) + ((PRE2019,) if "pre2019" in d else ()),
            pre_inputs=tuple(d.get("pre2019", {}).get("inputs", ())),
            pre_numerator=tuple(d.get("pre2019", {}).get("numerator", ())),
            pre_denominator=tuple(d.get("pre2019", {}).get("denominator", ())),
            pre_caveats=d.get("pre2019", {}).get("caveats", ""),
        )
        if m.kind not in KINDS:
            raise ValueError(f"metric {m.name}: unknown kind {m.kind!r}")
        out.append(m)
    names = [m.name for m in out]
    if len(set(names)) != len(names):
        raise ValueError("duplicate metric names in metrics.toml")
    return tuple(out)


def metric(name: str) -> Metric:
    for m in metrics():
        if m.name == name:
            return m
    raise KeyError(name)


def metric_names() -> tuple[str, ...]:
    return tuple(m.name for m in metrics())
