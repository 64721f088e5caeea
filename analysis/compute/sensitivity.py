"""How the C1 result moves with the analyst's choices. Pure functions.

- :func:`simplex_grid`: the composite ratio over a grid of the weight simplex (where the
  coalition exceeds the benchmark).
- :func:`tornado`: which input (each member's growth rate, the trailing window, the shock sd,
  the measure) moves the year the median projected ratio first exceeds 1 the most.
- :func:`break_even_gap`: how much faster (annual log-growth, every coalition member) the
  coalition would have to grow for the central ratio to reach 1 at the horizon.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from analysis.compute import projection as pj
from analysis.errors import BriefError
from analysis.results import Evidence
from analysis.results import evidence as ev

RATE_DELTA = 0.01  # tornado: each member's annual growth -/+ 1 percentage point (log-growth)
WINDOW_DELTA = 5  # tornado: trailing window -/+ 5 years
SD_SCALES = (0.5, 2.0)  # tornado: shock sd halved / doubled
SEARCH_HORIZON = 2100  # tornado: crossover years are searched up to this year
TORNADO_DRAWS = 1_000
GAP_BRACKET = (-1.0, 1.0)  # break-even gap search range, annual log-growth


def simplex_grid(shares: Mapping[str, float], step: float = 0.05) -> pd.DataFrame:
    """Composite ratio for every weight vector on a grid of the simplex.

    ``shares`` maps each component to the coalition's share of the coalition + benchmark total
    (``C_k / (C_k + B_k)``). The coalition's composite is ``sum_k w_k * share_k`` and the ratio
    ``composite / (1 - composite)``. Columns: one ``w_<component>`` per component, ``composite``,
    ``ratio``, ``exceeds``.
    """
    comps = sorted(shares)
    n = round(1 / step)
    if not np.isclose(n * step, 1.0):
        raise ValueError("step must divide 1")
    rows = []
    for combo in itertools.product(range(n + 1), repeat=len(comps) - 1):
        if sum(combo) > n:
            continue
        ints = [*combo, n - sum(combo)]
        w = [i / n for i in ints]
        comp = float(sum(wi * shares[c] for wi, c in zip(w, comps, strict=True)))
        ratio = comp / (1 - comp) if comp < 1 else np.inf
        rows.append(
            {
                **{f"w_{c}": wi for c, wi in zip(comps, w, strict=True)},
                "composite": comp,
                "ratio": ratio,
                "exceeds": ratio > 1,
            }
        )
    return pd.DataFrame(rows)


def break_even_gap(gi: pj.GrowthInputs, year: int | None = None) -> float | None:
    """Extra annual log-growth for every coalition member that makes the central ratio 1 in
    ``year`` (default: the last projected year). Negative: the coalition could grow that much
    slower and still reach parity. None if there is no projected year.
    """
    if len(gi.years) == 0:
        return None
    year = int(gi.years[-1]) if year is None else year
    idx = int(np.searchsorted(gi.years, year))
    if idx >= len(gi.years) or gi.years[idx] != year:
        return None
    n = idx + 1

    def excess(g: float) -> float:
        shifted = replace(gi, mu=gi.mu + np.where(gi.is_coalition, g, 0.0))
        c, b = pj.deterministic_groups(shifted)
        return float(np.log(c[idx]) - np.log(b[idx]))

    lo, hi = GAP_BRACKET
    lo, hi = lo / max(1, n) * 10, hi / max(1, n) * 10  # keep exp() finite over long horizons
    if excess(lo) > 0 or excess(hi) < 0:
        return None
    return float(brentq(excess, lo, hi, xtol=1e-12))


def median_crossover(p: pj.Projection) -> int | None:
    """First projected year the median ratio exceeds 1."""
    above = p.fan.loc[p.fan["p50"] > 1.0, "year"]
    return int(above.min()) if len(above) else None


def tornado(
    run: Callable[..., pj.Projection],
    *,
    members: Sequence[str],
    window: int,
    measures: Sequence[str],
    headline: str,
    observed_crossover: Mapping[str, int | None] | None = None,
) -> pd.DataFrame:
    """Low/high crossover years for each input, sorted by the size of the swing.

    ``run(measure=..., mu_shift=..., window=..., sd_scale=...)`` returns a projection searched to
    :data:`SEARCH_HORIZON`; the metric is the first year the median projected ratio exceeds 1
    (``None``: not by the search horizon, or already above at the start — given as
    ``observed_crossover``). Columns: input, low_label, high_label, low, high, base, swing.
    """
    observed_crossover = dict(observed_crossover or {})

    def metric(**kw) -> int | None:
        m = kw.get("measure", headline)
        if observed_crossover.get(m) is not None:
            return observed_crossover[m]
        return median_crossover(run(**kw))

    base = metric()
    rows = []
    for iso in members:
        lo = metric(mu_shift={iso: -RATE_DELTA})
        hi = metric(mu_shift={iso: RATE_DELTA})
        rows.append((f"{iso} growth -/+1 pp", f"{iso} -1 pp", f"{iso} +1 pp", lo, hi))
    w_lo, w_hi = max(2, window - WINDOW_DELTA), min(40, window + WINDOW_DELTA)
    rows.append(
        (
            "Trailing window",
            f"{w_lo} years",
            f"{w_hi} years",
            metric(window=w_lo),
            metric(window=w_hi),
        )
    )
    rows.append(
        (
            "Shock sd",
            f"sd x{SD_SCALES[0]:g}",
            f"sd x{SD_SCALES[1]:g}",
            metric(sd_scale=SD_SCALES[0]),
            metric(sd_scale=SD_SCALES[1]),
        )
    )
    others = {m: metric(measure=m) for m in measures if m != headline}
    if others:
        fill = SEARCH_HORIZON + 1
        lo_m = min(others, key=lambda m: others[m] if others[m] is not None else fill)
        hi_m = max(others, key=lambda m: others[m] if others[m] is not None else fill)
        rows.append(("Measure of power", lo_m, hi_m, others[lo_m], others[hi_m]))
    out = pd.DataFrame(rows, columns=["input", "low_label", "high_label", "low", "high"])
    out["base"] = base
    fill = SEARCH_HORIZON + 1
    as_year = lambda s: s.map(lambda v: fill if v is None or pd.isna(v) else v)  # noqa: E731
    b = fill if base is None else base
    out["swing"] = (as_year(out["low"]) - b).abs() + (as_year(out["high"]) - b).abs()
    out = out.sort_values(["swing", "input"], ascending=[False, True], kind="mergesort")
    for c in ("low", "high", "base"):
        out[c] = out[c].astype("Int64")
    return out.reset_index(drop=True)


def make_runner(
    ind: pd.DataFrame,
    params,
    *,
    horizon: int = SEARCH_HORIZON,
    draws: int = TORNADO_DRAWS,
    scenario: pj.Scenario | None = None,
):
    """A ``run(measure=, mu_shift=, window=, sd_scale=)`` for :func:`tornado` from brief params;
    ``scenario``: ``Scenario.of(ind, params)``, when the caller has it (the tornado's
    projections then read the data once with the caller's, :mod:`.projection_reads`)."""
    base = pj.Scenario.of(ind, params) if scenario is None else scenario

    def run(measure=None, mu_shift=None, window=None, sd_scale=1.0) -> pj.Projection:
        growth = base.growth if window is None else {**base.growth, "window": window}
        return pj.project(
            replace(base, growth=growth, mu_shift=mu_shift, sd_scale=sd_scale),
            measure or params.headline_measure,
            horizon,
            draws=draws,
            seed=params.seed,
            weights=params.composite_weights,
        )

    return run


MIN_MEMBER_SHARE = 0.05  # tornado: members with at least this share of their group's total


def tornado_members(
    levels: pd.DataFrame, coalition: Sequence[str], benchmark: Sequence[str], year: int
) -> list[str]:
    """Members whose growth the tornado varies: those with >= MIN_MEMBER_SHARE of their group."""
    v = levels[levels["year"] == year].set_index("iso3")["value"]
    out = []
    for group in (coalition, benchmark):
        g = v.reindex(list(group)).dropna()
        total = g.sum()
        out += [
            iso
            for iso in group
            if iso in g.index and total > 0 and g[iso] / total >= MIN_MEMBER_SHARE
        ]
    return out


def component_shares(
    ind: pd.DataFrame,
    components: Sequence[str],
    coalition: Sequence[str],
    benchmark: Sequence[str],
    *,
    milex_prices: str = "constant",
    missing: str = "drop_year",
) -> tuple[dict[str, float], int]:
    """Coalition share ``C/(C+B)`` of each component in the latest year all of them have."""
    from analysis.compute import power

    tables = {
        c: power.group_totals(
            power.component_levels(ind, c, milex_prices=milex_prices),
            coalition,
            benchmark,
            missing=missing,
        ).table.set_index("year")
        for c in components
    }
    common = sorted(set.intersection(*(set(t.index) for t in tables.values())))
    if not common:
        raise BriefError(f"composite components {list(components)}: no year with all of them")
    year = int(common[-1])
    shares = {
        c: float(t.loc[year, "coalition"] / (t.loc[year, "coalition"] + t.loc[year, "benchmark"]))
        for c, t in tables.items()
    }
    return shares, year


def break_even_table(
    ind: pd.DataFrame, params, scenario: pj.Scenario | None = None
) -> pd.DataFrame:
    """Per base measure: the break-even extra growth of every coalition member to the horizon.

    ``gap`` is in annual log-growth; ``gap_pp`` in percentage points of annual growth
    (``100 * (exp(gap) - 1)``). The composite is left out (it has no single growth path).
    ``scenario``: ``Scenario.of(ind, params)``, when the caller has it (its reads shared).
    """
    if scenario is None:
        scenario = pj.Scenario.of(ind, params)
    rows = []
    for m in params.measures:
        if m == "composite":
            continue
        try:
            gi = pj.measure_inputs(scenario, m, params.horizon)
        except BriefError:  # no data for this measure: shown as not available
            rows.append({"measure": m, "last_year": None, "horizon": params.horizon})
            continue
        gap = break_even_gap(gi)
        rows.append(
            {
                "measure": m,
                "last_year": gi.last_year,
                "horizon": params.horizon,
                "gap": gap,
                "gap_pp": None if gap is None else 100.0 * float(np.expm1(gap)),
            }
        )
    out = pd.DataFrame(rows, columns=["measure", "last_year", "horizon", "gap", "gap_pp"])
    return out.astype({"last_year": "Int64", "gap": float, "gap_pp": float})


# ---------------------------------------------------------------------------------------------
# The findings in words, and the numbers the brief quotes


def simplex_headline(share: float, n: int, coalition_label: str, year: int) -> str:
    if share == 0:
        return f"{coalition_label} are larger under none of {n} weightings of 3 measures ({year})"
    return (
        f"{coalition_label} are larger under {share:.0%} of {n} weightings of three measures "
        f"({year})"
    )


def _year(v: Any) -> str:
    return "no crossover by 2100" if v is None or pd.isna(v) else str(int(v))


def tornado_headline(tornado_table: pd.DataFrame, measure_label: str) -> str:
    if tornado_table.empty:
        return f"No growth input moves the crossover year ({measure_label})"
    top = tornado_table.iloc[0]
    return (
        f"{top['input']} moves the crossover year most ({measure_label}): "
        f"{_year(top['low'])} to {_year(top['high'])} against {_year(top['base'])}"
    )


def tornado_alt(tornado_table: pd.DataFrame, measure_label: str) -> str:
    rows = "; ".join(
        f"{r['input']}: {_year(r['low'])} to {_year(r['high'])}"
        for _, r in tornado_table.head(5).iterrows()
    )
    base = _year(tornado_table["base"].iloc[0]) if len(tornado_table) else "none"
    return (
        f"Horizontal bars, one per growth input, from the base crossover year ({base}) of "
        f"{measure_label} to the years with the input low and high: {rows}."
    )


def numbers(
    share_exceeding: float,
    simplex_year: int,
    tornado_table: pd.DataFrame,
    verdicts: pd.DataFrame,
    gaps: pd.DataFrame,
    labels: Mapping[str, str],
) -> list[Evidence]:
    """The sensitivity numbers the brief quotes (C1's ``sensitivity`` evidence)."""
    out = [
        ev("simplex_share_exceeding", "Composite weightings in which the coalition is larger",
           share_exceeding, "share", simplex_year),
        ev("tornado_top_input", "Growth input that moves the crossover year most",
           str(tornado_table["input"].iloc[0]) if len(tornado_table) else "none", "text"),
        ev("measures_supported", "Measures on which C1 is supported",
           int((verdicts["verdict"] == "supported").sum()), "count"),
        ev("measures_tested", "Measures tested", len(verdicts), "count"),
    ]  # fmt: skip
    for row in gaps.itertuples():
        out.append(
            ev(f"break_even_gap_{row.measure}",
               f"Extra growth a year every coalition member would need for the central "
               f"projection to reach parity by {row.horizon} (negative: already projected above "
               f"it), {labels.get(row.measure, row.measure)}", row.gap_pp, "pp")
        )  # fmt: skip
    return out
