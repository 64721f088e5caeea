"""The site's page "How the evidence moved since the report": the editions and their diff.

A grid of claims against editions: each claim's published verdict (and the share of its
specifications that agree) in the flagship as of the day each autumn IMF WEO appeared
(:mod:`analysis.pipeline.editions`), then in the current brief; the releases each edition read;
and ``brief diff`` of the current brief against the first edition, the report's own day. Read
from the builds only; an edition not built yet is a column that says so, and the page says in
one line how to build it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from analysis.errors import BriefError
from analysis.files import write_text
from analysis.pipeline.editions import Edition, editions
from analysis.publish import diff
from analysis.publish.compare import published_cell
from analysis.publish.fragments import environment, read_build, render
from analysis.results import Results, claim_order

FLAGSHIP = "default"
#: The sources whose release the page names for each edition (the rest are in each brief).
NAMED = ("imf_weo", "sipri_milex")


@dataclass(frozen=True)
class Column:
    """One column of the grid: an edition (or the current brief) and its results, if built."""

    heading: str  # "October 2021"
    day: str  # "12 October 2021", or "latest data"
    name: str  # its build
    results: Results | None


def columns(build_root: Path, eds: Sequence[Edition]) -> list[Column]:
    """Each edition, then the current brief, with the results each build holds (None: not
    built, or built by an older version of the code)."""
    out = [Column(e.label, e.day, e.name, _results(build_root / e.name)) for e in eds]
    out.append(Column("Now", "now (the latest data)", FLAGSHIP, _results(build_root / FLAGSHIP)))
    return out


def _results(folder: Path) -> Results | None:
    if not (folder / "results.json").is_file():
        return None
    try:
        return read_build(folder)
    except BriefError:
        return None


def cell(res: Results | None, cid: str, heading: str) -> Markup:
    """A claim's verdict in one column: its badge and share, led by the column's name for the
    phone, where the grid is one card per claim (:func:`analysis.publish.diff.label`)."""
    when = diff.label(heading)
    if res is None:
        return Markup(f"{when}not built")
    return Markup(f"{when}{published_cell(res, cid)}")


def releases_row(col: Column) -> dict[str, Any]:
    """What an edition read of the sources :data:`NAMED` (their release labels)."""
    extra = (col.results.brief.model_extra or {}) if col.results else {}
    read = extra.get("releases") or {}
    return {
        "heading": col.heading,
        "day": col.day,
        "read": [diff.release_words(read.get(s)) if col.results else "not built" for s in NAMED],
    }


def context(cols: Sequence[Column], diff_md: str | None, first: str) -> dict[str, Any]:
    built = [c.results for c in cols if c.results is not None]
    ids = sorted({cid for r in built for cid in r.claims}, key=claim_order)
    titles = {cid: c.title for r in reversed(built) for cid, c in r.claims.items()}
    names = {s: "" for s in NAMED}
    for r in built:
        for s, entry in ((r.brief.model_extra or {}).get("releases") or {}).items():
            if s in names and not names[s]:
                names[s] = str(entry.get("name") or s)
    return {
        "columns": cols,
        "rows": [
            {"claim": cid, "cells": [cell(c.results, cid, c.heading) for c in cols]} for cid in ids
        ],
        "titles": [(cid, titles[cid]) for cid in ids],
        "missing": [c.name for c in cols if c.results is None],
        "sources": [names[s] or s for s in NAMED],
        "releases": [releases_row(c) for c in cols],
        "diff": Markup(diff_md) if diff_md else None,  # rendered by diff.markdown (escaped)
        "first": first,
    }


def diff_of(build_root: Path, first: Edition | None) -> str | None:
    """``brief diff`` of the first edition against the current brief, as Markdown (None when
    either is not built)."""
    if first is None:
        return None
    try:
        old = diff.read_build(build_root / first.name, f"_build/{first.name}")
        new = diff.read_build(build_root / FLAGSHIP, f"_build/{FLAGSHIP}")
    except BriefError:
        return None
    return diff.markdown(diff.compare(old, new), heading=3)


def editions_md(build_root: Path, eds: Sequence[Edition] | None = None) -> str:
    """The page's fragment from whatever ``build_root`` holds."""
    eds = list(editions() if eds is None else eds)
    first = eds[0] if eds else None
    return render(
        environment(),
        "editions.md.j2",
        label=diff.label,
        **context(columns(build_root, eds), diff_of(build_root, first), first.day if first else ""),
    )


def write_editions(path: Path, build_root: Path, eds: Sequence[Edition] | None = None) -> None:
    write_text(path, editions_md(build_root, eds))
