"""SIPRI Military Expenditure Database, the releases before April 2026 (2021 and 2025).

Read with the parser of the current release (:mod:`.sipri_milex`: font colours as estimate and
uncertainty flags, '...' and 'xxx' as no row, region headings checked), with each release's own
sheet names (:data:`SHEETS`). Each release becomes its own table,
``data/vintages/sipri_milex/<release>.csv`` (``release, iso3, year, indicator, value, flag``),
with the indicator ids of the current release: ``milex_const`` is in that release's constant
dollars (2019 US$ in the 2021 release, 2023 US$ in the 2025 release), so levels of two releases
are never comparable, ratios within one release are.

What differs, and how it is read: the constant-dollar sheet of the 2021 release ends with a
column ``2020 Current`` (2020 at 2020 prices), which is not a year and is left out; the 2025
copy stores its year headings as numbers with decimals (read as years) and prints 0 where SIPRI
has no data (:data:`ZEROS_MISSING`: every 0 of that copy gives no row but for the states without
armed forces); the names of an earlier release are looked up in ``aliases/sipri_milex_vintages.csv``
first, then as the current release's (:class:`EarlierNames`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.sources import common, sipri_milex
from analysis.errors import BriefError

SOURCE_ID = "sipri_milex_vintages"
OF = sipri_milex.SOURCE_ID
FOLDER = "sipri_milex"
#: release -> (file in the vintages folder's sipri_milex/, sheet -> (indicator, multiplier))
RELEASES: dict[str, tuple[str, dict[str, tuple[str, float]]]] = {
    "2021": (
        "SIPRI-Milex-data-1949-2020_0.xlsx",
        {
            "Constant (2019) USD": ("milex_const", 1.0),
            "Current USD": ("milex_current", 1.0),
            "Share of GDP": ("milex_gdp", 100.0),
        },
    ),
    "2025": (
        "SIPRI-Milex-data-1949-2024_2.xlsx",
        {
            "Constant (2023) US$": ("milex_const", 1.0),
            "Current US$": ("milex_current", 1.0),
            "Share of GDP": ("milex_gdp", 100.0),
        },
    ),
}
#: Releases whose copy prints 0 for no data (see the module docstring).
ZEROS_MISSING = frozenset({"2025"})
VINTAGE_FILES = [f"{FOLDER}/{name}" for name, _ in RELEASES.values()]
ALIAS_FILE = common.alias_file(SOURCE_ID)
SOURCE, _ = common.source_metadata(SOURCE_ID, [])
SOURCE["vintage_files"] = VINTAGE_FILES


class EarlierNames:
    """Country names of an earlier release: this module's alias file (the names the current
    release no longer uses, ``USA``, ``Turkey``), then the current release's rules."""

    def __init__(self, countries):
        if countries is None:
            self.steps = [
                (common.AliasMapper(ALIAS_FILE), SOURCE_ID),
                (common.AliasMapper(sipri_milex.ALIAS_FILE), OF),
            ]
        else:
            self.steps = [(countries, SOURCE_ID), (countries, OF)]

    def map_series(self, source, series, *, unknown="raise"):
        (first_mapper, first_source), (then_mapper, then_source) = self.steps
        s = series if isinstance(series, pd.Series) else pd.Series(list(series), dtype="object")
        first, _ = first_mapper.map_series(first_source, s, unknown="drop")
        need = first.isna()
        then, dropped = then_mapper.map_series(then_source, s[need], unknown=unknown)
        out = first.astype("object").copy()
        out[need] = then.to_numpy()
        return out, dropped


def release_indicators(release: str, path: Path, countries, where: str) -> pd.DataFrame:
    """One release as tidy indicator rows (a missing file is one ``BriefError`` naming it)."""
    _, sheets = RELEASES[release]
    if not path.is_file():
        raise BriefError(
            f"{where}: earlier SIPRI release not found; expected the file listed in the "
            "vintages folder's SOURCES.md"
        )
    return sipri_milex.curate_workbook(
        path, countries, sheets=sheets, where=where, zeros_missing=release in ZEROS_MISSING
    )


def curate(raw_dir: Path, countries, vintages_dir: Path) -> dict[str, pd.DataFrame]:
    """``vintages``: every release, with its ``release`` column."""
    countries = EarlierNames(countries)
    parts = []
    for release, (name, _) in RELEASES.items():
        where = f"{FOLDER}/{name}"
        rows = release_indicators(release, Path(vintages_dir) / FOLDER / name, countries, where)
        parts.append(rows.assign(release=release))
    return {"vintages": pd.concat(parts, ignore_index=True)}
