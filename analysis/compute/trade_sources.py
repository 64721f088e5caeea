"""Russia–China trade as each source has it, by direction: where the sources part (claim C3).

Russia's exports to China are in four sources: Russia's own reports (IMF DOTS), the IMF's IMTS
(from 2022 estimated from partners' reports), China's customs' imports from Russia (UN Comtrade)
and CEPII BACI's flow reconciled from both reports; Russia's imports from China in three (no
China-reported exports in the raw data). :func:`by_source` lays them side by side;
:func:`parting_year` is the first year two of them differ by more than
:data:`analysis.data.crosscheck.DISAGREEMENT_FACTOR`; :func:`headline` states what happens there.
"""

from __future__ import annotations

import pandas as pd

from analysis.compute.frames import value_at
from analysis.compute.trade import BACI, COMTRADE, DOTS, IMTS
from analysis.data import crosscheck
from analysis.formats import percent

NAMES = {"RUS": "Russia", "CHN": "China"}
#: The sources in the order the chart's legend lists them.
ORDER = (DOTS, IMTS, COMTRADE, BACI)
LABELS = {
    DOTS: "Russia-reported (IMF DOTS)",
    IMTS: "IMF IMTS",
    COMTRADE: "China-reported (UN Comtrade)",
    BACI: "Reconciled (CEPII BACI)",
}
COLUMNS = ["direction", "series", "source", "year", "value", "basis", "valuation", "flag"]


def direction(exporter: str, importer: str) -> str:
    return f"{NAMES.get(exporter, exporter)} to {NAMES.get(importer, importer)}"


def series_label(source: str, flows: pd.DataFrame) -> str:
    """A source's name in the legend; IMTS says from when its values are estimates."""
    label = LABELS.get(source, source)
    est = flows[(flows["source"] == source) & flows["flag"].eq("estimate")]
    if len(est):
        label += f", partner-based from {int(est['year'].min())}"
    return label


def by_source(trade: pd.DataFrame, a: str = "RUS", b: str = "CHN") -> pd.DataFrame:
    """Every source's figure for the flows between ``a`` and ``b``, by direction: columns
    :data:`COLUMNS`, ``value`` in US$ bn (the table is in US$ m), sorted."""
    d = crosscheck.directed(trade)
    d = d[d["exporter"].isin([a, b]) & d["importer"].isin([a, b]) & d["exporter"].ne(d["importer"])]
    if d.empty:
        return pd.DataFrame(columns=COLUMNS)
    rank = {s: i for i, s in enumerate(ORDER)}
    out = pd.DataFrame(
        {
            "direction": [
                direction(e, i) for e, i in zip(d["exporter"], d["importer"], strict=True)
            ],
            "series": [series_label(s, d) for s in d["source"]],
            "source": d["source"].to_numpy(),
            "year": d["year"].astype(int).to_numpy(),
            "value": (d["value"] / 1000.0).to_numpy(),
            "basis": d["basis"].to_numpy(),
            "valuation": d["valuation"].to_numpy(),
            "flag": d["flag"].to_numpy(),
        }
    )
    out["rank"] = out["source"].map(lambda s: rank.get(s, len(ORDER)))
    out = out.sort_values(["direction", "rank", "year"], ascending=[False, True, True])
    return out.drop(columns="rank").reset_index(drop=True)


def parting_year(trade: pd.DataFrame, a: str = "RUS", b: str = "CHN") -> int | None:
    """The first year two sources of the flows between ``a`` and ``b`` differ by more than the
    data check's factor (None when they never do). Only the rows between the two are compared
    (their flows are the only ones read): the same year as from the whole table."""
    pair = trade["reporter_iso3"].isin([a, b]) & trade["partner_iso3"].isin([a, b])
    return crosscheck.parting_year(crosscheck.disagreements(trade[pair]), a, b)


def _change(table: pd.DataFrame, source: str, year: int) -> float | None:
    s = table[table["source"] == source]
    now, before = value_at(s, year, "value"), value_at(s, year - 1, "value")
    return now / before - 1 if now is not None and before else None


#: What a direction's Russia-reported flow is called, and which source speaks for the other side.
FLOW_WORDS = {"Russia to China": "exports to China", "China to Russia": "imports from China"}
COMPARATORS = ((COMTRADE, "China's customs show"), (BACI, "the reconciled flow (CEPII BACI) shows"))


def contrasts(table: pd.DataFrame, year: int) -> list[dict]:
    """For each direction, the change into ``year`` of Russia's own figure (DOTS) and of the other
    side's (China's customs where they report the flow, else BACI): ``direction, reported,
    other, words``; directions lacking either are left out."""
    out = []
    for name, rows in table.groupby("direction", sort=True):
        reported = _change(rows, DOTS, year)
        for source, words in COMPARATORS:
            other = _change(rows, source, year)
            if reported is not None and other is not None:
                out.append(
                    {"direction": name, "reported": reported, "other": other, "words": words}
                )
                break
    return out


def _verb(change: float) -> str:
    return "fall" if change < 0 else "rise"


def headline(table: pd.DataFrame, year: int | None) -> str:
    """The chart's title: what the sources say in the year they part. Of the two directions, the
    one where Russia's figure and the other side's move apart the most (opposite ways first)."""
    if table.empty:
        return "Russia–China trade by source: no data"
    if year is None:
        return (
            "Russia–China trade by source: the sources agree within a factor "
            f"{crosscheck.DISAGREEMENT_FACTOR:g} in every year"
        )
    found = contrasts(table, year)
    if not found:
        return f"From {year} the sources of Russia–China trade part"
    best = max(
        found,
        key=lambda c: ((c["reported"] < 0) != (c["other"] < 0), abs(c["other"] - c["reported"])),
    )
    r, o = best["reported"], best["other"]
    flow = FLOW_WORDS.get(best["direction"], f"trade ({best['direction']})")
    return (
        f"From {year} Russia's reported {flow} {_verb(r)} {percent(abs(r))} while "
        f"{best['words']} a {_verb(o)} of {percent(abs(o))}"
    )


def alt_text(table: pd.DataFrame, year: int | None) -> str:
    """Every series of both panels, first and last value, and the year marked."""
    if table.empty:
        return "Line chart of Russia–China trade by source: no data."
    bits = []
    for (name, label), rows in table.groupby(["direction", "series"], sort=False):
        a, b = rows.iloc[0], rows.iloc[-1]
        bits.append(
            f"{name}, {label}: US$ {a['value']:,.0f} bn in {int(a['year'])}, "
            f"US$ {b['value']:,.0f} bn in {int(b['year'])}"
        )
    mark = f"; a rule marks {year}, the first year they differ by more than a factor " + (
        f"{crosscheck.DISAGREEMENT_FACTOR:g}" if year is not None else ""
    )
    return (
        "Two line charts, one per direction, of Russia–China trade by source (US$ bn): "
        + "; ".join(bits)
        + (mark if year is not None else "; the sources never differ by more than the factor")
        + "."
    )


def caption(table: pd.DataFrame, year: int | None) -> str:
    """What the chart draws, with the factor and the years computed."""
    where = (
        f" The dashed rule marks {year}, the first year two sources differ by more than a factor "
        f"{crosscheck.DISAGREEMENT_FACTOR:g} (more than CIF/FOB valuation and timing explain)."
        if year is not None
        else ""
    )
    est = table[(table["source"] == IMTS) & table["flag"].eq("estimate")]
    imts = (
        f"the IMF's IMTS (from {int(est['year'].min())} estimated from partners' reports)"
        if len(est)
        else "the IMF's IMTS"
    )
    return (
        "Russia–China trade in each direction as each source has it, US$ bn a year: Russia's own "
        f"reports (IMF DOTS), {imts}, China's customs (UN Comtrade, China's imports, CIF; "
        "China's exports to Russia are not in the data) and CEPII BACI's flows reconciled from "
        "both reports (FOB)." + where
    )
