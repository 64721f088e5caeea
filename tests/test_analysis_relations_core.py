"""The relationship indicators of analysis.compute: made-up frames, answers known by hand."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.compute import alignment, arms, exercises, groups, stats, timeline, trade
from analysis.errors import BriefError
from tests.props import examples

YEARS = list(range(2000, 2011))


def test_ols_trend_on_a_straight_line():
    t = stats.ols_trend(YEARS, [3 + 2 * (y - 2000) for y in YEARS])
    assert t["slope"] == pytest.approx(2.0)
    assert t["se"] == pytest.approx(0.0, abs=1e-9)
    assert t["ci_low"] == pytest.approx(2.0) and t["n"] == 11


def test_ols_trend_needs_three_points():
    assert stats.ols_trend([2000, 2001], [1, 2])["slope"] is None
    assert stats.ols_trend([2000, 2000, 2000], [1, 2, 3])["slope"] is None


def test_ols_interval_matches_scipy_t():
    rng = np.random.default_rng(0)
    y = [0.5 * i + rng.normal() for i in range(20)]
    t = stats.ols_trend(range(20), y)
    assert t["ci_low"] < t["slope"] < t["ci_high"]
    half = t["ci_high"] - t["slope"]
    from scipy import stats as scipy_stats

    assert half == pytest.approx(scipy_stats.t.ppf(0.975, 18) * t["se"])


def test_break_in_trend_on_a_known_kink():
    # slope 1 before 2014, slope 4 from 2014 on, continuous at the kink
    years = list(range(2008, 2021))
    vals = [y - 2008 if y < 2014 else 6 + 4 * (y - 2014) for y in years]
    b = stats.break_in_trend(years, vals, 2014)
    assert b["slope_before"] == pytest.approx(1.0)
    assert b["slope_after"] == pytest.approx(4.0)
    assert b["slope_change"] == pytest.approx(3.0)
    assert b["level_shift"] == pytest.approx(0.0, abs=1e-9)
    assert b["n_before"] == 6 and b["n_after"] == 7


def test_break_in_trend_in_logs_gives_growth_rates():
    years = list(range(2008, 2021))
    vals = [
        100 * math.exp(0.02 * (y - 2008) + (0.08 * (y - 2014) if y >= 2014 else 0)) for y in years
    ]
    b = stats.break_in_trend(years, vals, 2014, log=True)
    assert b["slope_before"] == pytest.approx(0.02)
    assert b["slope_after"] == pytest.approx(0.10)


def test_break_in_trend_too_few_points():
    b = stats.break_in_trend([2012, 2013, 2014, 2015], [1, 2, 3, 4], 2014)
    assert b["slope_change"] is None


def test_break_windows_between_neighbours_and_capped():
    assert stats.break_windows(2000, 2023, [2014, 2022, 1990]) == [
        (2014, 2004, 2021),
        (2022, 2014, 2023),
    ]
    assert stats.break_windows(2000, 2023, [2014], span=3) == [(2014, 2011, 2016)]


UN = pd.DataFrame(
    {
        "iso3_a": ["CHN", "CHN", "RUS", "CHN", "RUS"],
        "iso3_b": ["RUS", "RUS", "USA", "USA", "CHN"],
        "year": [2000, 2001, 2000, 2000, 2002],
        "agreement": [0.8, 0.9, 0.3, 0.2, 0.85],
        "n_votes": [50, 60, 50, 50, 40],
    }
)


def test_dyad_agreement_is_order_insensitive():
    d = alignment.dyad_agreement(UN, "RUS", "CHN")
    assert d["year"].tolist() == [2000, 2001, 2002]
    assert d["agreement"].tolist() == [0.8, 0.9, 0.85]
    t = alignment.agreement_table(UN, [("CHN", "RUS"), ("PRK", "USA")])
    assert set(t["pair"]) == {"CHN–RUS"}


def _ip(rows):
    return pd.DataFrame(
        [(i, y, "unga_idealpoint", v) for i, y, v in rows],
        columns=["iso3", "year", "indicator", "value"],
    )


IP = _ip(
    [
        ("CHN", 2014, -1.0),
        ("RUS", 2014, -0.6),
        ("USA", 2014, 2.0),
        ("CHN", 2021, -1.2),
        ("RUS", 2021, -0.8),
        ("USA", 2021, 2.2),
        ("CHN", 2023, -1.4),
        ("RUS", 2023, -1.0),
        ("USA", 2023, 2.4),
    ]
)


def test_idealpoint_distances_within_and_between():
    d = alignment.alignment_distances(IP, ["CHN", "RUS", "PRK"], ["USA"])
    w = d[(d["series"] == "within coalition") & (d["year"] == 2014)].iloc[0]
    b = d[(d["series"] == "coalition to benchmark") & (d["year"] == 2014)].iloc[0]
    assert w["distance"] == pytest.approx(0.4) and w["n_pairs"] == 1
    assert b["distance"] == pytest.approx((3.0 + 2.6) / 2) and b["n_pairs"] == 2
    assert alignment.missing_members(IP, ["CHN", "RUS", "PRK"], "unga_idealpoint") == ["PRK"]


def test_phases_and_timeline():
    p = timeline.phases(1992, 2023)
    assert p.values.tolist() == [
        ["calculation", 1992, 2002],
        ["cooperation", 2003, 2011],
        ["collaboration", 2012, 2023],
    ]
    ev = pd.DataFrame(
        {"year": [2001, 2015], "category": ["treaty", "sanctions"], "event": ["a", "b"]}
    )
    t = timeline.timeline(ev, [2014])
    assert t["phase"].tolist() == ["calculation", "collaboration", "collaboration"]
    assert t["category"].tolist() == ["treaty", "break", "sanctions"]


TRADE = pd.DataFrame(
    {
        "reporter_iso3": ["RUS"] * 4 + ["CHN"],
        "partner_iso3": ["CHN", "CHN", "DEU", "FRA", "RUS"],
        "year": [2020, 2020, 2020, 2020, 2020],
        "flow": ["export", "import", "export", "import", "export"],
        "value": [10.0, 5.0, 3.0, 2.0, 99.0],
        "source": ["imf_dots"] * 5,
    }
)


def test_trade_with_needs_both_flows():
    one_flow = TRADE.assign(year=[2020, 2021, 2020, 2020, 2020])
    assert trade.trade_with(one_flow, ["CHN"], series="dots").empty  # 2020 imports, 2021 exports
    assert trade.trade_with(one_flow, ["CHN", "DEU", "FRA"], series="dots")["value"].tolist() == [
        15.0
    ]  # 10+3+2


def test_trade_with_sums_flows_and_partners():
    assert trade.trade_with(TRADE, ["CHN"], series="dots")["value"].tolist() == [15.0]
    assert trade.trade_with(TRADE, ["DEU", "FRA", "PRK"], series="dots")["value"].tolist() == [5.0]
    assert trade.trade_with(TRADE, ["PRK"], series="dots").empty
    with pytest.raises(BriefError, match="bilateral_trade: missing columns"):
        trade.trade_with(TRADE.drop(columns="flow"), ["CHN"], series="dots")


SPREAD = pd.DataFrame(
    {
        "supplier_iso3": ["RUS", "SUN", "USA", "RUS", "CHN", "CHN", "CHN"],
        "recipient_iso3": ["CHN", "CHN", "CHN", "IND", "PAK", "BGD", ""],
        "year": [2005, 1990, 2005, 2005, 2005, 2006, 2006],
        "tiv": [300.0, 100.0, 50.0, 70.0, 10.0, 5.0, 1.0],
    }
)


def test_arms_flow_and_supplier_share():
    flow = arms.arms_flow(SPREAD, arms.RUSSIA_SUPPLIERS, ["CHN"])
    assert flow.values.tolist() == [[1990, 100.0], [2005, 300.0]]
    total = arms.recipient_imports(SPREAD, "CHN")
    assert total.values.tolist() == [[1990, 100.0], [2005, 350.0]]
    s = arms.supplier_share(flow, total)
    assert s["share"].tolist() == [1.0, pytest.approx(300 / 350)]
    zero = pd.DataFrame({"year": [1990, 2005, 2006], "value": [200.0, 400.0, 0.0]})
    s = arms.supplier_share(flow, zero)
    assert s["year"].tolist() == [1990, 2005]  # no positive total in 2006: absent
    assert s["share"].tolist() == [0.5, 0.75]


def test_recipients_per_year_skips_non_state_and_fills_zeros():
    r = arms.recipients_per_year(SPREAD, ["CHN"])
    assert dict(zip(r["year"], r["recipients"], strict=True))[2006] == 1
    assert dict(zip(r["year"], r["recipients"], strict=True))[1990] == 0
    assert r["year"].tolist() == list(range(1990, 2007))


EX = pd.DataFrame(
    {
        "exercise_id": ["e1", "e2", "e3", "e4"],
        "name": ["SCO 2003", "Peace Mission 2005", "Patrol", "Zapad/Interaction-2021"],
        "year": [2003, 2005, 2019, 2021],
        "start_date": ["2003-08-06", "2005-08-18", "2019-07-23", "2021-08-09"],
        "end_date": ["", "2005-08-25", "2019-07-23", ""],
        "host_iso3": ["KAZ", "CHN", "", "CHN"],
        "domains": ["land;counter_terror", "land;sea;air", "air;strategic_patrol", "land;air"],
        "format": ["sco", "bilateral", "bilateral", "bilateral"],
        "troops_total": [1000, 10000, None, 10000],
        "troops_total_qualifier": ["about", "nearly", "", "more than"],
        "troops_china": [700, None, None, None],
        "troops_china_qualifier": ["", "", "", ""],
    }
)


def test_exercise_complexity_2025_count_index():
    s = exercises.exercise_complexity(EX, exercises.COUNT_INDEX)
    # the brief's index until issue 25, kept as an alternative:
    # e1: 2 domains; e2: 3 + bilateral + in China ("nearly 10,000" is below the threshold);
    # e3: air + bilateral + the strategic patrol, counted once (not also as a domain);
    # e4: 2 + bilateral + in China + large ("more than 10,000")
    assert s["complexity"].tolist() == [2.0, 5.0, 3.0, 5.0]
    assert s["large"].tolist() == [False, False, None, True]
    assert s["location"].tolist() == ["elsewhere", "inside China", "at sea", "inside China"]
    assert exercises.exercise_complexity(EX, "domains only")["complexity"].tolist() == [2, 3, 1, 2]
    # the scale index (the default): e1 2 domains + size 1 (about 1,000); e2 3 + size 1
    # ("nearly 10,000") + a week 2; e3 a one-day patrol, air only, no stated total;
    # e4 2 + size 2 ("more than 10,000"), no end date
    assert exercises.exercise_complexity(EX)["complexity"].tolist() == [3.0, 6.0, 1.0, 4.0]
    with pytest.raises(BriefError, match="complexity definition"):
        exercises.exercise_complexity(EX, "vibes")
    with pytest.raises(BriefError, match="exercises row e1: domains"):
        exercises.exercise_complexity(EX.assign(domains="land;space"))


def test_exercise_complexity_carries_both_troop_fields_and_their_qualifiers():
    s = exercises.exercise_complexity(EX)
    assert s["troops_total"].tolist()[:2] == [1000.0, 10000.0]
    assert s["troops_total_qualifier"].tolist() == ["about", "nearly", "", "more than"]
    assert s["troops_china"].iloc[0] == 700.0 and s["troops_china"].iloc[1:].isna().all()
    assert "troops" not in s.columns


def test_first_large_reads_the_host_total_not_chinas_contingent():
    # a large Chinese contingent with no stated total does not make an exercise "large"
    ex = EX.assign(troops_total=[None, None, None, None], troops_china=[None, 20000, None, None])
    assert (
        exercises.first_large_in(exercises.exercise_complexity(ex), "inside China")["year"] is None
    )
    ex = EX.assign(troops_total=[None, 9999, None, 10000])
    assert (
        exercises.first_large_in(exercises.exercise_complexity(ex), "inside China")["year"] == 2021
    )


def test_exercises_per_year_and_first_large():
    s = exercises.exercise_complexity(EX)
    n = exercises.exercises_per_year(s)
    assert n["year"].tolist() == list(range(2003, 2022)) and n["count"].sum() == 4
    by = exercises.exercises_per_year(s, by="location")
    assert by.loc[(by["year"] == 2005) & (by["location"] == "inside China"), "count"].item() == 1
    # "nearly 10,000" (2005) is below 10,000; "more than 10,000" (2021) is not
    assert exercises.first_large_in(s, "inside China")["year"] == 2021
    lower = exercises.exercise_complexity(EX, troop_threshold=5000)
    assert exercises.first_large_in(lower, "inside China")["year"] == 2005


def test_sanctions_sensitivity_covers_every_assumption():
    west = pd.DataFrame({"year": [2021, 2022], "value": [300.0, 100.0]})
    china = pd.DataFrame({"year": [2021, 2022], "value": [100.0, 200.0]})
    s = trade.sanctions_sensitivity(
        west, china, end_year=2030, scenario={"relief_year": None, "trade_rebound": 0.5}
    )
    assert {"trade_rebound", "china_diversion", "relief_year"} <= set(s["parameter"])
    r = s[(s["parameter"] == "trade_rebound")].set_index("value")["dependence_relief"]
    assert r[0.0] == pytest.approx(2 / 3) and r[1.0] < r[0.5] < r[0.0]


@settings(max_examples=examples(40), deadline=None)
@given(st.floats(-5, 5), st.floats(-5, 5), st.floats(-5, 5), st.integers(2005, 2015))
def test_break_in_trend_recovers_any_kink(a, b, c, k):
    years = list(range(2000, 2021))
    vals = [a + b * (y - k) + (c * (y - k) if y >= k else 0) for y in years]
    r = stats.break_in_trend(years, vals, k)
    assert r["slope_change"] == pytest.approx(c, abs=1e-6)
    assert r["slope_before"] == pytest.approx(b, abs=1e-6)


def test_grouping_helpers():
    assert groups.first_break([2022, 2014]) == 2014 and groups.first_break([]) == 2014
    pairs = alignment.agreement_pairs(["CHN", "RUS", "PRK"], ["USA", "GBR"])
    assert pairs == [
        ("CHN", "RUS"), ("CHN", "PRK"), ("RUS", "PRK"), ("CHN", "USA"), ("RUS", "USA"),
        ("PRK", "USA"),
    ]  # fmt: skip
    ag = alignment.agreement_table(UN, pairs)
    assert alignment.missing_pairs(ag, pairs) == ["CHN–PRK", "RUS–PRK", "PRK–USA"]
    assert arms.supplier_groups(["CHN", "RUS", "PRK"]) == {
        "China": ("CHN",),
        "Russia": ("RUS", "SUN"),
        "North Korea": ("PRK",),
    }
    assert "DEU" in trade.WEST and "USA" in trade.WEST and "CHN" not in trade.WEST


def test_trade_by_partner_in_billions():
    groups = {"China": ["CHN"], "the West": ["DEU", "FRA"], "NK": ["PRK"]}
    t = trade.trade_by_partner(TRADE, groups, series="dots")
    assert t.values.tolist() == [["China", 2020, 0.015], ["the West", 2020, 0.005]]


def test_recipients_table_lists_suppliers_without_deliveries():
    long, per, missing = arms.recipients_table(
        SPREAD, {"China": ("CHN",), "North Korea": ("PRK",)}, first_year=2005
    )
    assert missing == ["North Korea"] and list(per) == ["China"]
    assert long.values.tolist() == [["China", 2005, 1], ["China", 2006, 1]]
