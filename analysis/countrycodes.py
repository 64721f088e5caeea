"""The ISO3 codes a brief may name, and the nearest known codes to a typo ("did you mean").

Split from :mod:`analysis.params` (which re-exports these names): the codes are reference data
read from the curated country table, not part of the parameter schema itself.
"""

from __future__ import annotations

import csv
import difflib
import functools
from collections.abc import Iterable, Sequence

from analysis import paths
from analysis.errors import BriefError


@functools.cache
def known_iso3() -> frozenset[str]:
    """ISO3 codes a brief may name: those of the curated country table, ``data/countries.csv``
    (validated on load). A project without its own table (the pipeline's small test projects)
    uses the table this repository ships: the codes are reference data, not the brief's."""
    from analysis.data.load import load_table

    if (paths.data_dir() / "countries.csv").is_file():
        return frozenset(str(c) for c in load_table("countries")["iso3"].dropna())
    shipped = paths.PACKAGE_DIR.parent / "data" / "countries.csv"
    try:
        with open(shipped, encoding="utf-8", newline="") as fh:
            return frozenset(row["iso3"] for row in csv.DictReader(fh) if row.get("iso3"))
    except (OSError, KeyError):
        raise BriefError(
            f"{paths.data_dir() / 'countries.csv'}: not found; expected the curated country "
            "table (`brief data curate` writes it) to check the brief's ISO3 codes"
        ) from None


def closest_codes(code: str, known: Iterable[str], n: int = 5) -> list[str]:
    """Up to ``n`` known codes most like ``code``: most letters in the same place, then difflib.

    Codes are fixed-width, so a typo is usually one letter in place ('RUZ' -> 'RUS'); difflib alone
    ties that with a shifted code ('UZB'). Ties are offered, up to n ('CHX' -> 'CHE', 'CHL', 'CHN').
    """
    code = str(code).upper()

    def score(k: str) -> tuple[int, float]:
        same = sum(a == b for a, b in zip(code, k, strict=False))
        return same, difflib.SequenceMatcher(None, code, k).ratio()

    scored = sorted(((score(k), k) for k in set(known)), key=lambda t: (-t[0][0], -t[0][1], t[1]))
    if not scored:
        return []
    best = scored[0][0]
    if best[0] < 2 and best[1] < 0.6:
        return []
    return sorted(k for (sc, k) in scored if sc[0] == best[0] and (sc[0] >= 2 or sc == best))[:n]


def _did_you_mean(close: list[str]) -> str:
    if not close:
        return ""
    names = [repr(c) for c in close]
    alt = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f" (did you mean {alt}?)"


def check_iso3(codes: Sequence[str]) -> list[str]:
    known = known_iso3()
    bad = [c for c in codes if c not in known]
    if bad:
        hints = []
        for c in bad:
            hints.append(f"{c!r}" + _did_you_mean(closest_codes(c, known)))
        raise ValueError(f"unknown ISO3 code {', '.join(hints)}; expected ISO 3166 alpha-3 codes")
    return list(codes)
