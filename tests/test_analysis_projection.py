"""Monte Carlo projections: hand-checked growth, and hypothesis properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.compute import projection as pj
from analysis.compute import shocks as sh
from analysis.compute import simulations
from analysis.errors import BriefError
from tests.props import examples
from tests.test_analysis_fixtures import growing

C, B = ["CHN", "RUS"], ["USA"]
YEARS = range(2010, 2021)


def levels(rates=(0.10, 0.0, 0.02)):
    frames = [
        growing(iso, "milex_const", start, r, YEARS)
        for iso, start, r in zip(["CHN", "RUS", "USA"], [40.0, 20.0, 100.0], rates, strict=True)
    ]
    return pd.concat(frames, ignore_index=True)


def lv(df):
    return df[["iso3", "year", "value"]]


def test_trailing_growth_is_log_cagr_and_sd():
    s = pd.Series([100.0, 110.0, 121.0, 133.1], index=[2000, 2001, 2002, 2003])
    mu, sd, n = pj.trailing_growth(s, 2003, 10)
    assert mu == pytest.approx(np.log(1.1)) and sd == pytest.approx(0.0, abs=1e-12) and n == 3
    s2 = pd.Series([100.0, 200.0, 100.0], index=[2000, 2001, 2002])
    mu2, sd2, _ = pj.trailing_growth(s2, 2002, 10)
    assert mu2 == pytest.approx(0.0) and sd2 == pytest.approx(np.sqrt(2) * np.log(2))
    assert pj.trailing_growth(s2, 2005, 10) == (0.0, 0.0, 0)


def test_deterministic_projection_by_hand():
    gi = pj.growth_inputs(lv(levels()), C, B, last_year=2020, horizon=2022, window=10)
    c, b = pj.deterministic_groups(gi)
    chn2020 = 40 * 1.1**10
    assert c[1] == pytest.approx(chn2020 * 1.1**2 + 20.0)
    assert b[0] == pytest.approx(100 * 1.02**11)
    assert gi.years.tolist() == [2021, 2022]


def test_explicit_and_weo_methods():
    gi = pj.growth_inputs(
        lv(levels()),
        C,
        B,
        last_year=2020,
        horizon=2021,
        method="explicit",
        rates={"CHN": 0.0, "RUS": 0.5, "USA": -0.1},
    )
    c, b = pj.deterministic_groups(gi)
    assert c[0] == pytest.approx(40 * 1.1**10 + 30.0) and b[0] == pytest.approx(
        100 * 1.02**10 * 0.9
    )
    with pytest.raises(BriefError, match="no rate for RUS"):
        pj.growth_inputs(
            lv(levels()),
            C,
            B,
            last_year=2020,
            horizon=2021,
            method="explicit",
            rates={"CHN": 0.1, "USA": 0.0},
        )
    proj = pd.DataFrame({"iso3": ["USA", "USA"], "year": [2021, 2022], "value": [200.0, 300.0]})
    gi = pj.growth_inputs(
        lv(levels()), C, B, last_year=2020, horizon=2023, method="weo", projected=proj
    )
    _, b = pj.deterministic_groups(gi)
    assert b[:2] == pytest.approx([200.0, 300.0])  # WEO path, then trailing 2 %
    assert b[2] == pytest.approx(300 * 1.02)


def test_member_without_last_value_is_noted_not_zero():
    df = lv(levels())
    df = df[~((df["iso3"] == "RUS") & (df["year"] == 2020))]
    gi = pj.growth_inputs(df, C, B, last_year=2020, horizon=2021)
    assert gi.members == ["CHN", "USA"]
    assert any("RUS" in n for n in gi.notes)
    with pytest.raises(BriefError, match="at least one coalition"):
        pj.growth_inputs(df[df["iso3"] == "USA"], C, B, last_year=2020, horizon=2021)


def test_fan_probabilities_by_hand():
    ratio = np.array([[0.5, 1.5, 0.5], [0.5, 0.5, 0.5], [1.5, 0.5, 0.5], [0.5, 0.5, 1.5]])
    f = pj.fan(np.array([1, 2, 3]), ratio)
    assert f["prob_above"].tolist() == [0.25, 0.25, 0.25]
    assert f["prob_exceed_by"].tolist() == [0.25, 0.5, 0.75]
    assert f["p50"].tolist() == [0.5, 0.5, 0.5]


def inputs_strategy():
    return st.tuples(
        st.lists(st.floats(0.5, 100.0), min_size=3, max_size=3),
        st.lists(st.floats(-0.05, 0.1), min_size=3, max_size=3),
        st.lists(st.floats(0.0, 0.2), min_size=3, max_size=3),
        st.integers(1, 12),
    )


def make(last, mu, sd, T):
    return pj.GrowthInputs(
        ["CHN", "RUS", "USA"],
        np.array([True, True, False]),
        2020,
        np.array(last),
        np.arange(2021, 2021 + T),
        np.tile(mu, (T, 1)),
        np.array(sd),
    )


@settings(max_examples=examples(30), deadline=None)
@given(inputs_strategy())
def test_zero_variance_reproduces_deterministic_exactly(args):
    last, mu, _, T = args
    gi = make(last, mu, [0.0, 0.0, 0.0], T)
    c, b = pj.simulate_groups(gi, 7, np.random.default_rng(1))
    dc, db = pj.deterministic_groups(gi)
    assert (c == dc).all() and (b == db).all()


@settings(max_examples=examples(30), deadline=None)
@given(inputs_strategy(), st.integers(0, 2**32 - 1), st.sampled_from(["normal", "t"]))
def test_same_seed_same_draws_and_probabilities_valid(args, seed, shocks):
    gi = make(*args)
    c1, b1 = pj.simulate_groups(gi, 200, np.random.default_rng(seed), shocks)
    c2, b2 = pj.simulate_groups(gi, 200, np.random.default_rng(seed), shocks)
    assert (c1 == c2).all() and (b1 == b2).all()
    f = pj.fan(gi.years, c1 / b1)
    for col in ("prob_above", "prob_exceed_by"):
        assert f[col].between(0, 1).all()
    assert (np.diff(f["prob_exceed_by"]) >= 0).all()
    assert (f["prob_exceed_by"] >= f["prob_above"]).all()
    qs = f[["p05", "p25", "p50", "p75", "p95"]].to_numpy()
    assert (np.diff(qs, axis=1) >= -1e-12).all()


@settings(max_examples=examples(30), deadline=None)
@given(inputs_strategy(), st.integers(0, 1000))
def test_group_totals_sum_members(args, seed):
    gi = make(*args)
    # one chunk: its members are drawn from the first (and only) child generator of the seed
    members = pj.simulate_members(gi, 50, np.random.default_rng(seed).spawn(1)[0])
    c, b = pj.simulate_groups(gi, 50, np.random.default_rng(seed))
    assert np.allclose(c, members[:, :, 0] + members[:, :, 1])
    assert np.allclose(b, members[:, :, 2])


def test_chunking_does_not_change_draws(monkeypatch):
    gi = make([1.0, 2.0, 3.0], [0.01, 0.02, 0.03], [0.1, 0.1, 0.1], 5)
    a = pj.simulate_groups(gi, 100, np.random.default_rng(3))
    monkeypatch.setattr(pj, "CHUNK", 100)
    b = pj.simulate_groups(gi, 100, np.random.default_rng(3))
    assert (a[0] == b[0]).all()


def test_t_shocks_have_unit_variance():
    e = sh.shocks(np.random.default_rng(0), (200_000,), "t", 5.0)
    assert e.std() == pytest.approx(1.0, rel=0.03)


def test_project_measure_end_to_end():
    df = levels(rates=(0.10, 0.0, 0.02))
    p = pj.project_measure(
        df,
        "milex",
        coalition=C,
        benchmark=B,
        horizon=2030,
        growth={"method": "trailing_cagr", "window": 10, "growth_sd": 0.0},
        draws=500,
        seed=1,
    )
    # coalition (40*1.1^10=103.7 + 20) vs 121.9 in 2020, coalition growing faster: crosses 2021
    assert p.last_year == 2020 and p.central_crossover() == 2021
    assert p.prob_exceed_by_horizon == 1.0
    assert p.fan["p50"].to_numpy() == pytest.approx(p.fan["central"].to_numpy())


def test_project_composite_through_components():
    df = pd.concat([levels(), levels().assign(indicator="gdp_mer")], ignore_index=True)
    growth = {"growth_sd": 0.0}
    comp = pj.project_measure(
        df,
        "composite",
        coalition=C,
        benchmark=B,
        horizon=2025,
        growth=growth,
        draws=50,
        seed=2,
        weights={"gdp_mer": 0.5, "milex": 0.5},
    )
    single = pj.project_measure(
        df, "milex", coalition=C, benchmark=B, horizon=2025, growth=growth, draws=50, seed=2
    )
    # Identical components: the composite share equals the single measure's share
    s = single.fan["central"] / (1 + single.fan["central"])
    assert comp.fan["central"].to_numpy() == pytest.approx((s / (1 - s)).to_numpy())


@settings(max_examples=examples(30), deadline=None)
@given(
    st.integers(0, 12),
    st.integers(1, 5),
    st.integers(1, 40),
    st.integers(0, 2**32 - 1),
)
def test_cumsum_by_year_is_numpys_cumsum_bit_for_bit(years, members, draws, seed):
    shocks = np.random.default_rng(seed).standard_normal((years, draws, members))
    inc = shocks.transpose(1, 0, 2) * 0.05  # the year-major layout the Monte Carlo draws
    expected = np.cumsum(inc, axis=1)
    simulations.cumsum_years(inc)
    assert inc.tobytes() == expected.tobytes()


@pytest.mark.parametrize("shocks", ["normal", "t"])
def test_kept_shocks_are_the_draws_and_leave_the_generator_where_a_draw_does(shocks):
    fresh = np.random.default_rng(7)
    expected = sh._draw_shocks(fresh, (4, 50, 3), shocks, 5.0)
    after = fresh.standard_normal(5)
    for _ in range(2):  # drawn, then handed out again
        rng = np.random.default_rng(7)
        got = sh.shocks(rng, (4, 50, 3), shocks, 5.0)
        assert got.tobytes() == expected.tobytes()
        assert rng.standard_normal(5).tobytes() == after.tobytes()


def test_kept_shocks_are_read_only_and_keyed_on_what_the_draw_depends_on():
    first = sh.shocks(np.random.default_rng(3), (2, 10, 2), "t", 5.0)
    with pytest.raises(ValueError, match="read-only"):
        first[0, 0, 0] = 0.0
    assert sh.shocks(np.random.default_rng(3), (2, 10, 2), "t", 5.0).tobytes() == first.tobytes()
    for other in (
        sh.shocks(np.random.default_rng(4), (2, 10, 2), "t", 5.0),
        sh.shocks(np.random.default_rng(3), (2, 10, 2), "t", 6.0),
        sh.shocks(np.random.default_rng(3), (2, 10, 2), "normal", 5.0),
    ):
        assert other.tobytes() != first.tobytes()
    assert sh.shocks(np.random.default_rng(3), (2, 5, 2), "t", 5.0).shape == (2, 5, 2)


def test_a_generator_with_an_array_state_is_drawn_every_time():
    rng = np.random.Generator(np.random.MT19937(1))
    got = sh.shocks(rng, (3, 4, 2), "normal", 5.0)
    assert got.flags.writeable  # not kept
    expected = np.random.Generator(np.random.MT19937(1)).standard_normal((3, 4, 2))
    assert got.tobytes() == expected.tobytes()


def test_kept_shocks_stay_within_their_bytes(monkeypatch):
    monkeypatch.setattr(sh, "SHOCKS_KEPT", 3 * 8 * 100)  # three arrays of 100 numbers
    monkeypatch.setattr(sh, "_kept_shocks", type(sh._kept_shocks)(sh.SHOCKS_KEPT))
    big = sh.shocks(np.random.default_rng(1), (2, 100, 2), "normal", 5.0)
    assert big.flags.writeable and not sh._kept_shocks  # larger than the budget: not kept
    for seed in range(5):
        sh.shocks(np.random.default_rng(seed), (1, 50, 2), "normal", 5.0)
    assert len(sh._kept_shocks) == 3  # the three most recent
    assert sum(e.nbytes for e, _ in sh._kept_shocks.values()) <= sh.SHOCKS_KEPT


def test_a_scenario_of_an_equal_table_shares_the_reads_of_the_first(monkeypatch):
    """A claim's own run and its multiverse's each load the indicators (equal tables, two
    objects) and make the brief's scenario: the second reads nothing again. A table that
    differs in one value is read anew, and gives its own numbers."""
    from analysis.compute import power
    from analysis.compute import projection_reads as reads
    from analysis.params import BriefParams
    from tests.test_analysis_fixtures import synthetic_indicators

    monkeypatch.setattr(reads, "_tables", [])
    made: list[str] = []
    real = power.component_levels
    monkeypatch.setattr(
        power,
        "component_levels",
        lambda ind, comp, **kw: made.append(comp) or real(ind, comp, **kw),
    )
    params = BriefParams()
    ind = synthetic_indicators(["CHN", "RUS", "USA"])

    def series(table):
        s = pj.Scenario.of(table, params)
        return s, reads.brief_series(s, ["gdp_mer", "milex"], None, None)

    first, want = series(ind)
    assert made
    made.clear()
    again, got = series(ind.copy())
    assert made == [] and again.ind is first.ind and again.memo is first.memo
    for m in want:
        pd.testing.assert_frame_equal(got[m].table, want[m].table)
    changed = ind.copy()
    changed.loc[changed["indicator"].eq("gdp_mer").idxmax(), "value"] *= 2
    other, moved = series(changed)
    assert made and other.memo is not first.memo and other.ind is changed
    assert not moved["gdp_mer"].table.equals(want["gdp_mer"].table)
