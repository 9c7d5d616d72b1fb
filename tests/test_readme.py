"""The README is the front door: its main command works on the bundled samples and its pandas example
runs on what that command writes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert m, title
    return m.group(1)


def test_the_readme_names_the_two_commands_ci_runs() -> None:
    two = _section("Two commands")
    assert "pip install -e . && ogi run" in two
    test_command = re.findall(r"pip install (?:-c \S+ )?-e '[^']*' && pytest", two)
    assert test_command, "the test command"
    assert test_command[0] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # The pins it installs exist and pin every package (a constraints file, as pip reads it).
    pins = re.search(r"-c (\S+)", test_command[0])
    assert pins, "the test command installs the pinned versions"
    lines = [
        line.strip()
        for line in (ROOT / pins.group(1)).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    pinned = re.compile(r"[A-Za-z0-9._-]+==[^\s=;]+( ; .+)?")  # a marker may say where a pin applies
    assert lines and all(pinned.fullmatch(line) for line in lines), lines[:5]
    assert {"pdfplumber", "pypdfium2", "pandas", "duckdb"} <= {line.split("==")[0].lower() for line in lines}


def test_ogi_run_without_arguments_reads_the_samples_and_the_pandas_example_runs(tmp_path: Path) -> None:
    # `ogi run` with its defaults, from a copy of the repository's layout (data/samples → data/out).
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "samples").symlink_to(ROOT / "data" / "samples")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "ogi", "run", "-q", "--jobs", "1"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    reports = pd.read_parquet(tmp_path / "data" / "out" / "reports.parquet")
    samples = sorted(p.name for p in (ROOT / "data" / "samples").iterdir())
    assert sorted(Path(s).name for s in reports["source"]) == samples
    assert set(reports["status"]) <= {"ok", "partial"}

    code = re.search(r"```python\n(.*?)```", _section("Five lines of pandas"), re.S)
    assert code
    lines = [line for line in code.group(1).splitlines() if line.strip() and not line.startswith("import")]
    assert len(lines) <= 5
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        scope: dict[str, object] = {}
        exec(compile(code.group(1), "README-pandas", "exec"), scope)
    finally:
        os.chdir(cwd)
    t3 = scope["t3"]
    assert isinstance(t3, pd.DataFrame)
    assert t3.loc[("嘉兴市统计局", 2022), "t3.new_received.total"] == 20
