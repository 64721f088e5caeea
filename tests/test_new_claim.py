"""A new claim is one module and one template (docs/architecture.md, "To add a claim").

A fresh copy of the project gets a toy ninth claim, written as a contributor would: exactly
``analysis/compute/claims/c9.py`` and ``report/claims/C9.md.j2``, no other file touched. The
build runs its notebook and its multiverse, the brief shows its section and its row, the
comparison page lists it, and the pins decide it, all with the copy's own code (run in
processes started in the copy, so they import its ``analysis`` package, not this one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from tests.clone import fresh_copy, project_files

pytestmark = pytest.mark.slow

MODULE = '''\
"""C9: joint exercises are held every year (a toy claim, to show what adding one takes).

Part (``rules.c9``): *every year*: at least ``min_count`` joint exercises in each of the last
five years of the curated list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.compute import exercises as ex
from analysis.compute.claims.base import claim, ev, outcome, part
from analysis.compute.claims.rules import Frozen, choices_of, rule, spec_rules
from analysis.results import Claim

ID = "C9"
TITLE = "Joint exercises are held every year (toy)"
READS = ("exercises",)
PARAMS: tuple[str, ...] = ()
ESTIMATE = "fewest joint exercises in a year, of the last five"


class Rules(Frozen):
    """The rules that decide C9 (brief parameters ``rules.c9.*``)."""

    min_count: int = rule(1, ge=1, le=20, vary=[1, 2, 3], title="the yearly minimum")
    """Exercises a year that count as held every year. Varied: one to three."""


Choices = choices_of(Rules)


def prepare(data: Mapping[str, Any], params: Any) -> pd.DataFrame:
    per = ex.exercises_per_year(ex.exercise_complexity(data["exercises"]))
    return per[per["year"] > per["year"].max() - 5].reset_index(drop=True)


def assess(per_year: pd.DataFrame, rules: Rules) -> Claim:
    fewest = int(per_year["count"].min()) if len(per_year) else None
    held = None if fewest is None else fewest >= rules.min_count
    return claim(
        TITLE,
        [part("Every year", f"at least {rules.min_count} a year", outcome(held))],
        f"At least {fewest} joint exercises a year in the last five years.",
        [ev("fewest", "Fewest joint exercises in a year", fewest, "count", decisive=True)],
        headline=f"At least {fewest} a year",
    )


def decide(per_year: pd.DataFrame, params: Any, out: Any) -> Claim:
    import altair as alt

    out.chart(
        alt.Chart(per_year).mark_bar().encode(x="year:O", y="count:Q"),
        "c9-years",
        title="Joint exercises in each of the last five years",
        caption="Joint exercises and patrols a year.",
        alt="Bar chart of joint exercises a year, last five years.",
        source="Hand-curated exercises; our computation",
        data=per_year,
    )
    return out.finish(assess(per_year, params.rules.c9))


def evaluate(per_year: pd.DataFrame, spec: dict[str, Any], params: Any):
    result = assess(per_year, spec_rules(params.rules.c9, spec))
    return float(per_year["count"].min()), result.verdict
'''

TEMPLATE = """\
## C9: {{ claim.title }} {#{{ claim.anchor }}}

**What the report argued.** Nothing: this toy claim shows what adding a claim takes.

**What tests it.** The curated list of joint exercises.

{% include "claim.md.j2" %}
"""


def run(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m analysis ...`` or ``python -c ...`` in the copy, with its own code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEF_", "QUARTO_"))}
    env["BRIEF_ROOT"] = str(copy)
    env["PYTHONPATH"] = str(copy)
    return subprocess.run(
        [sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=900
    )


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = fresh_copy(tmp_path_factory.mktemp("ninth") / "project")
    before = set(project_files())
    (root / "analysis/compute/claims/c9.py").write_text(MODULE, encoding="utf-8")
    (root / "report/claims/C9.md.j2").write_text(TEMPLATE, encoding="utf-8")
    # exactly two new files, nothing else changed
    copied = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert copied - before == {"analysis/compute/claims/c9.py", "report/claims/C9.md.j2"}
    proc = run(root, "-m", "analysis", "run", "params/default.yml")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    proc = run(root, "-m", "analysis", "fragments")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return root


def test_the_build_runs_the_new_claims_notebook_and_multiverse(copy: Path):
    build = copy / "_build" / "default"
    results = json.loads((build / "results.json").read_text())
    c9 = results["claims"]["C9"]
    assert c9["title"] == "Joint exercises are held every year (toy)"
    assert c9["verdict"] in ("supported", "not supported") and c9["charts"] == ["c9-years"]
    assert results["charts"]["c9-years"]["notebook"] == "claim-c9"
    assert results["robustness"]["C9"]["specifications"] == 3
    assert (build / "tables" / "multiverse-c9.csv").is_file()
    assert (build / "notebooks" / "claim-c9.ipynb").is_file()
    assert (build / "notebooks" / "multiverse-c9.ipynb").is_file()


def test_the_brief_and_the_comparison_page_show_it(copy: Path):
    generated = copy / "report" / "_generated"
    assert (
        "## C9: Joint exercises are held every year \\(toy\\)"
        in (generated / "claims.md").read_text()
    )
    summary = (generated / "summary.md").read_text()
    assert "Of the 9 claims" in summary and "(#sec-c9)" in summary
    assert "spec-c9" in (generated / "robustness.md").read_text()
    # one brief built: the comparison page says how to add the others; the editions page's grid
    # has a row for every claim of the builds it finds (here the current brief's)
    assert "| **C9** |" in (generated / "editions.md").read_text()


def test_the_pins_decide_it(copy: Path):
    code = textwrap.dedent(
        """
        import json
        from tests.claims_pinned import compute, compute_claim
        pins = compute_claim("C9")
        print(json.dumps({"claims": sorted(compute()), "C9": sorted(pins), "verdict":
                          pins["brief"]["claim"]["verdict"]}))
        """
    )
    proc = run(copy, "-c", code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["claims"] == [f"C{i}" for i in range(1, 10)]
    assert out["C9"] == ["brief", "first", "last", "middle", "no data", "own"]


def _module(name: str, **attrs) -> types.ModuleType:
    module = types.ModuleType(f"analysis.compute.claims.{name}")
    module.__file__ = f"/anywhere/analysis/compute/claims/{name}.py"
    module.__dict__.update(attrs)
    return module


def test_a_claim_module_without_decide_is_one_error_naming_its_file():
    from analysis.compute import claims
    from analysis.errors import BriefError

    broken = _module("c9", ID="C9", TITLE="t", READS=("countries",), PARAMS=(), prepare=len)
    with pytest.raises(BriefError) as info:
        claims.check(broken, "C9")
    message = str(info.value)
    assert message.startswith("analysis/compute/claims/c9.py: not a claim module")
    assert "missing decide" in message
    assert "Traceback" not in message


def test_a_claim_module_with_a_wrong_id_or_reads_is_named_with_each_problem():
    from analysis.compute import claims
    from analysis.errors import BriefError

    broken = _module(
        "c9", ID="C7", TITLE="t", READS="countries", PARAMS=(), prepare=len, decide=len
    )
    with pytest.raises(BriefError) as info:
        claims.check(broken, "C9")
    message = str(info.value)
    assert "ID is 'C7', expected 'C9'" in message
    assert "READS is 'countries', expected a tuple of names" in message
    # a well-formed module passes
    whole = _module("c9", ID="C9", TITLE="t", READS=(), PARAMS=(), prepare=len, decide=len)
    claims.check(whole, "C9")
