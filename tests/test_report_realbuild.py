"""The report on the real build of the flagship brief (the session's ``built`` project)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analysis.compute import claims as claim_modules
from analysis.publish import checks
from analysis.publish.compare import BriefEntry
from analysis.publish.fragments import write_fragments
from analysis.publish.render import PAGES, prepare_project
from analysis.results import load_results
from tests.conftest import ROOT
from tests.test_report_browser import MARK, draw

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real(built: Path) -> tuple[Path, Path]:
    return built / "_build" / "default", built / "data" / "datapackage.json"


@pytest.fixture(scope="module")
def project(real, tmp_path_factory: pytest.TempPathFactory) -> Path:
    build, datapackage = real
    dest = tmp_path_factory.mktemp("realproject") / "project"
    entries = [BriefEntry(load_results(build))]
    # the brief's part and the comparison page's part, in one folder for the static checks
    prepare_project(dest, build, root=ROOT, entries=entries, datapackage=datapackage)
    return prepare_project(dest, None, root=ROOT, entries=entries, datapackage=datapackage)


def test_every_reference_of_the_real_brief_resolves(project: Path):
    problems = []
    for doc in (*PAGES, "report/brief.qmd"):
        problems += checks.check_document(
            project / doc,
            project,
            project / "report" / "references.bib",
            {"report/brief.pdf", "report/brief.html"},
        )
    assert problems == []


def test_the_summary_states_every_computed_verdict(real, project: Path):
    build, _ = real
    results = json.loads((build / "results.json").read_text())
    summary = (project / "report" / "_generated" / "summary.md").read_text()
    rows = dict(re.findall(r"^\| \[(C\d) [^|]*\| \[([^\]]+)\]\{\.verdict", summary, re.M))
    assert list(rows) == list(claim_modules.IDS)
    for cid in claim_modules.IDS:  # the verdict it publishes: its own, or that it depends
        rob = results["robustness"].get(cid)
        published = rob["published"] if rob else results["claims"][cid]["verdict"]
        assert rows[cid] == published, cid
    for cid, r in results["robustness"].items():  # and how robust each one is
        assert f"{r['specifications']:,} |" in summary, cid


def test_every_chart_of_the_real_build_is_a_captioned_figure_with_its_data(real, project: Path):
    build, _ = real
    res = load_results(build)
    gen = project / "report" / "_generated"
    text = "\n".join(p.read_text() for p in sorted(gen.rglob("*.md")))
    assert len(res.charts) >= 20
    for chart_id, info in res.charts.items():
        assert text.count(f"::: {{#{info.label}}}") >= 1, chart_id
        assert info.caption and info.alt and info.source, chart_id
        assert (project / "report" / "files" / "data" / f"{chart_id}.csv").is_file()
        assert f"[Data (CSV)](files/data/{chart_id}.csv)" in text


def test_fragments_of_the_real_build_are_byte_identical_and_hold_no_local_path(
    real, tmp_path: Path
):
    build, datapackage = real
    a, b = tmp_path / "a", tmp_path / "b"
    write_fragments(build, a, datapackage)
    write_fragments(build, b, datapackage)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    for p in (a / "_generated").rglob("*"):
        if p.is_file():
            text = p.read_text()
            assert str(tmp_path) not in text and str(build) not in text, p.name
            assert "/home/" not in text and "/tmp/" not in text, p.name


@pytest.mark.browser
def test_two_real_charts_draw_offline_in_chromium(project: Path, tmp_path: Path):
    for chart_id in ("c1-ratio", "spec-c1"):
        page = project / "report" / "files" / "charts" / f"{chart_id}.html"
        dom, console = draw(page, tmp_path / f"profile-{chart_id}")
        assert console == [], chart_id
        assert 'data-vega-drawn="true"' in dom, chart_id
        assert len(MARK.findall(dom.split('class="marks"', 1)[1])) >= 3, chart_id
