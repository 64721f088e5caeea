"""What a brief says about the releases it read: the brief's date (``as_of``), the release of
every source (the provenance appendix), and, in a brief as of a date, which sources it
approximated from a later release, on page 1 and in every claim's section that uses one.

Everything comes from ``results.json``'s ``brief`` block, which the pipeline writes from the
release table (``analysis.pipeline.inputs.releases_block``): ``as_of`` and ``releases`` (source
id -> name, release, label, published, how, and the last year kept when approximated).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis.publish import text
from analysis.results import Results

HAND = "hand"
VINTAGES_SUFFIX = "_vintages"  # the provenance record of a source's earlier releases


def as_of(res: Results) -> str:
    """The brief's date (ISO), '' for a brief of the latest data."""
    value = getattr(res.brief, "as_of", None) or res.brief.params.get("as_of")
    return str(value) if value else ""


def used(res: Results) -> dict[str, Mapping[str, Any]]:
    """Source id -> the release the brief read (empty for a build that recorded none)."""
    found = getattr(res.brief, "releases", None)
    return dict(found) if isinstance(found, Mapping) else {}


def _approx(u: Mapping[str, Any]) -> str:
    return f"{u.get('name')} ({u.get('label')}, years to {u.get('last_year')})"


def _release(u: Mapping[str, Any]) -> str:
    return f"{u.get('name')}, {u.get('label')} (published {u.get('published')})"


def summary_line(res: Results) -> str:
    """Page 1 of a brief as of a date: the releases it read and the sources it approximated;
    '' for a brief of the latest data."""
    day = as_of(res)
    if not day:
        return ""
    uses = used(res)
    read = [
        f"{u.get('name')}, {u.get('label')}" for u in uses.values() if u.get("how") == "release"
    ]
    cut = [
        f"{u.get('name')} to {u.get('last_year')}"
        for u in uses.values()
        if u.get("how") == "approximated"
    ]
    out = f"Built with the data public on {text.long_date(day)}"
    if read:
        out += " (" + "; ".join(read) + ")"
    if cut:
        out += (
            f"; {len(cut)} sources approximated from a later release, cut back to the years public "
            "then (see Provenance): " + ", ".join(cut)
        )
    return out + "; the hand-curated exercises and events as dated by then."


def claim_note(res: Results, cid: str) -> str:
    """A claim's section in a brief as of a date: the releases its data come from and those
    approximated from a later release; '' for a brief of the latest data."""
    day = as_of(res)
    if not day:
        return ""
    uses = used(res)
    claim = res.claims.get(cid)
    sources = claim.sources if claim is not None else []
    read = [_release(uses[s]) for s in sources if uses.get(s, {}).get("how") == "release"]
    cut = [_approx(uses[s]) for s in sources if uses.get(s, {}).get("how") == "approximated"]
    if HAND in sources:
        cut.append(f"the hand-curated tables (rows dated by {day})")
    parts = []
    if read:
        parts.append("read from " + "; ".join(read))
    if cut:
        parts.append("approximated from a later release: " + "; ".join(cut))
    if not parts:
        return f"Data as of {text.long_date(day)}: every source as published by then."
    return f"Data as of {text.long_date(day)}: " + "; ".join(parts) + "."


def release_used(res: Results, source_id: str) -> str:
    """The provenance appendix's column: the release of ``source_id`` this brief read."""
    day = as_of(res)
    if source_id == HAND:
        return f"rows dated by {day}" if day else "every row"
    uses = used(res)
    if source_id.endswith(VINTAGES_SUFFIX):
        u = uses.get(source_id.removesuffix(VINTAGES_SUFFIX))
        if u is not None and u.get("how") == "release":
            return f"holds the release read, {u.get('label')}"
        return "none read"
    u = uses.get(source_id)
    if u is None:
        return "not recorded"
    if u.get("how") == "approximated":
        return f"{u.get('label')}, to {u.get('last_year')} only: approximated from a later release"
    if u.get("how") == "release":
        return f"{u.get('label')} ({u.get('published')}), an earlier release"
    return f"{u.get('label')} ({u.get('published')})"
