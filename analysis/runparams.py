"""What each notebook run receives of a brief's parameters, and how its code reads them.

The pipeline runs the claim notebook and the multiverse notebook once per claim
(``metadata.brief.per``); a run receives only what its claim declares it reads (``PARAMS``), the
notebook's own parameters and the claim's own groups of ``rules`` and ``multiverse``
(:func:`run_parameters`), so a change to another claim's rules re-runs nothing of it. Inside the
notebook, :func:`from_notebook` validates what was injected against the one schema
(:mod:`analysis.params`) and returns a view that refuses, with one error naming it, any
parameter the run was not given: a claim cannot read a parameter its cache key does not cover.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from analysis.errors import BriefError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from analysis.params import BriefParams

# The claim registry and the parameter schema are imported where they are used: importing them
# costs a process half a second (every claim module, pandas), and a fully cached `brief run`
# needs neither (the pipeline remembers what it asked of them; analysis.pipeline.inputs).

GROUPS = ("rules", "multiverse")  # parameters with one group per claim
#: What every claim's run receives whatever it declares: the date its data are read as of
#: (``as_of``: each table is loaded as a brief of that date reads it, and the run is keyed on the
#: release files that date selects).
ALWAYS = ("as_of",)


def from_notebook(namespace: Mapping[str, Any]) -> BriefParams:
    """The typed parameters inside a notebook, from its namespace (one call, after the
    ``parameters`` cell): the parameters the pipeline injected, the schema's defaults for the
    rest.

    The pipeline injects only the parameters the notebook's run uses (a claim's ``PARAMS`` and
    its own groups of ``rules`` and ``multiverse``, the notebook's ``metadata.brief.params``), so
    it re-runs it only when they change. What comes back reads only those: a parameter that was
    not injected is an error naming it (the cache would otherwise miss it), not a silent default.
    """
    from analysis.params import BriefParams, validate

    values = {k: namespace[k] for k in BriefParams.model_fields if k in namespace}
    params = validate(values, source="notebook parameters")
    where = f"claim {namespace['claim']}" if "claim" in namespace else "this notebook"
    groups = {g: set(values.get(g) or {}) for g in GROUPS}
    return ParamsView(params, set(values), groups, where)  # type: ignore[return-value]


class ParamsView:
    """A brief's parameters as one notebook run may read them: the names it was given."""

    def __init__(
        self, params: BriefParams, names: set[str], groups: Mapping[str, set[str]], where: str
    ) -> None:
        self._params, self._names, self._groups, self._where = params, names, groups, where

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self._params, name)
        fields = type(self._params).model_fields
        if name in fields and name not in self._names and name not in GROUPS:
            raise BriefError(
                f"{self._where} reads the parameter {name!r}, which its run was not given; "
                "expected it among the claim's PARAMS (or the notebook's metadata.brief.params)"
            )
        if name in GROUPS:
            return _GroupView(value, self._groups.get(name, set()), f"{self._where}: {name}")
        return value


class _GroupView:
    """One of ``rules``/``multiverse`` as a run may read it: the claims' groups it was given."""

    def __init__(self, group: BaseModel, allowed: set[str], where: str) -> None:
        self._group, self._allowed, self._where = group, allowed, where

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in type(self._group).model_fields and name not in self._allowed:
            raise BriefError(
                f"{self._where}.{name}: not given to this run; a claim reads only its own rules "
                "and choices"
            )
        return getattr(self._group, name)


#: Parameters whose values are codes, the words for them (the comparison page says what a brief
#: changes in words; results.json carries them, ``brief.words``).
MISSING_WORDS = {
    "drop_year": "a year missing any member is dropped",
    "report_gap": "a member without data is left out of the year's sum",
}


#: The words of :func:`value_words` when the pipeline already knows them (it remembers them,
#: keyed by the library's code, so that a fully cached `brief run` need not import pandas).
known_words: dict[str, dict[str, str]] | None = None


def value_words() -> dict[str, dict[str, str]]:
    """Dotted parameter -> value -> its words, for the parameters whose values are codes."""
    if known_words is not None:
        return copy.deepcopy(known_words)
    return computed_value_words()


def computed_value_words() -> dict[str, dict[str, str]]:
    """:func:`value_words`, from the library's modules."""
    from analysis.compute import power, projection
    from analysis.formats import phrase

    measures = {m: phrase(info["label"]) for m, info in power.MEASURES.items()}
    return {
        "headline_measure": measures,
        "measures": measures,
        "growth_scenario.method": dict(projection.METHOD_WORDS),
        "missing": dict(MISSING_WORDS),
    }


# ---------------------------------------------------------------------------------------------
# The claims' runs: what the pipeline passes each claim's notebooks


def claim_runs(per: str) -> list[str]:
    """The claims a per-claim notebook runs for: every claim (``per: claim``) or those with a
    specification space (``per: varied claim``), in order."""
    from analysis.compute import claims

    return list(claims.IDS) if per == "claim" else list(claims.varied())


def claim_reads(cid: str) -> list[str]:
    """The curated tables a claim declares it reads."""
    from analysis.compute import claims

    return sorted(set(claims.declared(cid)["reads"]))


def run_parameters(flat: Mapping[str, Any], cid: str, extra: Iterable[str] = ()) -> dict[str, Any]:
    """What one claim's run receives: the parameters the claim declares (``PARAMS``) and the
    notebook's own (``extra``), ``as_of`` (:data:`ALWAYS`), the claim's own groups of ``rules``
    and ``multiverse``, and ``claim``. Nothing else reaches it, so nothing else can invalidate
    it."""
    from analysis.compute import claims
    from analysis.params import BriefParams

    names = set(claims.declared(cid)["params"]) | set(extra) | set(ALWAYS)
    unknown = sorted(n for n in names if n not in BriefParams.model_fields)
    if unknown:
        raise BriefError(
            f"claim {cid}: PARAMS names {', '.join(unknown)}, which are not brief parameters "
            "(expected names defined in analysis/params.py)"
        )
    out = {n: flat[n] for n in sorted(names)}
    key = cid.lower()
    for group in GROUPS:
        if key in (flat.get(group) or {}):
            out[group] = {key: flat[group][key]}
    out["claim"] = cid
    return out
