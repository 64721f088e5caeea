"""The brief parameter ``as_of``: the date a brief is built as of, and its bounds.

A brief dated ``as_of`` reads each source's latest release published on or before that date
(:mod:`analysis.data.asof`). The date must be a date (``YYYY-MM-DD``), not after today, and not
before the first complete release of a source that a claim needs and that has several releases
(a source with one release is cut back instead): each problem is one line naming the source and
the earliest date that works.

"Today" is read here, and only here (:func:`today`), to refuse a date in the future. It never
reaches a published file: a brief without ``as_of`` reads the latest releases and says which
(their publication dates come from the release table, not the clock), and a brief with
``as_of`` is pinned to that date, which stays valid on every later day, so the same inputs give
the same brief whenever it is built.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from analysis import paths

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def today() -> dt.date:
    """The clock, read only to refuse an ``as_of`` in the future (tests replace it)."""
    return dt.date.today()


@dataclass(frozen=True)
class Earliest:
    """The first date a source a claim needs can serve a brief."""

    date: str
    source: str
    name: str
    label: str
    claims: tuple[str, ...]

    def words(self) -> str:
        needed = f", needed by {', '.join(self.claims)}" if self.claims else ""
        return (
            f"{self.date} (the first complete {self.name} ({self.source}) release, {self.label}"
            f"{needed})"
        )


@functools.cache
def _earliest(stamp: tuple) -> tuple[Earliest, ...]:
    import pandas as pd

    from analysis.compute import claims

    path = paths.data_dir() / "releases.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    needed: dict[str, list[str]] = {}
    for cid, sources in claims.SOURCES.items():
        for s in sources:
            needed.setdefault(s, []).append(cid)
    out = []
    for source, rows in table.groupby("source", sort=True):
        if len(rows) < 2 or source not in needed:
            continue  # one release: cut back to any date, never refused
        complete = rows[rows["complete"].str.lower() != "false"].sort_values("published")
        if complete.empty:
            continue
        first = complete.iloc[0]
        name = first.get("name", source) or source
        out.append(
            Earliest(first["published"], source, name, first["label"], tuple(needed[source]))
        )
    return tuple(sorted(out, key=lambda e: (e.date, e.source)))


def earliest() -> tuple[Earliest, ...]:
    """Every source with several releases that a claim needs, with its first complete release,
    earliest first; empty without a release table (a project with no curated data)."""
    path = paths.data_dir() / "releases.csv"
    if not path.is_file():
        return ()
    st = path.stat()
    return _earliest((str(path), st.st_size, st.st_mtime_ns))


def _range() -> str:
    first = earliest()
    start = f"from {first[-1].words()} " if first else ""
    return f"{start}to today ({today().isoformat()}), or null for the latest data"


def parse(value: object) -> dt.date | None:
    """``as_of`` as given (a YAML date, ``YYYY-MM-DD`` text or null) -> a date or None; a
    ValueError naming the allowed range otherwise (the schema reports it with the key)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date without a time, {_range()}")
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and ISO.match(value.strip()):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected a real date YYYY-MM-DD {_range()}") from None
    else:
        raise ValueError(f"expected a date YYYY-MM-DD {_range()}")
    if day > today():
        first = earliest()
        start = f" from {first[-1].words()}" if first else ""
        raise ValueError(
            f"expected a date no later than today ({today().isoformat()}), as no brief can read a "
            f"release not yet published: a date{start} to today"
        )
    return day


def too_early(day: dt.date | None) -> str | None:
    """The problem with ``day`` if a source a claim needs had no complete release by then (the
    latest such bound), else None."""
    if day is None:
        return None
    late = [e for e in earliest() if day.isoformat() < e.date]
    if not late:
        return None
    e = late[-1]
    return (
        f"as_of: got {day.isoformat()}, expected a date on or after {e.words()}: no complete "
        "release of it was published before that day"
    )
