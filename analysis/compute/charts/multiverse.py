"""Specification curves: each claim's estimate under every specification, sorted, coloured by
the verdict it gives, with the choices behind each specification marked beneath it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from analysis.vega import theme

# The verdict colours of the badges (report/assets/brief.css), lightened where a point needs it.
VERDICT_COLOURS = {
    "supported": "#0b4f8a",
    "partly supported": "#56B4E9",
    "no evidence either way": "#999999",
    "not supported": "#D55E00",
    "not testable": "#cccccc",
}

STRIP_ROW = 11  # pixels per value in a choice's strip: one 11-pixel label each, not overlapping
STRIP_LABEL_LIMIT = 320  # pixels a value's label may take before it is cut with an ellipsis


def spec_curve(
    curve: pd.DataFrame,
    *,
    estimate: str,
    labels: Mapping[str, str],
    values: Mapping[str, Sequence[str]],
    total: int,
    source: str,
) -> alt.VConcatChart:
    """The curve (rank, estimate, verdict, own) above one strip per choice (its value there),
    each strip's values in the order ``values`` gives (the order of the brief's choices: 5, 10,
    15 rather than the text order 10, 15, 5)."""
    verdicts = [v for v in VERDICT_COLOURS if v in set(curve["verdict"])]
    scale = alt.Scale(domain=verdicts, range=[VERDICT_COLOURS[v] for v in verdicts])
    colour = alt.Color("verdict:N", title="Verdict", scale=scale, legend=alt.Legend(orient="top"))
    x = alt.X(
        "rank:Q",
        title=None,
        axis=alt.Axis(labels=False, ticks=False),
        scale=alt.Scale(domain=[0, max(total, 1) + 1], nice=False),
    )
    points = (
        alt.Chart(curve)
        .mark_circle(size=22, opacity=0.9)
        .encode(
            x=x,
            y=alt.Y("estimate:Q", title="estimate"),
            color=colour,
            tooltip=[
                alt.Tooltip("rank:Q", title="Specification (sorted)"),
                alt.Tooltip("estimate:Q", format=".3g"),
                "verdict:N",
                *[alt.Tooltip(f"choice_{k}:N", title=labels[k]) for k in labels],
            ],
        )
        .properties(width=theme.WIDTH, height=110)
    )
    own = (
        alt.Chart(curve[curve["own"]])
        .mark_point(shape="diamond", size=120, filled=False, color="#000000", strokeWidth=1.5)
        .encode(x="rank:Q", y="estimate:Q")
    )
    strips = []
    for k, label in labels.items():
        col = f"choice_{k}"
        if curve[col].nunique() < 2:
            continue
        strips.append(
            alt.Chart(curve)
            .mark_tick(thickness=1.5, size=7)
            .encode(
                x=alt.X(
                    "rank:Q",
                    title=None,
                    axis=None,
                    scale=alt.Scale(domain=[0, max(total, 1) + 1], nice=False),
                ),
                y=alt.Y(
                    f"{col}:N",
                    title=label,
                    sort=list(values[k]),
                    axis=alt.Axis(
                        titleAngle=0,
                        titleAlign="right",
                        titlePadding=14,
                        labelLimit=STRIP_LABEL_LIMIT,
                    ),
                ),
                color=colour,  # the same channel (one shared legend, no conflict)
            )
            .properties(width=theme.WIDTH, height=STRIP_ROW * curve[col].nunique())
        )
    chart = alt.vconcat(points + own, *strips, spacing=6)
    return theme.finish(
        chart,
        title="Specification curve",
        subtitle=(
            f"{total:,} specifications sorted by {estimate}; the diamond is the "
            "brief's own"
            + (f"; {len(curve):,} evenly spaced ones drawn" if len(curve) < total else "")
        ),
        source=source,
    )
