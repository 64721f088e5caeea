"""The explorable multiverse on the real rendered brief (issue 23), in headless Chromium: the
controls start at the brief's own specification; setting them shows the verdict and the number
of that specification's row in the build's specification table; one is operated from the
keyboard alone; without JavaScript the block states the brief's own specification; the page
makes no request outside the site; its data weigh what the README says.

The site is the session's plain `quarto render` of a fresh copy (tests/conftest.py: clone)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from analysis.publish import text
from tests import browser
from tests.conftest import require_tool

pytestmark = [pytest.mark.quarto, pytest.mark.slow]

# Several controls set on three claims: (claim, {choice: value as the table writes it}).
PICKS = [
    ("c1", {"measure": "gdp_ppp", "horizon": "2040"}),
    ("c1", {"measure": "milex", "growth_method": "weo", "tolerance": "0.05", "horizon": "2027"}),
    ("c3", {"break_year": "2012", "span": "8"}),
    ("c3", {"trade_series": "dots", "indicators": "trade_china"}),
    ("c8", {"window": "3", "asymmetry_min": "3.0"}),
    ("c8", {"share_drop": "0.2", "min_common": "5", "divergence_min": "0.2"}),
]


def table(clone: Path, cid: str) -> list[dict[str, str]]:
    path = clone / "_build" / "default" / "tables" / f"spec-{cid}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def row_of(rows: list[dict[str, str]], chosen: dict[str, str]) -> dict[str, str]:
    found = [r for r in rows if all(r[f"choice_{k}"] == v for k, v in chosen.items())]
    assert len(found) == 1, (chosen, len(found))
    return found[0]


def printed(estimate: str) -> str:
    """A table's estimate as the brief prints it (an empty cell: no estimate)."""
    return text.number(float(estimate)) if estimate else text.NA


def _shown(page, cid: str) -> tuple[str, str, dict[str, str]]:
    block = page.locator(f"#explore-{cid}")
    choices = {
        s.get_attribute("data-choice"): s.input_value() for s in block.locator("select").all()
    }
    return (
        block.locator(".brief-explore-verdict").inner_text(),
        block.locator(".brief-explore-number").inner_text(),
        choices,
    )


def test_setting_the_controls_shows_each_specification_of_the_table(clone: Path):
    own_rows = {cid: table(clone, cid) for cid in {c for c, _ in PICKS}}

    def look(page):
        seen = []
        for cid in sorted(own_rows):  # first: the brief's own specification
            verdict, number, _ = _shown(page, cid)
            own = next(r for r in own_rows[cid] if r["own"] == "True")
            seen.append((cid, verdict, number, own))
        for cid, picks in PICKS:
            block = page.locator(f"#explore-{cid}")
            for name, value in picks.items():
                block.locator(f'select[data-choice="{name}"]').select_option(value)
            verdict, number, choices = _shown(page, cid)
            seen.append((cid, verdict, number, row_of(own_rows[cid], choices)))
        return seen

    blocked: dict[str, list[str]] = {}
    seen = browser.on_pages(clone / "_site", ["report/brief.html"], look, blocked=blocked)
    assert blocked == {"report/brief.html": []}  # no request leaves the site
    checked = seen["report/brief.html"]
    assert len(checked) == 3 + len(PICKS) and len({c for c, *_ in checked}) == 3
    for cid, verdict, number, row in checked:
        assert verdict == row["verdict"], (cid, row)
        assert number == printed(row["estimate"]), (cid, row)
    distinct = {(cid, row["spec"]) for cid, _, _, row in checked}
    assert len(distinct) >= 5 + 3  # the picks are distinct specifications, and not the own


def test_a_control_is_operated_from_the_keyboard_alone(clone: Path):
    def look(page):
        target = page.locator("#explore-c2 select").first
        for _ in range(2000):  # Tab through the page to the control, as a keyboard user would
            page.keyboard.press("Tab")
            if target.evaluate("e => document.activeElement === e"):
                break
        else:
            raise AssertionError("Tab never reached C2's first control")
        before = page.locator("#explore-c2").get_attribute("data-spec-index")
        page.keyboard.press("ArrowDown")
        after = page.locator("#explore-c2").get_attribute("data-spec-index")
        label = page.locator(f'label[for="{target.get_attribute("id")}"]').inner_text()
        return before, after, label, _shown(page, "c2")

    before, after, label, (verdict, number, choices) = browser.on_pages(
        clone / "_site", ["report/brief.html"], look
    )["report/brief.html"]
    assert before != after  # the keyboard changed the specification shown
    assert label  # the control has a visible label the screen reader reads
    row = row_of(table(clone, "c2"), choices)
    assert (verdict, number) == (row["verdict"], printed(row["estimate"]))


def test_without_javascript_the_block_states_the_brief_own_specification(clone: Path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    chromium = require_tool("chromium")
    with browser.served(clone / "_site") as base, sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=browser.CHROMIUM_ARGS)
        try:
            page = b.new_context(java_script_enabled=False).new_page()
            page.goto(base + "report/brief.html", wait_until="load")
            own = page.locator("#explore-c1 .brief-explore-own")
            shown, selects = own.is_visible(), page.locator(".brief-explore select").count()
            words = own.inner_text()
        finally:
            b.close()
    assert shown and selects == 0
    row = next(r for r in table(clone, "c1") if r["own"] == "True")
    assert words.startswith("Under this brief's own choices (")
    assert f"the claim is {row['verdict']};" in words
    assert words.endswith(f": {printed(row['estimate'])}.")


def test_the_data_of_the_explorable_blocks_stay_under_the_page_weight_budget(clone: Path):
    """Issue 23: the page's HTML and its data grow by at most 1.5 MB (README: what it costs)."""
    html = (clone / "_site" / "report" / "brief.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/json" id="explore-data-[a-z0-9]+">.*?</script>',
                        html, flags=re.S)  # fmt: skip
    assert len(blocks) == 7  # every claim with a multiverse: all but the what-if, C6
    files = clone / "_site" / "report" / "files"
    added = sum(len(b.encode()) for b in blocks) + (files / "explore.js").stat().st_size
    assert added < 1_500_000, added
