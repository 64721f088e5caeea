"""What a projection reads of the indicators before it draws, made once per scenario.

A projection (:mod:`analysis.compute.projection`) first reads the members' levels of its measure
(or of each composite component), their group totals, the last year both groups have, and the
IMF WEO's own projected rows; only then does it draw. None of that depends on the growth
scenario, so the projections of one brief that differ in their growth choices only (the
multiverse's 30 projections of C1, the tornado's shifts) read it once: a scenario and every
scenario made from it by :func:`dataclasses.replace` share one :class:`Memo`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from analysis.compute import power
from analysis.compute.frames import equals


class Memo(dict):
    """Key -> (the object it was made from, the value): a value is made the first time its key
    is asked for, and made again if the object behind it is no longer the same one."""

    def once(self, key: Any, source: Any, make: Callable[[], Any]) -> Any:
        held = self.get(key)
        if held is None or held[0] is not source:  # the object itself, not a reused id
            held = self[key] = (source, make())
        return held[1]


def _key(s: Any, what: str, name: str) -> tuple[Any, ...]:
    """What a read depends on: the indicators (by identity), the groups, the prices, the rule
    for missing years."""
    return (
        what,
        name,
        id(s.ind),
        tuple(s.coalition),
        tuple(s.benchmark),
        s.milex_prices,
        s.missing,
    )


def projected_rows(ind: pd.DataFrame, measure: str) -> pd.DataFrame | None:
    """The WEO's own projected rows of a GDP measure (None for any other)."""
    if measure not in ("gdp_mer", "gdp_ppp"):
        return None
    rows = ind[equals(ind["indicator"], measure)]
    rows = rows[rows["flag"].fillna("") == power.PROJECTION_FLAG]
    return rows[power.COLUMNS].astype({"year": int, "value": float})


def measure(s: Any, name: str) -> tuple[pd.DataFrame, int | None, pd.DataFrame | None]:
    """(member levels, last year with both groups or None, WEO rows) of base measure ``name``
    of scenario ``s``."""

    def read() -> tuple[pd.DataFrame, int | None, pd.DataFrame | None]:
        lv = power.member_levels(s.ind, name, s.coalition, s.benchmark, milex_prices=s.milex_prices)
        table = s.totals(lv)
        return lv, None if table.empty else int(table["year"].max()), projected_rows(s.ind, name)

    return s.memo.once(_key(s, "measure", name), s.ind, read)


def component(s: Any, comp: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """(member levels, group totals, WEO rows) of composite component ``comp``."""

    def read() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
        lv = power.component_levels(s.ind, comp, milex_prices=s.milex_prices)
        projected = projected_rows(s.ind, comp) if comp != "pop" else None
        return lv, s.totals(lv), projected

    return s.memo.once(_key(s, "component", comp), s.ind, read)


def composite_last_year(s: Any, weights: Mapping[str, float]) -> int | None:
    """The composite's last observed year (every weighted component), None without one."""

    def read() -> int | None:
        obs = power.all_measures(
            s.ind,
            ["composite"],
            s.coalition,
            s.benchmark,
            weights=weights,
            milex_prices=s.milex_prices,
            missing=s.missing,
        )["composite"].table
        return None if obs.empty else int(obs["year"].max())

    return s.memo.once(_key(s, "composite", repr(sorted(weights.items()))), s.ind, read)
