"""Where the trade sources disagree: every bilateral flow-year two sources put far apart.

The ``bilateral_trade`` table holds several sources for some flows: Russia's exports to China are
Russia-reported (IMF DOTS), the IMF's IMTS (from 2022 estimated from partners' reports), China's
imports from Russia as China's customs report them (UN Comtrade) and CEPII BACI's reconciled
flow. A *flow* is directed: exporter -> importer, whichever side reports it (an export row of
reporter R to partner P is the flow R -> P; an import row is P -> R). :func:`disagreements` lists
every flow and year where two sources differ by more than :data:`DISAGREEMENT_FACTOR`.
``brief data check`` prints the list and ``data/README.md`` shows it; neither fails on it: a
disagreement is a fact about the sources for the analysis to handle (the brief's ``trade_series``
rule), not an error in the data.
"""

from __future__ import annotations

import itertools

import pandas as pd

#: Two sources disagree on a flow-year when the larger value exceeds the smaller by more than
#: this factor. The same flow measured two ways differs for known reasons: the CIF value an
#: importer records includes freight and insurance (about 5-10 % above the exporter's FOB
#: value), and goods shipped in December are counted in the next year by the importer. On the
#: committed data, the four China-Russia sources agree within a factor 1.17 in every year
#: 2017-2021 (China's CIF imports against Russia's FOB exports, 2020), so a factor above 1.25 is
#: more than valuation and timing can explain: the sources disagree on what was traded.
DISAGREEMENT_FACTOR = 1.25
#: Flows smaller than this in both sources (US$ m a year) are not compared: a ratio of two
#: amounts under a million dollars says nothing a brief uses (every group it sums is billions).
MATERIAL_MIN = 1.0
WORLD = "WLD"  # a world total is not a bilateral flow
COLUMNS = [
    "exporter",
    "importer",
    "year",
    "source_a",
    "reporter_a",
    "value_a",
    "source_b",
    "reporter_b",
    "value_b",
    "ratio",
]


def directed(trade: pd.DataFrame) -> pd.DataFrame:
    """The trade rows as directed flows: ``exporter, importer, year, source, reporter, value,
    basis, valuation, flag`` (world totals left out)."""
    d = trade[(trade["partner_iso3"] != WORLD) & (trade["reporter_iso3"] != WORLD)]
    export = d["flow"].eq("export")
    return pd.DataFrame(
        {
            "exporter": d["reporter_iso3"].where(export, d["partner_iso3"]).astype(str),
            "importer": d["partner_iso3"].where(export, d["reporter_iso3"]).astype(str),
            "year": d["year"].astype(int),
            "source": d["source"].astype(str),
            "reporter": d["reporter_iso3"].astype(str),
            "value": d["value"].astype(float),
            "basis": d["basis"].astype(str),
            "valuation": d["valuation"].astype(str),
            "flag": d["flag"].fillna("").astype(str),
        }
    ).reset_index(drop=True)


def disagreements(
    trade: pd.DataFrame,
    factor: float = DISAGREEMENT_FACTOR,
    material: float = MATERIAL_MIN,
) -> pd.DataFrame:
    """Every pair of sources (one row per source and reporter) that differ on a flow-year by more
    than ``factor`` (larger over smaller), where at least one of the two is ``material`` US$ m or
    more. Columns :data:`COLUMNS`; ``ratio`` is larger over smaller (infinite when one is zero);
    sorted by flow, year and the two sources."""
    d = directed(trade).sort_values(["exporter", "importer", "year", "source", "reporter"])
    rows = []
    for (exp, imp, year), g in d.groupby(["exporter", "importer", "year"], sort=True):
        if len(g) < 2:
            continue
        for a, b in itertools.combinations(g.itertuples(index=False), 2):
            hi, lo = max(a.value, b.value), min(a.value, b.value)
            if hi < material:
                continue
            ratio = hi / lo if lo > 0 else float("inf")
            if ratio > factor:
                rows.append(
                    [exp, imp, int(year), a.source, a.reporter, a.value, b.source, b.reporter,
                     b.value, ratio]
                )  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def parting_year(found: pd.DataFrame, exporter: str, importer: str) -> int | None:
    """The first year the sources of one flow (either direction between the two countries)
    disagree, from :func:`disagreements`; None when they never do."""
    pair = {exporter, importer}
    mask = found.apply(lambda r: {r["exporter"], r["importer"]} == pair, axis=1)
    years = found.loc[mask, "year"] if len(found) else pd.Series(dtype=int)
    return int(years.min()) if len(years) else None


def _label(source: str, reporter: str) -> str:
    return f"{source} ({reporter})"


def amount(value: float) -> str:
    """US$ m as written in the list: one decimal, three significant digits below 10."""
    return f"{value:,.1f}" if value >= 10 else f"{value:.3g}"


def times(ratio: float) -> str:
    """A ratio as written in the list: three decimals (so 1.252 is not shown as the factor)."""
    return "inf" if ratio == float("inf") else f"{ratio:,.3f}"


def lines(found: pd.DataFrame, factor: float = DISAGREEMENT_FACTOR) -> list[str]:
    """The disagreements in words, one line each (what ``brief data check`` prints)."""
    out = []
    for r in found.itertuples(index=False):
        out.append(
            f"{r.exporter}->{r.importer} {r.year}: {_label(r.source_a, r.reporter_a)} "
            f"{amount(r.value_a)} vs {_label(r.source_b, r.reporter_b)} {amount(r.value_b)} "
            f"US$ m (x{times(r.ratio)} > x{factor:g})"
        )
    return out


def summary(found: pd.DataFrame) -> pd.DataFrame:
    """How many flow-years each pair of sources disagrees on, by year: ``source_a, source_b,
    year, flows``."""
    if found.empty:
        return pd.DataFrame(columns=["source_a", "source_b", "year", "flows"])
    return (
        found.groupby(["source_a", "source_b", "year"], as_index=False)
        .size()
        .rename(columns={"size": "flows"})
    )
