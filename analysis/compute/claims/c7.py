"""C7: little U.S. leverage; prepare for more diffusion, joint planning, basing and operations.

What the report said: RAND's summary finds "little the U.S. government or Army can do",
"Absent major (and likely undesirable) changes in U.S. policy"; the article adds, in its own
words, that the relationship will present an ever-increasing challenge. The report advises the
U.S. military to prepare for (it does not predict) further diffusion of Chinese and Russian
military equipment, additional joint planning and exercises, potential joint basing, and
"eventually the possibility of joint military operations" (quoted by the article).

The data can test whether the trends the advice rests on are there (``rules.c7``):

1. *diffusion of Chinese arms*: the number of states receiving Chinese arms each year, OLS
   trend from ``start_year`` (interval above zero holds, below fails, else no evidence);
2. *diffusion of Russian arms*: the same for Russia (the Soviet Union before 1992);
3. *more joint exercises*: the yearly count of joint exercises and patrols, same test;
4. joint planning, joint basing, joint military operations and U.S. leverage: untested.

``suppliers`` narrows which suppliers' diffusion counts (the multiverse tries each).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from analysis.compute.claims.base import (
    CONFIDENCE,
    REPORT_YEAR,
    above,
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
from analysis.compute.frames import latest, num, value_at
from analysis.compute.stats import ols_trend
from analysis.results import Claim, Outcome

ID = "C7"
TITLE = (
    "Little U.S. leverage; prepare for more arms diffusion, joint exercises, possibly joint "
    "operations"
)
READS = ("arms_register", "exercises")
PARAMS = ("coalition",)
#: The curated sources its data come from (arms deliveries and exercises).
SOURCES = ("sipri_arms", "hand")


class Rules(Frozen):
    """The rules that decide C7 (brief parameters ``rules.c7.*``)."""

    start_year: int = rule(
        2000, ge=1992, le=2018, vary=[2000, 2005, 2010, 2014], title="the first year of the trends"
    )
    """First year of every trend. Varied: trends since 2000 (the brief's), 2005, 2010 or the 2014
    sanctions."""
    suppliers: Literal["each", "China", "Russia"] = rule(
        "each", vary=["each", "China", "Russia"], title="the suppliers tested"
    )
    """Whose diffusion is tested: each coalition supplier, or one of them only. Varied: both
    suppliers' diffusion, or one of them only."""


Choices = choices_of(Rules)


def _peak(df: pd.DataFrame, column: str, start: int) -> tuple[int | None, float | None]:
    d = df[df["year"] >= start].dropna(subset=[column])
    if d.empty:
        return None, None
    row = d.sort_values([column, "year"], ascending=[False, True]).iloc[0]
    return int(row["year"]), float(row[column])


def _key(supplier: str) -> str:
    """A supplier's evidence keys start with this ("China" -> "china")."""
    return supplier.lower().replace(" ", "_")


def _tested(diffusion: Mapping[str, pd.DataFrame], rules: Rules) -> list[str]:
    """The suppliers whose diffusion the rules test."""
    return [k for k in diffusion if rules.suppliers == "each" or k == rules.suppliers]


def _since(series: pd.DataFrame, column: str) -> dict[str, Any]:
    """The trend of a series (``year`` and ``column``, perhaps no rows or columns at all) since
    the report, what each of its parts is checked against whatever its first year."""
    if not len(series):
        series = pd.DataFrame({"year": [], column: []})
    return since_report(series["year"], series[column])


def _arrays(series: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """A series' years and values as the trends read them (floats, NaN where missing)."""
    if not len(series):
        return np.array([]), np.array([])
    years = series["year"].to_numpy(dtype=float)
    return years, series[column].to_numpy(dtype=float, na_value=np.nan)


def _trend(
    series: tuple[np.ndarray, np.ndarray], start: int, since: dict[str, Any]
) -> tuple[dict[str, Any], Outcome, bool]:
    """A trend part of C7: the trend of a series (:func:`_arrays`) from ``start``
    (:func:`ols_trend`), its outcome (the interval above zero holds, below fails) checked
    against the trend ``since`` the report (:func:`_since`), and whether it reversed."""
    years, values = series
    kept = years >= start
    t = ols_trend(years[kept], values[kept])
    result, turned = kept_since(above(t["ci_low"], t["ci_high"]), since)
    return t, result, turned


def _reversed(since: Mapping[str, Any]) -> str:
    return (
        f", reversed since the report ({signed(since['slope'])} a year, "
        f"{since['first']}–{since['last']})"
    )


def assess(
    diffusion: Mapping[str, pd.DataFrame],
    exercise_counts: pd.DataFrame,
    rules: Rules,
    *,
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Claim:
    """C7 from recipients per year by supplier (``year, recipients``) and exercises per year
    (``year, count``)."""
    start = rules.start_year
    tested = {k: diffusion[k] for k in _tested(diffusion, rules)}
    parts, evidence, bits, short = [], [], [], []
    for name, df in tested.items():
        since = _since(df, "recipients")
        t, result, turned = _trend(_arrays(df, "recipients"), start, since)
        parts.append(
            part(
                f"Diffusion of {name}'s arms",
                f"states receiving {name}'s arms a year, trend from {start}, its "
                f"{CONFIDENCE:.0%} interval above zero, {since_words(since)}",
                result,
            )
        )
        y_last, v_last = latest(df, "recipients")
        y_peak, v_peak = _peak(df, "recipients", start)
        key = _key(name)
        evidence += [
            ev(f"{key}_recipients_slope", f"Change in the number of states receiving {name}'s "
               f"arms a year since {start}", t["slope"], "per_year", decisive=True),
            ev(f"{key}_recipients_slope_ci_low", "Its interval, lower end", t["ci_low"],
               "per_year"),
            ev(f"{key}_recipients_slope_ci_high", "Its interval, upper end", t["ci_high"],
               "per_year"),
            ev(f"{key}_recipients_peak", f"States receiving {name}'s arms, peak since {start}",
               v_peak, "count", y_peak),
            ev(f"{key}_recipients_report_year", f"States receiving {name}'s arms",
               value_at(df, REPORT_YEAR, "recipients"), "count", REPORT_YEAR),
            ev(f"{key}_recipients_latest", f"States receiving {name}'s arms", v_last, "count",
               y_last, decisive=True),
            ev(f"{key}_recipients_since_report", f"Change in the number of states receiving "
               f"{name}'s arms a year since {REPORT_YEAR}", since["slope"], "per_year",
               decisive=turned),
        ]  # fmt: skip
        if t["slope"] is not None:
            short.append(f"states receiving {name}'s arms {signed(t['slope'])} a year")
            text = f"states receiving {name}'s arms changed by {signed(t['slope'])} a year"
            if y_peak is not None and y_last is not None and y_peak < y_last and v_peak > v_last:
                text += f" (from a peak of {v_peak:.0f} in {y_peak} to {v_last:.0f} in {y_last})"
            if turned:
                text += _reversed(since)
                short[-1] += f", {signed(since['slope'])} since {REPORT_YEAR}"
            bits.append(text)
    since = _since(exercise_counts, "count")
    te, result, turned = _trend(_arrays(exercise_counts, "count"), start, since)
    parts.append(
        part(
            "More joint exercises",
            f"joint exercises and patrols a year, trend from {start}, its {CONFIDENCE:.0%} "
            f"interval above zero, {since_words(since)}",
            result,
        )
    )
    evidence += [
        ev("exercises_per_year_slope", f"Change in joint exercises and patrols a year since "
           f"{start}", te["slope"], "per_year", decisive=True),
        ev("exercises_per_year_slope_ci_low", "Its interval, lower end", te["ci_low"],
           "per_year"),
        ev("exercises_per_year_since_report", f"Change in joint exercises and patrols a year "
           f"since {REPORT_YEAR}", since["slope"], "per_year", decisive=turned),
    ]  # fmt: skip
    if te["slope"] is not None:
        bits.append(
            f"joint exercises and patrols {signed(te['slope'])} a year"
            + (_reversed(since) if turned else "")
        )
        short.append(
            f"exercises {signed(te['slope'])} a year"
            + (f", {signed(since['slope'])} since {REPORT_YEAR}" if turned else "")
        )
    parts += [
        untested("Joint planning", "not observable in public data"),
        untested("Potential joint basing", "not observable in public data"),
        untested("Eventually joint military operations", "a possibility, not yet an event"),
        untested("Little U.S. leverage", "a judgement about policy, not a measurable series"),
    ]
    verdict = combine(parts)
    summary = (
        f"Trends since {start}: {'; '.join(bits) if bits else 'none available'}. On these "
        f"trends, under this brief's choices, the claim is {verdict}; joint planning, basing, "
        "joint operations and U.S. leverage are not in the data."
    )
    return claim(
        TITLE,
        parts,
        summary,
        evidence,
        headline=f"Since {start}: " + ("; ".join(short) if short else "no trends available"),
        assumptions=[
            f"Trends are OLS slopes from {start} with {CONFIDENCE:.0%} t intervals; a rise counts "
            "when the interval is above zero, a fall when it is below, and an interval across "
            "zero is no evidence either way.",
            "Recipients are states with deliveries in the year (SIPRI register spread over "
            "delivery years); Russia includes the Soviet Union.",
            "The report advises preparing for these developments; it does not predict them. The "
            "data test whether the trends behind the advice are there.",
        ],
        charts=charts,
        tables=tables,
    )


# ---------------------------------------------------------------------------------------------
# The multiverse

ESTIMATE = "mean trend of the tested series a year"


def prepare(data: Mapping[str, Any], params: Any) -> dict[str, Any]:
    """States receiving each supplier's arms a year from the earliest start year the brief or
    its multiverse tries, and joint exercises a year."""
    from analysis.compute import arms, exercises

    spread, _ = arms.spread_deliveries(data["arms_register"])
    first = min([*params.multiverse.c7.start_year, params.rules.c7.start_year])
    recipients, per_supplier, no_arms = arms.recipients_table(
        spread, arms.supplier_groups(params.coalition), first_year=first
    )
    counts = exercises.exercises_per_year(exercises.exercise_complexity(data["exercises"]))
    return {
        "diffusion": per_supplier,
        "counts": counts,
        "recipients": recipients,
        "no_arms": no_arms,
    }


def decide(inputs: Mapping[str, Any], params: Any, out: Any) -> Claim:
    """The brief's C7 and its chart (``out``: the run's :class:`~analysis.compute.artifacts.
    Exhibits`)."""
    from analysis.compute import arms
    from analysis.compute.charts import relations as rc

    rules = params.rules.c7
    result = assess(inputs["diffusion"], inputs["counts"], rules)
    recipients = inputs["recipients"]
    recipients = recipients[recipients["year"] >= rules.start_year].reset_index(drop=True)
    no_arms = inputs["no_arms"]
    source = dated(
        "SIPRI Arms Transfers Database (register and TIV tables); our computation",
        ("sipri_arms",),
        params,
    )
    out.chart(
        rc.recipients_chart(recipients, source=source),
        "c7-recipients",
        title=arms.recipients_headline(recipients),
        caption=(
            "States receiving arms deliveries from each supplier a year (SIPRI register, each "
            "deal's deliveries spread over its delivery years)."
            + (f" No deliveries on record: {', '.join(no_arms)}." if no_arms else "")
        ),
        alt=arms.recipients_alt(recipients),
        source=source,
        data=recipients,
        data_title="Recipient states per year by supplier",
        sort_by=["supplier", "year"],
    )
    return out.finish(result)


def _mean(slopes: Sequence[float]) -> float | None:
    """The multiverse's estimate: the mean of the tested series' trends (None without one)."""
    return sum(slopes) / len(slopes) if slopes else None


def evaluate(inputs: Mapping[str, Any], spec: dict[str, Any], params: Any):
    rules = spec_rules(params.rules.c7, spec)
    result = assess(inputs["diffusion"], inputs["counts"], rules)
    keys = [f"{_key(s)}_recipients_slope" for s in _tested(inputs["diffusion"], rules)]
    found = [result.item(k) for k in [*keys, "exercises_per_year_slope"]]
    slopes = [e.value for e in found if e is not None and isinstance(e.value, float)]
    return _mean(slopes), result.verdict


def evaluate_block(inputs: Mapping[str, Any], block: Any, params: Any) -> tuple[Any, list[str]]:
    """:func:`evaluate` of every specification of ``block`` at once. Each series (a supplier's
    recipients a year, the exercises a year) is read since the report once (:func:`_since`) and
    its trend from each first year fitted once (:func:`_trend`); a specification then takes its
    tested suppliers' (:func:`_tested`) and the exercises', its estimate their slopes' mean in
    :func:`evaluate`'s order, and each distinct row of outcomes is combined once."""
    diffusion, counts = inputs["diffusion"], inputs["counts"]
    frames = {**diffusion, None: counts}  # the exercises after the suppliers, as in assess
    columns = {name: "recipients" for name in diffusion} | {None: "count"}
    since = {name: _since(df, columns[name]) for name, df in frames.items()}
    series = {name: _arrays(df, columns[name]) for name, df in frames.items()}
    trends: dict[tuple[str | None, int], tuple[float | None, Outcome]] = {}

    def trend(name: str | None, start: int) -> tuple[float | None, Outcome]:
        if (name, start) not in trends:
            t, result, _ = _trend(series[name], start, since[name])
            trends[name, start] = (num(t["slope"]), result)  # as its evidence holds it
        return trends[name, start]

    estimates, verdicts = [], []
    for spec in block.specs():
        rules = spec_rules(params.rules.c7, spec)
        read = [trend(n, rules.start_year) for n in [*_tested(diffusion, rules), None]]
        estimate = _mean([v for v, _ in read if v is not None])
        estimates.append(math.nan if estimate is None else estimate)
        verdicts.append(verdict_of(tuple(o for _, o in read)))
    return np.array(estimates, dtype=np.float64), verdicts
