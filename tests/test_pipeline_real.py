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
from analysis.pipeline import execute as execute_mod
from analysis.pipeline import lanes as lanes_mod
from analysis.pipeline.build import build_brief
from tests.conftest import inside
from tests.fixtures.pipeline.support import snapshot

pytestmark = pytest.mark.slow

from analysis.compute import claims as claim_modules  # noqa: E402

#: Every run of the real notebooks: the claim notebook per claim, the multiverse per varied claim.
NOTEBOOKS = sorted(
    [f"claim-{c.lower()}" for c in claim_modules.IDS]
    + [f"multiverse-{c.lower()}" for c in claim_modules.varied()]
)


def test_every_chart_of_a_real_build_is_valid_vega_lite(built: Path):
    """The build writes each chart's spec without Altair's validation (it walks every data row);
    here every spec a real build wrote is checked against the Vega-Lite schema, and one made
    invalid is refused."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema
    from jsonschema import ValidationError

    schema = load_schema()
    specs = sorted((built / "_build" / "default" / "charts").glob("*.vl.json"))
    assert len(specs) >= 20
    for path in specs:
        validate_jsonschema(json.loads(path.read_text(encoding="utf-8")), schema)
    broken = json.loads(specs[0].read_text(encoding="utf-8"))
    broken["vconcat"] = "not a list of charts"
    with pytest.raises(ValidationError):
        validate_jsonschema(broken, schema)


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
        for ext in ("vl.json", "svg"):
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

    monkeypatch.setattr(lanes_mod, "KernelSession", forbidden)
    before = snapshot(copy / "_build" / "default")
    result = build_brief("params/default.yml")
    assert result.ran == 0
    assert snapshot(copy / "_build" / "default") == before


def _spied_runs(monkeypatch) -> list[str]:
    """The runs a build executes (their names, ``claim-c8``), recorded as they start."""
    calls: list[str] = []
    real_run = execute_mod.KernelSession.submit

    def spy(self, source, out, *a, **k):
        calls.append(Path(out).stem)
        return real_run(self, source, out, *a, **k)

    monkeypatch.setattr(execute_mod.KernelSession, "submit", spy)
    return calls


def test_one_parameter_reruns_only_the_notebooks_using_it(copy: Path, monkeypatch):
    manifest = json.loads((copy / "_build/default/manifest.json").read_text())
    users = sorted(s for s, e in manifest["notebooks"].items() if "mc_draws" in e["parameters"])
    assert users == ["claim-c1", "multiverse-c1"]  # C1 declares it; nothing else reads it
    calls = _spied_runs(monkeypatch)
    build_brief("params/default.yml", ["mc_draws=1000"])
    assert sorted(calls) == users


def test_one_claims_rule_reruns_only_that_claims_runs(copy: Path, monkeypatch):
    """``rules.c8.window`` reaches C8's runs only: each run receives its own claim's rules."""
    calls = _spied_runs(monkeypatch)
    build_brief("params/default.yml", ["rules.c8.window=3"])
    assert sorted(calls) == ["claim-c8", "multiverse-c8"]
    plan = build_mod.plan_brief(build_mod.load_brief_params("params/default.yml"))
    assert all(nb.cached for nb in plan.notebooks if not nb.stem.endswith("-c8"))


def test_editing_one_claim_module_reruns_only_that_claims_runs(
    copy: Path, tmp_path: Path, monkeypatch
):
    """A one-line edit to c8.py changes the code key of C8's runs and of no other: a claim's
    run hashes the library it imports with its own claim module and none of the others. (The
    plan reads the library from a copy of the package with c8.py edited.)"""
    from analysis import paths

    package = tmp_path / "analysis"
    shutil.copytree(paths.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    c8 = package / "compute" / "claims" / "c8.py"
    c8.write_text(c8.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    monkeypatch.setattr(paths, "PACKAGE_DIR", package)
    plan = build_mod.plan_brief(
        build_mod.load_brief_params("params/default.yml"), nb_dir=package / "notebooks"
    )
    rerun = sorted(nb.stem for nb in plan.notebooks if not nb.cached)
    assert rerun == ["claim-c8", "multiverse-c8"]
    assert all(nb.reasons == ["code changed"] for nb in plan.notebooks if not nb.cached)


def test_two_clean_builds_of_the_real_brief_are_byte_identical(built: Path, copy: Path):
    shutil.rmtree(copy / "_build")
    build_brief("params/default.yml")
    assert snapshot(copy / "_build" / "default") == snapshot(built / "_build" / "default")


def test_a_brief_built_on_a_cluster_sends_its_large_multiverses_blocks_there(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """``brief run --scheduler``: the brief builds on a worker, which leaves its thread pool
    while it waits, and its kernels send every multiverse of at least $BRIEF_CLUSTER_SPECS
    specifications to the cluster, block by block; the tables are the bytes a local build
    wrote."""
    from distributed import Client, LocalCluster, get_task_stream

    from analysis.pipeline.batch import run_batch

    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True, ignore=shutil.ignore_patterns("_build"))
    monkeypatch.setenv("BRIEF_CLUSTER_SPECS", "200")  # C1's 4,320 and C8's 243; not C3's 160
    with (
        inside(root, monkeypatch),
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,  # one thread: the brief's blocks run beside it, not after
            processes=False,
            protocol="tcp",  # a kernel, another process, reaches the scheduler
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
        get_task_stream(client) as stream,
    ):
        outcomes = run_batch(["params/default.yml"], scheduler=cluster.scheduler_address)
    assert [o.error for o in outcomes] == [""]
    blocks = [t for t in stream.data if str(t["key"]).startswith("evaluate_block")]
    assert len(blocks) >= 30  # C1: one block per projection (30), C8: one per window
    out, local = root / "_build" / "default", built / "_build" / "default"
    for name in ("multiverse-c1", "multiverse-c3", "multiverse-c8"):
        rel = f"tables/{name}.csv"
        assert (out / rel).read_bytes() == (local / rel).read_bytes(), rel
