"""analysis.relations: made-up frames whose answers are known by hand."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import relations as R
from analysis.errors import BriefError

YEARS = list(range(2000, 2011))


def test_ols_trend_on_a_straight_line():
    t = R.ols_trend(YEARS, [3 + 2 * (y - 2000) for y in YEARS])
    assert t["slope"] == pytest.approx(2.0)
    assert t["se"] == pytest.approx(0.0, abs=1e-9)
    assert t["ci_low"] == pytest.approx(2.0) and t["n"] == 11


def test_ols_trend_needs_three_points():
    assert R.ols_trend([2000, 2001], [1, 2])["slope"] is None
    assert R.ols_trend([2000, 2000, 2000], [1, 2, 3])["slope"] is None


def test_ols_interval_matches_scipy_t():
    rng = np.random.default_rng(0)
    y = [0.5 * i + rng.normal() for i in range(20)]
    t = R.ols_trend(range(20), y)
    assert t["ci_low"] < t["slope"] < t["ci_high"]
    half = t["ci_high"] - t["slope"]
    from scipy import stats

    assert half == pytest.approx(stats.t.ppf(0.975, 18) * t["se"])


def test_break_in_trend_on_a_known_kink():
    # slope 1 before 2014, slope 4 from 2014 on, continuous at the kink
    years = list(range(2008, 2021))
    vals = [y - 2008 if y < 2014 else 6 + 4 * (y - 2014) for y in years]
    b = R.break_in_trend(years, vals, 2014)
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
    b = R.break_in_trend(years, vals, 2014, log=True)
    assert b["slope_before"] == pytest.approx(0.02)
    assert b["slope_after"] == pytest.approx(0.10)


def test_break_in_trend_too_few_points():
    b = R.break_in_trend([2012, 2013, 2014, 2015], [1, 2, 3, 4], 2014)
    assert b["slope_change"] is None


def test_break_windows_between_neighbours_and_capped():
    assert R.break_windows(2000, 2023, [2014, 2022, 1990]) == [
        (2014, 2004, 2021),
        (2022, 2014, 2023),
    ]
    assert R.break_windows(2000, 2023, [2014], span=3) == [(2014, 2011, 2016)]


def test_break_table_and_c3_verdict_thresholds():
    years = list(range(2008, 2021))
    steeper = pd.DataFrame(
        {"year": years, "value": [y if y < 2014 else 3 * y - 4028 for y in years]}
    )
    flat = pd.DataFrame({"year": years, "value": [5.0 + (y % 2) for y in years]})
    tab = R.break_table({"trade": steeper, "arms": flat}, [2014])
    assert set(tab["indicator"]) == {"trade", "arms"}
    v = R.c3_verdict(tab, break_year=2014)
    assert v.verdict == "partly supported"
    assert v.evidence["trade_slope_change_2014"] == pytest.approx(2.0)
    assert "Of 2 indicators with enough data, 1 (trade) turned upward from 2014" in v.summary
    assert "interval above zero); not arms, so" in v.summary
    named = R.c3_verdict(tab.replace({"trade": "trade_china"}), break_year=2014)
    assert "1 (Russia's trade with China) turned upward" in named.summary
    only = R.c3_verdict(tab[tab["indicator"] == "trade"], break_year=2014)
    assert only.verdict == "supported"
    none = R.c3_verdict(tab[tab["indicator"] == "arms"], break_year=2014)
    assert none.verdict == "not supported"
    assert R.c3_verdict(tab.iloc[0:0], break_year=2014).verdict == "not testable"


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
    d = R.dyad_agreement(UN, "RUS", "CHN")
    assert d["year"].tolist() == [2000, 2001, 2002]
    assert d["agreement"].tolist() == [0.8, 0.9, 0.85]
    t = R.agreement_table(UN, [("CHN", "RUS"), ("PRK", "USA")])
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
    d = R.alignment_distances(IP, ["CHN", "RUS", "PRK"], ["USA"])
    w = d[(d["series"] == "within coalition") & (d["year"] == 2014)].iloc[0]
    b = d[(d["series"] == "coalition to benchmark") & (d["year"] == 2014)].iloc[0]
    assert w["distance"] == pytest.approx(0.4) and w["n_pairs"] == 1
    assert b["distance"] == pytest.approx((3.0 + 2.6) / 2) and b["n_pairs"] == 2
    assert R.missing_members(IP, ["CHN", "RUS", "PRK"], "unga_idealpoint") == ["PRK"]


def test_c2_verdict_supported_when_closer_and_gap_widened():
    d = R.alignment_distances(IP, ["CHN", "RUS"], ["USA"])
    v = R.c2_verdict(
        d,
        R.agreement_table(UN, [("CHN", "RUS")]),
        break_year=2014,
        coalition_label="China and Russia",
        benchmark_label="the U.S.",
        unavailable=["PRK"],
    )
    assert v.verdict == "supported"
    assert v.evidence["distance_to_benchmark_latest"] == pytest.approx(3.6)
    assert v.evidence["distance_to_benchmark_2014"] == pytest.approx(2.8)
    assert v.evidence["distance_to_benchmark_2021"] == pytest.approx(3.2)
    assert v.evidence["agreement_chn_rus_latest"] == 0.85
    assert "PRK" in " ".join(v.assumptions)
    empty = R.c2_verdict(
        d.iloc[0:0],
        UN.iloc[0:0].assign(pair=[]),
        break_year=2014,
        coalition_label="x",
        benchmark_label="y",
    )
    assert empty.verdict == "not testable"


def test_phases_and_timeline():
    p = R.phases(1992, 2023)
    assert p.values.tolist() == [
        ["calculation", 1992, 2002],
        ["cooperation", 2003, 2011],
        ["collaboration", 2012, 2023],
    ]
    ev = pd.DataFrame(
        {"year": [2001, 2015], "category": ["treaty", "sanctions"], "event": ["a", "b"]}
    )
    t = R.timeline(ev, [2014])
    assert t["phase"].tolist() == ["calculation", "collaboration", "collaboration"]
    assert t["category"].tolist() == ["treaty", "break", "sanctions"]


TRADE = pd.DataFrame(
    {
        "reporter_iso3": ["RUS"] * 4 + ["CHN"],
        "partner_iso3": ["CHN", "CHN", "DEU", "FRA", "RUS"],
        "year": [2020, 2020, 2020, 2020, 2020],
        "flow": ["export", "import", "export", "import", "export"],
        "value": [10.0, 5.0, 3.0, 2.0, 99.0],
    }
)


def test_trade_with_needs_both_flows():
    one_flow = TRADE.assign(year=[2020, 2021, 2020, 2020, 2020])
    assert R.trade_with(one_flow, ["CHN"]).empty  # 2020 imports only, 2021 exports only
    assert R.trade_with(one_flow, ["CHN", "DEU", "FRA"])["value"].tolist() == [15.0]  # 10+3+2


def test_trade_with_sums_flows_and_partners():
    assert R.trade_with(TRADE, ["CHN"])["value"].tolist() == [15.0]
    assert R.trade_with(TRADE, ["DEU", "FRA", "PRK"])["value"].tolist() == [5.0]
    assert R.trade_with(TRADE, ["PRK"]).empty
    with pytest.raises(BriefError, match="bilateral_trade: missing columns"):
        R.trade_with(TRADE.drop(columns="flow"), ["CHN"])


SPREAD = pd.DataFrame(
    {
        "supplier_iso3": ["RUS", "SUN", "USA", "RUS", "CHN", "CHN", "CHN"],
        "recipient_iso3": ["CHN", "CHN", "CHN", "IND", "PAK", "BGD", ""],
        "year": [2005, 1990, 2005, 2005, 2005, 2006, 2006],
        "tiv": [300.0, 100.0, 50.0, 70.0, 10.0, 5.0, 1.0],
    }
)


def test_arms_flow_and_supplier_share():
    flow = R.arms_flow(SPREAD, R.RUSSIA_SUPPLIERS, ["CHN"])
    assert flow.values.tolist() == [[1990, 100.0], [2005, 300.0]]
    total = R.recipient_imports(SPREAD, "CHN")
    assert total.values.tolist() == [[1990, 100.0], [2005, 350.0]]
    s = R.supplier_share(flow, total)
    assert s["share"].tolist() == [1.0, pytest.approx(300 / 350)]
    zero = pd.DataFrame({"year": [1990, 2005, 2006], "value": [200.0, 400.0, 0.0]})
    s = R.supplier_share(flow, zero)
    assert s["year"].tolist() == [1990, 2005]  # no positive total in 2006: absent
    assert s["share"].tolist() == [0.5, 0.75]


def test_recipients_per_year_skips_non_state_and_fills_zeros():
    r = R.recipients_per_year(SPREAD, ["CHN"])
    assert dict(zip(r["year"], r["recipients"], strict=True))[2006] == 1
    assert dict(zip(r["year"], r["recipients"], strict=True))[1990] == 0
    assert r["year"].tolist() == list(range(1990, 2007))


def test_named_systems_and_c4_verdict():
    reg = pd.DataFrame(
        {
            "supplier_iso3": ["RUS", "RUS", "RUS", "USA"],
            "recipient_iso3": ["CHN", "CHN", "IND", "CHN"],
            "year_order": [2002, 1996, 2003, 2004],
            "weapon_designation": ["Project-636 Kilo", "Su-27SK", "Su-30MKI", "S-300X"],
            "number_ordered": [8, 38, 10, 1],
            "number_delivered": [8, 38, 10, 1],
            "delivery_years": ["2005", "1998", "2004", "2005"],
            "tiv_delivered": [1000.0, 1500.0, 500.0, 1.0],
        }
    )
    sysf = R.named_systems(reg)
    assert sysf["system"].tolist() == ["Su-27", "Kilo / Project 636 submarine"]
    flow = pd.DataFrame({"year": range(1992, 2012), "value": [100.0] * 10 + [300.0] * 10})
    share = pd.DataFrame({"year": range(2002, 2012), "share": [0.8] * 10})
    v = R.c4_verdict(share, flow, sysf)
    assert v.verdict == "supported"
    assert v.evidence["tiv_mean_after_plan"] == 300.0
    assert v.evidence["named_systems_ordered_in_window"] == 1
    assert "averaged 300 million TIV (SIPRI trend-indicator value) a year in 2002–2011" in v.summary
    assert "against 100 million in 1992–2001, 80% of China's arms imports" in v.summary
    low = R.c4_verdict(share.assign(share=0.3), flow, sysf)
    assert low.verdict == "partly supported"


EX = pd.DataFrame(
    {
        "exercise_id": ["e1", "e2", "e3", "e4"],
        "name": ["SCO 2003", "Peace Mission 2005", "Patrol", "Zapad/Interaction-2021"],
        "year": [2003, 2005, 2019, 2021],
        "start_date": ["2003-08-06", "2005-08-18", "2019-07-23", "2021-08-09"],
        "host_iso3": ["KAZ", "CHN", "", "CHN"],
        "domains": ["land;counter_terror", "land;sea;air", "air;strategic_patrol", "land;air"],
        "format": ["sco", "bilateral", "bilateral", "bilateral"],
        "troops_total": [1000, 10000, None, 10000],
        "troops_total_qualifier": ["about", "nearly", "", "more than"],
        "troops_china": [700, None, None, None],
        "troops_china_qualifier": ["", "", "", ""],
    }
)


def test_exercise_complexity_brief_definition():
    s = R.exercise_complexity(EX)
    # e1: 2 domains; e2: 3 + bilateral + in China; e3: 2 + bilateral + strategic; e4: 2 + 1 + 1
    assert s["complexity"].tolist() == [2.0, 5.0, 4.0, 4.0]
    assert s["location"].tolist() == ["elsewhere", "inside China", "at sea", "inside China"]
    assert R.exercise_complexity(EX, "domains only")["complexity"].tolist() == [2, 3, 2, 2]
    with pytest.raises(BriefError, match="complexity definition"):
        R.exercise_complexity(EX, "vibes")
    with pytest.raises(BriefError, match="exercises row e1: domains"):
        R.exercise_complexity(EX.assign(domains="land;space"))


def test_exercise_complexity_carries_both_troop_fields_and_their_qualifiers():
    s = R.exercise_complexity(EX)
    assert s["troops_total"].tolist()[:2] == [1000.0, 10000.0]
    assert s["troops_total_qualifier"].tolist() == ["about", "nearly", "", "more than"]
    assert s["troops_china"].iloc[0] == 700.0 and s["troops_china"].iloc[1:].isna().all()
    assert "troops" not in s.columns


def test_first_large_reads_the_host_total_not_chinas_contingent():
    # a large Chinese contingent with no stated total does not make an exercise "large"
    ex = EX.assign(troops_total=[None, None, None, None], troops_china=[None, 20000, None, None])
    assert R.first_large_in(R.exercise_complexity(ex), "inside China")["year"] is None
    ex = EX.assign(troops_total=[None, 9999, None, 10000])
    assert R.first_large_in(R.exercise_complexity(ex), "inside China")["year"] == 2021


def test_exercises_per_year_and_first_large():
    s = R.exercise_complexity(EX)
    n = R.exercises_per_year(s)
    assert n["year"].tolist() == list(range(2003, 2022)) and n["count"].sum() == 4
    by = R.exercises_per_year(s, by="location")
    assert by.loc[(by["year"] == 2005) & (by["location"] == "inside China"), "count"].item() == 1
    assert R.first_large_in(s, "inside China")["year"] == 2005


def test_c5_verdict_parts():
    s = R.exercise_complexity(EX)
    sens = R.complexity_sensitivity(EX, 2003)
    assert set(sens["definition"]) == set(R.COMPLEXITY_DEFINITIONS)
    v = R.c5_verdict(s, sens)
    # the first large exercise in China was 2005, not August 2021; years are not all covered
    assert v.verdict in ("not supported", "partly supported")
    assert v.evidence["first_large_in_China_year"] == 2005
    assert v.evidence["exercises_2021"] == 1
    assert (
        "the first exercise in China with at least 10,000 troops stated was Peace Mission 2005"
        in v.summary
    )
    assert v.summary.endswith(f"so the claim is {v.verdict}.")


def test_c5_august_2021_from_the_end_date_when_the_start_is_not_stated():
    # without Peace Mission 2005's troops, Zapad/Interaction-2021 is the first large one in China;
    # its cited page gives only the end date, which still places it in August 2021
    ex = EX.assign(troops_total=[1000, None, None, 10000], start_date=["2003-08-06", "", "", ""])
    ex["end_date"] = ["", "", "", "2021-08-13"]
    s = R.exercise_complexity(ex)
    assert s["end_date"].tolist() == ["", "", "", "2021-08-13"]
    assert R.first_large_in(s, "inside China")["date"] == "2021-08-13"
    routine = pd.DataFrame(
        {"definition": ["brief"], "slope": [0.1], "ci_low": [0.05], "ci_high": [0.2]}
    )
    v = R.c5_verdict(s, routine)
    assert v.evidence["first_large_in_China_year"] == 2021
    assert "was Zapad/Interaction-2021 (2021)" in v.summary
    assert v.summary.startswith("Joint exercises were held in 2 of the last 10 years")


def test_sanctions_projection_by_hand():
    west = pd.DataFrame({"year": [2021, 2022], "value": [300.0, 100.0]})
    china = pd.DataFrame({"year": [2021, 2022], "value": [100.0, 200.0]})
    p = R.sanctions_projection(
        west,
        china,
        end_year=2025,
        relief_year=2024,
        trade_rebound=0.5,
        rebound_years=2,
        china_diversion=0.5,
    )
    rel = p[p["scenario"] == "relief"].set_index("year")
    bl = p[p["scenario"] == "baseline"].set_index("year")
    assert bl.loc[2025, "west"] == 100.0 and rel.loc[2023, "west"] == 100.0
    assert rel.loc[2024, "west"] == pytest.approx(100 + 0.5 * 0.5 * 200)  # half-way ramp
    assert rel.loc[2025, "west"] == pytest.approx(200.0)
    assert rel.loc[2025, "china"] == pytest.approx(150.0)
    assert rel.loc[2025, "dependence"] == pytest.approx(150 / 350)
    v = R.c6_verdict(
        p,
        pd.DataFrame(columns=["dependence_relief"]),
        end_year=2025,
        scenario={"relief_year": 2024, "trade_rebound": 0.5},
    )
    assert v.verdict == "not testable" and R.ILLUSTRATION in v.summary
    assert v.evidence["dependence_2021"] == pytest.approx(0.25)
    assert R.sanctions_projection(
        west.iloc[1:], china, end_year=2025, relief_year=None, trade_rebound=0.5
    ).empty


def test_sanctions_sensitivity_covers_every_assumption():
    west = pd.DataFrame({"year": [2021, 2022], "value": [300.0, 100.0]})
    china = pd.DataFrame({"year": [2021, 2022], "value": [100.0, 200.0]})
    s = R.sanctions_sensitivity(
        west, china, end_year=2030, scenario={"relief_year": None, "trade_rebound": 0.5}
    )
    assert {"trade_rebound", "china_diversion", "relief_year"} <= set(s["parameter"])
    r = s[(s["parameter"] == "trade_rebound")].set_index("value")["dependence_relief"]
    assert r[0.0] == pytest.approx(2 / 3) and r[1.0] < r[0.5] < r[0.0]


def test_c7_verdict_rising_trends():
    years = list(range(2000, 2021))
    rising = pd.DataFrame({"year": years, "recipients": [10 + i for i in range(21)]})
    flat = pd.DataFrame({"year": years, "recipients": [10 + (i % 2) for i in range(21)]})
    ex = pd.DataFrame({"year": years, "count": [1 + i // 3 for i in range(21)]})
    v = R.c7_verdict({"China": rising, "Russia": flat}, ex, {"C1": "supported"})
    assert v.verdict == "partly supported"
    assert v.evidence["China_recipients_slope"] == pytest.approx(1.0)
    assert "China_recipients_2021" not in v.evidence  # data end in 2020: not invented
    assert v.summary.startswith("Trends since 2000: countries receiving China's arms +1.00 a year")


@settings(max_examples=40, deadline=None)
@given(st.floats(-5, 5), st.floats(-5, 5), st.floats(-5, 5), st.integers(2005, 2015))
def test_break_in_trend_recovers_any_kink(a, b, c, k):
    years = list(range(2000, 2021))
    vals = [a + b * (y - k) + (c * (y - k) if y >= k else 0) for y in years]
    r = R.break_in_trend(years, vals, k)
    assert r["slope_change"] == pytest.approx(c, abs=1e-6)
    assert r["slope_before"] == pytest.approx(b, abs=1e-6)


def test_grouping_helpers():
    assert R.first_break([2022, 2014]) == 2014 and R.first_break([]) == 2014
    pairs = R.agreement_pairs(["CHN", "RUS", "PRK"], ["USA", "GBR"])
    assert pairs == [
        ("CHN", "RUS"), ("CHN", "PRK"), ("RUS", "PRK"), ("CHN", "USA"), ("RUS", "USA"),
        ("PRK", "USA"),
    ]  # fmt: skip
    ag = R.agreement_table(UN, pairs)
    assert R.missing_pairs(ag, pairs) == ["CHN–PRK", "RUS–PRK", "PRK–USA"]
    assert R.supplier_groups(["CHN", "RUS", "PRK"]) == {
        "China": ("CHN",),
        "Russia": ("RUS", "SUN"),
        "North Korea": ("PRK",),
    }
    assert "DEU" in R.WEST and "USA" in R.WEST and "CHN" not in R.WEST


def test_trade_by_partner_in_billions():
    t = R.trade_by_partner(TRADE, {"China": ["CHN"], "the West": ["DEU", "FRA"], "NK": ["PRK"]})
    assert t.values.tolist() == [["China", 2020, 0.015], ["the West", 2020, 0.005]]


def test_recipients_table_lists_suppliers_without_deliveries():
    long, per, missing = R.recipients_table(
        SPREAD, {"China": ("CHN",), "North Korea": ("PRK",)}, first_year=2005
    )
    assert missing == ["North Korea"] and list(per) == ["China"]
    assert long.values.tolist() == [["China", 2005, 1], ["China", 2006, 1]]


def test_optional_table_absorbs_only_a_missing_file():
    def loader(name):
        raise BriefError(f"data/{name}.csv: missing; `brief data curate` rebuilds it")

    df, ok = R.optional_table(loader, "exercises", R.EXERCISE_COLUMNS)
    assert not ok and df.empty and list(df.columns) == list(R.EXERCISE_COLUMNS)
    v = R.c5_verdict(R.exercise_complexity(df), R.complexity_sensitivity(df, 2003))
    assert v.verdict == "not testable"
    assert "exercises_2021" not in v.evidence  # no invented zero counts

    def broken(name):
        raise BriefError(f"data/{name}.csv: row 3: year 'x' is not an integer")

    with pytest.raises(BriefError, match="row 3"):
        R.optional_table(broken, "exercises", R.EXERCISE_COLUMNS)


def test_c6_says_when_the_data_hold_no_lost_trade_to_restore():
    china = pd.DataFrame({"year": [2021, 2022], "value": [100.0, 110.0]})
    kw = {"end_year": 2026, "scenario": {"relief_year": 2024, "trade_rebound": 0.5}}
    flat = pd.DataFrame({"year": [2021, 2022], "value": [300.0, 303.0]})  # West trade held up
    p = R.sanctions_projection(flat, china, end_year=2026, relief_year=2024, trade_rebound=0.5)
    v = R.c6_verdict(p, R.sanctions_sensitivity(flat, china, **kw), **kw)
    assert v.evidence["west_trade_latest_vs_2021"] == pytest.approx(1.01)
    assert "in 2022 was 101% of its 2021 level" in v.summary and "little lost trade" in v.summary
    fell = pd.DataFrame({"year": [2021, 2022], "value": [300.0, 100.0]})  # it fell: relief matters
    p = R.sanctions_projection(fell, china, end_year=2026, relief_year=2024, trade_rebound=0.5)
    v = R.c6_verdict(p, R.sanctions_sensitivity(fell, china, **kw), **kw)
    assert v.evidence["west_trade_latest_vs_2021"] == pytest.approx(1 / 3)
    assert "little lost trade" not in v.summary
