"""Every page of the rendered flagship brief, the comparison and editions pages, checked by
axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) in headless Chromium.

The site of the session's real render (tests/conftest.py: clone) is served on 127.0.0.1;
every other request is blocked, so the pages are checked as they draw offline: the charts are
drawn by the local Vega bundle before axe runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import on_pages
from tests.conformance_tools import axe_js
from tests.conftest import require_tool

pytestmark = pytest.mark.conformance
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHARTS_STATE = """() => [...document.querySelectorAll('[data-vega-spec]')]
  .map(e => e.getAttribute('data-vega-drawn'))"""
RUN_AXE = "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"


def audit(folder: Path, pages: list[str]) -> dict[str, dict]:
    """For each page: axe's violations, the charts' drawn states and the requests blocked."""
    axe = axe_js()
    blocked: dict[str, list[str]] = {}

    def look(page) -> dict:
        charts = page.evaluate(CHARTS_STATE)
        page.add_script_tag(path=str(axe))
        result = page.evaluate(RUN_AXE, WCAG)
        return {
            "violations": [
                (v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
                for v in result["violations"]
            ],
            "charts": charts,
        }

    found = on_pages(folder, pages, look, blocked=blocked)
    return {rel: {**r, "blocked": blocked.get(rel, [])} for rel, r in found.items()}


@pytest.mark.quarto
@pytest.mark.browser
@pytest.mark.slow
def test_every_page_of_the_site_meets_wcag_a_and_aa(request: pytest.FixtureRequest):
    pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    require_tool("chromium")
    axe_js()  # skip before the render when a tool is missing
    site = request.getfixturevalue("clone") / "_site"
    # the flagship's pages and the comparison page (not briefs/: other tests may add briefs there)
    pages = sorted(
        rel
        for rel in (p.relative_to(site).as_posix() for p in site.rglob("*.html"))
        if not rel.startswith("briefs/")
    )
    assert {"index.html", "report/brief.html", "compare.html", "editions.html"} <= set(pages)
    assert any(p.startswith("report/files/charts/") for p in pages)  # each chart's own page
    found = audit(site, pages)
    violations = {page: r["violations"] for page, r in found.items() if r["violations"]}
    assert violations == {}
    assert {page: r["blocked"] for page, r in found.items() if r["blocked"]} == {}
    charts = found["report/brief.html"]["charts"]
    assert len(charts) >= 7 and set(charts) == {"true"}  # axe saw the drawn charts


NESTED_MENU = """<!DOCTYPE html><html lang="en"><head><title>menu</title></head><body><main>
<div role="img" aria-label="A chart"><details><summary><svg viewBox="0 0 16 16">
<circle r="2" cy="8" cx="2"></circle></svg></summary><a href="#">Save as SVG</a></details></div>
</main></body></html>
"""


@pytest.mark.browser
def test_axe_reports_a_menu_inside_a_chart_image(tmp_path: Path):
    """The check can fail: vega-embed's menu inside the chart's role=img container, as before."""
    (tmp_path / "menu.html").write_text(NESTED_MENU, "utf-8")
    found = audit(tmp_path, ["menu.html"])["menu.html"]
    rules = {(rule, impact) for rule, impact, *_ in found["violations"]}
    assert rules == {("nested-interactive", "serious"), ("summary-name", "serious")}
