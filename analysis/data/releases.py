"""The table of releases, ``data/releases.csv``: every release of every source the curation
holds, with its publication date and where that date comes from.

One row per ``(source, release)``, built by ``brief data curate`` from each source module's
``releases`` (in ``<source>.meta.yml``: the current release of a source module, the earlier ones
of its ``*_vintages`` module) and the curated rows (the years each release spans, the files that
hold it). Columns (:data:`COLUMNS`):

- ``source``: the source id (the indicators' ``source``, e.g. ``imf_weo``), ``name`` it in
  words, ``release`` its id
  (``2021-10``), ``label`` in words, ``status`` ``current`` (in ``data/indicators`` and the
  other tables) or ``earlier`` (in ``data/vintages/<source>/<release>.csv``);
- ``published`` (YYYY-MM-DD), ``date_basis`` (``announcement``: a cited page reports the
  publisher's release that day; ``release``: the release states it; ``bound``: only a date by
  which it was certainly public is known), ``date_note`` (the evidence, quoted) and
  ``date_url`` (its page, when there is one);
- ``complete`` (false: the release is held only in part, said in ``holds``), ``first_year`` and
  ``last_year`` of its rows, ``files`` (``;``-separated curated files);
- ``lag_months`` and ``lag_basis``: the source's usual publication lag (what cuts a source with
  one release back to an earlier date; :mod:`analysis.data.asof`).
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import BriefError

COLUMNS = [
    "source", "name", "release", "label", "status", "published", "date_basis", "date_note",
    "date_url", "complete", "holds", "first_year", "last_year", "files", "lag_months",
    "lag_basis",
]  # fmt: skip
YEAR_COLUMNS = {
    "indicators": "year",
    "bilateral_trade": "year",
    "un_agreement": "year",
    "arms_register": "year_order",
    "sanctions_cases": "begin",
    "vintages": "year",
}


def _span(frames: list[pd.DataFrame]) -> tuple[int | None, int | None]:
    years = [pd.to_numeric(f, errors="coerce").dropna() for f in frames]
    years = [y for y in years if len(y)]
    if not years:
        return None, None
    both = pd.concat(years)
    return int(both.min()), int(both.max())


def build(mods: list, files: dict) -> pd.DataFrame:
    """The release table of the modules curated (``mods``) from ``files`` (relative path ->
    (table, frame, module id), as :func:`analysis.data.curate.build` returns it)."""
    rows = []
    for mod in mods:
        sid = mod.SOURCE["id"]
        of = getattr(mod, "OF", sid)
        earlier = of != sid
        lag = mod.SOURCE["publication_lag"]
        for r in mod.SOURCE["releases"]:
            if earlier:
                rels = [f"vintages/{of}/{r['release']}.csv"]
            else:
                rels = sorted(rel for rel, (_, _, s) in files.items() if s == sid)
            missing = [rel for rel in rels if rel not in files]
            if missing or not rels:
                raise BriefError(
                    f"analysis/data/sources/{sid}.meta.yml: release {r['release']!r} has no "
                    f"curated file ({', '.join(missing) or 'none'}); expected every release "
                    "listed there curated"
                )
            spans = [
                files[rel][1][YEAR_COLUMNS[files[rel][0]]]
                for rel in rels
                if files[rel][0] in YEAR_COLUMNS
            ]
            first, last = _span(spans)
            rows.append(
                {
                    "source": of,
                    "name": mod.SOURCE["name"],
                    "release": r["release"],
                    "label": r["label"],
                    "status": "earlier" if earlier else "current",
                    "published": r["published"],
                    "date_basis": r["date"],
                    "date_note": r["date_note"],
                    "date_url": r["url"],
                    "complete": not r["partial"],
                    "holds": r["partial"],
                    "first_year": first,
                    "last_year": last,
                    "files": "; ".join(rels),
                    "lag_months": lag["months"],
                    "lag_basis": lag["basis"],
                }
            )
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["first_year"] = out["first_year"].astype("Int64")
    out["last_year"] = out["last_year"].astype("Int64")
    out["complete"] = out["complete"].astype("boolean")
    out["lag_months"] = out["lag_months"].astype("Int64")
    return check(out)


def check(table: pd.DataFrame, where: str = "data/releases.csv") -> pd.DataFrame:
    """One current release per source at most, the current one published last, dates in order,
    each release once; sorted by source and publication date."""
    table = table.sort_values(["source", "published"], kind="mergesort", ignore_index=True)
    dup = table.duplicated(["source", "release"])
    if dup.any():
        r = table[dup].iloc[0]
        raise BriefError(f"{where}: release {r['release']!r} of {r['source']!r} listed twice")
    for source, g in table.groupby("source", sort=False):
        if g["published"].duplicated().any():
            raise BriefError(f"{where}: two releases of {source!r} share a publication date")
        current = g[g["status"] == "current"]
        if len(current) > 1:
            raise BriefError(f"{where}: {source!r} has {len(current)} current releases")
        if len(current) and current.index[0] != g.index[-1]:
            later = g.loc[g.index[-1], "release"]
            raise BriefError(
                f"{where}: the current release of {source!r} is published before {later!r}; "
                "expected the current release to be the latest"
            )
    return table
