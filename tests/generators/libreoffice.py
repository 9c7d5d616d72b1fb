"""Batched, cached LibreOffice conversions for building legacy fixtures (``.doc``, ``.xls``).

LibreOffice is slow to start (about 2 s), so every file needing the same target format goes through one
``soffice`` call, and results are cached under ``tests/.cache/libreoffice/`` by the hash of the input
bytes, the target and the LibreOffice version. (ogi's own extractor starts a fresh profile for every
conversion; this builder reuses one profile to stay fast.)

Tests that need LibreOffice call ``require_soffice()``: it skips on a developer machine without it and
fails under CI (``OGI_CI=1``), where ``.ci/run`` installs it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pytest

CACHE = Path(__file__).resolve().parents[1] / ".cache" / "libreoffice"
_FILTERS = {
    "odt": "odt",
    "doc": "doc:MS Word 97",
    "docx": "docx:MS Word 2007 XML",
    "xls": "xls:MS Excel 97",
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "pdf": "pdf:writer_pdf_Export",
}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """The soffice command; skip without it, except under CI where it must be installed."""
    path = soffice()
    if path is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui"
        if os.environ.get("OGI_CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def _version(command: str) -> str:
    """What identifies the installed LibreOffice without starting it (about 0.6 s a start)."""
    path = Path(os.path.realpath(command))
    info = path.stat()
    return f"{path}:{info.st_size}:{int(info.st_mtime)}"


def convert_batch(files: Mapping[str, bytes], target: str, timeout: float = 180) -> dict[str, bytes]:
    """``{name: bytes}`` (names carry the source suffix) converted to ``target``, in one soffice call
    for whatever is not cached yet."""
    command = require_soffice()
    version = _version(command)
    CACHE.mkdir(parents=True, exist_ok=True)
    keys = {
        name: hashlib.sha256(data + target.encode() + version.encode()).hexdigest()[:24]
        for name, data in files.items()
    }
    out: dict[str, bytes] = {}
    todo = {}
    for name, data in files.items():
        cached = CACHE / f"{keys[name]}.{target}"
        if cached.is_file():
            out[name] = cached.read_bytes()
        else:
            todo[name] = data
    if not todo:
        return out
    with tempfile.TemporaryDirectory(prefix="ogi-fixtures-") as tmp:
        folder = Path(tmp)
        inputs = []
        for i, (name, data) in enumerate(todo.items()):
            path = folder / "in" / f"f{i}{Path(name).suffix}"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
            inputs.append((name, path))
        profile = CACHE / "profile"
        subprocess.run(
            [
                command,
                "--headless",
                "--norestore",
                f"-env:UserInstallation={profile.as_uri()}",
                "--convert-to",
                _FILTERS[target],
                "--outdir",
                str(folder / "out"),
                *[str(p) for _n, p in inputs],
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        for name, path in inputs:
            result = folder / "out" / f"{path.stem}.{target}"
            if not result.is_file():
                raise RuntimeError(f"LibreOffice did not convert {name} to {target}")
            data = result.read_bytes()
            (CACHE / f"{keys[name]}.{target}").write_bytes(data)
            out[name] = data
    return out
