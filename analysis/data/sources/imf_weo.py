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

from analysis.errors import BriefError

SOURCE_ID = "imf_weo"
CSV_FILE = "imf_weo/weo_2025oct_selected_concepts.csv"
RDA_FILE = "imf_weo/data_2510.rda"
ALIAS_FILE = Path(__file__).resolve().parents[1] / "aliases" / f"{SOURCE_ID}.csv"

SOURCE: dict = {
    "id": SOURCE_ID,
    "publisher": "International Monetary Fund (IMF)",
    "title": "World Economic Outlook database, October 2025",
    "version": "October 2025 (IMF.RES:WEO 9.0.0, downloaded 2025-10-16 by the R package imfweo)",
    "url": "https://www.imf.org/en/Publications/WEO/weo-database/2025/october",
    "licence": "IMF copyright; reuse with attribution under the IMF terms of use",
    "retrieved": "2026-11-28",
    "raw_files": [CSV_FILE, RDA_FILE],
    "refresh": None,
    "caveats": [
        "Values after each country's last year of actual data are IMF projections "
        "(flag 'projection'); a projection is a scenario of October 2025, not data.",
        "PPPGDP has no lastactualdate in this vintage: its projection flag follows the "
        "country's NGDPD.",
        "Fiscal-year reporters (e.g. India) are on a fiscal-year basis; FY2023/24 is read as 2023.",
        "PPP GDP is at current international dollars and moves with ICP benchmark revisions.",
        "WEO country groups other than World (G001 -> WLD) are dropped.",
        "The raw CSV is a derived extract of the {imfweo} data_2510.rda (14 concepts, notes "
        "dropped), not a file from the IMF.",
    ],
}

# concept -> (indicator id, unit, target scale: value is in units of 10**scale)
CONCEPTS: dict[str, tuple[str, str, int]] = {
    "NGDPD": ("gdp_mer", "US$ bn", 9),
    "PPPGDP": ("gdp_ppp", "intl$ bn", 9),
    "NGDP_RPCH": ("gdp_growth", "%", 0),
    "LP": ("pop", "million", 6),
}

# indicator id -> (label, description); units come from CONCEPTS
_TEXT = {
    "gdp_mer": (
        "GDP at market exchange rates",
        "Gross domestic product at current prices in US dollars (WEO NGDPD); IMF projections "
        "after each country's last actual year are flagged 'projection'.",
    ),
    "gdp_ppp": (
        "GDP at purchasing-power parity",
        "Gross domestic product at current prices in PPP international dollars (WEO PPPGDP); "
        "moves with ICP benchmark revisions.",
    ),
    "gdp_growth": (
        "Real GDP growth",
        "Annual percent change of GDP at constant prices (WEO NGDP_RPCH).",
    ),
    "pop": ("Population", "Population in millions (WEO LP)."),
}
INDICATORS: dict[str, dict[str, str]] = {
    ind: {"label": _TEXT[ind][0], "unit": unit, "description": _TEXT[ind][1]}
    for ind, unit, _ in CONCEPTS.values()
}
COLUMNS = ["ref_area", "lastactualdate", "scale", "concept", "year", "value"]
WORLD_CODE = "G001"
WEO_LAST_ACTUAL_DEFAULT = 2024
AGGREGATE_RE = re.compile(r"^GX?\d+$")
OUT_COLUMNS = ["iso3", "year", "indicator", "value", "unit", "source", "flag"]


class AliasMapper:
    """Fallback country mapper for the macro sources, built from one source's alias file.

    Used when ``curate`` gets ``countries=None`` (no project-wide CountryMapper). Alias keys are
    ``key`` or ``key:from-to`` (years, inclusive; the same convention as ``aliases/voeten.csv``);
    an empty iso3 means "deliberately not a country" and the key is dropped. With
    ``iso3_keys=True`` a key that is not in the file but looks like an ISO3 code maps to itself.
    """

    def __init__(self, alias_file: Path, *, iso3_keys: bool = False):
        aliases = pd.read_csv(alias_file, dtype="str", keep_default_na=False)
        self.where = f"aliases/{alias_file.name}"
        self.iso3_keys = iso3_keys
        self.rules: dict[str, list[tuple[int, int, str]]] = {}
        for key, iso3 in zip(aliases["alias"], aliases["iso3"], strict=True):
            name, sep, span = key.rpartition(":") if ":" in key else (key, "", "")
            y0, y1 = 0, 9999
            if sep:
                m = re.fullmatch(r"(\d{4})-(\d{4})", span)
                if not m:
                    raise BriefError(f"{self.where}: alias {key!r}: expected 'key:YYYY-YYYY'")
                y0, y1 = int(m.group(1)), int(m.group(2))
            self.rules.setdefault(name, []).append((y0, y1, iso3))

    def _lookup(self, key, year: int | None) -> str | None:
        rules = self.rules.get(str(key))
        if rules is None:
            if self.iso3_keys and re.fullmatch(r"[A-Z]{3}", str(key)):
                return str(key)
            return None
        if year is None:  # any non-empty code makes the key a country
            return next((iso3 for _, _, iso3 in rules if iso3), "")
        hits = [iso3 for y0, y1, iso3 in rules if y0 <= year <= y1]
        return hits[0] if hits else None

    def to_iso3(self, source, key, year=None) -> str:
        iso3 = self._lookup(key, year)
        if iso3 is None:
            at = "" if year is None else f" in {year}"
            raise BriefError(
                f"{source}: unknown country code or name {key!r}{at}; expected one "
                f"listed in {self.where}"
            )
        return iso3

    def map_series(self, source, series, *, unknown="raise"):
        codes = {k: self._lookup(k, None) for k in pd.unique(series)}
        missing = sorted(str(k) for k, v in codes.items() if v is None)
        if missing and unknown == "raise":
            raise BriefError(
                f"{source}: unknown country code or name {missing[0]!r}; expected "
                f"one listed in {self.where}"
            )
        empty = sorted(str(k) for k, v in codes.items() if v == "")
        mapped = series.map(lambda k: codes[k] or None)
        return mapped, [*missing, *empty]


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
    try:
        raw = pd.read_csv(path, dtype="str", keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise BriefError(f"{path.name}: cannot read IMF WEO CSV ({exc})") from exc
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise BriefError(
            f"{path.name}: missing column(s) {missing}; expected the imfweo columns {COLUMNS}"
        )
    return raw


def parse_weo(raw: pd.DataFrame, where: str = CSV_FILE) -> pd.DataFrame:
    """Raw WEO rows -> ``(ref_area, year, indicator, value, unit, flag)`` keyed by WEO code.

    Only the concepts in :data:`CONCEPTS` are kept, scaled to their unit and flagged.
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
    dup = df.duplicated(["ref_area", "concept", "year"], keep=False)
    if dup.any():
        row = df[dup].iloc[0]
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
    last_actual = (
        own.astype("Float64").fillna(fallback.astype("Float64")).fillna(WEO_LAST_ACTUAL_DEFAULT)
    )
    target = df["concept"].map({c: v[2] for c, v in CONCEPTS.items()})
    value = df["value"].astype(float) * 10.0 ** (df["scale"].astype(int) - target)
    out = pd.DataFrame(
        {
            "ref_area": df["ref_area"].str.strip(),
            "year": df["year"],
            "indicator": df["concept"].map({c: v[0] for c, v in CONCEPTS.items()}),
            "value": value,
            "unit": df["concept"].map({c: v[1] for c, v in CONCEPTS.items()}),
            "flag": (df["year"] > last_actual).map({True: "projection", False: ""}),
        }
    )
    return out.reset_index(drop=True)


def listed_aggregates(alias_file: Path = ALIAS_FILE) -> set[str]:
    """The WEO group codes the alias file lists as deliberately not countries (empty iso3)."""
    aliases = pd.read_csv(alias_file, dtype="str", keep_default_na=False)
    return set(aliases.loc[aliases["iso3"].eq(""), "alias"])


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
    world = df["ref_area"].eq(WORLD_CODE)
    iso3 = pd.Series("WLD", index=df.index, dtype="str")
    if (~world).any():
        mapped, _ = countries.map_series(SOURCE_ID, df.loc[~world, "ref_area"], unknown="raise")
        iso3[~world] = mapped.to_numpy()
    out = df.assign(iso3=iso3, source=SOURCE_ID)[OUT_COLUMNS]
    dup = out.duplicated(["iso3", "year", "indicator"], keep=False)
    if dup.any():
        row = out[dup].iloc[0]
        raise BriefError(
            f"{where}: two WEO areas map to {row['iso3']} ({row['indicator']} {row['year']}); "
            "expected one area per ISO3 code"
        )
    return out.sort_values(["iso3", "year", "indicator"]).reset_index(drop=True)


def curate(raw_dir: Path, countries=None) -> dict[str, pd.DataFrame]:
    if countries is None:
        countries = AliasMapper(ALIAS_FILE, iso3_keys=True)
    path = Path(raw_dir) / CSV_FILE
    parsed = parse_weo(read_weo_csv(path))
    kept, _dropped = split_aggregates(parsed, listed_aggregates())
    return {"indicators": to_indicators(kept, countries)}
