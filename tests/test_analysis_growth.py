"""Each member's growth with numpy (analysis.compute.growth) is the pandas reference, bit for bit.

:func:`~analysis.compute.growth.trailing` against :func:`~analysis.compute.growth.trailing_growth`
(the pandas Series it always was), and :func:`~analysis.compute.growth.growth_inputs` on the
members' arrays against its pandas route (``split=(None, None)``: every member's Series cut out
of the levels, the WEO path made with pandas), on the curated data (the default brief's and the
brief as of 2021's: every measure, every composite component, every window the multiverse tries
and more, several last years) and on made-up edge cases: gaps, NaN, zero and negative values,
a member without data in the window, unsorted rows, a member with two rows of one year.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis.compute import growth, power
from analysis.compute import projection_reads as reads
from analysis.data import load as data_load
from analysis.errors import BriefError
from analysis.params import load_params

WINDOWS = (1, 2, 3, 5, 10, 15, 30)
METHODS = ("trailing_cagr", "weo")
COMPONENTS = ("gdp_mer", "gdp_ppp", "milex", "cinc", "pop")


def bits(x: object) -> bytes:
    return np.asarray(x, dtype=float).tobytes()


def same_inputs(a: growth.GrowthInputs, b: growth.GrowthInputs) -> None:
    assert a.members == b.members and a.notes == b.notes and a.last_year == b.last_year
    assert np.array_equal(a.is_coalition, b.is_coalition) and np.array_equal(a.years, b.years)
    for name in ("last", "mu", "sd"):
        assert bits(getattr(a, name)) == bits(getattr(b, name)), name


def same_trailing(member: growth.Series, last_year: int, window: int) -> None:
    s = pd.Series(member[1], index=member[0])
    want = growth.trailing_growth(s, last_year, window)
    got = growth.trailing(member, last_year, window)
    assert bits(got[:2]) == bits(want[:2]) and got[2] == want[2], (last_year, window)


@pytest.fixture(scope="module", params=["params/default.yml", "params/as-of-2021.yml"])
def brief(request):
    params = load_params(request.param)
    ind = data_load.tables(("indicators",), tuple(power.INDICATORS), as_of=params.as_of)
    return params, ind["indicators"]


def test_trailing_growth_of_every_curated_member_is_the_pandas_one(brief):
    params, ind = brief
    isos = [*params.coalition, *params.benchmark]
    for comp in COMPONENTS:
        levels = power.component_levels(ind, comp, milex_prices=params.milex_prices)
        split = growth.members(levels, isos)
        assert split is not None
        for member in split.values():
            if not len(member[0]):
                continue
            last = int(member[0].max())
            for last_year in {last, last - 1, last - 7, 2021, 2015, int(member[0].min()) + 1}:
                for window in WINDOWS:
                    same_trailing(member, last_year, window)


def test_growth_inputs_of_the_curated_data_are_the_pandas_ones(brief):
    params, ind = brief
    for comp in COMPONENTS:
        levels = power.component_levels(ind, comp, milex_prices=params.milex_prices)
        projected = reads.projected_rows(ind, comp)
        t = power.group_totals(levels, params.coalition, params.benchmark).table
        if t.empty:
            continue
        for last_year in {int(t["year"].max()), 2021, 2018}:
            for method in METHODS:
                for window in (5, 10, 15):
                    kw = dict(
                        last_year=last_year,
                        horizon=2040,
                        method=method,
                        window=window,
                        projected=projected,
                        mu_shift={params.coalition[0]: 0.01},
                        sd_scale=1.5,
                    )
                    try:
                        ref = growth.growth_inputs(
                            levels, params.coalition, params.benchmark, split=(None, None), **kw
                        )
                    except BriefError as e:  # no member of a group in that year: same error
                        with pytest.raises(BriefError, match=re.escape(str(e))):
                            growth.growth_inputs(levels, params.coalition, params.benchmark, **kw)
                        continue
                    fast = growth.growth_inputs(levels, params.coalition, params.benchmark, **kw)
                    same_inputs(fast, ref)


def made_up() -> pd.DataFrame:
    rows = [
        # CHN: a gap (2014), a NaN (2016), rows out of order
        *[("CHN", y, 50.0 * 1.07 ** (y - 2010)) for y in (2019, 2010, 2011, 2012, 2013, 2015)],
        ("CHN", 2016, np.nan),
        *[("CHN", y, 50.0 * 1.07 ** (y - 2010)) for y in (2017, 2018, 2020)],
        # RUS: data only long before the window, then the last year; a zero and a negative
        *[("RUS", y, 20.0 + y % 3) for y in range(1995, 2001)],
        ("RUS", 2001, 0.0),
        ("RUS", 2002, -1.0),
        ("RUS", 2020, 30.0),
        # USA: steady, with one NaN year inside the window
        *[("USA", y, 100.0 * 1.02 ** (y - 2000)) for y in range(2000, 2021) if y != 2017],
        ("USA", 2017, np.nan),
        # IND: no value in the last year (left out), FRA: NaN in the last year (left out)
        *[("IND", y, 10.0 + y) for y in range(2005, 2019)],
        *[("FRA", y, 30.0) for y in range(2005, 2020)],
        ("FRA", 2020, np.nan),
    ]
    return pd.DataFrame(rows, columns=["iso3", "year", "value"])


def made_up_projected() -> pd.DataFrame:
    rows = [
        *[("CHN", y, 80.0 * 1.05 ** (y - 2020)) for y in (2023, 2021, 2022, 2025)],  # no 2024
        ("USA", 2019, 1.0),  # before the last year: ignored
        ("USA", 2021, 125.0),
        ("USA", 2022, np.nan),
        ("USA", 2023, 0.0),
        ("USA", 2024, 130.0),
        ("RUS", 2021, -5.0),
    ]
    return pd.DataFrame(rows, columns=["iso3", "year", "value"])


@pytest.mark.parametrize("last_year", [2020, 2019, 2013, 2003])
@pytest.mark.parametrize("window", WINDOWS)
def test_trailing_growth_of_made_up_edge_cases_is_the_pandas_one(last_year, window):
    split = growth.members(made_up(), ["CHN", "RUS", "USA", "IND", "FRA", "DEU"])
    assert split is not None and len(split["DEU"][0]) == 0  # a member without any data
    for member in split.values():
        same_trailing(member, last_year, window)


# zeros and negatives among the made-up levels: both ways take their log, and both warn so
@pytest.mark.filterwarnings("ignore:divide by zero encountered in log:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered in log:RuntimeWarning")
@pytest.mark.parametrize("method", [*METHODS, "explicit"])
@pytest.mark.parametrize("window", [1, 2, 5, 10])
def test_growth_inputs_of_made_up_edge_cases_are_the_pandas_ones(method, window):
    kw = dict(
        last_year=2020,
        horizon=2026,
        method=method,
        window=window,
        projected=made_up_projected(),
        rates={"CHN": 0.05, "RUS": 0.0, "USA": 0.02, "IND": 0.1, "FRA": 0.0},
    )
    coalition, benchmark = ["CHN", "RUS", "IND"], ["USA", "FRA"]
    fast = growth.growth_inputs(made_up(), coalition, benchmark, **kw)
    ref = growth.growth_inputs(made_up(), coalition, benchmark, split=(None, None), **kw)
    same_inputs(fast, ref)
    assert any("IND" in n for n in fast.notes) and any("FRA" in n for n in fast.notes)


@pytest.mark.filterwarnings("ignore:divide by zero encountered in log:RuntimeWarning")
def test_a_member_with_two_rows_of_one_year_takes_the_pandas_route():
    twice = pd.concat([made_up(), made_up().iloc[[0]]], ignore_index=True)  # CHN 2019 twice
    assert growth.members(twice, ["CHN", "USA"]) is None
    projected = pd.concat([made_up_projected()] * 2, ignore_index=True)
    assert growth.members(projected, ["CHN", "USA"]) is None
    kw = dict(last_year=2020, horizon=2026, method="weo", window=10, projected=projected)
    fast = growth.growth_inputs(made_up(), ["CHN"], ["USA"], **kw)
    ref = growth.growth_inputs(made_up(), ["CHN"], ["USA"], split=(None, None), **kw)
    same_inputs(fast, ref)


@pytest.mark.parametrize("dtype", ["str", "object", "string"])
def test_the_weo_rows_are_the_projection_rows_of_any_flag_column(dtype):
    ind = pd.DataFrame(
        {
            "iso3": ["USA"] * 4,
            "year": [2024, 2025, 2026, 2027],
            "indicator": ["gdp_mer"] * 4,
            "value": [1.0, 2.0, 3.0, 4.0],
            "flag": [None, "projection", "", "projection"],
        }
    ).astype({"iso3": "str", "indicator": "str", "flag": dtype})
    assert reads.projected_rows(ind, "gdp_mer")["year"].tolist() == [2025, 2027]
    assert reads.projected_rows(ind, "milex") is None
