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
from analysis.errors import BriefError

SOURCE_ID = "voeten"
DTA_FILE = "voeten_unga/IdealpointsJuly2025.dta"
ALIAS_FILE = Path(__file__).resolve().parents[1] / "aliases" / f"{SOURCE_ID}.csv"
INDICATOR = "unga_idealpoint"
UNIT = "index"

SOURCE: dict = {
    "id": SOURCE_ID,
    "publisher": "Erik Voeten, Anton Strezhnev and Michael Bailey (Harvard Dataverse)",
    "title": "United Nations General Assembly Voting Data: ideal point estimates",
    "version": "July 2025 release (IdealpointsJuly2025.dta, codebook of 28 July 2025)",
    "url": "https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379",
    "licence": "Harvard Dataverse terms; cite Bailey, Strezhnev & Voeten (2017) and "
    "Fjelstul, Hug & Kilby (2025)",
    "retrieved": "2026-11-28",
    "raw_files": [DTA_FILE],
    "refresh": None,
    "caveats": [
        "Ideal points from final-passage votes only (idealpointfp); indexed by calendar year.",
        "The Soviet Union (SUN) to 1991 and Russia (RUS) from 1992 are separate codes; the file "
        "gives RUS throughout.",
        "South Yemen (ccode 680) is wrongly YAR in the file and is mapped to YMD.",
        "ccode 345 is YUG to 1991, SCG 1992-2005 (no votes 1993-1999), SRB from 2006.",
        "Taiwan (TWN) 1946-1971 is the Republic of China holding China's UN seat.",
        "Ideal points are estimates with posterior uncertainty (qofp..q100fp, not curated).",
    ],
}
INDICATORS: dict[str, dict[str, str]] = {
    INDICATOR: {
        "label": "UNGA ideal point",
        "unit": UNIT,
        "description": "Country's ideal point from UN General Assembly final-passage roll-call "
        "votes (Bailey, Strezhnev & Voeten); higher = closer to the US-led Western position.",
    }
}
COLUMNS = ["ccode", "iso3c", "year", "idealpointfp"]


def read_alias_rules(alias_file: Path = ALIAS_FILE) -> pd.DataFrame:
    """``ccode[:from-to]`` keys -> rules ``(ccode, y0, y1, iso3)``."""
    aliases = pd.read_csv(alias_file, dtype="str", keep_default_na=False)
    rules = []
    for key, iso3 in zip(aliases["alias"], aliases["iso3"], strict=True):
        code, _, span = key.partition(":")
        y0, _, y1 = span.partition("-")
        try:
            rules.append((int(code), int(y0 or 0), int(y1 or y0 or 9999), iso3))
        except ValueError as exc:
            raise BriefError(
                f"aliases/{SOURCE_ID}.csv: alias {key!r} is not 'ccode' or 'ccode:from-to'"
            ) from exc
    return pd.DataFrame(rules, columns=["ccode", "y0", "y1", "iso3"])


def read_dta(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_stata(path, columns=COLUMNS)
    except (OSError, ValueError, struct.error) as exc:
        raise BriefError(f"{path.name}: cannot read the Voeten ideal points ({exc})") from exc
    return df


def to_indicators(df: pd.DataFrame, rules: pd.DataFrame, where: str = DTA_FILE) -> pd.DataFrame:
    """Raw ``ccode, iso3c, year, idealpointfp`` rows -> ``unga_idealpoint`` indicator rows."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise BriefError(f"{where}: column(s) {missing} missing; expected {COLUMNS}")
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
            "unit": UNIT,
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
