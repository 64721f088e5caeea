"""The statistics that decide verdicts, checked against an independent implementation
(statsmodels OLS with the same design) and against hand calculations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.compute import stats
from tests.props import examples

sm = pytest.importorskip("statsmodels.api", reason="statsmodels not installed")


def _series(n: int, seed: int, slope: float = 0.4):
    rng = np.random.default_rng(seed)
    x = np.arange(2000, 2000 + n, dtype=float)
    return x, 3.0 + slope * (x - 2000) + rng.normal(0, 1.0, n)


@pytest.mark.parametrize("n", [3, 5, 12, 30])
def test_ols_trend_equals_statsmodels(n):
    x, y = _series(n, seed=n)
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    ours = stats.ols_trend(x, y)
    low, high = fit.conf_int(alpha=0.05)[1]
    assert ours["slope"] == pytest.approx(fit.params[1], rel=1e-9)
    assert ours["se"] == pytest.approx(fit.bse[1], rel=1e-9)
    assert (ours["ci_low"], ours["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    assert ours["n"] == n


def test_ols_trend_needs_three_points_and_a_spread_of_years():
    assert stats.ols_trend([2000, 2001], [1, 2])["slope"] is None
    assert stats.ols_trend([2000, 2000, 2000], [1, 2, 3])["slope"] is None
    assert stats.ols_trend([2000, np.nan, 2001, 2002], [1, 5, 2, 3])["n"] == 3  # NaN dropped


@pytest.mark.parametrize(("n", "brk"), [(6, 2003), (12, 2006), (21, 2014)])
def test_break_in_trend_equals_statsmodels_with_the_same_design(n, brk):
    x, y = _series(n, seed=brk)
    y = y + np.where(x >= brk, 0.8 * (x - brk), 0.0)
    d = (x >= brk).astype(float)
    design = np.column_stack([np.ones_like(x), x - brk, d, d * (x - brk)])
    fit = sm.OLS(y, design).fit()
    ours = stats.break_in_trend(x, y, brk)
    low, high = fit.conf_int(alpha=0.05)[3]
    assert fit.df_resid == n - 4
    assert ours["slope_change"] == pytest.approx(fit.params[3], rel=1e-9, abs=1e-12)
    assert ours["slope_change_se"] == pytest.approx(fit.bse[3], rel=1e-9)
    assert ours["slope_change_ci_low"] == pytest.approx(low, rel=1e-9)
    assert ours["slope_change_ci_high"] == pytest.approx(high, rel=1e-9)
    assert ours["slope_before"] == pytest.approx(fit.params[1], rel=1e-9, abs=1e-12)
    assert ours["slope_after"] == pytest.approx(fit.params[1] + fit.params[3], rel=1e-9)
    assert ours["level_shift"] == pytest.approx(fit.params[2], rel=1e-9, abs=1e-12)


def test_break_in_trend_by_hand_on_an_exact_kink():
    x = np.arange(2010, 2020, dtype=float)
    y = np.where(x < 2015, 1.0 * (x - 2015), 3.0 * (x - 2015))
    r = stats.break_in_trend(x, y, 2015)
    assert r["slope_before"] == pytest.approx(1.0)
    assert r["slope_after"] == pytest.approx(3.0)
    assert r["slope_change"] == pytest.approx(2.0)
    assert r["slope_change_se"] == pytest.approx(0.0, abs=1e-9)


def test_break_in_trend_in_logs_and_with_too_few_points():
    x = np.arange(2010, 2020, dtype=float)
    y = np.exp(0.05 * (x - 2010) + np.where(x >= 2015, 0.05 * (x - 2015), 0))
    r = stats.break_in_trend(x, y, 2015, log=True)
    assert r["slope_before"] == pytest.approx(0.05) and r["slope_change"] == pytest.approx(0.05)
    short = stats.break_in_trend([2013, 2014, 2015, 2016], [1, 2, 3, 4], 2015)
    assert short["slope_change"] is None  # four points leave no residual degree of freedom
    one_side = stats.break_in_trend([2010, 2011, 2012, 2013, 2015], [1, 2, 3, 4, 5], 2015)
    assert one_side["slope_change"] is None


@settings(max_examples=examples(40), deadline=None)
@given(
    st.integers(min_value=6, max_value=25),
    st.integers(min_value=0, max_value=10_000),
    st.floats(min_value=-2, max_value=2),
)
def test_break_in_trend_equals_statsmodels_on_random_series(n, seed, change):
    x, y = _series(n, seed)
    brk = int(x[n // 2])
    y = y + np.where(x >= brk, change * (x - brk), 0.0)
    d = (x >= brk).astype(float)
    fit = sm.OLS(y, np.column_stack([np.ones_like(x), x - brk, d, d * (x - brk)])).fit()
    ours = stats.break_in_trend(x, y, brk)
    assert ours["slope_change"] == pytest.approx(fit.params[3], rel=1e-7, abs=1e-9)
    assert ours["slope_change_ci_low"] == pytest.approx(fit.conf_int(0.05)[3][0], rel=1e-7)


def test_break_windows_run_between_neighbouring_breaks():
    assert stats.break_windows(2000, 2024, [2014, 2022], span=10) == [
        (2014, 2004, 2021),
        (2022, 2014, 2024),
    ]
    assert stats.break_windows(2000, 2024, [2030]) == []
