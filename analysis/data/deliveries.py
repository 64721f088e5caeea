"""SIPRI's ``delivery_years`` text read into years, once for the data layer (a register cut
back to a date, :mod:`analysis.data.asof`) and the analysis (deliveries spread over their
years, :mod:`analysis.compute.arms`)."""

from __future__ import annotations

import re

import pandas as pd

# "2004", "(2004)" (uncertain), "2006-2008", "2006–2008", "(2006)-(2008)"
_TOKEN = re.compile(r"^\(?\s*(\d{4})\s*\)?(?:\s*[-–]\s*\(?\s*(\d{4})\s*\)?)?$")


def delivery_years(text: object) -> list[int]:
    """Years of a ``delivery_years`` text, sorted and unique: ``"2004; 2006-2008"`` ->
    ``[2004, 2006, 2007, 2008]``; empty or missing -> ``[]``. A token that is not a year or a
    range of years, or a range that ends before it starts, raises ``ValueError(token, why)``."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return []
    years: set[int] = set()
    for token in re.split(r"[;,]", str(text).strip()):
        token = token.strip()
        if not token:
            continue
        m = _TOKEN.match(token)
        if not m:
            raise ValueError(token, "cannot read")
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        if last < first:
            raise ValueError(token, "ends before it starts")
        years.update(range(first, last + 1))
    return sorted(years)
