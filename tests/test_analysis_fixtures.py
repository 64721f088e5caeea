"""Small made-up indicator tables (docs/contracts.md shape) whose answers are known by hand."""

from __future__ import annotations

import pandas as pd


def frame(rows, flag=""):
    """rows: (iso3, year, indicator, value) -> tidy indicator table."""
    df = pd.DataFrame(rows, columns=["iso3", "year", "indicator", "value"])
    df["unit"] = "u"
    df["source"] = "made-up"
    df["flag"] = flag
    return df


def panel(indicator, years, values):
    """(iso3, year, indicator, value) rows for ``frame``: ``values`` maps iso3 to one value per
    year of ``years``, None for a year the country has no row."""
    return [
        (iso3, year, indicator, v)
        for iso3, row in values.items()
        for year, v in zip(years, row, strict=True)
        if v is not None
    ]


def growing(iso3, indicator, start, rate, years, flag=""):
    """A series growing by ``rate`` per year from ``start`` in the first year."""
    return frame([(iso3, y, indicator, start * (1 + rate) ** i) for i, y in enumerate(years)], flag)


def synthetic_indicators(members, first=1990, last=2025, nmc_last=2022, weo_last=2030):
    """A made-up but complete indicator table for every member (notebook runs without data/).

    GDP (MER and PPP, with WEO-style projection rows to ``weo_last``), SIPRI-style military
    expenditure (constant and current), population and the six NMC components to ``nmc_last``.
    North Korea (PRK) has no military expenditure, as in SIPRI. Growth rates differ by country
    (China fastest) so ratios move; values are deterministic.
    """
    import numpy as np

    rows = []
    base = {"USA": (10000.0, 0.025), "CHN": (800.0, 0.09), "RUS": (900.0, 0.02)}
    for k, iso in enumerate(sorted(set(members) | {"CHN", "RUS", "USA", "DEU", "IND"})):
        size, g = base.get(iso, (100.0 + 37.0 * (k % 11), 0.01 + 0.002 * (k % 7)))
        for y in range(first, weo_last + 1):
            t = y - first
            wobble = 1 + 0.01 * np.sin(1.7 * t + k)
            gdp = size * (1 + g) ** t * wobble
            flag = "projection" if y > last else ""
            rows.append((iso, y, "gdp_mer", gdp, flag))
            rows.append(
                (iso, y, "gdp_ppp", gdp * (2.0 if iso in ("CHN", "RUS", "IND") else 1.1), flag)
            )
            if y > last:
                continue
            rows.append((iso, y, "pop", 10.0 + k + 0.1 * t, ""))
            if iso != "PRK":
                mil = gdp * (0.035 if iso == "USA" else 0.02) * 1000
                price = 1.025 ** (y - 2024)
                rows.append((iso, y, "milex_const", mil, ""))
                rows.append((iso, y, "milex_current", mil * price, ""))
            if y <= nmc_last:
                for j, comp in enumerate(
                    ("nmc_milex", "nmc_milper", "nmc_irst", "nmc_pec", "nmc_tpop", "nmc_upop")
                ):
                    rows.append(
                        (iso, y, comp, gdp * (1 + 0.1 * j) * (1.5 if iso == "CHN" else 1), "")
                    )
    df = pd.DataFrame(rows, columns=["iso3", "year", "indicator", "value", "flag"])
    df["unit"] = "made-up"
    df["source"] = "synthetic"
    return df[["iso3", "year", "indicator", "value", "unit", "source", "flag"]]
