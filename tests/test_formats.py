"""The one rule for writing a share as a percentage (analysis/formats.py), at its edges."""

from __future__ import annotations

import pytest

from analysis.formats import percent


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.0, "0%"),
        (1e-9, "<1%"),
        (0.004, "<1%"),
        (0.005, "<1%"),  # round-half-even would print 0 %: a real chance is never 0 %
        (0.0051, "1%"),
        (0.007, "1%"),
        (0.35, "35%"),
        (0.994, "99%"),
        (0.995, ">99%"),  # would print 100 %
        (0.9999, ">99%"),
        (1.0, "100%"),
        (1.2, "120%"),
        (None, "not available"),
    ],
)
def test_a_share_is_a_whole_percentage_never_a_false_zero_or_hundred(value, shown):
    assert percent(value) == shown


def test_a_label_in_a_sentence_keeps_an_acronym_and_lowers_a_word():
    from analysis.formats import phrase

    assert phrase("Military expenditure") == "military expenditure"
    assert phrase("GDP at market exchange rates") == "GDP at market exchange rates"
    assert phrase("") == ""
