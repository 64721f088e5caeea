"""Chart builders for claim C1: ratio over time, Monte Carlo fan, weight simplex, tornado.

Each builder takes tidy DataFrames from :mod:`analysis.compute.power`,
:mod:`analysis.compute.projection` or :mod:`analysis.compute.sensitivity` and returns a finished
Altair chart (title, axis titles with units, a source line underneath, colour-blind-safe colours
from :mod:`analysis.vega.theme`), built from the layers of
:mod:`analysis.compute.charts.layers`.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from analysis.compute.charts.layers import YEAR_X, lines, panel, share_axis, trend, year_rules
from analysis.compute.projection import Projection
from analysis.formats import percent, phrase
from analysis.vega import theme

RATIO_AXIS = "Coalition ÷ benchmark (1 = parity)"
ZERO = alt.Scale(zero=True)


def _guides(article_horizon: int) -> list[alt.TopLevelMixin]:
    """The dashed parity line and the rule at the article's last year."""
    parity = (
        alt.Chart(pd.DataFrame({"y": [1.0]}))
        .mark_rule(color=theme.NEUTRAL, strokeDash=[4, 3], strokeWidth=1.5)
        .encode(y="y:Q")
    )
    text = f"article: through {article_horizon}"
    return [parity, year_rules([article_horizon], [text], top=False)]


def ratio_chart(
    ratios: pd.DataFrame,
    *,
    article_horizon: int,
    coalition_label: str,
    benchmark_label: str,
    source: str,
) -> alt.VConcatChart:
    """Coalition/benchmark ratio per measure over time (columns: year, label, ratio)."""
    d = ratios[["year", "label", "ratio"]].dropna()
    by_measure = lines(
        d, "ratio", RATIO_AXIS, "label", "Measure", ".2f", tip="Ratio", point=18, scale=ZERO
    )
    return theme.finish(
        panel(alt.layer(*_guides(article_horizon), by_measure)),
        title=f"{coalition_label} relative to {benchmark_label}, by measure of power",
        subtitle="Coalition total ÷ benchmark total; above 1 the coalition is larger",
        source=source,
    )


def fan_chart(
    history: pd.DataFrame,
    fan: pd.DataFrame,
    *,
    measure_label: str,
    article_horizon: int,
    coalition_label: str,
    benchmark_label: str,
    source: str,
) -> alt.VConcatChart:
    """Observed ratio (year, ratio) and the Monte Carlo fan (year, p05..p95, central)."""
    x = YEAR_X
    hist = history[["year", "ratio"]].dropna()
    if len(hist) and len(fan):
        # start the fan at the last observed point so the two lines join
        y0, r0 = int(hist["year"].iloc[-1]), float(hist["ratio"].iloc[-1])
        start = {c: r0 for c in ("p05", "p25", "p50", "p75", "p95", "central")}
        fan = pd.concat(
            [pd.DataFrame([{"year": y0, **start, "prob_exceed_by": 0.0}]), fan],
            ignore_index=True,
        )
    outer = (
        alt.Chart(fan)
        .mark_area(opacity=0.25, color=theme.COALITION)
        .encode(x=x, y=alt.Y("p05:Q", title=RATIO_AXIS), y2="p95:Q")
    )
    inner = (
        alt.Chart(fan)
        .mark_area(opacity=0.4, color=theme.COALITION)
        .encode(x=x, y="p25:Q", y2="p75:Q")
    )
    quantiles = [
        alt.Tooltip("p50:Q", format=".2f", title="Median"),
        alt.Tooltip("p05:Q", format=".2f", title="5th percentile"),
        alt.Tooltip("p95:Q", format=".2f", title="95th percentile"),
        alt.Tooltip("prob_exceed_by:Q", format=".0%", title="P(exceeded by year)"),
    ]
    median = trend(fan, "p50:Q", theme.COALITION, quantiles, strokeDash=[6, 3])
    observed = trend(
        hist, "ratio:Q", theme.BENCHMARK, [alt.Tooltip("ratio:Q", format=".2f", title="Observed")]
    )
    return theme.finish(
        panel(alt.layer(outer, inner, *_guides(article_horizon), observed, median)),
        title=f"{measure_label}: {coalition_label} ÷ {benchmark_label}, observed and projected",
        subtitle="Blue: observed. Dashed: median projection; bands: 50 % and 90 % of simulations",
        source=source,
    )


def simplex_chart(
    grid: pd.DataFrame,
    *,
    x_component: str,
    y_component: str,
    rest_component: str,
    labels: dict[str, str],
    chosen: dict[str, float] | None,
    year: int,
    source: str,
) -> alt.VConcatChart:
    """Heatmap of the composite ratio over two weights (the third is 1 minus both)."""
    d = grid.copy()
    d["exceeds_text"] = d["exceeds"].map({True: "coalition larger", False: "benchmark larger"})
    step = (
        float(sorted(set(d[f"w_{x_component}"]))[1]) if d[f"w_{x_component}"].nunique() > 1 else 1
    )
    xt = f"Weight on {labels[x_component]}"
    yt = f"Weight on {labels[y_component]}"
    dom = alt.Scale(domain=[-step / 2, 1 + step / 2], nice=False)
    ticks = alt.Axis(values=[0, 0.2, 0.4, 0.6, 0.8, 1.0], format=".1f")
    base = alt.Chart(d).encode(
        x=alt.X(f"w_{x_component}:Q", title=xt, scale=dom, axis=ticks),
        y=alt.Y(f"w_{y_component}:Q", title=yt, scale=dom, axis=ticks),
    )
    cells = base.mark_square(size=260, opacity=0.95).encode(
        color=alt.Color(
            "ratio:Q",
            title="Ratio",
            scale=alt.Scale(scheme=theme.DIVERGING, domainMid=1.0, type="log"),
        ),
        tooltip=[
            alt.Tooltip(f"w_{x_component}:Q", format=".2f", title=labels[x_component]),
            alt.Tooltip(f"w_{y_component}:Q", format=".2f", title=labels[y_component]),
            alt.Tooltip(f"w_{rest_component}:Q", format=".2f", title=labels[rest_component]),
            alt.Tooltip("ratio:Q", format=".2f", title="Ratio"),
            alt.Tooltip("exceeds_text:N", title="Result"),
        ],
    )
    over = base.transform_filter("datum.exceeds").mark_point(
        shape="cross", size=40, color="#000000", filled=True
    )
    layers = [cells, over]
    if chosen is not None:
        pt = pd.DataFrame(
            {
                f"w_{x_component}": [chosen.get(x_component, 0.0)],
                f"w_{y_component}": [chosen.get(y_component, 0.0)],
            }
        )
        layers.append(
            alt.Chart(pt)
            .mark_point(shape="circle", size=220, color="#000000", strokeWidth=2.5, filled=False)
            .encode(x=f"w_{x_component}:Q", y=f"w_{y_component}:Q")
        )
    chart = alt.layer(*layers).properties(width=360, height=360)
    return theme.finish(
        chart,
        title=f"Composite power ratio across weightings, {year}",
        subtitle=(
            f"Weight on {labels[rest_component]} = 1 − the other two. Crosses: coalition larger;"
            " circle: this brief's weights"
        ),
        source=source,
    )


def tornado_chart(
    tornado: pd.DataFrame, *, search_horizon: int, measure_label: str, source: str
) -> alt.VConcatChart:
    """Bars from the base crossover year to the low and high cases, inputs by swing."""
    fill = search_horizon + 1
    rows = []
    for _, r in tornado.iterrows():
        base = fill if pd.isna(r["base"]) else int(r["base"])
        for side in ("low", "high"):
            v = r[side]
            year = fill if pd.isna(v) else int(v)
            rows.append(
                {
                    "input": r["input"],
                    "case": r[f"{side}_label"],
                    "side": "low input" if side == "low" else "high input",
                    "base": base,
                    "year": year,
                    "shown": "none by " + str(search_horizon) if pd.isna(v) else str(year),
                }
            )
    d = pd.DataFrame(rows)
    order = list(tornado["input"])
    y = alt.Y("input:N", sort=order, title=None)
    bars = (
        alt.Chart(d)
        .mark_bar(height=14, opacity=0.85)
        .encode(
            y=y,
            x=alt.X(
                "base:Q",
                title="First year the median projection exceeds parity",
                axis=alt.Axis(format="d"),
                scale=alt.Scale(zero=False),
            ),
            x2="year:Q",
            color=alt.Color(
                "side:N",
                title="Case",
                scale=alt.Scale(
                    domain=["low input", "high input"], range=[theme.BENCHMARK, theme.COALITION]
                ),
            ),
            tooltip=["input:N", "case:N", alt.Tooltip("shown:N", title="Crossover year")],
        )
    )
    base_rule = (
        alt.Chart(d).mark_tick(color="#000000", thickness=2, size=20).encode(y=y, x="base:Q")
    )
    return theme.finish(
        panel(alt.layer(bars, base_rule), 28 * len(order) + 20),
        title=f"What moves the crossover year most ({measure_label})",
        subtitle=f"Black tick: this brief's assumptions; bars at {fill} mean no crossover by "
        f"{search_horizon}",
        source=source,
    )


def probability_chart(
    prob: pd.DataFrame, *, coalition_label: str, benchmark_label: str, source: str
) -> alt.VConcatChart:
    """Probability the coalition has exceeded the benchmark by each year, one line per measure."""
    title = "Probability (share of simulations)"
    by_measure = lines(
        prob,
        "prob_exceed_by",
        title,
        "label",
        "Measure",
        ".1%",
        tip="P(exceeded by year)",
        point=18,
        **share_axis(),
    )
    return theme.finish(
        panel(by_measure),
        title=f"Probability that {coalition_label} has exceeded {benchmark_label}, by year",
        subtitle="Share of simulated paths above parity in at least one year up to the year shown",
        source=source,
    )


# ---------------------------------------------------------------------------------------------
# Titles that state the finding, and alt texts, for the projection charts


def fan_headline(p: Projection, label: str, coalition_label: str, benchmark_label: str) -> str:
    """The fan chart's title: the central projection and the chance of exceeding."""
    at, pe = p.central_at_horizon, p.prob_exceed_by_horizon
    if at is None:
        return f"{label}: no projection of {coalition_label} against {benchmark_label}"
    return (
        f"{label}: {coalition_label} projected at {at:.2f} of {benchmark_label} in {p.horizon}, "
        f"a {percent(pe)} chance of exceeding it by then"
    )


def fan_alt(p: Projection, label: str, coalition_label: str, benchmark_label: str) -> str:
    at = p.central_at_horizon
    band = p.fan.loc[p.fan["year"] == p.horizon, ["p05", "p95"]]
    lo, hi = (float(band.iloc[0, 0]), float(band.iloc[0, 1])) if len(band) else (None, None)
    span = f", 90 % of paths between {lo:.2f} and {hi:.2f}" if lo is not None else ""
    central = (
        f"no central projection for {p.horizon}"
        if at is None
        else f"central projection {at:.2f}{span}"
    )
    return (
        f"Line of the observed {phrase(label)} ratio of {coalition_label} to {benchmark_label} "
        f"to {p.last_year} and a shaded fan of simulated paths to {p.horizon}: {central}; "
        "dashed parity line at 1."
    )


def probability_headline(
    projections: Mapping[str, Projection],
    labels: Mapping[str, str],
    coalition_label: str,
    horizon: int,
) -> str:
    """The probability chart's title: the largest chance of exceeding among the measures on
    which the coalition is still below parity (the others have exceeded already)."""
    below = {
        m: p.prob_exceed_by_horizon
        for m, p in projections.items()
        if p.prob_exceed_by_horizon is not None and not (p.fan["p05"] > 1).all()
    }
    above = [m for m, p in projections.items() if len(p.fan) and (p.fan["p05"] > 1).all()]
    if not below:
        return f"{coalition_label} already above parity on every projected measure"
    m = max(below, key=lambda k: (below[k], k))
    head = (
        f"Chance that {coalition_label} exceed by {horizon} where they are still below: at most "
        f"{percent(below[m])} (on {phrase(labels[m])})"
    )
    return head + (f"; already above on {len(above)}" if above else "")


def probability_alt(
    projections: Mapping[str, Projection], labels: Mapping[str, str], horizon: int
) -> str:
    parts = [
        f"{phrase(labels[m])} {percent(p.prob_exceed_by_horizon)}"
        for m, p in projections.items()
        if p.prob_exceed_by_horizon is not None
    ]
    return (
        "Lines, one per measure, of the probability of exceeding parity from the last observed "
        f"year to {horizon}; by {horizon}: {'; '.join(parts) or 'no projection'}."
    )
