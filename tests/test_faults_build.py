"""Faults around a build: an unwritable _build, a full disk, killed and interrupted builds, a
horizon the data already cover.

The builds run the tiny fixture notebooks (tests/fixtures/pipeline/) in temporary project copies;
the signal tests run ``brief run`` in a process of their own with one extra notebook that keeps
writing into its artifacts folder until it is stopped. Only the horizon tests read the real
curated data (the check needs the indicators), and they fail before any notebook starts.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.params import BriefParams
from analysis.pipeline import build as build_mod
from analysis.pipeline import execute as execute_mod
from analysis.pipeline.build import LOCK_SUFFIX, TmpFolder, build_brief, remove_stale
from tests.fixtures.pipeline.support import (
    build_template,
    copy_built,
    snapshot,
    use_project,
    write_notebook,
)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PARAMS_CELL = 'artifacts_dir = "_build/default"'
# Writes its kernel's pid to ./started, then writes a file into its artifacts folder every 0.2 s
# for a minute: a kernel left running after its build stopped would recreate the folder.
SLOW_CELL = """import os, pathlib, time
pathlib.Path("started").write_text(str(os.getpid()))
for i in range(300):
    out = pathlib.Path(artifacts_dir, "charts")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"tick{i}.txt").write_text("x")
    time.sleep(0.2)
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults") / "project"
    build_template(root)
    return root


@pytest.fixture
def project(template, tmp_path, monkeypatch) -> Path:
    return copy_built(template, tmp_path / "project", monkeypatch)


def one_error_line(argv: list[str], capsys) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("error: ")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def leftovers(root: Path) -> list[str]:
    build = root / "_build"
    return (
        sorted(p.name for p in build.iterdir() if p.name.startswith(".")) if build.is_dir() else []
    )


# ---------------------------------------------------------------------------------------------
# A _build that cannot be written (tests run as root, where chmod does not stop writes: a file
# or a broken link where the folder should be does)


def test_a_file_where_the_build_folder_should_be(project, capsys):
    shutil.rmtree(project / "_build")
    (project / "_build").write_text("not a folder\n")
    line = one_error_line(["run", "params/default.yml"], capsys)
    assert line == (
        "error: _build: is a file, not a folder; expected a folder the build can write into "
        "(move the file away)"
    )
    assert (project / "_build").read_text() == "not a folder\n"


def test_a_broken_link_where_the_build_folder_should_be(project, capsys):
    shutil.rmtree(project / "_build")
    (project / "_build").symlink_to(project / "gone")
    line = one_error_line(["run", "params/default.yml"], capsys)
    assert "error: _build: a broken symbolic link" in line
    assert not (project / "gone").exists()


def test_a_full_disk_while_writing_the_outputs(project, capsys, monkeypatch):
    before = snapshot(project / "_build" / "default")

    def full(plan, tmp, entries, releases):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp / "results.json"))

    monkeypatch.setattr(build_mod, "_write_outputs", full)
    line = one_error_line(["run", "params/default.yml", "--set", "horizon=2031"], capsys)
    assert line == (
        "error: brief default: cannot write results.json of _build/default/ (new) (No space left "
        "on device); _build/default/ is unchanged; expected a writable _build/ folder with free "
        "space"
    )
    assert snapshot(project / "_build" / "default") == before
    assert leftovers(project) == []


# ---------------------------------------------------------------------------------------------
# What killed builds leave behind


def _stale(root: Path, name: str, *, lock: bool, mb: int = 3) -> Path:
    folder = root / "_build" / name
    (folder / "charts").mkdir(parents=True)
    (folder / "charts" / "big.png").write_bytes(b"\0" * (mb << 20))
    if lock:
        folder.with_name(name + LOCK_SUFFIX).write_text("12345 elsewhere\n")
    return folder


def test_a_killed_builds_folder_with_a_free_lock_is_removed_by_the_next_build(project):
    folder = _stale(project, ".tmp-default-killed1", lock=True)
    build_brief("params/default.yml")
    assert not folder.exists() and leftovers(project) == []


def test_a_folder_left_by_a_build_without_locks_is_removed(project):
    folder = _stale(project, ".tmp-default-oldstyle", lock=False)  # the leftovers of issue 13
    build_brief("params/alt.yml")  # any brief's build cleans the shared _build/
    assert not folder.exists() and leftovers(project) == []


def test_a_lock_file_without_its_folder_is_removed(project):
    lock = project / "_build" / f".tmp-default-x{LOCK_SUFFIX}"
    lock.write_text("")
    assert remove_stale(project / "_build") == [lock.name]
    assert not lock.exists()


def test_a_running_builds_folder_is_not_touched(project):
    folder = _stale(project, ".tmp-alt-running", lock=True, mb=0)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time\n"
         "fd = open(sys.argv[1], 'a'); fcntl.flock(fd, fcntl.LOCK_EX)\n"
         "print('locked', flush=True); time.sleep(120)",
         str(folder) + LOCK_SUFFIX],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        build_brief("params/default.yml")
        assert remove_stale(project / "_build") == []
        assert (folder / "charts" / "big.png").exists()
        assert Path(str(folder) + LOCK_SUFFIX).exists()
    finally:
        holder.kill()
        holder.wait(10)
    assert remove_stale(project / "_build") == [folder.name]  # its owner is gone now


def test_this_processes_own_temporary_folder_is_never_stale_to_it(project):
    tmp = TmpFolder(project / "_build", ".tmp-default-")
    try:
        assert remove_stale(project / "_build") == []
        assert tmp.path.is_dir()
    finally:
        tmp.discard()
    assert leftovers(project) == []


def test_a_swap_killed_between_its_renames_puts_the_previous_build_back(project):
    build = project / "_build"
    before = snapshot(build / "default")
    (build / ".old-default-k1").mkdir()
    os.replace(build / "default", build / ".old-default-k1" / "default")
    assert remove_stale(build) == [".old-default-k1"]
    assert snapshot(build / "default") == before and leftovers(project) == []


def test_a_swap_killed_after_its_renames_leaves_only_the_new_build(project):
    build = project / "_build"
    before = snapshot(build / "default")
    shutil.copytree(build / "default", build / ".old-default-k2" / "default")
    (build / ".old-default-k2" / "default" / "results.json").write_text("{}")
    remove_stale(build)
    assert snapshot(build / "default") == before and leftovers(project) == []


# ---------------------------------------------------------------------------------------------
# Signals, on a real `brief run` in its own process


def _start_slow_build(root: Path, *argv: str) -> tuple[subprocess.Popen, int]:
    write_notebook(root / "notebooks" / "03_slow.ipynb", [PARAMS_CELL, SLOW_CELL])
    (root / "tmp").mkdir(exist_ok=True)  # the kernel's connection file is made in $TMPDIR
    env = {**os.environ, "BRIEF_ROOT": str(root), "BRIEF_NOTEBOOKS_DIR": str(root / "notebooks"),
           "TMPDIR": str(root / "tmp")}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-c", "from analysis.cli import entry_point; entry_point()",
         "run", *(argv or ["params/default.yml"])],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    marker = root / "started"
    deadline = time.monotonic() + 90
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the slow notebook did not start: {proc.communicate()[1][-2000:]}")
        time.sleep(0.1)
    time.sleep(0.5)  # a few ticks written into the temporary folder
    return proc, int(marker.read_text())


def _gone(pid: int, seconds: float) -> bool:
    """The process has exited (a zombie left unreaped by init counts as gone)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize(
    ("sig", "code", "word"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
    ids=["ctrl-c", "sigterm"],
)
def test_a_stopped_build_keeps_the_previous_build_and_leaves_nothing(project, sig, code, word):
    """Ctrl-C, or SIGTERM (a service manager, `kill`, a CI timeout) alike: the kernel is killed,
    its connection file removed, the temporary folder removed."""
    before = snapshot(project / "_build" / "default")
    proc, kernel = _start_slow_build(project)
    assert any(n.startswith(".tmp-default-") for n in leftovers(project))
    assert list((project / "tmp").glob("tmp*.json")), "no connection file to remove"
    t0 = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=90)
    assert proc.returncode == code, err
    assert time.monotonic() - t0 < 20  # the kernel is killed, not waited for (a minute's cell)
    assert f"{word}: nothing half-written was kept" in err and "Traceback" not in err, err
    assert _gone(kernel, 10), "the kernel outlived the stopped build"
    time.sleep(0.6)  # a kernel still running would have recreated its folder by now
    assert leftovers(project) == []
    assert list((project / "tmp").iterdir()) == []  # the kernel's connection file too
    assert snapshot(project / "_build" / "default") == before


@pytest.mark.parametrize(
    ("jobs", "sig", "code"),
    [("1", signal.SIGINT, 130), ("2", signal.SIGINT, 130), ("2", signal.SIGTERM, 143)],
)
def test_ctrl_c_on_a_batch_stops_every_brief_and_leaves_nothing(project, jobs, sig, code):
    """SIGINT (or SIGTERM) to the parent only (``kill -INT``): it is passed on to the pool's
    workers, so the briefs stop (none queued after it starts) instead of the pool waiting for
    them to publish."""
    before = snapshot(project / "_build" / "default")
    proc, kernel = _start_slow_build(
        project, "params/default.yml", "params/alt.yml", "--jobs", jobs
    )
    t0 = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert time.monotonic() - t0 < 20  # the slow notebook would take a minute
    assert "Traceback" not in err, err
    assert _gone(kernel, 10)
    time.sleep(0.6)
    assert leftovers(project) == []
    assert snapshot(project / "_build" / "default") == before
    assert not (project / "_build" / "alt").exists()


def test_a_sigkilled_build_leaves_folders_that_the_next_build_removes(project):
    before = snapshot(project / "_build" / "default")
    proc, kernel = _start_slow_build(project)
    proc.kill()
    proc.communicate(timeout=30)
    stale = leftovers(project)
    assert any(n.startswith(".tmp-default-") and not n.endswith(LOCK_SUFFIX) for n in stale)
    if not _gone(kernel, 15):  # its parent is gone: ipykernel's parent poller ends it
        os.kill(kernel, signal.SIGKILL)
    assert snapshot(project / "_build" / "default") == before
    (project / "notebooks" / "03_slow.ipynb").unlink()
    build_brief("params/default.yml")
    assert leftovers(project) == []


# ---------------------------------------------------------------------------------------------
# A horizon the data already cover (checked on the real curated indicators, before any notebook)


@pytest.fixture
def real_data_project(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "real"
    root.mkdir()
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "params", root / "params")
    shutil.copy2(ROOT / "_quarto.yml", root / "_quarto.yml")
    shutil.copytree(ROOT / "tests/fixtures/pipeline/project/notebooks", root / "notebooks")
    use_project(root, monkeypatch)

    def forbidden(*args, **kwargs):
        raise AssertionError("a notebook was started")

    monkeypatch.setattr(execute_mod.KernelSession, "submit", forbidden)
    return root


def _last_year() -> int:
    """The data's last year for the default brief (milex, to 2025 in the SIPRI 2025 release)."""
    return max(build_mod.data_last_years(BriefParams().model_dump(mode="json")).values())


def test_a_horizon_before_the_data_end_is_one_error_before_any_notebook(real_data_project, capsys):
    last = _last_year()
    (real_data_project / "params" / "early.yml").write_text(f"horizon: {last - 2}\n")
    line = one_error_line(["run", "params/early.yml"], capsys)
    assert line.startswith(f"error: params/early.yml: horizon: got {last - 2}, expected a year")
    assert f"after the data's last year {last}" in line and f"set horizon to {last + 1}" in line
    assert not (real_data_project / "_build").exists()


def test_a_horizon_equal_to_the_data_end_from_set_names_the_override(real_data_project, capsys):
    last = _last_year()
    line = one_error_line(["run", "params/default.yml", "--set", f"horizon={last}"], capsys)
    assert f"horizon: got {last} (from --set horizon={last})" in line
    assert not (real_data_project / "_build").exists()


def test_a_horizon_after_every_observed_year_passes_without_loading_the_indicators(
    real_data_project, monkeypatch
):
    """A first build checked its horizon by loading and validating the indicators and making
    every measure (1.5 s). A horizon after the last observed year of the files themselves is
    after every measure's last year, read from two columns; the full check runs only for an
    earlier horizon, which it refuses or passes with the exact years."""
    from analysis import params as params_mod
    from analysis.pipeline.inputs import LoadedParams, check_horizon, observed_years_bound

    bound = observed_years_bound(real_data_project / "data")
    assert bound is not None and _last_year() <= bound < 2030  # the WEO's projections not counted

    def forbidden(dump):
        raise AssertionError("the indicators were loaded")

    monkeypatch.setattr(params_mod, "last_observed_years", forbidden)
    dump = BriefParams(horizon=bound + 1).model_dump(mode="json")
    check_horizon(LoadedParams("default", "t", dump, dump, "params/default.yml"))
    dump = BriefParams(horizon=bound).model_dump(mode="json")
    with pytest.raises(AssertionError, match="the indicators were loaded"):
        check_horizon(LoadedParams("default", "t", dump, dump, "params/default.yml"))


def test_indicator_files_that_do_not_read_give_no_bound_and_the_full_check_runs(tmp_path):
    from analysis.pipeline.inputs import observed_years_bound

    folder = tmp_path / "indicators"
    folder.mkdir()
    (folder / "a.csv").write_text("iso3,year,indicator,value,flag\nCHN,2020,x,1,\n")
    (folder / "b.csv").write_text("iso3,year,indicator,value,flag\nCHN,2031,x,1,projection\n")
    assert observed_years_bound(tmp_path) == 2020
    (folder / "b.csv").write_text("iso3,year,indicator,value,flag\nCHN,soon,x,1,\n")
    assert observed_years_bound(tmp_path) is None
    (folder / "b.csv").write_text("iso3,year,indicator,value\nCHN,2021,x,1\n")  # no flag
    assert observed_years_bound(tmp_path) is None
