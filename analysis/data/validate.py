"""Validation of the curated tables (pandera): run by curate, on load and by `brief data check`.

Every failure is ONE ``BriefError`` line naming the file, the CSV line, the column, the value
found and what was expected. Deliberate exceptions carry their reason beside the rule
(:data:`analysis.data.registry.RANGES`, :data:`NULLABLE`).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from analysis.data import hand
from analysis.errors import BriefError

#: The flag of a row a source projects (not observed): the measures leave such rows out.
PROJECTION = "projection"
FLAGS = ("", "estimate", PROJECTION, "uncertain")
INDICATOR_COLUMNS = ["iso3", "year", "indicator", "value", "unit", "source", "flag"]
# What data/indicators/<source>.csv holds: unit and source are fixed per indicator by the
# registry, so the files leave them out (a third of the bytes) and the loader adds them.
FILE_COLUMNS = ["iso3", "year", "indicator", "value", "flag"]
# An earlier release of a source (data/vintages/<source>/<release>.csv): its release, then the
# columns of an indicator file.
VINTAGE_COLUMNS = ["release", *FILE_COLUMNS]
# Primary keys of the tables the project knows; a table not listed has none.
PRIMARY_KEYS: dict[str, list[str]] = {
    "indicators": ["iso3", "year", "indicator"],
    "countries": ["iso3"],
    "country_aliases": ["source", "alias"],
    "arms_register": ["deal_id"],
    "un_agreement": ["iso3_a", "iso3_b", "year"],
    "bilateral_trade": ["source", "reporter_iso3", "partner_iso3", "year", "flow"],
    "sanctions_cases": ["case_id"],
    "exercises": ["exercise_id"],
    "events": ["year", "event"],
    "vintages": ["release", "iso3", "year", "indicator"],
    "releases": ["source", "release"],
    "weo_codes": ["imf_code"],
}
# Columns that must hold a value in every row (besides the primary key).
REQUIRED: dict[str, list[str]] = {
    "indicators": INDICATOR_COLUMNS,
    "countries": ["iso3", "name", "kind"],
    "country_aliases": ["source", "alias"],
    "un_agreement": ["agreement", "n_votes"],
    "bilateral_trade": ["value", "unit", "basis", "valuation"],
    "vintages": VINTAGE_COLUMNS,
    "releases": [
        "label",
        "status",
        "published",
        "date_basis",
        "date_note",
        "complete",
        "files",
        "lag_months",
        "lag_basis",
    ],
}
# The ``bilateral_trade`` table (every trade source adds its rows, ``data/bilateral_trade/
# <source>.csv``): the columns in order, and the values each coded column allows. ``basis`` says
# whose figure it is: ``reported`` by the reporter's own customs, a ``partner-based estimate``
# (the publisher's estimate from the partners' reports, e.g. IMF IMTS for Russia from 2022) or
# ``reconciled`` from both sides' reports (CEPII BACI); ``valuation`` is ``fob`` (free on board,
# exports) or ``cif`` (cost, insurance, freight: imports, which include transport, so a CIF import
# exceeds the same flow's FOB export by the freight margin); ``flag`` is ``estimate`` where the
# publisher estimated the value and ``incomplete`` for a year summed from fewer than 12 months.
TRADE_COLUMNS = [
    "reporter_iso3", "partner_iso3", "year", "flow", "value", "unit", "source", "flag", "basis",
    "valuation",
]  # fmt: skip
TRADE_UNIT = "US$ m"
TRADE_CODES: dict[str, tuple[str, ...]] = {
    "flow": ("export", "import"),
    "unit": (TRADE_UNIT,),
    "flag": ("", "estimate", "incomplete"),
    "basis": ("reported", "partner-based estimate", "reconciled"),
    "valuation": ("fob", "cif"),
}
# Country-code columns whose values must be in countries.csv. Empty is allowed where the source
# has a party that is not a state (non-state arms recipients, multi-state sanctions targets).
NULLABLE = {"recipient_iso3", "supplier_iso3", "target_iso3", "host_iso3", "area_iso3"}


def line(i: int) -> int:
    """CSV line number of a 0-based data row (line 1 is the header)."""
    return int(i) + 2


def _fail(where: str, i, col: str, value, expected: str) -> BriefError:
    value = value.item() if hasattr(value, "item") else value
    try:
        row = f"line {line(int(i))}"
    except (TypeError, ValueError):
        row = "table"
    return BriefError(f"{where}: {row}, column {col!r}: found {value!r}; expected {expected}")


def _pandera(where: str, df: pd.DataFrame, schema: pa.DataFrameSchema) -> None:
    try:
        schema.validate(df, lazy=False)
    except pa.errors.SchemaError as exc:
        fc = exc.failure_cases
        col = getattr(exc.schema, "name", None) or "?"
        if isinstance(fc, pd.DataFrame) and len(fc):
            r = fc.iloc[0]
            idx = r.get("index")
            value = r.get("failure_case")
            check = getattr(exc.check, "error", None) or str(exc.check or "the schema")
            raise _fail(where, idx, col, value, check) from None
        raise BriefError(f"{where}: {' '.join(str(exc).split())[:300]}") from None


def check_columns(where: str, df: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise BriefError(f"{where}: missing column {missing[0]!r}; expected columns {columns}")


def check_unique(where: str, df: pd.DataFrame, key: list[str]) -> None:
    dup = df.duplicated(key, keep="first")
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        value = tuple(_plain(v) for v in df.iloc[i][key])
        group = df.groupby(key, dropna=False, sort=False).ngroup().to_numpy()
        first = int((group == group[i]).argmax())
        raise BriefError(
            f"{where}: line {line(i)}: duplicate key {dict(zip(key, value, strict=True))} (first "
            f"at line {line(first)}); expected one row per {', '.join(key)}"
        )


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds (``2020``, not ``np.int64(2020)``)."""
    return value.item() if hasattr(value, "item") else value


def check_required(where: str, df: pd.DataFrame, cols: list[str]) -> None:
    for c in cols:
        s = df[c]
        bad = (
            s.isna() | (s.astype("string") == "")
            if s.dtype == object or "str" in str(s.dtype)
            else s.isna()
        )
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise _fail(where, i, c, "", "a value in every row")


def check_codes(where: str, df: pd.DataFrame, col: str, known: set[str], *, empty_ok: bool) -> None:
    s = df[col].fillna("").astype(str)
    bad = ~s.isin(known) & ~((s == "") & empty_ok)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise _fail(where, i, col, s.iloc[i], "an ISO3 code listed in data/countries.csv")


def indicator_codes(countries: pd.DataFrame) -> set[str]:
    """Codes allowed in indicator tables: every country and historical state, and WLD."""
    keep = countries["kind"].ne("aggregate") | countries["iso3"].eq("WLD")
    return set(countries.loc[keep, "iso3"])


def with_registry(df: pd.DataFrame, registry: dict) -> pd.DataFrame:
    """An indicator file's rows with ``unit`` and ``source`` from the registry (``""`` for an
    id not in the registry, which validation then reports)."""
    ids = df["indicator"]
    unit = ids.map({k: v["unit"] for k, v in registry.items()}).fillna("").astype(str)
    source = ids.map({k: v["source"] for k, v in registry.items()}).fillna("").astype(str)
    return df.assign(unit=unit, source=source)[INDICATOR_COLUMNS]


def validate_indicators(
    where: str, df: pd.DataFrame, countries: pd.DataFrame, registry: dict
) -> None:
    check_columns(where, df, INDICATOR_COLUMNS)
    schema = pa.DataFrameSchema(
        {
            "iso3": pa.Column(str, nullable=False),
            "year": pa.Column(int, pa.Check.in_range(1700, 2100), nullable=False),
            "indicator": pa.Column(str, nullable=False),
            "value": pa.Column(float, nullable=False),
            "unit": pa.Column(str, nullable=False),
            "source": pa.Column(str, nullable=False),
            "flag": pa.Column(str, pa.Check.isin(FLAGS), nullable=False),
        },
        strict=True,
        ordered=True,
    )
    _pandera(where, df, schema)
    check_unique(where, df, PRIMARY_KEYS["indicators"])
    check_codes(where, df, "iso3", indicator_codes(countries), empty_ok=False)
    ids = df["indicator"]
    unknown = ~ids.isin(list(registry))
    if unknown.any():
        i = int(unknown.to_numpy().nonzero()[0][0])
        raise _fail(where, i, "indicator", ids.iloc[i], "an indicator id in the registry")
    for col in ("unit", "source"):
        expected = ids.map({k: v[col] for k, v in registry.items()})
        bad = df[col].ne(expected)
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise _fail(where, i, col, df[col].iloc[i], f"{expected.iloc[i]!r} for {ids.iloc[i]}")
    lo = ids.map({k: v["range"][0] for k, v in registry.items()})
    hi = ids.map({k: v["range"][1] for k, v in registry.items()})
    bad = (df["value"] < lo) | (df["value"] > hi)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise _fail(
            where,
            i,
            "value",
            df["value"].iloc[i],
            f"{ids.iloc[i]} within [{lo.iloc[i]}, {hi.iloc[i]}] (row iso3={df['iso3'].iloc[i]}, "
            f"year={df['year'].iloc[i]})",
        )


def check_file_source(where: str, df: pd.DataFrame, source: str) -> None:
    """``data/indicators/<source>.csv`` holds that source's indicators only (as curation writes
    them): a claim that reads a few indicators loads only their sources' files."""
    bad = df["source"].ne(source)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise _fail(
            where,
            i,
            "indicator",
            df["indicator"].iloc[i],
            f"an indicator of source {source} (this one is of {df['source'].iloc[i]})",
        )


def validate_countries(where: str, df: pd.DataFrame) -> None:
    check_columns(where, df, ["iso3", "name", "iso2", "cow_ccode", "kind"])
    schema = pa.DataFrameSchema(
        {
            "iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
            "name": pa.Column(str),
            "iso2": pa.Column(str, pa.Check.str_matches(r"^([A-Z]{2})?$")),
            "cow_ccode": pa.Column("Int64", pa.Check.in_range(1, 999), nullable=True),
            "kind": pa.Column(str, pa.Check.isin(["country", "historical", "aggregate"])),
        },
        strict=True,
    )
    _pandera(where, df, schema)
    check_unique(where, df, ["iso3"])
    check_required(where, df, REQUIRED["countries"])


def validate_table(name: str, df: pd.DataFrame, countries: pd.DataFrame | None, where: str) -> None:
    """Checks for any table: primary key unique and filled, required columns, country codes."""
    if name == "countries":
        validate_countries(where, df)
        return
    key = PRIMARY_KEYS.get(name, [])
    check_columns(where, df, key + [c for c in REQUIRED.get(name, []) if c not in key])
    check_required(where, df, key + REQUIRED.get(name, []))
    if key:
        check_unique(where, df, key)
    if countries is not None:
        known = set(countries["iso3"]) if name == "country_aliases" else indicator_codes(countries)
        for col in df.columns:
            if col == "iso3" or (col.endswith("_iso3") and col != "targets_iso3"):
                check_codes(
                    where, df, col, known, empty_ok=col in NULLABLE or name == "country_aliases"
                )
    if name == "bilateral_trade":
        validate_trade(where, df)
    if name in hand.COLUMNS:  # the hand-curated tables' own rules (citations, allowed values)
        hand.validate(name, df, None if countries is None else indicator_codes(countries), where)


def validate_trade(where: str, df: pd.DataFrame) -> None:
    """``bilateral_trade``: exactly :data:`TRADE_COLUMNS`, each coded column within its
    :data:`TRADE_CODES`, values non-negative numbers."""
    if list(df.columns) != TRADE_COLUMNS:
        check_columns(where, df, TRADE_COLUMNS)
        raise BriefError(f"{where}: columns {list(df.columns)}; expected {TRADE_COLUMNS} in order")
    for col, allowed in TRADE_CODES.items():
        s = df[col].fillna("").astype(str)
        bad = ~s.isin(allowed)
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise _fail(where, i, col, s.iloc[i], f"one of {list(allowed)}")
    value = pd.to_numeric(df["value"], errors="coerce")
    bad = value.isna() | value.lt(0)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise _fail(where, i, "value", df["value"].iloc[i], "a number >= 0 (US$ m)")
