"""UN roll-call agreement: definition on a hand-checked example, mapping rules; raw spot checks."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.data.sources import unvotes
from analysis.errors import BriefError
from tests.conftest import RAW_DIR

RULES = unvotes.read_alias_rules()

CALLS = pd.DataFrame(
    {
        "rcid": [1, 2, 3, 4],
        "date": [
            dt.date(1991, 12, 1),
            dt.date(1992, 3, 1),
            dt.date(1992, 5, 1),
            dt.date(1963, 1, 1),
        ],
    }
)
VOTES = pd.DataFrame(
    [
        (1, "United States", "no"),
        (1, "Russia", "yes"),  # the Soviet Union in 1991
        (1, "China", "yes"),
        (2, "United States", "yes"),
        (2, "Russia", "yes"),
        (2, "China", "abstain"),
        (2, "France", "yes"),
        (3, "United States", "abstain"),
        (3, "China", "abstain"),  # Russia absent: not recorded, not counted
        (3, "France", "no"),
        (4, "Zanzibar", "yes"),
        (4, "United States", "yes"),
    ],
    columns=["rcid", "country", "vote"],
)


def result(votes=VOTES, calls=CALLS) -> pd.DataFrame:
    return unvotes.agreement(unvotes.tidy_votes(votes, calls, RULES))


def test_agreement_definition_hand_checked():
    out = result()
    got = {(a, b, y): (s, n) for a, b, y, s, n in out.itertuples(index=False)}
    assert got == {
        ("CHN", "SUN", 1991): (1.0, 1),
        ("CHN", "USA", 1991): (0.0, 1),
        ("SUN", "USA", 1991): (0.0, 1),
        ("CHN", "FRA", 1992): (0.0, 2),
        ("CHN", "RUS", 1992): (0.0, 1),  # rcid 3: Russia absent, so 1 roll call, not 2
        ("CHN", "USA", 1992): (0.5, 2),
        ("FRA", "RUS", 1992): (1.0, 1),
        ("FRA", "USA", 1992): (0.5, 2),
        ("RUS", "USA", 1992): (1.0, 1),
    }  # no Zanzibar row, no FRA dyad in 1991, and each dyad once (a < b)
    assert list(out.columns) == unvotes.COLUMNS
    assert out.equals(out.sort_values(["iso3_a", "iso3_b", "year"]).reset_index(drop=True))


def test_yugoslavia_split_by_year():
    calls = pd.DataFrame({"rcid": [1, 2, 3], "date": ["1990-01-01", "2000-01-01", "2010-01-01"]})
    votes = pd.DataFrame(
        {"rcid": [1, 2, 3], "country": ["Yugoslavia"] * 3, "vote": ["yes", "no", "yes"]}
    )
    assert list(unvotes.tidy_votes(votes, calls, RULES).iso3) == ["YUG", "SCG", "SRB"]


def test_unknown_country_is_one_error():
    votes = pd.concat([VOTES, pd.DataFrame([(1, "Atlantis", "yes")], columns=VOTES.columns)])
    with pytest.raises(BriefError, match=r"country 'Atlantis' \(1991\) is not in aliases"):
        result(votes)


def test_unknown_vote_is_one_error():
    votes = VOTES.replace({"vote": {"abstain": "present"}})
    with pytest.raises(BriefError, match=r"vote 'present'; expected one of"):
        result(votes)


def test_roll_call_without_date_is_one_error():
    with pytest.raises(BriefError, match=r"rcid 4 not in unvotes/un_roll_calls.rda"):
        result(calls=CALLS[CALLS.rcid < 4])


def test_two_names_one_code_same_roll_call_is_an_error():
    votes = pd.DataFrame(
        [(2, "Germany", "yes"), (2, "Federal Republic of Germany", "no")],
        columns=["rcid", "country", "vote"],
    )
    with pytest.raises(BriefError, match=r"rcid 2: .* both map to DEU"):
        unvotes.tidy_votes(votes, CALLS, RULES)


def test_missing_column_is_one_error():
    with pytest.raises(BriefError, match=r"missing column\(s\) \['vote'\]"):
        result(VOTES.drop(columns="vote"))


def test_unreadable_rda_is_one_error(tmp_path):
    path = tmp_path / "x.rda"
    path.write_bytes(b"not R data")
    with pytest.raises(BriefError, match=r"x\.rda: cannot read R data file"):
        unvotes.read_rda(path)


def test_raw_agreement_spot_checks():
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")
    out = unvotes.curate(RAW_DIR, None)["un_agreement"]
    assert not out.duplicated(["iso3_a", "iso3_b", "year"]).any()
    assert (out.iso3_a < out.iso3_b).all()
    assert (out.year.min(), out.year.max()) == (1946, 2019)
    assert out.agreement.between(0, 1).all() and (out.n_votes > 0).all()
    assert (out.iso3_a.isin(unvotes.FOCAL) | out.iso3_b.isin(unvotes.FOCAL)).all()
    s = out.set_index(["iso3_a", "iso3_b", "year"])
    assert s.loc[("CHN", "RUS", 2019), "agreement"] == pytest.approx(0.790698)
    assert s.loc[("CHN", "RUS", 2019), "n_votes"] == 86
    assert s.loc[("CHN", "USA", 2019), "agreement"] < 0.2
    assert ("CHN", "SUN", 1985) in s.index and ("CHN", "RUS", 1985) not in s.index
    assert ("CHN", "USA", 1970) not in s.index  # the PRC is seated from 1971
