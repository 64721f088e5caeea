"""The Monte Carlo's random shocks, each array drawn once while it is kept.

The projections of a brief draw the same shocks many times (one generator per seed and chunk,
the same shape for every measure of a window): :func:`shocks` keeps the arrays it drew last,
keyed on everything a draw depends on (the generator's full state, the shape, the kind of shock
and ``t_df``), hands them out read-only, and leaves the generator where the draw would have left
it, so every draw is what it would be without the memo. Pure in effect: the same arguments give
the same numbers and the same generator state afterwards.
"""

from __future__ import annotations

import numpy as np

from analysis.compute.kept import Kept
from analysis.errors import BriefError

SHOCKS_KEPT = 64 * 2**20
"""Bytes of shock arrays :func:`shocks` keeps, the most recently used: 8 arrays of the default
brief (7.7 MB each: 20,000 draws x 16 years x 3 members), more than its projections need (they
draw 11 distinct arrays in 56 draws, in runs of the same one); an array larger than this (a
chunk of ``projection.CHUNK`` draws over many years and members) is drawn every time."""

_kept_shocks = Kept(SHOCKS_KEPT)


def shocks(
    rng: np.random.Generator, shape: tuple[int, ...], shocks: str, t_df: float
) -> np.ndarray:
    """The shocks of ``shape`` that ``rng`` draws (:func:`_draw_shocks`), read-only, with ``rng``
    left as that draw leaves it.

    The projections of a brief draw the same shocks again and again (each growth choice of the
    multiverse and each shift of the tornado: the same seed, years and members), so the arrays
    last used are kept (:data:`SHOCKS_KEPT` bytes), keyed on everything the draw depends on: the
    generator's state, the shape, the kind of shock and its degrees of freedom. A kept array
    is handed out again, and the generator set to the state drawing it left."""
    state = state_key(rng)
    if state is None:  # a generator whose state is not plain numbers: drawn every time
        return _draw_shocks(rng, shape, shocks, t_df)
    key = (state, tuple(shape), shocks, float(t_df) if shocks == "t" else None)
    held = _kept_shocks.get(key)
    if held is not None:
        rng.bit_generator.state = held[1]
        return held[0]
    eps = _draw_shocks(rng, shape, shocks, t_df)
    return _kept_shocks.put(key, (eps, rng.bit_generator.state))[0]


def state_key(rng: np.random.Generator) -> tuple | None:
    """The state of ``rng``'s bit generator as a key (nested tuples of its numbers and names);
    None when it holds anything else (an array: MT19937)."""

    def frozen(x: object) -> object:
        if isinstance(x, dict):
            return tuple((k, frozen(v)) for k, v in sorted(x.items()))
        if isinstance(x, int | str):
            return x
        raise TypeError(type(x).__name__)

    try:
        return frozen(rng.bit_generator.state)  # type: ignore[return-value]
    except TypeError:
        return None


def _draw_shocks(
    rng: np.random.Generator, shape: tuple[int, ...], shocks: str, t_df: float
) -> np.ndarray:
    """Standard normal shocks of ``shape``, or Student t ones scaled to unit variance."""
    if shocks == "normal":
        return rng.standard_normal(shape)
    if shocks == "t":
        return rng.standard_t(t_df, shape) * np.sqrt((t_df - 2.0) / t_df)
    raise BriefError(f"growth_scenario.shocks: got {shocks!r}, expected 'normal' or 't'")
