"""Every claim at the edges of every parameter's allowed range: no verdict from too little, no
sentence that prints "not available" where a number belongs.

The parameters and their ranges are read from the schema (``analysis.params.BriefParams``: every
number with bounds, at the top level, in a group, in each claim's rules, and each bounded value
of a multiverse list), never listed here, so a new parameter is tested the day it is added. At
each end of a range the first value the brief accepts is taken (``horizon`` must come after the
data's last year, ``start_year`` before the horizon: the range a user can reach). The claims are
decided on the committed data as their notebooks and the multiverse decide them
(``tests/claims_pinned.py``), with the "not available" a formatter prints for a missing number
replaced by a marker no sentence may hold.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

import annotated_types as at
import pytest
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from analysis import formats
from analysis.compute import claims as claim_modules
from analysis.compute import multiverse as mv
from analysis.compute import power
from analysis.compute.claims import base
from analysis.errors import BriefError
from analysis.params import BriefParams
from analysis.results import Claim, Part
from tests import claims_pinned

pytestmark = pytest.mark.slow

MARK = "⟨no number⟩"


# ---------------------------------------------------------------------------------------------
# The ranges, from the schema


_BOUND_TYPES = {"ge": at.Ge, "gt": at.Gt, "le": at.Le, "lt": at.Lt}


def _bounds(metadata: Any) -> dict[str, float]:
    flat = [x for m in metadata for x in (m.metadata if isinstance(m, FieldInfo) else [m])]
    return {
        kind: getattr(m, kind)
        for m in flat
        for kind, cls in _BOUND_TYPES.items()
        if isinstance(m, cls)
    }


def _number_type(annotation: Any) -> type | None:
    """int or float for a (possibly optional) number, else None."""
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    options = typing.get_args(annotation) if union else (annotation,)
    return next((o for o in options if o in (int, float)), None)


def ranges(model: type[BaseModel] = BriefParams, prefix: str = "") -> Iterator[tuple]:
    """(dotted name, int or float, bounds, is_list, default) of every bounded number of the
    schema (a list's bounds are its values')."""
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from ranges(ann, key + ".")
            continue
        default = field.get_default(call_default_factory=True)
        if typing.get_origin(ann) is list:
            (item,) = typing.get_args(ann)
            meta = []
            if typing.get_origin(item) is typing.Annotated:
                item, *meta = typing.get_args(item)
            bounds = _bounds(meta)
            if item in (int, float) and bounds:
                yield key, item, bounds, True, default
            continue
        kind = _number_type(ann)
        bounds = _bounds(field.metadata)
        if kind is not None and bounds:
            yield key, kind, bounds, False, default


RANGES = list(ranges())


def test_the_schema_has_the_ranges_the_issue_names():
    names = {r[0] for r in RANGES}
    for key in ("start_year", "horizon", "rules.c1.approach_window", "multiverse.c1.horizon",
                "growth_scenario.window", "break_years", "multiverse.c8.window"):  # fmt: skip
        assert key in names, key
    assert len(names) > 40


# ---------------------------------------------------------------------------------------------
# The first value the brief accepts at each end


def _nested(key: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    node = out
    *groups, last = key.split(".")
    for g in groups:
        node = node.setdefault(g, {})
    node[last] = value
    return out


def _accepted(key: str, value: Any, as_list: bool) -> BriefParams | None:
    from analysis.pipeline.inputs import LoadedParams, check_horizon

    try:
        params = BriefParams.model_validate(_nested(key, [value] if as_list else value))
        dump = params.model_dump(mode="json")
        check_horizon(LoadedParams(params.name, params.title, dump, dump, "edge"))
    except (ValidationError, BriefError):
        return None
    return params


def edge(key: str, kind: type, bounds: dict[str, float], as_list: bool, default: Any, side: str):
    """(value, params) at one end of the range: the bound itself (just inside a strict one), or
    else the accepted value nearest to it, found by bisection towards the default (which the
    brief accepts): ``horizon`` after the data's last year, ``multiverse_limit`` at least the
    flagship's count of specifications."""
    low = side == "low"
    start = bounds.get("ge", bounds.get("gt")) if low else bounds.get("le", bounds.get("lt"))
    assert start is not None, f"{key} has no {side} bound"
    tiny = 1 if kind is int else 1e-6
    if ("gt" if low else "lt") in bounds:
        start = start + tiny if low else start - tiny
    start = kind(start)
    params = _accepted(key, start, as_list)
    if params is not None:
        return start, params
    inner = (min(default) if low else max(default)) if as_list else default
    assert _accepted(key, inner, as_list) is not None, f"{key}: the default {inner} is refused"
    refused, accepted = start, inner  # bisect: the nearest accepted value to the bound
    while abs(accepted - refused) > tiny:
        middle = (refused + accepted) / 2
        middle = int(middle) if kind is int else middle
        if middle in (refused, accepted):
            break
        if _accepted(key, middle, as_list) is not None:
            accepted = middle
        else:
            refused = middle
    params = _accepted(key, accepted, as_list)
    assert params is not None
    return accepted, params


# ---------------------------------------------------------------------------------------------
# Every claim under the parameters


def decided(params: BriefParams, only: str | None) -> dict[str, Claim]:
    """Each claim (or ``only`` that one) as its notebook and the multiverse decide it."""
    out = {}
    for cid, module in claim_modules.MODULES.items():
        if only is not None and cid != only:
            continue
        tables = claims_pinned.data(cid)
        if not hasattr(module, "Choices"):
            inputs = module.prepare(tables, params)
            out[cid] = Claim.model_validate(claims_pinned.brief(module, inputs, params)["claim"])
            continue
        spec = mv.own(cid, params)
        got = claims_pinned.decide(module, module.prepare(tables, params), spec, params)
        if cid == "C1":  # decide_measure's parts, stated as the brief states C1
            decided_c1 = got["decided"]
            t = module.MeasureTest(
                spec["measure"],
                [Part.model_validate(p) for p in decided_c1["parts"]],
                decided_c1["numbers"],
            )
            labels = {m: info["label"] for m, info in power.MEASURES.items()}
            out[cid] = module.assess(
                {spec["measure"]: t},
                headline=spec["measure"],
                labels=labels,
                coalition_label=params.coalition_label,
                benchmark_label=params.benchmark_label,
                horizon=spec["horizon"],
            )
        else:
            out[cid] = Claim.model_validate(got["decided"])
    return out


def problems(cid: str, claim: Claim) -> list[str]:
    """What is wrong with a claim's verdict and words (empty: nothing)."""
    found = []
    texts = {"summary": claim.summary, "headline": claim.headline}
    texts |= {f"part {p.name!r}": p.test for p in claim.parts}
    texts |= {f"assumption {i}": a for i, a in enumerate(claim.assumptions)}
    for where, words in texts.items():
        if MARK in words:
            found.append(f"{cid} {where} prints 'not available' for a number: {words[:200]!r}")
    counted = [p for p in claim.parts if p.testable]
    done = [p for p in counted if p.outcome != "untested"]
    reason = base.too_little(claim.parts)
    if claim.verdict != "not testable" and (reason or not done):
        found.append(f"{cid} is {claim.verdict!r} from too little: {reason or 'nothing tested'}")
    if claim.verdict == "not testable" and counted and "not testable" not in claim.summary.lower():
        found.append(f"{cid} is not testable without saying so: {claim.summary[:200]!r}")
    if reason and not claim.summary.startswith(base.TOO_LITTLE):
        found.append(f"{cid}: too little to decide, but its sentence does not say why")
    return found


def at_choice(params: BriefParams, claim: str, choice: str, value: Any) -> BriefParams:
    """The brief with its own value of a multiverse choice set to ``value``: the rule of that
    name, or the brief parameter the choice varies (C1's horizon and growth window)."""
    rules = getattr(params.rules, claim)
    if choice in type(rules).model_fields:
        rules = rules.model_copy(update={choice: value})
        return params.model_copy(update={"rules": params.rules.model_copy(update={claim: rules})})
    target = field_varied(claim, choice)
    if target == "horizon":
        return params.model_copy(update={"horizon": value})
    assert target == "growth_scenario.window", target
    g = params.growth_scenario.model_copy(update={"window": value})
    return params.model_copy(update={"growth_scenario": g})


def field_varied(claim: str, choice: str) -> str | None:
    from analysis.compute.claims.rules import varied_parameter

    model = claim_modules.choices_models()[claim]
    return varied_parameter(model.model_fields[choice])


@pytest.fixture(autouse=True)
def marked(monkeypatch):
    monkeypatch.setattr(formats, "NOT_AVAILABLE", MARK)


CASES = [(r, side) for r in RANGES for side in ("low", "high")]


@pytest.mark.parametrize(("rng", "side"), CASES, ids=[f"{r[0]}-{side}" for r, side in CASES])
def test_every_claim_at_the_edge_of_every_range(rng, side):
    key, kind, bounds, as_list, default = rng
    value, params = edge(key, kind, bounds, as_list, default, side)
    parts = key.split(".")
    only = parts[1].upper() if parts[0] in ("rules", "multiverse") else None
    if parts[0] == "multiverse":  # the claim decided at that value of the choice
        assert getattr(getattr(params.multiverse, parts[1]), parts[2]) == [value]
        params = at_choice(params, parts[1], parts[2], value)
    found = [p for cid, c in decided(params, only).items() for p in problems(cid, c)]
    assert found == [], f"{key}={value}: {found}"


def test_the_marker_is_what_a_missing_number_prints_and_is_caught():
    assert formats.percent(None) == MARK == base.signed(None)
    bad = Claim(title="t", verdict="supported", summary=f"It stood at {formats.percent(None)}.",
                parts=[base.part("a", "b", "holds")])  # fmt: skip
    assert problems("C9", bad) == [f"C9 summary prints 'not available' for a number: "
                                   f"'It stood at {MARK}.'"]  # fmt: skip
    few = Claim(title="t", verdict="supported", summary="Supported.",
                parts=[base.part("a", "b", "holds"), base.part("c", "d", "untested"),
                       base.part("e", "f", "untested")])  # fmt: skip
    assert problems("C9", few)[0].startswith("C9 is 'supported' from too little: only 1 of its 3")


def test_the_issues_case_is_not_testable_with_the_reason():
    """start_year one year before the horizon: C1 was 'supported' with four of its five parts
    untested, and read 'stood at not available of the United States level'."""
    params = BriefParams(start_year=2029)
    c1 = decided(params, "C1")["C1"]
    assert c1.verdict == "not testable"
    assert c1.summary.startswith("Not testable with these parameters: the central part "
                                 "'Not exceeded through 2022'")  # fmt: skip
    assert "the data hold no observed ratio in the brief's years" in c1.summary
    assert MARK not in c1.summary
