"""Joint exercises: where, in which domains, how complex (claims C5 and C7)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from analysis.compute.frames import ends, num, require, text
from analysis.compute.stats import ols_trend
from analysis.data import hand
from analysis.errors import BriefError

DOMAINS = hand.DOMAINS  # the exercise domains the curated table allows (analysis/data/hand.py)


# Complexity definitions: name -> weight of each feature (see exercise_complexity). The brief's
# own is "brief"; the others are the alternatives the multiverse and the sensitivity table try,
# so a reader sees whether "more complex" depends on the definition.
FEATURES = ("domain", "bilateral", "partner_territory", "strategic", "scale")
COMPLEXITY_DEFINITIONS: dict[str, dict[str, float]] = {
    "brief": {"domain": 1, "bilateral": 1, "partner_territory": 1, "strategic": 1, "scale": 1},
    "domains only": {
        "domain": 1, "bilateral": 0, "partner_territory": 0, "strategic": 0, "scale": 0,
    },
    "no format weight": {
        "domain": 1, "bilateral": 0, "partner_territory": 1, "strategic": 1, "scale": 1,
    },
    "strategic heavy": {
        "domain": 1, "bilateral": 1, "partner_territory": 1, "strategic": 3, "scale": 1,
    },
    "no scale": {"domain": 1, "bilateral": 1, "partner_territory": 1, "strategic": 1, "scale": 0},
}  # fmt: skip
# A joint strategic patrol (bombers or warships on a joint route) is a kind of activity, not a
# domain: it scores once, as the strategic element, and never again as a domain.
STRATEGIC = "strategic_patrol"
OPERATIONAL_DOMAINS = tuple(d for d in hand.DOMAINS if d != STRATEGIC)
TROOP_THRESHOLD = 10_000  # "large-scale": a stated total of at least this many troops
# A number the page qualifies as "nearly" or "up to" is below it; "about" and "more than" are
# at least it.
BELOW = ("nearly", "up to")


# The columns the analysis reads (the curated tables add their citation columns, and the
# exercises their audit notes).
EXERCISE_COLUMNS = tuple(
    c for c in hand.EXERCISE_COLUMNS if c not in hand.CITATION and c != hand.NOTES
)


EVENT_COLUMNS = tuple(c for c in hand.EVENT_COLUMNS if c not in hand.CITATION)


def _domains(s: Any) -> list[str]:
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return []
    return [d.strip() for d in str(s).split(";") if d.strip()]


def exercise_location(host: Any, domains: Sequence[str]) -> str:
    """inside China / inside Russia / at sea / elsewhere."""
    h = "" if host is None or (isinstance(host, float) and math.isnan(host)) else str(host)
    if h == "CHN":
        return "inside China"
    if h == "RUS":
        return "inside Russia"
    if not h and ("sea" in domains or "strategic_patrol" in domains):
        return "at sea"
    return "elsewhere"


def at_least(value: Any, qualifier: Any, threshold: float) -> bool | None:
    """Whether a stated troop number is at least ``threshold``; None when none is stated.

    "nearly 10,000" is below 10,000; "about 10,000" and "more than 10,000" are not.
    """
    v = num(value)
    if v is None:
        return None
    return v > threshold if text(qualifier) in BELOW else v >= threshold


def exercise_complexity(
    exercises: pd.DataFrame,
    definition: str = "brief",
    *,
    troop_threshold: float = TROOP_THRESHOLD,
) -> pd.DataFrame:
    """Per exercise: domains, location, and a complexity score under ``definition``.

    The brief's score (``definition="brief"``) adds one point for each of:

    - every distinct operational domain (land, air, sea, missile defence, command post,
      counter-terror): combined-arms integration is the core of "complexity";
    - a bilateral China–Russia format (joint planning between the two alone, not within an SCO
      or Russian strategic exercise where China is one guest among several);
    - being held in China or Russia (operating in the partner's territory needs basing,
      logistics and access arrangements an exercise elsewhere does not);
    - a joint strategic patrol (strategic-level trust), counted here and not as a domain;
    - scale: a stated total of at least ``troop_threshold`` troops (qualifiers respected).

    Each feature counts once. The score is ordinal, not a measure of size; the sensitivity table
    and the multiverse refit the trend under the other :data:`COMPLEXITY_DEFINITIONS`.
    """
    cols = ["exercise_id", "name", "year", "host_iso3", "domains", "format"]
    require(exercises, cols, "exercises")
    if definition not in COMPLEXITY_DEFINITIONS:
        raise BriefError(
            f"complexity definition {definition!r}: expected one of "
            f"{sorted(COMPLEXITY_DEFINITIONS)}"
        )
    w = COMPLEXITY_DEFINITIONS[definition]
    rows = []
    for _, r in exercises.iterrows():
        doms = _domains(r["domains"])
        bad = [d for d in doms if d not in DOMAINS]
        if bad:
            raise BriefError(
                f"exercises row {r['exercise_id']}: domains {bad}; expected of {list(DOMAINS)}"
            )
        loc = exercise_location(r["host_iso3"], doms)
        operational = sorted({d for d in doms if d in OPERATIONAL_DOMAINS})
        large = at_least(r.get("troops_total"), r.get("troops_total_qualifier"), troop_threshold)
        features = {
            "domain": len(operational),
            "bilateral": int(str(r["format"]) == "bilateral"),
            "partner_territory": int(loc in ("inside China", "inside Russia")),
            "strategic": int(STRATEGIC in doms),
            "scale": int(bool(large)),
        }
        rows.append(
            {
                "exercise_id": str(r["exercise_id"]),
                "name": str(r["name"]),
                "year": int(r["year"]),
                "start_date": text(r.get("start_date")),
                "end_date": text(r.get("end_date")),
                "location": loc,
                "format": str(r["format"]),
                "n_domains": len(operational),
                "domains": ";".join(sorted(set(doms))),
                "troops_total": num(r.get("troops_total")),
                "troops_total_qualifier": text(r.get("troops_total_qualifier")),
                "troops_china": num(r.get("troops_china")),
                "troops_china_qualifier": text(r.get("troops_china_qualifier")),
                "large": large,
                "complexity": float(sum(w[f] * features[f] for f in FEATURES)),
            }
        )
    cols_out = [
        "exercise_id", "name", "year", "start_date", "end_date", "location", "format",
        "n_domains", "domains", "troops_total", "troops_total_qualifier", "troops_china",
        "troops_china_qualifier", "large", "complexity",
    ]  # fmt: skip
    return (
        pd.DataFrame(rows, columns=cols_out)
        .sort_values(["year", "exercise_id"])
        .reset_index(drop=True)
    )


def exercises_per_year(scored: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Counts per year (all years in the span, zeros kept), optionally split by ``by``.

    ``by="domain"`` counts an exercise once per domain; ``by="location"`` once per location.
    Columns year, [group], count.
    """
    if scored.empty:
        return pd.DataFrame(columns=["year", "count"] if by is None else ["year", by, "count"])
    years = range(int(scored["year"].min()), int(scored["year"].max()) + 1)
    if by is None:
        n = scored.groupby("year").size()
        return pd.DataFrame({"year": list(years), "count": [int(n.get(y, 0)) for y in years]})
    if by == "domain":
        d = scored.assign(domain=scored["domains"].str.split(";")).explode("domain")
        d = d[d["domain"].fillna("") != ""]
    elif by == "location":
        d = scored
    else:
        raise BriefError(f"exercises_per_year: by={by!r}; expected None, 'domain' or 'location'")
    n = d.groupby(["year", by]).size()
    groups = sorted(d[by].unique())
    rows = [{"year": y, by: g, "count": int(n.get((y, g), 0))} for y in years for g in groups]
    return pd.DataFrame(rows, columns=["year", by, "count"])


def complexity_by_year(scored: pd.DataFrame) -> pd.DataFrame:
    """Mean and max complexity of the year's exercises: year, mean, max, n."""
    if scored.empty:
        return pd.DataFrame(columns=["year", "mean", "max", "n"])
    g = scored.groupby("year")["complexity"]
    out = pd.DataFrame({"mean": g.mean(), "max": g.max(), "n": g.size()}).reset_index()
    return out.astype({"year": int, "n": int})


def complexity_trend(
    exercises: pd.DataFrame,
    first_year: int,
    *,
    definition: str = "brief",
    troop_threshold: float = TROOP_THRESHOLD,
) -> dict:
    """OLS trend of the mean yearly complexity from ``first_year`` (slope, se, ci_low, ci_high,
    n)."""
    scored = exercise_complexity(exercises, definition, troop_threshold=troop_threshold)
    by = complexity_by_year(scored)
    by = by[by["year"] >= first_year]
    return ols_trend(by["year"], by["mean"])


def complexity_sensitivity(
    exercises: pd.DataFrame, first_year: int, *, troop_threshold: float = TROOP_THRESHOLD
) -> pd.DataFrame:
    """Trend of mean yearly complexity from ``first_year`` under every definition."""
    rows = [
        {
            "definition": name,
            **complexity_trend(
                exercises, first_year, definition=name, troop_threshold=troop_threshold
            ),
        }
        for name in COMPLEXITY_DEFINITIONS
    ]
    return pd.DataFrame(rows, columns=["definition", "slope", "se", "ci_low", "ci_high", "n"])


def first_large_in(scored: pd.DataFrame, location: str) -> dict:
    """First exercise in ``location`` whose stated total reaches the threshold the scores were
    made with (the ``large`` column): its year, name, best-known date and stated troops."""
    d = scored[(scored["location"] == location) & (scored["large"] == True)]  # noqa: E712
    if d.empty:
        return {"year": None, "name": None, "date": None, "troops": None}
    d = d.assign(_date=known_date(d))
    r = d.sort_values(["year", "_date"]).iloc[0]
    return {
        "year": int(r["year"]),
        "name": str(r["name"]),
        "date": str(r["_date"]),
        "troops": " ".join(
            x for x in (text(r["troops_total_qualifier"]), f"{int(r['troops_total']):,}") if x
        ),
    }


def known_date(scored: pd.DataFrame) -> pd.Series:
    """The start date, else the end date (a cited page may state only when it ended), else ''."""
    start = scored["start_date"].fillna("").astype(str)
    end = scored["end_date"].fillna("").astype(str) if "end_date" in scored else start
    return start.where(start != "", end)


def headline(scored: pd.DataFrame) -> str:
    """The exercise chart's title: how many a year recently, and the complexity trend's sign."""
    if scored.empty:
        return "China–Russia joint exercises: none on record"
    per = exercises_per_year(scored)
    last = int(per["year"].max())
    recent = per[per["year"] > last - 5]
    return (
        f"China and Russia held {recent['count'].sum()} joint exercises and patrols in "
        f"{last - 4}–{last}, {recent['count'].mean():.1f} a year"
    )


def alt_text(by_location: pd.DataFrame, complexity: pd.DataFrame) -> str:
    if by_location.empty:
        return "Stacked bars of joint exercises per year: none."
    totals = by_location.groupby("year")["count"].sum()
    first, last = ends(complexity)
    return (
        f"Stacked bars of joint exercises per year by location, {int(totals.index.min())} to "
        f"{int(totals.index.max())} (most in a year: {int(totals.max())}), above a line of mean "
        f"complexity from {first['mean']:.1f} in {int(first['year'])} to "
        f"{last['mean']:.1f} in {int(last['year'])}."
    )
