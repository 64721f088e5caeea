"""The brief's parameters: one schema, one loader, one error listing every problem.

:class:`BriefParams` holds every parameter of a brief with its type, default, allowed values and a
one-line description (``Field(description=...)``). :func:`load_params` merges a YAML file with
``key=value`` overrides (values YAML-parsed, dotted keys for nested fields) and validates all of it
before any work starts; every problem found is reported at once in one
:class:`~analysis.errors.BriefError` naming the key, the value given and what is allowed.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from analysis import dates, visible
from analysis.compute import claims, specs
from analysis.compute.claims import rules
from analysis.compute.trade import SERIES as TRADE_SERIES
from analysis.compute.trade import TradeSeries
from analysis.countrycodes import _did_you_mean as _did_you_mean
from analysis.countrycodes import check_iso3 as _check_iso3
from analysis.countrycodes import closest_codes as closest_codes
from analysis.countrycodes import known_iso3 as known_iso3
from analysis.errors import MAX_MESSAGE, MAX_QUOTED, BriefError, clip, quote
from analysis.paramfile import MAX_PARAMS_BYTES as MAX_PARAMS_BYTES  # the loader's public limit
from analysis.paramfile import Override, parse_overrides, read_params_file

Measure = Literal["gdp_mer", "gdp_ppp", "milex", "cinc", "composite"]
Component = Literal["gdp_mer", "gdp_ppp", "milex", "pop", "cinc"]
MEASURES: tuple[str, ...] = ("gdp_mer", "gdp_ppp", "milex", "cinc", "composite")
COMPONENTS: tuple[str, ...] = ("gdp_mer", "gdp_ppp", "milex", "pop", "cinc")
WEIGHT_TOLERANCE = 1e-9
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _visible(cls, value: Any) -> Any:
        """Text a reader sees is the text that was written: no bidirectional control, invisible
        or control character in any text (:mod:`analysis.visible`)."""
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                visible.check(text)
        return value


class GrowthScenario(_Strict):
    """How each member's measure grows after the last year of data."""

    method: Literal["trailing_cagr", "weo", "explicit"] = Field(
        "trailing_cagr",
        description="trailing_cagr: each member's compound growth over the last `window` years; "
        "weo: IMF WEO projections where the data hold them (GDP to 2030), then trailing CAGR; "
        "explicit: the per-country `rates`",
    )
    window: int = Field(10, ge=2, le=40, description="Years of history for trailing CAGR and sd")
    rates: dict[str, float] = Field(
        default_factory=dict,
        description="Explicit annual growth per ISO3 code as a fraction (0.03 = 3 %/yr), -0.5..0.5",
    )
    growth_sd: float | None = Field(
        None,
        ge=0.0,
        le=0.5,
        description="Sd of annual growth shocks (fraction); null = each member's sd over `window`",
    )
    shocks: Literal["normal", "t"] = Field(
        "normal", description="Distribution of annual growth shocks: normal or Student t"
    )
    t_df: float = Field(5.0, gt=2.0, le=1000.0, description="Degrees of freedom of t shocks (> 2)")

    @field_validator("rates")
    @classmethod
    def _rates(cls, v: dict[str, float]) -> dict[str, float]:
        _check_iso3(list(v))
        bad = {k: r for k, r in v.items() if not (-0.5 <= r <= 0.5) or math.isnan(r)}
        if bad:
            raise ValueError(f"growth rates {bad} out of range; expected fractions in -0.5..0.5")
        return dict(sorted(v.items()))


class SanctionsScenario(_Strict):
    """The what-if for claim C6 (filled in by the relationship indicators)."""

    relief_year: int | None = Field(
        2026,
        ge=2023,
        le=2100,
        description="Year Western sanctions on Russia are lifted in the what-if; null = never",
    )
    trade_rebound: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Fraction of the pre-2022 Russia–West trade gap recovered after relief (0..1)",
    )


def _claim_group(name: str, models: Mapping[str, type[BaseModel]], doc: str) -> type[BaseModel]:
    """A group with one field per claim (``c1`` …), each that claim's own model and defaults."""
    fields: dict[str, Any] = {
        cid: (model, Field(default_factory=model, description=(model.__doc__ or "").strip()))
        for cid, model in models.items()
    }
    return create_model(name, __base__=_Strict, __doc__=doc, **fields)


# The claims' own rules and specification spaces, collected from their modules
# (analysis/compute/claims/c*.py): each claim's thresholds live beside the code that uses them.
Rules = _claim_group(
    "Rules", claims.rules_models(), "Every claim's verdict rules (thresholds, windows, years)."
)


class BriefParams(_Strict):
    """Every parameter of a brief. ``params/<name>.yml`` overrides only what differs."""

    name: str = Field("default", description="Slug of the brief (default: the params file's stem)")
    title: str = Field(
        "China–Russia cooperation and the balance of power: the RAND 2021 claims against the data",
        min_length=1,
        max_length=300,
        description="Title of the brief",
    )
    short_name: str = Field(
        "",
        max_length=40,
        description="Short name on the comparison page (default: the brief's name)",
    )
    description: str = Field("", description="One-paragraph description of this brief variant")
    coalition: list[str] = Field(
        ["CHN", "RUS"],
        min_length=1,
        description="ISO3 codes of the coalition whose power is summed",
    )
    coalition_label: str = Field("China + Russia", min_length=1, description="Coalition label")
    benchmark: list[str] = Field(
        ["USA"],
        min_length=1,
        description="ISO3 codes of the benchmark the coalition is compared to",
    )
    benchmark_label: str = Field("United States", min_length=1, description="Benchmark label")
    measures: list[Measure] = Field(
        list(MEASURES), min_length=1, description="Power measures to compute and show"
    )
    headline_measure: Measure = Field(
        "milex",
        description="Measure the C1 verdict is stated on (default milex: the article's claim is "
        "about combined military power, and SIPRI spending runs to the latest year)",
    )
    composite_weights: dict[Component, float] = Field(
        {"gdp_mer": 0.5, "milex": 0.5},
        description="Weights of the user composite's components (shares of the coalition+benchmark "
        "total); non-negative, summing to 1",
    )
    milex_prices: Literal["constant", "current"] = Field(
        "constant", description="Military expenditure in constant base-year or current US$"
    )
    missing: Literal["drop_year", "report_gap"] = Field(
        "drop_year",
        description="A member-year without data: drop that year for the group (drop_year) or sum "
        "the members with data and list the gap (report_gap)",
    )
    start_year: int = Field(1995, ge=1950, le=2030, description="First year shown")
    base_year: int = Field(
        2024, ge=1950, le=2025, description="Price base year for constant-dollar levels"
    )
    horizon: int = Field(2030, ge=2023, le=2100, description="Last year of the projections")
    article_horizon: int = Field(
        2022, ge=2021, le=2100, description="The article's 'through 2022', shown as a marker"
    )
    growth_scenario: GrowthScenario = Field(
        default_factory=GrowthScenario, description="Growth assumptions for the projections"
    )
    mc_draws: int = Field(20_000, ge=100, le=2_000_000, description="Monte Carlo draws")
    seed: int = Field(20211012, ge=0, le=2**32 - 1, description="Seed of the Monte Carlo generator")
    break_years: list[Annotated[int, Field(ge=1950, le=2100)]] = Field(
        [2014, 2022], description="Years of structural breaks (sanctions) for before/after tests"
    )
    sanctions_scenario: SanctionsScenario = Field(
        default_factory=SanctionsScenario, description="What-if for claim C6"
    )
    trade_series: TradeSeries = Field(
        "imts",
        description="Russia's trade series (C3, C6, C8): "
        + "; ".join(f"{k}: {v}" for k, v in TRADE_SERIES.items())
        + " (default imts: the IMF's own successor of DOTS, covering the years Russia stopped "
        "reporting from its partners' reports; docs/decisions.md)",
    )
    rules: Rules = Field(  # type: ignore[valid-type]
        default_factory=Rules, description="The rules that decide each claim's verdict"
    )
    multiverse: Choices = Field(  # type: ignore[valid-type]
        default_factory=lambda: Choices(),
        description="The defensible alternatives of each choice, tried by the multiverse",
    )
    multiverse_limit: int = Field(
        specs.DEFAULT_LIMIT,
        ge=1,
        le=specs.MAX_LIMIT,
        description="The most specifications the multiverse may decide, every claim's together "
        f"(default {specs.DEFAULT_LIMIT:,}, about ten times the flagship's); a brief whose "
        "multiverse is larger is refused before anything runs, naming the choice that "
        "contributes most",
    )
    as_of: dt.date | None = Field(
        None,
        description="Build the brief as it could have been built on this date (YYYY-MM-DD): each "
        "source's latest release published on or before it (data/releases.csv), a source whose "
        "only release came later cut back to the years public then (approximated from a later "
        "release); null: the latest data",
    )
    robustness_threshold: float = Field(
        0.66,
        gt=0.0,
        le=1.0,
        description="Publish a claim's own verdict only when at least this share of its "
        "specifications give it; under it the verdict published is 'depends on the analyst's "
        "choices' (0.66: the IPCC's 'likely', at least two chances in three)",
    )

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, v: object) -> dt.date | None:
        return dates.parse(v)

    @field_validator("name")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError("expected a slug: lowercase letters, digits and '-'")
        return v

    @field_validator("coalition", "benchmark")
    @classmethod
    def _iso3(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("duplicate ISO3 codes; expected each country once")
        return _check_iso3(v)

    @field_validator("measures")
    @classmethod
    def _unique_measures(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("duplicate measures; expected each measure once")
        return v

    @field_validator("composite_weights")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise ValueError(f"expected at least one component of {', '.join(COMPONENTS)}")
        nan = sorted(k for k, w in v.items() if math.isnan(w))
        if nan:
            raise ValueError(f"weight of {', '.join(nan)} is NaN; expected numbers >= 0")
        negative = {k: w for k, w in v.items() if w < 0}
        if negative:
            raise ValueError(f"negative weights {negative}; expected weights >= 0")
        total = math.fsum(v.values())
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            raise ValueError(f"weights sum to {total:.12g}; expected a sum of 1 (within 1e-9)")
        return dict(sorted(v.items()))

    @field_validator("break_years")
    @classmethod
    def _breaks(cls, v: list[int]) -> list[int]:
        return sorted(set(v))

    @model_validator(mode="after")
    def _cross(self) -> BriefParams:
        problems = []
        if self.horizon <= self.start_year:
            problems.append(
                f"horizon: got {self.horizon}, expected a year after start_year ({self.start_year})"
            )
        if self.headline_measure not in self.measures:
            problems.append(
                f"headline_measure: got {self.headline_measure!r}, expected one of measures "
                f"{self.measures}"
            )
        if self.article_horizon > self.horizon:
            problems.append(
                f"article_horizon: got {self.article_horizon}, expected a year <= horizon "
                f"({self.horizon})"
            )
        both = sorted(set(self.coalition) & set(self.benchmark))
        if both:
            problems.append(f"benchmark: got {both} also in coalition, expected disjoint lists")
        members = set(self.coalition) | set(self.benchmark)
        extra = sorted(set(self.growth_scenario.rates) - members)
        if extra:
            problems.append(
                f"growth_scenario.rates: got rates for {extra}, expected only coalition or "
                "benchmark members"
            )
        if self.growth_scenario.method == "explicit":
            lacking = sorted(members - set(self.growth_scenario.rates))
            if lacking:
                problems.append(
                    f"growth_scenario.rates: no rate for {lacking}, expected a rate for every "
                    "member when method is 'explicit'"
                )
        too_many = specs.over_limit(self.multiverse, self.multiverse_limit)
        if too_many:
            problems.append(too_many)
        if (early := dates.too_early(self.as_of)) is not None:
            problems.append(early)
        if problems:
            raise ValueError(" | ".join(problems))
        return self

    def members(self) -> list[str]:
        """Coalition then benchmark ISO3 codes."""
        return [*self.coalition, *self.benchmark]


def field_at(dotted: str, model: type[BaseModel] | None = None) -> FieldInfo:
    """The schema's field of a dotted parameter name (``growth_scenario.window``)."""
    model = model or BriefParams
    *groups, last = dotted.split(".")
    for part in groups:
        model = model.model_fields[part].annotation  # type: ignore[assignment]
    return model.model_fields[last]


def _bounded(choices: type[BaseModel]) -> type[BaseModel]:
    """A claim's ``Choices`` with every choice that varies a brief parameter
    (``choice(varies=...)``) bounded like that parameter: a multiverse alternative is never a
    value the brief itself would refuse (``multiverse.c1.horizon=[1990]`` is refused as
    ``horizon: 1990`` is). Fields keep their order (the order specifications are numbered in)."""
    updates: dict[str, Any] = {}
    for name, field in choices.model_fields.items():
        target = rules.varied_parameter(field)
        if target is None:
            continue
        bound = field_at(target)
        item = bound.annotation
        if bound.metadata:
            item = Annotated[(item, *bound.metadata)]
        updates[name] = (list[item], field)  # type: ignore[valid-type]
    if not updates:
        return choices
    return create_model(  # type: ignore[call-overload, no-any-return]
        choices.__name__,
        __base__=choices,
        __module__=choices.__module__,
        __doc__=choices.__doc__,
        **updates,
    )


def choices_varying(parameter: str) -> list[tuple[str, str]]:
    """(claim key, choice) of every multiverse choice that varies the brief parameter
    ``parameter`` (``choice(varies=...)``), e.g. ``[("c1", "horizon")]`` for ``horizon``: the
    checks the brief's own value passes (the horizon after the data's last year) apply to
    them too."""
    return [
        (key, name)
        for key, model in claims.choices_models().items()
        for name, field in model.model_fields.items()
        if rules.varied_parameter(field) == parameter
    ]


Choices = _claim_group(
    "Choices",
    {cid: _bounded(model) for cid, model in claims.choices_models().items()},
    "Every claim's specification space: the values of each choice the multiverse tries.",
)
BriefParams.model_rebuild()


# ---------------------------------------------------------------------------------------------
# Loading

#: At most this many problems are listed in one error; the others are counted.
MAX_PROBLEMS = 10


def _default_mapping(parts: Sequence[str]) -> dict[str, Any]:
    """What a dotted key's missing group starts from: a mapping-valued parameter (e.g.
    ``composite_weights``) starts from its default, so ``--set composite_weights.milex=0.6``
    changes one weight and keeps the others; a group of parameters starts empty (its fields
    keep their defaults)."""
    model: type[BaseModel] = BriefParams
    for i, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None:
            return {}
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
            continue
        if i == len(parts) - 1:
            default = field.get_default(call_default_factory=True)
            if isinstance(default, dict):
                return copy.deepcopy(default)
        return {}
    return {}


def _apply(data: dict[str, Any], override: Override) -> str | None:
    parts = override.parts
    node = data
    for i, part in enumerate(parts[:-1]):
        child = node.get(part)
        if child is None:
            child = node[part] = _default_mapping(parts[: i + 1])
        if not isinstance(child, dict):
            where = ".".join(parts[: i + 1])
            return (
                f"--set {quote(override.item)}: {clip(where)} is {quote(child)}, not a group "
                "of parameters"
            )
        node = child
    node[parts[-1]] = override.value
    return None


def _fields_of(loc: tuple[Any, ...]) -> list[str]:
    model: type[BaseModel] = BriefParams
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        ann = getattr(field, "annotation", None)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
        else:
            return []
    return list(model.model_fields)


def _describe(err: Mapping[str, Any]) -> str:
    loc = tuple(err["loc"])
    key = clip(".".join(str(p) for p in loc)) if loc else "(parameters)"
    value = err.get("input")
    if isinstance(value, dt.date):  # a YAML date, shown as written
        value = value.isoformat()
    if err["type"] == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1])[:100], _fields_of(loc), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        allowed = ", ".join(_fields_of(loc))
        return f"{key}: unknown parameter (given {quote(value)}){hint} Allowed keys: {allowed}"
    msg = clip(str(err["msg"]).removeprefix("Value error, "), 2 * MAX_QUOTED)
    if not loc:  # cross-field checks already name key and value
        return msg
    return f"{key}: got {quote(value)}, {msg[:1].lower()}{msg[1:]}"


def _errors(data: dict[str, Any]) -> tuple[BriefParams | None, list[dict[str, Any]]]:
    try:
        return BriefParams.model_validate(data), []
    except ValidationError as exc:
        return None, list(exc.errors(include_url=False))


def _problems(data: Mapping[str, Any]) -> tuple[BriefParams | None, list[str]]:
    data = dict(data)
    params, errors = _errors(data)
    if params is not None:
        return params, []
    # Field errors stop pydantic before the cross-field checks: drop the bad fields (their
    # defaults stand in) and validate again so cross-field problems are reported at once too.
    bad_keys = {e["loc"][0] for e in errors if e["loc"]}
    if bad_keys:
        _, again = _errors({k: v for k, v in data.items() if k not in bad_keys})
        errors += [e for e in again if not e["loc"]]
    problems: list[str] = []
    for e in errors:
        for p in _describe(e).split(" | "):
            if p not in problems:
                problems.append(p)
    return None, problems


def _blame(problem: str, overrides: Sequence[Override]) -> str:
    """``problem`` (caused by the overrides, not by the file) followed by the ``--set`` items
    that caused it: those setting its key (or a key inside it, or the group holding it), else
    those whose parameter the problem names (cross-field checks), else all of them."""
    key = problem.split(":", 1)[0].strip()
    chosen = [
        o
        for o in overrides
        if o.key == key or o.key.startswith(key + ".") or key.startswith(o.key + ".")
    ]
    if not chosen:
        chosen = [o for o in overrides if re.search(rf"\b{re.escape(o.parts[0])}\b", problem)]
    items = ", ".join(f"--set {clip(o.item)}" for o in (chosen or overrides))
    return f"{problem} (from {items})"


def _raise(source: str, problems: list[str]) -> None:
    n = len(problems)
    shown = _allowed_once(problems[:MAX_PROBLEMS])
    more = n - len(shown)
    tail = f"; and {more} more problem{'s' if more > 1 else ''}" if more else ""
    head = f"{source}: {n} problem{'s' if n > 1 else ''}: "
    # each problem gets its share of the message, so the count of the rest is never cut off
    share = (MAX_MESSAGE - len(head) - len(tail) - 2 * len(shown)) // max(len(shown), 1) - 30
    raise BriefError(head + "; ".join(clip(p, max(share, 80)) for p in shown) + tail)


def _allowed_once(problems: list[str]) -> list[str]:
    """The list of allowed keys said once for each group of unknown keys, after the first
    problem that needs it (ten unknown keys are ten problems, not ten copies of the list)."""
    seen: set[str] = set()
    out = []
    for p in problems:
        head, sep, allowed = p.partition(" Allowed keys: ")
        if sep and allowed in seen:
            p = head
        seen.add(allowed)
        out.append(p)
    return out


def validate(data: Mapping[str, Any], *, source: str = "parameters") -> BriefParams:
    """Validate a merged parameter dict, reporting every problem in one BriefError."""
    params, problems = _problems(data)
    if params is None:
        _raise(source, problems)
    assert params is not None
    return params


def load_params(
    path: str | Path, overrides: Sequence[str] = (), *, shown: str | None = None
) -> BriefParams:
    """Load ``path`` (UTF-8 YAML), apply ``key=value`` overrides and validate everything at once.

    A dotted override sets one key inside a group or a mapping and keeps the rest
    (``composite_weights.milex=0.6`` changes one weight); ``key={...}`` replaces the whole value.
    A problem caused by an override names it (``(from --set horizon=soon)``). ``shown`` is how
    the messages name the file (default: the path as given).
    """
    path = Path(path)
    shown = shown or path.as_posix()
    data = read_params_file(path, shown)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BriefError(
            f"{shown}: expected a mapping of parameter: value, got {type(data).__name__}"
        )
    data.setdefault("name", path.stem)
    parsed, problems = parse_overrides(overrides)
    merged = copy.deepcopy(data)
    for override in parsed:
        problem = _apply(merged, override)
        if problem:
            problems.append(problem)
    params, more = _problems(merged)
    if more and parsed:
        _, from_file = _problems(data)
        more = [p if p in from_file else _blame(p, parsed) for p in more]
    problems += more
    if problems or params is None:
        _raise(shown, problems)
    assert params is not None
    return params


def notebook_parameters(params: BriefParams) -> dict[str, Any]:
    """The JSON-able parameter values a notebook may receive: one key per top-level parameter,
    nested groups (``growth_scenario``, ``sanctions_scenario``) as plain dicts."""
    return params.model_dump(mode="json")


def last_observed_years(dump: Mapping[str, Any]) -> dict[str, int]:
    """Measure -> the last year with observed data for both the coalition and the benchmark,
    for the brief's measures (``dump``: its parameters), from the curated indicators as of its
    ``as_of``: what a horizon must come after."""
    from analysis.compute import power
    from analysis.data.load import load_indicators

    ind = load_indicators(list(power.INDICATORS), as_of=dump.get("as_of"))
    series = power.brief_series(ind, BriefParams.model_validate(dump))
    return {m: int(s.table["year"].max()) for m, s in sorted(series.items()) if not s.table.empty}
