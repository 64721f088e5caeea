"""Shared test helpers."""

from __future__ import annotations

import shutil
import subprocess
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


@pytest.fixture(scope="session")
def real_render(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flagship brief computed and rendered for real (`brief render params/default.yml`, with
    Quarto) in a copy of the tracked files, once per test session; the copy's root, with the site
    in ``_site/``. Tests that need a real site share it instead of rendering again."""
    require_tool("quarto")
    from analysis.cli import main

    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    copy = tmp_path_factory.mktemp("real-render") / "clone"
    for f in filter(None, files):
        if (ROOT / f).is_file():
            (copy / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, copy / f)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEF_ROOT", str(copy))
        mp.delenv("BRIEF_PARAMS", raising=False)
        mp.chdir(copy)
        assert main(["render", "params/default.yml"]) == 0
    return copy
