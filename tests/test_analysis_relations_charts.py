"""C2–C7 chart builders render with vl-convert and carry titles, units and the source line."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.compute import exercises, timeline, trade
from analysis.compute.charts import relations as cr
from analysis.vega import render as renderer
from analysis.vega import setup, theme


def rendered(chart) -> tuple[str, str]:
    setup()
    spec = chart.to_dict()
    svg = renderer.to_svg(spec)
    assert svg.startswith("<svg")
    return json.dumps(spec, ensure_ascii=False), svg


YEARS = [2012, 2013, 2014, 2015]


def test_alignment_and_agreement():
    d = pd.DataFrame(
        {
            "series": ["within coalition"] * 4 + ["coalition to benchmark"] * 4,
            "year": YEARS * 2,
            "distance": [0.4, 0.3, 0.3, 0.2, 2.8, 3.0, 3.1, 3.3],
        }
    )
    text, svg = rendered(
        cr.alignment_chart(
            d, break_years=[2014], coalition_label="CR", benchmark_label="US", source="S2"
        )
    )
    assert "CR and distance to US" in text and "Source: S2" in text and "break 2014" in svg
    a = pd.DataFrame({"pair": ["CHN–RUS"] * 4, "year": YEARS, "agreement": [0.8, 0.9, 0.85, 0.9]})
    text, _ = rendered(cr.agreement_chart(a, source="S"))
    assert "share of votes" in text and theme.PALETTE[0] in text


def test_timeline_and_trade():
    ev = pd.DataFrame(
        {"year": [2001, 2014], "category": ["treaty", "sanctions"], "event": ["a", "b"]}
    )
    text, svg = rendered(
        cr.timeline_chart(timeline.phases(1992, 2023), timeline.timeline(ev, [2014]), source="S3")
    )
    assert "collaboration" in svg and "Source: S3" in text
    # the year axis spans the phases and events only (a zero-based axis squeezed them to a line)
    bands = json.loads(text)["vconcat"][0]["layer"][0]["encoding"]["x"]["scale"]
    assert bands["domain"] == [1992, 2024] and bands["zero"] is False
    t = pd.DataFrame(
        {
            "partner": ["China"] * 4 + ["West"] * 4,
            "year": YEARS * 2,
            "value": [88.0, 89, 95, 64, 300, 310, 290, 180],
        }
    )
    text, svg = rendered(cr.trade_chart(t, break_years=[2014, 2022], source="IMF"))
    assert "US$ bn" in text and "break 2022" in svg


def test_arms_and_systems():
    flow = pd.DataFrame({"year": YEARS, "value": [100.0, 200, 300, 400]})
    share = pd.DataFrame({"year": YEARS, "share": [0.7, 0.8, 0.75, 0.9]})
    text, _ = rendered(cr.arms_chart(flow, share, source="SIPRI"))
    assert "approximation" in text and "Share of China's arms imports" in text
    sysf = pd.DataFrame(
        {
            "system": ["Su-27", "S-400"],
            "year_order": [1992, 2014],
            "weapon_designation": ["Su-27SK", "S-400"],
            "tiv_delivered": [1500.0, None],
        }
    )
    text, _ = rendered(cr.systems_chart(sysf, source="SIPRI"))
    assert "Year of order" in text


@pytest.mark.parametrize("by", ["location", "domain"])
def test_exercises(by):
    ex = pd.DataFrame(
        {
            "exercise_id": ["a", "b"],
            "name": ["A", "B"],
            "year": [2005, 2021],
            "start_date": ["2005-08-18", "2021-08-09"],
            "host_iso3": ["CHN", "RUS"],
            "domains": ["land;air", "sea"],
            "format": ["bilateral", "sco"],
            "troops_total": [10000, None],
            "troops_total_qualifier": ["nearly", ""],
        }
    )
    s = exercises.exercise_complexity(ex)
    text, _ = rendered(
        cr.exercises_chart(
            exercises.exercises_per_year(s, by=by),
            exercises.complexity_by_year(s),
            by=by,
            source="curated",
            subtitle=exercises.chart_subtitle(exercises.DEFAULT_DEFINITION),
        )
    )
    assert f"by {by}" in text and "Mean complexity (points)" in text
    assert "Complexity index: size, length and format" in text  # the index the panel shows
    # both panels share one axis of every year, 2006-2020 included although nothing happened
    panels = json.loads(text)["vconcat"][0]["vconcat"]
    domains = [p["encoding"]["x"]["scale"]["domain"] for p in panels]
    assert domains[0] == domains[1] == list(range(2005, 2022))


def test_scenario_and_recipients():
    west = pd.DataFrame({"year": [2021, 2022], "value": [300.0, 100.0]})
    china = pd.DataFrame({"year": [2021, 2022], "value": [100.0, 200.0]})
    p = trade.sanctions_projection(west, china, end_year=2026, relief_year=2024, trade_rebound=0.5)
    text, svg = rendered(cr.scenario_chart(p, source="IMF"))
    assert "illustration, not forecast" in text and "relief" in svg
    r = pd.DataFrame(
        {
            "supplier": ["China"] * 4 + ["Russia"] * 4,
            "year": YEARS * 2,
            "recipients": [30, 31, 33, 35, 45, 44, 43, 40],
        }
    )
    text, _ = rendered(cr.recipients_chart(r, source="SIPRI"))
    assert "Recipient states (count)" in text
