"""Every page of the rendered flagship brief and the comparison page, checked by axe-core (WCAG 2.0,
2.1 and 2.2, levels A and AA) in headless Chromium.

The site of the session's real render (tests/conftest.py: clone) is served on 127.0.0.1;
every other request is blocked, so the pages are checked as they draw offline: the charts are
drawn by the local Vega bundle before axe runs.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conformance_tools import axe_js
from tests.conftest import require_tool

pytestmark = pytest.mark.conformance
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHARTS_SETTLED = """() => [...document.querySelectorAll('[data-vega-spec]')]
  .every(e => ['true', 'failed'].includes(e.getAttribute('data-vega-drawn')))"""
CHARTS_STATE = """() => [...document.querySelectorAll('[data-vega-spec]')]
  .map(e => e.getAttribute('data-vega-drawn'))"""
RUN_AXE = "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # no request log on stderr
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def audit(folder: Path, pages: list[str]) -> dict[str, dict]:
    """For each page: axe's violations, the charts' drawn states and the requests blocked."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    chromium, axe = require_tool("chromium"), axe_js()
    out: dict[str, dict] = {}
    with served(folder) as base, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            blocked: list[str] = []

            def only_local(route) -> None:
                if route.request.url.startswith(base):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            context.route("**/*", only_local)
            for rel in pages:
                blocked.clear()
                page = context.new_page()
                page.goto(base + rel, wait_until="load")
                page.wait_for_function(CHARTS_SETTLED, timeout=60_000)
                charts = page.evaluate(CHARTS_STATE)
                page.add_script_tag(path=str(axe))
                result = page.evaluate(RUN_AXE, WCAG)
                out[rel] = {
                    "violations": [
                        (v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
                        for v in result["violations"]
                    ],
                    "charts": charts,
                    "blocked": list(blocked),
                }
                page.close()
        finally:
            browser.close()
    return out


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
    assert {"index.html", "report/brief.html", "compare.html"} <= set(pages)
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
