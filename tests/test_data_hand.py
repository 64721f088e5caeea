"""The hand-curated tables: rules on small made-up CSVs, the committed tables, and curation.

The made-up rows below are test inputs, not facts: their URLs point at example.org.
"""

from __future__ import annotations

import csv
import io
import json
import shutil

import pandas as pd
import pytest

from analysis.compute import exercises as scoring
from analysis.data import curate as cur
from analysis.data import hand
from analysis.data import validate as val
from analysis.errors import BriefError
from tests.conftest import RAW_DIR, ROOT

CITE = {
    "citation_publisher": "Example News",
    "citation_title": "Example headline",
    "citation_url": "https://example.org/a/1",
    "citation_date": "2012-04-22",
}
EXERCISE = {
    "exercise_id": "joint-sea-2012",
    "name": "Joint Sea-2012",
    "year": "2012",
    "start_date": "2012-04-22",
    "end_date": "2012-04-27",
    "location": "Yellow Sea off Qingdao",
    "host_iso3": "CHN",
    "domains": "sea;air",
    "participants": "CHN;RUS",
    "format": "bilateral",
    "troops_total": "",
    "troops_total_qualifier": "",
    "troops_china": "",
    "troops_china_qualifier": "",
    **CITE,
    "notes": "checked 2026-12-05: matches the cited page",
}
EVENT = {
    "date": "2001-07-16",
    "year": "2001",
    "category": "treaty",
    "event": "Treaty of Good-Neighbourliness signed",
    **CITE,
}
KNOWN = {"CHN", "RUS", "KAZ", "USA"}


def csv_text(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(csv_text(rows, columns)), dtype="str", keep_default_na=False)


def exercises(**change) -> pd.DataFrame:
    second = {**EXERCISE, "exercise_id": "peace-mission-2005", "name": "Peace Mission 2005"}
    second.update(year="2005", start_date="", end_date="", format="bilateral")
    second.update(troops_total="10000", troops_total_qualifier="about", troops_china="8000")
    return frame([second, {**EXERCISE, **change}], hand.EXERCISE_COLUMNS)


def events(**change) -> pd.DataFrame:
    return frame([EVENT, {**EVENT, "event": "Second event", **change}], hand.EVENT_COLUMNS)


def test_valid_tables_pass_and_type_their_integer_columns():
    hand.validate("exercises", exercises(), KNOWN, "data/exercises.csv")
    hand.validate("events", events(date="2001-07", citation_date="n.d."), KNOWN, "data/events.csv")
    t = hand.typed("exercises", exercises())
    assert str(t["year"].dtype) == "Int64" and t["year"].tolist() == [2005, 2012]
    assert t["troops_total"].iloc[0] == 10000 and pd.isna(t["troops_total"].iloc[1])
    assert str(t["troops_china"].dtype) == "Int64" and t["troops_china"].iloc[0] == 8000
    assert t["troops_total_qualifier"].tolist() == ["about", ""]


@pytest.mark.parametrize("qualifier", [q for q in hand.QUALIFIERS if q])
def test_every_allowed_qualifier_passes_beside_a_number(qualifier):
    ok = exercises(troops_total="3000", troops_total_qualifier=qualifier)
    hand.validate("exercises", ok, KNOWN, "data/exercises.csv")
    ok = exercises(troops_china="700", troops_china_qualifier=qualifier)
    hand.validate("exercises", ok, KNOWN, "data/exercises.csv")


def test_chinas_contingent_alone_or_equal_to_the_total_passes():
    # a page may state only China's contingent, or a total that is all Chinese
    hand.validate("exercises", exercises(troops_china="1300"), KNOWN, "data/exercises.csv")
    both = exercises(troops_total="1300", troops_china="1300")
    hand.validate("exercises", both, KNOWN, "data/exercises.csv")


BAD_EXERCISES = [
    ({"year": "twenty"}, "year", "an integer in [1990, 2100]"),
    ({"year": "1850"}, "year", "an integer in [1990, 2100]"),
    ({"troops_total": "-5"}, "troops_total", "or blank"),
    ({"troops_total": "about 3000"}, "troops_total", "or blank"),
    ({"troops_total": "10,000"}, "troops_total", "or blank"),
    ({"troops_total": "2000000"}, "troops_total", "an integer in [1, 1000000]"),
    ({"troops_china": "0"}, "troops_china", "or blank"),
    ({"troops_china": "3200.0"}, "troops_china", "or blank"),
    (
        {"troops_total": "3000", "troops_total_qualifier": "approximately"},
        "troops_total_qualifier",
        "one of '', 'about', 'nearly', 'more than', 'up to'",
    ),
    (
        {"troops_china": "700", "troops_china_qualifier": "About"},
        "troops_china_qualifier",
        "one of '', 'about'",
    ),
    (
        {"troops_total_qualifier": "nearly"},
        "troops_total_qualifier",
        "'' while troops_total is blank (a qualifier needs a number)",
    ),
    (
        {"troops_total": "3000", "troops_china_qualifier": "more than"},
        "troops_china_qualifier",
        "'' while troops_china is blank",
    ),
    ({"troops_total": "1500", "troops_china": "3200"}, "troops_china", "at most troops_total 1500"),
    ({"participants": "RUS;CHN"}, "participants", "each code once, in alphabetical order"),
    ({"participants": "CHN;KAZ;KAZ;RUS"}, "participants", "each code once"),
    ({"exercise_id": "Joint Sea 2012"}, "exercise_id", "lower-case slug"),
    ({"location": ""}, "location", "a value in every row"),
    ({"start_date": "22/04/2012"}, "start_date", "YYYY-MM-DD"),
    ({"start_date": "2012-02-30"}, "start_date", "YYYY-MM-DD"),
    ({"start_date": "2013-04-22"}, "start_date", "in the row's year 2012"),
    ({"end_date": "2012-04-01"}, "end_date", "on or after start_date 2012-04-22"),
    ({"domains": "sea;cyber"}, "domains", "land|air|sea"),
    ({"domains": ""}, "domains", "';'-separated values"),
    ({"format": "joint"}, "format", "one of bilateral|sco|multilateral|russian_strategic"),
    ({"participants": "CHN;RUS;XXX"}, "participants", "ISO3 codes in data/countries.csv"),
    ({"participants": "CHN;KAZ"}, "participants", "including CHN and RUS"),
    ({"citation_publisher": " "}, "citation_publisher", "publisher of the cited page"),
    ({"citation_title": ""}, "citation_title", "title of the cited page"),
    ({"citation_url": "example.org/a"}, "citation_url", "http(s)://"),
    ({"citation_url": ""}, "citation_url", "http(s)://"),
    ({"citation_date": "last year"}, "citation_date", "YYYY-MM-DD, YYYY-MM or 'n.d.'"),
    ({"citation_date": ""}, "citation_date", "YYYY-MM-DD, YYYY-MM or 'n.d.'"),
    ({"notes": ""}, "notes", "the audit's note ('checked YYYY-MM-DD: ...'"),
    ({"notes": "  "}, "notes", "or what changed and why"),
]


BAD_EVENTS = [
    ({"date": "2001-13"}, "date", "YYYY-MM-DD, YYYY-MM or blank"),
    ({"date": "2002-07-16"}, "date", "in the row's year 2001"),
    ({"category": "war"}, "category", "one of treaty|agreement|arms"),
    ({"event": ""}, "event", "a one-sentence description"),
    ({"citation_url": "ftp://example.org"}, "citation_url", "http(s)://"),
]
BAD_ROWS = [("exercises", *case) for case in BAD_EXERCISES] + [
    ("events", *case) for case in BAD_EVENTS
]
ROWS = {"exercises": exercises, "events": events}  # two rows, the second changed by ``change``


@pytest.mark.parametrize(("table", "change", "column", "expected"), BAD_ROWS)
def test_each_bad_row_is_one_line_naming_file_line_and_column(table, change, column, expected):
    with pytest.raises(BriefError) as e:
        hand.validate(table, ROWS[table](**change), KNOWN, f"data/{table}.csv")
    msg = str(e.value)
    assert msg.startswith(f"data/{table}.csv: line 3, column {column!r}: found "), msg
    assert expected in msg and "\n" not in msg


def test_columns_must_be_exactly_the_contracts():
    df = exercises().drop(columns=["notes"])
    with pytest.raises(BriefError, match=r"columns \(missing \['notes'\]\)"):
        hand.validate("exercises", df, KNOWN, "data/exercises.csv")
    df = exercises().drop(columns=["troops_china_qualifier"])
    with pytest.raises(BriefError, match=r"columns \(missing \['troops_china_qualifier'\]\)"):
        hand.validate("exercises", df, KNOWN, "data/exercises.csv")
    df = exercises().rename(columns={"troops_total": "troops"})
    with pytest.raises(BriefError, match=r"columns \(missing \['troops_total'\]\)"):
        hand.validate("exercises", df, KNOWN, "data/exercises.csv")
    df = events().assign(note="x")
    with pytest.raises(BriefError, match=r"columns \(extra \['note'\]\); expected exactly"):
        hand.validate("events", df, KNOWN, "data/events.csv")


def test_generic_checks_apply_too_duplicate_key_and_unknown_host():
    countries = pd.read_csv(ROOT / "data" / "countries.csv", keep_default_na=False)
    dup = exercises(exercise_id="peace-mission-2005")
    with pytest.raises(BriefError, match=r"line 3: duplicate key \{'exercise_id'"):
        val.validate_table("exercises", dup, countries, "data/exercises.csv")
    with pytest.raises(BriefError, match=r"line 3, column 'host_iso3': found 'XXX'"):
        val.validate_table("exercises", exercises(host_iso3="XXX"), countries, "data/ex.csv")
    twice = frame([EVENT, EVENT], hand.EVENT_COLUMNS)
    with pytest.raises(BriefError, match=r"data/events.csv: line 3: duplicate key"):
        val.validate_table("events", twice, countries, "data/events.csv")


def test_typed_tables_validate_like_the_strings_the_loader_reads():
    hand.validate("exercises", hand.typed("exercises", exercises()), KNOWN, "x")


def test_the_analysis_reads_the_curated_columns_and_scores_the_allowed_domains():
    assert scoring.DOMAINS is hand.DOMAINS
    assert tuple(hand.EXERCISE_COLUMNS[:14]) == scoring.EXERCISE_COLUMNS
    assert scoring.EXERCISE_COLUMNS[10:] == (
        "troops_total", "troops_total_qualifier", "troops_china", "troops_china_qualifier",
    )  # fmt: skip
    assert scoring.EVENT_COLUMNS == ("date", "year", "category", "event")


# --- the committed tables -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["exercises", "events"])
def test_committed_table_is_valid_cited_and_described(name):
    from analysis.data import load

    path = ROOT / "data" / f"{name}.csv"
    assert path.is_file(), f"data/{name}.csv is committed"
    df = load.load_table(name)  # validates (columns, codes, citations, allowed values)
    assert len(df) >= 10
    assert df["citation_url"].str.match(r"^https?://").all()
    pkg = json.loads((ROOT / "data" / "datapackage.json").read_text("utf-8"))
    res = next(r for r in pkg["resources"] if r["path"] == f"{name}.csv")
    assert res["hash"] == "sha256:" + cur.sha256_file(path)
    assert {f["name"]: f["type"] for f in res["schema"]["fields"]}["year"] == "integer"
    src = next(s for s in pkg["provenance"]["sources"] if s["id"] == "hand")
    assert f"data/{name}.csv" in {f["path"] for f in src["files"]}
    assert "raw_files" not in src  # brief data check looks for raw files in the raw folder


def test_committed_exercises_keep_the_reviewed_troop_figures_apart():
    """The review's findings stay fixed: host total and China's contingent are separate fields,
    qualifiers are kept, one row per event, and the paramilitary series is out in every year."""
    from analysis.data import load

    ex = load.load_table("exercises").set_index("exercise_id")
    vostok = ex.loc["vostok-2018"]
    assert vostok["troops_total"] == 300000 and vostok["troops_total_qualifier"] == "nearly"
    assert vostok["troops_china"] == 3000 and vostok["troops_china_qualifier"] == "more than"
    assert ex.loc["peace-mission-2005", "troops_total_qualifier"] != ""
    assert "MNG" in ex.loc["vostok-2018", "participants"].split(";")
    assert not ex.index.str.startswith("cooperation-").any()
    # one row per event as announced: China's part in Russia's Ocean-2024 and the
    # Northern/Interaction-2024 exercise China hosted are two rows (issue 25)
    assert {"ocean-2024", "northern-interaction-2024"} <= set(ex.index)
    assert ex.loc["ocean-2024", "format"] == "russian_strategic"
    assert "Ocean" not in ex.loc["northern-interaction-2024", "name"]
    qual = ex[["troops_total_qualifier", "troops_china_qualifier"]].ne("")
    nums = ex[["troops_total", "troops_china"]].notna()
    assert not (qual.to_numpy() & ~nums.to_numpy()).any()


def test_committed_exercises_say_what_the_audit_found_on_every_row():
    from analysis.data import load

    ex = load.load_table("exercises").set_index("exercise_id")
    assert ex["notes"].str.match(r"^(checked|added) \d{4}-\d{2}-\d{2}").all()
    # a changed field says what it was and why; a row whose page was not in the store says so
    assert "-> blank" in ex.loc["joint-sea-2017-baltic", "notes"]
    assert "not in the store" in ex.loc["joint-sea-2017-baltic", "notes"]
    assert ex.loc["joint-sea-2017-baltic", "end_date"] == ""


def test_committed_exercises_cover_the_claims_landmarks():
    from analysis.data import load

    ex = load.load_table("exercises")
    assert (
        ex["participants"].str.contains("CHN").all()
        and ex["participants"].str.contains("RUS").all()
    )
    # the claim's facts the brief tests: the 2003 SCO exercise, Peace Mission 2005, August 2021
    assert (ex["year"] == 2005).any() and (ex["year"] == 2021).any()
    assert ex["year"].min() <= 2005 and ex["year"].max() >= 2023


# --- curation ---------------------------------------------------------------------------------


def test_curate_keeps_hand_files_byte_for_byte_and_records_their_source(tmp_path):
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")
    from tests.test_data_core import make_root

    root = make_root(tmp_path / "proj")
    data = root / "data"
    data.mkdir(exist_ok=True)
    text = csv_text([EXERCISE], hand.EXERCISE_COLUMNS)
    (data / "exercises.csv").write_text(text, encoding="utf-8")
    cur.curate(RAW_DIR, ["voeten"], data_dir=data, echo=lambda *_: None)
    assert (data / "exercises.csv").read_text(encoding="utf-8") == text
    pkg = json.loads((data / "datapackage.json").read_text("utf-8"))
    src = {s["id"]: s for s in pkg["provenance"]["sources"]}["hand"]
    assert src["files"] == [
        {
            "path": "data/exercises.csv",
            "bytes": len(text.encode()),
            "sha256": cur.sha256_file(data / "exercises.csv"),
        }
    ]
    assert "## Hand-curated tables" in (data / "README.md").read_text("utf-8")
    shutil.rmtree(root)
