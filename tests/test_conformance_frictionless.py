"""data/datapackage.json, checked by the Frictionless reference tool (`frictionless validate`).

The committed package is what `brief data curate` writes (tests/test_data_core.py compares the two
byte for byte), so validating it validates the generator: the descriptor against the Data Package
spec, and every resource's schema, rows, byte count and SHA-256.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis.data import countries as ctry
from analysis.data import curate as cur
from analysis.errors import BriefError
from analysis.publish.provenance import SOURCE_KEYS
from tests.conformance_tools import tool
from tests.conftest import ROOT

pytestmark = pytest.mark.conformance
DATA = ROOT / "data"


def validate(package: Path) -> dict:
    proc = subprocess.run(
        [tool("frictionless"), "validate", "--json", str(package.name)],
        cwd=package.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.stdout, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert (proc.returncode == 0) == report["valid"], proc.stderr[-2000:]
    return report


def errors_of(report: dict) -> list[str]:
    out = [e["message"] for e in report["errors"]]
    for task in report["tasks"]:
        out += [f"{task['name']}: {e['message']}" for e in task["errors"]]
    return out


def test_the_committed_package_and_every_resource_are_valid():
    package = json.loads((DATA / cur.PACKAGE).read_text("utf-8"))
    report = validate(DATA / cur.PACKAGE)
    assert report["valid"], errors_of(report)
    tasks = {t["name"]: t for t in report["tasks"]}
    assert sorted(tasks) == sorted(r["name"] for r in package["resources"])  # each one checked
    for res in package["resources"]:
        stats = tasks[res["name"]]["stats"]
        assert tasks[res["name"]]["valid"], res["name"]
        # the tool read every file and compared it with the descriptor's hash and size
        assert "sha256:" + stats["sha256"] == res["hash"] and stats["bytes"] == res["bytes"]
        assert stats["rows"] > 0


def _one_resource_package(tmp_path: Path, edit) -> Path:
    """A copy of the committed package holding only ``countries.csv``, edited by ``edit``."""
    package = json.loads((DATA / cur.PACKAGE).read_text("utf-8"))
    package["resources"] = [r for r in package["resources"] if r["path"] == "countries.csv"]
    shutil.copyfile(DATA / "countries.csv", tmp_path / "countries.csv")
    edit(package, tmp_path)
    (tmp_path / cur.PACKAGE).write_text(json.dumps(package), "utf-8")
    return tmp_path / cur.PACKAGE


def _sources_as_strings(package: dict, _dir: Path) -> None:
    package["resources"][0]["sources"] = ["derived"]  # the layout before issue 15


def _licence_as_string(package: dict, _dir: Path) -> None:
    package["licenses"] = ["MIT"]


def _changed_file(_package: dict, d: Path) -> None:
    with open(d / "countries.csv", "a", encoding="utf-8") as f:
        f.write("ZZZ,Nowhere,ZZ,,country\n")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (_sources_as_strings, "is not of type 'object' at property 'sources/0'"),
        (_licence_as_string, "is not of type 'object' at property 'licenses/0'"),
        (_changed_file, "hash"),
    ],
)
def test_the_tool_rejects_what_the_spec_forbids(tmp_path: Path, edit, expected: str):
    """The check can fail: string sources (the old layout), a bare licence, a changed file."""
    report = validate(_one_resource_package(tmp_path, edit))
    assert not report["valid"]
    assert any(expected in e for e in errors_of(report)), errors_of(report)


def test_sources_and_licenses_are_spec_objects_and_provenance_is_complete():
    package = json.loads((DATA / cur.PACKAGE).read_text("utf-8"))
    prov = package["provenance"]["sources"]
    assert [s["title"] for s in package["sources"]] == [s["title"] for s in prov]
    for res in package["resources"]:
        assert res["profile"] == "tabular-data-resource"
        assert res["sources"] and all(set(s) <= {"title", "path"} for s in res["sources"])
        assert res["licenses"] and all(
            lic.get("name") or lic.get("path") for lic in res["licenses"]
        )
        assert all(lic in package["licenses"] for lic in res["licenses"])
    for src in prov:
        assert set(SOURCE_KEYS) <= set(src), src["id"]
        # raw files, earlier releases' files (a *_vintages source) or the hand-curated tables
        files = [*src.get("raw_files", []), *src.get("vintage_files", [])] or src["files"]
        assert files and all(len(f["sha256"]) == 64 and f["bytes"] > 0 for f in files)
    built_from = {f["path"] for f in package["provenance"]["countries_built_from"]}
    assert built_from == set(ctry.RAW_FILES)


def _src(**over) -> dict:
    base = {"id": "x", "title": "X", "url": "https://example.org/x", "licence": "terms of X"}
    return {**base, **over}


def test_a_licence_is_named_when_the_terms_are_an_open_licence_else_points_at_the_source():
    assert cur.licence_object(_src(licence="CC BY 4.0 (GGDC)")) == {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "CC BY 4.0 (GGDC)",
    }
    assert cur.licence_object(_src(licence="MIT (package)"))["name"] == "MIT"
    assert cur.licence_object(_src()) == {"path": "https://example.org/x", "title": "terms of X"}
    assert cur.licence_object(_src(licence="CC-BY-4.0", url=""))["name"] == "CC-BY-4.0"
    with pytest.raises(BriefError) as err:
        cur.licence_object(_src(url=""))
    assert str(err.value).startswith("source 'x': licence 'terms of X' names no open licence")
    assert "\n" not in str(err.value)


def test_a_source_without_url_has_a_title_only():
    assert cur.source_object(_src(url="")) == {"title": "X"}
    assert cur.source_object(_src()) == {"title": "X", "path": "https://example.org/x"}
