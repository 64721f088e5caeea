"""The real notebooks through the pipeline: end to end, cache, and byte-identical clean builds.

Every brief was computed once from the curated data (the session's ``built`` project); the
tests that change a build work on a copy of it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.pipeline import build as build_mod
from analysis.pipeline.build import build_brief
from tests.conftest import ROOT, inside
from tests.fixtures.pipeline.support import snapshot

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted(p.stem for p in (ROOT / "analysis" / "notebooks").glob("*.ipynb"))


@pytest.fixture
def copy(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built project, the pipeline pointed at it."""
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    with inside(root, monkeypatch):
        yield root


def test_end_to_end_layout_results_and_scrubbed_notebooks(built: Path):
    out = built / "_build" / "default"
    results = json.loads((out / "results.json").read_text())
    assert results["brief"]["name"] == "default"
    assert results["brief"]["params"] == json.loads((out / "params.json").read_text())
    assert set(results["claims"]) == {f"C{i}" for i in range(1, 9)} and results["measures"]
    for chart_id, meta in results["charts"].items():
        assert meta["notebook"] in NOTEBOOKS
        for ext in ("vl.json", "svg", "png"):
            assert (out / "charts" / f"{chart_id}.{ext}").stat().st_size > 0, chart_id
    for table_id in results["tables"]:
        assert (out / "tables" / f"{table_id}.csv").is_file(), table_id
    for stem in NOTEBOOKS:
        nb = nbformat.read(out / "notebooks" / f"{stem}.ipynb", as_version=4)
        assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), stem
        assert "papermill" not in nb.metadata
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".ipynb", ".csv", ".svg"):
            text = path.read_text(encoding="utf-8")
            assert str(built) not in text and ".tmp-default" not in text, path


def test_warm_rebuild_of_the_real_brief_starts_no_kernel(copy: Path, monkeypatch):
    def forbidden(*a, **k):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(build_mod, "KernelSession", forbidden)
    before = snapshot(copy / "_build" / "default")
    result = build_brief("params/default.yml")
    assert result.ran == 0
    assert snapshot(copy / "_build" / "default") == before


def test_one_parameter_reruns_only_the_notebooks_using_it(copy: Path, monkeypatch):
    manifest = json.loads((copy / "_build/default/manifest.json").read_text())
    users = sorted(s for s, e in manifest["notebooks"].items() if "mc_draws" in e["parameters"])
    assert users == ["02_outlook", "03_sensitivity", "07_multiverse"]
    calls = []
    real_run = build_mod.KernelSession.run

    def spy(self, source, *a, **k):
        calls.append(Path(source).stem)
        return real_run(self, source, *a, **k)

    monkeypatch.setattr(build_mod.KernelSession, "run", spy)
    build_brief("params/default.yml", ["mc_draws=1000"])
    assert sorted(calls) == users


def test_two_clean_builds_of_the_real_brief_are_byte_identical(built: Path, copy: Path):
    shutil.rmtree(copy / "_build")
    build_brief("params/default.yml")
    assert snapshot(copy / "_build" / "default") == snapshot(built / "_build" / "default")
