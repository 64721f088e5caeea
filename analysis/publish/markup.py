"""Markup the publish layer builds itself (trusted, so templates print it unescaped):
verdict badges, links, inline code spans for untrusted text, and cross-referenceable figures
(interactive in HTML, the static PNG in the PDF)."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from analysis.publish import text
from analysis.results import ChartInfo
from analysis.vega.html import chart_div

FILES = "files"  # report/files/: charts, data, notebooks, the offline Vega bundle


def badge(verdict: str) -> Markup:
    """A verdict as a labelled badge (``.verdict .v-<slug>``: coloured in HTML and Typst; the
    slug keeps letters and digits, so "depends on the analyst's choices" is
    ``v-depends-on-the-analyst-s-choices``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", verdict.lower()).strip("-")
    return Markup(f"[{text.md(verdict)}]{{.verdict .v-{slug}}}")


def link(label: Any, href: str) -> Markup:
    return Markup(f"[{text.md(label)}]({href})")


def label_of(chart_id: str, info: ChartInfo) -> str:
    """The cross-reference label of a chart (``fig-…``)."""
    return info.label if info.label.startswith("fig-") else f"fig-{chart_id}"


def code(value: Any) -> Markup:
    """Untrusted text as an inline code span (literal: a fence longer than any backtick run)."""
    s = " ".join(str(value).split())
    run, best = 0, 0
    for ch in s:
        run = run + 1 if ch == "`" else 0
        best = max(best, run)
    fence = "`" * (best + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return Markup(f"{fence}{pad}{s}{pad}{fence}")


PDF_WIDTH = 0.8  # a chart's width in the PDF, a share of the text width ...
PDF_MAX_HEIGHT = 0.62  # ... unless that makes it taller than this share of the text width


def pdf_width(aspect: float | None) -> str:
    """A chart's width in the PDF from its aspect (height / width of its PNG): the text width's
    80 %, narrower for a tall chart, so that no chart is taller than 62 % of the text width (a
    square chart at 80 % took most of a page and pushed the next one over)."""
    if aspect is None or aspect <= 0:
        return f"{PDF_WIDTH:.0%}"
    return f"{min(PDF_WIDTH, PDF_MAX_HEIGHT / aspect):.0%}"


def figure(
    chart_id: str,
    info: ChartInfo,
    spec: dict[str, Any],
    base: str = "",
    *,
    pdf_size: str = f"{PDF_WIDTH:.0%}",
) -> Markup:
    """One cross-referenceable figure: interactive in HTML, the static SVG in the PDF at
    ``pdf_size`` of the text width; its title states the finding, the caption says how, the alt
    text describes it. ``base`` leads from the page to ``report/`` ("" on the brief's own page)."""
    label = label_of(chart_id, info)
    folder = f"{base}{FILES}"  # the files folder, seen from the page
    return Markup(
        f"::: {{#{label}}}\n\n"
        "```{=html}\n"
        f"{chart_div(chart_id, spec, info.alt, f'{folder}/charts/{chart_id}.svg')}\n"
        "```\n\n"
        '::: {.content-hidden when-format="html"}\n'
        f"![]({folder}/charts/{chart_id}.svg)"
        f'{{fig-alt="{text.attr(info.alt)}" width="{pdf_size}"}}\n'
        ":::\n\n"
        f"{text.md(info.caption)} Source: {text.md(info.source.rstrip('.'))}."
        # relative links work on the site, not inside a PDF: the PDF names the file instead
        f" [[Data (CSV)]({folder}/data/{chart_id}.csv) · "
        f"[Chart on its own page]({folder}/charts/{chart_id}.html) · "
        f"[SVG]({folder}/charts/{chart_id}.svg)]"
        '{.content-visible when-format="html"}'
        f"[Data: {text.md(f'{folder}/data/{chart_id}.csv')} beside this brief on its website.]"
        '{.content-visible unless-format="html"}\n\n'
        ":::\n"
    )
