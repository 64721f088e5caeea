"""Political alignment from UN General Assembly votes (claim C2 and the limits of C8)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.compute import groups
from analysis.compute.frames import ends, equals, last_year, require


def dyad_agreement(
    un: pd.DataFrame, a: str, b: str, *, masks: dict[str, tuple[Any, Any]] | None = None
) -> pd.DataFrame:
    """UNGA voting agreement of the dyad (a, b) by year (order-insensitive): year, agreement.
    ``masks``: each member's rows as first and as second of a pair (:func:`member_masks`),
    when the caller has them."""
    require(un, ["iso3_a", "iso3_b", "year", "agreement"], "un_agreement")
    eq = masks if masks is not None else member_masks(un, (a, b))
    m = (eq[a][0] & eq[b][1]) | (eq[b][0] & eq[a][1])
    out = un.loc[m, ["year", "agreement"]].astype({"year": int, "agreement": float})
    year = out["year"].to_numpy()
    if len(np.unique(year)) == len(year):  # the grouped mean of one value is the value
        order = np.argsort(year, kind="stable")
        out = pd.DataFrame({"year": year[order], "agreement": out["agreement"].to_numpy()[order]})
        return out.sort_values("year")
    return out.groupby("year", as_index=False)["agreement"].mean().sort_values("year")


def member_masks(un: pd.DataFrame, members: Sequence[str]) -> dict[str, tuple[Any, Any]]:
    """Each member's rows of ``un`` as the first and as the second of a pair, compared once."""
    first, second = un["iso3_a"], un["iso3_b"]
    return {m: (equals(first, m), equals(second, m)) for m in dict.fromkeys(members)}


def agreement_table(un: pd.DataFrame, pairs: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """Long table ``pair, year, agreement`` for every pair (pairs without data are absent)."""
    require(un, ["iso3_a", "iso3_b", "year", "agreement"], "un_agreement")
    frames = []
    masks = member_masks(un, [m for pair in pairs for m in pair])
    for a, b in pairs:
        d = dyad_agreement(un, a, b, masks=masks)
        d.insert(0, "pair", f"{a}–{b}")
        frames.append(d)
    if not frames:
        return pd.DataFrame(columns=["pair", "year", "agreement"])
    return pd.concat(frames, ignore_index=True)


def idealpoints(ind: pd.DataFrame, members: Sequence[str]) -> pd.DataFrame:
    """Wide table year × member of UNGA ideal points (members without data are absent)."""
    require(ind, ["iso3", "year", "indicator", "value"], "indicators")
    d = ind[(ind["indicator"] == "unga_idealpoint") & ind["iso3"].isin(list(members))]
    if d.empty:
        return pd.DataFrame(columns=["year"])
    w = d.pivot_table(index="year", columns="iso3", values="value", aggfunc="mean")
    w.columns = [str(c) for c in w.columns]
    return w.reset_index().astype({"year": int}).sort_values("year")


def _pairs(a: Sequence[str], b: Sequence[str] | None) -> list[tuple[str, str]]:
    if b is None:
        return list(itertools.combinations(list(a), 2))
    return [(i, j) for i in a for j in b if i != j]


def idealpoint_values(
    ind: pd.DataFrame, members: Sequence[str]
) -> dict[str, dict[int, float]] | None:
    """Each member's UNGA ideal point by year, as :func:`idealpoints` holds it, without the wide
    table: members without data are absent. None when a member has a year twice: the caller
    then reads :func:`idealpoints` itself (its mean of the year's rows is pivot_table's own)."""
    require(ind, ["iso3", "year", "indicator", "value"], "indicators")
    d = ind[equals(ind["indicator"], "unga_idealpoint")]
    iso3, year, value = d["iso3"], d["year"].to_numpy(), d["value"].to_numpy(dtype=float)
    out = {}
    for m in dict.fromkeys(members):
        rows = np.flatnonzero(equals(iso3, m))
        if len(np.unique(year[rows])) < len(rows):
            return None
        if len(rows):
            out[m] = dict(zip(year[rows].tolist(), value[rows].tolist(), strict=True))
    return out


def _wide_values(ind: pd.DataFrame, members: Sequence[str]) -> dict[str, dict[int, float]]:
    """:func:`idealpoints` as :func:`idealpoint_values` gives them."""
    wide = idealpoints(ind, members)
    years = wide["year"].tolist()
    return {str(m): dict(zip(years, wide[m].tolist(), strict=True)) for m in wide if m != "year"}


def idealpoint_distance(
    ind: pd.DataFrame,
    group_a: Sequence[str],
    group_b: Sequence[str] | None = None,
    *,
    values: dict[str, dict[int, float]] | None = None,
) -> pd.DataFrame:
    """Mean |IP_i - IP_j| by year: within ``group_a`` (pairwise) or between the two groups.

    Pairs with a member lacking that year's ideal point are left out; ``n_pairs`` counts the pairs
    used, and a year with none is absent. Columns ``year, distance, n_pairs``. ``values``: the
    members' :func:`idealpoint_values`, when the caller has read them.
    """
    pairs = _pairs(group_a, group_b)
    if values is None:
        members = sorted(set(group_a) | set(group_b or []))
        values = idealpoint_values(ind, members) or _wide_values(ind, members)
    years = sorted({int(y) for m in values.values() for y in m})
    rows = []
    for y in years:
        ds = [
            abs(float(values[i][y]) - float(values[j][y]))
            for i, j in pairs
            if i in values and j in values and _known(values[i].get(y)) and _known(values[j].get(y))
        ]
        if ds:
            rows.append({"year": y, "distance": float(np.mean(ds)), "n_pairs": len(ds)})
    return pd.DataFrame(rows, columns=["year", "distance", "n_pairs"])


def _known(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def alignment_distances(
    ind: pd.DataFrame, coalition: Sequence[str], benchmark: Sequence[str]
) -> pd.DataFrame:
    """Long table ``series, year, distance, n_pairs``: within the coalition, and to the benchmark.

    With a one-member coalition only the distance to the benchmark is given.
    """
    values = idealpoint_values(ind, [*coalition, *benchmark])  # read once, for both (or None)
    within = idealpoint_distance(ind, coalition, values=values) if len(coalition) > 1 else None
    between = idealpoint_distance(ind, coalition, benchmark, values=values)
    frames = []
    if within is not None:
        frames.append(within.assign(series="within coalition"))
    frames.append(between.assign(series="coalition to benchmark"))
    out = pd.concat(frames, ignore_index=True)
    return out[["series", "year", "distance", "n_pairs"]]


def missing_members(ind: pd.DataFrame, members: Sequence[str], indicator: str) -> list[str]:
    """Members with no value at all of ``indicator`` (shown as "not available")."""
    require(ind, ["iso3", "indicator"], "indicators")
    have = set(ind.loc[equals(ind["indicator"], indicator), "iso3"].to_numpy())
    return [m for m in members if m not in have]


def agreement_pairs(coalition: Sequence[str], benchmark: Sequence[str]) -> list[tuple[str, str]]:
    """Pairs for the agreement chart: within the coalition, then each member with the first
    benchmark member (the U.S. in every brief so far)."""
    pairs = _pairs(coalition, None)
    if benchmark:
        pairs += [(m, benchmark[0]) for m in coalition if m != benchmark[0]]
    return pairs


def missing_pairs(agreement: pd.DataFrame, pairs: Sequence[tuple[str, str]]) -> list[str]:
    """Pairs of :func:`agreement_pairs` without any agreement value ("not available")."""
    have = set(agreement["pair"]) if len(agreement) else set()
    return [f"{a}–{b}" for a, b in pairs if f"{a}–{b}" not in have]


def gaps_in_words(members: Sequence[str], pairs: Sequence[str]) -> list[str]:
    """Members without ideal points and pairs without agreement, by name ("North Korea",
    "China–North Korea"), for the sentence saying what is not available."""
    return [groups.name_of(m) for m in members] + [
        "–".join(groups.name_of(m) for m in pair.split("–")) for pair in pairs
    ]


def pair_groups(coalition: Sequence[str], benchmark: Sequence[str]) -> tuple[str, list[str]]:
    """For raw agreement: the coalition's own pair (its first two members) and the pairs of each
    member with the first benchmark member, as :func:`agreement_table` names them."""
    within = f"{coalition[0]}–{coalition[1]}" if len(coalition) > 1 else ""
    return within, [f"{m}–{benchmark[0]}" for m in coalition if benchmark and m != benchmark[0]]


def distance_headline(gaps: pd.DataFrame, coalition_label: str, benchmark_label: str) -> str:
    """The distance chart's title: who votes closer to whom in the latest year."""
    g = gaps.dropna(subset=["gap"])
    if g.empty:
        return f"UN voting: not enough data to compare {coalition_label} and {benchmark_label}"
    _, row = ends(g)
    times = row["to_benchmark"] / row["within"] if row["within"] else None
    if row["gap"] > 0 and times:
        return (
            f"In the UN, {coalition_label} vote {times:.1f} times closer to each other than to "
            f"{benchmark_label} ({int(row['year'])})"
        )
    return f"In the UN, {coalition_label} vote no closer to each other than to {benchmark_label}"


def distance_alt(gaps: pd.DataFrame, coalition_label: str, benchmark_label: str) -> str:
    g = gaps.dropna(subset=["gap"])
    if g.empty:
        return "Line chart of UN ideal-point distances: no data."
    first, last = ends(g)
    return (
        f"Two lines of the mean UN General Assembly ideal-point distance, {int(first['year'])} "
        f"to {int(last['year'])}: within {coalition_label} ({first['within']:.2f} to "
        f"{last['within']:.2f}) and from {coalition_label} to {benchmark_label} "
        f"({first['to_benchmark']:.2f} to {last['to_benchmark']:.2f}); break years marked."
    )


def agreement_headline(agreement: pd.DataFrame) -> str:
    if agreement.empty:
        return "UN roll calls: no agreement data for these pairs"
    last = last_year(agreement)[1].sort_values(["agreement", "pair"], ascending=[False, True])
    top, low = last.iloc[0], last.iloc[-1]
    return (
        f"{top['pair']} voted alike on {top['agreement']:.0%} of UN roll calls in "
        f"{int(top['year'])}, {low['pair']} on {low['agreement']:.0%}"
    )


def agreement_alt(agreement: pd.DataFrame) -> str:
    if agreement.empty:
        return "Line chart of UN voting agreement: no data."
    year, last = last_year(agreement)
    where = "; ".join(f"{r.pair} {r.agreement:.0%}" for r in last.sort_values("pair").itertuples())
    return (
        f"Line chart of the share of UN roll calls voted alike, by pair and year, "
        f"{int(agreement['year'].min())} to {year}; in {year}: {where}."
    )
