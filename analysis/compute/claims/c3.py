"""C3: from "cooperation" to "collaboration", "in large part" because of Western sanctions.

What the article reports the study said: the relationship moved from "calculation" to
"cooperation" (the first joint "field exercise", 2003) and from "cooperation" to
"collaboration" (2012–2017), "in large part" because of "Western sanctions"; after the 2014
Crimea sanctions Moscow sought "much closer ties" with Beijing.

The data test the "much closer ties" after the sanctions (``rules.c3``): for each indicator of
ties (Russia's trade with China, in logs; Russian arms deliveries to China; joint exercises a
year), a segmented regression at ``break_year`` on up to ``span`` years either side
(:func:`analysis.compute.stats.break_in_trend`). An indicator whose slope change has its
interval above zero counts as closer ties, below zero as looser, across zero as no evidence
either way. Whether sanctions *caused* a change is not testable: a break is consistent with,
not proof of, a cause. Russia's trade is the brief's ``trade_series`` (IMF IMTS from 2016 by
default, or Russia's own DOTS reports), one of the choices the multiverse varies; the assumptions
say which source covers which years.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
    since_report,
    since_words,
    untested,
    verdict_of,
)
from analysis.compute.claims.rules import Frozen, choice, choices_of, rule, spec_rules
from analysis.compute.frames import num
from analysis.compute.stats import break_in_trend, break_windows
from analysis.compute.trade import SERIES, TradeSeries
from analysis.results import Claim

ID = "C3"
TITLE = "From cooperation to collaboration, pushed by Western sanctions"
READS = ("bilateral_trade", "arms_register", "exercises", "events")
PARAMS = ("coalition", "break_years", "trade_series")
SOURCE_SOURCES = (
    "IMF DOTS (Russia-reported); IMF IMTS; UN Comtrade (China-reported); CEPII BACI; our "
    "computation"
)
SOURCE_TIMELINE = (
    "Hand-curated events with citations (see the data dictionary); phases from RAND RR-3067"
)
#: The curated sources its data come from (trade (every trade source), arms deliveries, exercises).
SOURCES = ("imf_imts", "imf_dots", "un_comtrade", "cepii_baci", "sipri_arms", "hand")

#: The indicators of ties, their plain names and whether they are fitted in logs.
TIES: dict[str, tuple[str, bool]] = {
    "trade_china": ("Russia's trade with China", True),
    "arms_tiv_china": ("Russian arms deliveries to China", False),
    "exercises": ("the number of joint exercises a year", False),
}
UNITS = {"trade_china": "log_growth", "arms_tiv_china": "tiv_m_per_year", "exercises": "per_year"}
Indicator = Literal["all", "trade_china", "arms_tiv_china", "exercises"]


class Rules(Frozen):
    """The rules that decide C3 (brief parameters ``rules.c3.*``)."""

    break_year: int = rule(
        2014, ge=2005, le=2020, vary=[2012, 2013, 2014, 2015, 2016], title="the break year"
    )
    """Year of the break tested (2014: the Crimea sanctions). Varied: the report dates
    'collaboration' 2012-2017; sanctions came in 2014."""
    span: int = rule(10, ge=4, le=15, vary=[6, 8, 10, 12], title="the window around the break")
    """Years at most on each side of the break. Varied: shorter windows see the break, longer the
    trend."""
    indicators: Indicator = rule(
        "all",
        vary=["all", "trade_china", "arms_tiv_china", "exercises"],
        title="the indicators of ties",
    )
    """The indicators of ties tested: all three, or one of them. Varied: all indicators of ties
    together, or each alone."""


class BriefTrade(Frozen):
    """C3's choice of the trade series (a brief parameter, ``trade_series``)."""

    trade_series: list[TradeSeries] = choice(["dots", "imts"], title="the trade series")
    """Russia's own reports (IMF DOTS), or the IMF's IMTS with its estimates from partners'
    reports where Russia stopped reporting: the two sources of Russia's trade by partner."""


# C3's specification space: its rules' alternatives, and the brief's trade series.
Choices = choices_of(Rules, after=BriefTrade)


def fit(
    series: Mapping[str, pd.DataFrame], rules: Rules, later_breaks: Sequence[int] = ()
) -> pd.DataFrame:
    """The break fit of every tested indicator: one row per indicator (``year, value`` frames;
    a later break year of the brief ends the window before it), with the indicator's trend since
    the report (``since_slope``, in logs where the fit is; ``since_first``, ``since_last``)."""
    rows = []
    names = list(TIES) if rules.indicators == "all" else [rules.indicators]
    for name in names:
        df = series.get(name)
        if df is None:
            continue
        read = _read(name, df)
        row = None if read is None else _fit_row(read, rules.break_year, rules.span, later_breaks)
        if row is not None:
            rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True, eq=False)
class _Read:
    """What every break fit of one indicator reads of its frame whatever the break year and
    the span: its years with a value, the values, and its trend since the report. Read once per
    frame, and the multiverse's specifications fit many breaks on it (:func:`evaluate_block`)."""

    name: str
    years: np.ndarray
    values: np.ndarray
    since: dict[str, Any]


def _read(name: str, df: pd.DataFrame) -> _Read | None:
    """One indicator's frame as its fits read it; None when it has no values."""
    kept = ~pd.isna(df["value"]).to_numpy()  # the frame's rows with a value, as arrays
    if not kept.any():
        return None
    years, values = df["year"].to_numpy()[kept], df["value"].to_numpy()[kept]
    log = TIES[name][1]
    positive = values > 0 if log else np.ones(len(values), dtype=bool)
    since = since_report(years[positive], np.log(values[positive]) if log else values[positive])
    return _Read(name, years, values, since)


def _fit_row(
    read: _Read, break_year: int, span: int, later_breaks: Sequence[int]
) -> dict[str, Any] | None:
    """One indicator's row of :func:`fit`; None when it has no window for the break."""
    window = _window(read, break_year, span, later_breaks)
    return None if window is None else _fit_window(read, break_year, *window)


def _window(
    read: _Read, break_year: int, span: int, later_breaks: Sequence[int]
) -> tuple[int, int] | None:
    """The years (start, end) the break at ``break_year`` is fitted on: at most ``span`` a
    side, ended by the series' ends and the next break of the brief; None when there is none.
    Spans that reach past the series' ends give the same window, and the same fit."""
    first, last = int(read.years.min()), int(read.years.max())
    breaks = [break_year, *(b for b in later_breaks if b > break_year)]
    windows = [w for w in break_windows(first, last, breaks, span)]
    window = next((w for w in windows if w[0] == break_year), None)
    return None if window is None else (window[1], window[2])


def _fit_window(read: _Read, break_year: int, start: int, end: int) -> dict[str, Any]:
    """One indicator's row of :func:`fit`, its break fitted on the years ``start``-``end``."""
    inside = (read.years >= start) & (read.years <= end)
    log = TIES[read.name][1]
    r = break_in_trend(read.years[inside], read.values[inside], break_year, log=log)
    since = read.since
    return {"indicator": read.name, "window_start": start, "window_end": end, **r,
            "since_slope": since["slope"], "since_first": since["first"],
            "since_last": since["last"], "since_n": since["n"]}  # fmt: skip


def _move(before: float | None, after: float | None, holds: str, log: bool) -> str:
    """The change in words: 'grew faster', 'declined less steeply', 'slowed', …"""
    if before is None or after is None:
        return "cannot be fitted"
    if holds == "inconclusive":
        return "shows no clear change of trend"
    up = holds == "holds"
    if before >= 0 and after >= 0:
        return "grew faster" if up else "grew more slowly"
    if before < 0 and after < 0:
        return "declined less steeply" if up else "declined more steeply"
    return "turned upward" if up else "turned downward"


def assess(
    breaks: pd.DataFrame,
    rules: Rules,
    *,
    trade_words: str = "not stated",
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Claim:
    """C3 from :func:`fit`; ``trade_words`` says which trade series (source and years) the trade
    indicator is (:func:`analysis.compute.trade.series_words`)."""
    parts, evidence, words = [], [], []
    by = {r["indicator"]: r for _, r in breaks.iterrows()} if len(breaks) else {}
    for name, (label, log) in TIES.items():
        if rules.indicators not in ("all", name):
            continue
        r = by.get(name)
        lo = num(r["slope_change_ci_low"]) if r is not None else None
        hi = num(r["slope_change_ci_high"]) if r is not None else None
        since = {
            "slope": num(r.get("since_slope")) if r is not None else None,
            "first": r.get("since_first") if r is not None else None,
            "last": r.get("since_last") if r is not None else None,
            "n": int(num(r.get("since_n")) or 0) if r is not None else 0,
        }
        result, turned = kept_since(above(lo, hi), since)
        parts.append(
            part(
                f"{label[:1].upper()}{label[1:]}: closer after {rules.break_year}",
                f"the change of trend at {rules.break_year} (segmented OLS"
                + (", in logs" if log else "")
                + f"), its {CONFIDENCE:.0%} interval above zero, {since_words(since)}",
                result,
            )
        )
        per = UNITS[name]
        before = num(r["slope_before"]) if r is not None else None
        after = num(r["slope_after"]) if r is not None else None
        evidence += [
            ev(f"{name}_slope_before", f"{label[:1].upper()}{label[1:]}: trend a year before "
               f"{rules.break_year}", before, per),
            ev(f"{name}_slope_after", f"{label[:1].upper()}{label[1:]}: trend a year from "
               f"{rules.break_year}", after, per),
            ev(f"{name}_slope_change", f"{label[:1].upper()}{label[1:]}: change of trend",
               num(r["slope_change"]) if r is not None else None, per, decisive=True),
            ev(f"{name}_slope_change_ci_low", "Its interval, lower end", lo, per),
            ev(f"{name}_slope_change_ci_high", "Its interval, upper end", hi, per),
            ev(f"{name}_since_report", f"{label[:1].upper()}{label[1:]}: trend a year since "
               f"{REPORT_YEAR}", since["slope"], per, decisive=turned),
        ]  # fmt: skip
        move = _move(before, after, above(lo, hi), log)
        if turned:
            move += f", but {'fell' if since['slope'] < 0 else 'rose'} after {REPORT_YEAR}"
        words.append(f"{label} {move}")
    parts.append(
        untested(
            "In large part because of Western sanctions",
            "a change of trend is consistent with, not proof of, sanctions as its cause",
        )
    )
    verdict = combine(parts)
    trade_fit = by.get("trade_china")
    window = (
        f"; the test's window {int(trade_fit['window_start'])}–{int(trade_fit['window_end'])}"
        if trade_fit is not None
        else ""
    )
    summary = (
        f"From {rules.break_year}, against each indicator's earlier trend: "
        + ("; ".join(words) if words else "no indicator has enough data")
        + f" (a change counts when its {CONFIDENCE:.0%} interval is clear of zero). Under this "
        f"brief's choices the claim of much closer ties after the {rules.break_year} sanctions "
        f"is {verdict}; that sanctions caused the change cannot be tested."
    )
    return claim(
        TITLE,
        parts,
        summary,
        evidence,
        headline=f"From {rules.break_year}: " + ("; ".join(words) if words else "no data"),
        assumptions=[
            f"Segmented OLS at {rules.break_year} on at most {rules.span} years a side (to the "
            f"next break year of the brief); slope change with a {CONFIDENCE:.0%} t interval; "
            "trade in logs (growth rates), arms and exercises in levels.",
            f"Russia's trade with China: {trade_words}{window}. Arms TIV per year is spread "
            "from deal totals (an approximation).",
            "The phases (calculation, cooperation from 2003, collaboration from 2012) are the "
            "report's and are drawn on the timeline, not tested.",
        ],
        charts=charts,
        tables=tables,
    )


# ---------------------------------------------------------------------------------------------
# The multiverse

#: The values of the choices in words, where the value itself is a code.
VALUE_WORDS = {
    "indicators": {"all": "all three indicators", **{k: v[0] for k, v in TIES.items()}},
    "trade_series": {"dots": "Russia-reported (IMF DOTS)", "imts": "IMF IMTS (partner-based)"},
}
ESTIMATE = "strength of the change of trend (mean t statistic of the slope changes)"


def prepare(data: Mapping[str, Any], params: Any) -> dict[str, Any]:
    """The indicators of ties, Russia's trade with China once per trade series (:data:`SERIES`:
    the space may try each, and the brief's own may lie outside it)."""
    from analysis.compute import arms, exercises, trade

    spread, unparsed = arms.spread_deliveries(data["arms_register"])
    counts = exercises.exercises_per_year(exercises.exercise_complexity(data["exercises"]))
    table = data["bilateral_trade"]
    return {
        "series": {
            "arms_tiv_china": arms.arms_flow(spread, arms.RUSSIA_SUPPLIERS, ["CHN"]),
            "exercises": counts.rename(columns={"count": "value"}),
        },
        "trade": {s: trade.trade_with(table, ["CHN"], series=s) for s in SERIES},
        "trade_words": {s: trade.series_words(table, s, ["CHN"]) for s in SERIES},
        "later": later_breaks(params),
        "table": table,
        "events": data.get("events"),
        "unparsed": unparsed,
    }


def decide(inputs: Mapping[str, Any], params: Any, out: Any) -> Claim:
    """The brief's C3, its break fits and its charts (``out``: the run's
    :class:`~analysis.compute.artifacts.Exhibits`)."""
    from analysis.compute import arms, groups, timeline, trade
    from analysis.compute import trade_sources as ts
    from analysis.compute.charts import relations as rc

    table, events, series = inputs["table"], inputs["events"], params.trade_series
    source_trade = dated(
        trade.series_words(table, series) + "; our computation", ("imf_imts", "imf_dots"), params
    )
    source_timeline = dated(SOURCE_TIMELINE, ("hand",), params)
    source_sources = dated(
        SOURCE_SOURCES, ("imf_dots", "imf_imts", "un_comtrade", "cepii_baci"), params
    )
    partners = {"China": ["CHN"], "the West": list(trade.WEST)}
    partners.update({groups.name_of(m): [m] for m in params.coalition if m not in ("CHN", "RUS")})
    trade_long = trade.trade_by_partner(table, partners, series=series)
    no_trade = [g for g in partners if g not in set(trade_long["partner"])]
    breaks = fit(ties(inputs, series), params.rules.c3, inputs["later"])
    result = assess(breaks, params.rules.c3, trade_words=inputs["trade_words"][series])
    out.table(
        breaks,
        "c3-breaks",
        title="Change of trend at the break year (segmented OLS)",
        source=dated(
            trade.series_words(table, series) + "; our computation; SIPRI; curated exercises",
            SOURCES,
            params,
        ),
        sort_by=["indicator"],
    )
    last_year = max([2021, *trade_long["year"], *events["year"]])
    phase_table = timeline.phases(1992, last_year)
    events_table = timeline.timeline(events, params.break_years)
    out.chart(
        rc.timeline_chart(phase_table, events_table, source=source_timeline),
        "c3-timeline",
        title=timeline.headline(events_table),
        caption=(
            "The report's phases (calculation, cooperation from the 2003 exercise, collaboration "
            f"from 2012) with {len(events)} curated events and the brief's break years "
            f"({', '.join(str(y) for y in params.break_years) or 'none'})."
        ),
        alt=timeline.alt_text(phase_table, events_table),
        source=source_timeline,
        data=events_table,
        data_title="Events and phases",
        sort_by=["year", "category", "event"],
    )
    out.chart(
        rc.trade_chart(trade_long, break_years=params.break_years, source=source_trade),
        "c3-trade",
        title=trade.headline(trade_long),
        caption=(
            "Russia's exports plus imports with each partner, US$ bn a year in the brief's trade "
            "series (a year counts only when both flows are in it); dashed lines mark the "
            "brief's break years." + (f" Not available: {', '.join(no_trade)}." if no_trade else "")
        ),
        alt=trade.alt_text(trade_long),
        source=source_trade,
        data=trade_long,
        data_title="Russia's trade by partner group, US$ bn",
        sort_by=["partner", "year"],
    )
    by_source, parted = ts.by_source(table), ts.parting_year(table)
    out.chart(
        rc.trade_sources_chart(by_source, parting_year=parted, source=source_sources),
        "c3-trade-sources",
        title=ts.headline(by_source, parted),
        caption=ts.caption(by_source, parted),
        alt=ts.alt_text(by_source, parted),
        source=source_sources,
        data=by_source,
        data_title="Russia–China trade by direction and source, US$ bn",
        sort_by=["direction", "source", "year"],
    )
    notes = [arms.unparsed_evidence(inputs["unparsed"])]
    return out.finish(result).model_copy(update={"notes": notes})


def later_breaks(params: Any) -> list[int]:
    """The brief's other structural breaks, which end a break's window (2022 in the flagship):
    its break years except the sanctions break C3 tests. The multiverse moves that break
    (2012-2016), and a break it moves is the same event, not a later one that would cut the
    window short (a break tried at 2013 against the brief's 2014 had a one-year window, and
    every indicator was untested)."""
    return [b for b in params.break_years if b != params.rules.c3.break_year]


def ties(inputs: Mapping[str, Any], trade_series: str) -> dict[str, pd.DataFrame]:
    """The indicators of ties with Russia's trade with China from ``trade_series``."""
    return {"trade_china": inputs["trade"][trade_series], **inputs["series"]}


def evaluate(inputs: Mapping[str, Any], spec: dict[str, Any], params: Any):
    rules = spec_rules(params.rules.c3, spec)
    breaks = fit(ties(inputs, spec["trade_series"]), rules, inputs["later"])
    result = assess(breaks, rules, trade_words=inputs["trade_words"][spec["trade_series"]])
    t = [
        r["slope_change"] / r["slope_change_se"]
        for _, r in breaks.iterrows()
        if num(r.get("slope_change")) is not None and num(r.get("slope_change_se"))
    ]
    return (sum(t) / len(t) if t else None), result.verdict


def _decided(row: dict[str, Any] | None) -> tuple[str, float]:
    """What one indicator's fit (a row of :func:`fit`, None where there is none) adds to a
    specification: its part's outcome, as :func:`assess` reads it, and its t statistic (NaN
    where :func:`evaluate` counts none)."""
    if row is None:
        return "untested", np.nan
    lo, hi = num(row["slope_change_ci_low"]), num(row["slope_change_ci_high"])
    since = {"slope": num(row["since_slope"])}
    outcome, _ = kept_since(above(lo, hi), since)
    change, se = row["slope_change"], row["slope_change_se"]
    t = change / se if num(change) is not None and num(se) else np.nan
    return outcome, t


def evaluate_block(inputs: Mapping[str, Any], block: Any, params: Any) -> tuple[Any, list[str]]:
    """:func:`evaluate` of every specification of ``block`` at once. An indicator's part and t
    statistic depend on its frame (the trade series, for trade), the break year and the window
    the span gives only, so each is fitted once (each frame read once, :func:`_read`); a
    specification then picks its indicators' (all three, or one), its estimate is their t
    statistics' mean, summed in :func:`evaluate`'s order, and each distinct row of outcomes is
    combined once."""
    reads: dict[int, tuple[pd.DataFrame, _Read | None]] = {}
    fits: dict[tuple[Any, ...], tuple[str, float]] = {}
    names = list(TIES)
    n, k = len(block), len(names)
    outcomes, t = np.full((n, k), "", dtype=object), np.full((n, k), np.nan)
    keys = np.stack([block.codes[c] for c in ("trade_series", "break_year", "span")], 1)
    groups, group_of = np.unique(keys, axis=0, return_inverse=True)
    group_of = group_of.reshape(-1)
    tested = block.column("indicators")
    for g, (series, year, span) in enumerate(groups.tolist()):
        frames = ties(inputs, block.values["trade_series"][series])
        break_year = block.values["break_year"][year]
        for i, name in enumerate(names):
            df = frames.get(name)
            if id(df) not in reads:  # the frame kept with its read: its id is not reused
                reads[id(df)] = (df, None if df is None else _read(name, df))
            read = reads[id(df)][1]
            window = (
                None
                if read is None
                else _window(read, break_year, block.values["span"][span], inputs["later"])
            )
            # arms and exercises: the same fit for either trade series, and spans past the
            # series' ends the same window
            key = (id(df), break_year, window)
            if key not in fits:
                row = (
                    None
                    if read is None or window is None
                    else _fit_window(read, break_year, *window)
                )
                fits[key] = _decided(row)
            mine = (group_of == g) & ((tested == "all") | (tested == name))
            outcomes[mine, i], t[mine, i] = fits[key]
    total, counted = np.zeros(n), np.zeros(n)
    for i in range(k):  # sum(t) / len(t), each specification's t statistics in order
        have = ~np.isnan(t[:, i])
        total = np.where(have, total + t[:, i], total)
        counted += have
    estimates = np.where(counted > 0, total / np.maximum(counted, 1), np.nan)
    return estimates, _verdicts(outcomes)


def _verdicts(outcomes: np.ndarray) -> list[str]:
    """Each specification's verdict from its indicators' outcomes ('' where an indicator is not
    tested), each distinct row combined once by the rule :func:`assess` applies (its untested
    part on sanctions as the cause is never counted)."""
    rows, at = np.unique(outcomes.astype(str), axis=0, return_inverse=True)
    combined = [verdict_of(tuple(o for o in row.tolist() if o)) for row in rows]
    return [combined[i] for i in at.reshape(-1).tolist()]


def own(params: Any) -> dict[str, Any]:
    """The brief's own specification: its C3 rules and its trade series."""
    r = params.rules.c3
    return {
        "break_year": r.break_year,
        "span": r.span,
        "indicators": r.indicators,
        "trade_series": params.trade_series,
    }
