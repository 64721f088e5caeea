"""Chart builders for claims C2–C8: alignment, timeline and breaks, trade by source, arms,
exercises, what-if, limits.

Each builder takes a tidy frame from the :mod:`analysis.compute` modules and returns an Altair
chart (title, axis titles with units, a source line underneath, colour-blind-safe colours from
:mod:`analysis.vega.theme`), from the layers it shares with
:mod:`analysis.compute.charts.power` (:mod:`analysis.compute.charts.layers`).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from analysis.compute.charts.layers import (
    LEGEND,
    YEAR_TIP,
    YEAR_X,
    color,
    lines,
    panel,
    share_axis,
    stacked,
    trend,
    year_rules,
)
from analysis.vega import theme

ILLUSTRATION = "illustration, not forecast"


def _with_breaks(chart: alt.Chart, break_years: Sequence[int]) -> alt.LayerChart:
    """``chart`` with a dashed rule at each of the brief's break years, labelled on top."""
    years = [int(y) for y in break_years]
    breaks = year_rules(years, [f"break {y}" for y in years], top=True, dash=[4, 3])
    return alt.layer(breaks, chart)


def alignment_chart(
    distances: pd.DataFrame,
    *,
    break_years: Sequence[int],
    coalition_label: str,
    benchmark_label: str,
    source: str,
) -> alt.VConcatChart:
    """C2: mean ideal-point distance within the coalition and to the benchmark (series, year,
    distance)."""
    d = distances[["series", "year", "distance"]].dropna()
    chart = lines(d, "distance", "Mean ideal-point distance (index)", "series", "Distance", ".2f")
    return theme.finish(
        panel(_with_breaks(chart, break_years)),
        title=f"UN voting: {coalition_label} and distance to {benchmark_label}",
        subtitle="Mean absolute gap between UNGA ideal points; lower means more similar votes",
        source=source,
    )


def agreement_chart(agreement: pd.DataFrame, *, source: str) -> alt.VConcatChart:
    """C2: share of UN roll calls on which the two voted alike (pair, year, agreement)."""
    d = agreement[["pair", "year", "agreement"]].dropna()
    title = "Voting agreement (share of votes)"
    chart = lines(d, "agreement", title, "pair", "Pair", ".0%", **share_axis())
    return theme.finish(
        panel(chart),
        title="UN General Assembly roll calls: how often pairs voted alike",
        subtitle="Share of roll calls both voted on with the same vote (yes, no or abstain)",
        source=source,
    )


def timeline_chart(phases: pd.DataFrame, events: pd.DataFrame, *, source: str) -> alt.VConcatChart:
    """C3: the report's phases as bands (phase, start, end) and events (year, category, event)."""
    ph = phases.assign(end_x=phases["end"] + 1)
    ev = events[["year", "category", "event"]].dropna()
    years = [*ph["start"], *ph["end_x"], *ev["year"]]
    span = [int(min(years)), int(max(years))] if years else None
    bands = (
        alt.Chart(ph)
        .mark_rect(opacity=0.25)
        .encode(
            x=alt.X(
                "start:Q",
                title="Year",
                axis=alt.Axis(format="d"),
                scale=alt.Scale(domain=span, zero=False, nice=False)
                if span
                else alt.Scale(zero=False),
            ),
            x2="end_x:Q",
            color=alt.Color(
                "phase:N",
                title="Phase (report)",
                scale=alt.Scale(range=theme.PALETTE[3:]),
                sort=list(ph["phase"]),
            ),
            tooltip=[alt.Tooltip("phase:N", title="Phase")],
        )
    )
    points = (
        alt.Chart(ev)
        .mark_point(filled=True, size=70, color=theme.COALITION)
        .encode(
            x="year:Q",
            y=alt.Y("category:N", title="Event type"),
            shape=alt.Shape("category:N", title="Event type", legend=None),
            tooltip=[
                YEAR_TIP,
                alt.Tooltip("category:N", title="Type"),
                alt.Tooltip("event:N", title="Event"),
            ],
        )
    )
    return theme.finish(
        panel(alt.layer(bands, points)),
        title="China–Russia relations: the report's phases and key events",
        subtitle="Calculation (to 2002), cooperation (2003–2011), collaboration (from 2012)",
        source=source,
    )


def trade_chart(
    trade: pd.DataFrame, *, break_years: Sequence[int], source: str
) -> alt.VConcatChart:
    """C3/C6: Russia's trade by partner group (partner, year, value in US$ bn), breaks marked."""
    d = trade[["partner", "year", "value"]].dropna()
    axis = "Trade, exports + imports (US$ bn, current)"
    return theme.finish(
        panel(_with_breaks(lines(d, "value", axis, "partner", "With", ",.1f"), break_years)),
        title="Russia's trade with China and with the West",
        subtitle="Exports plus imports in the brief's trade series; dashed lines mark the brief's "
        "break years",
        source=source,
    )


def trade_sources_chart(
    table: pd.DataFrame, *, parting_year: int | None, source: str
) -> alt.VConcatChart:
    """C3: Russia–China trade by direction as each source has it (direction, series, year, value
    in US$ bn), one panel per direction on shared axes, the year the sources part marked."""
    d = table[["direction", "series", "year", "value"]].dropna()
    legend = list(dict.fromkeys(d["series"]))  # the table's order: the sources' order
    years = [int(d["year"].min()), int(d["year"].max())] if len(d) else None
    height = theme.HEIGHT // 2 + 30
    x = alt.X(
        "year:Q",
        title="Year",
        axis=alt.Axis(format="d", tickMinStep=1),
        scale=alt.Scale(domain=years, zero=False, nice=False) if years else alt.Scale(zero=False),
    )
    encoding = {
        "x": x,
        # colour and dash share one legend (a legend switched off for one would conflict)
        "color": alt.Color(
            "series:N",
            title="Source",
            scale=alt.Scale(domain=legend, range=theme.PALETTE[: len(legend)]),
            legend=LEGEND,
        ),
        "strokeDash": alt.StrokeDash(
            "series:N", title="Source", scale=alt.Scale(domain=legend), legend=LEGEND
        ),
        "tooltip": [
            alt.Tooltip("series:N", title="Source"),
            YEAR_TIP,
            alt.Tooltip("value:Q", title="US$ bn", format=",.1f"),
        ],
    }
    panels = []
    for name in list(dict.fromkeys(d["direction"])):
        rows = d[d["direction"] == name]
        chart = (
            alt.Chart(rows)
            .mark_line(point=alt.OverlayMarkDef(size=24))
            .encode(y=alt.Y("value:Q", title=f"{name}, US$ bn"), **encoding)
        )
        if parting_year is not None:
            mark = pd.DataFrame({"year": [parting_year], "text": [f"sources part, {parting_year}"]})
            rule = (
                alt.Chart(mark)
                .mark_rule(color=theme.NEUTRAL, strokeDash=[4, 3], strokeWidth=1)
                .encode(x="year:Q")
            )
            label = (
                alt.Chart(mark)
                .mark_text(
                    align="right", dx=-4, baseline="bottom", fontSize=10, color=theme.NEUTRAL
                )
                .encode(x="year:Q", y=alt.value(height - 4), text="text:N")
            )
            chart = alt.layer(rule, label, chart)
        panels.append(panel(chart, height))
    return theme.finish(
        alt.vconcat(*panels).resolve_scale(y="shared"),
        title="Russia–China trade by source",
        subtitle="Each direction as each source has it: Russia-reported, IMF IMTS, China-reported, "
        "reconciled",
        source=source,
    )


def arms_chart(flow: pd.DataFrame, share: pd.DataFrame, *, source: str) -> alt.VConcatChart:
    """C4: Russian delivered TIV to China (year, value) and Russia's share of China's imports
    (year, share), one panel each."""
    top = (
        alt.Chart(flow[["year", "value"]].dropna())
        .mark_bar(color=theme.COALITION)
        .encode(
            x=YEAR_X,
            y=alt.Y("value:Q", title="Delivered TIV (millions, approximation)"),
            tooltip=[YEAR_TIP, alt.Tooltip("value:Q", title="TIV (m)", format=",.0f")],
        )
    )
    bottom = trend(
        share[["year", "share"]].dropna(),
        alt.Y("share:Q", title="Share of China's arms imports", **share_axis()),
        theme.BENCHMARK,
        [alt.Tooltip("share:Q", title="Share", format=".0%")],
        point=True,
    )
    return theme.finish(
        stacked(top, bottom),
        title="Russian arms deliveries to China",
        subtitle="SIPRI TIV; per-year values spread deal totals over delivery years "
        "(an approximation)",
        source=source,
    )


def systems_chart(systems: pd.DataFrame, *, source: str) -> alt.VConcatChart:
    """C4: named high-end systems by order year (system, year_order, tiv_delivered)."""
    d = systems[["system", "year_order", "weapon_designation", "tiv_delivered"]].copy()
    d["tiv_delivered"] = d["tiv_delivered"].fillna(0.0)
    chart = (
        alt.Chart(d)
        .mark_circle(opacity=0.8, color=theme.COALITION)
        .encode(
            x=alt.X("year_order:Q", title="Year of order", axis=alt.Axis(format="d")),
            y=alt.Y("system:N", title="System"),
            size=alt.Size("tiv_delivered:Q", title="Delivered TIV (m)"),
            tooltip=[
                alt.Tooltip("weapon_designation:N", title="Designation"),
                alt.Tooltip("year_order:Q", title="Ordered", format="d"),
                alt.Tooltip("tiv_delivered:Q", title="Delivered TIV (m)", format=",.0f"),
            ],
        )
    )
    return theme.finish(
        panel(chart),
        title="Named high-end Russian systems ordered by China",
        subtitle="Each circle is a SIPRI register deal, sized by the TIV delivered",
        source=source,
    )


def exercises_chart(
    counts: pd.DataFrame,
    complexity: pd.DataFrame,
    *,
    by: str,
    source: str,
    subtitle: str = "Mean complexity: see Methods",
) -> alt.VConcatChart:
    """C5: exercises per year split by ``by`` (year, <by>, count) and mean complexity per year
    (year, mean), under the index ``subtitle`` names (``exercises.chart_subtitle``). Both
    panels share one axis of every year, so a year without exercises is a gap in both."""
    years = sorted({int(y) for y in [*counts["year"], *complexity["year"]]})
    year_x = alt.X("year:O", title="Year", scale=alt.Scale(domain=years))
    year_tip = alt.Tooltip("year:O", title="Year")
    top = (
        alt.Chart(counts[["year", by, "count"]])
        .mark_bar()
        .encode(
            x=year_x,
            y=alt.Y("count:Q", title="Exercises (count)", axis=alt.Axis(tickMinStep=1)),
            color=color(by, by.capitalize()),
            tooltip=[
                year_tip,
                alt.Tooltip(f"{by}:N", title=by.capitalize()),
                alt.Tooltip("count:Q", title="Count"),
            ],
        )
    )
    bottom = trend(
        complexity[["year", "mean"]].dropna(),
        alt.Y("mean:Q", title="Mean complexity (points)"),
        theme.COALITION,
        [alt.Tooltip("mean:Q", title="Mean complexity", format=".1f")],
        x=year_x,
        year=year_tip,
        point=True,
    )
    return theme.finish(
        stacked(top, bottom),
        title=f"China–Russia joint exercises per year, by {by}, and their complexity",
        subtitle=subtitle,
        source=source,
    )


def scenario_chart(projection: pd.DataFrame, *, source: str) -> alt.VConcatChart:
    """C6: China's share of Russia's trade with China and the West (year, scenario, dependence)."""
    d = projection[["year", "scenario", "dependence"]].dropna()
    title = "China's share of the trade"
    return theme.finish(
        panel(lines(d, "dependence", title, "scenario", "Scenario", ".0%", **share_axis())),
        title=f"Sanctions relief what-if ({ILLUSTRATION})",
        subtitle="China ÷ (China + West) in Russia's trade: observed, then a baseline and a "
        "relief scenario",
        source=source,
    )


def recipients_chart(recipients: pd.DataFrame, *, source: str) -> alt.VConcatChart:
    """C7: number of states receiving arms by supplier and year (supplier, year, recipients)."""
    d = recipients[["supplier", "year", "recipients"]].dropna()
    return theme.finish(
        panel(lines(d, "recipients", "Recipient states (count)", "supplier", "Supplier", "d")),
        title="How many states receive Chinese and Russian arms each year",
        subtitle="States with deliveries in the year (SIPRI register, spread over delivery years)",
        source=source,
    )


def limits_chart(limits: pd.DataFrame, *, source: str) -> alt.VConcatChart:
    """C8: the limits of the relationship as shares by year (series, year, value)."""
    d = limits[["series", "year", "value"]].dropna()
    share = alt.Axis(format="%")
    return theme.finish(
        panel(lines(d, "value", "Share", "series", "Measure", ".0%", axis=share)),
        title="Limits: votes apart, China's reliance on Russian arms, unequal trade",
        subtitle="Each line a share, by year; data end in different years",
        source=source,
    )
