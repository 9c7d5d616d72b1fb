"""Guards shared by the OOXML extractors (DOCX, XLSX) before a library unpacks a package."""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO

from ogi.extractors.model import ExtractionError
from ogi.utils.text import strip_controls

#: python-docx and openpyxl unpack every part into memory; a package claiming more than this is refused.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024


def check_unpacked_size(data: bytes, what: str, limit: int | None = None) -> None:
    """Refuse a package whose parts unpack to more than ``limit`` bytes (a zip bomb, or a report with
    hundreds of megabytes of pictures); a damaged archive is left to the reader to report."""
    limit = MAX_UNPACKED_BYTES if limit is None else limit
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            total = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    if total > limit:
        raise ExtractionError(
            f"{what} too large: its parts unpack to {total // (1024 * 1024)} MB "
            f"(over the {limit // (1024 * 1024)} MB limit)"
        )


def without_xml_controls(data: bytes) -> bytes | None:
    """The package with the C0 control characters (``strip_controls``) taken out of its XML parts, or
    None when it has none (or is not a readable zip).

    XML 1.0 forbids them, so python-docx and openpyxl refuse the whole file for one stray byte a program
    wrote into a title or a cell; the readers retry with this copy. Only UTF-8 parts are cleaned (in UTF-8
    a byte below 0x20 is always that character, never part of another).
    """
    out = BytesIO()
    changed = False
    try:
        with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                content = src.read(info.filename)
                if info.filename.endswith((".xml", ".rels")):
                    try:
                        text = content.decode("utf-8")
                    except UnicodeDecodeError:
                        text = None
                    if text is not None:
                        cleaned = strip_controls(text)
                        if cleaned != text:
                            content = cleaned.encode("utf-8")
                            changed = True
                dst.writestr(info, content)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError):
        return None
    return out.getvalue() if changed else None


def count_in_parts(data: bytes, pattern: re.Pattern[bytes], prefix: str = "") -> int:
    """How often ``pattern`` occurs in the package's XML parts whose name starts with ``prefix`` (linear
    in their size, before a library builds objects for them); 0 when the package cannot be read."""
    total = 0
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            for info in z.infolist():
                if info.filename.startswith(prefix) and info.filename.endswith(".xml"):
                    total += sum(1 for _ in pattern.finditer(z.read(info.filename)))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, zlib.error):
        return 0
    return total
