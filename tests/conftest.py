"""Shared test helpers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = (ROOT.parent / "shared" / "data" / "raw").resolve()


def require_tool(name: str) -> str:
    """Path of an external tool, or skip naming it."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not on PATH")
    return path


@pytest.fixture
def root() -> Path:
    return ROOT
