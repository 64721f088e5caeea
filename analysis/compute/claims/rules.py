"""How a claim declares its rules and the alternatives the multiverse tries.

A claim's ``Rules`` is a pydantic model (base :class:`Frozen`) whose fields are the brief
parameters ``rules.<claim>.*``, one line each, with what the rule means in the docstring under
it (pydantic reads it as the field's description)::

    window: int = rule(10, ge=3, le=15, vary=[5, 8, 10, 12], title="the plan window")
    \"\"\"Years compared after the 2002 plan and before it. Varied: the plan ran 15 years.\"\"\"

``rule`` takes the default and the bounds (``ge``, ``gt``, ``le``, ``lt``). A rule with ``vary``
(the values the multiverse tries) and ``title`` (the rule in words, as the robustness table
names it) is also one of the claim's choices: :func:`choices_of` makes the claim's ``Choices``
model (the brief parameters ``multiverse.<claim>.*``) from those declarations, so a rule and its
alternatives are written in one place and every alternative a user gives is checked against the
rule's own bounds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator
from pydantic.fields import FieldInfo

#: Where a choice that varies a brief parameter (not one of the claim's rules) names it, in its
#: field's JSON schema: the parameter schema (analysis/params.py) bounds each of its values like
#: that parameter.
BRIEF_PARAMETER = "brief_parameter"


class Frozen(BaseModel):
    """The base of every claim's ``Rules`` and ``Choices``: unknown keys are an error, the values
    cannot change once validated, and a field's docstring is its description."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


def rule(
    default: Any, *, vary: list[Any] | None = None, title: str | None = None, **bounds: Any
) -> Any:
    """A field of a claim's ``Rules``: its default and bounds; with ``vary`` and ``title``, its
    alternatives in the multiverse and its name in words (``vary`` is kept in the field's JSON
    schema under ``multiverse``, where :func:`choices_of` reads it)."""
    if (vary is None) != (title is None):
        raise TypeError("rule(): vary= and title= go together (a choice needs both)")
    extra = None if vary is None else {"multiverse": list(vary)}
    return Field(default, title=title, json_schema_extra=extra, **bounds)


def distinct(values: list[Any]) -> list[Any]:
    """The values of a choice, each given once: a value given twice would be counted twice and
    weigh the shares the multiverse reports (``[milex, milex, cinc]`` is not two-thirds milex)."""
    seen = Counter(values)
    twice = [v for v, n in seen.items() if n > 1]
    if twice:
        shown = ", ".join(f"{v!r} ({seen[v]} times)" for v in twice[:5])
        raise ValueError(f"duplicate value {shown}; expected each value once")
    return values


class ChoicesModel(Frozen):
    """The base of every claim's ``Choices``: each choice's values given once (checked after the
    values themselves, so 8 and 8.0 in a list of whole numbers are the same value)."""

    @field_validator("*", mode="after")
    @classmethod
    def _distinct(cls, values: Any) -> Any:
        return distinct(values) if isinstance(values, list) else values


def choice(
    values: list[Any],
    *,
    title: str,
    description: str | None = None,
    varies: str | None = None,
) -> Any:
    """A field of a claim's ``Choices``: the values the multiverse tries (at least one, each
    once, each validated, defaults included) and the choice in words (``title``); why those
    values are defensible is the docstring under it (or ``description``). ``varies`` names the
    brief parameter the choice varies when it is not one of the claim's rules (``horizon``,
    ``growth_scenario.window``): the parameter schema bounds every value like that parameter,
    so an alternative is never one the brief itself would refuse."""
    extra = None if varies is None else {BRIEF_PARAMETER: varies}
    return Field(
        list(values),
        title=title,
        description=description,
        min_length=1,
        validate_default=True,
        json_schema_extra=extra,
    )


def varied_parameter(field: FieldInfo) -> str | None:
    """The brief parameter a choice varies (``choice(varies=...)``), or None."""
    extra = field.json_schema_extra
    return extra.get(BRIEF_PARAMETER) if isinstance(extra, dict) else None  # type: ignore[return-value]


def _varied(field: FieldInfo) -> tuple[Any, Any] | None:
    values = (field.json_schema_extra or {}).get("multiverse")  # type: ignore[union-attr]
    if values is None:
        return None
    item = field.annotation  # the rule's type, with its bounds if it has any
    if field.metadata:
        item = Annotated[(item, *field.metadata)]
    return list[item], choice(values, title=str(field.title), description=field.description)


def choices_of(
    rules: type[BaseModel],
    *,
    before: type[Frozen] | None = None,
    after: type[Frozen] | None = None,
) -> type[ChoicesModel]:
    """A claim's ``Choices`` model: one field per rule of ``rules`` declared with ``vary`` (a list
    of values, each bounded like the rule), in the rules' order; the fields of ``before`` and
    ``after`` (models of :func:`choice` fields) add choices that are not the claim's rules (C1's
    measure of power, horizon, growth). The field order is the order specifications are numbered
    in. Every choice's values are distinct (:class:`ChoicesModel`)."""

    def fields(model: type[BaseModel] | None) -> dict[str, tuple[Any, Any]]:
        if model is None:
            return {}
        return {n: (f.annotation, f) for n, f in model.model_fields.items()}

    varied = {n: v for n, f in rules.model_fields.items() if (v := _varied(f)) is not None}
    claim_id = rules.__module__.rsplit(".", 1)[-1].upper()
    return create_model(  # type: ignore[call-overload, no-any-return]
        "Choices",
        __base__=ChoicesModel,
        __module__=rules.__module__,
        __doc__=f"{claim_id}'s specification space (``multiverse.{claim_id.lower()}.*``).",
        **fields(before),
        **varied,
        **fields(after),
    )


def spec_rules(rules: BaseModel, spec: Mapping[str, Any]) -> Any:
    """The brief's ``rules`` with the rules a specification varies set to its values (the values
    were validated by the ``Choices`` model, against the rules' own bounds)."""
    return rules.model_copy(update={k: v for k, v in spec.items() if k in type(rules).model_fields})


def own_spec(rules: BaseModel, choices: BaseModel) -> dict[str, Any]:
    """The brief's own specification: its value of each rule the multiverse varies."""
    return {name: getattr(rules, name) for name in type(choices).model_fields}
