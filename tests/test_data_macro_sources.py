"""The six macro source modules share one shape: SOURCE metadata, INDICATORS, curate()."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.sources import cow_nmc, imf_weo, maddison, pwt, sipri_milex, wdi
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


# cow_nmc maps COW ccodes through the countries table and needs no alias file
@pytest.mark.parametrize("mod", [m for m in MODULES if m is not cow_nmc], ids=lambda m: m.SOURCE_ID)
def test_alias_files_well_formed(mod):
    path = Path(mod.__file__).resolve().parents[1] / "aliases" / f"{mod.SOURCE_ID}.csv"
    aliases = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(aliases.columns) == ["alias", "iso3", "note"]
    assert aliases.alias.is_unique
    assert (aliases.iso3.eq("") | aliases.iso3.str.fullmatch(r"[A-Z]{3}")).all()
    assert aliases.note.str.strip().ne("").all()
