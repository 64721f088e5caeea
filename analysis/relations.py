"""Relationship indicators and the verdicts of claims C2–C7 (pure functions on curated tables).

Every function takes the curated tables of docs/contracts.md (``un_agreement``,
``bilateral_trade``, ``arms_register`` spread by :func:`analysis.arms.spread_deliveries`,
``exercises``, ``events`` and the tidy indicator table) and returns new frames or numbers; nothing
is read from disk here. A missing column raises one :class:`~analysis.errors.BriefError` naming the
table and the columns expected. A country or series without data gives an empty frame or ``None``
("not available"), never an invented number.

Statistics (stated here once, quoted in the notebooks):

* Trends are ordinary least squares slopes (:func:`ols_trend`, ``scipy.stats.linregress``) with
  their standard error and a two-sided t confidence interval (``n - 2`` degrees of freedom).
* A break in trend (:func:`break_in_trend`) is a segmented regression
  ``y = a + b*t + c*D + d*D*(t - break)`` with ``D = 1`` from the break year on, fitted by OLS
  (numpy) on the window between the neighbouring breaks (at most ``BREAK_SPAN`` years a side);
  ``d`` is the change of slope, reported with its OLS standard error and t interval (``n - 4``
  degrees of freedom), ``c`` the level shift.
  On ``log=True`` the slopes are log-growth rates (0.05 ~ 5 % a year).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.data import hand
from analysis.errors import BriefError
from analysis.verdicts import REPORT_YEAR, Verdict, combine

CONFIDENCE = 0.95
RUSSIA_SUPPLIERS = ("RUS", "SUN")  # Russia and, before 1992, the Soviet Union (kept separate)
CHINA_SUPPLIERS = ("CHN",)
PLAN_YEAR = 2002  # the "15-year Military Cooperation Plan" per the article
PLAN_WINDOW = 10  # years compared before and after the plan
FIRST_EXERCISE_YEAR = 2003  # first joint "field exercise" per the report (SCO, multilateral)
COLLABORATION = (2012, 2017)  # "cooperation" to "collaboration"
DIFFUSION_START = 2000  # diffusion trend fitted from this year to the latest
LARGE_EXERCISE_TROOPS = 10_000  # "large-scale": at least this many troops stated
DOMAINS = hand.DOMAINS  # the exercise domains the curated table allows (analysis/data/hand.py)
# Named "high-end" systems of claim C4: label -> substrings of SIPRI's weapon_designation.
NAMED_SYSTEMS: dict[str, tuple[str, ...]] = {
    "Su-27": ("Su-27",),
    "Su-30": ("Su-30",),
    "Sovremenny destroyer": ("Sovremenny",),
    "Kilo / Project 636 submarine": ("Kilo", "Project-636", "Project 636", "Varshavyanka"),
    "S-300": ("S-300",),
    "S-400": ("S-400",),
    "Su-35": ("Su-35",),
}


def _require(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise BriefError(f"{table}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise BriefError(f"{table}: missing columns {missing}; expected {list(columns)}")


def _f(x: Any) -> float | None:
    """Plain float, or None for missing/NaN."""
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _text(x: Any) -> str:
    """A string cell, '' for missing/NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return ""
    return str(x)


def value_at(table: pd.DataFrame, year: int, column: str) -> float | None:
    """The value of ``column`` in ``year`` (None when the year is absent or NaN)."""
    if table.empty:
        return None
    row = table.loc[table["year"] == year, column]
    return _f(row.iloc[0]) if len(row) else None


def latest(table: pd.DataFrame, column: str) -> tuple[int | None, float | None]:
    """(year, value) of the last year with a value in ``column``."""
    t = table.dropna(subset=[column]) if not table.empty else table
    if t.empty:
        return None, None
    row = t.sort_values("year").iloc[-1]
    return int(row["year"]), _f(row[column])


# ---------------------------------------------------------------------------------------------
# Statistics


def ols_trend(years: Sequence[float], values: Sequence[float], conf: float = CONFIDENCE) -> dict:
    """OLS slope of ``values`` on ``years`` with standard error and t interval.

    Returns ``{"slope", "se", "ci_low", "ci_high", "n"}``; all None (n given) with fewer than three
    finite points or no spread in years.
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = len(x)
    empty = {"slope": None, "se": None, "ci_low": None, "ci_high": None, "n": n}
    if n < 3 or np.ptp(x) == 0:
        return empty
    fit = stats.linregress(x, y)
    t = stats.t.ppf(0.5 + conf / 2, n - 2)
    se = float(fit.stderr)
    return {
        "slope": float(fit.slope),
        "se": se,
        "ci_low": float(fit.slope - t * se),
        "ci_high": float(fit.slope + t * se),
        "n": n,
    }


def break_in_trend(
    years: Sequence[float],
    values: Sequence[float],
    break_year: int,
    *,
    log: bool = False,
    conf: float = CONFIDENCE,
) -> dict:
    """Slope before vs from ``break_year`` on, by segmented OLS (see the module docstring).

    Returns slope_before, slope_after, slope_change (with se, ci_low, ci_high), level_shift,
    n_before, n_after and ``log``. Slopes are None with fewer than two points on a side or fewer
    than five in all (no residual degree of freedom), or with non-positive values when ``log``.
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if log:
        ok &= y > 0
    x, y = x[ok], y[ok]
    if log:
        y = np.log(y)
    d = (x >= break_year).astype(float)
    nb, na = int((d == 0).sum()), int((d == 1).sum())
    out: dict[str, Any] = {
        "break_year": int(break_year),
        "log": bool(log),
        "n_before": nb,
        "n_after": na,
        "slope_before": None,
        "slope_after": None,
        "slope_change": None,
        "slope_change_se": None,
        "slope_change_ci_low": None,
        "slope_change_ci_high": None,
        "level_shift": None,
    }
    if nb < 2 or na < 2 or nb + na < 5:
        return out
    X = np.column_stack([np.ones_like(x), x - break_year, d, d * (x - break_year)])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    dof = len(y) - 4
    sigma2 = float(resid @ resid) / dof
    cov = sigma2 * np.linalg.pinv(X.T @ X)
    se = math.sqrt(max(float(cov[3, 3]), 0.0))
    t = stats.t.ppf(0.5 + conf / 2, dof)
    out.update(
        slope_before=float(beta[1]),
        slope_after=float(beta[1] + beta[3]),
        slope_change=float(beta[3]),
        slope_change_se=se,
        slope_change_ci_low=float(beta[3] - t * se),
        slope_change_ci_high=float(beta[3] + t * se),
        level_shift=float(beta[2]),
    )
    return out


BREAK_SPAN = 10  # years at most on each side of a break in its test window


def break_windows(
    first: int, last: int, break_years: Sequence[int], span: int = BREAK_SPAN
) -> list[tuple[int, int, int]]:
    """(break, window start, window end) per break inside (first, last]: between neighbouring
    breaks, and at most ``span`` years before and ``span - 1`` after the break."""
    inside = sorted(b for b in set(break_years) if first < b <= last)
    out = []
    for i, b in enumerate(inside):
        start = inside[i - 1] if i > 0 else first
        end = inside[i + 1] - 1 if i + 1 < len(inside) else last
        out.append((b, max(start, b - span), min(end, b + span - 1)))
    return out


def break_table(
    series: Mapping[str, pd.DataFrame],
    break_years: Sequence[int],
    *,
    log: Mapping[str, bool] | None = None,
    conf: float = CONFIDENCE,
) -> pd.DataFrame:
    """One row per (indicator, break): :func:`break_in_trend` on the window around each break.

    ``series`` maps an indicator name to a frame with ``year`` and ``value``.
    """
    rows = []
    for name, df in series.items():
        _require(df, ["year", "value"], f"series {name}")
        d = df.dropna(subset=["value"])
        if d.empty:
            continue
        first, last = int(d["year"].min()), int(d["year"].max())
        for b, start, end in break_windows(first, last, break_years):
            w = d[(d["year"] >= start) & (d["year"] <= end)]
            r = break_in_trend(
                w["year"], w["value"], b, log=bool((log or {}).get(name, False)), conf=conf
            )
            rows.append({"indicator": name, "window_start": start, "window_end": end, **r})
    cols = ["indicator", "break_year", "window_start", "window_end", "log", "n_before", "n_after"]
    cols += ["slope_before", "slope_after", "slope_change", "slope_change_se"]
    cols += ["slope_change_ci_low", "slope_change_ci_high", "level_shift"]
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------------------------------------
# C2: political alignment


def dyad_agreement(un: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """UNGA voting agreement of the dyad (a, b) by year (order-insensitive): year, agreement."""
    _require(un, ["iso3_a", "iso3_b", "year", "agreement"], "un_agreement")
    m = ((un["iso3_a"] == a) & (un["iso3_b"] == b)) | ((un["iso3_a"] == b) & (un["iso3_b"] == a))
    out = un.loc[m, ["year", "agreement"]].astype({"year": int, "agreement": float})
    return out.groupby("year", as_index=False)["agreement"].mean().sort_values("year")


def agreement_table(un: pd.DataFrame, pairs: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """Long table ``pair, year, agreement`` for every pair (pairs without data are absent)."""
    frames = []
    for a, b in pairs:
        d = dyad_agreement(un, a, b)
        d.insert(0, "pair", f"{a}–{b}")
        frames.append(d)
    if not frames:
        return pd.DataFrame(columns=["pair", "year", "agreement"])
    return pd.concat(frames, ignore_index=True)


def idealpoints(ind: pd.DataFrame, members: Sequence[str]) -> pd.DataFrame:
    """Wide table year × member of UNGA ideal points (members without data are absent)."""
    _require(ind, ["iso3", "year", "indicator", "value"], "indicators")
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


def idealpoint_distance(
    ind: pd.DataFrame, group_a: Sequence[str], group_b: Sequence[str] | None = None
) -> pd.DataFrame:
    """Mean |IP_i - IP_j| by year: within ``group_a`` (pairwise) or between the two groups.

    Pairs with a member lacking that year's ideal point are left out; ``n_pairs`` counts the pairs
    used, and a year with none is absent. Columns ``year, distance, n_pairs``.
    """
    pairs = _pairs(group_a, group_b)
    wide = idealpoints(ind, sorted(set(group_a) | set(group_b or [])))
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


def alignment_distances(
    ind: pd.DataFrame, coalition: Sequence[str], benchmark: Sequence[str]
) -> pd.DataFrame:
    """Long table ``series, year, distance, n_pairs``: within the coalition, and to the benchmark.

    With a one-member coalition only the distance to the benchmark is given.
    """
    within = idealpoint_distance(ind, coalition) if len(coalition) > 1 else None
    between = idealpoint_distance(ind, coalition, benchmark)
    frames = []
    if within is not None:
        frames.append(within.assign(series="within coalition"))
    frames.append(between.assign(series="coalition to benchmark"))
    out = pd.concat(frames, ignore_index=True)
    return out[["series", "year", "distance", "n_pairs"]]


def missing_members(ind: pd.DataFrame, members: Sequence[str], indicator: str) -> list[str]:
    """Members with no value at all of ``indicator`` (shown as "not available")."""
    _require(ind, ["iso3", "indicator"], "indicators")
    have = set(ind.loc[ind["indicator"] == indicator, "iso3"])
    return [m for m in members if m not in have]


def c2_verdict(
    distances: pd.DataFrame,
    agreement: pd.DataFrame,
    *,
    break_year: int,
    coalition_label: str,
    benchmark_label: str,
    unavailable: Sequence[str] = (),
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Verdict:
    """C2 ("balancing" against the U.S., a shared counter-ideology), tested on alignment.

    Part 1: in the latest year the coalition's members are closer to each other (mean pairwise
    ideal-point distance) than to the benchmark. Part 2: the distance to the benchmark is larger in
    the latest year than in ``break_year`` (the gap widened). The agreement table (dyads
    ``A–B``) adds evidence: the latest year's agreement of each dyad. The hard-power side of the
    claim is C1's verdict, not recomputed here.
    """
    w = distances[distances["series"] == "within coalition"]
    b = distances[distances["series"] == "coalition to benchmark"]
    yw, dw = latest(w, "distance")
    yb, db = latest(b, "distance")
    d_break = value_at(b, break_year, "distance")
    part1 = None if dw is None or db is None or yw != yb else dw < db
    part2 = None if db is None or d_break is None else db > d_break
    ev: dict[str, Any] = {
        "latest_year": yb,
        "distance_within_latest": dw,
        "distance_to_benchmark_latest": db,
        f"distance_to_benchmark_{break_year}": d_break,
        "distance_to_benchmark_2021": value_at(b, REPORT_YEAR, "distance"),
        "distance_within_2021": value_at(w, REPORT_YEAR, "distance"),
        "distance_within_latest_year": yw,
    }
    for pair, g in agreement.groupby("pair", sort=True):
        y, v = latest(g, "agreement")
        key = "agreement_" + str(pair).replace("–", "_").lower()
        ev[f"{key}_latest"] = v
        ev[f"{key}_latest_year"] = y
    verdict = combine([part1, part2])
    if part1 is None:
        text = "Ideal points are not available for enough members to compare distances"
    else:
        text = (
            f"In {yb} the mean UN-vote ideal-point distance within {coalition_label} was "
            f"{dw:.2f} against {db:.2f} to {benchmark_label}"
        )
        if d_break is not None:
            text += f" ({d_break:.2f} in {break_year}, so the gap "
            text += "widened)" if part2 else "did not widen)"
    text += f"; the claim is {verdict} on alignment (the hard-power gap is C1's)."
    assumptions = [
        "Alignment is measured by UNGA ideal points (Voeten et al.) and raw voting agreement "
        "(to 2019); closer ideal points mean more similar votes.",
        f"'Balancing' is read as the coalition closer to itself than to {benchmark_label} "
        f"in the latest year, and the gap to {benchmark_label} wider than in {break_year}.",
        "The hard-power gap is the C1 verdict; it is referenced, not recomputed here.",
    ]
    if unavailable:
        assumptions.append(f"Not available in the voting data: {', '.join(unavailable)}.")
    return Verdict(
        claim="C2",
        title="Political alignment: balancing against U.S. power and values",
        verdict=verdict,
        summary=text,
        evidence={k: v for k, v in ev.items() if v is not None},
        assumptions=assumptions,
        charts=list(charts),
        tables=list(tables),
    )


# ---------------------------------------------------------------------------------------------
# C3: phases and breaks


def phases(first_year: int, last_year: int) -> pd.DataFrame:
    """The report's phases as spans: calculation, cooperation (from 2003), collaboration (2012)."""
    c0 = COLLABORATION[0]
    rows = [
        ("calculation", first_year, FIRST_EXERCISE_YEAR - 1),
        ("cooperation", FIRST_EXERCISE_YEAR, c0 - 1),
        ("collaboration", c0, last_year),
    ]
    out = pd.DataFrame(
        [r for r in rows if r[1] <= r[2] and r[2] >= first_year and r[1] <= last_year],
        columns=["phase", "start", "end"],
    )
    out["start"] = out["start"].clip(lower=first_year)
    out["end"] = out["end"].clip(upper=last_year)
    return out


def timeline(events: pd.DataFrame, break_years: Sequence[int]) -> pd.DataFrame:
    """Events plus the brief's break years, each with its phase: year, category, event, phase."""
    _require(events, ["year", "category", "event"], "events")
    ev = events[["year", "category", "event"]].copy()
    ev["year"] = ev["year"].astype(int)
    brk = pd.DataFrame(
        {"year": list(break_years), "category": "break", "event": "structural break (parameter)"}
    )
    out = pd.concat([ev, brk], ignore_index=True)

    def phase(y: int) -> str:
        if y < FIRST_EXERCISE_YEAR:
            return "calculation"
        return "cooperation" if y < COLLABORATION[0] else "collaboration"

    out["phase"] = [phase(int(y)) for y in out["year"]]
    return out.sort_values(["year", "category", "event"], kind="mergesort").reset_index(drop=True)


def trade_with(
    trade: pd.DataFrame, partners: Sequence[str], *, reporter: str = "RUS"
) -> pd.DataFrame:
    """Reporter's total trade (exports + imports) with ``partners`` by year: year, value.

    A year counts only when both flows are reported (the IMF files give 2010 imports and 2023
    exports alone; a one-flow total would look like a collapse). Years where none of the
    partners has data are absent; a partner with no data is skipped.
    """
    _require(trade, ["reporter_iso3", "partner_iso3", "year", "flow", "value"], "bilateral_trade")
    d = trade[(trade["reporter_iso3"] == reporter) & trade["partner_iso3"].isin(list(partners))]
    d = d.dropna(subset=["value"])
    if d.empty:
        return pd.DataFrame(columns=["year", "value"])
    both = d.groupby("year")["flow"].nunique()
    d = d[d["year"].isin(both[both >= 2].index)]
    out = d.groupby("year", as_index=False)["value"].sum()
    return out.astype({"year": int, "value": float}).sort_values("year").reset_index(drop=True)


# Plain names of the indicators notebook 04 fits a break to (keys of its break table).
BREAK_INDICATOR_NAMES = {
    "trade_china": "Russia's trade with China",
    "arms_tiv_china": "Russian arms deliveries to China",
    "exercises": "joint exercises a year",
}


def c3_verdict(
    breaks: pd.DataFrame,
    *,
    break_year: int,
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Verdict:
    """C3 ("much closer ties" after the 2014 sanctions), from the break table.

    For each indicator the break at ``break_year`` counts as closer ties when the slope change is
    positive with its confidence interval above zero, as no change when the interval is not
    above zero, and as untestable when the fit is unavailable. Later breaks are evidence only.
    """
    parts, ev, up, flat = [], {}, [], []
    b = breaks[breaks["break_year"] == break_year]
    for _, r in b.sort_values("indicator").iterrows():
        name = str(r["indicator"])
        lo = _f(r["slope_change_ci_low"])
        parts.append(None if lo is None else lo > 0)
        if lo is not None:
            (up if lo > 0 else flat).append(BREAK_INDICATOR_NAMES.get(name, name))
        for k in ("slope_before", "slope_after", "slope_change", "slope_change_ci_low"):
            ev[f"{name}_{k}_{break_year}"] = _f(r[k])
        ev[f"{name}_slope_change_ci_high_{break_year}"] = _f(r["slope_change_ci_high"])
    for _, r in breaks[breaks["break_year"] != break_year].iterrows():
        ev[f"{r['indicator']}_slope_change_{int(r['break_year'])}"] = _f(r["slope_change"])
    verdict = combine(parts)
    tested = [p for p in parts if p is not None]
    named = f" ({', '.join(up)})" if up else ""
    rest = f"; not {' or '.join(flat)}" if up and flat else ""
    summary = (
        f"Of {len(tested)} indicators with enough data, {sum(tested)}{named} turned upward from "
        f"{break_year} against their earlier trend (slope change with its {CONFIDENCE:.0%} "
        f"interval above zero){rest}, "
        f"so the claim of much closer ties after the {break_year} sanctions is {verdict}."
    )
    return Verdict(
        claim="C3",
        title="From cooperation to collaboration, driven by Western sanctions",
        verdict=verdict,
        summary=summary,
        evidence={k: v for k, v in ev.items() if v is not None},
        assumptions=[
            "Segmented OLS on the window between neighbouring break years; slope change with "
            f"a {CONFIDENCE:.0%} t interval; trade in logs (growth rates), arms and exercises in "
            "levels.",
            "Trade is Russia-reported (IMF DOTS); arms TIV per year is spread from deal totals "
            "(an approximation).",
            "A trend break is consistent with, not proof of, sanctions as its cause.",
        ],
        charts=list(charts),
        tables=list(tables),
    )


# ---------------------------------------------------------------------------------------------
# Arms (C4, C7)

TIV_COLUMNS = ("tiv", "tiv_delivered_year", "tiv_year", "tiv_delivered")


def _tiv_column(spread: pd.DataFrame) -> str:
    for c in TIV_COLUMNS:
        if c in spread.columns:
            return c
    raise BriefError(f"spread deliveries: no TIV column; expected one of {list(TIV_COLUMNS)}")


def arms_flow(
    spread: pd.DataFrame, suppliers: Sequence[str], recipients: Sequence[str]
) -> pd.DataFrame:
    """Delivered TIV (approximate: spread over delivery years) from suppliers to recipients."""
    _require(spread, ["year", "supplier_iso3", "recipient_iso3"], "spread deliveries")
    col = _tiv_column(spread)
    d = spread[
        spread["supplier_iso3"].isin(list(suppliers))
        & spread["recipient_iso3"].isin(list(recipients))
    ]
    if d.empty:
        return pd.DataFrame(columns=["year", "value"])
    out = d.groupby("year", as_index=False)[col].sum().rename(columns={col: "value"})
    return out.astype({"year": int, "value": float}).sort_values("year").reset_index(drop=True)


def supplier_share(flow: pd.DataFrame, total: pd.DataFrame) -> pd.DataFrame:
    """Flow ÷ the recipient's total arms imports by year (both ``year, value``).

    Pass the total from the same spread register (:func:`recipient_imports`) so numerator and
    denominator share the approximation; SIPRI's yearly import table counts deliveries by the
    year they happened and can be below a spread flow in a single year. Columns year, flow,
    total, share; years without a positive total are absent.
    """
    _require(total, ["year", "value"], "arms imports total")
    tot = total[["year", "value"]].rename(columns={"value": "total"}).astype({"year": int})
    f = flow.rename(columns={"value": "flow"})
    out = tot.merge(f, on="year", how="left")
    out["flow"] = out["flow"].fillna(0.0).astype(float)
    out = out[out["total"] > 0].copy()
    out["share"] = out["flow"] / out["total"]
    return out[["year", "flow", "total", "share"]].sort_values("year").reset_index(drop=True)


def recipient_imports(spread: pd.DataFrame, recipient: str) -> pd.DataFrame:
    """All suppliers' delivered TIV to ``recipient`` by year (spread register): year, value."""
    _require(spread, ["year", "supplier_iso3", "recipient_iso3"], "spread deliveries")
    suppliers = spread["supplier_iso3"].dropna().unique().tolist()
    return arms_flow(spread, suppliers, [recipient])


def named_systems(
    register: pd.DataFrame,
    *,
    suppliers: Sequence[str] = RUSSIA_SUPPLIERS,
    recipient: str = "CHN",
    systems: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Deals for the named systems: system, year_order, weapon_designation, numbers, TIV."""
    cols = ["supplier_iso3", "recipient_iso3", "year_order", "weapon_designation"]
    _require(register, cols, "arms_register")
    d = register[
        register["supplier_iso3"].isin(list(suppliers)) & (register["recipient_iso3"] == recipient)
    ]
    rows = []
    for label, pats in (systems or NAMED_SYSTEMS).items():
        hit = d[
            d["weapon_designation"]
            .astype(str)
            .apply(lambda s, p=tuple(pats): any(x.lower() in s.lower() for x in p))
        ]
        for _, r in hit.iterrows():
            rows.append(
                {
                    "system": label,
                    "year_order": int(r["year_order"]),
                    "weapon_designation": str(r["weapon_designation"]),
                    "number_ordered": _f(r.get("number_ordered")),
                    "number_delivered": _f(r.get("number_delivered")),
                    "delivery_years": str(r.get("delivery_years", "")),
                    "tiv_delivered": _f(r.get("tiv_delivered")),
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "system",
            "year_order",
            "weapon_designation",
            "number_ordered",
            "number_delivered",
            "delivery_years",
            "tiv_delivered",
        ],
    )
    return out.sort_values(["year_order", "system", "weapon_designation"]).reset_index(drop=True)


def _mean_between(t: pd.DataFrame, col: str, start: int, end: int) -> float | None:
    d = t[(t["year"] >= start) & (t["year"] <= end)]
    return _f(d[col].mean()) if len(d) else None


def c4_verdict(
    share: pd.DataFrame,
    flow: pd.DataFrame,
    systems: pd.DataFrame,
    *,
    plan_year: int = PLAN_YEAR,
    window: int = PLAN_WINDOW,
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Verdict:
    """C4 (the 2002 plan expanded transfers of high-end systems).

    Part 1: mean annual Russian delivered TIV in the ``window`` years from the plan is above the
    ``window`` years before. Part 2: Russia's mean share of China's arms imports over the same
    years after the plan is above one half (Russia the dominant supplier). Part 3: at least one
    named high-end system was ordered in the plan window. Since 2021: share and TIV in
    2021 and the latest year are evidence.
    """
    before = _mean_between(flow, "value", plan_year - window, plan_year - 1)
    after = _mean_between(flow, "value", plan_year, plan_year + window - 1)
    share_after = _mean_between(share, "share", plan_year, plan_year + window - 1)
    share_before = _mean_between(share, "share", plan_year - window, plan_year - 1)
    p1 = None if before is None or after is None else after > before
    p2 = None if share_after is None else share_after > 0.5
    in_window = systems[
        (systems["year_order"] >= plan_year) & (systems["year_order"] < plan_year + window)
    ]
    p3 = None if systems.empty and flow.empty else len(in_window) > 0
    y_share, s_latest = latest(share, "share")
    y_flow, f_latest = latest(flow, "value")
    ev = {
        "tiv_mean_before_plan": before,
        "tiv_mean_after_plan": after,
        "share_mean_before_plan": share_before,
        "share_mean_after_plan": share_after,
        "named_systems_ordered_in_window": len(in_window),
        "tiv_2021": value_at(flow, REPORT_YEAR, "value"),
        "tiv_latest": f_latest,
        "tiv_latest_year": y_flow,
        "share_2021": value_at(share, REPORT_YEAR, "share"),
        "share_latest": s_latest,
        "share_latest_year": y_share,
    }
    verdict = combine([p1, p2, p3])
    if p1 is None:
        summary = f"Russian arms deliveries to China are not available; the claim is {verdict}."
    else:
        summary = (
            f"Russia's arms deliveries to China averaged {after:,.0f} million TIV (SIPRI "
            f"trend-indicator value) a year in {plan_year}–{plan_year + window - 1} against "
            f"{before:,.0f} million in {plan_year - window}–{plan_year - 1}"
        )
        if share_after is not None:
            summary += f", {share_after:.0%} of China's arms imports"
        summary += f", with {len(in_window)} named high-end deals ordered; the claim is {verdict}."
    return Verdict(
        claim="C4",
        title="The 2002 military cooperation plan expanded high-end arms transfers",
        verdict=verdict,
        summary=summary,
        evidence={k: v for k, v in ev.items() if v is not None},
        assumptions=[
            "Russia includes the Soviet Union before 1992 (separate SIPRI suppliers, summed here).",
            "Per-year TIV spreads each deal's delivered TIV over its delivery years "
            "(analysis.arms.spread_deliveries): an approximation.",
            f"Plan window {plan_year}–{plan_year + window - 1} against the {window} years before; "
            "'dominant supplier' means over half of China's arms imports, both spread the "
            "same way from the SIPRI register.",
            "Licences, joint R&D and Russian scientists in Chinese plants are not in the data.",
        ],
        charts=list(charts),
        tables=list(tables),
    )


def recipients_per_year(
    spread: pd.DataFrame, suppliers: Sequence[str], *, first_year: int | None = None
) -> pd.DataFrame:
    """Number of distinct state recipients with deliveries from ``suppliers`` by year.

    Non-state recipients (empty ``recipient_iso3``) are not counted. Years in the data with no
    recipient count as 0 within the data's span. Columns year, recipients.
    """
    _require(spread, ["year", "supplier_iso3", "recipient_iso3"], "spread deliveries")
    col = _tiv_column(spread)
    rec = spread["recipient_iso3"].fillna("").astype(str)
    d = spread[spread["supplier_iso3"].isin(list(suppliers)) & (rec != "") & (spread[col] > 0)]
    if spread.empty:
        return pd.DataFrame(columns=["year", "recipients"])
    years = range(int(spread["year"].min()), int(spread["year"].max()) + 1)
    n = d.groupby("year")["recipient_iso3"].nunique()
    out = pd.DataFrame({"year": list(years)})
    out["recipients"] = [int(n.get(y, 0)) for y in years]
    if first_year is not None:
        out = out[out["year"] >= first_year]
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# C5: exercises

# Complexity definitions: name -> weights. The default ("brief") is justified in the docstring of
# exercise_complexity; the others exist to show how much the trend depends on the choice.
COMPLEXITY_DEFINITIONS: dict[str, dict[str, float]] = {
    "brief": {"domain": 1.0, "bilateral": 1.0, "partner_territory": 1.0, "strategic": 1.0},
    "domains only": {"domain": 1.0, "bilateral": 0.0, "partner_territory": 0.0, "strategic": 0.0},
    "no format weight": {
        "domain": 1.0,
        "bilateral": 0.0,
        "partner_territory": 1.0,
        "strategic": 1.0,
    },
    "strategic heavy": {
        "domain": 1.0,
        "bilateral": 1.0,
        "partner_territory": 1.0,
        "strategic": 3.0,
    },
}
STRATEGIC_DOMAINS = ("strategic_patrol", "missile_defence")


def _domains(s: Any) -> list[str]:
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return []
    return [d.strip() for d in str(s).split(";") if d.strip()]


def exercise_location(host: Any, domains: Sequence[str]) -> str:
    """inside China / inside Russia / at sea / elsewhere."""
    h = "" if host is None or (isinstance(host, float) and math.isnan(host)) else str(host)
    if h == "CHN":
        return "inside China"
    if h == "RUS":
        return "inside Russia"
    if not h and ("sea" in domains or "strategic_patrol" in domains):
        return "at sea"
    return "elsewhere"


def exercise_complexity(exercises: pd.DataFrame, definition: str = "brief") -> pd.DataFrame:
    """Per exercise: domains, location, and a complexity score under ``definition``.

    The brief's score (``definition="brief"``) is the sum of
    - the number of distinct domains (land, air, sea, missile defence, command post, counter-terror,
      strategic patrol): combined-arms integration is the core of "complexity";
    - 1 if the format is bilateral China–Russia (joint planning between the two alone, not within
      an SCO or Russian strategic exercise where China is one guest among several);
    - 1 if held in China or Russia (one side operating in the partner's territory requires basing,
      logistics and access arrangements that an exercise elsewhere does not);
    - 1 if it includes a strategic patrol or missile defence (strategic-level trust).
    The score is ordinal, not a measure of size; the sensitivity table refits the trend under the
    other definitions in :data:`COMPLEXITY_DEFINITIONS`.
    """
    cols = ["exercise_id", "name", "year", "host_iso3", "domains", "format"]
    _require(exercises, cols, "exercises")
    if definition not in COMPLEXITY_DEFINITIONS:
        raise BriefError(
            f"complexity definition {definition!r}: expected one of "
            f"{sorted(COMPLEXITY_DEFINITIONS)}"
        )
    w = COMPLEXITY_DEFINITIONS[definition]
    rows = []
    for _, r in exercises.iterrows():
        doms = _domains(r["domains"])
        bad = [d for d in doms if d not in DOMAINS]
        if bad:
            raise BriefError(
                f"exercises row {r['exercise_id']}: domains {bad}; expected of {list(DOMAINS)}"
            )
        loc = exercise_location(r["host_iso3"], doms)
        score = (
            w["domain"] * len(set(doms))
            + w["bilateral"] * (str(r["format"]) == "bilateral")
            + w["partner_territory"] * (loc in ("inside China", "inside Russia"))
            + w["strategic"] * any(d in STRATEGIC_DOMAINS for d in doms)
        )
        rows.append(
            {
                "exercise_id": str(r["exercise_id"]),
                "name": str(r["name"]),
                "year": int(r["year"]),
                "start_date": _text(r.get("start_date")),
                "end_date": _text(r.get("end_date")),
                "location": loc,
                "format": str(r["format"]),
                "n_domains": len(set(doms)),
                "domains": ";".join(sorted(set(doms))),
                "troops_total": _f(r.get("troops_total")),
                "troops_total_qualifier": _text(r.get("troops_total_qualifier")),
                "troops_china": _f(r.get("troops_china")),
                "troops_china_qualifier": _text(r.get("troops_china_qualifier")),
                "complexity": float(score),
            }
        )
    cols_out = [
        "exercise_id",
        "name",
        "year",
        "start_date",
        "end_date",
        "location",
        "format",
        "n_domains",
        "domains",
        "troops_total",
        "troops_total_qualifier",
        "troops_china",
        "troops_china_qualifier",
        "complexity",
    ]
    return (
        pd.DataFrame(rows, columns=cols_out)
        .sort_values(["year", "exercise_id"])
        .reset_index(drop=True)
    )


def exercises_per_year(scored: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Counts per year (all years in the span, zeros kept), optionally split by ``by``.

    ``by="domain"`` counts an exercise once per domain; ``by="location"`` once per location.
    Columns year, [group], count.
    """
    if scored.empty:
        return pd.DataFrame(columns=["year", "count"] if by is None else ["year", by, "count"])
    years = range(int(scored["year"].min()), int(scored["year"].max()) + 1)
    if by is None:
        n = scored.groupby("year").size()
        return pd.DataFrame({"year": list(years), "count": [int(n.get(y, 0)) for y in years]})
    if by == "domain":
        d = scored.assign(domain=scored["domains"].str.split(";")).explode("domain")
        d = d[d["domain"].fillna("") != ""]
    elif by == "location":
        d = scored
    else:
        raise BriefError(f"exercises_per_year: by={by!r}; expected None, 'domain' or 'location'")
    n = d.groupby(["year", by]).size()
    groups = sorted(d[by].unique())
    rows = [{"year": y, by: g, "count": int(n.get((y, g), 0))} for y in years for g in groups]
    return pd.DataFrame(rows, columns=["year", by, "count"])


def complexity_by_year(scored: pd.DataFrame) -> pd.DataFrame:
    """Mean and max complexity of the year's exercises: year, mean, max, n."""
    if scored.empty:
        return pd.DataFrame(columns=["year", "mean", "max", "n"])
    g = scored.groupby("year")["complexity"]
    out = pd.DataFrame({"mean": g.mean(), "max": g.max(), "n": g.size()}).reset_index()
    return out.astype({"year": int, "n": int})


def complexity_sensitivity(exercises: pd.DataFrame, first_year: int) -> pd.DataFrame:
    """Trend of mean yearly complexity from ``first_year`` under every definition."""
    rows = []
    for name in COMPLEXITY_DEFINITIONS:
        by = complexity_by_year(exercise_complexity(exercises, name))
        by = by[by["year"] >= first_year]
        rows.append({"definition": name, **ols_trend(by["year"], by["mean"])})
    return pd.DataFrame(rows, columns=["definition", "slope", "se", "ci_low", "ci_high", "n"])


def first_large_in(scored: pd.DataFrame, location: str) -> dict:
    """First exercise in ``location`` with a stated host total (``troops_total``) of at least
    LARGE_EXERCISE_TROOPS: its year, name and best-known date (:func:`known_date`)."""
    big = scored["troops_total"] >= LARGE_EXERCISE_TROOPS
    d = scored[(scored["location"] == location) & big]
    if d.empty:
        return {"year": None, "name": None, "date": None}
    d = d.assign(_date=known_date(d))
    r = d.sort_values(["year", "_date"]).iloc[0]
    return {"year": int(r["year"]), "name": str(r["name"]), "date": str(r["_date"])}


def known_date(scored: pd.DataFrame) -> pd.Series:
    """The start date, else the end date (a cited page may state only when it ended), else ''."""
    start = scored["start_date"].fillna("").astype(str)
    end = scored["end_date"].fillna("").astype(str) if "end_date" in scored else start
    return start.where(start != "", end)


def c5_verdict(
    scored: pd.DataFrame,
    sensitivity: pd.DataFrame,
    *,
    first_year: int = FIRST_EXERCISE_YEAR,
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Verdict:
    """C5 (exercises routine and more complex since 2003; August 2021 first large one in China).

    Part 1 (more complex): the OLS slope of mean yearly complexity (brief definition) from
    ``first_year`` has a confidence interval above zero. Part 2 (routine): at least one exercise in
    every year of the last ten years of data. Part 3 (August 2021): an exercise in China starting
    in August 2021 with at least LARGE_EXERCISE_TROOPS troops, and no earlier one that large in
    China. Unknown troop numbers make part 3 untestable.
    """
    row = sensitivity[sensitivity["definition"] == "brief"]
    lo = _f(row["ci_low"].iloc[0]) if len(row) else None
    p1 = None if lo is None else lo > 0
    per_year = exercises_per_year(scored)
    if per_year.empty:
        p2 = None
        last10 = per_year
    else:
        last = int(per_year["year"].max())
        last10 = per_year[per_year["year"] > last - 10]
        p2 = bool((last10["count"] > 0).all())
    in_china = scored[scored["location"] == "inside China"]
    aug21 = in_china[(in_china["year"] == 2021) & known_date(in_china).str.startswith("2021-08")]
    first = first_large_in(scored, "inside China")
    if aug21.empty:
        p3 = False if not scored.empty else None
    elif aug21["troops_total"].isna().all():
        p3 = None
    else:
        p3 = first["year"] == 2021 and str(first["date"]).startswith("2021-08")
    robust = sensitivity.dropna(subset=["ci_low"])
    ev = {
        "complexity_slope": _f(row["slope"].iloc[0]) if len(row) else None,
        "complexity_slope_ci_low": lo,
        "complexity_slope_ci_high": _f(row["ci_high"].iloc[0]) if len(row) else None,
        "definitions_with_rising_trend": int((robust["ci_low"] > 0).sum()),
        "definitions_tested": len(robust),
        "exercises_total": len(scored) if len(scored) else None,
        "years_with_exercise_last_10": int((last10["count"] > 0).sum()) if len(last10) else None,
        "first_large_in_China_year": first["year"],
        "exercises_2021": int((scored["year"] == 2021).sum()) if len(scored) else None,
        "exercises_latest": int(per_year["count"].iloc[-1]) if len(per_year) else None,
    }
    verdict = combine([p1, p2, p3])
    n10 = ev["years_with_exercise_last_10"]
    routine = (
        f"Joint exercises were held in {n10} of the last {len(last10)} years"
        if n10 is not None
        else "No exercises are on record"
    )
    if first["year"] is None:
        large = (
            f"no exercise in China with at least {LARGE_EXERCISE_TROOPS:,} troops stated is on "
            "record"
        )
    else:
        large = (
            f"the first exercise in China with at least {LARGE_EXERCISE_TROOPS:,} troops stated "
            f"was {first['name']} ({first['year']})"
        )
    if p1 is None:
        summary = f"{routine}; {large}; too few exercises to fit a complexity trend"
    else:
        summary = (
            f"{routine}; mean exercise complexity changed by "
            f"{ev['complexity_slope']:+.2f} points a year since {first_year} ({CONFIDENCE:.0%} "
            f"interval {lo:+.2f} to {ev['complexity_slope_ci_high']:+.2f}; rising under "
            f"{ev['definitions_with_rising_trend']} of {ev['definitions_tested']} definitions); "
            f"{large}"
        )
    summary += f", so the claim is {verdict}."
    return Verdict(
        claim="C5",
        title="Joint exercises are routine and have grown more complex since 2003",
        verdict=verdict,
        summary=summary,
        evidence={k: v for k, v in ev.items() if v is not None},
        assumptions=[
            "Complexity = number of domains + 1 if bilateral + 1 if held in China or Russia + 1 "
            "if a strategic patrol or missile-defence element (ordinal; sensitivity shown).",
            f"'Large-scale' means at least {LARGE_EXERCISE_TROOPS:,} troops stated.",
            "The 2003 exercise was the multilateral SCO one; the first bilateral exercise was "
            "Peace Mission 2005.",
            "The exercise list is hand-curated from cited public reports and may be incomplete.",
        ],
        charts=list(charts),
        tables=list(tables),
    )


# ---------------------------------------------------------------------------------------------
# C6: sanctions what-if (illustration, not forecast)

ILLUSTRATION = "illustration, not forecast"


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
                    "dependence_relief": _f(rel["dependence"].iloc[0]) if len(rel) else None,
                    "dependence_baseline": _f(bl["dependence"].iloc[0]) if len(bl) else None,
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


def c6_verdict(
    projection: pd.DataFrame,
    sensitivity: pd.DataFrame,
    *,
    end_year: int,
    scenario: Mapping[str, Any],
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Verdict:
    """C6 is a counterfactual: always "not testable", with a conditional sentence from numbers."""
    ev: dict[str, Any] = {}
    obs = projection[projection["scenario"] == "observed"]
    y_obs, dep_obs = latest(obs, "dependence")
    ev["dependence_latest"] = dep_obs
    ev["dependence_latest_year"] = y_obs
    ev["dependence_2021"] = value_at(obs, REPORT_YEAR, "dependence")
    rel = projection[(projection["scenario"] == "relief") & (projection["year"] == end_year)]
    bl = projection[(projection["scenario"] == "baseline") & (projection["year"] == end_year)]
    d_rel = _f(rel["dependence"].iloc[0]) if len(rel) else None
    d_bl = _f(bl["dependence"].iloc[0]) if len(bl) else None
    ev["dependence_baseline_end"] = d_bl
    ev["dependence_relief_end"] = d_rel
    if len(sensitivity):
        s = sensitivity.dropna(subset=["dependence_relief"])
        if len(s):
            ev["dependence_relief_min"] = _f(s["dependence_relief"].min())
            ev["dependence_relief_max"] = _f(s["dependence_relief"].max())
    ry = scenario.get("relief_year")
    ref_year = int(scenario.get("reference_year", REPORT_YEAR))
    w_ref = value_at(obs, ref_year, "west")
    _, w_last = latest(obs, "west")
    if w_ref and w_last is not None:
        ev[f"west_trade_latest_vs_{ref_year}"] = w_last / w_ref
    spread = [
        v
        for v in (d_rel, ev.get("dependence_relief_min"), ev.get("dependence_relief_max"))
        if v is not None
    ]
    little = (
        d_bl is not None
        and w_ref
        and w_last is not None
        and spread
        and max(abs(v - d_bl) for v in spread) < 0.01
    )
    caveat = (
        f" Russia-reported trade with the West in {y_obs} was {w_last / w_ref:.0%} of its "
        f"{ref_year} level, so the data hold little lost trade for relief to restore: the what-if "
        "cannot show more until trade after that year is reported."
        if little
        else ""
    )
    if d_bl is None:
        summary = (
            f"Russia's trade with the West and China is not available, so the what-if cannot be "
            f"drawn ({ILLUSTRATION})."
        )
    elif ry is None:
        lo = ev.get("dependence_relief_min", d_bl)
        hi = ev.get("dependence_relief_max", d_bl)
        summary = (
            f"With no sanctions relief set, China's share of Russia's trade with China and the "
            f"West stays at {d_bl:.0%} in {end_year} if trade holds its trend; the sensitivity "
            f"table shows relief after the data ranging from {lo:.0%} to {hi:.0%} ({ILLUSTRATION})."
            + caveat
        )
    else:
        summary = (
            f"If sanctions were lifted in {ry} and {scenario.get('trade_rebound', 0):.0%} of the "
            f"lost Western trade returned, China's share of Russia's trade with China and the West "
            f"would be {d_rel:.0%} in {end_year} against {d_bl:.0%} without relief "
            f"({ILLUSTRATION}); whether the relationship would weaken is not testable with data."
            + caveat
        )
    return Verdict(
        claim="C6",
        title="Sanctions relief might weaken the relationship (what-if)",
        verdict="not testable",
        summary=summary,
        evidence={k: v for k, v in ev.items() if v is not None},
        assumptions=[
            f"This is an {ILLUSTRATION}; every assumption is a parameter (sanctions_scenario).",
            "Trade is Russia-reported (IMF DOTS), exports plus imports, current US$; the West is "
            "the EU-27, the United States, the United Kingdom, Canada, Japan, Norway, Switzerland "
            "and Australia (analysis.relations.WEST).",
            f"Assumptions used: {', '.join(f'{k}={v}' for k, v in sorted(scenario.items()))}.",
            "Trade is a proxy for the relationship; the report's claim concerns policy choices.",
        ],
        charts=list(charts),
        tables=list(tables),
    )


# ---------------------------------------------------------------------------------------------
# C7: diffusion and summary


def c7_verdict(
    diffusion: Mapping[str, pd.DataFrame],
    exercise_counts: pd.DataFrame,
    earlier: Mapping[str, str],
    *,
    first_year: int = DIFFUSION_START,
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
) -> Verdict:
    """C7 (prepare for further diffusion and more joint exercises), from the trends.

    Part 1: the number of recipients of Chinese arms rises (OLS slope from ``first_year``, interval
    above zero). Part 2: the same for Russian arms. Part 3: the yearly exercise count rises from
    ``first_year``. ``earlier`` (claim -> verdict of C1–C5) is evidence only.
    """
    parts, ev = [], {}
    for name, df in diffusion.items():
        d = df[df["year"] >= first_year]
        t = ols_trend(d["year"], d["recipients"])
        parts.append(None if t["ci_low"] is None else t["ci_low"] > 0)
        ev[f"{name}_recipients_slope"] = t["slope"]
        ev[f"{name}_recipients_slope_ci_low"] = t["ci_low"]
        ev[f"{name}_recipients_2021"] = value_at(df, REPORT_YEAR, "recipients")
        y, v = latest(df, "recipients")
        ev[f"{name}_recipients_latest"] = v
        ev[f"{name}_recipients_latest_year"] = y
    e = exercise_counts[exercise_counts["year"] >= first_year] if len(exercise_counts) else None
    te = ols_trend(e["year"], e["count"]) if e is not None else {"slope": None, "ci_low": None}
    parts.append(None if te["ci_low"] is None else te["ci_low"] > 0)
    ev["exercises_per_year_slope"] = te["slope"]
    ev["exercises_per_year_slope_ci_low"] = te["ci_low"]
    for c, v in sorted(earlier.items()):
        ev[f"verdict_{c}"] = v
    verdict = combine(parts)
    names = list(diffusion)
    bits = [
        f"countries receiving {n}'s arms {ev[f'{n}_recipients_slope']:+.2f} a year"
        for n in names
        if ev.get(f"{n}_recipients_slope") is not None
    ]
    if te["slope"] is not None:
        bits.append(f"joint exercises {te['slope']:+.2f} a year")
    summary = (
        f"Trends since {first_year}: {'; '.join(bits) if bits else 'none available'}; the claim "
        f"of further diffusion and more joint exercises is {verdict} on these trends."
    )
    return Verdict(
        claim="C7",
        title="Further diffusion of Chinese and Russian arms and more joint exercises",
        verdict=verdict,
        summary=summary,
        evidence={k: v for k, v in ev.items() if v is not None},
        assumptions=[
            f"Trends are OLS slopes from {first_year} with {CONFIDENCE:.0%} t intervals; a rise "
            "counts when the interval is above zero.",
            "Recipients are states with deliveries in the year (SIPRI register spread over "
            "delivery years); Russia includes the Soviet Union.",
            "Joint basing and joint operations are not observable in the data.",
        ],
        charts=list(charts),
        tables=list(tables),
    )


# ---------------------------------------------------------------------------------------------
# Groupings used by the notebooks

# "The West" of the C6 what-if and the C3 trade chart: the EU-27, the other G7 members and the
# European and Pacific states that sanctioned Russia in both 2014 and 2022 (Norway,
# Switzerland, Australia).
EU27 = (
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN",
    "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP",
    "SWE",
)  # fmt: skip
WEST = (*EU27, "USA", "GBR", "CAN", "JPN", "NOR", "CHE", "AUS")
NAMES = {
    "CHN": "China",
    "RUS": "Russia",
    "IRN": "Iran",
    "PRK": "North Korea",
    "USA": "United States",
}
FIRST_BREAK_DEFAULT = 2014  # used when the brief sets no break years


def name_of(iso3: str) -> str:
    """Plain name of a coalition member (the ISO3 code when not in :data:`NAMES`)."""
    return NAMES.get(iso3, iso3)


def first_break(break_years: Sequence[int]) -> int:
    """The earliest break year of the brief (2014 when none is set)."""
    return min(break_years) if break_years else FIRST_BREAK_DEFAULT


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


def supplier_groups(coalition: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Arms suppliers per coalition member: Russia includes the Soviet Union."""
    return {name_of(m): (RUSSIA_SUPPLIERS if m == "RUS" else (m,)) for m in coalition if m != "SUN"}


def recipients_table(
    spread: pd.DataFrame, groups: Mapping[str, Sequence[str]], *, first_year: int
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], list[str]]:
    """Recipients per year for each supplier group from ``first_year``.

    Returns (long table ``supplier, year, recipients``, per-group frames, groups with no
    deliveries at all in the register: "not available").
    """
    per, missing = {}, []
    for label, sup in groups.items():
        if not spread["supplier_iso3"].isin(list(sup)).any():
            missing.append(label)
            continue
        per[label] = recipients_per_year(spread, sup, first_year=first_year)
    frames = [d.assign(supplier=k) for k, d in per.items()]
    long = (
        pd.concat(frames, ignore_index=True)[["supplier", "year", "recipients"]]
        if frames
        else pd.DataFrame(columns=["supplier", "year", "recipients"])
    )
    return long, per, missing


# The columns the analysis reads (the curated tables add their citation columns).
EXERCISE_COLUMNS = tuple(c for c in hand.EXERCISE_COLUMNS if c not in hand.CITATION)
EVENT_COLUMNS = tuple(c for c in hand.EVENT_COLUMNS if c not in hand.CITATION)


def optional_table(
    load_table: Callable[[str], pd.DataFrame], name: str, columns: Sequence[str]
) -> tuple[pd.DataFrame, bool]:
    """A hand-curated table, or an empty frame of ``columns`` while it is not curated yet.

    Returns ``(table, available)``. Only the loader's "data/<name>.csv: missing" error is
    absorbed (the claims then say "not available"); any other problem with the table is raised.
    """
    try:
        return load_table(name), True
    except BriefError as exc:
        if not str(exc).startswith(f"data/{name}.csv: missing"):
            raise
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    return empty.astype({"year": "int64"}), False
