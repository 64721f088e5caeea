"""Bad input never gets a traceback: one line on stderr, exit 2, nothing half-written.

Each case changes a copy of a built fixture project, runs ``brief run ...`` through
``analysis.cli.main`` and checks (1) exit status 2, (2) exactly one line ``error: ...`` on stderr
holding the expected words, (3) the previous ``_build/default/`` unchanged byte for byte and no
temporary folder left in ``_build/``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.cli import main
from tests.fixtures.pipeline.support import (
    build_template,
    rehash,
    snapshot,
    use_project,
    write_notebook,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad") / "project"
    build_template(root)
    return root


def _write(rel: str, text: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")

    return setup


def _notebook(name: str, sources: list[str], **kw) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        write_notebook(root / "notebooks" / name, sources, **kw)

    return setup


def _remove(rel: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / rel
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    return setup


def _edit_nb_metadata(name: str, brief: object) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / "notebooks" / name
        nb = json.loads(path.read_text())
        nb["metadata"]["brief"] = brief
        path.write_text(json.dumps(nb))

    return setup


def _datapackage(tamper: bool) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        data = root / "data"
        sha = hashlib.sha256((data / "series.csv").read_bytes()).hexdigest()
        package = {"resources": [{"name": "series", "path": "series.csv", "hash": f"sha256:{sha}"}]}
        (data / "datapackage.json").write_text(json.dumps(package))
        if tamper:
            with open(data / "series.csv", "a") as fh:
                fh.write("2024,99\n")
        else:
            (data / "series.csv").unlink()

    return setup


def _write_bytes(rel: str, data: bytes) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / rel).write_bytes(data)

    return setup


def _nothing(root: Path) -> None:
    return None


def _rehashed(setup: Callable[[Path], None]) -> Callable[[Path], None]:
    """``setup``, then the data's checksums recorded again (as a curation would): the data
    are wrong in a way only a notebook or the reads check can tell."""

    def both(root: Path) -> None:
        setup(root)
        rehash(root)

    return both


# "billion laughs": 9 levels of 9 aliases each, 10**9 strings once expanded
BOMB = (
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "title: *i\n"
)


P = "params/default.yml"
PARAMS_CELL = 'artifacts_dir = "_build/default"'

# (id, setup, argv after "run", words the one-line message must hold)
CASES: list[tuple[str, Callable[[Path], None], list[str], list[str]]] = [
    ("unknown-parameter", _nothing, [P, "--set", "horizn=2035"],
     ["horizn: unknown parameter", "did you mean 'horizon'"]),
    ("unknown-parameter-in-file", _write("params/typo.yml", "titel: x\n"), ["params/typo.yml"],
     ["params/typo.yml", "titel: unknown parameter", "did you mean 'title'"]),
    ("mistyped-value", _nothing, [P, "--set", "horizon=soon"],
     ["horizon: got 'soon'", "valid integer", "(from --set horizon=soon)"]),
    # a dotted --set changes one weight and keeps the default other one (0.9 + 0.5)
    ("weights-not-summing-to-one", _nothing, [P, "--set", "composite_weights.gdp_mer=0.9"],
     ["composite_weights: got {'gdp_mer': 0.9, 'milex': 0.5}", "sum to 1.4",
      "expected a sum of 1", "(from --set composite_weights.gdp_mer=0.9)"]),
    ("negative-weight", _nothing, [P, "--set", "composite_weights.milex=-0.5"],
     ["negative weights", "expected weights >= 0"]),
    ("nan-weight", _nothing, [P, "--set", "composite_weights.milex=.nan"],
     ["composite_weights", "weight of milex is NaN", "(from --set composite_weights.milex=.nan)"]),
    ("unknown-weight-component", _nothing, [P, "--set", "composite_weights.gold=1"],
     ["composite_weights.gold"]),
    ("unknown-country-code", _nothing, [P, "--set", "coalition=[CHX]"],
     ["unknown ISO3 code 'CHX'", "did you mean", "'CHN'"]),
    ("duplicate-country", _nothing, [P, "--set", "coalition=[CHN, CHN]"],
     ["coalition", "duplicate ISO3"]),
    ("country-in-both-groups", _nothing, [P, "--set", "benchmark=[CHN]"],
     ["benchmark: got ['CHN'] also in coalition"]),
    ("horizon-out-of-range", _nothing, [P, "--set", "horizon=1900"],
     ["horizon: got 1900", "greater than or equal to 2023"]),
    ("headline-not-among-measures", _nothing,
     [P, "--set", "headline_measure=gdp_ppp", "--set", "measures=[milex]"],
     ["headline_measure: got 'gdp_ppp'", "expected one of measures"]),
    ("growth-rate-out-of-range", _nothing, [P, "--set", "growth_scenario.rates.CHN=0.9"],
     ["growth_scenario.rates", "out of range"]),
    ("bad-brief-name", _write("params/bad.yml", "name: Bad Name\n"), ["params/bad.yml"],
     ["params/bad.yml", "name: got 'Bad Name'", "slug"]),
    ("missing-params-file", _nothing, ["params/nope.yml"],
     ["params/nope.yml: params file not found"]),
    ("params-not-yaml", _write("params/broken.yml", "title: [unclosed\n"), ["params/broken.yml"],
     ["params/broken.yml: not valid YAML"]),
    ("params-not-a-mapping", _write("params/list.yml", "- a\n- b\n"), ["params/list.yml"],
     ["params/list.yml: expected a mapping", "got list"]),
    ("set-without-equals", _nothing, [P, "--set", "horizon"],
     ["--set 'horizon': expected KEY=VALUE"]),
    ("set-without-key", _nothing, [P, "--set", "=2035"], ["--set '=2035': expected KEY=VALUE"]),
    ("set-bad-yaml-value", _nothing, [P, "--set", "coalition=[CHN"],
     ["--set 'coalition=[CHN'", "not valid YAML"]),
    ("set-duplicate-key-in-value", _nothing, [P, "--set", "composite_weights={milex: 1, milex: 0}"],
     ["--set 'composite_weights={milex: 1, milex: 0}'", "duplicate key 'milex'"]),
    ("params-latin1", _write_bytes("params/latin1.yml", 'title: "Café"\n'.encode("latin-1")),
     ["params/latin1.yml"],
     ["params/latin1.yml: line 1, column 12: byte 0xE9 is not UTF-8", "expected UTF-8"]),
    ("params-utf16-bom", _write_bytes("params/u16.yml", "title: x\n".encode("utf-16")),
     ["params/u16.yml"], ["params/u16.yml: the file is UTF-16 text", "expected UTF-8"]),
    ("params-duplicate-key", _write("params/dup.yml", "horizon: 2035\ntitle: x\nhorizon: 2040\n"),
     ["params/dup.yml"],
     ["params/dup.yml: line 3: duplicate key 'horizon' (first given at line 1)"]),
    ("params-alias-bomb", _write("params/bomb.yml", BOMB), ["params/bomb.yml"],
     ["params/bomb.yml", "more than 10,000 values through its aliases"]),
    ("duplicate-brief-names", _write("params/copy.yml", "name: default\n"),
     [P, "params/copy.yml", "--jobs", "2"],
     ["params/default.yml and params/copy.yml are each the brief 'default'",
      "change or remove the `name:` in params/copy.yml"]),
    ("jobs-zero", _nothing, [P, "--jobs", "0"], ["--jobs: got 0", "positive"]),
    ("jobs-negative", _nothing, [P, "--jobs", "-3"], ["--jobs: got -3", "positive"]),
    ("jobs-and-scheduler", _nothing, [P, "--jobs", "2", "--scheduler", "tcp://127.0.0.1:1"],
     ["--jobs and --scheduler"]),
    ("unreachable-scheduler", _nothing, [P, "--scheduler", "tcp://127.0.0.1:1"],
     ["--scheduler tcp://127.0.0.1:1: cannot connect to a dask scheduler within 1s"]),
    ("missing-notebook-dir", _remove("notebooks"), [P], ["notebook folder not found"]),
    ("empty-notebook-dir", lambda r: [p.unlink() for p in (r / "notebooks").glob("*")], [P],
     ["no notebooks (*.ipynb) found"]),
    ("notebook-without-parameters-cell", _notebook("03_x.ipynb", ["x = 1"], tags0=()), [P],
     ["03_x.ipynb: no cell tagged 'parameters'"]),
    ("parameters-cell-without-artifacts-dir", _notebook("03_x.ipynb", ["horizon = 2030"]), [P],
     ["03_x.ipynb: its 'parameters' cell does not define artifacts_dir"]),
    ("notebook-not-json", _write("notebooks/03_x.ipynb", "{oops"), [P],
     ["03_x.ipynb: not a readable Jupyter notebook"]),
    ("reads-not-a-list", _edit_nb_metadata("01_alpha.ipynb", {"reads": "series"}), [P],
     ["01_alpha.ipynb: metadata.brief.reads is 'series'", "expected a list"]),
    ("reads-unknown-table", _edit_nb_metadata("01_alpha.ipynb", {"reads": ["gdp"]}), [P],
     ["01_alpha.ipynb: metadata.brief.reads names table 'gdp'", "not in data/"]),
    ("empty-csv", _write("data/series.csv", ""), [P],
     ["data/series.csv: empty file", "header line"]),
    ("blank-csv", _write("data/members.csv", "\n \n"), [P],
     ["data/members.csv: empty file"]),
    ("datapackage-resources-object", _write("data/datapackage.json", '{"resources": {}}'), [P],
     ["data/datapackage.json: 'resources' is {}", "non-empty list"]),
    ("datapackage-resources-empty-list", _write("data/datapackage.json", '{"resources": []}'), [P],
     ["data/datapackage.json: 'resources' is []", "non-empty list"]),
    ("datapackage-resource-without-path", _write("data/datapackage.json", '{"resources": [{}]}'),
     [P], ["data/datapackage.json: resources[0] is {}", "'path'"]),
    ("datapackage-missing", _remove("data/datapackage.json"), [P],
     ["data/datapackage.json: missing", "checked before every build, cached or not"]),
    ("missing-data-file", _rehashed(_remove("data/series.csv")), [P],
     ["01_alpha.ipynb", "table 'series'", "not in data/"]),
    ("data-file-missing-from-datapackage", _datapackage(tamper=False), [P],
     ["data/series.csv: listed in data/datapackage.json but missing"]),
    ("data-checksum-mismatch", _datapackage(tamper=True), [P],
     ["data/series.csv: SHA256", "does not match data/datapackage.json"]),
    ("bad-timeout-setting", _nothing, [P, "--force"], ["$BRIEF_EXECUTION_TIMEOUT is 'abc'"]),
    # these start a kernel
    ("notebook-raises", _notebook("03_x.ipynb", [PARAMS_CELL, "1 / 0"]), [P],
     ["notebook 03_x failed in cell 2 (`1 / 0`): ZeroDivisionError: division by zero",
      "kept at _build/default.failed/03_x.ipynb"]),
    ("cell-timeout", _notebook("03_x.ipynb", [PARAMS_CELL, "import time\ntime.sleep(30)"]),
     [P, "--set", "seed=2"],
     ["notebook 03_x timed out: a cell ran longer than 1 s", "$BRIEF_EXECUTION_TIMEOUT"]),
    ("kernel-exits", _notebook("03_x.ipynb", [PARAMS_CELL, "import os\nos._exit(3)"]), [P],
     ["notebook 03_x could not run: its kernel exited with status 3 (a cell ended the Python "
      "process"]),
    ("kernel-killed", _notebook("03_x.ipynb", [
        PARAMS_CELL, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"]), [P],
     ["notebook 03_x could not run: its kernel was killed by SIGKILL (out of memory?"]),
    ("unreadable-csv", _rehashed(_write("data/series.csv", "year,value\n2020\n2021,x,y\n")), [P],
     ["notebook 01_alpha failed in cell 4 (`with open(\"data/series.csv\"", "Error"]),
    ("results-with-unknown-key", _notebook("03_x.ipynb", [
        PARAMS_CELL,
        "import pathlib\np = pathlib.Path(artifacts_dir, 'results')\np.mkdir(exist_ok=True)\n"
        "(p / '03_x.json').write_text('{\"verdicts\": {}}')",
    ]), [P], ["results/03_x.json: unknown top-level key 'verdicts'"]),
]  # fmt: skip


def test_there_are_at_least_forty_distinct_cases():
    assert len({c[0] for c in CASES}) == len(CASES) >= 40


@pytest.mark.parametrize(
    ("setup", "argv", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_one_line_and_writes_nothing(
    setup, argv, words, template, tmp_path, monkeypatch, capsys
):
    root = tmp_path / "project"
    shutil.copytree(template, root)
    use_project(root, monkeypatch)
    monkeypatch.setenv("BRIEF_SCHEDULER_TIMEOUT", "1s")
    if "--force" in argv:
        monkeypatch.setenv("BRIEF_EXECUTION_TIMEOUT", "abc")
    if "seed=2" in argv:
        monkeypatch.setenv("BRIEF_EXECUTION_TIMEOUT", "1")
    setup(root)
    before = snapshot(root / "_build" / "default")
    assert main(["run", *argv]) == 2
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("error: ")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert len(lines[0]) <= 4200  # bounded whatever the input (BriefError's cap plus the prefix)
    assert snapshot(root / "_build" / "default") == before
    leftovers = [p.name for p in (root / "_build").iterdir() if p.name.startswith(".")]
    assert leftovers == []
