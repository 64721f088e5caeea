"""What every claim module shares: parts, the rule that combines them, evidence builders.

A claim module (``c1.py`` … ``c8.py``) holds the claim's rules (a pydantic ``Rules`` model, declared
with :mod:`analysis.compute.claims.rules`), the function that decides it from prepared inputs
(``assess``), and its sentence. It returns a :class:`analysis.results.Claim`.

**How parts combine into a verdict** (:func:`combine`; ``docs/decisions.md`` explains why). Parts
no public data can test (:func:`untested`) are shown and never counted; of the others:

- no part can be tested: *not testable*;
- too little can be computed to decide (:func:`too_little`): a central part cannot be computed,
  or fewer than half of the parts can: *not testable*, and the claim's sentence says so, with
  the reason, instead of a verdict read off what is left (:func:`claim`);
- every tested part is inconclusive (e.g. a trend whose interval includes zero): *no evidence
  either way*, which is not a refutation;
- a part marked ``central`` fails (the claim stands or falls with it, e.g. "not exceed"): *not
  supported*;
- every tested part holds: *supported*;
- every decided part fails: *not supported*;
- anything else: *partly supported*.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from analysis import formats
from analysis.compute.frames import num
from analysis.compute.stats import ols_trend
from analysis.formats import percent as pct  # noqa: F401 (the claims' name)
from analysis.results import Claim, Evidence, Outcome, Part, VerdictLabel
from analysis.results import evidence as ev  # noqa: F401 (the claims' name)

CONFIDENCE = 0.95  # the level of every interval the brief reports
# Thresholds are compared up to this much, so floating-point noise (1 - 0.9 = 0.0999...) never
# decides a part: a value equal to its threshold is on the threshold's side.
EPS = 1e-9


def at_least(value: float, threshold: float) -> bool:
    return value >= threshold - EPS


def more_than(value: float, threshold: float) -> bool:
    return value > threshold + EPS


def too_little(parts: Iterable[Part]) -> str | None:
    """Why the computable parts of a claim are too few to decide it, or None.

    Counted over the parts public data could test (``testable``): a central part (the claim
    stands or falls with it) that could not be computed, or fewer than half of the parts
    computed, leave a verdict that would rest on what happened to remain: C1 "supported" on
    its last part alone, with the four others untested, because the brief's years start a year
    before its horizon. None when nothing at all could be computed: the claim's own sentence
    says which data are missing.
    """
    counted = [p for p in parts if p.testable]
    done = [p for p in counted if p.outcome != "untested"]
    if not done:
        return None
    missing = [p for p in counted if p.outcome == "untested"]
    central = [p for p in missing if p.central]
    if central:
        part_s = "part" if len(central) == 1 else "parts"
        return f"the central {part_s} {_listed(central)} cannot be computed"
    if 2 * len(done) < len(counted):
        return (
            f"only {len(done)} of its {len(counted)} parts can be computed: "
            f"{_listed(missing)} cannot"
        )
    return None


def _listed(parts: list[Part]) -> str:
    """'A' (why) and 'B' (why): parts that could not be computed, each with its reason."""
    items = [f"'{p.name}' ({p.test})" for p in parts]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def combine(parts: Iterable[Part]) -> VerdictLabel:
    """The verdict from the claim's parts (the rule in the module docstring)."""
    parts = [p for p in parts if p.testable]
    tested = [p for p in parts if p.outcome != "untested"]
    if not tested or too_little(parts):
        return "not testable"
    decided = [p for p in tested if p.outcome != "inconclusive"]
    if not decided:
        return "no evidence either way"
    if any(p.central and p.outcome == "fails" for p in tested):
        return "not supported"
    if all(p.outcome == "holds" for p in tested):
        return "supported"
    if all(p.outcome == "fails" for p in decided):
        return "not supported"
    return "partly supported"


@functools.lru_cache(maxsize=1024)
def verdict_of(
    outcomes: tuple[Outcome, ...], central: tuple[bool, ...] | None = None
) -> VerdictLabel:
    """:func:`combine` of tested parts with these ``outcomes`` (``central``: which of them are
    central, one flag each; none when absent), each distinct row worked out once: what a claim's
    multiverse block needs of a specification's parts, whose words do not decide the verdict."""
    flags = central or (False,) * len(outcomes)
    return combine(
        part(f"part {i}", "", o, central=c)
        for i, (o, c) in enumerate(zip(outcomes, flags, strict=True))
    )


def outcome(holds: bool | None) -> Outcome:
    """A yes/no test as a part's outcome (None: the data cannot decide it: inconclusive)."""
    if holds is None:
        return "inconclusive"
    return "holds" if holds else "fails"


def above(low: float | None, high: float | None) -> Outcome:
    """An interval's verdict on "it rose": above zero holds, below zero fails, else inconclusive.

    An interval that includes zero is no evidence of a rise *or* of a fall; it is never read as
    the claim failing.
    """
    if low is None or high is None:
        return "untested"
    if low > 0:
        return "holds"
    if high < 0:
        return "fails"
    return "inconclusive"


REPORT_YEAR = 2021  # RAND RR-3067 was published on 12 October 2021: a fact, not a choice
SINCE_REPORT = f"and not reversed since {REPORT_YEAR}"  # the words a trend part's test ends with


def since_words(since: dict[str, Any]) -> str:
    """How a trend part's test ends: the reversal rule, or why it could not be read."""
    if since["slope"] is None:
        return f"(too few years since {REPORT_YEAR} to read a reversal: {since['n']})"
    return SINCE_REPORT


def since_report(years: Iterable[Any], values: Iterable[Any]) -> dict[str, Any]:
    """The trend of a series from the report's year to its latest: the OLS slope (``slope``,
    None with fewer than three years), over ``first``–``last``, of ``n`` years."""

    pairs = [
        (int(y), v)
        for y, v in zip(years, values, strict=True)
        if int(y) >= REPORT_YEAR and num(v) is not None
    ]
    t = ols_trend([y for y, _ in pairs], [v for _, v in pairs])
    return {
        "slope": t["slope"],
        "first": min((y for y, _ in pairs), default=None),
        "last": max((y for y, _ in pairs), default=None),
        "n": len(pairs),
    }


def kept_since(result: Outcome, since: dict[str, Any]) -> tuple[Outcome, bool]:
    """A long-run trend part checked against the years since the report: a trend that holds (it
    rose) but whose slope since the report is below zero, or fails (it fell) but has risen since,
    has *reversed*, and the part is inconclusive: it does not hold, and three or four years are
    too few to say it fails. Read on the slope's sign, since no interval on so few years can
    tell a turn from noise; the sentence states the slope. Returns (outcome, reversed)."""
    slope = since["slope"]
    if slope is None or result not in ("holds", "fails"):
        return result, False
    turned = slope < 0 if result == "holds" else slope > 0
    return ("inconclusive" if turned else result), turned


def part(name: str, test: str, result: Outcome, *, central: bool = False) -> Part:
    return Part(name=name, test=test, outcome=result, central=central)


def untested(name: str, why: str) -> Part:
    """A part of the claim no public data can test (shown, never counted)."""
    return Part(name=name, test=why, outcome="untested", testable=False)


#: How a claim's sentence begins when too little can be computed to decide it.
TOO_LITTLE = "Not testable with these parameters"


def too_little_sentence(reason: str) -> str:
    """The sentence of a claim too little of which can be computed (:func:`too_little`)."""
    return f"{TOO_LITTLE}: {reason}; no verdict is read off the parts that remain."


def claim(
    title: str,
    parts: list[Part],
    summary: str,
    evidence: list[Evidence],
    *,
    assumptions: Iterable[str] = (),
    charts: Iterable[str] = (),
    tables: Iterable[str] = (),
    headline: str = "",
) -> Claim:
    """A claim's result with its verdict combined from ``parts``."""
    keys = [e.key for e in evidence]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise ValueError(f"evidence keys given twice: {dup}")
    reason = too_little(parts)
    if reason is not None:  # what the module wrote reads a verdict off what remains
        summary, headline = too_little_sentence(reason), TOO_LITTLE
    return Claim(
        title=title,
        verdict=combine(parts),
        summary=summary,
        headline=headline,
        parts=parts,
        evidence=evidence,
        assumptions=list(assumptions),
        charts=list(charts),
        tables=list(tables),
    )


def signed(x: float | None, digits: int = 2) -> str:
    return formats.NOT_AVAILABLE if x is None else f"{x:+.{digits}f}"


def dated(line: str, sources: Iterable[str], params: Any) -> str:
    """A chart's source line, ending in what a brief as of a date (``params.as_of``) read from
    a later release, for the curated sources the chart draws on (``sources``: ids of
    data/releases.csv, ``hand`` for the hand-curated tables); the line itself without a date."""
    from analysis.data.load import approximated_note

    return line + approximated_note(list(sources), params.as_of)
