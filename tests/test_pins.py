"""The pinned versions (requirements/constraints.txt) stay inside the ranges of setup.cfg: a range edited
without refreshing the pins would make the README's test command unsatisfiable, or test versions a user
can no longer get."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = ("test", "dask", "ocr")  # what the README's test command installs


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements() -> list[Requirement]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = cfg["options"]["install_requires"].splitlines()
    for extra in EXTRAS:
        lines += cfg["options.extras_require"][extra].splitlines()
    return [Requirement(line) for line in lines if line.strip() and not line.strip().startswith("#")]


def _pins() -> dict[str, list[str]]:
    """Name → pinned versions (several when markers pin one per Python version)."""
    out: dict[str, list[str]] = {}
    for line in (ROOT / "requirements" / "constraints.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        if m:
            out.setdefault(_name(m.group(1)), []).append(m.group(2))
    return out


def test_every_dependency_is_pinned_inside_its_range() -> None:
    pins = _pins()
    for req in _requirements():
        name = _name(req.name)
        assert name in pins, f"{req.name} is not pinned: refresh requirements/constraints.txt (README)"
        for version in pins[name]:
            assert req.specifier.contains(version, prereleases=True), (
                f"{req.name}=={version} is outside setup.cfg's {req.specifier}: refresh the pins (README)"
            )
