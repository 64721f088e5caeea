"""The report on a build of the real notebooks (not the hand-made fixture build).

The flagship brief is computed once, in a temporary copy of the project, by the real notebooks of
analysis/notebooks/ through the pipeline. With the curated data in data/ every notebook runs on
it (every notebook whose tables data/ holds) and the provenance comes from
data/datapackage.json. While data/ has no indicator table, the
notebooks that read only ``indicators`` run on the analysis part's made-up table (as in
tests/test_pipeline_real.py), so the report is still checked on what those notebooks write, and
the claims no notebook computed yet must read "not computed in this build".
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.pipeline.build import build_brief
from analysis.report import checks
from analysis.report.compare import BriefEntry
from analysis.report.fragments import write_fragments
from analysis.report.render import PAGES, prepare_project
from analysis.report.results import CLAIM_IDS, NOT_COMPUTED, load_results
from tests.fixtures.pipeline.support import use_project
from tests.test_analysis_notebooks import real_data_available
from tests.test_pipeline_real import synthetic_data
from tests.test_report_browser import MARK, draw

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "analysis" / "notebooks"
FIXTURE = ROOT / "tests" / "fixtures" / "report"


def _reads(path: Path):
    return nbformat.read(path, as_version=4).metadata.get("brief", {}).get("reads")


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, bool]:
    """(the build folder, the datapackage, whether real data was used), built once."""
    base = tmp_path_factory.mktemp("realbuild")
    root = base / "project"
    root.mkdir()
    shutil.copytree(ROOT / "params", root / "params")
    shutil.copy2(ROOT / "_quarto.yml", root / "_quarto.yml")
    nb_dir = base / "notebooks"
    nb_dir.mkdir()
    env: dict[str, str] = {}
    with_data = real_data_available()
    if with_data:
        shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("raw"))
        # Every notebook whose tables data/ holds (all five since the hand tables were curated).
        tables = {p.stem for p in (ROOT / "data").glob("*.csv")}
        tables |= {p.name for p in (ROOT / "data").iterdir() if p.is_dir()}
        chosen = [p for p in sorted(NOTEBOOKS.glob("*.ipynb")) if set(_reads(p) or []) <= tables]
        datapackage = root / "data" / "datapackage.json"
    else:
        env, chosen = synthetic_data(root, base)
        datapackage = FIXTURE / "datapackage.json"
    if not chosen:
        pytest.skip(f"raw data not found at {ROOT.parent / 'shared' / 'data' / 'raw'}")
    for p in chosen:
        shutil.copy2(p, nb_dir / p.name)
    with pytest.MonkeyPatch.context() as mp:
        use_project(root, mp)
        mp.setenv("BRIEF_NOTEBOOKS_DIR", str(nb_dir))
        for k, v in env.items():
            mp.setenv(k, v)
        build = build_brief("params/default.yml").path
    return build, datapackage, with_data


@pytest.fixture(scope="module")
def project(real, tmp_path_factory: pytest.TempPathFactory) -> Path:
    build, datapackage, _ = real
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


def test_summary_states_the_computed_verdicts_and_the_gaps(real, project: Path):
    build, _, _ = real
    results = json.loads((build / "results.json").read_text())
    summary = (project / "report" / "_generated" / "summary.md").read_text()
    rows = dict(re.findall(r"^\| (C\d) \|[^|]*\| \*\*([^*]+)\*\* \|", summary, re.M))
    assert list(rows) == list(CLAIM_IDS)
    for cid in CLAIM_IDS:
        expected = results["claims"][cid]["verdict"] if cid in results["claims"] else NOT_COMPUTED
        assert rows[cid] == expected, cid
    assert "C1" in results["claims"]


def test_every_chart_of_the_real_build_is_a_captioned_figure_with_its_data(real, project: Path):
    build, _, _ = real
    res = load_results(build)
    gen = project / "report" / "_generated"
    text = "\n".join(p.read_text() for p in sorted(gen.rglob("*.md")))
    assert res.charts, "the real build drew no chart"
    for chart_id, info in res.charts.items():
        assert f"#fig-{chart_id}" in text or f"#{info.label}" in text, chart_id
        assert info.caption and info.alt and info.source, chart_id
        assert (project / "report" / "files" / "data" / f"{chart_id}.csv").is_file()
        assert f"[Data (CSV)](files/data/{chart_id}.csv)" in text


def test_fragments_of_the_real_build_are_byte_identical_and_hold_no_local_path(
    real, tmp_path: Path
):
    build, datapackage, _ = real
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
def test_two_real_charts_draw_offline_in_chromium(real, project: Path, tmp_path: Path):
    build, _, _ = real
    charts = sorted(load_results(build).charts)[:2]
    for chart_id in charts:
        page = project / "report" / "files" / "charts" / f"{chart_id}.html"
        dom, console = draw(page, tmp_path / f"profile-{chart_id}")
        assert console == [], chart_id
        assert 'data-vega-drawn="true"' in dom, chart_id
        assert len(MARK.findall(dom.split('class="marks"', 1)[1])) >= 3, chart_id
