"""The real notebooks through the pipeline: end to end, cache, and byte-identical clean builds.

Runs in a temporary copy of the project (params/, data/, _quarto.yml). With the curated data in
data/ every notebook of analysis/notebooks/ runs on it. While data/ has no indicator table, the
notebooks that read only ``indicators`` run on the analysis part's made-up table through its
stand-in loader (see tests/test_analysis_notebooks.py), so the pipeline is still tested on them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.params import load_params
from analysis.pipeline import build as build_mod
from analysis.pipeline.build import build_brief
from tests.fixtures.pipeline.support import snapshot, use_project
from tests.test_analysis_fixtures import synthetic_indicators
from tests.test_analysis_notebooks import SHIM, real_data_available

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "analysis" / "notebooks"


def _reads(path: Path):
    return nbformat.read(path, as_version=4).metadata.get("brief", {}).get("reads")


def synthetic_data(root: Path, base: Path) -> tuple[dict[str, str], list[Path]]:
    """Without the curated data: made-up indicators for every brief's members in
    ``root/data/indicators.csv`` and the loader shim under ``base/shim``. Returns the kernel
    environment and the notebooks that read only the indicators."""
    (root / "data").mkdir()
    members = sorted({m for b in (ROOT / "params").glob("*.yml") for m in load_params(b).members()})
    synthetic_indicators(members).to_csv(root / "data" / "indicators.csv", index=False)
    shim = base / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(SHIM)
    env = {"PYTHONPATH": str(shim), "BRIEF_TEST_INDICATORS": str(root / "data/indicators.csv")}
    return env, [p for p in sorted(NOTEBOOKS.glob("*.ipynb")) if _reads(p) == ["indicators"]]


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """(root, notebook folder, env) for a project copy; built once (cold) into _build/default/."""
    base = tmp_path_factory.mktemp("real")
    root = base / "project"
    root.mkdir()
    shutil.copytree(ROOT / "params", root / "params")
    shutil.copy2(ROOT / "_quarto.yml", root / "_quarto.yml")
    env: dict[str, str] = {}
    nb_dir = base / "notebooks"
    nb_dir.mkdir()
    if real_data_available():
        shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("raw"))
        chosen = sorted(NOTEBOOKS.glob("*.ipynb"))
    else:
        env, chosen = synthetic_data(root, base)
    if not chosen:
        pytest.skip(f"raw data not found at {ROOT.parent / 'shared' / 'data' / 'raw'}")
    for p in chosen:
        shutil.copy2(p, nb_dir / p.name)
    with pytest.MonkeyPatch.context() as mp:
        _enter(mp, root, nb_dir, env)
        result = build_brief("params/default.yml")
    assert result.ran == len(chosen)
    return root, nb_dir, env, snapshot(root / "_build")


def _enter(mp, root, nb_dir, env):
    use_project(root, mp)
    mp.setenv("BRIEF_NOTEBOOKS_DIR", str(nb_dir))
    for k, v in env.items():
        mp.setenv(k, v)


@pytest.fixture
def project(real, monkeypatch):
    root, nb_dir, env, _cold = real
    _enter(monkeypatch, root, nb_dir, env)
    return root


def test_end_to_end_layout_results_and_scrubbed_notebooks(project, real):
    out = project / "_build" / "default"
    stems = sorted(p.stem for p in real[1].glob("*.ipynb"))
    results = json.loads((out / "results.json").read_text())
    assert results["brief"]["name"] == "default"
    assert results["brief"]["params"] == json.loads((out / "params.json").read_text())
    assert "C1" in results["claims"] and results["measures"]
    for chart_id, meta in results["charts"].items():
        assert meta["notebook"] in stems
        for ext in ("vl.json", "svg", "png"):
            assert (out / "charts" / f"{chart_id}.{ext}").stat().st_size > 0, chart_id
    for table_id in results["tables"]:
        assert (out / "tables" / f"{table_id}.csv").is_file(), table_id
    for stem in stems:
        nb = nbformat.read(out / "notebooks" / f"{stem}.ipynb", as_version=4)
        assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), stem
        assert "papermill" not in nb.metadata
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".ipynb", ".csv", ".svg"):
            text = path.read_text(encoding="utf-8")
            assert str(project) not in text and ".tmp-default" not in text, path


def test_warm_rebuild_of_the_real_brief_starts_no_kernel(project, monkeypatch):
    def forbidden(*a, **k):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(build_mod, "KernelSession", forbidden)
    before = snapshot(project / "_build")
    result = build_brief("params/default.yml")
    assert result.ran == 0
    assert snapshot(project / "_build") == before


def test_one_parameter_reruns_only_the_notebooks_using_it(project, monkeypatch):
    manifest = json.loads((project / "_build/default/manifest.json").read_text())
    users = sorted(s for s, e in manifest["notebooks"].items() if "mc_draws" in e["parameters"])
    assert users, "no notebook receives mc_draws"
    calls = []
    real_run = build_mod.KernelSession.run

    def spy(self, source, *a, **k):
        calls.append(Path(source).stem)
        return real_run(self, source, *a, **k)

    monkeypatch.setattr(build_mod.KernelSession, "run", spy)
    build_brief("params/default.yml", ["mc_draws=1000"])
    assert sorted(calls) == users


def test_two_clean_builds_of_the_real_brief_are_byte_identical(project, real):
    shutil.rmtree(project / "_build")
    build_brief("params/default.yml")
    assert snapshot(project / "_build") == real[3]  # the module's first (cold) build
