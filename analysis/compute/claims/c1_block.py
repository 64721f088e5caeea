"""C1 decided for many specifications at once: the multiverse's ``c1.evaluate_block``.

A C1 specification's verdict combines five parts (``c1``'s docstring), and they depend on
little: three on the measure's observed ratios and the rules (approach window, tolerance), two
on the projection read at the horizon (measure × growth method × growth window × horizon) and a
threshold. Of C1's 4,320 specifications only 30 projections differ (measure × method × window;
each is read at every horizon, :mod:`analysis.compute.projection`). So each projection is made
once, every part's outcome is computed for all specifications with numpy, and each distinct
combination of outcomes is combined once, by the same
:func:`~analysis.compute.claims.base.combine` a single specification uses.

:func:`evaluate` gives exactly what ``c1.evaluate`` gives one specification at a time, the
reference it is tested against (``tests/test_multiverse_block.py``): the same floating-point
operations in the same order (a difference of two ratios, compared with a threshold plus
``EPS``), so no verdict sits on the other side of a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from analysis.compute import projection as pj
from analysis.compute.claims.base import EPS, REPORT_YEAR, verdict_of
from analysis.compute.claims.c1_text import report_year
from analysis.compute.specs import Block
from analysis.results import VERDICTS

#: A part's outcome as a small integer (the outcomes of :func:`~analysis.compute.claims.base.part`).
#: UNSEEN: not yet observable in data that end before the report (shown, never counted).
OUTCOMES = ("holds", "fails", "inconclusive", "untested", "unseen")
HOLDS, FAILS, INCONCLUSIVE, UNTESTED, UNSEEN = range(len(OUTCOMES))
#: Which of C1's five parts are central (the claim stands or falls with them): 2 and 5.
CENTRAL = (False, True, False, False, True)


def at_horizon(fan: pd.DataFrame, horizons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(central projection, probability of exceeding parity by then) at each of ``horizons``,
    read off a projection's fan (its first row of that year); NaN where the fan has no such year
    or no finite value."""
    row = {int(y): i for i, y in reversed(list(enumerate(fan["year"].tolist())))}
    found = np.array([row.get(int(h), -1) for h in horizons.tolist()], dtype=np.int64)
    out = []
    for name in ("central", "prob_exceed_by"):
        column = np.append(fan[name].to_numpy(dtype=float), np.nan)  # index -1: not found
        values = column[found]
        out.append(np.where(np.isfinite(values), values, np.nan))
    return out[0], out[1]


@dataclass(frozen=True)
class Observed:
    """One measure's observed ratios, as C1's parts read them (``c1.decide_measure``)."""

    ratio: dict[int, float]  # year -> ratio, NaN where it is not finite
    latest: int | None  # the last year with a ratio
    year0: int  # the report's year, or the last one it could see
    covers: bool  # an observed year from the report's year up to the article's horizon
    exceeded_early: bool  # a ratio above 1 up to the article's horizon
    exceeded_late: bool  # ... after it

    def at(self, year: Any) -> float:
        return self.ratio.get(int(year), np.nan)


def observed(table: pd.DataFrame, article_horizon: int) -> Observed:
    """What C1's parts read of one measure's observed ``table`` (``year``, ``ratio``)."""
    t = table.dropna(subset=["ratio"])
    years = t["year"].astype(int).to_numpy()
    ratios = t["ratio"].to_numpy(dtype=float)
    ratio: dict[int, float] = {}
    for y, r in zip(years.tolist(), ratios.tolist(), strict=True):
        ratio.setdefault(y, r if np.isfinite(r) else np.nan)  # the first row of a year
    latest = int(years.max()) if len(years) else None
    return Observed(
        ratio=ratio,
        latest=latest,
        year0=report_year(latest),
        covers=latest is not None
        and latest >= REPORT_YEAR
        and bool((years <= article_horizon).any()),
        exceeded_early=bool((ratios[years <= article_horizon] > 1).any()),
        exceeded_late=bool((ratios[years > article_horizon] > 1).any()),
    )


def _more_than(value: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    return value > threshold + EPS  # base.more_than, on arrays


def _moved(change: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """``c1._moved`` as outcomes: rose (holds), fell (fails), within the tolerance
    (inconclusive)."""
    moved = _more_than(np.abs(change), tolerance)
    return np.where(moved, np.where(change > 0, HOLDS, FAILS), INCONCLUSIVE)


def outcomes(
    obs: Observed,
    approach_window: np.ndarray,
    tolerance: np.ndarray,
    exceed_probability: np.ndarray,
    central: np.ndarray,
    prob: np.ndarray,
) -> np.ndarray:
    """The five parts' outcomes (n, 5) of n specifications of one measure (NaN: not available)."""
    n = len(tolerance)
    r_report = obs.at(obs.year0)
    r_latest = obs.at(obs.latest) if obs.latest is not None else np.nan
    r_start = np.array([obs.at(obs.year0 - w) for w in approach_window.tolist()], dtype=float)
    have_report, have_latest = np.isfinite(r_report), np.isfinite(r_latest)
    out = np.empty((n, 5), dtype=np.int8)
    out[:, 0] = np.where(
        have_report & np.isfinite(r_start), _moved(r_report - r_start, tolerance), UNTESTED
    )
    out[:, 1] = (FAILS if obs.exceeded_early else HOLDS) if obs.covers else UNTESTED
    after = obs.latest is not None and obs.latest > obs.year0
    out[:, 2] = _moved(r_latest - r_report, tolerance) if have_report and after else UNTESTED
    if obs.latest is not None and obs.latest < REPORT_YEAR:  # c1.decide_measure's "unseen"
        out[:, 1:3] = UNSEEN
    projected = np.isfinite(central) & have_report & have_latest
    p4 = np.where(
        _more_than(central - r_report, tolerance),
        HOLDS,
        np.where(_more_than(r_latest - central, tolerance), FAILS, INCONCLUSIVE),
    )
    out[:, 3] = np.where(projected, p4, UNTESTED)
    likely = prob >= exceed_probability - EPS  # base.at_least, on arrays
    p5 = np.where(likely | obs.exceeded_late, FAILS, HOLDS)
    out[:, 4] = np.where(np.isfinite(prob), p5, UNTESTED)
    return out


def verdicts(parts: np.ndarray) -> np.ndarray:
    """Each row of part outcomes combined into its verdict (an index into
    :data:`~analysis.results.VERDICTS`), each distinct row combined once. An unseen part (not
    yet observable: shown, never counted) is left out, as :func:`combine` leaves it."""
    rows, at = np.unique(parts, axis=0, return_inverse=True)
    combined = []
    for row in rows.tolist():
        seen = [(OUTCOMES[o], c) for o, c in zip(row, CENTRAL, strict=True) if o != UNSEEN]
        outcomes, central = tuple(o for o, _ in seen), tuple(c for _, c in seen)
        combined.append(VERDICTS.index(verdict_of(outcomes, central)))  # type: ignore[arg-type]
    return np.asarray(combined, dtype=np.int8)[at.reshape(-1)]


def projection(inputs: dict[str, Any], params: Any, measure: str, method: str, window: int):
    """One projection per measure and growth choice, to the space's last horizon, made once
    (kept in ``inputs``): projections are horizon-independent (analysis.compute.projection), so
    every horizon is read off it. All of them share the brief's scenario, so the data they
    project from are read once per measure (:meth:`~analysis.compute.projection.Scenario.once`)."""
    key = (measure, method, window)
    if key not in inputs["projections"]:
        if "scenario" not in inputs:  # one scenario: its projections read the data once
            inputs["scenario"] = pj.Scenario.of(inputs["ind"], params)
        brief = inputs["scenario"]
        scenario = replace(brief, growth={**brief.growth, "method": method, "window": window})
        inputs["projections"][key] = pj.project(
            scenario,
            measure,
            inputs["horizon"],
            draws=params.mc_draws,
            seed=params.seed,
            weights=params.composite_weights,
            quantiles=(),  # the multiverse reads the central path and the probabilities only
        )
    return inputs["projections"][key]


def evaluate(inputs: dict[str, Any], block: Block, params: Any) -> tuple[np.ndarray, list[str]]:
    """(estimate: the central projection at the horizon, NaN where none; verdict) of every
    specification of ``block``, from C1's ``inputs`` (``c1.prepare``): each projection made
    once (:func:`projection`), each measure's observed ratios read once (:func:`observed`)."""
    seen = inputs.setdefault("observed", {})
    n = len(block)
    central, prob = np.full(n, np.nan), np.full(n, np.nan)
    parts = np.empty((n, 5), dtype=np.int8)
    keys = np.stack([block.codes[k] for k in ("measure", "growth_method", "growth_window")], 1)
    groups, group_of = np.unique(keys, axis=0, return_inverse=True)
    group_of = group_of.reshape(-1)
    horizon = block.column("horizon")
    for g, (m, method, window) in enumerate(groups.tolist()):
        rows = group_of == g
        proj = projection(
            inputs,
            params,
            block.values["measure"][m],
            block.values["growth_method"][method],
            block.values["growth_window"][window],
        )
        central[rows], prob[rows] = at_horizon(proj.fan, horizon[rows])
    for m in np.unique(block.codes["measure"]).tolist():
        measure, rows = block.values["measure"][m], block.codes["measure"] == m
        if measure not in seen:
            table = inputs["series"][measure].table
            seen[measure] = observed(table, params.article_horizon)
        parts[rows] = outcomes(
            seen[measure],
            block.column("approach_window")[rows],
            block.column("tolerance")[rows].astype(float),
            block.column("exceed_probability")[rows].astype(float),
            central[rows],
            prob[rows],
        )
    return central, [VERDICTS[v] for v in verdicts(parts).tolist()]
