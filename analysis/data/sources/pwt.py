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

from analysis.errors import BriefError

SOURCE_ID = "pwt"
ALIAS_FILE = Path(__file__).resolve().parents[1] / "aliases" / f"{SOURCE_ID}.csv"
RDA_FILE = "pwt/pwt10.01.rda"
OBJECT = "pwt10.01"

SOURCE: dict = {
    "id": SOURCE_ID,
    "publisher": "Groningen Growth and Development Centre (GGDC), University of Groningen",
    "title": "Penn World Table",
    "version": "10.01 (January 2023), via the R package pwt10 10.01-0",
    "url": "https://www.rug.nl/ggdc/productivity/pwt/",
    "licence": "CC BY 4.0 (GGDC); R package GPL-2 | GPL-3",
    "retrieved": "2026-11-28",
    "raw_files": [RDA_FILE],
    "refresh": None,
    "caveats": [
        "PWT 10.01 ends in 2019; PWT 11.0 was not obtainable.",
        "Real GDP is at chained PPPs in 2017 US$; it is not comparable with WEO current-PPP GDP.",
        "Russia starts in 1990 in PWT; there is no Soviet Union series.",
    ],
}

# PWT variable -> (indicator id, unit, divisor)
VARIABLES: dict[str, tuple[str, str, float]] = {
    "rgdpe": ("pwt_rgdpe", "2017 intl$ bn (chained PPP)", 1000.0),
    "rgdpo": ("pwt_rgdpo", "2017 intl$ bn (chained PPP)", 1000.0),
    "pop": ("pwt_pop", "million", 1.0),
}

_TEXT = {
    "pwt_rgdpe": (
        "Real GDP, expenditure side (PWT)",
        "PWT 10.01 rgdpe: real GDP at chained PPPs, 2017 US$, billions.",
    ),
    "pwt_rgdpo": (
        "Real GDP, output side (PWT)",
        "PWT 10.01 rgdpo: real GDP at chained PPPs, 2017 US$, billions.",
    ),
    "pwt_pop": ("Population (PWT)", "PWT 10.01 pop, millions."),
}
INDICATORS: dict[str, dict[str, str]] = {
    ind: {"label": _TEXT[ind][0], "unit": unit, "description": _TEXT[ind][1]}
    for ind, unit, _ in VARIABLES.values()
}
OUT_COLUMNS = ["iso3", "year", "indicator", "value", "unit", "source", "flag"]


def read_pwt(path: Path) -> pd.DataFrame:
    import pyreadr

    try:
        result = pyreadr.read_r(str(path))
    except (
        OSError,
        pyreadr.custom_errors.PyreadrError,
        pyreadr.custom_errors.LibrdataError,
    ) as exc:
        raise BriefError(f"{path.name}: cannot read PWT R data ({exc})") from exc
    if OBJECT not in result:
        raise BriefError(f"{path.name}: object {OBJECT!r} not found; found {list(result)}")
    return result[OBJECT]


def parse_pwt(df: pd.DataFrame, where: str = RDA_FILE) -> pd.DataFrame:
    """PWT frame -> long ``(code, year, indicator, value, unit)`` rows; NA dropped."""
    need = ["isocode", "year", *VARIABLES]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise BriefError(f"{where}: missing column(s) {missing}; expected {need}")
    df = df[need].copy()
    df["isocode"] = df["isocode"].astype(str).str.strip()
    dup = df.duplicated(["isocode", "year"], keep=False)
    if dup.any():
        r = df[dup].iloc[0]
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
    return pd.DataFrame(
        {
            "code": long["isocode"].to_numpy(),
            "year": long["year"].astype(int).to_numpy(),
            "indicator": long["var"].map({k: v[0] for k, v in VARIABLES.items()}).to_numpy(),
            "value": (
                long["value"].astype(float)
                / long["var"].map({k: v[2] for k, v in VARIABLES.items()})
            ).to_numpy(),
            "unit": long["var"].map({k: v[1] for k, v in VARIABLES.items()}).to_numpy(),
        }
    )


def to_indicators(long: pd.DataFrame, countries) -> pd.DataFrame:
    iso3, _ = countries.map_series(SOURCE_ID, long["code"], unknown="raise")
    out = long.assign(iso3=iso3.to_numpy(), source=SOURCE_ID, flag="")[OUT_COLUMNS]
    return out.sort_values(["iso3", "year", "indicator"]).reset_index(drop=True)


def curate(raw_dir: Path, countries=None) -> dict[str, pd.DataFrame]:
    if countries is None:
        from analysis.data.sources.imf_weo import AliasMapper

        countries = AliasMapper(ALIAS_FILE, iso3_keys=True)
    path = Path(raw_dir) / RDA_FILE
    return {"indicators": to_indicators(parse_pwt(read_pwt(path)), countries)}
