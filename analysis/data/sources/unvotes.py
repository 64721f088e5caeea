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
import pyreadr

from analysis.data.countries import check_known
from analysis.errors import BriefError

SOURCE_ID = "unvotes"
VOTES_FILE = "unvotes/un_votes.rda"
CALLS_FILE = "unvotes/un_roll_calls.rda"
ISSUES_FILE = "unvotes/un_roll_call_issues.rda"
ALIAS_FILE = Path(__file__).resolve().parents[1] / "aliases" / f"{SOURCE_ID}.csv"
FOCAL = ("CHN", "RUS", "SUN", "USA")
VOTES = ("yes", "no", "abstain")
COLUMNS = ["iso3_a", "iso3_b", "year", "agreement", "n_votes"]

SOURCE: dict = {
    "id": SOURCE_ID,
    "publisher": "Erik Voeten, Anton Strezhnev and Michael Bailey; packaged by David Robinson "
    "and Mine Cetinkaya-Rundel (R package unvotes)",
    "title": "United Nations General Assembly Voting Data (R package unvotes)",
    "version": "unvotes 0.3.0 (2021-03-09), roll calls 1946-01-01 to 2019-12-27",
    "url": "https://cran.r-project.org/package=unvotes",
    "licence": "MIT (package); cite Voeten, Strezhnev & Bailey (Harvard Dataverse)",
    "retrieved": "2026-11-28",
    "raw_files": [VOTES_FILE, CALLS_FILE, ISSUES_FILE],
    "refresh": None,
    "caveats": [
        "Ends in 2019; for 2020-2024 use the ideal points (unga_idealpoint).",
        "Agreement = share of roll calls both voted on where they voted the same "
        "(yes/no/abstain); absences are not in the data and are not counted.",
        "Every roll call counts equally (resolutions, paragraphs and amendments alike).",
        "The data call the Soviet Union 'Russia' throughout: SUN to 1991, RUS from 1992.",
        "'Yugoslavia' runs to 2019: YUG to 1991, SCG 1992-2005, SRB from 2006.",
        "Agreement is rounded to 6 decimals.",
    ],
}


def read_alias_rules(alias_file: Path = ALIAS_FILE) -> pd.DataFrame:
    """``name[:from-to]`` keys -> rules ``(country, y0, y1, iso3)``."""
    aliases = pd.read_csv(alias_file, dtype="str", keep_default_na=False)
    rules = []
    for key, iso3 in zip(aliases["alias"], aliases["iso3"], strict=True):
        name, _, span = key.partition(":")
        y0, _, y1 = span.partition("-")
        try:
            rules.append((name, int(y0 or 0), int(y1 or y0 or 9999), iso3))
        except ValueError as exc:
            raise BriefError(
                f"aliases/{SOURCE_ID}.csv: alias {key!r} is not 'name' or 'name:from-to'"
            ) from exc
    return pd.DataFrame(rules, columns=["country", "y0", "y1", "iso3"])


def read_rda(path: Path) -> pd.DataFrame:
    try:
        frames = pyreadr.read_r(str(path))
    except (
        OSError,
        pyreadr.custom_errors.PyreadrError,
        pyreadr.custom_errors.LibrdataError,
    ) as exc:
        raise BriefError(f"{path.name}: cannot read R data file ({exc})") from exc
    if len(frames) != 1:
        raise BriefError(f"{path.name}: holds {len(frames)} objects; expected one data frame")
    return next(iter(frames.values()))


def tidy_votes(votes: pd.DataFrame, calls: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """Votes and roll calls -> ``rcid, year, iso3, vote`` (mapped, Zanzibar-like rows dropped)."""
    for df, cols, where in (
        (votes, ["rcid", "country", "vote"], VOTES_FILE),
        (calls, ["rcid", "date"], CALLS_FILE),
    ):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise BriefError(f"{where}: column(s) {missing} missing; expected {cols}")
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
