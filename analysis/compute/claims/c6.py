"""C6: reducing Western sanctions might lead Russia towards Europe and the United States.

What the article reports the study said: reducing Western sanctions "on the two nations" might
lead Russia to "seek stronger relations with Europe and the United States", so the relationship
could "weaken or decline"; the report calls such a change "likely undesirable" and improbable.

A counterfactual cannot be tested: the verdict is always *not testable*. The brief draws a
transparent what-if instead (:func:`analysis.compute.trade.sanctions_projection`): China's share
of Russia's trade with China and the West under a baseline and a relief scenario, every
assumption a parameter (``sanctions_scenario``) and its sensitivity shown. It is an
illustration, not a forecast. The trade is the brief's ``trade_series`` (:func:`what_if`): IMF
IMTS by default, whose estimates from partners' reports carry Russia's trade with the West past
2021, when Russia stopped reporting it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.compute.claims.base import REPORT_YEAR, claim, dated, ev, pct, untested
from analysis.compute.frames import latest, num, value_at
from analysis.compute.trade import ILLUSTRATION
from analysis.results import Claim

ID = "C6"
TITLE = "Sanctions relief could weaken the relationship (what-if)"
READS = ("bilateral_trade",)
PARAMS = ("trade_series", "horizon", "sanctions_scenario")
#: The curated sources its data come from (Russia's trade series).
SOURCES = ("imf_imts", "imf_dots")


def what_if(
    trade_table: pd.DataFrame, *, series: str, end_year: int, scenario: Mapping[str, Any]
) -> dict[str, Any]:
    """The what-if's inputs from the trade table: Russia's trade with the West and with China
    from the trade series ``series`` (IMF IMTS covers every partner after 2021), the projection,
    its sensitivity and the series in words (``west, china, projection, sensitivity, words``)."""
    from analysis.compute import trade

    west = trade.trade_with(trade_table, list(trade.WEST), series=series)
    china = trade.trade_with(trade_table, ["CHN"], series=series)
    scenario = dict(scenario)
    projection = trade.sanctions_projection(west, china, end_year=end_year, **scenario)
    if projection.empty:  # no reference year (a brief as of a date before it): observed only
        obs = west.rename(columns={"value": "west"}).merge(
            china.rename(columns={"value": "china"}), on="year", how="inner"
        )
        projection = obs.assign(
            scenario="observed", dependence=obs["china"] / (obs["china"] + obs["west"])
        )[list(projection.columns)].sort_values("year", ignore_index=True)
    return {
        "west": west,
        "china": china,
        "projection": projection,
        "sensitivity": trade.sanctions_sensitivity(
            west, china, end_year=end_year, scenario=scenario
        ),
        "words": trade.series_words(trade_table, series, [*trade.WEST, "CHN"]),
    }


def assess(
    projection: pd.DataFrame,
    sensitivity: pd.DataFrame,
    *,
    end_year: int,
    scenario: Mapping[str, Any],
    trade_words: str = "not stated",
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Claim:
    """C6 from the what-if (``year, scenario, west, china, dependence``) and its sensitivity;
    ``trade_words`` says which trade series (source and years) it is drawn from."""
    obs = projection[projection["scenario"] == "observed"]
    y_obs, dep_obs = latest(obs, "dependence")
    rel = projection[(projection["scenario"] == "relief") & (projection["year"] == end_year)]
    bl = projection[(projection["scenario"] == "baseline") & (projection["year"] == end_year)]
    d_rel = num(rel["dependence"].iloc[0]) if len(rel) else None
    d_bl = num(bl["dependence"].iloc[0]) if len(bl) else None
    s = sensitivity.dropna(subset=["dependence_relief"]) if len(sensitivity) else sensitivity
    lo = num(s["dependence_relief"].min()) if len(s) else None
    hi = num(s["dependence_relief"].max()) if len(s) else None
    ry = scenario.get("relief_year")
    ref_year = int(scenario.get("reference_year", REPORT_YEAR))
    w_ref = value_at(obs, ref_year, "west")
    _, w_last = latest(obs, "west")
    west_ratio = w_last / w_ref if w_ref and w_last is not None else None
    evidence = [
        ev("dependence_report_year", "China's share of Russia's trade with China and the West",
           value_at(obs, REPORT_YEAR, "dependence"), "share", REPORT_YEAR, decisive=True),
        ev("dependence_latest", "China's share of Russia's trade with China and the West",
           dep_obs, "share", y_obs, decisive=True),
        ev("dependence_baseline_end", "The same without relief (baseline)", d_bl, "share",
           end_year, decisive=True),
        ev("dependence_relief_end", "The same with relief (the what-if)", d_rel, "share",
           end_year, decisive=True),
        ev("dependence_relief_min", "Lowest share with relief across the sensitivity table", lo,
           "share", end_year),
        ev("dependence_relief_max", "Highest share with relief across the sensitivity table", hi,
           "share", end_year),
        ev("west_trade_latest_vs_reference", f"Russia's trade with the West, share of its "
           f"{ref_year} level", west_ratio, "share", y_obs),
    ]  # fmt: skip
    spread = [v for v in (d_rel, lo, hi) if v is not None]
    little = (
        d_bl is not None
        and west_ratio is not None
        and spread
        and max(abs(v - d_bl) for v in spread) < 0.01
    )
    caveat = (
        f" Russia's trade with the West in {y_obs} was {pct(west_ratio)} of its "
        f"{ref_year} level, so the data hold little lost trade for relief to restore: the what-if "
        "cannot show more until trade after that year is reported."
        if little
        else ""
    )
    if d_bl is None and y_obs is not None and y_obs < ref_year:
        # a brief as of a date before the reference year's trade was reported
        summary = (
            f"The what-if restores Western trade lost after {ref_year}, the level before the "
            f"2022 sanctions; this brief's data end in {y_obs}, so it cannot be drawn to "
            f"{end_year} ({ILLUSTRATION})."
        )
    elif d_bl is None:
        summary = (
            "Russia's trade with the West and China is not available, so the what-if cannot be "
            f"drawn ({ILLUSTRATION})."
        )
    elif ry is None:
        summary = (
            f"With no sanctions relief set, China's share of Russia's trade with China and the "
            f"West stays at {pct(d_bl)} in {end_year} if trade holds its trend; the sensitivity "
            f"table shows relief after the data ranging from {pct(lo if lo is not None else d_bl)}"
            f" to {pct(hi if hi is not None else d_bl)} ({ILLUSTRATION})." + caveat
        )
    else:
        summary = (
            f"If sanctions were lifted in {ry} and {pct(scenario.get('trade_rebound', 0))} of the "
            f"lost Western trade returned, China's share of Russia's trade with China and the "
            f"West would be {pct(d_rel)} in {end_year} against {pct(d_bl)} without relief "
            f"({ILLUSTRATION}); whether the relationship would weaken is not testable with data."
            + caveat
        )
    if d_bl is not None:
        summary += f" Observed trade to {y_obs}: {trade_words}."
    parts = [
        untested(
            "Relief would weaken the relationship",
            "a counterfactual: the what-if illustrates it, no data can test it",
        )
    ]
    return claim(
        TITLE,
        parts,
        summary,
        evidence,
        headline=(
            f"A what-if only: China's share of Russia's trade with China and the West "
            f"{pct(d_bl)} in {end_year} without relief, {pct(d_rel)} with it"
            if d_bl is not None
            else f"A what-if only; trade after {y_obs} not yet reported"
            if y_obs is not None and y_obs < ref_year
            else "A what-if only; trade data not available"
        ),
        assumptions=[
            f"This is an {ILLUSTRATION}; every assumption is a parameter (sanctions_scenario).",
            f"Russia's trade with the West and with China: {trade_words}; exports plus "
            "imports, current US$; the West is the EU-27, the United States, the United Kingdom, "
            "Canada, Japan, Norway, Switzerland and Australia (analysis.compute.trade.WEST).",
            f"Assumptions used: {', '.join(f'{k}={v}' for k, v in sorted(scenario.items()))}.",
            "Trade is a proxy for the relationship; the report's claim concerns policy choices.",
        ],
        charts=charts,
        tables=tables,
    )


def prepare(data: Mapping[str, Any], params: Any) -> dict[str, Any]:
    """The what-if and its sensitivity, from the brief's trade series and scenario."""
    return what_if(
        data["bilateral_trade"],
        series=params.trade_series,
        end_year=params.horizon,
        scenario=params.sanctions_scenario.model_dump(),
    )


def decide(inputs: Mapping[str, Any], params: Any, out: Any) -> Claim:
    """The brief's C6 and its what-if chart (``out``: the run's
    :class:`~analysis.compute.artifacts.Exhibits`)."""
    from analysis.compute import trade
    from analysis.compute.charts import relations as rc

    scenario = params.sanctions_scenario.model_dump()
    projection, sensitivity = inputs["projection"], inputs["sensitivity"]
    source = dated(inputs["words"] + "; our computation", SOURCES, params)
    result = assess(
        projection,
        sensitivity,
        end_year=params.horizon,
        scenario=scenario,
        trade_words=inputs["words"],
    )
    out.table(
        sensitivity,
        "c6-sensitivity",
        title="China's share in the final year as each what-if assumption moves",
        source=source,
        sort_by=["parameter", "value"],
    )
    relief = (
        f"sanctions lifted in {scenario['relief_year']}, {scenario['trade_rebound']:.0%} of the "
        "lost Western trade returning"
        if scenario["relief_year"] is not None
        else "no relief year set: the scenario equals the baseline"
    )
    out.chart(
        rc.scenario_chart(projection, source=source),
        "c6-scenario",
        title=trade.scenario_headline(projection, params.horizon),
        caption=(
            "China's share of Russia's trade with China and the West: observed, then under a "
            f"baseline (each flow holds its latest level) and a relief scenario ({relief}). An "
            "illustration of the assumptions, not a forecast."
        ),
        alt=trade.scenario_alt(projection, params.horizon),
        source=source,
        data=projection,
        data_title="Russia's trade with the West and China (US$ m) and China's share, by scenario",
        sort_by=["scenario", "year"],
    )
    return out.finish(result)
