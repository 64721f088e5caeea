"""Correlates of War National Material Capabilities (NMC) v7.0, plus v6.0 energy for comparison.

v7.0 is read from ``cow_nmc_v7.0_from_peacesciencer.csv``, a lossless CSV dump of the
{peacesciencer} ``cow_nmc`` object (1816–2022; columns ``ccode, year, milex, milper, irst, pec,
tpop, upop, cinc``; missing values empty because peacesciencer turned COW's ``-9`` into NA).
v6.0 (``NMC-60-abridged.csv``, the original COW file, 1816–2016, missing coded ``-9``) gives only
``nmc6_pec``, so the v6/v7 energy revision can be shown rather than silently mixed.

Indicators (``source = "cow_nmc"``), in COW's own units:

============ ==================================== ==========================================
id            unit                                  COW variable
============ ==================================== ==========================================
nmc_milex     thousand current US$                  ``milex`` (1914 on; see below)
nmc_milper    thousand personnel                    ``milper``
nmc_irst      thousand tons                         ``irst`` iron and steel production
nmc_pec       thousand coal-ton equivalents         ``pec`` primary energy consumption
nmc_tpop      thousand people                       ``tpop`` total population
nmc_upop      thousand people                       ``upop`` population of cities over 100,000
nmc_cinc      share of world (0-1)                  ``cinc`` composite index
nmc6_pec      thousand coal-ton equivalents         v6.0 ``pec`` (1816–2016)
============ ==================================== ==========================================

Rules:

- a missing value (empty, or ``-9`` in any file) gives **no row**, never a zero; any other
  negative value is an error;
- ``milex`` before 1914 is in thousands of British pounds, not US$: those rows are left out of
  ``nmc_milex`` (one indicator has one unit);
- ``ccode`` -> ISO3 per (ccode, year), because the mapping depends on the year, through the
  country mapper passed to :func:`curate` or, without one, the rules of ``aliases/cow_nmc.csv``
  (keys ``ccode`` or ``ccode:from-to``, built from the ccode/iso3c pairs of the Voeten file and
  the COW state list): 365 is Russia to 1921, the Soviet Union ``SUN`` 1922–1991 and ``RUS``
  from 1992; 345 is ``SRB`` to 1917, ``YUG`` 1918–1991, ``SCG`` 1992–2005, ``SRB`` from 2006;
  260 (German Federal Republic) is ``DEU`` to 1989 and its 1990 row is dropped because unified
  Germany (255, ``DEU``) holds 1990; 265 is ``DDR``; 680 ``YMD``; 678 ``YAR``. States with no
  ISO code (the pre-unification German and Italian states, Austria-Hungary, Korea 1887–1905,
  Zanzibar, the Republic of Vietnam) have an empty iso3: they are dropped and listed in
  ``frame.attrs["dropped_ccodes"]``, never silently (their absence lowers the 19th-century
  world totals a recomputed CINC would use);
- ``upop`` has a source break between 2016 and 2017 in v7 (USA 197,817 -> 109,994; China
  526,464 -> 609,219; Russia 56,926 -> 69,222): not a real change. :data:`UPOP_BREAK_YEAR` is
  the first year after the break; a trend across it (including CINC) must be split there.
- v6 and v7 ``pec`` differ in 2,583 state-years from 1974 on (and ``cinc`` in 4,618): use one
  vintage per chart; ``nmc_*`` is always v7.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.sources import common
from analysis.errors import BriefError

SOURCE_ID = "cow_nmc"
V7_FILE = "cow_nmc/cow_nmc_v7.0_from_peacesciencer.csv"
V7_RDA = "cow_nmc/peacesciencer_cow_nmc_v7.0.rda"
V6_FILE = "cow_nmc/NMC-60-abridged.csv"
ALIAS_FILE = common.alias_file(SOURCE_ID)

# COW variable -> indicator id
V7_VARIABLES: dict[str, str] = {
    "milex": "nmc_milex",
    "milper": "nmc_milper",
    "irst": "nmc_irst",
    "pec": "nmc_pec",
    "tpop": "nmc_tpop",
    "upop": "nmc_upop",
    "cinc": "nmc_cinc",
}
V6_VARIABLES: dict[str, str] = {"pec": "nmc6_pec"}
# what the data is (publisher, version, licence, caveats; label, unit and description of each
# indicator, in COW's own units) is in cow_nmc.meta.yml beside this file
SOURCE, INDICATORS = common.source_metadata(
    SOURCE_ID,
    [V7_FILE, V7_RDA, V6_FILE],
    [*V7_VARIABLES.values(), *V6_VARIABLES.values()],
)
MISSING_CODE = -9
MILEX_USD_FROM = 1914
UPOP_BREAK_YEAR = 2017


def read_nmc(path: Path, variables: list[str]) -> pd.DataFrame:
    """A COW NMC CSV -> numeric frame of ``ccode, year`` and ``variables`` (NaN = missing)."""
    raw = common.read_csv_text(path, "COW NMC CSV")
    need = ["ccode", "year", *variables]
    common.require_columns(raw, need, path.name)
    out = pd.DataFrame(index=raw.index)
    for col in need:
        text = raw[col].str.strip()
        num = pd.to_numeric(text.replace({"": None, "NA": None}), errors="coerce")
        bad = num.isna() & ~text.isin(["", "NA"])
        if col in ("ccode", "year"):
            bad |= num.isna()
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise BriefError(
                f"{path.name}: data row {i + 1}, column {col!r}: {raw[col].iloc[i]!r} is not a "
                "number"
            )
        out[col] = num
    for col in variables:
        neg = out[col].lt(0) & out[col].ne(MISSING_CODE)
        if neg.any():
            r = out[neg].iloc[0]
            raise BriefError(
                f"{path.name}: ccode {int(r['ccode'])} year {int(r['year'])}, column {col!r}: "
                f"{r[col]:g} is negative; expected a value >= 0 or the missing code -9"
            )
        out[col] = out[col].mask(out[col].eq(MISSING_CODE))
    out["ccode"] = out["ccode"].astype(int)
    out["year"] = out["year"].astype(int)
    r = common.first_duplicate(out, ["ccode", "year"])
    if r is not None:
        raise BriefError(
            f"{path.name}: ccode {r['ccode']} year {r['year']} appears more than once; "
            "expected one row per state-year"
        )
    return out


def to_long(df: pd.DataFrame, variables: dict[str, str]) -> pd.DataFrame:
    """Wide state-years -> ``(ccode, year, indicator, value, unit)``; missing values dropped."""
    long = df.melt(
        id_vars=["ccode", "year"], value_vars=list(variables), var_name="var", value_name="value"
    ).dropna(subset=["value"])
    long = long[~(long["var"].eq("milex") & long["year"].lt(MILEX_USD_FROM))]
    long["indicator"] = long["var"].map(variables)
    long["unit"] = long["indicator"].map({k: v["unit"] for k, v in INDICATORS.items()})
    return long.drop(columns="var").reset_index(drop=True)


def map_ccodes(long: pd.DataFrame, countries) -> tuple[pd.Series, list[int]]:
    """ISO3 for each row, by (ccode, year); returns (iso3 or NA, sorted unknown ccodes)."""
    codes = pd.Series(sorted(long["ccode"].unique()))
    _, dropped = countries.map_series(SOURCE_ID, codes, unknown="drop")
    dropped = sorted(int(c) for c in dropped)
    known = long[~long["ccode"].isin(dropped)]
    pairs = known[["ccode", "year"]].drop_duplicates()
    lookup = {
        (c, y): countries.to_iso3(SOURCE_ID, int(c), year=int(y))
        for c, y in zip(pairs["ccode"], pairs["year"], strict=True)
    }
    keys = list(zip(long["ccode"], long["year"], strict=True))
    # an empty code for a (ccode, year) is a deliberate drop (e.g. COW 260 in 1990)
    iso3 = pd.Series([lookup.get(k) or None for k in keys], index=long.index, dtype="object")
    return iso3, dropped


def to_indicators(long: pd.DataFrame, countries, where: str) -> pd.DataFrame:
    iso3, dropped = map_ccodes(long, countries)
    keep = iso3.notna()
    out = long[keep].assign(iso3=iso3[keep], source=SOURCE_ID, flag="")[common.OUT_COLUMNS]
    dup = out.duplicated(["iso3", "year", "indicator"], keep=False)
    if dup.any():
        r = out[dup].iloc[0]
        ccodes = sorted(long.loc[dup[dup].index, "ccode"].unique().tolist())
        raise BriefError(
            f"{where}: ccodes {ccodes} map to {r['iso3']} in {r['year']}; expected one state "
            "per ISO3 code and year"
        )
    out = common.sort_indicators(out)
    out.attrs["dropped_ccodes"] = dropped
    return out


def curate(raw_dir: Path, countries=None) -> dict[str, pd.DataFrame]:
    if countries is None:
        countries = common.AliasMapper(ALIAS_FILE)
    raw_dir = Path(raw_dir)
    v7 = to_long(read_nmc(raw_dir / V7_FILE, list(V7_VARIABLES)), V7_VARIABLES)
    v6 = to_long(read_nmc(raw_dir / V6_FILE, list(V6_VARIABLES)), V6_VARIABLES)
    a = to_indicators(v7, countries, V7_FILE)
    b = to_indicators(v6, countries, V6_FILE)
    out = common.sort_indicators(pd.concat([a, b], ignore_index=True))
    out.attrs["dropped_ccodes"] = sorted(
        set(a.attrs["dropped_ccodes"]) | set(b.attrs["dropped_ccodes"])
    )
    return {"indicators": out}
