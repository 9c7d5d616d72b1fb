"""Fuzz targets, one per input format: damaged files never stop a run (issue 15).

Each target mutates seed files of its format (generated reports, the real reports of ``tests/corpus``,
messy pages of ``bench/html_fuzz.py``) with ``tests/generators/mutate.py`` and holds the per-file promise:

- the format's extractor returns a ``Document`` or raises ``ExtractionError`` (no other exception), and
  what it returns goes through recognition and the checks without an exception;
- ``read_source`` gives the file its one report row, with a status of the contract's vocabulary and a
  one-line reason when it is not read, never an ``internal error``;
- both within ``LIMIT`` seconds;
- and ``ogi run`` over a folder of damaged files of every format writes one row per file.

OCR is switched off (a page it would read takes seconds; the OCR tests cover it), and LibreOffice is not
started for ``.doc`` (the checks of the OLE file before conversion are what is fuzzed there).

CI draws ``OGI_FUZZ_EXAMPLES`` (default 12) examples per format, the same every run (the derandomized
``ci`` profile). Fuzz longer, with new examples every run (README, "Fuzzing"):

    OGI_FUZZ_EXAMPLES=1000 HYPOTHESIS_PROFILE=explore python -m pytest tests/test_fuzz.py -x
"""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ogi.extractors import ExtractionError, extract
from ogi.extractors.model import Document
from ogi.run.source import extraction_options, read_source
from ogi.schema.dataset import REPORT_STATUSES
from ogi.schema.report import interpret
from tests.generators import mutate
from tests.generators.report import generate

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
EXAMPLES = int(os.environ.get("OGI_FUZZ_EXAMPLES", "12"))
#: Seconds one mutated file may take to extract and to read (a generous bound on a loaded 2-core machine;
#: the seeds take well under a second).
LIMIT = 30.0

FUZZ = settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def _generated(module: str, seeds: tuple[int, ...] = (3, 8)) -> list[bytes]:
    import importlib

    render = importlib.import_module(f"tests.generators.{module}").render
    return [render(generate(seed))[0] for seed in seeds]


def _html_seeds() -> list[bytes]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import html_fuzz
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return [
        *_generated("html"),
        (CORPUS / "shanghai-govoffice-2019.html").read_bytes(),
        html_fuzz.page(5),
        html_fuzz.page(11),
    ]


def _pdf_seeds() -> list[bytes]:
    sys.path.insert(0, str(ROOT / "tests" / "pdf"))
    try:
        import pdf_handmade
    finally:
        sys.path.remove(str(ROOT / "tests" / "pdf"))
    return [(CORPUS / "huaian-city-2024.pdf").read_bytes(), pdf_handmade.wps_page(), pdf_handmade.garbled()]


def _ole_seeds() -> list[bytes]:
    from tests.generators.ole import write_ole

    word = write_ole({"WordDocument": b"\xec\xa5\xc1\x00" + bytes(60), "1Table": bytes(512)})
    sheet = write_ole({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + bytes(64)})
    return [word, sheet]


#: format → (file name suffix, seeds, tokens for byte edits).
SEEDS: dict[str, tuple[str, Callable[[], list[bytes]], list[bytes]]] = {
    "text_tab": (
        ".txt",
        lambda: [*_generated("text_tab"), (CORPUS / "jiaxing-stats-2022.txt").read_bytes()],
        mutate.TEXT_TOKENS,
    ),
    "text_glued": (
        ".txt",
        lambda: [*_generated("glued"), (CORPUS / "pingtan-2021-crawled.txt").read_bytes()],
        mutate.TEXT_TOKENS,
    ),
    "html": (".html", _html_seeds, mutate.TEXT_TOKENS),
    "docx": (".docx", lambda: [*_generated("docx"), (CORPUS / "agency-template-2021.docx").read_bytes()], []),
    "xlsx": (".xlsx", lambda: _generated("xlsx"), []),
    "pdf": (".pdf", _pdf_seeds, mutate.PDF_TOKENS),
    "doc": (".doc", _ole_seeds, []),
}


@functools.cache
def seeds(fmt: str) -> list[bytes]:
    return SEEDS[fmt][1]()


def _seed(data: st.DataObject, fmt: str) -> bytes:
    """A seed, drawn by its index (so that a failing example prints a number, not the file)."""
    return seeds(fmt)[data.draw(st.integers(0, len(seeds(fmt)) - 1), label=f"seed of {fmt}")]


def check_promise(data: bytes, fmt: str) -> None:
    """The per-file promise for one (mutated) file of format ``fmt``."""
    suffix = SEEDS[fmt][0]
    options = dataclasses.replace(extraction_options(), ocr=False)
    started = time.perf_counter()
    try:
        doc = extract(data, fmt, name=f"fuzz{suffix}", options=options)
    except ExtractionError as exc:
        assert exc.reason and exc.status in REPORT_STATUSES, (exc.reason, exc.status)
    else:
        assert isinstance(doc, Document)
        interpret(doc)
    extracted = time.perf_counter() - started
    rows = read_source(f"fuzz{suffix}", data, options)
    report = rows.report
    assert report["status"] in REPORT_STATUSES
    error = report["error"]
    assert error is None or (error and "\n" not in error and not error.startswith("internal error")), error
    assert report["status"] not in ("failed", "needs_ocr", "needs_converter") or error
    assert extracted < LIMIT and report["seconds"] < LIMIT, (extracted, report["seconds"])


def _byte_target(fmt: str) -> Callable[..., None]:
    @FUZZ
    @given(st.data())
    def target(data: st.DataObject) -> None:
        seed = _seed(data, fmt)
        changes = data.draw(mutate.edits(SEEDS[fmt][2]), label="edits")
        check_promise(mutate.apply(seed, changes), fmt)

    return target


def _package_target(fmt: str) -> Callable[..., None]:
    @FUZZ
    @given(st.data())
    def target(data: st.DataObject) -> None:
        seed = _seed(data, fmt)
        if data.draw(st.integers(0, 3), label="zip bytes or parts") == 0:
            mutated = mutate.apply(seed, data.draw(mutate.edits(mutate.XML_TOKENS), label="edits"))
        else:
            mutated = mutate.mutate_package(seed, data.draw(mutate.package_edits(), label="part edits"))
        check_promise(mutated, fmt)

    return target


test_fuzz_text_tab = _byte_target("text_tab")
test_fuzz_text_glued = _byte_target("text_glued")
test_fuzz_html = _byte_target("html")
test_fuzz_pdf = _byte_target("pdf")
test_fuzz_docx = _package_target("docx")
test_fuzz_xlsx = _package_target("xlsx")


@pytest.fixture
def no_soffice(monkeypatch: pytest.MonkeyPatch) -> None:
    """The OLE checks that run before LibreOffice, without starting it (a conversion takes seconds)."""
    from ogi.extractors import legacy

    monkeypatch.setattr(legacy, "find_soffice", lambda: None)


@pytest.mark.usefixtures("no_soffice")
@FUZZ
@given(st.data())
def test_fuzz_doc(data: st.DataObject) -> None:
    seed = _seed(data, "doc")
    check_promise(mutate.apply(seed, data.draw(mutate.edits([]), label="edits")), "doc")


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_the_seeds_are_read(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unmutated, every seed keeps the promise too (and the mutations start from real reports)."""
    from ogi.extractors import legacy

    monkeypatch.setattr(legacy, "find_soffice", lambda: None)
    for seed in seeds(fmt):
        check_promise(seed, fmt)


@pytest.mark.slow
def test_a_run_over_damaged_files_gives_each_its_row(tmp_path: Path) -> None:
    """``ogi run`` over a folder of damaged files of every format: one row in ``reports.parquet`` per
    file, and the run completes (three fixed mutations of a seed of each format)."""
    import random

    import pandas as pd

    from ogi.run.options import RunOptions
    from ogi.run.pipeline import run

    rng = random.Random(15)
    folder = tmp_path / "in"
    folder.mkdir()
    names = []
    for fmt, (suffix, _, tokens) in sorted(SEEDS.items()):
        if fmt == "doc":
            continue  # conversions by LibreOffice take seconds each (the OLE checks are fuzzed above)
        for k in range(3):
            seed = seeds(fmt)[k % len(seeds(fmt))]
            op = rng.choice(["flip", "delete", "insert", "duplicate", "truncate"])
            size = rng.randint(1, 2048)
            token = rng.choice(tokens) if tokens else rng.randbytes(8)
            edit = mutate.Edit(op, rng.randrange(1, len(seed)), size, token)
            names.append(f"{fmt}-{k}{suffix}")
            (folder / names[-1]).write_bytes(edit.apply(seed))
    run([str(folder)], RunOptions(out=tmp_path / "out", cache=tmp_path / "cache", jobs=1, timeout=120))
    reports = pd.read_parquet(tmp_path / "out" / "reports.parquet")
    assert sorted(Path(s).name for s in reports["source"]) == sorted(names)
    assert not reports["error"].fillna("").str.startswith("internal error").any()
