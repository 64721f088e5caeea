"""The explorable multiverse, the influence tables and the ClaimReview JSON-LD (issue 23), on
the report fixture (tests/fixtures/report/build: C1 with 16 specifications, the other claims
without a multiverse). The real page is operated in Chromium in tests/test_explore_browser.py."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from analysis.errors import BriefError
from analysis.publish import claimreview, explore, fragments, text
from analysis.results import Results, load_results

FIXTURE = Path(__file__).parent / "fixtures" / "report"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def res() -> Results:
    return load_results(FIXTURE / "build")


def spec_rows(build: Path = FIXTURE / "build", cid: str = "c1") -> list[dict[str, str]]:
    with (build / "tables" / f"spec-{cid}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def embedded(block: str) -> dict:
    body = re.search(r'<script type="application/json" id="explore-data-c1">(.*?)</script>', block)
    assert body is not None, block
    return json.loads(body.group(1))


def test_every_specification_is_found_by_its_choices_with_its_verdict_and_number(res):
    data = explorer = explore.explorer_data(res, "C1", spec_rows())
    assert [c["name"] for c in data["choices"]] == ["measure", "tolerance", "window"]
    assert data["specifications"] == len(data["v"]) == len(data["e"]) == len(data["r"]) == 16
    for row in spec_rows():
        picked = [c["values"].index(row[f"choice_{c['name']}"]) for c in data["choices"]]
        at = explore.spec_at(explorer, picked)
        assert data["verdicts"][data["v"][at]] == row["verdict"], row
        assert data["texts"][data["e"][at]] == text.number(float(row["estimate"])), row
        assert data["r"][at] == int(row["rank"]), row
    # the controls start at the brief's own specification: GDP, tolerance 0.01, window 10
    assert [c["own"] for c in data["choices"]] == [0, 1, 2]
    assert data["choices"][0]["words"] == ["GDP at market exchange rates", "military expenditure"]


def test_without_javascript_the_block_states_the_brief_own_specification(res):
    data = explore.explorer_data(res, "C1", spec_rows())
    own = explore.own_sentence(data)
    assert own == (
        "Under this brief's own choices (the measure of power: GDP at market exchange rates; "
        "the tolerance: 0.01; the growth window: 10): the claim is partly supported; central "
        "projection of the ratio at the horizon: 0.54."
    )
    block = str(explore.block_html(data))
    assert block.startswith("```{=html}\n") and block.endswith("```")
    assert f'<p class="brief-explore-own">{text.html_text(own)}</p>' in block
    assert embedded(block) == data


def test_a_specification_table_that_disagrees_with_the_results_is_one_error(res, tmp_path):
    rows = spec_rows()
    with pytest.raises(BriefError, match=r"tables/spec-c1\.csv: 15 specifications, expected 16"):
        explore.explorer_data(res, "C1", rows[:-1])
    rows[3] = {**rows[3], "choice_window": "99"}
    with pytest.raises(BriefError, match=r"specification 4 has '99', not a value"):
        explore.explorer_data(res, "C1", rows)
    build = tmp_path / "build"
    shutil.copytree(FIXTURE / "build", build)
    (build / "tables" / "spec-c1.csv").unlink()
    with pytest.raises(BriefError, match=r"spec-c1\.csv: not found, expected C1's specification"):
        explore.read_explorers(res, build)


def test_text_from_a_params_file_cannot_leave_the_script_element(res):
    hostile = "</script><script>alert(1)</script><!-- {{< env HOME >}} & more"
    influence = res.robustness["C1"].influence
    planted = influence[0].model_copy(update={"label": hostile})
    r = res.robustness["C1"].model_copy(update={"influence": [planted, *influence[1:]]})
    res = res.model_copy(update={"robustness": {"C1": r}})
    block = str(explore.block_html(explore.explorer_data(res, "C1", spec_rows())))
    assert block.count("</script>") == 1 and "<!--" not in block and "{{<" not in block
    assert embedded(block)["choices"][0]["label"] == hostile  # the reader still sees it as typed
    brief = res.brief.model_copy(update={"title": hostile})
    ld = claimreview.script_html(res.model_copy(update={"brief": brief}))
    assert ld.count("</script>") == 1 and "<!--" not in ld and "{{<" not in ld


def test_the_robustness_section_has_each_claim_block_curve_and_influence_table(res):
    blocks = explore.robustness_claims(res, {"C1": "FIGURE-C1"}, {
        "C1": explore.explorer_data(res, "C1", spec_rows())
    })  # fmt: skip
    by_id = {b["id"]: b for b in blocks}
    assert list(by_id) == res.ordered()
    c1 = by_id["C1"]
    assert c1["varied"] and c1["figure"] == "FIGURE-C1" and 'id="explore-c1"' in c1["explore"]
    # the choice that moves the verdict most first; each value's share; the others' verdict
    assert [i["choice"] for i in c1["influence"]] == [
        "the measure of power", "the growth window", "the tolerance"
    ]  # fmt: skip
    assert c1["influence"][0]["cells"] == (
        "GDP at market exchange rates: 100% · military expenditure: 25% (mostly supported)"
    )
    assert c1["influence"][0]["spread"] == "75 points"
    assert c1["influence"][2]["cells"] == "0: 62% · 0.01: 62%"
    assert not by_id["C6"]["varied"]  # no multiverse: no controls, one line


def _write(res: Results, build: Path) -> dict[str, str]:
    """The fragments of ``res`` written from a copy of the fixture build."""
    (build / "results.json").write_text(res.model_dump_json(), encoding="utf-8")
    out = build.parent / "report"
    fragments.write_fragments(build, out, FIXTURE / "datapackage.json")
    return {p.stem: p.read_text(encoding="utf-8") for p in (out / "_generated").glob("*.md")}


def test_a_claim_with_one_specification_has_no_controls_and_says_so(res, tmp_path):
    build = tmp_path / "build"
    shutil.copytree(FIXTURE / "build", build)
    row = next(r for r in spec_rows() if r["own"] == "True")
    with (build / "tables" / "spec-c1.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(row), lineterminator="\n")
        writer.writeheader()
        writer.writerow({**row, "rank": "1"})
    r = res.robustness["C1"].model_copy(
        update={
            "specifications": 1,
            "holds": 1.0,
            "shares": {"partly supported": 1.0},
            "choices": {"measure": ["gdp_mer"], "tolerance": ["0.01"], "window": ["10"]},
            "influence": [],
            "influential": None,
        }
    )
    out = _write(res.model_copy(update={"robustness": {"C1": r}}), build)
    section = out["robustness"]
    assert "The multiverse of this brief varies none of C1's choices" in section
    assert "| Choice |" not in section  # no influence table
    own = "Its only specification, the brief's own: the claim is partly supported"
    assert text.html_text(own) in section
    data = embedded(section)
    assert all(len(c["values"]) == 1 for c in data["choices"])  # explore.js: no control


def test_a_what_if_without_a_multiverse_has_no_block_and_one_line(res, tmp_path):
    build = tmp_path / "build"
    shutil.copytree(FIXTURE / "build", build)
    section = _write(res, build)["robustness"]
    c6 = section[section.index("### C6:") :].split("###")[1]
    assert "C6 has no choices to vary (no multiverse)" in c6
    assert "brief-explore" not in c6 and "| Choice |" not in c6


def test_the_page_scripts_and_every_number_are_published_beside_the_brief(res, tmp_path):
    build = tmp_path / "build"
    shutil.copytree(FIXTURE / "build", build)
    out = _write(res, build)
    files = tmp_path / "report" / "files"
    assert (files / "explore.js").read_bytes() == (ROOT / "report/assets/explore.js").read_bytes()
    assert json.loads((files / "results.json").read_text()) == json.loads(
        (build / "results.json").read_text()
    )
    assert "](files/results.json)" in out["notebooks"]  # linked from the page
    assert '<script src="files/explore.js"></script>' in out["scripts"]
    assert '<script type="application/ld+json">' in out["scripts"]


def test_the_page_colours_the_curve_as_the_specification_curve_does():
    from analysis.compute.charts.multiverse import VERDICT_COLOURS

    js = (ROOT / "report" / "assets" / "explore.js").read_text(encoding="utf-8")
    body = re.search(r"var COLOURS = (\{.*?\});", js, flags=re.S)
    assert body is not None
    assert json.loads(body.group(1)) == VERDICT_COLOURS


def test_the_claim_reviews_parse_as_json_ld_and_name_every_claim(res):
    jsonld = pytest.importorskip("pyld.jsonld", reason="PyLD not installed (make setup)")
    script = claimreview.script_html(res)
    doc = json.loads(re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', script)[1])
    base = "https://example.org/report/brief.html"
    # the context is inline: expanding needs no network (a loader that fetches would fail here)
    expanded = jsonld.expand(doc, {"base": base, "documentLoader": _no_network})
    schema = "https://schema.org/"
    reviews = [n for n in expanded if f"{schema}ClaimReview" in n.get("@type", [])]
    assert len(reviews) == len(res.claims) == 8
    named = {n[f"{schema}claimReviewed"][0]["@value"] for n in reviews}
    assert named == {c.title for c in res.claims.values()}
    by_id = {n["@id"]: n for n in reviews}
    c1 = by_id[f"{base}#review-c1"]
    rating = c1[f"{schema}reviewRating"][0]
    assert rating[f"{schema}alternateName"][0]["@value"] == "depends on the analyst's choices"
    report = c1[f"{schema}itemReviewed"][0][f"{schema}appearance"][0]
    assert report[f"{schema}url"][0]["@value"] == (
        "https://www.rand.org/pubs/research_reports/RR3067.html"
    )
    assert report[f"{schema}name"][0]["@value"].startswith("China-Russia Cooperation")
    assert report[f"{schema}datePublished"][0]["@value"] == "2021-10-12"


def _no_network(url, options=None):
    raise AssertionError(f"the JSON-LD processor tried to fetch {url}")


def test_the_reviewed_report_comes_from_the_bibliography(tmp_path):
    bib = tmp_path / "references.bib"
    bib.write_text("@misc{other, title = {Not it}}\n", encoding="utf-8")
    with pytest.raises(BriefError, match="no entry 'rand2021rr3067'"):
        claimreview.reviewed_report(bib)
    report = claimreview.reviewed_report()
    assert report["author"] == {"@type": "Organization", "name": "RAND Corporation"}
    assert report["reportNumber"] == "RR-3067-A"
