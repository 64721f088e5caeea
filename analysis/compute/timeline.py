"""The report's phases of the relationship and the curated events (claim C3)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.compute.frames import require

FIRST_EXERCISE_YEAR = 2003  # first joint "field exercise" per the report (SCO, multilateral)


COLLABORATION = (2012, 2017)  # "cooperation" to "collaboration"


def phases(first_year: int, last_year: int) -> pd.DataFrame:
    """The report's phases as spans: calculation, cooperation (from 2003), collaboration (2012)."""
    c0 = COLLABORATION[0]
    rows = [
        ("calculation", first_year, FIRST_EXERCISE_YEAR - 1),
        ("cooperation", FIRST_EXERCISE_YEAR, c0 - 1),
        ("collaboration", c0, last_year),
    ]
    out = pd.DataFrame(
        [r for r in rows if r[1] <= r[2] and r[2] >= first_year and r[1] <= last_year],
        columns=["phase", "start", "end"],
    )
    out["start"] = out["start"].clip(lower=first_year)
    out["end"] = out["end"].clip(upper=last_year)
    return out


def timeline(events: pd.DataFrame, break_years: Sequence[int]) -> pd.DataFrame:
    """Events plus the brief's break years, each with its phase: year, category, event, phase."""
    require(events, ["year", "category", "event"], "events")
    ev = events[["year", "category", "event"]].copy()
    ev["year"] = ev["year"].astype(int)
    brk = pd.DataFrame(
        {"year": list(break_years), "category": "break", "event": "structural break (parameter)"}
    )
    out = pd.concat([ev, brk], ignore_index=True)

    def phase(y: int) -> str:
        if y < FIRST_EXERCISE_YEAR:
            return "calculation"
        return "cooperation" if y < COLLABORATION[0] else "collaboration"

    out["phase"] = [phase(int(y)) for y in out["year"]]
    return out.sort_values(["year", "category", "event"], kind="mergesort").reset_index(drop=True)


def headline(events: pd.DataFrame) -> str:
    """The timeline's title: the report's phases and how many events fall in each."""
    ev = events[events["category"] != "break"]
    counts = ev.groupby("phase").size()
    parts = [f"{counts.get(p, 0)} in {p}" for p in ("calculation", "cooperation", "collaboration")]
    return f"The report's three phases, with {len(ev)} curated events ({', '.join(parts)})"


def alt_text(phases_table: pd.DataFrame, events: pd.DataFrame) -> str:
    spans = "; ".join(f"{r.phase} {r.start}–{r.end}" for r in phases_table.itertuples())
    ev = events[events["category"] != "break"]
    cats = ", ".join(sorted(ev["category"].unique()))
    return (
        f"Timeline with three shaded phases ({spans}) and {len(ev)} events as points by "
        f"category ({cats}); the brief's break years are marked."
    )
