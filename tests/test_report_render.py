"""`brief render`, `brief site`, `brief fragments`: orchestration, isolation, site layout.

Quarto itself is replaced by a stand-in script for the orchestration tests (it records where it
ran and writes the pages a render would); the real render test runs only where quarto exists.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.publish import render as rendering
from tests.fixtures.pipeline.support import snapshot

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "report"

FAKE_QUARTO = """#!/bin/sh
# Stand-in for `quarto render DIR`: refuses a folder another render is using, then writes the
# pages of the copy's render list (a brief's pages, or the comparison page).
set -e
[ "$1" = --version ] && { echo 9.9.9; exit 0; }
dir="$2"
[ "$1" = render ] || exit 64
if [ -e "$dir/.rendering" ]; then echo "race: $dir in use" >&2; exit 3; fi
touch "$dir/.rendering"
echo "$dir" >> "$QUARTO_LOG"
mkdir -p "$dir/_site/site_libs"
echo lib > "$dir/_site/site_libs/quarto.js"
sleep 0.3
if grep -q -- '- compare.qmd' "$dir/_quarto.yml"; then
  cp "$dir/report/_generated/compare.md" "$dir/_site/compare.html"
  # as real Quarto does in a project without index.qmd: a redirect page to the first page
  echo '<title>Redirect to compare.html</title>' > "$dir/_site/index.html"
  echo '[{"href":"compare.html","title":"Compare"}]' > "$dir/_site/search.json"
else
  mkdir -p "$dir/_site/report"
  cp "$dir/report/_generated/meta.yml" "$dir/_site/index.html"
  cp "$dir/report/_generated/summary.md" "$dir/_site/report/brief.html"
  cp "$dir/_quarto.yml" "$dir/_site/quarto-config.txt"
  echo pdf > "$dir/_site/report/brief.pdf"
  echo '[{"href":"index.html","title":"Summary"}]' > "$dir/_site/search.json"
fi
rm "$dir/.rendering"
"""


def _project(tmp_path: Path, briefs: tuple[str, ...] = ("default", "ppp")) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    for name in ("_quarto.yml", *rendering.PAGES):
        shutil.copyfile(ROOT / name, root / name)
    shutil.copytree(ROOT / rendering.EXTENSIONS, root / rendering.EXTENSIONS)
    shutil.copytree(
        ROOT / "report", root / "report", ignore=shutil.ignore_patterns("_generated", "files")
    )
    (root / "params").mkdir()
    for b in briefs:
        (root / "params" / f"{b}.yml").write_text(f"title: Brief {b}\n")
    (root / "data").mkdir()
    shutil.copyfile(FIXTURE / "datapackage.json", root / "data" / "datapackage.json")
    return root


def _fake_build(root: Path, params_path: Path, *_args) -> Path:
    name = Path(params_path).stem
    build = root / "_build" / name
    if not build.exists():
        shutil.copytree(FIXTURE / "build", build)
        data = json.loads((build / "results.json").read_text())
        data["brief"]["name"] = name
        data["brief"]["title"] = f"Brief {name}"
        (build / "results.json").write_text(json.dumps(data))
    return build


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = _project(tmp_path)
    monkeypatch.setenv("BRIEF_ROOT", str(root))
    monkeypatch.delenv("BRIEF_PARAMS", raising=False)
    monkeypatch.delenv("QUARTO_PROFILE", raising=False)
    monkeypatch.setattr(rendering, "compute", lambda p, o=(): _fake_build(root, p))
    return root


@pytest.fixture
def fake_quarto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    exe = bindir / "quarto"
    exe.write_text(FAKE_QUARTO)
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "quarto.log"
    monkeypatch.setenv("QUARTO_LOG", str(log))
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return log


def test_render_without_quarto_says_what_was_built_and_how_to_get_quarto(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setattr(rendering, "find_quarto", lambda: None)
    assert main(["render", str(project / "params" / "default.yml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: quarto is not on PATH")
    assert str(project / "_build" / "default") in err
    for hint in ("results.json", "environment.yml", "quarto.org", "pip install quarto-cli"):
        assert hint in err
    assert not (project / "_site").exists()


def test_render_default_then_alternative_builds_the_site_layout(project: Path, fake_quarto: Path):
    assert main(["render", str(project / "params" / "default.yml")]) == 0
    assert main(["render", str(project / "params" / "ppp.yml")]) == 0
    site = project / "_site"
    assert "brief-name: default" in (site / "index.html").read_text()
    assert "brief-name: ppp" in (site / "briefs" / "ppp" / "index.html").read_text()
    assert "(briefs/ppp/report/brief.html)" in (site / "compare.html").read_text()
    # re-rendering the flagship keeps the alternatives already in the site, and its landing
    # page is never replaced by the comparison part's redirect
    assert main(["render", str(project / "params" / "default.yml")]) == 0
    assert "brief-name: default" in (site / "index.html").read_text()
    assert (site / "briefs" / "ppp" / "report" / "brief.pdf").is_file()
    # the search index lists the comparison page once, after the flagship's pages
    assert json.loads((site / "search.json").read_text()) == [
        {"href": "index.html", "title": "Summary"},
        {"href": "compare.html", "title": "Compare"},
    ]
    # every render ran in its own temporary copy, never in the project's own pages: default,
    # compare, ppp, compare again (ppp is new to it); the third render changed nothing. The
    # copies are owned folders in _build/ (removed after, or by the next render if killed)
    dirs = fake_quarto.read_text().split()
    assert len(dirs) == 4 and len(set(dirs)) == 4
    assert all(Path(d).parent.name.startswith(".tmp-render-") for d in dirs)
    assert all(Path(d).is_relative_to(project / "_build") and not Path(d).exists() for d in dirs)
    assert not (project / "report" / "_generated").exists()


def test_an_alternative_brief_renders_only_its_pages_and_links_the_site_root(
    project: Path, fake_quarto: Path
):
    assert main(["render", str(project / "params" / "ppp.yml")]) == 0
    config = (project / "_site" / "briefs" / "ppp" / "quarto-config.txt").read_text()
    assert "- index.qmd\n  - report/brief.qmd" in config and "compare.qmd\n" not in config
    assert "href: ../../compare.html" in config  # the comparison page lives at the site root
    assert "pre-render" not in config


def test_site_renders_every_brief_in_isolation_with_the_comparison_page(
    project: Path, fake_quarto: Path
):
    (project / "params" / "crink.yml").write_text("title: Brief crink\n")
    assert main(["site", "--jobs", "3"]) == 0
    site = project / "_site"
    compare = (site / "compare.html").read_text()
    for name in ("crink", "ppp"):
        assert f"(briefs/{name}/report/brief.html)" in compare
        assert (site / "briefs" / name / "report" / "brief.pdf").is_file()
        assert not (site / "briefs" / name / "compare.html").exists()
    assert "(report/brief.html)" in compare
    assert json.loads((site / "briefs.json").read_text()) == {"briefs": ["crink", "default", "ppp"]}
    # three briefs and the comparison page, each in its own project copy
    assert len(set(fake_quarto.read_text().split())) == 4


def test_a_warm_site_renders_nothing_and_one_changed_brief_renders_it_and_the_comparison(
    project: Path, fake_quarto: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["site"]) == 0
    first = snapshot(project / "_site")
    renders = len(fake_quarto.read_text().split())
    assert renders == 3  # default, ppp, the comparison page
    assert main(["site"]) == 0
    assert len(fake_quarto.read_text().split()) == renders  # nothing rendered again
    assert snapshot(project / "_site") == first
    assert capsys.readouterr().err.count("cached") >= 3
    # change one brief's results: only that brief and the comparison page render again
    results = project / "_build" / "ppp" / "results.json"
    data = json.loads(results.read_text())
    data["brief"]["title"] = "Brief ppp, retitled"
    results.write_text(json.dumps(data))
    assert main(["site"]) == 0
    again = fake_quarto.read_text().split()[renders:]
    assert len(again) == 2
    err = capsys.readouterr().err
    assert "render   ppp" in err and "render   _compare" in err and "cached   default" in err
    assert "Brief ppp, retitled" in (project / "_site" / "compare.html").read_text()


def test_a_new_quarto_version_renders_again(
    project: Path, fake_quarto: Path, monkeypatch: pytest.MonkeyPatch
):
    assert main(["render", str(project / "params" / "default.yml")]) == 0
    renders = len(fake_quarto.read_text().split())
    monkeypatch.setattr(rendering, "quarto_version", lambda _q: "10.0.0")
    assert main(["render", str(project / "params" / "default.yml")]) == 0
    assert len(fake_quarto.read_text().split()) == renders + 2


def test_a_failing_quarto_is_one_line_and_leaves_the_site_alone(
    project: Path, fake_quarto: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["render", str(project / "params" / "default.yml")]) == 0
    before = snapshot(project / "_site")
    exe = Path(os.environ["PATH"].split(os.pathsep)[0]) / "quarto"
    exe.write_text(
        '#!/bin/sh\n[ "$1" = --version ] && { echo 9.9.9; exit 0; }\n'
        "echo 'ERROR: typst compile failed' >&2\nexit 1\n"
    )
    results = project / "_build" / "default" / "results.json"  # a change, so it renders again
    data = json.loads(results.read_text())
    data["brief"]["title"] = "Brief default, retitled"
    results.write_text(json.dumps(data))
    assert main(["render", str(project / "params" / "default.yml")]) == 2
    err = capsys.readouterr().err
    assert "quarto render failed (exit 1): ERROR: typst compile failed" in err
    assert snapshot(project / "_site") == before
    assert not list((project / "_build" / "_render").glob(".*"))  # no staging folder left


def test_fragments_prerender_follows_the_quarto_profile(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    _fake_build(project, project / "params" / "ppp.yml")
    monkeypatch.setenv("QUARTO_PROFILE", "ppp")
    monkeypatch.chdir(project)
    assert main(["fragments"]) == 0
    assert "brief-name: ppp" in (project / "report" / "_generated" / "meta.yml").read_text()
    assert (project / "report" / "files" / "vega-bundle.js").is_file()
    _fake_build(project, project / "params" / "default.yml")
    monkeypatch.setenv("BRIEF_PARAMS", "params/default.yml")  # wins over the profile
    assert main(["fragments"]) == 0
    assert "brief-name: default" in (project / "report" / "_generated" / "meta.yml").read_text()


def test_fragments_without_a_build_names_the_missing_results(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["fragments"]) == 2
    err = capsys.readouterr().err
    assert "_build/default/results.json: not found" in err and "brief run" in err


def test_the_landing_pages_link_to_the_comparison_page_points_at_the_rendered_page(
    project: Path, tmp_path: Path
):
    """Quarto renders a brief's pages without compare.qmd, so it would leave the landing page's
    ``[comparison page](compare.qmd)`` as written: a link to a file no server has (issue 24)."""
    for name, href in (("default", "compare.html"), ("ppp", "../../compare.html")):
        build = _fake_build(project, project / "params" / f"{name}.yml")
        copy = rendering.prepare_project(tmp_path / name, build, root=project)
        landing = (copy / "index.qmd").read_text(encoding="utf-8")
        assert f"[comparison page]({href})" in landing and "compare.qmd" not in landing
        assert "[full brief](report/brief.qmd)" in landing  # its own page: Quarto resolves it
