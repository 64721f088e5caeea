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
NOT_COMPUTED = "not computed in this build"

# Our own short paraphrase of each claim (the section titles of report/brief.qmd), used when a
# build has not computed a claim yet, so the brief still lists all seven.
CLAIM_TITLES: dict[str, str] = {
    "C1": "Combined Chinese and Russian power approaches but does not exceed U.S. power",
    "C2": "The relationship is pragmatic balancing against U.S. power",
    "C3": "From cooperation to collaboration, pushed by Western sanctions",
    "C4": "Russian arms and technology flow to China",
    "C5": "Military collaboration is routine and exercises grow more complex",
    "C6": "Sanctions relief could weaken the relationship",
    "C7": "Little U.S. leverage; more arms diffusion and joint operations ahead",
}

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
    computed: bool = True

    @property
    def shown_verdict(self) -> str:
        """The verdict as the brief prints it (``not computed in this build`` for a gap)."""
        return self.verdict if self.computed else NOT_COMPUTED


def not_computed(cid: str) -> Claim:
    """The entry of a claim that no notebook of this build computed."""
    return Claim(
        title=CLAIM_TITLES[cid],
        verdict="not testable",
        summary="No result yet: the analysis that tests this claim has not run in this build.",
        computed=False,
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
    """Validate an already-parsed results dict; cross-check claims, charts and tables.

    Claims missing from the file (their notebook has not run or does not exist yet) are filled
    with a :func:`not_computed` entry; a file with no claim at all, or an unknown claim id, is an
    error.
    """
    path = Path(path)
    try:
        res = Results.model_validate(data)
    except ValidationError as exc:
        raise BriefError(_first_error(path, exc)) from None
    unknown = sorted(set(res.claims) - set(CLAIM_IDS))
    if unknown:
        raise BriefError(
            f"{path}: key 'claims': unknown claim {', '.join(unknown)}, expected ids among "
            f"{CLAIM_IDS[0]}–{CLAIM_IDS[-1]}"
        )
    if not res.claims:
        raise BriefError(
            f"{path}: key 'claims': empty, expected at least one claim "
            f"{CLAIM_IDS[0]}–{CLAIM_IDS[-1]} computed by the notebooks"
        )
    # A claim no notebook has computed yet is listed as such, never guessed (docs/report.md).
    res.claims = {c: res.claims.get(c) or not_computed(c) for c in CLAIM_IDS}
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
