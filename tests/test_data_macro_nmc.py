"""COW NMC source: -9/NA handling, units, ccode by year (365 -> SUN/RUS), v6 pec; raw checks."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest

from analysis.data.sources import cow_nmc
from analysis.errors import BriefError
from tests.conftest import RAW_DIR
from tests.macro_checks import assert_sorted_and_deterministic, get, has, raises_one_line
from tests.test_data_macro_sources import units_match

V7_HEADER = "ccode,year,milex,milper,irst,pec,tpop,upop,cinc\n"
V6_HEADER = "stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version\n"


class YearMapper:
    """Stand-in for CountryMapper: COW ccode -> ISO3, 365 by year (SUN 1922-1991)."""

    CODES: ClassVar[dict[int, str]] = {2: "USA", 365: "RUS", 710: "CHN"}

    def map_series(self, source, series, *, unknown="raise"):
        dropped = sorted({k for k in series if k not in self.CODES})
        if dropped and unknown == "raise":
            raise BriefError(f"{source}: unknown ccode {dropped[0]!r}")
        return series.map(self.CODES), dropped

    def to_iso3(self, source, key, year=None):
        if key not in self.CODES:
            raise BriefError(f"{source}: unknown ccode {key!r}")
        if key == 365 and year is not None and 1922 <= year <= 1991:
            return "SUN"
        return self.CODES[key]


V7 = V7_HEADER + (
    "2,1913,3823,17,80,254,8659,101,0.04\n"  # milex before 1914 is in GBP: left out
    "2,2016,600000000,1300,78000,3000000,323000,197817,0.14\n"
    "2,2017,610000000,1300,81000,3000000,325000,109994,0.14\n"
    "365,1991,133700000,3000,,1800000,148245,62371,0.103\n"  # empty irst: no row
    "365,1992,47220000,2700,67000,1300000,148310,62371,0.067\n"
    "710,2016,-9,2183,807000,4000000,1400000,526464,0.2308\n"  # -9 milex: no row
    "240,1850,0,10,1,2,1800,0,0.001\n"  # Hanover: not a country the mapper knows
)
V6 = V6_HEADER + (
    "USA,2,2016,600000000,1300,78000,2900000,323000,197817,0.14,2021\n"
    "CHN,710,2016,-9,2183,807000,-9,1400000,526464,0.230618,2021\n"
    "RUS,365,1991,133700000,3000,-9,1700000,148245,62371,0.103,2021\n"
)


def write(tmp_path: Path, v7: str = V7, v6: str = V6) -> Path:
    (tmp_path / "cow_nmc").mkdir(exist_ok=True)
    (tmp_path / cow_nmc.V7_FILE).write_text(v7)
    (tmp_path / cow_nmc.V6_FILE).write_text(v6)
    return tmp_path


def curate(tmp_path: Path, **kw) -> pd.DataFrame:
    return cow_nmc.curate(write(tmp_path, **kw), YearMapper())["indicators"]


def test_values_and_units(tmp_path):
    df = curate(tmp_path)
    assert list(df.columns) == ["iso3", "year", "indicator", "value", "unit", "source", "flag"]
    assert get(df, "USA", "nmc_upop", 2017).value == 109994
    assert get(df, "USA", "nmc_milex", 2016).unit == "thousand current US$"
    assert get(df, "CHN", "nmc_cinc", 2016).value == pytest.approx(0.2308)
    assert get(df, "CHN", "nmc_pec", 2016).unit == "thousand coal-ton equivalents"
    assert set(df.flag) == {""} and set(df.source) == {"cow_nmc"}


def test_missing_values_give_no_row(tmp_path):
    df = curate(tmp_path)
    assert not has(df, "CHN", "nmc_milex", 2016)  # -9
    assert not has(df, "SUN", "nmc_irst", 1991)  # empty
    assert not has(df, "CHN", "nmc6_pec", 2016)  # -9 in v6
    assert (df.value >= 0).all()


def test_milex_before_1914_left_out(tmp_path):
    df = curate(tmp_path)
    assert not has(df, "USA", "nmc_milex", 1913)
    assert has(df, "USA", "nmc_milper", 1913)


def test_soviet_union_and_russia_by_year(tmp_path):
    df = curate(tmp_path)
    assert get(df, "SUN", "nmc_milex", 1991).value == 133700000
    assert get(df, "RUS", "nmc_milex", 1992).value == 47220000
    assert not has(df, "RUS", "nmc_milex", 1991)
    assert get(df, "SUN", "nmc6_pec", 1991).value == 1700000


def test_unknown_ccodes_dropped_and_listed(tmp_path):
    df = curate(tmp_path)
    assert df.attrs["dropped_ccodes"] == [240]
    assert set(df.iso3) == {"USA", "RUS", "SUN", "CHN"}


def test_v6_pec_kept_apart(tmp_path):
    df = curate(tmp_path)
    assert get(df, "USA", "nmc6_pec", 2016).value == 2900000
    assert get(df, "USA", "nmc_pec", 2016).value == 3000000
    v6 = df[df.indicator.str.startswith("nmc6_")]
    assert sorted(zip(v6.iso3, v6.year, strict=True)) == [("SUN", 1991), ("USA", 2016)]
    assert set(v6.indicator) == {"nmc6_pec"}


def test_sorted_and_deterministic(tmp_path):
    assert_sorted_and_deterministic(lambda: curate(tmp_path))


@pytest.mark.parametrize(
    ("v7", "match"),
    [
        (
            V7_HEADER + "2,2016,1,1,1,1,1,1,abc\n",
            r"data row 1, column 'cinc': 'abc' is not a number",
        ),
        (V7_HEADER + "2,2016,1,-5,1,1,1,1,0.1\n", r"ccode 2 year 2016, column 'milper': -5 is neg"),
        (V7_HEADER + "2,2016,1,1,1,1,1,1,0.1\n2,2016,1,1,1,1,1,1,0.1\n", "more than once"),
        ("ccode,year,milex\n2,2016,1\n", r"missing column\(s\) \['milper'"),
        (V7_HEADER + ",2016,1,1,1,1,1,1,0.1\n", r"column 'ccode': '' is not a number"),
    ],
)
def test_bad_input_one_line_error(tmp_path, v7, match):
    with raises_one_line(match):
        curate(tmp_path, v7=v7)


def test_two_ccodes_on_one_iso3_is_an_error(tmp_path):
    class Merging(YearMapper):
        CODES: ClassVar[dict[int, str]] = {**YearMapper.CODES, 240: "USA"}

    write(tmp_path, v7=V7_HEADER + "2,1850,1,1,1,1,1,1,0.1\n240,1850,1,1,1,1,1,1,0.1\n")
    with pytest.raises(BriefError, match=r"ccodes \[2, 240\] map to USA in 1850"):
        cow_nmc.curate(tmp_path, Merging())


# --- spot checks against the real raw files --------------------------------------------


class RealMapper(YearMapper):
    """Known major powers only; every other ccode is reported as dropped."""


@pytest.fixture(scope="module")
def real():
    path = RAW_DIR / cow_nmc.V7_FILE
    if not path.is_file():
        pytest.skip(f"raw data not found at {path}")
    return cow_nmc.curate(RAW_DIR, RealMapper())["indicators"]


def test_real_spot_values(real):
    # SOURCES.md: the v7 upop break 2016 -> 2017 and the v6/v7 CINC difference for China 2016
    assert get(real, "USA", "nmc_upop", 2016).value == 197817
    assert get(real, "USA", "nmc_upop", 2017).value == 109994
    assert get(real, "CHN", "nmc_upop", 2017).value == 609219
    assert get(real, "RUS", "nmc_upop", 2017).value == 69222
    assert get(real, "CHN", "nmc_cinc", 2016).value == pytest.approx(0.230825, abs=1e-6)
    assert real.year.max() == 2022
    assert real[real.indicator == "nmc6_pec"].year.max() == 2016


def test_real_soviet_years(real):
    assert units_match(real, cow_nmc)
    sun = real[(real.iso3 == "SUN") & (real.indicator == "nmc_tpop")]
    assert sun.year.min() == 1922 and sun.year.max() == 1991
    rus = real[(real.iso3 == "RUS") & (real.indicator == "nmc_milex")]
    assert rus.year.min() == 1914 and 1992 in set(rus.year)
    assert not real.duplicated(["iso3", "year", "indicator"]).any()
    assert len(real.attrs["dropped_ccodes"]) > 200
