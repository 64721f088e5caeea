"""The five bugs a review planted that the suite once let through, planted again: each must fail
at least one of the tests that cover its code.

Each case copies the ``analysis`` package to a temporary folder, makes one edit there (the
original text must occur exactly once), and runs the covering test files against the copy
(``PYTHONPATH`` puts it first; the project folder stays the working directory). The whole
mutation score of the verdict and statistics modules is measured with mutmut (`make mutation`,
README "Mutation testing"); this test keeps these five from coming back between those runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

MUTANTS = {
    # C1: a probability of exceeding equal to the threshold counts as "likely to exceed"
    "c1-exceed-at-threshold": (
        "compute/claims/c1.py",
        "likely = at_least(prob_exceed_by_horizon, rules.exceed_probability)",
        "likely = more_than(prob_exceed_by_horizon, rules.exceed_probability)",
        ["tests/test_claims.py"],
    ),
    # C1 part 2 loses "not exceeded through the article's horizon"
    "c1-part2-condition": (
        "compute/claims/c1.py",
        '("fails" if exceeded_early else "holds") if covers else "untested"',
        '"holds" if covers else "untested"',
        ["tests/test_claims.py"],
    ),
    # missing member-years, "report_gap": a year needs a member of each group, not of either
    "report-gap-and-or": (
        "compute/power.py",
        "else (n_c > 0) & (n_b > 0)",
        "else (n_c > 0) | (n_b > 0)",
        ["tests/test_analysis_power.py"],
    ),
    # the break-in-trend interval (C3) with n - 3 residual degrees of freedom instead of n - 4
    "break-dof": (
        "compute/stats.py",
        "dof = len(y) - 4",
        "dof = len(y) - 3",
        ["tests/test_stats.py"],
    ),
    # a small but real chance printed as 1 % instead of "<1%"
    "percent-cutoff": (
        "formats.py",
        'if value > 0 and shown == "0%":',
        "if 0 < value < 0.01:",
        ["tests/test_formats.py"],
    ),
}


def _project_with(tmp_path: Path, rel: str, original: str, mutant: str) -> Path:
    """A project folder whose ``analysis`` (and ``tests``) are copies, one edit made; every other
    top-level entry links to the real one."""
    project = tmp_path / "project"
    project.mkdir()
    skip = shutil.ignore_patterns("__pycache__", ".hypothesis")
    for entry in ROOT.iterdir():
        if entry.name in ("analysis", "tests"):
            shutil.copytree(entry, project / entry.name, ignore=skip)
        elif not entry.name.startswith(".") and entry.name not in ("_build", "_site", "mutants"):
            (project / entry.name).symlink_to(entry)
    target = project / "analysis" / rel
    source = target.read_text(encoding="utf-8")
    assert source.count(original) == 1, f"analysis/{rel}: the code the mutant edits has changed"
    target.write_text(source.replace(original, mutant), encoding="utf-8")
    return project


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_a_replanted_bug_fails_a_test(name: str, tmp_path: Path):
    rel, original, mutant, tests = MUTANTS[name]
    project = _project_with(tmp_path, rel, original, mutant)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEF_", "PYTEST_"))}
    env["PYTHONPATH"] = str(project)
    where = subprocess.run(
        [sys.executable, "-c", "import analysis; print(analysis.__file__)"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(project), where  # the tests will import the mutant
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # exit 1: tests ran and one failed (2-5 would be an interrupted or broken run)
    assert run.returncode == 1, run.stdout[-2000:] + run.stderr[-2000:]
