"""Legacy Office files (formats ``doc``, ``wps``, ``xls``): converted by LibreOffice, then read as DOCX/XLSX.

Nothing in Python reads ``.doc`` tables with their merges reliably; LibreOffice does, and its ``.doc`` →
``.docx`` conversion keeps merged cells. Each conversion runs ``soffice --headless`` with a fresh
temporary profile (concurrent conversions never share one, and a crashed profile never lingers), in its
own process group, under a time limit (``ExtractOptions.convert_timeout``); on timeout the whole group
is killed. An encrypted file is refused before conversion: LibreOffice may wait for a password.
The report keeps the source's format (``doc``, ``wps``, ``xls``); ``meta["converted_with"]`` says how.

LibreOffice is an optional system dependency: without ``soffice`` the report is ``needs_converter``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ogi.extractors.detect import OLE_MAGIC, ole_problem, ole_streams
from ogi.extractors.model import Document, ExtractionError

INSTALL_HINT = "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui"
#: LibreOffice export filters by target format.
_FILTERS = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
_MACOS_SOFFICE = "/Applications/LibreOffice.app/Contents/MacOS/soffice"
DEFAULT_TIMEOUT = 120.0


def find_soffice() -> str | None:
    """The LibreOffice command on this machine, or None."""
    for command in ("soffice", "libreoffice"):
        path = shutil.which(command)
        if path:
            return path
    return _MACOS_SOFFICE if os.path.exists(_MACOS_SOFFICE) else None


def extract(data: bytes, fmt: str = "doc", name: str = "", options: object = None) -> Document:
    """Convert a legacy file with LibreOffice and read the result with the DOCX or XLSX extractor."""
    suffix = source_suffix(data, fmt)
    if data.startswith(OLE_MAGIC):
        problem = ole_problem(data)
        if problem:
            raise ExtractionError(problem, "failed")
    timeout = float(getattr(options, "convert_timeout", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT)
    target = "xlsx" if fmt == "xls" else "docx"
    converted = convert(data, suffix, target, timeout=timeout, what=fmt)
    if target == "xlsx":
        from ogi.extractors.xlsx import extract as read
    else:
        from ogi.extractors.docx import extract as read
    try:
        doc = read(converted, fmt=fmt, name=name, options=options)
    except ExtractionError as exc:
        raise ExtractionError(f"after conversion by LibreOffice: {exc.reason}", exc.status) from exc
    doc.meta["converted_with"] = f"LibreOffice ({suffix} → .{target})"
    return doc


def source_suffix(data: bytes, fmt: str) -> str:
    """The file name suffix LibreOffice should see: what the bytes are, not what the name said.

    A Kingsoft ``.wps`` holds a Word ``WordDocument`` stream and converts as a ``.doc``; a ``.doc``
    that is really RTF converts as ``.rtf``.
    """
    if data.lstrip()[:5] == b"{\\rtf":
        return ".rtf"
    if fmt == "xls":
        return ".xls"
    if fmt == "wps":
        streams = ole_streams(data) if data.startswith(OLE_MAGIC) else None
        return ".doc" if streams and "worddocument" in streams else ".wps"
    return ".doc"


def convert(data: bytes, suffix: str, target: str, *, timeout: float, what: str = "") -> bytes:
    """``data`` (a file ending in ``suffix``) converted by LibreOffice to ``target`` (``docx``/``xlsx``)."""
    what = what or suffix.lstrip(".")
    soffice = find_soffice()
    if soffice is None:
        raise ExtractionError(
            f"a .{what} file needs LibreOffice to be converted, and soffice is not installed "
            f"(Debian/Ubuntu: {INSTALL_HINT})",
            "needs_converter",
        )
    with tempfile.TemporaryDirectory(prefix="ogi-soffice-") as tmp:
        folder = Path(tmp)
        source = folder / f"source{suffix}"
        source.write_bytes(data)
        out = folder / "out"
        command = [
            soffice,
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            _FILTERS[target],
            "--outdir",
            str(out),
            str(source),
        ]
        env = {**os.environ, "HOME": str(folder)}
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.communicate()
            raise ExtractionError(
                f"LibreOffice did not convert the .{what} file within {timeout:g} s (timed out)"
            ) from None
        finally:
            _kill_group(proc)  # helpers LibreOffice may have left behind in its group
        result = out / f"source.{target}"
        if not result.is_file() or result.stat().st_size == 0:
            said = " ".join(output.decode("utf-8", errors="replace").split())[-200:]
            raise ExtractionError(
                f"LibreOffice could not convert the .{what} file (exit {proc.returncode}"
                + (f": {said}" if said else "")
                + ")"
            )
        return result.read_bytes()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError, AttributeError):
        os.killpg(proc.pid, signal.SIGKILL)
