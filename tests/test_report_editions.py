"""The editions page: which editions there are (the flagship as of each autumn WEO, from the
release table), what each is built from, the claims × editions grid and the diff against the
report's day; and the comparison page, which leaves the editions to their page and never shows
a one-column table."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from analysis import paths
from analysis.pipeline import editions as eds
from analysis.pipeline.inputs import load_brief_params
from analysis.publish import render as rendering
from analysis.publish.compare import BriefEntry, compare_md
from analysis.publish.editions import editions_md
from analysis.results import parse_results
from tests.briefbuilds import spec, write_build

ROOT = paths.project_root()


def _releases() -> list[dict[str, str]]:
    rows = (ROOT / "data" / "releases.csv").read_text(encoding="utf-8").splitlines()
    out = []
    for line in rows[1:]:
        cells = line.split(",")
        if cells[0] == "imf_weo" and cells[2].endswith("-10") and cells[2] >= "2021-10":
            out.append({"release": cells[2], "as_of": cells[5]})
    return out


def test_one_edition_per_autumn_weo_from_the_reports_day_each_dated_by_its_release():
    found = eds.editions()
    expected = _releases()
    assert len(expected) >= 5  # October 2021 to October 2025
    assert [(e.release, e.as_of) for e in found] == [(r["release"], r["as_of"]) for r in expected]
    first = found[0]
    # the project's brief dated the report's day is that edition, not a second build of it
    assert (first.name, first.params.name, first.overrides) == ("as-of-2021", "as-of-2021.yml", ())
    assert all(e.name == f"edition-{e.release}" for e in found[1:])


def test_an_edition_is_the_flagship_with_what_its_date_constrains():
    by_release = {e.release: e for e in eds.editions()}
    flagship = load_brief_params(ROOT / "params" / "default.yml").dump
    for release, base in (("2022-10", 2020), ("2025-10", flagship["base_year"])):
        e = by_release[release]
        params = load_brief_params(e.params, e.overrides).dump  # valid: refused otherwise
        assert params["as_of"] == e.as_of and params["name"] == e.name
        assert params["base_year"] == base  # within the SIPRI release read that day
        assert params["break_years"] == [
            b for b in flagship["break_years"] if b <= int(e.as_of[:4])
        ]
        same = {k for k in flagship if k not in ("name", "title", "short_name", "description")}
        moved = {k for k in same if params[k] != flagship[k]}
        assert moved <= {"as_of", "base_year", "break_years"}


def _edition(release: str, name: str) -> eds.Edition:
    label = {"2021-10": "October 2021", "2022-10": "October 2022"}[release]
    return eds.Edition(release, label, f"{release}-12", name, Path("params/default.yml"))


def test_the_grid_has_a_row_per_claim_a_column_per_edition_and_now(tmp_path):
    old = spec()
    new = copy.deepcopy(old)
    new["results"]["robustness"]["C1"]["published"] = "supported"
    write_build(tmp_path / "as-of-2021", old)
    write_build(tmp_path / "default", new)
    md = editions_md(
        tmp_path, [_edition("2021-10", "as-of-2021"), _edition("2022-10", "edition-2022-10")]
    )
    header = next(line for line in md.splitlines() if line.startswith("| Claim |"))
    assert [c.strip() for c in header.split("|")[2:-1]] == ["October 2021", "October 2022", "Now"]
    grid = md.split("::: {.brief-editions .column-screen-inset}")[1].split("\n:::")[0]
    rows = [line for line in grid.splitlines() if line.startswith("| **C")]
    assert [r.split("|")[1].strip() for r in rows] == ["**C1**", "**C5**"]
    c1 = rows[0].split("|")[2:-1]
    assert "v-depends-on" in c1[0] and "not built" in c1[1] and "v-supported}" in c1[2]
    assert "Not built yet: edition\\-2022\\-10" in md and "brief editions" in md
    # the diff of the current brief against the first edition, with its cause
    assert "What changed since the report" in md and "*flipped*" in md


def test_without_the_first_edition_the_page_says_how_to_build_it(tmp_path):
    write_build(tmp_path / "default", spec())
    md = editions_md(tmp_path, [_edition("2021-10", "as-of-2021")])
    assert "not built yet: run `brief editions`" in md
    assert "flipped" not in md


def test_the_comparison_page_leaves_editions_out_and_shows_no_one_column_table(tmp_path):
    for name in ("default", "edition-2022-10"):
        s = spec()
        s["results"]["brief"]["name"] = name
        write_build(tmp_path / name, s)
    entries = rendering.built_entries(tmp_path)
    assert [e.name for e in entries] == ["default"]
    md = compare_md(entries)
    assert "|" not in md and "brief site" in md  # one line, how to add the other briefs
    two = [*entries, BriefEntry(parse_results(_named(tmp_path / "default", "ppp")))]
    assert "| Claim |" in compare_md(two)


def _named(folder: Path, name: str) -> dict:
    data = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    data["brief"]["name"] = name
    return data


@pytest.mark.parametrize("page", ["editions.qmd"])
def test_the_editions_page_is_rendered_with_the_comparison_page_and_in_the_navbar(page):
    assert page in rendering.COMPARE_PAGES
    config = (ROOT / "_quarto.yml").read_text(encoding="utf-8")
    assert f"- {page}" in config and f"href: {page}" in config
    assert "{{< brief editions >}}" in (ROOT / page).read_text(encoding="utf-8")


def test_text_from_the_builds_is_escaped_on_the_editions_page(tmp_path):
    s = spec()
    s["results"]["claims"]["C1"]["title"] = "<script>alert(1)</script> {{< env HOME >}}"
    s["results"]["brief"]["releases"]["imf_weo"]["label"] = "[click](http://x) <b>"
    write_build(tmp_path / "default", s)
    md = editions_md(tmp_path, [_edition("2021-10", "as-of-2021")])
    assert "<script>" not in md and "{{<" not in md and "](http" not in md and "<b>" not in md
    assert "\\<script\\>" in md and "\\[click\\]" in md
