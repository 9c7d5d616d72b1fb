"""Batched, cached LibreOffice conversions for building legacy fixtures (``.doc``, ``.xls``).

LibreOffice is slow to start (about 2 s), so every file needing the same target format goes through one
``soffice`` call, and results are cached under ``tests/.cache/libreoffice/`` by the hash of the input
bytes, the target and the LibreOffice version. (ogi's own extractor starts a fresh profile for every
conversion; this builder reuses one profile to stay fast.)

Tests that need LibreOffice call ``require_soffice()``: it skips on a developer machine without it and
fails under CI (``OGI_CI=1``), where ``.ci/run`` installs it. A fixture LibreOffice cannot build
correctly on this machine is skipped the same way, with the reason: a spreadsheet conversion when only
Writer is installed (no Calc), a PDF when no CJK font is installed (LibreOffice would print it without
its Chinese text; such a PDF is never cached).
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
    "pdf": "pdf:writer_pdf_Export",
    "doc": "doc:MS Word 97",
    "docx": "docx:MS Word 2007 XML",
    "xls": "xls:MS Excel 97",
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def skip_or_fail(message: str) -> None:
    """Skip, except under CI, where ``.ci/run`` installs everything the fixtures need."""
    if os.environ.get("OGI_CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_soffice() -> str:
    """The soffice command; skip without it, except under CI where it must be installed."""
    path = soffice()
    if path is None:
        skip_or_fail(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui"
        )
        raise AssertionError("unreachable")
    return path


def has_calc(command: str) -> bool:
    """Whether LibreOffice's spreadsheet module is installed beside ``command`` (Debian packages Writer
    and Calc apart; soffice without Calc cannot open or write a workbook). An unknown layout counts as
    having it."""
    program = Path(os.path.realpath(command)).parent
    if not any(program.glob("libswlo.*")):
        return True
    return any(program.glob("libsclo.*"))


def require_calc() -> str:
    command = require_soffice()
    if not has_calc(command):
        skip_or_fail(
            "LibreOffice Calc is not installed (only Writer): apt-get install libreoffice-calc-nogui"
        )
    return command


def cjk_fonts() -> list[str]:
    """The CJK font files fontconfig (which LibreOffice uses) knows."""
    if shutil.which("fc-list") is None:
        return []
    done = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=60)
    return [line.split(":", 1)[0] for line in done.stdout.splitlines() if line.strip()]


NO_CJK = (
    "no CJK font installed (fc-list :lang=zh is empty): LibreOffice would print the fixture's PDF without"
    " its Chinese text; apt-get install fonts-noto-cjk"
)


def has_cjk_text(pdf: bytes) -> bool:
    """Whether a PDF has any Chinese character in its text layer."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        for page in doc:
            text = page.get_textpage().get_text_range()
            if any("\u4e00" <= ch <= "\u9fff" for ch in text):
                return True
        return False
    finally:
        doc.close()


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
    sheets = (".xls", ".xlsx", ".ods")
    if target in ("xls", "xlsx") or any(Path(name).suffix.lower() in sheets for name in todo):
        require_calc()
    if target == "pdf" and not cjk_fonts():
        skip_or_fail(NO_CJK)
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
            if target == "pdf" and not has_cjk_text(data):
                skip_or_fail(f"{name}: {NO_CJK}")
            (CACHE / f"{keys[name]}.{target}").write_bytes(data)
            out[name] = data
    return out
