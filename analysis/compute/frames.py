"""Small helpers on the curated tables: checked columns, plain numbers, values by year, and the
rows the charts' titles and alt texts quote (first and last year, peak, last year's rows)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import BriefError
from analysis.results import plain_number


def require(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise BriefError(f"{table}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise BriefError(f"{table}: missing columns {missing}; expected {list(columns)}")


def equals(column: pd.Series, value: str) -> np.ndarray | pd.Series:
    """The rows where ``column == value``, as a mask for ``df[...]`` or ``df.loc[...]``.

    For a column of pandas's ``str`` dtype (missing values NaN) the strings are compared as
    NumPy objects, several times faster than pandas's own comparison, which first looks for
    missing values element by element; a missing value equals nothing in both. Any other column
    is compared by pandas (a ``string`` column's missing value is ``pd.NA`` there, not False).
    """
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.na_value is np.nan:
        return np.asarray(column.to_numpy() == value, dtype=bool)
    return column == value


def as_rows(mask: Any) -> np.ndarray:
    """A mask as a boolean array, a missing value (pandas's NA) as False, as ``df[mask]`` reads
    it."""
    if isinstance(mask, pd.Series):
        mask = mask.fillna(False)
    return np.asarray(mask, dtype=bool)


def matches(column: pd.Series, value: str) -> np.ndarray:
    """:func:`equals` as a boolean array: a missing value matches nothing, in any column (its
    negation keeps the rows with a missing value, as ``column.fillna("") != value`` does)."""
    return as_rows(equals(column, value))


num = plain_number  # a plain float, or None for missing or NaN (the results contract's rule)


def text(x: Any) -> str:
    """A string cell, '' for missing/NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return ""
    return str(x)


def value_at(table: pd.DataFrame, year: int, column: str) -> float | None:
    """The value of ``column`` in ``year`` (None when the year is absent or NaN)."""
    if table.empty:
        return None
    row = table.loc[table["year"] == year, column]
    return num(row.iloc[0]) if len(row) else None


def latest(table: pd.DataFrame, column: str) -> tuple[int | None, float | None]:
    """(year, value) of the last year with a value in ``column``."""
    t = table.dropna(subset=[column]) if not table.empty else table
    if t.empty:
        return None, None
    row = t.sort_values("year").iloc[-1]
    return int(row["year"]), num(row[column])


def mean_between(t: pd.DataFrame, col: str, start: int, end: int) -> float | None:
    d = t[(t["year"] >= start) & (t["year"] <= end)]
    return num(d[col].mean()) if len(d) else None


def ends(table: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The rows of the first and of the last year of ``table``."""
    t = table.sort_values("year")
    return t.iloc[0], t.iloc[-1]


def ends_by(table: pd.DataFrame, column: str) -> list[tuple[Any, pd.Series, pd.Series]]:
    """(value, first row, last row) for each value of ``column``, in sorted order (:func:`ends`)."""
    return [(key, *ends(g)) for key, g in table.groupby(column, sort=True)]


def peak(table: pd.DataFrame, column: str) -> pd.Series:
    """The row with the largest ``column`` (of a tie, the earliest year's)."""
    return table.sort_values([column, "year"], ascending=[False, True]).iloc[0]


def last_year(table: pd.DataFrame) -> tuple[int, pd.DataFrame]:
    """The last year of ``table`` and the rows of that year."""
    year = int(table["year"].max())
    return year, table[table["year"] == year]
