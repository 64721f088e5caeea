"""The hand-curated tables: ``data/exercises.csv`` and ``data/events.csv``.

No raw dataset lists China-Russia joint exercises or the timeline the brief cites (SOURCES.md,
Gaps 9), so these two tables are written by hand, one row per fact, each row citing the public
page that states it. They are *inputs* of ``brief data curate`` (validated, typed, described in
``datapackage.json`` with their SHA-256, never rewritten) and are validated again on every load.

Rules checked here, each failure one line naming the file, CSV line and column:
- exactly the contract's columns (docs/contracts.md section 1), in that order;
- ``year`` an integer in [1990, 2100], agreeing with ``start_date``/``date`` when given;
- dates ISO (``YYYY-MM-DD``; the timeline also accepts ``YYYY-MM`` when only the month is known);
- ``domains``, ``format`` and ``category`` from their allowed sets; ``participants`` known ISO3
  codes including both CHN and RUS; ``troops`` blank or a positive integer;
- a citation on every row: publisher, title, an ``http(s)://`` URL and the page's ISO date
  (``n.d.`` for a page that shows none).
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.errors import BriefError

EXERCISE_COLUMNS = [
    "exercise_id", "name", "year", "start_date", "end_date", "location", "host_iso3", "domains",
    "participants", "format", "troops",
    "citation_publisher", "citation_title", "citation_url", "citation_date",
]  # fmt: skip
EVENT_COLUMNS = [
    "date", "year", "category", "event",
    "citation_publisher", "citation_title", "citation_url", "citation_date",
]  # fmt: skip
SOURCE = {
    "id": "hand",
    "title": "China-Russia joint exercises and timeline of events (hand-curated)",
    "publisher": "this project (hand-curated; every row cites the public page it comes from)",
    "version": "each table's SHA-256 in datapackage.json; its history in the project's git log",
    "url": "",
    "licence": "CC BY 4.0 (the tables); the cited pages belong to their publishers",
    "retrieved": "2026-11-29",
    "caveats": [
        "Only what a cited public page confirms: an exercise no page confirmed is left out, and a "
        "field a page does not state (dates, troops) is blank, so counts are lower bounds.",
        "Troop numbers are the totals the cited page states (both sides unless it says "
        "otherwise); official figures, not independently verified.",
        "Location is where the main phase took place; an exercise in international waters or "
        "airspace has no host country.",
        "Domains are those the cited page names, so they are lower bounds; the complexity score "
        "built on them (analysis.relations.exercise_complexity) inherits that.",
        "Exercises of paramilitary forces (China's People's Armed Police with Russia's National "
        "Guard: Cooperation-2017, -2019) and joint patrols are kept and labelled; an analysis "
        "that counts only military exercises can filter them by name or domain.",
    ],
}
CITATION = ["citation_publisher", "citation_title", "citation_url", "citation_date"]
# The exercise domains; analysis.relations scores exactly these (it imports them from here).
DOMAINS = (
    "land", "air", "sea", "missile_defence", "command_post", "counter_terror", "strategic_patrol",
)  # fmt: skip
FORMATS = ("bilateral", "sco", "multilateral", "russian_strategic")
CATEGORIES = ("treaty", "agreement", "arms", "sanctions", "statement", "conflict", "exercise")
INTEGER_COLUMNS = {"exercises": ["year", "troops"], "events": ["year"]}
COLUMNS = {"exercises": EXERCISE_COLUMNS, "events": EVENT_COLUMNS}
YEARS = (1990, 2100)
UNDATED = "n.d."  # a cited page that shows no publication date (the bibliographic convention)

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _err(where: str, i: int, col: str, value, expected: str) -> BriefError:
    return BriefError(
        f"{where}: line {i + 2}, column {col!r}: found {value!r}; expected {expected}"
    )


def _is_date(s: str, *, month_ok: bool) -> bool:
    if DAY.match(s):
        try:
            pd.Timestamp(s)
        except ValueError:
            return False
        return True
    return bool(month_ok and MONTH.match(s) and 1 <= int(s[5:]) <= 12)


def _split(s: str) -> list[str]:
    return [p.strip() for p in str(s).split(";") if p.strip()]


def _check_integer(where: str, df: pd.DataFrame, col: str, lo: int, hi: int, blank: bool) -> None:
    for i, v in enumerate(df[col].astype(str)):
        if v == "" and blank:
            continue
        if not re.fullmatch(r"\d+", v) or not lo <= int(v) <= hi:
            what = f"an integer in [{lo}, {hi}]" + (" or blank" if blank else "")
            raise _err(where, i, col, v, what)


def _check_citations(where: str, df: pd.DataFrame) -> None:
    for i, r in enumerate(df[CITATION].itertuples(index=False)):
        pub, title, url, date = (str(x) for x in r)
        if not pub.strip():
            raise _err(where, i, "citation_publisher", pub, "the publisher of the cited page")
        if not title.strip():
            raise _err(where, i, "citation_title", title, "the title of the cited page")
        if not URL.match(url):
            raise _err(where, i, "citation_url", url, "the cited page's http(s):// address")
        if date != UNDATED and not _is_date(date, month_ok=True):
            raise _err(
                where,
                i,
                "citation_date",
                date,
                f"the page's date, YYYY-MM-DD, YYYY-MM or {UNDATED!r}",
            )


def _check_year_matches(where: str, df: pd.DataFrame, col: str) -> None:
    for i, (d, y) in enumerate(zip(df[col].astype(str), df["year"].astype(str), strict=True)):
        if d and d[:4] != y:
            raise _err(where, i, col, d, f"a date in the row's year {y}")


def validate_exercises(where: str, df: pd.DataFrame, known: set[str]) -> None:
    """``df`` as read from the CSV (all strings, blanks as ``""``)."""
    _check_integer(where, df, "year", *YEARS, blank=False)
    _check_integer(where, df, "troops", 1, 1_000_000, blank=True)
    for i, v in enumerate(df["exercise_id"].astype(str)):
        if not SLUG.match(v):
            raise _err(where, i, "exercise_id", v, "a lower-case slug such as 'joint-sea-2012'")
    for col in ("name", "location"):
        for i, v in enumerate(df[col].astype(str)):
            if not v.strip():
                raise _err(where, i, col, v, "a value in every row")
    for col in ("start_date", "end_date"):
        for i, v in enumerate(df[col].astype(str)):
            if v and not _is_date(v, month_ok=False):
                raise _err(where, i, col, v, "an ISO date YYYY-MM-DD or blank")
    _check_year_matches(where, df, "start_date")
    for i, (a, b) in enumerate(zip(df["start_date"], df["end_date"], strict=True)):
        if a and b and str(b) < str(a):
            raise _err(where, i, "end_date", b, f"a date on or after start_date {a}")
    for i, v in enumerate(df["domains"].astype(str)):
        parts = _split(v)
        bad = [p for p in parts if p not in DOMAINS]
        if not parts or bad:
            raise _err(where, i, "domains", v, f"';'-separated values from {'|'.join(DOMAINS)}")
    for i, v in enumerate(df["format"].astype(str)):
        if v not in FORMATS:
            raise _err(where, i, "format", v, f"one of {'|'.join(FORMATS)}")
    for i, v in enumerate(df["participants"].astype(str)):
        parts = _split(v)
        unknown = [p for p in parts if p not in known]
        if unknown:
            raise _err(where, i, "participants", unknown[0], "ISO3 codes in data/countries.csv")
        if not {"CHN", "RUS"} <= set(parts):
            raise _err(where, i, "participants", v, "a ';'-separated list including CHN and RUS")
    _check_citations(where, df)


def validate_events(where: str, df: pd.DataFrame) -> None:
    _check_integer(where, df, "year", *YEARS, blank=False)
    for i, v in enumerate(df["date"].astype(str)):
        if v and not _is_date(v, month_ok=True):
            raise _err(where, i, "date", v, "YYYY-MM-DD, YYYY-MM or blank")
    _check_year_matches(where, df, "date")
    for i, v in enumerate(df["category"].astype(str)):
        if v not in CATEGORIES:
            raise _err(where, i, "category", v, f"one of {'|'.join(CATEGORIES)}")
    for i, v in enumerate(df["event"].astype(str)):
        if not v.strip():
            raise _err(where, i, "event", v, "a one-sentence description")
    dup = df.duplicated(["year", "event"], keep="first")
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise _err(where, i, "event", df["event"].iloc[i], "each event once per year")
    _check_citations(where, df)


def validate(name: str, df: pd.DataFrame, known: set[str] | None, where: str) -> None:
    """Validate a hand table read as strings (``keep_default_na=False``) or as typed by the
    loader (integers back to strings first, so both paths apply the same rules)."""
    cols = COLUMNS[name]
    if list(df.columns) != cols:
        missing = [c for c in cols if c not in df.columns]
        extra = [c for c in df.columns if c not in cols]
        found = f"missing {missing}" if missing else f"extra {extra}" if extra else "other order"
        raise BriefError(f"{where}: columns ({found}); expected exactly {cols}")
    df = as_strings(df)
    if name == "exercises":
        validate_exercises(where, df, known if known is not None else {"CHN", "RUS"})
    else:
        validate_events(where, df)


def as_strings(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_integer_dtype(s.dtype) or isinstance(s.dtype, pd.Int64Dtype):
            out[c] = s.astype("Int64").astype("string").fillna("").astype(str)
        else:
            out[c] = s.where(s.notna(), "").astype(str)
    return out


def typed(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """A validated string table with its integer columns as ``Int64`` (blank -> <NA>)."""
    out = df.copy()
    for c in INTEGER_COLUMNS[name]:
        out[c] = pd.to_numeric(out[c].where(out[c] != ""), errors="raise").astype("Int64")
    return out
