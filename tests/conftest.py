"""Shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (CI must not pass or fail by luck); set
# HYPOTHESIS_PROFILE=explore to draw new ones while developing.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TESTS = Path(__file__).parent
CORPUS = TESTS / "corpus"
IN_CI = os.environ.get("OGI_CI") == "1"


@pytest.fixture(scope="session")
def corpus() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def jiaxing_bytes() -> bytes:
    return (CORPUS / "jiaxing-stats-2022.txt").read_bytes()
