"""The Monte Carlo's group totals, each simulation made once while it is kept.

The projections of one scenario (the multiverse's 30 projections of C1, the tornado's shifts)
often simulate the same thing again: a measure without WEO projections (military expenditure,
CINC) grows the same under the ``weo`` growth method as under ``trailing_cagr``, and the
composite's components are the measures' own projections. A simulation depends on nothing but
its growth inputs (starting values, mean log-growth, sd, which members are the coalition), the
number of draws, the kind of shock and the generators its chunks draw from; :class:`Kept` holds
the group totals it made last under that key (:func:`key`), read-only, so the same simulation
asked again is handed out instead of drawn and summed again: the same arrays, bit for bit.

A :class:`Kept` belongs to one scenario (``projection.Scenario.simulated``, shared by the
scenarios made from it): what it holds lives as long as the scenario, bounded by
:data:`SIMULATIONS_KEPT` bytes (the most recently used kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from analysis.compute import kept
from analysis.compute.shocks import state_key

SIMULATIONS_KEPT = 128 * 2**20
"""Bytes of group totals a :class:`Kept` keeps: every distinct simulation of the default brief's
multiverse (21 of its 36, 5 MB each: coalition and benchmark, 20,000 draws x 16 years), whose
composite, projected last, starts with the GDP component the GDP projections made 18
projections before; freed with the scenario, when the multiverse is done."""

Groups = tuple[np.ndarray, np.ndarray]


def group_sum(levels: np.ndarray, members: np.ndarray, out: np.ndarray) -> None:
    """``out[...] = levels[:, :, members].sum(axis=2)``: a group's total of member levels
    (n, T, m). One or two members are copied or added straight into ``out``, which is the same
    sum: levels are never negative zero (``exp`` times a positive level), so adding a zero
    first changes nothing, and two numbers have one rounded sum in either order; three or more
    are summed as ever (their order is numpy's)."""
    at = np.flatnonzero(members)
    if len(at) == 1:
        out[...] = levels[:, :, at[0]]
    elif len(at) == 2:
        np.add(levels[:, :, at[0]], levels[:, :, at[1]], out=out)
    else:
        out[...] = levels[:, :, members].sum(axis=2)


def paths(gi: Any, eps: np.ndarray) -> np.ndarray | None:
    """Member levels (n, T, m) from year-major shocks (n, T, m) (the layout
    ``projection.simulate_members`` draws: each year's draws and members contiguous), or None
    for shocks of another layout (then ``projection._paths`` broadcasts).

    The same operations on every element as ``projection._paths``' broadcasting (``eps * sd +
    mu``, summed over the years one year at a time, ``exp``, times the last level), each an
    exactly rounded product or sum, so the same bits, and the result in the same layout; but
    the members' sd, mean growth and last levels are laid out along a whole year's draws once,
    so every step runs over a year's n x m values instead of m at a time (the broadcasting's
    innermost loop, three members long)."""
    n, T, m = eps.shape
    year_major = eps.transpose(1, 0, 2)
    if not year_major.flags.c_contiguous or min(n, T, m) == 0:
        return None
    inc = year_major.reshape(T, n * m) * np.tile(gi.sd, n)
    tiled: dict[bytes, np.ndarray] = {}
    for t in range(T):
        row = np.ascontiguousarray(gi.mu[t])
        mu = tiled.get(row.tobytes())
        if mu is None:
            mu = tiled[row.tobytes()] = np.tile(row, n)
        inc[t] += mu
    levels = inc.reshape(T, n, m).transpose(1, 0, 2)
    cumsum_years(levels)
    np.exp(levels, out=levels)
    inc *= np.tile(gi.last, n)
    return levels


def cumsum_years(inc: np.ndarray) -> None:
    """``np.cumsum(inc, axis=1, out=inc)`` of (n, T, m), a year at a time: the same sums in the
    same order (each year's total is the year before's plus its own), but each step adds whole
    years, which the shocks' year-major layout keeps contiguous, where ``cumsum`` walks every
    draw's years with a stride of a whole year."""
    for t in range(1, inc.shape[1]):
        np.add(inc[:, t], inc[:, t - 1], out=inc[:, t])


def key(
    gi: Any, draws: int, children: Sequence[np.random.Generator], shocks: str, t_df: float
) -> tuple | None:
    """Everything a simulation of growth inputs ``gi`` depends on (None when a generator's state
    is not plain numbers: such a simulation is made every time)."""
    states = tuple(state_key(c) for c in children)
    if any(s is None for s in states):
        return None
    arrays = (gi.years, gi.mu, gi.sd, gi.last, gi.is_coalition)
    shape = tuple((a.dtype.str, a.shape) for a in arrays)
    data = tuple(np.ascontiguousarray(a).tobytes() for a in arrays)
    return (draws, shocks, float(t_df) if shocks == "t" else None, states, shape, data)


class Kept(kept.Kept):
    """The group totals of the simulations made last, by :func:`key`, read-only
    (:class:`analysis.compute.kept.Kept`, :data:`SIMULATIONS_KEPT` bytes by default)."""

    def __init__(self, limit: int = SIMULATIONS_KEPT) -> None:
        super().__init__(limit)
