"""Batches: many briefs on a dask cluster or a process pool, one failure does not stop the rest."""

from __future__ import annotations

import json

import pytest

from analysis.cli import main
from analysis.pipeline.batch import run_batch
from tests.fixtures.pipeline.support import make_project, snapshot

pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path, monkeypatch):
    return make_project(tmp_path / "project", monkeypatch)


def _numbers(root, name):
    return json.loads((root / "_build" / name / "results.json").read_text())["measures"]


def test_batch_of_two_briefs_on_a_dask_local_cluster(project):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        outcomes = run_batch(
            ["params/default.yml", "params/alt.yml"], scheduler=cluster.scheduler_address
        )
    assert [o.error for o in outcomes] == ["", ""]
    assert [(o.name, o.ok, o.ran, o.cached) for o in outcomes] == [
        ("default", True, 2, 0),
        ("alt", True, 2, 0),
    ]
    assert _numbers(project, "default") == {
        "alpha_horizon": 2030,
        "alpha_total": 8.0,
        "beta_weight": 3.0,
    }
    assert _numbers(project, "alt") == {
        "alpha_horizon": 2040,
        "alpha_total": 10.666666666666666,
        "beta_weight": 3.5,
    }
    assert sorted(p.name for p in (project / "_build").iterdir()) == ["alt", "default"]
    # the same briefs built one at a time in this process give the same bytes
    batch_alt = snapshot(project / "_build" / "alt")
    assert main(["run", "params/alt.yml", "--force"]) == 0
    assert snapshot(project / "_build" / "alt") == batch_alt


def test_a_failing_brief_does_not_stop_the_others_and_is_named(project, capsys):
    # members.csv has no PRK row: notebook 02_beta raises a KeyError for this brief only
    (project / "params" / "nk.yml").write_text("coalition: [CHN, RUS, PRK]\n")
    argv = ["run", "params/nk.yml", "params/default.yml", "params/alt.yml", "--jobs", "2"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "2 of 3 briefs built" in captured.out
    errors = [ln for ln in captured.err.splitlines() if ln.startswith("error: ")]
    assert errors == [
        "error: 1 brief(s) failed: nk (first: params/nk.yml: brief nk: notebook 02_beta failed "
        "in cell 2 (`import csv`): KeyError: 'PRK'; executed notebook kept at "
        "_build/nk.failed/02_beta.ipynb)"
    ]
    assert sorted(p.name for p in (project / "_build").iterdir()) == ["alt", "default", "nk.failed"]
