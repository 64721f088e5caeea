"""Sensitivity: weight simplex, break-even growth gap, tornado, and the C1 verdict rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.compute import projection as pj
from analysis.compute import sensitivity as sens
from analysis.params import BriefParams
from tests.props import examples
from tests.test_analysis_fixtures import growing

C, B = ["CHN", "RUS"], ["USA"]


def gi(last=(50.0, 100.0), mu=(0.0, 0.0), T=10, coalition=(True, False)):
    m = len(last)
    return pj.GrowthInputs(
        [f"M{i}" for i in range(m)],
        np.array(coalition),
        2020,
        np.array(last),
        np.arange(2021, 2021 + T),
        np.tile(mu, (T, 1)),
        np.zeros(m),
    )


def test_break_even_gap_closed_form_single_member():
    # coalition 50 vs 100, both flat, 10 years: needs exp(10 g) = 2 -> g = ln 2 / 10
    assert sens.break_even_gap(gi()) == pytest.approx(np.log(2) / 10, abs=1e-10)
    assert sens.break_even_gap(gi(), 2025) == pytest.approx(np.log(2) / 5, abs=1e-10)
    # already ahead and growing: the coalition could grow slower
    assert sens.break_even_gap(gi(last=(200.0, 100.0))) == pytest.approx(-np.log(2) / 10)
    assert sens.break_even_gap(gi(T=0)) is None


@settings(max_examples=examples(30), deadline=None)
@given(st.floats(1, 100), st.floats(1, 100), st.floats(1, 300), st.floats(-0.05, 0.05))
def test_break_even_gap_makes_ratio_one(a, b, c, mu):
    g = gi(last=(a, b, c), mu=(mu, 0.0, 0.02), coalition=(True, True, False))
    gap = sens.break_even_gap(g)
    shifted = pj.GrowthInputs(**{**g.__dict__, "mu": g.mu + np.where(g.is_coalition, gap, 0.0)})
    cc, bb = pj.deterministic_groups(shifted)
    assert cc[-1] / bb[-1] == pytest.approx(1.0, rel=1e-9)


def test_simplex_grid_by_hand():
    g = sens.simplex_grid({"gdp_mer": 0.4, "milex": 0.6}, step=0.5)
    assert g["w_gdp_mer"].tolist() == [0.0, 0.5, 1.0]
    assert g["composite"].tolist() == pytest.approx([0.6, 0.5, 0.4])
    assert g["exceeds"].tolist() == [True, False, False]  # ratio exactly 1 is not exceeding
    g3 = sens.simplex_grid({"a": 0.2, "b": 0.5, "c": 0.8}, step=0.1)
    assert len(g3) == 66  # (n+1)(n+2)/2 points for 3 components
    w = g3[["w_a", "w_b", "w_c"]].sum(axis=1)
    assert np.allclose(w, 1.0) and g3["composite"].between(0.2, 0.8).all()


def test_tornado_orders_by_swing_and_handles_none():
    def run(measure=None, mu_shift=None, window=None, sd_scale=1.0):
        # a fake projection whose median crossover year depends on the inputs
        year = 2040
        if mu_shift:
            year += {"CHN": -10, "USA": 3}.get(next(iter(mu_shift)), 0) * (
                1 if next(iter(mu_shift.values())) > 0 else -1
            )
        if window:
            year += 1 if window > 10 else -1
        if measure == "gdp_mer":
            year = None
        years = np.arange(2026, 2101)
        p50 = np.where(years >= (year or 3000), 1.5, 0.5)
        f = pd.DataFrame({"year": years, "p50": p50})
        return pj.Projection(measure or "milex", 2025, 2100, f, [])

    t = sens.tornado(
        run,
        members=["CHN", "USA"],
        window=10,
        measures=["milex", "gdp_mer", "gdp_ppp"],
        headline="milex",
        observed_crossover={"gdp_ppp": 2014},
    )
    assert t["input"].iloc[0] == "Measure of power"  # None (beyond 2100) vs 2014: largest swing
    row = t.set_index("input").loc["CHN growth -/+1 pp"]
    assert (row["low"], row["high"], row["base"]) == (2050, 2030, 2040)
    assert t.set_index("input").loc["Shock sd", "swing"] == 0
    m = t.set_index("input").loc["Measure of power"]
    assert m["low_label"] == "gdp_ppp" and pd.isna(m["high"])


def test_runner_uses_params_and_shifts():
    df = pd.concat(
        [
            growing(i, "milex_const", s, r, range(2010, 2021))
            for i, s, r in (("CHN", 40.0, 0.1), ("RUS", 20.0, 0.0), ("USA", 200.0, 0.02))
        ],
        ignore_index=True,
    )
    p = BriefParams(growth_scenario={"growth_sd": 0.0})
    run = sens.make_runner(df, p, draws=10)
    base = sens.median_crossover(run())
    faster = sens.median_crossover(run(mu_shift={"CHN": 0.02}))
    assert base is not None and faster is not None and faster < base


def test_a_shared_scenario_reads_the_data_once_and_changes_no_result():
    df = pd.concat(
        [
            growing(i, "milex_const", s, r, range(2010, 2021))
            for i, s, r in (("CHN", 40.0, 0.1), ("RUS", 20.0, 0.0), ("USA", 200.0, 0.02))
        ],
        ignore_index=True,
    )
    p = BriefParams(measures=["milex"], headline_measure="milex")
    scenario = pj.Scenario.of(df, p)
    alone = pj.project_all(df, p)["milex"]
    shared = pj.project_all(df, p, scenario)["milex"]
    read = dict(scenario.memo)
    assert read  # the projection's reads, kept in the scenario
    pd.testing.assert_frame_equal(shared.fan, alone.fan)
    pd.testing.assert_frame_equal(
        sens.break_even_table(df, p, scenario), sens.break_even_table(df, p)
    )
    run = sens.make_runner(df, p, draws=50, scenario=scenario)
    pd.testing.assert_frame_equal(run().fan, sens.make_runner(df, p, draws=50)().fan)
    assert all(scenario.memo[k] is v for k, v in read.items())  # read once, not again
