"""The multiverse: the specification space, the shares, the influential choice, and the brief's
own specification against its notebook's verdict."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.compute import multiverse as mv
from analysis.compute.claims import MODULES, c5
from analysis.params import BriefParams
from analysis.results import Results
from tests.conftest import BRIEFS


def test_the_space_is_every_combination_in_order():
    new, old = "size, length and format", "2025 count index (old)"
    specs = mv.space(c5.Choices(complexity=[new, old], troop_threshold=[5000, 10000],
                                first_year=[2003]))  # fmt: skip
    assert specs == [
        {"complexity": new, "troop_threshold": 5000, "first_year": 2003},
        {"complexity": new, "troop_threshold": 10000, "first_year": 2003},
        {"complexity": old, "troop_threshold": 5000, "first_year": 2003},
        {"complexity": old, "troop_threshold": 10000, "first_year": 2003},
    ]
    assert len(mv.space(BriefParams().multiverse.c1)) >= 1000  # the floor for C1


def _table(verdicts: dict[tuple[str, str], str]) -> pd.DataFrame:
    rows = [
        {"claim": "C9", "spec": n, "choice_a": a, "choice_b": b, "estimate": float(n),
         "verdict": v, "own": (a, b) == ("a1", "b1")}
        for n, ((a, b), v) in enumerate(sorted(verdicts.items()), start=1)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _grid(a1b1: str, a1b2: str, a2b1: str, a2b2: str) -> pd.DataFrame:
    """The table of the full 2 x 2 space (choice a in a1, a2; b in b1, b2), one verdict each."""
    cells = itertools.product(["a1", "a2"], ["b1", "b2"])
    return _table(dict(zip(cells, [a1b1, a1b2, a2b1, a2b2], strict=True)))


def test_the_influential_choice_is_the_one_whose_change_turns_the_verdict():
    # changing a always turns it; changing b never does
    t = _grid("supported", "supported", "not supported", "not supported")
    choice, share, value, verdict = mv.influence(t, "supported")
    assert (choice, share, value, verdict) == ("a", 1.0, "a2", "not supported")


def test_half_the_changes_turning_it_and_none_turning_it():
    t = _grid("supported", "supported", "supported", "partly supported")
    choice, share, _, _ = mv.influence(t, "supported")
    assert share == pytest.approx(0.5) and choice in ("a", "b")
    same = _table({("a1", "b1"): "supported", ("a2", "b2"): "supported"})
    assert mv.influence(same, "supported") is None


def test_the_curve_is_sorted_thinned_and_keeps_the_brief_own():
    t = _table({(f"a{i}", "b1"): "supported" for i in range(50)})
    t["estimate"] = [float((i * 7) % 50) for i in range(50)]
    t.loc[3, "estimate"] = None
    c = mv.curve(t, limit=10)
    assert c["own"].any() and len(c) <= 11
    assert c["rank"].is_monotonic_increasing
    est = c["estimate"].dropna()
    assert est.is_monotonic_increasing and pd.isna(mv.curve(t, limit=50)["estimate"].iloc[-1])


@pytest.mark.slow
@pytest.mark.parametrize("brief", BRIEFS)
def test_the_brief_own_specification_gets_the_notebook_verdict(built: Path, brief: str):
    res = Results.model_validate(
        json.loads((built / "_build" / brief / "results.json").read_text())
    )
    assert set(res.robustness) == {cid for cid, m in MODULES.items() if hasattr(m, "Choices")}
    for cid, r in res.robustness.items():
        assert r.verdict == res.claims[cid].verdict, (brief, cid)
        assert sum(r.shares.values()) == pytest.approx(1.0)
        assert r.shares.get(r.verdict, 0) == pytest.approx(r.holds)
    assert res.robustness["C1"].specifications >= 1000
    table = pd.read_csv(built / "_build" / brief / "tables" / "multiverse.csv")
    assert len(table) == sum(r.specifications for r in res.robustness.values())
    own = table[table["own"]]
    assert sorted(own["claim"]) == sorted(res.robustness)  # the brief's own choices are in it
    for _, row in own.iterrows():
        assert row["verdict"] == res.claims[row["claim"]].verdict


def test_each_strip_of_a_specification_curve_lists_its_values_in_the_briefs_order():
    from analysis.compute.charts import multiverse as charts

    choices = BriefParams().multiverse.c1
    values = mv.values_in_words("C1", choices)
    assert values["growth_window"] == ["5", "10", "15"]  # not the text order 10, 15, 5
    assert values["measure"][0] == MODULES["C1"].VALUE_WORDS["measure"]["gdp_mer"]  # in words
    specs = mv.space(choices)[:40]
    rows = pd.DataFrame(
        [{"claim": "C1", "spec": n, **{f"choice_{k}": str(v) for k, v in s.items()},
          "estimate": float(n), "verdict": "supported", "own": n == 1}
         for n, s in enumerate(specs, start=1)]
    )  # fmt: skip
    chart = charts.spec_curve(
        mv.in_words(mv.curve(rows), "C1"),
        estimate=MODULES["C1"].ESTIMATE,
        labels=mv.labels(choices),
        values=values,
        total=len(rows),
        source="test",
    ).to_dict()
    plots = chart["vconcat"][0]["vconcat"]  # the curve, then one strip per choice
    strips = {c["encoding"]["y"]["title"]: c["encoding"]["y"]["sort"] for c in plots[1:]}
    assert strips["the growth window"] == ["5", "10", "15"]
    assert strips["the horizon"] == ["2027", "2030", "2035", "2040"]
