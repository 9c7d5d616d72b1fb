"""Shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
CORPUS = TESTS / "corpus"
IN_CI = os.environ.get("OGI_CI") == "1"


@pytest.fixture(scope="session")
def corpus() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def jiaxing_bytes() -> bytes:
    return (CORPUS / "jiaxing-stats-2022.txt").read_bytes()
