"""The power balance drawn for claim C1: its charts and tables, and the sensitivity numbers.

C1 (``analysis/compute/claims/c1.py``) decides the claim; this module draws what the brief shows
of it, each function writing through the run's :class:`analysis.compute.artifacts.Exhibits`:

- :func:`observed`: the ratio on every measure, the member-years without data, constant-dollar
  levels;
- :func:`outlook`: the headline measure's projection fan and every measure's probability of
  exceeding parity;
- :func:`sensitivity`: C1's verdict under each measure, the composite weights (simplex), the
  growth inputs (tornado) and the extra growth parity would need, returning the numbers the
  brief quotes from them;
- :func:`verdict_table`: C1's verdict on each measure and the numbers behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.compute import power, projection
from analysis.compute import sensitivity as sens
from analysis.compute.charts import power as power_charts
from analysis.formats import percent
from analysis.results import Evidence

SIMPLEX_COMPONENTS = ["gdp_mer", "gdp_ppp", "milex"]
SIMPLEX_LABELS = {
    "gdp_mer": "GDP (market rates)",
    "gdp_ppp": "GDP (PPP)",
    "milex": "military expenditure",
}


def labels() -> dict[str, str]:
    return {m: info["label"] for m, info in power.MEASURES.items()}


#: Source id -> the release a brief as of a date reads, in words
#: (:func:`analysis.data.load.release_words`); None or empty: the current releases.
Releases = Mapping[str, str] | None


def _sources(params: Any, what: str, releases: Releases = None) -> str:
    found = {power.measure_source(m, releases) for m in params.measures}
    return "; ".join(sorted(found)) + f"; {what}"


def observed(
    series: Mapping[str, Any], ind: Any, params: Any, out: Any, releases: Releases = None
) -> None:
    """The coalition-to-benchmark ratio on each measure (``c1-ratio``), the member-years without
    data (``c1-gaps``) and GDP levels in constant dollars (``c1-levels``)."""
    source = _sources(params, "our computation", releases)
    ratios = power.long_ratio_table(series)
    latest = {m: power.latest(g.table) for m, g in series.items()}
    out.chart(
        power_charts.ratio_chart(
            ratios,
            article_horizon=params.article_horizon,
            coalition_label=params.coalition_label,
            benchmark_label=params.benchmark_label,
            source=source,
        ),
        "c1-ratio",
        title=power.ratio_headline(latest, params.coalition_label, params.benchmark_label),
        caption=(
            "Ratio of the coalition's total to the benchmark's on each measure; 1 is parity. "
            + "; ".join(
                f"{power.MEASURES[m]['label']}: {r:.2f} in {y}"
                for m, (y, r) in latest.items()
                if y is not None
            )
            + "."
        ),
        alt=power.ratio_alt(
            ratios, latest, params.coalition_label, params.benchmark_label, params.article_horizon
        ),
        source=source,
        data=ratios,
        data_title="Coalition and benchmark totals and their ratio, by measure and year",
        sort_by=["measure", "year"],
    )
    out.table(
        power.gap_table(series),
        "c1-gaps",
        title="Member-years without data and what was done",
        source=source,
        sort_by=["measure", "year", "iso3"],
    )
    levels = power.constant_dollar_totals(
        ind, params.coalition, params.benchmark, params.base_year, missing=params.missing
    )
    out.table(
        levels[levels["year"] >= params.start_year],
        "c1-levels",
        title=f"GDP at market exchange rates, constant {params.base_year} US$ bn",
        source=power.sources_line(power.LEVELS_LINE, releases) + "; our computation",
        sort_by=["year"],
    )


def outlook(
    series: Mapping[str, Any],
    projections: Mapping[str, Any],
    params: Any,
    out: Any,
    releases: Releases = None,
) -> None:
    """The headline measure's projection fan (``c1-fan``) and the probability of exceeding
    parity by year on every measure (``c1-prob``)."""
    head = params.headline_measure
    label = power.MEASURES[head]["label"]
    head_source = power.measure_source(head, releases) + "; our projection"
    proj = projections[head]
    pe = proj.prob_exceed_by_horizon
    growth = params.growth_scenario
    out.chart(
        power_charts.fan_chart(
            series[head].table,
            proj.fan,
            measure_label=label,
            article_horizon=params.article_horizon,
            coalition_label=params.coalition_label,
            benchmark_label=params.benchmark_label,
            source=head_source,
        ),
        "c1-fan",
        title=power_charts.fan_headline(
            proj, label, params.coalition_label, params.benchmark_label
        ),
        caption=(
            f"Observed ratio to {proj.last_year} and {params.mc_draws:,} simulated paths to "
            f"{params.horizon} ({projection.METHOD_WORDS[growth.method]} over "
            f"{growth.window} years); probability the coalition exceeds the benchmark by "
            f"{params.horizon}: " + ("not available" if pe is None else percent(pe)) + "."
        ),
        alt=power_charts.fan_alt(proj, label, params.coalition_label, params.benchmark_label),
        source=head_source,
        data=proj.fan.assign(measure=head),
        data_title=f"Projected ratio quantiles and probabilities, {label}",
        sort_by=["year"],
    )
    prob = projection.probability_table(projections, power.MEASURES)
    out.chart(
        power_charts.probability_chart(
            prob,
            coalition_label=params.coalition_label,
            benchmark_label=params.benchmark_label,
            source=_sources(params, "our projection", releases),
        ),
        "c1-prob",
        title=power_charts.probability_headline(
            projections, labels(), params.coalition_label, params.horizon
        ),
        caption=(
            "Share of simulated paths in which the coalition's total has been above the "
            "benchmark's in at least one projected year up to the year shown "
            f"({params.mc_draws:,} draws, seed {params.seed})."
        ),
        alt=power_charts.probability_alt(projections, labels(), params.horizon),
        source=_sources(params, "our projection", releases),
        data=prob,
        data_title="Probability of exceeding by year and measure",
        sort_by=["measure", "year"],
    )


def sensitivity(
    series: Mapping[str, Any],
    projections: Mapping[str, Any],
    by_measure: Any,
    ind: Any,
    params: Any,
    out: Any,
    releases: Releases = None,
    *,
    scenario: Any = None,
) -> list[Evidence]:
    """C1's verdict under each measure (``by_measure``, saved as ``c1-verdicts``), the composite
    over the weight simplex (``c1-simplex``), what moves the crossover year (``c1-tornado``) and
    the extra growth parity needs (``c1-break-even``); returns the numbers the brief quotes from
    them. ``scenario``: the brief's :class:`~analysis.compute.projection.Scenario` of ``ind``,
    when the caller has one (the tornado and the break-even read the data once with it)."""
    source = power.sources_line(power.SOURCES_LINE, releases) + "; our computation"
    out.table(
        by_measure,
        "c1-verdicts",
        title="C1 verdict under each measure of power",
        source=source,
        sort_by=["measure"],
    )
    shares, year = sens.component_shares(
        ind,
        SIMPLEX_COMPONENTS,
        params.coalition,
        params.benchmark,
        milex_prices=params.milex_prices,
        missing=params.missing,
    )
    grid = sens.simplex_grid(shares, step=0.05)
    chosen = dict(params.composite_weights)
    exceeding = float(grid["exceeds"].mean())
    out.chart(
        power_charts.simplex_chart(
            grid,
            x_component="gdp_mer",
            y_component="milex",
            rest_component="gdp_ppp",
            labels=SIMPLEX_LABELS,
            chosen=chosen if set(chosen) <= set(SIMPLEX_COMPONENTS) else None,
            year=year,
            source=source,
        ),
        "c1-simplex",
        title=sens.simplex_headline(exceeding, len(grid), params.coalition_label, year),
        caption=(
            f"The coalition exceeds the benchmark in {percent(exceeding)} of {len(grid)} "
            f"weightings of GDP at market rates, GDP at PPP and military expenditure ({year})."
        ),
        alt=(
            f"Triangular grid of {len(grid)} weightings of three measures coloured by the "
            f"composite ratio in {year}; crosses mark the {percent(exceeding)} of weightings in "
            "which the coalition is larger."
        ),
        source=source,
        data=grid,
        data_title="Composite ratio over the weight simplex",
        sort_by=[f"w_{c}" for c in sorted(SIMPLEX_COMPONENTS)],
        sensitivity=True,
    )
    head = params.headline_measure
    members = sens.tornado_members(
        power.member_levels(
            ind,
            head,
            params.coalition,
            params.benchmark,
            weights=params.composite_weights,
            milex_prices=params.milex_prices,
        ),
        params.coalition,
        params.benchmark,
        projections[head].last_year,
    )
    tornado = sens.tornado(
        sens.make_runner(ind, params, scenario=scenario),
        members=members,
        window=params.growth_scenario.window,
        measures=params.measures,
        headline=head,
        observed_crossover={m: power.first_crossover(series[m].table) for m in params.measures},
    )
    out.chart(
        power_charts.tornado_chart(
            tornado,
            search_horizon=sens.SEARCH_HORIZON,
            measure_label=labels()[head],
            source=source,
        ),
        "c1-tornado",
        title=sens.tornado_headline(tornado, labels()[head]),
        caption=(
            f"Largest swing: {tornado['input'].iloc[0]}. Base case: "
            + (
                "no crossover by 2100"
                if tornado["base"].isna().iloc[0]
                else f"{tornado['base'].iloc[0]}"
            )
            + f" ({sens.TORNADO_DRAWS:,} draws per case)."
        ),
        alt=sens.tornado_alt(tornado, labels()[head]),
        source=source,
        data=tornado,
        data_title="Crossover year under low and high inputs",
        sensitivity=True,
    )
    gaps = out.table(
        sens.break_even_table(ind, params, scenario),
        "c1-break-even",
        title=f"Extra annual growth the coalition needs to reach parity by {params.horizon}",
        source=source,
        sort_by=["measure"],
    )
    return sens.numbers(exceeding, year, tornado, by_measure, gaps, labels())


def verdict_table(tests: Mapping[str, Any]) -> pd.DataFrame:
    """One row per measure: C1's verdict on it and the numbers behind it (``tests``: C1's
    ``MeasureTest`` per measure)."""
    labels = {m: info["label"] for m, info in power.MEASURES.items()}
    rows = [
        {
            "measure": m,
            "label": labels[m],
            "verdict": t.verdict,
            **{k: t.numbers[k] for k in ("ratio_report_year", "ratio_latest", "latest_year",
                                        "crossover_year", "central_at_horizon",
                                        "prob_exceed_by_horizon")},
        }
        for m, t in tests.items()
    ]  # fmt: skip
    out = pd.DataFrame(rows)
    for c in ("latest_year", "crossover_year"):
        if c in out:
            out[c] = out[c].astype("Int64")
    return out
