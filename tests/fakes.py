"""Stand-ins shared by the data tests."""

from __future__ import annotations

from analysis.errors import BriefError


class FakeMapper:
    """A dict-backed stand-in for analysis.data.countries.CountryMapper; records the source of
    every ``to_iso3`` call in ``calls``."""

    def __init__(self, table: dict[str, str]):
        self.table = table
        self.calls: list[str] = []

    def to_iso3(self, source, key, year=None):
        self.calls.append(source)
        if key not in self.table:
            raise BriefError(f"{source}: unknown country {key!r}")
        return self.table[key]

    def map_series(self, source, series, *, unknown="raise"):
        dropped = sorted({k for k in series if k not in self.table})
        if dropped and unknown == "raise":
            raise BriefError(f"{source}: unknown country {dropped[0]!r}")
        return series.map(self.table), dropped
