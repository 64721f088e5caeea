"""The layers and encodings the chart builders share (:mod:`.power`, :mod:`.relations`).

The year axis and its tooltip, the two-column legend, colour by series, lines by series (one
colour and dash each) and single trend lines, the axis of shares, labelled rules at given years,
and a panel's size (full or half height).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from analysis.vega import theme

LEGEND = alt.Legend(columns=2, labelLimit=360, symbolStrokeWidth=2.5)
YEAR_X = alt.X(
    "year:Q", title="Year", axis=alt.Axis(format="d"), scale=alt.Scale(zero=False, nice=False)
)
YEAR_TIP = alt.Tooltip("year:Q", title="Year", format="d")


def share_axis() -> dict[str, Any]:
    """The options of a y axis of shares: per cent, from 0 to 1."""
    return {"axis": alt.Axis(format="%"), "scale": alt.Scale(domain=[0, 1])}


def color(field: str, title: str) -> alt.Color:
    """Colour by the nominal ``field`` from the palette, in the two-column legend."""
    return alt.Color(f"{field}:N", title=title, scale=alt.Scale(range=theme.PALETTE), legend=LEGEND)


def lines(
    d: pd.DataFrame,
    value: str,
    title: str,
    series: str,
    series_title: str,
    fmt: str,
    *,
    tip: str | None = None,
    point: int = 16,
    **y: Any,
) -> alt.Chart:
    """One line of ``value`` (axis ``title``, tooltip ``tip`` or ``title``, number format
    ``fmt``) per ``series`` over the years, each with its own colour and dash; ``y``: more
    options of the y axis (``axis``, ``scale``)."""
    return (
        alt.Chart(d)
        .mark_line(point=alt.OverlayMarkDef(size=point))
        .encode(
            x=YEAR_X,
            y=alt.Y(f"{value}:Q", title=title, **y),
            color=color(series, series_title),
            strokeDash=alt.StrokeDash(f"{series}:N", title=series_title, legend=LEGEND),
            tooltip=[
                alt.Tooltip(f"{series}:N", title=series_title),
                YEAR_TIP,
                alt.Tooltip(f"{value}:Q", title=tip or title, format=fmt),
            ],
        )
    )


def trend(
    d: pd.DataFrame,
    y: str | alt.Y,
    color: str,
    tips: Sequence[alt.Tooltip],
    *,
    x: alt.X = YEAR_X,
    year: alt.Tooltip = YEAR_TIP,
    **mark: Any,
) -> alt.Chart:
    """One line of ``y`` over the years in ``color``; its tooltip the ``year``, then ``tips``;
    ``mark``: more options of the line (``point``, ``strokeDash``)."""
    return alt.Chart(d).mark_line(color=color, **mark).encode(x=x, y=y, tooltip=[year, *tips])


def year_rules(
    years: Sequence[int], texts: Sequence[str], *, top: bool, dash: list[int] | None = None
) -> alt.LayerChart:
    """A thin rule at each year, labelled with its text at the top or the bottom of the plot."""
    d = pd.DataFrame({"year": list(years), "text": list(texts)})
    rule = (
        alt.Chart(d)
        .mark_rule(color=theme.NEUTRAL, strokeDash=dash or alt.Undefined, strokeWidth=1)
        .encode(x="year:Q")
    )
    label = (
        alt.Chart(d)
        .mark_text(
            align="left",
            dx=4,
            baseline="top" if top else "bottom",
            fontSize=10,
            color=theme.NEUTRAL,
        )
        .encode(x="year:Q", y=alt.value(4 if top else theme.HEIGHT - 4), text="text:N")
    )
    return rule + label


def panel(chart: alt.TopLevelMixin, height: int = theme.HEIGHT) -> alt.TopLevelMixin:
    """``chart`` at the brief's width and ``height`` (a full-height plot by default)."""
    return chart.properties(width=theme.WIDTH, height=height)


def stacked(top: alt.Chart, bottom: alt.Chart) -> alt.VConcatChart:
    """Two panels one above the other, each half the plot's height."""
    return alt.vconcat(panel(top, theme.HEIGHT // 2), panel(bottom, theme.HEIGHT // 2))
