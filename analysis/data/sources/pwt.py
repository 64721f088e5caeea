"""Penn World Table 10.01 (GGDC, January 2023), read from the R package {pwt10}'s ``.rda``.

Indicators (``source = "pwt"``), for long-run context (PWT 10.01 ends in 2019):

=========== =============================== ===============================================
id           unit                            PWT variable
=========== =============================== ===============================================
pwt_rgdpe    2017 intl$ bn (chained PPP)     ``rgdpe`` expenditure-side real GDP (US$ m / 1000)
pwt_rgdpo    2017 intl$ bn (chained PPP)     ``rgdpo`` output-side real GDP (US$ m / 1000)
pwt_pop      million                         ``pop``
=========== =============================== ===============================================

``isocode`` is already ISO3; it still goes through the country mapper so an unknown code fails.
Missing values (NA) give no row.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.sources import common
from analysis.errors import BriefError

SOURCE_ID = "pwt"
ALIAS_FILE = common.alias_file(SOURCE_ID)
RDA_FILE = "pwt/pwt10.01.rda"
OBJECT = "pwt10.01"

# PWT variable -> (indicator id, divisor)
VARIABLES: dict[str, tuple[str, float]] = {
    "rgdpe": ("pwt_rgdpe", 1000.0),
    "rgdpo": ("pwt_rgdpo", 1000.0),
    "pop": ("pwt_pop", 1.0),
}
# what the data is (publisher, version, licence, caveats; label, unit and description of each
# indicator) is in pwt.meta.yml beside this file
SOURCE, INDICATORS = common.source_metadata(
    SOURCE_ID, [RDA_FILE], [ind for ind, _ in VARIABLES.values()]
)


def read_pwt(path: Path) -> pd.DataFrame:
    """The package's :data:`OBJECT` data frame."""
    return common.read_rda(path, "PWT R data", OBJECT)


def parse_pwt(df: pd.DataFrame, where: str = RDA_FILE) -> pd.DataFrame:
    """PWT frame -> long ``(code, year, indicator, value, unit)`` rows; NA dropped."""
    need = ["isocode", "year", *VARIABLES]
    common.require_columns(df, need, where)
    df = df[need].copy()
    df["isocode"] = df["isocode"].astype(str).str.strip()
    r = common.first_duplicate(df, ["isocode", "year"])
    if r is not None:
        raise BriefError(f"{where}: {r['isocode']} {r['year']} appears more than once")
    long = df.melt(id_vars=["isocode", "year"], var_name="var", value_name="value").dropna(
        subset=["value"]
    )
    if not pd.api.types.is_numeric_dtype(long["value"]):
        raise BriefError(f"{where}: non-numeric values in {sorted(VARIABLES)}")
    neg = long["value"] < 0
    if neg.any():
        r = long[neg].iloc[0]
        raise BriefError(
            f"{where}: {r['isocode']} {r['year']} {r['var']} = {r['value']:g}; expected >= 0"
        )
    indicator = long["var"].map({k: v[0] for k, v in VARIABLES.items()})
    divisor = long["var"].map({k: v[1] for k, v in VARIABLES.items()})
    return pd.DataFrame(
        {
            "code": long["isocode"].to_numpy(),
            "year": long["year"].astype(int).to_numpy(),
            "indicator": indicator.to_numpy(),
            "value": (long["value"].astype(float) / divisor).to_numpy(),
            "unit": indicator.map({k: v["unit"] for k, v in INDICATORS.items()}).to_numpy(),
        }
    )


def to_indicators(long: pd.DataFrame, countries) -> pd.DataFrame:
    iso3, _ = countries.map_series(SOURCE_ID, long["code"], unknown="raise")
    out = long.assign(iso3=iso3.to_numpy(), source=SOURCE_ID, flag="")[common.OUT_COLUMNS]
    return common.sort_indicators(out)


def curate(raw_dir: Path, countries=None) -> dict[str, pd.DataFrame]:
    if countries is None:
        countries = common.AliasMapper(ALIAS_FILE, iso3_keys=True)
    path = Path(raw_dir) / RDA_FILE
    return {"indicators": to_indicators(parse_pwt(read_pwt(path)), countries)}
