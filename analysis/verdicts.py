"""Claim verdicts: a small model, and no hand-written conclusions.

A :class:`Verdict` is built by a claim's verdict function from evidence numbers and thresholds
that are named constants here (or brief parameters); its summary sentence is generated from the
same numbers. ``to_dict()`` is the ``claims.<id>`` entry of results.json (docs/contracts.md).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

VerdictLabel = Literal["supported", "partly supported", "not supported", "not testable"]
VERDICTS: tuple[str, ...] = ("supported", "partly supported", "not supported", "not testable")


class Verdict(BaseModel):
    """One claim's computed verdict with the numbers and assumptions behind it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    claim: str = Field(description="Claim id, e.g. C1")
    title: str = Field(description="Short title of the claim")
    verdict: VerdictLabel = Field(description="One of the four verdict labels")
    summary: str = Field(description="One sentence generated from the evidence numbers")
    evidence: dict[str, Any] = Field(default_factory=dict, description="Named numbers")
    assumptions: list[str] = Field(default_factory=list, description="Stated assumptions")
    charts: list[str] = Field(default_factory=list, description="Chart ids behind the verdict")
    tables: list[str] = Field(default_factory=list, description="Table ids behind the verdict")

    @field_validator("claim")
    @classmethod
    def _claim(cls, v: str) -> str:
        if not (v.startswith("C") and v[1:].isdigit()):
            raise ValueError("expected a claim id like 'C1'")
        return v

    @field_validator("summary")
    @classmethod
    def _one_sentence(cls, v: str) -> str:
        return " ".join(v.split())

    def to_dict(self) -> dict[str, Any]:
        """The ``claims.<id>`` entry of results.json (without the id, which is the key)."""
        d = self.model_dump(mode="json")
        d.pop("claim")
        return d


def combine(parts: list[bool | None]) -> VerdictLabel:
    """Verdict from the claim's testable parts: all hold -> supported, none -> not supported.

    ``None`` marks a part that cannot be tested; if no part can be, the claim is not testable.
    """
    tested = [p for p in parts if p is not None]
    if not tested:
        return "not testable"
    if all(tested):
        return "supported"
    if not any(tested):
        return "not supported"
    return "partly supported"


# ---------------------------------------------------------------------------------------------
# C1: "Aggregate Chinese and Russian power will continue to approach, but not exceed, U.S. power"

REPORT_YEAR = 2021  # RAND RR-3067 was published in October 2021
APPROACH_WINDOW = 10  # "approach": the ratio rose over the ten years up to the report year
EXCEED_PROBABILITY = 0.5  # "exceeds by the horizon" when P(exceed by horizon) reaches this


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def c1_measure(
    table: Any,
    *,
    crossover_year: int | None,
    central_at_horizon: float | None,
    prob_exceed_by_horizon: float | None,
    article_horizon: int,
    horizon: int,
) -> dict[str, Any]:
    """Test C1 on one measure's observed ratio table (year, ratio) and its projection numbers.

    Part 1 ("approach, but not exceed, through ``article_horizon``"): the ratio rose over the
    :data:`APPROACH_WINDOW` years to :data:`REPORT_YEAR` and did not exceed 1 in any year up to
    ``article_horizon``. Part 2 ("continue to ... through ``horizon``"): the central projection at
    the horizon is above the latest observed ratio (still approaching), no observed year after
    ``article_horizon`` exceeded 1, and P(exceed by horizon) is below :data:`EXCEED_PROBABILITY`.
    A part is ``None`` (not testable) when its data are missing.
    """
    from analysis import power

    t = table.dropna(subset=["ratio"])
    years = t["year"].astype(int)
    r_report = power.value_at(t, REPORT_YEAR)
    r_before = power.value_at(t, REPORT_YEAR - APPROACH_WINDOW)
    latest_year, r_latest = power.latest(t)
    approached = None if r_report is None or r_before is None else r_report > r_before
    covers_article = len(t) > 0 and int(years.max()) >= min(article_horizon, REPORT_YEAR)
    exceeded_article = bool((t.loc[years <= article_horizon, "ratio"] > 1).any())
    exceeded_after = bool((t.loc[years > article_horizon, "ratio"] > 1).any())
    part1 = (
        None if approached is None or not covers_article else approached and not exceeded_article
    )
    if central_at_horizon is None or prob_exceed_by_horizon is None or r_latest is None:
        part2 = None
    else:
        part2 = (
            central_at_horizon > r_latest
            and not exceeded_after
            and not exceeded_article
            and prob_exceed_by_horizon < EXCEED_PROBABILITY
        )
    return {
        "ratio_report_year": r_report,
        "ratio_approach_start": r_before,
        "approached": approached,
        "exceeded_through_article_horizon": exceeded_article if covers_article else None,
        "latest_year": latest_year,
        "ratio_latest": r_latest,
        "crossover_year": crossover_year,
        "central_at_horizon": central_at_horizon,
        "prob_exceed_by_horizon": prob_exceed_by_horizon,
        "part_article_horizon": part1,
        "part_horizon": part2,
        "verdict": combine([part1, part2]),
    }


def c1_verdict(
    assessments: dict[str, dict[str, Any]],
    *,
    headline: str,
    labels: dict[str, str],
    coalition_label: str,
    benchmark_label: str,
    article_horizon: int,
    horizon: int,
    assumptions: list[str],
    charts: list[str],
    tables: list[str],
) -> Verdict:
    """C1's verdict: the headline measure's verdict, with every measure's result as evidence."""
    title = "Combined Chinese and Russian power approaches, but does not exceed, U.S. power"
    a = assessments.get(headline)
    if a is None:
        return Verdict(
            claim="C1",
            title=title,
            verdict="not testable",
            summary=f"No data for the headline measure {headline}.",
            assumptions=assumptions,
        )
    agree = sum(1 for x in assessments.values() if x["verdict"] == a["verdict"])
    exceeded = a["exceeded_through_article_horizon"]
    cross = a["crossover_year"]
    summary = (
        f"On {labels[headline].lower()}, {coalition_label} stood at "
        f"{_pct(a['ratio_report_year'])} of the {benchmark_label} level in {REPORT_YEAR} "
        f"({_pct(a['ratio_approach_start'])} in {REPORT_YEAR - APPROACH_WINDOW}) and "
        f"{'exceeded it' if exceeded else 'did not exceed it'} through {article_horizon}"
        f"{f' (first above in {cross})' if cross is not None else ''}; "
        f"the central projection is {_pct(a['central_at_horizon'])} in {horizon}, with a "
        f"{_pct(a['prob_exceed_by_horizon'])} probability of exceeding by then, so the claim is "
        f"{a['verdict']} ({agree} of {len(assessments)} measures give the same verdict)."
    )
    evidence: dict[str, Any] = {
        k: v for k, v in a.items() if k != "verdict" and not isinstance(v, bool) and v is not None
    }
    evidence["measures_agreeing"] = agree
    evidence["measures_tested"] = len(assessments)
    for m, x in sorted(assessments.items()):
        evidence[f"verdict_{m}"] = x["verdict"]
    return Verdict(
        claim="C1",
        title=title,
        verdict=a["verdict"],
        summary=summary,
        evidence=evidence,
        assumptions=assumptions,
        charts=charts,
        tables=tables,
    )


def c1_assumptions(params: Any, projections: dict[str, Any]) -> list[str]:
    """The assumptions behind the C1 verdict, stated from the parameters actually used."""
    g = params.growth_scenario
    sd = "each member's historical sd" if g.growth_sd is None else f"sd {g.growth_sd:g}"
    method = {
        "trailing_cagr": f"each member's trailing {g.window}-year compound growth",
        "weo": f"IMF WEO projections where available, then trailing {g.window}-year growth",
        "explicit": "explicit growth rates per country",
    }[g.method]
    out = [
        f"Coalition: {', '.join(params.coalition)}; benchmark: {', '.join(params.benchmark)}.",
        f"Verdict stated on {params.headline_measure}; the other measures are shown as evidence.",
        f"'Approach' means the ratio rose from {REPORT_YEAR - APPROACH_WINDOW} to {REPORT_YEAR}; "
        f"'exceed' means a ratio above 1; exceeding by {params.horizon} counts as likely when its "
        f"probability is at least {EXCEED_PROBABILITY:.0%}.",
        f"Projections: {method}, {g.shocks} annual shocks with {sd}, {params.mc_draws:,} draws, "
        f"seed {params.seed}.",
        f"Missing member-years: {params.missing.replace('_', ' ')} (never counted as zero).",
        "The CINC-style composite ends with COW NMC v7.0 in 2022 and is extended only by "
        "projection.",
        "All figures are our computation from public data, not the report's own numbers.",
    ]
    for m, p in sorted(projections.items()):
        out += [f"{m}: {n}" for n in p.notes]
    return out
