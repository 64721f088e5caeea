"""Every claim decided on the committed data, in full: what ``tests/test_claims_pinned.py``
compares with ``tests/fixtures/claims/pinned.json``.

For each claim with a specification space: the brief's own specification; the first, middle
and last of the space; and the own specification on the same tables with no rows ("no data").
Each is decided by the claim module's ``evaluate`` (as the multiverse does), keeping the full
:class:`~analysis.results.Claim` that ``assess`` returned (verdict, parts, every evidence item
with its label, unit and year, the sentence, the headline, the assumptions; for C1 the
measure's parts and numbers) and the estimate. C1's claim as the brief states it (with its
table by measure), C8's limits chart and C6 (a what-if without choices) are decided as their
notebooks do. Numbers are rounded to 6 significant digits, the stated tolerance.

Regenerate on purpose only (a change to the data, a rule or the code that moves a claim), and
say why in the commit: ``.venv/bin/python -m tests.claims_pinned``.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any

from analysis.compute import claims as claim_modules
from analysis.compute import multiverse as mv
from analysis.compute import power, projection
from analysis.data import load as data_load
from analysis.files import dump_json
from analysis.params import BriefParams

PINNED = Path(__file__).parent / "fixtures" / "claims" / "pinned.json"
DIGITS = 6


def rounded(obj: Any) -> Any:
    if isinstance(obj, float):
        if not math.isfinite(obj) or obj == 0:
            return obj if math.isfinite(obj) else None
        return float(f"{obj:.{DIGITS}g}")
    if isinstance(obj, dict):
        return {k: rounded(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [rounded(v) for v in obj]
    return obj


@functools.cache
def data() -> dict[str, Any]:
    """The curated tables the claims read (loaded once per process; callers do not modify)."""
    return {
        "indicators": data_load.load_indicators(),
        **{
            t: data_load.load_table(t)
            for t in ("un_agreement", "bilateral_trade", "arms_register", "exercises")
        },
    }


def specs_of(module: Any, params: BriefParams) -> dict[str, dict[str, Any]]:
    space = mv.space(getattr(params.multiverse, module.ID.lower()))
    picked = {"own": mv.own(module.ID, params), "first": space[0], "middle": space[len(space) // 2]}
    picked["last"] = space[-1]
    return picked


def as_json(result: Any) -> Any:
    """A Claim, or C1's MeasureTest (a dataclass of parts and numbers), as plain data."""
    if hasattr(result, "model_dump"):
        return result.model_dump(mode="json")
    return {
        "measure": result.measure,
        "verdict": result.verdict,
        "parts": [p.model_dump(mode="json") for p in result.parts],
        "numbers": dict(sorted(result.numbers.items())),
    }


def decide(module: Any, inputs: Any, spec: dict[str, Any], params: BriefParams) -> dict:
    """``evaluate`` under ``spec``, with what its ``assess`` (C1: ``decide_measure``) returned."""
    name = "decide_measure" if module.ID == "C1" else "assess"
    seen = []
    inner = getattr(module, name)

    def spy(*args: Any, **kwargs: Any):
        seen.append(result := inner(*args, **kwargs))
        return result

    setattr(module, name, spy)
    try:
        estimate, verdict = module.evaluate(inputs, spec, params)
    finally:
        setattr(module, name, inner)
    return {
        "spec": {k: spec[k] for k in sorted(spec)},
        "estimate": estimate,
        "verdict": verdict,
        "decided": as_json(seen[-1]),
    }


def c1_brief(tables: dict[str, Any], params: BriefParams) -> tuple[dict, list]:
    """C1 as notebooks 01-02 decide it (every measure, the headline measure's claim)."""
    module = claim_modules.MODULES["C1"]
    ind = tables["indicators"]
    series = power.brief_series(ind, params)
    projections = projection.project_all(ind, params)
    tests = module.decide_all(series, projections, params)
    labels = {m: info["label"] for m, info in power.MEASURES.items()}
    table = module.verdict_table(tests, labels).astype(object)
    by_measure = table.where(table.notna(), None).to_dict("records")
    return module.brief_claim(tests, projections, params).model_dump(mode="json"), by_measure


def c6(tables: dict[str, Any], params: BriefParams) -> dict:
    """C6 as notebook 04 decides it."""
    module = claim_modules.MODULES["C6"]
    scenario = params.sanctions_scenario.model_dump()
    w = module.what_if(
        tables["bilateral_trade"],
        series=params.trade_series,
        end_year=params.horizon,
        scenario=scenario,
    )
    result = module.assess(
        w["projection"],
        w["sensitivity"],
        end_year=params.horizon,
        scenario=scenario,
        trade_words=w["words"],
    )
    return {"brief": result.model_dump(mode="json")}


def compute_claim(cid: str) -> dict[str, Any]:
    """One claim, decided as described above (numbers rounded)."""
    params = BriefParams()
    tables = data()
    module = claim_modules.MODULES[cid]
    # the same tables with no rows: every claim must say what it cannot test, never fail
    empty = {name: table.iloc[0:0] for name, table in tables.items()}
    if not hasattr(module, "Choices"):
        return rounded({**c6(tables, params), "no data": c6(empty, params)["brief"]})
    inputs = module.prepare(tables, params)
    out = {
        name: decide(module, inputs, spec, params)
        for name, spec in specs_of(module, params).items()
    }
    out["no data"] = decide(
        module, module.prepare(empty, params), mv.own(module.ID, params), params
    )
    if cid == "C1":
        out["brief"], out["by measure"] = c1_brief(tables, params)
    if cid == "C8":  # the limits chart's data, title and alt text, from the brief's own rules
        claim = module.assess(
            inputs["agreement"], inputs["spread"], inputs["share"], inputs["dependence"],
            params.rules.c8, trade_words=inputs["trade_words"],
        )  # fmt: skip
        limits = module.limits_table(inputs["agreement"], inputs["share"], inputs["dependence"])
        out["limits"] = {
            "headline": module.headline(claim),
            "alt": module.alt_text(limits),
            "rows": limits.to_dict("records"),
        }
    return rounded(out)


def compute() -> dict[str, Any]:
    return {cid: compute_claim(cid) for cid in claim_modules.MODULES}


if __name__ == "__main__":
    PINNED.parent.mkdir(parents=True, exist_ok=True)
    PINNED.write_text(dump_json(compute()), encoding="utf-8")
    print(f"wrote {PINNED}")
