"""Legacy .doc/.wps/.xls through LibreOffice: the real conversion path, and what happens without it.

The real files are made once per session from the generated DOCX/XLSX (DOCX → ODT → DOC, because
LibreOffice 7.4 drops every table converting DOCX → DOC directly; XLSX → XLS), in one soffice call
per target format, cached by input hash under tests/.cache/.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from pathlib import Path

import pytest

from ogi.extractors import ExtractionError, ExtractOptions, detect, legacy
from ogi.run.source import read_source
from tests.generators.docx import fill_template
from tests.generators.expected import expected_cell, header_unit_of
from tests.generators.libreoffice import convert_batch, require_calc, require_soffice
from tests.generators.values import cell_keys, sample_sections, sample_values
from tests.generators.xlsx import fill_workbook

AGENCY = "某某区财政局"
TITLE = f"{AGENCY}2022年政府信息公开工作年度报告"


@pytest.fixture(scope="session")
def legacy_doc() -> bytes:
    """A .doc made by LibreOffice (Writer) from known values."""
    require_soffice()
    values = sample_values("2021")
    docx_bytes = fill_template(values, title=TITLE, sections=sample_sections(AGENCY, 2022, values))
    odt = convert_batch({"report.docx": docx_bytes}, "odt")["report.docx"]
    return convert_batch({"report.odt": odt}, "doc")["report.odt"]


@pytest.fixture(scope="session")
def legacy_sheets() -> dict[str, bytes]:
    """An .xls made by LibreOffice Calc from known values, and the workbook with its formulas computed
    by Calc (skipped where only Writer is installed)."""
    require_calc()
    workbook = fill_workbook(sample_values("2021"), title=TITLE, formulas=True)
    xls = convert_batch({"tables.xlsx": workbook}, "xls")["tables.xlsx"]
    computed = convert_batch({"tables.xlsx": workbook}, "xlsx")["tables.xlsx"]
    return {"xls": xls, "xlsx": computed}


def assert_values(rows, values, version="2021"):
    got = {c["cell"]: c for c in rows.cells}
    assert sorted(got) == sorted(cell_keys(version))
    for key in cell_keys(version):
        value, status, unit = expected_cell(values.get(key, ""), header_unit_of(key))
        assert (got[key]["value"], got[key]["status"], got[key]["unit"]) == (value, status, unit), key


@pytest.mark.slow
def test_doc_is_read_through_libreoffice(legacy_doc):
    data = legacy_doc
    assert detect(data, "report.doc") == "doc"
    rows = read_source("report.doc", data, name="report.doc")
    assert {k: rows.report[k] for k in ("format", "status", "template_version", "agency", "year")} == {
        "format": "doc",
        "status": "ok",
        "template_version": "2021",
        "agency": AGENCY,
        "year": 2022,
    }
    assert_values(rows, sample_values("2021"))
    assert rows.report["n_checks_failed"] == 0


@pytest.mark.slow
def test_xls_is_read_through_libreoffice_with_its_formulas_computed(legacy_sheets):
    data = legacy_sheets["xls"]
    assert detect(data, "tables.xls") == "xls"
    rows = read_source("tables.xls", data, name="tables.xls")
    assert (rows.report["format"], rows.report["status"], rows.report["template_version"]) == (
        "xls",
        "ok",
        "2021",
    )
    assert_values(rows, sample_values("2021"))


@pytest.mark.slow
def test_formulas_computed_by_a_spreadsheet_are_read_as_their_values(legacy_sheets):
    rows = read_source("computed.xlsx", legacy_sheets["xlsx"])
    assert rows.report["status"] == "ok"
    assert_values(rows, sample_values("2021"))


# -- without a working LibreOffice ----------------------------------------------------------------------


def _fake_soffice(folder: Path, script: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "soffice"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def _an_ole_doc(tmp_path: Path) -> bytes:
    """A minimal OLE file holding a WordDocument stream: what detection and the checks before the
    conversion look at (no LibreOffice needed to test the routing around it)."""
    return _ole_with_streams({"WordDocument": b"\xec\xa5" + b"\x00" * 1022, "1Table": b"\x00" * 1024})


def _ole_with_streams(streams: dict[str, bytes]) -> bytes:
    from tests.generators.ole import write_ole

    return write_ole(streams)


def test_without_libreoffice_the_report_needs_a_converter(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(legacy, "_MACOS_SOFFICE", str(tmp_path / "nowhere"))
    data = _an_ole_doc(tmp_path)
    rows = read_source("old.doc", data, name="old.doc")
    assert (rows.report["format"], rows.report["status"]) == ("doc", "needs_converter")
    assert "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui" in rows.report["error"]
    xls = _ole_with_streams({"Workbook": b"\x09\x08" + b"\x00" * 1022})
    rows = read_source("old.xls", xls, name="old.xls")
    assert (rows.report["format"], rows.report["status"]) == ("xls", "needs_converter")


def test_a_hanging_conversion_is_killed_with_its_whole_process_group(tmp_path, monkeypatch):
    pids = tmp_path / "pids"
    _fake_soffice(tmp_path / "bin", f"/bin/sleep 60 &\necho $! > {pids}\nexec /bin/sleep 60\n")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    started = time.monotonic()
    with pytest.raises(ExtractionError) as err:
        legacy.extract(_an_ole_doc(tmp_path), "doc", options=ExtractOptions(convert_timeout=1.0))
    assert time.monotonic() - started < 10
    assert err.value.status == "failed"
    assert "timed out" in err.value.reason
    child = int(pids.read_text())
    assert _gone(child), "the converter's child process survived the timeout"


def _gone(pid: int, wait: float = 3.0) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # killed but not reaped yet (no init process reaping orphans in some containers)
            if Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] in ("Z", "X"):
                return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def test_a_failed_conversion_says_so(tmp_path, monkeypatch):
    _fake_soffice(tmp_path / "bin", "echo 'Error: source file could not be loaded'\nexit 1\n")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    rows = read_source("old.doc", _an_ole_doc(tmp_path), name="old.doc")
    assert (rows.report["format"], rows.report["status"]) == ("doc", "failed")
    assert "LibreOffice could not convert" in rows.report["error"]
    assert "could not be loaded" in rows.report["error"]


def test_encrypted_legacy_files_are_refused_before_conversion(tmp_path, monkeypatch):
    calls = tmp_path / "calls"
    _fake_soffice(tmp_path / "bin", f"echo called >> {calls}\nexit 1\n")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    # fEncrypted is bit 0 of byte 0x0B of the FIB at the start of the WordDocument stream.
    fib = bytearray(b"\xec\xa5" + b"\x00" * 1022)
    fib[0x0B] |= 0x01
    data = _ole_with_streams({"WordDocument": bytes(fib), "1Table": b"\x00" * 1024})
    rows = read_source("secret.doc", data, name="secret.doc")
    assert (rows.report["format"], rows.report["status"]) == ("doc", "failed")
    assert "password-protected" in rows.report["error"]
    assert not calls.exists()


def test_a_truncated_ole_file_fails_without_conversion(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    data = _an_ole_doc(tmp_path)[:700]
    rows = read_source("cut.doc", data, name="cut.doc")
    assert (rows.report["format"], rows.report["status"]) == ("doc", "failed")
    assert "corrupt" in rows.report["error"]


def test_what_libreoffice_is_told_the_file_is():
    doc = _ole_with_streams({"WordDocument": b"\xec\xa5" + b"\x00" * 1022})
    works = _ole_with_streams({"CONTENTS": b"\x00" * 1024})
    assert detect(doc, "report.wps") == "wps"
    assert legacy.source_suffix(doc, "wps") == ".doc"  # Kingsoft .wps holds a Word document
    assert legacy.source_suffix(works, "wps") == ".wps"
    assert legacy.source_suffix(b"{\\rtf1\\ansi ...}", "doc") == ".rtf"
    assert detect(b"{\\rtf1\\ansi ...}", "report.doc") == "doc"
    assert legacy.source_suffix(doc, "xls") == ".xls"


def test_ole_detection_reads_the_directory():
    assert detect(_ole_with_streams({"WordDocument": b"\x00" * 1024}), "x.bin") == "doc"
    assert detect(_ole_with_streams({"Workbook": b"\x00" * 1024}), "") == "xls"
    assert detect(_ole_with_streams({"Book": b"\x00" * 1024}), "") == "xls"
    assert detect(_ole_with_streams({"PowerPoint Document": b"\x00" * 1024}), "x.doc") == "unknown"
    ole = _ole_with_streams({"EncryptedPackage": b"\x00" * 1024, "EncryptionInfo": b"\x00" * 1024})
    assert detect(ole, "a.docx") == "docx" and detect(ole, "a.xlsx") == "xlsx"
    rows = read_source("slides.ppt", _ole_with_streams({"PowerPoint Document": b"\x00" * 1024}))
    assert rows.report["error"] == "an OLE (Office 97) file that is not a Word or Excel document"


def test_real_soffice_is_found_when_installed():
    if shutil.which("soffice") is None and not os.environ.get("OGI_CI"):
        pytest.skip("LibreOffice not installed")
    assert legacy.find_soffice() is not None


def test_fixtures_needing_calc_are_told_apart_from_writer_only(tmp_path):
    """Debian installs Writer and Calc as separate packages: with Writer alone, the spreadsheet fixtures
    skip (``require_calc``) instead of failing in LibreOffice."""
    from tests.generators.libreoffice import has_calc

    program = tmp_path / "program"
    program.mkdir()
    (program / "soffice").write_text("")
    (program / "libswlo.so").write_text("")
    assert not has_calc(str(program / "soffice"))
    (program / "libsclo.so").write_text("")
    assert has_calc(str(program / "soffice"))
    assert has_calc(str(tmp_path / "elsewhere" / "soffice"))  # an unknown layout: assume it is there
