"""Russia's trade with China and with the West, and the sanctions-relief what-if (C3, C6, C8).

The ``bilateral_trade`` table holds several sources side by side (``data/README.md``). Which
series a brief uses for Russia's trade is its parameter ``trade_series`` (:data:`SERIES`), applied
by :func:`series_table`; every function here that sums Russia's trade takes it (``series=``), so
no caller can add two sources' figures for one flow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from analysis.compute.frames import (
    as_rows,
    ends,
    ends_by,
    equals,
    last_year,
    matches,
    num,
    require,
    value_at,
)
from analysis.errors import BriefError

DOTS, IMTS, COMTRADE, BACI = "imf_dots", "imf_imts", "un_comtrade", "cepii_baci"
TradeSeries = Literal["imts", "dots"]
#: The rules ``trade_series`` chooses from, in words (analysis/params.py shows them).
SERIES: dict[str, str] = {
    "imts": "IMF IMTS where it has the year (2016 on; from 2022 IMF estimates from partners' "
    "reports), IMF DOTS before",
    "dots": "IMF DOTS as Russia reported it, every year (to 2023)",
}
assert tuple(SERIES) == get_args(TradeSeries)
#: Each source in words, and what its basis means in a sentence.
SOURCE_WORDS = {
    DOTS: "IMF DOTS as reported by Russia",
    IMTS: "IMF IMTS",
    COMTRADE: "UN Comtrade as reported by China",
    BACI: "CEPII BACI (reconciled)",
}
ESTIMATE_WORDS = {IMTS: "IMF estimates from partners' reports"}
SHORT_NAMES = {DOTS: "IMF DOTS", IMTS: "IMF IMTS", COMTRADE: "UN Comtrade", BACI: "CEPII BACI"}
TRADE_COLUMNS = ["reporter_iso3", "partner_iso3", "year", "flow", "value", "source"]

# "The West" of the C6 what-if and the C3 trade chart: the EU-27, the other G7 members and the
# European and Pacific states that sanctioned Russia in both 2014 and 2022 (Norway,
# Switzerland, Australia).
EU27 = (
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN",
    "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP",
    "SWE",
)  # fmt: skip


WEST = (*EU27, "USA", "GBR", "CAN", "JPN", "NOR", "CHE", "AUS")


ILLUSTRATION = "illustration, not forecast"


def series_table(trade: pd.DataFrame, series: str) -> pd.DataFrame:
    """The rows of the trade series the rule ``series`` chooses (:data:`SERIES`).

    ``dots``: the IMF DOTS rows (Russia-reported). ``imts``: the IMF IMTS rows, and the DOTS rows
    of the years before IMTS's first year (one source per year: the two are never added, and a
    year is never pieced together from both). In 2016-2021 the two files hold the same values
    (docs/decisions.md), so the switch makes no seam.
    """
    require(trade, TRADE_COLUMNS, "bilateral_trade")
    if series not in SERIES:
        raise BriefError(f"trade_series {series!r}: unknown rule; expected one of {list(SERIES)}")
    source = trade["source"]
    dots, imts = matches(source, DOTS), matches(source, IMTS)
    if series == "dots" or not imts.any():
        return trade[dots].reset_index(drop=True)
    before = dots & as_rows(trade["year"] < int(trade.loc[imts, "year"].min()))
    # the DOTS rows before IMTS's first year, then the IMTS rows: one take, not three
    rows = np.concatenate([np.flatnonzero(before), np.flatnonzero(imts)])
    return trade.iloc[rows].reset_index(drop=True)


def series_words(trade: pd.DataFrame, series: str, partners: Sequence[str] = ()) -> str:
    """Which source the rule ``series`` uses for which years, in words, from the data (for
    ``partners``, default every partner): e.g. "IMF DOTS as reported by Russia 2011-2015, IMF
    IMTS 2016-2024 (from 2022 IMF estimates from partners' reports)"."""
    d = series_table(trade, series)
    if partners:
        d = d[d["partner_iso3"].isin(list(partners))]
    if d.empty:
        return f"{SOURCE_WORDS[DOTS if series == 'dots' else IMTS]}: no data"
    parts = []
    spans = d.groupby("source")["year"].agg(["min", "max"]).sort_values("min")
    for source, span in spans.iterrows():
        words = f"{SOURCE_WORDS.get(str(source), source)} {span['min']}-{span['max']}"
        est = (
            d[equals(d["source"], str(source)) & equals(d["flag"], "estimate")]
            if "flag" in d
            else d.iloc[0:0]
        )
        if len(est):
            what = ESTIMATE_WORDS.get(str(source), "estimates")
            words += f" (from {int(est['year'].min())} {what})"
        parts.append(words)
    return ", ".join(parts)


def trade_with(
    trade: pd.DataFrame, partners: Sequence[str], *, series: str, reporter: str = "RUS"
) -> pd.DataFrame:
    """Reporter's total trade (exports + imports) with ``partners`` by year, from the trade
    series the rule ``series`` chooses (:func:`series_table`): year, value.

    A year counts only when both flows are reported (the IMF files give 2010 imports and 2023
    exports alone; a one-flow total would look like a collapse). Years where none of the
    partners has data are absent; a partner with no data is skipped.
    """
    trade = series_table(trade, series)
    d = trade[(trade["reporter_iso3"] == reporter) & trade["partner_iso3"].isin(list(partners))]
    d = d.dropna(subset=["value"])
    if d.empty:
        return pd.DataFrame(columns=["year", "value"])
    both = d.groupby("year")["flow"].nunique()
    d = d[d["year"].isin(both[both >= 2].index)]
    out = d.groupby("year", as_index=False)["value"].sum()
    return out.astype({"year": int, "value": float}).sort_values("year").reset_index(drop=True)


def trade_by_partner(
    trade: pd.DataFrame,
    groups: Mapping[str, Sequence[str]],
    *,
    series: str,
    reporter: str = "RUS",
) -> pd.DataFrame:
    """Reporter's trade with each partner group from the series ``series``, US$ bn (the table is
    in US$ m): ``partner, year, value``. Groups without data are absent."""
    frames = []
    for label, members in groups.items():
        d = trade_with(trade, members, series=series, reporter=reporter)
        if len(d):
            frames.append(d.assign(partner=label, value=d["value"] / 1000.0))
    if not frames:
        return pd.DataFrame(columns=["partner", "year", "value"])
    return pd.concat(frames, ignore_index=True)[["partner", "year", "value"]]


def sanctions_projection(
    west: pd.DataFrame,
    china: pd.DataFrame,
    *,
    end_year: int,
    relief_year: int | None,
    trade_rebound: float,
    reference_year: int = 2021,
    rebound_years: int = 3,
    china_diversion: float = 0.0,
    baseline_growth: float = 0.0,
) -> pd.DataFrame:
    """Russia's trade with the West and with China under a baseline and a relief scenario.

    Both series continue from their latest common year at ``baseline_growth`` a year (baseline).
    Under relief, from ``relief_year`` the West series recovers linearly over ``rebound_years``
    to ``trade_rebound`` of the gap between its ``reference_year`` level and the baseline, and
    China trade loses ``china_diversion`` times what the West gains. ``dependence`` = China ÷
    (China + West). Columns year, scenario (observed/baseline/relief), west, china, dependence.
    Empty when either series lacks the reference or a latest common year.
    """
    cols = ["year", "scenario", "west", "china", "dependence"]
    obs = west.rename(columns={"value": "west"}).merge(
        china.rename(columns={"value": "china"}), on="year", how="inner"
    )
    ref = value_at(obs, reference_year, "west")
    if obs.empty or ref is None:
        return pd.DataFrame(columns=cols)
    obs = obs.sort_values("year")
    last = int(obs["year"].iloc[-1])
    w0, c0 = float(obs["west"].iloc[-1]), float(obs["china"].iloc[-1])
    rows = [
        {"year": int(r.year), "scenario": "observed", "west": r.west, "china": r.china}
        for r in obs.itertuples()
    ]
    for y in range(last + 1, end_year + 1):
        g = (1 + baseline_growth) ** (y - last)
        wb, cb = w0 * g, c0 * g
        rows.append({"year": y, "scenario": "baseline", "west": wb, "china": cb})
        if relief_year is not None and y >= relief_year:
            ramp = min(1.0, (y - relief_year + 1) / max(rebound_years, 1))
            gain = ramp * trade_rebound * max(ref * g - wb, 0.0)
            cr = max(cb - china_diversion * gain, 0.0)
            rows.append({"year": y, "scenario": "relief", "west": wb + gain, "china": cr})
        else:
            rows.append({"year": y, "scenario": "relief", "west": wb, "china": cb})
    out = pd.DataFrame(rows, columns=cols[:-1])
    out["dependence"] = out["china"] / (out["china"] + out["west"])
    return out


def sanctions_sensitivity(
    west: pd.DataFrame, china: pd.DataFrame, *, end_year: int, scenario: Mapping[str, Any]
) -> pd.DataFrame:
    """Dependence at ``end_year`` under relief as each assumption moves over its range.

    One row per (parameter, value); the other assumptions stay at ``scenario``. A null
    relief_year is replaced by the year after the data for this table only (stated in a column).
    """
    base = dict(scenario)
    obs_last = None
    m = west.merge(china, on="year")
    if not m.empty:
        obs_last = int(m["year"].max())
    if base.get("relief_year") is None and obs_last is not None:
        base["relief_year"] = min(obs_last + 1, end_year)
    grid = {
        "trade_rebound": [0.0, 0.25, 0.5, 0.75, 1.0],
        "china_diversion": [0.0, 0.25, 0.5],
        "rebound_years": [1, 3, 5],
        "baseline_growth": [-0.02, 0.0, 0.02, 0.05],
    }
    if base.get("relief_year") is not None:
        ry = int(base["relief_year"])
        grid["relief_year"] = sorted({y for y in (ry - 2, ry, ry + 2) if y <= end_year})
    rows = []
    for key, values in grid.items():
        for v in values:
            kw = {**base, key: v}
            p = sanctions_projection(west, china, end_year=end_year, **kw)
            rel = p[(p["scenario"] == "relief") & (p["year"] == end_year)]
            bl = p[(p["scenario"] == "baseline") & (p["year"] == end_year)]
            rows.append(
                {
                    "parameter": key,
                    "value": float(v),
                    "dependence_relief": num(rel["dependence"].iloc[0]) if len(rel) else None,
                    "dependence_baseline": num(bl["dependence"].iloc[0]) if len(bl) else None,
                    "relief_year_used": base.get("relief_year"),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "parameter",
            "value",
            "dependence_relief",
            "dependence_baseline",
            "relief_year_used",
        ],
    )


def dependence_table(trade: pd.DataFrame, ind: pd.DataFrame, *, series: str) -> pd.DataFrame:
    """How much each side's exports rest on the other, by year (claim C8).

    ``russia_on_china``: Russia's exports to China (the series ``series``: IMF IMTS, from 2022
    estimated from China's reports, or Russia-reported IMF DOTS) over Russia's merchandise
    exports (World Bank WDI); ``china_on_russia``: China's exports to Russia (CEPII BACI, the
    flow reconciled from both sides' reports, FOB like WDI's exports) over China's merchandise
    exports. Before the BACI rows were curated, Russia's imports from China (CIF, Russia-reported)
    stood in for China's exports; from 2022 the two move apart (docs/decisions.md).
    Columns year, russia_on_china, china_on_russia (each missing, NaN, in a year its data lack)
    and the source of each side's flow that year, russia_source and china_source (``""`` where
    missing); years with neither are absent.
    """
    require(trade, TRADE_COLUMNS, "bilateral_trade")
    d = series_table(trade, series)
    rus_x = d[route(d, "RUS", "CHN", "export")]
    chn_x = trade[equals(trade["source"], BACI) & route(trade, "CHN", "RUS", "export")]
    wdi = ind[equals(ind["indicator"], "wdi_merch_exports")]

    def share(flows: pd.DataFrame, iso3: str) -> dict[int, tuple[float, str]]:
        totals = exporter_totals(wdi, iso3)
        values, sources = flows["value"].to_numpy(dtype=float), flows["source"].to_numpy()
        out = {}
        for year, rows in flows.groupby("year").indices.items():
            v = values[rows]  # Series.sum: missing values as zeros, numpy's sum in row order
            value = np.where(np.isnan(v), 0.0, v).sum()
            total = totals.get(year)
            if num(total) and num(value) is not None:  # US$ m over US$ bn
                out[int(year)] = (float(value) / (float(total) * 1000), str(sources[rows[0]]))
        return out

    r, c = share(rus_x, "RUS"), share(chn_x, "CHN")
    nan = (float("nan"), "")
    rows = [
        {
            "year": y,
            "russia_on_china": r.get(y, nan)[0],
            "china_on_russia": c.get(y, nan)[0],
            "russia_source": r.get(y, nan)[1],
            "china_source": c.get(y, nan)[1],
        }
        for y in sorted(set(r) | set(c))
    ]
    return pd.DataFrame(rows, columns=DEPENDENCE_COLUMNS)


def exporter_totals(wdi: pd.DataFrame, iso3: str) -> dict[Any, Any]:
    """One exporter's merchandise exports by year from the WDI rows, as the pivot of every
    exporter gives them: its one value a year read off the rows; a year given twice summed by
    that pivot itself."""
    rows = wdi[equals(wdi["iso3"], iso3)]
    year = rows["year"].to_numpy()
    if len(np.unique(year)) == len(year):
        return dict(zip(year.tolist(), rows["value"].tolist(), strict=True))
    exports = wdi.pivot_table(index="year", columns="iso3", values="value", aggfunc="sum")
    return exports[iso3].to_dict() if iso3 in exports else {}


DEPENDENCE_COLUMNS = [
    "year", "russia_on_china", "china_on_russia", "russia_source", "china_source",
]  # fmt: skip


def route(trade: pd.DataFrame, reporter: str, partner: str, flow: str) -> Any:
    """The rows of one reported flow (``reporter`` to or from ``partner``), as a mask."""
    return (
        equals(trade["reporter_iso3"], reporter)
        & equals(trade["partner_iso3"], partner)
        & equals(trade["flow"], flow)
    )


def flow_words(trade: pd.DataFrame, source: str, exporter: str, importer: str) -> str:
    """One source's flow from ``exporter`` to ``importer`` in words, with its years: e.g.
    "CEPII BACI (reconciled) 2017-2023"."""
    d = trade[equals(trade["source"], source)]
    years = d.loc[
        route(d, exporter, importer, "export") | route(d, importer, exporter, "import"), "year"
    ]
    name = SOURCE_WORDS.get(source, source)
    return f"{name} {int(years.min())}-{int(years.max())}" if len(years) else f"{name}: no data"


def headline(trade_long: pd.DataFrame) -> str:
    """The trade chart's title: Russia's trade with China against the West, latest year."""
    if trade_long.empty:
        return "Russia's trade with China and the West: no data"
    last, rows = last_year(trade_long)
    at = rows.set_index("partner")["value"]
    china, west = at.get("China"), at.get("the West")
    if china is None or west is None:
        return f"Russia's trade by partner, {last}"
    more = "more" if china > west else "less"
    return (
        f"By {last} Russia traded {more} with China (US$ {china:,.0f} bn) than with the West "
        f"(US$ {west:,.0f} bn)"
    )


def alt_text(trade_long: pd.DataFrame) -> str:
    if trade_long.empty:
        return "Line chart of Russia's trade by partner: no data."
    first, last = int(trade_long["year"].min()), int(trade_long["year"].max())
    partners = "; ".join(
        f"with {partner} US$ {a['value']:,.0f} bn in {int(a['year'])} and "
        f"US$ {b['value']:,.0f} bn in {int(b['year'])}"
        for partner, a, b in ends_by(trade_long, "partner")
    )
    return (
        f"Line chart of Russia's trade (exports plus imports, US$ bn) by partner, {first} "
        f"to {last}: {partners}; break years marked."
    )


def scenario_headline(what_if: pd.DataFrame, end_year: int) -> str:
    end = what_if[what_if["year"] == end_year].set_index("scenario")["dependence"]
    if end.empty:
        return "Sanctions-relief what-if: no data to draw it"
    return (
        f"What-if: China's share of Russia's trade with China and the West in {end_year}, "
        f"{end.get('baseline', float('nan')):.0%} without relief, "
        f"{end.get('relief', float('nan')):.0%} with it ({ILLUSTRATION})"
    )


def scenario_alt(what_if: pd.DataFrame, end_year: int) -> str:
    obs = what_if[what_if["scenario"] == "observed"]
    start = ""
    if len(obs):
        _, last = ends(obs)
        start = f"{last['dependence']:.0%} in {int(last['year'])}"
    return (
        "Line chart of China's share of Russia's trade with China and the West: observed"
        f"{' to ' + start if start else ''}, then a baseline and a relief scenario to {end_year} "
        f"({ILLUSTRATION})."
    )
