"""C8: the relationship has limits: a desire for independence and divergent political interests.

What the report said: its key findings (as syndicated; the sentence is cut off in the copy seen)
say that "a desire for independence and divergent political interests" shape what the two do.
The article does not mention limits; a brief that restates only the drivers reads one-sided, so
the limits are restated as the report's and tested where public data can (``rules.c8``):

1. *divergent votes*: China and Russia voted differently on at least ``divergence_min`` of UN
   General Assembly roll calls, on average over the last ``window`` years of roll-call data;
2. *competitors in arms markets*: at least ``min_common`` states received arms from both China
   and Russia in the last ``window`` years of deliveries;
3. *China's independence from Russian arms*: Russia's share of China's arms imports in the last
   ``window`` years is below its share in the decade after the 2002 plan by more than
   ``share_drop``;
4. *asymmetric dependence*: Russia's exports to China are a larger share of Russia's exports
   than China's exports to Russia are of China's, by at least ``asymmetry_min`` times. Russia's
   exports to China come from the brief's ``trade_series`` (IMF IMTS from 2016 by default);
   China's exports to Russia from CEPII BACI, the flow reconciled from both sides' reports (before
   the BACI rows, Russia's imports from China stood in for them; docs/decisions.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.compute.claims.base import (
    at_least,
    claim,
    combine,
    dated,
    ev,
    more_than,
    outcome,
    part,
    pct,
)
from analysis.compute.claims.rules import Frozen, choices_of, rule, spec_rules
from analysis.compute.frames import ends_by, num
from analysis.compute.trade import SHORT_NAMES
from analysis.results import Claim

ID = "C8"
TITLE = "The relationship has limits: independence and divergent interests"
READS = ("un_agreement", "arms_register", "bilateral_trade", "indicators")
INDICATORS = ("wdi_merch_exports",)
PARAMS = ("trade_series",)
#: The curated sources its data come from (votes, arms, trade and WDI exports).
SOURCES = ("unvotes", "sipri_arms", "imf_imts", "imf_dots", "cepii_baci", "wdi")
PLAN_DECADE = (2002, 2011)  # the decade after the 2002 plan (C4), Russia's peak as supplier
SOURCE_COLUMNS = ("russia_source", "china_source")  # of the trade dependence table


class Rules(Frozen):
    """The rules that decide C8 (brief parameters ``rules.c8.*``)."""

    window: int = rule(5, ge=3, le=10, vary=[3, 5, 10], title="the recent window")
    """Latest years each limit is measured over. Varied: recent years measured."""
    divergence_min: float = rule(
        0.1, gt=0.0, lt=1.0, vary=[0.05, 0.1, 0.2], title="the divergence threshold"
    )
    """Share of UN roll calls voted apart that counts as divergent interests. Varied: from a few to
    one vote in five apart."""
    min_common: int = rule(5, ge=1, le=50, vary=[3, 5, 10], title="the shared-customers threshold")
    """States buying arms from both that count as competition. Varied: a few to many shared arms
    customers."""
    share_drop: float = rule(
        0.1, ge=0.0, lt=1.0, vary=[0.05, 0.1, 0.2], title="the fall in Russia's share"
    )
    """Fall of Russia's share of China's arms imports that counts as China's independence. Varied: a
    small to a large fall in Russia's share."""
    asymmetry_min: float = rule(
        2.0, ge=1.0, le=20.0, vary=[1.5, 2.0, 3.0], title="the asymmetry threshold"
    )
    """How many times more dependent Russia must be. Varied: how lopsided dependence must be."""


Choices = choices_of(Rules)


def common_recipients(spread: pd.DataFrame, a: Sequence[str], b: Sequence[str], years) -> set:
    """States with deliveries from suppliers ``a`` and from suppliers ``b`` in ``years`` (the
    years' rows picked first, on the numbers: the strings of only those rows are read)."""
    year = spread["year"].to_numpy()
    rows = np.flatnonzero((year >= years[0]) & (year <= years[1]))
    recipient = spread["recipient_iso3"].to_numpy()[rows]
    keep = ~pd.isna(recipient)
    keep[keep] = recipient[keep] != ""
    if "tiv" in spread:
        keep &= spread["tiv"].to_numpy()[rows] > 0
    supplier = spread["supplier_iso3"].to_numpy()[rows][keep]
    recipient = recipient[keep]
    got_a = {r for s, r in zip(supplier, recipient, strict=True) if s in set(a)}
    got_b = {r for s, r in zip(supplier, recipient, strict=True) if s in set(b)}
    return (got_a & got_b) - set(a) - set(b)


def mean_of(values: np.ndarray) -> float:
    """``pandas.Series(values).mean()`` bit for bit, without the Series: missing values count as
    zeros in the sum (numpy's, in the same order) and not in the count; NaN when none is left."""
    missing = np.isnan(values)
    count = values.size - int(missing.sum())
    if count == 0:
        return math.nan
    total = np.where(missing, 0.0, values).sum() if missing.any() else values.sum()
    return float(total / np.float64(count))


def mean_in(year: np.ndarray, values: np.ndarray, start: int, end: int) -> float | None:
    """``frames.mean_between`` on a table's year and value columns as arrays."""
    rows = (year >= start) & (year <= end)
    return num(mean_of(values[rows])) if rows.any() else None


@dataclass(frozen=True)
class Seen:
    """What the data show over C8's window, before any threshold (:func:`seen`): all that its
    parts read, so the multiverse reads it once per window (:func:`evaluate_block`)."""

    div: float | None  # share of UN roll calls voted apart, mean over a_years
    a_years: tuple
    arms: bool  # any arms deliveries at all
    common: set  # states receiving arms from both, s_years
    s_years: tuple
    then: float | None  # Russia's share of China's arms imports, PLAN_DECADE
    now: float | None  # ... over now_years
    now_years: tuple
    ratio: float | None  # Russia's dependence on China's market over China's on Russia's
    r_on_c: float | None
    c_on_r: float | None
    y: int | None  # the year of the dependence row
    r_src: str
    c_src: str


def seen(
    agreement: pd.DataFrame,
    spread: pd.DataFrame,
    share: pd.DataFrame,
    dependence: pd.DataFrame,
    w: int,
    china: Sequence[str] = ("CHN",),
    russia: Sequence[str] = ("RUS", "SUN"),
) -> Seen:
    """C8's measures over the last ``w`` years of each table (:class:`Seen`)."""
    year = agreement["year"].to_numpy()
    agree = agreement["agreement"].to_numpy(dtype=float)
    have = ~np.isnan(agree)
    if not have.any():
        div, a_years = None, (None, None)
    else:
        last = int(year[have].max())
        a_years = (last - w + 1, last)
        rows = have & (year >= a_years[0]) & (year <= a_years[1])
        div = 1 - mean_of(agree[rows])
    if spread.empty:
        common, s_years = set(), (None, None)
    else:
        last = int(spread["year"].max())
        s_years = (last - w + 1, last)
        common = common_recipients(spread, china, russia, s_years)
    year, value = share["year"].to_numpy(), share["share"].to_numpy(dtype=float)
    then = mean_in(year, value, *PLAN_DECADE)
    have = ~np.isnan(value)
    now_years = (int(year[have].max()) - w + 1, int(year[have].max())) if have.any() else None
    now = mean_in(year, value, *now_years) if now_years else None
    now_years = now_years or (None, None)
    ratio = r_on_c = c_on_r = y = None
    r_src = c_src = ""
    row = last_row(dependence)
    if row is not None:
        y = int(row["year"])
        r_on_c, c_on_r = num(row["russia_on_china"]), num(row["china_on_russia"])
        r_src, c_src = (SHORT_NAMES.get(str(row.get(k, "")), "") for k in SOURCE_COLUMNS)
        ratio = r_on_c / c_on_r if r_on_c is not None and c_on_r else None
    return Seen(
        div, a_years, not spread.empty, common, s_years, then, now, now_years, ratio, r_on_c,
        c_on_r, y, r_src, c_src,
    )  # fmt: skip


def last_row(dependence: pd.DataFrame) -> pd.Series | None:
    """The row of the latest year with both sides' shares (None when there is none): its index
    found on the arrays, the frame sorted only when a year repeats."""
    year = dependence["year"].to_numpy()
    both = ~(
        pd.isna(dependence["russia_on_china"].to_numpy())
        | pd.isna(dependence["china_on_russia"].to_numpy())
    )
    if not both.any():
        return None
    if len(np.unique(year[both])) < both.sum():
        return dependence[both].sort_values("year").iloc[-1]
    return dependence.iloc[int(np.flatnonzero(both)[np.argmax(year[both])])]


def outcomes_of(m: Seen, rules: Rules) -> tuple[str, str, str, str]:
    """The outcomes of C8's four parts (:func:`parts_of`): what :func:`seen` found, against
    ``rules``' thresholds."""
    return (
        "untested" if m.div is None else outcome(at_least(m.div, rules.divergence_min)),
        "untested" if not m.arms else outcome(len(m.common) >= rules.min_common),
        "untested"
        if m.then is None or m.now is None
        else outcome(more_than(m.then - m.now, rules.share_drop)),
        "untested"
        if m.y is None or m.ratio is None
        else outcome(at_least(m.ratio, rules.asymmetry_min)),
    )


def parts_of(m: Seen, rules: Rules) -> list:
    """C8's four parts, their outcomes by :func:`outcomes_of`."""
    votes_is, arms_is, independence_is, dependence_is = outcomes_of(m, rules)
    if m.div is None:
        votes = part("Divergent votes", "no roll-call data", votes_is)
    else:
        votes = part(
            "Divergent votes in the UN",
            f"China and Russia voted apart on at least {pct(rules.divergence_min)} of "
            f"roll calls, {m.a_years[0]}–{m.a_years[1]}",
            votes_is,
        )
    if not m.arms:
        arms = part("Competitors in arms markets", "no arms data", arms_is)
    else:
        arms = part(
            "Competitors in arms markets",
            f"at least {rules.min_common} states received arms from both, "
            f"{m.s_years[0]}–{m.s_years[1]}",
            arms_is,
        )
    independence = part(
        "China's independence from Russian arms",
        f"Russia's share of China's arms imports fell by more than {pct(rules.share_drop)} "
        f"points from {PLAN_DECADE[0]}–{PLAN_DECADE[1]}",
        independence_is,
    )
    if m.y is None:
        dependence = part("Asymmetric dependence", "no trade data for both sides", dependence_is)
    else:
        dependence = part(
            "Asymmetric dependence",
            f"Russia's exports to China as a share of its exports at least "
            f"{rules.asymmetry_min:g} times China's exports to Russia as a share of China's",
            dependence_is,
        )
    return [votes, arms, independence, dependence]


def assess(
    agreement: pd.DataFrame,
    spread: pd.DataFrame,
    share: pd.DataFrame,
    dependence: pd.DataFrame,
    rules: Rules,
    *,
    china: Sequence[str] = ("CHN",),
    russia: Sequence[str] = ("RUS", "SUN"),
    trade_words: str = "not stated",
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Claim:
    """C8 from China–Russia UN agreement (``year, agreement``), the spread arms register, Russia's
    share of China's arms imports (``year, share``) and the yearly trade dependence table
    (``year, russia_on_china, china_on_russia``, and the source of each side,
    :func:`analysis.compute.trade.dependence_table`); ``trade_words`` says which sources and
    years the two trade flows are."""
    m = seen(agreement, spread, share, dependence, rules.window, china, russia)
    parts = parts_of(m, rules)
    div, a_years, common, s_years = m.div, m.a_years, m.common, m.s_years
    then, now, now_years = m.then, m.now, m.now_years
    ratio, r_on_c, c_on_r, y, r_src, c_src = m.ratio, m.r_on_c, m.c_on_r, m.y, m.r_src, m.c_src
    evidence = [
        ev("un_divergence", f"UN roll calls on which China and Russia voted apart, mean "
           f"{a_years[0]}–{a_years[1]}", div, "share", decisive=True),
        ev("common_recipients", f"States receiving arms from both China and Russia, "
           f"{s_years[0]}–{s_years[1]}", len(common) if not spread.empty else None, "count",
           decisive=True),
        ev("russia_share_plan_decade", f"Russia's share of China's arms imports, mean "
           f"{PLAN_DECADE[0]}–{PLAN_DECADE[1]}", then, "share", decisive=True),
        ev("russia_share_recent", f"The same, mean {now_years[0]}–{now_years[1]}", now, "share",
           decisive=True),
        ev("russia_exports_to_china_share", "Russia's exports to China, share of Russia's "
           "merchandise exports", r_on_c, "share", y, decisive=True),
        ev("china_exports_to_russia_share", "China's exports to Russia (reconciled, CEPII "
           "BACI), share of China's merchandise exports", c_on_r, "share", y, decisive=True),
    ]  # fmt: skip
    verdict = combine(parts)
    bits = []
    if div is not None:
        bits.append(f"the two voted apart on {pct(div)} of UN roll calls in {a_years[0]}–"
                    f"{a_years[1]}")  # fmt: skip
    if not spread.empty:
        bits.append(f"{len(common)} states bought arms from both in {s_years[0]}–{s_years[1]}")
    if then is not None and now is not None:
        bits.append(
            f"Russia's share of China's arms imports went from {pct(then)} in "
            f"{PLAN_DECADE[0]}–{PLAN_DECADE[1]} to {pct(now)} in {now_years[0]}–{now_years[1]}"
        )
    if ratio is not None:
        bits.append(
            f"in {y} China took {pct(r_on_c)} of Russia's exports ({r_src or 'source not stated'})"
            f" while Russia took {pct(c_on_r)} of China's ({c_src or 'source not stated'})"
        )
    text = "; ".join(bits) if bits else "no data on the limits are available"
    summary = (
        f"{text[:1].upper()}{text[1:]}. Under this brief's choices the claim that the "
        f"relationship has limits is {verdict}."
    )
    held = sum(p.outcome == "holds" for p in parts)
    tested = sum(p.outcome != "untested" for p in parts)
    head = f"{held} of {tested} tests find limits"
    if div is not None:
        head += f": UN votes apart {pct(div)}"
    if not spread.empty:
        head += f"; {len(common)} shared arms customers"
    if ratio is not None:
        head += f"; Russia {ratio:.0f} times more dependent on China's market"
    return claim(
        TITLE,
        parts,
        summary,
        evidence,
        headline=head,
        assumptions=[
            "Roll-call agreement is computed from the UN votes data (to 2019), all roll calls.",
            "Arms recipients are states with deliveries in the years (SIPRI register spread over "
            "delivery years); Russia includes the Soviet Union.",
            f"Trade shares: {trade_words}; each over the exporter's merchandise exports (World "
            "Bank WDI), in the latest year both are known.",
            "The report's wording on limits is only partly available to us (the sentence is cut "
            "off in the syndicated copy); only the quoted words are attributed to it.",
        ],
        charts=charts,
        tables=tables,
    )


SERIES = {
    "apart": "UN roll calls on which China and Russia voted apart",
    "arms": "Russia's share of China's arms imports",
    "russia_on_china": "Russia's exports to China, share of Russia's exports",
    "china_on_russia": "China's exports to Russia, share of China's exports",
}


def limits_table(
    agreement: pd.DataFrame, share: pd.DataFrame, dependence: pd.DataFrame
) -> pd.DataFrame:
    """The four limits by year, long: series, year, value (each a share)."""
    frames = [
        agreement.assign(series=SERIES["apart"], value=1 - agreement["agreement"]),
        share.assign(series=SERIES["arms"], value=share["share"]),
        dependence.assign(series=SERIES["russia_on_china"], value=dependence["russia_on_china"]),
        dependence.assign(series=SERIES["china_on_russia"], value=dependence["china_on_russia"]),
    ]
    out = pd.concat([f[["series", "year", "value"]] for f in frames], ignore_index=True)
    return out.dropna().astype({"year": int}).reset_index(drop=True)


def headline(result: Claim) -> str:
    held = [p.name for p in result.parts if p.outcome == "holds"]
    tested = [p for p in result.parts if p.outcome != "untested"]
    return f"Limits of the relationship: {len(held)} of {len(tested)} tests find them"


def alt_text(limits: pd.DataFrame) -> str:
    bits = [
        f"{series}: {a['value']:.0%} in {int(a['year'])}, {b['value']:.0%} in {int(b['year'])}"
        for series, a, b in ends_by(limits, "series")
    ]
    return "Line chart of four shares by year. " + "; ".join(bits) + "."


# ---------------------------------------------------------------------------------------------
# The multiverse

ESTIMATE = "number of the four limits found"


def trade_words(trade_table: pd.DataFrame, series: str) -> str:
    """The two flows of the dependence part, their sources and years, in words."""
    from analysis.compute import trade

    return (
        f"Russia's exports to China from {trade.series_words(trade_table, series, ['CHN'])}; "
        "China's exports to Russia (FOB) from "
        f"{trade.flow_words(trade_table, trade.BACI, 'CHN', 'RUS')}"
    )


def prepare(data: Mapping[str, Any], params: Any) -> dict[str, Any]:
    from analysis.compute import alignment, arms, trade

    spread, _ = arms.spread_deliveries(data["arms_register"])
    flow = arms.arms_flow(spread, arms.RUSSIA_SUPPLIERS, ["CHN"])
    table, series = data["bilateral_trade"], params.trade_series
    return {
        "agreement": alignment.dyad_agreement(data["un_agreement"], "CHN", "RUS"),
        "spread": spread,
        "share": arms.supplier_share(flow, arms.recipient_imports(spread, "CHN")),
        "dependence": trade.dependence_table(table, data["indicators"], series=series),
        "trade_words": trade_words(table, series),
    }


def decide(inputs: Mapping[str, Any], params: Any, out: Any) -> Claim:
    """The brief's C8 and its chart (``out``: the run's :class:`~analysis.compute.artifacts.
    Exhibits`)."""
    from analysis.compute.charts import relations as rc

    result = assess(
        inputs["agreement"],
        inputs["spread"],
        inputs["share"],
        inputs["dependence"],
        params.rules.c8,
        trade_words=inputs["trade_words"],
    )
    limits = limits_table(inputs["agreement"], inputs["share"], inputs["dependence"])
    source = dated(
        f"UN roll calls (unvotes); SIPRI Arms Transfers Database; {inputs['trade_words']}; "
        "World Bank WDI; our computation",
        SOURCES,
        params,
    )
    out.chart(
        rc.limits_chart(limits, source=source),
        "c8-limits",
        title=headline(result),
        caption=(
            "Each limit by year, as a share: UN roll calls on which China and Russia voted apart, "
            "Russia's share of China's arms imports, and each side's exports to the other as a "
            "share of its exports."
        ),
        alt=alt_text(limits),
        source=source,
        data=limits,
        data_title="Limits of the relationship by year: votes apart, Russia's arms share, trade "
        "shares",
        sort_by=["series", "year"],
    )
    return out.finish(result)


def evaluate(inputs: Mapping[str, Any], spec: dict[str, Any], params: Any):
    result = assess(
        inputs["agreement"],
        inputs["spread"],
        inputs["share"],
        inputs["dependence"],
        spec_rules(params.rules.c8, spec),
        trade_words=inputs["trade_words"],
    )
    return float(sum(p.outcome == "holds" for p in result.parts)), result.verdict


#: The choice that decides what C8's parts read (:func:`seen`): the multiverse decides the
#: specifications that share it together (:func:`evaluate_block`), reading the data once.
GROUP_BY = ("window",)


def evaluate_block(inputs: Mapping[str, Any], block: Any, params: Any) -> tuple[list, list]:
    """:func:`evaluate` of every specification of ``block``: the data read once per window
    (:func:`seen`), each specification's thresholds applied to them (:func:`outcomes_of`), and
    each distinct row of outcomes combined once (the parts differ in their words only)."""
    measured: dict[int, Seen] = {}
    combined: dict[tuple[str, ...], str] = {}
    estimates, verdicts = [], []
    for spec in block.specs():
        rules = spec_rules(params.rules.c8, spec)
        if rules.window not in measured:
            measured[rules.window] = seen(
                inputs["agreement"], inputs["spread"], inputs["share"], inputs["dependence"],
                rules.window,
            )  # fmt: skip
        m = measured[rules.window]
        row = outcomes_of(m, rules)
        if row not in combined:
            combined[row] = combine(parts_of(m, rules))
        estimates.append(float(sum(o == "holds" for o in row)))
        verdicts.append(combined[row])
    return estimates, verdicts
