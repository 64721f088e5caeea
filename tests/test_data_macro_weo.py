"""IMF WEO source: scale, projection flags, aggregates, bad input; spot checks on the raw file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.data.sources import imf_weo
from analysis.errors import BriefError
from tests.conftest import RAW_DIR
from tests.fakes import FakeMapper
from tests.macro_checks import get, raises_one_line
from tests.test_data_macro_sources import units_match

HEADER = "unit,base_year,ref_area,freq,lastactualdate,scale,concept,year,value\n"


MAPPER = FakeMapper({"USA": "USA", "CHN": "CHN", "IND": "IND", "KOS": "XKX"})


def rows(*lines: str) -> str:
    return HEADER + "".join(line + "\n" for line in lines)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / imf_weo.CSV_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


BASIC = rows(
    "USD,2017,USA,A,2024,9,NGDPD,2024,29298.025",
    "USD,2017,USA,A,2024,9,NGDPD,2025,30615.743",
    "na,,USA,A,,9,PPPGDP,2024,29298.025",
    "na,,USA,A,,9,PPPGDP,2025,30615.743",
    "PT,,USA,A,2024,0,NGDP_RPCH,2025,2.0",
    "na,,USA,A,2023,6,LP,2024,340.1",
    # a billions concept stored in millions (scale 6) must be divided by 1,000
    "USD,,CHN,A,2023,6,NGDPD,2023,17794782.0",
    "na,,CHN,A,,9,PPPGDP,2024,37000",
    "PT,,CHN,A,2024,0,NGDP_RPCH,2024,5.0",
    "na,,CHN,A,2024,6,LP,2024,1408.0",
    # fiscal-year reporter: FY2024/25 -> last actual 2024
    "USD,,IND,A,FY2024/25,9,NGDPD,2024,3900",
    "USD,,IND,A,FY2024/25,9,NGDPD,2025,4100",
    "na,,IND,A,,9,PPPGDP,2025,17000",
    "PT,,IND,A,FY2024/25,0,NGDP_RPCH,2024,6.5",
    "na,,IND,A,2024,6,LP,2024,1440",
    # World: no lastactualdate anywhere -> years after 2024 are projections
    "USD,,G001,A,,9,NGDPD,2024,111112.86",
    "USD,,G001,A,,9,NGDPD,2025,117000",
    # a listed group (dropped) and a concept not used here (ignored)
    "USD,,G110,A,,9,NGDPD,2024,64901.125",
    "USD,,USA,A,2024,9,BCA,2024,-1000",
)


def curate_text(tmp_path: Path, text: str) -> pd.DataFrame:
    write(tmp_path, text)
    return imf_weo.curate(tmp_path, MAPPER)["indicators"]


def test_columns_units_and_sorting(tmp_path):
    df = curate_text(tmp_path, BASIC)
    assert list(df.columns) == ["iso3", "year", "indicator", "value", "unit", "source", "flag"]
    assert set(df.source) == {"imf_weo"}
    units = df.groupby("indicator")["unit"].unique().map(list).to_dict()
    assert units == {
        "gdp_mer": ["US$ bn"],
        "gdp_ppp": ["intl$ bn"],
        "gdp_growth": ["%"],
        "pop": ["million"],
    }
    keys = df[["iso3", "year", "indicator"]].apply(tuple, axis=1).tolist()
    assert keys == sorted(keys)
    assert "BCA" not in set(df.indicator)


def test_scale_column_converts_to_target_unit(tmp_path):
    df = curate_text(tmp_path, BASIC)
    assert get(df, "CHN", "gdp_mer", 2023).value == pytest.approx(17794.782)
    assert get(df, "USA", "gdp_mer", 2024).value == pytest.approx(29298.025)
    assert get(df, "CHN", "pop", 2024).value == pytest.approx(1408.0)


def test_projection_flags(tmp_path):
    df = curate_text(tmp_path, BASIC)
    expected = {
        ("USA", "gdp_mer", 2024): "",
        ("USA", "gdp_mer", 2025): "projection",
        # PPPGDP has no lastactualdate: it follows the country's NGDPD (2024)
        ("USA", "gdp_ppp", 2024): "",
        ("USA", "gdp_ppp", 2025): "projection",
        # LP has its own last actual year (2023), earlier than NGDPD's
        ("USA", "pop", 2024): "projection",
        # CHN NGDPD last actual 2023, so PPPGDP 2024 is a projection
        ("CHN", "gdp_ppp", 2024): "projection",
        ("CHN", "gdp_growth", 2024): "",
        # fiscal years
        ("IND", "gdp_mer", 2024): "",
        ("IND", "gdp_mer", 2025): "projection",
        ("IND", "gdp_ppp", 2025): "projection",
        # World falls back to 2024
        ("WLD", "gdp_mer", 2024): "",
        ("WLD", "gdp_mer", 2025): "projection",
    }
    assert {key: get(df, *key).flag for key in expected} == expected


def test_world_kept_other_groups_dropped(tmp_path):
    df = curate_text(tmp_path, BASIC)
    assert get(df, "WLD", "gdp_mer", 2024).value == pytest.approx(111112.86)
    assert not df.iso3.str.startswith("G").any()
    parsed = imf_weo.parse_weo(
        pd.read_csv(write(tmp_path, BASIC), dtype=str, keep_default_na=False)
    )
    kept, dropped = imf_weo.split_aggregates(parsed, {"G110"})
    assert dropped == ["G110"]
    assert set(kept.ref_area) == {"USA", "CHN", "IND", "G001"}


@pytest.mark.parametrize(
    ("code", "group"),
    [("G001", True), ("GX123", True), ("G998", True), ("GAB", False), ("GBR", False)],
)
def test_is_aggregate(code, group):
    assert imf_weo.is_aggregate(code) is group


def test_unlisted_group_is_an_error(tmp_path):
    text = BASIC + "USD,,G777,A,,9,NGDPD,2024,5\n"
    with pytest.raises(BriefError, match="G777"):
        curate_text(tmp_path, text)


def test_alias_file_lists_groups_with_empty_iso3():
    aliases = pd.read_csv(imf_weo.ALIAS_FILE, dtype=str, keep_default_na=False)
    assert list(aliases.columns) == ["alias", "iso3", "note"]
    groups = aliases[aliases.alias.map(imf_weo.is_aggregate)]
    assert set(groups[groups.iso3 == ""].alias) == imf_weo.listed_aggregates()
    assert aliases.note.str.strip().ne("").all()
    assert aliases.alias.is_unique


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2024", 2024), ("FY2023/24", 2023), ("", None), (" 2019 ", 2019)],
)
def test_parse_last_actual(text, expected):
    assert imf_weo.parse_last_actual(text, "f.csv") == expected


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (rows("USD,,USA,A,2024,9,NGDPD,2024,n/a"), r"USA NGDPD 2024: value 'n/a' is not a number"),
        (rows("USD,,USA,A,late,9,NGDPD,2024,1"), r"lastactualdate 'late'"),
        (
            rows("USD,,USA,A,2024,9,NGDPD,2024,1", "USD,,USA,A,2024,9,NGDPD,2024,2"),
            "appears more than once",
        ),
        (rows("USD,,USA,A,2024,9,BCA,2024,1"), r"concept\(s\) \['NGDPD'"),
        ("ref_area,year,value\nUSA,2024,1\n", r"missing column\(s\)"),
        (rows("USD,,FRA,A,2024,9,NGDPD,2024,1"), "unknown country 'FRA'"),
    ],
)
def test_bad_input_one_line_error(tmp_path, text, match):
    if "NGDPD" in text and "PPPGDP" not in text and "missing" not in match:
        # complete the other concepts so only the intended fault remains
        text += "na,,USA,A,,9,PPPGDP,2024,1\nPT,,USA,A,2024,0,NGDP_RPCH,2024,1\n"
        text += "na,,USA,A,2024,6,LP,2024,1\n"
    with raises_one_line(match):
        curate_text(tmp_path, text)


def test_rerun_is_identical(tmp_path):
    a = curate_text(tmp_path, BASIC)
    b = curate_text(tmp_path, BASIC)
    assert a.to_csv(index=False) == b.to_csv(index=False)


# --- spot checks against the real raw file ---------------------------------------------


class IdentityMapper(FakeMapper):
    def map_series(self, source, series, *, unknown="raise"):
        alias = {"KOS": "XKX", "WBG": "PSE"}
        return series.map(lambda c: alias.get(c, c)), []


@pytest.fixture(scope="module")
def real():
    path = RAW_DIR / imf_weo.CSV_FILE
    if not path.is_file():
        pytest.skip(f"raw data not found at {path}")
    return imf_weo.curate(RAW_DIR, IdentityMapper({}))["indicators"]


def test_real_spot_values(real):
    assert get(real, "USA", "gdp_mer", 2024).value == pytest.approx(29298.025)
    assert get(real, "USA", "gdp_mer", 2025).value == pytest.approx(30615.743)
    assert get(real, "USA", "gdp_mer", 2025).flag == "projection"
    assert get(real, "USA", "gdp_mer", 2024).flag == ""
    assert get(real, "CHN", "gdp_ppp", 2025).value == pytest.approx(41015.8, abs=0.1)
    assert get(real, "WLD", "gdp_mer", 2024).value == pytest.approx(111112.86)
    assert 1350 < get(real, "CHN", "pop", 2024).value < 1450
    assert 140 < get(real, "RUS", "pop", 2024).value < 150


def test_real_coverage(real):
    assert units_match(real, imf_weo)
    assert real.year.min() == 1980 and real.year.max() == 2030
    assert set(real.indicator) == {"gdp_mer", "gdp_ppp", "gdp_growth", "pop"}
    assert not real.iso3.map(imf_weo.is_aggregate).any()
    assert not real.duplicated(["iso3", "year", "indicator"]).any()
    assert set(real.flag) == {"", "projection"}
    assert (real.loc[real.indicator != "gdp_growth", "value"] >= 0).all()
