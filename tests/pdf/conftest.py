"""PDF fixtures, built once per session.

Word documents from ``pdf_fixture_docs`` are converted by LibreOffice in ONE batched ``soffice`` call and
cached under ``tests/.cache/pdf/`` by a hash of their content, so later sessions convert nothing. Without
LibreOffice, or without a CJK font (LibreOffice would print the PDFs without their Chinese text; such a
PDF is never cached), these tests skip, except in CI (``OGI_CI=1``), where they fail.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import pdf_fixture_docs  # noqa: E402
import pdf_handmade  # noqa: E402

from tests.generators.libreoffice import NO_CJK, cjk_fonts, has_cjk_text, skip_or_fail  # noqa: E402

CORPUS = HERE.parent / "corpus"
CACHE = HERE.parent / ".cache" / "pdf"


def docx_key(data: bytes) -> str:
    """A hash of a DOCX's parts (python-docx stamps the zip entries with the time of saving)."""
    h = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in sorted(z.namelist()):
            h.update(name.encode())
            h.update(z.read(name))
    return h.hexdigest()[:20]


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(docs: dict[str, bytes]) -> dict[str, bytes]:
    """PDF bytes of each DOCX, from the cache or from one LibreOffice run over all missing ones."""
    keys = {name: docx_key(data) for name, data in docs.items()}
    missing = {name: data for name, data in docs.items() if not (CACHE / f"{keys[name]}.pdf").exists()}
    if missing:
        exe = _soffice()
        if exe is None:
            if os.environ.get("OGI_CI") == "1":
                pytest.fail("LibreOffice (soffice) is not installed; .ci/run installs it")
            pytest.skip("LibreOffice (soffice) is not installed")
        if not cjk_fonts():
            skip_or_fail(NO_CJK)
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            t = Path(tmp)
            inputs = []
            for name, data in missing.items():
                path = t / f"{keys[name]}.docx"
                path.write_bytes(data)
                inputs.append(str(path))
            profile = (t / "profile").as_uri()
            subprocess.run(
                [
                    exe,
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation={profile}",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(t / "out"),
                    *inputs,
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
            for name in missing:
                built = t / "out" / f"{keys[name]}.pdf"
                if not has_cjk_text(built.read_bytes()):
                    skip_or_fail(f"{name}: {NO_CJK}")
                shutil.move(str(built), CACHE / f"{keys[name]}.pdf")
    return {name: (CACHE / f"{keys[name]}.pdf").read_bytes() for name in docs}


@pytest.fixture(scope="session")
def office_pdfs() -> dict[str, bytes]:
    """The filled template in four layouts (``pdf_fixture_docs``) and ``notice`` (not a report)."""
    layouts = ("grid", "shaded", "threeline", "threeline-break")
    docs = {layout: pdf_fixture_docs.build(layout) for layout in layouts}
    docs["notice"] = pdf_fixture_docs.not_a_report()
    return convert(docs)


@pytest.fixture(scope="session")
def huaian() -> bytes:
    return (CORPUS / "huaian-city-2024.pdf").read_bytes()


@pytest.fixture(scope="session")
def wps_pdf() -> bytes:
    return pdf_handmade.wps_page()
