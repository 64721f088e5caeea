"""C4: the 2002 "15-year Military Cooperation Plan" expanded Russian arms and technology for China.

What the article reports the study said: the plan (2002, per the article) expanded equipment,
technology licences and joint research and development; China got "high-end" systems such as
the Su-27 and Su-30 and guided-missile destroyers, and Russian scientists worked in Chinese
defence plants.

Parts (``rules.c4``):

1. *deliveries expanded* (central): Russia's mean delivered TIV a year in the ``window`` years
   from the plan is above its mean in the ``window`` years before;
2. *Russia the dominant supplier*: Russia's mean share of China's arms imports over the same
   years after the plan is above ``dominant_share``;
3. *high-end systems ordered*: at least one of the named systems was ordered in the window;
4. licences, joint R&D and Russian scientists in Chinese plants: untested (not in any data).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.compute.claims.base import (
    REPORT_YEAR,
    claim,
    combine,
    dated,
    ev,
    more_than,
    outcome,
    part,
    pct,
    untested,
    verdict_of,
)
from analysis.compute.claims.rules import Frozen, choices_of, rule, spec_rules
from analysis.compute.frames import latest, mean_between, value_at
from analysis.results import Claim, Outcome

ID = "C4"
TITLE = "The 2002 military cooperation plan expanded Russian arms transfers to China"
READS = ("arms_register", "indicators")
INDICATORS = ("arms_imports_tiv",)
PARAMS: tuple[str, ...] = ()
SOURCE = "SIPRI Arms Transfers Database (register and TIV tables); our computation"
#: The curated sources its data come from (the SIPRI register and TIV tables).
SOURCES = ("sipri_arms",)
PLAN_YEAR = 2002  # the "15-year Military Cooperation Plan", signed in 2002 per the article


class Rules(Frozen):
    """The rules that decide C4 (brief parameters ``rules.c4.*``)."""

    window: int = rule(10, ge=3, le=15, vary=[5, 8, 10, 12], title="the plan window")
    """Years compared after the 2002 plan and before it. Varied: the plan ran 15 years; its first
    five to twelve show what it expanded."""
    dominant_share: float = rule(
        0.5, gt=0.0, lt=1.0, vary=[0.4, 0.5, 0.6], title="the dominant-supplier share"
    )
    """Russia is China's dominant supplier when its share of China's arms imports is above this.
    Varied: 'Dominant' as the largest plausible supplier, a majority, or a clear one."""


Choices = choices_of(Rules)


@dataclass(frozen=True)
class Plan:
    """What C4 reads of the ``window`` years after the plan and before it, whatever its other
    rules: made once per window for the specifications of the multiverse that share it
    (:func:`evaluate_block`)."""

    after_span: tuple[int, int]
    before_span: tuple[int, int]
    before: float | None  # mean delivered TIV a year before the plan
    after: float | None  # and after it
    share_after: float | None  # Russia's mean share of China's imports after the plan
    ordered: int  # deals for the named systems ordered after the plan

    @classmethod
    def of(
        cls, share: pd.DataFrame, flow: pd.DataFrame, systems: pd.DataFrame, window: int
    ) -> Plan:
        y0 = PLAN_YEAR
        after_span, before_span = (y0, y0 + window - 1), (y0 - window, y0 - 1)
        ordered = systems[(systems["year_order"] >= y0) & (systems["year_order"] < y0 + window)]
        return cls(
            after_span,
            before_span,
            mean_between(flow, "value", *before_span),
            mean_between(flow, "value", *after_span),
            mean_between(share, "share", *after_span),
            len(ordered),
        )


def outcomes(plan: Plan, dominant_share: float, no_data: bool) -> tuple[Outcome, ...]:
    """The outcomes of C4's three tested parts (deliveries expanded, the central one; Russia
    the dominant supplier; high-end systems ordered) from what it reads of the plan window;
    ``no_data``: neither deliveries nor named systems on record."""
    before, after, share_after = plan.before, plan.after, plan.share_after
    return (
        "untested" if before is None or after is None else outcome(more_than(after, before)),
        "untested" if share_after is None else outcome(more_than(share_after, dominant_share)),
        "untested" if no_data else outcome(plan.ordered > 0),
    )


def multiple(after: float | None, before: float | None) -> float | None:
    """The multiverse's estimate: deliveries after the plan as a multiple of those before
    (None when either is missing or zero)."""
    return after / before if after and before else None


def assess(
    share: pd.DataFrame,
    flow: pd.DataFrame,
    systems: pd.DataFrame,
    rules: Rules,
    *,
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Claim:
    """C4 from Russia's delivered TIV to China (``year, value``), its share of China's imports
    (``year, share``) and the named systems' deals (``year_order`` …)."""
    w = rules.window
    plan = Plan.of(share, flow, systems, w)
    after_span, before_span = plan.after_span, plan.before_span
    before, after, share_after = plan.before, plan.after, plan.share_after
    share_before = mean_between(share, "share", *before_span)
    deliveries, dominant, high_end = outcomes(
        plan, rules.dominant_share, systems.empty and flow.empty
    )
    n_ordered = plan.ordered
    spans = f"{after_span[0]}–{after_span[1]} against {before_span[0]}–{before_span[1]}"
    parts = [
        part(
            "Deliveries expanded after the plan",
            f"mean delivered TIV a year, {spans}, higher",
            deliveries,
            central=True,
        ),
        part(
            "Russia China's dominant supplier",
            f"Russia's mean share of China's arms imports {after_span[0]}–{after_span[1]} above "
            f"{rules.dominant_share:.0%}",
            dominant,
        ),
        part(
            "High-end systems ordered",
            f"at least one named system (Su-27, Su-30, Sovremenny destroyers, …) ordered "
            f"{after_span[0]}–{after_span[1]}",
            high_end,
        ),
        untested(
            "Licences, joint R&D, Russian scientists in Chinese plants",
            "no public dataset records them",
        ),
    ]
    y_share, s_latest = latest(share, "share")
    y_flow, f_latest = latest(flow, "value")
    evidence = [
        ev("tiv_mean_after_plan", f"Russia's arms deliveries to China a year, mean "
           f"{after_span[0]}–{after_span[1]}", after, "tiv_m", decisive=True),
        ev("tiv_mean_before_plan", f"The same, mean {before_span[0]}–{before_span[1]}", before,
           "tiv_m", decisive=True),
        ev("share_mean_after_plan", f"Russia's share of China's arms imports, mean "
           f"{after_span[0]}–{after_span[1]}", share_after, "share", decisive=True),
        ev("share_mean_before_plan", f"The same, mean {before_span[0]}–{before_span[1]}",
           share_before, "share"),
        ev("named_systems_ordered", f"Deals for named high-end systems ordered "
           f"{after_span[0]}–{after_span[1]}", n_ordered, "count", decisive=True),
        ev("tiv_report_year", "Russia's arms deliveries to China", value_at(flow, REPORT_YEAR,
           "value"), "tiv_m", REPORT_YEAR),
        ev("tiv_latest", "Russia's arms deliveries to China", f_latest, "tiv_m", y_flow),
        ev("share_report_year", "Russia's share of China's arms imports",
           value_at(share, REPORT_YEAR, "share"), "share", REPORT_YEAR),
        ev("share_latest", "Russia's share of China's arms imports", s_latest, "share", y_share),
    ]  # fmt: skip
    verdict = combine(parts)
    if after is None or before is None:
        summary = (
            "Russian arms deliveries to China are not available; under this brief's choices the "
            f"claim is {verdict}."
        )
    else:
        summary = (
            f"Russia's arms deliveries to China averaged {after:,.0f} million TIV (SIPRI "
            f"trend-indicator value) a year in {after_span[0]}–{after_span[1]} against "
            f"{before:,.0f} million in {before_span[0]}–{before_span[1]}"
        )
        if share_after is not None:
            summary += f", {pct(share_after)} of China's arms imports"
        summary += (
            f", with {n_ordered} deals for named high-end systems ordered"
            + (f"; by {y_share} Russia's share was {pct(s_latest)}" if s_latest is not None else "")
            + f". Under this brief's choices the claim is {verdict}; licences, joint research "
            "and Russian scientists in Chinese plants are not in the data."
        )
    head = (
        f"Russia delivered {after:,.0f} million TIV a year to China in {after_span[0]}–"
        f"{after_span[1]} against {before:,.0f} before; {pct(share_after)} of China's imports"
        if after is not None and before is not None
        else "Russian arms deliveries to China not available"
    )
    return claim(
        TITLE,
        parts,
        summary,
        evidence,
        headline=head,
        assumptions=[
            "Russia includes the Soviet Union before 1992 (separate SIPRI suppliers, summed here).",
            "Per-year TIV spreads each deal's delivered TIV over its delivery years "
            "(analysis.compute.arms.spread_deliveries): an approximation.",
            f"The plan window is {after_span[0]}–{after_span[1]}, against the {w} years before; "
            f"'dominant supplier' means over {rules.dominant_share:.0%} of China's arms "
            "imports, both spread the same way from the SIPRI register.",
        ],
        charts=charts,
        tables=tables,
    )


# ---------------------------------------------------------------------------------------------
# The multiverse

ESTIMATE = "Russia's deliveries after the plan as a multiple of those before"


def prepare(data: Mapping[str, Any], params: Any) -> dict[str, pd.DataFrame]:
    from analysis.compute import arms

    spread, unparsed = arms.spread_deliveries(data["arms_register"])
    flow = arms.arms_flow(spread, arms.RUSSIA_SUPPLIERS, ["CHN"])
    ind = data["indicators"]
    return {
        "flow": flow,
        "share": arms.supplier_share(flow, arms.recipient_imports(spread, "CHN")),
        "systems": arms.named_systems(data["arms_register"]),
        "sipri_total": ind[(ind["indicator"] == "arms_imports_tiv") & (ind["iso3"] == "CHN")],
        "unparsed": unparsed,
    }


def decide(inputs: Mapping[str, Any], params: Any, out: Any) -> Claim:
    """The brief's C4 and its charts (``out``: the run's :class:`~analysis.compute.artifacts.
    Exhibits`)."""
    from analysis.compute import arms
    from analysis.compute.charts import relations as rc

    flow, share, systems = inputs["flow"], inputs["share"], inputs["systems"]
    result = assess(share, flow, systems, params.rules.c4)
    src = dated(SOURCE, SOURCES, params)
    total = inputs["sipri_total"][["year", "value"]].rename(
        columns={"value": "sipri_table_imports"}
    )
    out.chart(
        rc.arms_chart(flow, share, source=src),
        "c4-arms",
        title=arms.flow_headline(flow, share),
        caption=(
            "Top: SIPRI trend-indicator value (TIV) delivered by Russia (the Soviet Union before "
            "1992) to China a year, each deal's deliveries spread evenly over its delivery years. "
            "Bottom: Russia's share of China's arms imports."
        ),
        alt=arms.flow_alt(flow, share),
        source=src,
        data=share.merge(total, on="year", how="outer"),
        data_title="Russian delivered TIV to China, China's total (both spread, approximate), "
        "share",
        sort_by=["year"],
    )
    out.chart(
        rc.systems_chart(systems, source=src),
        "c4-systems",
        title=arms.systems_headline(systems),
        caption=f"{len(systems)} SIPRI register deals for the named systems, by year of order.",
        alt=arms.systems_alt(systems),
        source=src,
        data=systems,
        data_title="Deals for the named high-end systems",
        sort_by=["year_order", "system", "weapon_designation"],
    )
    notes = [arms.unparsed_evidence(inputs["unparsed"])]
    return out.finish(result).model_copy(update={"notes": notes})


def evaluate(inputs: Mapping[str, pd.DataFrame], spec: dict[str, Any], params: Any):
    result = assess(
        inputs["share"], inputs["flow"], inputs["systems"], spec_rules(params.rules.c4, spec)
    )
    after, before = result.item("tiv_mean_after_plan"), result.item("tiv_mean_before_plan")
    return multiple(after.value if after else None, before.value if before else None), (
        result.verdict
    )


def evaluate_block(inputs: Mapping[str, Any], block: Any, params: Any) -> tuple[Any, list[str]]:
    """:func:`evaluate` of every specification of ``block`` at once. What a specification reads
    (:class:`Plan`) depends on its window only, so each window's is read once; its parts'
    outcomes (:func:`outcomes`) are combined once per distinct row (:func:`verdict_of`)."""
    share, flow, systems = inputs["share"], inputs["flow"], inputs["systems"]
    no_data = systems.empty and flow.empty
    plans: dict[int, Plan] = {}
    estimates, verdicts = [], []
    for spec in block.specs():
        rules = spec_rules(params.rules.c4, spec)  # the rules as evaluate reads them
        if rules.window not in plans:
            plans[rules.window] = Plan.of(share, flow, systems, rules.window)
        plan = plans[rules.window]
        row = outcomes(plan, rules.dominant_share, no_data)
        verdicts.append(verdict_of(row, (True, False, False)))  # the first central, as in assess
        estimate = multiple(plan.after, plan.before)
        estimates.append(math.nan if estimate is None else estimate)
    return np.array(estimates, dtype=np.float64), verdicts
