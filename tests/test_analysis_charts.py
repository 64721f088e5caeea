"""Chart builders: valid Vega-Lite that vl-convert renders, with titles, units and sources."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from analysis.compute import sensitivity as sens
from analysis.compute.charts import power as cp
from analysis.vega import render as renderer
from analysis.vega import setup, theme


def rendered(chart) -> tuple[dict, str]:
    setup()
    spec = chart.to_dict()
    svg = renderer.to_svg(spec)
    assert svg.startswith("<svg")
    return spec, svg


def test_ratio_chart():
    d = pd.DataFrame(
        {
            "year": [2000, 2001, 2000, 2001],
            "label": ["A", "A", "B", "B"],
            "ratio": [0.5, 0.6, 1.1, 1.2],
        }
    )
    spec, svg = rendered(
        cp.ratio_chart(
            d, article_horizon=2001, coalition_label="C", benchmark_label="B", source="S1"
        )
    )
    text = json.dumps(spec, ensure_ascii=False)
    assert "C relative to B" in text and "Source: S1" in text and "1 = parity" in text
    assert "article: through 2001" in svg
    assert theme.PALETTE[0] in text


def test_fan_chart():
    fan = pd.DataFrame(
        {
            "year": [2026, 2027],
            "p05": [0.4, 0.4],
            "p25": [0.5, 0.5],
            "p50": [0.6, 0.7],
            "p75": [0.7, 0.8],
            "p95": [0.8, 0.9],
            "prob_exceed_by": [0.0, 0.01],
            "central": [0.6, 0.7],
        }
    )
    hist = pd.DataFrame({"year": [2024, 2025], "ratio": [0.5, 0.55]})
    spec, _ = rendered(
        cp.fan_chart(
            hist,
            fan,
            measure_label="Military expenditure",
            article_horizon=2022,
            coalition_label="C",
            benchmark_label="B",
            source="S",
        )
    )
    assert "Military expenditure: C ÷ B" in json.dumps(spec, ensure_ascii=False)


def test_simplex_and_tornado_charts():
    grid = sens.simplex_grid({"gdp_mer": 0.3, "gdp_ppp": 0.6, "milex": 0.4}, step=0.25)
    labels = {"gdp_mer": "GDP (MER)", "gdp_ppp": "GDP (PPP)", "milex": "Military expenditure"}
    spec, _ = rendered(
        cp.simplex_chart(
            grid,
            x_component="gdp_mer",
            y_component="milex",
            rest_component="gdp_ppp",
            labels=labels,
            chosen={"gdp_mer": 0.5, "milex": 0.5},
            year=2025,
            source="S",
        )
    )
    assert "Weight on GDP (MER)" in json.dumps(spec, ensure_ascii=False)
    t = pd.DataFrame(
        {
            "input": ["a", "b"],
            "low_label": ["a-", "b-"],
            "high_label": ["a+", "b+"],
            "low": pd.array([2030, None], dtype="Int64"),
            "high": pd.array([2040, 2050], dtype="Int64"),
            "base": pd.array([2035, 2035], dtype="Int64"),
            "swing": [10, 81],
        }
    )
    spec, _svg = rendered(cp.tornado_chart(t, search_horizon=2100, measure_label="M", source="S"))
    values = [v for ds in spec["datasets"].values() for v in ds]
    assert {"none by 2100"} <= {v["shown"] for v in values if "shown" in v}
    assert np.isfinite([v["year"] for v in values if "year" in v]).all()
