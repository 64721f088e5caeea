"""Registry of curated-data sources.

Each source module ``<id>.py`` defines ``SOURCE_ID``, ``SOURCE`` (id, publisher, title, version,
url, licence, retrieved, raw_files, refresh, caveats), ``INDICATORS`` when it produces indicator
rows (id -> label, unit, description) and ``curate(raw_dir, countries) -> dict[str, DataFrame]``.
What the data *is* (``SOURCE`` but for id and raw_files, and ``INDICATORS``) is written in
``<id>.meta.yml`` beside the module and read by :func:`.common.source_metadata`; the module keeps
the logic. :mod:`.common` also holds the reading code the modules share. The hand-curated tables
are not a source module: they are inputs committed in ``data/`` (see :mod:`analysis.data.hand`).
Each ``<id>.meta.yml`` also lists the releases the module curates (``releases``, with their
publication dates) and the source's usual ``publication_lag`` (``data/releases.csv``).
"""

from __future__ import annotations

from types import ModuleType

from analysis.data.sources import (
    cepii_baci,
    cow_nmc,
    gsdb,
    imf_dots,
    imf_imts,
    imf_weo,
    imf_weo_vintages,
    maddison,
    pwt,
    sipri_arms,
    sipri_milex,
    sipri_milex_vintages,
    un_comtrade,
    unvotes,
    voeten,
    wdi,
)

# The curation order.
SOURCES: list[ModuleType] = [
    imf_weo,
    sipri_milex,
    cow_nmc,
    wdi,
    pwt,
    maddison,
    sipri_arms,
    voeten,
    unvotes,
    gsdb,
    imf_dots,
    imf_imts,
    un_comtrade,
    cepii_baci,
]
# Earlier releases of a source (``OF``): ``curate(raw_dir, countries, vintages_dir)`` returns the
# table ``vintages`` (every release, with a ``release`` column), each release written to
# data/vintages/<OF>/<release>.csv. Curated after every source.
VINTAGES: list[ModuleType] = [imf_weo_vintages, sipri_milex_vintages]
SOURCE_MODULES: tuple[str, ...] = tuple(m.SOURCE_ID for m in [*SOURCES, *VINTAGES])
