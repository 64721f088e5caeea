"""Hostile params files and --set overrides: one BriefError line, bounded, naming file/key/line.

Each test is one bad input (or, for the --set merge, the behaviour that replaced a silent
surprise). ``load_params`` is called directly: no project, no kernel, milliseconds each. The
property-based tests at the end throw random values at every field of the schema and random
bytes at the loader: the answer is always valid parameters or one bounded BriefError line.
"""

from __future__ import annotations

import codecs
import itertools
import math
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import BriefError
from analysis.params import (
    MAX_PARAMS_BYTES,
    MAX_PROBLEMS,
    BriefParams,
    GrowthScenario,
    SanctionsScenario,
    load_params,
)
from tests.params_files import BOUND, error_of, write
from tests.props import examples

# ---------------------------------------------------------------------------------------------
# Encodings


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ('title: "Café"\n'.encode("latin-1"), ["line 1, column 12", "byte 0xE9", "not UTF-8"]),
        ('horizon: 2035\ntitle: "Señor"\n'.encode("cp1252"), ["line 2, column 11", "byte 0xF1"]),
        ("title: x\n".encode("utf-16"), ["UTF-16 text", "byte-order mark FF FE"]),
        (codecs.BOM_UTF16_BE + "title: x\n".encode("utf-16-be"), ["UTF-16", "FE FF"]),
        ("title: x\n".encode("utf-32"), ["UTF-32 text", "FF FE 00 00"]),
        ("title: x\n".encode("utf-16-le"), ["line 1: NUL byte", "UTF-16 text without"]),
    ],
    ids=[
        "latin-1",
        "windows-1252-line-2",
        "utf-16-le-bom",
        "utf-16-be-bom",
        "utf-32",
        "utf-16-no-bom",
    ],
)
def test_a_params_file_not_in_utf8_is_named_with_line_and_byte(tmp_path, data, words):
    msg = error_of(write(tmp_path, data))
    assert msg.startswith(f"{(tmp_path / 'x.yml').as_posix()}: "), msg
    assert "expected UTF-8" in msg
    for w in words:
        assert w in msg, (w, msg)


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    p = load_params(write(tmp_path, codecs.BOM_UTF8 + b"horizon: 2035\n"))
    assert p.horizon == 2035


# ---------------------------------------------------------------------------------------------
# Duplicate keys (PyYAML keeps the last one silently)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "horizon: 2035\ntitle: t\nhorizon: 2040\n",
            "x.yml: line 3: duplicate key 'horizon' (first given at line 1)",
        ),
        (
            "growth_scenario:\n  window: 5\n  method: weo\n  window: 6\n",
            "line 4: duplicate key 'window' (first given at line 2)",
        ),
        (
            "composite_weights: {milex: 0.5, milex: 0.5}\n",
            "line 1: duplicate key 'milex' (first given at line 1)",
        ),
        ("break_years: [2014]\n'break_years': [2022]\n", "duplicate key 'break_years'"),
    ],
    ids=["top-level-key", "inside-a-group", "one-line-flow-mapping", "keys-yaml-reads-as-equal"],
)
def test_a_duplicate_key_names_the_key_and_both_lines(tmp_path, text, words):
    msg = error_of(write(tmp_path, text))
    assert words in msg, msg


def test_a_merge_key_may_be_overridden_without_a_duplicate_error(tmp_path):
    text = "base: &w {gdp_mer: 0.5, milex: 0.5}\n"
    p = tmp_path / "x.yml"
    p.write_text(text + "composite_weights: {<<: *w, milex: 0.5}\n")
    msg = error_of(p)  # 'base' is not a parameter, but the merge itself is accepted
    assert "base: unknown parameter" in msg and "duplicate" not in msg


# ---------------------------------------------------------------------------------------------
# Sizes: alias bombs, deep nesting, huge files and values


def _bomb(levels: int) -> str:
    text = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    names = "abcdefghijklmnop"
    for prev, cur in itertools.pairwise(names[:levels]):
        text += f"{cur}: &{cur} [{', '.join([f'*{prev}'] * 9)}]\n"
    return text + f"title: *{names[levels - 1]}\n"


def test_an_alias_bomb_is_refused_at_once_with_a_short_message(tmp_path):
    t0 = time.perf_counter()
    msg = error_of(write(tmp_path, _bomb(12)))  # 9**12 strings once expanded
    assert time.perf_counter() - t0 < 2.0
    assert "more than 10,000 values through its aliases" in msg and len(msg) < 300


def test_a_small_alias_is_fine(tmp_path):
    p = load_params(write(tmp_path, "coalition: &c [CHN, RUS]\ndescription: ok\n"))
    assert p.coalition == ["CHN", "RUS"]


def test_a_recursive_alias_is_refused(tmp_path):
    msg = error_of(write(tmp_path, "title: &x [*x]\n"))
    assert "nested deeper than 50 levels" in msg and "recursive alias" in msg


def test_deep_nesting_is_refused_before_python_recursion_fails(tmp_path):
    msg = error_of(write(tmp_path, "title: " + "[" * 100_000 + "]" * 100_000 + "\n"))
    assert "line 1: nested deeper than 50 levels" in msg


def test_many_plain_values_are_not_called_an_alias_bomb(tmp_path):
    msg = error_of(write(tmp_path, f"description: {list(range(10_001))}\n"))
    assert "line 1: holds more than 10,000 values; expected a small mapping" in msg
    assert "alias" not in msg


def test_a_folder_given_as_the_params_file_is_called_a_folder(tmp_path):
    (tmp_path / "mine.yml").mkdir()
    (tmp_path / "mine.yml" / "a.yml").write_text("title: a\n")
    msg = error_of(tmp_path / "mine.yml")
    assert msg.endswith(
        "mine.yml: a folder, not a params file (it holds a.yml); expected a YAML file of "
        "parameters, e.g. params/default.yml"
    )


def test_a_huge_params_file_is_refused_before_parsing(tmp_path):
    path = write(tmp_path, "description: " + "x" * (MAX_PARAMS_BYTES + 10) + "\n")
    msg = error_of(path)
    assert "bytes; expected a params file of at most 1,048,576 bytes" in msg


def test_a_huge_value_is_quoted_cut(tmp_path):
    msg = error_of(write(tmp_path, "horizon: " + "9" * 50 + "x" * 300_000 + "\n"))
    assert "horizon: got '99999" in msg and "(300,052 characters)" in msg
    assert len(msg) < 700


def test_a_huge_key_is_quoted_cut(tmp_path):
    msg = error_of(
        write(tmp_path, "? " + "k" * 100_000 + "\n: 1\n")
    )  # explicit key: no length limit
    assert "unknown parameter" in msg and "(100,000 characters)" in msg and len(msg) < 1200


def test_many_problems_are_counted_not_all_listed(tmp_path):
    text = "".join(f"unknown_{i}: {i}\n" for i in range(500))
    msg = error_of(write(tmp_path, text))
    assert ": 500 problems:" in msg and "; and 490 more problems" in msg
    assert msg.count("unknown parameter") == MAX_PROBLEMS


# ---------------------------------------------------------------------------------------------
# Values that used to be reported wrongly


def test_a_nan_weight_is_called_nan_not_negative(tmp_path):
    msg = error_of(write(tmp_path, "composite_weights: {gdp_mer: .nan, milex: 1}\n"))
    assert "weight of gdp_mer is NaN" in msg and "negative" not in msg


def test_a_negative_weight_is_still_called_negative(tmp_path):
    msg = error_of(write(tmp_path, "composite_weights: {gdp_mer: -0.5, milex: 1.5}\n"))
    assert "negative weights {'gdp_mer': -0.5}" in msg


# ---------------------------------------------------------------------------------------------
# --set: problems name their override; dotted keys merge into mappings


def test_a_problem_from_set_names_the_override(tmp_path):
    msg = error_of(write(tmp_path, "title: ok\n"), ["horizon=soon"])
    assert "horizon: got 'soon'" in msg and msg.endswith("(from --set horizon=soon)")


def test_a_problem_from_the_file_is_not_blamed_on_an_override(tmp_path):
    msg = error_of(write(tmp_path, "horizon: soon\n"), ["seed=7"])
    assert "horizon: got 'soon'" in msg and "--set" not in msg


def test_file_and_override_problems_are_told_apart(tmp_path):
    msg = error_of(write(tmp_path, "horizon: soon\n"), ["seed=-1"])
    assert ": 2 problems:" in msg
    file_part, set_part = msg.split("; seed")
    assert "--set" not in file_part and "(from --set seed=-1)" in set_part


def test_a_cross_field_problem_names_the_override_of_the_other_field(tmp_path):
    msg = error_of(write(tmp_path, ""), ["coalition=[USA]"])
    assert "benchmark: got ['USA'] also in coalition" in msg
    assert "(from --set coalition=[USA])" in msg


def test_a_nested_override_problem_names_the_override(tmp_path):
    msg = error_of(write(tmp_path, ""), ["growth_scenario.rates.CHN=0.9"])
    assert "growth_scenario.rates" in msg and "(from --set growth_scenario.rates.CHN=0.9)" in msg


def test_setting_one_weight_keeps_the_default_others(tmp_path):
    path = write(tmp_path, "")
    msg = error_of(path, ["composite_weights.milex=0.6"])
    assert "composite_weights: got {'gdp_mer': 0.5, 'milex': 0.6}" in msg
    p = load_params(path, ["composite_weights.milex=0.6", "composite_weights.gdp_mer=0.4"])
    assert p.composite_weights == {"gdp_mer": 0.4, "milex": 0.6}


def test_setting_one_weight_merges_into_the_files_mapping(tmp_path):
    path = write(tmp_path, "composite_weights: {gdp_ppp: 0.25, milex: 0.75}\n")
    p = load_params(path, ["composite_weights.milex=0.5", "composite_weights.pop=0.25"])
    assert p.composite_weights == {"gdp_ppp": 0.25, "milex": 0.5, "pop": 0.25}


def test_a_whole_mapping_value_still_replaces_the_mapping(tmp_path):
    p = load_params(write(tmp_path, ""), ["composite_weights={milex: 1}"])
    assert p.composite_weights == {"milex": 1.0}


def test_an_override_value_with_an_alias_bomb_is_refused(tmp_path):
    bomb = "[&a [x, x, x, x, x, x, x, x, x], " + ", ".join(
        f"&{c} [{', '.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    msg = error_of(write(tmp_path, ""), [f"title={bomb}, *h]"])
    assert "--set 'title=[&a" in msg and "alias bomb" in msg and len(msg) < 800


# ---------------------------------------------------------------------------------------------
# Property-based: random values for every field never give a traceback


def _fields(model) -> list[str]:
    return list(model.model_fields)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["CHN", "RUS", "USA", "IRN", "milex", "gdp_mer", "weo", "explicit", "t"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
GROUPS = {"growth_scenario": GrowthScenario, "sanctions_scenario": SanctionsScenario}
TOP = _fields(BriefParams)


@st.composite
def params_documents(draw):
    doc = {}
    for key in draw(st.lists(st.sampled_from(TOP), unique=True, max_size=len(TOP))):
        if key in GROUPS and draw(st.booleans()):
            sub = _fields(GROUPS[key])
            keys = draw(st.lists(st.sampled_from(sub), unique=True, max_size=len(sub)))
            doc[key] = {k: draw(VALUES) for k in keys}
        else:
            doc[key] = draw(VALUES)
    if draw(st.booleans()):
        doc[draw(st.text(min_size=1, max_size=20))] = draw(VALUES)
    return doc


def _outcome(path: Path, overrides=()) -> None:
    try:
        p = load_params(path, overrides)
    except BriefError as exc:
        msg = str(exc)
        assert msg and "\n" not in msg and len(msg) <= BOUND
        assert msg.startswith(path.as_posix() + ":")
    else:
        assert isinstance(p, BriefParams)
        assert all(not math.isnan(w) for w in p.composite_weights.values())


SLOW_MACHINE = settings(
    deadline=None, max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow]
)


@SLOW_MACHINE
@given(doc=params_documents())
def test_random_values_for_every_field_give_params_or_one_bounded_error(doc):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "random.yml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        _outcome(path)


@SLOW_MACHINE
@given(
    sets=st.lists(
        st.tuples(
            st.sampled_from([*TOP, "growth_scenario.window", "composite_weights.milex", "x.y"]),
            st.text(max_size=40),
        ),
        max_size=4,
    )
)
def test_random_overrides_give_params_or_one_bounded_error(sets):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "base.yml"
        path.write_text("title: base\n", encoding="utf-8")
        _outcome(path, [f"{k}={v}" for k, v in sets])


@SLOW_MACHINE
@given(data=st.binary(max_size=300))
def test_random_bytes_as_a_params_file_give_params_or_one_bounded_error(data):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "bytes.yml"
        path.write_bytes(data)
        _outcome(path)
