"""Claim verdicts: a small model, and no hand-written conclusions.

A :class:`Verdict` is built by a claim's verdict function from evidence numbers and thresholds
that are named constants here (or brief parameters); its summary sentence is generated from the
same numbers. ``to_dict()`` is the ``claims.<id>`` entry of results.json (docs/contracts.md).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

VerdictLabel = Literal["supported", "partly supported", "not supported", "not testable"]
VERDICTS: tuple[str, ...] = ("supported", "partly supported", "not supported", "not testable")


class Verdict(BaseModel):
    """One claim's computed verdict with the numbers and assumptions behind it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    claim: str = Field(description="Claim id, e.g. C1")
    title: str = Field(description="Short title of the claim")
    verdict: VerdictLabel = Field(description="One of the four verdict labels")
    summary: str = Field(description="One sentence generated from the evidence numbers")
    evidence: dict[str, Any] = Field(default_factory=dict, description="Named numbers")
    assumptions: list[str] = Field(default_factory=list, description="Stated assumptions")
    charts: list[str] = Field(default_factory=list, description="Chart ids behind the verdict")
    tables: list[str] = Field(default_factory=list, description="Table ids behind the verdict")

    @field_validator("claim")
    @classmethod
    def _claim(cls, v: str) -> str:
        if not (v.startswith("C") and v[1:].isdigit()):
            raise ValueError("expected a claim id like 'C1'")
        return v

    @field_validator("summary")
    @classmethod
    def _one_sentence(cls, v: str) -> str:
        return " ".join(v.split())

    def to_dict(self) -> dict[str, Any]:
        """The ``claims.<id>`` entry of results.json (without the id, which is the key)."""
        d = self.model_dump(mode="json")
        d.pop("claim")
        return d


def combine(parts: list[bool | None]) -> VerdictLabel:
    """Verdict from the claim's testable parts: all hold -> supported, none -> not supported.

    ``None`` marks a part that cannot be tested; if no part can be, the claim is not testable.
    """
    tested = [p for p in parts if p is not None]
    if not tested:
        return "not testable"
    if all(tested):
        return "supported"
    if not any(tested):
        return "not supported"
    return "partly supported"
