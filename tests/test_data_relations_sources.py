"""The five relationship sources share one shape: SOURCE metadata, alias files, deterministic
curation, contract columns (docs/contracts.md section 1)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.sources import (
    cepii_baci,
    gsdb,
    imf_dots,
    imf_imts,
    sipri_arms,
    un_comtrade,
    unvotes,
    voeten,
)
from tests.conftest import RAW_DIR
from tests.test_data_relations_sipri import alias_mapper

MODULES = [sipri_arms, voeten, unvotes, gsdb, imf_dots]
TRADE = [
    imf_imts,
    un_comtrade,
    cepii_baci,
]  # retrieved later (2026-12-05): test_data_relations_trade
KEYS = {"id", "publisher", "title", "version", "url", "licence", "retrieved", "raw_files"}
IND_COLS = ["iso3", "year", "indicator", "value", "unit", "source", "flag"]
TABLE_KEYS = {
    "arms_register": ["deal_id"],
    "un_agreement": ["iso3_a", "iso3_b", "year"],
    "sanctions_cases": ["case_id"],
    "bilateral_trade": ["reporter_iso3", "partner_iso3", "year", "flow"],
    "indicators": ["iso3", "year", "indicator"],
}


@pytest.mark.parametrize("mod", MODULES, ids=lambda m: m.SOURCE_ID)
def test_source_metadata(mod):
    src = mod.SOURCE
    assert set(src) >= KEYS | {"refresh", "caveats"}
    assert src["id"] == mod.SOURCE_ID and src["retrieved"] == "2026-11-28"
    assert src["url"].startswith("https://")
    assert src["refresh"] is None or all({"file", "url"} <= set(r) for r in src["refresh"])
    assert src["caveats"] and all("\n" not in c and c.strip() for c in src["caveats"])
    assert all(not f.startswith("/") for f in src["raw_files"])


@pytest.mark.parametrize("mod", [m for m in MODULES if hasattr(m, "INDICATORS")])
def test_indicator_metadata(mod):
    for ind, info in mod.INDICATORS.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", ind)
        assert set(info) == {"label", "unit", "description"}
        assert all(v.strip() for v in info.values())


def test_contract_indicator_ids_present_and_unique():
    from analysis.data.sources import SOURCES

    seen: dict[str, str] = {}
    for mod in SOURCES:
        for ind in getattr(mod, "INDICATORS", {}):
            assert ind not in seen, f"{ind} from {seen.get(ind)} and {mod.SOURCE_ID}"
            seen[ind] = mod.SOURCE_ID
    for ind, src in {
        "arms_imports_tiv": "sipri_arms",
        "arms_exports_tiv": "sipri_arms",
        "unga_idealpoint": "voeten",
        "sanctions_cases_active": "gsdb",
    }.items():
        assert seen[ind] == src


@pytest.mark.parametrize("mod", [*MODULES, *TRADE], ids=lambda m: m.SOURCE_ID)
def test_alias_file_well_formed(mod):
    aliases = pd.read_csv(mod.ALIAS_FILE, dtype=str, keep_default_na=False)
    assert list(aliases.columns) == ["alias", "iso3", "note"]
    assert aliases.alias.is_unique
    assert (aliases.iso3.eq("") | aliases.iso3.str.fullmatch(r"[A-Z]{3}")).all()
    assert aliases.note.str.strip().ne("").all()
    # an empty iso3 (deliberately not a country) must say why
    assert aliases[aliases.iso3.eq("")].note.str.len().gt(20).all()


def write(df: pd.DataFrame) -> bytes:
    """The contract's deterministic CSV writer settings."""
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", float_format="%.10g")
    return buf.getvalue().encode()


# unvotes takes ~6 s per run; its determinism rests on the same sort (checked on fixtures)
@pytest.mark.parametrize(
    "mod", [sipri_arms, voeten, gsdb, imf_dots, *TRADE], ids=lambda m: m.SOURCE_ID
)
def test_raw_curation_deterministic_and_keyed(mod):
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")
    for rel in mod.SOURCE["raw_files"]:
        assert (RAW_DIR / rel).is_file(), rel
    mapper = alias_mapper() if mod is sipri_arms else None
    first = mod.curate(RAW_DIR, mapper)
    second = mod.curate(Path(str(RAW_DIR)), mapper)
    assert first.keys() == second.keys()
    for name, df in first.items():
        assert write(df) == write(second[name]), name
        key = TABLE_KEYS[name]
        assert not df.duplicated(key).any(), name
        assert df.equals(df.sort_values(key).reset_index(drop=True)), f"{name} not sorted by key"
        if name == "indicators":
            assert list(df.columns) == IND_COLS
            assert df.flag.isin(["", "estimate", "projection", "uncertain"]).all()
            assert df.source.eq(mod.SOURCE_ID).all()
            assert df.iso3.str.fullmatch(r"[A-Z]{3}").all()
            declared = df.indicator.map({k: v["unit"] for k, v in mod.INDICATORS.items()})
            assert declared.eq(df.unit).all()


@pytest.fixture(scope="module")
def real_mapper():
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")
    from analysis.data.countries import CountryMapper, build_countries, read_aliases

    return CountryMapper(build_countries(RAW_DIR), read_aliases())


def test_fake_country_table_code_is_rejected():
    from analysis.data.countries import CountryMapper, check_known, read_aliases
    from analysis.errors import BriefError

    table = pd.DataFrame(
        {"iso3": ["USA"], "name": ["United States"], "iso2": ["US"], "cow_ccode": [2]}
    ).astype({"cow_ccode": "Int64"})
    mapper = CountryMapper(table, read_aliases())
    with pytest.raises(BriefError, match=r"gsdb: unknown country 'RUS'"):
        check_known(mapper, "gsdb", ["USA", "RUS", ""])
    check_known(mapper, "gsdb", ["USA", ""])  # known codes pass
    check_known(None, "gsdb", ["ZZZ"])  # no mapper: no check


# the relationship sources' codes all exist in data-core's country table
@pytest.mark.parametrize(
    "mod", [sipri_arms, voeten, gsdb, imf_dots, *TRADE], ids=lambda m: m.SOURCE_ID
)
def test_raw_codes_known_to_the_country_table(mod, real_mapper):
    codes = set(real_mapper.countries["iso3"])
    for name, df in mod.curate(RAW_DIR, real_mapper).items():
        for col in [c for c in df.columns if c.endswith("iso3")]:
            found = set(";".join(df[col]).split(";")) - {""}
            assert found <= codes, (name, col, sorted(found - codes))


def test_voeten_rules_agree_with_the_country_tables_cow_years(real_mapper):
    """The ccode-year -> ISO3 of voeten.csv equals data-core's COW rules for the raw file."""
    raw = voeten.read_dta(RAW_DIR / voeten.DTA_FILE)
    raw = raw[raw.idealpointfp.notna()]
    ours = voeten.to_indicators(raw, voeten.read_alias_rules())
    theirs = {
        (real_mapper.to_iso3("voeten", int(c), year=int(y)), int(y))
        for c, y in zip(raw.ccode, raw.year, strict=True)
    }
    assert set(zip(ours.iso3, ours.year, strict=True)) == theirs
