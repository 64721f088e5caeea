"""A simulation kept by its scenario (analysis.compute.simulations) is the one made again, and
the year-major paths are the broadcast ones.

The multiverse's projections of one scenario hand out a simulation they made before instead
of making it again (issue 21): the same group totals, bit for bit, read-only, and the parent
generator left where making it would have left it (the next simulation draws the same).
"""

from __future__ import annotations

import pickle
from dataclasses import replace

import numpy as np
import pytest

from analysis.compute import projection as pj
from analysis.compute import simulations
from tests.test_analysis_projection import levels, make


def groups(gi, seed, kept=None, shocks="normal", draws=300):
    rng = np.random.default_rng(seed)
    first = pj.simulate_groups(gi, draws, rng, shocks, 5.0, kept)
    after = pj.simulate_groups(gi, draws, rng, shocks, 5.0, kept)  # the generator moved on
    return first, after


@pytest.mark.parametrize("shocks", ["normal", "t"])
def test_kept_simulations_are_the_ones_made_again(shocks, monkeypatch):
    monkeypatch.setattr(pj, "CHUNK", 128)  # several chunks, each its own child generator
    gi = make([1.0, 2.0, 3.0], [0.01, 0.02, 0.03], [0.1, 0.2, 0.05], 6)
    want = groups(gi, 7, shocks=shocks)
    kept = simulations.Kept()
    for _ in range(2):  # made, then handed out
        got = groups(gi, 7, kept, shocks)
        for g, w in zip(got, want, strict=True):
            assert all(a.tobytes() == b.tobytes() for a, b in zip(g, w, strict=True))
            assert not g[0].flags.writeable
    assert len(kept) == 2  # the two draws of the generator differ
    other = make([1.0, 2.0, 3.0], [0.01, 0.02, 0.03], [0.1, 0.2, 0.06], 6)  # another sd
    assert (
        pj.simulate_groups(other, 300, np.random.default_rng(7), shocks, 5.0, kept)[0].tobytes()
        == pj.simulate_groups(other, 300, np.random.default_rng(7), shocks)[0].tobytes()
    )
    assert len(kept) == 3


def test_kept_holds_at_most_its_limit_and_nothing_across_processes():
    gi = make([1.0, 2.0, 3.0], [0.01, 0.02, 0.03], [0.1, 0.2, 0.05], 6)
    kept = simulations.Kept(limit=2 * 300 * 6 * 8)  # one simulation's two totals
    for seed in range(3):
        pj.simulate_groups(gi, 300, np.random.default_rng(seed), "normal", 5.0, kept)
    assert len(kept) == 1
    copy = pickle.loads(pickle.dumps(kept))
    assert len(copy) == 0 and copy.limit == kept.limit


def test_a_scenarios_projections_are_the_same_with_what_it_kept():
    ind = levels().assign(indicator="milex_const", flag="")
    kw = dict(coalition=["CHN", "RUS"], benchmark=["USA"])
    base = pj.Scenario(ind, growth={"method": "trailing_cagr", "window": 5}, **kw)
    for method in ("trailing_cagr", "weo", "trailing_cagr"):
        scenario = replace(base, growth={**base.growth, "method": method})
        got = pj.project(scenario, "milex", 2030, draws=500, seed=3)
        fresh = pj.Scenario(ind, growth=dict(scenario.growth), **kw)
        want = pj.project(fresh, "milex", 2030, draws=500, seed=3)
        assert got.fan.to_numpy().tobytes() == want.fan.to_numpy().tobytes()
    assert len(base.simulated) == 1  # the same simulation under both methods: made once


@pytest.mark.parametrize(("n", "T", "m"), [(2000, 16, 3), (1, 5, 3), (300, 1, 2), (50, 7, 6)])
def test_year_major_paths_are_the_broadcast_ones_bit_for_bit(n, T, m):
    rng = np.random.default_rng(n * T * m)
    gi = pj.GrowthInputs(
        [f"M{i}" for i in range(m)],
        np.arange(m) % 2 == 0,
        2020,
        rng.uniform(0.5, 1e4, m),
        np.arange(2021, 2021 + T),
        np.where(np.arange(T)[:, None] < T // 2, rng.normal(0.02, 0.03, (T, m)), 0.01),  # WEO-like
        rng.uniform(0.0, 0.2, m),
    )
    eps = rng.standard_normal((T, n, m)).transpose(1, 0, 2)  # as simulate_members draws them
    got = simulations.paths(gi, eps)
    want = pj._broadcast_paths(gi, eps)
    assert got is not None and got.shape == want.shape
    # the same layout (strides along the axes longer than 1: the others are never stepped)
    assert [s for s, k in zip(got.strides, got.shape, strict=True) if k > 1] == [
        s for s, k in zip(want.strides, want.shape, strict=True) if k > 1
    ]
    assert got.tobytes() == want.tobytes() and pj._paths(gi, eps).tobytes() == want.tobytes()
    if n > 1 and T > 1:  # draw-major shocks: broadcast, as always
        assert simulations.paths(gi, np.ascontiguousarray(eps)) is None


@pytest.mark.parametrize("mask", [[1, 0, 0, 0], [0, 1, 0, 1], [1, 1, 1, 0], [1, 1, 1, 1]])
def test_a_groups_total_is_numpys_sum_of_its_members(mask):
    rng = np.random.default_rng(sum(mask))
    levels = rng.lognormal(3.0, 2.0, (500, 7, 4)).transpose(1, 0, 2).copy().transpose(1, 0, 2)
    levels[:5] = 0.0  # underflowed paths
    levels[5, :, 1] = np.inf
    levels[6, :, 3] = np.nan
    members = np.asarray(mask, dtype=bool)
    out = np.empty((500, 7))
    simulations.group_sum(levels, members, out)
    want = levels[:, :, members].sum(axis=2)
    assert out.tobytes() == want.tobytes()
