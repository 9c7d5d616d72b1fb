"""Fixtures for the analysis tests: the generated dataset, built once per session through the pipeline."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from analysis_dataset import build


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(inputs folder, dataset folder)."""
    return build(tmp_path_factory.mktemp("analysis"))


@pytest.fixture(scope="session")
def dataset(built: tuple[Path, Path]) -> Path:
    return built[1]


@pytest.fixture(scope="session")
def inputs(built: tuple[Path, Path]) -> Path:
    return built[0]


@pytest.fixture(scope="session")
def ds(dataset: Path):
    from ogi.analysis.load import load

    return load(dataset)
