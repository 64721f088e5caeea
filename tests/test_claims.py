"""The verdict rules: how parts combine, and every claim's thresholds at and around their edges.

Made-up frames whose answers are known by hand; a rule is tested on both sides of each
threshold and at the threshold itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.compute.claims import base, c1, c2, c3, c4, c5, c7, c8
from analysis.compute.claims.base import above, combine, part, untested

H, U, I, F = "holds", "untested", "inconclusive", "fails"  # noqa: E741


def parts(*outcomes, central=()):
    return [part(f"p{i}", "t", o, central=i in central) for i, o in enumerate(outcomes)]


@pytest.mark.parametrize(
    ("outcomes", "central", "verdict"),
    [
        ((U, U), (), "not testable"),
        ((I, U), (), "no evidence either way"),
        ((I, I), (), "no evidence either way"),
        ((H, H, U), (), "supported"),
        ((H, I), (), "partly supported"),
        ((H, F), (), "partly supported"),
        ((F, F, I), (), "not supported"),
        ((F, I), (), "not supported"),
        ((H, H, F), (2,), "not supported"),  # a central part failing sinks the claim
        ((H, I), (1,), "partly supported"),  # inconclusive, even central, is no refutation
        ((H, H), (0,), "supported"),
        # too little to decide (issue 24): a central part not computed, or under half of them
        ((H, H, U), (2,), "not testable"),
        ((F, U), (1,), "not testable"),
        ((H, U, U), (), "not testable"),
        ((H, H, U, U), (), "supported"),  # half of them: enough
        ((U, U, U, U, H), (4,), "not testable"),  # C1 of the issue, its last part alone
    ],
)
def test_parts_combine_into_a_verdict(outcomes, central, verdict):
    assert combine(parts(*outcomes, central=central)) == verdict


def test_too_little_says_which_parts_could_not_be_computed_and_why():
    central = [part("Held", "t", H), part("Not exceeded", "no observed ratio", U, central=True)]
    assert base.too_little(central) == (
        "the central part 'Not exceeded' (no observed ratio) cannot be computed"
    )
    few = [part("a", "ta", H), part("b", "no 2011", U), part("c", "no 2021", U)]
    assert base.too_little(few) == (
        "only 1 of its 3 parts can be computed: 'b' (no 2011) and 'c' (no 2021) cannot"
    )
    assert base.too_little([part("a", "t", U)]) is None  # nothing at all: the claim's own words
    assert base.too_little([part("a", "t", H), untested("b", "not in any data")]) is None


def test_a_claim_with_too_little_says_so_instead_of_its_sentence():
    c = base.claim("T", [part("a", "t", H), part("b", "why", U, central=True)],
                   "It stood at not available.", [], headline="At not available")  # fmt: skip
    assert c.verdict == "not testable"
    assert c.summary == (
        "Not testable with these parameters: the central part 'b' (why) cannot be computed; no "
        "verdict is read off the parts that remain."
    )
    assert c.headline == "Not testable with these parameters"


@pytest.mark.parametrize(
    ("low", "high", "outcome"),
    [(0.1, 0.3, H), (0.0, 0.3, I), (-0.1, 0.3, I), (-0.3, 0.0, I), (-0.3, -0.1, F), (None, 1, U)],
)
def test_an_interval_clear_of_zero_decides_and_one_touching_it_does_not(low, high, outcome):
    assert above(low, high) == outcome


def test_an_untested_part_is_shown_and_never_counted():
    p = untested("Joint basing", "not observable")
    assert p.outcome == U
    assert combine([p, part("a", "t", H)]) == "supported"


# --- C1 ----------------------------------------------------------------------------------


def ratios(values, start=2005):
    return pd.DataFrame({"year": range(start, start + len(values)), "ratio": values})


RISING = ratios(np.round(np.linspace(0.30, 0.50, 21), 6))  # 2005..2025: 0.30 .. 0.50, +0.01/yr


def decide(table=RISING, central=0.6, prob=0.01, rules=None, **kw):
    return c1.decide_measure(
        "milex",
        table,
        central_at_horizon=central,
        prob_exceed_by_horizon=prob,
        crossover_year=None,
        article_horizon=kw.get("article_horizon", 2022),
        horizon=kw.get("horizon", 2030),
        rules=rules or c1.Rules(),
    )


def outcomes(t):
    return [p.outcome for p in t.parts]


def test_c1_rising_below_parity_is_supported():
    t = decide()
    assert outcomes(t) == [H, H, H, H, H] and t.verdict == "supported"


@pytest.mark.parametrize(
    ("tolerance", "outcome"),
    [(0.099, H), (0.1, I), (0.101, I)],  # 2011 -> 2021 rose by exactly 0.10
)
def test_c1_approach_at_the_tolerance(tolerance, outcome):
    assert decide(rules=c1.Rules(tolerance=tolerance)).parts[0].outcome == outcome


def test_c1_approach_window_is_a_rule():
    t = decide(rules=c1.Rules(approach_window=5))
    assert t.numbers["approach_start"] == 2016 and t.parts[0].outcome == H


@pytest.mark.parametrize(("peak", "outcome"), [(1.0, H), (1.0001, F)])
def test_c1_parity_itself_is_not_exceeding(peak, outcome):
    table = RISING.copy()
    table.loc[table["year"] == 2015, "ratio"] = peak
    t = decide(table)
    assert t.parts[1].outcome == outcome
    assert t.verdict == ("supported" if outcome == H else "not supported")


def test_c1_a_ratio_that_crossed_parity_before_the_horizon_and_fell_back_is_not_supported():
    table = ratios([0.8, 0.95, 1.05, 0.97, 0.9, 0.85, 0.9, 0.95, 0.97, 0.99], start=2013)
    t = decide(table, central=0.99, prob=0.2)
    assert t.parts[1].outcome == F and t.parts[1].central
    assert t.verdict == "not supported"


@pytest.mark.parametrize(("prob", "outcome"), [(0.4999, H), (0.5, F), (0.6, F)])
def test_c1_exceeding_is_expected_from_the_probability_threshold_on(prob, outcome):
    assert decide(prob=prob).parts[4].outcome == outcome


def test_c1_a_year_above_parity_after_the_article_horizon_fails_the_last_part():
    table = RISING.copy()
    table.loc[table["year"] == 2024, "ratio"] = 1.01
    assert decide(table, prob=0.0).parts[4].outcome == F


def test_c1_a_fall_since_the_report_is_said_and_a_mere_recovery_is_inconclusive():
    # 0.84 in 2021, 0.71 in 2025: fallen; the projection climbs back to 0.80 only
    table = ratios([0.60, 0.65, 0.70, 0.74, 0.78, 0.80, 0.82, 0.84, 0.79, 0.73, 0.72, 0.71], 2014)
    t = decide(table, central=0.80, prob=0.01)
    assert t.parts[2].outcome == F  # kept approaching since the report: no, it fell
    assert t.parts[3].outcome == I  # projected to keep approaching: only back toward 2021
    assert t.numbers["fell_since_report"]
    text = c1.sentence(
        t,
        t.verdict,
        label="GDP at market exchange rates",
        coalition_label="China + Russia",
        benchmark_label="United States",
        horizon=2030,
        agree=1,
        tested=1,
    )
    assert "the ratio has fallen since the report" in text
    assert "only returns toward its earlier level" in text
    assert text.startswith("On GDP at market exchange rates")  # not "gdp"
    assert decide(table, central=0.86, prob=0.01).parts[3].outcome == H  # passes 2021 + 0.01
    assert decide(table, central=0.85, prob=0.01).parts[3].outcome == I  # by exactly 0.01: not
    assert decide(table, central=0.69, prob=0.01).parts[3].outcome == F  # moving away


def test_c1_without_data_or_without_a_projection_is_not_testable():
    empty = decide(ratios([]), central=None, prob=None)
    assert empty.verdict == "not testable"
    no_projection = decide(central=None, prob=None)  # "not projected to exceed" is central
    assert outcomes(no_projection)[3:] == [U, U] and no_projection.verdict == "not testable"
    assert no_projection.parts[4].test == "no projection for 2030"


def test_c1_with_no_observed_year_up_to_the_articles_horizon_cannot_say_not_exceeded():
    late = decide(ratios([0.5, 0.52, 0.55], start=2023))  # the brief's years start in 2023
    assert late.parts[1].outcome == U and late.verdict == "not testable"
    assert late.parts[1].test == (
        "no observed ratio from 2021 up to 2022: the brief's observed ratios run from 2023 to 2025"
    )


def test_c1_in_data_that_end_before_the_report_counts_only_what_could_be_observed():
    # a brief as of October 2021: the ratios end in 2020, the report's year was not yet observed
    dated = decide(ratios(np.linspace(0.40, 0.50, 11), start=2010), central=0.7, prob=0.01)
    unseen = [p for p in dated.parts if not p.testable]
    assert [p.name for p in unseen] == [
        "Not exceeded through 2022", "Kept approaching since the report"
    ]  # fmt: skip
    assert all(
        p.test.startswith("not yet observable: the brief's data end in 2020") for p in unseen
    )
    assert dated.verdict == "supported"  # approached to 2020, projected on, not to exceed
    text = c1.sentence(dated, dated.verdict, label="Military expenditure", coalition_label="C",
                       benchmark_label="B", horizon=2030, agree=1, tested=1)  # fmt: skip
    assert "in 2020 (40% in 2010), the last year observed when the report appeared" in text


def test_c1_sentence_leaves_out_what_it_could_not_compute():
    t = decide(ratios(np.linspace(0.4, 0.5, 11), start=2015))  # no ratio for 2011
    assert t.numbers["ratio_approach_start"] is None and t.verdict != "not testable"
    text = c1.sentence(t, t.verdict, label="Military expenditure", coalition_label="C",
                       benchmark_label="B", horizon=2030, agree=1, tested=1)  # fmt: skip
    assert "not available" not in text and "in 2011" not in text
    assert text.startswith("On military expenditure, C stood at 46% of the B level in 2021 and")


def test_c1_assessment_states_the_headline_measure_and_every_measure():
    tests = {"milex": decide(), "gdp_ppp": decide(RISING.assign(ratio=RISING["ratio"] + 1))}
    claim = c1.assess(
        tests,
        headline="milex",
        labels={"milex": "Military expenditure", "gdp_ppp": "GDP at PPP"},
        coalition_label="China + Russia",
        benchmark_label="United States",
        horizon=2030,
    )
    ev = {e.key: e.value for e in claim.evidence}
    assert claim.verdict == "supported"
    assert ev["verdict_gdp_ppp"] == "not supported" and ev["measures_agreeing"] == 1
    assert "46% of the United States level in 2021 (36% in 2011)" in claim.summary
    assert claim.headline.startswith("Military expenditure at 46%")


# --- C2 ----------------------------------------------------------------------------------


def gaps(gap_by_year: dict[int, float]) -> pd.DataFrame:
    years = sorted(gap_by_year)
    return pd.DataFrame(
        {
            "year": years,
            "within": [0.3] * len(years),
            "to_benchmark": [0.3 + gap_by_year[y] for y in years],
            "gap": [gap_by_year[y] for y in years],
        }
    )


def c2_assess(g, **rules):
    return c2.assess(g, c2.Rules(**rules), coalition_label="A", benchmark_label="B")


def test_c2_closer_and_widening_is_supported():
    g = gaps({y: 1.0 + 0.05 * (y - 2010) for y in range(2010, 2025)})
    result = c2_assess(g)
    assert [p.outcome for p in result.parts[:2]] == [H, H] and result.verdict == "supported"


@pytest.mark.parametrize(("last_gap", "outcome"), [(0.001, H), (0.0, F), (-0.1, F)])
def test_c2_closer_to_each_other_needs_a_positive_gap(last_gap, outcome):
    g = gaps({2022: 1.0, 2023: 0.5, 2024: last_gap})
    result = c2_assess(g)
    assert result.parts[0].outcome == outcome
    if outcome == F:
        assert result.verdict == "not supported"  # the central part


def test_c2_a_gap_without_a_clear_trend_is_no_evidence_not_a_failure():
    rng = np.random.default_rng(3)
    g = gaps({y: 1.0 + rng.normal(0, 0.3) for y in range(2010, 2025)})
    result = c2_assess(g, from_year=2014)
    assert result.parts[1].outcome == I and result.verdict == "partly supported"
    assert "shows no clear trend" in result.summary


def test_c2_from_year_is_a_rule():
    g = gaps({y: (2.0 if y < 2015 else 1.0 + 0.1 * (y - 2015)) for y in range(2008, 2025)})
    assert c2_assess(g, from_year=2015).parts[1].outcome == H
    assert c2_assess(g, from_year=2008).parts[1].outcome in (I, F)


def test_c2_a_gap_that_narrowed_since_the_report_does_not_hold():
    widening = {y: 1.0 + 0.1 * (y - 2010) for y in range(2010, 2022)}  # 2.1 in 2021
    g = gaps(widening | {2022: 2.05, 2023: 2.0, 2024: 1.95})
    result = c2_assess(g)
    assert result.parts[1].outcome == I and result.verdict == "partly supported"
    assert "but it has narrowed since 2021" in result.summary
    assert "widened to 2021, then narrowed" in result.headline


@pytest.mark.parametrize(
    ("result", "slope", "expected"),
    [(H, 0.5, (H, False)), (H, 0.0, (H, False)), (H, -0.01, (I, True)), (F, 0.01, (I, True)),
     (F, -1.0, (F, False)), (I, -1.0, (I, False)), (U, -1.0, (U, False)), (H, None, (H, False))],
)  # fmt: skip
def test_a_trend_is_reversed_when_its_slope_since_the_report_has_turned(result, slope, expected):
    assert base.kept_since(result, {"slope": slope}) == expected


def test_the_trend_since_the_report_needs_three_years_from_2021():
    two = base.since_report([2019, 2020, 2021, 2022], [1, 2, 3, 5])
    assert two["slope"] is None and (two["first"], two["last"], two["n"]) == (2021, 2022, 2)
    three = base.since_report([2020, 2021, 2022, 2023], [9, 1, 2, None])
    assert three["slope"] is None and three["n"] == 2  # a missing value is not a year of data
    four = base.since_report([2021, 2022, 2023, 2024], [1.0, 2.0, 3.0, 4.0])
    assert four["slope"] == pytest.approx(1.0) and (four["first"], four["last"]) == (2021, 2024)


def test_c2_agreement_gaps_read_one_minus_agreement():
    agreement = pd.DataFrame(
        {
            "pair": ["CHN–RUS", "CHN–USA", "RUS–USA"],
            "year": [2019, 2019, 2019],
            "agreement": [0.8, 0.2, 0.3],
        }
    )
    g = c2.agreement_gaps(agreement, "CHN–RUS", ["CHN–USA", "RUS–USA"])
    assert g.loc[0, "within"] == pytest.approx(0.2)
    assert g.loc[0, "to_benchmark"] == pytest.approx(0.75)
    assert g.loc[0, "gap"] == pytest.approx(0.55)


# --- C3 ----------------------------------------------------------------------------------


def kinked(before: float, after: float, noise: float = 0.0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    years = np.arange(2004, 2022)
    values = [100 + before * (y - 2014) if y < 2014 else 100 + after * (y - 2014) for y in years]
    return pd.DataFrame({"year": years, "value": np.array(values) + rng.normal(0, noise, 18)})


def c3_assess(series, **rules):
    r = c3.Rules(indicators="arms_tiv_china", **rules)
    return c3.assess(c3.fit({"arms_tiv_china": series}, r), r)


@pytest.mark.parametrize(
    ("before", "after", "outcome", "words"),
    [
        (2.0, 6.0, H, "grew faster"),
        (-6.0, -2.0, H, "declined less steeply"),
        (-2.0, 3.0, H, "turned upward"),
        (6.0, 2.0, F, "grew more slowly"),
    ],
)
def test_c3_a_change_of_trend_in_words(before, after, outcome, words):
    result = c3_assess(kinked(before, after, noise=0.1))
    assert result.parts[0].outcome == outcome
    assert words in result.summary


@pytest.mark.parametrize(("after_2021", "outcome"), [([130, 120, 110], I), ([150, 160, 170], H)])
def test_c3_closer_ties_that_fell_back_after_the_report_do_not_hold(after_2021, outcome):
    later = pd.DataFrame({"year": [2022, 2023, 2024], "value": after_2021})
    series = pd.concat([kinked(2.0, 6.0, noise=0.1), later], ignore_index=True)
    result = c3_assess(series, span=7)  # the window, 2007-2021, is the same in both cases
    assert result.parts[0].outcome == outcome
    assert ("but fell after 2021" in result.summary) == (outcome == I)
    assert "not reversed since 2021" in result.parts[0].test
    assert result.item("arms_tiv_china_since_report").decisive == (outcome == I)


def test_c3_the_break_it_tests_is_not_a_later_break_wherever_the_multiverse_moves_it():
    from analysis.params import BriefParams

    p = BriefParams(break_years=[2014, 2022])
    assert c3.later_breaks(p) == [2022]
    moved = c3.Rules(indicators="arms_tiv_china", break_year=2013)
    series = kinked(0.0, 5.0, noise=0.05)
    window = c3.fit({"arms_tiv_china": series}, moved, c3.later_breaks(p))
    assert (window["window_start"].iloc[0], window["window_end"].iloc[0]) == (2004, 2021)
    # the brief's 2014 taken as a later break would leave 2013 a window too short to fit
    assert c3.fit({"arms_tiv_china": series}, moved, p.break_years)["window_end"].iloc[0] == 2013


def test_c3_a_noisy_break_is_no_evidence_either_way():
    result = c3_assess(kinked(1.0, 1.2, noise=8.0, seed=1))
    assert result.parts[0].outcome == I and result.verdict == "no evidence either way"
    assert "shows no clear change of trend" in result.summary


def test_c3_the_break_year_and_span_are_rules():
    series = kinked(0.0, 5.0, noise=0.05)
    at = c3.fit({"arms_tiv_china": series}, c3.Rules(indicators="arms_tiv_china", span=4))
    assert (at["window_start"].iloc[0], at["window_end"].iloc[0]) == (2010, 2017)
    later = c3.fit({"arms_tiv_china": series}, c3.Rules(indicators="arms_tiv_china"), [2018])
    assert later["window_end"].iloc[0] == 2017  # the next break of the brief ends the window
    assert c3_assess(series, break_year=2010).parts[0].name.endswith("closer after 2010")


def test_c3_a_frame_read_once_gives_every_break_its_own_fit():
    """The multiverse reads each frame once (``c3._read``) and fits many breaks on it: each fit
    is the one :func:`c3.fit` makes of the frame alone."""
    series = {"arms_tiv_china": kinked(0.0, 5.0, noise=0.05)}
    read = c3._read("arms_tiv_china", series["arms_tiv_china"])
    for year, span in ((2014, 4), (2012, 10), (2016, 6)):
        rules = c3.Rules(indicators="arms_tiv_china", break_year=year, span=span)
        row = c3._fit_row(read, year, span, [2018])
        pd.testing.assert_frame_equal(pd.DataFrame([row]), c3.fit(series, rules, [2018]))


def test_c3_causation_is_untested_and_too_few_points_are_not_testable():
    result = c3_assess(kinked(1, 2).iloc[8:12])  # two years a side: too few for the fit
    assert [p.outcome for p in result.parts] == [U, U] and result.verdict == "not testable"


# --- C4 ----------------------------------------------------------------------------------


def c4_inputs(before=100.0, after=200.0, share_after=0.8, ordered=2005):
    years = np.arange(1992, 2012)
    flow = pd.DataFrame({"year": years, "value": np.where(years < 2002, before, after)})
    share = pd.DataFrame({"year": years, "share": np.where(years < 2002, 0.5, share_after)})
    systems = pd.DataFrame({"system": ["Su-30"], "year_order": [ordered]})
    return share, flow, systems


@pytest.mark.parametrize(
    ("kw", "part_index", "outcome"),
    [
        ({"after": 100.01}, 0, H),
        ({"after": 100.0}, 0, F),
        ({"share_after": 0.5001}, 1, H),
        ({"share_after": 0.5}, 1, F),
        ({"ordered": 2011}, 2, H),
        ({"ordered": 2012}, 2, F),  # the window is 2002-2011
        ({"ordered": 2001}, 2, F),
    ],
)
def test_c4_each_part_at_its_edge(kw, part_index, outcome):
    result = c4.assess(*c4_inputs(**kw), c4.Rules())
    assert result.parts[part_index].outcome == outcome


def test_c4_deliveries_not_expanding_sink_the_claim_and_r_and_d_is_untested():
    result = c4.assess(*c4_inputs(after=90.0), c4.Rules())
    assert result.verdict == "not supported" and result.parts[3].outcome == U
    assert c4.assess(*c4_inputs(), c4.Rules()).verdict == "supported"


def test_c4_the_window_and_dominant_share_are_rules():
    result = c4.assess(*c4_inputs(share_after=0.55), c4.Rules(dominant_share=0.6))
    assert result.parts[1].outcome == F
    assert c4.assess(*c4_inputs(ordered=2005), c4.Rules(window=3)).parts[2].outcome == F
    assert c4.assess(*c4_inputs(ordered=2004), c4.Rules(window=3)).parts[2].outcome == H


# --- C5 ----------------------------------------------------------------------------------


def exercise_table(years, domains="land;air", host="CHN", troops=None, qualifier=""):
    n = len(years)
    return pd.DataFrame(
        {
            "exercise_id": [f"e{i}" for i in range(n)],
            "name": [f"Exercise {i}" for i in range(n)],
            "year": list(years),
            "start_date": [f"{y}-08-01" for y in years],
            "end_date": [""] * n,
            "host_iso3": [host] * n,
            "domains": domains if isinstance(domains, list) else [domains] * n,
            "format": ["bilateral"] * n,
            "troops_total": troops if isinstance(troops, list) else [troops] * n,
            "troops_total_qualifier": [qualifier] * n,
            "troops_china": [None] * n,
            "troops_china_qualifier": [""] * n,
        }
    )


@pytest.mark.parametrize(("share", "outcome"), [(0.9, H), (1.0, F)])
def test_c5_routine_at_its_share(share, outcome):
    years = [y for y in range(2003, 2026) if y != 2020]  # 9 of the last 10 years
    result = c5.assess(exercise_table(years), c5.Rules(routine_share=share))
    assert result.parts[0].outcome == outcome


def test_c5_rising_complexity_holds_and_a_flat_one_is_no_evidence():
    years = list(range(2003, 2026))
    rising = ["land"] * 8 + ["land;air"] * 8 + ["land;air;sea;command_post"] * 7
    result = c5.assess(exercise_table(years, domains=rising), c5.Rules())
    assert [p.outcome for p in result.parts] == [H, H, U] and result.verdict == "supported"
    flat = c5.assess(exercise_table(years), c5.Rules())
    assert flat.parts[1].outcome == I and flat.verdict == "partly supported"


@pytest.mark.parametrize(
    ("troops", "qualifier", "large"),
    [
        (10_000, "", True),
        (10_000, "about", True),
        (10_000, "more than", True),
        (10_000, "nearly", False),
        (10_000, "up to", False),
        (10_001, "nearly", True),
        (9_999, "", False),
        (None, "", None),
    ],
)
def test_c5_the_troop_threshold_respects_the_qualifier(troops, qualifier, large):
    from analysis.compute.exercises import at_least

    assert at_least(troops, qualifier, 10_000) is large


def test_c5_the_article_context_is_evidence_never_a_part():
    years = [2005, 2021]
    ex = exercise_table(years, troops=[10_000, 10_000])
    ex["troops_total_qualifier"] = ["nearly", "more than"]
    result = c5.assess(ex, c5.Rules())
    names = [p.name for p in result.parts]
    assert not any("2021" in n or "August" in n for n in names)
    context = {e.key: e.value for e in result.evidence}
    assert context["first_large_in_china"] == "Exercise 1 (more than 10,000)"
    assert context["august_2021_in_china"] == "Exercise 1"


# --- C7 ----------------------------------------------------------------------------------


def recipients(slope, start=2000, end=2024, base=20):
    years = np.arange(start, end + 1)
    return pd.DataFrame({"year": years, "recipients": np.round(base + slope * (years - start))})


COUNTS = pd.DataFrame({"year": np.arange(2000, 2025), "count": np.arange(25) // 3})


def test_c7_one_supplier_rising_and_one_falling_is_partly_supported():
    d = {"China": recipients(0.5), "Russia": recipients(-0.5)}
    result = c7.assess(d, COUNTS, c7.Rules())
    assert [p.outcome for p in result.parts[:3]] == [H, F, H]
    assert result.verdict == "partly supported"
    assert [p.outcome for p in result.parts[3:]] == [U, U, U, U]  # basing, operations, ...
    only = c7.assess(d, COUNTS, c7.Rules(suppliers="China"))
    assert only.verdict == "supported"


def test_c7_says_when_a_supplier_fell_from_a_peak():
    peaked = pd.DataFrame({"year": range(2010, 2025), "recipients": [20] * 6 + [26] + [12] * 8})
    result = c7.assess({"Russia": peaked}, COUNTS, c7.Rules(start_year=2010))
    assert "from a peak of 26 in 2016 to 12 in 2024" in result.summary


def test_c7_the_start_year_is_a_rule():
    rise_then_fall = pd.DataFrame(
        {
            "year": range(2000, 2025),
            "recipients": [10 + y for y in range(15)] + [24 - y for y in range(10)],
        }
    )
    d = {"China": rise_then_fall}
    # from 2000 the trend rises, but it has fallen since the report: reversed, so it does not hold
    assert c7.assess(d, COUNTS, c7.Rules(start_year=2000)).parts[0].outcome == I
    assert c7.assess(d, COUNTS, c7.Rules(start_year=2015)).parts[0].outcome == F


def test_c7_a_trend_that_reversed_since_the_report_does_not_hold_and_says_so():
    """The flagship's case: states receiving China's arms rose from 2000 and fell after 2021."""
    years = list(range(2000, 2025))
    risen = [10 + y - 2000 for y in years if y <= 2021]
    turned = pd.DataFrame({"year": years, "recipients": [*risen, 30, 28, 26]})
    result = c7.assess({"China": turned}, COUNTS, c7.Rules())
    assert result.parts[0].outcome == I and "not reversed since 2021" in result.parts[0].test
    assert "reversed since the report (-1.70 a year, 2021–2024)" in result.summary
    since = result.item("china_recipients_since_report")
    assert since is not None and since.decisive and since.value == pytest.approx(-1.7)
    kept = pd.DataFrame({"year": years, "recipients": [*risen, 32, 33, 34]})
    again = c7.assess({"China": kept}, COUNTS, c7.Rules())
    assert again.parts[0].outcome == H and "reversed" not in again.summary
    assert not again.item("china_recipients_since_report").decisive


# --- C8 ----------------------------------------------------------------------------------


def c8_inputs(agreement=0.9, common=5, share_now=0.7, russia_on_china=0.2, china_on_russia=0.1):
    agreement_t = pd.DataFrame({"year": range(2015, 2020), "agreement": [agreement] * 5})
    recips = [f"X{i:02d}" for i in range(common)]
    spread = pd.DataFrame(
        {
            "supplier_iso3": ["CHN"] * common + ["RUS"] * common,
            "recipient_iso3": recips * 2,
            "year": [2024] * (2 * common),
            "tiv": [1.0] * (2 * common),
        }
    )
    share = pd.DataFrame(
        {
            "year": list(range(2002, 2012)) + list(range(2020, 2025)),
            "share": [0.8] * 10 + [share_now] * 5,
        }
    )
    dep = pd.DataFrame(
        {"year": [2022], "russia_on_china": [russia_on_china], "china_on_russia": [china_on_russia]}
    )
    return agreement_t, spread, share, dep


@pytest.mark.parametrize(
    ("kw", "index", "outcome"),
    [
        ({"agreement": 0.9}, 0, H),  # voted apart on exactly 10 %
        ({"agreement": 0.9001}, 0, F),
        ({"common": 5}, 1, H),
        ({"common": 4}, 1, F),
        ({"share_now": 0.6999}, 2, H),
        ({"share_now": 0.7}, 2, F),  # fell by exactly 0.1: not more than
        ({"russia_on_china": 0.2, "china_on_russia": 0.1}, 3, H),  # exactly 2 times
        ({"russia_on_china": 0.19, "china_on_russia": 0.1}, 3, F),
    ],
)
def test_c8_each_limit_at_its_threshold(kw, index, outcome):
    result = c8.assess(*c8_inputs(**kw), c8.Rules())
    assert result.parts[index].outcome == outcome


def test_c8_common_recipients_exclude_the_two_themselves():
    spread = pd.DataFrame(
        {
            "supplier_iso3": ["CHN", "RUS", "CHN", "RUS"],
            "recipient_iso3": ["RUS", "CHN", "PAK", "PAK"],
            "year": [2024] * 4,
            "tiv": [1.0] * 4,
        }
    )
    assert c8.common_recipients(spread, ["CHN"], ["RUS", "SUN"], (2020, 2024)) == {"PAK"}


def test_the_registry_finds_every_claim_module_in_order_with_its_rules_and_choices():
    from analysis.compute import claims

    assert claims._discover() == claims.MODULES
    assert claims.IDS == ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8")
    assert claims.TITLES["C6"] == claims.MODULES["C6"].TITLE
    with_rules = ["c1", "c2", "c3", "c4", "c5", "c7", "c8"]  # C6 is a what-if: no rules
    assert list(claims.rules_models()) == with_rules
    assert list(claims.choices_models()) == with_rules
    for key, model in claims.rules_models().items():
        assert model is claims.MODULES[key.upper()].Rules
    for key, model in claims.choices_models().items():
        assert model is claims.MODULES[key.upper()].Choices


def test_a_rule_and_its_alternatives_are_declared_once_and_bounded_alike():
    from pydantic import ValidationError

    from analysis.compute.claims import c5
    from analysis.compute.claims.rules import Frozen, choices_of, rule

    # only the rules declared with vary= are choices, in the rules' order
    assert list(c5.Choices.model_fields) == ["complexity", "troop_threshold", "first_year"]
    assert c5.Choices.model_fields["first_year"].title == "the first year of the trend"
    # what a rule means is the docstring under it, for the rule and for its choice
    assert c5.Rules.model_fields["first_year"].description.startswith("First year of the")
    assert c5.Choices.model_fields["first_year"].description.startswith("First year of the")
    assert c5.Choices().first_year == [2003, 2005, 2010]
    # an alternative outside the rule's own bounds (ge=2003) is refused like the rule itself
    with pytest.raises(ValidationError, match="greater than or equal to 2003"):
        c5.Choices(first_year=[2001])

    class Rules(Frozen):
        window: int = rule(5, ge=3, le=10, vary=[3, 11], title="the window")

    with pytest.raises(ValidationError, match="less than or equal to 10"):
        choices_of(Rules)()  # a default alternative out of bounds fails when first used
    with pytest.raises(TypeError, match="go together"):
        rule(5, vary=[3, 4])  # a choice without its name in words


def test_a_multiverse_value_outside_its_rule_is_one_error_naming_the_key():
    from analysis.errors import BriefError
    from analysis.params import validate

    with pytest.raises(BriefError) as err:
        validate({"multiverse": {"c8": {"window": [1]}}}, source="my.yml")
    assert str(err.value) == (
        "my.yml: 1 problem: multiverse.c8.window.0: got 1, input should be greater than or "
        "equal to 3"
    )


def test_a_specification_changes_the_rules_it_varies_and_keeps_the_briefs_others():
    from analysis.compute import multiverse
    from analysis.compute.claims.rules import spec_rules
    from analysis.params import validate

    params = validate({"rules": {"c5": {"routine_window": 5, "first_year": 2005}}}, source="t")
    rules = spec_rules(params.rules.c5, {"first_year": 2010, "complexity": "no scale"})
    assert (rules.first_year, rules.complexity, rules.routine_window) == (2010, "no scale", 5)
    # the brief's own specification: its value of each choice (C5's three), and C1's own reading
    assert multiverse.own("C5", params) == {
        "complexity": "size, length and format",
        "troop_threshold": params.rules.c5.troop_threshold,
        "first_year": 2005,
    }
    assert multiverse.own("C1", params)["measure"] == params.headline_measure


def test_choices_of_makes_a_strict_frozen_model_of_the_varied_rules_only():
    from pydantic import ValidationError

    from analysis.compute.claims.rules import Frozen, choice, choices_of, rule

    class Rules(Frozen):
        window: int = rule(5, ge=3, le=10, vary=[3, 5], title="the window")
        """Years measured."""
        share: float = rule(0.5, gt=0.0, lt=1.0)
        """Not varied."""

    class Before(Frozen):
        measure: list[str] = choice(["a", "b"], title="the measure")
        """Why a and b."""

    class After(Frozen):
        horizon: list[int] = choice([2030], title="the horizon")

    Choices = choices_of(Rules, before=Before, after=After)
    assert list(Choices.model_fields) == ["measure", "window", "horizon"]
    f = Choices.model_fields["window"]
    assert (f.title, f.description, f.default) == ("the window", "Years measured.", [3, 5])
    assert Choices.model_fields["measure"].description == "Why a and b."
    assert (Choices.__name__, Choices.__module__) == ("Choices", Rules.__module__)
    assert Choices.__doc__ == ("TEST_CLAIMS's specification space (``multiverse.test_claims.*``).")
    assert (Rules().window, Rules().share) == (5, 0.5)
    assert Rules.model_fields["window"].title == "the window"
    assert Rules.model_fields["share"].title is None
    assert Choices(window=[3]).window == [3]
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Choices(windw=[3])  # a misspelt choice is an error, not ignored
    with pytest.raises(ValidationError, match="at least 1 item"):
        Choices(window=[])
    with pytest.raises(ValidationError, match="frozen"):
        Choices().window = [4]
