"""C2's and C8's inputs and measures read on arrays (decision 82) equal the pandas code they
replace, bit for bit: the pandas versions are kept here as the reference and compared on the
curated data under every brief in ``params/`` and on edge tables (a repeated year, missing
values, empty strings, no data); and C2's and C8's multiverse under every brief equals each
specification decided alone."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.compute import alignment, specs, trade
from analysis.compute import claims as claim_modules
from analysis.compute import multiverse as mv
from analysis.compute.claims import c8
from analysis.compute.frames import mean_between, num
from analysis.data import load as data_load
from analysis.params import load_params
from analysis.results import VERDICTS

ROOT = Path(__file__).resolve().parents[1]
BRIEFS = sorted(p.stem for p in (ROOT / "params").glob("*.yml"))


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True, check_index_type=True)


def bits(x) -> object:
    """A value as compared bit for bit (floats by their bytes; containers element-wise)."""
    if isinstance(x, float):
        return np.float64(x).tobytes()
    if isinstance(x, tuple | list):
        return tuple(bits(v) for v in x)
    if isinstance(x, set):
        return frozenset(x)
    return x


# ---------------------------------------------------------------------------------------------
# The pandas code the arrays replace, as it was


def old_dyad(un: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    first, second = un["iso3_a"], un["iso3_b"]
    m = ((first == a) & (second == b)) | ((first == b) & (second == a))
    out = un.loc[m, ["year", "agreement"]].astype({"year": int, "agreement": float})
    return out.groupby("year", as_index=False)["agreement"].mean().sort_values("year")


def old_agreement_table(un: pd.DataFrame, pairs) -> pd.DataFrame:
    frames = []
    for a, b in pairs:
        d = old_dyad(un, a, b)
        d.insert(0, "pair", f"{a}–{b}")
        frames.append(d)
    if not frames:
        return pd.DataFrame(columns=["pair", "year", "agreement"])
    return pd.concat(frames, ignore_index=True)


def old_distance(ind: pd.DataFrame, group_a, group_b=None) -> pd.DataFrame:
    pairs = alignment._pairs(group_a, group_b)
    wide = alignment.idealpoints(ind, sorted(set(group_a) | set(group_b or [])))
    rows = []
    for _, r in wide.iterrows():
        ds = [
            abs(float(r[i]) - float(r[j]))
            for i, j in pairs
            if i in r.index and j in r.index and pd.notna(r[i]) and pd.notna(r[j])
        ]
        if ds:
            rows.append(
                {"year": int(r["year"]), "distance": float(np.mean(ds)), "n_pairs": len(ds)}
            )
    return pd.DataFrame(rows, columns=["year", "distance", "n_pairs"])


def old_distances(ind: pd.DataFrame, coalition, benchmark) -> pd.DataFrame:
    within = old_distance(ind, coalition) if len(coalition) > 1 else None
    frames = [] if within is None else [within.assign(series="within coalition")]
    frames.append(old_distance(ind, coalition, benchmark).assign(series="coalition to benchmark"))
    return pd.concat(frames, ignore_index=True)[["series", "year", "distance", "n_pairs"]]


def old_series_table(table: pd.DataFrame, series: str) -> pd.DataFrame:
    dots = table[table["source"] == trade.DOTS]
    if series == "dots":
        return dots.reset_index(drop=True)
    imts = table[table["source"] == trade.IMTS]
    if imts.empty:
        return dots.reset_index(drop=True)
    before = dots[dots["year"] < int(imts["year"].min())]
    return pd.concat([before, imts], ignore_index=True)


def old_dependence(table: pd.DataFrame, ind: pd.DataFrame, series: str) -> pd.DataFrame:
    d = trade.series_table(table, series)
    rus_x = d[(d["reporter_iso3"] == "RUS") & (d["partner_iso3"] == "CHN") & d["flow"].eq("export")]
    b = table[(table["source"] == trade.BACI) & table["flow"].eq("export")]
    chn_x = b[(b["reporter_iso3"] == "CHN") & (b["partner_iso3"] == "RUS")]
    exports = ind[ind["indicator"] == "wdi_merch_exports"].pivot_table(
        index="year", columns="iso3", values="value", aggfunc="sum"
    )

    def share(flows, iso3):
        out = {}
        for year, g in flows.groupby("year"):
            value = g["value"].sum()
            total = exports.loc[year].get(iso3) if year in exports.index else None
            if num(total) and num(value) is not None:
                out[int(year)] = (float(value) / (float(total) * 1000), str(g["source"].iloc[0]))
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
    return pd.DataFrame(rows, columns=trade.DEPENDENCE_COLUMNS)


def old_common(spread: pd.DataFrame, a, b, years) -> set:
    d = spread[spread["year"].between(*years) & (spread["recipient_iso3"].fillna("") != "")]
    d = d[d["tiv"] > 0] if "tiv" in d else d
    got_a = set(d.loc[d["supplier_iso3"].isin(list(a)), "recipient_iso3"])
    got_b = set(d.loc[d["supplier_iso3"].isin(list(b)), "recipient_iso3"])
    return (got_a & got_b) - set(a) - set(b)


def old_seen(agreement, spread, share, dependence, w) -> tuple:
    a = agreement.dropna(subset=["agreement"])
    if a.empty:
        div, a_years = None, (None, None)
    else:
        last = int(a["year"].max())
        a_years = (last - w + 1, last)
        div = 1 - float(a[a["year"].between(*a_years)]["agreement"].mean())
    then = mean_between(share, "share", *c8.PLAN_DECADE)
    s = share.dropna(subset=["share"])
    now_years = (int(s["year"].max()) - w + 1, int(s["year"].max())) if len(s) else (None, None)
    now = mean_between(share, "share", *now_years) if len(s) else None
    d = dependence.dropna(subset=["russia_on_china", "china_on_russia"])
    row = None if d.empty else d.sort_values("year").iloc[-1]
    dep = None if row is None else (int(row["year"]), num(row["russia_on_china"]))
    return div, a_years, then, now, now_years, dep


def new_seen(agreement, spread, share, dependence, w) -> tuple:
    m = c8.seen(agreement, spread, share, dependence, w)
    return m.div, m.a_years, m.then, m.now, m.now_years, (None if m.y is None else (m.y, m.r_on_c))


# ---------------------------------------------------------------------------------------------
# On the curated data, under every brief


@pytest.mark.parametrize("brief", BRIEFS)
def test_the_alignment_tables_equal_the_pandas_ones_on_the_curated_data(brief: str):
    params = load_params(ROOT / "params" / f"{brief}.yml")
    t = data_load.tables(("indicators", "un_agreement"), ("unga_idealpoint",), as_of=params.as_of)
    ind, un = t["indicators"], t["un_agreement"]
    groups = [
        (params.coalition, params.benchmark),
        (["CHN", "RUS", "PRK", "IRN"], ["USA", "GBR"]),
        (["CHN"], ["USA"]),
        (["XXX", "CHN"], ["USA"]),
    ]
    for coalition, benchmark in groups:
        same(
            alignment.alignment_distances(ind, coalition, benchmark),
            old_distances(ind, coalition, benchmark),
        )
        pairs = alignment.agreement_pairs(coalition, benchmark)
        same(alignment.agreement_table(un, pairs), old_agreement_table(un, pairs))
        assert alignment.missing_members(ind, coalition, "unga_idealpoint") == [
            m
            for m in coalition
            if m not in set(ind.loc[ind["indicator"] == "unga_idealpoint", "iso3"])
        ]
    same(alignment.dyad_agreement(un, "RUS", "CHN"), old_dyad(un, "RUS", "CHN"))


@pytest.mark.parametrize("brief", BRIEFS)
def test_c8_s_tables_and_measures_equal_the_pandas_ones_on_the_curated_data(brief: str):
    params = load_params(ROOT / "params" / f"{brief}.yml")
    tables = data_load.tables(c8.READS, c8.INDICATORS, as_of=params.as_of)
    for series in trade.SERIES:
        table = tables["bilateral_trade"]
        same(trade.series_table(table, series), old_series_table(table, series))
        no_imts = table[table["source"] != trade.IMTS]
        same(trade.series_table(no_imts, series), old_series_table(no_imts, series))
        as_objects = table.astype({"source": object, "year": "Int64"})
        as_objects.loc[as_objects.index[:3], "year"] = pd.NA
        same(trade.series_table(as_objects, series), old_series_table(as_objects, series))
        same(
            trade.dependence_table(tables["bilateral_trade"], tables["indicators"], series=series),
            old_dependence(tables["bilateral_trade"], tables["indicators"], series),
        )
    inputs = c8.prepare(tables, params)
    spread = inputs["spread"]
    last = int(spread["year"].max())
    for w in range(1, 40):
        args = (inputs["agreement"], spread, inputs["share"], inputs["dependence"], w)
        assert bits(new_seen(*args)) == bits(old_seen(*args))
        for a, b in [(("CHN",), ("RUS", "SUN")), (("USA",), ("RUS",)), (("FRA",), ("DEU",))]:
            years = (last - w + 1, last)
            assert c8.common_recipients(spread, a, b, years) == old_common(spread, a, b, years)


# ---------------------------------------------------------------------------------------------
# Edge tables


def test_mean_of_is_pandas_s_mean_bit_for_bit():
    rng = np.random.default_rng(82)
    for n, scale in itertools.product(range(0, 41), (1e-3, 1.0, 1e9)):
        x = rng.normal(size=n) * scale + rng.normal() * scale
        x[rng.random(n) < 0.2] = np.nan
        assert bits(c8.mean_of(x)) == bits(float(pd.Series(x).mean()))


def test_edge_tables_equal_the_pandas_ones():
    ip = pd.DataFrame(
        [
            ("CHN", 2000, "unga_idealpoint", 1.0),
            ("CHN", 2000, "unga_idealpoint", 1.3),  # a repeated year: the grouped mean
            ("CHN", 2000, "unga_idealpoint", 0.1),
            ("RUS", 2000, "unga_idealpoint", 0.7),
            ("USA", 2000, "unga_idealpoint", -1.1),
            ("RUS", 2001, "unga_idealpoint", np.nan),  # a missing value
            ("CHN", 2001, "unga_idealpoint", 0.9),
            ("USA", 2001, "unga_idealpoint", -1.2),
            ("PRK", 2002, "unga_idealpoint", np.nan),  # a member with only a missing value
            ("USA", 2003, "other", 1.0),
        ],
        columns=["iso3", "year", "indicator", "value"],
    ).astype({"iso3": "str", "indicator": "str"})
    for coalition in (["CHN", "RUS"], ["CHN", "RUS", "PRK"], ["PRK"], ["XXX", "YYY"]):
        same(
            alignment.alignment_distances(ip, coalition, ["USA"]),
            old_distances(ip, coalition, ["USA"]),
        )
    un = pd.DataFrame(
        [
            ("CHN", "RUS", 2000, 0.9),
            ("RUS", "CHN", 2000, 0.8),  # both orders in one year: the grouped mean
            ("RUS", "CHN", 2000, 0.7),
            ("CHN", "RUS", 2002, np.nan),
            ("CHN", "RUS", 2001, 0.95),
            ("CHN", "USA", 2001, 0.2),
        ],
        columns=["iso3_a", "iso3_b", "year", "agreement"],
    ).astype({"iso3_a": "str", "iso3_b": "str", "year": "Int64"})
    pairs = [("CHN", "RUS"), ("CHN", "USA"), ("RUS", "USA"), ("PRK", "USA")]
    same(alignment.agreement_table(un, pairs), old_agreement_table(un, pairs))
    same(alignment.agreement_table(un.iloc[:0], pairs), old_agreement_table(un.iloc[:0], pairs))
    same(alignment.agreement_table(un, []), old_agreement_table(un, []))
    spread = pd.DataFrame(
        {
            "supplier_iso3": ["CHN", "RUS", "CHN", "RUS", "SUN", "CHN", None, "RUS"],
            "recipient_iso3": ["PAK", "PAK", "", "", "IND", None, "IND", "MMR"],
            "year": [2019, 2020, 2020, 2020, 2018, 2020, 2020, 2020],
            "tiv": [1.0, 2.0, 1.0, 1.0, 3.0, 1.0, 1.0, 0.0],
        }
    ).astype({"supplier_iso3": "str", "recipient_iso3": "str"})
    for frame in (spread, spread.drop(columns="tiv")):
        for years in [(2016, 2020), (2019, 2020), (2020, 2020), (2030, 2031)]:
            got = c8.common_recipients(frame, ("CHN",), ("RUS", "SUN"), years)
            assert got == old_common(frame, ("CHN",), ("RUS", "SUN"), years)
    flows = pd.DataFrame(
        [
            ("RUS", "CHN", 2019, "export", 10.0, trade.DOTS),
            ("RUS", "CHN", 2019, "export", 20.5, trade.DOTS),  # a year twice: summed
            ("RUS", "CHN", 2020, "export", np.nan, trade.DOTS),
            ("RUS", "CHN", 2021, "export", 7.0, trade.IMTS),
            ("CHN", "RUS", 2019, "export", 3.0, trade.BACI),
            ("CHN", "RUS", 2021, "import", 3.0, trade.BACI),
            ("CHN", "RUS", 2022, "export", 4.0, trade.BACI),
        ],
        columns=["reporter_iso3", "partner_iso3", "year", "flow", "value", "source"],
    ).astype({c: "str" for c in ("reporter_iso3", "partner_iso3", "flow", "source")})
    wdi = pd.DataFrame(
        [
            ("RUS", 2019, "wdi_merch_exports", 400.0),
            ("RUS", 2020, "wdi_merch_exports", 300.0),
            ("RUS", 2021, "wdi_merch_exports", 0.0),
            ("CHN", 2019, "wdi_merch_exports", 2000.0),
            ("CHN", 2022, "wdi_merch_exports", 1500.0),
            ("CHN", 2022, "wdi_merch_exports", 1.3),  # a year twice: the pivot sums it
            ("CHN", 2022, "wdi_merch_exports", 0.1),
            ("USA", 2023, "wdi_merch_exports", 1.0),
        ],
        columns=["iso3", "year", "indicator", "value"],
    ).astype({"iso3": "str", "indicator": "str"})
    for series in trade.SERIES:
        same(trade.series_table(flows, series), old_series_table(flows, series))
        for ind in (wdi, wdi.iloc[:5], wdi.iloc[:0]):
            same(
                trade.dependence_table(flows, ind, series=series),
                old_dependence(flows, ind, series),
            )
    dependence = pd.DataFrame(
        {
            "year": [2019, 2021, 2021, 2020, 2022],
            "russia_on_china": [0.1, 0.2, 0.25, None, 0.3],
            "china_on_russia": [0.01, 0.02, 0.03, 0.02, None],
        }
    )
    agreement = pd.DataFrame({"year": [2015, 2016, 2017], "agreement": [0.9, np.nan, 0.8]})
    share = pd.DataFrame({"year": [2003, 2005, 2010, 2020], "share": [0.9, np.nan, 0.7, np.nan]})
    for dep in (dependence, dependence.iloc[[0, 3, 4]], dependence.iloc[:0]):
        for w in (1, 3, 10):
            args = (agreement, spread, share, dep, w)
            assert bits(new_seen(*args)) == bits(old_seen(*args))
            empty = (agreement.iloc[:0], spread.iloc[:0], share.iloc[:0], dep, w)
            assert bits(new_seen(*empty)) == bits(old_seen(*empty))


# ---------------------------------------------------------------------------------------------
# The multiverse under every brief


@pytest.mark.parametrize(("brief", "cid"), list(itertools.product(BRIEFS, ["C2", "C8"])))
def test_c2_and_c8_decided_in_blocks_equal_each_specification_alone_under_every_brief(
    brief: str, cid: str
):
    params = load_params(ROOT / "params" / f"{brief}.yml")
    module = claim_modules.MODULES[cid]
    tables = data_load.tables(module.READS, module.INDICATORS, as_of=params.as_of)
    choices = getattr(params.multiverse, cid.lower())
    inputs, alone = module.prepare(tables, params), module.prepare(tables, params)
    everything = mv.space(choices)
    for block in mv.blocks(cid, choices):
        estimates, codes = mv.evaluate_block(cid, inputs, block, params)
        for i, e, c in zip(block.index.tolist(), estimates.tolist(), codes.tolist(), strict=True):
            want_e, want_v = module.evaluate(alone, dict(everything[i]), params)
            want_e = math.nan if want_e is None else float(want_e)
            assert (bits(e), VERDICTS[c]) == (bits(want_e), want_v), (brief, everything[i])
    assert specs.size(choices) == sum(len(b) for b in mv.blocks(cid, choices))
