"""WDI source: rescaling, WLD kept, aggregates dropped, bad input; spot checks on the raw files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.data.sources import wdi
from analysis.errors import BriefError
from tests.conftest import RAW_DIR
from tests.fakes import FakeMapper
from tests.macro_checks import assert_sorted_and_deterministic, get, raises_one_line
from tests.test_data_macro_sources import units_match

HEADER = "Country Name,Country Code,Year,Value\n"


MAPPER = FakeMapper({"CHN": "CHN", "RUS": "RUS", "USA": "USA", "XKX": "XKX"})


def write_all(tmp_path: Path, overrides: dict[str, str] | None = None) -> Path:
    """Every series file, with two countries, World and two aggregates; overrides by code."""
    (tmp_path / "wdi").mkdir(exist_ok=True)
    for code in wdi.SERIES:
        text = HEADER + (
            "China,CHN,2023,1000000000\n"
            "Russian Federation,RUS,2023,2000000\n"
            "World,WLD,2023,5000000000\n"
            "High income,HIC,2023,7\n"
            "European Union,EUU,2023,8\n"
        )
        text = (overrides or {}).get(code, text)
        (tmp_path / wdi.raw_file(code)).write_text(text)
    return tmp_path


def curate(tmp_path, overrides=None) -> pd.DataFrame:
    return wdi.curate(write_all(tmp_path, overrides), MAPPER)["indicators"]


def test_rescaled_units(tmp_path):
    df = curate(tmp_path)
    assert get(df, "CHN", "wdi_pop", 2023).value == pytest.approx(1000.0)
    assert get(df, "CHN", "wdi_pop", 2023).unit == "million"
    assert get(df, "CHN", "wdi_gdp", 2023).value == pytest.approx(1.0)
    assert get(df, "CHN", "wdi_gdp", 2023).unit == "US$ bn"
    assert get(df, "RUS", "wdi_rd_gdp", 2023).value == 2000000
    assert get(df, "RUS", "wdi_rd_gdp", 2023).unit == "%"
    assert set(df.indicator) == {v[0] for v in wdi.SERIES.values()}
    assert all(i.startswith("wdi_") for i in df.indicator)


def test_world_kept_aggregates_dropped(tmp_path):
    df = curate(tmp_path)
    assert set(df.iso3) == {"CHN", "RUS", "WLD"}
    assert get(df, "WLD", "wdi_pop", 2023).value == pytest.approx(5000.0)


def test_unlisted_aggregate_is_an_error(tmp_path):
    bad = HEADER + "China,CHN,2023,1\nSomewhere new,ZZZ,2023,2\n"
    with pytest.raises(BriefError, match="unknown country 'ZZZ'"):
        curate(tmp_path, {"sp.pop.totl": bad})


def test_empty_value_gives_no_row(tmp_path):
    text = HEADER + "China,CHN,2022,\nChina,CHN,2023,5\n"
    df = curate(tmp_path, {"gb.xpd.rsdv.gd.zs": text})
    rd = df[df.indicator == "wdi_rd_gdp"]
    assert list(rd.year) == [2023]


def test_share_over_100_flagged_uncertain(tmp_path):
    text = HEADER + "Lao PDR,CHN,1963,722.76\nChina,CHN,1964,99.5\n"
    df = curate(tmp_path, {"tx.val.fuel.zs.un": text})
    assert get(df, "CHN", "wdi_fuel_exports", 1963).flag == "uncertain"
    assert get(df, "CHN", "wdi_fuel_exports", 1963).value == pytest.approx(722.76)
    assert get(df, "CHN", "wdi_fuel_exports", 1964).flag == ""
    assert set(df[df.indicator != "wdi_fuel_exports"].flag) == {""}


def test_sorted_and_deterministic(tmp_path):
    assert_sorted_and_deterministic(lambda: curate(tmp_path))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            HEADER + "China,CHN,2023,lots\n",
            r"sp.pop.totl.csv: CHN 2023: Value 'lots' is not a number",
        ),
        (HEADER + "China,CHN,20x3,1\n", r"Year '20x3' is not a number"),
        (HEADER + "China,CHN,2023,1\nChina,CHN,2023,2\n", "CHN 2023 appears more than once"),
        ("Country,Year,Value\nChina,2023,1\n", r"columns \['Country', 'Year', 'Value'\]"),
    ],
)
def test_bad_input_one_line_error(tmp_path, text, match):
    with raises_one_line(match):
        curate(tmp_path, {"sp.pop.totl": text})


def test_missing_file_is_an_error(tmp_path):
    write_all(tmp_path)
    (tmp_path / wdi.raw_file("tx.val.tech.cd")).unlink()
    with pytest.raises(BriefError, match=r"wdi/tx.val.tech.cd.csv: cannot read"):
        wdi.curate(tmp_path, MAPPER)


def test_alias_file_shape():
    aliases = pd.read_csv(wdi.ALIAS_FILE, dtype=str, keep_default_na=False)
    assert list(aliases.columns) == ["alias", "iso3", "note"]
    assert aliases.alias.is_unique
    assert aliases.note.str.strip().ne("").all()
    assert {"HIC", "EUU", "EMU", "OED", "SSF"} <= wdi.not_countries()
    assert "WLD" not in wdi.not_countries()


# --- spot checks against the real raw files --------------------------------------------


class PassThrough(FakeMapper):
    def map_series(self, source, series, *, unknown="raise"):
        return series, []


@pytest.fixture(scope="module")
def real():
    path = RAW_DIR / wdi.raw_file("sp.pop.totl")
    if not path.is_file():
        pytest.skip(f"raw data not found at {path}")
    return wdi.curate(RAW_DIR, PassThrough({}))["indicators"]


def test_real_spot_values(real):
    # SOURCES.md: GDP current US$ 2024: CHN 18.73 tn, USA 29.30 tn, RUS 2.19 tn
    assert get(real, "CHN", "wdi_gdp", 2024).value == pytest.approx(18730, rel=0.005)
    assert get(real, "USA", "wdi_gdp", 2024).value == pytest.approx(29300, rel=0.005)
    assert get(real, "RUS", "wdi_gdp", 2024).value == pytest.approx(2190, rel=0.01)
    assert 1350 < get(real, "CHN", "wdi_pop", 2024).value < 1450
    assert 7000 < get(real, "WLD", "wdi_pop", 2020).value < 8500


def test_real_no_aggregates(real):
    assert units_match(real, wdi)
    assert not set(real.iso3) & wdi.not_countries()
    assert "WLD" in set(real.iso3)
    assert not real.duplicated(["iso3", "year", "indicator"]).any()
    assert real[real.indicator == "wdi_rd_gdp"].query("iso3 == 'CHN'").year.max() == 2023
    flagged = real[real.flag == "uncertain"]
    assert set(flagged.indicator) == {"wdi_fuel_exports"}
    assert set(flagged.iso3) == {"LAO", "QAT"}
