"""Every code block of docs/cookbook.md runs against the generated dataset and answers something."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import duckdb
import pytest

COOKBOOK = Path(__file__).parent.parent.parent / "docs" / "cookbook.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", COOKBOOK.read_text(encoding="utf-8"), flags=re.S)


@pytest.fixture
def in_data_out(dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder where ``data/out`` is the test dataset."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "out").symlink_to(dataset, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_five_questions_both_ways():
    assert len(_blocks("python")) == 5 and len(_blocks("sql")) == 5


@pytest.mark.parametrize("index", range(5))
def test_pandas_block_runs(in_data_out: Path, index: int):
    code = _blocks("python")[index]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"cookbook-python-{index + 1}", "exec"), {})
    assert "嘉兴市" in out.getvalue()


@pytest.mark.parametrize("index", range(5))
def test_sql_block_runs(in_data_out: Path, index: int):
    con = duckdb.connect()
    try:
        rows = con.sql(_blocks("sql")[index]).fetchall()
    finally:
        con.close()
    assert rows and any("嘉兴市" in str(r[0]) for r in rows)


def test_answers_agree(in_data_out: Path):
    """The SQL answers to questions 1 and 4 match the pandas ones (and ogi compare)."""
    con = duckdb.connect()
    try:
        q1 = con.sql(_blocks("sql")[0]).fetchall()
        q4 = con.sql(_blocks("sql")[3]).fetchall()
    finally:
        con.close()
    assert q1[0][0] == "嘉兴市生态环境局" and q1[0][1] == pytest.approx(2 / 7)
    assert q1[-1][0] == "嘉兴市档案馆" and q1[-1][1] is None
    assert q4[0][0] == "嘉兴市财政局" and q4[0][3] == 38
