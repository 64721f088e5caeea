"""Each member's growth for the Monte Carlo (:mod:`analysis.compute.projection`), with numpy.

A projection starts each member from its last observed value and grows it by the mean
log-growth of a trailing window (or the IMF WEO's own projected growth, or explicit rates),
with the sd of the window's annual log-growth. :func:`trailing_growth` says it on a pandas
Series (indexed by year); :func:`trailing` computes the same on a member's arrays of years and
values, the same floating-point operations in the same order (a quotient's log over the years
between, ``np.log`` of the values, their consecutive differences, ``np.std`` with ddof 1), so
the same bits, without pandas's overhead on a dozen values (a multiverse makes dozens of
projections of a few members each). :func:`members` splits a measure's levels by member once;
``tests/test_analysis_growth.py`` checks the arrays against the pandas reference on the curated
data and on edge cases.

Pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.compute.frames import equals
from analysis.errors import BriefError

#: A member's observed (years, values), in the order of the rows of its levels.
Series = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class GrowthInputs:
    """What the simulation needs for one measure."""

    members: list[str]
    is_coalition: np.ndarray  # (m,) bool
    last_year: int
    last: np.ndarray  # (m,) last observed value
    years: np.ndarray  # (T,) projected years last_year+1 .. horizon
    mu: np.ndarray  # (T, m) mean annual log-growth
    sd: np.ndarray  # (m,) sd of annual log-growth shocks
    notes: list[str] = field(default_factory=list)


def growth_inputs(
    levels: pd.DataFrame,
    coalition: Sequence[str],
    benchmark: Sequence[str],
    *,
    last_year: int,
    horizon: int,
    method: str = "trailing_cagr",
    window: int = 10,
    rates: Mapping[str, float] | None = None,
    growth_sd: float | None = None,
    projected: pd.DataFrame | None = None,
    mu_shift: Mapping[str, float] | None = None,
    sd_scale: float = 1.0,
    split: tuple[dict[str, Series] | None, dict[str, Series] | None] | None = None,
) -> GrowthInputs:
    """Per-member starting values and growth from observed ``levels`` (iso3, year, value).

    Members without a value in ``last_year`` are left out of the projection (and noted), like a
    ``report_gap`` sum leaves them out of the observed total. ``projected`` holds the WEO
    projection rows (same columns) used by ``method="weo"``. ``split``: (:func:`members` of
    ``levels``, of ``projected``), when the caller keeps them.
    """
    if method not in ("trailing_cagr", "weo", "explicit"):
        raise BriefError(
            f"growth_scenario.method: got {method!r}, expected trailing_cagr|weo|explicit"
        )
    years = np.arange(last_year + 1, horizon + 1, dtype=int)
    rates = dict(rates or {})
    notes: list[str] = []
    isos = [*coalition, *benchmark]
    weo = method == "weo" and projected is not None and len(years) > 0
    if split is None:
        by = members(levels, isos)
        by_p = members(projected, isos) if weo and projected is not None else None
    else:
        by, by_p = split
    if weo and by_p is None:
        by = None  # a member with two projected rows of one year: the pandas reference
    members_, is_c, last, mus, sds = [], [], [], [], []
    for iso in isos:
        if by is None:  # a member with two rows of one year: the pandas reference
            s = levels.loc[equals(levels["iso3"], iso)].set_index("year")["value"].astype(float)
            if last_year not in s.index or not np.isfinite(s[last_year]) or s[last_year] <= 0:
                notes.append(f"{iso}: no value in {last_year}, not projected")
                continue
            mu_tr, sd_hist, used = trailing_growth(s, last_year, window)
            last_value = float(s[last_year])
        else:
            value = value_in(by[iso], last_year)
            if value is None or not np.isfinite(value) or value <= 0:
                notes.append(f"{iso}: no value in {last_year}, not projected")
                continue
            mu_tr, sd_hist, used = trailing(by[iso], last_year, window)
            last_value = value
        if used == 0 and method != "explicit":
            notes.append(f"{iso}: fewer than two years of data in the window, growth set to 0")
        mu = np.full(len(years), mu_tr)
        if method == "explicit":
            if iso not in rates:
                raise BriefError(
                    f"growth_scenario.rates: no rate for {iso}, expected one per member"
                )
            mu[:] = np.log1p(rates[iso])
        elif weo and projected is not None:
            if by is None or by_p is None:
                _weo_pandas(s, projected, iso, last_year, years, mu)
            else:
                weo_path(by[iso], by_p[iso], last_year, years, mu)
        mu += float((mu_shift or {}).get(iso, 0.0))
        members_.append(iso)
        is_c.append(iso in coalition)
        last.append(last_value)
        mus.append(mu)
        sds.append((sd_hist if growth_sd is None else float(growth_sd)) * sd_scale)
    if not any(is_c) or all(is_c):
        raise BriefError(
            f"projection from {last_year}: expected at least one coalition and one benchmark "
            "member with data in that year"
        )
    mu_arr = np.column_stack(mus) if len(years) else np.zeros((0, len(members_)))
    return GrowthInputs(
        members_,
        np.asarray(is_c, dtype=bool),
        int(last_year),
        np.asarray(last),
        years,
        mu_arr,
        np.asarray(sds, dtype=float),
        notes,
    )


def _weo_pandas(
    s: pd.Series,
    projected: pd.DataFrame,
    iso: str,
    last_year: int,
    years: np.ndarray,
    mu: np.ndarray,
) -> None:
    """:func:`weo_path` in pandas (the reference, and the route of a member with two
    projected rows of one year)."""
    p = projected.loc[projected["iso3"] == iso].set_index("year")["value"].astype(float)
    path = pd.concat([s.loc[[last_year]], p[p.index > last_year]]).sort_index()
    path = path[~path.index.duplicated()]
    g = np.log(path).diff().dropna()
    for i, y in enumerate(years):
        if y in g.index and np.isfinite(g[y]):
            mu[i] = g[y]


def trailing_growth(series: pd.Series, last_year: int, window: int) -> tuple[float, float, int]:
    """(mean log-growth = log(1 + CAGR), sd of annual log-growth, years used) over the window.

    ``series`` is indexed by year. The CAGR runs from the earliest year with data in
    ``[last_year - window, last_year]`` to ``last_year``; the sd uses consecutive-year changes in
    that span (ddof 1). Fewer than two values give zero growth and zero sd (``years used`` 0).
    """
    s = series.dropna()
    s = s[(s.index >= last_year - window) & (s.index <= last_year)].sort_index()
    s = s[s > 0]
    if len(s) < 2 or last_year not in s.index:
        return 0.0, 0.0, 0
    first = int(s.index[0])
    n = last_year - first
    mu = float(np.log(s[last_year] / s[first]) / n)
    logs = np.log(s)
    consecutive = np.diff(s.index.to_numpy()) == 1
    diffs = np.diff(logs.to_numpy())[consecutive]
    sd = float(np.std(diffs, ddof=1)) if len(diffs) >= 2 else 0.0
    return mu, sd, n


def members(levels: pd.DataFrame, isos: Iterable[str]) -> dict[str, Series] | None:
    """Each of ``isos``' (years, values) in ``levels`` (iso3, year, value; values as floats);
    None when a member has two rows of one year (then the pandas reference decides,
    :func:`trailing_growth` on the member's Series, as the projection always did)."""
    iso = levels["iso3"]
    years = levels["year"].to_numpy()
    values = levels["value"].astype(float).to_numpy()
    out: dict[str, Series] = {}
    for m in isos:
        rows = np.asarray(equals(iso, m), dtype=bool)
        y = years[rows]
        if len(np.unique(y)) != len(y):
            return None
        out[m] = (y, values[rows])
    return out


def value_in(member: Series, year: int) -> float | None:
    """The member's value in ``year`` (None without a row of that year)."""
    years, values = member
    at = np.flatnonzero(years == year)
    return float(values[at[0]]) if len(at) else None


def trailing(member: Series, last_year: int, window: int) -> tuple[float, float, int]:
    """:func:`trailing_growth` of a member's (years, values) with no year twice: the same
    numbers, bit for bit."""
    years, values = member
    keep = ~np.isnan(values) & (years >= last_year - window) & (years <= last_year)
    order = np.argsort(years[keep], kind="stable")
    y, v = years[keep][order], values[keep][order]
    positive = v > 0
    y, v = y[positive], v[positive]
    if len(v) < 2 or y[-1] != last_year:  # sorted: last_year, if there, is the last
        return 0.0, 0.0, 0
    first = int(y[0])
    n = last_year - first
    mu = float(np.log(v[-1] / v[0]) / n)
    diffs = np.diff(np.log(v))[np.diff(y) == 1]
    sd = float(np.std(diffs, ddof=1)) if len(diffs) >= 2 else 0.0
    return mu, sd, n


def weo_path(
    member: Series, projected: Series, last_year: int, years: np.ndarray, mu: np.ndarray
) -> None:
    """Set ``mu`` (over ``years``) to the WEO's projected log-growth where it has a finite one:
    the log-differences of the path from the member's ``last_year`` value through its projected
    values after it (``projection.growth_inputs``' pandas path, the same operations)."""
    p_years, p_values = projected
    after = p_years > last_year
    order = np.argsort(p_years[after], kind="stable")
    path_years = np.concatenate([[last_year], p_years[after][order]])
    last = value_in(member, last_year)
    path = np.concatenate([[last], p_values[after][order]])
    logs = np.log(path)
    g = logs[1:] - logs[:-1]  # pandas's diff, after the first year
    at = {int(y): float(x) for y, x in zip(path_years[1:].tolist(), g.tolist(), strict=True)}
    for i, y in enumerate(years.tolist()):
        x = at.get(int(y))
        if x is not None and np.isfinite(x):
            mu[i] = x
