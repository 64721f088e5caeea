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
  codes including both CHN and RUS, each once and in alphabetical order;
- troops as two fields, each with its qualifier: ``troops_total`` (the total the host announced)
  and ``troops_china`` (China's contingent), each blank or a positive integer, China's contingent
  no larger than the total; ``troops_total_qualifier`` / ``troops_china_qualifier`` from
  :data:`QUALIFIERS` and only beside a number (a qualifier is never rounded away);
- a citation on every row: publisher, title, an ``http(s)://`` URL and the page's ISO date
  (``n.d.`` for a page that shows none);
- exercises: a ``notes`` entry on every row, what the last audit found against the cited page
  (``checked YYYY-MM-DD: matches the cited page``, or each change and its reason).
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.errors import BriefError

EXERCISE_COLUMNS = [
    "exercise_id", "name", "year", "start_date", "end_date", "location", "host_iso3", "domains",
    "participants", "format",
    "troops_total", "troops_total_qualifier", "troops_china", "troops_china_qualifier",
    "citation_publisher", "citation_title", "citation_url", "citation_date", "notes",
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
        "Inclusion rule, the same in every year: an exercise or joint patrol in which both "
        "the Chinese People's Liberation Army and the Armed Forces of the Russian Federation take "
        "part, alone or with third countries. Paramilitary, police, border and coast-guard "
        "drills (the 'Cooperation' series of China's People's Armed Police with Russia's "
        "National Guard, coast-guard patrols, the SCO's public-security 'Interaction-2024') are "
        "left out.",
        "One row per event as it was announced: an exercise China's defence ministry (or the "
        "host) announced as an event of its own has its own row, even where it overlapped "
        "another (Russia's Ocean-2024 and China's Northern/Interaction-2024 were announced "
        "together as separate events, and the first phase of the one ran during the other: two "
        "rows). Phases of one announced exercise held apart in time and place keep a row each "
        "(Joint Sea-2015 I and II, Joint Sea-2017 in the Baltic and in the Far East); a joint "
        "patrol that follows an exercise is a row of its own.",
        "Troops are two fields, as the cited page states them: troops_total is the total the "
        "host announced (for Russia's strategic exercises Russia's own figure) and troops_china "
        "China's contingent, each with the page's qualifier ('about' for about/around/some, "
        "'more than' for more than/over, 'nearly', 'up to'). A number the page does not state is "
        "blank, never computed (two contingents 'of about 1,300 each' are not summed); official "
        "figures, not independently verified.",
        "Participants are every country the cited page names as taking part (observers are not "
        "participants); where the page adds 'and other countries' the list is a lower bound.",
        "Location is where the main phase took place. The host is the country the cited page "
        "places it in (a naval exercise opened at one country's port and held off its coast is "
        "held there); an exercise in international waters or airspace, or one the page places "
        "only in a sea (the Gulf of Oman), has no host country.",
        "Domains are those the cited page names (aircraft taking part: air; ground troops, troops "
        "in a field exercise or landings: land), so they are lower bounds; the complexity score "
        "built on them (analysis.compute.exercises.exercise_complexity) inherits that, as it "
        "does blank troop totals and dates.",
    ],
}
CITATION = ["citation_publisher", "citation_title", "citation_url", "citation_date"]
NOTES = "notes"  # exercises: what the last audit found against the cited page, on every row
# The exercise domains; analysis.compute.exercises scores exactly these (it imports them from here).
DOMAINS = (
    "land", "air", "sea", "missile_defence", "command_post", "counter_terror", "strategic_patrol",
)  # fmt: skip
FORMATS = ("bilateral", "sco", "multilateral", "russian_strategic")
CATEGORIES = ("treaty", "agreement", "arms", "sanctions", "statement", "conflict", "exercise")
INTEGER_COLUMNS = {"exercises": ["year", "troops_total", "troops_china"], "events": ["year"]}
# The qualifier a page puts on a troop number, kept beside it ("" = the number as stated).
QUALIFIERS = ("", "about", "nearly", "more than", "up to")
TROOPS = (("troops_total", "troops_total_qualifier"), ("troops_china", "troops_china_qualifier"))
MAX_TROOPS = 1_000_000
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


def _check_troops(where: str, df: pd.DataFrame) -> None:
    """Each troop number blank or a positive integer, its qualifier from QUALIFIERS and only
    beside a number; China's contingent no larger than the total when the page states both."""
    for num, qual in TROOPS:
        _check_integer(where, df, num, 1, MAX_TROOPS, blank=True)
        for i, (n, q) in enumerate(zip(df[num].astype(str), df[qual].astype(str), strict=True)):
            if q not in QUALIFIERS:
                allowed = ", ".join(repr(x) for x in QUALIFIERS)
                raise _err(where, i, qual, q, f"one of {allowed}")
            if q and not n:
                expected = f"'' while {num} is blank (a qualifier needs a number)"
                raise _err(where, i, qual, q, expected)
    total, china = df["troops_total"].astype(str), df["troops_china"].astype(str)
    for i, (t, c) in enumerate(zip(total, china, strict=True)):
        if t and c and int(c) > int(t):
            raise _err(where, i, "troops_china", c, f"at most troops_total {t}")


def validate_exercises(where: str, df: pd.DataFrame, known: set[str]) -> None:
    """``df`` as read from the CSV (all strings, blanks as ``""``)."""
    _check_integer(where, df, "year", *YEARS, blank=False)
    _check_troops(where, df)
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
        if parts != sorted(set(parts)):
            raise _err(where, i, "participants", v, "each code once, in alphabetical order")
    _check_citations(where, df)
    for i, v in enumerate(df[NOTES].astype(str)):
        if not v.strip():
            expected = "the audit's note ('checked YYYY-MM-DD: ...' or what changed and why)"
            raise _err(where, i, NOTES, v, expected)


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


# The audit of both tables against their cited pages, printed in data/README.md by
# analysis.data.dictionary (edit it here, then `brief data curate`). Row ids in backticks.
AUDIT = [
    "**Audit of 5 December 2026 (issue 25).** Every row of `exercises.csv` (58) was read again "
    "against the stored copy of its cited page for its dates, host, domains, participants and "
    "troops, and the table gained a `notes` column saying, on every row, what was found: "
    "`checked 2026-12-05: matches the cited page` (49 rows) or each change and its reason.",
    "",
    "- **Pages not in the store** (1): `joint-sea-2017-baltic`'s CGTN page; the same CGTN "
    "report as China.org.cn carried it replaces it, and its end date goes blank (the report "
    "gives none).",
    "- **One row per event as announced** (1 added, 59 rows): `ocean-2024` has its own row. "
    "China's defence ministry announced China's part in Russia's Ocean-2024 as an event of "
    "its own, beside Northern/Interaction-2024 and the fifth joint patrol; the earlier audit "
    "had folded it into `northern-interaction-2024`, whose name no longer says so. Its page "
    "is a Bloomberg report of Russia's defence ministry (10-16 September 2024, more than "
    "90,000 personnel in the whole exercise, four Chinese warships and a logistics vessel); "
    "no official Chinese page in the store gives its dates or size. Counts per year change "
    "(2024: 8 to 9).",
    "- **Host set to the page** (3): `security-belt-2022`, `security-bond-2023` and "
    "`security-belt-2024` lose host IRN: their pages place the drill only in the Gulf of Oman "
    "or the north of the Indian Ocean and name no host or port. `coalition-2003` keeps CHN, "
    "but its page names both sites without saying which held the main phase (noted).",
    "- **Domains, dates and places set to the page** (3): `peace-mission-2021` adds land (its "
    "page names troops in the field, as `peace-mission-2016`'s does); "
    "`joint-air-patrol-2023-06` ends the day it began, as the other air patrols do; "
    "`joint-sea-2022`'s location is the page's own words.",
    "- **Troops**: every stated total and contingent matched its page; none changed.",
    "",
    "**Audit of issue 11.** "
    "Every row of both tables was re-read against the stored copy of its cited page (issue 11); "
    "where the page was not in the store, or was an aggregator, RT or Wikipedia, an official "
    "(Chinese or Russian defence ministry, Xinhua, China Military Online, TASS, People's Daily, "
    "China Daily) or wire page replaced it. Each field now says what its one cited page says, "
    "or is blank.",
    "",
    "- **Rows.** `exercises.csv`: 59 before, 58 after (3 removed, 2 added). `events.csv`: 32 "
    "before, 32 after (6 rewritten or re-cited).",
    "- **Troops split into host total and China's contingent, qualifier kept** (14 rows). "
    "`vostok-2018`: 300,000 became nearly 300,000 total and more than 3,000 Chinese. "
    '`peace-mission-2005`: about 10,000 (its page says "some 10,000"; People\'s Daily said '
    '"nearly 10,000" in 2005). `peace-mission-2009`: the old 2,600 was two contingents of '
    '"about 1,300" summed, now China about 1,300, total blank. `peace-mission-2016`: the new '
    "page gives more than 1,100 (270 Chinese) where the old one said some 2,000. "
    "`tsentr-2019`: blank, because the page that names all participants gives no troop figure. "
    "Qualifiers added to `peace-mission-2007`, `-2012`, `-2013`, `-2014`, `-2018`, `-2021`, "
    "`zapad-interaction-2021`, `vostok-2022`; China's contingent added to `peace-mission-2018`, "
    "`-2021`, `vostok-2022`.",
    "- **Participants completed** (3 rows): `vostok-2018` adds Mongolia; `tsentr-2019` adds "
    "India, Kazakhstan, Kyrgyzstan, Pakistan, Tajikistan and Uzbekistan; `peace-mission-2018` "
    "drops Uzbekistan (observers only). Codes are now in alphabetical order on every row.",
    "- **One row per event** (1 removed): `ocean-2024` is merged into "
    "`northern-interaction-2024` (the same Chinese ships; Ocean-2024 was its first phase). "
    "Reversed on 5 December 2026 (above): the two were announced as separate events.",
    "- **One inclusion rule** (2 removed): PLA with the Russian Armed Forces, in every year. "
    "`cooperation-2017` and `cooperation-2019` (People's Armed Police with Russia's National "
    "Guard) are out, as are that series' other years (2007, 2013, 2016), coast-guard patrols, "
    "the SCO public-security drill Interaction-2024 and Border Defence Cooperation-2025 "
    "(border forces).",
    "- **Missing exercises added** (2): `mosi-2019` and `mosi-2-2023` (with South Africa). "
    "Searched and already present: SCO Peace Missions, Joint Sea / Maritime Interaction, "
    "Vostok, Tsentr, Kavkaz, Ocean, Northern/Interaction, Security Belt, ten joint air patrols "
    "(2019-2025), naval patrols (2021-2025), Aerospace Security and the 2025 anti-missile "
    "exercise. Zapad-2025 is out: China's military attaché was among its observers.",
    "- **Citations replaced** (27 rows): aggregators, RT, Wikipedia or pages not in the store "
    "gave way to official or wire pages, e.g. `security-belt-2019` (Wikipedia to China "
    "Military Online), `joint-air-patrol-2019` (RT to ECNS/Xinhua), `peace-mission-2013` (RT "
    "to CRI), `vostok-2018`, `peace-mission-2018`, `joint-naval-patrol-2023` (OODA Loop to "
    "China Military Online), `anti-missile-exercise-2025` and `joint-submarine-patrol-2025`.",
    "- **Dates, locations, names and domains set to the cited page** (dates on 14 rows, "
    "domains on 19): e.g. `joint-air-patrol-2024-07` is 25 July (Beijing's date; NORAD "
    "reported 24 July), `zapad-interaction-2021` gains 9-13 August; a date a page gives as a "
    "weekday ('on Saturday') is read against the page's own dateline. Domains follow the page: "
    "air added where it names aircraft (e.g. `joint-sea-2017-baltic`, `joint-sea-2021`), and "
    "dropped where the new page does not name them (`vostok-2018`, `tsentr-2019`, "
    "`zapad-interaction-2021`, `peace-mission-2014`, `-2016`, `joint-sea-2012`).",
    "- **Events.** The Su-27 row (1992) no longer says deliveries ended in 1999: the last batch "
    "(28 Su-27UBK ordered in 1999) was completed in 2002. The S-400 first-buyer row is dated 13 "
    "April 2015 and cites the contemporaneous report of the Kommersant interview instead of a "
    "November 2015 article. The Vostok-2018, 2019 air patrol, 'no limits' and SWIFT rows are "
    "re-cited (RT, a Xinhua repost and pages not in the store replaced).",
    "",
    "Still weakly sourced (the best page found in the store is not an official or wire "
    "original): exercises `joint-air-patrol-2022-05` (a Belarusian state daily, no date), "
    "`joint-air-patrol-2023-12` and `joint-naval-patrol-2024-09` (Sputnik), `security-belt-2024` "
    "(an aggregator quoting China's defence ministry), `security-bond-2023` (ANSA), "
    "`security-belt-2022` (Reuters via Deccan Herald), `joint-naval-patrol-2024-07` (Xinhua via "
    "the Ghana News Agency), `joint-submarine-patrol-2025` (Jiji Press relaying TASS), "
    "`ocean-2024` (Bloomberg relaying Russia's defence ministry), "
    "`northern-interaction-2024` (the official page gives no dates); participants are a lower "
    "bound on `kavkaz-2020`, `vostok-2022` and `security-bond-2023` ('and other countries'). "
    "Events: 1992 Su-27 (a Vietnamese army newspaper), 2015 Su-35 contract (Sputnik), 2016 "
    "Su-35 arrival (TASS via Defense-Aerospace.com), 2022 'no limits' (Straits Times), 2022 "
    "SWIFT (NetIndian), 2025 Victory Day (Fox News), 2025 Beijing parade (Kyiv Independent); "
    "the 2002 Military Times and 2021 RAND pages were not in the store and are kept as cited.",
]
