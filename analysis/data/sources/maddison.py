"""Maddison Project Database 2020 (Bolt & van Zanden 2020), as exported by Our World in Data.

Raw file: ``owid_datasets/Maddison Project Database 2020 (Bolt and van Zanden (2020)).csv``,
columns ``Entity, Year, GDP per capita, Population, GDP``. For long-run context only (ends 2018).

Indicators (``source = "maddison"``):

================ ======================= ==================================
id                unit                    column
================ ======================= ==================================
maddison_gdppc    2011 intl$              ``GDP per capita``
maddison_pop      million                 ``Population`` (people / 1e6)
maddison_gdp      2011 intl$ bn           ``GDP`` (/ 1e9)
================ ======================= ==================================

Rules:

- years before :data:`FIRST_YEAR` (1820) are left out: the series are sparse benchmark years
  before then;
- entity names are OWID's own; they are mapped through the country mapper with
  ``aliases/maddison.csv`` (e.g. ``Former USSR`` -> ``SUN``);
- ``World`` is kept as ``WLD``; the MPD regions (``Western Europe``, ``Western Offshoots``,
  ``Sub-Sahara Africa`` …) are listed in the alias file with an empty iso3 and dropped;
- ``Former USSR``, ``Former Yugoslavia`` and ``Czechoslovakia`` are territorial series that
  MPD continues after the state dissolved (the sum of its successors): they are kept under the
  historical code only up to the dissolution (:data:`DISSOLVED`), so no row double-counts the
  successors. Before 1992 ``Russia`` is MPD's estimate for the territory of today's Russia,
  alongside the USSR.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.errors import BriefError

SOURCE_ID = "maddison"
CSV_FILE = "owid_datasets/Maddison Project Database 2020 (Bolt and van Zanden (2020)).csv"
ALIAS_FILE = Path(__file__).resolve().parents[1] / "aliases" / f"{SOURCE_ID}.csv"

SOURCE: dict = {
    "id": SOURCE_ID,
    "publisher": "Groningen Growth and Development Centre (Maddison Project), via Our World "
    "in Data",
    "title": "Maddison Project Database 2020",
    "version": "MPD 2020 (Bolt & van Zanden 2020), OWID dataset export of 2022-04-11",
    "url": "https://www.rug.nl/ggdc/historicaldevelopment/maddison/releases/"
    "maddison-project-database-2020",
    "licence": "CC BY 4.0 (MPD and OWID)",
    "retrieved": "2026-11-28",
    "raw_files": [CSV_FILE],
    "refresh": None,
    "caveats": [
        "MPD 2020 ends in 2018; the 2023 release was not obtainable.",
        "GDP is in 2011 international dollars (PPP), not comparable with PWT's 2017 prices "
        "or WEO's current PPP.",
        "Years before 1820 are left out (sparse benchmark years).",
        "Former USSR, Former Yugoslavia and Czechoslovakia are kept only up to their "
        "dissolution (SUN to 1991, YUG to 1991, CSK to 1992).",
        "MPD regions are dropped; World is kept as WLD.",
    ],
}

# column -> (indicator id, unit, divisor)
COLUMNS: dict[str, tuple[str, str, float]] = {
    "GDP per capita": ("maddison_gdppc", "2011 intl$", 1.0),
    "Population": ("maddison_pop", "million", 1e6),
    "GDP": ("maddison_gdp", "2011 intl$ bn", 1e9),
}

_TEXT = {
    "maddison_gdppc": (
        "GDP per capita (Maddison)",
        "Maddison Project 2020 real GDP per capita, 2011 international dollars.",
    ),
    "maddison_pop": ("Population (Maddison)", "Maddison Project 2020 population, millions."),
    "maddison_gdp": (
        "GDP (Maddison)",
        "Maddison Project 2020 real GDP (OWID: per capita times population), 2011 intl$ bn.",
    ),
}
INDICATORS: dict[str, dict[str, str]] = {
    ind: {"label": _TEXT[ind][0], "unit": unit, "description": _TEXT[ind][1]}
    for ind, unit, _ in COLUMNS.values()
}
FIRST_YEAR = 1820
WORLD = "World"
# entity -> last year it is kept (MPD continues these territorial series after dissolution)
DISSOLVED = {"Former USSR": 1991, "Former Yugoslavia": 1991, "Czechoslovakia": 1992}
OUT_COLUMNS = ["iso3", "year", "indicator", "value", "unit", "source", "flag"]


def read_csv(path: Path) -> pd.DataFrame:
    try:
        raw = pd.read_csv(path, dtype="str", keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise BriefError(f"{path.name}: cannot read Maddison CSV ({exc})") from exc
    need = ["Entity", "Year", *COLUMNS]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise BriefError(f"{path.name}: missing column(s) {missing}; expected {need}")
    return raw


def parse(raw: pd.DataFrame, where: str = CSV_FILE) -> pd.DataFrame:
    """Raw rows -> long ``(entity, year, indicator, value, unit)``; empty cells give no row."""
    df = raw.copy()
    df["Entity"] = df["Entity"].str.strip()
    year = pd.to_numeric(df["Year"].str.strip(), errors="coerce")
    if year.isna().any():
        i = int(year.isna().to_numpy().nonzero()[0][0])
        raise BriefError(f"{where}: data row {i + 1}: Year {df['Year'].iloc[i]!r} is not a number")
    df["Year"] = year.astype(int)
    dup = df.duplicated(["Entity", "Year"], keep=False)
    if dup.any():
        r = df[dup].iloc[0]
        raise BriefError(f"{where}: {r['Entity']!r} {r['Year']} appears more than once")
    df = df[df["Year"] >= FIRST_YEAR]
    last = df["Entity"].map(DISSOLVED)
    df = df[last.isna() | (df["Year"] <= last)]
    parts = []
    for col, (indicator, unit, divisor) in COLUMNS.items():
        text = df[col].str.strip()
        keep = df[text.ne("")]
        value = pd.to_numeric(keep[col].str.strip(), errors="coerce")
        if value.isna().any():
            r = keep[value.isna()].iloc[0]
            raise BriefError(
                f"{where}: {r['Entity']!r} {r['Year']}: {col} {r[col]!r} is not a number"
            )
        if (value < 0).any():
            r = keep[value < 0].iloc[0]
            raise BriefError(f"{where}: {r['Entity']!r} {r['Year']}: {col} {r[col]} is negative")
        parts.append(
            pd.DataFrame(
                {
                    "entity": keep["Entity"].to_numpy(),
                    "year": keep["Year"].to_numpy(),
                    "indicator": indicator,
                    "value": value.to_numpy() / divisor,
                    "unit": unit,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def not_countries(alias_file: Path = ALIAS_FILE) -> set[str]:
    aliases = pd.read_csv(alias_file, dtype="str", keep_default_na=False)
    return set(aliases.loc[aliases["iso3"].eq(""), "alias"])


def to_indicators(
    long: pd.DataFrame, countries, dropped: set[str], where: str = CSV_FILE
) -> pd.DataFrame:
    keep = long[~long["entity"].isin(dropped)]
    world = keep["entity"].eq(WORLD)
    iso3 = pd.Series("WLD", index=keep.index, dtype="object")
    if (~world).any():
        mapped, _ = countries.map_series(SOURCE_ID, keep.loc[~world, "entity"], unknown="raise")
        iso3[~world] = mapped.to_numpy()
    out = keep.assign(iso3=iso3, source=SOURCE_ID, flag="")[OUT_COLUMNS]
    dup = out.duplicated(["iso3", "year", "indicator"], keep=False)
    if dup.any():
        r = out[dup].iloc[0]
        raise BriefError(f"{where}: two entities map to {r['iso3']} in {r['year']}")
    return out.sort_values(["iso3", "year", "indicator"]).reset_index(drop=True)


def curate(raw_dir: Path, countries=None) -> dict[str, pd.DataFrame]:
    if countries is None:
        from analysis.data.sources.imf_weo import AliasMapper

        countries = AliasMapper(ALIAS_FILE)
    long = parse(read_csv(Path(raw_dir) / CSV_FILE))
    return {"indicators": to_indicators(long, countries, not_countries())}
