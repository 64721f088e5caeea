"""SIPRI arms-register deals spread over their delivery years (an approximation).

The SIPRI register gives, per deal, the TIV of the weapons delivered so far (``tiv_delivered``)
and the years in which deliveries happened (``delivery_years``, e.g. ``"2004; 2006-2008"``; a
year in parentheses, ``"(2004)"``, is uncertain). It does not say how much was delivered in each
year, so :func:`spread_deliveries` divides each deal's delivered TIV evenly over its delivery
years. This is an approximation: yearly totals from it differ from SIPRI's own yearly TIV tables
(``arms_imports_tiv``/``arms_exports_tiv``), which use the actual numbers delivered per year.
Deals without parseable delivery years are returned separately (``unparsed``), never dropped
silently.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.compute.frames import ends, last_year, num, peak, require
from analysis.compute.groups import name_of
from analysis.data.deliveries import delivery_years
from analysis.errors import BriefError
from analysis.results import Evidence, evidence

REGISTER_COLUMNS = ("supplier_iso3", "recipient_iso3", "delivery_years", "tiv_delivered")
SPREAD_COLUMNS = ["supplier_iso3", "recipient_iso3", "year", "tiv"]


def parse_delivery_years(text: object) -> list[int]:
    """Years of a SIPRI ``delivery_years`` string, sorted and unique
    (:func:`analysis.data.deliveries.delivery_years`): ``"2004; 2006-2008"`` ->
    ``[2004, 2006, 2007, 2008]``; ``"(2004)"`` (uncertain) -> ``[2004]``; empty or missing ->
    ``[]``. Any other token raises :class:`BriefError`.
    """
    try:
        return delivery_years(text)
    except ValueError as exc:
        token, why = exc.args
        said = (
            f"cannot read {token!r}; expected years like '2004; 2006-2008' or '(2004)'"
            if why == "cannot read"
            else f"range {token!r} ends before it starts"
        )
        raise BriefError(f"arms_register: delivery_years {str(text).strip()!r}: {said}") from None


def spread_deliveries(register: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Delivered TIV per (supplier, recipient, year), spread evenly over each deal's years.

    Returns ``(spread, unparsed)``: ``spread`` has columns supplier_iso3, recipient_iso3, year,
    tiv (summed over deals, sorted); ``unparsed`` holds the register rows with delivered TIV but
    no delivery years (their TIV is not in ``spread``). Deals with no delivered TIV (empty or
    zero) contribute nothing. The total delivered TIV of the parsed deals is preserved.
    """
    missing = [c for c in REGISTER_COLUMNS if c not in register.columns]
    if missing:
        raise BriefError(
            f"arms_register: missing columns {missing}; expected {list(REGISTER_COLUMNS)}"
        )
    key = _register_key(register)
    with _spread_lock:
        kept = _spreads.get(key) if key is not None else None
        if kept is not None:
            _spreads.move_to_end(key)
    if kept is None:
        kept = _spread(register)
        with _spread_lock:
            if key is not None:
                _spreads[key] = kept
            while len(_spreads) > SPREADS_KEPT:
                _spreads.popitem(last=False)
    spread, unparsed = kept
    return spread.copy(), register.loc[unparsed].reset_index(drop=True)


#: Registers spread lately, by content (:func:`_register_key`), with what came of each: every
#: claim that reads the register spreads it (C3, C4, C7 and C8, in their claim and multiverse
#: runs alike), and a kernel runs several of them; each spread is 20 ms, its key 3 ms.
SPREADS_KEPT = 4
_spreads: OrderedDict[bytes, tuple[pd.DataFrame, pd.Index]] = OrderedDict()
_spread_lock = threading.Lock()


def _register_key(register: pd.DataFrame) -> bytes | None:
    """What :func:`_spread` reads of ``register``, as a digest: the four columns' values and
    types, row by row, and the row labels; None for values pandas cannot hash (never kept)."""
    read = register[list(REGISTER_COLUMNS)]
    try:
        rows = pd.util.hash_pandas_object(read, index=True).to_numpy()
    except TypeError:
        return None
    digest = hashlib.sha256(rows.tobytes())
    digest.update(repr([str(t) for t in read.dtypes]).encode("utf-8"))
    return digest.digest()


def _spread(register: pd.DataFrame) -> tuple[pd.DataFrame, pd.Index]:
    """:func:`spread_deliveries` worked out: the spread and the labels of the deals with
    delivered TIV but no delivery years."""
    tiv = pd.to_numeric(register["tiv_delivered"], errors="coerce").fillna(0.0)
    if (tiv < 0).any():
        row = int((tiv < 0).to_numpy().argmax())
        raise BriefError(f"arms_register: row {row}: tiv_delivered is negative; expected >= 0")
    delivers = (tiv > 0).to_numpy()
    deals = register.loc[delivers, list(REGISTER_COLUMNS[:3])]  # the columns spread reads
    years, n = _years_per_deal(deals["delivery_years"])
    read = n > 0
    unparsed = deals.index[~read]
    n = n[read]
    spread = pd.DataFrame(
        {
            "supplier_iso3": _codes(deals["supplier_iso3"])[read].repeat(n),
            "recipient_iso3": _codes(deals["recipient_iso3"])[read].repeat(n),
            "year": years,
            "tiv": (tiv.to_numpy()[delivers][read] / n).repeat(n),
        },
        columns=SPREAD_COLUMNS,
    )
    if not spread.empty:
        spread = spread.groupby(SPREAD_COLUMNS[:3], as_index=False)["tiv"].sum()
    spread = spread.astype({"year": int, "tiv": float})
    spread = spread.sort_values(SPREAD_COLUMNS[:3]).reset_index(drop=True)
    return spread, unparsed


def _years_per_deal(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each deal's delivery years, read once per distinct text (most repeat): the years of
    every deal one after another (int64, in the deals' order) and each deal's number of years
    (0: none readable, a missing or empty text). The first unreadable text in the deals' order
    raises :class:`BriefError` (:func:`parse_delivery_years`)."""
    codes, texts_seen = pd.factorize(texts, use_na_sentinel=False)
    per_text = [_text_years(t) if isinstance(t, str) else _years(t) for t in texts_seen]
    lengths = np.array([len(y) for y in per_text], dtype=np.int64)
    every = np.concatenate([*per_text, np.empty(0, np.int64)])  # each text's years, once
    counts = lengths[codes]
    # each deal's years gathered from its text's: its text's start, then one by one
    starts = np.repeat((np.cumsum(lengths) - lengths)[codes], counts)
    steps = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return every[starts + steps], counts


def _years(text: object) -> np.ndarray:
    """:func:`parse_delivery_years` as an int64 array."""
    return np.asarray(parse_delivery_years(text), dtype=np.int64)


@functools.lru_cache(maxsize=8192)
def _text_years(text: str) -> np.ndarray:
    """:func:`_years` of a text, cached and read-only: the same texts come back with every
    claim that spreads the register (a text that cannot be read raises each time)."""
    years = _years(text)
    years.flags.writeable = False
    return years


def _codes(values: pd.Series) -> np.ndarray:
    """:func:`_code` of each value (an object array), computed once per distinct value."""
    codes, seen = pd.factorize(values, use_na_sentinel=False)
    return np.array([_code(v) for v in seen], dtype=object)[codes]


def _code(x: object) -> str:
    """ISO3 code as a string; a missing code (non-state party) becomes ``""``."""
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return ""
    return str(x)


# ---------------------------------------------------------------------------------------------
# Flows between suppliers and recipients (claims C4, C7)

RUSSIA_SUPPLIERS = ("RUS", "SUN")  # Russia and, before 1992, the Soviet Union (kept separate)


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
    require(spread, ["year", "supplier_iso3", "recipient_iso3"], "spread deliveries")
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
    require(total, ["year", "value"], "arms imports total")
    tot = total[["year", "value"]].rename(columns={"value": "total"}).astype({"year": int})
    f = flow.rename(columns={"value": "flow"})
    out = tot.merge(f, on="year", how="left")
    out["flow"] = out["flow"].fillna(0.0).astype(float)
    out = out[out["total"] > 0].copy()
    out["share"] = out["flow"] / out["total"]
    return out[["year", "flow", "total", "share"]].sort_values("year").reset_index(drop=True)


def recipient_imports(spread: pd.DataFrame, recipient: str) -> pd.DataFrame:
    """All suppliers' delivered TIV to ``recipient`` by year (spread register): year, value."""
    require(spread, ["year", "supplier_iso3", "recipient_iso3"], "spread deliveries")
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
    require(register, cols, "arms_register")
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
                    "number_ordered": num(r.get("number_ordered")),
                    "number_delivered": num(r.get("number_delivered")),
                    "delivery_years": str(r.get("delivery_years", "")),
                    "tiv_delivered": num(r.get("tiv_delivered")),
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


def recipients_per_year(
    spread: pd.DataFrame, suppliers: Sequence[str], *, first_year: int | None = None
) -> pd.DataFrame:
    """Number of distinct state recipients with deliveries from ``suppliers`` by year.

    Non-state recipients (empty ``recipient_iso3``) are not counted. Years in the data with no
    recipient count as 0 within the data's span. Columns year, recipients.
    """
    require(spread, ["year", "supplier_iso3", "recipient_iso3"], "spread deliveries")
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


# ---------------------------------------------------------------------------------------------
# What the arms charts show, in words


def unparsed_evidence(unparsed: pd.DataFrame) -> Evidence:
    """The count of register deals left out of the yearly series, as a note on a claim's data."""
    return evidence(
        "deals_without_delivery_years",
        "SIPRI register deals with delivered TIV but no delivery years (left out of yearly series)",
        len(unparsed),
        "count",
    )


def flow_headline(flow: pd.DataFrame, share: pd.DataFrame) -> str:
    if flow.empty:
        return "Russian arms deliveries to China: no data"
    top = peak(flow, "value")
    s = share.dropna(subset=["share"])
    tail = ""
    if len(s):
        _, last = ends(s)
        tail = (
            f"; Russia's share of China's arms imports {last['share']:.0%} in {int(last['year'])}"
        )
    return (
        f"Russian arms deliveries to China peaked at {top['value']:,.0f} million TIV in "
        f"{int(top['year'])}{tail}"
    )


def flow_alt(flow: pd.DataFrame, share: pd.DataFrame) -> str:
    if flow.empty:
        return "Bar chart of Russian arms deliveries to China: no data."
    first, last = ends(flow)
    return (
        f"Bar chart of Russian delivered TIV to China by year, {int(first['year'])} to "
        f"{int(last['year'])} (an approximation spread over delivery years), above a line "
        f"of Russia's share of China's arms imports. {flow_headline(flow, share)}."
    )


def systems_headline(systems: pd.DataFrame) -> str:
    if systems.empty:
        return "No deals for the named high-end Russian systems"
    return (
        f"China ordered {len(systems)} deals for named high-end Russian systems, "
        f"{int(systems['year_order'].min())}–{int(systems['year_order'].max())}"
    )


def systems_alt(systems: pd.DataFrame) -> str:
    if systems.empty:
        return "Dot chart of named Russian systems ordered by China: none."
    names = ", ".join(sorted(systems["system"].unique()))
    return (
        f"Dot chart of {len(systems)} deals by year of order ({names}), each dot sized by its "
        "delivered TIV."
    )


def recipients_headline(recipients: pd.DataFrame) -> str:
    if recipients.empty:
        return "States receiving the coalition's arms: no data"
    year, at = last_year(recipients)
    return f"States receiving arms in {year}: " + ", ".join(
        f"{r.recipients} from {r.supplier}" for r in at.sort_values("supplier").itertuples()
    )


def recipients_alt(recipients: pd.DataFrame) -> str:
    if recipients.empty:
        return "Line chart of recipient states: no data."
    bits = []
    for sup, g in recipients.groupby("supplier", sort=True):
        first, last = ends(g)
        top = peak(g, "recipients")
        bits.append(
            f"{sup}: {first['recipients']} in {int(first['year'])}, peak "
            f"{top['recipients']} in {int(top['year'])}, {last['recipients']} in "
            f"{int(last['year'])}"
        )
    return "Line chart of the number of states receiving arms each year, by supplier: " + (
        "; ".join(bits) + "."
    )
