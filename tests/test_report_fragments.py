"""The publish layer's fragments: what every template writes, from the fixture build."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.compute import claims as claim_modules
from analysis.errors import BriefError
from analysis.publish import fragments as fr
from analysis.publish import markup, provenance, text
from analysis.results import Evidence, parse_results
from analysis.vega.html import spec_json
from tests.props import examples

FIXTURE = Path(__file__).parent / "fixtures" / "report"
BUILD = FIXTURE / "build"
RESULTS = json.loads((BUILD / "results.json").read_text())


def _results(data: dict | None = None):
    return parse_results(data if data is not None else json.loads(json.dumps(RESULTS)))


@pytest.fixture
def build(tmp_path: Path) -> Path:
    dest = tmp_path / "build"
    shutil.copytree(BUILD, dest)
    return dest


@pytest.fixture
def written(build: Path, tmp_path: Path) -> Path:
    out = tmp_path / "report"
    fr.write_fragments(build, out, FIXTURE / "datapackage.json")
    return out


def gen(written: Path, name: str) -> str:
    return (written / "_generated" / f"{name}.md").read_text()


def test_summary_has_one_row_per_claim_with_its_badge_and_robustness(written: Path):
    summary = gen(written, "summary")
    rows = [line for line in summary.splitlines() if line.startswith("| [C")]
    assert [re.match(r"\| \[(C\d)", r).group(1) for r in rows] == list(claim_modules.IDS)
    for row, cid in zip(rows, claim_modules.IDS, strict=True):
        verdict = RESULTS["claims"][cid]["verdict"]
        assert f"]{{.verdict .v-{verdict.replace(' ', '-')}}}" in row, cid
        assert f"(#sec-{cid.lower()})" in row
    # C1's own verdict (partly supported) holds in 62 %, under the 66 % threshold: the row
    # publishes "depends on the analyst's choices", the own verdict beside it, and what turns it
    assert rows[0].index("v-depends-on-the-analyst-s-choices") < rows[0].index("v-partly-supported")
    assert "under this brief's choices:]{.own-verdict}" in rows[0]
    assert text.md("It turns on the measure of power.") in rows[0]
    assert "depends" not in rows[1]
    assert "| 62% of 16 |" in rows[0]  # C1 has a multiverse in the fixture
    assert "| not varied |" in rows[1]  # no multiverse for C2 in the fixture
    assert "Bottom line." in summary and "Data as of 28 November 2026" in summary


def test_the_landing_summary_links_the_full_brief_and_shows_the_headline_chart(written: Path):
    landing = gen(written, "landing")
    assert "(report/brief.qmd#sec-c1)" in landing
    assert "::: {#fig-c1-ratio}" in landing and "report/files/charts/c1-ratio.svg" in landing
    assert "report/files/vega-bundle.js" in gen(written, "landing-scripts")


def test_each_claim_section_states_verdict_numbers_parts_and_where_the_rest_is(written: Path):
    claims = gen(written, "claims")
    for cid in claim_modules.IDS:
        section = claims.split(f"{{#sec-{cid.lower()}}}")[1].split("\n## C")[0]
        assert "**Verdict:**" in section, cid
        assert text.md(RESULTS["claims"][cid]["summary"]) in section, cid
        assert f"| {text.md('Ratio in the latest year, 2024')} | {text.md('0.72')} |" in section
        assert f"| {text.md('Probability of exceeding parity, 2030')} | \\<1% |" in section
        assert f"{text.md(f'{cid} motives')}: **untested**, {text.md('not in any dataset')}." in (
            section
        ), cid
        assert f"@sec-appendix-{cid.lower()}" in section, cid
    c1 = claims.split("{#sec-c1}")[1].split("\n## C")[0]  # C1's robustness sentence:
    assert text.md("only 62% of the 16 specifications of the analyst's choices give it") in c1
    assert text.md("It turns most on the measure of power: with military expenditure (75%)") in c1
    assert text.md("with GDP at market exchange rates (100%) it is most often partly") in c1
    assert "**Verdict:** [depends on the analyst's choices]" in c1
    assert "Under this brief's choices: [partly supported]" in c1


def test_a_section_shows_at_most_six_numbers_and_the_appendix_all_of_them():
    data = json.loads(json.dumps(RESULTS))
    data["claims"]["C2"]["evidence"] = [
        {"key": f"n{i}", "label": f"Number {i}", "value": i, "unit": "count", "decisive": True}
        for i in range(9)
    ]
    res = _results(data)
    ctx = fr.claim_context(res, "C2", {}, set())
    assert [n["label"] for n in ctx["numbers"]] == [f"Number {i}" for i in range(6)]
    assert len(ctx["evidence"]) == 9


def test_every_chart_is_a_figure_exactly_once_with_caption_alt_source_and_data(written: Path):
    text_all = "\n".join(gen(written, n) for n in ("claims", "robustness", "sensitivity"))
    for chart_id, info in RESULTS["charts"].items():
        assert text_all.count(f"::: {{#fig-{chart_id}}}") == 1, chart_id
        assert f'fig-alt="{text.attr(info["alt"])}"' in text_all
        assert text.md(info["caption"]) in text_all
        assert (written / "files" / "data" / f"{chart_id}.csv").is_file()
        assert (written / "files" / "charts" / f"{chart_id}.html").is_file()


def test_embedded_spec_is_the_build_spec(written: Path):
    spec = json.loads((BUILD / "charts" / "c1-ratio.vl.json").read_text())
    assert spec_json(spec) in gen(written, "claims")


def test_figure_links_its_data_on_the_site_and_names_the_file_in_the_pdf():
    res = _results()
    spec = json.loads((BUILD / "charts" / "c1-ratio.vl.json").read_text())
    md = fr.figure("c1-ratio", res.charts["c1-ratio"], spec)
    assert "[Data (CSV)](files/data/c1-ratio.csv)" in md
    assert '{.content-visible when-format="html"}' in md
    assert '{.content-visible unless-format="html"}' in md
    assert '::: {.content-hidden when-format="html"}' in md  # the PDF's picture


def test_provenance_lists_sources_files_grouped_parameters_and_versions(written: Path):
    prov = gen(written, "provenance")
    assert "[SIPRI Military Expenditure Database](https://www.sipri.org/databases/milex)" in prov
    assert "`SIPRI-Milex-data-1949-2024.xlsx`" in prov and "`" + "ab" * 32 + "`" in prov
    assert "| `rules.c1` | approach\\_window 10; tolerance 0\\.01 |" in prov
    assert "Code version: `v0.1.0-3-gabc1234`" in prov
    assert "Deals without delivery years (C3): 3." in prov  # data notes


def test_meta_and_the_pdf_header(written: Path):
    meta = (written / "_generated" / "meta.yml").read_text()
    assert "brief-name: fixture" in meta and "data-vintage: '2026-11-28'" in meta
    header = (written / "_generated" / "header.typ").read_text()
    assert "#set document(date: datetime(year: 2026, month: 11, day: 28))" in header
    assert "set par(justify: false)" in header


def test_rewriting_is_byte_identical(build: Path, tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    fr.write_fragments(build, a, FIXTURE / "datapackage.json")
    fr.write_fragments(build, b, FIXTURE / "datapackage.json")
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_a_claim_not_computed_is_said_so_everywhere(build: Path, tmp_path: Path):
    data = json.loads((build / "results.json").read_text())
    del data["claims"]["C4"]
    (build / "results.json").write_text(json.dumps(data))
    out = tmp_path / "report"
    fr.write_fragments(build, out, FIXTURE / "datapackage.json")
    summary = gen(out, "summary")
    row = next(line for line in summary.splitlines() if line.startswith("| [C4"))
    assert ".v-not-computed-in-this-build" in row and "not computed in this build" in row
    claims = gen(out, "claims")
    assert "**Verdict: not computed in this build.**" in claims.split("{#sec-c4}")[1]


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d["claims"]["C1"].update(verdict="maybe"), r"claims\.C1\.verdict"),
        (lambda d: d["claims"].update(C9=d["claims"]["C1"]), "no template for C9"),
        (lambda d: d.update(claims={}), "'claims': empty"),
        (lambda d: d["claims"]["C2"].update(charts=["nowhere"]), "chart 'nowhere' is not"),
        (lambda d: d["claims"]["C1"]["evidence"][0].update(unit="bushels"), "evidence.0.unit"),
    ],
)
def test_a_malformed_build_is_one_line_naming_the_file_and_key(build: Path, change, match):
    data = json.loads((build / "results.json").read_text())
    change(data)
    (build / "results.json").write_text(json.dumps(data))
    with pytest.raises(BriefError, match=match) as err:
        fr.read_build(build)
    assert "\n" not in str(err.value) and "results.json" in str(err.value)


def test_a_missing_artifact_leaves_the_previous_fragments_untouched(build: Path, tmp_path: Path):
    out = tmp_path / "report"
    fr.write_fragments(build, out, FIXTURE / "datapackage.json")
    before = gen(out, "summary")
    (build / "charts" / "c1-ratio.svg").unlink()
    with pytest.raises(BriefError, match=r"c1-ratio\.svg: not found"):
        fr.write_fragments(build, out, FIXTURE / "datapackage.json")
    assert gen(out, "summary") == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no half-written folder


def test_shared_chart_is_drawn_once_then_cross_referenced():
    data = json.loads(json.dumps(RESULTS))
    data["claims"]["C7"]["charts"] = ["c1-ratio"]
    res = _results(data)
    spec = json.loads((BUILD / "charts" / "c1-ratio.vl.json").read_text())
    placed: set[str] = set()
    first = fr.claim_context(res, "C1", {"c1-ratio": spec}, placed)
    again = fr.claim_context(res, "C7", {"c1-ratio": spec}, placed)
    assert (
        len(first["figures"]) == 1 and again["figures"] == [] and again["refs"] == ["@fig-c1-ratio"]
    )


def test_measures_table_names_the_coalition_and_says_not_available():
    data = json.loads(json.dumps(RESULTS))
    data["measures"]["gdp_mer"].update(ratio_latest=None, latest_year=None, crossover_year=None)
    rows = fr.measures_context(_results(data))
    gdp = next(r for r in rows if r["label"] == "GDP at market exchange rates")
    assert gdp["ratio"] == "not available" and gdp["crossed"] == "not available"


@pytest.mark.parametrize(
    ("unit", "value", "shown"),
    [
        ("ratio", 0.7141, "0.71"),
        ("share", 0.253, "25%"),
        ("probability", 0.004, "<1%"),
        ("probability", 0.996, ">99%"),
        ("probability", 0.0, "0%"),
        ("count", 12345, "12,345"),
        ("count", 42, "42"),
        ("year", 2024, "2024"),
        ("per_year", -0.33, "−0.33 a year"),
        ("points_per_year", -0.048, "−0.048 points a year"),
        ("log_growth", 0.0488, "+5.0 % a year"),
        ("tiv_m", 1744.2, "1,744 million TIV"),
        ("tiv_m_per_year", -12.4, "−12 million TIV a year"),
        ("usd_bn", 245.4, "US$ 245 bn"),
        ("index", 2.934, "2.93"),
        ("pp", 1.25, "+1.2 percentage points"),
        ("text", "Peace Mission-2005", "Peace Mission-2005"),
        ("ratio", None, "not available"),
    ],
)
def test_evidence_is_printed_by_its_unit(unit, value, shown):
    e = Evidence(key="k", label="Some number", value=value, unit=unit)
    assert text.value_of(e) == shown


def test_a_label_carries_its_year():
    assert text.label_of(Evidence(key="k", label="Ratio", value=1, unit="ratio", year=2021)) == (
        "Ratio, 2021"
    )
    assert text.label_of(Evidence(key="k", label="Ratio", value=1, unit="ratio")) == "Ratio"


@settings(max_examples=examples(200), deadline=None)
@given(st.text())
def test_escaped_text_holds_no_markdown_and_no_line_break(value):
    out = text.md(value)
    assert "\n" not in out
    unescaped = re.sub(r"\\.", "", out)
    assert not re.search(r"[\\`*_{}\[\]()<>#|~^$@&:]", unescaped)


@settings(max_examples=examples(100), deadline=None)
@given(st.recursive(st.none() | st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)))
def test_spec_json_is_safe_in_script_and_round_trips(value):
    out = spec_json({"v": value})
    assert "<" not in out and ">" not in out and "&" not in out
    assert json.loads(out) == {"v": value}


# --- provenance (the one layout `brief data curate` writes)


def _source(**over):
    return {
        "id": "sipri_milex",
        "publisher": "SIPRI",
        "title": "Milex",
        "version": "v1.2",
        "retrieved": "2026-11-28",
        "licence": "free for non-commercial use",
        "url": "https://www.sipri.org/databases/milex",
        "raw_files": [{"path": "milex.xlsx", "bytes": 10, "sha256": "a" * 64}],
        "caveats": [],
        **over,
    }


def test_provenance_reads_the_curated_layout():
    (row,) = provenance.sources({"provenance": {"sources": [_source()]}})
    assert row == {
        "publisher": "SIPRI",
        "title": "Milex",
        "version": "v1.2 (retrieved 2026-11-28)",
        "licence": "free for non-commercial use",
        "url": "https://www.sipri.org/databases/milex",
        "files": [{"path": "milex.xlsx", "sha256": "a" * 64}],
        "release": "",  # the release a brief read of it: given by the brief (release_of)
    }
    (row,) = provenance.sources({"provenance": {"sources": [_source()]}}, lambda sid: sid * 2)
    assert row["release"] == _source()["id"] * 2
    older = {**_source(), "vintage_files": [{"path": "old.xlsx", "bytes": 1, "sha256": "c" * 64}]}
    (row,) = provenance.sources({"provenance": {"sources": [older]}})
    assert [f["path"] for f in row["files"]] == ["milex.xlsx", "old.xlsx"]
    files = [{"path": "data/x.csv", "bytes": 1, "sha256": "b" * 64}]
    hand = {k: v for k, v in _source(files=files).items() if k != "raw_files"}
    (row,) = provenance.sources({"provenance": {"sources": [hand]}})
    assert row["files"] == [{"path": "data/x.csv", "sha256": "b" * 64}]


def test_provenance_reads_the_committed_datapackage():
    dp = json.loads((Path(__file__).parents[1] / "data" / "datapackage.json").read_text())
    rows = provenance.sources(dp)
    assert len(rows) == len(dp["provenance"]["sources"]) >= 2
    for row, src in zip(rows, dp["provenance"]["sources"], strict=True):
        files = [*src.get("raw_files", []), *src.get("vintage_files", [])] or src.get("files")
        assert row["title"] == src["title"] and len(row["files"]) == len(files) >= 1


def test_provenance_says_when_a_field_is_empty_and_drops_a_url_that_is_not_one():
    (row,) = provenance.sources(
        {
            "provenance": {
                "sources": [
                    _source(publisher="", version="", retrieved="", licence="", url="javascript:x")
                ]
            }
        }
    )
    assert row["publisher"] == row["version"] == row["licence"] == "not stated"
    assert row["url"] == ""


@pytest.mark.parametrize(
    ("package", "expected"),
    [
        ({"sources": [{"title": "X"}]}, "key 'provenance.sources': empty or missing"),
        ({"provenance": {"sources": []}}, "key 'provenance.sources': empty or missing"),
        ({"provenance": {"sources": ["imf_weo"]}}, "provenance.sources[0]: found str"),
        (
            {"provenance": {"sources": [_source(publisher=None)]}},
            "provenance.sources[0]: key 'publisher' missing",
        ),
        (
            {"provenance": {"sources": [_source(raw_files=[{"path": "x.csv"}])]}},
            "provenance source 'sipri_milex': file record",
        ),
    ],
)
def test_a_datapackage_not_in_the_curated_layout_is_one_line(package, expected):
    with pytest.raises(BriefError) as err:
        provenance.sources(package)
    msg = str(err.value)
    assert msg.startswith("data/datapackage.json: ") and expected in msg and "\n" not in msg


def test_the_data_vintage_is_the_latest_retrieval_date():
    dp = {"provenance": {"sources": [_source(), _source(retrieved="2026-11-29")]}}
    assert provenance.data_vintage(dp) == "2026-11-29"
    assert provenance.data_vintage({}) == ""
    assert provenance.pdf_date_typst("") == "#set document(date: none)"


def test_metadata_text_escapes_shortcodes_the_way_quarto_reads_them():
    # Quarto expands shortcodes in metadata after Pandoc read it: one more brace each side
    # is its escape; the rest is escaped for Markdown as everywhere
    assert text.meta("A {{< env HOME >}}") == r"A \{\{\{\< env HOME \>\}\}\}"
    assert text.meta("{{{< meta title >}}}") == r"\{\{\{\{\< meta title \>\}\}\}\}"
    assert text.meta("<b>x</b> #set") == r"\<b\>x\</b\> \#set"


@pytest.mark.parametrize(
    ("aspect", "width"),
    [(None, "80%"), (0.5, "80%"), (0.775, "80%"), (0.85, "73%"), (1.02, "61%"), (2.0, "31%")],
)
def test_a_tall_chart_is_narrower_in_the_pdf_so_no_chart_is_taller_than_62_percent(aspect, width):
    assert markup.pdf_width(aspect) == width


def test_a_charts_pdf_width_comes_from_its_svg_and_a_broken_svg_is_one_error(tmp_path: Path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="100" height="150" '
    (tmp_path / "tall.svg").write_text(svg + 'viewBox="0 0 100 150"><rect/></svg>')
    assert fr.svg_aspect(tmp_path / "tall.svg") == pytest.approx(1.5)
    (tmp_path / "broken.svg").write_bytes(b"GIF89a not an svg at all....")
    with pytest.raises(BriefError, match=r"broken\.svg: not an SVG image"):
        fr.svg_aspect(tmp_path / "broken.svg")
    (tmp_path / "flat.svg").write_text(svg.replace('"150"', '"0"') + "/>")
    with pytest.raises(BriefError, match=r"flat\.svg: an SVG of 100 x 0 pixels"):
        fr.svg_aspect(tmp_path / "flat.svg")


def test_the_pdf_gets_each_chart_at_its_own_width(written: Path):
    claims = gen(written, "claims")
    widths = re.findall(
        r'!\[\]\(files/charts/[\w-]+\.svg\)\{fig-alt="[^"]*" width="(\d+)%"\}', claims
    )
    assert widths and all(int(w) <= 80 for w in widths)
