"""Fragments generated from results.json: verdicts, figures, provenance; errors; determinism."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import BriefError
from analysis.report import fragments as fr
from analysis.report.charthtml import spec_json
from analysis.report.results import CLAIM_IDS, load_results, parse_results

FIXTURE = Path(__file__).parent / "fixtures" / "report"
BUILD = FIXTURE / "build"
DATAPACKAGE = FIXTURE / "datapackage.json"


@pytest.fixture
def build(tmp_path: Path) -> Path:
    dest = tmp_path / "build"
    shutil.copytree(BUILD, dest)
    return dest


@pytest.fixture
def written(tmp_path: Path) -> Path:
    report = tmp_path / "report"
    fr.write_fragments(BUILD, report, DATAPACKAGE)
    return report


def _results() -> dict:
    return json.loads((BUILD / "results.json").read_text())


def test_summary_has_one_verdict_per_claim_equal_to_results(written: Path):
    expected = {cid: c["verdict"] for cid, c in _results()["claims"].items()}
    rows = re.findall(
        r"^\| (C\d) \|[^|]*\| \*\*([^*]+)\*\* \|",
        (written / "_generated" / "summary.md").read_text(),
        re.M,
    )
    assert dict(rows) == expected
    assert [cid for cid, _ in rows] == list(CLAIM_IDS)


def test_each_claim_fragment_states_its_verdict_summary_and_assumptions(written: Path):
    res = _results()
    for cid in CLAIM_IDS:
        text = (written / "_generated" / "claims" / f"{cid}.md").read_text()
        claim = res["claims"][cid]
        assert text.startswith(f"**Verdict: {claim['verdict']}.** {claim['summary']}")
        for assumption in claim["assumptions"]:
            assert f"- {assumption}" in text


def test_every_chart_is_a_figure_exactly_once_with_caption_alt_source_and_data(written: Path):
    res = _results()
    gen = written / "_generated"
    text = "".join(p.read_text() for p in sorted(gen.rglob("*.md")))
    for chart_id, meta in res["charts"].items():
        assert text.count(f"::: {{#{meta['label']}}}") == 1, chart_id
        block = text.split(f"::: {{#{meta['label']}}}")[1]
        assert f'fig-alt="{meta["alt"]}" width="100%"' in block
        assert meta["caption"] in block and meta["source"].rstrip(".") in block
        assert f"(files/data/{chart_id}.csv)" in block
        assert (written / "files" / "data" / f"{chart_id}.csv").is_file()
        assert (written / "files" / "charts" / f"{chart_id}.png").is_file()
        assert (written / "files" / "charts" / f"{chart_id}.html").is_file()


def test_embedded_spec_is_the_build_spec(written: Path):
    text = (written / "_generated" / "claims" / "C1.md").read_text()
    m = re.search(r'<script type="application/json" id="spec-c1-ratio">(.*?)</script>', text)
    assert m is not None
    assert json.loads(m.group(1)) == json.loads((BUILD / "charts" / "c1-ratio.vl.json").read_text())


def test_provenance_lists_sources_params_and_code_version(written: Path):
    text = (written / "_generated" / "provenance.md").read_text()
    dp = json.loads(DATAPACKAGE.read_text())
    for src in dp["provenance"]["sources"]:
        assert src["publisher"] in text and src["version"] in text
        for f in src["raw_files"]:
            assert f["sha256"] in text
    assert "| seed | 20211012 |" in text  # parameters exactly as given
    assert "`v0.1.0-3-gabc1234`" in text


def test_meta_carries_the_brief_title(written: Path):
    meta = (written / "_generated" / "meta.yml").read_text()
    assert "title: 'Fixture brief: the RAND 2021 claims against tiny data'" in meta


def test_rewriting_is_byte_identical(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    fr.write_fragments(BUILD, a, DATAPACKAGE)
    fr.write_fragments(BUILD, b, DATAPACKAGE)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    generated = "".join((a / p).read_text() for p in files_a if p.suffix in (".md", ".yml"))
    assert str(tmp_path) not in generated


def test_bad_verdict_is_one_line_error_naming_key(build: Path):
    data = _results()
    data["claims"]["C3"]["verdict"] = "maybe"
    (build / "results.json").write_text(json.dumps(data))
    with pytest.raises(BriefError) as exc:
        load_results(build)
    msg = str(exc.value)
    assert "claims.C3.verdict" in msg and "'maybe'" in msg and "\n" not in msg


def test_a_claim_not_computed_yet_is_listed_as_such_everywhere(build: Path, tmp_path: Path):
    data = _results()
    for cid in ("C2", "C3", "C4", "C5", "C6", "C7"):
        del data["claims"][cid]
    data["charts"] = {k: v for k, v in data["charts"].items() if k.startswith("c1")}
    (build / "results.json").write_text(json.dumps(data))
    report = tmp_path / "report"
    fr.write_fragments(build, report, DATAPACKAGE)
    summary = (report / "_generated" / "summary.md").read_text()
    rows = dict(re.findall(r"^\| (C\d) \|[^|]*\| \*\*([^*]+)\*\* \|", summary, re.M))
    assert rows["C1"] == data["claims"]["C1"]["verdict"]
    assert all(rows[c] == "not computed in this build" for c in ("C2", "C6", "C7"))
    c6 = (report / "_generated" / "claims" / "C6.md").read_text()
    assert c6.startswith("**Verdict: not computed in this build.**") and "C6" in c6
    assert "fig-" not in c6
    # the C1 section is unaffected
    c1 = (report / "_generated" / "claims" / "C1.md").read_text()
    assert c1.startswith(f"**Verdict: {data['claims']['C1']['verdict']}.**")


@pytest.mark.parametrize(
    ("claims", "match"),
    [({}, r"key 'claims': empty"), ({"C9": None}, r"unknown claim C9")],
)
def test_no_claim_or_an_unknown_claim_is_an_error(claims, match):
    data = _results()
    c1 = data["claims"]["C1"]
    data["claims"] = {k: (v or c1) for k, v in claims.items()}
    with pytest.raises(BriefError, match=match):
        parse_results(data)


def test_measures_table_names_a_four_member_coalition_and_says_not_available():
    data = _results()
    data["brief"]["params"].update(
        coalition=["CHN", "RUS", "IRN", "PRK"],
        coalition_label="China + Russia + Iran + North Korea",
        benchmark_label="United States + treaty allies",
    )
    first = next(iter(data["measures"]))
    data["measures"][first].update(
        ratio_latest=None, crossover_year=None, margin_at_horizon=None, prob_exceed_by_horizon=None
    )
    out = fr.measures_md(parse_results(data))
    header, _, *rows = out.splitlines()
    assert "(China + Russia + Iran + North Korea) / (United States + treaty allies)" in header
    empty = next(r for r in rows if r.startswith(f"| {data['measures'][first]['label']} |"))
    assert empty.count("not available") == 4
    assert "China+Russia" not in out


def test_claim_chart_without_metadata_is_an_error():
    data = _results()
    data["claims"]["C2"]["charts"] = ["c2-nowhere"]
    with pytest.raises(BriefError, match=r"claims.C2.charts.*c2-nowhere"):
        parse_results(data)


def test_missing_artifact_leaves_previous_fragments_untouched(build: Path, tmp_path: Path):
    report = tmp_path / "report"
    fr.write_fragments(build, report, DATAPACKAGE)
    before = (report / "_generated" / "summary.md").read_text()
    (build / "tables" / "c5-exercises.csv").unlink()
    data = _results()
    data["claims"]["C1"]["verdict"] = "not supported"
    (build / "results.json").write_text(json.dumps(data))
    with pytest.raises(BriefError, match=r"c5-exercises.csv: not found"):
        fr.write_fragments(build, report, DATAPACKAGE)
    assert (report / "_generated" / "summary.md").read_text() == before
    assert sorted(p.name for p in report.iterdir()) == ["_generated", "files"]


def test_shared_chart_is_drawn_once_then_cross_referenced():
    data = _results()
    data["claims"]["C7"]["charts"] = ["c5-exercises"]
    res = parse_results(data)
    specs = {k: {"mark": "bar"} for k in res.charts}
    placed: set[str] = set()
    c5 = fr.claim_md(res, "C5", specs, placed)
    c7 = fr.claim_md(res, "C7", specs, placed)
    assert "::: {#fig-c5-exercises}" in c5
    assert "::: {#fig-c5-exercises}" not in c7 and "@fig-c5-exercises" in c7


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "not available"),
        (float("nan"), "not available"),
        (2024, "2024"),
        (20211012, "20,211,012"),
        (123456789.0, "123,456,789"),
        (-2500.4, "-2,500"),
        (0.00042, "0.00042"),
        (0.0, "0"),
        (3.2e18, "3.2e+18"),
        (0.7234, "0.723"),
        (1.5, "1.5"),
        (2.0, "2"),
        (1234.56, "1,235"),
        (True, "yes"),
        ([1, 2], "1, 2"),
    ],
)
def test_number_formatting(value, shown):
    assert fr.fmt(value) == shown


def test_table_cells_escape_pipes_and_newlines():
    out = fr.table(["a"], [["x | y\nz"]])
    assert out.splitlines()[2] == "| x \\| y z |"


@given(
    st.recursive(
        st.text() | st.integers() | st.booleans(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=20,
    )
)
def test_spec_json_is_safe_in_script_and_round_trips(value):
    text = spec_json({"v": value})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"v": value}


def test_since_2021_sentence_is_computed_from_the_evidence():
    ev = {"ratio_report_year": 0.61, "ratio_latest": 0.72, "latest_year": 2025, "other": 3}
    assert fr.since_report_md(ev) == (
        "**Since 2021:** the coalition-to-benchmark ratio went from 0.61 in 2021 to 0.72 in 2025.\n"
    )
    assert fr.since_report_md({"trade_2021": 146.9, "trade_latest": 240.1}) == (
        "**Since 2021:** the trade went from 147 in 2021 to 240 in the latest year.\n"
    )
    assert fr.since_report_md({"ratio_latest": 0.7}) == ""
    c4 = {"share_2021": 0.71, "share_latest": 0.8, "share_latest_year": 2024, "latest_year": 2025}
    assert fr.since_report_md(c4) == (
        "**Since 2021:** Russia's share of China's arms imports went from 71% in 2021 to 80% in "
        "2024.\n"
    )


def test_evidence_reads_in_plain_words_with_percentages_and_measure_names():
    res = parse_results(_results())
    mid = next(iter(res.measures))
    ev = {
        "prob_exceed_by_horizon": 0.0004,
        "share_bilateral": 0.25,
        f"verdict_{mid}": "supported",
        "latest_year": 2025,
        "trade_volume_usd": 123456789.0,
    }
    rows = fr.evidence_md(ev, res.measures).splitlines()[2:]
    assert rows == [
        "| Probability of exceeding parity by the horizon | <1% |",
        "| Share bilateral | 25% |",
        f"| Verdict on {res.measures[mid].label} | supported |",
        "| Latest year with data | 2025 |",
        "| Trade volume usd | 123,456,789 |",
    ]
    assert fr.percent(0.9999) == ">99%" and fr.percent(0.0) == "0%" and fr.percent(1.0) == "100%"


def _source(**over):
    """A ``provenance.sources`` record as ``brief data curate`` writes it."""
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
    (row,) = fr.source_rows({"provenance": {"sources": [_source()]}})
    assert row == [
        "SIPRI",
        "Milex",
        "v1.2 (retrieved 2026-11-28)",
        "free for non-commercial use",
        "https://www.sipri.org/databases/milex",
        "milex.xlsx: sha256 " + "a" * 64,
    ]
    files = [{"path": "data/x.csv", "bytes": 1, "sha256": "b" * 64}]
    hand = {k: v for k, v in _source(files=files).items() if k != "raw_files"}
    (row,) = fr.source_rows({"provenance": {"sources": [hand]}})
    assert row[5] == "data/x.csv: sha256 " + "b" * 64


def test_provenance_reads_the_committed_datapackage():
    dp = json.loads((Path(__file__).parents[1] / "data" / "datapackage.json").read_text())
    rows = fr.source_rows(dp)
    assert len(rows) == len(dp["provenance"]["sources"]) >= 2
    for row, src in zip(rows, dp["provenance"]["sources"], strict=True):
        files = src.get("raw_files", src.get("files"))
        assert row[1] == src["title"] and row[5].count(": sha256 ") == len(files) >= 1


def test_provenance_says_when_a_field_is_empty():
    (row,) = fr.source_rows(
        {"provenance": {"sources": [_source(publisher="", version="", retrieved="", licence="")]}}
    )
    assert row[0] == "not stated" and row[2] == "not stated" and row[3] == "not stated"


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
        fr.source_rows(package)
    msg = str(err.value)
    assert msg.startswith("data/datapackage.json: ") and expected in msg and "\n" not in msg


def test_sensitivity_numbers_read_in_plain_words():
    data = _results()
    mid = next(iter(data["measures"]))
    data["numbers"] = {
        f"c1_sensitivity_break_even_gap_pp_{mid}": -0.257,
        "c1_sensitivity_simplex_share_exceeding": 0.182,
        "c1_sensitivity_simplex_year": 2025,
        "c1_sensitivity_tornado_top_input": "Measure of power",
        "c1_sensitivity_new_thing": 3.5,
    }
    res = parse_results(data)
    rows = [fr.sensitivity_row(k, v, res.measures) for k, v in data["numbers"].items()]
    label = data["measures"][mid]["label"]
    assert rows[0] == [
        f"Extra growth needed for parity by the horizon (pp a year), {label}",
        -0.257,
    ]
    assert "negative value means" in fr.sensitivity_md(res, {}, set(res.charts))
    assert rows[1] == ["Share of composite weightings in which the coalition is larger", "18%"]
    assert rows[2] == ["Year of the weighting analysis", "2025"]
    assert rows[3] == ["Input that moves the crossover year most", "Measure of power"]
    assert rows[4] == ["New thing", 3.5]
    assert not any("c1" in r[0] or "_" in r[0] for r in rows)


def test_figure_links_its_data_on_the_site_and_names_the_file_in_the_pdf():
    res = parse_results(_results())
    chart_id, info = next(iter(res.charts.items()))
    out = fr.figure_md(chart_id, info, {"mark": "bar"})
    caption = out.rstrip().splitlines()[-3]
    assert caption.startswith(info.caption) and f"Source: {info.source.rstrip('.')}." in caption
    html_only = '{.content-visible when-format="html"}'
    pdf_only = '{.content-visible unless-format="html"}'
    links = f"[Data (CSV)](files/data/{chart_id}.csv) · [Chart alone](files/charts/{chart_id}.html)"
    assert f"[{links}]{html_only}" in caption
    assert (
        f"[Data: `files/data/{chart_id}.csv` beside this brief on its website.]{pdf_only}"
        in caption
    )
    assert f'fig-alt="{fr.attr(info.alt)}"' in out


def test_standalone_chart_page_states_caption_source_and_data_link(written: Path):
    res = parse_results(_results())
    chart_id, info = next(iter(res.charts.items()))
    html = (written / "files" / "charts" / f"{chart_id}.html").read_text()
    assert f'Source: {info.source.rstrip(".")}. <a href="../data/{chart_id}.csv">' in html
    assert 'src="../vega-bundle.js"' in html and "http" not in html.split("<body", 1)[1].replace(
        "http://www.w3.org", ""
    ).replace("https://vega.github.io/schema", "")


def test_unknown_evidence_keys_are_spelled_out():
    assert fr.evidence_label("tiv_mean_before_plan") == "TIV mean before plan"
    assert (
        fr.evidence_label("complexity_slope_ci_low") == "Complexity slope confidence interval low"
    )
    assert fr.evidence_label("verdict_C1") == "Verdict on C1"


def test_provenance_links_each_dataset_and_lists_raw_files_with_checksums(written: Path):
    dp = json.loads(DATAPACKAGE.read_text())
    text = (written / "_generated" / "provenance.md").read_text()
    header = next(line for line in text.splitlines() if line.startswith("| Publisher"))
    assert header == "| Publisher | Dataset | Version | Licence |"
    for src in dp["provenance"]["sources"]:
        assert f"[{src['title']}]({src['url']})" in text
        for f in src["raw_files"]:
            assert f"- `{f['path']}`\\\n  SHA-256 `{f['sha256']}`" in text
    assert max(len(line) for line in text.splitlines() if "SHA-256 `" in line) < 80


def test_country_codes_capitalised_float_noise_zero_and_dependence_as_percent():
    assert fr.evidence_label("agreement_chn_rus_latest", codes=["CHN", "RUS", "USA"]) == (
        "Agreement CHN RUS latest"
    )
    assert fr.fmt(3.7e-16) == "0" and fr.fmt(-1.9e-17) == "0" and fr.fmt(0.00042) == "0.00042"
    assert fr.evidence_value("dependence_latest", 0.879) == "88%"
    assert fr.since_report_md({"dependence_2021": 0.699, "dependence_latest": 0.879}) == (
        "**Since 2021:** China's share of Russia's trade with China and the West went from 70% "
        "in 2021 to 88% in the latest year.\n"
    )
