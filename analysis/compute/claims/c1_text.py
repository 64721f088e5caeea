"""C1's words: its sentence and headline from the numbers :func:`.c1.decide_measure` computed
(a number the data do not give is left out, never printed as "not available"), and the year
they are anchored on (:func:`report_year`). Kept apart from :mod:`.c1`, which decides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from analysis.compute.claims.base import REPORT_YEAR, pct
from analysis.formats import phrase

if TYPE_CHECKING:
    from analysis.compute.claims.c1 import MeasureTest


def report_year(latest_year: int | None) -> int:
    """The report's year; in a brief as of a date whose data end before it (``as_of``), the
    last year the report could see: where the ratio stood when the report appeared."""
    return REPORT_YEAR if latest_year is None or latest_year >= REPORT_YEAR else latest_year


def sentence(
    t: MeasureTest,
    verdict: str,
    *,
    label: str,
    coalition_label: str,
    benchmark_label: str,
    horizon: int,
    agree: int,
    tested: int,
) -> str:
    """C1's sentence: the ratios it turns on, each only where it was computed (a number the
    data do not give is left out, never printed as "not available")."""
    n = t.numbers
    year0 = report_year(n["latest_year"])
    report, start, latest = n["ratio_report_year"], n["ratio_approach_start"], n["ratio_latest"]
    text = f"On {phrase(label)}, {coalition_label}"
    if report is not None:
        text += f" stood at {pct(report)} of the {benchmark_label} level in {year0}"
        if start is not None:
            text += f" ({pct(start)} in {n['approach_start']})"
        if year0 != REPORT_YEAR:
            text += ", the last year observed when the report appeared"
        if latest is not None and n["latest_year"] > year0:
            text += f" and {pct(latest)} in {n['latest_year']}"
    elif latest is not None:
        text += (
            f" has no observed ratio for {year0}; it stood at {pct(latest)} of the "
            f"{benchmark_label} level in {n['latest_year']}"
        )
    else:
        text += f" has no observed ratio to the {benchmark_label} level"
    central = n["central_at_horizon"]
    if n["fell_since_report"]:
        text += ": the ratio has fallen since the report"
        if central is not None:
            back = central <= report + 1e-12
            text += f", and the central projection of {pct(central)} in {horizon} " + (
                "only returns toward its earlier level" if back else f"passes its {year0} level"
            )
    elif central is not None:
        text += f"; the central projection is {pct(central)} in {horizon}"
    if n["prob_exceed_by_horizon"] is not None:
        text += f", with a {pct(n['prob_exceed_by_horizon'])} probability of exceeding it by "
        text += "then" if central is not None else str(horizon)
    text += (
        f". Under this brief's choices the claim is {verdict} ({agree} of {tested} measures give "
        "the same verdict)."
    )
    return text


def headline_of(n: Mapping[str, Any], label: str, benchmark_label: str, horizon: int) -> str:
    """C1's finding in a few words, from the numbers that were computed."""
    shown = []
    latest = n["latest_year"]
    year0 = report_year(latest)
    if n["ratio_report_year"] is not None:
        shown.append(f"{pct(n['ratio_report_year'])} in {year0}")
    if n["ratio_latest"] is not None and latest is not None and latest > year0:
        shown.append(f"{pct(n['ratio_latest'])} in {latest}")
    if shown:
        shown[0] = shown[0].replace(" in ", f" of the {benchmark_label} level in ", 1)
        head = f"{phrase(label)} at " + ", ".join(shown)
    else:
        head = f"{phrase(label)}: no observed ratio to the {benchmark_label} level"
    if n["central_at_horizon"] is not None:
        head += f"; {pct(n['central_at_horizon'])} projected for {horizon}"
    return head[:1].upper() + head[1:]
