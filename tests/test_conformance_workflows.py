"""The GitHub Actions workflows, checked by zizmor (offline audits, default persona)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conformance_tools import tool
from tests.conftest import ROOT

pytestmark = pytest.mark.conformance
WORKFLOWS = ROOT / ".github" / "workflows"
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def zizmor(path: Path) -> tuple[int, list[dict]]:
    proc = subprocess.run(
        [tool("zizmor"), "--offline", "--format=json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.stdout.strip(), proc.stderr[-2000:]
    return proc.returncode, json.loads(proc.stdout)


def test_zizmor_finds_nothing_in_the_workflows():
    assert sorted(WORKFLOWS.glob("*.yml"))
    code, findings = zizmor(WORKFLOWS)
    found = [(f["ident"], f["determinations"]["severity"]) for f in findings]
    assert found == [] and code == 0, found


def test_every_action_is_pinned_to_a_commit_with_its_release_as_a_comment():
    for wf in sorted(WORKFLOWS.glob("*.yml")):
        lines = [line for line in wf.read_text("utf-8").splitlines() if "uses:" in line]
        assert lines, wf.name
        unpinned = [line.strip() for line in lines if not PINNED.match(line)]
        assert not unpinned, f"{wf.name}: {unpinned}"


def test_checkout_persists_no_credentials():
    for wf in sorted(WORKFLOWS.glob("*.yml")):
        for job in yaml.safe_load(wf.read_text("utf-8"))["jobs"].values():
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, wf.name


def test_zizmor_reports_what_the_workflow_fixed(tmp_path: Path):
    """The check can fail: a tag instead of a commit, and credentials left to the checkout."""
    wf = tmp_path / "bad.yml"
    wf.write_text(
        "name: bad\non: push\npermissions: {}\njobs:\n  build:\n    name: build\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
    )
    code, findings = zizmor(wf)
    assert code != 0
    assert {f["ident"] for f in findings} == {"unpinned-uses", "artipacked"}
