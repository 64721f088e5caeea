"""One brief, one name (issue 24): two params files that are the same brief are refused by every
command, naming both, before anything is written; a copy of a shipped brief is named after its
own file. Runs on the pipeline's fixture project: no kernel starts, no Quarto runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.cli import main
from tests.fixtures.pipeline.support import make_project, snapshot

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    root = make_project(tmp_path / "project", monkeypatch)
    (root / "params" / "default.yml").write_text('title: "Fixture brief"\n')
    return root


def error_line(argv: list[str], capsys) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("error: ")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def untouched(root: Path) -> dict[str, str]:
    return {d: str(snapshot(root / d)) for d in ("_build", "_site", "report")}


def copy_keeping_the_name(root: Path) -> None:
    """What the README used to suggest: a copy of the flagship that keeps ``name: default``."""
    (root / "params" / "my-brief.yml").write_text("name: default\ntitle: My own brief\n")


CLASH = (
    "error: params/my-brief.yml and params/default.yml are each the brief 'default' "
    "(params/my-brief.yml by its `name:`, params/default.yml by its file name); expected one "
    "params file per brief (two briefs cannot share _build/default/ or their place in _site/): "
    "change or remove the `name:` in params/my-brief.yml (a brief without one is named after "
    "its file)"
)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "params/my-brief.yml"],
        ["run", "params/my-brief.yml", "--explain"],
        ["render", "params/my-brief.yml"],
    ],
    ids=["run", "explain", "render"],
)
def test_a_copy_that_keeps_the_flagships_name_is_refused_naming_both(project, capsys, argv):
    copy_keeping_the_name(project)
    before = untouched(project)
    assert error_line(argv, capsys) == CLASH
    assert untouched(project) == before


def test_fragments_refuses_the_copy_picked_by_brief_params(project, capsys, monkeypatch):
    copy_keeping_the_name(project)
    monkeypatch.setenv("BRIEF_PARAMS", "params/my-brief.yml")
    before = untouched(project)
    assert error_line(["fragments"], capsys) == CLASH
    assert untouched(project) == before


def test_site_and_a_batch_refuse_the_pair_once_with_every_other_problem(project, capsys):
    copy_keeping_the_name(project)
    (project / "params" / "Bad Name.yml").write_text("title: one\n")
    (project / "params" / "worse.yml").write_text("horizon: soon\n")
    before = untouched(project)
    line = error_line(["site"], capsys)
    assert line.startswith("error: 3 problems in 5 params files: params/Bad Name.yml: 1 problem")
    assert "params/default.yml and params/my-brief.yml are each the brief 'default'" in line
    assert line.count("each the brief") == 1 and "params/worse.yml: 1 problem: horizon" in line
    line = error_line(["run", "params/Bad Name.yml", "params/worse.yml"], capsys)
    assert "params/Bad Name.yml" in line and "params/worse.yml" in line
    assert untouched(project) == before


def test_a_name_set_on_the_command_line_may_not_be_another_briefs(project, capsys):
    line = error_line(["run", "params/default.yml", "--set", "name=alt"], capsys)
    assert line.startswith(
        "error: params/default.yml and params/alt.yml are each the brief 'alt' "
        "(params/default.yml with --set name=alt, params/alt.yml by its file name)"
    )
    assert line.endswith("choose another name with --set name=...")


def test_a_file_outside_params_named_like_a_brief_is_refused(project, capsys, tmp_path):
    elsewhere = tmp_path / "mine" / "default.yml"
    elsewhere.parent.mkdir()
    elsewhere.write_text("title: mine\n")
    line = error_line(["run", str(elsewhere)], capsys)
    assert f"{elsewhere.as_posix()} and params/default.yml are each the brief 'default'" in line
    assert "rename one of the files" in line


def test_the_same_file_by_another_path_is_not_another_brief(project, capsys):
    assert main(["run", "./params/../params/alt.yml", "--explain"]) == 0
    assert main(["run", str(project / "params" / "alt.yml"), "--explain"]) == 0
    assert capsys.readouterr().out.startswith("brief alt (params/alt.yml) -> _build/alt/")


def test_the_readme_recipe_names_the_copy_after_its_file(project, capsys):
    shutil.copy2(ROOT / "params" / "default.yml", project / "params" / "my-brief.yml")
    assert main(["run", "params/my-brief.yml", "--explain"]) == 0
    assert capsys.readouterr().out.startswith(
        "brief my-brief (params/my-brief.yml) -> _build/my-brief/"
    )
    assert "name:" not in (ROOT / "params" / "default.yml").read_text(encoding="utf-8")
