"""What OCR does for speed changes nothing it reads: the sessions' settings, and the next page made ready
while this one is read (issue 18)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ogi.extractors.ocr import scanned_pdf
from tests.ocr import fixtures as F


@pytest.fixture(autouse=True)
def _ocr() -> None:
    F.require_ocr()


def test_sessions_use_every_usable_core_and_do_not_spin() -> None:
    from ogi.extractors.ocr import engine as ocr

    options = ocr.session_options()
    assert options.intra_op_num_threads == ocr.cores() >= 1
    assert options.inter_op_num_threads == 1
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    eng = ocr.engine()
    for session in (eng._rec, eng._det._load_det_model().session.session):
        assert (
            session.get_session_options().get_session_config_entry("session.intra_op.allow_spinning") == "0"
        )


def _blank(_data: bytes, number: int, scale: float | None = None) -> tuple[np.ndarray, float]:
    if number == 2:
        raise ValueError("a picture pdfium cannot draw")
    return np.full((300 + number, 400), 255, np.uint8), 1.0


def test_a_page_that_cannot_be_rendered_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanned_pdf, "render", _blank)
    pages, failed = scanned_pdf.read_scanned(b"", [1, 2, 3])
    assert sorted(pages) == [1, 3]
    assert failed == {2: "ValueError: a picture pdfium cannot draw"}
    assert [pages[n].height for n in (1, 3)] == [301, 303]


def test_a_page_that_cannot_be_prepared_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from ogi.extractors.ocr import grid as ig

    prepare = ig.prepare

    def fragile(image: np.ndarray, dpi: float, deskew: bool = True) -> Any:
        if image.shape[0] == 303:
            raise RuntimeError("no grid today")
        return prepare(image, dpi, deskew)

    monkeypatch.setattr(scanned_pdf, "render", lambda d, n, s=None: _blank(d, 1 if n == 2 else n, s))
    monkeypatch.setattr(ig, "prepare", fragile)
    pages, failed = scanned_pdf.read_scanned(b"", [1, 2, 3, 4])
    assert sorted(pages) == [1, 2, 4]
    assert failed == {3: "RuntimeError: no grid today"}


def test_pages_read_ahead_are_read_as_each_alone() -> None:
    data = F.huaian_scan(noisy=True)
    together, failed = scanned_pdf.read_scanned(data, [2, 3])
    alone, failed_alone = scanned_pdf.read_scanned(data, [3])
    assert failed == failed_alone == {}

    def seen(page: scanned_pdf.OcrPage) -> Any:
        cells = [(c.bbox, c.text, c.locator, c.alternatives) for t in page.tables for c in t.cells]
        return cells, [(c.text, c.x0, c.top) for c in page.chars], page.angle

    assert seen(together[3]) == seen(alone[3])
