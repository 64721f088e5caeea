"""C5: military "hands-on collaboration" is routine, and joint exercises grow more complex.

What the report said (as the article quotes it): military "hands-on collaboration" is routine,
the depth and scope of joint exercises have grown more complex since the first one in 2003, and
the two increase interoperability through joint training and equipment exchanges. The article
adds, as its own context credited to the Associated Press, that in August 2021 the two held
large-scale joint exercises inside China for the first time: that is not the report's claim,
so it is shown as reported context (evidence), never counted in the verdict.

Parts (``rules.c5``):

1. *routine*: at least one exercise in each of at least ``routine_share`` of the last
   ``routine_window`` years of data;
2. *more complex since the first exercise*: the OLS trend of the mean yearly complexity
   (:func:`analysis.compute.exercises.exercise_complexity` under ``complexity``) from
   ``first_year``: interval above zero holds, below zero fails, including zero is no evidence
   either way;
3. *interoperability through joint training and equipment exchanges*: untested (no dataset).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from analysis.compute import exercises as ex
from analysis.compute.claims.base import (
    CONFIDENCE,
    REPORT_YEAR,
    above,
    at_least,
    claim,
    combine,
    dated,
    ev,
    kept_since,
    part,
    signed,
    since_report,
    since_words,
    untested,
    verdict_of,
)
from analysis.compute.claims.rules import Frozen, choices_of, rule, spec_rules
from analysis.compute.frames import num
from analysis.compute.stats import ols_trend
from analysis.results import Claim, Outcome

ID = "C5"
TITLE = "Military collaboration is routine and joint exercises grow more complex"
READS = ("exercises",)
PARAMS: tuple[str, ...] = ()
SOURCE = "Hand-curated list of China–Russia joint exercises with citations; our computation"
#: The curated sources its data come from (the hand-curated exercises).
SOURCES = ("hand",)
FIRST_EXERCISE_YEAR = 2003  # the first joint "field exercise" per the report (SCO, multilateral)

# The complexity definitions (analysis.compute.exercises.COMPLEXITY_DEFINITIONS), in words.
Definition = Literal[
    "size, length and format",
    "length and format (no sizes)",
    "2025 count index (old)",
    "domains only",
    "no format weight",
    "strategic heavy",
    "no scale",
]


class Rules(Frozen):
    """The rules that decide C5 (brief parameters ``rules.c5.*``)."""

    complexity: Definition = rule(
        ex.DEFAULT_DEFINITION,
        vary=list(ex.COMPLEXITY_DEFINITIONS),
        title="the complexity definition",
    )
    """Complexity definition (analysis.compute.exercises): the brief's scale index counts
    domains, troop size, length and a strategic format. Varied: 'complexity' is not defined by
    the report: every definition the brief has, the 2025 count index among them."""
    troop_threshold: int = rule(
        ex.TROOP_THRESHOLD,
        ge=1_000,
        le=200_000,
        vary=[5_000, 10_000, 20_000],
        title="the troop threshold",
    )
    """A stated total of at least this many troops is large-scale: the middle of the scale
    index's size bands (a tenth of it, it, ten times it) and the count index's one point for
    scale. Varied: 'large-scale' from a brigade-sized exercise to a strategic one."""
    first_year: int = rule(
        FIRST_EXERCISE_YEAR,
        ge=2003,
        le=2020,
        vary=[2003, 2005, 2010],
        title="the first year of the trend",
    )
    """First year of the complexity trend (2003: the first joint exercise). Varied: from the first
    exercise, the first bilateral one, or the last 15 years."""
    routine_window: int = rule(10, ge=3, le=20)
    """Years looked at for 'routine'."""
    routine_share: float = rule(1.0, gt=0.0, le=1.0)
    """'Routine' means an exercise in at least this share of those years."""


Choices = choices_of(Rules)


@dataclass(frozen=True)
class Scored:
    """What C5 reads of the scored exercises whatever its other rules (the first year of the
    trend, what counts as routine): made once per scoring for the specifications of the
    multiverse that share it (:func:`evaluate_block`)."""

    per_year: pd.DataFrame  # exercises per year
    since: dict[str, Any]  # the trend of the mean complexity since the report
    unstated: dict[str, int]  # exercises without troops, without dates
    in_china: dict[str, Any]  # the first large exercise inside China
    august_2021: str  # the names of the exercises in China in August 2021

    @classmethod
    def of(cls, scored: pd.DataFrame) -> Scored:
        by_year = ex.complexity_by_year(scored)
        aug = scored[
            (scored["location"] == "inside China") & ex.known_date(scored).str.startswith("2021-08")
        ]
        return cls(
            ex.exercises_per_year(scored),
            since_report(by_year["year"], by_year["mean"]),
            ex.unstated_counts(scored),
            ex.first_large_in(scored, "inside China"),
            "; ".join(aug["name"]),
        )


def routine_part(
    per_year: pd.DataFrame, rules: Rules
) -> tuple[int | None, int, int | None, Outcome]:
    """The first part, "routine", from the exercises a year: (years with an exercise, of the
    last ``routine_window`` years of data, to the last year; the part's outcome)."""
    if per_year.empty:
        return None, 0, None, "untested"
    last = int(per_year["year"].max())
    recent = per_year[per_year["year"] > last - rules.routine_window]
    held, window = int((recent["count"] > 0).sum()), len(recent)
    need = rules.routine_share * rules.routine_window
    return held, window, last, ("holds" if at_least(held, need) else "fails")


def assess(
    exercises: pd.DataFrame,
    rules: Rules,
    *,
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
    scored: pd.DataFrame | None = None,
    read: Scored | None = None,
) -> Claim:
    """C5 from the curated exercise table (``data/exercises.csv``); ``scored``: the table
    scored under ``rules`` (:func:`~analysis.compute.exercises.exercise_complexity`), and
    ``read``: :meth:`Scored.of` it, when the caller has them (the multiverse:
    :func:`evaluate_block`)."""
    if scored is None:
        scored = ex.exercise_complexity(
            exercises, rules.complexity, troop_threshold=rules.troop_threshold
        )
    if read is None:
        read = Scored.of(scored)
    per_year, since = read.per_year, read.since
    trend = ex.complexity_trend(
        exercises,
        rules.first_year,
        definition=rules.complexity,
        troop_threshold=rules.troop_threshold,
        scored=scored,
    )
    complexer, turned = kept_since(above(trend["ci_low"], trend["ci_high"]), since)
    held, window, last, routine_outcome = routine_part(per_year, rules)
    parts = [
        part(
            "Routine",
            f"an exercise in at least {rules.routine_share * rules.routine_window:g} of the "
            f"last {rules.routine_window} years",
            routine_outcome,
        ),
        part(
            f"More complex since {rules.first_year}",
            f"the trend of mean yearly complexity ({rules.complexity} definition) from "
            f"{rules.first_year}, its {CONFIDENCE:.0%} interval above zero, "
            f"{since_words(since)}",
            complexer,
        ),
        untested(
            "Interoperability through joint training and equipment exchanges",
            "no public dataset measures interoperability",
        ),
    ]
    unstated, in_china = read.unstated, read.in_china
    evidence = [
        ev("years_with_exercise", f"Years with a joint exercise, of the last {window}", held,
           "count", last, decisive=True),
        ev("complexity_slope", f"Change of mean exercise complexity a year since "
           f"{rules.first_year}", trend["slope"], "points_per_year", decisive=True),
        ev("complexity_slope_ci_low", "Its interval, lower end", trend["ci_low"],
           "points_per_year", decisive=True),
        ev("complexity_slope_ci_high", "Its interval, upper end", trend["ci_high"],
           "points_per_year", decisive=True),
        ev("complexity_since_report", f"Change of mean exercise complexity a year since "
           f"{REPORT_YEAR}", since["slope"], "points_per_year", decisive=turned),
        ev("exercises_total", "Joint exercises and patrols on record", len(scored), "count"),
        ev("exercises_without_troops", "Of them, with no stated troop total (scored on their "
           "other features)", unstated["troops"], "count"),
        ev("exercises_without_dates", "Of them, without both dates (scored without length)",
           unstated["dates"], "count"),
        ev("exercises_latest", "Joint exercises and patrols", int(per_year["count"].iloc[-1])
           if len(per_year) else None, "count", last),
        ev("first_large_in_china", f"First exercise in China with a stated total of at least "
           f"{rules.troop_threshold:,} troops (context)",
           f"{in_china['name']} ({in_china['troops']})" if in_china["year"] else "none on record",
           "text", in_china["year"]),
        ev("august_2021_in_china", "Exercises in China in August 2021 (the article's AP context)",
           read.august_2021 or "none on record", "text", 2021),
    ]  # fmt: skip
    verdict = combine(parts)
    routine = (
        f"Joint exercises or patrols were held in {held} of the last {window} years to {last}"
        if held is not None
        else "No exercises are on record"
    )
    if trend["slope"] is None:
        summary = f"{routine}; too few years to fit a complexity trend."
    else:
        direction = {
            "holds": "rose",
            "fails": "fell",
            "inconclusive": "shows no clear trend",
            "untested": "cannot be fitted",
        }[above(trend["ci_low"], trend["ci_high"])]
        summary = (
            f"{routine}; their mean complexity ({rules.complexity}) {direction} since "
            f"{rules.first_year} "
            f"({signed(trend['slope'])} points a year, {CONFIDENCE:.0%} interval "
            f"{signed(trend['ci_low'])} to {signed(trend['ci_high'])})"
        )
        if turned:
            summary += (
                f", but it has turned since the report ({signed(since['slope'])} points a year, "
                f"{since['first']}–{since['last']})"
            )
        summary += "."
    summary += (
        f" Under this brief's choices the claim is {verdict}; interoperability is not in the data. "
    ) + (
        f"The first exercise in China with a stated total of at least "
        f"{rules.troop_threshold:,} troops on record is {in_china['name']} "
        f"({in_china['year']}, {in_china['troops']})."
        if in_china["year"]
        else ""
    )
    head = f"Exercises in {held} of the last {window} years" if held is not None else "None"
    if trend["slope"] is not None:
        head += (
            f"; complexity {signed(trend['slope'])} points a year since {rules.first_year} "
            f"({ {'holds': 'rising', 'fails': 'falling'}.get(parts[1].outcome, 'no clear trend') }"
            + (f", turned since {REPORT_YEAR}" if turned else "")
            + ")"
        )
    return claim(
        TITLE,
        parts,
        summary,
        evidence,
        headline=head,
        assumptions=[
            ex.describe(rules.complexity, rules.troop_threshold)
            + f" Of {len(scored)} exercises and patrols, {unstated['troops']} have no stated "
            f"troop total and {unstated['dates']} lack a start or end date. The score is "
            "ordinal; the other definitions (the 2025 count index among them) are in the "
            "sensitivity table and the multiverse.",
            "The 2003 exercise was the multilateral SCO one; the first bilateral exercise was "
            "Peace Mission 2005.",
            "The exercise list is hand-curated from cited public reports, armed forces only; it "
            "may be incomplete, and domains and troops are only those the cited pages state.",
            "The article's AP context (August 2021, inside China for the first time) is shown "
            "as context, not tested as the report's claim.",
        ],
        charts=charts,
        tables=tables,
    )


# ---------------------------------------------------------------------------------------------
# The multiverse

ESTIMATE = "change of mean exercise complexity a year (points)"


def prepare(data: Mapping[str, Any], params: Any) -> pd.DataFrame:
    return data["exercises"]


def decide(exercises: pd.DataFrame, params: Any, out: Any) -> Claim:
    """The brief's C5, its exercise chart and tables (``out``: the run's
    :class:`~analysis.compute.artifacts.Exhibits`)."""
    from analysis.compute.charts import relations as rc

    rules = params.rules.c5
    scored = ex.exercise_complexity(
        exercises, rules.complexity, troop_threshold=rules.troop_threshold
    )
    result = assess(exercises, rules, scored=scored)
    src = dated(SOURCE, SOURCES, params)
    by_location = ex.exercises_per_year(scored, by="location")
    complexity = ex.complexity_by_year(scored)
    out.table(
        scored,
        "c5-exercise-list",
        title="Joint exercises with complexity scores",
        source=src,
        sort_by=["year", "exercise_id"],
    )
    out.table(
        ex.complexity_sensitivity(
            exercises, rules.first_year, troop_threshold=rules.troop_threshold
        ),
        "c5-sensitivity",
        title="Trend of mean complexity under each definition",
        source=src,
        sort_by=["definition"],
    )
    out.chart(
        rc.exercises_chart(
            by_location,
            complexity,
            by="location",
            source=src,
            subtitle=ex.chart_subtitle(rules.complexity),
        ),
        "c5-exercises",
        title=ex.headline(scored),
        caption=ex.caption(rules.complexity),
        alt=ex.alt_text(by_location, complexity),
        source=src,
        data=by_location.merge(complexity, on="year", how="left"),
        data_title="Exercises per year by location, with mean complexity",
        sort_by=["year", "location"],
    )
    return out.finish(result)


def evaluate(exercises: pd.DataFrame, spec: dict[str, Any], params: Any):
    rules = spec_rules(params.rules.c5, spec)
    result = assess(exercises, rules)
    slope = result.item("complexity_slope")
    return (slope.value if slope else None), result.verdict


def evaluate_block(exercises: pd.DataFrame, block: Any, params: Any) -> tuple[Any, list[str]]:
    """:func:`evaluate` of every specification of ``block`` at once. Its verdict reads the
    exercises a year (the same whatever the scoring) and the trend of the mean yearly
    complexity under its definition and threshold, from its first year, checked against the
    trend since the report: so every exercise is scored once under each definition and
    threshold of the block (:func:`~analysis.compute.exercises.complexity_scores`), the yearly
    means of all of them taken at once, each distinct series of means fitted once (by
    :func:`~analysis.compute.stats.ols_trend`, as :func:`assess` fits it), and each distinct
    pair of outcomes combined once. "Routine" is decided once, by the brief's rules: they are
    not choices of the space (a space that varied them would be caught by the block test)."""
    keys = np.stack([block.codes["complexity"], block.codes["troop_threshold"]], 1)
    groups, way_of = np.unique(keys, axis=0, return_inverse=True)
    ways = [
        (block.values["complexity"][c], block.values["troop_threshold"][t])
        for c, t in groups.tolist()
    ]
    table = ex.complexity_scores(exercises, ways)
    means = table.groupby("year").mean()  # complexity_by_year's mean, every way at once
    years = means.index.to_numpy().astype(int)
    first = block.column("first_year")
    _, _, _, routine_outcome = routine_part(ex.exercises_per_year(table), params.rules.c5)
    trends: dict[bytes, dict[str, Any]] = {}  # a series of means -> its trend, fitted once

    def trend(kept: np.ndarray, mean: np.ndarray) -> dict[str, Any]:
        key = years[kept].tobytes() + b"|" + mean[kept].tobytes()
        if key not in trends:
            trends[key] = ols_trend(years[kept], mean[kept])
        return trends[key]

    estimates, outcomes = np.full(len(block), np.nan), np.empty(len(block), dtype=object)
    for w in range(len(ways)):
        mean = means[w].to_numpy()
        since = since_report(years, mean)  # Scored.of's
        rows = way_of.reshape(-1) == w
        for year in np.unique(first[rows]).tolist():
            fit = trend(years >= year, mean)
            complexer, _ = kept_since(above(fit["ci_low"], fit["ci_high"]), since)
            mine = rows & (first == year)
            estimates[mine] = np.nan if num(fit["slope"]) is None else num(fit["slope"])
            outcomes[mine] = complexer
    return estimates, [verdict_of((routine_outcome, o)) for o in outcomes.tolist()]
