"""The brief's first page: its parameters in a line, the bottom line, a row per claim with the
verdict it publishes; and the robustness table of section 2. Plain data for the templates
(``summary.md.j2``, ``robustness.md.j2``), computed from results.json only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from analysis.formats import phrase
from analysis.publish import releases, text, verdicts
from analysis.publish.markup import badge, link
from analysis.results import DEPENDS, Results

NOT_COMPUTED = "not computed in this build"


def _title(res: Results, cid: str) -> str:
    c = res.claims.get(cid)
    return c.title if c is not None else NOT_COMPUTED


def robustness_rows(res: Results) -> list[dict[str, Any]]:
    rows = []
    for cid in res.ordered():
        r, c = res.robustness.get(cid), res.claims[cid]
        if r is None:
            continue
        i = r.influential
        rows.append(
            {
                "claim": link(f"{cid} {c.title}", f"#sec-{cid.lower()}"),
                "badge": badge(r.published),
                "own": badge(r.verdict),
                "n": f"{r.specifications:,}",
                "holds": text.percent(r.holds),
                "influential": (
                    f"{i.label} ({text.percent(min(v.holds for v in i.values))} to "
                    f"{text.percent(max(v.holds for v in i.values))} across its values)"
                )
                if i is not None
                else "none: no single choice moves it",
            }
        )
    return rows


GROWTH = {
    "trailing_cagr": "each member's trailing compound growth over {window} years",
    "weo": "IMF projections where they exist, then trailing growth over {window} years",
    "explicit": "explicit growth rates",
}


def parameters_line(res: Results) -> str:
    """The brief's parameters in one line (page 1)."""
    p = res.brief.params
    growth = p.get("growth_scenario") or {}
    method = GROWTH.get(str(growth.get("method")), str(growth.get("method")))
    parts = [
        f"{p.get('coalition_label', 'coalition')} against {p.get('benchmark_label', 'benchmark')}",
        f"power measured by {phrase(_measure_label(res, p.get('headline_measure')))}",
        f"projected to {p.get('horizon', '')} with {method.format(window=growth.get('window'))}",
    ]
    return "; ".join(parts)


def _measure_label(res: Results, mid: Any) -> str:
    m = res.measures.get(str(mid))
    return m.label if m is not None else str(mid)


def bottom_line(res: Results) -> list[str]:
    """At most three sentences, computed from the published verdicts (page 1): the verdicts
    counted, the finding of the claim the brief leads with, and what the verdicts that depend on
    the analyst's choices turn on."""
    ids = res.ordered()
    named = [
        f"{n} {'depends' if n == 1 else 'depend'} on the analyst's choices"
        if v == DEPENDS
        else f"{n} {v}"
        for v, n in verdicts.counts(res, ids)
    ]
    first = (
        f"Of the {len(ids)} claims we split the report's argument into, "
        + ", ".join(named[:-1])
        + (" and " if len(named) > 1 else "")
        + named[-1]
        + " on the public data."
    )
    out = [first]
    lead = res.lead()
    if lead is not None and res.claims[lead].headline:
        topic = res.claims[lead].topic or res.claims[lead].title
        out.append(f"On {topic} ({lead}): {res.claims[lead].headline}.")
    turned = [
        f"{cid} on {i.label}"
        for cid in ids
        if verdicts.depends(res, cid) and (i := res.robustness[cid].influential) is not None
    ]
    if turned:
        out.append(
            "What the verdicts that depend on the analyst's choices turn on most: "
            + ", ".join(turned)
            + "."
        )
    return out[:3]


def summary_context(res: Results, ids: Sequence[str], to_brief: str = "") -> dict[str, Any]:
    """The summary's data, a row per claim of ``ids``; ``to_brief`` leads from the page to the
    full brief's sections ("" on the brief itself, ``report/brief.qmd`` on the landing
    page)."""
    rows = []
    for cid in ids:
        c = res.claims.get(cid)
        shown = verdicts.published_verdict(res, cid) if c else NOT_COMPUTED
        finding = (c.headline or c.summary) if c else NOT_COMPUTED
        if c is not None and shown == DEPENDS:
            i = res.robustness[cid].influential  # the values on each side: the claim's section
            turns = f" It turns on {i.label}." if i is not None else " No single choice turns it."
            finding = f"{finding}.{turns}" if not finding.endswith(".") else f"{finding}{turns}"
        rows.append(
            {
                "id": cid,
                "link": link(f"{cid} {_title(res, cid)}", f"{to_brief}#sec-{cid.lower()}"),
                "badge": badge(shown),
                "own": badge(c.verdict) if c is not None and shown != c.verdict else None,
                "holds": verdicts.holds_cell(res, cid),
                "finding": finding,
            }
        )
    return {
        "rows": rows,
        "bottom_line": bottom_line(res),
        "parameters": parameters_line(res),
        "threshold": _threshold(res),
        "as_of_line": releases.summary_line(res),
    }


def _threshold(res: Results) -> str:
    shares = {r.threshold for r in res.robustness.values()}
    return text.percent(shares.pop()) if len(shares) == 1 else ""
