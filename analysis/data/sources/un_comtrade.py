"""UN Comtrade: China's imports from Russia as China's customs report them, monthly 2017–2024,
summed to years.

Rows produced: its part of the ``bilateral_trade`` table (``data/bilateral_trade/
un_comtrade.csv``; columns :data:`analysis.data.validate.TRADE_COLUMNS`): one row per reporter,
partner, flow and year, ``value`` the sum of the months' ``primaryValue`` (US$) in US$ m;
``basis = "reported"`` (the reporter's own customs); ``valuation`` is ``cif`` for imports (flow
code ``M``) and ``fob`` for exports (``X``). A year summed from fewer than 12 months is kept but
flagged ``incomplete`` (its total would read as a fall); a month given twice is an error.

The raw file is a Comtrade API extract (one row per month, ``freqCode = "M"``): only totals
(``cmdCode = "TOTAL"``), every customs procedure and mode of transport (``customsCode = "C00"``,
``motCode = "0"``) and no second partner (``partner2Code = "0"``), so the months add up without
counting a flow twice; a row with any other breakdown is an error. Reporter and partner are UN
M49 numeric codes, mapped through ``aliases/un_comtrade.csv`` (156 China, 643 Russia).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.sources import common
from analysis.data.validate import TRADE_UNIT
from analysis.errors import BriefError

SOURCE_ID = "un_comtrade"
RAW_FILE = "comtrade_china_russia/comtrade_imports_chn_from_rus_2017_2024.csv"
ALIAS_FILE = common.alias_file(SOURCE_ID)
FLOWS = {"M": ("import", "cif"), "X": ("export", "fob")}
MONTHS = 12
#: Columns that must hold one value on every row: a row with another breakdown (a product, a
#: customs procedure, a mode of transport, a second partner) would be counted twice.
TOTALS = {
    "freqCode": "M",
    "cmdCode": "TOTAL",
    "customsCode": "C00",
    "motCode": "0",
    "partner2Code": "0",
}
NEEDED = ["refYear", "refMonth", "reporterCode", "partnerCode", "flowCode", "primaryValue"]

# what the data is (publisher, version, licence, caveats) is in un_comtrade.meta.yml beside it
SOURCE = common.source_metadata(SOURCE_ID, [RAW_FILE], series=["import"]).source


def read_raw(path: Path, where: str = RAW_FILE) -> pd.DataFrame:
    """The raw CSV as text, checked: the columns it needs, a row at all, only monthly totals."""
    if not path.is_file():
        raise BriefError(f"{where}: raw file not found; expected the UN Comtrade extract")
    raw = common.read_csv_text(path, "the UN Comtrade CSV", where)
    common.require_columns(raw, [*NEEDED, *TOTALS], where)
    if raw.empty:
        raise BriefError(f"{where}: no rows; expected one row per month")
    for col, want in TOTALS.items():
        bad = raw[col].ne(want)
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise BriefError(
                f"{where}: line {i + 2}, column {col!r}: {raw[col].iloc[i]!r}; expected {want!r} "
                "(monthly totals only, so months add up)"
            )
    bad = ~raw["flowCode"].isin(list(FLOWS))
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise BriefError(
            f"{where}: line {i + 2}, column 'flowCode': {raw['flowCode'].iloc[i]!r}; expected "
            f"one of {list(FLOWS)}"
        )
    return raw


def months(raw: pd.DataFrame, where: str = RAW_FILE) -> pd.DataFrame:
    """One row per month: ``reporter, partner, flow, year, month, value`` (US$), checked."""
    year = pd.to_numeric(raw["refYear"], errors="coerce")
    month = pd.to_numeric(raw["refMonth"], errors="coerce")
    value = pd.to_numeric(raw["primaryValue"], errors="coerce")
    for col, ok in (
        ("refYear", year.between(1962, 2100) & year.eq(year.round())),
        ("refMonth", month.between(1, MONTHS) & month.eq(month.round())),
        ("primaryValue", value.ge(0)),
    ):
        bad = ~ok.fillna(False).astype(bool)
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            expected = {
                "refYear": "a year",
                "refMonth": f"a month 1-{MONTHS}",
                "primaryValue": "a non-negative number (US$)",
            }[col]
            raise BriefError(
                f"{where}: line {i + 2}, column {col!r}: {raw[col].iloc[i]!r}; expected {expected}"
            )
    out = pd.DataFrame(
        {
            "reporter": raw["reporterCode"],
            "partner": raw["partnerCode"],
            "flow": raw["flowCode"],
            "year": year.astype(int),
            "month": month.astype(int),
            "value": value.astype(float),
        }
    )
    r = common.first_duplicate(out, ["reporter", "partner", "flow", "year", "month"])
    if r is not None:
        raise BriefError(
            f"{where}: reporter {r['reporter']}, partner {r['partner']}, flow {r['flow']}: month "
            f"{r['year']}-{r['month']:02d} appears twice; expected one row per month"
        )
    return out


def to_table(monthly: pd.DataFrame, aliases: dict[str, str], where: str = RAW_FILE):
    """Months summed to years (US$ -> US$ m), codes mapped; fewer than 12 months: ``incomplete``."""
    common.m49_codes([*monthly["reporter"], *monthly["partner"]], aliases, where, SOURCE_ID)
    key = ["reporter", "partner", "flow", "year"]
    years = monthly.groupby(key, as_index=False).agg(
        value=("value", "sum"), months=("month", "nunique")
    )
    flow = years["flow"].map({k: v[0] for k, v in FLOWS.items()})
    return common.trade_rows(
        {
            "reporter_iso3": years["reporter"].map(aliases),
            "partner_iso3": years["partner"].map(aliases),
            "year": years["year"].astype(int),
            "flow": flow,
            "value": (years["value"] / 1e6).round(6),
            "unit": TRADE_UNIT,
            "source": SOURCE_ID,
            "flag": years["months"].lt(MONTHS).map({True: "incomplete", False: ""}),
            "basis": "reported",
            "valuation": years["flow"].map({k: v[1] for k, v in FLOWS.items()}),
        }
    )


def curate(raw_dir: Path, countries) -> dict[str, pd.DataFrame]:
    """``countries`` (a CountryMapper, or None in unit tests) checks every produced code."""
    monthly = months(read_raw(Path(raw_dir) / RAW_FILE))
    table = to_table(monthly, common.alias_codes(ALIAS_FILE))
    return common.trade_curated(table, countries, SOURCE_ID)
