"""Hostile text from a params file, rendered through real Quarto into HTML and PDF.

The corpus (``tests/fixtures/hostile/strings.yml``) is written into a brief's title, labels,
short name and description; the brief is computed and rendered with plain ``quarto render`` in
a fresh copy of the project. The test passes when no script of the corpus runs in a browser
(each would set ``window.__pwned``), no element it describes exists, and every string shows
in the HTML pages and in the PDF's text as written.

Text near the characters a brief refuses (``tests/fixtures/hostile/invisible.yml``: right-to-left
scripts written without controls, a joiner inside a Persian word, a combining accent, the
controls spelled out) goes into the benchmark label and must read back from the HTML and the
PDF in the order it was written; the refused characters themselves never reach Quarto
(``tests/test_visible_text.py`` checks ``brief render`` refuses each before anything runs).
"""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml

from tests.browser import on_pages
from tests.conftest import ROOT, fresh_copy, quarto_render, require_tool

pytestmark = [pytest.mark.quarto, pytest.mark.slow]

CORPUS = yaml.safe_load((ROOT / "tests" / "fixtures" / "hostile" / "strings.yml").read_text())
SHOWN = yaml.safe_load((ROOT / "tests" / "fixtures" / "hostile" / "invisible.yml").read_text())[
    "shown"
]
# pdftotext wraps a right-to-left run in embedding marks (U+202B ... U+202C) and moves a joiner
# within its word: its own marks, not the brief's, so they are left out of the comparison.
PDFTOTEXT_MARKS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200c\u200d"))
PAGES = ("index.html", "report/brief.html", "compare.html")
INJECTED = """() => ({
  pwned: window.__pwned === 1,
  elements: [...document.querySelectorAll(
    'main script:not([src]):not([type="application/json"]):not([type="application/ld+json"]), '
    + 'main iframe, main img[onerror], a[href^="javascript:"], iframe[src^="javascript:"]'
  )].map(e => e.outerHTML.slice(0, 120)),
  reviews: [...document.querySelectorAll('script[type="application/ld+json"]')].map(
    e => JSON.parse(e.textContent)['@graph'].map(r => r.isPartOf.name)),
  text: document.body.innerText,
})"""


def typed(text: str) -> str:
    """``text`` on one line with straight quotes: Pandoc's typography curls quotes (as it does
    in "China's"), the one change the brief makes to text it is given."""
    for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(curly, straight)
    return " ".join(text.split())


def fields() -> dict[str, str]:
    """The corpus spread over the brief's free-text parameters (within their length limits)."""
    third = len(CORPUS) // 3
    return {
        "title": "Hostile brief " + " | ".join(CORPUS[:third]),
        "coalition_label": " | ".join(CORPUS[third : 2 * third]),
        "benchmark_label": " | ".join(CORPUS[2 * third :] + SHOWN),
        "description": " | ".join(CORPUS),
        "short_name": "{{< env HOME >}}",
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("quarto")
    copy = fresh_copy(tmp_path_factory.mktemp("hostile") / "project")
    (copy / "params" / "hostile.yml").write_text(yaml.safe_dump(fields(), allow_unicode=True))
    proc = quarto_render(copy, params="params/hostile.yml")
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return copy / "_site"


def test_no_hostile_script_runs_and_the_text_shows_as_written(site: Path):
    def look(page) -> dict:
        page.wait_for_timeout(500)  # an onerror handler fires after the image fails
        return page.evaluate(INJECTED)

    found = on_pages(site, PAGES, look)
    for rel, got in found.items():
        assert not got["pwned"] and got["elements"] == [], rel
    # the page's ClaimReview data (data blocks, never run) hold the hostile title as written
    (reviewed,) = found["report/brief.html"]["reviews"]
    assert len(reviewed) == 8 and {typed(t) for t in reviewed} == {typed(fields()["title"])}
    text = typed(found["report/brief.html"]["text"])
    for s in CORPUS + SHOWN:
        assert typed(s) in text, s
    assert "{{< env HOME >}}" in " ".join(found["compare.html"]["text"].split())
    home = str(Path.home())
    for page in site.rglob("*.html"):
        assert home not in page.read_text(encoding="utf-8"), page


def test_the_pdf_prints_the_hostile_text_as_written(site: Path):
    pdftotext = require_tool("pdftotext")
    out = subprocess.run(
        [pdftotext, str(site / "report" / "brief.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = typed(out)
    for s in (CORPUS[0], "{{< env HOME >}}", "{{< pagebreak >}}", "#set page(fill: red)", "$x^2$"):
        assert s in flat, s
    assert str(Path.home()) not in flat
    read = letters(flat)
    for s in SHOWN:  # every letter in the order written: nothing reversed, nothing dropped
        assert letters(s) in read, s
    assert typed(SHOWN[-1]) in flat  # the controls spelled out print as written


def letters(text: str) -> str:
    """The letters, marks and digits of ``text`` in order, composed (é, not e + accent): what a
    reader reads, compared without the spaces and punctuation pdftotext moves around a
    right-to-left run ("Arabic مرحبا بالعالم | Persian" reads back with the bar before the
    Arabic words) and without the marks it adds itself."""
    text = unicodedata.normalize("NFC", text).translate(PDFTOTEXT_MARKS)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LMN")
