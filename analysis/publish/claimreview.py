"""Each claim's published verdict as schema.org ``ClaimReview`` JSON-LD, for machines (issue 23).

One ``<script type="application/ld+json">`` on the brief's page holds a graph of eight
``ClaimReview`` items: the claim (our paraphrase of the report's argument, ``claimReviewed``),
the report as the claim's source (``itemReviewed``: a ``Claim`` whose ``appearance`` is the
report, from its entry in ``report/references.bib``, read with pybtex), the verdict the brief
publishes (``reviewRating.alternateName``: its own, or "depends on the analyst's choices") and
the brief as the review (``url``: the claim's section of the page, relative to it; ``isPartOf``:
the brief). The context
is given inline (``@vocab``), so a JSON-LD processor expands it without fetching schema.org.

Every string is escaped for a ``<script>`` element (no ``<``, ``>`` or ``&``): a title from a
params file cannot close the element or start a comment.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from analysis.errors import BriefError
from analysis.publish import text, verdicts
from analysis.results import Results

BIB = Path(__file__).resolve().parents[2] / "report" / "references.bib"
REPORT_KEY = "rand2021rr3067"  # the report whose claims the brief tests
#: The report's day of publication (its summary page, report/sources/
#: rand-rr3067-summary-excerpts.md: "published 12 October 2021"); the bib entry holds the month.
REPORT_DAY = "2021-10-12"
CONTEXT = {"@vocab": "https://schema.org/"}


@cache
def _entry(bib: Path, key: str) -> dict[str, str]:
    from pybtex.database import PybtexError, parse_file

    try:
        entry = parse_file(str(bib), bib_format="bibtex").entries[key]
    except (OSError, PybtexError) as exc:
        raise BriefError(f"{bib}: cannot read ({exc}); expected the brief's bibliography") from None
    except KeyError:
        raise BriefError(f"{bib}: no entry {key!r}, expected the report the brief tests") from None
    fields = {k.lower(): " ".join(str(v).replace("{", "").replace("}", "").split())
              for k, v in entry.fields.items()}  # fmt: skip
    return fields


def reviewed_report(bib: Path = BIB) -> dict[str, Any]:
    """The report as schema.org sees it, from its bibliography entry."""
    f = _entry(bib, REPORT_KEY)
    return {
        "@type": "Report",
        "name": f.get("title", ""),
        "reportNumber": f.get("number", ""),
        "author": {"@type": "Organization", "name": f.get("institution", "")},
        "datePublished": REPORT_DAY,
        "url": f.get("url", ""),
    }


def claim_reviews(res: Results, bib: Path = BIB) -> dict[str, Any]:
    """The JSON-LD document: one ClaimReview per claim of the build, in the brief's order."""
    report = reviewed_report(bib)
    graph = []
    for cid in res.ordered():
        claim = res.claims[cid]
        shown = verdicts.published_verdict(res, cid)
        graph.append(
            {
                "@type": "ClaimReview",
                "@id": f"#review-{cid.lower()}",
                "url": f"#sec-{cid.lower()}",
                "name": f"{cid}: {claim.title}",
                "claimReviewed": claim.title,
                "itemReviewed": {
                    "@type": "Claim",
                    "author": report["author"],
                    "appearance": report,
                },
                "reviewRating": {
                    "@type": "Rating",
                    "alternateName": shown,
                    "ratingExplanation": claim.headline or claim.summary,
                },
                "isPartOf": {"@type": "Report", "name": res.brief.title},
            }
        )
    return {"@context": CONTEXT, "@graph": graph}


def script_html(res: Results, bib: Path = BIB) -> str:
    """The ``<script type="application/ld+json">`` element (one line of JSON, script-safe)."""
    body = text.script_json(claim_reviews(res, bib))
    return f'<script type="application/ld+json">{body}</script>'
