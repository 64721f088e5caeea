"""The table helpers the notebooks call: gaps, constant dollars, probabilities, results entries,
component shares, break-even table, tornado members, stated assumptions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.compute import power, sensitivity
from analysis.compute import projection as pj
from analysis.compute.claims import c1
from analysis.params import BriefParams
from tests.test_analysis_fixtures import frame, growing

C, B = ["CHN", "RUS"], ["USA"]


def three(indicator, rates=(0.1, 0.0, 0.02), starts=(40.0, 20.0, 200.0), years=range(2010, 2021)):
    return pd.concat(
        [
            growing(i, indicator, s, r, years)
            for i, s, r in zip(["CHN", "RUS", "USA"], starts, rates, strict=True)
        ],
        ignore_index=True,
    )


def test_gap_table_and_summary():
    lv = pd.DataFrame(
        {"iso3": ["CHN", "USA", "CHN", "USA", "USA"], "year": [1, 1, 2, 2, 3], "value": 1.0}
    )
    s = {"milex": power.group_totals(lv, C, B, measure="milex")}
    gaps = power.gap_table(s)
    assert gaps[["iso3", "year"]].values.tolist() == [
        ["RUS", 1],
        ["RUS", 2],
        ["CHN", 3],
        ["RUS", 3],
    ]
    summ = power.gap_summary(gaps).set_index("iso3")
    assert summ.loc["RUS", "first_year"] == 1 and summ.loc["RUS", "years"] == 3
    assert power.gap_summary(power.gap_table({})).empty


def test_constant_dollar_totals():
    df = pd.concat(
        [
            frame([("CHN", 2023, "gdp_mer", 10.0), ("USA", 2023, "gdp_mer", 20.0)]),
            frame([("USA", 2023, "milex_current", 90.0), ("USA", 2023, "milex_const", 100.0)]),
            frame([("USA", 2024, "milex_current", 100.0), ("USA", 2024, "milex_const", 100.0)]),
        ]
    )
    t = power.constant_dollar_totals(df, ["CHN"], ["USA"], 2024)
    # 2023 dollars are worth 100/90 of 2024 dollars... price level 0.9 -> value / 0.9
    assert t["coalition"].iloc[0] == pytest.approx(10 / 0.9)
    assert t["ratio"].iloc[0] == pytest.approx(0.5)


def projection_of(df, measure="milex", horizon=2025, sd=0.0):
    return pj.project_measure(
        df,
        measure,
        coalition=C,
        benchmark=B,
        horizon=horizon,
        growth={"growth_sd": sd},
        draws=100,
        seed=1,
    )


def test_probability_table_and_measure_result():
    df = three("milex_const")
    p = projection_of(df)
    t = pj.probability_table({"milex": p}, power.MEASURES)
    assert t["year"].tolist() == [2021, 2022, 2023, 2024, 2025]
    assert t["label"].iloc[0] == "Military expenditure"
    s = power.all_measures(df, ["milex"], C, B)["milex"]
    r = pj.measure_result("milex", s, p, 2025)
    assert r["latest_year"] == 2020 and r["horizon"] == 2025
    assert r["ratio_latest"] == pytest.approx((40 * 1.1**10 + 20) / (200 * 1.02**10))
    c = (40 * 1.1**15 + 20) / (200 * 1.02**15)
    assert r["margin_at_horizon"] == pytest.approx(c - 1)
    assert r["crossover_year"] is None and r["crossover_basis"] is None
    assert r["prob_exceed_by_horizon"] == 0.0
    p2 = projection_of(df, horizon=2040)  # CHN at 10 %/yr overtakes by the late 2020s
    r2 = pj.measure_result("milex", s, p2, 2040)
    assert r2["crossover_basis"] == "projected" and 2021 <= r2["crossover_year"] <= 2040
    assert r2["crossover_year"] == p2.central_crossover()


def test_component_shares_and_break_even_table():
    df = pd.concat(
        [three("milex_const"), three("gdp_mer", rates=(0.0, 0.0, 0.0))], ignore_index=True
    )
    shares, year = sensitivity.component_shares(df, ["gdp_mer", "milex"], C, B)
    assert year == 2020
    assert shares["gdp_mer"] == pytest.approx(60 / 260)
    params = BriefParams(
        measures=["gdp_mer", "milex", "composite"], horizon=2030, growth_scenario={"growth_sd": 0.0}
    )
    t = sensitivity.break_even_table(df, params).set_index("measure")
    assert list(t.index) == ["gdp_mer", "milex"]  # the composite has no single growth path
    gap = np.log(200 / 60) / 10  # flat GDP: coalition needs exp(10 g) = 200/60
    assert t.loc["gdp_mer", "gap"] == pytest.approx(gap)
    assert t.loc["gdp_mer", "gap_pp"] == pytest.approx(100 * np.expm1(gap))


def test_tornado_members_threshold():
    lv = pd.DataFrame(
        {"iso3": ["CHN", "RUS", "USA", "ISL"], "year": 2020, "value": [96.0, 4.0, 100.0, 1.0]}
    )
    assert sensitivity.tornado_members(lv, ["CHN", "RUS"], ["USA", "ISL"], 2020) == ["CHN", "USA"]


def test_assumptions_state_the_parameters():
    p = BriefParams(growth_scenario={"window": 7, "growth_sd": 0.02}, mc_draws=500, seed=3)
    proj = pj.Projection("milex", 2020, 2030, pd.DataFrame(), ["RUS: no value in 2020"])
    text = " ".join(c1.assumptions(p, {"milex": proj.notes}))
    for piece in (
        "trailing 7-year",
        "sd 0.02",
        "500 draws",
        "seed 3",
        "milex: RUS: no value",
        "CHN, RUS",
        "50%",
    ):
        assert piece in text, piece


def test_measure_without_data_is_not_available_not_a_crash():
    df = three("milex_const")  # no GDP at all
    p = pj.project_measure(
        df, "gdp_mer", coalition=C, benchmark=B, horizon=2030, growth={}, draws=10, seed=1
    )
    assert p.last_year is None and p.fan.empty and "not available" in p.notes[0]
    assert p.central_at_horizon is None and p.prob_exceed_by_horizon is None
    s = power.all_measures(df, ["gdp_mer"], C, B)["gdp_mer"]
    r = pj.measure_result("gdp_mer", s, p, 2030)
    assert r["latest_year"] is None and r["ratio_latest"] is None
    a = c1.decide_measure(
        "gdp_mer",
        s.table,
        crossover_year=None,
        central_at_horizon=None,
        prob_exceed_by_horizon=None,
        article_horizon=2022,
        horizon=2030,
        rules=c1.Rules(),
    )
    assert a.verdict == "not testable"
    t = sensitivity.break_even_table(df, BriefParams(measures=["gdp_mer", "milex"]))
    assert pd.isna(t.set_index("measure").loc["gdp_mer", "gap"])
