"""The IMF's numeric area codes and the codes of the October 2025 WEO: a concordance built from
the data themselves, and checked.

Up to April 2025 the WEO releases (as the R package {imfweo} stores them) name an area by the
IMF's numeric country code (United States ``111``, China ``924``, Russia ``922``, World
``001``); from October 2025 by ISO 3166 alpha-3 for countries and ``G``/``GX`` + the numeric
code for country groups. The numeric codes are not ISO numeric codes, so no published table is
assumed: two releases six months apart publish the same value for most of the history they share
(population, national accounts, prices of years both hold as actual data), and an area is the
area of the other release it shares the most identical values with.

:func:`match_areas` counts, for every area of the older release, the ``(concept, year, value)``
triples it shares with each area of the newer one (zeros and missing values left out: they
match anything). :func:`concordance` keeps the best match and checks it:

- the match shares at least :data:`MIN_SHARED` identical values with the area and at least
  :data:`SEPARATION` times as many as the runner-up;
- no two areas share a match (one-to-one);
- an area without a match must be listed, with why, in ``aliases/imf_weo_vintages.csv`` (an
  empty iso3 and a note: a country group the newer release no longer has);
- the anchors of :data:`ANCHORS` (the codes the IMF publishes for the countries the flagship
  brief compares, and World) come out as published.

Any failure is one ``BriefError`` naming the code. The table is written to
``data/weo_codes.csv`` with the counts, so every match can be read with its evidence.
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import BriefError

#: The fewest identical values a match must rest on.
MIN_SHARED = 50
#: How many times more identical values the match must share than the runner-up.
SEPARATION = 5
#: Codes the IMF publishes (and the data must reproduce): United States, China, Russia, World.
ANCHORS = {"111": "USA", "924": "CHN", "922": "RUS", "001": "G001"}
COLUMNS = ["imf_code", "weo_code", "shared_values", "runner_up", "runner_up_values"]


def _triples(df: pd.DataFrame) -> pd.DataFrame:
    """``area, concept, year, v`` of every non-zero value (rounded to 6 decimals)."""
    v = pd.to_numeric(df["value"], errors="coerce")
    keep = v.notna() & v.ne(0)
    return pd.DataFrame(
        {
            "area": df.loc[keep, "ref_area"].astype(str).str.strip().to_numpy(),
            "concept": df.loc[keep, "concept"].astype(str).to_numpy(),
            "year": pd.to_numeric(df.loc[keep, "year"]).astype(int).to_numpy(),
            "v": v[keep].round(6).to_numpy(),
        }
    ).drop_duplicates()


def match_areas(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """For every area of ``old`` with values: its best match in ``new`` and the runner-up.

    Both frames hold a release's rows (``ref_area, concept, year, value``). Returns
    :data:`COLUMNS` (``imf_code`` = the old area, ``weo_code`` = its match), sorted by code; an
    old area that shares no value with any new area is absent.
    """
    a, b = _triples(old), _triples(new)
    both = a.merge(b, on=["concept", "year", "v"], suffixes=("_old", "_new"))
    counts = (
        both.groupby(["area_old", "area_new"])
        .size()
        .rename("n")
        .reset_index()
        # most shared first; ties by code, so the result never depends on row order
        .sort_values(["area_old", "n", "area_new"], ascending=[True, False, True])
    )
    rows = []
    for code, g in counts.groupby("area_old", sort=True):
        best, second = g.iloc[0], g.iloc[1] if len(g) > 1 else None
        rows.append(
            (
                code,
                best["area_new"],
                int(best["n"]),
                "" if second is None else second["area_new"],
                0 if second is None else int(second["n"]),
            )
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def concordance(
    old: pd.DataFrame, new: pd.DataFrame, unmatched_ok: dict[str, str], where: str
) -> pd.DataFrame:
    """The checked concordance of ``old``'s codes to ``new``'s (see the module docstring).

    ``unmatched_ok`` maps the old codes that may go without a match to why (the alias file's
    notes); ``where`` names the two releases in errors.
    """
    found = match_areas(old, new)
    codes = sorted(set(old["ref_area"].astype(str).str.strip()))
    weak = found[
        (found["shared_values"] < MIN_SHARED)
        | (found["shared_values"] < SEPARATION * found["runner_up_values"])
    ]
    weak = weak[~weak["imf_code"].isin(list(unmatched_ok))]
    if len(weak):
        r = weak.iloc[0]
        raise BriefError(
            f"{where}: IMF code {r['imf_code']} matches {r['weo_code']} on only "
            f"{r['shared_values']} identical values (runner-up {r['runner_up'] or 'none'}: "
            f"{r['runner_up_values']}); expected at least {MIN_SHARED} and {SEPARATION} times the "
            "runner-up's, or the code listed in aliases/imf_weo_vintages.csv with why"
        )
    found = found[~found["imf_code"].isin(list(unmatched_ok))].reset_index(drop=True)
    dup = found["weo_code"].duplicated(keep=False)
    if dup.any():
        pair = found[dup].iloc[:2]
        raise BriefError(
            f"{where}: IMF codes {' and '.join(pair['imf_code'])} both match "
            f"{pair['weo_code'].iloc[0]}; expected one code per area"
        )
    missing = [c for c in codes if c not in set(found["imf_code"]) and c not in unmatched_ok]
    if missing:
        raise BriefError(
            f"{where}: IMF code {missing[0]} shares no value with any area of the newer release; "
            "expected it listed in aliases/imf_weo_vintages.csv (empty iso3 and why)"
        )
    got = dict(zip(found["imf_code"], found["weo_code"], strict=True))
    for code, expected in ANCHORS.items():
        if got.get(code) != expected:
            raise BriefError(
                f"{where}: IMF code {code} matches {got.get(code)!r}; expected {expected} (the "
                "code the IMF publishes)"
            )
    return found.sort_values("imf_code", ignore_index=True)


def translate(codes: pd.Series, table: pd.DataFrame, unmatched_ok: dict[str, str], where: str):
    """Old codes -> new codes (``None`` for a listed code without a match); an old code neither
    in the table nor listed is one ``BriefError``."""
    mapping = dict(zip(table["imf_code"], table["weo_code"], strict=True))
    keys = codes.astype(str).str.strip()
    unknown = sorted(set(keys) - set(mapping) - set(unmatched_ok))
    if unknown:
        raise BriefError(
            f"{where}: IMF code {unknown[0]} is not in the concordance (data/weo_codes.csv); "
            "expected every code of an earlier release matched or listed in "
            "aliases/imf_weo_vintages.csv"
        )
    return keys.map(mapping)
