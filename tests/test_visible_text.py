"""Text a reader sees is the text that was written (issue 24): every text field of a params file
refuses bidirectional controls, invisible format characters and control characters (a NUL
escaped in YAML too), naming the field, the code point and where it is; right-to-left scripts,
joiners and combining accents are accepted. The rendered side (HTML and PDF through real Quarto)
is in tests/test_quarto_hostile.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from analysis.cli import main
from analysis.params import BriefParams, load_params
from tests.params_files import error_of, write

ROOT = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((ROOT / "tests" / "fixtures" / "hostile" / "invisible.yml").read_text())
REFUSED, SHOWN = CASES["refused"], CASES["shown"]
#: Every text parameter of the schema (found there, not listed here).
TEXT_FIELDS = [n for n, f in BriefParams.model_fields.items() if f.annotation is str]


def test_the_text_fields_are_found_in_the_schema():
    assert {"title", "short_name", "description", "coalition_label", "benchmark_label"} <= set(
        TEXT_FIELDS
    )


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("case", REFUSED, ids=[c["what"] for c in REFUSED])
def test_every_hidden_character_is_refused_in_every_text_field(tmp_path, field, case):
    path = write(tmp_path, yaml.safe_dump({field: case["text"]}, allow_unicode=True))
    msg = error_of(path)
    assert f"{field}: got " in msg and f"is {case['code']} " in msg, msg
    assert "expected text without invisible or control characters" in msg
    assert msg.isprintable(), "the error line must not reorder or hide itself"


@pytest.mark.parametrize("case", REFUSED[:3] + REFUSED[12:14], ids=lambda c: c["what"])
def test_a_hidden_character_from_set_is_refused_and_named(tmp_path, case):
    msg = error_of(write(tmp_path, ""), [f"title={case['text']}"])
    assert f"is {case['code']} " in msg and "(from --set title=" in msg and msg.isprintable()


def test_a_nul_escaped_in_yaml_is_refused_not_dropped(tmp_path):
    msg = error_of(write(tmp_path, 'title: "before\\0after"\n'))
    assert msg.endswith(
        "title: got 'before\\x00after', character 7 is U+0000 NUL (written \\0 in YAML?), a "
        "control character, which one renderer drops and another keeps; expected text without "
        "invisible or control characters (remove it; write right-to-left scripts as they are)"
    )


def test_the_first_character_is_named_and_the_others_counted(tmp_path):
    msg = error_of(write(tmp_path, 'coalition_label: "China \\u2067+ Russia\\u2069"\n'))
    assert "character 7 is U+2067 RIGHT-TO-LEFT ISOLATE (and 1 more), a bidirectional" in msg


@pytest.mark.parametrize("field", [f for f in TEXT_FIELDS if f not in ("name", "short_name")])
def test_right_to_left_scripts_joiners_and_accents_are_text(tmp_path, field):
    for text in SHOWN:
        p = load_params(write(tmp_path, yaml.safe_dump({field: text}, allow_unicode=True)))
        assert getattr(p, field) == text


def test_tabs_and_line_breaks_stay_ordinary_whitespace(tmp_path):
    p = load_params(write(tmp_path, 'description: "one\\ttwo\\nthree"\n'))
    assert p.description == "one\ttwo\nthree"


def test_brief_render_refuses_before_anything_is_written(tmp_path, monkeypatch, capsys):
    project = tmp_path / "project"
    (project / "params").mkdir(parents=True)
    shutil.copy2(ROOT / "_quarto.yml", project / "_quarto.yml")
    (project / "params" / "rlo.yml").write_text(f'title: "{REFUSED[0]["text"]}"\n')
    monkeypatch.setenv("BRIEF_ROOT", str(project))
    monkeypatch.chdir(project)
    assert main(["render", "params/rlo.yml"]) == 2
    err = capsys.readouterr().err
    assert err.count("error: ") == 1 and "is U+202E RIGHT-TO-LEFT OVERRIDE" in err
    assert err.rstrip("\n").isprintable()
    assert sorted(p.name for p in project.iterdir()) == ["_quarto.yml", "params"]
