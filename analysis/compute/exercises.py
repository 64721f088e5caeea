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

# A joint strategic patrol (bombers or warships on a joint route) is a kind of activity, not a
# domain: it never scores as a domain (the 2025 count index scored it once, as "patrol").
STRATEGIC = "strategic_patrol"
OPERATIONAL_DOMAINS = tuple(d for d in hand.DOMAINS if d != STRATEGIC)
TROOP_THRESHOLD = 10_000  # "large-scale": a stated total of at least this many troops
# A number the page qualifies as "nearly" or "up to" is below it; "about" and "more than" are
# at least it.
BELOW = ("nearly", "up to")
# The strategic-level formats: Russia's strategic exercises (Vostok, Tsentr, Kavkaz, Zapad, and
# the strategic naval exercise Ocean), theatre-level command of several services. The table's
# other formats (bilateral, SCO, multilateral) are tactical exercises and patrols.
STRATEGIC_FORMATS = ("russian_strategic",)
# Length: one point for lasting at least 3 days, one more for a week or longer (days counted
# from start_date to end_date inclusive, so a one-day patrol lasts 1 day).
LENGTH_DAYS = (3, 7)
# Size: one point for each band of the stated total reached, the bands a decade apart around
# the troop threshold (with 10,000: 1,000, 10,000 and 100,000).
SIZE_BANDS = (0.1, 1.0, 10.0)

# Features (see exercise_complexity): a value per exercise, None where the page does not state
# what it needs (a troop total, both dates).
FEATURES = (
    "domain", "size", "length", "strategic_format",  # the scale index (the brief's)
    "bilateral", "partner_territory", "patrol", "scale",  # the 2025 count index
)  # fmt: skip
SCALE_INDEX = "size, length and format"
NO_SIZES = "length and format (no sizes)"
COUNT_INDEX = "2025 count index (old)"
DEFAULT_DEFINITION = SCALE_INDEX
_COUNT = {"domain": 1, "bilateral": 1, "partner_territory": 1, "patrol": 1, "scale": 1}
# Complexity definitions: name -> weight of each feature (a feature not listed weighs 0). The
# brief's own is the scale index; the others are the alternatives the multiverse and the
# sensitivity table try, so a reader sees whether "more complex" depends on the definition:
# the scale index without troop sizes (they are stated unevenly over the years), the 2025
# count index the brief used before (one point per domain, bilateral format, partner's
# territory, joint patrol and a stated total at the threshold) and three variants of it.
COMPLEXITY_DEFINITIONS: dict[str, dict[str, float]] = {
    SCALE_INDEX: {"domain": 1, "size": 1, "length": 1, "strategic_format": 2},
    NO_SIZES: {"domain": 1, "length": 1, "strategic_format": 2},
    COUNT_INDEX: _COUNT,
    "domains only": {"domain": 1},
    "no format weight": {**_COUNT, "bilateral": 0},
    "strategic heavy": {**_COUNT, "patrol": 3},
    "no scale": {**_COUNT, "scale": 0},
}


# The columns the analysis reads (the curated tables add their citation columns, and the
# exercises their audit notes).
EXERCISE_COLUMNS = tuple(
    c for c in hand.EXERCISE_COLUMNS if c not in hand.CITATION and c != hand.NOTES
)


#: The columns every exercise's score needs.
EXERCISE_READS = ["exercise_id", "name", "year", "host_iso3", "domains", "format"]

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


def size_points(value: Any, qualifier: Any, troop_threshold: float = TROOP_THRESHOLD) -> int | None:
    """Points for a stated troop total: one for each band of :data:`SIZE_BANDS` (times the
    threshold) it reaches, qualifiers respected (0 to 3); None when no total is stated."""
    reached = [at_least(value, qualifier, f * troop_threshold) for f in SIZE_BANDS]
    return None if reached[0] is None else sum(bool(r) for r in reached)


def length_days(start: Any, end: Any, exercise_id: str = "") -> int | None:
    """Days from ``start`` to ``end`` inclusive (ISO dates); None unless both are stated."""
    a, b = text(start), text(end)
    if not a or not b:
        return None
    try:
        days = (pd.Timestamp(b) - pd.Timestamp(a)).days + 1
    except ValueError as e:
        raise BriefError(
            f"exercises row {exercise_id}: dates {a!r} to {b!r}; expected ISO dates"
        ) from e
    if days < 1:
        raise BriefError(
            f"exercises row {exercise_id}: end_date {b} before start_date {a}; expected an "
            "end on or after the start"
        )
    return days


def length_points(days: int | None) -> int | None:
    """One point for each of :data:`LENGTH_DAYS` reached (0 to 2); None for unknown dates."""
    return None if days is None else sum(days >= d for d in LENGTH_DAYS)


def exercise_complexity(
    exercises: pd.DataFrame,
    definition: str = DEFAULT_DEFINITION,
    *,
    troop_threshold: float = TROOP_THRESHOLD,
) -> pd.DataFrame:
    """Per exercise: domains, location, size, length and a complexity score under
    ``definition``.

    The brief's score (the scale index, ``"size, length and format"``) adds:

    - one point for every distinct operational domain (land, air, sea, missile defence,
      command post, counter-terror): combined-arms integration;
    - size, from the stated troop total (the host's own figure): one point for each decade it
      reaches from a tenth of ``troop_threshold`` (with 10,000: at least 1,000, 10,000 and
      100,000 troops, so 0 to 3). A number the page qualifies as "nearly" or "up to" is below
      it ("nearly 10,000" scores as under 10,000); "about" and "more than" are at it;
    - length, from ``start_date`` to ``end_date`` inclusive: one point for lasting at least 3
      days and one more for a week or longer (0 to 2);
    - two points for a strategic-level format (:data:`STRATEGIC_FORMATS`, Russia's strategic
      exercises: theatre-level command of several services), none for a tactical exercise.

    A joint strategic patrol is a patrol, not a large exercise: bombers or warships flying or
    sailing a joint route, with no opposing force. It scores its domains (air, sea) and its
    length like any activity, and no format points; its political weight is not complexity.
    Vostok-2018 (nearly 300,000 troops, 3 days, strategic, land) scores 7; a one-day joint
    bomber patrol scores 1.

    A troop total or a date the cited page does not state is not zero: the exercise is scored
    on its other features, and the columns say what was missing (``size_points`` or
    ``length_points`` NA, ``unstated``). Because totals are stated more often for large land
    exercises than for naval ones and patrols, the alternative ``"length and format (no
    sizes)"`` scores every exercise without size, so a reader sees whether the trend depends on
    that. Each feature counts once; the score is ordinal (a point is a step, not a unit). The
    other :data:`COMPLEXITY_DEFINITIONS` (the 2025 count index and its variants) are refitted
    beside it.
    """
    require(exercises, EXERCISE_READS, "exercises")
    w = _weights_of(definition)
    rows = []
    for fact in _facts(exercises):
        r, features = fact["row"], _features(fact, troop_threshold)
        unstated = [
            what
            for what, f in (("troops", "size"), ("dates", "length"))
            if features[f] is None and w.get(f, 0)
        ]
        rows.append(
            {
                "exercise_id": str(r["exercise_id"]),
                "name": str(r["name"]),
                "year": int(r["year"]),
                "start_date": text(r.get("start_date")),
                "end_date": text(r.get("end_date")),
                "location": fact["location"],
                "format": fact["format"],
                "n_domains": len(fact["operational"]),
                "domains": ";".join(sorted(set(fact["domains"]))),
                "troops_total": num(fact["total"]),
                "troops_total_qualifier": text(fact["qualifier"]),
                "troops_china": num(r.get("troops_china")),
                "troops_china_qualifier": text(r.get("troops_china_qualifier")),
                "large": features["large"],
                "size_points": features["size"],
                "length_days": fact["days"],
                "length_points": features["length"],
                "unstated": "; ".join(unstated),
                "complexity": _score(features, w),
            }
        )
    cols_out = [
        "exercise_id", "name", "year", "start_date", "end_date", "location", "format",
        "n_domains", "domains", "troops_total", "troops_total_qualifier", "troops_china",
        "troops_china_qualifier", "large", "size_points", "length_days", "length_points",
        "unstated", "complexity",
    ]  # fmt: skip
    out = pd.DataFrame(rows, columns=cols_out)
    for c in ("size_points", "length_days", "length_points"):
        out[c] = out[c].astype("Int64")
    return out.sort_values(["year", "exercise_id"]).reset_index(drop=True)


def complexity_scores(exercises: pd.DataFrame, ways: Sequence[tuple[str, float]]) -> pd.DataFrame:
    """The ``complexity`` column of :func:`exercise_complexity` under each of ``ways``
    (definition, troop threshold), in the same order of exercises: columns year and one per way
    (0, 1, ...). Each exercise's threshold-free facts (domains, place, days) are read once and
    its features once per threshold, for the multiverse, which scores every exercise under
    every definition and threshold it tries (C5)."""
    facts = _facts(exercises)
    weights = [_weights_of(definition) for definition, _ in ways]
    features = {t: [_features(f, t) for f in facts] for t in dict.fromkeys(t for _, t in ways)}
    columns: dict[Any, Any] = {
        "exercise_id": exercises["exercise_id"].astype(str).tolist(),
        "year": [int(y) for y in exercises["year"]],
    }
    for i, (w, (_, t)) in enumerate(zip(weights, ways, strict=True)):
        columns[i] = [_score(f, w) for f in features[t]]
    out = pd.DataFrame(columns, columns=list(columns))
    out = out.sort_values(["year", "exercise_id"]).reset_index(drop=True)
    return out.drop(columns="exercise_id")


def _weights_of(definition: str) -> dict[str, float]:
    if definition not in COMPLEXITY_DEFINITIONS:
        raise BriefError(
            f"complexity definition {definition!r}: expected one of "
            f"{sorted(COMPLEXITY_DEFINITIONS)}"
        )
    return COMPLEXITY_DEFINITIONS[definition]


def _facts(exercises: pd.DataFrame) -> list[dict[str, Any]]:
    """What each exercise's score reads whatever the definition and the threshold: its domains
    (checked), location, format, stated troops and days (and its ``row``, as plain values)."""
    require(exercises, EXERCISE_READS, "exercises")
    out = []
    for r in exercises.to_dict("records"):  # plain values: a Series per row is slow
        doms = _domains(r["domains"])
        bad = [d for d in doms if d not in DOMAINS]
        if bad:
            raise BriefError(
                f"exercises row {r['exercise_id']}: domains {bad}; expected of {list(DOMAINS)}"
            )
        out.append(
            {
                "row": r,
                "domains": doms,
                "location": exercise_location(r["host_iso3"], doms),
                "operational": sorted({d for d in doms if d in OPERATIONAL_DOMAINS}),
                "format": str(r["format"]),
                "total": r.get("troops_total"),
                "qualifier": r.get("troops_total_qualifier"),
                "days": length_days(r.get("start_date"), r.get("end_date"), str(r["exercise_id"])),
            }
        )
    return out


def _features(fact: dict[str, Any], troop_threshold: float) -> dict[str, Any]:
    """An exercise's features (:data:`FEATURES`) under ``troop_threshold``, and ``large``."""
    total, qual = fact["total"], fact["qualifier"]
    large = at_least(total, qual, troop_threshold)
    return {
        "domain": len(fact["operational"]),
        "size": size_points(total, qual, troop_threshold),
        "length": length_points(fact["days"]),
        "strategic_format": int(fact["format"] in STRATEGIC_FORMATS),
        "bilateral": int(fact["format"] == "bilateral"),
        "partner_territory": int(fact["location"] in ("inside China", "inside Russia")),
        "patrol": int(STRATEGIC in fact["domains"]),
        "scale": int(bool(large)),
        "large": large,
    }


def _score(features: dict[str, Any], weights: dict[str, float]) -> float:
    """An exercise's complexity: its features weighted (a feature it lacks adds nothing)."""
    return float(sum(weights.get(f, 0) * (features[f] or 0) for f in FEATURES))


_WORDS = {1: "one point", 2: "two points", 3: "three points"}
# What each feature counts, in words (a phrase after "N points"), and as a noun for captions.
_RULES = {
    "domain": ("per operational domain", "operational domains"),
    "size": (
        "for each band the stated troop total reaches (at least {low:,}, {mid:,} and {high:,} "
        "troops; 'nearly' or 'up to' a number is below it)",
        "troop size",
    ),
    "length": ("for lasting at least 3 days, and again for a week or longer", "length"),
    "strategic_format": ("for a Russian strategic exercise", "a strategic format"),
    "bilateral": ("for a bilateral format", "a bilateral format"),
    "partner_territory": ("for being held in China or Russia", "partner territory"),
    "patrol": ("for a joint strategic patrol", "a joint patrol"),
    "scale": (
        "for a stated total of at least {mid:,} troops ('nearly' or 'up to' a number is below it)",
        "a stated total at the troop threshold",
    ),
}


def _weights(definition: str) -> dict[str, float]:
    return {f: w for f in FEATURES if (w := _weights_of(definition).get(f, 0))}


def describe(definition: str, troop_threshold: float = TROOP_THRESHOLD) -> str:
    """The rule of ``definition`` in words, one sentence (C5's assumptions, Methods)."""
    t = int(troop_threshold)
    bands = {"low": round(t * SIZE_BANDS[0]), "mid": t, "high": round(t * SIZE_BANDS[2])}
    parts = [
        f"{_WORDS.get(int(w), f'{w:g} points')} {_RULES[f][0].format(**bands)}"
        for f, w in _weights(definition).items()
    ]
    text_ = f"Complexity ({definition}): " + "; ".join(parts) + "."
    if "patrol" not in _weights(definition) and {"size", "length"} & set(_weights(definition)):
        text_ += (
            " A joint strategic patrol scores as a patrol: its domains and length, no format "
            "points. A troop total or dates the cited page does not state add nothing; the "
            "exercise is scored on its other features and counted as unstated."
        )
    return text_


def nouns(definition: str) -> str:
    """What ``definition`` gives points for, as a list of nouns (the chart's caption)."""
    names = [_RULES[f][1] for f in _weights(definition)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def caption(definition: str) -> str:
    """The exercise chart's caption: what its two panels show, the index in words."""
    return (
        "Top: joint exercises and patrols a year by where they were held. Bottom: their mean "
        f"complexity score under the definition '{definition}' (points for "
        f"{nouns(definition)}; see Methods)."
    )


def chart_subtitle(definition: str) -> str:
    """The exercise chart's subtitle: which index its lower panel shows."""
    _weights(definition)  # an unknown definition is one clear error
    return f"Complexity index: {definition}; see Methods"


def unstated_counts(scored: pd.DataFrame) -> dict[str, int]:
    """How many scored exercises have no stated troop total, and no stated start and end date
    (whatever the definition they were scored under)."""
    if scored.empty:
        return {"troops": 0, "dates": 0}
    return {
        "troops": int(scored["troops_total"].isna().sum()),
        "dates": int(scored["length_days"].isna().sum()),
    }


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
    definition: str = DEFAULT_DEFINITION,
    troop_threshold: float = TROOP_THRESHOLD,
    scored: pd.DataFrame | None = None,
) -> dict:
    """OLS trend of the mean yearly complexity from ``first_year`` (slope, se, ci_low, ci_high,
    n); ``scored``: :func:`exercise_complexity` of the same arguments, when the caller has it."""
    if scored is None:
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
