"""UN General Assembly ideal points (Bailey, Strezhnev & Voeten), July 2025 release.

Indicator produced (``source = "voeten"``): ``unga_idealpoint`` = ``idealpointfp``, the ideal
point estimated from final-passage votes, one value per country and calendar year 1946–2024
(``idealpointall`` is empty for every country in 2024, so it is not used). Higher values are
closer to the US-led Western position (USA 2022 = 2.146, China -1.351, Russia -0.809).

The file is read with ``pandas.read_stata``; countries are identified by the file's ``iso3c``
column, corrected by ``aliases/voeten.csv`` whose keys are COW ccodes, optionally restricted to a
year range (``345:1992-2005``). The file's quirks and how each is handled:

- ``countryname`` is mis-encoded for two countries (UTF-8 read as Latin-1: ``SÃ£o TomÃ©``,
  ``CÃ´te dâ€™Ivoire``); names are not used, codes are.
- ccode 680 (South Yemen) is labelled ``YAR`` like North Yemen (678): mapped to ``YMD``.
- ccodes 260 (German Federal Republic, 1973–1989) and 255 (Germany, from 1990) are both ``DEU``;
  they never overlap in a year with data (260's 1990 row is empty), so both stay ``DEU``.
- 17 country-years have an empty ``iso3c`` (e.g. 260 in 1990, 740 Japan in 1956); all of them
  carry no ideal point and give no row. An empty-code row **with** a value is an error.
- ccode 345 is ``YUG`` throughout: ``YUG`` to 1991, ``SCG`` 1992–2005, ``SRB`` from 2006.
- ccode 365 is ``RUS`` throughout: ``SUN`` (Soviet Union) to 1991, ``RUS`` from 1992.
- Taiwan (713, 1946–1971) is the Republic of China holding China's seat; ``CHN`` starts in 1971.

A missing ``idealpointfp`` gives no row. Values are rounded to 6 decimals.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pandas as pd

from analysis.data.countries import check_known
from analysis.data.sources import common
from analysis.errors import BriefError

SOURCE_ID = "voeten"
DTA_FILE = "voeten_unga/IdealpointsJuly2025.dta"
ALIAS_FILE = common.alias_file(SOURCE_ID)
INDICATOR = "unga_idealpoint"
COLUMNS = ["ccode", "iso3c", "year", "idealpointfp"]
# what the data is (publisher, version, licence, caveats; label, unit and description of the
# indicator) is in voeten.meta.yml beside this file
SOURCE, INDICATORS = common.source_metadata(SOURCE_ID, [DTA_FILE], [INDICATOR])


def read_alias_rules(alias_file: Path = ALIAS_FILE) -> pd.DataFrame:
    """``ccode[:from-to]`` keys -> rules ``(ccode, y0, y1, iso3)``."""
    return common.year_rules(alias_file, "ccode", "ccode", int)


def read_dta(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_stata(path, columns=COLUMNS)
    except (OSError, ValueError, struct.error) as exc:
        raise BriefError(f"{path.name}: cannot read the Voeten ideal points ({exc})") from exc
    return df


def to_indicators(df: pd.DataFrame, rules: pd.DataFrame, where: str = DTA_FILE) -> pd.DataFrame:
    """Raw ``ccode, iso3c, year, idealpointfp`` rows -> ``unga_idealpoint`` indicator rows."""
    common.require_columns(df, COLUMNS, where)
    df = df[COLUMNS].copy()
    df["ccode"] = df["ccode"].astype(int)
    df["year"] = df["year"].astype(int)
    df["iso3"] = df["iso3c"].fillna("").astype(str).str.strip()
    for r in rules.itertuples():
        hit = df["ccode"].eq(r.ccode) & df["year"].between(r.y0, r.y1)
        df.loc[hit, "iso3"] = r.iso3
    df = df[df["idealpointfp"].notna()]
    nocode = df[df["iso3"].eq("")]
    if not nocode.empty:
        r = nocode.iloc[0]
        raise BriefError(
            f"{where}: ccode {r.ccode}, year {r.year} has an ideal point but no iso3c; "
            f"expected a code, or a rule in aliases/{SOURCE_ID}.csv"
        )
    dup = df[df.duplicated(["iso3", "year"], keep=False)]
    if not dup.empty:
        r = dup.iloc[0]
        raise BriefError(
            f"{where}: ccodes {sorted(int(c) for c in dup[dup.iso3.eq(r.iso3)].ccode.unique())} "
            f"both give "
            f"{r.iso3} in {r.year}; expected one row per country and year"
        )
    out = pd.DataFrame(
        {
            "iso3": df["iso3"],
            "year": df["year"],
            "indicator": INDICATOR,
            "value": df["idealpointfp"].astype(float).round(6),
            "unit": INDICATORS[INDICATOR]["unit"],
            "source": SOURCE_ID,
            "flag": "",
        }
    )
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


def curate(raw_dir: Path, countries) -> dict[str, pd.DataFrame]:
    """The file carries ISO3 codes, corrected by the rules of ``aliases/voeten.csv``.

    ``countries`` (a CountryMapper, or None in unit tests) only checks that every produced
    code is in the country table.
    """
    df = read_dta(Path(raw_dir) / DTA_FILE)
    out = to_indicators(df, read_alias_rules())
    check_known(countries, SOURCE_ID, out["iso3"])
    return {"indicators": out}
