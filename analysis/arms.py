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

import re

import pandas as pd

from analysis.errors import BriefError

REGISTER_COLUMNS = ("supplier_iso3", "recipient_iso3", "delivery_years", "tiv_delivered")
SPREAD_COLUMNS = ["supplier_iso3", "recipient_iso3", "year", "tiv"]
_TOKEN = re.compile(r"^\(?\s*(\d{4})\s*(?:[-–]\s*(\d{4}))?\s*\)?$")


def parse_delivery_years(text: object) -> list[int]:
    """Years of a SIPRI ``delivery_years`` string, sorted and unique.

    ``"2004; 2006-2008"`` -> ``[2004, 2006, 2007, 2008]``; ``"(2004)"`` (uncertain) -> ``[2004]``;
    empty or missing -> ``[]``. Any other token raises :class:`BriefError`.
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return []
    s = str(text).strip()
    if not s:
        return []
    years: set[int] = set()
    for token in re.split(r"[;,]", s):
        token = token.strip()
        if not token:
            continue
        m = _TOKEN.match(token)
        if not m:
            raise BriefError(
                f"arms_register: delivery_years {s!r}: cannot read {token!r}; "
                "expected years like '2004; 2006-2008' or '(2004)'"
            )
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        if last < first:
            raise BriefError(
                f"arms_register: delivery_years {s!r}: range {token!r} ends before it starts"
            )
        years.update(range(first, last + 1))
    return sorted(years)


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
    tiv = pd.to_numeric(register["tiv_delivered"], errors="coerce").fillna(0.0)
    if (tiv < 0).any():
        row = int((tiv < 0).to_numpy().argmax())
        raise BriefError(f"arms_register: row {row}: tiv_delivered is negative; expected >= 0")
    rows: list[tuple[str, str, int, float]] = []
    unparsed_idx = []
    for idx, sup, rec, dy, t in zip(
        register.index,
        register["supplier_iso3"],
        register["recipient_iso3"],
        register["delivery_years"],
        tiv,
        strict=True,
    ):
        if t <= 0:
            continue
        years = parse_delivery_years(dy)
        if not years:
            unparsed_idx.append(idx)
            continue
        share = t / len(years)
        for y in years:
            rows.append((_code(sup), _code(rec), y, share))
    spread = pd.DataFrame(rows, columns=SPREAD_COLUMNS)
    if not spread.empty:
        spread = spread.groupby(SPREAD_COLUMNS[:3], as_index=False)["tiv"].sum()
    spread = spread.astype({"year": int, "tiv": float})
    spread = spread.sort_values(SPREAD_COLUMNS[:3]).reset_index(drop=True)
    unparsed = register.loc[unparsed_idx].reset_index(drop=True)
    return spread, unparsed


def _code(x: object) -> str:
    """ISO3 code as a string; a missing code (non-state party) becomes ``""``."""
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return ""
    return str(x)
