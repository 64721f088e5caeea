"""CEPII BACI: China–Russia trade reconciled from both sides' reports, by HS6 product, 2017–2023,
summed to a total per direction and year.

Rows produced: its part of the ``bilateral_trade`` table (``data/bilateral_trade/
cepii_baci.csv``; columns :data:`analysis.data.validate.TRADE_COLUMNS`). BACI has no reporter:
each flow is reconciled from the exporter's and the importer's reports. A row is written from
the exporter's side: ``reporter_iso3`` the exporter (``i``), ``partner_iso3`` the importer
(``j``), ``flow = "export"``, ``basis = "reconciled"``, ``valuation = "fob"`` (BACI removes CIF
costs from imports); ``value`` is the sum of ``v`` (thousand US$) over the products, in US$ m.

The raw file has BACI's own columns ``t`` (year), ``i`` and ``j`` (UN M49 numeric codes, mapped
through ``aliases/cepii_baci.csv``), ``k`` (HS6 product), ``v`` (value, thousand US$) and ``q``
(tonnes, unused). A product given twice for one flow and year is an error (it would be summed
twice); an empty or negative value is an error.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.sources import common
from analysis.data.validate import TRADE_UNIT
from analysis.errors import BriefError

SOURCE_ID = "cepii_baci"
RAW_FILE = "cepii_baci_china_russia/baci_russia_china_processed_2017_2023.csv"
ALIAS_FILE = common.alias_file(SOURCE_ID)
NEEDED = ["t", "i", "j", "k", "v"]
THOUSANDS = 1000.0  # BACI's v is in thousand US$; the table is in US$ m

# what the data is (publisher, version, licence, caveats) is in cepii_baci.meta.yml beside it
SOURCE = common.source_metadata(SOURCE_ID, [RAW_FILE], series=["export"]).source


def read_raw(path: Path, where: str = RAW_FILE) -> pd.DataFrame:
    """The raw CSV as text, checked: BACI's columns, at least one row."""
    if not path.is_file():
        raise BriefError(f"{where}: raw file not found; expected the CEPII BACI extract")
    raw = common.read_csv_text(path, "the CEPII BACI CSV", where)
    common.require_columns(raw, NEEDED, where)
    if raw.empty:
        raise BriefError(
            f"{where}: no rows; expected one row per year, exporter, importer, product"
        )
    return raw


def products(raw: pd.DataFrame, where: str = RAW_FILE) -> pd.DataFrame:
    """``year, exporter, importer, product, value`` (thousand US$), checked."""
    year = pd.to_numeric(raw["t"], errors="coerce")
    value = pd.to_numeric(raw["v"], errors="coerce")
    for col, ok, expected in (
        ("t", year.between(1990, 2100) & year.eq(year.round()), "a year"),
        ("v", value.ge(0), "a non-negative number (thousand US$)"),
    ):
        bad = ~ok.fillna(False).astype(bool)
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise BriefError(
                f"{where}: line {i + 2}, column {col!r}: {raw[col].iloc[i]!r}; expected {expected}"
            )
    out = pd.DataFrame(
        {
            "year": year.astype(int),
            "exporter": raw["i"],
            "importer": raw["j"],
            "product": raw["k"],
            "value": value.astype(float),
        }
    )
    r = common.first_duplicate(out, ["year", "exporter", "importer", "product"])
    if r is not None:
        raise BriefError(
            f"{where}: product {r['product']} from {r['exporter']} to {r['importer']} in "
            f"{r['year']} appears twice; expected one row per year, exporter, importer, product"
        )
    return out


def to_table(rows: pd.DataFrame, aliases: dict[str, str], where: str = RAW_FILE) -> pd.DataFrame:
    """Products summed to a total per exporter, importer and year, in US$ m."""
    common.m49_codes([*rows["exporter"], *rows["importer"]], aliases, where, SOURCE_ID)
    totals = rows.groupby(["exporter", "importer", "year"], as_index=False)["value"].sum()
    return common.trade_rows(
        {
            "reporter_iso3": totals["exporter"].map(aliases),
            "partner_iso3": totals["importer"].map(aliases),
            "year": totals["year"].astype(int),
            "flow": "export",
            "value": (totals["value"] / THOUSANDS).round(6),
            "unit": TRADE_UNIT,
            "source": SOURCE_ID,
            "flag": "",
            "basis": "reconciled",
            "valuation": "fob",
        }
    )


def curate(raw_dir: Path, countries) -> dict[str, pd.DataFrame]:
    """``countries`` (a CountryMapper, or None in unit tests) checks every produced code."""
    rows = products(read_raw(Path(raw_dir) / RAW_FILE))
    return common.trade_curated(
        to_table(rows, common.alias_codes(ALIAS_FILE)), countries, SOURCE_ID
    )
