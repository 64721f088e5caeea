"""The Verdict model and the rule combining a claim's tested parts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from analysis.verdicts import VERDICTS, Verdict, combine


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([True, True], "supported"),
        ([True, None], "supported"),
        ([False, False], "not supported"),
        ([True, False], "partly supported"),
        ([None, None], "not testable"),
        ([], "not testable"),
    ],
)
def test_combine(parts, expected):
    assert combine(parts) == expected
    assert expected in VERDICTS


def test_to_dict_matches_contract():
    v = Verdict(
        claim="C1",
        title="t",
        verdict="supported",
        summary="One  sentence\n here.",
        evidence={"ratio": 0.5},
        charts=["c1-ratio"],
    )
    d = v.to_dict()
    assert set(d) == {"title", "verdict", "summary", "evidence", "assumptions", "charts", "tables"}
    assert d["summary"] == "One sentence here."


def test_rejects_unknown_verdict_and_bad_id():
    with pytest.raises(ValidationError):
        Verdict(claim="C1", title="t", verdict="true", summary="s")
    with pytest.raises(ValidationError):
        Verdict(claim="claim1", title="t", verdict="supported", summary="s")
