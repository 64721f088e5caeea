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

from analysis.errors import BriefError

SOURCE_ID = "wdi"
ALIAS_FILE = Path(__file__).resolve().parents[1] / "aliases" / f"{SOURCE_ID}.csv"

# WDI code -> (indicator id, unit, divisor)
SERIES: dict[str, tuple[str, str, float]] = {
    "sp.pop.totl": ("wdi_pop", "million", 1e6),
    "sp.urb.totl": ("wdi_urban_pop", "million", 1e6),
    "ny.gdp.mktp.cd": ("wdi_gdp", "US$ bn", 1e9),
    "ny.gdp.pcap.pp.cd": ("wdi_gdppc_ppp", "intl$", 1.0),
    "ny.gdp.mktp.kd.zg": ("wdi_gdp_growth", "%", 1.0),
    "ms.mil.xpnd.gd.zs": ("wdi_milex_gdp", "%", 1.0),
    "eg.use.pcap.kg.oe": ("wdi_energy_pc", "kg of oil equivalent per capita", 1.0),
    "gb.xpd.rsdv.gd.zs": ("wdi_rd_gdp", "%", 1.0),
    "tx.val.mrch.cd.wt": ("wdi_merch_exports", "US$ bn", 1e9),
    "tx.val.fuel.zs.un": ("wdi_fuel_exports", "% of merchandise exports", 1.0),
    "tx.val.tech.cd": ("wdi_hightech_exports", "US$ bn", 1e9),
}

_TEXT = {
    "wdi_pop": ("Population (WDI)", "Population, total (SP.POP.TOTL), millions."),
    "wdi_urban_pop": ("Urban population (WDI)", "Urban population (SP.URB.TOTL), millions."),
    "wdi_gdp": ("GDP, current US$ (WDI)", "GDP at current US$ (NY.GDP.MKTP.CD), billions."),
    "wdi_gdppc_ppp": (
        "GDP per capita, PPP (WDI)",
        "GDP per capita, PPP, current international $ (NY.GDP.PCAP.PP.CD).",
    ),
    "wdi_gdp_growth": ("GDP growth (WDI)", "GDP growth, annual % (NY.GDP.MKTP.KD.ZG)."),
    "wdi_milex_gdp": (
        "Military expenditure, % of GDP (WDI)",
        "Military expenditure, % of GDP (MS.MIL.XPND.GD.ZS; SIPRI-derived).",
    ),
    "wdi_energy_pc": (
        "Energy use per capita (WDI)",
        "Energy use, kg of oil equivalent per capita (EG.USE.PCAP.KG.OE).",
    ),
    "wdi_rd_gdp": (
        "R&D expenditure, % of GDP (WDI)",
        "Research and development expenditure, % of GDP (GB.XPD.RSDV.GD.ZS; UNESCO UIS).",
    ),
    "wdi_merch_exports": (
        "Merchandise exports (WDI)",
        "Merchandise exports, current US$ (TX.VAL.MRCH.CD.WT), billions.",
    ),
    "wdi_fuel_exports": (
        "Fuel exports, % of merchandise exports (WDI)",
        "Fuel exports, % of merchandise exports (TX.VAL.FUEL.ZS.UN).",
    ),
    "wdi_hightech_exports": (
        "High-technology exports (WDI)",
        "High-technology exports, current US$ (TX.VAL.TECH.CD), billions.",
    ),
}
INDICATORS: dict[str, dict[str, str]] = {
    ind: {"label": _TEXT[ind][0], "unit": unit, "description": _TEXT[ind][1]}
    for ind, unit, _ in SERIES.values()
}
# shares of a whole that cannot exceed 100 by definition; WDI has a few above it (Lao PDR
# 1962-1973 up to 723 %, Qatar 1972: fuel exports measured against a different merchandise
# total), kept but flagged "uncertain"
SHARE_CAP: dict[str, float] = {"wdi_fuel_exports": 100.0}
COLUMNS = ["Country Name", "Country Code", "Year", "Value"]
WORLD = "WLD"
OUT_COLUMNS = ["iso3", "year", "indicator", "value", "unit", "source", "flag"]


def raw_file(code: str) -> str:
    return f"wdi/{code}.csv"


SOURCE: dict = {
    "id": SOURCE_ID,
    "publisher": "World Bank",
    "title": "World Development Indicators (selected series)",
    "version": "datahub.io mirror, commit 4ebec5a of 2026-07-01 (WDI of about June/July 2026)",
    "url": "https://datacatalog.worldbank.org/search/dataset/0037712/World-Development-Indicators",
    "licence": "CC-BY-4.0",
    "retrieved": "2026-11-28",
    "raw_files": [raw_file(code) for code in SERIES],
    "refresh": None,
    "caveats": [
        "The mirror keeps no WDI release date; the vintage is the mirror's commit date, and "
        "values for the latest year are provisional.",
        "No total GDP at PPP in this mirror: use gdp_ppp (IMF WEO); wdi_gdppc_ppp is per capita.",
        "wdi_milex_gdp is SIPRI-derived; the brief's milex_gdp comes from SIPRI directly.",
        "R&D share of GDP (UNESCO UIS) ends in 2023 for China and the USA.",
        "Energy use per capita ends in 2023 for China and Russia; fuel and high-tech exports "
        "end in 2021 for Russia.",
        "World Bank aggregates other than World (WLD) are dropped.",
        "Fuel exports above 100 % of merchandise exports (Lao PDR 1962-1973, Qatar 1972) are "
        "kept but flagged uncertain.",
    ],
}


def read_series(path: Path, where: str) -> pd.DataFrame:
    """One WDI file -> ``(code, year, value)`` with numbers checked; empty values dropped."""
    try:
        raw = pd.read_csv(path, dtype="str", keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise BriefError(f"{where}: cannot read WDI CSV ({exc})") from exc
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
    dup = out.duplicated(["code", "year"], keep=False)
    if dup.any():
        r = out[dup].iloc[0]
        raise BriefError(f"{where}: {r['code']} {r['year']} appears more than once")
    return out.reset_index(drop=True)


def not_countries(alias_file: Path = ALIAS_FILE) -> set[str]:
    """Codes the alias file marks as deliberately not countries (empty iso3)."""
    aliases = pd.read_csv(alias_file, dtype="str", keep_default_na=False)
    return set(aliases.loc[aliases["iso3"].eq(""), "alias"])


def to_indicator(
    df: pd.DataFrame, code: str, countries, dropped: set[str], where: str
) -> pd.DataFrame:
    indicator, unit, divisor = SERIES[code]
    keep = df[~df["code"].isin(dropped - {WORLD})]
    world = keep["code"].eq(WORLD)
    iso3 = pd.Series(WORLD, index=keep.index, dtype="object")
    if (~world).any():
        mapped, _ = countries.map_series(SOURCE_ID, keep.loc[~world, "code"], unknown="raise")
        iso3[~world] = mapped.to_numpy()
    out = pd.DataFrame(
        {
            "iso3": iso3.to_numpy(),
            "year": keep["year"].to_numpy(),
            "indicator": indicator,
            "value": keep["value"].to_numpy() / divisor,
            "unit": unit,
            "source": SOURCE_ID,
            "flag": "",
        }
    )
    if indicator in SHARE_CAP:
        out.loc[out["value"] > SHARE_CAP[indicator], "flag"] = "uncertain"
    dup = out.duplicated(["iso3", "year"], keep=False)
    if dup.any():
        r = out[dup].iloc[0]
        raise BriefError(f"{where}: two codes map to {r['iso3']} in {r['year']}")
    return out


def curate(raw_dir: Path, countries=None) -> dict[str, pd.DataFrame]:
    if countries is None:
        from analysis.data.sources.imf_weo import AliasMapper

        countries = AliasMapper(ALIAS_FILE, iso3_keys=True)
    raw_dir = Path(raw_dir)
    dropped = not_countries()
    parts = []
    for code in SERIES:
        where = raw_file(code)
        df = read_series(raw_dir / where, where)
        parts.append(to_indicator(df, code, countries, dropped, where))
    out = pd.concat(parts, ignore_index=True)[OUT_COLUMNS]
    return {"indicators": out.sort_values(["iso3", "year", "indicator"]).reset_index(drop=True)}
