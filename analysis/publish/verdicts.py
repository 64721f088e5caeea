"""The verdict a brief publishes, and its robustness in words.

A claim's own verdict (``claims.<id>.verdict``) is what the brief's own specification gives. The
brief *publishes* it only when enough of the claim's specifications agree (``robustness.<id>.
published``, decided in :func:`analysis.compute.multiverse.published` against the parameter
``robustness_threshold``); otherwise it publishes :data:`analysis.results.DEPENDS` and names the
choice that turns it, with the values on each side. Every place that shows a verdict (page 1,
the landing page, the claim sections, the robustness table, the comparison page, the bottom line)
reads it through :func:`published_verdict`, and every robustness sentence is made here from the
specification table's summary in ``results.json``, so the words cannot drift from the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis.publish import text
from analysis.results import DEPENDS, PUBLISHED_VERDICTS, ChoiceInfluence, Results, Robustness


def published_verdict(res: Results, cid: str) -> str:
    """The verdict the brief shows for claim ``cid`` (its own when no multiverse was run)."""
    r = res.robustness.get(cid)
    if r is not None:
        return r.published
    return res.claims[cid].verdict


def depends(res: Results, cid: str) -> bool:
    return cid in res.claims and published_verdict(res, cid) == DEPENDS


def _or(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def sides(choice: ChoiceInfluence) -> str:
    """The values of a choice, grouped by the verdict they most often give, each with the share
    of its specifications giving that verdict: "with X (62 %) it is most often supported; with
    Y (100 %) or Z (97 %) it is most often not supported"."""
    groups: dict[str, list[str]] = {}
    named: set[str] = set()  # groups that already name the choice ("the break year 2012 or 2013")
    for v in choice.values:
        words = v.label
        if not words:
            words = v.value if v.verdict in named else f"{choice.label} {v.value}"
            named.add(v.verdict)
        groups.setdefault(v.verdict, []).append(f"{words} ({text.percent(v.shares[v.verdict])})")
    ordered = [(verdict, groups[verdict]) for verdict in PUBLISHED_VERDICTS if verdict in groups]
    return "; ".join(
        f"with {_or(values)} it is most often {verdict}" for verdict, values in ordered
    )


def turning_sentence(r: Robustness) -> str:
    """What turns the verdict: the choice with the largest spread and its values on each side."""
    i = r.influential
    if i is None:
        if r.holds >= 1.0:
            return "No choice changes it."
        return "No single choice moves it: only combinations of choices do."
    if len({v.verdict for v in i.values}) > 1:
        return f"It turns most on {i.label}: {sides(i)}."
    hi = max(i.values, key=lambda v: v.holds)
    lo = min(i.values, key=lambda v: v.holds)
    return (
        f"The choice that moves it most is {i.label}: {r.verdict} in {text.percent(hi.holds)} of "
        f"the specifications with {hi.label or f'{i.label} {hi.value}'} and "
        f"{text.percent(lo.holds)} with {lo.label or f'{i.label} {lo.value}'}."
    )


def robustness_sentence(res: Results, cid: str) -> str:
    """The claim's robustness in words (empty when the brief ran no multiverse for it)."""
    r = res.robustness.get(cid)
    if r is None:
        return ""
    n = f"{r.specifications:,}"
    if r.published == DEPENDS:
        lead = (
            f"Under this brief's choices the verdict is {r.verdict}, but only "
            f"{text.percent(r.holds)} of the {n} specifications of the analyst's choices give it, "
            f"under the {text.percent(r.threshold)} this brief requires before it states a "
            "verdict: the verdict depends on the analyst's choices."
        )
    else:
        lead = (
            f"The verdict ({r.verdict}) holds in {text.percent(r.holds)} of {n} specifications "
            "of the analyst's choices."
        )
    return f"{lead} {turning_sentence(r)}"


def holds_cell(res: Results, cid: str) -> str:
    """The summary table's robustness cell: "16 % of 4,320" (or why there is none)."""
    r = res.robustness.get(cid)
    if r is not None:
        return f"{text.percent(r.holds)} of {r.specifications:,}"
    return "not varied" if cid in res.claims else ""


def counts(res: Results, ids: Sequence[str]) -> list[tuple[str, int]]:
    """How many claims publish each verdict, in :data:`PUBLISHED_VERDICTS` order (zeros out)."""
    found = [published_verdict(res, c) for c in ids if c in res.claims]
    return [(v, found.count(v)) for v in PUBLISHED_VERDICTS if found.count(v)]
