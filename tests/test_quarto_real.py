"""Real Quarto: `quarto render` in a fresh copy of the project, the PDF, the site and its cache.

One copy of the project's files (what git tracks, nothing generated: no _build/, no
report/_generated/, no _site/) is rendered once per session with plain `quarto render`
(tests/conftest.py: clone, shared with the accessibility check),
exactly as a user who just cloned the repository would; the tests then read that render, render
it again from clean to compare, and build the site of two briefs with `brief site`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.results import DEPENDS, VERDICTS
from tests import browser
from tests.conftest import quarto_render, require_tool
from tests.fixtures.pipeline.support import snapshot
from tests.sitelinks import broken_links, internal_links
from tests.test_report_browser import draw

pytestmark = [pytest.mark.quarto, pytest.mark.slow]


@pytest.fixture(scope="module")
def results(clone: Path) -> dict:
    return json.loads((clone / "_build" / "default" / "results.json").read_text())


def test_quarto_render_in_a_fresh_clone_makes_the_pages_and_the_pdf(clone: Path):
    site = clone / "_site"
    for page in ("index.html", "report/brief.html", "compare.html"):
        assert (site / page).is_file(), page
    assert (site / "report" / "brief.pdf").stat().st_size > 100_000
    assert (site / "report" / "files" / "vega-bundle.js").is_file()
    html = (site / "report" / "brief.html").read_text()
    assert html.count('data-vega-spec="spec-') >= 10
    for page in site.rglob("*.html"):  # no page loads a script or stylesheet from the network
        text = page.read_text()
        assert not re.search(r"<script[^>]+src=\"(https?:)?//", text), page
        assert not re.search(r"<link[^>]+href=\"(https?:)?//[^\"]+\.(css|js)", text), page


MAX_PDF_PAGES = 30  # the brief's budget: a reader forwards a brief, not a book


def _pdf_text(pdf: Path, *pages: int, layout: bool = False) -> str:
    """The PDF's text, one line; ``layout`` keeps a table's row on its lines (each row's cells
    side by side), where the plain reading order may take a cell into the next row."""
    pdftotext = require_tool("pdftotext")
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    out = subprocess.run(
        [pdftotext, *(["-layout"] if layout else []), *span, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(out.split())


def _in_order(row: str, phrase: str) -> bool:
    """``phrase``'s words in ``row`` in order: in a table row read with its layout, a wrapped
    cell's lines alternate with the other cells' lines."""
    return re.search(r"\s.*?".join(map(re.escape, phrase.split())), row) is not None


def test_the_pdf_first_page_holds_the_bottom_line_and_every_verdict(clone: Path, results: dict):
    pdf = clone / "_site" / "report" / "brief.pdf"
    page1 = _pdf_text(pdf, 1, layout=True).replace("’", "'")
    assert results["brief"]["title"].split(":")[0] in page1
    assert "Bottom line." in page1
    table = page1[page1.index("What the data show") :]  # the summary table, in claim order
    ids = sorted(results["claims"])
    robustness = results.get("robustness", {})
    published = {cid: robustness[cid]["published"] if cid in robustness else c["verdict"]
                 for cid, c in results["claims"].items()}  # fmt: skip
    for cid, nxt in zip(ids, [*ids[1:], None], strict=True):
        row = table[table.index(f"{cid} ") : table.index(f"{nxt} ") if nxt else None]
        robust = robustness.get(cid)  # its cell may wrap: "16% of" / "4,320"
        assert (f"{robust['specifications']:,}" if robust else "not varied") in row, cid
        if published[cid] != DEPENDS:  # a one-line badge: the verdict is in the row as written
            shown = re.search(
                "|".join(sorted(map(re.escape, VERDICTS), key=len, reverse=True)), row
            )
            assert shown is not None and shown.group(0) == published[cid], row
        else:  # the badge wraps over two lines, beside the other cells' lines
            for phrase in ("depends on the analyst's choices", "under this brief's choices:",
                           "turns on"):  # fmt: skip
                assert _in_order(row, phrase), (phrase, row)
            assert results["claims"][cid]["verdict"] in row, row
    depends = sum(v == DEPENDS for v in published.values())
    assert table.count("depends on the") == depends + 1  # each badge, and the note under them


def test_the_pdf_states_each_verdict_in_its_section_within_the_page_budget(
    clone: Path, results: dict
):
    pdf = clone / "_site" / "report" / "brief.pdf"
    flat = _pdf_text(pdf).replace("’", "'")
    for cid, claim in sorted(results["claims"].items()):
        robust = results.get("robustness", {}).get(cid)
        shown = robust["published"] if robust else claim["verdict"]
        own = "" if shown == claim["verdict"] else f"Under this brief's choices: {claim['verdict']}"
        assert re.search(rf"Verdict: {re.escape(shown)} {re.escape(own)}", flat), cid
    pdfinfo = require_tool("pdfinfo")
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages <= MAX_PDF_PAGES


@pytest.fixture
def served(clone: Path):
    """The rendered site over HTTP on 127.0.0.1 (Quarto's module scripts need http://)."""
    with browser.served(clone / "_site") as base:
        yield base.rstrip("/")


def test_every_chart_on_every_page_draws_offline(clone: Path, served: str, tmp_path: Path):
    site = clone / "_site"
    pages = [site / "index.html", site / "report" / "brief.html", site / "compare.html"]
    pages += sorted((site / "report" / "files" / "charts").glob("*.html"))
    drawn_total = 0
    for page in pages:
        charts = page.read_text().count("data-vega-spec=")
        url = f"{served}/{page.relative_to(site).as_posix()}"
        dom, console = draw(url, tmp_path / f"profile-{page.stem}")
        assert console == [], (page, console)
        assert dom.count('data-vega-drawn="true"') == charts, page
        drawn_total += charts
    assert drawn_total >= 2 * 14  # every chart in the brief and on its own page


def test_a_second_clean_render_is_byte_identical(clone: Path):
    first = snapshot(clone / "_site")
    for name in ("_site", ".quarto", "report/_generated", "report/files"):
        shutil.rmtree(clone / name, ignore_errors=True)
    proc = quarto_render(clone)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    second = snapshot(clone / "_site")
    assert sorted(second) == sorted(first)
    assert [k for k in first if first[k] != second[k]] == []


def test_every_internal_link_of_the_rendered_site_resolves(clone: Path):
    """Every href and src of every page of the session's render (plain ``quarto render``, or the
    two-brief ``brief site`` of the test below if it ran first) leads to a file of the site."""
    site = clone / "_site"
    assert len([link for p in site.rglob("*.html") for link in internal_links(p)]) > 100
    assert broken_links(site) == []


def test_the_pdf_is_dated_by_the_data_vintage(clone: Path):
    pdfinfo = require_tool("pdfinfo")
    info = subprocess.run(
        [pdfinfo, "-isodates", str(clone / "_site" / "report" / "brief.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    package = json.loads((clone / "data" / "datapackage.json").read_text())
    sources = package["provenance"]["sources"]
    vintage = max(s["retrieved"] for s in sources)
    created = next(line for line in info.splitlines() if line.startswith("CreationDate:"))
    assert created.split()[-1].startswith(f"{vintage}T00:00:00"), created


def test_brief_site_with_two_briefs_then_a_warm_site_renders_nothing(
    clone: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    for extra in (clone / "params").glob("*.yml"):
        if extra.stem not in ("default", "ppp"):
            extra.unlink()
    monkeypatch.setenv("BRIEF_ROOT", str(clone))
    for var in ("BRIEF_PARAMS", "QUARTO_PROFILE", "BRIEF_NOTEBOOKS_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(clone)
    assert main(["site", "--jobs", "2"]) == 0
    site = clone / "_site"
    compare = (site / "compare.html").read_text()
    assert "briefs/ppp/report/brief.html" in compare and "report/brief.html" in compare
    assert (site / "briefs" / "ppp" / "report" / "brief.pdf").is_file()
    assert not (site / "briefs" / "ppp" / "compare.html").exists()
    landing = (site / "index.html").read_text()  # the flagship's, not a redirect to compare
    assert "Redirect" not in landing and 'class="verdict' in landing
    ppp = (site / "briefs" / "ppp" / "report" / "brief.html").read_text()
    assert 'href="../../../compare.html"' in ppp  # the one comparison page, at the site root
    assert broken_links(site) == []  # the landing page's "comparison page" included (issue 24)
    assert 'href="../../compare.html"' in (site / "briefs" / "ppp" / "index.html").read_text()
    search = json.loads((site / "search.json").read_text())
    assert {i["href"].split("#")[0] for i in search} >= {"index.html", "compare.html"}
    err = capsys.readouterr().err
    assert err.count("render   ") == 3  # default, ppp, the comparison page
    cold = snapshot(site)
    assert main(["site"]) == 0
    err = capsys.readouterr().err
    assert err.count("render   ") == 0 and err.count("cached   ") == 3
    assert snapshot(site) == cold


PHONE = {"width": 390, "height": 844}
OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth,
  tables: [...document.querySelectorAll('main table')]
    .map(t => Math.ceil(t.getBoundingClientRect().right))
    .filter(right => right > window.innerWidth),
})"""


@pytest.mark.browser
def test_no_page_scrolls_sideways_at_phone_width(clone: Path):
    """At 390 px no page is wider than the screen and no table sticks out of it (a wide table
    scrolls inside its own box)."""
    pages = ("index.html", "report/brief.html", "compare.html")
    found = browser.on_pages(clone / "_site", pages, lambda p: p.evaluate(OVERFLOW), viewport=PHONE)
    assert found == {rel: {"page": PHONE["width"], "tables": []} for rel in found}
