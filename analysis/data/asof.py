"""A brief "as of" a date: which release of each source was public then, and what a source with
one release held then. Pure functions on the release table (``data/releases.csv``) and the
curated frames; :mod:`analysis.data.load` applies them.

The rule (docs/decisions.md):

- a source uses its latest release published on or before the date (``how = "release"``, or
  ``"latest"`` when that is the release curated in ``data/indicators`` and the other tables);
- a release held only in part (``complete`` false: the April 2021 WEO, years 2019-2026) cannot
  serve a brief: a date whose latest release is such a one is refused (``how = "partial"``);
- a source with one release published after the date is cut back to the years that were public
  then, by its usual publication lag (``how = "approximated"``): year ``Y`` is public from the
  first day of ``Y + 1`` plus ``lag_months`` months;
- a source with several releases, all after the date, cannot be approximated
  (``how = "unavailable"``);
- the hand-curated tables keep the rows dated on or before the date (an exercise by its start
  date, an event by its date; a row without a date by its year, which must have ended).

Without a date (``as_of = None``) every source uses the release curated as current.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from analysis.data.deliveries import delivery_years
from analysis.errors import BriefError

HAND = "hand"
#: Tables of one source, and that source (a source with one release is cut by year).
TABLE_SOURCE = {"un_agreement": "unvotes", "arms_register": "sipri_arms", "sanctions_cases": "gsdb"}
#: Tables with a ``source`` column (each row cut by its own source).
SOURCE_COLUMN = ("bilateral_trade",)
#: The year column of each table cut by year (``arms_register`` is cut by :func:`cut_register`).
YEAR_COLUMN = {
    "indicators": "year",
    "bilateral_trade": "year",
    "un_agreement": "year",
    "sanctions_cases": "begin",
}
#: Hand-curated tables: the column dating a row (YYYY-MM-DD, YYYY-MM or empty).
DATE_COLUMN = {"exercises": "start_date", "events": "date"}
#: Tables no date changes (reference tables built by this project).
UNCHANGED = ("countries", "country_aliases", "releases", "weo_codes")
HOW = ("latest", "release", "approximated", "partial", "unavailable")


def parse_as_of(value: object, where: str = "as_of") -> dt.date | None:
    """``None`` (the latest data), a ``date`` or an ISO ``YYYY-MM-DD`` text; anything else is a
    ``BriefError``."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise BriefError(f"{where}: {value!r} is not a date; expected YYYY-MM-DD")


def public_from(year: int, lag_months: int) -> dt.date:
    """The first day year ``year``'s data are public: 1 January of ``year + 1`` plus the lag."""
    months = lag_months
    return dt.date(year + 1 + months // 12, 1 + months % 12, 1)


def last_public_year(as_of: dt.date, lag_months: int) -> int:
    """The last year whose data were public on ``as_of`` under a ``lag_months`` lag."""
    year = as_of.year
    while public_from(year, lag_months) > as_of:
        year -= 1
    return year


@dataclass(frozen=True)
class Use:
    """What a brief dated ``as_of`` reads of one source."""

    source: str
    name: str  # the source in words
    how: str  # one of HOW
    release: str  # the release read (the current one when approximated); "" if none
    label: str
    published: str  # its publication date (ISO), "" if none
    last_year: int | None = None  # approximated: the last year kept
    first_complete: str = ""  # the date of the source's first complete release
    first_label: str = ""

    @property
    def approximated(self) -> bool:
        return self.how == "approximated"

    def words(self) -> str:
        """The release in words, as a source line names it."""
        if self.how == "approximated":
            return (
                f"{self.label}, years to {self.last_year} only (approximated from a later release)"
            )
        if self.how in ("partial", "unavailable"):
            return "no release usable on this date"
        return self.label


def _usable(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["complete"].fillna(True).astype(bool)]


def choose(releases: pd.DataFrame, source: str, as_of: dt.date | None) -> Use:
    """The release of ``source`` a brief dated ``as_of`` reads (see the module docstring)."""
    rows = releases[releases["source"] == source].sort_values("published", kind="mergesort")
    if rows.empty:
        raise BriefError(
            f"data/releases.csv: source {source!r} has no release; `brief data curate` lists "
            "every source's releases"
        )
    usable = _usable(rows)
    first = usable.iloc[0] if len(usable) else rows.iloc[0]
    name = str(rows["name"].iloc[-1]) if "name" in rows else source

    def use(how: str, r: pd.Series | None = None, last_year: int | None = None) -> Use:
        release, label, published = ("", "", "") if r is None else (
            str(r["release"]), str(r["label"]), str(r["published"])
        )  # fmt: skip
        return Use(source, name, how, release, label, published, last_year,
                   str(first["published"]), str(first["label"]))  # fmt: skip

    if as_of is None:
        current = rows[rows["status"] == "current"]
        return use("latest", current.iloc[0] if len(current) else rows.iloc[-1])
    public = rows[rows["published"] <= as_of.isoformat()]
    if len(public):
        r = public.iloc[-1]
        if pd.notna(r["complete"]) and not bool(r["complete"]):
            return use("partial", r)
        return use("latest" if r["status"] == "current" else "release", r)
    if len(rows) > 1:
        return use("unavailable")
    r = rows.iloc[0]
    return use("approximated", r, last_public_year(as_of, int(r["lag_months"])))


def refuse(use: Use, as_of: dt.date) -> BriefError:
    """The one-line error for a source a brief dated ``as_of`` cannot read (partial or
    unavailable): it names the source and the earliest date that works."""
    name = f"{use.name} ({use.source})"
    if use.how == "partial":
        why = f"its release public then, {use.label} ({use.published}), is held only in part"
    else:
        why = "none of its releases had been published"
    return BriefError(
        f"as_of: got {as_of.isoformat()}; {name}: {why}; expected a date on or after "
        f"{use.first_complete} (the first {name} release this brief can use, {use.first_label})"
    )


def cut_years(df: pd.DataFrame, column: str, last_year: int) -> pd.DataFrame:
    return df[df[column] <= last_year].reset_index(drop=True)


def cut_dated(df: pd.DataFrame, column: str, as_of: dt.date) -> pd.DataFrame:
    """Hand-curated rows dated on or before ``as_of``: a full date compares as is; a month
    (``YYYY-MM``) must have ended; a row without a date counts by its ``year``, which must have
    ended."""
    text = df[column].fillna("").astype(str).str.strip()
    day = as_of.isoformat()
    full = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    month = text.str.fullmatch(r"\d{4}-\d{2}")
    keep = (full & (text <= day)) | (month & (text < day[:7]))
    none = ~full & ~month
    keep |= none & (pd.to_numeric(df["year"], errors="coerce") < as_of.year)
    return df[keep].reset_index(drop=True)


def _years(text: object) -> list[int] | None:
    """Years of a SIPRI ``delivery_years`` text, None if unreadable (the deal is kept whole)."""
    try:
        return delivery_years(text)
    except ValueError:
        return None


def cut_register(df: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """The SIPRI register as of ``last_year``: deals ordered after it dropped; each deal's
    delivery years after it dropped, and its delivered TIV and number delivered scaled to the
    years kept (the analysis spreads a deal's deliveries evenly over its years, so the years kept
    keep their values)."""
    out = df[pd.to_numeric(df["year_order"], errors="coerce").fillna(0) <= last_year].copy()
    kept_text, share = [], []
    for text in out["delivery_years"]:
        years = _years(text)
        if not years:
            kept_text.append(text)
            share.append(1.0)
            continue
        kept = [y for y in years if y <= last_year]
        kept_text.append(_years_text(kept))
        share.append(len(kept) / len(years))
    factor = pd.Series(share, index=out.index)
    out["delivery_years"] = kept_text
    tiv = pd.to_numeric(out["tiv_delivered"], errors="coerce")
    out["tiv_delivered"] = (tiv * factor).where(tiv.notna())
    number = pd.to_numeric(out["number_delivered"], errors="coerce")
    out["number_delivered"] = (number * factor).round().astype("Int64")
    return out.reset_index(drop=True)


def _years_text(years: list[int]) -> str:
    """``[2004, 2006, 2007, 2008]`` -> ``"2004; 2006-2008"`` (empty list -> "")."""
    parts, start = [], None
    for i, y in enumerate(years):
        if start is None:
            start = y
        if i + 1 == len(years) or years[i + 1] != y + 1:
            parts.append(str(start) if start == y else f"{start}-{y}")
            start = None
    return "; ".join(parts)
