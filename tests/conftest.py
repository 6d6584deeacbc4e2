"""Shared fixtures: the registry, the shared upstream data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only upstream data folder (../shared/data); tests skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"upstream data not found at {SHARED_DATA}")
    return SHARED_DATA
