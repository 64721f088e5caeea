"""The exercise complexity index (issue 25): it measures scale by a stated rule.

The scale index (the brief's definition) adds one point per operational domain, up to three
for the stated troop total (a decade apart around the troop threshold, qualifiers respected),
up to two for the length in days and two for a Russian strategic exercise; a joint patrol
scores as a patrol. Each feature is tested on both sides of its edges; a figure the cited page
does not state is shown as missing, never scored as zero troops or zero days silently.
"""

from __future__ import annotations

from typing import get_args

import pandas as pd
import pytest

from analysis.compute import exercises as ex
from analysis.compute.claims import c5
from analysis.errors import BriefError


def row(**change) -> dict:
    base = {
        "exercise_id": "e",
        "name": "Exercise",
        "year": 2020,
        "start_date": "",
        "end_date": "",
        "host_iso3": "",
        "domains": "land",
        "format": "bilateral",
        "troops_total": None,
        "troops_total_qualifier": "",
        "troops_china": None,
        "troops_china_qualifier": "",
    }
    return {**base, **change}


def score(*rows: dict, definition: str = ex.DEFAULT_DEFINITION, **kw) -> pd.DataFrame:
    table = pd.DataFrame([{**r, "exercise_id": f"e{i}"} for i, r in enumerate(rows)])
    return ex.exercise_complexity(table, definition, **kw)


VOSTOK_2018 = row(
    name="Vostok-2018", year=2018, start_date="2018-09-11", end_date="2018-09-13",
    host_iso3="RUS", domains="land", format="russian_strategic", troops_total=300_000,
    troops_total_qualifier="nearly", troops_china=3_000, troops_china_qualifier="more than",
)  # fmt: skip
BOMBER_PATROL = row(
    name="First joint strategic air patrol", year=2019, start_date="2019-07-23",
    end_date="2019-07-23", domains="air;strategic_patrol",
)  # fmt: skip


def test_vostok_2018_scores_clearly_above_a_joint_bomber_patrol():
    new = score(VOSTOK_2018, BOMBER_PATROL)["complexity"].tolist()
    # Vostok: land 1 + size 3 (nearly 300,000 reaches 100,000) + 3 days 1 + strategic 2;
    # the patrol: air 1, one day, no total stated, no format points
    assert new == [7.0, 1.0]
    # the 2025 count index scored them alike, the flaw issue 25 names
    old = score(VOSTOK_2018, BOMBER_PATROL, definition=ex.COUNT_INDEX)["complexity"].tolist()
    assert old == [3.0, 3.0]


def test_on_the_committed_table_vostok_2018_is_above_every_joint_air_patrol():
    from analysis.data import load

    s = ex.exercise_complexity(load.load_table("exercises")).set_index("exercise_id")
    patrols = s[s["domains"].str.contains("strategic_patrol")]
    assert s.loc["vostok-2018", "complexity"] >= patrols["complexity"].max() + 4
    assert s.loc["vostok-2018", "complexity"] == 7.0
    assert (s.loc[s.index.str.startswith("joint-air-patrol"), "complexity"] == 1.0).all()


@pytest.mark.parametrize(
    ("troops", "qualifier", "points"),
    [
        (None, "", None),  # not stated: missing, not zero troops
        (999, "", 0),
        (1_000, "", 1),
        (1_000, "nearly", 0),
        (1_000, "about", 1),
        (9_999, "more than", 1),
        (10_000, "up to", 1),
        (10_000, "", 2),
        (99_999, "", 2),
        (100_000, "nearly", 2),
        (100_000, "more than", 3),
        (300_000, "nearly", 3),
        (1_000_000, "", 3),
    ],
)
def test_size_is_a_point_per_decade_reached_with_its_qualifier(troops, qualifier, points):
    assert ex.size_points(troops, qualifier) == points


@pytest.mark.parametrize(("troops", "points"), [(499, 0), (500, 1), (5_000, 2), (50_000, 3)])
def test_the_size_bands_move_with_the_troop_threshold(troops, points):
    assert ex.size_points(troops, "", 5_000) == points
    assert "500, 5,000 and 50,000 troops" in ex.describe(ex.SCALE_INDEX, 5_000)


@pytest.mark.parametrize(
    ("start", "end", "days", "points"),
    [
        ("2020-01-01", "2020-01-01", 1, 0),  # a one-day patrol
        ("2020-01-01", "2020-01-02", 2, 0),
        ("2020-01-01", "2020-01-03", 3, 1),
        ("2020-01-01", "2020-01-06", 6, 1),
        ("2020-01-01", "2020-01-07", 7, 2),
        ("2020-12-28", "2021-01-10", 14, 2),  # across a year's end
        ("2020-01-01", "", None, None),  # an end date not stated: unknown, not zero days
        ("", "2020-01-07", None, None),
    ],
)
def test_length_is_days_inclusive_with_points_at_3_and_7(start, end, days, points):
    assert ex.length_days(start, end) == days
    assert ex.length_points(ex.length_days(start, end)) == points
    got = score(row(start_date=start, end_date=end))["length_days"].iloc[0]
    assert pd.isna(got) if days is None else got == days


def test_dates_that_cannot_be_a_length_are_one_error_naming_the_exercise():
    with pytest.raises(BriefError, match=r"exercises row e0: end_date 2020-01-01 before"):
        score(row(start_date="2020-01-05", end_date="2020-01-01"))
    with pytest.raises(BriefError, match=r"exercises row e0: dates '2020-02-30'"):
        score(row(start_date="2020-02-30", end_date="2020-03-01"))


def test_a_strategic_format_scores_two_and_a_joint_patrol_scores_as_a_patrol():
    tactical, strategic = row(), row(format="russian_strategic")
    assert score(tactical, strategic)["complexity"].tolist() == [1.0, 3.0]
    for fmt in ("bilateral", "sco", "multilateral"):
        assert score(row(format=fmt))["complexity"].iloc[0] == 1.0
    # the patrol marker adds nothing to the scale index; the count index gave it a point
    plain, patrol = row(domains="sea"), row(domains="sea;strategic_patrol")
    assert score(plain, patrol)["complexity"].tolist() == [1.0, 1.0]
    assert score(plain, patrol, definition=ex.COUNT_INDEX)["complexity"].tolist() == [2.0, 3.0]


def test_a_total_or_dates_not_stated_are_shown_missing_and_scored_on_the_rest():
    unstated, tiny = row(), row(troops_total=500)
    s = score(unstated, tiny)
    # both score 1 (land), but the one whose page states nothing says so
    assert s["complexity"].tolist() == [1.0, 1.0]
    assert pd.isna(s["size_points"].iloc[0]) and s["size_points"].iloc[1] == 0
    assert s["unstated"].tolist() == ["troops; dates", "dates"]
    assert ex.unstated_counts(s) == {"troops": 1, "dates": 2}
    # a definition that does not use size does not list it as unstated
    s = score(unstated, definition=ex.NO_SIZES)
    assert s["unstated"].tolist() == ["dates"]


def test_without_sizes_every_exercise_is_scored_on_its_other_features():
    s = score(VOSTOK_2018, BOMBER_PATROL, definition=ex.NO_SIZES)
    assert s["complexity"].tolist() == [4.0, 1.0]


def test_the_definitions_are_c5s_choices_in_words_with_the_old_one_kept():
    names = list(ex.COMPLEXITY_DEFINITIONS)
    assert set(get_args(c5.Definition)) == set(names)
    assert c5.Rules().complexity == ex.DEFAULT_DEFINITION == "size, length and format"
    assert c5.Choices().complexity == names  # the multiverse tries every one
    assert "2025 count index (old)" in names
    # shown in tables and in the specification curve's strips: words, short
    assert all("_" not in n and n == n.strip() and len(n) <= 30 for n in names)
    for name in names:
        assert ex.describe(name).startswith(f"Complexity ({name}): ")
    with pytest.raises(BriefError, match="complexity definition 'brief'"):
        ex.describe("brief")


def test_c5_states_how_many_exercises_have_no_stated_total_or_dates():
    table = pd.DataFrame(
        [{**r, "exercise_id": f"e{i}"} for i, r in enumerate([VOSTOK_2018, BOMBER_PATROL])]
    )
    result = c5.assess(table, c5.Rules())
    evidence = {e.key: e.value for e in result.evidence}
    assert (evidence["exercises_without_troops"], evidence["exercises_without_dates"]) == (1, 0)
    assert "1 have no stated troop total and 0 lack a start or end date" in result.assumptions[0]
    assert "(size, length and format definition)" in result.parts[1].test


def test_c5_what_it_reads_of_the_scores_once_gives_each_specification_its_claim():
    table = pd.DataFrame(
        [{**r, "exercise_id": f"e{i}"} for i, r in enumerate([VOSTOK_2018, BOMBER_PATROL])]
    )
    scored = ex.exercise_complexity(table)
    read = c5.Scored.of(scored)
    for rules in (c5.Rules(), c5.Rules(first_year=2010, routine_window=5)):
        shared = c5.assess(table, rules, scored=scored, read=read)
        assert shared == c5.assess(table, rules)
    with pytest.raises(AttributeError):
        read.august_2021 = "changed"  # frozen: one specification cannot change another's


def test_the_scores_of_many_ways_at_once_are_each_way_scored_alone():
    """The multiverse scores every exercise under every definition and troop threshold at once
    (:func:`ex.complexity_scores`): each column is the ``complexity`` of
    :func:`ex.exercise_complexity` under its way, exercise for exercise, in its order."""
    from tests.claims_pinned import data

    table = data("C5")["exercises"]
    ways = [(d, t) for d in ex.COMPLEXITY_DEFINITIONS for t in (5_000, 10_000, 20_000)]
    scores = ex.complexity_scores(table, ways)
    for i, (definition, threshold) in enumerate(ways):
        alone = ex.exercise_complexity(table, definition, troop_threshold=threshold)
        assert scores["year"].tolist() == alone["year"].tolist()
        assert scores[i].tolist() == alone["complexity"].tolist()
    assert ex.complexity_scores(table.iloc[:0], ways[:2]).empty
    with pytest.raises(BriefError, match="complexity definition"):
        ex.complexity_scores(table, [("no such index", 10_000)])
