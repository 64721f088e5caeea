"""CITATION.cff, checked by the Citation File Format's reference tool (`cffconvert --validate`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conformance_tools import tool
from tests.conftest import ROOT

pytestmark = pytest.mark.conformance
CFF = ROOT / "CITATION.cff"


def cffconvert_validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool("cffconvert"), "--validate", "-i", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_citation_file_is_valid_cff_1_2_0():
    proc = cffconvert_validate(CFF)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-2000:]
    assert "Citation metadata are valid according to schema version 1.2.0." in proc.stdout


def test_the_rand_report_keeps_its_number():
    (report,) = yaml.safe_load(CFF.read_text("utf-8"))["references"]
    assert report["type"] == "report" and report["number"] == "RR-3067"
    assert report["institution"] == {"name": "RAND Corporation"} and report["year"] == 2021


def test_the_tool_rejects_a_key_the_schema_does_not_allow(tmp_path: Path):
    """The check can fail: the key the file used before (CFF has no report-number)."""
    bad = tmp_path / "CITATION.cff"
    bad.write_text(
        CFF.read_text("utf-8").replace("    number: RR-3067", "    report-number: RR-3067")
    )
    assert "report-number" in bad.read_text("utf-8")
    proc = cffconvert_validate(bad)
    assert proc.returncode != 0
    assert "'report-number' was unexpected" in proc.stdout + proc.stderr
