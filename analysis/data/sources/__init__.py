"""Registry of curated-data sources.

Each source module defines ``SOURCE: dict`` (id, publisher, title, version, url, licence,
retrieved, raw_files, refresh) and ``curate(raw_dir, countries) -> dict[str, DataFrame]``.
A module that does not exist yet is simply not listed. The hand-curated tables are not a
source module: they are inputs committed in ``data/`` (see :mod:`analysis.data.hand`).
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Order is the curation order; names not importable (not written yet) are skipped.
SOURCE_MODULES = (
    "imf_weo",
    "sipri_milex",
    "cow_nmc",
    "wdi",
    "pwt",
    "maddison",
    "sipri_arms",
    "voeten",
    "unvotes",
    "gsdb",
    "imf_dots",
)


def _available() -> list[ModuleType]:
    mods = []
    for name in SOURCE_MODULES:
        try:
            mods.append(importlib.import_module(f"{__name__}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    return mods


SOURCES: list[ModuleType] = _available()
