"""The site's comparison page: every brief × every claim, verdicts read from each results.json."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analysis.report.fragments import cell
from analysis.report.results import CLAIM_IDS, Results

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
            *(cell(e.results.claims[c].shown_verdict) for c in CLAIM_IDS),
        ]
        lines.append("| " + " | ".join(row) + " |")
    key = "".join(
        f"- **{c}**: {cell(order(entries)[0].results.claims[c].title)}\n" for c in CLAIM_IDS
    )
    return "\n".join(lines) + "\n\nClaims (titles as computed for the flagship brief):\n\n" + key
