"""C3, C6 and C8 on the brief's trade series: the rule is a parameter (``trade_series``), one of
C3's multiverse choices, and each claim names the series it used and from which year."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.compute import multiverse as mv
from analysis.compute import trade
from analysis.compute.claims import c3, c6, c8
from analysis.errors import BriefError
from analysis.params import BriefParams, validate
from tests.test_analysis_trade_series import TRADE, both, table


def test_trade_series_is_one_parameter_with_its_rules_in_words():
    assert BriefParams().trade_series == "imts"
    assert validate({"trade_series": "dots"}, source="t").trade_series == "dots"
    desc = BriefParams.model_fields["trade_series"].description
    assert "imts: IMF IMTS where it has the year" in desc and "dots: IMF DOTS" in desc
    with pytest.raises(BriefError, match=r"t: 1 problem: trade_series: got 'mirror', input should"):
        validate({"trade_series": "mirror"}, source="t")


def test_the_trade_series_is_one_of_c3s_choices_and_the_brief_states_its_own():
    assert list(c3.Choices.model_fields) == ["break_year", "span", "indicators", "trade_series"]
    assert c3.Choices().trade_series == ["dots", "imts"]
    assert c3.Choices.model_fields["trade_series"].title == "the trade series"
    params = validate({"trade_series": "dots", "rules": {"c3": {"span": 8}}}, source="t")
    assert mv.own("C3", params) == {
        "break_year": 2014,
        "span": 8,
        "indicators": "all",
        "trade_series": "dots",
    }
    assert set(mv.value_words("C3")["trade_series"]) == {"dots", "imts"}
    with pytest.raises(BriefError, match=r"multiverse.c3.trade_series.0: got 'x'"):
        validate({"multiverse": {"c3": {"trade_series": ["x"]}}}, source="t")


# Russia's trade with China: the two series equal to 2021; from 2022 DOTS falls and IMTS soars,
# so a break tested at 2020 with no later break year sees the two series disagree.
RISE = [r for y in range(2012, 2022) for r in both("imf_dots", "CHN", y, 100.0, 100.0)]
RISE += both("imf_dots", "CHN", 2022, 60.0, 60.0) + both("imf_dots", "CHN", 2023, 40.0, 40.0)
RISE += [r for y in range(2016, 2022) for r in both("imf_imts", "CHN", y, 100.0, 100.0)]
RISE += both("imf_imts", "CHN", 2022, 200.0, 200.0, "estimate")
RISE += both("imf_imts", "CHN", 2023, 400.0, 400.0, "estimate")


def test_c3_is_decided_on_the_specifications_trade_series():
    params = validate({"break_years": [2020], "rules": {"c3": {"break_year": 2020}}}, source="t")
    series = {s: trade.trade_with(table(*RISE), ["CHN"], series=s) for s in ("dots", "imts")}
    inputs = {
        "series": {},
        "trade": series,
        "trade_words": {s: s.upper() for s in series},
        "later": [2020],
    }
    spec = {"break_year": 2020, "span": 8, "indicators": "trade_china"}
    _, up = c3.evaluate(inputs, {**spec, "trade_series": "imts"}, params)
    _, down = c3.evaluate(inputs, {**spec, "trade_series": "dots"}, params)
    assert (up, down) == ("supported", "not supported")


def test_c3_assumptions_name_the_series_and_the_tests_window():
    rules = c3.Rules(indicators="trade_china", break_year=2018, span=4)
    data = c3.ties(
        {"series": {}, "trade": {"imts": trade.trade_with(TRADE, ["CHN"], series="imts")}}, "imts"
    )
    result = c3.assess(c3.fit(data, rules), rules, trade_words="IMF IMTS 2016-2023")
    said = " ".join(result.assumptions)
    assert "Russia's trade with China: IMF IMTS 2016-2023; the test's window 2014–2021." in said


def test_c6_draws_the_west_from_the_chosen_series_and_says_which():
    scenario = {"relief_year": 2026, "trade_rebound": 0.5}
    west = both("imf_dots", "DEU", 2021, 50.0, 50.0) + both("imf_imts", "DEU", 2021, 50.0, 50.0)
    west += both("imf_dots", "DEU", 2022, 45.0, 45.0)
    west += both("imf_imts", "DEU", 2022, 10.0, 10.0, "estimate")
    china = both("imf_dots", "CHN", 2021, 20.0, 20.0) + both("imf_imts", "CHN", 2021, 20.0, 20.0)
    china += both("imf_dots", "CHN", 2022, 20.0, 20.0)
    china += both("imf_imts", "CHN", 2022, 40.0, 40.0, "estimate")
    t = table(*west, *china)
    imts = c6.what_if(t, series="imts", end_year=2030, scenario=scenario)
    dots = c6.what_if(t, series="dots", end_year=2030, scenario=scenario)
    assert imts["west"].set_index("year")["value"][2022] == 20.0
    assert dots["west"].set_index("year")["value"][2022] == 90.0
    assert imts["words"] == "IMF IMTS 2021-2022 (from 2022 IMF estimates from partners' reports)"
    result = c6.assess(
        imts["projection"], imts["sensitivity"], end_year=2030, scenario=scenario,
        trade_words=imts["words"],
    )  # fmt: skip
    assert result.verdict == "not testable"
    assert result.summary.endswith(f"Observed trade to 2022: {imts['words']}.")
    assert f"Russia's trade with the West and with China: {imts['words']};" in result.assumptions[1]
    # the West lost 80 % of its 2021 trade in this series: relief has something to restore
    ev = {e.key: e.value for e in result.evidence}
    assert ev["west_trade_latest_vs_reference"] == pytest.approx(0.2)
    assert ev["dependence_relief_end"] < ev["dependence_baseline_end"]
    old = c6.assess(
        dots["projection"], dots["sensitivity"], end_year=2030, scenario=scenario,
        trade_words=dots["words"],
    )  # fmt: skip
    assert {e.key: e.value for e in old.evidence}["west_trade_latest_vs_reference"] == 0.9
    assert old.summary.endswith("Observed trade to 2022: IMF DOTS as reported by Russia 2021-2022.")


def test_c8_says_whose_figure_each_side_of_the_dependence_is():
    dep = pd.DataFrame(
        {
            "year": [2022, 2023],
            "russia_on_china": [0.2, 0.3],
            "china_on_russia": [0.05, float("nan")],
            "russia_source": ["imf_imts", "imf_imts"],
            "china_source": ["cepii_baci", ""],
        }
    )
    from tests.test_claims import c8_inputs

    agreement, spread, share, _ = c8_inputs()
    result = c8.assess(agreement, spread, share, dep, c8.Rules(), trade_words="WORDS")
    assert "in 2022 China took 20% of Russia's exports (IMF IMTS) while Russia took 5% of " in (
        result.summary
    )
    assert "China's (CEPII BACI)" in result.summary
    assert result.parts[3].outcome == "holds"  # 4 times, in the latest year both sides are known
    assert "Trade shares: WORDS; each over the exporter's merchandise exports" in " ".join(
        result.assumptions
    )
    label = {e.key: e.label for e in result.evidence}["china_exports_to_russia_share"]
    assert label.startswith("China's exports to Russia (reconciled, CEPII BACI)")


def test_c8_words_name_both_flows_and_their_years():
    words = c8.trade_words(TRADE, "imts")
    assert words == (
        "Russia's exports to China from IMF DOTS as reported by Russia 2014-2015, IMF IMTS "
        "2016-2023 (from 2022 IMF estimates from partners' reports); China's exports to Russia "
        "(FOB) from CEPII BACI (reconciled) 2021-2022"
    )
