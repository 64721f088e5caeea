"""spread_deliveries: hand-made deals with known answers, and a property test on totals."""

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.compute.arms import parse_delivery_years, spread_deliveries
from analysis.errors import BriefError
from tests.props import examples


def _register(rows):
    return pd.DataFrame(
        rows, columns=["supplier_iso3", "recipient_iso3", "delivery_years", "tiv_delivered"]
    )


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2004", [2004]),
        ("2004; 2006-2008", [2004, 2006, 2007, 2008]),
        ("(2004)", [2004]),
        ("(2004); 2005", [2004, 2005]),
        ("2001; 2001", [2001]),
        ("", []),
        (None, []),
        (float("nan"), []),
    ],
)
def test_parse_delivery_years(text, years):
    assert parse_delivery_years(text) == years


@pytest.mark.parametrize("text", ["soon", "2008-2004", "20x4"])
def test_parse_delivery_years_rejects_bad_tokens(text):
    with pytest.raises(BriefError, match="delivery_years"):
        parse_delivery_years(text)


def test_spread_even_over_years_and_summed_per_dyad():
    reg = _register(
        [
            ("RUS", "CHN", "2004; 2006-2008", 100.0),  # 25 in each of 4 years
            ("RUS", "CHN", "2006", 10.0),
            ("SUN", "CHN", "(1990)", 7.0),
            ("RUS", "IND", "", 50.0),  # delivered but no years -> unparsed
            ("RUS", "IND", "2010", None),  # nothing delivered -> nothing
        ]
    )
    spread, unparsed = spread_deliveries(reg)
    got = {(r.supplier_iso3, r.recipient_iso3, r.year): r.tiv for r in spread.itertuples()}
    assert got == {
        ("RUS", "CHN", 2004): 25.0,
        ("RUS", "CHN", 2006): 35.0,
        ("RUS", "CHN", 2007): 25.0,
        ("RUS", "CHN", 2008): 25.0,
        ("SUN", "CHN", 1990): 7.0,
    }
    assert list(unparsed["recipient_iso3"]) == ["IND"]
    assert unparsed["tiv_delivered"].tolist() == [50.0]


def test_empty_register_gives_empty_frames():
    spread, unparsed = spread_deliveries(_register([]))
    assert spread.empty and unparsed.empty
    assert list(spread.columns) == ["supplier_iso3", "recipient_iso3", "year", "tiv"]


def test_missing_column_and_negative_tiv_are_brief_errors():
    with pytest.raises(BriefError, match="missing columns"):
        spread_deliveries(pd.DataFrame({"supplier_iso3": ["RUS"]}))
    with pytest.raises(BriefError, match="row 0: tiv_delivered is negative"):
        spread_deliveries(_register([("RUS", "CHN", "2004", -1.0)]))


def test_non_state_party_keeps_empty_code():
    spread, _ = spread_deliveries(_register([("RUS", None, "2001", 3.0)]))
    assert spread.loc[0, "recipient_iso3"] == ""


deal = st.tuples(
    st.sampled_from(["RUS", "SUN", "USA"]),
    st.sampled_from(["CHN", "IND"]),
    st.integers(1950, 2020),
    st.integers(0, 6),
    st.floats(0.1, 1e4, allow_nan=False),
)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(deal, max_size=12))
def test_spread_preserves_total_and_stays_in_range(deals):
    rows = [(s, r, f"{y}-{y + k}" if k else str(y), t) for s, r, y, k, t in deals]
    spread, unparsed = spread_deliveries(_register(rows))
    assert unparsed.empty
    assert math.isclose(spread["tiv"].sum(), sum(d[4] for d in deals), rel_tol=1e-9, abs_tol=1e-9)
    if deals:
        assert spread["year"].min() >= min(d[2] for d in deals)
        assert spread["year"].max() <= max(d[2] + d[3] for d in deals)


def test_text_years_cached_read_only_and_unchanged_by_a_caller():
    from analysis.compute.arms import _text_years

    first = _text_years("2004; 2006-2008")
    assert first.tolist() == [2004, 2006, 2007, 2008]
    with pytest.raises(ValueError, match="read-only"):
        first[0] = 1999
    spread_deliveries(_register([("RUS", "CHN", "2004; 2006-2008", 8.0)]))
    assert _text_years("2004; 2006-2008").tolist() == [2004, 2006, 2007, 2008]


def test_a_second_spread_equals_the_first():
    reg = _register(
        [
            ("RUS", "CHN", "2004; 2006-2008", 100.0),
            ("SUN", None, "(1990)", 7.0),
            ("RUS", "IND", "", 50.0),
        ]
    )
    first, first_unparsed = spread_deliveries(reg)
    first.loc[0, "tiv"] = -1.0  # a caller's change does not reach the next call
    again, again_unparsed = spread_deliveries(reg)
    assert again.loc[0, "tiv"] == 25.0
    pd.testing.assert_frame_equal(first_unparsed, again_unparsed)


def _spread_deal_by_deal(register):
    """The spread computed one deal at a time, in the register's order (the reference)."""
    rows = []
    for s, r, text, t in register.itertuples(index=False):
        years = parse_delivery_years(text)
        if t and t > 0 and years:
            rows += [(s or "", r or "", y, t / len(years)) for y in years]
    out = pd.DataFrame(rows, columns=["supplier_iso3", "recipient_iso3", "year", "tiv"])
    if rows:
        out = out.groupby(["supplier_iso3", "recipient_iso3", "year"], as_index=False)["tiv"].sum()
    return out.sort_values(["supplier_iso3", "recipient_iso3", "year"]).reset_index(drop=True)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(deal, max_size=12))
def test_spread_equals_the_deal_by_deal_sum(deals):
    rows = [(s, r, f"{y}-{y + k}" if k % 3 else f"{y}; ({y + k})", t) for s, r, y, k, t in deals]
    spread, _ = spread_deliveries(_register(rows))
    expected = _spread_deal_by_deal(_register(rows))
    assert spread["tiv"].tolist() == expected["tiv"].tolist()  # the same floats, bit for bit
    assert spread[["supplier_iso3", "recipient_iso3", "year"]].values.tolist() == (
        expected[["supplier_iso3", "recipient_iso3", "year"]].values.tolist()
    )


def test_each_deals_years_are_gathered_from_its_texts_years_in_the_deals_order():
    """The deals' years one after another, gathered from each distinct text's years (read
    once): the same as reading each deal's text in turn, empty and missing texts included."""
    import numpy as np

    from analysis.compute.arms import _years_per_deal

    texts = pd.Series(
        ["2004; 2006-2008", None, "(2010)", "", "2004; 2006-2008", "2012-2013", None, "(2010)"],
        dtype=object,
    )
    years, counts = _years_per_deal(texts)
    per_deal = [parse_delivery_years(t) for t in texts]
    assert counts.tolist() == [len(y) for y in per_deal]
    assert years.tolist() == [y for deal in per_deal for y in deal]
    assert years.dtype == np.int64 and counts.dtype == np.int64
    none, zero = _years_per_deal(pd.Series([], dtype=object))
    assert none.tolist() == [] and zero.tolist() == []


def test_a_register_spread_once_is_not_spread_again_until_a_value_it_reads_changes(monkeypatch):
    """Every claim that reads the register spreads it, in both its runs, and a kernel runs
    several: a register equal in what the spread reads (its four columns and row labels) is
    spread once; a change to any of them, or to the labels, is spread anew."""
    from analysis.compute import arms

    made = []
    real = arms._spread
    monkeypatch.setattr(arms, "_spread", lambda reg: made.append(1) or real(reg))
    monkeypatch.setattr(arms, "_spreads", type(arms._spreads)())
    rows = [("RUS", "CHN", "2004; 2006-2008", 100.0), ("RUS", "IND", "", 50.0)]
    reg = _register(rows).assign(note=["a", "b"])
    first = spread_deliveries(reg)
    second = spread_deliveries(reg.copy().assign(note=["c", "d"]))  # a column it does not read
    assert len(made) == 1
    pd.testing.assert_frame_equal(first[0], second[0])
    assert second[1]["note"].tolist() == ["d"]  # the unparsed rows are the caller's own
    for changed in (
        _register([rows[0], ("RUS", "IND", "2001", 50.0)]),
        _register([("RUS", "CHN", "2004; 2006-2008", 101.0), rows[1]]),
        _register(rows).set_axis([5, 6]),
    ):
        spread, unparsed = spread_deliveries(changed)
        want, want_unparsed = real(changed)
        pd.testing.assert_frame_equal(spread, want)
        pd.testing.assert_frame_equal(unparsed, changed.loc[want_unparsed].reset_index(drop=True))
    assert len(made) == 4
