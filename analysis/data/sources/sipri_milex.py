"""SIPRI Military Expenditure Database 1949–2025 (v1.2, April 2026 release).

Read with openpyxl from ``SIPRI-Milex-data-1949-2025_v1.2.xlsx`` because the estimate and
uncertainty marks are cell **font colours**, which a CSV export loses.

Indicators produced (``source = "sipri_milex"``):

============== ====================== ======== =============================================
id              sheet                   unit     note
============== ====================== ======== =============================================
milex_const     ``Constant (2024) US$`` US$ m    constant 2024 prices and exchange rates
milex_current   ``Current US$``         US$ m    current prices and exchange rates
milex_gdp       ``Share of GDP``        %        SIPRI stores a **fraction** (USA 2024 = 0.0343,
                                                 Kuwait 1991 = 1.17); multiplied by 100 here
============== ====================== ======== =============================================

Cell conventions, from each sheet's own header lines (row 3: "Figures in blue are SIPRI
estimates. Figures in red indicate highly uncertain data."; row 4: "..." = data unavailable,
"xxx" = country did not exist or was not independent):

- a number in a blue font (palette index 12, ``0000FF``) -> ``flag = "estimate"``;
- a number in a red font (palette index 10, ``FF0000``) -> ``flag = "uncertain"``;
- a number in the default or black font -> ``flag = ""``; any other font colour is an error
  (a new convention this code has not been taught);
- ``...``, ``…``, ``. .``, an empty string or an empty cell (no data) and ``xxx`` (no such state)
  give **no row**, never a zero. Any other text in a year column is an error.
- a printed ``0`` is real only for states without armed forces (:data:`ZERO_OK`: Costa Rica,
  Iceland, Panama); Yugoslavia's current-US$ zeros of 1958–1990 (positive in local currency)
  are dropped as an artefact (:data:`ZERO_DROPPED`); any other zero is an error.

The sheet's row-3 sentence is checked, so a release that changes the colour convention fails
loudly. Region and subregion headings (``Africa``, ``North Africa``, …) are rows without a single
number; they are listed in :data:`REGION_HEADINGS` and must never carry numbers. The sheets hold
no world total in these units (the ``Regional totals`` sheet is in US$ b and its last column is
at 2025 prices), so no ``WLD`` row is produced. The ``European Union`` row (the EU's own
spending, not a state) is dropped through ``aliases/sipri_milex.csv`` (empty iso3). The USSR is
its own row and maps to ``SUN``; Russia (``RUS``) starts in 1992.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.sources import common
from analysis.errors import BriefError

SOURCE_ID = "sipri_milex"
XLSX_FILE = "sipri_milex/SIPRI-Milex-data-1949-2025_v1.2.xlsx"
ALIAS_FILE = common.alias_file(SOURCE_ID)

# sheet name -> (indicator id, multiplier)
SHEETS: dict[str, tuple[str, float]] = {
    "Constant (2024) US$": ("milex_const", 1.0),
    "Current US$": ("milex_current", 1.0),
    "Share of GDP": ("milex_gdp", 100.0),
}
# what the data is (publisher, version, licence, caveats; label, unit and description of each
# indicator) is in sipri_milex.meta.yml beside this file
SOURCE, INDICATORS = common.source_metadata(
    SOURCE_ID, [XLSX_FILE], [ind for ind, _ in SHEETS.values()]
)
COLOUR_NOTE = "Figures in blue are SIPRI estimates. Figures in red indicate highly uncertain data."
COLOUR_FLAGS = {"0000FF": "estimate", "FF0000": "uncertain", "000000": ""}
NO_DATA = {"", "...", "…", ". .", "xxx"}
REGION_HEADINGS = frozenset(
    {
        "Africa",
        "North Africa",
        "sub-Saharan Africa",
        "Americas",
        "Central America and the Caribbean",
        "North America",
        "South America",
        "Asia & Oceania",
        "Oceania",
        "South Asia",
        "East Asia",
        "South East Asia",
        "Central Asia",
        "Europe",
        "Central Europe",
        "Eastern Europe",
        "Western Europe",
        "Middle East",
    }
)
# A printed 0 is real only for states without armed forces; elsewhere it is an artefact.
ZERO_OK = frozenset({"Costa Rica", "Iceland", "Panama"})
# Earlier releases' names of a sheet -> this release's name (for ZERO_DROPPED)
ZERO_SHEETS = {"Current USD": "Current US$"}
# (name, sheet) -> why its zeros are dropped
ZERO_DROPPED: dict[tuple[str, str], str] = {
    ("Yugoslavia", "Current US$"): "1958-1990 printed as 0 although the local-currency sheet "
    "shows positive spending (dinar redenominations); not a real zero",
}


def font_rgb(cell, palette) -> str:
    """The cell's font colour as ``RRGGBB`` (``"000000"`` for the default font)."""
    color = cell.font.color if cell.font is not None else None
    if color is None:
        return "000000"
    if color.type == "indexed":
        idx = color.indexed
        if idx in (64, 32767):  # system foreground / automatic
            return "000000"
        return str(palette[idx])[-6:].upper()
    if color.type == "rgb":
        return str(color.rgb)[-6:].upper()
    if color.type == "theme" and color.theme == 1:  # theme text colour ("dark 1")
        return "000000"
    return f"{color.type}:{getattr(color, color.type)}"


def _palette(wb) -> list[str]:
    from openpyxl.styles.colors import COLOR_INDEX

    return list(wb._colors) if getattr(wb, "_colors", None) else list(COLOR_INDEX)


def header_year(value) -> int | None:
    """A year column's heading: ``2024``, ``2024.0`` (the 2025 release stores floats) or
    ``"2024"``; anything else (``"Notes"``, ``"2020 Current"``) is not a year column."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def parse_sheet(ws, palette, where: str) -> pd.DataFrame:
    """One SIPRI sheet -> long ``(name, year, value, flag)`` rows (values as printed)."""
    note = ws.cell(row=3, column=1).value
    if (note or "").strip() != COLOUR_NOTE:
        raise BriefError(
            f"{where}: row 3 reads {note!r}; expected the colour convention {COLOUR_NOTE!r}"
        )
    rows = ws.iter_rows()
    header_row = None
    for row in rows:
        if isinstance(row[0].value, str) and row[0].value.strip() == "Country":
            header_row = row
            break
    if header_row is None:
        raise BriefError(f"{where}: no header row starting with 'Country'")
    years = {
        i: year for i, c in enumerate(header_row) if (year := header_year(c.value)) is not None
    }
    if not years:
        raise BriefError(f"{where}: header row {header_row[0].row} has no year columns")
    out: list[tuple[str, int, float, str]] = []
    for row in rows:
        name = row[0].value
        if name is None or not str(name).strip():
            continue
        name = str(name).strip()
        found = []
        for i, year in years.items():
            if i >= len(row):
                continue
            cell = row[i]
            v = cell.value
            if v is None or (isinstance(v, str) and v.strip() in NO_DATA):
                continue
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise BriefError(
                    f"{where}: {name!r} {year}: {v!r} is neither a number nor '...'/'xxx'"
                )
            rgb = font_rgb(cell, palette)
            if rgb not in COLOUR_FLAGS:
                raise BriefError(
                    f"{where}: {name!r} {year}: font colour {rgb} has no documented meaning; "
                    "expected blue (estimate), red (uncertain) or black"
                )
            found.append((name, year, float(v), COLOUR_FLAGS[rgb]))
        if name in REGION_HEADINGS:
            if found:
                raise BriefError(
                    f"{where}: region heading {name!r} carries numbers; expected an empty "
                    "heading row (regional totals are not country data)"
                )
            continue
        out.extend(found)
    df = pd.DataFrame(out, columns=["name", "year", "value", "flag"])
    r = common.first_duplicate(df, ["name", "year"])
    if r is not None:
        raise BriefError(f"{where}: country {r['name']!r} appears twice (year {r['year']})")
    return df


def screen_zeros(
    long: pd.DataFrame, sheet: str, where: str, zeros_missing: bool = False
) -> pd.DataFrame:
    """Keep zeros of :data:`ZERO_OK` states, drop the :data:`ZERO_DROPPED` ones, reject others
    (``zeros_missing``: drop every other zero, for a copy whose zeros stand for no data)."""
    zero = long["value"].eq(0) & ~long["name"].isin(ZERO_OK)
    if zeros_missing:
        return long[~zero].reset_index(drop=True)
    known = long["name"].map(lambda n: (n, sheet) in ZERO_DROPPED)
    bad = zero & ~known
    if bad.any():
        r = long[bad].iloc[0]
        raise BriefError(
            f"{where}: {r['name']!r} {r['year']}: military expenditure printed as 0; expected a "
            f"positive value (only {sorted(ZERO_OK)} have no armed forces)"
        )
    return long[~(zero & known)].reset_index(drop=True)


def not_countries(alias_file: Path = ALIAS_FILE) -> set[str]:
    """Names the alias file marks as deliberately not countries (empty iso3)."""
    return common.not_countries_in(alias_file)


def to_indicators(
    long: pd.DataFrame, indicator: str, factor: float, countries, dropped: set[str]
) -> pd.DataFrame:
    keep = long[~long["name"].isin(dropped)]
    iso3, _ = countries.map_series(SOURCE_ID, keep["name"], unknown="raise")
    return pd.DataFrame(
        {
            "iso3": iso3.to_numpy(),
            "year": keep["year"].astype(int).to_numpy(),
            "indicator": indicator,
            "value": keep["value"].to_numpy() * factor,
            "unit": INDICATORS[indicator]["unit"],
            "source": SOURCE_ID,
            "flag": keep["flag"].to_numpy(),
        }
    )


def curate_workbook(
    path: Path,
    countries,
    dropped: set[str] | None = None,
    sheets: dict[str, tuple[str, float]] | None = None,
    where: str | None = None,
    zeros_missing: bool = False,
) -> pd.DataFrame:
    """A workbook's indicator rows: each sheet of ``sheets`` (sheet name -> (indicator,
    multiplier); default :data:`SHEETS`, this release's names). ``where`` names the file in
    errors (default its name); ``zeros_missing`` see :func:`screen_zeros`."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    sheets = SHEETS if sheets is None else sheets
    name = where or path.name
    try:
        wb = load_workbook(path, data_only=True)
    except (OSError, ValueError, KeyError, BadZipFile, InvalidFileException) as exc:
        raise BriefError(f"{name}: cannot read SIPRI milex workbook ({exc})") from exc
    missing = [s for s in sheets if s not in wb.sheetnames]
    if missing:
        raise BriefError(f"{name}: sheet(s) {missing} not found; expected {list(sheets)}")
    palette = _palette(wb)
    dropped = not_countries() if dropped is None else dropped
    parts = []
    for sheet, (indicator, factor) in sheets.items():
        at = f"{name} [{sheet}]"
        long = parse_sheet(wb[sheet], palette, at)
        long = screen_zeros(long, ZERO_SHEETS.get(sheet, sheet), at, zeros_missing)
        parts.append(to_indicators(long, indicator, factor, countries, dropped))
    out = pd.concat(parts, ignore_index=True)[common.OUT_COLUMNS]
    return common.unique_indicators(out, name, "SIPRI names")


def curate(raw_dir: Path, countries=None) -> dict[str, pd.DataFrame]:
    if countries is None:
        countries = common.AliasMapper(ALIAS_FILE)
    return {"indicators": curate_workbook(Path(raw_dir) / XLSX_FILE, countries)}
