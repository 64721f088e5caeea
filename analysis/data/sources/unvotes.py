"""UN General Assembly roll-call votes 1946–2019 (R package {unvotes} 0.3.0) -> dyadic agreement.

Table produced: ``un_agreement`` with columns ``iso3_a, iso3_b, year, agreement, n_votes``, one
row per dyad and calendar year (year of the roll call's date), for every dyad in which at least
one side is a focal state: ``USA``, ``CHN``, ``RUS`` and the Soviet Union ``SUN`` (Russia's seat
to 1991, kept under its own code). ``iso3_a < iso3_b`` alphabetically, so each dyad appears once.

Definition: ``n_votes`` = number of roll calls in the year on which **both** countries cast a
vote; ``agreement`` = share of those roll calls on which they voted the same way (yes/yes,
no/no or abstain/abstain). The data hold yes, no and abstain only: absences and non-members are
not recorded, so a roll call one side missed does not count either way. ``agreement`` is rounded
to 6 decimals. Computed with one vectorised merge on ``rcid`` per focal state and a groupby.

Countries are identified by the package's ``country`` name, mapped through
``aliases/unvotes.csv`` (keys ``name`` or ``name:from-to`` for year-dependent codes): the data
call the Soviet Union "Russia" (``RU``) throughout (-> ``SUN`` to 1991) and keep "Yugoslavia"
(``YU``) to 2019 (-> ``YUG`` to 1991, ``SCG`` 1992–2005, ``SRB`` from 2006); West Germany and
North Yemen have no ISO2 code (-> ``DEU``, ``YAR``); Zanzibar's two 1963 votes are dropped
(empty ISO3 in the alias file). The issue table (``un_roll_call_issues.rda``) is not used.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.countries import check_known
from analysis.data.sources import common
from analysis.data.sources.common import read_rda
from analysis.errors import BriefError

SOURCE_ID = "unvotes"
VOTES_FILE = "unvotes/un_votes.rda"
CALLS_FILE = "unvotes/un_roll_calls.rda"
ISSUES_FILE = "unvotes/un_roll_call_issues.rda"
ALIAS_FILE = common.alias_file(SOURCE_ID)
FOCAL = ("CHN", "RUS", "SUN", "USA")
VOTES = ("yes", "no", "abstain")
COLUMNS = ["iso3_a", "iso3_b", "year", "agreement", "n_votes"]

# what the data is (publisher, version, licence, caveats) is in unvotes.meta.yml beside this file
SOURCE = common.source_metadata(SOURCE_ID, [VOTES_FILE, CALLS_FILE, ISSUES_FILE]).source


def read_alias_rules(alias_file: Path = ALIAS_FILE) -> pd.DataFrame:
    """``name[:from-to]`` keys -> rules ``(country, y0, y1, iso3)``."""
    return common.year_rules(alias_file, "country", "name")


def tidy_votes(votes: pd.DataFrame, calls: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """Votes and roll calls -> ``rcid, year, iso3, vote`` (mapped, Zanzibar-like rows dropped)."""
    for df, cols, where in (
        (votes, ["rcid", "country", "vote"], VOTES_FILE),
        (calls, ["rcid", "date"], CALLS_FILE),
    ):
        common.require_columns(df, cols, where)
    dates = pd.to_datetime(calls["date"].astype(str), errors="coerce")
    if dates.isna().any():
        raise BriefError(
            f"{CALLS_FILE}: roll call {calls['rcid'][dates.isna()].iloc[0]} has no date"
        )
    years = pd.Series(dates.dt.year.to_numpy(), index=calls["rcid"].astype(int).to_numpy())
    v = pd.DataFrame(
        {
            "rcid": votes["rcid"].astype(int),
            "country": votes["country"].astype(str),
            "vote": votes["vote"].astype(str),
        }
    )
    v["year"] = v["rcid"].map(years)
    if v["year"].isna().any():
        raise BriefError(f"{VOTES_FILE}: rcid {v.rcid[v.year.isna()].iloc[0]} not in {CALLS_FILE}")
    v["year"] = v["year"].astype(int)
    bad = v[~v["vote"].isin(VOTES)]
    if not bad.empty:
        raise BriefError(
            f"{VOTES_FILE}: rcid {bad.rcid.iloc[0]}, {bad.country.iloc[0]}: vote "
            f"{bad.vote.iloc[0]!r}; expected one of {list(VOTES)}"
        )
    plain = rules[rules["y0"].eq(0) & rules["y1"].eq(9999)]
    v["iso3"] = v["country"].map(dict(zip(plain["country"], plain["iso3"], strict=True)))
    for r in rules.drop(plain.index).itertuples():  # the few year-dependent rules
        hit = v["country"].eq(r.country) & v["year"].between(r.y0, r.y1)
        v.loc[hit, "iso3"] = r.iso3
    unknown = v[v["iso3"].isna()]
    if not unknown.empty:
        r = unknown.iloc[0]
        raise BriefError(
            f"{VOTES_FILE}: country {r.country!r} ({r.year}) is not in aliases/{SOURCE_ID}.csv; "
            "expected a listed name"
        )
    v = v[v["iso3"].ne("")]
    dup = v[v.duplicated(["rcid", "iso3"], keep=False)]
    if not dup.empty:
        raise BriefError(
            f"{VOTES_FILE}: rcid {dup.rcid.iloc[0]}: {sorted(dup.country.unique())[:2]} both "
            f"map to {dup.iso3.iloc[0]}; expected one vote per country and roll call"
        )
    return v[["rcid", "year", "iso3", "vote"]].reset_index(drop=True)


def agreement(votes: pd.DataFrame, focal: tuple[str, ...] = FOCAL) -> pd.DataFrame:
    """Tidy votes -> ``un_agreement`` rows for every dyad with a focal state (see module doc)."""
    pairs = []
    for f in focal:
        mine = votes.loc[votes["iso3"].eq(f), ["rcid", "vote"]]
        other = votes[votes["iso3"].ne(f)]
        m = other.merge(mine, on="rcid", suffixes=("", "_f"))
        a, b = m["iso3"].where(m["iso3"] < f, f), m["iso3"].where(m["iso3"] > f, f)
        pairs.append(
            pd.DataFrame(
                {
                    "iso3_a": a,
                    "iso3_b": b,
                    "year": m["year"],
                    "rcid": m["rcid"],
                    "same": m["vote"].eq(m["vote_f"]),
                }
            )
        )
    allp = pd.concat(pairs, ignore_index=True).drop_duplicates(["iso3_a", "iso3_b", "rcid"])
    out = (
        allp.groupby(["iso3_a", "iso3_b", "year"], sort=True)["same"]
        .agg(agreement="mean", n_votes="size")
        .reset_index()
    )
    out["agreement"] = out["agreement"].round(6)
    out["n_votes"] = out["n_votes"].astype(int)
    return out[COLUMNS]


def curate(raw_dir: Path, countries) -> dict[str, pd.DataFrame]:
    """Names are mapped by the alias rules of ``aliases/unvotes.csv`` (year-dependent).

    ``countries`` (a CountryMapper, or None in unit tests) only checks that every produced
    code is in the country table.
    """
    raw_dir = Path(raw_dir)
    votes = tidy_votes(
        read_rda(raw_dir / VOTES_FILE), read_rda(raw_dir / CALLS_FILE), read_alias_rules()
    )
    check_known(countries, SOURCE_ID, votes["iso3"].unique())
    return {"un_agreement": agreement(votes)}
