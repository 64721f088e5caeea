"""Expectations, release by release (claim C1): the coalition-to-benchmark ratio as each release
of a source saw it, and what that says of C1's "approach, but not exceed".

Forecasters draw such a comparison as a "porcupine" chart: every release's observed years as a
solid line, its projection as a dashed one, against the latest observed values. Two sources:

- the IMF World Economic Outlook, every release a brief could read on its date (``as_of``; the
  April 2021 release is held for 2019-2026 only, enough for its projection): GDP at market
  exchange rates, the measure the IMF projects, with the IMF's own projections;
- SIPRI's military expenditure, every release held: observed years only, each release in its
  own constant dollars, so their ratios differ where SIPRI re-based or revised its series.

Each release's ratio is computed within that release (its own levels, units, flags), never by
mixing two releases. Pure functions on the curated tables C1 reads (``indicators``,
``vintages``, ``releases``); :func:`draw` writes the chart through the run's ``Exhibits`` and
returns the numbers C1 adds to its evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.compute import power
from analysis.compute.charts import expectations as chart
from analysis.compute.frames import equals
from analysis.formats import percent
from analysis.results import Evidence, evidence

WEO, SIPRI = "imf_weo", "sipri_milex"
#: The measure each source's releases are compared on.
MEASURE = {WEO: "gdp_mer", SIPRI: "milex"}
OBSERVED, PROJECTED = "observed", "projected"
#: Years shown before the first release's: enough history to see where each outlook starts.
HISTORY = 6
CHART = "c1-expectations"
COLUMNS = ["source", "release", "label", "published", "year", "ratio", "kind"]


@dataclass(frozen=True)
class Release:
    """One release of a source, as ``data/releases.csv`` lists it."""

    source: str
    release: str
    label: str  # short: "October 2021", "2021 release"
    published: str
    current: bool


def seen(table: pd.DataFrame, source: str, as_of: dt.date | str | None) -> list[Release]:
    """The releases of ``source`` a brief dated ``as_of`` could read (published on or before
    it; every release without a date), oldest first."""
    rows = table[table["source"] == source].sort_values("published", kind="mergesort")
    if as_of is not None:
        rows = rows[rows["published"].astype(str) <= str(as_of)]
    return [
        Release(
            source,
            str(r["release"]),
            str(r["label"]).split(" (")[0],
            str(r["published"]),
            r["status"] == "current",
        )
        for _, r in rows.iterrows()
    ]


def release_rows(r: Release, vintages: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """The indicator rows of one release: the current one from ``indicators``, an earlier one
    from ``vintages`` (its ``release`` column)."""
    if r.current:
        return indicators[equals(indicators["source"], r.source)]
    rows = vintages[equals(vintages["source"], r.source) & equals(vintages["release"], r.release)]
    return rows.drop(columns="release")


def _indicator(measure: str, prices: str) -> str:
    return power.milex_indicator(prices) if measure == "milex" else measure


def ratio_path(
    rows: pd.DataFrame,
    measure: str,
    coalition: Sequence[str],
    benchmark: Sequence[str],
    *,
    missing: str,
    milex_prices: str,
) -> pd.DataFrame:
    """One release's ratio by year (``year, ratio, kind``): a year is ``projected`` when any
    member's value for it is flagged as a projection in that release."""
    levels = power.measure_levels(rows, measure, milex_prices=milex_prices, projections=True)
    t = power.group_totals(levels, coalition, benchmark, missing=missing).table
    of_measure = rows[equals(rows["indicator"], _indicator(measure, milex_prices))]
    flagged = of_measure[
        of_measure["iso3"].isin([*coalition, *benchmark])
        & (of_measure["flag"].fillna("") == power.PROJECTION_FLAG)
    ]
    projected = set(flagged["year"].astype(int))
    kind = [PROJECTED if y in projected else OBSERVED for y in t["year"]]
    return t.assign(kind=kind)[["year", "ratio", "kind"]].dropna(subset=["ratio"])


def release_ratios(data: Mapping[str, pd.DataFrame], params: Any) -> pd.DataFrame:
    """Every release's ratio of both sources (:data:`COLUMNS`), from the brief's first year
    shown (:data:`HISTORY` years before its first release) to its horizon."""
    frames = []
    for source, measure in MEASURE.items():
        for r in seen(data["releases"], source, params.as_of):
            path = ratio_path(
                release_rows(r, data["vintages"], data["indicators"]),
                measure,
                params.coalition,
                params.benchmark,
                missing=params.missing,
                milex_prices=params.milex_prices,
            )
            frames.append(
                path.assign(source=source, release=r.release, label=r.label, published=r.published)
            )
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)[COLUMNS]
    first = int(out["published"].min()[:4]) - HISTORY
    out = out[(out["year"] >= first) & (out["year"] <= params.horizon)]
    return out.sort_values(["source", "published", "year"], kind="mergesort", ignore_index=True)


# ---------------------------------------------------------------------------------------------
# What the releases say, in numbers and in words


@dataclass(frozen=True)
class Point:
    label: str  # the release
    year: int
    ratio: float


@dataclass(frozen=True)
class Outlooks:
    """What the WEO releases expected, up to the horizon."""

    labels: list[str]  # the releases compared, oldest first
    best: Point | None  # the highest ratio any release projected
    latest_then: float | None  # the latest release's ratio for the best's year
    latest_peak: Point | None  # the latest release's own highest projection
    crossing: list[str]  # releases whose projection is above parity by the horizon


@dataclass(frozen=True)
class Revisions:
    """How SIPRI's releases differ for one year all of them hold."""

    year: int | None
    ratios: list[Point]  # each release's ratio in that year, oldest first


def _peak(rows: pd.DataFrame, label: str) -> Point | None:
    proj = rows[rows["kind"] == PROJECTED]
    if proj.empty:
        return None
    top = proj.loc[proj["ratio"].idxmax()]
    return Point(label, int(top["year"]), float(top["ratio"]))


def outlooks(ratios: pd.DataFrame) -> Outlooks:
    """:class:`Outlooks` of the WEO rows of :func:`release_ratios`."""
    weo = ratios[ratios["source"] == WEO]
    by_release = [(label, g) for (_, label), g in weo.groupby(["published", "label"], sort=True)]
    labels = [label for label, _ in by_release]
    peaks = [p for label, g in by_release if (p := _peak(g, label)) is not None]
    best = max(peaks, key=lambda p: p.ratio, default=None)  # the earliest of equals
    latest_then, latest_peak = None, None
    if by_release:
        label, last = by_release[-1]
        latest_peak = _peak(last, label)
        if best is not None:
            at = last.loc[last["year"] == best.year, "ratio"]
            latest_then = float(at.iloc[0]) if len(at) else None
    crossing = [p.label for p in peaks if p.ratio > 1]
    return Outlooks(labels, best, latest_then, latest_peak, crossing)


def revisions(ratios: pd.DataFrame) -> Revisions:
    """:class:`Revisions` of the SIPRI rows of :func:`release_ratios`: the last year every
    release holds."""
    sipri = ratios[ratios["source"] == SIPRI]
    groups = [(label, g) for (_, label), g in sipri.groupby(["published", "label"], sort=True)]
    common = set.intersection(*(set(g["year"]) for _, g in groups)) if groups else set()
    if not common:
        return Revisions(None, [])
    year = int(max(common))
    return Revisions(
        year,
        [
            Point(label, year, float(g.loc[g["year"] == year, "ratio"].iloc[0]))
            for label, g in groups
        ],
    )


def _points(a: float, b: float) -> str:
    """The difference of two ratios in percentage points of the benchmark's level."""
    n = round(abs(a - b) * 100)
    return f"{n} point{'s' if n != 1 else ''}"


def _span(labels: Sequence[str]) -> str:
    """The releases compared, in words: one, or the first to the last."""
    if not labels:
        return "no release"
    if len(labels) == 1:
        return labels[0]
    return f"the {len(labels)} releases {labels[0]} to {labels[-1]}"


def _sipri_span(labels: Sequence[str]) -> str:
    """SIPRI's releases in words: "the 2021 release", "the 2021, 2025 and 2026 releases"."""
    years = [label.removesuffix(" release") for label in labels]
    if len(years) < 2:
        return f"the {years[0]} release" if years else "no release"
    return f"the {_listed(years)} releases"


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def weo_sentence(o: Outlooks, coalition: str, benchmark: str, horizon: int) -> str:
    """Which WEO release came closest to parity, in which year, and how far the latest is from
    it; in how many releases the projection crossed parity by the horizon."""
    n = len(o.labels)
    if o.best is None:
        return f"No WEO release held here projects {coalition} to {horizon}."
    b = o.best
    span = (
        f"the {n} IMF WEO releases from {o.labels[0]} to {o.labels[-1]}"
        if n > 1
        else (f"the one IMF WEO release then public, {o.labels[0]}")
    )
    where = f"{coalition} at {percent(b.ratio)} of the {benchmark} level in {b.year}"
    text = (
        f"Of {span}, {b.label}'s projection went furthest: {where}, above parity."
        if b.ratio > 1
        else f"Of {span}, {b.label}'s projection came closest to parity: {where}."
    )
    latest = o.labels[-1]
    if b.label != latest and o.latest_then is not None:
        way = "lower" if o.latest_then < b.ratio else "higher"
        text += (
            f" The latest, {latest}, puts {b.year} at {percent(o.latest_then)}, "
            f"{_points(o.latest_then, b.ratio)} {way}"
        )
        if o.latest_peak is not None:
            p = o.latest_peak
            gap = "above" if p.ratio > 1 else "short of"
            text += (
                f"; its own projection peaks at {percent(p.ratio)} in {p.year}, "
                f"{_points(p.ratio, 1.0)} {gap} parity"
            )
        text += "."
    k = len(o.crossing)
    if k == 0:
        text += f" No release's projection crosses parity by {horizon}."
    else:
        text += (
            f" The projection crosses parity by {horizon} in {k} of the {n} release"
            f"{'s' if n != 1 else ''} ({_listed(o.crossing)}): C1's 'not exceed' would have "
            "failed on " + ("that outlook alone." if k == 1 else "those outlooks.")
        )
    return text


def sipri_sentence(r: Revisions) -> str:
    """How far SIPRI's releases put the ratio apart for the last year all of them hold."""
    if r.year is None or not r.ratios:
        return ""
    if len(r.ratios) == 1:
        p = r.ratios[0]
        return (
            f"On military expenditure one SIPRI release was public, the {p.label}: "
            f"{percent(p.ratio)} in {p.year}."
        )
    each = _listed([f"{percent(p.ratio)} in the {p.label}" for p in r.ratios])
    lo, hi = min(p.ratio for p in r.ratios), max(p.ratio for p in r.ratios)
    return (
        f"On military expenditure, each SIPRI release in its own constant dollars puts "
        f"{r.year}, the last year all {len(r.ratios)} hold, at {each} "
        f"({_points(lo, hi)} apart)."
    )


def numbers(o: Outlooks, r: Revisions, horizon: int) -> list[Evidence]:
    """The numbers C1 adds to its evidence (none of them decides its verdict)."""
    out = [
        evidence("weo_releases_compared", "IMF WEO releases compared", len(o.labels), "count"),
        evidence(
            "weo_releases_crossing",
            "IMF WEO releases whose projection crosses parity by the horizon",
            len(o.crossing),
            "count",
            horizon,
        ),
    ]
    if o.best is not None:
        out += [
            evidence(
                "weo_highest_projection",
                f"Highest ratio any IMF WEO release projected ({o.best.label})",
                o.best.ratio,
                "ratio",
                o.best.year,
            ),
            evidence(
                "weo_latest_same_year",
                "The latest IMF WEO release's ratio for that year",
                o.latest_then,
                "ratio",
                o.best.year,
            ),
        ]
    if len(r.ratios) > 1:
        spread = max(p.ratio for p in r.ratios) - min(p.ratio for p in r.ratios)
        out.append(
            evidence(
                "sipri_release_spread",
                "Spread of the military-expenditure ratio across SIPRI releases",
                spread,
                "ratio",
                r.year,
            )
        )
    return out


def draw(data: Mapping[str, pd.DataFrame], params: Any, out: Any) -> list[Evidence]:
    """The porcupine chart (``c1-expectations``) and its sentence; returns C1's numbers."""
    ratios = release_ratios(data, params)
    o, r = outlooks(ratios), revisions(ratios)
    coalition, benchmark = params.coalition_label, params.benchmark_label
    caption = " ".join(
        s for s in (weo_sentence(o, coalition, benchmark, params.horizon), sipri_sentence(r)) if s
    )
    source = "; ".join(
        [
            f"IMF World Economic Outlook, {_span(o.labels)}",
            f"SIPRI Military Expenditure Database, {_sipri_span([p.label for p in r.ratios])}",
            "each release's ratio computed within that release; our computation",
        ]
    )
    out.chart(
        chart.porcupine(
            ratios, coalition_label=coalition, benchmark_label=benchmark, source=source
        ),
        CHART,
        title=chart.headline(o, coalition, benchmark),
        caption=caption,
        alt=chart.alt_text(o, r, coalition, benchmark),
        source=source,
        data=ratios,
        data_title="The coalition-to-benchmark ratio as each release saw it",
        sort_by=["source", "published", "year"],
    )
    return numbers(o, r, params.horizon)
