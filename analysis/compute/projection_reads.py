"""What a projection reads of the indicators before it draws, made once per scenario.

A projection (:mod:`analysis.compute.projection`) first reads the members' levels of its measure
(or of each composite component), their group totals, the last year both groups have, and the
IMF WEO's own projected rows; only then does it draw. None of that depends on the growth
scenario, so the projections of one brief that differ in their growth choices only (the
multiverse's 30 projections of C1, the tornado's shifts) read it once: a scenario and every
scenario made from it by :func:`dataclasses.replace` share one :class:`Memo`. The brief's
observed series are read through it too (:func:`brief_series`, C1's ``prepare``): a projection's
levels and totals are its measure's, made once for both. And a scenario made from a table equal
to one made before shares that one's reads (:func:`shared`): the claim's multiverse run, after
its own run in the same kernel, reads nothing again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from analysis.compute import growth, power
from analysis.compute.frames import equals, matches


class Memo(dict):
    """Key -> (the object it was made from, the value): a value is made the first time its key
    is asked for, and made again if the object behind it is no longer the same one."""

    def once(self, key: Any, source: Any, make: Callable[[], Any]) -> Any:
        held = self.get(key)
        if held is None or held[0] is not source:  # the object itself, not a reused id
            held = self[key] = (source, make())
        return held[1]


#: The indicator tables scenarios were made from lately, each with its reads: a claim's own run
#: and its multiverse's each load the indicators (equal tables, two objects) and make the brief's
#: scenario from them, in one kernel; the second is given the first's table and reads
#: (:func:`shared`), so its projections read nothing again.
TABLES_KEPT = 2
_tables: list[tuple[pd.DataFrame, Memo]] = []
_tables_lock = threading.Lock()


def shared(ind: pd.DataFrame) -> tuple[pd.DataFrame, Memo]:
    """A table held (:data:`TABLES_KEPT`) that equals ``ind`` (``DataFrame.equals``: the same
    labels, dtypes and values, NaN where NaN; 7 ms for the flagship's indicators, where their
    reads take 0.1 s) with its reads; else ``ind`` itself with new ones, then held. Equal
    tables give equal reads, so a scenario made from either is the same scenario."""
    with _tables_lock:
        for i, (table, memo) in enumerate(_tables):
            if table is ind or (table.shape == ind.shape and table.equals(ind)):
                _tables.append(_tables.pop(i))  # the most recently used last
                return table, memo
        memo = Memo()
        _tables.append((ind, memo))
        del _tables[:-TABLES_KEPT]
        return ind, memo


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
    rows = rows[matches(rows["flag"], power.PROJECTION_FLAG)]
    return rows[power.COLUMNS].astype({"year": int, "value": float})


def weo_rows(s: Any, name: str) -> pd.DataFrame | None:
    """:func:`projected_rows` of scenario ``s``'s indicators, read once (a GDP measure's and the
    composite's GDP component's are the same)."""
    return s.memo.once(("weo rows", name, id(s.ind)), s.ind, lambda: projected_rows(s.ind, name))


def levels(s: Any, comp: str) -> pd.DataFrame:
    """The member levels of composite component ``comp`` (a base measure's are its own: the
    component of the same name), read once: the observed series and the projections of a
    measure, and every composite made of it, read the same ones."""

    def read() -> pd.DataFrame:
        return power.component_levels(s.ind, comp, milex_prices=s.milex_prices)

    return s.memo.once(_key(s, "levels", comp), s.ind, read)


def series(s: Any, name: str, weights: Mapping[str, float] | None) -> power.GroupSeries:
    """The observed group series of measure ``name`` from its first year
    (:func:`analysis.compute.power.measure_series`, the components' levels read once)."""

    def read() -> power.GroupSeries:
        return power.measure_series(
            s.ind,
            name,
            s.coalition,
            s.benchmark,
            weights=weights,
            milex_prices=s.milex_prices,
            missing=s.missing,
            read=lambda comp: levels(s, comp),
        )

    what = repr(sorted(weights.items())) if name == "composite" and weights else ""
    return s.memo.once(_key(s, f"series {what}", name), s.ind, read)


def brief_series(s: Any, measures: Any, weights: Any, start_year: int | None) -> dict[str, Any]:
    """:func:`analysis.compute.power.brief_series` of scenario ``s`` (a brief's groups, prices
    and missing-data rule), its series read once (:func:`series`): ``measures`` from
    ``start_year``."""
    return {m: power.since(series(s, m, weights), start_year) for m in measures}


def measure(s: Any, name: str) -> tuple[pd.DataFrame, int | None, pd.DataFrame | None]:
    """(member levels, last year with both groups or None, WEO rows) of base measure ``name``
    of scenario ``s``."""

    def read() -> tuple[pd.DataFrame, int | None, pd.DataFrame | None]:
        table = series(s, name, None).table  # its observed series' totals, from the same levels
        lv = power.member_levels(
            s.ind,
            name,
            s.coalition,
            s.benchmark,
            milex_prices=s.milex_prices,
            read=lambda comp: levels(s, comp),
        )
        return lv, None if table.empty else int(table["year"].max()), weo_rows(s, name)

    return s.memo.once(_key(s, "measure", name), s.ind, read)


def component(s: Any, comp: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """(member levels, group totals, WEO rows) of composite component ``comp``."""

    def read() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
        lv = levels(s, comp)
        projected = weo_rows(s, comp) if comp != "pop" else None
        # a measure's totals are its observed series' (population is no measure: summed here)
        measure = power.COMPONENT_MEASURE.get(comp) == comp
        return lv, series(s, comp, None).table if measure else s.totals(lv), projected

    return s.memo.once(_key(s, "component", comp), s.ind, read)


def composite_last_year(s: Any, weights: Mapping[str, float]) -> int | None:
    """The composite's last observed year (every weighted component), None without one."""
    obs = series(s, "composite", weights).table
    return None if obs.empty else int(obs["year"].max())


def members(s: Any, frame: pd.DataFrame | None) -> dict[str, growth.Series] | None:
    """Each member's (years, values) in ``frame`` (levels, or WEO rows; None for None), split
    once (:func:`analysis.compute.growth.members`): every growth choice projects from them."""
    if frame is None:
        return None
    members = [*s.coalition, *s.benchmark]
    key = ("members", id(frame), tuple(members))
    return s.memo.once(key, frame, lambda: growth.members(frame, members))
