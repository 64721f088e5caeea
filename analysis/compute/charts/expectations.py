"""The porcupine chart of claim C1: the coalition-to-benchmark ratio as each release saw it.

Two panels side by side: GDP at market exchange rates in every IMF WEO release (observed years
solid, the release's projection dashed, the latest observed values in black, parity dashed at
1) and military expenditure in every SIPRI release (observed only). Older releases are lighter,
newer darker. The numbers in the title and alt text come from
:mod:`analysis.compute.expectations`.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from analysis.compute.charts.layers import YEAR_TIP, YEAR_X
from analysis.formats import percent
from analysis.vega import theme

WEO, SIPRI = "imf_weo", "sipri_milex"
PANELS = {
    WEO: ("GDP at market exchange rates, each IMF WEO release", 340),
    SIPRI: ("Military expenditure, each SIPRI release", 190),
}
HEIGHT = 230
#: A WEO release in the legend: "Oct 2021".
SHORT = "slice(datum.label, 0, 3) + ' ' + slice(datum.label, -4)"
LATEST = "#000000"
#: Older releases light, newer dark (viridis, without its pale yellow end).
SCHEME = {"name": "viridis", "extent": [0.8, 0.0]}
DASH = alt.Scale(domain=["observed", "projected"], range=[[1, 0], [5, 3]])


def _joined(d: pd.DataFrame) -> pd.DataFrame:
    """Each release's projection starts from its last observed year, so the dashed line
    continues the solid one."""
    parts = [d]
    for _, g in d.groupby("label", sort=False):
        seen = g[g["kind"] == "observed"]
        if len(seen) and (g["kind"] == "projected").any():
            parts.append(seen.tail(1).assign(kind="projected"))
    return pd.concat(parts, ignore_index=True)


def _panel(d: pd.DataFrame, title: str, width: int, parity: bool) -> alt.LayerChart:
    columns = 5 if parity else 2  # the WEO's ten releases in two rows, shortened
    order = list(dict.fromkeys(d.sort_values("published", kind="mergesort")["label"]))
    lines = (
        alt.Chart(_joined(d))
        .mark_line(strokeWidth=1.8)
        .encode(
            x=YEAR_X,
            y=alt.Y("ratio:Q", title="Coalition ÷ benchmark", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "label:O",
                sort=order,
                scale=alt.Scale(domain=order, scheme=SCHEME),
                title="Release",
                legend=alt.Legend(
                    orient="bottom",
                    direction="horizontal",
                    columns=columns,
                    symbolStrokeWidth=2.5,
                    labelExpr=SHORT if columns > 2 else alt.Undefined,
                ),
            ),
            strokeDash=alt.StrokeDash("kind:N", scale=DASH, legend=None),
            tooltip=[
                alt.Tooltip("label:N", title="Release"),
                YEAR_TIP,
                alt.Tooltip("ratio:Q", title="Ratio", format=".2f"),
                alt.Tooltip("kind:N", title="Year"),
            ],
        )
    )
    latest = d[(d["label"] == order[-1]) & (d["kind"] == "observed")] if order else d
    layers: list[Any] = [
        alt.Chart(latest)
        .mark_line(color=LATEST, strokeWidth=3)
        .encode(x=YEAR_X, y="ratio:Q", tooltip=[YEAR_TIP, alt.Tooltip("ratio:Q", format=".2f")]),
        lines,
    ]
    if parity:
        rule = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(
            color=theme.NEUTRAL, strokeDash=[4, 3], strokeWidth=1.2
        )
        layers.insert(0, rule.encode(y="y:Q"))
    return alt.layer(*layers, title=alt.TitleParams(title, fontSize=12)).properties(
        width=width, height=HEIGHT
    )


def porcupine(
    ratios: pd.DataFrame, *, coalition_label: str, benchmark_label: str, source: str
) -> alt.VConcatChart:
    """The two panels (columns of :data:`analysis.compute.expectations.COLUMNS`)."""
    panels = [
        _panel(ratios[ratios["source"] == s], title, width, parity=s == WEO)
        for s, (title, width) in PANELS.items()
        if (ratios["source"] == s).any()
    ]
    body = alt.hconcat(*panels).resolve_scale(color="independent", y="independent")
    return theme.finish(
        body,
        title=f"{coalition_label} relative to {benchmark_label}, as each release saw it",
        subtitle="Solid: observed in that release; dashed: its projection; black: the latest "
        "release's observed values",
        source=source,
    )


def headline(o: Any, coalition: str, benchmark: str) -> str:
    """The chart's title, the finding (``o``: :class:`~analysis.compute.expectations.Outlooks`)."""
    b = o.best
    if b is None:
        return f"{coalition} relative to {benchmark}, as each release saw it"
    if b.ratio > 1:
        text = f"The {b.label} WEO projected {coalition} past parity with {benchmark} in {b.year}"
    else:
        text = (
            f"No WEO release projected {coalition} to reach parity with {benchmark}; the "
            f"{b.label} one "
            f"came closest, {percent(b.ratio)} of its level in {b.year}"
        )
    latest = o.labels[-1]
    if b.label != latest and o.latest_then is not None:
        text += f"; the {latest} one puts {b.year} at {percent(o.latest_then)}"
    return text


def alt_text(o: Any, r: Any, coalition: str, benchmark: str) -> str:
    """What the two panels show, for a reader who cannot see them."""
    text = (
        f"Two line charts. Left: the ratio of {coalition} to {benchmark} on GDP at market "
        f"exchange rates as each of {len(o.labels)} IMF WEO releases saw it, observed years "
        "solid and projections dashed, the latest observed values in black, parity dashed at 1"
    )
    if o.best is not None:
        text += f"; highest projection: {o.best.label}, {o.best.ratio:.2f} in {o.best.year}"
    n = len(r.ratios)
    plural = "s" if n != 1 else ""
    text += f". Right: the ratio on military expenditure in {n} SIPRI release{plural}"
    if r.year is not None:
        each = ", ".join(f"{p.label} {p.ratio:.2f}" for p in r.ratios)
        text += f"; in {r.year}: {each}"
    return text + "."
