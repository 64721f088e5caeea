"""Artifacts: layout of docs/contracts.md section 3, byte-identical re-runs, atomic writes."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from analysis import files
from analysis.compute import artifacts
from analysis.errors import BriefError
from analysis.results import Claim, evidence
from analysis.vega import render as renderer
from analysis.vega import setup, theme


def small_chart():
    setup()
    df = pd.DataFrame({"year": [2000, 2001, 2002], "ratio": [0.5, 0.6, 0.75]})
    chart = alt.Chart(df).mark_line().encode(x="year:O", y="ratio:Q")
    return theme.finish(chart, title="Ratio", source="made-up data", subtitle="test")


def write_all(d):
    """One run's record: a chart with the table behind it, a table of its own, a claim."""
    out = artifacts.Exhibits(d, "claim-c1")
    out.chart(small_chart(), "c1-test", title="Ratio", caption="A caption.", alt="A line.",
              source="x")  # fmt: skip
    df = pd.DataFrame({"b": [2.0, 1.0 / 3.0], "a": ["y", "x"]})
    out.table(df, "c1-test", title="Ratio table", source="x", sort_by=["a"])
    out.chart(small_chart(), "c1-more", title="More", caption="C.", alt="A.", source="x",
              sensitivity=True)  # fmt: skip
    out.part("measures", {"gdp_mer": {"label": "GDP", "ratio_latest": float("nan")}})
    claim = Claim(title="T", verdict="supported", summary="S.", evidence=[
        evidence("n", "A ratio", 1.5, "ratio", 2001), evidence("missing", "A gap", float("nan"),
                                                                "share")])  # fmt: skip
    claim = out.finish(claim)
    return out.save({"claims": {"C1": claim.model_dump(mode="json")}}), claim


def snapshot(d):
    return {
        p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()
    }


def test_layout_and_a_runs_results_hold_what_it_recorded(tmp_path):
    path, claim = write_all(tmp_path)
    files = set(snapshot(tmp_path))
    assert files == {
        *(f"charts/{c}.{x}" for c in ("c1-test", "c1-more") for x in ("vl.json", "svg")),
        "tables/c1-test.csv",
        "results/claim-c1.json",
    }
    res = json.loads(path.read_text())
    assert res["claims"]["C1"]["evidence"][0] == {
        "key": "n",
        "label": "A ratio",
        "value": 1.5,
        "unit": "ratio",
        "year": 2001,
        "decisive": False,
    }
    assert res["claims"]["C1"]["evidence"][1]["value"] is None  # NaN is written as JSON null
    assert res["measures"]["gdp_mer"]["ratio_latest"] is None
    # the chart in the claim's section, the other with its sensitivity analyses, every table
    assert (claim.charts, claim.sensitivity_charts, claim.tables) == (
        ["c1-test"],
        ["c1-more"],
        ["c1-test"],
    )
    assert res["charts"]["c1-test"] == {
        "alt": "A line.",
        "caption": "A caption.",
        "label": "fig-c1-test",
        "notebook": "claim-c1",
        "source": "x",
        "title": "Ratio",
    }
    assert res["tables"]["c1-test"] == {"source": "x", "title": "Ratio table"}
    assert (tmp_path / "tables/c1-test.csv").read_text() == "b,a\n0.3333333333,x\n2,y\n"
    assert (tmp_path / "charts/c1-test.svg").read_text().startswith("<svg")
    spec = json.loads((tmp_path / "charts/c1-test.vl.json").read_text())
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert str(tmp_path) not in (tmp_path / "charts/c1-test.vl.json").read_text()


def test_rerun_is_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_all(a)
    write_all(b)
    first = snapshot(a)
    assert first == snapshot(b)
    write_all(a)
    assert snapshot(a) == first


def test_each_run_keeps_its_own_record(tmp_path):
    """Two records in one process share nothing (the pipeline once had to clear a module-level
    record between notebooks sent to one kernel)."""
    write_all(tmp_path)
    again = artifacts.Exhibits(tmp_path, "claim-c2")
    path = again.save({"claims": {}})
    assert json.loads(path.read_text()) == {}


def test_bad_ids_keys_and_empty_texts(tmp_path):
    with pytest.raises(BriefError, match="chart id 'Bad Id'"):
        artifacts.save_chart(
            small_chart(), "Bad Id", tmp_path, title="t", caption="c", alt="a", source="s"
        )
    with pytest.raises(BriefError, match="alt is empty"):
        artifacts.save_chart(
            small_chart(), "ok", tmp_path, title="t", caption="c", alt=" ", source="s"
        )
    with pytest.raises(BriefError, match="unknown keys \\['verdicts'\\]"):
        artifacts.save_results("01_x", {"verdicts": {}}, tmp_path)
    assert not (tmp_path / "charts").exists() and not (tmp_path / "results").exists()


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", boom)
    with pytest.raises(OSError):
        artifacts.write_bytes(tmp_path / "x.json", b"{}")
    assert list(tmp_path.iterdir()) == []


def test_renderer_bundle_has_html_and_svg_and_no_png_no_page_uses():
    setup()
    assert alt.renderers.active == renderer.RENDERER_NAME
    assert alt.theme.active == theme.THEME_NAME
    bundle, _ = renderer.render(small_chart().to_dict())
    assert set(bundle) == {"text/html", "image/svg+xml"}
    assert "vega-embed" in bundle["text/html"] or "vegaEmbed" in bundle["text/html"]
    assert bundle["image/svg+xml"].startswith("<svg")
    assert "Liberation Sans" in json.dumps(small_chart().to_dict()["config"])


def test_a_chart_is_converted_once_and_read_back_from_the_chart_cache(tmp_path, monkeypatch):
    """An SVG is kept on disk under its spec's key: a later process (here: the in-process cache
    cleared) reads it instead of converting the chart again; no cache folder, nothing kept."""
    monkeypatch.setenv("BRIEF_CHART_CACHE", str(tmp_path / "cache"))
    spec = small_chart().to_dict()
    renderer._svg.cache_clear()
    made = renderer.to_svg(spec)
    kept = list((tmp_path / "cache").glob("*.svg"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == made
    kept[0].write_text("<svg>kept</svg>", encoding="utf-8")  # what a later process finds
    renderer._svg.cache_clear()
    assert renderer.to_svg(spec) == "<svg>kept</svg>"
    monkeypatch.setenv("BRIEF_CHART_CACHE", "")
    renderer._svg.cache_clear()
    assert renderer.cache_dir() is None and renderer.to_svg(spec) == made
    renderer._svg.cache_clear()


def test_a_saved_chart_displays_as_saved_without_converting_again(tmp_path, monkeypatch):
    """The notebook shows the chart it saved (its finding as the title) from the SVG already
    made; its plain-text form names the finding, never an object's address."""
    setup()
    monkeypatch.setenv("BRIEF_CHART_CACHE", "")  # nothing kept between processes
    renderer._svg.cache_clear()
    calls: list[int] = []
    real = renderer.vlc.vegalite_to_svg
    monkeypatch.setattr(
        renderer.vlc, "vegalite_to_svg", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    out = artifacts.Exhibits(tmp_path, "claim-c9")
    out.chart(small_chart(), "c9-x", title="Ratio rose", caption="c", alt="a", source="s")
    [(title, shown)] = out.drawn
    bundle = shown._repr_mimebundle_()
    assert len(calls) == 1  # saved once; displayed without a second conversion
    assert bundle["image/svg+xml"] == (tmp_path / "charts" / "c9-x.svg").read_text()
    assert "Ratio rose" in bundle["text/html"]
    assert repr(shown) == "Chart: Ratio rose" and title == "Ratio rose"
