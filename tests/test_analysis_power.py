"""Power measures, group sums, ratios and crossovers on made-up data with hand-known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.compute import power
from analysis.errors import BriefError
from tests.props import examples
from tests.test_analysis_fixtures import frame, panel

C, B = ["CHN", "RUS"], ["USA"]


def milex_rows():
    # RUS has no row in 2002
    values = {"CHN": [10.0, 20.0, 30.0], "RUS": [5.0, 5.0, None], "USA": [50.0, 50.0, 40.0]}
    return frame(panel("milex_const", [2000, 2001, 2002], values))


def test_group_totals_drop_year_records_why():
    lv = power.measure_levels(milex_rows(), "milex")
    g = power.group_totals(lv, C, B, missing="drop_year")
    assert g.table["year"].tolist() == [2000, 2001]
    assert g.table["ratio"].tolist() == [0.3, 0.5]
    assert g.gaps.to_dict("records") == [
        {"iso3": "RUS", "year": 2002, "group": "coalition", "action": "dropped year"}
    ]


def test_group_totals_report_gap_sums_available_and_lists_gap():
    lv = power.measure_levels(milex_rows(), "milex")
    g = power.group_totals(lv, C, B, missing="report_gap")
    assert g.table["ratio"].tolist() == [0.3, 0.5, 0.75]
    assert g.table["n_coalition"].tolist() == [2, 2, 1]
    assert g.gaps["action"].tolist() == ["summed without"]


def test_report_gap_still_drops_a_year_in_which_a_whole_group_has_no_data():
    # 2003: China and Russia report, the United States does not: there is no benchmark to
    # divide by, so the year is dropped (not kept with a missing ratio), and the gap says so
    rows = pd.concat(
        [
            milex_rows(),
            frame([("CHN", 2003, "milex_const", 31.0), ("RUS", 2003, "milex_const", 6.0)]),
        ]
    )
    g = power.group_totals(power.measure_levels(rows, "milex"), C, B, missing="report_gap")
    assert g.table["year"].tolist() == [2000, 2001, 2002]
    assert g.table["ratio"].notna().all()
    assert {"iso3": "USA", "year": 2003, "group": "benchmark", "action": "dropped year"} in (
        g.gaps.to_dict("records")
    )


def test_missing_is_never_zero_and_bad_policy_rejected():
    lv = power.measure_levels(milex_rows(), "milex")
    with pytest.raises(BriefError, match="missing: got 'zero'"):
        power.group_totals(lv, C, B, missing="zero")


def test_projection_rows_are_not_history():
    df = pd.concat(
        [
            frame([("CHN", 2024, "gdp_mer", 10.0), ("USA", 2024, "gdp_mer", 20.0)]),
            frame([("CHN", 2025, "gdp_mer", 11.0), ("USA", 2025, "gdp_mer", 21.0)], "projection"),
        ]
    )
    assert power.measure_levels(df, "gdp_mer")["year"].tolist() == [2024, 2024]
    assert len(power.measure_levels(df, "gdp_mer", projections=True)) == 4


def test_crossover_margin_latest_change():
    t = pd.DataFrame({"year": [2000, 2001, 2002, 2003], "ratio": [0.8, 1.0, 1.2, 0.9]})
    assert power.first_crossover(t) == 2002  # 1.0 is parity, not exceeding
    assert power.first_crossover(t.iloc[:2]) is None
    assert power.margin(0.9) == pytest.approx(-0.1)
    assert power.margin(None) is None
    assert power.latest(t) == (2003, 0.9)
    assert power.ratio_change(t, 2000, 2002) == pytest.approx(0.4)
    assert power.ratio_change(t, 1990, 2002) is None


def nmc():
    # Two components, three countries + one with only one component. Year 2000.
    # milex: A 1, B 3, C 4 (sum 8) -> shares .125 .375 .5
    # tpop:  A 2, B 2, (C missing)  (sum 4) -> .5 .5
    # CINC A = (.125+.5)/2 = .3125; B = (.375+.5)/2 = .4375; C = .5 (mean of available)
    return frame(
        panel("nmc_milex", [2000], {"AAA": [1.0], "BBB": [3.0], "CCC": [4.0]})
        + panel("nmc_tpop", [2000], {"AAA": [2.0], "BBB": [2.0], "WLD": [100.0]})
    )


def test_cinc_recomputed_from_components():
    c = power.cinc(nmc()).set_index("iso3")["value"]
    assert c.to_dict() == pytest.approx({"AAA": 0.3125, "BBB": 0.4375, "CCC": 0.5})
    g = power.group_totals(power.cinc(nmc()), ["AAA", "BBB"], ["CCC"])
    assert g.table["coalition"].iloc[0] == pytest.approx(0.75)  # sum of members' shares
    assert g.table["ratio"].iloc[0] == pytest.approx(1.5)


def test_composite_shares_of_pair_total():
    gdp = pd.DataFrame(
        {"iso3": ["CHN", "RUS", "USA"], "year": 2000, "value": [10.0, 10.0, 30.0]}
    )  # shares .2 .2 .6
    mil = pd.DataFrame({"iso3": ["CHN", "RUS", "USA"], "year": 2000, "value": [1.0, 1.0, 2.0]})
    # shares .25 .25 .5
    comp = power.composite_levels(
        {"gdp_mer": gdp, "milex": mil}, {"gdp_mer": 0.5, "milex": 0.5}, C, B
    )
    v = comp.set_index("iso3")["value"]
    assert v["CHN"] == pytest.approx(0.225) and v["USA"] == pytest.approx(0.55)
    g = power.group_totals(comp, C, B)
    assert g.table["coalition"].iloc[0] + g.table["benchmark"].iloc[0] == pytest.approx(1.0)
    assert g.table["ratio"].iloc[0] == pytest.approx(0.45 / 0.55)


@settings(max_examples=examples(40), deadline=None)
@given(
    values=st.lists(st.floats(0.01, 1e6), min_size=6, max_size=6),
    w=st.floats(0.0, 1.0),
)
def test_composite_in_range_and_groups_sum_to_one(values, w):
    a = pd.DataFrame({"iso3": ["CHN", "RUS", "USA"], "year": 2000, "value": values[:3]})
    b = pd.DataFrame({"iso3": ["CHN", "RUS", "USA"], "year": 2000, "value": values[3:]})
    comp = power.composite_levels(
        {"gdp_mer": a, "milex": b},
        {"gdp_mer": w, "milex": 1 - w} if w < 1 else {"gdp_mer": 1.0},
        C,
        B,
    )
    assert ((comp["value"] >= 0) & (comp["value"] <= 1 + 1e-12)).all()
    assert comp["value"].sum() == pytest.approx(1.0)


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.floats(0.1, 1e4), min_size=3, max_size=3))
def test_aggregation_sums_members(vals):
    lv = pd.DataFrame({"iso3": ["CHN", "RUS", "USA"], "year": 2020, "value": vals})
    t = power.group_totals(lv, C, B).table
    assert t["coalition"].iloc[0] == pytest.approx(vals[0] + vals[1])
    assert t["ratio"].iloc[0] == pytest.approx((vals[0] + vals[1]) / vals[2])


def test_us_price_index_rebases():
    df = frame(
        [
            ("USA", 2023, "milex_current", 90.0),
            ("USA", 2023, "milex_const", 100.0),
            ("USA", 2024, "milex_current", 100.0),
            ("USA", 2024, "milex_const", 100.0),
        ]
    )
    p = power.us_price_index(df, 2023)
    assert p.to_dict() == pytest.approx({2023: 1.0, 2024: 100 / 90})
    lv = pd.DataFrame({"iso3": ["CHN"], "year": [2024], "value": [50.0]})
    assert power.to_constant(lv, p)["value"].iloc[0] == pytest.approx(45.0)
    with pytest.raises(BriefError, match="base_year: got 1990"):
        power.us_price_index(df, 1990)


def test_all_measures_and_long_table():
    df = pd.concat(
        [
            milex_rows(),
            frame(
                [
                    (i, y, "gdp_mer", v)
                    for i, v in (("CHN", 4), ("RUS", 1), ("USA", 5))
                    for y in (2000, 2001)
                ]
            ),
        ]
    )
    s = power.all_measures(df, ["gdp_mer", "milex"], C, B, start_year=2001)
    assert s["gdp_mer"].table["ratio"].tolist() == [1.0]
    assert s["milex"].table["year"].tolist() == [2001]
    t = power.long_ratio_table(s)
    assert t["measure"].tolist() == ["gdp_mer", "milex"]
    assert t["label"].iloc[0] == "GDP at market exchange rates"
    assert not math.isnan(t["ratio"].iloc[1])
    assert np.isfinite(t["coalition"]).all()


def test_unknown_measure():
    with pytest.raises(BriefError, match="measure 'hard_power'"):
        power.measure_levels(milex_rows(), "hard_power")


@pytest.mark.parametrize("dtype", ["str", "object", "string"])
def test_an_indicator_leaves_out_projected_rows_only(dtype):
    """A missing or empty flag is an observation; only ``projection`` rows are left out, for a
    flag column of any dtype (the fast comparison of a ``str`` column and pandas's of others)."""
    ind = pd.DataFrame(
        {
            "iso3": ["USA", "USA", "USA", "USA", "CHN"],
            "year": [2020, 2021, 2022, 2023, 2020],
            "indicator": ["gdp_mer"] * 5,
            "value": [1.0, 2.0, 3.0, 4.0, 5.0],
            "flag": [None, "", "projection", "estimate", None],
        }
    ).astype({"iso3": "str", "indicator": "str", "flag": dtype})
    got = power._indicator(ind, "gdp_mer")
    assert list(zip(got["iso3"], got["year"], strict=True)) == [
        ("CHN", 2020), ("USA", 2020), ("USA", 2021), ("USA", 2023)
    ]  # fmt: skip
    assert len(power._indicator(ind, "gdp_mer", projections=True)) == 5
