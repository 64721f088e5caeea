"""World Bank World Development Indicators (the datahub mirror of mid-2026), selected series.

Each raw file ``wdi/<code>.csv`` is long: ``Country Name, Country Code, Year, Value``, with ISO3
codes plus World Bank aggregates. Only the series the brief plausibly uses are curated (table
:data:`SERIES`); ids are prefixed ``wdi_`` so they never collide with the primary sources
(``gdp_mer`` comes from the IMF, ``milex_gdp`` from SIPRI, etc.). Values are rescaled to readable
units (people -> million, US$ -> US$ bn).

Aggregates: ``WLD`` (World) is kept; every other World Bank aggregate (regions, income groups,
lending groups, demographic-dividend groups, EU, euro area, OECD, small states …) is dropped, and
each is listed by code in ``aliases/wdi.csv`` with an empty iso3 and its World Bank name, so an
aggregate the list does not know is not silently kept: it goes to the country mapper, which
rejects it. Territories without their own ISO3 code are listed the same way.

WDI has **no total GDP at PPP** in this mirror (NY.GDP.MKTP.PP.CD/KD absent): the brief's
``gdp_ppp`` comes from the IMF WEO; ``wdi_gdppc_ppp`` is per capita only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.sources import common
from analysis.errors import BriefError

SOURCE_ID = "wdi"
ALIAS_FILE = common.alias_file(SOURCE_ID)

# WDI code -> (indicator id, divisor)
SERIES: dict[str, tuple[str, float]] = {
    "sp.pop.totl": ("wdi_pop", 1e6),
    "sp.urb.totl": ("wdi_urban_pop", 1e6),
    "ny.gdp.mktp.cd": ("wdi_gdp", 1e9),
    "ny.gdp.pcap.pp.cd": ("wdi_gdppc_ppp", 1.0),
    "ny.gdp.mktp.kd.zg": ("wdi_gdp_growth", 1.0),
    "ms.mil.xpnd.gd.zs": ("wdi_milex_gdp", 1.0),
    "eg.use.pcap.kg.oe": ("wdi_energy_pc", 1.0),
    "gb.xpd.rsdv.gd.zs": ("wdi_rd_gdp", 1.0),
    "tx.val.mrch.cd.wt": ("wdi_merch_exports", 1e9),
    "tx.val.fuel.zs.un": ("wdi_fuel_exports", 1.0),
    "tx.val.tech.cd": ("wdi_hightech_exports", 1e9),
}
# shares of a whole that cannot exceed 100 by definition; WDI has a few above it (Lao PDR
# 1962-1973 up to 723 %, Qatar 1972: fuel exports measured against a different merchandise
# total), kept but flagged "uncertain"
SHARE_CAP: dict[str, float] = {"wdi_fuel_exports": 100.0}
COLUMNS = ["Country Name", "Country Code", "Year", "Value"]
WORLD = "WLD"


def raw_file(code: str) -> str:
    return f"wdi/{code}.csv"


# what the data is (publisher, version, licence, caveats; label, unit and description of each
# indicator) is in wdi.meta.yml beside this file
SOURCE, INDICATORS = common.source_metadata(
    SOURCE_ID, [raw_file(code) for code in SERIES], [ind for ind, _ in SERIES.values()]
)


def read_series(path: Path, where: str) -> pd.DataFrame:
    """One WDI file -> ``(code, year, value)`` with numbers checked; empty values dropped."""
    raw = common.read_csv_text(path, "WDI CSV", where)
    if list(raw.columns) != COLUMNS:
        raise BriefError(f"{where}: columns {list(raw.columns)}; expected {COLUMNS}")
    raw = raw[raw["Value"].str.strip().ne("")]
    out = pd.DataFrame({"code": raw["Country Code"].str.strip()})
    for col, name in (("Year", "year"), ("Value", "value")):
        num = pd.to_numeric(raw[col].str.strip(), errors="coerce")
        if num.isna().any():
            i = int(num.isna().to_numpy().nonzero()[0][0])
            r = raw.iloc[i]
            raise BriefError(
                f"{where}: {r['Country Code']} {r['Year']}: {col} {r[col]!r} is not a number"
            )
        out[name] = num
    out["year"] = out["year"].astype(int)
    r = common.first_duplicate(out, ["code", "year"])
    if r is not None:
        raise BriefError(f"{where}: {r['code']} {r['year']} appears more than once")
    return out.reset_index(drop=True)


def not_countries(alias_file: Path = ALIAS_FILE) -> set[str]:
    """Codes the alias file marks as deliberately not countries (empty iso3)."""
    return common.not_countries_in(alias_file)


def to_indicator(
    df: pd.DataFrame, code: str, countries, dropped: set[str], where: str
) -> pd.DataFrame:
    indicator, divisor = SERIES[code]
    keep = df[~df["code"].isin(dropped - {WORLD})]
    iso3 = common.iso3_with_world(countries, SOURCE_ID, keep["code"], WORLD)
    out = pd.DataFrame(
        {
            "iso3": iso3.to_numpy(),
            "year": keep["year"].to_numpy(),
            "indicator": indicator,
            "value": keep["value"].to_numpy() / divisor,
            "unit": INDICATORS[indicator]["unit"],
            "source": SOURCE_ID,
            "flag": "",
        }
    )
    if indicator in SHARE_CAP:
        out.loc[out["value"] > SHARE_CAP[indicator], "flag"] = "uncertain"
    return common.unique_indicators(out, where, "WDI codes")


def curate(raw_dir: Path, countries=None) -> dict[str, pd.DataFrame]:
    if countries is None:
        countries = common.AliasMapper(ALIAS_FILE, iso3_keys=True)
    raw_dir = Path(raw_dir)
    dropped = not_countries()
    parts = []
    for code in SERIES:
        where = raw_file(code)
        df = read_series(raw_dir / where, where)
        parts.append(to_indicator(df, code, countries, dropped, where))
    out = pd.concat(parts, ignore_index=True)[common.OUT_COLUMNS]
    return {"indicators": common.sort_indicators(out)}
