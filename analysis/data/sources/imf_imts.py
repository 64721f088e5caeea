"""IMF International Trade in Goods (IMTS, the successor of DOTS), Russian Federation as
reporter, every partner, 2016–2024.

Rows produced: its part of the ``bilateral_trade`` table (``data/bilateral_trade/imf_imts.csv``;
columns :data:`analysis.data.validate.TRADE_COLUMNS`): ``reporter_iso3 = "RUS"``; ``flow`` is
``export`` (indicator ``XG_FOB_USD``, exports FOB, ``valuation = "fob"``) or ``import``
(``MG_CIF_USD``, imports CIF, ``valuation = "cif"``); ``value`` in US$ m as published (the file's
``SCALE`` must be ``Millions``).

From :data:`ESTIMATES_FROM` (2022) the values are not Russia's: Russia stopped publishing its
trade by partner in 2022, and the IMF fills its rows with estimates built from the partners'
reports (mirror data; in this file they carry long decimals, the earlier years six). Those rows
are ``basis = "partner-based estimate"``, ``flag = "estimate"``; earlier rows ``basis =
"reported"``, ``flag = ""`` (in 2016–2021 they equal the DOTS file value for value).

The raw file (``RU_trade.csv``, UTF-8 with a byte-order mark) has one row per indicator and
partner, the years as columns; an empty cell gives no row. Partners (``COUNTERPART_COUNTRY.ID``)
are ISO3 codes or IMF codes: the alias file ``aliases/imf_imts.csv`` maps the exceptions (``G001``
World is kept as ``WLD``; ``WBG`` is ``PSE``; IMF groups and residual rows such as ``G998`` EU or
``TX910`` are listed with an empty ISO3 and dropped); any other key must be a known ISO3 code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.data.countries import check_known
from analysis.data.sources import common
from analysis.data.validate import TRADE_COLUMNS, TRADE_UNIT
from analysis.errors import BriefError

SOURCE_ID = "imf_imts"
RAW_FILE = "imf_imts_russia/RU_trade.csv"
ALIAS_FILE = common.alias_file(SOURCE_ID)
REPORTER = "RUS"
FLOWS = {"XG_FOB_USD": ("export", "fob"), "MG_CIF_USD": ("import", "cif")}
SCALE = "Millions"
FREQUENCY = "A"
#: From this year Russia published no trade by partner: the IMF's values are partner-based
#: estimates (SOURCES.md section 14; the long decimals in the file from this year on).
ESTIMATES_FROM = 2022
KEY_COLUMNS = ["COUNTRY.ID", "INDICATOR.ID", "COUNTERPART_COUNTRY.ID", "FREQUENCY.ID", "SCALE"]
YEAR = re.compile(r"^\d{4}$")

# what the data is (publisher, version, licence, caveats) is in imf_imts.meta.yml beside this file
SOURCE = common.source_metadata(SOURCE_ID, [RAW_FILE], series=[f for f, _ in FLOWS.values()]).source


def read_raw(path: Path, where: str = RAW_FILE) -> pd.DataFrame:
    """The raw CSV as text, checked: the key columns present, at least one year column, one
    row per indicator and partner, and nothing but Russia's annual exports FOB and imports CIF
    in US$ millions."""
    if not path.is_file():
        raise BriefError(f"{where}: raw file not found; expected the IMF IMTS extract")
    raw = common.read_csv_text(path, "the IMF IMTS CSV", where, encoding="utf-8-sig")
    common.require_columns(raw, KEY_COLUMNS, where)
    years = [c for c in raw.columns if YEAR.match(str(c))]
    if not years:
        raise BriefError(f"{where}: no year columns (2016, 2017, …); expected one per year")
    if raw.empty:
        raise BriefError(f"{where}: no rows; expected one row per indicator and partner")
    for col, allowed in (
        ("COUNTRY.ID", [REPORTER]),
        ("INDICATOR.ID", list(FLOWS)),
        ("FREQUENCY.ID", [FREQUENCY]),
        ("SCALE", [SCALE]),
    ):
        bad = ~raw[col].isin(allowed)
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise BriefError(
                f"{where}: line {i + 2}, column {col!r}: {raw[col].iloc[i]!r}; expected "
                f"{' or '.join(repr(a) for a in allowed)}"
            )
    r = common.first_duplicate(raw, ["INDICATOR.ID", "COUNTERPART_COUNTRY.ID"])
    if r is not None:
        raise BriefError(
            f"{where}: indicator {r['INDICATOR.ID']} for partner "
            f"{r['COUNTERPART_COUNTRY.ID']!r} appears twice; expected one row per indicator and "
            "partner"
        )
    return raw


def to_long(raw: pd.DataFrame, where: str = RAW_FILE) -> pd.DataFrame:
    """Wide years -> ``indicator, partner, year, value`` (empty cells give no row)."""
    years = [c for c in raw.columns if YEAR.match(str(c))]
    long = raw.melt(
        id_vars=["INDICATOR.ID", "COUNTERPART_COUNTRY.ID"],
        value_vars=years,
        var_name="year",
        value_name="cell",
    )
    long = long[long["cell"].str.strip().ne("")]
    value = pd.to_numeric(long["cell"], errors="coerce")
    bad = value.isna() | value.lt(0)
    if bad.any():
        r = long[bad].iloc[0]
        raise BriefError(
            f"{where}: {r['INDICATOR.ID']}, partner {r['COUNTERPART_COUNTRY.ID']!r}, year "
            f"{r['year']}: {r['cell']!r}; expected a non-negative number (US$ m)"
        )
    return pd.DataFrame(
        {
            "indicator": long["INDICATOR.ID"].to_numpy(),
            "partner": long["COUNTERPART_COUNTRY.ID"].to_numpy(),
            "year": long["year"].astype(int).to_numpy(),
            "value": value.to_numpy(dtype=float),
        }
    )


def map_partners(long: pd.DataFrame, aliases: dict[str, str], where: str = RAW_FILE):
    """Partner codes -> ISO3: the alias file's exceptions, else the code itself when it is three
    capital letters; IMF groups (empty ISO3) dropped, any other code an error."""
    codes = {}
    for key in sorted(set(long["partner"])):
        if key in aliases:
            codes[key] = aliases[key]
        elif re.fullmatch(r"[A-Z]{3}", key):
            codes[key] = key
        else:
            raise BriefError(
                f"{where}: partner {key!r} is neither an ISO3 code nor in "
                f"aliases/{SOURCE_ID}.csv; expected a country code or a listed IMF group"
            )
    out = long.assign(partner_iso3=long["partner"].map(codes))
    return out[out["partner_iso3"].ne("")].drop(columns="partner")


def to_table(long: pd.DataFrame) -> pd.DataFrame:
    flow = long["indicator"].map({k: v[0] for k, v in FLOWS.items()})
    valuation = long["indicator"].map({k: v[1] for k, v in FLOWS.items()})
    estimate = long["year"].ge(ESTIMATES_FROM)
    out = pd.DataFrame(
        {
            "reporter_iso3": REPORTER,
            "partner_iso3": long["partner_iso3"].to_numpy(),
            "year": long["year"].to_numpy(),
            "flow": flow.to_numpy(),
            "value": long["value"].round(6).to_numpy(),
            "unit": TRADE_UNIT,
            "source": SOURCE_ID,
            "flag": estimate.map({True: "estimate", False: ""}).to_numpy(),
            "basis": estimate.map({True: "partner-based estimate", False: "reported"}).to_numpy(),
            "valuation": valuation.to_numpy(),
        }
    )
    r = common.first_duplicate(out, ["partner_iso3", "year", "flow"])
    if r is not None:
        raise BriefError(
            f"{RAW_FILE}: two partner codes map to {r['partner_iso3']} ({r['flow']} "
            f"{r['year']}); expected one per ISO3 code"
        )
    key = ["reporter_iso3", "partner_iso3", "year", "flow"]
    return out[TRADE_COLUMNS].sort_values(key).reset_index(drop=True)


def curate(raw_dir: Path, countries) -> dict[str, pd.DataFrame]:
    """``countries`` (a CountryMapper, or None in unit tests) checks every produced code."""
    raw = read_raw(Path(raw_dir) / RAW_FILE)
    long = map_partners(to_long(raw), common.alias_codes(ALIAS_FILE))
    table = to_table(long)
    check_known(countries, SOURCE_ID, table["partner_iso3"].unique())
    return {"bilateral_trade": table}
