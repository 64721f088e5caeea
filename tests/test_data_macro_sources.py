"""The six macro source modules share one shape: SOURCE metadata, INDICATORS, curate()."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.sources import cow_nmc, imf_weo, maddison, pwt, sipri_milex, wdi
from analysis.errors import BriefError
from tests.conftest import RAW_DIR

MODULES = [imf_weo, sipri_milex, cow_nmc, wdi, pwt, maddison]
KEYS = {"id", "publisher", "title", "version", "url", "licence", "retrieved", "raw_files"}


@pytest.mark.parametrize("mod", MODULES, ids=lambda m: m.SOURCE_ID)
def test_source_metadata(mod):
    src = mod.SOURCE
    assert set(src) >= KEYS
    assert src["id"] == mod.SOURCE_ID
    assert src["retrieved"] == "2026-11-28"
    assert src["url"].startswith("https://")
    assert src["refresh"] is None or all({"file", "url"} <= set(r) for r in src["refresh"])
    assert src["caveats"] and all("\n" not in c and c.strip() for c in src["caveats"])
    assert all(not f.startswith("/") for f in src["raw_files"])
    assert callable(mod.curate)


@pytest.mark.parametrize("mod", MODULES, ids=lambda m: m.SOURCE_ID)
def test_indicator_metadata(mod):
    assert mod.INDICATORS
    for ind, info in mod.INDICATORS.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", ind)
        assert set(info) == {"label", "unit", "description"}
        assert all(v.strip() for v in info.values())


def units_match(df: pd.DataFrame, mod) -> bool:
    """Every curated row's unit is the one its INDICATORS entry declares."""
    declared = df["indicator"].map({k: v["unit"] for k, v in mod.INDICATORS.items()})
    return bool(declared.notna().all() and declared.eq(df["unit"]).all())


def test_indicator_ids_unique_across_sources():
    seen: dict[str, str] = {}
    for mod in MODULES:
        for ind in mod.INDICATORS:
            assert ind not in seen, f"{ind} from {seen.get(ind)} and {mod.SOURCE_ID}"
            seen[ind] = mod.SOURCE_ID
    # the ids the analysis relies on (docs/contracts.md section 1)
    for ind in ["gdp_mer", "gdp_ppp", "gdp_growth", "pop", "milex_const", "milex_current"]:
        assert ind in seen
    assert {f"nmc_{c}" for c in ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")} <= set(
        seen
    )


@pytest.mark.parametrize("mod", MODULES, ids=lambda m: m.SOURCE_ID)
def test_raw_files_present(mod):
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")
    for rel in mod.SOURCE["raw_files"]:
        assert (RAW_DIR / rel).is_file(), rel


@pytest.mark.parametrize("mod", MODULES, ids=lambda m: m.SOURCE_ID)
def test_alias_files_well_formed(mod):
    path = Path(mod.__file__).resolve().parents[1] / "aliases" / f"{mod.SOURCE_ID}.csv"
    aliases = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(aliases.columns) == ["alias", "iso3", "note"]
    assert aliases.alias.is_unique
    assert (aliases.iso3.eq("") | aliases.iso3.str.fullmatch(r"[A-Z]{3}")).all()
    assert aliases.note.str.strip().ne("").all()


# --- the fallback alias mapper (used when curate() gets no CountryMapper) ------------------


def alias_mapper(tmp_path, text, **kw):
    path = tmp_path / "src.csv"
    path.write_text("alias,iso3,note\n" + text)
    return imf_weo.AliasMapper(path, **kw)


def test_alias_mapper_year_rules_and_drops(tmp_path):
    m = alias_mapper(
        tmp_path,
        "365:1816-1921,RUS,a\n365:1922-1991,SUN,b\n365:1992-9999,RUS,c\n"
        "260:1816-1989,DEU,d\n260:1990-1990,,e\n300,,f\nEast Asia,,g\n",
    )
    assert m.to_iso3("s", 365, year=1991) == "SUN"
    assert m.to_iso3("s", 365, year=1992) == "RUS"
    assert m.to_iso3("s", 260, year=1990) == ""
    mapped, dropped = m.map_series("s", pd.Series([365, 260, 300, 999]), unknown="drop")
    assert dropped == ["999", "300"]
    assert mapped.tolist()[:2] == ["RUS", "DEU"] and pd.isna(mapped.iloc[2])
    with pytest.raises(BriefError, match=r"unknown country code or name '999'"):
        m.map_series("s", pd.Series([365, 999]), unknown="raise")
    with pytest.raises(BriefError, match=r"'Atlantis' in 1990"):
        m.to_iso3("s", "Atlantis", year=1990)


def test_alias_mapper_iso3_passthrough_and_bad_key(tmp_path):
    m = alias_mapper(tmp_path, "KOS,XKX,k\n", iso3_keys=True)
    mapped, dropped = m.map_series("s", pd.Series(["KOS", "USA"]))
    assert mapped.tolist() == ["XKX", "USA"] and dropped == []
    with pytest.raises(BriefError, match="unknown country code or name 'usa'"):
        m.map_series("s", pd.Series(["usa"]))
    one_year = alias_mapper(tmp_path, "365:1922,SUN,x\n")  # a single year, as every reader has it
    assert one_year.to_iso3("s", "365", year=1922) == "SUN"
    with pytest.raises(BriefError, match="unknown country code or name '365' in 1923"):
        one_year.to_iso3("s", "365", year=1923)
    with pytest.raises(BriefError, match=r"alias '365:1991-1922': the years run from 1991 back"):
        alias_mapper(tmp_path, "365:1991-1922,SUN,x\n")


@pytest.mark.parametrize(
    ("alias", "expected"),
    [("USA", ("USA", 0, 9999)), ("365:1922", ("365", 1922, 1922)),
     ("365:1816-1991", ("365", 1816, 1991)),
     ("China, P.R.: Hong Kong", ("China, P.R.: Hong Kong", 0, 9999)),  # a colon in a name
     ("a:b:2001", ("a:b", 2001, 2001))],
)  # fmt: skip
def test_one_reading_of_alias_keys_with_years(alias, expected):
    """Every alias file is read by one parser (countries.alias_span): the country table, the
    sources' own mappers and the year rules of the vote data."""
    from analysis.data.countries import alias_span

    assert alias_span(alias, "here") == expected


def test_cow_alias_file_covers_every_ccode_once_per_year():
    m = imf_weo.AliasMapper(cow_nmc.ALIAS_FILE)
    for code, rules in m.rules.items():
        years = sorted((y0, y1) for y0, y1, _ in rules)
        for (_a0, a1), (b0, _b1) in itertools.pairwise(years):
            assert a1 < b0, f"overlapping rules for ccode {code}"
    assert m.to_iso3("cow_nmc", 365, year=1950) == "SUN"
    assert m.to_iso3("cow_nmc", 345, year=2000) == "SCG"


@pytest.fixture(scope="module")
def real_nmc_default():
    path = RAW_DIR / cow_nmc.V7_FILE
    if not path.is_file():
        pytest.skip(f"raw data not found at {path}")
    return cow_nmc.curate(RAW_DIR)["indicators"]


def test_real_nmc_with_alias_mapper(real_nmc_default):
    df = real_nmc_default
    tpop = df[df.indicator == "nmc_tpop"]
    assert tpop[tpop.iso3 == "SUN"].year.agg(["min", "max"]).tolist() == [1922, 1991]
    assert 1990 in set(tpop[tpop.iso3 == "DEU"].year)  # from 255, 260's 1990 row dropped
    assert 1990 in set(tpop[tpop.iso3 == "DDR"].year)
    assert df.attrs["dropped_ccodes"] == [
        240,
        245,
        267,
        269,
        271,
        273,
        275,
        280,
        300,
        327,
        329,
        332,
        335,
        337,
        511,
        730,
        817,
    ]
    assert df.iso3.str.fullmatch(r"[A-Z]{3}").all()
    assert not df.duplicated(["iso3", "year", "indicator"]).any()
    assert units_match(df, cow_nmc)


@pytest.mark.parametrize(
    "mod", [imf_weo, sipri_milex, wdi, pwt, maddison], ids=lambda m: m.SOURCE_ID
)
def test_real_curate_without_a_mapper(mod):
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")
    df = mod.curate(RAW_DIR)["indicators"]
    assert df.iso3.str.fullmatch(r"[A-Z]{3}").all()
    assert not df.duplicated(["iso3", "year", "indicator"]).any()
    assert units_match(df, mod)
