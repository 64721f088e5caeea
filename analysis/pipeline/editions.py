"""Editions: the flagship brief as of the day each autumn IMF WEO appeared (issue 22, part 5).

A think tank's annual update re-reads its claims each year with the data of that year. Here an
edition is the flagship (``params/default.yml``) with ``as_of`` set to the publication date of
an autumn (October) World Economic Outlook, from October 2021, the report's own day, to the
latest in ``data/releases.csv``. Everything else follows from the date, as for any dated brief:
each source's release as of that day, and the two parameters a date constrains:

- ``base_year``: the flagship's, or the last year of the SIPRI release read that day when that
  is earlier (constant dollars are re-based within the release, as ``params/as-of-2021.yml``
  does by hand);
- ``break_years``: those of the flagship's that had happened by that day.

An edition is built into ``_build/edition-<release>/`` through the pipeline, so its cache is a
brief's cache: an edition already built re-runs nothing. A params file of the project dated that
very day (``params/as-of-2021.yml`` for October 2021) *is* that edition: it is built under its
own name, not a second time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.pipeline.inputs import brief_name, load_brief_params, sipri_years

SOURCE = "imf_weo"
AUTUMN = "-10"  # an autumn WEO's release id ends with its month: "2021-10"
FIRST = "2021-10"  # the report's day: RAND published it when the October 2021 WEO appeared
PREFIX = "edition-"  # the builds' names; the comparison page of alternative briefs skips them
FLAGSHIP = "default.yml"


@dataclass(frozen=True)
class Edition:
    """One edition: which release dates it, and how it is built."""

    release: str  # "2021-10"
    label: str  # "October 2021"
    as_of: str  # "2021-10-12"
    name: str  # its build, _build/<name>/
    params: Path  # the params file it is built from
    overrides: tuple[str, ...] = ()

    @property
    def day(self) -> str:
        """'12 October 2021' (the label is the month and year)."""
        return f"{int(self.as_of[8:])} {self.label}"


def autumn_releases() -> list[dict[str, str]]:
    """The autumn WEO releases from :data:`FIRST`, oldest first (``data/releases.csv``)."""
    from analysis.data.load import releases

    rows = releases(SOURCE)
    rows = rows[rows["release"].astype(str).str.endswith(AUTUMN)]
    rows = rows[rows["release"].astype(str) >= FIRST].sort_values("published")
    return [
        {"release": str(r.release), "label": str(r.label), "as_of": str(r.published)}
        for r in rows.itertuples()
    ]


def _dated_briefs(root: Path) -> dict[str, Path]:
    """``as_of`` -> the params file of the project dated that day (the first by name)."""
    from analysis.paramfile import read_params_file

    out: dict[str, Path] = {}
    for path in sorted((root / "params").glob("*.yml")):
        data = read_params_file(path, f"params/{path.name}")
        as_of = data.get("as_of") if isinstance(data, dict) else None
        if as_of is not None:
            out.setdefault(str(as_of), path)
    return out


def overrides_for(flagship: dict[str, Any], release: dict[str, str]) -> tuple[str, ...]:
    """The ``--set`` values that make the flagship an edition (values as JSON, which YAML
    reads back as written)."""
    as_of = release["as_of"]
    day = f"{int(as_of[8:])} {release['label']}"
    years = sipri_years(as_of)
    base = int(flagship["base_year"])
    if years and base not in years:
        base = min(base, max(years))
    breaks = [b for b in flagship.get("break_years", []) if b <= int(as_of[:4])]
    values = {
        "name": f"{PREFIX}{release['release']}",
        "title": f"{flagship['title']}, as of {day}",
        "short_name": f"As of {day}",
        "description": (
            f"The flagship brief with the data that were public on {day}, the day the IMF "
            f"published its {release['label']} World Economic Outlook."
        ),
        "as_of": as_of,
        "base_year": base,
        "break_years": breaks,
    }
    return tuple(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in values.items())


def editions(root: Path | None = None) -> list[Edition]:
    """Every edition, oldest first, each with its params file and overrides (nothing built)."""
    root = root or paths.project_root()
    flagship_file = root / "params" / FLAGSHIP
    if not (paths.data_dir() / "releases.csv").is_file() or not flagship_file.is_file():
        return []  # a project without a release table (or a flagship) has no editions
    dated = _dated_briefs(root)
    flagship: dict[str, Any] | None = None
    out = []
    for r in autumn_releases():
        own = dated.get(r["as_of"])
        if own is not None:
            name = brief_name(own) or own.stem
            out.append(Edition(r["release"], r["label"], r["as_of"], name, own))
            continue
        if flagship is None:
            flagship = load_brief_params(flagship_file).dump
        sets = overrides_for(flagship, r)
        name = f"{PREFIX}{r['release']}"
        out.append(Edition(r["release"], r["label"], r["as_of"], name, flagship_file, sets))
    return out


def build_editions(
    progress: Callable[..., None] | None = None, root: Path | None = None
) -> list[tuple[Edition, Any]]:
    """Build every edition (cached: one already built re-runs nothing); each with its
    :class:`~analysis.pipeline.build.BuildResult`."""
    from analysis.pipeline.build import build_brief

    options = {"progress": progress} if progress is not None else {}
    return [(e, build_brief(e.params, e.overrides, **options)) for e in editions(root)]


def is_edition(name: str) -> bool:
    """A build made by :func:`build_editions` under a name of its own (not a params file's)."""
    return name.startswith(PREFIX)
