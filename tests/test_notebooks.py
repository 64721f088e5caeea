"""The notebooks: committed clean, one parameters cell with the schema's defaults, their charts
labelled, and what every brief's build holds (the session's ``built`` project, real data)."""

from __future__ import annotations

import ast
import csv
import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.compute import claims as claim_modules
from analysis.params import BriefParams, load_params
from analysis.results import VERDICTS, Results
from tests.conftest import BRIEFS, ROOT

NOTEBOOKS = ROOT / "analysis" / "notebooks"
STEMS = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
#: How each notebook runs (``metadata.brief.per``): once per claim, or per claim with choices.
PER = {"claim": "claim", "multiverse": "varied claim"}
#: What papermill injects into every run of a per-claim notebook (the schema supplies the rest).
INJECTED = {"artifacts_dir": "_build/default", "claim": "C1"}
#: The charts each shipped claim draws (its run of claim.ipynb), in order; and its tables besides.
CHARTS = {
    "C1": ["c1-ratio", "c1-fan", "c1-prob", "c1-expectations", "c1-simplex", "c1-tornado"],
    "C2": ["c2-distance", "c2-agreement"],
    "C3": ["c3-timeline", "c3-trade", "c3-trade-sources"],
    "C4": ["c4-arms", "c4-systems"],
    "C5": ["c5-exercises"],
    "C6": ["c6-scenario"],
    "C7": ["c7-recipients"],
    "C8": ["c8-limits"],
}
TABLES = {
    "C1": ["c1-gaps", "c1-levels", "c1-verdicts", "c1-break-even"],
    "C3": ["c3-breaks"],
    "C5": ["c5-exercise-list", "c5-sensitivity"],
    "C6": ["c6-sensitivity"],
}


def parameters_of(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    out = {}
    for node in ast.parse(cell.source).body:
        assert isinstance(node, ast.Assign), f"{path.name}: parameters cell holds only assignments"
        out[node.targets[0].id] = ast.literal_eval(node.value)
    return out


def test_every_notebook_is_listed_here_and_runs_per_claim():
    assert sorted(PER) == STEMS
    for stem, per in PER.items():
        nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
        assert nb.metadata["brief"]["per"] == per, stem
    assert sorted(CHARTS) == list(claim_modules.IDS)


@pytest.mark.parametrize("stem", STEMS)
def test_notebook_committed_clean_with_one_parameters_cell(stem):
    nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{stem}: expected one cell tagged 'parameters'"
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.get("outputs") == [], f"{stem}: a cell has outputs"
            assert c.get("execution_count") is None, f"{stem}: a cell has an execution count"


@pytest.mark.parametrize("stem", STEMS)
def test_the_parameters_cell_holds_only_what_papermill_injects(stem):
    """No copy of the schema's defaults: the run's parameters are injected, the rest defaults in
    ``from_notebook``; ``run`` is the run's name (``claim-c1``)."""
    path = NOTEBOOKS / f"{stem}.ipynb"
    values = parameters_of(path)
    assert values == {**INJECTED, "run": f"{stem}-c1"}
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert code.count("from_notebook(globals())") == 1  # one call
    declared = nb.metadata["brief"].get("params", [])
    defaults = BriefParams().model_dump(mode="json")
    assert all(name in defaults for name in declared), declared


@pytest.mark.parametrize("cid", claim_modules.IDS)
def test_a_claim_declares_every_table_it_reads(cid):
    """What a claim's code takes from the loaded data (``data["x"]``) is what it declares it
    reads (``READS``): the pipeline keys the run's cache to those files and loads only them."""
    module = claim_modules.MODULES[cid]
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    used = {
        node.slice.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript)
        and getattr(node.value, "id", "") == "data"
        and isinstance(node.slice, ast.Constant)
    } | {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", "") == "get"
        and getattr(node.func.value, "id", "") == "data"
    }
    assert used == set(module.READS), cid


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow
@pytest.mark.parametrize("brief", BRIEFS)
def test_every_brief_builds_every_chart_table_and_claim(built: Path, brief: str):
    out = built / "_build" / brief
    params = load_params(built / "params" / f"{brief}.yml")
    res = Results.model_validate(json.loads((out / "results.json").read_text()))
    assert sorted(res.claims) == sorted(claim_modules.IDS)
    curves = {f"spec-{c.lower()}": f"multiverse-{c.lower()}" for c in claim_modules.varied()}
    drawn = {chart: f"claim-{c.lower()}" for c, charts in CHARTS.items() for chart in charts}
    for chart_id, run in {**drawn, **curves}.items():
        for ext in ("vl.json", "svg"):
            assert (out / "charts" / f"{chart_id}.{ext}").stat().st_size > 0, chart_id
        meta = res.charts[chart_id]
        assert meta.label == f"fig-{chart_id}" and meta.notebook == run, chart_id
        assert all(str(getattr(meta, k)).strip() for k in ("title", "caption", "alt"))
        assert (out / "tables" / f"{chart_id}.csv").is_file(), chart_id  # the data behind it
    for cid, charts in CHARTS.items():
        claim = res.claims[cid]
        assert [*claim.charts, *claim.sensitivity_charts] == charts, cid
        assert set(TABLES.get(cid, [])) | set(charts) <= set(claim.tables), cid
    for tid in (t for ts in TABLES.values() for t in ts):
        assert (out / "tables" / f"{tid}.csv").is_file() and tid in res.tables, tid
    for cid, claim in res.claims.items():
        assert claim.verdict in VERDICTS, cid
        assert claim.summary and claim.headline and claim.parts, cid
        assert all(chart in res.charts for chart in claim.charts), cid
        assert len(claim.decisive) >= 1, cid
    assert set(res.measures) == set(params.measures)
    assert res.claims["C6"].verdict == "not testable"
    if params.as_of is None:
        assert f"in {params.horizon}" in res.claims["C6"].summary  # it runs to the horizon
    else:  # as of 12 October 2021, Russia's trade of 2021 (the what-if's reference) was unknown
        assert f"cannot be drawn to {params.horizon}" in res.claims["C6"].summary
    # C1's verdict is the headline measure's, and the sensitivity table agrees measure by measure
    c1 = {e.key: e.value for e in res.claims["C1"].evidence}
    assert c1[f"verdict_{params.headline_measure}"] == res.claims["C1"].verdict
    rows = read_csv(out / "tables" / "c1-verdicts.csv")
    assert {r["measure"]: r["verdict"] for r in rows} == {
        m: c1[f"verdict_{m}"] for m in params.measures
    }
    # the curated tables are read whole (a brief as of a date: the rows dated by then)
    c5 = {e.key: e.value for e in res.claims["C5"].evidence}
    exercises = pd.read_csv(ROOT / "data" / "exercises.csv", dtype=str, keep_default_na=False)
    events = pd.read_csv(ROOT / "data" / "events.csv", dtype=str, keep_default_na=False)
    if params.as_of is not None:  # dated by then; an undated row by its year, which has ended

        def by_then(df: pd.DataFrame, column: str) -> pd.DataFrame:
            dated = (df[column] != "") & (df[column] <= params.as_of.isoformat())
            undated = (df[column] == "") & (df["year"].astype(int) < params.as_of.year)
            return df[dated | undated]

        exercises, events = by_then(exercises, "start_date"), by_then(events, "date")
    assert c5["exercises_total"] == len(exercises)
    timeline = pd.read_csv(out / "tables" / "c3-timeline.csv")
    assert (timeline["category"] != "break").sum() == len(events)
    # the projection's last year is the horizon, its probability the measure's
    fan = read_csv(out / "tables" / "c1-fan.csv")
    assert int(fan[-1]["year"]) == params.horizon
    head = res.measures[params.headline_measure]
    assert float(fan[-1]["prob_exceed_by"]) == pytest.approx(head.prob_exceed_by_horizon)
    ratio_rows = read_csv(out / "tables" / "c1-ratio.csv")
    for m, entry in res.measures.items():
        last = [r for r in ratio_rows if r["measure"] == m][-1]
        assert int(last["year"]) == entry.latest_year
        assert float(last["ratio"]) == pytest.approx(entry.ratio_latest, rel=1e-9)


@pytest.mark.slow
def test_a_brief_without_data_for_a_member_says_not_available(built: Path):
    """CRINK: no roll-call agreement for the Iran–North Korea pair (named, not coded), and North
    Korea's trade with Russia is there, so its line is drawn and no gap is stated."""
    res = Results.model_validate(
        json.loads((built / "_build" / "crink" / "results.json").read_text())
    )
    assumptions = " ".join(res.claims["C2"].assumptions)
    assert "Not available in the voting data: Iran–North Korea" in assumptions
    trade = pd.read_csv(built / "_build" / "crink" / "tables" / "c3-trade.csv")
    assert {"China", "the West", "Iran", "North Korea"} == set(trade["partner"])
    assert "Not available" not in res.charts["c3-trade"].caption
    rec = pd.read_csv(built / "_build" / "crink" / "tables" / "c7-recipients.csv")
    assert {"China", "Russia"} <= set(rec["supplier"])
