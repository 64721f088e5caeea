"""Country groupings and names the claims print."""

from __future__ import annotations

from collections.abc import Sequence

NAMES = {
    "CHN": "China",
    "RUS": "Russia",
    "IRN": "Iran",
    "PRK": "North Korea",
    "USA": "United States",
}


FIRST_BREAK_DEFAULT = 2014  # used when the brief sets no break years


def name_of(iso3: str) -> str:
    """Plain name of a coalition member (the ISO3 code when not in :data:`NAMES`)."""
    return NAMES.get(iso3, iso3)


def first_break(break_years: Sequence[int]) -> int:
    """The earliest break year of the brief (2014 when none is set)."""
    return min(break_years) if break_years else FIRST_BREAK_DEFAULT
