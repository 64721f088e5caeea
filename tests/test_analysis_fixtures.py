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


def growing(iso3, indicator, start, rate, years, flag=""):
    """A series growing by ``rate`` per year from ``start`` in the first year."""
    return frame([(iso3, y, indicator, start * (1 + rate) ** i) for i, y in enumerate(years)], flag)
