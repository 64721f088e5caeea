"""Global Sanctions Data Base (GSDB), release V3: sanctions cases 1949–2022.

Tables produced:

- ``sanctions_cases``: one row per GSDB case (``case_id`` 1–1325): ``target`` and ``sender``
  are GSDB's raw text; ``target_iso3`` is filled when exactly one state is targeted and empty
  otherwise (several states, a group such as ``EU`` or ``Comecon``, a non-state actor);
  ``targets_iso3`` lists every targeted state's ISO3 (``;``-separated, may be empty); ``begin``,
  ``end``; the 0/1 type dummies ``trade, arms, military, financial, travel, other``;
  ``descr_trade``, ``target_mult``, ``sender_mult``, ``objective``, ``success`` as in GSDB.
- ``indicators``: ``sanctions_cases_active`` = number of cases in force against the country in
  the year, counting every year from ``begin`` to ``end`` **inclusive**; a case against several
  listed states counts once for each of them; cases against groups or non-state actors count for
  no country. Only country-years with at least one case get a row (no row means zero cases).

Targets are resolved from the raw text through ``aliases/gsdb.csv``: the whole text first (so
``Korea, North`` is one state), else the text split at commas (``Syria, Russia, Iran``), each part
a listed alias. Groups and non-state actors are listed there with an empty ISO3 and a reason.
GSDB's own ``target_mult`` is kept but not relied on: it marks ``Yugoslavia`` as multiple and
``El Salvador, Honduras`` as single. An ``end`` of 2022 (the data's last year) may mean "still in
force".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.countries import check_known
from analysis.data.sources import common
from analysis.errors import BriefError

SOURCE_ID = "gsdb"
CSV_FILE = "gsdb/GSDB_V3.csv"
ALIAS_FILE = common.alias_file(SOURCE_ID)
INDICATOR = "sanctions_cases_active"
TYPES = ["trade", "arms", "military", "financial", "travel", "other"]
MULT = ["target_mult", "sender_mult"]  # GSDB's 0/1 "several targets", "several senders"
# the raw file's last columns, which the cases table keeps under the same names
TRAILING = [*MULT, "objective", "success"]
# the raw file's columns, in its order (descr_trade stands after the trade dummy)
RAW_COLUMNS = [
    "case_id",
    "sanctioned_state",
    "sanctioning_state",
    "begin",
    "end",
    *TYPES[:1],
    "descr_trade",
    *TYPES[1:],
    *TRAILING,
]
CASE_COLUMNS = [
    "case_id",
    "target",
    "target_iso3",
    "targets_iso3",
    "sender",
    "begin",
    "end",
    *TYPES,
    "descr_trade",
    *TRAILING,
]

# what the data is (publisher, version, licence, caveats; label, unit and description of the
# indicator) is in gsdb.meta.yml beside this file
SOURCE, INDICATORS = common.source_metadata(SOURCE_ID, [CSV_FILE], [INDICATOR])


def read_aliases(alias_file: Path = ALIAS_FILE) -> dict[str, str]:
    """GSDB name -> ISO3 (empty: a group or non-state actor)."""
    return common.alias_codes(alias_file)


def read_gsdb(path: Path) -> pd.DataFrame:
    """The raw file as strings (its byte-order mark dropped), with the columns checked."""
    df = common.read_csv_text(path, "GSDB", encoding="utf-8-sig")
    common.require_columns(df, RAW_COLUMNS, path.name)
    return df


def resolve_targets(text: str, aliases: dict[str, str], where: str) -> list[str]:
    """Raw ``sanctioned_state`` text -> the ISO3 codes of the states it names (maybe none)."""
    text = text.strip()
    parts = [text] if text in aliases else [p.strip() for p in text.split(",")]
    unknown = [p for p in parts if p not in aliases]
    if unknown:
        raise BriefError(
            f"{where}: target {unknown[0]!r} (in {text!r}) is not in aliases/{SOURCE_ID}.csv; "
            "expected a listed name"
        )
    codes = [aliases[p] for p in parts if aliases[p]]
    return list(dict.fromkeys(codes))


def _int(df: pd.DataFrame, col: str, where: str) -> pd.Series:
    out = pd.to_numeric(df[col].str.strip(), errors="coerce")
    bad = out.isna() | out.ne(out.round())
    if bad.any():
        r = df[bad].iloc[0]
        raise BriefError(
            f"{where}: case {r['case_id']!r}, column {col!r}: {r[col]!r} is not a whole number"
        )
    return out.astype(int)


def parse_cases(raw: pd.DataFrame, aliases: dict[str, str], where: str = CSV_FILE) -> pd.DataFrame:
    """Raw GSDB rows -> ``sanctions_cases``."""
    ints = {c: _int(raw, c, where) for c in ["case_id", "begin", "end", *TYPES]}
    ints |= {c: _int(raw, c, where) for c in MULT}
    for c in [*TYPES, *MULT]:
        if not ints[c].isin([0, 1]).all():
            r = raw[~ints[c].isin([0, 1])].iloc[0]
            raise BriefError(
                f"{where}: case {r['case_id']}, column {c!r}: {r[c]!r}; expected 0 or 1"
            )
    late = ints["end"] < ints["begin"]
    if late.any():
        r = raw[late].iloc[0]
        raise BriefError(
            f"{where}: case {r['case_id']}: end {r['end']} is before begin {r['begin']}"
        )
    if not ints["case_id"].is_unique:
        dup = ints["case_id"][ints["case_id"].duplicated()].iloc[0]
        raise BriefError(f"{where}: case_id {dup} appears twice; expected unique case ids")
    targets = [
        resolve_targets(t, aliases, f"{where}: case {c}")
        for t, c in zip(raw["sanctioned_state"], raw["case_id"], strict=True)
    ]
    cases = pd.DataFrame(
        {
            "case_id": ints["case_id"],
            "target": raw["sanctioned_state"].str.strip(),
            "target_iso3": [t[0] if len(t) == 1 else "" for t in targets],
            "targets_iso3": [";".join(t) for t in targets],
            "sender": raw["sanctioning_state"].str.strip(),
            "begin": ints["begin"],
            "end": ints["end"],
            **{c: ints[c] for c in TYPES},
            "descr_trade": raw["descr_trade"].str.strip(),
            "target_mult": ints["target_mult"],
            "sender_mult": ints["sender_mult"],
            "objective": raw["objective"].str.strip(),
            "success": raw["success"].str.strip(),
        }
    )
    return cases[CASE_COLUMNS].sort_values("case_id").reset_index(drop=True)


def active_cases(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases -> ``sanctions_cases_active`` rows (each targeted state, each year begin..end)."""
    t = cases.assign(iso3=cases["targets_iso3"].str.split(";")).explode("iso3")
    t = t[t["iso3"].fillna("").ne("")]
    t = t.assign(year=[list(range(b, e + 1)) for b, e in zip(t["begin"], t["end"], strict=True)])
    t = t.explode("year")
    out = t.groupby(["iso3", "year"]).size().rename("value").reset_index()
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)  # the indicators table holds floats
    unit = INDICATORS[INDICATOR]["unit"]
    out = out.assign(indicator=INDICATOR, unit=unit, source=SOURCE_ID, flag="")
    return out[common.OUT_COLUMNS].sort_values(["iso3", "year"]).reset_index(drop=True)


def curate(raw_dir: Path, countries) -> dict[str, pd.DataFrame]:
    """GSDB names are mapped through ``aliases/gsdb.csv``.

    ``countries`` (a CountryMapper, or None in unit tests) only checks that every produced
    code is in the country table.
    """
    cases = parse_cases(read_gsdb(Path(raw_dir) / CSV_FILE), read_aliases())
    check_known(countries, SOURCE_ID, ";".join(cases["targets_iso3"]).split(";"))
    return {"sanctions_cases": cases, "indicators": active_cases(cases)}
