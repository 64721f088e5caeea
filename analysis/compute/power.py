"""Power measures and the coalition-versus-benchmark ratio (claim C1). Pure functions.

Input is the tidy indicator table of docs/contracts.md (``iso3, year, indicator, value, unit,
source, flag``). Every function returns new DataFrames; nothing here reads or writes files.

Measures (``MEASURES``):

- ``gdp_mer``: GDP at market exchange rates, current US$ bn (IMF WEO ``NGDPD``).
- ``gdp_ppp``: GDP at purchasing-power parity, current international $ bn (IMF WEO ``PPPGDP``).
- ``milex``: military expenditure, SIPRI, constant 2024 US$ m (or current US$ m).
- ``cinc``: a CINC-style composite recomputed from the six COW NMC v7.0 components. Each
  component's world share is the country's value over the sum over all countries with a value
  that year; a country's CINC is the mean of its available shares (as COW computes it), so a
  group's CINC is the sum of its members'. NMC v7.0 covers 1816–2022; the brief does **not**
  extend CINC past 2022 with other data. Years after 2022 exist only as projections.
- ``composite``: the user-weighted composite. Each component's value is expressed as a share of
  the coalition + benchmark total for that year and weighted: a member's composite is
  ``sum_k w_k * x_k(member) / (C_k + B_k)``. Shares of the pair's own total, not of the world,
  because (1) it needs data only for the compared countries, so gaps in third countries cannot
  move it, (2) it is defined for projections, where only members are projected, and (3) with
  weights summing to 1 the coalition's and the benchmark's composites sum to 1, so the ratio
  crosses 1 exactly when the coalition holds more than half of the pair's weighted power.

Missing member-years are never treated as zero. With ``missing="drop_year"`` a year lacking any
member is dropped for the whole comparison and the gap recorded; with ``"report_gap"`` groups are
summed over the members that have data and every missing member-year is listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.compute.frames import equals, matches
from analysis.data.validate import PROJECTION
from analysis.errors import BriefError
from analysis.formats import phrase

MEASURES: dict[str, dict[str, str]] = {
    "gdp_mer": {
        "label": "GDP at market exchange rates",
        "unit": "current US$ bn",
        "source": "IMF World Economic Outlook, October 2025 (NGDPD)",
    },
    "gdp_ppp": {
        "label": "GDP at purchasing-power parity",
        "unit": "current international $ bn",
        "source": "IMF World Economic Outlook, October 2025 (PPPGDP)",
    },
    "milex": {
        "label": "Military expenditure",
        "unit": "constant 2024 US$ m",
        "source": "SIPRI Military Expenditure Database, 2025 release",
    },
    "cinc": {
        "label": "CINC-style composite (COW NMC v7.0)",
        "unit": "share of world capabilities",
        "source": "Correlates of War National Material Capabilities v7.0 (to 2022)",
    },
    "composite": {
        "label": "User-weighted composite",
        "unit": "share of coalition + benchmark total",
        "source": "IMF WEO, SIPRI, COW NMC v7.0; weights are brief parameters",
    },
}
#: Each measure's source line and unit for a brief as of a date, filled with the words of the
#: releases it reads (``analysis.data.load.release_words``: source id -> release); without a date
#: the texts of :data:`MEASURES` stand. :func:`measure_source`, :func:`measure_unit`.
SOURCE_TEMPLATES = {
    "gdp_mer": "IMF World Economic Outlook, {imf_weo} (NGDPD)",
    "gdp_ppp": "IMF World Economic Outlook, {imf_weo} (PPPGDP)",
    "milex": "SIPRI Military Expenditure Database, {sipri_milex}",
    "cinc": "Correlates of War National Material Capabilities {cow_nmc}",
    "composite": "IMF WEO {imf_weo}, SIPRI {sipri_milex}, COW NMC {cow_nmc}; weights are brief "
    "parameters",
}
UNIT_TEMPLATES = {"milex": "constant US$ m (the base year of the SIPRI release used)"}
#: Every power source in one line (the sensitivity analyses), and the GDP levels' sources.
SOURCES_LINE = ("IMF WEO October 2025; SIPRI; COW NMC v7.0", "IMF WEO {imf_weo}; SIPRI "
                "{sipri_milex}; COW NMC {cow_nmc}")  # fmt: skip
LEVELS_LINE = ("IMF WEO October 2025; SIPRI (US price level)",
               "IMF WEO {imf_weo}; SIPRI {sipri_milex} (US price level)")  # fmt: skip
NMC_COMPONENTS = ("nmc_milex", "nmc_milper", "nmc_irst", "nmc_pec", "nmc_tpop", "nmc_upop")
NMC_LAST_YEAR = 2022
INDICATORS = [
    "gdp_mer",
    "gdp_ppp",
    "milex_const",
    "milex_current",
    "pop",
    *NMC_COMPONENTS,
]  # every indicator the power measures read
COMPONENT_MEASURE = {"gdp_mer": "gdp_mer", "gdp_ppp": "gdp_ppp", "milex": "milex", "cinc": "cinc"}
PROJECTION_FLAG = PROJECTION
COLUMNS = ["iso3", "year", "value"]


@dataclass(frozen=True)
class GroupSeries:
    """A measure summed over the coalition and the benchmark, and what was missing."""

    measure: str
    table: pd.DataFrame  # year, coalition, benchmark, ratio, n_coalition, n_benchmark
    gaps: pd.DataFrame = field(  # iso3, year, group, action
        default_factory=lambda: pd.DataFrame(columns=["iso3", "year", "group", "action"])
    )


def _indicator(ind: pd.DataFrame, name: str, *, projections: bool = False) -> pd.DataFrame:
    rows = ind[equals(ind["indicator"], name)]
    if not projections and "flag" in rows:
        rows = rows[~matches(rows["flag"], PROJECTION_FLAG)]  # a missing flag's row is kept
    out = rows[COLUMNS].dropna(subset=["value"]).copy()
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    return out.sort_values(["iso3", "year"], kind="mergesort").reset_index(drop=True)


def measure_source(measure: str, releases: Mapping[str, str] | None = None) -> str:
    """A measure's source line: :data:`MEASURES`'s, or with ``releases`` (source id -> the
    release a dated brief reads, in words) the release it reads."""
    if not releases:
        return MEASURES[measure]["source"]
    return SOURCE_TEMPLATES[measure].format_map(dict(releases))


def measure_unit(measure: str, releases: Mapping[str, str] | None = None) -> str:
    """A measure's unit (for a dated brief, SIPRI's constant dollars are its release's)."""
    if releases and measure in UNIT_TEMPLATES:
        return UNIT_TEMPLATES[measure]
    return MEASURES[measure]["unit"]


def sources_line(line: tuple[str, str], releases: Mapping[str, str] | None = None) -> str:
    """:data:`SOURCES_LINE` or :data:`LEVELS_LINE`, naming the releases of a dated brief."""
    return line[1].format_map(dict(releases)) if releases else line[0]


def milex_indicator(prices: str = "constant") -> str:
    if prices not in ("constant", "current"):
        raise BriefError(f"milex_prices: got {prices!r}, expected 'constant' or 'current'")
    return "milex_const" if prices == "constant" else "milex_current"


def cinc(ind: pd.DataFrame) -> pd.DataFrame:
    """CINC recomputed from the six NMC components for every country-year (iso3, year, value).

    Share of a component = value / world sum of that component in the year (countries with a
    value); CINC = mean of the country's available component shares. Aggregates (``WLD``) are
    excluded from the world sums.
    """
    parts = []
    for comp in NMC_COMPONENTS:
        d = _indicator(ind, comp)
        d = d[d["iso3"] != "WLD"]
        if d.empty:
            continue
        total = d.groupby("year")["value"].transform("sum")
        d = d.assign(value=np.where(total > 0, d["value"] / total.where(total > 0, 1.0), np.nan))
        parts.append(d.assign(component=comp))
    if not parts:
        return pd.DataFrame(
            {c: pd.Series(dtype=t) for c, t in zip(COLUMNS, ("str", "int", "float"), strict=True)}
        )
    shares = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    out = shares.groupby(["iso3", "year"], as_index=False)["value"].mean()
    return out.sort_values(["iso3", "year"], kind="mergesort").reset_index(drop=True)


def measure_levels(
    ind: pd.DataFrame,
    measure: str,
    *,
    milex_prices: str = "constant",
    projections: bool = False,
) -> pd.DataFrame:
    """Per-country values of one base measure (not ``composite``): iso3, year, value."""
    if measure == "gdp_mer":
        return _indicator(ind, "gdp_mer", projections=projections)
    if measure == "gdp_ppp":
        return _indicator(ind, "gdp_ppp", projections=projections)
    if measure == "milex":
        return _indicator(ind, milex_indicator(milex_prices), projections=projections)
    if measure == "cinc":
        return cinc(ind)
    raise BriefError(f"measure {measure!r}: expected one of gdp_mer, gdp_ppp, milex, cinc")


def component_levels(ind: pd.DataFrame, component: str, *, milex_prices: str = "constant"):
    """Values of one composite component (gdp_mer, gdp_ppp, milex, pop, cinc)."""
    if component == "pop":
        return _indicator(ind, "pop")
    return measure_levels(ind, COMPONENT_MEASURE[component], milex_prices=milex_prices)


def us_price_index(ind: pd.DataFrame, base_year: int) -> pd.Series:
    """US-dollar price level relative to ``base_year`` (by year), from SIPRI's USA series.

    SIPRI converts current to constant dollars with the US consumer price index, so for the USA
    ``current / constant(2024)`` is the price level relative to 2024; dividing by its value in
    ``base_year`` re-bases it.
    """
    cur = _indicator(ind, "milex_current").query("iso3 == 'USA'").set_index("year")["value"]
    const = _indicator(ind, "milex_const").query("iso3 == 'USA'").set_index("year")["value"]
    level = (cur / const).dropna()
    if base_year not in level.index:
        raise BriefError(
            f"base_year: got {base_year}, expected a year with SIPRI USA current and constant "
            f"values ({level.index.min()}–{level.index.max()})"
        )
    return (level / level[base_year]).rename("price_index")


def to_constant(levels: pd.DataFrame, price_index: pd.Series) -> pd.DataFrame:
    """Current-dollar levels in constant base-year dollars (years without an index dropped)."""
    out = levels.merge(price_index.rename("p"), left_on="year", right_index=True, how="inner")
    return out.assign(value=out["value"] / out["p"])[COLUMNS].reset_index(drop=True)


def group_totals(
    levels: pd.DataFrame,
    coalition: Sequence[str],
    benchmark: Sequence[str],
    *,
    missing: str = "drop_year",
    measure: str = "",
    years: Iterable[int] | None = None,
) -> GroupSeries:
    """Sum a measure over coalition and benchmark per year; ratio = coalition / benchmark.

    A year is considered when any member has a value (or for every year in ``years``). Gaps are
    returned as rows ``iso3, year, group, action`` (action ``dropped year`` or ``summed without``).
    """
    if missing not in ("drop_year", "report_gap"):
        raise BriefError(f"missing: got {missing!r}, expected 'drop_year' or 'report_gap'")
    members = {**{c: "coalition" for c in coalition}, **{b: "benchmark" for b in benchmark}}
    d = levels[levels["iso3"].isin(list(members))]
    wide = d.pivot_table(index="year", columns="iso3", values="value", aggfunc="first")
    all_years = sorted(set(wide.index) if years is None else set(years))
    wide = wide.reindex(index=all_years, columns=list(members))
    is_na = wide.isna()
    group_of = pd.Series(members)
    coal_cols, bench_cols = list(coalition), list(benchmark)
    n_c = (~is_na[coal_cols]).sum(axis=1)
    n_b = (~is_na[bench_cols]).sum(axis=1)
    keep = ~is_na.any(axis=1) if missing == "drop_year" else (n_c > 0) & (n_b > 0)
    gaps = is_na.stack().rename("na").reset_index()
    gaps.columns = ["year", "iso3", "na"]
    gaps = gaps[gaps["na"]].drop(columns="na")
    gaps["group"] = gaps["iso3"].map(group_of)
    gaps["action"] = np.where(gaps["year"].map(keep).astype(bool), "summed without", "dropped year")
    gaps = gaps[["iso3", "year", "group", "action"]].sort_values(["year", "iso3"], kind="mergesort")
    table = pd.DataFrame(
        {
            "year": np.asarray(all_years, dtype=int),
            "coalition": wide[coal_cols].sum(axis=1, min_count=1).to_numpy(),
            "benchmark": wide[bench_cols].sum(axis=1, min_count=1).to_numpy(),
            "n_coalition": n_c.to_numpy(),
            "n_benchmark": n_b.to_numpy(),
        }
    )[keep.to_numpy()]
    table["ratio"] = table["coalition"] / table["benchmark"]
    table = table[["year", "coalition", "benchmark", "ratio", "n_coalition", "n_benchmark"]]
    return GroupSeries(measure, table.reset_index(drop=True), gaps.reset_index(drop=True))


def composite_levels(
    components: Mapping[str, pd.DataFrame],
    weights: Mapping[str, float],
    coalition: Sequence[str],
    benchmark: Sequence[str],
    *,
    missing: str = "drop_year",
) -> pd.DataFrame:
    """Per-member user composite: ``sum_k w_k * x_k / (C_k + B_k)`` (iso3, year, value).

    Only years where every weighted component has data are kept. With ``missing="drop_year"`` a
    component-year needs every member; with ``"report_gap"`` it needs at least one member of each
    group, the totals are over the members with data and a member lacking the component gets no
    share of it (the gap is listed by :func:`all_measures`).
    """
    members = [*coalition, *benchmark]
    parts = []
    for comp, w in weights.items():
        if w == 0:
            continue
        lv = components[comp]
        wide = lv[lv["iso3"].isin(members)].pivot_table(
            index="year", columns="iso3", values="value", aggfunc="first"
        )
        wide = wide.reindex(columns=members)
        if missing == "drop_year":
            wide = wide.dropna(how="any")
        else:
            has_c = wide[list(coalition)].notna().any(axis=1)
            wide = wide[has_c & wide[list(benchmark)].notna().any(axis=1)]
        share = wide.div(wide.sum(axis=1), axis=0).fillna(0.0) * w
        parts.append(share)
    if not parts:
        raise BriefError("composite_weights: expected at least one positive weight")
    common = parts[0].index
    for p in parts[1:]:
        common = common.intersection(p.index)
    total = sum(p.loc[common] for p in parts)
    out = total.stack().rename("value").reset_index()
    out.columns = ["year", "iso3", "value"]
    return out[COLUMNS].sort_values(["iso3", "year"], kind="mergesort").reset_index(drop=True)


def first_crossover(table: pd.DataFrame, *, column: str = "ratio") -> int | None:
    """First year in which the ratio exceeds 1 (coalition above benchmark), or None."""
    above = table.loc[table[column] > 1.0, "year"]
    return int(above.min()) if len(above) else None


def value_at(table: pd.DataFrame, year: int, column: str = "ratio") -> float | None:
    row = table.loc[table["year"] == year, column]
    return float(row.iloc[0]) if len(row) else None


def margin(ratio: float | None) -> float | None:
    """How far the coalition is above (+) or below (−) the benchmark: ratio − 1."""
    return None if ratio is None else float(ratio) - 1.0


def latest(table: pd.DataFrame) -> tuple[int | None, float | None]:
    """(last year with a ratio, that ratio)."""
    t = table.dropna(subset=["ratio"])
    if t.empty:
        return None, None
    row = t.iloc[-1]
    return int(row["year"]), float(row["ratio"])


def ratio_change(table: pd.DataFrame, start: int, end: int) -> float | None:
    """Ratio at ``end`` minus ratio at ``start`` (None if either year is missing)."""
    a, b = value_at(table, start), value_at(table, end)
    return None if a is None or b is None else b - a


def all_measures(
    ind: pd.DataFrame,
    measures: Sequence[str],
    coalition: Sequence[str],
    benchmark: Sequence[str],
    *,
    weights: Mapping[str, float] | None = None,
    milex_prices: str = "constant",
    missing: str = "drop_year",
    start_year: int | None = None,
) -> dict[str, GroupSeries]:
    """Group series for every requested measure (observed data only)."""
    return {
        m: since(
            measure_series(
                ind,
                m,
                coalition,
                benchmark,
                weights=weights,
                milex_prices=milex_prices,
                missing=missing,
            ),
            start_year,
        )
        for m in measures
    }


def measure_series(
    ind: pd.DataFrame,
    measure: str,
    coalition: Sequence[str],
    benchmark: Sequence[str],
    *,
    weights: Mapping[str, float] | None = None,
    milex_prices: str = "constant",
    missing: str = "drop_year",
    read: Callable[[str], pd.DataFrame] | None = None,
) -> GroupSeries:
    """One measure's group series from its first year (:func:`all_measures`' part of one
    measure); ``read``: a component's levels (:func:`component_levels` of ``ind``), when the
    caller keeps them (:mod:`analysis.compute.projection_reads`)."""
    read = read or _reader(ind, milex_prices)
    m = measure
    lv = member_levels(
        ind,
        m,
        coalition,
        benchmark,
        weights=weights,
        milex_prices=milex_prices,
        missing=missing,
        read=read,
    )
    g = group_totals(lv, coalition, benchmark, missing=missing, measure=m)
    if m == "composite" and weights:
        comp_gaps = [
            group_totals(
                read(k),
                coalition,
                benchmark,
                missing=missing,
                years=g.table["year"],
            ).gaps.assign(action=lambda d, k=k: d["action"] + f" (component {k})")
            for k, w in sorted(weights.items())
            if w > 0
        ]
        gaps = pd.concat([g.gaps, *comp_gaps], ignore_index=True)
        g = GroupSeries(m, g.table, gaps.sort_values(["year", "iso3"], kind="mergesort"))
    return g


def since(g: GroupSeries, start_year: int | None) -> GroupSeries:
    """A group series from ``start_year`` on (all of it for None)."""
    if start_year is None:
        return g
    return GroupSeries(
        g.measure,
        g.table[g.table["year"] >= start_year].reset_index(drop=True),
        g.gaps[g.gaps["year"] >= start_year].reset_index(drop=True),
    )


def brief_series(
    ind: pd.DataFrame, params: Any, measures: Sequence[str] | None = None
) -> dict[str, GroupSeries]:
    """:func:`all_measures` as a brief's parameters ask for it (``params.measures`` unless
    ``measures`` are given): its members, weights, prices, missing-data rule and first year."""
    return all_measures(
        ind,
        list(params.measures if measures is None else measures),
        params.coalition,
        params.benchmark,
        weights=params.composite_weights,
        milex_prices=params.milex_prices,
        missing=params.missing,
        start_year=params.start_year,
    )


def member_levels(
    ind: pd.DataFrame,
    measure: str,
    coalition: Sequence[str],
    benchmark: Sequence[str],
    *,
    weights: Mapping[str, float] | None = None,
    milex_prices: str = "constant",
    missing: str = "drop_year",
    read: Callable[[str], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Per-member levels of any measure, including the user composite; ``read``: a
    component's levels (:func:`component_levels` of ``ind``), when the caller keeps them."""
    read = read or _reader(ind, milex_prices)
    if measure != "composite":
        if measure in COMPONENT_MEASURE:  # a base measure is its own component
            return read(measure)
        return measure_levels(ind, measure, milex_prices=milex_prices)  # refused there
    if not weights:
        raise BriefError("composite_weights: expected weights for the composite measure")
    comps = {k: read(k) for k in weights}
    return composite_levels(comps, weights, coalition, benchmark, missing=missing)


def _reader(ind: pd.DataFrame, milex_prices: str) -> Callable[[str], pd.DataFrame]:
    """A component's levels read from ``ind`` every time asked (:func:`component_levels`)."""
    return lambda component: component_levels(ind, component, milex_prices=milex_prices)


def long_ratio_table(series: Mapping[str, GroupSeries]) -> pd.DataFrame:
    """One table of every measure's group series: measure, year, coalition, benchmark, ratio."""
    frames = [g.table.assign(measure=m) for m, g in series.items()]
    if not frames:
        return pd.DataFrame(columns=["measure", "year", "coalition", "benchmark", "ratio"])
    t = pd.concat(frames, ignore_index=True)
    t["label"] = t["measure"].map(lambda m: MEASURES[m]["label"])
    cols = ["measure", "label", "year", "coalition", "benchmark", "ratio"]
    return t[cols].sort_values(["measure", "year"], kind="mergesort").reset_index(drop=True)


def gap_table(series: Mapping[str, GroupSeries]) -> pd.DataFrame:
    """Every measure's missing member-years: measure, iso3, year, group, action."""
    frames = [g.gaps.assign(measure=m) for m, g in series.items() if len(g.gaps)]
    cols = ["measure", "iso3", "year", "group", "action"]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    t = pd.concat(frames, ignore_index=True)[cols]
    return t.sort_values(["measure", "year", "iso3"], kind="mergesort").reset_index(drop=True)


def gap_summary(gaps: pd.DataFrame) -> pd.DataFrame:
    """Gaps condensed: per measure, member and action, the first and last year and the count."""
    cols = ["measure", "iso3", "action", "first_year", "last_year", "years"]
    if gaps.empty:
        return pd.DataFrame(columns=cols)
    g = gaps.groupby(["measure", "iso3", "action"], as_index=False).agg(
        first_year=("year", "min"), last_year=("year", "max"), years=("year", "count")
    )
    return g[cols]


def constant_dollar_totals(
    ind: pd.DataFrame,
    coalition: Sequence[str],
    benchmark: Sequence[str],
    base_year: int,
    *,
    missing: str = "drop_year",
) -> pd.DataFrame:
    """GDP at market rates of both groups in constant ``base_year`` US$ bn, and their ratio."""
    p = us_price_index(ind, base_year)
    lv = to_constant(measure_levels(ind, "gdp_mer"), p)
    t = group_totals(lv, coalition, benchmark, missing=missing, measure="gdp_mer").table
    return t[["year", "coalition", "benchmark", "ratio"]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# What the ratio chart shows, in words (its title states the finding; its alt text describes it)


def ratio_headline(
    latest_by_measure: Mapping[str, tuple[int | None, float | None]],
    coalition_label: str,
    benchmark_label: str,
) -> str:
    """The ratio chart's title: where the coalition stands on each measure in its latest year."""
    have = {m: (y, r) for m, (y, r) in latest_by_measure.items() if r is not None}
    if not have:
        return f"{coalition_label} relative to {benchmark_label}: no data"
    above = sorted(m for m, (_, r) in have.items() if r > 1)
    lo, hi = min(r for _, r in have.values()), max(r for _, r in have.values())
    if not above:
        return (
            f"{coalition_label} stay below {benchmark_label} on every measure of power "
            f"({lo:.2f} to {hi:.2f} of its level in the latest year)"
        )
    names = ", ".join(phrase(MEASURES[m]["label"]) for m in above)
    return (
        f"{coalition_label} exceed {benchmark_label} on {len(above)} of {len(have)} measures "
        f"({names}) in the latest year"
    )


def ratio_alt(
    ratios: pd.DataFrame,
    latest_by_measure: Mapping[str, tuple[int | None, float | None]],
    coalition_label: str,
    benchmark_label: str,
    article_horizon: int,
) -> str:
    if ratios.empty:
        return f"Line chart of the {coalition_label} to {benchmark_label} ratio: no data."
    first, last = int(ratios["year"].min()), int(ratios["year"].max())
    where = "; ".join(
        f"{phrase(MEASURES[m]['label'])} {r:.2f} in {y}"
        for m, (y, r) in latest_by_measure.items()
        if r is not None
    )
    return (
        f"Line chart of the ratio of {coalition_label} to {benchmark_label} from {first} to "
        f"{last}, one line per measure of power, with a dashed parity line at 1 and a marker at "
        f"{article_horizon}. Latest values: {where}."
    )
