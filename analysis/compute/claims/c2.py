"""C2: pragmatic "balancing" against U.S. power and a shared dislike of a perceived U.S. ideology.

What the article reports the study said: the relationship is pragmatic "balancing" against "U.S.
hard and soft power", and both share a wish to counter a perceived U.S. ideology "of
militarism, interventionism and the forcible imposition of U.S. values on other countries". The
report's summary page adds a persistent perceived U.S. threat as a motive. Votes in the UN
General Assembly are the public record of political alignment (``rules.c2``):

1. *aligned with each other, not with the benchmark*: in the latest year the coalition's members
   are closer to each other than to the benchmark (``measure``: UNGA ideal-point distance, or the
   share of roll calls voted alike, to 2019);
2. *the gap widened since* ``from_year``: the OLS trend of (distance to the benchmark minus
   distance within the coalition) from ``from_year`` to the latest year, its interval above
   zero (below zero fails; across zero is no evidence either way);
3. the shared ideology and the perceived threat themselves: untested (votes are a proxy);
4. balancing against hard power: that is C1's test, referred to, not repeated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
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
    outcome,
    part,
    signed,
    since_report,
    since_words,
    untested,
)
from analysis.compute.claims.rules import Frozen, choices_of, rule, spec_rules
from analysis.compute.frames import latest, num
from analysis.compute.stats import ols_trend
from analysis.results import Claim

ID = "C2"
TITLE = "The relationship is pragmatic balancing against U.S. power and values"
READS = ("indicators", "un_agreement")
INDICATORS = ("unga_idealpoint",)
PARAMS = ("coalition", "coalition_label", "benchmark", "benchmark_label", "break_years")
SOURCE = (
    "Voeten, Strezhnev and Bailey, UNGA ideal points (July 2025); UN roll calls (unvotes); "
    "our computation"
)
#: The curated sources its data come from (UNGA ideal points and roll-call agreement).
SOURCES = ("voeten", "unvotes")


class Rules(Frozen):
    """The rules that decide C2 (brief parameters ``rules.c2.*``)."""

    measure: Literal["ideal points", "agreement"] = rule(
        "ideal points", vary=["ideal points", "agreement"], title="the alignment measure"
    )
    """UNGA ideal-point distance (to 2024), or the share of roll calls voted alike (to 2019).
    Varied: ideal points (to 2024) allow for which votes are held; raw agreement not."""
    from_year: int = rule(
        2014, ge=1995, le=2018, vary=[2008, 2012, 2014, 2016], title="the first year of the trend"
    )
    """First year of the trend of the alignment gap. Varied: after Georgia, after Putin's return,
    after Crimea (the brief's), two years on."""


Choices = choices_of(Rules)
#: The values of the choices in words, where the value itself is a code.
VALUE_WORDS = {"measure": {"ideal points": "UN ideal points", "agreement": "roll-call agreement"}}


def gap_series(distances: pd.DataFrame) -> pd.DataFrame:
    """``year, within, to_benchmark, gap`` from the long distance table of the alignment module
    (``series``: "within coalition" / "coalition to benchmark"); ``gap`` = to_benchmark −
    within, positive when the coalition is closer to itself."""
    wide = distances.pivot_table(index="year", columns="series", values="distance")
    wide = wide.rename(
        columns={"within coalition": "within", "coalition to benchmark": "to_benchmark"}
    )
    for col in ("within", "to_benchmark"):
        if col not in wide:
            wide[col] = float("nan")
    out = wide[["within", "to_benchmark"]].reset_index()
    out["gap"] = out["to_benchmark"] - out["within"]
    return out.astype({"year": int}).sort_values("year").reset_index(drop=True)


def agreement_gaps(agreement: pd.DataFrame, within: str, benchmark: Sequence[str]) -> pd.DataFrame:
    """The same from raw roll-call agreement (``pair, year, agreement``): a distance is 1 −
    agreement; ``within`` names the coalition's pair (e.g. "CHN–RUS"), ``benchmark`` the pairs
    of each member with the benchmark."""
    a = agreement.assign(distance=1 - agreement["agreement"])
    w = a[a["pair"] == within][["year", "distance"]].assign(series="within coalition")
    b = (
        a[a["pair"].isin(list(benchmark))]
        .groupby("year", as_index=False)["distance"]
        .mean()
        .assign(series="coalition to benchmark")
    )
    return gap_series(pd.concat([w, b], ignore_index=True))


@dataclass(frozen=True)
class Read:
    """What :func:`assess` reads of one measure's yearly gaps, whatever the first year of the
    trend: the years with a gap and their columns, as arrays, the latest of them and its
    values, and the trend since the report. The multiverse reads each measure once
    (:func:`evaluate_block`)."""

    years: np.ndarray
    columns: dict[str, np.ndarray]
    y: int | None
    gap_latest: float | None
    within: float | None
    to_b: float | None
    since: dict[str, Any]

    def at(self, year: int, column: str) -> float | None:
        """``frames.value_at`` of the gaps: the first row of ``year``, None if absent."""
        hit = np.flatnonzero(self.years == year)
        return num(self.columns[column][hit[0]]) if len(hit) else None


def read(gaps: pd.DataFrame) -> Read:
    """The :class:`Read` of ``gaps`` (:func:`gap_series` or :func:`agreement_gaps`)."""
    g = gaps.dropna(subset=["gap"])
    years = g["year"].to_numpy()
    columns = {c: g[c].to_numpy() for c in ("within", "to_benchmark", "gap")}
    if len(np.unique(years)) == len(years):  # the latest row, as frames.latest finds it
        last = int(np.argmax(years)) if len(years) else None
        y = None if last is None else int(years[last])
        gap_latest = None if last is None else num(columns["gap"][last])
    else:
        y, gap_latest = latest(g, "gap")
    r = Read(years, columns, y, gap_latest, None, None, since_report(years, columns["gap"]))
    if y is None:
        return r
    return replace(r, within=r.at(y, "within"), to_b=r.at(y, "to_benchmark"))


def fit_trend(r: Read, from_year: int) -> dict[str, Any]:
    """The OLS trend of the gap from ``from_year`` (:func:`analysis.compute.stats.ols_trend`)."""
    span = r.years >= from_year
    return ols_trend(r.years[span], r.columns["gap"][span])


def words_of(rules: Rules) -> str:
    return "ideal-point distance" if rules.measure == "ideal points" else "voting distance"


def parts_of(r: Read, t: dict[str, Any], rules: Rules, benchmark_label: str) -> list:
    """C2's four parts: what :func:`read` and :func:`fit_trend` found, against ``rules``."""
    widened, _ = kept_since(above(t["ci_low"], t["ci_high"]), r.since)
    what = words_of(rules)
    return [
        part(
            f"Closer to each other than to {benchmark_label}",
            f"in the latest year the mean {what} within the coalition is below its mean "
            f"{what} to {benchmark_label}",
            "untested" if r.gap_latest is None else outcome(r.gap_latest > 0),
            central=True,
        ),
        part(
            f"The gap to {benchmark_label} widened since {rules.from_year}",
            f"the trend from {rules.from_year} of the {what} to {benchmark_label} minus the one "
            f"within the coalition, its {CONFIDENCE:.0%} interval above zero, "
            f"{since_words(r.since)}",
            widened,
        ),
        untested(
            "A shared wish to counter U.S. ideology; a perceived U.S. threat",
            "motives are not measured; UN votes are a proxy for alignment only",
        ),
        untested("Balancing U.S. hard power", "tested by C1 (the power ratio), not repeated"),
    ]


def assess(
    gaps: pd.DataFrame,
    rules: Rules,
    *,
    coalition_label: str,
    benchmark_label: str,
    unavailable: Sequence[str] = (),
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Claim:
    """C2 from the yearly alignment gaps (:func:`gap_series` or :func:`agreement_gaps`)."""
    r = read(gaps)
    y, gap_latest, within, to_b, since = r.y, r.gap_latest, r.within, r.to_b, r.since
    t = fit_trend(r, rules.from_year)
    parts = parts_of(r, t, rules, benchmark_label)
    turned = kept_since(above(t["ci_low"], t["ci_high"]), since)[1]
    what = words_of(rules)
    unit = "index" if rules.measure == "ideal points" else "share"
    evidence = [
        ev("distance_within_latest", f"Mean {what} within the coalition", within, unit, y,
           decisive=True),
        ev("distance_to_benchmark_latest", f"Mean {what} to {benchmark_label}", to_b, unit, y,
           decisive=True),
        ev("gap_trend", f"Change of the gap a year since {rules.from_year}", t["slope"],
           "per_year" if unit == "share" else "points_per_year", decisive=True),
        ev("gap_trend_ci_low", "Its interval, lower end", t["ci_low"], "points_per_year"),
        ev("gap_trend_ci_high", "Its interval, upper end", t["ci_high"], "points_per_year"),
        ev("gap_trend_since_report", f"Change of the gap a year since {REPORT_YEAR}",
           since["slope"], "per_year" if unit == "share" else "points_per_year",
           decisive=turned),
        ev("gap_report_year", "The gap", r.at(REPORT_YEAR, "gap"), unit, REPORT_YEAR),
        ev("gap_from_year", "The gap", r.at(rules.from_year, "gap"), unit, rules.from_year),
        ev("gap_latest", "The gap", gap_latest, unit, y),
    ]  # fmt: skip
    verdict = combine(parts)
    trend = "cannot be fitted"
    if gap_latest is None:
        summary = "UN voting data are not available for enough members to compare distances"
    else:
        summary = (
            f"In {y} the mean UN-vote {what} within {coalition_label} was {within:.2f} against "
            f"{to_b:.2f} to {benchmark_label}"
        )
        if t["slope"] is not None:
            trend = {
                "holds": "widened",
                "fails": "narrowed",
                "inconclusive": "shows no clear trend",
            }.get(above(t["ci_low"], t["ci_high"]), "cannot be fitted")
            summary += (
                f"; since {rules.from_year} the gap {trend} ({signed(t['slope'], 3)} a year, "
                f"{CONFIDENCE:.0%} interval {signed(t['ci_low'], 3)} to "
                f"{signed(t['ci_high'], 3)})"
            )
            if turned:
                back = "narrowed" if trend == "widened" else "widened"
                summary += (
                    f", but it has {back} since {REPORT_YEAR} ({signed(since['slope'], 3)} a "
                    f"year, {since['first']}–{since['last']})"
                )
                trend += f" to {REPORT_YEAR}, then {back}"
    summary += (
        f". On alignment, under this brief's choices, the claim is {verdict}; motives are not "
        "in the data, and the hard-power gap is C1's test."
    )
    assumptions = [
        "Alignment is measured by UNGA ideal points (Voeten et al., final-passage votes, to "
        "2024) or raw voting agreement (to 2019); closer ideal points mean more similar votes.",
        f"'Balancing' is read as the coalition closer to itself than to {benchmark_label}, and "
        f"the gap to {benchmark_label} widening since {rules.from_year}.",
    ]
    if unavailable:
        assumptions.append(f"Not available in the voting data: {', '.join(unavailable)}.")
    head = (
        f"UN votes: within {coalition_label} {within:.2f} apart, {to_b:.2f} from "
        f"{benchmark_label} ({y}); the gap {trend if t['slope'] is not None else 'has no trend'} "
        f"since {rules.from_year}"
        if gap_latest is not None
        else "UN voting data not available"
    )
    return claim(
        TITLE,
        parts,
        summary,
        evidence,
        assumptions=assumptions,
        charts=charts,
        tables=tables,
        headline=head,
    )


# ---------------------------------------------------------------------------------------------
# The multiverse

ESTIMATE = "change of the alignment gap a year"


def prepare(data: Mapping[str, Any], params: Any) -> dict[str, Any]:
    """Both measures' yearly gaps (the multiverse tries each), the distances and agreement they
    come from, and the members or pairs the voting data lack."""
    from analysis.compute import alignment

    ind = data["indicators"]
    distances = alignment.alignment_distances(ind, params.coalition, params.benchmark)
    pairs = alignment.agreement_pairs(params.coalition, params.benchmark)
    agreement = alignment.agreement_table(data["un_agreement"], pairs)
    within, to_benchmark = alignment.pair_groups(params.coalition, params.benchmark)
    no_votes = alignment.missing_members(ind, params.coalition, "unga_idealpoint")
    no_pairs = alignment.missing_pairs(agreement, pairs)
    return {
        "gaps": {
            "ideal points": gap_series(distances),
            "agreement": agreement_gaps(agreement, within, to_benchmark),
        },
        "distances": distances,
        "agreement": agreement,
        "no_pairs": no_pairs,
        "unavailable": alignment.gaps_in_words(no_votes, no_pairs),
    }


def decide(inputs: Mapping[str, Any], params: Any, out: Any) -> Claim:
    """The brief's C2 and its charts (``out``: the run's :class:`~analysis.compute.artifacts.
    Exhibits`)."""
    from analysis.compute import alignment
    from analysis.compute.charts import relations as rc

    rules = params.rules.c2
    src = dated(SOURCE, SOURCES, params)
    gaps = inputs["gaps"][rules.measure]
    result = assess(
        gaps,
        rules,
        coalition_label=params.coalition_label,
        benchmark_label=params.benchmark_label,
        unavailable=inputs["unavailable"],
    )
    distances, agreement, no_pairs = inputs["distances"], inputs["agreement"], inputs["no_pairs"]
    out.chart(
        rc.alignment_chart(
            distances,
            break_years=params.break_years,
            coalition_label=params.coalition_label,
            benchmark_label=params.benchmark_label,
            source=src,
        ),
        "c2-distance",
        title=alignment.distance_headline(gaps, params.coalition_label, params.benchmark_label),
        caption=(
            "Mean absolute distance between UNGA ideal points (final-passage votes) within "
            f"{params.coalition_label} and between its members and {params.benchmark_label}, by "
            "year; dashed lines mark the brief's break years."
        ),
        alt=alignment.distance_alt(gaps, params.coalition_label, params.benchmark_label),
        source=src,
        data=distances,
        data_title="Mean UNGA ideal-point distance by year",
        sort_by=["series", "year"],
    )
    out.chart(
        rc.agreement_chart(agreement, source=src),
        "c2-agreement",
        title=alignment.agreement_headline(agreement),
        caption=(
            "Share of roll calls on which both voted the same way, by pair and year; "
            + ("not available: " + ", ".join(no_pairs) if no_pairs else "every pair has data")
            + "."
        ),
        alt=alignment.agreement_alt(agreement),
        source=src,
        data=agreement,
        data_title="UN voting agreement by pair and year",
        sort_by=["pair", "year"],
    )
    return out.finish(result)


def evaluate(inputs: Mapping[str, Any], spec: dict[str, Any], params: Any):
    result = assess(
        inputs["gaps"][spec["measure"]],
        spec_rules(params.rules.c2, spec),
        coalition_label=params.coalition_label,
        benchmark_label=params.benchmark_label,
    )
    trend = result.item("gap_trend")
    return (trend.value if trend else None), result.verdict


def evaluate_block(inputs: Mapping[str, Any], block: Any, params: Any) -> tuple[list, list]:
    """:func:`evaluate` of every specification of ``block``: each measure's gaps read once
    (:func:`read`), each trend fitted once per measure and first year (:func:`fit_trend`), the
    parts of :func:`assess` (:func:`parts_of`) combined."""
    reads: dict[str, Read] = {}
    trends: dict[tuple[str, int], dict[str, Any]] = {}
    estimates, verdicts = [], []
    for spec in block.specs():
        rules = spec_rules(params.rules.c2, spec)
        if rules.measure not in reads:
            reads[rules.measure] = read(inputs["gaps"][rules.measure])
        r = reads[rules.measure]
        key = (rules.measure, rules.from_year)
        if key not in trends:
            trends[key] = fit_trend(r, rules.from_year)
        t = trends[key]
        estimates.append(num(t["slope"]))  # as the evidence item holds it
        verdicts.append(combine(parts_of(r, t, rules, params.benchmark_label)))
    return [math.nan if e is None else float(e) for e in estimates], verdicts
