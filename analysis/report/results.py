"""Read and validate a build's ``results.json`` (docs/contracts.md section 3) for the report.

The report never types a number or a verdict by hand: everything it states comes from this file.
A malformed file raises one :class:`~analysis.errors.BriefError` naming the file and the key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analysis.errors import BriefError

CLAIM_IDS: tuple[str, ...] = ("C1", "C2", "C3", "C4", "C5", "C6", "C7")
VERDICTS: tuple[str, ...] = ("supported", "partly supported", "not supported", "not testable")

Verdict = Literal["supported", "partly supported", "not supported", "not testable"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class BriefInfo(_Model):
    name: str
    title: str
    params: dict[str, Any] = Field(default_factory=dict)
    code_version: str = ""
    data_version: str = ""


class Claim(_Model):
    title: str
    verdict: Verdict
    summary: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    assumptions: list[str] = Field(default_factory=list)
    charts: list[str] = Field(default_factory=list)
    tables: list[str] = Field(default_factory=list)


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
    latest_year: int | None = None
    ratio_latest: float | None = None
    crossover_year: int | None = None
    margin_at_horizon: float | None = None
    prob_exceed_by_horizon: float | None = None
    horizon: int | None = None


class Results(_Model):
    brief: BriefInfo
    measures: dict[str, Measure] = Field(default_factory=dict)
    claims: dict[str, Claim]
    numbers: dict[str, Any] = Field(default_factory=dict)
    charts: dict[str, ChartInfo] = Field(default_factory=dict)
    tables: dict[str, TableInfo] = Field(default_factory=dict)


def _first_error(path: Path, exc: ValidationError) -> str:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"])
    given = err.get("input")
    given_txt = "missing" if err["type"] == "missing" else f"got {given!r}"
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return f"{path}: key '{key}': {given_txt}, expected {err['msg'].lower()}{more}"


def parse_results(data: Any, path: Path | str = "results.json") -> Results:
    """Validate an already-parsed results dict; cross-check claims, charts and tables."""
    path = Path(path)
    try:
        res = Results.model_validate(data)
    except ValidationError as exc:
        raise BriefError(_first_error(path, exc)) from None
    missing = [c for c in CLAIM_IDS if c not in res.claims]
    if missing:
        raise BriefError(
            f"{path}: key 'claims': missing {', '.join(missing)}, expected every claim "
            f"{CLAIM_IDS[0]}–{CLAIM_IDS[-1]}"
        )
    for cid, claim in res.claims.items():
        for chart_id in claim.charts:
            if chart_id not in res.charts:
                raise BriefError(
                    f"{path}: key 'claims.{cid}.charts': chart '{chart_id}' is not described "
                    "under 'charts', expected title, caption, alt and source for it"
                )
    return res


def load_results(build: Path | str) -> Results:
    """Load ``<build>/results.json`` (``build`` may also be the file itself)."""
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
