"""The architecture's promises: layers that import one way, one per-document path everywhere, broken
imports that surface, and a refactor that leaves the dataset as it was."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_no_import_cycles() -> None:
    """No module of ``ogi`` imports itself back, at top level or inside a function."""
    import ast

    mods: dict[str, Path] = {}
    for f in (ROOT / "ogi").rglob("*.py"):
        rel = f.relative_to(ROOT).with_suffix("")
        mods[".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)] = f
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, f in mods.items():
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            for n in names:
                while n and n not in mods:
                    n = n.rpartition(".")[0]
                if n and n != m and mods[n].name != "__init__.py":
                    edges[m].add(n)
    # Tarjan's strongly connected components
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert cycles == []


def test_layers_hold() -> None:
    """The import-linter contracts of ``setup.cfg`` (cli > run > dataset > schema > extractors, analysis
    only reads, fetchers know no reader)."""
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(lint).exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_required_import_surfaces() -> None:
    """A required module that fails to import is an error, not a silently skipped output."""
    result = _python(
        "import sys; sys.modules['ogi.fetchers.cache'] = None\n"
        "try:\n    import ogi.run.pipeline\nexcept ImportError:\n    print('raised')\n"
    )
    assert result.stdout.strip() == "raised", result.stderr


def test_a_broken_extractor_import_is_not_a_file_status(monkeypatch: pytest.MonkeyPatch) -> None:
    """An extractor whose import fails says so (an internal error naming ImportError), never a status
    that reads like the file's own fault or an optional part of the installation."""
    import ogi.extractors as ex
    from ogi.run.source import read_source

    def broken(target: str) -> None:
        raise ImportError(f"cannot import {target}")

    monkeypatch.setattr(ex, "_load", broken)
    with pytest.raises(ImportError):
        ex.extract(b"<html><body><p>x</p></body></html>", "html")
    rows = read_source("a.html", b"<html><body><p>x</p></body></html>")
    assert rows.report["status"] == "failed" and "internal error ImportError" in rows.report["error"]
