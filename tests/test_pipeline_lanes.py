"""A build's runs side by side in several kernels: the same build whatever order they end in."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import nbformat
import pytest

from analysis.errors import BriefError
from analysis.pipeline import build as build_module
from analysis.pipeline import execute, lanes
from analysis.pipeline.build import build_brief
from tests.fixtures.pipeline.support import make_project, snapshot, write_notebook

PARAMS = 'artifacts_dir = "_build/default"'
# First in plan order; with $WAIT_FOR set it ends only once the build has seen the run after it
# end (the test's progress callback writes that file), so the two end in the other order.
SLOW = (
    "import os, pathlib, time\n"
    "out = pathlib.Path(artifacts_dir)\n"
    "for _ in range(600 if os.environ.get('WAIT_FOR') else 0):\n"
    "    if pathlib.Path(os.environ['WAIT_FOR']).exists():\n"
    "        break\n"
    "    time.sleep(0.05)\n"
    "(out / 'tables').mkdir(parents=True, exist_ok=True)\n"
    "(out / 'tables' / 'slow.csv').write_text('a\\n1\\n')\n"
    "print('slow done')"
)


# -- pure parts ----------------------------------------------------------------------------------


def test_one_kernel_per_four_runs_at_most_the_cores_at_least_one():
    assert lanes.lane_count(2, 15) == 2
    assert lanes.lane_count(2, 2) == 1  # re-running one claim: a second kernel would cost more
    assert lanes.lane_count(8, 9) == 3
    assert lanes.lane_count(1, 15) == 1
    assert lanes.lane_count(4, 0) == 1


def test_a_run_gets_what_it_needs_directly_and_through_another_in_plan_order():
    needs = {"a": [], "b": ["a"], "c": [], "d": ["b"], "e": ["c"]}
    assert lanes.upstream("d", needs) == ["a", "b"]
    assert lanes.upstream("e", needs) == ["c"]
    assert lanes.upstream("a", needs) == []


def test_runs_expected_before_the_plan_count_a_per_claim_notebook_as_several(tmp_path: Path):
    one = write_notebook(tmp_path / "a.ipynb", [PARAMS])
    per = write_notebook(tmp_path / "b.ipynb", [PARAMS])
    book = nbformat.read(per, 4)
    book.metadata["brief"] = {"per": "claim"}
    nbformat.write(book, per)
    one_nb, per_nb = nbformat.read(one, 4), nbformat.read(per, 4)
    assert lanes.expected_runs([one_nb]) == 1
    assert lanes.expected_runs([one_nb, per_nb]) == 1 + lanes.RUNS_PER_KERNEL


def test_the_preload_imports_what_the_notebooks_import_and_leaves_no_name(tmp_path: Path):
    nb = write_notebook(
        tmp_path / "n.ipynb",
        [PARAMS, "import json, os.path\nfrom email import utils\nx = 1", "%%time\nimport csv"],
    )
    book = nbformat.read(nb, 4)
    book.metadata["brief"] = {"preload": ["csv", "calendar:isleap"]}
    nbformat.write(book, nb)
    # a name imported from a module may be a submodule (email.utils): tried as one
    assert lanes.preloads([nbformat.read(nb, 4)]) == [
        "calendar:isleap",
        "csv",
        "email",
        "email.utils",
        "json",
        "os.path",
    ]
    ns: dict = {}
    called: list[str] = []
    probe = types.ModuleType("brief_probe")
    probe.go = lambda: called.append("go")  # type: ignore[attr-defined]
    sys.modules["brief_probe"] = probe
    try:
        exec(lanes.preload_code(["json", "no_such_module_here", "brief_probe:go", "json:nope"]), ns)
    finally:
        del sys.modules["brief_probe"]
    assert set(ns) == {"__builtins__"}  # nothing left; the failures are the notebook's
    assert called == ["go"]


def test_bad_brief_kernels_is_one_clear_error(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BRIEF_KERNELS", "two")
    with pytest.raises(BriefError, match=r"\$BRIEF_KERNELS is 'two', expected a positive whole"):
        execute.Settings.from_env()
    monkeypatch.setenv("BRIEF_KERNELS", "3")
    assert execute.Settings.from_env().kernels == 3


# -- builds --------------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "project", monkeypatch)
    write_notebook(root / "notebooks" / "00_slow.ipynb", [PARAMS, SLOW])
    monkeypatch.setattr(lanes, "RUNS_PER_KERNEL", 1)  # the fixture's three runs get 2 kernels
    return root


@pytest.mark.slow
def test_two_kernels_give_the_build_one_kernel_gives_whatever_order_runs_end_in(
    project: Path, monkeypatch: pytest.MonkeyPatch, sessions: list[execute.KernelSession]
):
    order: list[str] = []
    marker = project.parent / "alpha-ran"

    def progress(event: str, _brief: str, stem: str, *_: object) -> None:
        if event == "ran":
            order.append(stem)
            if stem == "01_alpha":
                marker.write_text("")

    monkeypatch.setenv("WAIT_FOR", str(marker))  # the kernels inherit it
    monkeypatch.setenv("BRIEF_KERNELS", "2")
    result = build_brief("params/default.yml", progress=progress)
    assert len(sessions) == 2
    assert order.index("01_alpha") < order.index("00_slow")  # the first run ended after
    assert [r.stem for r in result.runs] == ["00_slow", "01_alpha", "02_beta"]  # plan order
    side_by_side = snapshot(project / "_build" / "default")
    assert not any(".run-" in rel or ".tmp-" in rel for rel in side_by_side)

    monkeypatch.delenv("WAIT_FOR")
    monkeypatch.setenv("BRIEF_KERNELS", "1")
    sessions.clear()
    build_brief("params/default.yml", force=True)
    assert len(sessions) == 1
    assert snapshot(project / "_build" / "default") == side_by_side
    manifest = json.loads((project / "_build" / "default" / "manifest.json").read_text())
    assert manifest["notebooks"]["00_slow"]["artifacts"].keys() == {"tables/slow.csv"}
    executed = (project / "_build" / "default" / "notebooks" / "00_slow.ipynb").read_text()
    assert ".run-" not in executed and ".tmp-" not in executed


@pytest.mark.slow
def test_a_kernel_with_no_run_left_shuts_down_while_the_other_still_runs(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    """The build shut its kernels down one after the other once every run had ended: a kernel
    that had run its last notebook went only after the other's. Here the first run ends only
    once a kernel has begun shutting down."""
    events: list[str] = []
    marker = project.parent / "a-kernel-went"
    real = execute.KernelSession._shutdown

    def shutdown(self):
        events.append("shutdown")
        marker.write_text("")
        return real(self)

    def progress(event: str, _brief: str, stem: str, *_: object) -> None:
        if event == "ran":
            events.append(stem)

    monkeypatch.setattr(execute.KernelSession, "_shutdown", shutdown)
    monkeypatch.setenv("WAIT_FOR", str(marker))
    monkeypatch.setenv("BRIEF_KERNELS", "2")
    build_brief("params/default.yml", progress=progress)
    assert events.index("shutdown") < events.index("00_slow"), events
    assert events.count("shutdown") == 2


@pytest.mark.slow
def test_a_run_sees_the_artifacts_of_the_runs_it_needs_and_no_others(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("BRIEF_KERNELS", "2")
    path = write_notebook(
        project / "notebooks" / "03_reader.ipynb",
        [
            PARAMS,
            "import pathlib\nout = pathlib.Path(artifacts_dir)\n"
            "found = sorted(p.relative_to(out).as_posix() for p in out.rglob('*') if p.is_file())\n"
            "(out / 'tables').mkdir(exist_ok=True)\n"
            "(out / 'tables' / 'found.csv').write_text('\\n'.join(['file', *found]) + '\\n')",
        ],
    )
    nb = nbformat.read(path, 4)
    nb.metadata["brief"] = {"needs": ["01_alpha"]}
    nbformat.write(nb, path)
    build_brief("params/default.yml")
    found = (project / "_build" / "default" / "tables" / "found.csv").read_text().split()
    manifest = json.loads((project / "_build" / "default" / "manifest.json").read_text())
    alpha = sorted(manifest["notebooks"]["01_alpha"]["artifacts"])
    assert found == ["file", *alpha]  # 01_alpha's files; not 00_slow's or 02_beta's
    assert "tables/found.csv" in manifest["notebooks"]["03_reader"]["artifacts"]
    assert not set(alpha) & set(manifest["notebooks"]["03_reader"]["artifacts"])


@pytest.mark.slow
def test_a_failure_in_one_kernel_stops_the_other_and_publishes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, sessions: list[execute.KernelSession]
):
    monkeypatch.setenv("BRIEF_KERNELS", "2")
    write_notebook(project / "notebooks" / "01_alpha.ipynb", [PARAMS, "raise ValueError('no')"])
    with pytest.raises(BriefError, match=r"notebook 01_alpha failed in cell 2.*ValueError: no"):
        build_brief("params/default.yml")
    assert len(sessions) == 2
    assert all(s._km is None for s in sessions)  # both kernels shut down
    assert not (project / "_build" / "default").exists()
    assert list((project / "_build").glob(".tmp-*")) == []
    kept = project / "_build" / "default.failed" / "01_alpha.ipynb"
    assert ".run-" not in kept.read_text()


@pytest.mark.slow
def test_a_build_with_nothing_to_reuse_starts_its_kernels_before_it_plans(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    events: list[str] = []
    real_start, real_plan = execute.KernelSession.start, build_module.plan_brief
    monkeypatch.setattr(
        execute.KernelSession, "start", lambda self: events.append("kernel") or real_start(self)
    )
    monkeypatch.setattr(
        build_module, "plan_brief", lambda *a, **k: events.append("plan") or real_plan(*a, **k)
    )
    monkeypatch.setenv("BRIEF_KERNELS", "2")  # three runs, one kernel per run: two kernels
    build_brief("params/default.yml")
    assert events == ["kernel", "kernel", "plan"]
    events.clear()
    result = build_brief("params/default.yml")  # everything reusable: no kernel at all
    assert events == ["plan"] and result.ran == 0
    events.clear()
    monkeypatch.setenv("BRIEF_KERNELS", "1")
    build_brief("params/default.yml", force=True)
    assert events == ["kernel", "plan"]
    # a name given as a YAML string, as the editions give theirs: its earlier build is found
    # (the quotes were read as part of the name: every warm edition started kernels for nothing)
    build_brief("params/default.yml", ['name="other"'])
    events.clear()
    result = build_brief("params/default.yml", ['name="other"'])
    assert events == ["plan"] and result.ran == 0


@pytest.mark.slow
def test_bad_params_shut_the_early_kernels_down(
    project: Path, monkeypatch: pytest.MonkeyPatch, sessions: list[execute.KernelSession]
):
    monkeypatch.setenv("BRIEF_KERNELS", "2")
    (project / "params" / "bad.yml").write_text("name: bad\nhorizon: soon\n", encoding="utf-8")
    with pytest.raises(BriefError, match="horizon"):
        build_brief("params/bad.yml")
    assert len(sessions) == 2
    assert all(s._km is None and s._pool._shutdown for s in sessions)
    assert execute._ONE_SESSION_AT_A_TIME.acquire(blocking=False)  # the turn given back
    execute._ONE_SESSION_AT_A_TIME.release()


def test_papermill_records_of_kernel_threads_are_dropped_and_others_kept(caplog):
    import logging
    import threading

    execute._quiet_papermill()
    execute._quiet_papermill()  # once only
    log = logging.getLogger("papermill")
    assert sum(isinstance(f, execute._SessionThreadsOnly) for f in log.filters) == 1
    level = log.level

    def say(text: str) -> None:
        log.warning(text)

    for name, text in (("brief-kernel-7_0", "from a session"), ("other", "from elsewhere")):
        thread = threading.Thread(target=say, args=(text,), name=name)
        thread.start()
        thread.join()
    assert [r.getMessage() for r in caplog.records] == ["from elsewhere"]
    assert log.level == level  # no level set and restored around a notebook
