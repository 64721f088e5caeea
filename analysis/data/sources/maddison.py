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

from analysis.data.sources import common
from analysis.errors import BriefError

SOURCE_ID = "maddison"
CSV_FILE = "owid_datasets/Maddison Project Database 2020 (Bolt and van Zanden (2020)).csv"
ALIAS_FILE = common.alias_file(SOURCE_ID)

# column -> (indicator id, divisor)
COLUMNS: dict[str, tuple[str, float]] = {
    "GDP per capita": ("maddison_gdppc", 1.0),
    "Population": ("maddison_pop", 1e6),
    "GDP": ("maddison_gdp", 1e9),
}
# what the data is (publisher, version, licence, caveats; label, unit and description of each
# indicator) is in maddison.meta.yml beside this file
SOURCE, INDICATORS = common.source_metadata(
    SOURCE_ID, [CSV_FILE], [ind for ind, _ in COLUMNS.values()]
)
FIRST_YEAR = 1820
WORLD = "World"
# entity -> last year it is kept (MPD continues these territorial series after dissolution)
DISSOLVED = {"Former USSR": 1991, "Former Yugoslavia": 1991, "Czechoslovakia": 1992}


def read_csv(path: Path) -> pd.DataFrame:
    """The raw CSV as strings, with the needed columns checked."""
    raw = common.read_csv_text(path, "Maddison CSV")
    common.require_columns(raw, ["Entity", "Year", *COLUMNS], path.name)
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
    r = common.first_duplicate(df, ["Entity", "Year"])
    if r is not None:
        raise BriefError(f"{where}: {r['Entity']!r} {r['Year']} appears more than once")
    df = df[df["Year"] >= FIRST_YEAR]
    last = df["Entity"].map(DISSOLVED)
    df = df[last.isna() | (df["Year"] <= last)]
    parts = []
    for col, (indicator, divisor) in COLUMNS.items():
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
                    "unit": INDICATORS[indicator]["unit"],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def not_countries(alias_file: Path = ALIAS_FILE) -> set[str]:
    """Entities the alias file marks as deliberately not countries (the MPD regions)."""
    return common.not_countries_in(alias_file)


def to_indicators(
    long: pd.DataFrame, countries, dropped: set[str], where: str = CSV_FILE
) -> pd.DataFrame:
    keep = long[~long["entity"].isin(dropped)]
    iso3 = common.iso3_with_world(countries, SOURCE_ID, keep["entity"], WORLD)
    out = keep.assign(iso3=iso3, source=SOURCE_ID, flag="")[common.OUT_COLUMNS]
    return common.unique_indicators(out, where, "Maddison entities")


def curate(raw_dir: Path, countries=None) -> dict[str, pd.DataFrame]:
    if countries is None:
        countries = common.AliasMapper(ALIAS_FILE)
    long = parse(read_csv(Path(raw_dir) / CSV_FILE))
    return {"indicators": to_indicators(long, countries, not_countries())}
