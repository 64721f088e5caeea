"""SIPRI Arms Transfers Database: the trade register and the per-year import/export totals.

Tables produced:

- ``arms_register``: one row per deal of the March 2025 trade register (all suppliers and
  recipients). ``deal_id`` is the record's 1-based position in the register file (SIPRI
  publishes no deal identifier). "Soviet Union" (``SUN``) and "Russia" (``RUS``) stay separate
  suppliers. Non-state recipients (SIPRI marks them ``*``), international organisations
  (``**``) and "unknown ..." parties keep an empty ISO3 code and their SIPRI name.
- ``indicators``: ``arms_imports_tiv`` (imports by recipient) and ``arms_exports_tiv`` (exports
  by supplier), TIV millions per year, from the October 2024 tables (years 1950–2023). The
  ``2024`` column of those tables is empty because they were generated in October 2024: it is
  dropped, not turned into zeros. A blank cell means no deliveries were identified and gives no
  row. A printed ``0`` means "between 0 and 0.5 million TIV": it is kept as ``0`` with
  ``flag="uncertain"`` (the true value is in ``[0, 0.5)``). The "Total world" rows are kept as
  ``WLD``; non-state recipients (``*``) have no ISO3 code and are left out of the indicator.

Names are mapped to ISO3 through ``aliases/sipri_arms.csv``. Historical states keep their own
codes (``SUN``, ``DDR``, ``CSK``, ``YUG``, ``YAR``, ``YMD``, ``RVN``). Unrecognised entities
(Biafra, Katanga, Northern Cyprus, Libya's rival GNC government) are listed there with an empty
ISO3: in the register they keep their SIPRI name and an empty code, like non-state actors, and
they are left out of the TIV indicators.

The four register records broken by a line break inside an unquoted Comments field are
re-joined (:func:`join_broken_records`), not dropped.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from analysis.data.sources import common
from analysis.errors import BriefError

SOURCE_ID = "sipri_arms"
REGISTER_FILE = "sipri_arms/trade-register.csv"
IMPORTS_FILE = "sipri_arms/import-export-values_1950-2024.csv"
EXPORTS_FILE = "sipri_arms/import-export-values_1950-2024_1950-2024.csv"
ALIAS_FILE = common.alias_file(SOURCE_ID)
# TIV table -> the indicator it gives
TIV_INDICATORS = {IMPORTS_FILE: "arms_imports_tiv", EXPORTS_FILE: "arms_exports_tiv"}

# what the data is (publisher, version, licence, caveats; label, unit and description of each
# indicator) is in sipri_arms.meta.yml beside this file
SOURCE, INDICATORS = common.source_metadata(
    SOURCE_ID, [REGISTER_FILE, *TIV_INDICATORS], list(TIV_INDICATORS.values())
)

REGISTER_SKIPROWS = 11
TIV_SKIPROWS = 9
REGISTER_HEADER = [
    "Recipient",
    "Supplier",
    "Year of order",
    " ",
    "Number ordered",
    " ",
    "Weapon designation",
    "Weapon description",
    "Number delivered",
    " ",
    "Year(s) of delivery",
    "status",
    "Comments",
    "SIPRI TIV per unit",
    "SIPRI TIV for total order",
    "SIPRI TIV of delivered weapons",
]
REGISTER_COLUMNS = [
    "deal_id",
    "recipient_iso3",
    "recipient",
    "supplier_iso3",
    "supplier",
    "year_order",
    "year_order_uncertain",
    "number_ordered",
    "number_ordered_uncertain",
    "weapon_designation",
    "weapon_description",
    "number_delivered",
    "number_delivered_uncertain",
    "delivery_years",
    "status",
    "comments",
    "tiv_unit",
    "tiv_order",
    "tiv_delivered",
]
# The March 2025 register: 29,515 deals once the 4 broken records are re-joined (a plain
# pandas read shows 29,519 rows because each broken record becomes two junk rows).
REGISTER_RECORDS = 29_515


def is_non_state(name: str) -> bool:
    """SIPRI marks non-state actors ``*`` and organisations ``**``; unknown parties are named so."""
    return name.endswith("*") or name.lower().startswith("unknown")


def not_countries(alias_file: Path = ALIAS_FILE) -> set[str]:
    """Names the alias file marks as deliberately not countries (empty iso3, e.g. Biafra)."""
    return common.not_countries_in(alias_file)


def join_broken_records(rows: list[list[str]], n_fields: int, where: str) -> list[list[str]]:
    """Re-join records split by a line break inside an unquoted field.

    A record with fewer than ``n_fields`` fields is continued by the next line: the last field
    of the first part and the first field of the continuation are one field broken by the line
    break, so they are joined with a space. Raises ``BriefError`` if a record cannot be
    completed to exactly ``n_fields`` fields.
    """
    out: list[list[str]] = []
    i = 0
    while i < len(rows):
        rec = list(rows[i])
        start = i
        while len(rec) < n_fields and i + 1 < len(rows):
            i += 1
            nxt = rows[i]
            rec = [*rec[:-1], f"{rec[-1]} {nxt[0]}".strip(), *nxt[1:]]
        if len(rec) != n_fields:
            raise BriefError(
                f"{where}: record at data line {start + 1} has {len(rec)} fields after re-joining "
                f"broken lines; expected {n_fields}"
            )
        out.append(rec)
        i += 1
    return out


def read_register_rows(path: Path) -> list[list[str]]:
    """The register's data records (header checked and removed), broken records re-joined."""
    try:
        text = path.read_bytes().decode("iso-8859-1")
    except OSError as exc:
        raise BriefError(f"{path.name}: cannot read SIPRI trade register ({exc})") from exc
    lines = text.splitlines()[REGISTER_SKIPROWS:]
    rows = [r for r in csv.reader(lines) if r]
    if not rows or rows[0] != REGISTER_HEADER:
        found = rows[0] if rows else "nothing"
        raise BriefError(
            f"{path.name}: line {REGISTER_SKIPROWS + 1} should be the register header "
            f"{REGISTER_HEADER!r}; found {found!r}"
        )
    return join_broken_records(rows[1:], len(REGISTER_HEADER), path.name)


def _num(s: pd.Series, col: str, where: str) -> pd.Series:
    out = pd.to_numeric(s.str.strip().replace("", None), errors="coerce")
    bad = out.isna() & s.str.strip().ne("")
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise BriefError(f"{where}: record {i + 1}, column {col!r}: {s.iloc[i]!r} is not a number")
    return out


def parse_register(rows: list[list[str]], where: str = "trade-register.csv") -> pd.DataFrame:
    """Register records (16 fields each) -> the ``arms_register`` columns, without ISO3 codes."""
    raw = pd.DataFrame(rows, columns=range(len(REGISTER_HEADER)), dtype="str")
    df = pd.DataFrame(
        {
            "deal_id": range(1, len(raw) + 1),
            "recipient": raw[0].str.strip(),
            "supplier": raw[1].str.strip(),
            "year_order": _num(raw[2], "Year of order", where).astype("Int64"),
            "year_order_uncertain": raw[3].str.strip().eq("?"),
            "number_ordered": _num(raw[4], "Number ordered", where).astype("Int64"),
            "number_ordered_uncertain": raw[5].str.strip().eq("?"),
            "weapon_designation": raw[6].str.strip(),
            "weapon_description": raw[7].str.strip(),
            "number_delivered": _num(raw[8], "Number delivered", where).astype("Int64"),
            "number_delivered_uncertain": raw[9].str.strip().eq("?"),
            "delivery_years": raw[10].str.strip(),
            "status": raw[11].str.strip(),
            "comments": raw[12].str.strip(),
            "tiv_unit": _num(raw[13], "SIPRI TIV per unit", where),
            "tiv_order": _num(raw[14], "SIPRI TIV for total order", where),
            "tiv_delivered": _num(raw[15], "SIPRI TIV of delivered weapons", where),
        }
    )
    return df


def _iso3(countries, name: str, dropped: set[str]) -> str:
    if is_non_state(name) or name in dropped:
        return ""
    return countries.to_iso3(SOURCE_ID, name)


def map_register(df: pd.DataFrame, countries, dropped: set[str] | None = None) -> pd.DataFrame:
    """Add ``recipient_iso3``/``supplier_iso3`` (empty for non-state parties and for the names
    the alias file lists as not countries)."""
    dropped = not_countries() if dropped is None else dropped
    out = df.copy()
    for role in ("recipient", "supplier"):
        names = out[role].unique()
        codes = {n: _iso3(countries, n, dropped) for n in names}
        out[f"{role}_iso3"] = out[role].map(codes)
    return out[REGISTER_COLUMNS]


def parse_tiv_table(path: Path) -> pd.DataFrame:
    """A SIPRI TIV import or export table -> long ``(name, year, value, flag)`` rows.

    Only the single-year columns are read; the ``2024`` column must be empty (the tables were
    generated in Oct 2024) and is dropped. Blank cells give no row; ``0`` is kept and flagged
    ``uncertain`` (SIPRI: "between 0 and 0.5 million").
    """
    raw = common.read_csv_text(
        path, "SIPRI TIV table", skiprows=TIV_SKIPROWS, encoding="iso-8859-1"
    )
    name_col = raw.columns[0]
    if name_col not in ("Recipient", "Exports by"):
        raise BriefError(
            f"{path.name}: first column after {TIV_SKIPROWS} header lines is {name_col!r}; "
            "expected 'Recipient' or 'Exports by'"
        )
    years = [c for c in raw.columns if c.isdigit()]
    if "2024" in years:
        if raw["2024"].fillna("").str.strip().ne("").any():
            raise BriefError(f"{path.name}: column '2024' expected empty (Oct 2024 release)")
        years.remove("2024")
    long = raw.melt(id_vars=[name_col], value_vars=years, var_name="year", value_name="cell")
    long["cell"] = long["cell"].fillna("").str.strip()
    long = long[long["cell"].ne("")]
    value = pd.to_numeric(long["cell"], errors="coerce")
    if value.isna().any():
        bad = long[value.isna()].iloc[0]
        raise BriefError(
            f"{path.name}: row {bad[name_col]!r}, year {bad['year']}: {bad['cell']!r} "
            "is not a number"
        )
    return pd.DataFrame(
        {
            "name": long[name_col].str.strip().to_numpy(),
            "year": long["year"].astype(int).to_numpy(),
            "value": value.to_numpy(dtype=float),
            "flag": ["uncertain" if v == 0 else "" for v in value],
        }
    )


def tiv_indicator(
    long: pd.DataFrame, indicator: str, countries, where: str, dropped: set[str] | None = None
) -> pd.DataFrame:
    """Long TIV rows -> indicator rows; world total -> ``WLD``; non-state actors and the names
    the alias file lists as not countries (``dropped``) left out."""
    dropped = not_countries() if dropped is None else dropped
    keep = long[~long["name"].map(is_non_state) & ~long["name"].isin(dropped)].copy()
    names = keep["name"].unique()
    codes = {
        n: "WLD" if n.lower().startswith("total world") else countries.to_iso3(SOURCE_ID, n)
        for n in names
    }
    keep["iso3"] = keep["name"].map(codes)
    dup = keep[keep.duplicated(["iso3", "year"], keep=False)]
    if not dup.empty:
        raise BriefError(
            f"{where}: names {sorted(dup['name'].unique())!r} map to the same ISO3 code "
            f"{dup['iso3'].iloc[0]!r}; expected one row per country and year"
        )
    keep["indicator"] = indicator
    keep["unit"] = INDICATORS[indicator]["unit"]
    keep["source"] = SOURCE_ID
    return keep[common.OUT_COLUMNS].sort_values(["iso3", "year"]).reset_index(drop=True)


def curate(raw_dir: Path, countries) -> dict[str, pd.DataFrame]:
    raw_dir = Path(raw_dir)
    rows = read_register_rows(raw_dir / REGISTER_FILE)
    if len(rows) != REGISTER_RECORDS:
        raise BriefError(
            f"{REGISTER_FILE}: {len(rows)} records after re-joining broken lines; expected "
            f"{REGISTER_RECORDS} (the March 2025 register)"
        )
    register = map_register(parse_register(rows), countries)
    parts = [
        tiv_indicator(parse_tiv_table(raw_dir / rel), indicator, countries, rel)
        for rel, indicator in TIV_INDICATORS.items()
    ]
    indicators = common.sort_indicators(pd.concat(parts, ignore_index=True))
    return {"arms_register": register, "indicators": indicators}
