"""The C1 notebooks: committed clean, parameters match the schema, and they run under papermill.

Every brief in params/ is executed (01_power_balance, 02_outlook, 03_sensitivity) into tmp_path
with kernel ``rand-brief``. With the curated data in data/ the notebooks read it through
``analysis.data.load``; while data/ has no indicator table they read a made-up table
(tests/test_analysis_fixtures.synthetic_indicators) through a stand-in loader injected into the
kernel with a ``sitecustomize`` on PYTHONPATH, so the notebooks' behaviour is still tested.
"""

from __future__ import annotations

import ast
import csv
import json
from pathlib import Path

import nbformat
import pytest

from analysis.params import BriefParams, load_params
from analysis.verdicts import VERDICTS
from tests.test_analysis_fixtures import synthetic_indicators

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "analysis" / "notebooks"
OURS = ["01_power_balance", "02_outlook", "03_sensitivity"]
BRIEFS = sorted((ROOT / "params").glob("*.yml"))
CHARTS = {
    "01_power_balance": ["c1-ratio"],
    "02_outlook": ["c1-fan", "c1-prob"],
    "03_sensitivity": ["c1-simplex", "c1-tornado"],
}
TABLES = {
    "01_power_balance": ["c1-ratio", "c1-gaps", "c1-levels"],
    "02_outlook": ["c1-fan", "c1-prob"],
    "03_sensitivity": ["c1-verdicts", "c1-simplex", "c1-tornado", "c1-break-even"],
}
MEASURE_KEYS = {
    "label",
    "unit",
    "latest_year",
    "ratio_latest",
    "crossover_year",
    "margin_at_horizon",
    "prob_exceed_by_horizon",
    "horizon",
}

SHIM = """
import os, sys, types

_path = os.environ.get("BRIEF_TEST_INDICATORS")
if _path:
    _mod = types.ModuleType("analysis.data.load")

    def load_indicators(ids=None):
        import pandas as pd

        df = pd.read_csv(_path, keep_default_na=False, na_values=[""], dtype={"flag": str})
        return df if ids is None else df[df["indicator"].isin(list(ids))].reset_index(drop=True)

    _mod.load_indicators = load_indicators
    sys.modules["analysis.data.load"] = _mod
"""


def all_notebooks():
    return sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: p.stem)
def test_notebook_committed_clean_with_parameters_tag(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: expected one cell tagged 'parameters'"
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.get("outputs") == [], f"{path.name}: a cell has outputs"
            assert c.get("execution_count") is None, f"{path.name}: a cell has an execution count"


def parameters_of(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    out = {}
    for node in ast.parse(cell.source).body:
        assert isinstance(node, ast.Assign), f"{path.name}: parameters cell holds only assignments"
        out[node.targets[0].id] = ast.literal_eval(node.value)
    return out


def run_notebook(stem: str, flat: dict, out: Path, workdir: Path) -> dict:
    """Execute one notebook under papermill in the project kernel with the brief's values of the
    parameters it declares, artifacts into ``out``; returns its ``results/<stem>.json``."""
    import papermill as pm

    nb_path = NOTEBOOKS / f"{stem}.ipynb"
    wanted = set(parameters_of(nb_path)) - {"artifacts_dir"}
    pm.execute_notebook(
        str(nb_path),
        str(workdir / f"{stem}.ipynb"),
        parameters={"artifacts_dir": str(out), **{k: flat[k] for k in wanted}},
        kernel_name="rand-brief",
        cwd=str(workdir),
        progress_bar=False,
    )
    return json.loads((out / "results" / f"{stem}.json").read_text())


@pytest.mark.parametrize("stem", OURS)
def test_parameter_defaults_equal_schema_defaults(stem):
    path = NOTEBOOKS / f"{stem}.ipynb"
    values = parameters_of(path)
    assert values.pop("artifacts_dir") == "_build/default"
    defaults = BriefParams().model_dump(mode="json")
    assert values, "no brief parameters"
    for k, v in values.items():
        assert k in defaults, f"{stem}: {k} is not a brief parameter"
        assert v == defaults[k], f"{stem}: {k} = {v!r}, schema default {defaults[k]!r}"
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["brief"]["reads"] == ["indicators"]
    labels = [
        line.split(":", 1)[1].strip()
        for c in nb.cells
        for line in c.source.splitlines()
        if line.startswith("#| label:")
    ]
    assert labels == [f"fig-{c}" for c in CHARTS[stem]]


def real_data_available() -> bool:
    try:
        from analysis.data import load

        df = load.load_indicators(["gdp_mer"])
        return len(df) > 0
    except Exception:
        return False


@pytest.fixture(scope="module")
def indicator_env(tmp_path_factory):
    """Environment for the kernel: nothing when real data exists, else the stand-in loader."""
    if real_data_available():
        return "real", {}
    d = tmp_path_factory.mktemp("shim")
    members = set()
    for b in BRIEFS:
        p = load_params(b)
        members |= set(p.members())
    synthetic_indicators(sorted(members)).to_csv(d / "indicators.csv", index=False)
    (d / "sitecustomize.py").write_text(SHIM)
    return "synthetic", {"PYTHONPATH": str(d), "BRIEF_TEST_INDICATORS": str(d / "indicators.csv")}


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow
@pytest.mark.parametrize("brief", BRIEFS, ids=lambda p: p.stem)
def test_notebooks_run_for_every_brief(brief, tmp_path, indicator_env, monkeypatch):

    _mode, env = indicator_env
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    params = load_params(brief)
    flat = params.model_dump(mode="json")
    out = tmp_path / "build"
    for stem in OURS:
        res = run_notebook(stem, flat, out, tmp_path)
        for cid in CHARTS[stem]:
            for ext in ("vl.json", "svg", "png"):
                assert (out / "charts" / f"{cid}.{ext}").stat().st_size > 0
            assert res["charts"][cid]["label"] == f"fig-{cid}"
            assert res["charts"][cid]["notebook"] == stem
        for tid in TABLES[stem]:
            assert (out / "tables" / f"{tid}.csv").exists()
            assert tid in res["tables"]
    outlook = json.loads((out / "results" / "02_outlook.json").read_text())
    assert set(outlook["measures"]) == set(params.measures)
    ratio_rows = read_csv(out / "tables" / "c1-ratio.csv")
    for m, entry in outlook["measures"].items():
        assert set(entry) >= MEASURE_KEYS, m
        assert entry["horizon"] == params.horizon
        assert 0.0 <= entry["prob_exceed_by_horizon"] <= 1.0
        last = [r for r in ratio_rows if r["measure"] == m][-1]
        assert int(last["year"]) == entry["latest_year"]
        assert float(last["ratio"]) == pytest.approx(entry["ratio_latest"], rel=1e-9)
    c1 = outlook["claims"]["C1"]
    assert c1["verdict"] in VERDICTS
    assert c1["evidence"][f"verdict_{params.headline_measure}"] == c1["verdict"]
    assert str(params.horizon) in c1["summary"]
    fan = read_csv(out / "tables" / "c1-fan.csv")
    assert int(fan[-1]["year"]) == params.horizon
    head = outlook["measures"][params.headline_measure]
    assert float(fan[-1]["prob_exceed_by"]) == pytest.approx(head["prob_exceed_by_horizon"])
    sens = json.loads((out / "results" / "03_sensitivity.json").read_text())
    assert 0.0 <= sens["numbers"]["c1_sensitivity_simplex_share_exceeding"] <= 1.0
    for stem in OURS:  # the report needs the data behind every chart under the chart's id
        for cid in CHARTS[stem]:
            assert cid in TABLES[stem]
    verdict_rows = read_csv(out / "tables" / "c1-verdicts.csv")
    assert {r["measure"]: r["verdict"] for r in verdict_rows} == {
        m: c1["evidence"][f"verdict_{m}"] for m in params.measures
    }
