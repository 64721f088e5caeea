"""Checks on a curated indicator table (iso3, year, indicator, value, unit, source, flag) and on
the errors that curating bad input gives; shared by the macro source tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pandas as pd
import pytest

from analysis.errors import BriefError


def get(df: pd.DataFrame, iso3: str, ind: str, year: int) -> pd.Series:
    """The one row of ``df`` for ``iso3``, ``ind`` and ``year`` (asserts there is exactly one)."""
    hit = df[(df.iso3 == iso3) & (df.indicator == ind) & (df.year == year)]
    assert len(hit) == 1, (iso3, ind, year, len(hit))
    return hit.iloc[0]


def has(df: pd.DataFrame, iso3: str, ind: str, year: int) -> bool:
    """Whether ``df`` has a row for ``iso3``, ``ind`` and ``year``."""
    return bool(((df.iso3 == iso3) & (df.indicator == ind) & (df.year == year)).any())


def assert_sorted_and_deterministic(curate: Callable[[], pd.DataFrame]) -> None:
    """Two calls of ``curate`` give the same CSV, sorted by (iso3, year, indicator)."""
    a, b = curate(), curate()
    assert a.to_csv(index=False) == b.to_csv(index=False)
    keys = list(zip(a.iso3, a.year, a.indicator, strict=True))
    assert keys == sorted(keys)


@contextmanager
def raises_one_line(match: str) -> Iterator[None]:
    """The block raises a BriefError matching ``match``, its message one line."""
    with pytest.raises(BriefError, match=match) as info:
        yield
    assert "\n" not in str(info.value)
