"""The claims the brief tests: one module each, ``c1.py``, ``c2.py`` …, found by their names.

Each module defines ``ID`` ("C5"), ``TITLE`` (the claim's one title, our paraphrase), a pydantic
``Rules`` model (its thresholds, windows and start years: the brief parameters ``rules.<id>``),
``SOURCES`` (the curated sources its data come from),
optionally a ``Choices`` model (the defensible alternatives of each rule the multiverse tries:
the brief parameters ``multiverse.<id>``) and the function that decides it (``assess``). Nothing
else lists the claims: the parameter schema, the multiverse and the publish layer all read
:data:`MODULES`, so adding a claim is adding a module (and its template in ``report/claims/``).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import ModuleType

_NAME = re.compile(r"^c(\d+)$")


def _discover() -> dict[str, ModuleType]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        m = _NAME.match(info.name)
        if m:
            found.append((int(m.group(1)), importlib.import_module(f"{__name__}.{info.name}")))
    return {mod.ID: mod for _, mod in sorted(found, key=lambda t: t[0])}


#: Claim id -> its module, in order (C1, C2, …).
MODULES: dict[str, ModuleType] = _discover()
#: The claim ids in order.
IDS: tuple[str, ...] = tuple(MODULES)
#: Claim id -> its one title.
TITLES: dict[str, str] = {cid: mod.TITLE for cid, mod in MODULES.items()}
#: Claim id -> the curated sources its data come from (``SOURCES`` of its module: source ids of
#: data/releases.csv, ``hand`` for the hand-curated tables), for what a brief as of a date says.
SOURCES: dict[str, tuple[str, ...]] = {
    cid: tuple(getattr(mod, "SOURCES", ())) for cid, mod in MODULES.items()
}


def rules_models() -> dict[str, type]:
    """``c1`` -> the Rules model of every claim that has rules."""
    return {cid.lower(): mod.Rules for cid, mod in MODULES.items() if hasattr(mod, "Rules")}


def choices_models() -> dict[str, type]:
    """``c1`` -> the Choices model (the multiverse) of every claim that has one."""
    return {cid.lower(): mod.Choices for cid, mod in MODULES.items() if hasattr(mod, "Choices")}
