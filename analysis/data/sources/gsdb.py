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
from analysis.errors import BriefError

SOURCE_ID = "gsdb"
CSV_FILE = "gsdb/GSDB_V3.csv"
ALIAS_FILE = Path(__file__).resolve().parents[1] / "aliases" / f"{SOURCE_ID}.csv"
INDICATOR = "sanctions_cases_active"
TYPES = ["trade", "arms", "military", "financial", "travel", "other"]
RAW_COLUMNS = [
    "case_id",
    "sanctioned_state",
    "sanctioning_state",
    "begin",
    "end",
    *TYPES[:1],
    "descr_trade",
    *TYPES[1:],
    "target_mult",
    "sender_mult",
    "objective",
    "success",
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
    "target_mult",
    "sender_mult",
    "objective",
    "success",
]

SOURCE: dict = {
    "id": SOURCE_ID,
    "publisher": "Global Sanctions Data Base (Felbermayr, Kirilakha, Syropoulos, Yalcin, "
    "Yotov; Drexel University)",
    "title": "The Global Sanctions Data Base (GSDB)",
    "version": "V3 (case level, 1949-2022)",
    "url": "https://www.globalsanctionsdatabase.com/",
    "licence": "distributed on request for research use; cite Felbermayr et al. (2020, EER) "
    "and Syropoulos et al. (2024)",
    "retrieved": "2026-11-28",
    "raw_files": [CSV_FILE],
    "refresh": None,
    "caveats": [
        "Case level: one case can bundle several sanction types and several senders.",
        "sanctions_cases_active counts cases in force from begin to end inclusive; a "
        "multi-target case counts once for each listed state.",
        "Cases against groups (EU, Comecon, ...) or non-state actors count for no country.",
        "An end year of 2022 (the last year covered) may mean the case is still in force.",
        "GSDB's 'Yugoslavia' covers SFR and FR Yugoslavia; all its cases stay YUG.",
        "GSDB V3 ends in 2022; V4 (to 2023) was not available.",
    ],
}
INDICATORS: dict[str, dict[str, str]] = {
    INDICATOR: {
        "label": "Sanctions cases in force",
        "unit": "count",
        "description": "Number of GSDB V3 sanctions cases in force against the country in the "
        "year (begin to end inclusive); no row means none.",
    }
}


def read_aliases(alias_file: Path = ALIAS_FILE) -> dict[str, str]:
    aliases = pd.read_csv(alias_file, dtype="str", keep_default_na=False)
    return dict(zip(aliases["alias"], aliases["iso3"], strict=True))


def read_gsdb(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, encoding="utf-8-sig", dtype="str", keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise BriefError(f"{path.name}: cannot read GSDB ({exc})") from exc
    missing = [c for c in RAW_COLUMNS if c not in df.columns]
    if missing:
        raise BriefError(f"{path.name}: column(s) {missing} missing; expected {RAW_COLUMNS}")
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
    ints |= {c: _int(raw, c, where) for c in ["target_mult", "sender_mult"]}
    for c in [*TYPES, "target_mult", "sender_mult"]:
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
    out = out.assign(indicator=INDICATOR, unit="count", source=SOURCE_ID, flag="")
    cols = ["iso3", "year", "indicator", "value", "unit", "source", "flag"]
    return out[cols].sort_values(["iso3", "year"]).reset_index(drop=True)


def curate(raw_dir: Path, countries) -> dict[str, pd.DataFrame]:
    """GSDB names are mapped through ``aliases/gsdb.csv``.

    ``countries`` (a CountryMapper, or None in unit tests) only checks that every produced
    code is in the country table.
    """
    cases = parse_cases(read_gsdb(Path(raw_dir) / CSV_FILE), read_aliases())
    check_known(countries, SOURCE_ID, ";".join(cases["targets_iso3"]).split(";"))
    return {"sanctions_cases": cases, "indicators": active_cases(cases)}
