"""One brief: cache, atomic swap, determinism, failure handling (small fixture notebooks)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.errors import BriefError
from analysis.pipeline import build as build_mod
from analysis.pipeline import execute as execute_mod
from analysis.pipeline import inputs as inputs_mod
from analysis.pipeline import lanes as lanes_mod
from analysis.pipeline.build import (
    build_brief,
    default_params_path,
    load_brief_params,
    plan_brief,
    run_brief,
    swap_into_place,
)
from analysis.pipeline.execute import pick_kernel
from tests.fixtures.pipeline.support import (
    build_template,
    copy_built,
    rehash,
    snapshot,
    write_notebook,
)

pytestmark = pytest.mark.slow

PARAMS = 'artifacts_dir = "_build/default"'


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The fixture project with one cold build in _build/default/."""
    root = tmp_path_factory.mktemp("built") / "project"
    result = build_template(root)
    assert [r.status for r in result.runs] == ["ran", "ran"]
    return root


@pytest.fixture
def project(template, tmp_path, monkeypatch) -> Path:
    return copy_built(template, tmp_path / "project", monkeypatch)


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if anything tries to execute a notebook or look for a kernel."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a kernel was started")

    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", forbidden)
    monkeypatch.setattr(lanes_mod, "KernelSession", forbidden)
    monkeypatch.setattr(lanes_mod, "pick_kernel", forbidden)


@pytest.fixture
def executed(monkeypatch) -> list[str]:
    """Records which notebooks really run."""
    calls: list[str] = []
    real = execute_mod.KernelSession.submit

    def spy(self, source, *args, **kwargs):
        calls.append(Path(source).stem)
        return real(self, source, *args, **kwargs)

    monkeypatch.setattr(execute_mod.KernelSession, "submit", spy)
    return calls


def test_cold_build_writes_the_contract_layout(template):
    out = template / "_build" / "default"
    files = set(snapshot(out))
    for rel in (
        "notebooks/01_alpha.ipynb",
        "notebooks/02_beta.ipynb",
        "charts/alpha.vl.json",
        "tables/alpha.csv",
        "results/01_alpha.json",
        "results/02_beta.json",
        "results.json",
        "params.json",
        "manifest.json",
    ):
        assert rel in files, rel
    results = json.loads((out / "results.json").read_text())
    assert results["measures"] == {"alpha_horizon": 2030, "alpha_total": 8.0, "beta_weight": 3.0}
    assert results["claims"]["C9"]["verdict"] == "supported"
    assert results["brief"]["name"] == "default" and results["brief"]["title"] == "Fixture brief"
    assert results["brief"]["params"] == json.loads((out / "params.json").read_text())
    manifest = json.loads((out / "manifest.json").read_text())
    alpha = manifest["notebooks"]["01_alpha"]
    assert sorted(alpha["artifacts"]) == [
        "charts/alpha.vl.json",
        "results/01_alpha.json",
        "tables/alpha.csv",
    ]
    assert alpha["parameters"] == {"horizon": 2030, "seed": 20211012}
    assert alpha["data_files"] == ["series.csv"]
    # the library files its code imports, each with its SHA-256 (what `brief diff` compares)
    assert "code_files" in alpha and all(len(h) == 64 for h in alpha["code_files"].values())
    assert sorted(manifest["notebooks"]["02_beta"]["artifacts"]) == ["results/02_beta.json"]
    assert [p.name for p in (template / "_build").iterdir()] == ["default"]  # no temp folders


def test_published_files_hold_no_absolute_paths_or_timestamps(template):
    out = template / "_build" / "default"
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            for bad in (str(template), str(Path.home()), ".tmp-", '"start_time"', "duration"):
                assert bad not in text, (path, bad)
    nb = (out / "notebooks" / "01_alpha.ipynb").read_text()
    assert "writing to _build/default" in nb  # the notebook's print of its abs artifacts_dir


def test_warm_rebuild_starts_no_kernel_and_changes_no_byte(project, no_kernel):
    before = snapshot(project / "_build")
    result = build_brief("params/default.yml")
    assert (result.ran, result.cached) == (0, 2)
    assert snapshot(project / "_build") == before


def test_changing_one_parameter_reruns_only_the_notebooks_that_use_it(project, executed):
    alpha = (project / "_build/default/tables/alpha.csv").read_bytes()
    result = build_brief("params/default.yml", ["coalition=[CHN, RUS, IRN]"])
    assert executed == ["02_beta"]
    assert [r.status for r in result.runs] == ["cached", "ran"]
    results = json.loads((project / "_build/default/results.json").read_text())
    assert results["measures"]["beta_weight"] == 3.5
    assert results["measures"]["alpha_total"] == 8.0
    assert (project / "_build/default/tables/alpha.csv").read_bytes() == alpha
    executed.clear()
    build_brief("params/default.yml", ["horizon=2045"])  # alpha's parameter; beta's back to default
    assert executed == ["01_alpha", "02_beta"]


def test_data_change_reruns_only_the_notebook_reading_that_table(project, executed):
    with open(project / "data" / "series.csv", "a", encoding="utf-8") as fh:
        fh.write("2023,2\n")
    rehash(project)  # as a curation records the new checksum
    build_brief("params/default.yml")
    assert executed == ["01_alpha"]
    results = json.loads((project / "_build/default/results.json").read_text())
    assert results["measures"]["alpha_total"] == 10.0


def _reasons(project):
    params = load_brief_params("params/default.yml")
    return {nb.stem: nb.reasons for nb in plan_brief(params).notebooks}


def test_code_notebook_and_artifact_changes_invalidate_exactly_what_they_should(
    project, monkeypatch
):
    assert _reasons(project) == {"01_alpha": [], "02_beta": []}
    nb = project / "notebooks" / "02_beta.ipynb"
    nb.write_text(nb.read_text().replace("print(weight)", "print(weight * 1)"))
    assert _reasons(project) == {"01_alpha": [], "02_beta": ["notebook changed"]}
    (project / "_build/default/tables/alpha.csv").write_text("tampered\n")
    assert _reasons(project)["01_alpha"] == ["previous artifacts missing or modified"]
    monkeypatch.setattr(build_mod.keys, "notebook_code", lambda *_a: "another library")
    assert _reasons(project) == {
        "01_alpha": ["code changed"],
        "02_beta": ["notebook changed", "code changed"],
    }


def test_force_reruns_everything(project, executed):
    build_brief("params/default.yml", force=True)
    assert executed == ["01_alpha", "02_beta"]


def test_explain_prints_each_component_and_what_changed(project, no_kernel, capsys):
    before = snapshot(project / "_build")
    assert main(["run", "--explain", "--set", "seed=7"]) == 0
    out = capsys.readouterr().out
    assert "01_alpha: will run: parameters changed" in out
    assert "02_beta: cached" in out
    assert '(changed) {"horizon":2030,"seed":7}' in out
    for comp in ("notebook", "parameters", "data", "code"):
        assert f"    {comp}" in out
    assert "[series: 1 files]" in out
    assert snapshot(project / "_build") == before


def test_cli_summary_line(project, no_kernel, capsys):
    assert main(["run"]) == 0
    # the elapsed time is a clock reading: its format is asserted, never its value
    assert re.fullmatch(
        r"default: ran 0, cached 2 notebooks in \d+\.\d s -> _build/default/\n",
        capsys.readouterr().out,
    )


def test_failing_notebook_leaves_previous_build_and_keeps_the_failed_notebook(project, capsys):
    write_notebook(
        project / "notebooks" / "03_boom.ipynb",
        [
            'artifacts_dir = "_build/default"',
            "x = 1",
            "#| label: fig-boom\nraise ValueError('no data for 2031')",
        ],
    )
    before = snapshot(project / "_build/default")
    assert main(["run", "params/default.yml"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == (
        "error: brief default: notebook 03_boom failed in cell 3 (fig-boom): ValueError: no data "
        "for 2031; executed notebook kept at _build/default.failed/03_boom.ipynb"
    )
    assert snapshot(project / "_build/default") == before
    assert sorted(p.name for p in (project / "_build").iterdir()) == ["default", "default.failed"]
    failed = (project / "_build/default.failed/03_boom.ipynb").read_text()
    assert "no data for 2031" in failed and str(project) not in failed
    (project / "notebooks" / "03_boom.ipynb").unlink()
    run_brief("params/default.yml")  # a later successful build clears the failure
    assert sorted(p.name for p in (project / "_build").iterdir()) == ["default"]


def test_two_clean_builds_in_different_folders_are_byte_identical(template, project):
    shutil.rmtree(project / "_build")
    build_brief("params/default.yml")
    assert snapshot(project / "_build") == snapshot(template / "_build")


def test_swap_keeps_the_previous_folder_when_the_rename_fails(tmp_path, monkeypatch):
    target, tmp = tmp_path / "default", tmp_path / ".tmp-default-1"
    target.mkdir()
    (target / "a.txt").write_text("old")
    tmp.mkdir()
    (tmp / "a.txt").write_text("new")
    real = os.replace

    def flaky(src, dst):
        if Path(src) == tmp:
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(OSError):
        swap_into_place(tmp, target)
    assert (target / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tmp-default-1", "default"]
    monkeypatch.setattr(os, "replace", real)
    swap_into_place(tmp, target)
    assert (target / "a.txt").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["default"]


def test_default_params_path(tmp_path, monkeypatch):
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "alt.yml").write_text("title: x\n")
    for var in ("BRIEF_PARAMS", "QUARTO_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    assert default_params_path(tmp_path) == tmp_path / "params" / "default.yml"
    monkeypatch.setenv("QUARTO_PROFILE", "alt")
    assert default_params_path(tmp_path) == tmp_path / "params" / "alt.yml"
    monkeypatch.setenv("QUARTO_PROFILE", "print,alt")  # a profile without params file: default
    assert default_params_path(tmp_path) == tmp_path / "params" / "default.yml"
    monkeypatch.setenv("BRIEF_PARAMS", "params/other.yml")
    assert default_params_path(tmp_path) == tmp_path / "params" / "other.yml"


def test_missing_kernel_falls_back_to_python3_with_a_warning():
    with pytest.warns(UserWarning, match="'no-such-kernel' not found"):
        assert pick_kernel("no-such-kernel") == "python3"


def test_results_from_two_notebooks_must_not_disagree(tmp_path):
    res = tmp_path / "results"
    res.mkdir()
    (res / "a.json").write_text('{"measures": {"x": 1}}')
    (res / "b.json").write_text('{"measures": {"x": 2}}')
    with pytest.raises(BriefError, match=r"results/b.json: measures.x differs .* written by a"):
        build_mod.merge_results(tmp_path, ["a", "b"])


def test_plain_brief_run_picks_the_brief_from_env_then_quarto_profile(project, capsys, monkeypatch):
    monkeypatch.setenv("QUARTO_PROFILE", "alt")
    assert main(["run", "--explain"]) == 0
    assert capsys.readouterr().out.startswith("brief alt (params/alt.yml) -> _build/alt/\n")
    monkeypatch.setenv("BRIEF_PARAMS", "params/default.yml")
    assert main(["run", "--explain"]) == 0
    assert capsys.readouterr().out.startswith("brief default (params/default.yml)")


@pytest.mark.parametrize("algo", ["sha256", "md5"])
def test_datapackage_hashes_are_checked_in_frictionless_spellings(tmp_path, algo):
    import hashlib

    (tmp_path / "t.csv").write_text("a\n1\n")
    digest = hashlib.new(algo, b"a\n1\n").hexdigest()
    for recorded in (f"{algo}:{digest}", digest):  # prefixed, or bare (md5 or 64-hex sha256)
        package = {"resources": [{"path": "t.csv", "hash": recorded}]}
        (tmp_path / "datapackage.json").write_text(json.dumps(package))
        inputs_mod.verify_datapackage(tmp_path)  # matches: no error
    (tmp_path / "t.csv").write_text("a\n2\n")
    with pytest.raises(BriefError, match=rf"data/t.csv: {algo.upper()} .* does not match"):
        inputs_mod.verify_datapackage(tmp_path)


def test_cached_artifacts_vanishing_after_planning_means_a_rerun(project, executed):
    plan = plan_brief(load_brief_params("params/default.yml"))
    assert [nb.cached for nb in plan.notebooks] == [True, True]
    (project / "_build/default/results/02_beta.json").unlink()  # e.g. removed by someone else
    result = build_mod.build(plan)
    assert executed == ["02_beta"]
    assert [r.status for r in result.runs] == ["cached", "ran"]
    assert (project / "_build/default/results/02_beta.json").is_file()


def test_a_notebook_needing_an_earlier_one_reruns_with_it(project):
    path = project / "notebooks" / "02_beta.ipynb"
    nb = json.loads(path.read_text())
    nb["metadata"]["brief"]["needs"] = ["01_alpha"]
    path.write_text(json.dumps(nb))
    build_brief("params/default.yml")
    params = load_brief_params("params/default.yml", ["horizon=2040"])
    reasons = {nb.stem: nb.reasons for nb in plan_brief(params).notebooks}
    assert reasons == {
        "01_alpha": ["parameters changed"],
        "02_beta": ["upstream 01_alpha re-runs (metadata.brief.needs)"],
    }
    nb["metadata"]["brief"]["needs"] = ["03_later"]
    path.write_text(json.dumps(nb))
    with pytest.raises(BriefError, match=r"02_beta.ipynb: metadata.brief.needs names 03_later"):
        plan_brief(params)


def test_a_failing_run_shows_the_user_one_error_line_and_no_kernel_noise(project):
    """As a process (so the kernels' own stderr would show): no traceback, no kernel log."""
    import subprocess
    import sys

    write_notebook(project / "notebooks" / "03_boom.ipynb", [PARAMS, "raise KeyError('PRK')"])
    proc = subprocess.run(
        [sys.executable, "-c", "from analysis.cli import entry_point; entry_point()", "run"],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
    )
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert lines[-1] == (
        "error: brief default: notebook 03_boom failed in cell 2 (`raise KeyError('PRK')`): "
        "KeyError: 'PRK'; executed notebook kept at _build/default.failed/03_boom.ipynb"
    )
    for line in lines[:-1]:  # only the per-notebook progress lines
        assert line.split()[0] in ("cached", "failed"), proc.stderr
