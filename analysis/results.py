"""The contract between the compute stage and the publish stage: what ``results.json`` holds.

The notebooks write it (through :mod:`analysis.compute.artifacts`, which validates every part
against these models) and the publish layer reads it (:func:`load_results`); nothing else passes
between them. ``docs/contracts.md`` section 3 documents the schema. Every number a claim shows is
an :class:`Evidence` item that carries its own label, unit and year, decided where the number is
made: the publish layer formats by ``unit`` and never guesses from a key's name.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from analysis.errors import BriefError

# ---------------------------------------------------------------------------------------------
# Verdicts and the parts of a claim

VerdictLabel = Literal[
    "supported", "partly supported", "no evidence either way", "not supported", "not testable"
]
#: The verdicts, from the claim holding to the data being unable to say.
VERDICTS: tuple[str, ...] = (
    "supported",
    "partly supported",
    "no evidence either way",
    "not supported",
    "not testable",
)
#: The verdict a brief publishes when its own verdict holds in too few of the claim's
#: specifications (under ``robustness_threshold``): stated with the choice that turns it, and the
#: brief's own verdict shown as the verdict "under this brief's choices".
DEPENDS = "depends on the analyst's choices"
PublishedVerdict = Literal[
    "supported",
    "partly supported",
    "depends on the analyst's choices",
    "no evidence either way",
    "not supported",
    "not testable",
]
#: Every verdict a brief can publish, in the order the summaries count them.
PUBLISHED_VERDICTS: tuple[str, ...] = (
    "supported",
    "partly supported",
    DEPENDS,
    "no evidence either way",
    "not supported",
    "not testable",
)
Outcome = Literal["holds", "fails", "inconclusive", "untested"]
OUTCOMES: tuple[str, ...] = ("holds", "fails", "inconclusive", "untested")

#: How a number is printed. Shares and probabilities are fractions (0.35 = 35 %).
Unit = Literal[
    "ratio",  # coalition ÷ benchmark (1 = parity), printed 0.71
    "share",  # a fraction printed as a percentage
    "probability",  # a fraction printed as a percentage, never rounded to 0 % or 100 %
    "count",  # a whole number
    "year",  # printed as written, no thousands separator
    "per_year",  # a slope of a count, printed +0.36 a year
    "points_per_year",  # a slope of a score, printed +0.36 points a year
    "log_growth",  # a slope of log values, printed +5.1 % a year
    "tiv_m",  # SIPRI trend-indicator value, millions
    "tiv_m_per_year",  # a slope of SIPRI TIV, printed +12 million TIV a year
    "usd_bn",  # US dollars, billions
    "index",  # a unitless index (e.g. an ideal-point distance), two decimals
    "pp",  # percentage points
    "text",  # a name or label
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """One number behind a claim, with what it is in words."""

    key: str = Field(description="Stable identifier (slug), for tables, CSVs and tests")
    label: str = Field(description="What the number is, in plain words, without its year")
    value: float | int | str | None = Field(description="The value; None = not available")
    unit: Unit = Field(description="How the value is printed")
    year: int | None = Field(None, description="The year the value refers to, if one")
    decisive: bool = Field(False, description="The verdict turns on it (shown in the section)")

    @field_validator("label")
    @classmethod
    def _label(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("expected a label in words")
        return " ".join(v.split())


def plain_number(x: Any) -> float | None:
    """A float, or None for missing, NaN or infinite (numpy scalars included)."""
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def evidence(
    key: str,
    label: str,
    value: Any,
    unit: Unit,
    year: int | None = None,
    *,
    decisive: bool = False,
) -> Evidence:
    """One evidence item, its number made plain (numpy scalars and NaN become float/None;
    counts and years whole)."""
    if unit in ("count", "year") and value is not None and not isinstance(value, str):
        value = None if plain_number(value) is None else int(value)
    elif unit != "text":
        value = plain_number(value)
    return Evidence(key=key, label=label, value=value, unit=unit, year=year, decisive=decisive)


class Part(_Model):
    """One testable (or untestable) part of a claim and how the data decide it."""

    name: str = Field(description="The part of the claim, in a few words")
    test: str = Field(description="The rule that decides it, with its thresholds, in words")
    outcome: Outcome
    central: bool = Field(False, description="The claim stands or falls with this part")
    testable: bool = Field(
        True,
        description="False for a part no public data can test (shown, never counted); an "
        "untested part that is testable could not be computed under the brief's parameters",
    )


class Claim(_Model):
    """One claim's computed result: ``claims.<id>`` of results.json. Everything the publish layer
    shows of a claim is here: its title, its verdict and numbers, its charts, where they go."""

    title: str
    verdict: VerdictLabel
    summary: str = Field(description="One or two sentences generated from the evidence")
    headline: str = Field("", description="The finding in a few words (the summary table)")
    parts: list[Part] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    charts: list[str] = Field(default_factory=list, description="Drawn in the claim's section")
    tables: list[str] = Field(default_factory=list)
    sensitivity: list[Evidence] = Field(
        default_factory=list, description="Numbers of its sensitivity analyses (section 2)"
    )
    sensitivity_charts: list[str] = Field(
        default_factory=list, description="Charts of its sensitivity analyses (section 2)"
    )
    notes: list[Evidence] = Field(
        default_factory=list, description="Notes on its data, e.g. rows left out (provenance)"
    )
    lead: bool = Field(
        False, description="The claim the bottom line leads with, its chart on the landing page"
    )
    topic: str = Field("", description="What the claim is about, in a word or two ('power')")
    headline_chart: str = Field("", description="Its chart for the landing page (a lead claim)")
    sources: list[str] = Field(
        default_factory=list,
        description="The curated sources its data come from (ids of data/releases.csv, 'hand'): "
        "what a brief as of a date says of the claim's releases",
    )
    computed: bool = True

    @field_validator("summary")
    @classmethod
    def _one_paragraph(cls, v: str) -> str:
        return " ".join(v.split())

    @property
    def decisive(self) -> list[Evidence]:
        return [e for e in self.evidence if e.decisive]

    def item(self, key: str) -> Evidence | None:
        return next((e for e in self.evidence if e.key == key), None)


# ---------------------------------------------------------------------------------------------
# Robustness (the multiverse of the analyst's choices)


class ValueOutcome(_Model):
    """The specifications that share one value of one choice, and the verdicts they give."""

    value: str = Field(description="The value, as the parameter takes it")
    label: str = Field("", description="The value in words (empty: the value as written)")
    specifications: int = Field(description="How many specifications use this value")
    holds: float = Field(description="Share of them giving the brief's own verdict")
    shares: dict[str, float] = Field(description="Share of them per verdict (verdicts reached)")
    verdict: str = Field(description="The verdict they most often give (ties: VERDICTS order)")

    @property
    def words(self) -> str:
        return self.label or self.value


class ChoiceInfluence(_Model):
    """How one choice moves a claim's verdict: the verdicts of its values, side by side."""

    choice: str = Field(description="The choice (a parameter name)")
    label: str = Field(description="The choice in words")
    spread: float = Field(
        description="Highest minus lowest share giving the brief's own verdict across the "
        "choice's values (0: the choice alone never moves it)"
    )
    values: list[ValueOutcome] = Field(description="One row per value, in the brief's order")


class Robustness(_Model):
    """How a claim's verdict holds across every specification of its choices."""

    specifications: int
    verdict: str = Field(description="The verdict of the brief's own specification")
    holds: float = Field(description="Share of specifications giving the brief's own verdict")
    threshold: float = Field(
        description="The share under which the brief publishes 'depends on the analyst's "
        "choices' instead of its own verdict (the parameter robustness_threshold)"
    )
    published: PublishedVerdict = Field(description="The verdict the brief publishes")
    shares: dict[str, float] = Field(description="Share of specifications per verdict")
    choices: dict[str, list[str]] = Field(description="Each choice and the values tried")
    estimate: str = Field(description="What the specification curve plots, in words")
    influence: list[ChoiceInfluence] = Field(
        default_factory=list, description="Every choice with more than one value, in order"
    )
    influential: ChoiceInfluence | None = Field(
        None, description="The choice with the largest spread (none when no choice moves it)"
    )


# ---------------------------------------------------------------------------------------------
# The rest of results.json


class BriefInfo(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    title: str
    params: dict[str, Any] = Field(default_factory=dict)
    code_version: str = ""
    data_version: str = ""
    words: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Parameter (dotted) -> value -> its words, for parameters whose values are "
        "codes (written by the pipeline from the parameter schema)",
    )


class ChartInfo(_Model):
    title: str
    caption: str
    alt: str
    source: str
    notebook: str = ""
    label: str = ""


class TableInfo(_Model):
    title: str = ""
    source: str = ""


class Measure(_Model):
    label: str
    unit: str = ""
    source: str = ""
    latest_year: int | None = None
    ratio_latest: float | None = None
    crossover_year: int | None = None
    crossover_basis: Literal["observed", "projected"] | None = None
    margin_at_horizon: float | None = None
    prob_exceed_by_horizon: float | None = None
    horizon: int | None = None


class Results(BaseModel):
    model_config = ConfigDict(extra="forbid")
    brief: BriefInfo
    measures: dict[str, Measure] = Field(default_factory=dict)
    claims: dict[str, Claim]
    robustness: dict[str, Robustness] = Field(default_factory=dict)
    charts: dict[str, ChartInfo] = Field(default_factory=dict)
    tables: dict[str, TableInfo] = Field(default_factory=dict)

    def ordered(self) -> list[str]:
        """The claim ids in their natural order (C2 before C10)."""
        return sorted(self.claims, key=claim_order)

    def lead(self) -> str | None:
        """The claim the bottom line leads with (the first marked ``lead``)."""
        return next((cid for cid in self.ordered() if self.claims[cid].lead), None)


def claim_order(cid: str) -> tuple[str, int]:
    """Sort key of a claim id: its letters, then its number as a number."""
    letters = cid.rstrip("0123456789")
    digits = cid[len(letters) :]
    return letters, int(digits) if digits else -1


#: The top-level keys a notebook's ``results/<stem>.json`` may hold (the pipeline adds ``brief``).
PART_KEYS: tuple[str, ...] = ("measures", "claims", "robustness", "charts", "tables")
_PART_MODELS: dict[str, type[BaseModel]] = {
    "measures": Measure,
    "claims": Claim,
    "robustness": Robustness,
    "charts": ChartInfo,
    "tables": TableInfo,
}


def first_error(where: str, exc: ValidationError) -> str:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"])
    given = err.get("input")
    shown = repr(given)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    given_txt = "missing" if err["type"] == "missing" else f"got {shown}"
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return f"{where}: key '{key}': {given_txt}, expected {err['msg'].lower()}{more}"


def check_part(where: str, payload: dict[str, Any]) -> None:
    """Validate a notebook's part of results.json before it is written (one BriefError)."""
    for top, items in payload.items():
        model = _PART_MODELS.get(top)
        if model is None:
            raise BriefError(f"{where}: unknown key {top!r}; expected any of {list(PART_KEYS)}")
        if not isinstance(items, dict):
            raise BriefError(f"{where}: {top!r} is not an object")
        for key, item in items.items():
            try:
                model.model_validate(item)
            except ValidationError as exc:
                raise BriefError(first_error(f"{where}: {top}.{key}", exc)) from None


def parse_results(data: Any, path: Path | str = "results.json") -> Results:
    try:
        return Results.model_validate(data)
    except ValidationError as exc:
        raise BriefError(first_error(str(path), exc)) from None


def load_results(build: Path | str) -> Results:
    """``<build>/results.json`` (``build`` may be the file itself), validated."""
    build = Path(build)
    path = build if build.suffix == ".json" else build / "results.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BriefError(
            f"{path}: not found, expected the results of the compute stage "
            "(run `brief run PARAMS` first)"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BriefError(f"{path}: line {exc.lineno}: invalid JSON ({exc.msg})") from None
    return parse_results(data, path)
