"""Every chart's standalone HTML draws offline in headless Chromium, with no console output.

The page loads the Vega bundle served with the brief (``files/vega-bundle.js``) by relative URL;
the network is blocked (a proxy on a closed port), so a CDN fetch would fail and leave no chart.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
from pathlib import Path

import pytest

from analysis.publish.charthtml import scripts_html
from analysis.publish.fragments import write_fragments
from analysis.vega import render as renderer
from tests.conftest import require_tool

FIXTURE = Path(__file__).parent / "fixtures" / "report"
MARK = re.compile(r"<(path|rect)\b")


def draw(page: Path | str, profile: Path) -> tuple[str, list[str]]:
    """The DOM after scripts ran, and the page's console lines (``page``: a file or an URL
    on 127.0.0.1; every other host is unreachable through a proxy on a closed port)."""
    chromium = require_tool("chromium")
    proc = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=127.0.0.1",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
            "--dump-dom",
            page.as_uri() if isinstance(page, Path) else page,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "report"
    write_fragments(FIXTURE / "build", out, FIXTURE / "datapackage.json")
    return out


@pytest.mark.browser
@pytest.mark.parametrize("chart_id", ["c1-ratio", "c5-exercises"])
def test_standalone_chart_draws_offline(report: Path, tmp_path: Path, chart_id: str):
    page = report / "files" / "charts" / f"{chart_id}.html"
    html = page.read_text()
    assert not re.search(r"<script[^>]+src=\"(https?:)?//", html), "no script from the network"
    dom, console = draw(page, tmp_path / "profile")
    assert console == []
    assert 'data-vega-drawn="true"' in dom
    assert "brief-chart-static" in html and "brief-chart-static" not in dom  # fallback replaced
    svg = dom.split('class="marks"', 1)[1]
    assert len(MARK.findall(svg)) >= 5


@pytest.mark.browser
def test_a_chart_whose_bundle_is_missing_does_not_draw(report: Path, tmp_path: Path):
    """The check above can fail: without the local bundle there is no chart and an error."""
    page = report / "files" / "charts" / "c1-ratio.html"
    broken = page.with_name("broken.html")
    broken.write_text(page.read_text().replace("../vega-bundle.js", "../absent-bundle.js"))
    dom, console = draw(broken, tmp_path / "profile")
    assert 'data-vega-drawn="true"' not in dom
    assert "brief-chart-static" in dom  # the static SVG stays when the chart cannot be drawn
    assert any("Vega bundle missing" in line for line in console)


@pytest.mark.browser
def test_renderer_html_draws_on_a_page_serving_the_bundle(report: Path, tmp_path: Path):
    """The notebooks' renderer output (what {{< embed >}} would copy) is offline and draws."""
    spec = json.loads((FIXTURE / "build" / "charts" / "c5-exercises.vl.json").read_text())
    bundle, _ = renderer.render(spec)
    fragment = bundle["text/html"]
    assert "http" not in fragment.replace(spec["$schema"], "")  # no URL but the schema's id
    page = report / "files" / "charts" / "from-renderer.html"
    page.write_text(f"<!DOCTYPE html><html><body>{fragment}\n{scripts_html('../')}</body></html>")
    dom, console = draw(page, tmp_path / "profile")
    assert console == []
    assert 'data-vega-drawn="true"' in dom
    assert len(MARK.findall(dom.split('class="marks"', 1)[1])) >= 5


def test_renderer_html_shows_the_static_svg_without_scripts():
    spec = json.loads((FIXTURE / "build" / "charts" / "c1-ratio.vl.json").read_text())
    html = renderer.render(spec)[0]["text/html"]
    uri = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert uri is not None
    assert base64.b64decode(uri.group(1)).decode() == renderer.to_svg(spec)
    held = re.search(r'<script type="application/json" id="([^"]+)">(.*?)</script>', html)
    assert held is not None and json.loads(held.group(2)) == spec
    assert f'data-vega-spec="{held.group(1)}"' in html
