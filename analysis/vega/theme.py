"""One Altair theme for every chart of the brief.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies);
the coalition is always vermillion and the benchmark blue. Fonts are Liberation Sans (bundled with
vl-convert and metric-compatible with Arial) with DejaVu Sans and generic sans-serif as fallbacks,
so static renders are identical offline. Every chart carries a title and a source line under it
(:func:`finish`).
"""

from __future__ import annotations

import textwrap

import altair as alt

THEME_NAME = "rand-brief"
FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"
# Okabe & Ito (2008), "Color Universal Design": blue, vermillion, bluish green, reddish purple,
# orange, sky blue, yellow, black.
PALETTE = [
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
]
COALITION = "#D55E00"
BENCHMARK = "#0072B2"
NEUTRAL = "#555555"
GRID = "#e5e5e5"
WIDTH = 560
SOURCE_WIDTH = 110  # characters per line of the source note
HEIGHT = 300
# Sequential and diverging schemes that stay readable in grey and for colour-blind readers.
SEQUENTIAL = "viridis"
DIVERGING = "blueorange"


def theme() -> alt.theme.ThemeConfig:
    """The theme's config (registered under :data:`THEME_NAME` by :func:`register`)."""
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "stroke": None},
            "background": "white",
            "padding": 8,
            "title": {
                "font": FONT,
                "fontSize": 15,
                "fontWeight": "bold",
                "anchor": "start",
                "color": "#111111",
                "subtitleFont": FONT,
                "subtitleFontSize": 12,
                "subtitleColor": NEUTRAL,
                "offset": 10,
            },
            "axis": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": 11,
                "titleFontSize": 12,
                "titleFontWeight": "normal",
                "gridColor": GRID,
                "domainColor": "#888888",
                "tickColor": "#888888",
                "labelColor": "#333333",
                "titleColor": "#333333",
            },
            "legend": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": 11,
                "titleFontSize": 12,
                "orient": "bottom",
                "direction": "horizontal",
            },
            "header": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12},
            "range": {"category": PALETTE, "ordinal": {"scheme": SEQUENTIAL}},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 40, "filled": True},
            "text": {"font": FONT, "fontSize": 11, "color": "#333333"},
            "concat": {"spacing": 12},
        }
    }


def register() -> None:
    """Register the theme and make it the active one."""
    alt.theme.register(THEME_NAME, enable=True)(theme)


def finish(
    chart: alt.TopLevelMixin,
    *,
    title: str,
    source: str,
    subtitle: str | None = None,
) -> alt.VConcatChart:
    """Give a chart its title (and subtitle) on top and a source line underneath."""
    inner = chart.properties(
        title=alt.TitleParams(
            textwrap.wrap(f"Source: {source}", SOURCE_WIDTH),
            orient="bottom",
            anchor="start",
            fontSize=10,
            fontWeight="normal",
            color=NEUTRAL,
            offset=12,
        )
    )
    head = alt.TitleParams(title, subtitle=subtitle) if subtitle else alt.TitleParams(title)
    return alt.vconcat(inner, title=head)
