"""PWT 10.01 and Maddison 2020 sources: units, NA, aggregates, dissolution cut-offs; raw checks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.data.sources import maddison, pwt
from analysis.errors import BriefError
from tests.conftest import RAW_DIR
from tests.fakes import FakeMapper
from tests.macro_checks import get, has, raises_one_line
from tests.test_data_macro_sources import units_match

# --- PWT -----------------------------------------------------------------------------------

PWT_MAPPER = FakeMapper({"CHN": "CHN", "USA": "USA"})


def pwt_frame(**over) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "country": ["China", "China", "United States"],
            "isocode": pd.Categorical(["CHN", "CHN", "USA"]),
            "year": [2018, 2019, 2019],
            "rgdpe": [21000000.0, None, 20500000.0],
            "rgdpo": [20000000.0, 22000000.0, 20600000.0],
            "pop": [1427.6, 1433.8, 329.1],
        }
    )
    return df.assign(**over)


def test_pwt_units_and_na(tmp_path):
    df = pwt.to_indicators(pwt.parse_pwt(pwt_frame()), PWT_MAPPER)
    assert get(df, "CHN", "pwt_rgdpo", 2019).value == pytest.approx(22000.0)
    assert get(df, "CHN", "pwt_rgdpo", 2019).unit == "2017 intl$ bn (chained PPP)"
    assert get(df, "USA", "pwt_pop", 2019).value == pytest.approx(329.1)
    assert not has(df, "CHN", "pwt_rgdpe", 2019)  # NA: no row
    assert list(df.columns) == ["iso3", "year", "indicator", "value", "unit", "source", "flag"]
    keys = list(zip(df.iso3, df.year, df.indicator, strict=True))
    assert keys == sorted(keys)


def test_pwt_reads_rda(tmp_path):
    pyreadr = pytest.importorskip("pyreadr")
    path = tmp_path / pwt.RDA_FILE
    path.parent.mkdir(parents=True)
    frame = pwt_frame()
    frame["isocode"] = frame["isocode"].astype(str)
    pyreadr.write_rdata(str(path), frame, df_name=pwt.OBJECT)
    df = pwt.curate(tmp_path, PWT_MAPPER)["indicators"]
    assert get(df, "USA", "pwt_rgdpe", 2019).value == pytest.approx(20500.0)


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (pwt_frame(pop=[1.0, -2.0, 3.0]), r"CHN 2019 pop = -2; expected >= 0"),
        (pwt_frame(year=[2019, 2019, 2019]), "CHN 2019 appears more than once"),
        (pwt_frame().drop(columns="rgdpo"), r"missing column\(s\) \['rgdpo'\]"),
        (pwt_frame(isocode=["CHN", "CHN", "XXX"]), "unknown country 'XXX'"),
    ],
)
def test_pwt_bad_input(frame, match):
    with raises_one_line(match):
        pwt.to_indicators(pwt.parse_pwt(frame), PWT_MAPPER)


def test_pwt_missing_object(tmp_path):
    pyreadr = pytest.importorskip("pyreadr")
    path = tmp_path / "x.rda"
    pyreadr.write_rdata(str(path), pd.DataFrame({"a": [1]}), df_name="other")
    with pytest.raises(BriefError, match=r"object 'pwt10.01' not found"):
        pwt.read_pwt(path)


def test_pwt_corrupt_file(tmp_path):
    path = tmp_path / "bad.rda"
    path.write_bytes(b"not an R file")
    with pytest.raises(BriefError, match=r"bad.rda: cannot read PWT R data"):
        pwt.read_pwt(path)


# --- Maddison ------------------------------------------------------------------------------

MPD_HEADER = "Entity,Year,GDP per capita,Population,GDP\n"
MPD = MPD_HEADER + (
    "China,1700,600,138000000,\n"  # before 1820: left out
    "China,1950,800,546815000,437000000000\n"
    "Former USSR,1991,12000,290000000,3480000000000\n"
    "Former USSR,1992,10000,292000000,2920000000000\n"  # after dissolution: left out
    "Russia,1991,13000,148000000,\n"
    "World,2018,15212.415,7469568000,113630200000000\n"
    "Western Europe,2018,40000,400000000,16000000000000\n"
)
MPD_MAPPER = FakeMapper({"China": "CHN", "Former USSR": "SUN", "Russia": "RUS"})


def mpd(tmp_path: Path, text: str = MPD) -> pd.DataFrame:
    path = tmp_path / maddison.CSV_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return maddison.curate(tmp_path, MPD_MAPPER)["indicators"]


def test_maddison_units_and_years(tmp_path):
    df = mpd(tmp_path)
    assert get(df, "CHN", "maddison_pop", 1950).value == pytest.approx(546.815)
    assert get(df, "CHN", "maddison_gdp", 1950).value == pytest.approx(437.0)
    assert get(df, "CHN", "maddison_gdppc", 1950).unit == "2011 intl$"
    assert df.year.min() >= maddison.FIRST_YEAR
    assert not has(df, "RUS", "maddison_gdp", 1991)  # empty cell: no row
    assert has(df, "RUS", "maddison_gdppc", 1991)


def test_maddison_world_regions_and_dissolution(tmp_path):
    df = mpd(tmp_path)
    assert get(df, "WLD", "maddison_gdp", 2018).value == pytest.approx(113630.2)
    assert set(df.iso3) == {"CHN", "SUN", "RUS", "WLD"}
    assert has(df, "SUN", "maddison_pop", 1991)
    assert not has(df, "SUN", "maddison_pop", 1992)
    assert "Western Europe" in maddison.not_countries()


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (MPD_HEADER + "China,19x0,1,1,1\n", r"Year '19x0' is not a number"),
        (
            MPD_HEADER + "China,1950,abc,1,1\n",
            r"'China' 1950: GDP per capita 'abc' is not a number",
        ),
        (MPD_HEADER + "China,1950,1,-5,1\n", r"'China' 1950: Population -5 is negative"),
        (MPD_HEADER + "China,1950,1,1,1\nChina,1950,1,1,1\n", "appears more than once"),
        (MPD_HEADER + "Atlantis,1950,1,1,1\n", "unknown country 'Atlantis'"),
        ("Entity,Year\nChina,1950\n", r"missing column\(s\)"),
    ],
)
def test_maddison_bad_input(tmp_path, text, match):
    with raises_one_line(match):
        mpd(tmp_path, text)


@pytest.mark.parametrize("module", [pwt, maddison])
def test_alias_files(module):
    path = Path(module.__file__).resolve().parents[1] / "aliases" / f"{module.SOURCE_ID}.csv"
    aliases = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(aliases.columns) == ["alias", "iso3", "note"]
    assert aliases.alias.is_unique
    assert aliases.note.str.strip().ne("").all()


# --- spot checks against the real raw files --------------------------------------------


class AliasMapper(FakeMapper):
    """Maps through a source's alias file, else passes the key through (ISO3 sources)."""

    def __init__(self, alias_file: Path):
        aliases = pd.read_csv(alias_file, dtype=str, keep_default_na=False)
        super().__init__(dict(zip(aliases.alias, aliases.iso3, strict=True)))

    def map_series(self, source, series, *, unknown="raise"):
        return series.map(lambda k: self.table.get(k, k)), []


@pytest.fixture(scope="module")
def real_pwt():
    path = RAW_DIR / pwt.RDA_FILE
    if not path.is_file():
        pytest.skip(f"raw data not found at {path}")
    return pwt.curate(RAW_DIR, AliasMapper(Path(pwt.__file__).parents[1] / "aliases/pwt.csv"))


@pytest.fixture(scope="module")
def real_mpd():
    path = RAW_DIR / maddison.CSV_FILE
    if not path.is_file():
        pytest.skip(f"raw data not found at {path}")
    return maddison.curate(RAW_DIR, AliasMapper(maddison.ALIAS_FILE))


def test_real_pwt(real_pwt):
    df = real_pwt["indicators"]
    assert units_match(df, pwt)
    assert get(df, "CHN", "pwt_pop", 2019).value == pytest.approx(1433.78, abs=0.01)
    assert get(df, "RUS", "pwt_pop", 2019).value == pytest.approx(145.87, abs=0.01)
    assert df.year.max() == 2019
    assert df[df.iso3 == "RUS"].year.min() == 1990
    assert not df.duplicated(["iso3", "year", "indicator"]).any()


def test_real_maddison(real_mpd):
    df = real_mpd["indicators"]
    assert units_match(df, maddison)
    assert get(df, "USA", "maddison_gdppc", 2018).value == pytest.approx(55334.7394)
    assert get(df, "WLD", "maddison_pop", 2018).value == pytest.approx(7469.568, abs=0.01)
    assert df[df.iso3 == "SUN"].year.max() == 1991
    assert df.year.min() == 1820 and df.year.max() == 2018
    assert not df.iso3.eq("").any()
    assert not df.duplicated(["iso3", "year", "indicator"]).any()
