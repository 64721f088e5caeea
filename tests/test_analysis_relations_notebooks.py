"""Notebooks 04 (C2, C3, C6) and 05 (C4, C5, C7): clean, parameters = schema defaults, and they run.

Both notebooks are executed with papermill (kernel ``rand-brief``) for params/default.yml and
params/crink.yml. With the curated tables in data/ they read them through ``analysis.data.load``;
while data/ lacks them, a stand-in loader (a ``sitecustomize`` on PYTHONPATH, as in
tests/test_analysis_notebooks.py) serves small made-up tables of the contract's shape in which
North Korea has no trade, no ideal points and no arms deliveries, so "not available" is tested.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from analysis.params import BriefParams, load_params
from analysis.verdicts import VERDICTS
from tests.test_analysis_notebooks import parameters_of, run_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "analysis" / "notebooks"
CLAIMS = {"04_relationship": ["C2", "C3", "C6"], "05_military_cooperation": ["C4", "C5", "C7"]}
CHARTS = {
    "04_relationship": ["c2-distance", "c2-agreement", "c3-timeline", "c3-trade", "c6-scenario"],
    "05_military_cooperation": ["c4-arms", "c4-systems", "c5-exercises", "c7-recipients"],
}
TABLES = {
    "04_relationship": ["c3-breaks", "c6-sensitivity"],
    "05_military_cooperation": ["c5-exercise-list", "c5-sensitivity"],
}
READS = {
    "04_relationship": [
        "indicators", "un_agreement", "bilateral_trade", "arms_register", "datapackage",
    ],
    "05_military_cooperation": ["indicators", "arms_register", "datapackage"],
}  # fmt: skip

SHIM = """
import os, sys, types

_dir = os.environ.get("BRIEF_TEST_TABLES")
if _dir:
    _mod = types.ModuleType("analysis.data.load")

    def _read(name):
        import pandas as pd

        return pd.read_csv(os.path.join(_dir, name + ".csv"), keep_default_na=False,
                           na_values=[""], dtype={"flag": str, "recipient_iso3": str,
                                                  "host_iso3": str, "delivery_years": str})

    def load_indicators(ids=None):
        df = _read("indicators")
        return df if ids is None else df[df["indicator"].isin(list(ids))].reset_index(drop=True)

    def load_table(name):
        return _read(name)

    _mod.load_indicators = load_indicators
    _mod.load_table = load_table
    sys.modules["analysis.data.load"] = _mod
"""


def synthetic_tables() -> dict[str, pd.DataFrame]:
    """Made-up tables of the contract's shape (values deterministic, not real)."""
    years = range(1995, 2025)
    ip = {"USA": (2.0, 0.01), "CHN": (-1.0, -0.01), "RUS": (-0.5, -0.015), "IRN": (-1.2, 0.0)}
    ind = [
        (iso, y, "unga_idealpoint", a + b * (y - 1995), "index")
        for iso, (a, b) in ip.items()
        for y in years
    ]
    ind += [
        ("CHN", y, "arms_imports_tiv", 2000.0 + 50 * np.sin(y), "TIV m") for y in range(1990, 2025)
    ]
    indicators = pd.DataFrame(ind, columns=["iso3", "year", "indicator", "value", "unit"])
    indicators = indicators.assign(source="made-up", flag="")
    un = pd.DataFrame(
        [
            (a, b, y, round(base + 0.005 * (y - 1995), 6), 70)
            for a, b, base in [
                ("CHN", "RUS", 0.8),
                ("CHN", "USA", 0.3),
                ("RUS", "USA", 0.35),
                ("IRN", "USA", 0.2),
                ("CHN", "IRN", 0.85),
            ]
            for y in range(1995, 2020)
        ],
        columns=["iso3_a", "iso3_b", "year", "agreement", "n_votes"],
    )
    trade_rows = []
    for y in range(2010, 2024):
        china = 60000 * 1.03 ** (y - 2010) * (1.15 ** (y - 2014) if y >= 2014 else 1)
        for partner, v in [
            ("CHN", china),
            ("DEU", 70000 * (0.5 if y >= 2022 else 1)),
            ("USA", 25000 * (0.3 if y >= 2022 else 1)),
            ("IRN", 2000.0),
        ]:
            for flow, share in (("export", 0.55), ("import", 0.45)):
                trade_rows.append(("RUS", partner, y, flow, v * share, "US$ m", "imf_dots", ""))
    trade = pd.DataFrame(
        trade_rows,
        columns=[
            "reporter_iso3",
            "partner_iso3",
            "year",
            "flow",
            "value",
            "unit",
            "source",
            "flag",
        ],
    )
    deals = [
        ("SUN", "CHN", 1990, "Su-27SK", "1991; 1992", 700.0),
        ("RUS", "CHN", 1992, "Su-27SK", "1992-1996", 1200.0),
        ("RUS", "CHN", 1996, "Sovremenny", "1999; 2000", 900.0),
        ("RUS", "CHN", 1999, "Su-30MKK", "2000-2003", 2500.0),
        ("RUS", "CHN", 2002, "Project-636 Kilo", "2004-2006", 3000.0),
        ("RUS", "CHN", 2002, "Sovremenny", "2005; 2006", 1000.0),
        ("RUS", "CHN", 2015, "S-400", "2018; 2019", 1600.0),
        ("RUS", "CHN", 2015, "Su-35", "2016-2018", 1500.0),
        ("RUS", "IND", 2001, "T-90S", "2001-2008", 2000.0),
        ("CHN", "PAK", 2005, "JF-17", "2007-2020", 1400.0),
        ("CHN", "BGD", 2010, "F-7BGI", "2011-2013", 300.0),
        ("IRN", "SYR", 2008, "Fajr-5", "(2010)", 20.0),
        ("RUS", "", 2015, "AK-74", "", 5.0),
    ]
    register = pd.DataFrame(
        [
            (f"d{i}", rec, rec, sup, sup, yo, 1, des, "weapon", 1, dy, "New", tiv, tiv, tiv)
            for i, (sup, rec, yo, des, dy, tiv) in enumerate(deals)
        ],
        columns=[
            "deal_id",
            "recipient_iso3",
            "recipient",
            "supplier_iso3",
            "supplier",
            "year_order",
            "number_ordered",
            "weapon_designation",
            "weapon_description",
            "number_delivered",
            "delivery_years",
            "status",
            "tiv_unit",
            "tiv_order",
            "tiv_delivered",
        ],
    )
    ex = []
    for i, y in enumerate(range(2003, 2024)):
        host = ["KAZ", "CHN", "RUS"][i % 3]
        doms = ["land;counter_terror", "land;air", "sea;air;land", "command_post;land;air;sea"][
            min(i // 6, 3)
        ]
        fmt = "sco" if i < 2 else "bilateral"
        start = "2021-08-09" if y == 2021 else f"{y}-09-01"
        troops = 10000 if y == 2021 else (8000 if i % 2 else None)
        ex.append(
            (
                f"x{i}",
                f"Exercise {y}",
                y,
                start,
                start,
                "somewhere",
                "CHN" if y == 2021 else host,
                doms,
                "CHN;RUS",
                fmt,
                troops,
                "about" if troops else "",
                None,
                "",
                "p",
                "t",
                "u",
                "d",
            )
        )
    exercises = pd.DataFrame(
        ex,
        columns=[
            "exercise_id",
            "name",
            "year",
            "start_date",
            "end_date",
            "location",
            "host_iso3",
            "domains",
            "participants",
            "format",
            "troops_total",
            "troops_total_qualifier",
            "troops_china",
            "troops_china_qualifier",
            "citation_publisher",
            "citation_title",
            "citation_url",
            "citation_date",
        ],
    )
    events = pd.DataFrame(
        [
            ("2001-07-16", 2001, "treaty", "Treaty of Good-Neighbourliness"),
            ("2014-03-17", 2014, "sanctions", "Crimea sanctions"),
            ("2022-02-24", 2022, "sanctions", "Invasion sanctions"),
        ],
        columns=["date", "year", "category", "event"],
    ).assign(citation_publisher="p", citation_title="t", citation_url="u", citation_date="d")
    return {"indicators": indicators, "un_agreement": un, "bilateral_trade": trade,
            "arms_register": register, "exercises": exercises, "events": events}  # fmt: skip


def real_tables_available() -> bool:
    try:
        from analysis.data import load

        for name in ("un_agreement", "bilateral_trade", "arms_register", "exercises", "events"):
            if load.load_table(name).empty:
                return False
        return len(load.load_indicators(["unga_idealpoint", "arms_imports_tiv"])) > 0
    except Exception:
        return False


@pytest.fixture(scope="module")
def table_env(tmp_path_factory):
    if real_tables_available():
        return "real", {}
    d = tmp_path_factory.mktemp("relshim")
    for name, df in synthetic_tables().items():
        df.to_csv(d / f"{name}.csv", index=False)
    (d / "sitecustomize.py").write_text(SHIM)
    return "synthetic", {"PYTHONPATH": str(d), "BRIEF_TEST_TABLES": str(d)}


@pytest.mark.parametrize("stem", list(CLAIMS))
def test_parameters_and_labels(stem):
    path = NOTEBOOKS / f"{stem}.ipynb"
    values = parameters_of(path)
    assert values.pop("artifacts_dir") == "_build/default"
    defaults = BriefParams().model_dump(mode="json")
    assert values
    for k, v in values.items():
        assert k in defaults, f"{stem}: {k} is not a brief parameter"
        assert v == defaults[k], f"{stem}: {k} = {v!r}, schema default {defaults[k]!r}"
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["brief"]["reads"] == READS[stem]
    labels = [
        line.split(":", 1)[1].strip()
        for c in nb.cells
        for line in c.source.splitlines()
        if line.startswith("#| label:")
    ]
    assert labels == [f"fig-{c}" for c in CHARTS[stem]]


@pytest.mark.slow
@pytest.mark.parametrize("brief", sorted(p.stem for p in (ROOT / "params").glob("*.yml")))
def test_notebooks_run(brief, tmp_path, table_env, monkeypatch):

    mode, env = table_env
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    flat = load_params(ROOT / "params" / f"{brief}.yml").model_dump(mode="json")
    out = tmp_path / "build"
    claims = {}
    for stem in CLAIMS:
        res = run_notebook(stem, flat, out, tmp_path)
        assert sorted(res["claims"]) == CLAIMS[stem]
        for cid in CHARTS[stem]:
            for ext in ("vl.json", "svg", "png"):
                assert (out / "charts" / f"{cid}.{ext}").stat().st_size > 0, cid
            meta = res["charts"][cid]
            assert meta["label"] == f"fig-{cid}" and meta["notebook"] == stem
            assert all(str(meta[k]).strip() for k in ("title", "caption", "alt", "source"))
        for tid in CHARTS[stem] + TABLES[stem]:
            assert (out / "tables" / f"{tid}.csv").exists() and tid in res["tables"], tid
        for cid, claim in res["claims"].items():
            assert claim["verdict"] in VERDICTS, cid
            assert claim["summary"] and claim["assumptions"], cid
            for chart in claim["charts"]:
                assert chart in res["charts"], (cid, chart)
            for table in claim["tables"]:
                assert table in res["tables"], (cid, table)
            claims[cid] = claim
    assert claims["C6"]["verdict"] == "not testable"
    assert "illustration, not forecast" in claims["C6"]["summary"]
    assert f"in {flat['horizon']}" in claims["C6"]["summary"]  # the what-if runs to the horizon
    if mode == "real":
        # the curated exercise list is read whole and C5 is computed from it, in every brief
        n_ex = len(pd.read_csv(ROOT / "data" / "exercises.csv"))
        assert claims["C5"]["evidence"]["exercises_total"] == n_ex
        assert claims["C5"]["verdict"] != "not testable"
        timeline = pd.read_csv(out / "tables" / "c3-timeline.csv")
        n_events = len(pd.read_csv(ROOT / "data" / "events.csv"))
        assert (timeline["category"] != "break").sum() == n_events
    if mode == "synthetic":
        # made-up data built so that the answers are known
        assert (
            claims["C4"]["evidence"]["tiv_mean_after_plan"]
            > claims["C4"]["evidence"]["tiv_mean_before_plan"]
        )
        assert claims["C3"]["evidence"]["trade_china_slope_change_2014"] == pytest.approx(
            np.log(1.15), abs=0.02
        )
        if brief == "crink":
            c2_text = " ".join(claims["C2"]["assumptions"])
            assert "PRK" in c2_text  # no ideal points, no roll-call pairs: not available
            trade_caption = json.loads((out / "results" / "04_relationship.json").read_text())[
                "charts"
            ]["c3-trade"]["caption"]
            assert "Not available: North Korea" in trade_caption
            rec = pd.read_csv(out / "tables" / "c7-recipients.csv")
            assert set(rec["supplier"]) == {"China", "Russia", "Iran"}
            assert (
                "North Korea"
                in json.loads((out / "results" / "05_military_cooperation.json").read_text())[
                    "charts"
                ]["c7-recipients"]["caption"]
            )
