"""The claims the brief tests: one module each, ``c1.py``, ``c2.py`` …, found by their names.

A claim module satisfies :class:`ClaimModule`, checked when the registry loads it (a module
that lacks something is one error naming the file and what is missing). It declares what it is
(``ID``, ``TITLE``), what it reads (``READS``: curated tables; ``INDICATORS``: which indicators,
when it reads ``indicators``; ``PARAMS``: the brief parameters its code uses besides its own
rules and choices; ``SOURCES``: the curated sources its data come from, for what a brief as of a
date says it approximated), its rules (``Rules``: the brief parameters ``rules.<id>``) and, when the
multiverse varies it, its specification space (``Choices``: ``multiverse.<id>``, with
``ESTIMATE`` and ``evaluate``). It prepares its inputs once (``prepare``) and decides the
brief's own claim from them, drawing its charts (``decide``). Nothing else lists the claims: the
parameter schema, the pipeline (one run of the claim notebook and, with choices, of the
multiverse notebook per claim), the multiverse and the pins all read :data:`MODULES`, and the
publish layer reads what the claims wrote into ``results.json``. Adding a claim is adding a
module here and its template in ``report/claims/`` (docs/architecture.md).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from analysis.errors import BriefError

_NAME = re.compile(r"^c(\d+)$")


class ClaimModule(Protocol):
    """What a claim module provides (optional: ``Rules``, ``Choices`` with ``ESTIMATE`` and
    ``evaluate``, ``INDICATORS``, ``SOURCES``, ``VALUE_WORDS``, ``own``, ``LEAD``, ``TOPIC``)."""

    ID: str
    TITLE: str
    READS: tuple[str, ...]
    PARAMS: tuple[str, ...]

    def prepare(self, data: Mapping[str, Any], params: Any) -> Any: ...

    def decide(self, inputs: Any, params: Any, out: Any) -> Any: ...


REQUIRED = ("ID", "TITLE", "READS", "PARAMS", "prepare", "decide")
#: What a claim with a specification space (``Choices``) needs besides.
VARIED = ("ESTIMATE", "evaluate")


def check(module: ModuleType, expected_id: str) -> None:
    """One :class:`~analysis.errors.BriefError` naming the module's file and every name it lacks
    or gets wrong; nothing when it satisfies :class:`ClaimModule`."""
    where = Path(module.__file__ or module.__name__).name
    missing = [n for n in REQUIRED if not hasattr(module, n)]
    if hasattr(module, "Choices"):
        missing += [n for n in VARIED if not hasattr(module, n)]
    problems = [f"missing {', '.join(missing)}"] if missing else []
    if getattr(module, "ID", expected_id) != expected_id:
        problems.append(f"ID is {module.ID!r}, expected {expected_id!r} (from the file name)")
    for name in ("READS", "PARAMS", "INDICATORS", "SOURCES"):
        value = getattr(module, name, ())
        if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
            problems.append(f"{name} is {value!r}, expected a tuple of names")
    for name in ("prepare", "decide", "evaluate"):
        fn = getattr(module, name, None)
        if fn is not None and not callable(fn):
            problems.append(f"{name} is not a function")
    if problems:
        raise BriefError(
            f"analysis/compute/claims/{where}: not a claim module: {'; '.join(problems)} "
            "(expected what analysis.compute.claims.ClaimModule declares)"
        )


def _discover() -> dict[str, ModuleType]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        m = _NAME.match(info.name)
        if m:
            module = importlib.import_module(f"{__name__}.{info.name}")
            check(module, f"C{int(m.group(1))}")
            found.append((int(m.group(1)), module))
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


def varied() -> tuple[str, ...]:
    """The claims with a specification space, in order."""
    return tuple(cid for cid, mod in MODULES.items() if hasattr(mod, "Choices"))


def declared(cid: str) -> dict[str, tuple[str, ...]]:
    """What a claim declares it reads: ``reads`` (tables), ``indicators``, ``params``."""
    module = MODULES[cid]
    return {
        "reads": tuple(module.READS),
        "indicators": tuple(getattr(module, "INDICATORS", ())),
        "params": tuple(module.PARAMS),
    }


def narrative(cid: str) -> str:
    """The claim in words for its notebook: its title and its module's docstring."""
    module = MODULES[cid]
    doc = inspect.getdoc(module) or ""
    return f"# {cid}: {module.TITLE}\n\n{doc}\n"


def decide(cid: str, inputs: Any, params: Any, out: Any) -> Any:
    """The brief's claim ``cid`` as its module decides it (``decide``), with the sources its
    data come from (``SOURCES``) recorded in the result for the publish layer."""
    module = MODULES[cid]
    result = module.decide(inputs, params, out)
    return result.model_copy(update={"sources": list(getattr(module, "SOURCES", ()))})
