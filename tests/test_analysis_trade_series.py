"""Which trade series the brief uses (analysis.compute.trade: the ``trade_series`` rule), C8's
dependence table, and Russia–China trade by source (analysis.compute.trade_sources: where the
sources part, the chart's title, alt text and caption). Made-up tables, answers known by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.compute import trade
from analysis.compute import trade_sources as ts
from analysis.data import validate as val
from analysis.errors import BriefError


def table(*specs) -> pd.DataFrame:
    """(source, reporter, partner, year, flow, value[, flag]) -> a bilateral_trade table."""
    rows = [(*s, "") if len(s) == 6 else s for s in specs]
    df = pd.DataFrame(
        rows, columns=["source", "reporter_iso3", "partner_iso3", "year", "flow", "value", "flag"]
    )
    df["unit"] = "US$ m"
    df["basis"] = df["flag"].map({"": "reported", "estimate": "partner-based estimate"})
    df.loc[df["source"].eq("cepii_baci"), "basis"] = "reconciled"
    df["valuation"] = df["flow"].map({"export": "fob", "import": "cif"})
    return df[val.TRADE_COLUMNS]


def both(source, partner, year, x, m, flag=""):
    return [
        (source, "RUS", partner, year, "export", x, flag),
        (source, "RUS", partner, year, "import", m, flag),
    ]


# DOTS 2014-2022, IMTS 2016-2023 (equal to DOTS to 2021, estimates from 2022)
DOTS_ROWS = [r for y in range(2014, 2023) for r in both("imf_dots", "CHN", y, 10.0 + y - 2014, 5.0)]
DOTS_ROWS += both("imf_dots", "DEU", 2022, 7.0, 3.0)
IMTS_ROWS = [r for y in range(2016, 2022) for r in both("imf_imts", "CHN", y, 10.0 + y - 2014, 5.0)]
IMTS_ROWS += both("imf_imts", "CHN", 2022, 40.0, 30.0, "estimate")
IMTS_ROWS += both("imf_imts", "CHN", 2023, 50.0, 35.0, "estimate")
IMTS_ROWS += both("imf_imts", "DEU", 2022, 2.0, 1.0, "estimate")
OTHER_ROWS = [
    ("un_comtrade", "CHN", "RUS", 2021, "import", 20.0),
    ("un_comtrade", "CHN", "RUS", 2022, "import", 45.0),
    ("cepii_baci", "CHN", "RUS", 2021, "export", 5.0),
    ("cepii_baci", "CHN", "RUS", 2022, "export", 6.0),
    ("cepii_baci", "RUS", "CHN", 2021, "export", 18.0),
    ("cepii_baci", "RUS", "CHN", 2022, "export", 44.0),
]
TRADE = table(*DOTS_ROWS, *IMTS_ROWS, *OTHER_ROWS)


def test_series_table_takes_one_source_per_year():
    dots = trade.series_table(TRADE, "dots")
    assert set(dots.source) == {"imf_dots"} and dots.year.max() == 2022
    imts = trade.series_table(TRADE, "imts")
    by_year = imts.groupby("year").source.unique().map(list).to_dict()
    assert by_year[2014] == ["imf_dots"] and by_year[2015] == ["imf_dots"]
    assert all(by_year[y] == ["imf_imts"] for y in range(2016, 2024))
    assert not imts.duplicated(["reporter_iso3", "partner_iso3", "year", "flow"]).any()
    # no IMTS rows at all: the rule falls back to DOTS; China's own rows never enter
    assert set(trade.series_table(TRADE[TRADE.source != "imf_imts"], "imts").source) == {"imf_dots"}
    with pytest.raises(BriefError, match=r"trade_series 'mirror': unknown rule; expected one of"):
        trade.series_table(TRADE, "mirror")
    with pytest.raises(BriefError, match=r"bilateral_trade: missing columns"):
        trade.series_table(TRADE.drop(columns="source"), "dots")


def test_trade_with_never_adds_two_sources():
    imts = trade.trade_with(TRADE, ["CHN"], series="imts").set_index("year")["value"]
    dots = trade.trade_with(TRADE, ["CHN"], series="dots").set_index("year")["value"]
    assert imts[2021] == dots[2021] == 17.0 + 5.0  # one source, not DOTS + IMTS
    assert imts[2022] == 70.0 and dots[2022] == 23.0  # the two part in 2022
    assert imts.index.max() == 2023 and dots.index.max() == 2022
    west = trade.trade_by_partner(TRADE, {"the West": ["DEU"]}, series="imts")
    assert west.values.tolist() == [["the West", 2022, 0.003]]


def test_series_words_name_the_sources_and_years_from_the_data():
    assert trade.series_words(TRADE, "imts", ["CHN"]) == (
        "IMF DOTS as reported by Russia 2014-2015, IMF IMTS 2016-2023 (from 2022 IMF estimates "
        "from partners' reports)"
    )
    assert trade.series_words(TRADE, "dots") == "IMF DOTS as reported by Russia 2014-2022"
    assert trade.series_words(TRADE, "dots", ["PRK"]) == "IMF DOTS as reported by Russia: no data"
    assert trade.flow_words(TRADE, trade.BACI, "CHN", "RUS") == "CEPII BACI (reconciled) 2021-2022"
    assert trade.flow_words(TRADE, trade.BACI, "CHN", "PRK") == "CEPII BACI (reconciled): no data"


def test_dependence_uses_the_series_for_russia_and_baci_for_china():
    ind = pd.DataFrame(
        {
            "iso3": ["RUS", "CHN", "RUS", "CHN", "RUS"],
            "year": [2021, 2021, 2022, 2022, 2023],
            "indicator": ["wdi_merch_exports"] * 5,
            "value": [0.1, 1.0, 0.2, 2.0, 0.25],  # US$ bn
        }
    )
    d = trade.dependence_table(TRADE, ind, series="imts").set_index("year")
    assert list(d.columns) == trade.DEPENDENCE_COLUMNS[1:]
    assert d.loc[2022, "russia_on_china"] == pytest.approx(40.0 / 200.0)  # IMTS exports
    assert d.loc[2022, "china_on_russia"] == pytest.approx(6.0 / 2000.0)  # BACI, not imports
    assert d.loc[2022, ["russia_source", "china_source"]].tolist() == ["imf_imts", "cepii_baci"]
    assert d.loc[2023, "russia_on_china"] == pytest.approx(50.0 / 250.0)
    assert pd.isna(d.loc[2023, "china_on_russia"]) and d.loc[2023, "china_source"] == ""
    old = trade.dependence_table(TRADE, ind, series="dots").set_index("year")
    assert old.loc[2022, "russia_on_china"] == pytest.approx(18.0 / 200.0)
    assert old.loc[2022, "russia_source"] == "imf_dots"
    assert 2023 not in old.index  # DOTS has no 2023 and BACI neither


# --- Russia-China trade by source -------------------------------------------------------------


def test_by_source_lays_every_source_side_by_side_by_direction():
    t = ts.by_source(TRADE)
    assert list(t.columns) == ts.COLUMNS
    assert list(dict.fromkeys(t.direction)) == ["Russia to China", "China to Russia"]
    r = t[t.direction == "Russia to China"]
    assert list(dict.fromkeys(r.source)) == ["imf_dots", "imf_imts", "un_comtrade", "cepii_baci"]
    assert "IMF IMTS, partner-based from 2022" in set(t.series)
    # values in US$ bn; China's imports are Russia -> China; DEU rows left out
    got = r[(r.source == "un_comtrade") & (r.year == 2022)].value.tolist()
    assert got == [pytest.approx(0.045)]
    assert ts.by_source(TRADE[TRADE.partner_iso3 == "DEU"]).empty


def test_parting_year_and_the_headline_in_it():
    assert ts.parting_year(TRADE) == 2022
    t = ts.by_source(TRADE)
    # China -> Russia: DOTS imports flat (5 -> 5), BACI 5 -> 6 (+20 %); Russia -> China: DOTS
    # 17 -> 18 (+6 %), China's customs 20 -> 45 (+125 %): same direction, the larger gap wins
    assert ts.headline(t, 2022) == (
        "From 2022 Russia's reported exports to China rise 6% while China's customs show a "
        "rise of 125%"
    )
    # a fall against a rise is told first, however small the gap
    kept = [r for r in DOTS_ROWS if not (r[3] == 2022 and r[4] == "import")]
    falls = table(*kept, ("imf_dots", "RUS", "CHN", 2022, "import", 4.0), *IMTS_ROWS, *OTHER_ROWS)
    assert ts.headline(ts.by_source(falls), 2022) == (
        "From 2022 Russia's reported imports from China fall 20% while the reconciled flow (CEPII "
        "BACI) shows a rise of 20%"
    )


def test_headline_when_the_sources_agree_or_cannot_be_compared():
    agree = TRADE[TRADE.year <= 2021]
    assert ts.parting_year(agree) is None
    assert ts.headline(ts.by_source(agree), None) == (
        "Russia–China trade by source: the sources agree within a factor 1.25 in every year"
    )
    only_imts = ts.by_source(TRADE[TRADE.source == "imf_imts"])
    assert ts.headline(only_imts, 2022) == "From 2022 the sources of Russia–China trade part"
    assert ts.headline(ts.by_source(TRADE.iloc[0:0]), None).endswith("no data")


def test_alt_text_and_caption_from_the_data():
    t = ts.by_source(TRADE)
    alt = ts.alt_text(t, 2022)
    assert alt.startswith("Two line charts, one per direction")
    assert "Russia to China, China-reported (UN Comtrade): US$ 0 bn in 2021" in alt
    assert alt.endswith("a rule marks 2022, the first year they differ by more than a factor 1.25.")
    assert ts.alt_text(t, None).endswith("the sources never differ by more than the factor.")
    assert "IMTS (from 2022 estimated from partners' reports)" in ts.caption(t, 2022)
    assert "The dashed rule marks 2022" in ts.caption(t, 2022)
    assert "dashed rule" not in ts.caption(t, None)


def test_the_chart_has_a_panel_per_direction_and_marks_the_year():
    from analysis.compute.charts import relations as rc

    spec = rc.trade_sources_chart(ts.by_source(TRADE), parting_year=2022, source="s").to_dict()
    panels = spec["vconcat"][0]["vconcat"]
    assert len(panels) == 2
    texts = [
        layer["mark"]
        for p in panels
        for layer in p["layer"]
        if isinstance(layer.get("mark"), dict) and layer["mark"].get("type") == "text"
    ]
    assert len(texts) == 2
    titles = [p["layer"][-1]["encoding"]["y"]["title"] for p in panels]
    assert titles == ["Russia to China, US$ bn", "China to Russia, US$ bn"]
    plain = rc.trade_sources_chart(ts.by_source(TRADE), parting_year=None, source="s").to_dict()
    assert all("layer" not in p for p in plain["vconcat"][0]["vconcat"])
