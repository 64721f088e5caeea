"""The site's comparison page: every brief against every claim, as a matrix of verdict badges.

Rows are claims and columns are briefs (short names, each linking to its brief); cells are
coloured verdict badges with the share of specifications that agree. Then a chart of the
headline ratio in every brief and a line per brief saying what differs from the flagship.
Everything is read from each brief's ``results.json``; text from a params file is escaped like
every other value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
from markupsafe import Markup

from analysis.files import write_text
from analysis.publish import text, verdicts
from analysis.publish.diff import IDENTITY, flatten
from analysis.publish.fragments import NOT_COMPUTED, environment, render, template_ids
from analysis.publish.markup import badge, link
from analysis.results import Results, claim_order
from analysis.vega import render as renderer
from analysis.vega import theme

DEFAULT_BRIEF = "default"
ONE_BRIEF = (
    "Only one brief is built ({name}), so there is nothing to compare yet: `brief site` builds "
    "and renders every brief in params/ side by side (or `brief run params/NAME.yml` for one, "
    "then render again).\n"
)
CHART = "compare-headline"
#: A parameter's name in words, where its key does not read well.
KEY_WORDS = {"missing": "missing data:", "growth_scenario.method": "growth"}
#: A list parameter with a label: the label (and how many) says it better than the codes.
LABELLED = {"coalition": "coalition_label", "benchmark": "benchmark_label"}


@dataclass(frozen=True)
class BriefEntry:
    """One built brief and where its pages sit in the site (relative to the site root);
    ``rendered``: its pages are in the site (a plain ``quarto render`` renders the flagship
    only, so the others are compared but not linked)."""

    results: Results
    rendered: bool = True

    @property
    def name(self) -> str:
        return self.results.brief.name

    @property
    def short_name(self) -> str:
        return str(self.results.brief.params.get("short_name") or self.name)

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


def _shown(v: Any, words: Mapping[str, str] | None = None) -> str:
    words = words or {}
    if isinstance(v, list | tuple):
        return ", ".join(_shown(x, words) for x in v) or "none"
    if isinstance(v, dict):
        return ", ".join(f"{k} {_shown(x, words)}" for k, x in sorted(v.items())) or "none"
    return "none" if v is None else words.get(str(v), str(v))


def _change(
    key: str, value: Any, params: Mapping[str, Any], words: Mapping[str, Mapping[str, str]]
) -> str:
    """One changed parameter in words: 'benchmark: United States + treaty allies (44 states)'."""
    name = KEY_WORDS.get(key) or key.replace("_", " ").replace(".", " ")
    label = LABELLED.get(key)
    if label and isinstance(value, list) and params.get(label):
        n = len(value)
        return f"{name} {params[label]} ({n} state{'s' if n != 1 else ''})"
    return f"{name} {_shown(value, words.get(key))}"


def differences(entry: BriefEntry, flagship: BriefEntry | None) -> str:
    """What this brief changes from the flagship's parameters, in one line."""
    if flagship is None or entry.name == flagship.name:
        return "the flagship brief"
    mine, theirs = flatten(entry.results.brief.params), flatten(flagship.results.brief.params)
    shown_by_list = {label for key, label in LABELLED.items() if mine.get(key) != theirs.get(key)}
    words = entry.results.brief.words  # the parameters' codes in words, from the build
    changed = [
        _change(k, mine.get(k), mine, words)
        for k in sorted(set(mine) | set(theirs))
        if k.split(".")[0] not in IDENTITY
        and k not in shown_by_list  # the label is part of its list's line
        and mine.get(k) != theirs.get(k)
    ]
    return "; ".join(changed) if changed else "the flagship's parameters"


LATEST, PROJECTED = "latest year with data", "central projection at the horizon"


def headline_rows(entries: Sequence[BriefEntry]) -> list[dict[str, Any]]:
    """Each brief's headline measure: its latest ratio and its central projection."""
    rows = []
    for e in order(entries):
        p = e.results.brief.params
        m = e.results.measures.get(str(p.get("headline_measure")))
        if m is None or m.ratio_latest is None:
            continue
        rows.append(
            {"brief": e.short_name, "what": LATEST, "year": m.latest_year, "ratio": m.ratio_latest}
        )
        if m.margin_at_horizon is not None:
            rows.append(
                {
                    "brief": e.short_name,
                    "what": PROJECTED,
                    "year": m.horizon,
                    "ratio": 1 + m.margin_at_horizon,
                }
            )
    return rows


def headline_chart(rows: Sequence[Mapping[str, Any]]) -> alt.VConcatChart:
    data = alt.Data(values=[dict(r) for r in rows])
    base = alt.Chart(data).encode(
        y=alt.Y("brief:N", title=None, sort=None),
        x=alt.X("ratio:Q", title="Coalition ÷ benchmark on the brief's headline measure"),
    )
    dots = base.mark_point(filled=True, size=70).encode(
        color=alt.Color(
            "what:N",
            title=None,
            scale=alt.Scale(domain=[LATEST, PROJECTED], range=theme.PALETTE[:2]),
            legend=alt.Legend(orient="top"),
        ),
        shape=alt.Shape(
            "what:N", title=None, legend=None, scale=alt.Scale(domain=[LATEST, PROJECTED])
        ),
        tooltip=["brief:N", "what:N", "year:O", alt.Tooltip("ratio:Q", format=".2f")],
    )
    parity = (
        alt.Chart(alt.Data(values=[{"x": 1}]))
        .mark_rule(color=theme.NEUTRAL, strokeDash=[4, 3])
        .encode(x="x:Q")
    )
    chart = (dots + parity).properties(
        width=theme.WIDTH, height=max(60, 28 * len({r["brief"] for r in rows}))
    )
    return theme.finish(
        chart,
        title="The headline ratio in every brief: latest year and projected",
        source="each brief's results (IMF WEO, SIPRI, COW NMC); our computation",
    )


def headline_alt(rows: Sequence[Mapping[str, Any]]) -> str:
    parts = [
        f"{r['brief']} {'latest' if r['what'] == LATEST else 'projected'} ({r['year']}) "
        f"{r['ratio']:.2f}"
        for r in rows
    ]
    return "Dot chart of the coalition-to-benchmark ratio on each brief's headline measure: " + (
        "; ".join(parts) + "; parity line at 1." if parts else "no data."
    )


def published_cell(res: Results, cid: str) -> Markup:
    """A claim's verdict as a brief publishes it: its badge and the share of its specifications
    that give the brief's own verdict (a claim the build lacks: "not computed in this build")."""
    if cid not in res.claims:
        return badge(NOT_COMPUTED)
    r = res.robustness.get(cid)
    share = f" {text.md(text.percent(r.holds))}" if r is not None else ""
    return Markup(f"{badge(verdicts.published_verdict(res, cid))}{share}")


def context(
    entries: Sequence[BriefEntry], chart_src: str | None, templates: Sequence[str] = ()
) -> dict[str, Any]:
    """The matrix has one row per claim and one column per brief (flagship first): a brief is
    a column because briefs are few and claims' badges are wide, so the table fits a page. The
    claims are those any brief computed and those the report has a template for
    (``templates``)."""
    ordered = order(entries)
    flagship = next((e for e in ordered if e.name == DEFAULT_BRIEF), None)
    ids = sorted({c for e in entries for c in e.results.claims} | set(templates), key=claim_order)
    titles = {cid: c.title for e in reversed(ordered) for cid, c in e.results.claims.items()}
    rows = []
    for cid in ids:
        cells = []
        for e in ordered:
            c = e.results.claims.get(cid)
            own = (
                f" [under its choices:]{{.own-verdict}} {badge(c.verdict)}"
                if c is not None and verdicts.published_verdict(e.results, cid) != c.verdict
                else ""
            )
            cells.append(Markup(f"{published_cell(e.results, cid)}{own}"))
        rows.append({"claim": cid, "cells": cells})
    briefs = [
        {
            "link": link(e.short_name, e.html) if e.rendered else e.short_name,
            "pdf": link("PDF", e.pdf) if e.rendered else "not rendered",
            "title": e.results.brief.title,
            "differs": differences(e, flagship),
            "short": e.short_name,
        }
        for e in ordered
    ]
    return {
        "briefs": briefs,
        "titles": [(cid, titles.get(cid, NOT_COMPUTED)) for cid in ids],
        "rows": rows,
        "chart": Markup(chart_src) if chart_src else None,  # a path this module chose
        "chart_alt": headline_alt(headline_rows(entries)),
        "gaps": any(not e.results.claims.get(c) for e in entries for c in ids),
        "unrendered": any(not e.rendered for e in entries),
    }


def compare_md(entries: Sequence[BriefEntry], chart_src: str | None = None) -> str:
    """The comparison page's fragment (``chart_src``: the headline chart's SVG, if written)."""
    if not entries:
        return "No brief has been built yet.\n"
    if len(entries) == 1:  # a one-column table compares nothing: say how to add the others
        return ONE_BRIEF.format(name=text.md(entries[0].short_name))
    env = environment()
    return render(env, "compare.md.j2", **context(entries, chart_src, template_ids(env)))


def write_compare(path: Path, entries: Sequence[BriefEntry], files: Path | None = None) -> None:
    """The fragment at ``path``; with ``files`` (the report's files folder), the chart too."""
    src = None
    rows = headline_rows(entries)
    if files is not None and rows:
        spec = headline_chart(rows).to_dict()
        write_text(files / "compare" / f"{CHART}.svg", renderer.to_svg(spec))
        src = f"report/files/compare/{CHART}.svg"
    write_text(path, compare_md(entries, src))
