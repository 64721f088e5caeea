"""Every claim decided on the committed data, in full: what ``tests/test_claims_pinned.py``
compares with ``tests/fixtures/claims/pinned.json``.

Every claim the registry finds (a new claim is pinned with no change here): the brief's claim as
its notebook decides it (the module's ``prepare`` and ``decide``), with the title, caption and
alt text of every chart it draws. For a claim with a specification space besides: the brief's
own specification; the first, middle and last of the space; and the own specification on the
same tables with no rows ("no data"), each decided by the module's ``evaluate`` (as the
multiverse does), keeping the full :class:`~analysis.results.Claim` that ``assess`` returned
(verdict, parts, every evidence item with its label, unit and year, the sentence, the headline,
the assumptions; for C1 the measure's parts and numbers) and the estimate. A claim without one
is decided on no data by ``decide`` itself. Numbers are rounded to 6 significant digits, the
stated tolerance.

Regenerate on purpose only (a change to the data, a rule or the code that moves a claim), and
say why in the commit: ``.venv/bin/python -m tests.claims_pinned``.
"""

from __future__ import annotations

import functools
import math
import tempfile
from pathlib import Path
from typing import Any

from analysis.compute import artifacts
from analysis.compute import claims as claim_modules
from analysis.compute import multiverse as mv
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
def data(cid: str) -> dict[str, Any]:
    """The curated tables a claim declares it reads (loaded once per process per claim;
    callers do not modify them)."""
    module = claim_modules.MODULES[cid]
    return data_load.tables(module.READS, getattr(module, "INDICATORS", None))


def brief(module: Any, inputs: Any, params: BriefParams) -> dict[str, Any]:
    """The claim as its notebook decides it, and the words of every chart it draws (the
    charts are written to a temporary folder and thrown away)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = artifacts.Exhibits(tmp, "pinned")
        result = module.decide(inputs, params, out)
    charts = {
        cid: {k: meta[k] for k in ("title", "caption", "alt")}
        for cid, meta in sorted(out.charts.items())
    }
    return {"claim": result.model_dump(mode="json"), "charts": charts}


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


def compute_claim(cid: str) -> dict[str, Any]:
    """One claim, decided as described above (numbers rounded)."""
    params = BriefParams()
    tables = data(cid)
    module = claim_modules.MODULES[cid]
    # the same tables with no rows: every claim must say what it cannot test, never fail
    empty = {name: table.iloc[0:0] for name, table in tables.items()}
    inputs = module.prepare(tables, params)
    out = {"brief": brief(module, inputs, params)}
    if not hasattr(module, "Choices"):
        out["no data"] = brief(module, module.prepare(empty, params), params)["claim"]
        return rounded(out)
    out |= {
        name: decide(module, inputs, spec, params)
        for name, spec in specs_of(module, params).items()
    }
    out["no data"] = decide(
        module, module.prepare(empty, params), mv.own(module.ID, params), params
    )
    return rounded(out)


def compute() -> dict[str, Any]:
    return {cid: compute_claim(cid) for cid in claim_modules.MODULES}


if __name__ == "__main__":
    PINNED.parent.mkdir(parents=True, exist_ok=True)
    PINNED.write_text(dump_json(compute()), encoding="utf-8")
    print(f"wrote {PINNED}")
