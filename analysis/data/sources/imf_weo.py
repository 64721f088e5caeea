"""IMF World Economic Outlook, October 2025: GDP (MER and PPP), real growth, population.

Read from ``weo_2025oct_selected_concepts.csv``, the rows of the {imfweo} R package's
``data_2510`` object for 14 WEO concepts (the ``.rda`` holds every concept; the CSV has all four
used here, so the ``.rda`` is only checksum-listed). Columns: ``unit, base_year, ref_area, freq,
lastactualdate, scale, concept, year, value``.

Indicators produced (``source = "imf_weo"``):

========== =========== ========== ==============================================
id          WEO concept unit       meaning
========== =========== ========== ==============================================
gdp_mer     NGDPD       US$ bn     GDP, current prices, US dollars
gdp_ppp     PPPGDP      intl$ bn   GDP, current prices, PPP international dollars
gdp_growth  NGDP_RPCH   %          GDP, constant prices, annual percent change
pop         LP          million    population
========== =========== ========== ==============================================

Scale: the package stores ``value = raw value / 10**scale``; each row is converted to the unit
above with ``value * 10**(scale - target_scale)`` (target 9 for US$ bn, 6 for millions, 0 for
percent), so a row stored in millions (scale 6) of a billions indicator is divided by 1,000.

Projections: a value is flagged ``"projection"`` when its year is after the last year of actual
data of that country and concept (``lastactualdate``). Where that is empty (all of PPPGDP in this
vintage, and the country groups) the country's NGDPD ``lastactualdate`` is used (PPP GDP is
nominal GDP converted at a PPP rate, so it is actual exactly when NGDPD is); where that too is
empty (World), years after :data:`WEO_LAST_ACTUAL_DEFAULT` (2024, the year before the October
2025 release) are projections. A fiscal-year date ``FY2023/24`` is read as 2023, the earlier
calendar year: WEO labels a fiscal year by its first calendar year for most fiscal-year
reporters (India: 2024 = FY2024/25), and the earlier reading can only flag one actual year too
many as a projection, never a projection as actual.

Aggregates: WEO country groups have codes ``G`` + digits or ``GX`` + digits. ``G001`` (World)
is kept as ``WLD``; every other group is dropped, and each one must be listed (with an empty
ISO3 code and a note) in ``analysis/data/aliases/imf_weo.csv`` so a group added in a new vintage
is an error, not a silent drop.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.data.sources import common
from analysis.data.sources.common import AliasMapper
from analysis.errors import BriefError

SOURCE_ID = "imf_weo"
CSV_FILE = "imf_weo/weo_2025oct_selected_concepts.csv"
RDA_FILE = "imf_weo/data_2510.rda"
ALIAS_FILE = common.alias_file(SOURCE_ID)

# concept -> (indicator id, target scale: the value is in units of 10**scale)
CONCEPTS: dict[str, tuple[str, int]] = {
    "NGDPD": ("gdp_mer", 9),
    "PPPGDP": ("gdp_ppp", 9),
    "NGDP_RPCH": ("gdp_growth", 0),
    "LP": ("pop", 6),
}
# what the data is (publisher, version, licence, caveats; label, unit and description of each
# indicator) is in imf_weo.meta.yml beside this file
SOURCE, INDICATORS = common.source_metadata(
    SOURCE_ID, [CSV_FILE, RDA_FILE], [ind for ind, _ in CONCEPTS.values()]
)
COLUMNS = ["ref_area", "lastactualdate", "scale", "concept", "year", "value"]
WORLD_CODE = "G001"
WEO_LAST_ACTUAL_DEFAULT = 2024
AGGREGATE_RE = re.compile(r"^GX?\d+$")


def is_aggregate(code: str) -> bool:
    """WEO country-group codes: ``G`` or ``GX`` followed by digits (``GAB`` is a country)."""
    return bool(AGGREGATE_RE.match(code))


def parse_last_actual(text: str, where: str) -> int | None:
    """``"2024"`` -> 2024, ``"FY2023/24"`` -> 2023 (the earlier calendar year), ``""`` -> None."""
    text = text.strip()
    if not text:
        return None
    m = re.fullmatch(r"(?:FY)?(\d{4})(?:/\d{2})?", text)
    if not m:
        raise BriefError(
            f"{where}: lastactualdate {text!r} is not a year like '2024' or 'FY2023/24'"
        )
    return int(m.group(1))


def read_weo_csv(path: Path) -> pd.DataFrame:
    """The raw CSV as strings (empty cells stay ``""``), with the needed columns checked."""
    raw = common.read_csv_text(path, "IMF WEO CSV")
    common.require_columns(raw, COLUMNS, path.name, f"the imfweo columns {COLUMNS}")
    return raw


def parse_weo(
    raw: pd.DataFrame, where: str = CSV_FILE, default_last: int = WEO_LAST_ACTUAL_DEFAULT
) -> pd.DataFrame:
    """Raw WEO rows -> ``(ref_area, year, indicator, value, unit, flag)`` keyed by WEO code.

    Only the concepts in :data:`CONCEPTS` are kept, scaled to their unit and flagged
    (``default_last``: the last actual year where neither the row nor the area's NGDPD says;
    the year before the release).
    Raises ``BriefError`` on a missing concept, a non-numeric value, year or scale, or a
    duplicated (ref_area, concept, year).
    """
    df = raw.loc[raw["concept"].isin(list(CONCEPTS)), COLUMNS].copy()
    absent = [c for c in CONCEPTS if c not in set(df["concept"])]
    if absent:
        raise BriefError(f"{where}: concept(s) {absent} not found; expected {list(CONCEPTS)}")
    for col in ("year", "scale", "value"):
        num = pd.to_numeric(df[col], errors="coerce")
        bad = num.isna()
        if bad.any():
            row = df[bad].iloc[0]
            raise BriefError(
                f"{where}: {row['ref_area']} {row['concept']} {row['year']}: "
                f"{col} {row[col]!r} is not a number"
            )
        df[col] = num
    df["year"] = df["year"].astype(int)
    row = common.first_duplicate(df, ["ref_area", "concept", "year"])
    if row is not None:
        raise BriefError(
            f"{where}: {row['ref_area']} {row['concept']} {row['year']} appears more than once; "
            "expected one value per area, concept and year"
        )

    cache: dict[str, int | None] = {}

    def last(text: str) -> int | None:
        if text not in cache:
            cache[text] = parse_last_actual(text, where)
        return cache[text]

    own = df["lastactualdate"].map(last)
    gdp_last = df[df["concept"] == "NGDPD"].groupby("ref_area")["lastactualdate"].first().map(last)
    fallback = df["ref_area"].map(gdp_last)
    last_actual = own.astype("Float64").fillna(fallback.astype("Float64")).fillna(default_last)
    target = df["concept"].map({c: v[1] for c, v in CONCEPTS.items()})
    value = df["value"].astype(float) * 10.0 ** (df["scale"].astype(int) - target)
    indicator = df["concept"].map({c: v[0] for c, v in CONCEPTS.items()})
    out = pd.DataFrame(
        {
            "ref_area": df["ref_area"].str.strip(),
            "year": df["year"],
            "indicator": indicator,
            "value": value,
            "unit": indicator.map({k: v["unit"] for k, v in INDICATORS.items()}),
            "flag": (df["year"] > last_actual).map({True: "projection", False: ""}),
        }
    )
    return out.reset_index(drop=True)


def listed_aggregates(alias_file: Path = ALIAS_FILE) -> set[str]:
    """The WEO group codes the alias file lists as deliberately not countries (empty iso3)."""
    return common.not_countries_in(alias_file)


def split_aggregates(
    df: pd.DataFrame, known: set[str], where: str = CSV_FILE
) -> tuple[pd.DataFrame, list[str]]:
    """Keep World as ``WLD``, drop the other groups; returns (rows, dropped codes).

    Every group code found must be in ``known`` (the reviewed list), else ``BriefError``.
    """
    codes = sorted({c for c in df["ref_area"].unique() if is_aggregate(c)})
    unknown = [c for c in codes if c != WORLD_CODE and c not in known]
    if unknown:
        raise BriefError(
            f"{where}: WEO country group(s) {unknown} are not listed in aliases/{SOURCE_ID}.csv; "
            "expected every dropped aggregate to be listed with an empty iso3 and a note"
        )
    dropped = [c for c in codes if c != WORLD_CODE]
    out = df[~df["ref_area"].isin(dropped)].copy()
    return out, dropped


def to_indicators(df: pd.DataFrame, countries, where: str = CSV_FILE) -> pd.DataFrame:
    """Parsed WEO rows (aggregates already split off) -> tidy indicator rows with ISO3."""
    iso3 = common.iso3_with_world(countries, SOURCE_ID, df["ref_area"], WORLD_CODE)
    out = df.assign(iso3=iso3, source=SOURCE_ID)[common.OUT_COLUMNS]
    return common.unique_indicators(out, where, "WEO areas")


def curate(raw_dir: Path, countries=None) -> dict[str, pd.DataFrame]:
    if countries is None:
        countries = AliasMapper(ALIAS_FILE, iso3_keys=True)
    path = Path(raw_dir) / CSV_FILE
    parsed = parse_weo(read_weo_csv(path))
    kept, _dropped = split_aggregates(parsed, listed_aggregates())
    return {"indicators": to_indicators(kept, countries)}
