"""``ogi show --crop CELL``: the part of the source page a number came from (issue 16, beyond the peers).

The PNG is written to the test's temporary folder, never into the repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ogi.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def pdf_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crop")
    shutil.copy(CORPUS / "huaian-city-2024.pdf", root / "huaian-city-2024.pdf")
    res = CliRunner().invoke(
        main, ["run", str(root / "huaian-city-2024.pdf"), "--out", str(root / "out"), "-q"]
    )
    assert res.exit_code == 0, res.output
    return root / "out"


def test_crop_of_a_pdf_cell_frames_it_in_red(pdf_dataset: Path, tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "granted.png"
    res = CliRunner().invoke(
        main,
        [
            "show",
            "--dataset",
            str(pdf_dataset),
            "huaian-city-2024.pdf",
            "--crop",
            "t3.granted.total",
            "--crop-out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert res.output.startswith("t3.granted.total = 1362 (value) at ") and f"wrote {out}" in res.output
    image = Image.open(out).convert("RGB")
    assert image.width > 300 and image.height > 100
    import numpy as np

    pixels = np.asarray(image)
    reds = int(((pixels[..., 0] > 180) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)).sum())
    assert reds > 200  # the frame around the cell


def test_crop_of_a_text_cell_shows_its_lines(dataset: Path) -> None:
    res = CliRunner().invoke(
        main, ["show", "--dataset", str(dataset), "jiaxing-stats-2022.txt", "--crop", "t3.granted.total"]
    )
    assert res.exit_code == 0, res.output
    marked = [line for line in res.output.splitlines() if line.startswith(">")]
    assert len(marked) == 1 and marked[0].rstrip().endswith("20")


def test_crop_errors_are_one_line(dataset: Path) -> None:
    res = CliRunner().invoke(
        main, ["show", "--dataset", str(dataset), "jiaxing-stats-2022.txt", "--crop", "t3.granted.totl"]
    )
    assert res.exit_code == 1 and "did you mean t3.granted.total" in res.output
    assert len(res.output.strip().splitlines()) == 1
