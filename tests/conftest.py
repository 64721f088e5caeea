"""Shared test helpers."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.clone import ROOT, fresh_copy
from tests.props import PROFILE

# A shell starts a background job (`make test &`) with Ctrl-C ignored, and the processes the
# tests start would inherit that: their Ctrl-C tests would see no KeyboardInterrupt. The tests
# stand for a user at a terminal, so Ctrl-C is given back its default before any is started.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Property tests run on a loaded 2-core machine (and beside real renders): no per-example
# deadline, which would fail a correct test on a slow example; the example counts stay fixed.
settings.register_profile(
    "brief", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
# `make explore` (HYPOTHESIS_PROFILE=explore): the same property tests with new random examples
# each run and ten times as many (tests/props.py), to find what the fixed examples of CI cannot;
# not part of `make test`. A failure it finds is printed with the example that reproduces it.
settings.register_profile(
    "explore",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=False,
    max_examples=1000,  # a test without its own count: ten times Hypothesis's 100
)
settings.load_profile(PROFILE)

RAW_DIR = (ROOT.parent / "shared" / "data" / "raw").resolve()


@pytest.fixture(autouse=True, scope="session")
def _hash_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The pipeline's file-hash memo between processes (:mod:`analysis.pipeline.filehash`) in
    the session's temporary folder, not the user's ~/.cache (a test may still set its own)."""
    before = os.environ.get("BRIEF_HASH_CACHE")
    os.environ["BRIEF_HASH_CACHE"] = str(tmp_path_factory.mktemp("hash-cache"))
    yield
    if before is None:
        os.environ.pop("BRIEF_HASH_CACHE", None)
    else:
        os.environ["BRIEF_HASH_CACHE"] = before


def require_tool(name: str) -> str:
    """Path of an external tool, or skip naming it."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not on PATH")
    return path


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every kernel session made (``analysis.pipeline.execute.KernelSession``), in order."""
    from analysis.pipeline import execute

    made: list = []
    real = execute.KernelSession.__init__

    def record(self, *args, **kwargs):
        real(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(execute.KernelSession, "__init__", record)
    return made


# --- the real render, shared by every test that needs one (tests/test_quarto_real.py, the axe
# check in tests/test_conformance_accessibility.py): rendered once per session, in a fresh copy
# of the project (tests/clone.py).


def quarto_render(
    copy: Path, *args: str, params: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Plain ``quarto render`` in ``copy`` (``params``: the brief, as BRIEF_PARAMS)."""
    env = {**os.environ, "BRIEF_PYTHON": sys.executable}  # the copy has no .venv/ of its own
    for var in ("BRIEF_ROOT", "BRIEF_PARAMS", "QUARTO_PROFILE", "BRIEF_NOTEBOOKS_DIR"):
        env.pop(var, None)
    if params:
        env["BRIEF_PARAMS"] = params
    return subprocess.run(
        [require_tool("quarto"), "render", *args],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="session")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh copy of the project (nothing generated) rendered with plain `quarto render`, as a
    user who just cloned the repository would; once per session, its root (``_site/`` inside)."""
    require_tool("quarto")
    copy = fresh_copy(tmp_path_factory.mktemp("clone") / "project")
    proc = quarto_render(copy)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return copy


# --- every brief computed from the curated data, once per session: the real-build tests of the
# pipeline, the notebooks, the claims and the report all read it.


def copy_project(dest: Path) -> Path:
    """A throw-away project: params/, the curated data/ and _quarto.yml."""
    dest.mkdir(parents=True)
    shutil.copytree(ROOT / "params", dest / "params")
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("raw"))
    shutil.copy2(ROOT / "_quarto.yml", dest / "_quarto.yml")
    return dest


@contextlib.contextmanager
def inside(root: Path, mp: pytest.MonkeyPatch | None = None) -> Iterator[pytest.MonkeyPatch]:
    """The pipeline pointed at ``root`` (BRIEF_ROOT, cwd; the package's own notebooks)."""
    from analysis import params

    with contextlib.ExitStack() as stack:
        mp = mp or stack.enter_context(pytest.MonkeyPatch.context())
        mp.setenv("BRIEF_ROOT", str(root))
        for var in ("BRIEF_PARAMS", "QUARTO_PROFILE", "BRIEF_NOTEBOOKS_DIR", "BRIEF_KERNEL"):
            mp.delenv(var, raising=False)
        mp.chdir(root)
        params.known_iso3.cache_clear()
        yield mp


@contextlib.contextmanager
def curated_at(root: Path, mp: pytest.MonkeyPatch) -> Iterator[Path]:
    """``inside(root)`` with the curated-data loader's caches cleared before and after."""
    from analysis.data import load

    with inside(root, mp):
        load.clear_caches()
        try:
            yield root
        finally:
            load.clear_caches()


BRIEFS = sorted(p.stem for p in (ROOT / "params").glob("*.yml"))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project copy in which every brief of params/ was computed (cold) from the curated
    data; its root. Tests that change it work on a copy."""
    from analysis.pipeline.batch import run_batch

    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    with inside(root):
        outcomes = run_batch([f"params/{b}.yml" for b in BRIEFS], jobs=2)
    failed = [f"{o.name}: {o.error}" for o in outcomes if not o.ok]
    assert not failed, failed
    return root
