"""Faults round three (issue 24): SIGTERM cleans up like Ctrl-C (real signals on real
processes), temporary folders live where the next command removes them and git ignores them, a
missing datapackage.json stops a cached build, and a read-only project is one line for every
command.

The render tests use a stand-in for Quarto (a shell script, with a child of its own as Pandoc
or Typst would be) and the report fixture's build; the curation tests need the raw data; the
read-only tests run each command as an unprivileged user (``setpriv``) when the suite runs as
root, since root writes through any permission.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.clone import fresh_copy
from tests.conftest import RAW_DIR
from tests.fixtures.pipeline.support import snapshot
from tests.test_report_render import _project

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]

# Quarto's stand-in: writes its pid, starts a child that keeps writing into the project copy (as
# Pandoc or Typst would), and waits for it.
SLOW_QUARTO = """#!/bin/sh
[ "$1" = --version ] && { echo 9.9.9; exit 0; }
echo $$ > "$QUARTO_PIDS"
( while true; do date >> "$2/still-writing"; sleep 0.1; done ) &
echo $! >> "$QUARTO_PIDS"
wait
"""

# `brief render` in a process of its own, its compute stage replaced by the report fixture's
# build (tests/test_report_render.py), so the render starts at once.
RENDER = """
import sys
from pathlib import Path
from analysis.publish import render as rendering
from tests.test_report_render import _fake_build
root = Path(sys.argv[1])
rendering.compute = lambda p, o=(): _fake_build(root, p)
from analysis.cli import main
sys.exit(main(["render", sys.argv[2]]))
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def _gone(pids: list[int], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


def _leftovers(root: Path, tmp: Path) -> list[str]:
    found = [f"$TMPDIR/{p.name}" for p in tmp.iterdir()]
    for folder in (root, root / "_build", root / "_build" / "_render", root / "data"):
        if folder.is_dir():
            found += [
                f"{folder.relative_to(root)}/{p.name}"
                for p in folder.iterdir()
                if p.name.startswith((".tmp-", "._site-", ".old-"))
            ]
    return sorted(found)


@pytest.fixture
def render_project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = _project(tmp_path)
    bindir, tmp = tmp_path / "bin", tmp_path / "tmp"
    bindir.mkdir()
    tmp.mkdir()
    exe = bindir / "quarto"
    exe.write_text(SLOW_QUARTO)
    exe.chmod(0o755)
    env = {
        **os.environ,
        "BRIEF_ROOT": str(root),
        "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
        "QUARTO_PIDS": str(tmp_path / "quarto.pids"),
        "TMPDIR": str(tmp),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("BRIEF_PARAMS", None)
    return root, env


@pytest.mark.parametrize(("sig", "code", "word"), [("SIGTERM", 143, "terminated"),
                                                  ("SIGINT", 130, "interrupted")])  # fmt: skip
def test_a_stopped_render_ends_quarto_and_its_children_and_leaves_nothing(
    render_project, sig, code, word
):
    root, env = render_project
    pids_file = Path(env["QUARTO_PIDS"])
    proc = subprocess.Popen(
        [sys.executable, "-c", RENDER, str(root), "params/ppp.yml"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not pids_file.exists() or len(pids_file.read_text().split()) < 2:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"quarto did not start: {proc.communicate()[1][-2000:]}")
        time.sleep(0.1)
    quarto_pids = [int(p) for p in pids_file.read_text().split()]
    time.sleep(0.5)  # the child has written into the project copy
    assert any(n.startswith("_build/.tmp-render-") for n in _leftovers(root, Path(env["TMPDIR"])))
    proc.send_signal(getattr(signal, sig))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert f"{word}: nothing half-written was kept" in err and "Traceback" not in err
    assert _gone(quarto_pids), "Quarto or its child outlived the render"
    time.sleep(0.3)  # a child still running would have recreated its file by now
    assert _leftovers(root, Path(env["TMPDIR"])) == []
    assert not (root / "_site").exists()


def test_what_a_killed_render_left_is_removed_by_the_next(render_project, monkeypatch):
    """SIGKILL cannot be cleaned up after; the folders' locks die with the process, so the next
    render removes them (and never a folder whose owner still runs)."""
    from analysis.cli import main
    from analysis.publish import render as rendering
    from tests.test_report_render import FAKE_QUARTO, _fake_build

    root, env = render_project
    for name in ("_build/.tmp-render-ppp-k1/project", "_build/_render/.tmp-ppp-k2/_site",
                 "._site-k3/_site"):  # fmt: skip
        (root / name).mkdir(parents=True)
        (root / name / "big.bin").write_bytes(b"\0" * 1024)
    (Path(env["PATH"].split(os.pathsep)[0]) / "quarto").write_text(FAKE_QUARTO)
    for k in ("BRIEF_ROOT", "PATH", "QUARTO_PIDS", "TMPDIR"):
        monkeypatch.setenv(k, env[k])
    monkeypatch.setenv("QUARTO_LOG", str(root / "quarto.log"))
    monkeypatch.setattr(rendering, "compute", lambda p, o=(): _fake_build(root, p))
    assert main(["render", str(root / "params" / "ppp.yml")]) == 0
    assert _leftovers(root, Path(env["TMPDIR"])) == []
    assert (root / "_site" / "briefs" / "ppp" / "index.html").is_file()


# ---------------------------------------------------------------------------------------------
# The curation (needs the raw data)


def need_raw() -> None:
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")


@pytest.fixture
def data_project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    need_raw()
    root = tmp_path / "project"
    (root / "params").mkdir(parents=True)
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copy2(ROOT / "_quarto.yml", root / "_quarto.yml")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "BRIEF_ROOT": str(root), "BRIEF_RAW_DIR": str(RAW_DIR), "TMPDIR": str(tmp)}
    return root, env


def _brief(*argv: str) -> list[str]:
    return [sys.executable, "-c", "from analysis.cli import entry_point; entry_point()", *argv]


def test_a_terminated_curation_leaves_nothing_in_data(data_project):
    root, env = data_project
    before = snapshot(root / "data")
    proc = subprocess.Popen(
        _brief("data", "curate"), cwd=root, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not list((root / "data").glob(".tmp-curate-*")):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the curation made no temporary folder: {proc.communicate()[1][-2000:]}")
        time.sleep(0.05)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "terminated: nothing half-written was kept" in err and "Traceback" not in err
    assert _leftovers(root, Path(env["TMPDIR"])) == []
    assert snapshot(root / "data") == before


def test_a_killed_curations_folder_is_reported_ignored_and_removed(data_project):
    root, env = data_project
    stale = root / "data" / ".tmp-curate-k1"
    (stale / "indicators").mkdir(parents=True)
    (stale / "indicators" / "weo.csv").write_text("iso3,year\n")
    check = subprocess.run(_brief("data", "check"), cwd=root, env=env, capture_output=True,
                           text=True, check=False)  # fmt: skip
    assert check.returncode == 0, check.stderr
    assert "note: data/.tmp-curate-k1: a temporary folder of a curation that was stopped" in (
        check.stdout
    )
    paths = ["data/.tmp-curate-k1/indicators/weo.csv", "data/.tmp-curate-k1.lock",
             "._site-k2/_site/index.html", "report/.gen-k3/summary.md"]  # fmt: skip
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=ROOT,
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert ignored.stdout.split() == paths
    curate = subprocess.run(_brief("data", "curate"), cwd=root, env=env, capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert curate.returncode == 0, curate.stderr
    assert not stale.exists() and _leftovers(root, Path(env["TMPDIR"])) == []


# ---------------------------------------------------------------------------------------------
# A read-only project: one line from every command


NOBODY = 65534


@pytest.fixture(scope="module")
def read_only_project(built: Path) -> Path:
    """A fresh copy of the project with the flagship built (so every command reaches the point
    where it writes), made read-only; in a folder an unprivileged user can reach."""
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot make a project read-only")
    base = Path(tempfile.mkdtemp(prefix="brief-readonly-", dir="/tmp"))
    os.chmod(base, 0o755)
    root = fresh_copy(base / "project")
    shutil.copytree(built / "_build" / "default", root / "_build" / "default")
    for p in [root, *root.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o555 if p.is_dir() else 0o444)
    home = base / "home"
    home.mkdir()
    if os.geteuid() == 0:
        os.chown(home, NOBODY, NOBODY)
    yield root
    for p in [root, *root.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(base, ignore_errors=True)


COMMANDS = [
    ["run", "params/default.yml", "--force"],
    ["render", "params/default.yml"],
    ["site"],
    ["fragments"],
    ["prerender"],
    ["data", "curate"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_every_command_on_a_read_only_project_is_one_line(read_only_project, argv):
    if argv[0] == "data":
        need_raw()
    root = read_only_project
    before = snapshot(root)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEF_", "QUARTO_PROFILE"))}
    env.update(HOME=str(root.parent / "home"), BRIEF_RAW_DIR=str(RAW_DIR),
               PYTHONDONTWRITEBYTECODE="1")  # fmt: skip
    cmd = _brief(*argv)
    if os.geteuid() == 0:
        cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300,
                          check=False)  # fmt: skip
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")]
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert "Permission denied" in lines[0] and "cannot write" in lines[0], lines[0]
    assert snapshot(root) == before
