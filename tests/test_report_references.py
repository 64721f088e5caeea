"""Every include, embed, cross-reference, citation and link of the Quarto sources resolves.

Checked on a project copy prepared from the fixture build (always) and from the real build of
the flagship brief (when the pipeline can produce it).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from analysis.publish.compare import BriefEntry
from analysis.publish.render import PAGES, prepare_project
from analysis.results import load_results
from tests import quarto_checks as checks

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "report"
DOCS = (*PAGES, "report/brief.qmd")


def _default_fixture(tmp_path: Path) -> Path:
    """The fixture build renamed as the flagship, so site links resolve within one project."""
    build = tmp_path / "_build" / "default"
    shutil.copytree(FIXTURE / "build", build)
    data = json.loads((build / "results.json").read_text())
    data["brief"]["name"] = "default"
    (build / "results.json").write_text(json.dumps(data))
    return build


@pytest.fixture
def project(tmp_path: Path) -> Path:
    build = _default_fixture(tmp_path)
    entries = [BriefEntry(load_results(build))]
    dp = FIXTURE / "datapackage.json"
    # the brief's part and the comparison page's part, in one folder for the static checks
    prepare_project(tmp_path / "project", build, root=ROOT, entries=entries, datapackage=dp)
    return prepare_project(tmp_path / "project", None, root=ROOT, entries=entries, datapackage=dp)


def _all_problems(project: Path) -> list[str]:
    outputs = {"report/brief.pdf", "report/brief.html"}
    problems = []
    for doc in DOCS:
        problems += checks.check_document(
            project / doc, project, project / "report" / "references.bib", outputs
        )
    return problems


def test_every_page_is_in_the_render_list_and_exists():
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text())
    assert sorted(config["project"]["render"]) == sorted(DOCS)
    for doc in DOCS:
        assert (ROOT / doc).is_file(), doc
    assert config["project"]["pre-render"] == ["report/prerender.py"]
    assert config["format"]["html"]["html-math-method"] == "plain"  # no MathJax from a CDN
    assert "report/files/**" in config["project"]["resources"]


def test_fixture_project_has_no_dangling_reference(project: Path):
    assert _all_problems(project) == []


def test_the_checks_catch_what_they_check(project: Path):
    """Break one thing of each kind; each check must report it."""
    brief = project / "report" / "brief.qmd"
    text = brief.read_text()
    brief.write_text(
        text
        + "\nSee @fig-nowhere and @sec-nowhere [@nobody2020]. [x](files/data/none.csv)\n\n"
        + "{{< brief none >}}\n\n"
        + "{{< embed files/notebooks/01_power_balance.ipynb#fig-absent >}}\n"
    )
    problems = "\n".join(_all_problems(project))
    for needle in (
        "@fig-nowhere",
        "@sec-nowhere",
        "@nobody2020",
        "none.csv",
        "none.md",
        "#fig-absent",
    ):
        assert needle in problems


def test_citations_of_the_report_are_all_in_the_bib(project: Path):
    text = checks.expand(project / "report" / "brief.qmd", project)
    cited = checks.citations(text)
    assert {"rand2021rr3067", "militarytimes2021", "sipri_milex2026", "bailey2017"} <= cited
    assert cited <= checks.bib_keys(ROOT / "report" / "references.bib")


def test_bib_has_every_required_source():
    keys = checks.bib_keys(ROOT / "report" / "references.bib")
    for key in (
        "rand2021rr3067",
        "militarytimes2021",
        "sipri_milex2026",
        "sipri_arms2025",
        "singer1972",
        "cow_nmc_v7",
        "imf_weo2025",
        "worldbank_wdi2026",
        "bailey2017",
        "voeten_unga2025",
        "unvotes2021",
        "felbermayr2020",
        "feenstra2015",
        "bolt2020",
        "imf_dots",
        "imf_imts",
        "un_comtrade",
        "cepii_baci",
        "gaulier2010",
    ):
        assert key in keys, key


def test_every_chart_comes_from_a_labelled_output_of_an_executed_notebook(project: Path):
    res = load_results(project.parent / "_build" / "default")
    nb_dir = project / "report" / "files" / "notebooks"
    for chart_id, info in res.charts.items():
        labels = checks.notebook_labels(nb_dir / f"{info.notebook}.ipynb")
        assert labels.get(info.label) is True, f"{chart_id}: {info.notebook}#{info.label}"


def test_every_bib_entry_is_cited_so_the_references_list_every_source(project: Path):
    # Quarto lists only cited entries: an uncited data source would vanish from the references.
    text = checks.expand(project / "report" / "brief.qmd", project)
    keys = checks.bib_keys(ROOT / "report" / "references.bib")
    assert keys - checks.citations(text) == set()
    assert {"gsdb_v3", "owid_maddison2022", "cow_states2016"} <= keys
