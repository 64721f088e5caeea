"""Russia's trade with China and with the West, and the sanctions-relief what-if (C3, C6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.compute.frames import ends, ends_by, last_year, num, require, value_at

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


def trade_with(
    trade: pd.DataFrame, partners: Sequence[str], *, reporter: str = "RUS"
) -> pd.DataFrame:
    """Reporter's total trade (exports + imports) with ``partners`` by year: year, value.

    A year counts only when both flows are reported (the IMF files give 2010 imports and 2023
    exports alone; a one-flow total would look like a collapse). Years where none of the
    partners has data are absent; a partner with no data is skipped.
    """
    require(trade, ["reporter_iso3", "partner_iso3", "year", "flow", "value"], "bilateral_trade")
    d = trade[(trade["reporter_iso3"] == reporter) & trade["partner_iso3"].isin(list(partners))]
    d = d.dropna(subset=["value"])
    if d.empty:
        return pd.DataFrame(columns=["year", "value"])
    both = d.groupby("year")["flow"].nunique()
    d = d[d["year"].isin(both[both >= 2].index)]
    out = d.groupby("year", as_index=False)["value"].sum()
    return out.astype({"year": int, "value": float}).sort_values("year").reset_index(drop=True)


def trade_by_partner(
    trade: pd.DataFrame, groups: Mapping[str, Sequence[str]], *, reporter: str = "RUS"
) -> pd.DataFrame:
    """Reporter's trade with each partner group, US$ bn (the table is in US$ m):
    ``partner, year, value``. Groups without data are absent."""
    frames = []
    for label, members in groups.items():
        d = trade_with(trade, members, reporter=reporter)
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


def dependence_table(trade: pd.DataFrame, ind: pd.DataFrame) -> pd.DataFrame:
    """How much each side's exports rest on the other, by year (claim C8).

    ``russia_on_china``: Russia's exports to China (Russia-reported, IMF DOTS) over Russia's
    merchandise exports (World Bank WDI); ``china_on_russia``: Russia's imports from China (the
    same file, standing in for China's exports to Russia) over China's merchandise exports.
    Columns year, russia_on_china, china_on_russia; years lacking either side are absent.
    """
    require(trade, ["reporter_iso3", "partner_iso3", "year", "flow", "value"], "bilateral_trade")
    d = trade[(trade["reporter_iso3"] == "RUS") & (trade["partner_iso3"] == "CHN")]
    flows = d.pivot_table(index="year", columns="flow", values="value", aggfunc="sum")
    exports = ind[ind["indicator"] == "wdi_merch_exports"].pivot_table(
        index="year", columns="iso3", values="value", aggfunc="sum"
    )
    rows = []
    for year in sorted(set(flows.index) & set(exports.index)):
        rus_x = flows.loc[year].get("export")
        rus_m = flows.loc[year].get("import")
        tot_r = exports.loc[year].get("RUS")
        tot_c = exports.loc[year].get("CHN")
        if any(num(v) is None for v in (rus_x, rus_m, tot_r, tot_c)):
            continue
        # trade is in US$ m, WDI exports in US$ bn
        rows.append(
            {
                "year": int(year),
                "russia_on_china": float(rus_x) / (float(tot_r) * 1000),
                "china_on_russia": float(rus_m) / (float(tot_c) * 1000),
            }
        )
    return pd.DataFrame(rows, columns=["year", "russia_on_china", "china_on_russia"])


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
        f"Line chart of Russia's reported trade (exports plus imports, US$ bn) by partner, {first} "
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
