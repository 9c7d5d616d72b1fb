"""Guards shared by the OOXML extractors (DOCX, XLSX) before a library unpacks a package."""

from __future__ import annotations

import zipfile
from io import BytesIO

from ogi.extractors.model import ExtractionError

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
