"""The site's comparison page: every brief × every claim, verdicts read from each results.json."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analysis.publish.fragments import cell
from analysis.publish.results import CLAIM_IDS, NOT_COMPUTED, Claim, Results

DEFAULT_BRIEF = "default"


@dataclass(frozen=True)
class BriefEntry:
    """One built brief and where its pages sit in the site (relative to the site root)."""

    results: Results

    @property
    def name(self) -> str:
        return self.results.brief.name

    @property
    def prefix(self) -> str:
        return "" if self.name == DEFAULT_BRIEF else f"briefs/{self.name}/"

    @property
    def html(self) -> str:
        return f"{self.prefix}report/brief.html"

    @property
    def pdf(self) -> str:
        return f"{self.prefix}report/brief.pdf"


def order(entries: Sequence[BriefEntry]) -> list[BriefEntry]:
    """The flagship first, then the alternatives by name."""
    return sorted(entries, key=lambda e: (e.name != DEFAULT_BRIEF, e.name))


def _short(claim: Claim) -> str:
    """A verdict as a table cell (``not computed`` keeps the brief × claim table narrow)."""
    return claim.verdict if claim.computed else "not computed"


def compare_md(entries: Sequence[BriefEntry], site_root: str = "") -> str:
    """A brief × claim table of verdicts, each brief linking its HTML and PDF.

    ``site_root`` leads from the page to the site's root (``../../`` inside an alternative brief).
    """
    if not entries:
        return "No brief has been built yet.\n"
    header = ["Brief", "PDF", *CLAIM_IDS]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for e in order(entries):
        row = [
            f"[{cell(e.results.brief.title)}]({site_root}{e.html})",
            f"[PDF]({site_root}{e.pdf})",
            *(cell(_short(e.results.claims[c])) for c in CLAIM_IDS),
        ]
        lines.append("| " + " | ".join(row) + " |")
    key = "".join(
        f"- **{c}**: {cell(order(entries)[0].results.claims[c].title)}\n" for c in CLAIM_IDS
    )
    gaps = any(not e.results.claims[c].computed for e in entries for c in CLAIM_IDS)
    note = (
        f"\n*not computed*: {NOT_COMPUTED}; that brief gives no verdict on the claim yet.\n"
        if gaps
        else ""
    )
    return (
        "\n".join(lines)
        + "\n"
        + note
        + "\nClaims (titles as computed for the flagship brief):\n\n"
        + key
    )
