"""Projections to the horizon with growth uncertainty (vectorized Monte Carlo). Pure functions.

Each member's measure grows from its last observed value with annual log-growth
``mu[t] + sd * eps[t]``; ``mu`` comes from the growth scenario (trailing CAGR over ``window`` years,
the IMF WEO's own projections where the data hold them and trailing CAGR after, or explicit
rates), ``sd`` from the member's history over the same window or the ``growth_sd`` parameter, and
``eps`` are independent standard normal (or unit-variance Student t) shocks. Coalition and
benchmark totals are summed per draw; the fan is the quantiles of their ratio by year and the
probability that the coalition is above (in that year) or has been above (by that year).

With ``sd = 0`` the simulation reproduces the deterministic projection exactly; the same seed
gives identical draws (numpy ``Generator(PCG64(seed))``, drawn in fixed-size chunks).

A :class:`Scenario` holds what every projection of a brief shares (the indicators, the groups,
how their totals are formed, the growth scenario); :func:`project` projects one measure of it,
:func:`project_measure` the same from separate arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.compute import power, simulations
from analysis.compute import projection_reads as reads
from analysis.compute.growth import GrowthInputs, growth_inputs
from analysis.compute.growth import trailing_growth as trailing_growth
from analysis.compute.shocks import shocks as _shocks
from analysis.errors import BriefError

#: The growth methods in words (``growth_scenario.method``).
METHOD_WORDS = {
    "trailing_cagr": "trailing compound growth",
    "weo": "IMF WEO projections",
    "explicit": "explicit growth rates",
}

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
CHUNK = 25_000  # draws per chunk: bounds memory (draws x years x members floats) and fixes order


def _paths(gi: GrowthInputs, eps: np.ndarray) -> np.ndarray:
    """Member levels (n, T, m) from shocks (n, T, m): :func:`.simulations.paths` for year-major
    shocks (the same bits, faster), else :func:`_broadcast_paths`."""
    levels = simulations.paths(gi, eps)
    return _broadcast_paths(gi, eps) if levels is None else levels


def _broadcast_paths(gi: GrowthInputs, eps: np.ndarray) -> np.ndarray:
    """Member levels (n, T, m) from shocks (n, T, m), broadcasting the members' numbers."""
    inc = eps * gi.sd
    inc += gi.mu
    simulations.cumsum_years(inc)
    np.exp(inc, out=inc)
    inc *= gi.last
    return inc


def simulate_members(
    gi: GrowthInputs,
    draws: int,
    rng: np.random.Generator,
    shocks: str = "normal",
    t_df: float = 5.0,
) -> np.ndarray:
    """Member levels for every draw, year and member: array (draws, T, m).

    The shocks are drawn year by year (year-major), so a year's shocks do not depend on how many
    years follow it: a projection to 2040 holds the projection to 2030 as its first years, and
    the multiverse can read every horizon off one projection.
    """
    eps = _shocks(rng, (len(gi.years), draws, len(gi.members)), shocks, t_df).transpose(1, 0, 2)
    return _paths(gi, eps)


def simulate_groups(
    gi: GrowthInputs,
    draws: int,
    rng: np.random.Generator,
    shocks: str = "normal",
    t_df: float = 5.0,
    kept: simulations.Kept | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Coalition and benchmark totals, each (draws, T), simulated in chunks of ``CHUNK`` draws;
    ``kept``: the simulations a scenario made last (:mod:`analysis.compute.simulations`), where
    the same one is handed out again (read-only) instead of made again."""
    T = len(gi.years)
    starts = range(0, draws, CHUNK)
    # one child generator per chunk (spawned, not drawn from the parent), so no chunk's draws
    # depend on how many numbers the chunks before it used
    children = rng.spawn(len(starts))
    k = None if kept is None else simulations.key(gi, draws, children, shocks, t_df)
    held = None if kept is None else kept.get(k)
    if held is not None:
        return held
    coal = np.empty((draws, T))
    bench = np.empty((draws, T))
    for start, child in zip(starts, children, strict=True):
        n = min(CHUNK, draws - start)
        lv = simulate_members(gi, n, child, shocks, t_df)
        simulations.group_sum(lv, gi.is_coalition, coal[start : start + n])
        simulations.group_sum(lv, ~gi.is_coalition, bench[start : start + n])
    return (coal, bench) if kept is None else kept.put(k, (coal, bench))


def deterministic_groups(gi: GrowthInputs) -> tuple[np.ndarray, np.ndarray]:
    """Coalition and benchmark totals (T,) of the central projection (no shocks)."""
    lv = _paths(gi, np.zeros((1, len(gi.years), len(gi.members))))
    return lv[0][:, gi.is_coalition].sum(axis=1), lv[0][:, ~gi.is_coalition].sum(axis=1)


def fan(
    years: np.ndarray, ratio: np.ndarray, quantiles: Sequence[float] = QUANTILES
) -> pd.DataFrame:
    """Quantiles of the ratio by year and the probability the coalition is above 1.

    ``prob_above``: share of draws with ratio > 1 in that year; ``prob_exceed_by``: share of draws
    in which the ratio has exceeded 1 in any projected year up to and including that year
    (non-decreasing in the year).
    """
    out = pd.DataFrame({"year": np.asarray(years, dtype=int)})
    if ratio.shape[1] == 0:
        for q in quantiles:
            out[f"p{round(q * 100):02d}"] = []
        out["prob_above"] = []
        out["prob_exceed_by"] = []
        return out
    if len(quantiles):
        qs = np.quantile(ratio, quantiles, axis=0)
        for q, row in zip(quantiles, qs, strict=True):
            out[f"p{round(q * 100):02d}"] = row
    above = ratio > 1.0
    out["prob_above"] = _share(above)
    for t in range(1, above.shape[1]):  # np.logical_or.accumulate(axis=1), a year at a time
        np.logical_or(above[:, t], above[:, t - 1], out=above[:, t])
    out["prob_exceed_by"] = _share(above)
    return out


def _share(flags: np.ndarray) -> np.ndarray:
    """``flags.mean(axis=0)`` of a boolean array: its count of True by column over the rows
    (an integer, exact in any order), divided by their number, which is what ``mean`` divides
    (the same quotient of the same two numbers, so the same bits), without summing floats."""
    return flags.sum(axis=0, dtype=np.intp) / flags.shape[0]


@dataclass(frozen=True)
class Projection:
    """One measure's projection: central path, fan and the numbers the brief quotes."""

    measure: str
    last_year: int | None  # None: no observed year with data for both groups (not available)
    horizon: int
    fan: pd.DataFrame  # year, p05..p95, prob_above, prob_exceed_by, central
    notes: list[str]
    ratio_draws: np.ndarray | None = None  # (draws, T), kept only when asked

    @property
    def central_at_horizon(self) -> float | None:
        row = self.fan.loc[self.fan["year"] == self.horizon, "central"]
        return float(row.iloc[0]) if len(row) else None

    @property
    def prob_exceed_by_horizon(self) -> float | None:
        row = self.fan.loc[self.fan["year"] == self.horizon, "prob_exceed_by"]
        return float(row.iloc[0]) if len(row) else None

    def central_crossover(self) -> int | None:
        above = self.fan.loc[self.fan["central"] > 1.0, "year"]
        return int(above.min()) if len(above) else None


def unavailable(measure: str, horizon: int, reason: str) -> Projection:
    """A projection that could not be made (no data): empty fan, the reason as a note."""
    f = fan(np.zeros(0, dtype=int), np.zeros((0, 0)))
    f["central"] = []
    return Projection(measure, None, horizon, f, [f"not available: {reason}"])


def _observed_groups(table: pd.DataFrame, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = table.set_index("year").reindex(years)
    return t["coalition"].to_numpy(float), t["benchmark"].to_numpy(float)


@dataclass(frozen=True, eq=False)
class Scenario:
    """What the projections of one brief share: the indicators, the two groups, how their totals
    are formed, and the growth scenario (the ``growth_scenario`` parameter group) with the
    tornado's shifts of it (``mu_shift`` per member, ``sd_scale`` on every member's sd)."""

    ind: pd.DataFrame
    coalition: Sequence[str]
    benchmark: Sequence[str]
    growth: Mapping[str, object]
    milex_prices: str = "constant"
    missing: str = "drop_year"
    mu_shift: Mapping[str, float] | None = None
    sd_scale: float = 1.0
    memo: reads.Memo = field(default_factory=reads.Memo, repr=False)
    """What its projections read before they draw, shared by the scenarios made from it by
    :func:`dataclasses.replace` (:mod:`analysis.compute.projection_reads`)."""
    simulated: simulations.Kept = field(default_factory=simulations.Kept, repr=False)
    """The group totals its projections simulated last, shared the same way: a simulation asked
    again is handed out (:mod:`analysis.compute.simulations`)."""

    @classmethod
    def of(cls, ind: pd.DataFrame, params: Any) -> Scenario:
        """The scenario of brief ``params`` (coalition, benchmark, growth_scenario, ...), with
        the reads of a scenario made from an equal table before (:func:`reads.shared`)."""
        ind, memo = reads.shared(ind)
        return cls(
            ind,
            params.coalition,
            params.benchmark,
            params.growth_scenario.model_dump(),
            params.milex_prices,
            params.missing,
            memo=memo,
        )

    def totals(self, levels: pd.DataFrame) -> pd.DataFrame:
        """Coalition and benchmark totals by year of member ``levels``."""
        return power.group_totals(
            levels, self.coalition, self.benchmark, missing=self.missing
        ).table

    def inputs(
        self, levels: pd.DataFrame, last_year: int, horizon: int, projected: pd.DataFrame | None
    ) -> GrowthInputs:
        """Growth inputs of member ``levels`` from ``last_year`` to ``horizon``."""
        growth = self.growth
        return growth_inputs(
            levels,
            self.coalition,
            self.benchmark,
            last_year=last_year,
            horizon=horizon,
            method=str(growth.get("method", "trailing_cagr")),
            window=int(growth.get("window", 10)),  # type: ignore[call-overload]
            rates=growth.get("rates") or {},  # type: ignore[arg-type]
            growth_sd=growth.get("growth_sd"),  # type: ignore[arg-type]
            projected=projected,
            mu_shift=self.mu_shift,
            sd_scale=self.sd_scale,
            split=(reads.members(self, levels), reads.members(self, projected)),
        )


@dataclass(frozen=True)
class _Sampler:
    """How the Monte Carlo draws: how many, from which generator, with which shocks."""

    draws: int
    rng: np.random.Generator
    shocks: str
    t_df: float
    kept: simulations.Kept | None = None

    @classmethod
    def of(
        cls,
        growth: Mapping[str, object],
        draws: int,
        seed: int,
        kept: simulations.Kept | None = None,
    ) -> _Sampler:
        return cls(
            draws,
            np.random.Generator(np.random.PCG64(seed)),
            str(growth.get("shocks", "normal")),
            float(growth.get("t_df", 5.0)),  # type: ignore[arg-type]
            kept,
        )

    def groups(self, gi: GrowthInputs) -> tuple[np.ndarray, np.ndarray]:
        return simulate_groups(gi, self.draws, self.rng, self.shocks, self.t_df, self.kept)


def project_measure(
    ind: pd.DataFrame,
    measure: str,
    *,
    coalition: Sequence[str],
    benchmark: Sequence[str],
    horizon: int,
    growth: Mapping[str, object],
    draws: int,
    seed: int,
    weights: Mapping[str, float] | None = None,
    milex_prices: str = "constant",
    missing: str = "drop_year",
    keep_draws: bool = False,
    mu_shift: Mapping[str, float] | None = None,
    sd_scale: float = 1.0,
) -> Projection:
    """Project one measure's coalition/benchmark ratio to ``horizon`` (Monte Carlo + central).

    ``growth`` is the ``growth_scenario`` parameter group (method, window, rates, growth_sd,
    shocks, t_df). The composite is projected through its components: each component's group
    totals are simulated (one generator, components in sorted order) and recombined per draw.
    """
    scenario = Scenario(
        ind, coalition, benchmark, growth, milex_prices, missing, mu_shift, sd_scale
    )
    return project(
        scenario, measure, horizon, draws=draws, seed=seed, weights=weights, keep_draws=keep_draws
    )


def project(
    scenario: Scenario,
    measure: str,
    horizon: int,
    *,
    draws: int,
    seed: int,
    weights: Mapping[str, float] | None = None,
    keep_draws: bool = False,
    quantiles: Sequence[float] = QUANTILES,
) -> Projection:
    """One measure of ``scenario`` projected to ``horizon`` (see :func:`project_measure`); its
    fan holds ``quantiles`` (none: only the central path and the probabilities, all that the
    multiverse reads)."""
    sampler = _Sampler.of(scenario.growth, draws, seed, scenario.simulated)
    if measure == "composite":
        made = _composite(scenario, weights, horizon, sampler)
    else:
        made = _single(scenario, measure, horizon, sampler)
    if isinstance(made, str):
        return unavailable(measure, horizon, made)
    last_year, years, ratio, central, notes = made
    f = fan(years, ratio, quantiles)
    f["central"] = central
    return Projection(measure, last_year, horizon, f, notes, ratio if keep_draws else None)


_Made = tuple[int, np.ndarray, np.ndarray, np.ndarray, list[str]]
"""(last observed year, projected years, ratio draws, central ratio, notes) of a projection; the
helpers that make it return the reason (a str) instead when there is no data to project."""


def _single(scenario: Scenario, measure: str, horizon: int, sampler: _Sampler) -> _Made | str:
    gi = _measure_inputs(scenario, measure, horizon)
    if gi is None:
        return "no year with data for both groups"
    coal, bench = sampler.groups(gi)
    c_cen, b_cen = deterministic_groups(gi)
    return gi.last_year, gi.years, coal / bench, c_cen / b_cen, list(gi.notes)


def _composite(
    scenario: Scenario, weights: Mapping[str, float] | None, horizon: int, sampler: _Sampler
) -> _Made | str:
    """The composite ratio: each component's coalition and benchmark shares, weighted, per draw
    and on the central path."""
    if not weights:
        raise BriefError("composite_weights: expected weights for the composite measure")

    last_year = reads.composite_last_year(scenario, weights)
    if last_year is None:
        return "no year with every weighted component"
    years = np.arange(last_year + 1, horizon + 1)
    num = np.zeros((sampler.draws, len(years)))
    den = np.zeros((sampler.draws, len(years)))
    num_c = np.zeros(len(years))
    den_c = np.zeros(len(years))
    notes: list[str] = []
    for comp in sorted(k for k, w in weights.items() if w > 0):
        c_draw, b_draw, c_cen, b_cen, n = _component_paths(scenario, comp, years, sampler)
        notes += [f"{comp}: {x}" for x in n]
        w = float(weights[comp])
        num += w * c_draw / (c_draw + b_draw)
        den += w * b_draw / (c_draw + b_draw)
        num_c += w * c_cen / (c_cen + b_cen)
        den_c += w * b_cen / (c_cen + b_cen)
    return last_year, years, num / den, num_c / den_c, notes


def measure_inputs(scenario: Scenario, measure: str, horizon: int) -> GrowthInputs:
    """Growth inputs of one base measure (not the composite), from its last common year."""
    if measure == "composite":
        raise BriefError("composite: projected through its components, not as one series")
    gi = _measure_inputs(scenario, measure, horizon)
    if gi is None:
        raise BriefError(f"{measure}: no year with data for both groups; cannot project")
    return gi


def _measure_inputs(scenario: Scenario, measure: str, horizon: int) -> GrowthInputs | None:
    """Growth inputs of a base measure; None when no year has data for both groups."""
    s = scenario
    lv, last_year, projected = reads.measure(s, measure)
    if last_year is None:
        return None
    return s.inputs(lv, last_year, horizon, projected)


def _component_paths(scenario: Scenario, comp: str, years: np.ndarray, sampler: _Sampler):
    """Group totals of one composite component over ``years``: observed where the component has
    data (the same value in every draw), simulated after its own last year."""

    lv, table, projected = reads.component(scenario, comp)
    last_c = int(table["year"].max())
    horizon = int(years.max()) if len(years) else last_c
    obs_years = years[years <= last_c]
    sim_years = years[years > last_c]
    oc, ob = _observed_groups(table, obs_years)
    c_draw = np.empty((sampler.draws, len(years)))
    b_draw = np.empty((sampler.draws, len(years)))
    c_draw[:, : len(obs_years)] = oc
    b_draw[:, : len(obs_years)] = ob
    c_cen = np.concatenate([oc, np.zeros(len(sim_years))])
    b_cen = np.concatenate([ob, np.zeros(len(sim_years))])
    notes: list[str] = []
    if len(sim_years):
        gi = scenario.inputs(lv, last_c, horizon, projected)
        k = len(gi.years) - len(sim_years)  # years of gi before the composite's window
        c, b = sampler.groups(gi)
        c_draw[:, len(obs_years) :] = c[:, k:]
        b_draw[:, len(obs_years) :] = b[:, k:]
        cc, bc = deterministic_groups(gi)
        c_cen[len(obs_years) :] = cc[k:]
        b_cen[len(obs_years) :] = bc[k:]
        notes = gi.notes
    return c_draw, b_draw, c_cen, b_cen, notes


def probability_table(
    projections: Mapping[str, Projection], measures_info: Mapping[str, Mapping[str, str]]
) -> pd.DataFrame:
    """measure, label, year, prob_exceed_by, prob_above for every projected measure."""
    frames = [
        p.fan[["year", "prob_exceed_by", "prob_above"]].assign(
            measure=m, label=measures_info[m]["label"]
        )
        for m, p in projections.items()
    ]
    cols = ["measure", "label", "year", "prob_exceed_by", "prob_above"]
    if not frames:
        return pd.DataFrame(columns=cols)
    t = pd.concat(frames, ignore_index=True)[cols]
    return t.sort_values(["measure", "year"], kind="mergesort").reset_index(drop=True)


def measure_result(
    measure: str,
    series: power.GroupSeries,
    proj: Projection,
    horizon: int,
    releases: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """The ``measures.<id>`` entry of results.json (docs/contracts.md); ``releases``: the
    releases a dated brief reads, in words (:func:`analysis.compute.power.measure_source`).

    ``crossover_year`` is the first observed year above parity or, failing that, the first year
    of the central projection above it (``crossover_basis`` says which); ``margin_at_horizon`` is
    the central projected ratio at the horizon minus 1 (the observed ratio if the horizon is not
    after the last observed year).
    """
    info = power.MEASURES[measure]
    latest_year, ratio_latest = power.latest(series.table)
    observed = power.first_crossover(series.table)
    projected = proj.central_crossover()
    at_h = proj.central_at_horizon
    if at_h is None:
        at_h = power.value_at(series.table, horizon)
    return {
        "label": info["label"],
        "unit": power.measure_unit(measure, releases),
        "source": power.measure_source(measure, releases),
        "latest_year": latest_year,
        "ratio_latest": ratio_latest,
        "crossover_year": observed if observed is not None else projected,
        "crossover_basis": "observed"
        if observed is not None
        else ("projected" if projected is not None else None),
        "margin_at_horizon": power.margin(at_h),
        "prob_exceed_by_horizon": proj.prob_exceed_by_horizon,
        "horizon": horizon,
    }


def project_all(
    ind: pd.DataFrame, params: Any, scenario: Scenario | None = None
) -> dict[str, Projection]:
    """Every measure of the brief projected to its horizon under its growth scenario;
    ``scenario``: ``Scenario.of(ind, params)``, when the caller has it (its reads shared)."""
    if scenario is None:
        scenario = Scenario.of(ind, params)
    return {
        m: project(
            scenario,
            m,
            params.horizon,
            draws=params.mc_draws,
            seed=params.seed,
            weights=params.composite_weights,
        )
        for m in params.measures
    }
