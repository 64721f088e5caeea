"""IMF Direction of Trade Statistics (DOTS), Russian Federation as reporter, 2010–2023.

Rows produced: its part of the ``bilateral_trade`` table (``data/bilateral_trade/imf_dots.csv``;
columns :data:`analysis.data.validate.TRADE_COLUMNS`): ``reporter_iso3 = "RUS"``; ``flow`` is
``export`` (Russia's exports FOB to the partner, ``valuation = "fob"``) or ``import`` (Russia's
imports CIF from the partner, ``valuation = "cif"``); ``value`` in ``US$ m`` (current US dollars,
millions) as published; ``basis = "reported"``, ``flag = ""`` (the files mark no estimate).

The two workbooks are IMF web tables (title rows, the years in row 7, one row per partner in
column B), read with ``header=None`` and sliced:

- exports: ``rf_exports_2023.xlsx``, sheet ``Exports, FOB`` (2011–2023);
- imports: ``rf_exports_2023.xlsx``, sheet ``Imports, CIF`` (2011–2022, the later vintage), plus
  2010 from ``rf_imports.xlsx`` (``Imports, CIF``, 2010–2022), the only file with 2010. In the
  years both files hold, they must agree within 1 % (they differ by at most 0.65 %, 2022
  revisions), else curation fails.

Partners are mapped through ``aliases/imf_dots.csv``: mainland China is ``CHN``, Hong Kong
``HKG`` and Macao ``MAC`` separately; ``World`` is kept as ``WLD``; the IMF group and residual
rows (``European Union``, ``Euro Area``, ``Advanced Economies``, ``... not specified``, …) are
listed there with an empty ISO3 and dropped. A row repeated verbatim (``Australia`` appears twice
in the 2023 workbook) is kept once; a repeated partner with different values is an error. Empty
cells give no row.

Caveat: these are Russia-reported figures (from 2022 probably IMF estimates, as Russia stopped
publishing trade by partner); they are well below China's mirror figures (China reports about
US$ 190 bn of 2022 turnover).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from analysis.data.countries import check_known
from analysis.data.sources import common
from analysis.data.validate import TRADE_COLUMNS, TRADE_UNIT
from analysis.errors import BriefError

SOURCE_ID = "imf_dots"
EXPORTS_FILE = "imf_dots_russia/rf_exports_2023.xlsx"
IMPORTS_FILE = "imf_dots_russia/rf_imports.xlsx"
ALIAS_FILE = common.alias_file(SOURCE_ID)
EXPORT_SHEET = "Exports, FOB"
IMPORT_SHEET = "Imports, CIF"
YEAR_ROW = 6  # 0-based: the 7th row holds the years
UNIT = TRADE_UNIT
REVISION_TOLERANCE = 0.01
COLUMNS = TRADE_COLUMNS
VALUATION = {"export": "fob", "import": "cif"}

# what the data is (publisher, version, licence, caveats) is in imf_dots.meta.yml beside this file
SOURCE = common.source_metadata(
    SOURCE_ID, [EXPORTS_FILE, IMPORTS_FILE], series=list(VALUATION)
).source


def read_aliases(alias_file: Path = ALIAS_FILE) -> dict[str, str]:
    """IMF partner name -> ISO3 (empty: a group or residual row)."""
    return common.alias_codes(alias_file)


def read_sheet(path: Path, sheet: str) -> pd.DataFrame:
    try:
        return pd.read_excel(path, sheet_name=sheet, header=None)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise BriefError(f"{path.name}: cannot read sheet {sheet!r} ({exc})") from exc


def parse_web_table(raw: pd.DataFrame, where: str) -> pd.DataFrame:
    """An IMF web table (``header=None``) -> long ``partner, year, value`` rows."""
    if raw.shape[0] <= YEAR_ROW + 1 or raw.shape[1] < 3:
        raise BriefError(
            f"{where}: {raw.shape[0]} rows; expected an IMF web table (years in row 7)"
        )
    years = pd.to_numeric(raw.iloc[YEAR_ROW, 2:], errors="coerce")
    if years.isna().any() or years.ne(years.round()).any() or not years.between(1948, 2100).all():
        raise BriefError(
            f"{where}: row {YEAR_ROW + 1} should hold the years from column C; "
            f"found {raw.iloc[YEAR_ROW, 2:].tolist()!r}"
        )
    body = raw.iloc[YEAR_ROW + 1 :, 1:].copy()
    body.columns = ["partner", *years.astype(int).tolist()]
    body = body[body["partner"].notna()]
    body["partner"] = body["partner"].astype(str).str.strip()
    body = body.drop_duplicates()
    dup = body[body["partner"].duplicated()]
    if not dup.empty:
        raise BriefError(
            f"{where}: partner {dup['partner'].iloc[0]!r} appears twice with different values; "
            "expected one row per partner"
        )
    long = body.melt(id_vars="partner", var_name="year", value_name="cell")
    long = long[long["cell"].notna()]
    value = pd.to_numeric(long["cell"], errors="coerce")
    bad = value.isna() | value.lt(0)
    if bad.any():
        r = long[bad].iloc[0]
        raise BriefError(
            f"{where}: partner {r['partner']!r}, year {r['year']}: {str(r['cell'])!r}; "
            "expected a non-negative number"
        )
    return pd.DataFrame(
        {
            "partner": long["partner"].to_numpy(),
            "year": long["year"].astype(int).to_numpy(),
            "value": value.to_numpy(dtype=float),
        }
    )


def map_partners(long: pd.DataFrame, aliases: dict[str, str], where: str) -> pd.DataFrame:
    """Partners -> ISO3 through the alias file; listed groups (empty ISO3) dropped."""
    unknown = sorted(set(long["partner"]) - set(aliases))
    if unknown:
        raise BriefError(
            f"{where}: partner {unknown[0]!r} is not in aliases/{SOURCE_ID}.csv; "
            "expected a listed country or group"
        )
    out = long.assign(partner_iso3=long["partner"].map(aliases))
    return out[out["partner_iso3"].ne("")].drop(columns="partner")


def merge_vintages(later: pd.DataFrame, earlier: pd.DataFrame, where: str) -> pd.DataFrame:
    """Later-vintage rows, plus the earlier file's rows for years the later one lacks; the two
    must agree within :data:`REVISION_TOLERANCE` where both have a value."""
    both = later.merge(earlier, on=["partner_iso3", "year"], suffixes=("", "_old"))
    rel = (both["value"] - both["value_old"]).abs() / both["value_old"].abs().clip(lower=1e-9)
    off = both[rel.gt(REVISION_TOLERANCE) & (both["value"] - both["value_old"]).abs().gt(0.01)]
    if not off.empty:
        r = off.iloc[0]
        raise BriefError(
            f"{where}: partner {r['partner_iso3']}, year {r['year']}: {r['value']:.3f} against "
            f"{r['value_old']:.3f} in the earlier file; expected agreement within "
            f"{REVISION_TOLERANCE:.0%}"
        )
    extra = earlier[~earlier["year"].isin(set(later["year"]))]
    return pd.concat([later, extra], ignore_index=True)


def to_table(exports: pd.DataFrame, imports: pd.DataFrame) -> pd.DataFrame:
    frames = [exports.assign(flow="export"), imports.assign(flow="import")]
    out = pd.concat(frames, ignore_index=True)
    out = out.assign(reporter_iso3="RUS", unit=UNIT, source=SOURCE_ID, flag="", basis="reported")
    out["valuation"] = out["flow"].map(VALUATION)
    out["value"] = out["value"].round(6)
    key = ["reporter_iso3", "partner_iso3", "year", "flow"]
    return out[COLUMNS].sort_values(key).reset_index(drop=True)


def curate(raw_dir: Path, countries) -> dict[str, pd.DataFrame]:
    """Partners are mapped through ``aliases/imf_dots.csv``.

    ``countries`` (a CountryMapper, or None in unit tests) only checks that every produced
    code is in the country table.
    """
    raw_dir = Path(raw_dir)
    aliases = read_aliases()

    def sheet(rel: str, name: str) -> pd.DataFrame:
        where = f"{rel} [{name}]"
        long = parse_web_table(read_sheet(raw_dir / rel, name), where)
        return map_partners(long, aliases, where)

    exports = sheet(EXPORTS_FILE, EXPORT_SHEET)
    imports = merge_vintages(
        sheet(EXPORTS_FILE, IMPORT_SHEET), sheet(IMPORTS_FILE, IMPORT_SHEET), IMPORTS_FILE
    )
    table = to_table(exports, imports)
    check_known(countries, SOURCE_ID, table["partner_iso3"].unique())
    return {"bilateral_trade": table}
