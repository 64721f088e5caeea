"""Where the data come from: the provenance recorded in ``data/datapackage.json``.

The one layout ``brief data curate`` writes (docs/contracts.md section 1): the custom property
``provenance.sources`` of the data package, one record per source, each with its input files and
their SHA-256. Anything else is one :class:`~analysis.errors.BriefError` naming the key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from analysis.errors import BriefError

SOURCE_KEYS = ("id", "title", "publisher", "version", "url", "licence", "retrieved")


def _provenance_sources(datapackage: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    prov = datapackage.get("provenance")
    sources = prov.get("sources") if isinstance(prov, Mapping) else None
    if not isinstance(sources, list) or not sources:
        raise BriefError(
            "data/datapackage.json: key 'provenance.sources': empty or missing, expected one "
            "record per source; `brief data curate` writes it"
        )
    for i, src in enumerate(sources):
        where = f"data/datapackage.json: provenance.sources[{i}]"
        if not isinstance(src, Mapping):
            raise BriefError(f"{where}: found {type(src).__name__}; expected an object")
        missing = [k for k in SOURCE_KEYS if not isinstance(src.get(k), str)]
        if missing:
            raise BriefError(f"{where}: key {missing[0]!r} missing; expected a string")
    return sources


def _checksums(src: Mapping[str, Any]) -> list[dict[str, str]]:
    """``{path, sha256}`` of every input file of a source record: ``raw_files`` (in the raw
    folder) and ``vintage_files`` (a source's earlier releases, in the vintages folder) or, for
    the hand-curated tables, ``files``; each ``{path, bytes, sha256}``."""
    files = src.get("raw_files", src.get("files"))
    if isinstance(files, list) and isinstance(src.get("vintage_files"), list):
        files = [*files, *src["vintage_files"]]
    where = f"data/datapackage.json: provenance source {src['id']!r}"
    if not isinstance(files, list):
        raise BriefError(f"{where}: key 'raw_files' (or 'files') missing; expected a list")
    sums = []
    for f in files:
        if not (isinstance(f, Mapping) and isinstance(f.get("path"), str) and f.get("sha256")):
            raise BriefError(f"{where}: file record {f!r}; expected {{path, bytes, sha256}}")
        sums.append({"path": f["path"], "sha256": str(f["sha256"]).removeprefix("sha256:")})
    return sums


def sources(
    datapackage: Mapping[str, Any], release_of: Callable[[str], str] | None = None
) -> list[dict[str, Any]]:
    """Every source's publisher, title, version (with its retrieval date), licence, URL and
    input files (``path``, ``sha256``), from ``provenance.sources``; an empty field reads "not
    stated". ``release_of(source id)``: the release the brief read of it (``release``)."""
    out = []
    for src in _provenance_sources(datapackage):
        version, retrieved = src["version"], src["retrieved"]
        if retrieved:
            version = f"{version} (retrieved {retrieved})" if version else f"retrieved {retrieved}"
        out.append(
            {
                "publisher": src["publisher"] or "not stated",
                "title": src["title"] or src["id"],
                "version": version or "not stated",
                "licence": src["licence"] or "not stated",
                "url": src["url"] if re.match(r"^https?://\S+$", src["url"] or "") else "",
                "files": _checksums(src),
                "release": release_of(src["id"]) if release_of else "",
            }
        )
    return out


def data_vintage(datapackage: Mapping[str, Any]) -> str:
    """The data's vintage: the latest retrieval date (ISO) among ``provenance.sources`` (the
    layout ``brief data curate`` writes), '' if none.

    It changes only when a source is re-curated, so it dates the PDF reproducibly.
    """
    prov = datapackage.get("provenance")
    sources = prov.get("sources") if isinstance(prov, Mapping) else None
    if not isinstance(sources, list):
        sources = []
    dates = [str(s.get("retrieved") or "") for s in sources if isinstance(s, Mapping)]
    return max((d for d in dates if re.match(r"^\d{4}-\d{2}-\d{2}$", d)), default="")


def pdf_date_typst(vintage: str) -> str:
    """Typst's ``set document(date: ...)``: the PDF's creation date is the data vintage, not
    the time of the render, so two renders of the same inputs give the same PDF."""
    if not vintage:
        return "#set document(date: none)"
    y, m, d = (int(x) for x in vintage.split("-"))
    return f"#set document(date: datetime(year: {y}, month: {m}, day: {d}))"
