"""How a claim declares its rules and the alternatives the multiverse tries.

A claim's ``Rules`` is a pydantic model (base :class:`Frozen`) whose fields, each declared with
:func:`rule`, are the brief parameters ``rules.<claim>.*``: a default, what it means, its
bounds. A rule declared with ``vary=Vary(...)`` is also one of the claim's choices in the
multiverse: :func:`choices_of` makes the claim's ``Choices`` model (the brief parameters
``multiverse.<claim>.*``) from those declarations, so a rule and its alternatives are written in
one place and every alternative a user gives is checked against the rule's own bounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo


class Vary(NamedTuple):
    """A rule's alternatives in the multiverse: the rule in words (``title``), the values tried
    (at least one) and why those values are defensible (``why``)."""

    title: str
    values: list[Any]
    why: str


def rule(default: Any, description: str, *, vary: Vary | None = None, **bounds: Any) -> Any:
    """A field of a claim's ``Rules``: its default, what it means, its bounds (``ge``, ``gt``,
    ``le``, ``lt``) and, with ``vary``, its alternatives in the multiverse (kept in the field's
    JSON schema under ``multiverse``, where :func:`choices_of` reads them)."""
    extra = None if vary is None else {"multiverse": vary._asdict()}
    return Field(default, description=description, json_schema_extra=extra, **bounds)


def choice(title: str, values: list[Any], why: str) -> Any:
    """A field of a claim's ``Choices``: the values the multiverse tries (at least one, each
    validated, defaults included), the choice in words (``title``) and why those values are
    defensible (``why``)."""
    return Field(list(values), title=title, min_length=1, description=why, validate_default=True)


class Frozen(BaseModel):
    """The base of every claim's ``Rules`` and ``Choices``: unknown keys are an error, and the
    values cannot change once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _varied(name: str, field: FieldInfo) -> tuple[Any, Any] | None:
    vary = (field.json_schema_extra or {}).get("multiverse")  # type: ignore[union-attr]
    if vary is None:
        return None
    item = field.annotation  # the rule's type, with its bounds if it has any
    if field.metadata:
        item = Annotated[(item, *field.metadata)]
    return list[item], choice(**vary)


def choices_of(
    rules: type[BaseModel],
    *,
    before: Mapping[str, tuple[Any, Any]] | None = None,
    after: Mapping[str, tuple[Any, Any]] | None = None,
) -> type[Frozen]:
    """A claim's ``Choices`` model: one field per rule of ``rules`` declared with ``vary`` (a list
    of values, each bounded like the rule), in the rules' order; ``before`` and ``after`` add
    choices that are not the claim's rules (C1's measure of power, horizon, growth), each
    ``name: (type, choice(...))``. The field order is the order specifications are numbered in."""
    varied = {n: v for n, f in rules.model_fields.items() if (v := _varied(n, f)) is not None}
    fields = {**(before or {}), **varied, **(after or {})}
    claim_id = rules.__module__.rsplit(".", 1)[-1].upper()
    return create_model(  # type: ignore[call-overload, no-any-return]
        "Choices",
        __base__=Frozen,
        __module__=rules.__module__,
        __doc__=f"{claim_id}'s specification space (``multiverse.{claim_id.lower()}.*``).",
        **fields,
    )


def spec_rules(rules: BaseModel, spec: Mapping[str, Any]) -> Any:
    """The brief's ``rules`` with the rules a specification varies set to its values (the values
    were validated by the ``Choices`` model, against the rules' own bounds)."""
    return rules.model_copy(update={k: v for k, v in spec.items() if k in type(rules).model_fields})


def own_spec(rules: BaseModel, choices: BaseModel) -> dict[str, Any]:
    """The brief's own specification: its value of each rule the multiverse varies."""
    return {name: getattr(rules, name) for name in type(choices).model_fields}
