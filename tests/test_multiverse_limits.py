"""A bounded multiverse (issue 24): counted before anything runs, refused over its limit in one
line, every alternative bounded like the parameter it varies, no value given twice, and memory
that does not grow with the space beyond its table."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from analysis.compute import multiverse as mv
from analysis.compute import specs
from analysis.compute.claims import rules
from analysis.errors import BriefError
from analysis.params import BriefParams, load_params
from tests.params_files import error_of, write

ROOT = Path(__file__).resolve().parents[1]
STRESS = ROOT / "benchmarks" / "stress-multiverse.yml"


def tolerances(n: int) -> str:
    return "[" + ", ".join(f"{i / (5 * n):.9f}" for i in range(n)) + "]"


# ---------------------------------------------------------------------------------------------
# Counted before anything runs


def test_the_count_is_the_product_of_the_lists_and_nothing_is_made():
    p = BriefParams()
    c1 = p.multiverse.c1
    assert specs.size(c1) == 5 * 3 * 4 * 3 * 4 * 2 * 3 == len(mv.space(c1))
    assert specs.sizes(p.multiverse)["C1"] == 4320
    huge = c1.model_copy(update={"tolerance": list(range(10**6))})  # never validated: counted
    t0 = time.perf_counter()
    assert specs.size(huge) == 4320 // 4 * 10**6
    assert time.perf_counter() - t0 < 0.1


def test_a_multiverse_over_the_limit_is_one_line_with_count_limit_and_choice(tmp_path):
    """9,000 values of one C1 choice: about ten million specifications, refused in
    milliseconds by the schema instead of a build that grew to 3.3 GB."""
    path = write(tmp_path, f"multiverse:\n  c1:\n    tolerance: {tolerances(9000)}\n")
    t0 = time.perf_counter()
    msg = error_of(path)
    assert time.perf_counter() - t0 < 5
    assert "multiverse: 9,720,498 specifications (C1 9,720,000, C2 8," in msg
    assert "above the limit of 50,000 (multiverse_limit)" in msg
    assert "the choice that contributes most is multiverse.c1.tolerance with 9,000 values" in msg
    assert "expected fewer values, or a higher multiverse_limit" in msg


def test_five_modest_lists_are_refused_naming_the_largest():
    overrides = [
        "multiverse.c1.approach_window=[3, 5, 8, 10, 12, 15, 20, 25, 30]",
        "multiverse.c1.horizon=[2030, 2032, 2034, 2036, 2038, 2040, 2045, 2050, 2060, 2070]",
        "multiverse.c1.growth_window=[2, 3, 5, 8, 10, 12, 15, 20, 25, 30, 40]",
        "multiverse.c8.window=[3, 4, 5, 6, 7, 8, 9, 10]",
        "multiverse.c5.first_year=[2003, 2005, 2008, 2010, 2012, 2015]",
    ]
    with pytest.raises(BriefError) as info:
        load_params(ROOT / "params" / "default.yml", overrides)
    msg = str(info.value)
    assert "above the limit of 50,000" in msg and "multiverse.c1.growth_window with 11" in msg
    assert msg.count("multiverse:") == 1 and "\n" not in msg


def test_the_limit_is_a_parameter_with_a_documented_default():
    field = BriefParams.model_fields["multiverse_limit"]
    assert field.default == specs.DEFAULT_LIMIT == 50_000
    assert "default 50,000" in (field.description or "")
    assert sum(specs.sizes(BriefParams().multiverse).values()) < specs.DEFAULT_LIMIT / 5


def test_a_limit_under_the_brief_names_its_own_count(tmp_path):
    msg = error_of(write(tmp_path, "multiverse_limit: 100\n"))
    assert "multiverse: 4,818 specifications" in msg and "above the limit of 100" in msg


def test_the_benchmarks_stress_multiverse_fits_only_under_its_raised_limit(tmp_path):
    p = load_params(STRESS)
    n = sum(specs.sizes(p.multiverse).values())
    assert specs.DEFAULT_LIMIT < n <= p.multiverse_limit
    assert specs.sizes(p.multiverse)["C1"] >= 100_000  # issue 21: a stress of C1 alone
    text = STRESS.read_text(encoding="utf-8")
    lifted = f"multiverse_limit: {p.multiverse_limit}\n"
    assert lifted in text
    assert "above the limit of 50,000" in error_of(write(tmp_path, text.replace(lifted, "")))


def test_the_run_itself_refuses_a_space_over_the_limit():
    """Parameters made another way than the schema's validation (model_copy) are refused by
    the evaluation too, before any specification is made."""
    p = BriefParams()
    lifted = p.model_copy(update={"multiverse_limit": 100})
    with pytest.raises(BriefError, match=r"^multiverse: 4,818 specifications"):
        mv.run({}, lifted)


# ---------------------------------------------------------------------------------------------
# Memory: the specifications are made a batch at a time


def test_the_space_is_made_lazily_in_blocks():
    c1 = BriefParams().multiverse.c1
    blocks = mv.blocks("C1", c1)  # one per projection: 4,320 / 30
    first = next(blocks)
    assert len(first) == 144 and next(first.specs()) == mv.space(c1)[0]
    assert sum(len(b) for b in blocks) == 4320 - 144
    runs = specs.blocks(c1, 500)  # without a grouping: runs of consecutive specifications
    assert [len(next(runs)), len(next(runs))] == [500, 500]


def test_memory_grows_with_the_table_not_with_the_space_in_flight(monkeypatch):
    """A claim whose evaluation is free: what the run holds per specification is its row of
    the table (a few dozen bytes), not a dict per specification (about a kilobyte)."""
    from analysis.compute import claims as claim_modules

    c4 = claim_modules.MODULES["C4"]
    monkeypatch.setattr(c4, "prepare", lambda data, params: None)
    monkeypatch.setattr(c4, "evaluate", lambda inputs, spec, params: (1.0, "supported"))
    monkeypatch.delattr(c4, "evaluate_block")  # each specification made and decided alone
    windows = list(range(3, 16))
    shares = [round(0.001 * i, 3) for i in range(1, 999)]
    p = BriefParams.model_validate(
        {"multiverse": {"c4": {"window": windows, "dominant_share": shares}}}
    )
    n = len(windows) * len(shares)
    tracemalloc.start()
    try:
        table, _ = mv.run({}, p, only=["C4"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(table) == n == 12974
    assert peak / n < 400, f"{peak / n:.0f} bytes a specification"


# ---------------------------------------------------------------------------------------------
# Every alternative bounded like what it varies, each once


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ("multiverse.c1.horizon=[1990]", "multiverse.c1.horizon.0: got 1990, input should be "
         "greater than or equal to 2023"),
        ("multiverse.c1.horizon=[3000]", "multiverse.c1.horizon.0: got 3000, input should be "
         "less than or equal to 2100"),
        ("multiverse.c1.growth_window=[1, 10]", "multiverse.c1.growth_window.0: got 1"),
        ("multiverse.c1.tolerance=[0.5]", "multiverse.c1.tolerance.0: got 0.5"),
        ("multiverse.c1.growth_method=[explicit]", "multiverse.c1.growth_method.0"),
    ],
    ids=["horizon-1990", "horizon-3000", "growth-window", "rule-bound", "method"],
)  # fmt: skip
def test_an_alternative_the_brief_itself_would_refuse_is_refused(tmp_path, override, words):
    msg = error_of(write(tmp_path, ""), [override])
    assert words in msg, msg


def test_the_bounds_are_the_brief_parameters_own():
    """Derived from the schema: a choice that varies a brief parameter is bounded by that
    parameter's field, so changing the parameter's range changes the choice's."""
    c1_fields = type(BriefParams().multiverse.c1).model_fields
    assert rules.varied_parameter(c1_fields["horizon"]) == "horizon"
    assert rules.varied_parameter(c1_fields["growth_window"]) == "growth_scenario.window"
    horizon = BriefParams.model_fields["horizon"].metadata
    item = c1_fields["horizon"].annotation.__args__[0]
    assert list(item.__metadata__) == list(horizon)


def test_a_horizon_alternative_the_data_already_cover_is_refused(tmp_path, monkeypatch):
    from analysis.pipeline.inputs import load_brief_params

    monkeypatch.chdir(ROOT)
    with pytest.raises(BriefError) as info:
        load_brief_params(ROOT / "params" / "default.yml", ["multiverse.c1.horizon=[2024, 2030]"])
    msg = str(info.value)
    assert "multiverse.c1.horizon: got 2024 (from --set multiverse.c1.horizon=[2024, 2030])" in msg
    assert "expected horizons after the data's last year 2025" in msg


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ("multiverse.c1.measure=[milex, milex, milex, milex, cinc]",
         "multiverse.c1.measure: got ['milex', 'milex', 'milex', 'milex', 'cinc'], duplicate "
         "value 'milex' (4 times); expected each value once"),
        ("multiverse.c4.window=[5, 8, 8.0, 10]", "duplicate value 8 (2 times)"),
        ("multiverse.c3.trade_series=[dots, imts, dots]", "duplicate value 'dots' (2 times)"),
        ("multiverse.c1.tolerance=[0.01, 0.010]", "duplicate value 0.01 (2 times)"),
    ],
    ids=["measure", "int-and-float", "a-brief-choice", "float-spelled-twice"],
)  # fmt: skip
def test_a_value_given_twice_is_refused_naming_it(tmp_path, override, words):
    assert words in error_of(write(tmp_path, ""), [override])
