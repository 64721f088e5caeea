"""`brief diff OLD NEW`: each planted change is given the right cause, and only where it reaches.

The builds are made here, small and by hand, from the report fixture's results (C1 with its
robustness, C5 without): a results.json, the manifest of the runs that wrote it (what each run
received, read and imported) and each run's part of the results. Each test plants one change in
a copy (a source's release, a parameter, a library module, a new claim) and checks that the diff
names it as the cause of the claim it reaches, and of no other claim.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from analysis.cli import main
from analysis.errors import BriefError
from analysis.publish import diff
from tests.briefbuilds import WEO, spec, write_build


def pair(tmp_path: Path, plant) -> dict[str, Any]:
    """The diff of a build against a copy with ``plant`` applied to its spec."""
    old = spec()
    new = copy.deepcopy(old)
    plant(new)
    return diff.diff_builds(write_build(tmp_path / "old", old), write_build(tmp_path / "new", new))


def claim(d: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(c for c in d["claims"] if c["id"] == cid)


def evidence(s: dict[str, Any], cid: str, key: str) -> dict[str, Any]:
    return next(e for e in s["results"]["claims"][cid]["evidence"] if e["key"] == key)


def kinds(c: dict[str, Any]) -> set[tuple[str, str]]:
    return {(x["kind"], x["what"]) for x in c["causes"]}


def test_a_new_source_release_is_the_cause_of_the_claims_that_read_that_source(tmp_path):
    def plant(s):
        s["results"]["brief"]["releases"]["imf_weo"] = {**WEO, "label": "October 2025",
                                                         "release": "2025-10"}  # fmt: skip
        evidence(s, "C1", "ratio_latest")["value"] = 0.8

    d = pair(tmp_path, plant)
    c1, c5 = claim(d, "C1"), claim(d, "C5")
    assert kinds(c1) == {("release", "IMF World Economic Outlook")}
    cause = c1["causes"][0]
    assert (cause["old"], cause["new"]) == ("October 2021", "October 2025")
    row = next(r for r in c1["numbers"] if r["key"] == "ratio_latest")
    assert row["moved"] and row["change"] == pytest.approx(0.08)
    assert row["old"]["text"] == "0.72 (2024)" and row["new"]["text"] == "0.80 (2024)"
    assert c5["causes"] == [] and not c5["moved"]  # C5 reads no WEO: nothing reaches it
    assert [r["source"] for r in d["inputs"]["releases"]] == ["imf_weo"]
    md = diff.markdown(d)
    assert "analyses that moved (3 did not)." in md  # C1's caption counts the numbers that stayed


def test_a_release_reaches_a_claim_that_does_not_name_it_when_its_runs_read_its_file(tmp_path):
    def plant(s):
        s["results"]["brief"]["releases"]["imf_weo"] = {**WEO, "label": "October 2025",
                                                         "release": "2025-10"}  # fmt: skip
        s["data"]["C5"] = ["exercises.csv", "indicators/imf_weo.csv"]
        s["results"]["claims"]["C5"]["evidence"][0]["value"] = 7

    old = spec()
    old["data"]["C5"] = ["exercises.csv", "vintages/imf_weo/2021-10.csv"]
    new = copy.deepcopy(old)
    plant(new)
    d = diff.diff_builds(write_build(tmp_path / "old", old), write_build(tmp_path / "new", new))
    c5 = claim(d, "C5")  # names only the hand-curated source, but read the WEO's files
    assert kinds(c5) == {("release", "IMF World Economic Outlook")}
    assert c5["causes"][0]["reaches"] == ["its verdict and numbers"]  # C5 has no multiverse run


def test_a_parameter_is_the_cause_only_of_the_claim_whose_runs_receive_it(tmp_path):
    def plant(s):
        s["results"]["brief"]["params"]["rules"]["c1"]["tolerance"] = 0.05
        s["results"]["claims"]["C1"]["verdict"] = "supported"

    d = pair(tmp_path, plant)
    c1, c5 = claim(d, "C1"), claim(d, "C5")
    assert kinds(c1) == {("parameter", "rules.c1.tolerance")}
    assert {"its verdict and numbers", "its robustness"} == set(c1["causes"][0]["reaches"])
    assert c1["own_verdict"] == {"old": "partly supported", "new": "supported", "moved": True}
    assert c5["causes"] == []
    assert d["inputs"]["parameters"] == [
        {"key": "rules.c1.tolerance", "old": "0.01", "new": "0.05"}
    ]


def test_a_changed_library_module_is_the_cause_of_the_claims_that_import_it(tmp_path):
    def plant(s):
        s["code"]["analysis/compute/exercises.py"] = "e" * 64
        s["results"]["brief"]["code_version"] = "v0.1.0-4-gdef5678"
        evidence(s, "C5", s["results"]["claims"]["C5"]["evidence"][0]["key"])["value"] = 99

    d = pair(tmp_path, plant)
    c1, c5 = claim(d, "C1"), claim(d, "C5")
    assert kinds(c5) == {("code", "analysis/compute/exercises.py")}
    assert c5["causes"][0]["new"] == "changed"
    assert c5["moved"] and any(r["moved"] for r in c5["numbers"])
    assert c1["causes"] == [] and not c1["moved"]  # C1 does not import exercises.py
    assert d["inputs"]["code"] is True


def test_a_claim_added_is_shown_in_the_new_build_only_with_its_run_as_cause(tmp_path):
    def plant(s):
        c9 = copy.deepcopy(s["results"]["claims"]["C5"])
        c9["title"] = "A ninth claim"
        s["results"]["claims"]["C9"] = c9

    d = pair(tmp_path, plant)
    c9 = claim(d, "C9")
    assert c9["in"] == "new only" and c9["moved"]
    assert c9["verdict"]["old"] is None and c9["verdict"]["new"] == "supported"
    assert ("run", "the run") in kinds(c9)
    assert all(r["status"] == "only new" for r in c9["numbers"])
    assert d["summary"]["only_new"] == ["C9"]
    assert not claim(d, "C1")["moved"] and not claim(d, "C5")["moved"]
    md = diff.markdown(d)
    assert "In the new build only" in md and "no counterpart" in md


def test_data_revised_within_the_same_file_is_named_as_such(tmp_path):
    def plant(s):
        s["files"]["exercises.csv"] = "1" * 64
        s["results"]["claims"]["C5"]["evidence"][0]["value"] = 7

    c5 = claim(pair(tmp_path, plant), "C5")
    assert kinds(c5) == {("data", "exercises.csv")}


def test_a_number_with_no_counterpart_is_shown_not_a_crash(tmp_path):
    def plant(s):
        s["results"]["claims"]["C1"]["evidence"].pop()

    d = pair(tmp_path, plant)
    rows = [r for r in claim(d, "C1")["numbers"] if r["status"] != "both"]
    assert len(rows) == 1 and rows[0]["status"] == "only old" and rows[0]["new"] is None
    assert "no counterpart" in diff.markdown(d)
    assert claim(d, "C1")["unexplained"]  # it moved, and no input the claim reads did


def test_two_identical_builds_say_nothing_changed(tmp_path):
    d = pair(tmp_path, lambda s: None)
    assert d["identical"] and d["summary"]["numbers_moved"] == 0
    assert "Nothing changed" in diff.markdown(d)
    assert diff.summary_line(d).startswith("nothing changed")


def test_a_flipped_verdict_is_marked_and_the_markdown_escapes_build_text(tmp_path):
    def plant(s):
        s["results"]["claims"]["C1"]["title"] = "Power <script>alert(1)</script> {{< env HOME >}}"
        s["results"]["robustness"]["C1"]["published"] = "not supported"

    md = diff.markdown(pair(tmp_path, plant))
    assert "*flipped*" in md
    assert "<script>" not in md and "{{<" not in md
    assert r"\<script\>" in md


def test_the_cli_prints_markdown_or_json_and_the_summary(tmp_path, capsys):
    old = write_build(tmp_path / "old", spec())
    assert main(["diff", str(old), str(old), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["identical"] is True
    assert err.strip() == diff.summary_line(diff.diff_builds(old, old))
    target = tmp_path / "diff.md"
    assert main(["diff", str(old), str(old), "-o", str(target)]) == 0
    assert "Nothing changed" in target.read_text(encoding="utf-8")


def _no_manifest(p: Path) -> Path:
    (write_build(p / "b", spec()) / "manifest.json").unlink()
    return p / "b"


def _bad_manifest(p: Path) -> Path:
    (write_build(p / "b", spec()) / "manifest.json").write_text("{", encoding="utf-8")
    return p / "b"


@pytest.mark.parametrize(
    ("make", "names"),
    [
        (lambda p: p / "missing", "missing: not found"),
        (lambda p: p, "no results.json"),
        (_no_manifest, "manifest.json: missing"),
        (_bad_manifest, "manifest.json: unreadable"),
    ],
)
def test_a_folder_that_is_not_a_build_is_one_error_line_naming_it(tmp_path, capsys, make, names):
    bad = make(tmp_path)
    good = write_build(tmp_path / "good", spec())
    with pytest.raises(BriefError, match="expected"):
        diff.diff_builds(bad, good)
    assert main(["diff", str(good), str(bad)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and names in err and str(tmp_path) in err
