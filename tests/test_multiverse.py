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
from analysis.compute.claims.rules import Frozen, choice
from analysis.errors import BriefError
from analysis.params import BriefParams
from analysis.publish import verdicts
from analysis.results import DEPENDS, Results, load_results
from tests.conftest import BRIEFS


def multiverse_table(build: Path, **read: object) -> pd.DataFrame:
    """Every specification of every claim of a build: its multiverse runs' tables together."""
    files = sorted((build / "tables").glob("multiverse-*.csv"))
    assert files, build
    return pd.concat([pd.read_csv(f, **read) for f in files], ignore_index=True)


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


class Toy(Frozen):
    """A two-choice space for the tests (choice a in a1, a2; b in b1, b2)."""

    a: list[str] = choice(["a1", "a2"], title="the choice a")
    b: list[str] = choice(["b1", "b2"], title="the choice b")


def _influence(t: pd.DataFrame, own: str = "supported"):
    found = mv.choice_influence(t, "C9", Toy(), own)
    return {c.choice: c for c in found}, mv.turning(found)


def test_the_influential_choice_is_the_one_whose_values_move_the_verdict_most():
    # a2 always turns it; b never does
    t = _grid("supported", "supported", "not supported", "not supported")
    by, turning = _influence(t)
    assert turning is not None and turning.choice == "a" and turning.spread == 1.0
    a1, a2 = by["a"].values
    assert (a1.value, a1.holds, a1.verdict, a1.shares) == (
        "a1",
        1.0,
        "supported",
        {"supported": 1.0},
    )
    assert (a2.value, a2.holds, a2.verdict) == ("a2", 0.0, "not supported")
    assert by["b"].spread == 0.0 and [v.verdict for v in by["b"].values] == ["supported"] * 2


def test_the_verdict_most_often_given_is_counted_over_all_of_a_values_specifications():
    """ "With a2 the verdict is most often X" reads every specification with a2, not only those
    that differ from the brief's own verdict (the wrong sentence an earlier version wrote)."""
    t = _table({("a1", "b1"): "supported", ("a1", "b2"): "supported", ("a2", "b1"): "supported",
                ("a2", "b2"): "supported", ("a2", "b3"): "partly supported"})  # fmt: skip
    by, _ = _influence(t)
    assert by["a"].values[1].verdict == "supported"  # 2 of the 3 with a2 are still supported
    assert by["a"].values[1].holds == pytest.approx(2 / 3)


def test_a_tie_goes_to_the_first_verdict_and_no_choice_moving_it_is_none():
    t = _grid("supported", "supported", "supported", "partly supported")
    by, turning = _influence(t)
    assert turning is not None and turning.choice == "a"  # a tie of spreads: the first choice
    assert by["a"].spread == pytest.approx(0.5) == by["b"].spread
    tie = _table({("a1", "b1"): "not supported", ("a1", "b2"): "supported"})
    assert mv.most_often(tie["verdict"]) == "supported"
    _, none = _influence(_grid(*["supported"] * 4))
    assert none is None


@pytest.mark.parametrize(
    ("holds", "threshold", "published"),
    [(0.66, 0.66, "supported"), (0.659, 0.66, DEPENDS), (1.0, 1.0, "supported"),
     (0.0, 0.01, DEPENDS), (2 / 3, 2 / 3, "supported")],
)  # fmt: skip
def test_the_published_verdict_is_the_brief_own_only_at_or_above_the_threshold(
    holds, threshold, published
):
    assert mv.published("supported", holds, threshold) == published


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
    table = multiverse_table(built / "_build" / brief)
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


@pytest.mark.slow
@pytest.mark.parametrize("brief", BRIEFS)
def test_robustness_and_its_sentence_are_read_off_the_specification_table(built: Path, brief):
    """For every claim of every shipped brief: the spread of each choice, the verdict each value
    most often gives, the choice named as turning it and the published verdict, recomputed from
    the specification tables (``multiverse-<claim>.csv``) with plain pandas; and the sentence
    says what the table says."""
    res = load_results(built / "_build" / brief)
    table = multiverse_table(built / "_build" / brief, dtype=str)
    for cid, r in res.robustness.items():
        rows = table[table["claim"] == cid]
        held_by = {}
        for name, values in r.choices.items():
            if len(set(values)) < 2:
                continue
            col = f"choice_{name}"
            held = (rows["verdict"] == r.verdict).groupby(rows[col]).mean()
            held_by[name] = float(held.max() - held.min())
            mine = next(c for c in r.influence if c.choice == name)
            assert mine.spread == pytest.approx(held_by[name]), (brief, cid, name)
            for v in mine.values:
                given = rows.loc[rows[col] == v.value, "verdict"]
                assert v.specifications == len(given) and v.holds == pytest.approx(held[v.value])
                assert v.verdict in given.mode().tolist(), (brief, cid, name, v.value)
        best = max(held_by.values(), default=0.0)
        if best > 1e-12:
            assert r.influential is not None and held_by[r.influential.choice] == pytest.approx(
                best
            )
        else:
            assert r.influential is None
        assert r.published == (r.verdict if r.holds >= r.threshold - 1e-12 else DEPENDS)
        sentence = verdicts.robustness_sentence(res, cid)
        assert f"{100 * r.holds:.0f}%" in sentence and f"{r.specifications:,}" in sentence
        assert ("depends on the analyst's choices" in sentence) == (r.published == DEPENDS)
        i = r.influential
        if i is None or len({v.verdict for v in i.values}) < 2:
            continue
        segments = sentence.split(f"It turns most on {i.label}: ", 1)[1].rstrip(".").split("; ")
        for v in i.values:
            (segment,) = [s for s in segments if s.endswith(f"it is most often {v.verdict}")]
            assert (v.label or v.value) in segment, (brief, cid, v.value, segment)


def test_a_multiverse_goes_to_a_cluster_only_when_given_one_and_large_enough(monkeypatch):
    params = BriefParams()  # C1: 4,320 specifications; C2: 8
    monkeypatch.delenv("BRIEF_SCHEDULER", raising=False)
    monkeypatch.delenv("BRIEF_CLUSTER_SPECS", raising=False)
    with mv.executor_for(params, "C1") as executor:
        assert executor is None  # no cluster: this process
    monkeypatch.setenv("BRIEF_SCHEDULER", "tcp://127.0.0.1:9")  # never reached below
    with mv.executor_for(params, "C1") as executor:
        assert executor is None  # 4,320 < 10,000: not worth a connection
    monkeypatch.setenv("BRIEF_CLUSTER_SPECS", "5000")
    with mv.executor_for(params, "C2") as executor:
        assert executor is None
    monkeypatch.setenv("BRIEF_CLUSTER_SPECS", "ten")
    refused = pytest.raises(BriefError, match=r"\$BRIEF_CLUSTER_SPECS is 'ten', expected a whole")
    with refused, mv.executor_for(params, "C1"):
        pass
