"""The parameter schema: every shipped brief loads, every class of bad value is reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.errors import BriefError
from analysis.params import (
    BriefParams,
    load_params,
    notebook_parameters,
)
from analysis.runparams import from_notebook, run_parameters
from tests.params_files import error_of, write

PARAMS = Path(__file__).resolve().parents[1] / "params"
ALTERNATIVES = sorted(PARAMS.glob("*.yml"))


@pytest.mark.parametrize("path", ALTERNATIVES, ids=lambda p: p.stem)
def test_every_shipped_brief_loads(path):
    p = load_params(path)
    assert p.name == path.stem
    assert p.headline_measure in p.measures
    assert set(p.coalition).isdisjoint(p.benchmark)


def test_shipped_alternatives_exist_and_differ():
    names = {p.stem for p in ALTERNATIVES}
    assert {"default", "ppp", "horizon-2040", "crink", "milex-only"} <= names
    assert load_params(PARAMS / "ppp.yml").headline_measure == "gdp_ppp"
    assert load_params(PARAMS / "horizon-2040.yml").horizon == 2040
    assert load_params(PARAMS / "milex-only.yml").measures == ["milex"]
    crink = load_params(PARAMS / "crink.yml")
    assert crink.coalition == ["CHN", "RUS", "IRN", "PRK"]
    assert {"USA", "JPN", "KOR", "AUS", "GBR", "PHL"} <= set(crink.benchmark)


def test_every_field_has_a_description():
    for model in (BriefParams, *_nested_models()):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} lacks a description"


def _nested_models():
    from analysis.params import GrowthScenario, SanctionsScenario

    return (GrowthScenario, SanctionsScenario)


def test_empty_file_gives_defaults_with_stem_as_name(tmp_path):
    p = load_params(write(tmp_path, "", "my-brief.yml"))
    assert p.name == "my-brief"
    assert p.coalition == ["CHN", "RUS"] and p.benchmark == ["USA"]
    assert p.horizon == 2030 and p.article_horizon == 2022


def test_overrides_are_yaml_parsed_and_dotted(tmp_path):
    p = load_params(
        write(tmp_path, "horizon: 2035\n"),
        ["growth_scenario.window=15", "coalition=[CHN, RUS, IRN]", "seed=7", "title=A b"],
    )
    assert p.growth_scenario.window == 15
    assert p.coalition == ["CHN", "RUS", "IRN"]
    assert p.seed == 7 and p.horizon == 2035 and p.title == "A b"


def test_override_beats_file(tmp_path):
    assert load_params(write(tmp_path, "horizon: 2035\n"), ["horizon=2040"]).horizon == 2040


@pytest.mark.parametrize(
    ("text", "overrides", "expected"),
    [
        ("coalitoin: [CHN]\n", (), ["coalitoin", "did you mean 'coalition'"]),
        ("horizon: soon\n", (), ["horizon", "'soon'", "integer"]),
        (
            "composite_weights: {gdp_mer: 0.7, milex: 0.5}\n",
            (),
            ["composite_weights", "sum to 1.2", "sum of 1"],
        ),
        (
            "composite_weights: {gdp_mer: -0.5, milex: 1.5}\n",
            (),
            ["composite_weights", "-0.5", ">= 0"],
        ),
        ("composite_weights: {gdp: 1.0}\n", (), ["composite_weights.gdp", "'gdp_mer'"]),
        ("coalition: [CHN, RUZ]\n", (), ["coalition", "'RUZ'", "did you mean 'RUS'"]),
        ("start_year: 2028\nhorizon: 2025\n", (), ["horizon", "2025", "after start_year"]),
        (
            "measures: [milex]\nheadline_measure: gdp_ppp\n",
            (),
            ["headline_measure", "'gdp_ppp'", "one of measures"],
        ),
        ("measures: [gdp, milex]\n", (), ["measures.0", "'gdp'", "'gdp_mer'"]),
        ("", ("horizon2040",), ["horizon2040", "key=value"]),
        ("", ("=3",), ["'=3'", "key=value"]),
        ("", ("seed=[1, 2",), ["seed=[1, 2", "YAML"]),
        ("horizon: 2030\n", ("horizon.year=3",), ["horizon", "not a group"]),
        ("growth_scenario: {windw: 3}\n", (), ["growth_scenario.windw", "did you mean 'window'"]),
        (
            "growth_scenario: {method: explicit, rates: {CHN: 0.05}}\n",
            (),
            ["growth_scenario.rates", "RUS", "USA", "explicit"],
        ),
        ("benchmark: [USA, CHN]\n", (), ["benchmark", "CHN", "disjoint"]),
        ("name: 'Bad Name'\n", (), ["name", "slug"]),
        ("sanctions_scenario: {trade_rebound: 1.5}\n", (), ["trade_rebound", "1.5", "1"]),
    ],
)
def test_each_bad_value_names_key_value_and_allowed(tmp_path, text, overrides, expected):
    msg = error_of(write(tmp_path, text), overrides)
    assert msg.startswith(f"{(tmp_path / 'x.yml').as_posix()}: 1 problem:"), msg
    for piece in expected:
        assert piece in msg, (piece, msg)


def test_all_problems_reported_at_once(tmp_path):
    text = (
        "coalitoin: [CHN]\nhorizon: soon\ncomposite_weights: {gdp_mer: 0.7, milex: 0.5}\n"
        "benchmark: [USA, XXX]\nmeasures: [milex]\nheadline_measure: gdp_mer\n"
    )
    msg = error_of(write(tmp_path, text), ["bad", "seed=-1"])
    assert ": 7 problems:" in msg, msg
    for key in ("coalitoin", "horizon", "composite_weights", "XXX", "headline_measure", "'bad'"):
        assert key in msg
    assert "seed: got -1" in msg


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(BriefError, match="not found"):
        load_params(tmp_path / "nope.yml")
    with pytest.raises(BriefError, match="not valid YAML"):
        load_params(write(tmp_path, "a: [1\n"))
    with pytest.raises(BriefError, match="expected a mapping"):
        load_params(write(tmp_path, "- 1\n- 2\n"))


def test_notebook_parameters_round_trip():
    p = load_params(PARAMS / "crink.yml", ["growth_scenario.window=12"])
    flat = notebook_parameters(p)
    assert flat["coalition"] == ["CHN", "RUS", "IRN", "PRK"]
    assert flat["growth_scenario"]["window"] == 12
    seen = from_notebook(flat)
    assert seen.coalition == p.coalition and seen.growth_scenario == p.growth_scenario
    assert seen.rules.c8 == p.rules.c8
    assert from_notebook({"horizon": 2035, "unrelated": 1}).horizon == 2035
    assert notebook_parameters(BriefParams())["horizon"] == BriefParams().horizon


def test_a_claims_run_receives_and_reads_only_what_it_declares():
    """A claim's run gets its PARAMS, the notebook's own, its own rules and choices, ``claim``;
    reading anything else is an error naming it, not a silent default its cache misses."""
    flat = notebook_parameters(BriefParams())
    got = run_parameters(flat, "C8", ["robustness_threshold"])
    expected = {"trade_series", "robustness_threshold", "as_of", "rules", "multiverse", "claim"}
    assert set(got) == expected  # as_of: every run (the date its data are read as of)
    assert got["rules"] == {"c8": flat["rules"]["c8"]} and got["claim"] == "C8"
    seen = from_notebook(got)
    assert seen.rules.c8.window == 5 and seen.multiverse.c8.window == [3, 5, 10]
    with pytest.raises(BriefError, match="claim C8 reads the parameter 'horizon'"):
        _ = seen.horizon
    with pytest.raises(BriefError, match=r"rules\.c1: not given to this run"):
        _ = seen.rules.c1
    assert "rules" not in run_parameters(flat, "C6")  # a what-if without rules gets none


def test_a_claim_declaring_an_unknown_parameter_is_one_error(monkeypatch):
    from analysis.compute import claims

    monkeypatch.setattr(claims.MODULES["C8"], "PARAMS", ("trade_series", "tarde_series"))
    with pytest.raises(BriefError, match="claim C8: PARAMS names tarde_series"):
        run_parameters(notebook_parameters(BriefParams()), "C8")


def test_weights_tolerance():
    ok = {"gdp_mer": 0.1, "milex": 0.2, "pop": 0.7}  # 0.1+0.2+0.7 != 1 exactly in floats
    assert BriefParams(composite_weights=ok).composite_weights["pop"] == 0.7
    with pytest.raises(ValueError):
        BriefParams(composite_weights={"gdp_mer": 0.5, "milex": 0.5 + 1e-6})


@pytest.mark.parametrize(
    ("typo", "known", "expected"),
    [
        ("RUZ", {"RUS", "UZB", "CHN"}, ["RUS"]),  # one letter in place beats a shifted code
        ("chn", {"RUS", "CHN"}, ["CHN"]),
        ("CHX", {"CHE", "CHL", "CHN", "CHI", "USA"}, ["CHE", "CHI", "CHL", "CHN"]),  # ties offered
        ("XXX", {"RUS", "CHN"}, []),
    ],
)
def test_closest_codes_prefer_letters_in_place(typo, known, expected):
    from analysis.params import _did_you_mean, closest_codes

    assert closest_codes(typo, known) == expected
    assert _did_you_mean(["CHE", "CHL", "CHN"]) == " (did you mean 'CHE', 'CHL' or 'CHN'?)"
