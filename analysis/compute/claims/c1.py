"""C1: combined Chinese and Russian power approaches, but does not exceed, U.S. power.

What the report said, as the Military Times quotes it: "aggregate Chinese and Russian power"
will "continue to approach, but not exceed" U.S. power (the words are known only from the
article); "through 2022" is the reporter's horizon, not a quotation. The test runs on the
ratio of the coalition's power to the benchmark's, on every measure of power the brief
computes; the verdict is stated on the headline measure and the others are evidence.

Parts, each decided on the headline measure's ratio (``rules.c1`` holds every threshold):

1. *approached up to the report*: the ratio rose by more than ``tolerance`` over the
   ``approach_window`` years to 2021;
2. *not exceeded through the article's horizon* (central): no observed year up to
   ``article_horizon`` with a ratio above 1;
3. *kept approaching since the report*: the latest observed ratio is above the 2021 ratio by
   more than ``tolerance`` (fails if below it by more than ``tolerance``);
4. *projected to keep approaching*: the central projection at the horizon is above the 2021
   ratio by more than ``tolerance``; a projection that only climbs back from a lower latest
   ratio toward the 2021 level is inconclusive, and the sentence says so;
5. *not projected to exceed* (central): no observed year after the article's horizon above 1,
   and the probability of exceeding parity by the horizon below ``exceed_probability``.

Where the brief's data end before 2021 (a brief as of a date), parts 2 and 3 are not yet
observable: shown, never counted, and the parts are anchored on the last observed year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import pandas as pd

from analysis.compute import frames, power, projection, simulations
from analysis.compute import projection_reads as reads
from analysis.compute.claims import c1_block
from analysis.compute.claims.base import (
    REPORT_YEAR,
    at_least,
    claim,
    combine,
    ev,
    more_than,
    num,
    outcome,
    part,
    untested,
)
from analysis.compute.claims.c1_text import headline_of, report_year, sentence
from analysis.compute.claims.rules import Frozen, choice, choices_of, rule, spec_rules
from analysis.data import load as data_load
from analysis.formats import phrase
from analysis.results import Claim, Part

ID = "C1"
TITLE = "Combined Chinese and Russian power approaches, but does not exceed, U.S. power"
#: ``vintages``, ``releases``: every release a brief could read, for the expectations chart.
READS = ("indicators", "vintages", "releases")
INDICATORS = tuple(power.INDICATORS)
PARAMS = (
    "coalition", "coalition_label", "benchmark", "benchmark_label", "measures",
    "headline_measure", "composite_weights", "milex_prices", "missing", "start_year",
    "base_year", "horizon", "article_horizon", "growth_scenario", "mc_draws", "seed",
)  # fmt: skip
#: C1 leads the brief: its headline is the bottom line's second sentence, its ratio chart the
#: landing page's picture.
LEAD, TOPIC, HEADLINE_CHART = True, "power", "c1-ratio"
#: The curated sources its data come from (GDP and population: IMF WEO; military expenditure:
#: SIPRI; CINC: COW NMC).
SOURCES = ("imf_weo", "sipri_milex", "cow_nmc")


Measure = Literal["gdp_mer", "gdp_ppp", "milex", "cinc", "composite"]


class Rules(Frozen):
    """The rules that decide C1 (brief parameters ``rules.c1.*``)."""

    approach_window: int = rule(10, ge=3, le=30, vary=[5, 10, 15], title="the approach window")
    """Years before 2021 over which 'approach' is measured. Varied: 'Approach' over half a decade, a
    decade (the brief's) or fifteen years."""
    tolerance: float = rule(
        0.01, ge=0.0, le=0.2, vary=[0.0, 0.01, 0.02, 0.05], title="the tolerance"
    )
    """A ratio change smaller than this is no change (0.01 = 1 % of the benchmark's level: within
    the revisions of GDP and spending data). Varied: from exact comparisons to changes within the
    size of data revisions."""
    exceed_probability: float = rule(
        0.5,
        gt=0.0,
        lt=1.0,
        vary=[0.25, 0.5, 0.75],
        title="the probability that counts as exceeding",
    )
    """Exceeding by the horizon counts as expected when its probability is at least this. Varied:
    exceeding 'expected' at a real chance, more likely than not, or likely."""


class BriefChoice(Frozen):
    """C1's choice of the measure of power (a brief parameter, ``headline_measure``)."""

    measure: list[Measure] = choice(
        ["gdp_mer", "gdp_ppp", "milex", "cinc", "composite"], title="the measure of power"
    )
    """The report does not say which power it means: every measure the brief has."""


class BriefProjection(Frozen):
    """C1's choices of the projection (brief parameters ``horizon`` and ``growth_scenario``)."""

    horizon: list[int] = choice([2027, 2030, 2035, 2040], title="the horizon", varies="horizon")
    """Five years past the article's 2022, the WEO's 2030, and 2035 or 2040."""
    growth_method: list[Literal["trailing_cagr", "weo"]] = choice(
        ["trailing_cagr", "weo"], title="the growth method"
    )
    """Each member's own trend, or the IMF's projections where it has them."""
    growth_window: list[int] = choice(
        [5, 10, 15], title="the growth window", varies="growth_scenario.window"
    )
    """Years of history behind each trend."""


# C1's specification space: its rules' alternatives, and those of the brief's own choices that
# C1 depends on (the brief parameters themselves are validated in analysis/params.py).
Choices = choices_of(Rules, before=BriefChoice, after=BriefProjection)


@dataclass(frozen=True)
class MeasureTest:
    """C1 decided on one measure: its parts and the numbers behind them."""

    measure: str
    parts: list[Part]
    numbers: dict[str, Any]

    @property
    def verdict(self) -> str:
        return combine(self.parts)


def _moved(change: float | None, tolerance: float) -> bool | None:
    """Rose (True), fell (False), or within the tolerance / not available (None)."""
    if change is None or not more_than(abs(change), tolerance):
        return None
    return change > 0


def decide_measure(
    measure: str,
    table: pd.DataFrame,
    *,
    central_at_horizon: float | None,
    prob_exceed_by_horizon: float | None,
    crossover_year: int | None,
    article_horizon: int,
    horizon: int,
    rules: Rules,
) -> MeasureTest:
    """Decide C1's parts on one measure's observed ratios (``year``, ``ratio``) and projection."""
    t = table.dropna(subset=["ratio"])
    years = t["year"].astype(int)
    latest_year = int(years.max()) if len(t) else None
    year0 = report_year(latest_year)  # the report's year, or the last one it could see
    start = year0 - rules.approach_window
    r_report, r_start = (frames.value_at(t, y, "ratio") for y in (year0, start))
    r_latest = frames.value_at(t, latest_year, "ratio") if latest_year is not None else None
    tol = rules.tolerance

    first = int(years.min()) if len(t) else None
    held = (  # what the brief's years hold, said when a part cannot be computed
        "the data hold no observed ratio in the brief's years"
        if first is None
        else f"the brief's observed ratios are for {first} only"
        if first == latest_year
        else f"the brief's observed ratios run from {first} to {latest_year}"
    )
    if r_report is None or r_start is None:
        p1 = part(
            "Approached up to the report",
            f"no observed ratio for both {start} and {year0}: {held}",
            "untested",
        )
    else:
        p1 = part(
            "Approached up to the report",
            f"the ratio rose by more than {tol:g} from {start} to {year0}",
            outcome(_moved(r_report - r_start, tol)),
        )

    covers = (
        latest_year is not None
        and latest_year >= REPORT_YEAR
        and bool((years <= article_horizon).any())
    )
    exceeded_early = bool((t.loc[years <= article_horizon, "ratio"] > 1).any())
    exceeded_late = bool((t.loc[years > article_horizon, "ratio"] > 1).any())
    # data that end before the report (a dated brief) cannot have seen what came after it
    unseen = f"not yet observable: the brief's data end in {latest_year}, before the report"
    before_report = latest_year is not None and latest_year < REPORT_YEAR
    p2 = (
        untested(f"Not exceeded through {article_horizon}", unseen)
        if before_report
        else part(
            f"Not exceeded through {article_horizon}",
            f"no observed year up to {article_horizon} with the ratio above 1"
            if covers
            else f"no observed ratio from {REPORT_YEAR} up to {article_horizon}: {held}",
            ("fails" if exceeded_early else "holds") if covers else "untested",
            central=True,
        )
    )

    if before_report:
        p3 = untested("Kept approaching since the report", unseen)
    elif r_report is None:
        p3 = part(
            "Kept approaching since the report",
            f"no observed ratio for {year0}: {held}",
            "untested",
        )
    elif latest_year is None or latest_year <= year0:
        p3 = part("Kept approaching since the report", f"no year after {year0} yet", "untested")
    else:
        p3 = part(
            "Kept approaching since the report",
            f"the ratio in {latest_year} is above its {year0} level by more than {tol:g}",
            outcome(_moved(r_latest - r_report, tol)),  # type: ignore[operator]
        )

    if central_at_horizon is None or r_report is None or r_latest is None:
        why = (
            f"no projection for {horizon}"
            if central_at_horizon is None
            else f"no observed ratio for {year0}: {held}"
        )
        p4 = part("Projected to keep approaching", why, "untested")
    else:
        gain = central_at_horizon - r_report
        if more_than(gain, tol):
            result = "holds"
        elif more_than(r_latest - central_at_horizon, tol):
            result = "fails"  # projected to move away from parity
        else:
            result = "inconclusive"  # flat, or only climbing back toward the 2021 level
        p4 = part(
            "Projected to keep approaching",
            f"the central projection for {horizon} is above the {year0} ratio by more than {tol:g}",
            result,  # type: ignore[arg-type]
        )

    if prob_exceed_by_horizon is None:
        p5 = part(
            "Not projected to exceed", f"no projection for {horizon}", "untested", central=True
        )
    else:
        likely = at_least(prob_exceed_by_horizon, rules.exceed_probability)
        p5 = part(
            f"Not projected to exceed by {horizon}",
            f"no observed year after {article_horizon} above 1 and a probability of exceeding "
            f"by {horizon} below {rules.exceed_probability:.0%}",
            "fails" if (likely or exceeded_late) else "holds",
            central=True,
        )

    numbers = {
        "ratio_report_year": r_report,
        "ratio_approach_start": r_start,
        "approach_start": start,
        "latest_year": latest_year,
        "ratio_latest": r_latest,
        "central_at_horizon": num(central_at_horizon),
        "prob_exceed_by_horizon": num(prob_exceed_by_horizon),
        "crossover_year": crossover_year,
        "fell_since_report": (
            r_report is not None and r_latest is not None and more_than(r_report - r_latest, tol)
        ),
    }
    return MeasureTest(measure, [p1, p2, p3, p4, p5], numbers)


def assess(
    tests: Mapping[str, MeasureTest],
    *,
    headline: str,
    labels: Mapping[str, str],
    coalition_label: str,
    benchmark_label: str,
    horizon: int,
    assumptions: Sequence[str] = (),
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Claim:
    """C1's result: the headline measure's parts, every measure's verdict as evidence."""
    t = tests.get(headline)
    if t is None:
        return claim(
            TITLE,
            [part("Approach, but not exceed", f"no data for {headline}", "untested")],
            f"No data for the headline measure {labels.get(headline, headline)}.",
            [],
            assumptions=assumptions,
        )
    verdict = combine(t.parts)
    agree = sum(1 for x in tests.values() if x.verdict == verdict)
    n = {**t.numbers, "report_year": report_year(t.numbers["latest_year"])}
    latest = n["latest_year"]
    evidence = [
        ev("ratio_report_year", "Ratio in the report's year" if n["report_year"] == REPORT_YEAR
           else "Ratio in the last year observed when the report appeared",
           n["ratio_report_year"], "ratio", n["report_year"], decisive=True),
        ev("ratio_approach_start", "Ratio at the start of the approach window",
           n["ratio_approach_start"], "ratio", n["approach_start"], decisive=True),
        ev("ratio_latest", "Ratio in the latest year with data", n["ratio_latest"], "ratio",
           latest, decisive=True),
        ev("central_at_horizon", "Central projection of the ratio", n["central_at_horizon"],
           "ratio", horizon, decisive=True),
        ev("prob_exceed_by_horizon", "Probability of exceeding parity by the horizon",
           n["prob_exceed_by_horizon"], "probability", horizon, decisive=True),
        ev("crossover_year", "First year at or above parity (observed, else projected)",
           n["crossover_year"] if n["crossover_year"] is not None else "not by the horizon",
           "year" if n["crossover_year"] is not None else "text"),
        ev("measures_agreeing", "Measures giving the same verdict", agree, "count"),
        ev("measures_tested", "Measures tested", len(tests), "count"),
    ]  # fmt: skip
    evidence += [
        ev(f"verdict_{m}", f"Verdict on {phrase(labels[m])}", x.verdict, "text")
        for m, x in sorted(tests.items())
    ]
    summary = sentence(
        t,
        verdict,
        label=labels[headline],
        coalition_label=coalition_label,
        benchmark_label=benchmark_label,
        horizon=horizon,
        agree=agree,
        tested=len(tests),
    )
    head = headline_of(n, labels[headline], benchmark_label, horizon)
    return claim(
        TITLE,
        t.parts,
        summary,
        evidence,
        assumptions=assumptions,
        charts=charts,
        tables=tables,
        headline=head,
    )


def assumptions(params: Any, notes: Mapping[str, Sequence[str]]) -> list[str]:
    """The assumptions behind the C1 verdict, stated from the parameters actually used."""
    g, r = params.growth_scenario, params.rules.c1
    sd = "each member's historical sd" if g.growth_sd is None else f"sd {g.growth_sd:g}"
    method = {
        "trailing_cagr": f"each member's trailing {g.window}-year compound growth",
        "weo": f"IMF WEO projections where available, then trailing {g.window}-year growth",
        "explicit": "explicit growth rates per country",
    }[g.method]
    out = [
        f"Coalition: {params.coalition_label} ({', '.join(params.coalition)}); benchmark: "
        f"{params.benchmark_label} ({', '.join(params.benchmark)}).",
        f"Verdict stated on {power.MEASURES[params.headline_measure]['label']}; the other "
        "measures are shown as evidence.",
        f"'Approach' means the ratio rose by more than {r.tolerance:g} from "
        f"{REPORT_YEAR - r.approach_window} to {REPORT_YEAR}, and rises after it by more than "
        f"{r.tolerance:g} count as approaching further; 'exceed' means a ratio above 1, and "
        f"exceeding by {params.horizon} counts as expected when its probability is at least "
        f"{r.exceed_probability:.0%}.",
        f"Projections: {method}, {g.shocks} annual shocks with {sd}, {params.mc_draws:,} draws, "
        f"seed {params.seed}.",
        f"Missing member-years: {params.missing.replace('_', ' ')} (never counted as zero).",
        "The CINC-style composite ends with COW NMC v7.0 in 2022 and is extended only by "
        "projection.",
        "All figures are our computation from public data, not the report's own numbers.",
    ]
    for m, items in sorted(notes.items()):
        out += [f"{m}: {n}" for n in items]
    return out


def decide_all(series: Mapping[str, Any], projections: Mapping[str, Any], params: Any):
    """:func:`decide_measure` on every measure of the brief (observed series + projection)."""
    return {
        m: decide_measure(
            m,
            series[m].table,
            central_at_horizon=projections[m].central_at_horizon,
            prob_exceed_by_horizon=projections[m].prob_exceed_by_horizon,
            crossover_year=power.first_crossover(series[m].table)
            or projections[m].central_crossover(),
            article_horizon=params.article_horizon,
            horizon=params.horizon,
            rules=params.rules.c1,
        )
        for m in params.measures
    }


def brief_claim(
    tests: Mapping[str, MeasureTest],
    projections: Mapping[str, Any],
    params: Any,
    *,
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Claim:
    """The brief's C1: :func:`assess` on the tests of :func:`decide_all`, stated on the brief's
    headline measure, with the assumptions its parameters and projections make."""
    return assess(
        tests,
        headline=params.headline_measure,
        labels={m: info["label"] for m, info in power.MEASURES.items()},
        coalition_label=params.coalition_label,
        benchmark_label=params.benchmark_label,
        horizon=params.horizon,
        assumptions=assumptions(params, {m: pr.notes for m, pr in projections.items()}),
        charts=charts,
        tables=tables,
    )


# ---------------------------------------------------------------------------------------------
# The multiverse (analysis.compute.multiverse): prepare once, evaluate each specification

ESTIMATE = "central projection of the ratio at the horizon"
#: The values of the choices in words, where the value itself is a code.
VALUE_WORDS = {
    "measure": {m: phrase(info["label"]) for m, info in power.MEASURES.items()},
    "growth_method": dict(projection.METHOD_WORDS),
}


def prepare(data: Mapping[str, Any], params: Any) -> dict[str, Any]:
    """The observed series of every measure the brief shows or its multiverse tries, read
    through the brief's scenario (:mod:`analysis.compute.projection_reads`), which the
    multiverse's projections, made on demand (:func:`.c1_block.projection`), share."""
    measures = sorted(
        set(params.multiverse.c1.measure) | set(params.measures) | {params.headline_measure}
    )
    # one scenario: the observed series and the multiverse's projections read the data once
    scenario = projection.Scenario.of(data["indicators"], params)
    series = reads.brief_series(scenario, measures, params.composite_weights, params.start_year)
    horizon = max([*params.multiverse.c1.horizon, params.horizon])
    # every release a brief could read, for the expectations chart (analysis.compute.expectations)
    seen = {"vintages": data["vintages"], "releases": data["releases"]}
    return {"ind": data["indicators"], "series": series, "horizon": horizon, "projections": {},
            "scenario": scenario, "data": {"indicators": data["indicators"], **seen}}  # fmt: skip


def decide(inputs: Mapping[str, Any], params: Any, out: Any) -> Claim:
    """The brief's C1 on its measures and growth scenario, with what the brief shows of it:
    the observed ratios, the projections, the sensitivity analyses (drawn by
    :mod:`analysis.compute.power_exhibits` through ``out``, the run's
    :class:`~analysis.compute.artifacts.Exhibits`), and the ``measures`` of results.json."""
    from analysis.compute import expectations
    from analysis.compute import power_exhibits as px

    ind = inputs["ind"]
    series = {m: inputs["series"][m] for m in params.measures}
    # the scenario prepare made (its reads shared), with its own kept simulations, freed here
    scenario = inputs.get("scenario") or projection.Scenario.of(ind, params)
    scenario = replace(scenario, simulated=simulations.Kept())
    projections = projection.project_all(ind, params, scenario)
    tests = decide_all(series, projections, params)
    releases = data_load.release_words(params.as_of)  # a dated brief's releases, in words
    px.observed(series, ind, params, out, releases)
    px.outlook(series, projections, params, out, releases)
    expected = expectations.draw(inputs["data"], params, out)  # release by release
    by_measure = px.verdict_table(tests)
    numbers = px.sensitivity(
        series, projections, by_measure, ind, params, out, releases, scenario=scenario
    )
    out.part(
        "measures",
        {
            m: projection.measure_result(m, series[m], projections[m], params.horizon, releases)
            for m in params.measures
        },
    )
    result = out.finish(brief_claim(tests, projections, params))
    lead = {"lead": LEAD, "topic": TOPIC, "headline_chart": HEADLINE_CHART}
    return result.model_copy(
        update={"sensitivity": numbers, "evidence": [*result.evidence, *expected], **lead}
    )


def evaluate(inputs: dict[str, Any], spec: dict[str, Any], params: Any) -> tuple[Any, str]:
    """(central projection at the specification's horizon, C1's verdict on its measure)."""
    proj = c1_block.projection(
        inputs, params, spec["measure"], spec["growth_method"], spec["growth_window"]
    )
    at = proj.fan[proj.fan["year"] == spec["horizon"]]
    central = num(at["central"].iloc[0]) if len(at) else None
    prob = num(at["prob_exceed_by"].iloc[0]) if len(at) else None
    table = inputs["series"][spec["measure"]].table
    rules = spec_rules(params.rules.c1, spec)
    t = decide_measure(
        spec["measure"],
        table,
        central_at_horizon=central,
        prob_exceed_by_horizon=prob,
        crossover_year=power.first_crossover(table),
        article_horizon=params.article_horizon,
        horizon=spec["horizon"],
        rules=rules,
    )
    return central, t.verdict


#: The choices that decide a projection: the multiverse decides the specifications that share
#: them together (:func:`evaluate_block`), so each projection is made once.
GROUP_BY = ("measure", "growth_method", "growth_window")


def evaluate_block(inputs: dict[str, Any], block: Any, params: Any) -> tuple[Any, list[str]]:
    """:func:`evaluate` of every specification of ``block`` at once (:mod:`.c1_block`)."""
    return c1_block.evaluate(inputs, block, params)


def own(params: Any) -> dict[str, Any]:
    """The brief's own specification (C1 varies more than its rules: the multiverse asks)."""
    r, g = params.rules.c1, params.growth_scenario
    return {
        "measure": params.headline_measure,
        "approach_window": r.approach_window,
        "tolerance": r.tolerance,
        "exceed_probability": r.exceed_probability,
        "horizon": params.horizon,
        "growth_method": g.method,
        "growth_window": g.window,
    }
