"""One kernel per build: started once, reset between notebooks, same outputs as fresh kernels."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from analysis.errors import BriefError
from analysis.pipeline import execute
from analysis.pipeline.build import build_brief
from tests.fixtures.pipeline.support import make_project, snapshot, write_notebook

pytestmark = pytest.mark.slow

PARAMS = 'artifacts_dir = "_build/default"'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_project(tmp_path / "project", monkeypatch)


@pytest.fixture
def starts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every kernel start."""
    calls: list[str] = []
    real = execute.KernelSession._start

    def spy(self):
        calls.append(self.kernel)
        return real(self)

    monkeypatch.setattr(execute.KernelSession, "_start", spy)
    return calls


def test_a_cold_build_starts_one_kernel_for_all_its_notebooks(project: Path, starts: list[str]):
    result = build_brief("params/default.yml")
    assert [r.status for r in result.runs] == ["ran", "ran"]
    assert len(starts) == 1


def test_a_notebook_does_not_see_the_previous_notebooks_variables(project: Path):
    nb_dir = project / "notebooks"
    write_notebook(nb_dir / "03_leak.ipynb", [PARAMS, "print(weights)"])  # 02_beta defines it
    with pytest.raises(BriefError, match=r"notebook 03_leak failed in cell 2.*NameError"):
        build_brief("params/default.yml")


def test_execution_counts_restart_at_one_in_every_notebook(project: Path):
    build_brief("params/default.yml")
    for stem in ("01_alpha", "02_beta"):
        nb = nbformat.read(project / "_build" / "default" / "notebooks" / f"{stem}.ipynb", 4)
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1)), (stem, counts)


def test_shared_kernel_outputs_equal_one_kernel_per_notebook(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    build_brief("params/default.yml")
    shared = snapshot(project / "_build" / "default")
    # the same build with a fresh session (kernel) for every notebook
    real_run = execute.KernelSession.run

    def fresh(self, *args, **kwargs):
        with execute.KernelSession(self.settings, self.kernel, self.cwd) as own:
            return real_run(own, *args, **kwargs)

    monkeypatch.setattr(execute.KernelSession, "run", fresh)
    build_brief("params/default.yml", force=True)
    assert snapshot(project / "_build" / "default") == shared


def test_the_kernel_is_shut_down_after_the_build(project: Path, sessions: list):
    build_brief("params/default.yml")
    assert len(sessions) == 1
    assert sessions[0]._km is None and sessions[0]._pool._shutdown
    manifest = json.loads((project / "_build" / "default" / "manifest.json").read_text())
    assert sorted(manifest["notebooks"]) == ["01_alpha", "02_beta"]


def test_two_sessions_in_threads_of_one_process_take_turns(monkeypatch: pytest.MonkeyPatch):
    # Two builds in threads of one process (a dask worker with two threads) once hung in CI:
    # one kernel's start never returned while the other's shut down. A session now holds its
    # process's kernel from start to shutdown; the other waits its turn.
    events: list[str] = []

    class FakeClient:
        allow_stdin = True

        def start_channels(self) -> None:
            pass

        def stop_channels(self) -> None:
            pass

        async def wait_for_ready(self, timeout: float | None = None) -> None:
            pass

    class FakeManager:
        def __init__(self, kernel_name: str):
            self.name = kernel_name

        async def start_kernel(self, **_: object) -> None:
            events.append(f"start {self.name}")

        async def shutdown_kernel(self, now: bool = False) -> None:
            events.append(f"stop {self.name}")

        async def cleanup_resources(self) -> None:
            pass

        def client(self) -> FakeClient:
            return FakeClient()

    monkeypatch.setattr(execute, "_quiet_kernel_manager", lambda: FakeManager)
    settings = execute.Settings()
    first = execute.KernelSession(settings, "a", Path("."))
    second = execute.KernelSession(settings, "b", Path("."))
    first._pool.submit(first._start).result(timeout=10)
    waiting = second._pool.submit(second._start)
    with pytest.raises(TimeoutError):
        waiting.result(timeout=0.5)  # b's kernel does not start while a's runs
    first.close()
    waiting.result(timeout=10)
    second.close()
    assert events == ["start a", "stop a", "start b", "stop b"]
    assert execute._ONE_SESSION_AT_A_TIME.acquire(blocking=False)  # given back
    execute._ONE_SESSION_AT_A_TIME.release()


def test_a_library_warning_shows_in_every_notebook_that_meets_it(project: Path):
    """Python shows a warning once per place in the code and process: in a shared kernel, one
    the library issues showed only in the first notebook that reached it (which notebook that is
    depends on how runs are shared among kernels). Each notebook now sees it as a fresh kernel
    would."""
    (project / "warner.py").write_text(
        "import warnings\n\ndef go():\n    warnings.warn('from the library')\n", encoding="utf-8"
    )
    nb_dir = project / "notebooks"
    for stem in ("01_alpha", "02_beta"):
        write_notebook(nb_dir / f"{stem}.ipynb", [PARAMS, "import warner\nwarner.go()"])
    build_brief("params/default.yml")
    for stem in ("01_alpha", "02_beta"):
        nb = nbformat.read(project / "_build" / "default" / "notebooks" / f"{stem}.ipynb", 4)
        said = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
        assert any("from the library" in text for text in said), stem


def test_what_earlier_notebooks_loaded_is_set_aside_from_the_garbage_collector(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    """A full collection walked every object the kernel had loaded (0.1 s each with pandas,
    Altair and scipy), before each notebook and whenever a notebook's allocations set one off.
    What is loaded by a notebook's start is frozen, after the reset collected the previous
    notebook's garbage: a cycle the first notebook dropped is collected, not frozen."""
    (project / "holder.py").write_text("KEPT = []\n", encoding="utf-8")
    nb_dir = project / "notebooks"
    write_notebook(
        nb_dir / "01_alpha.ipynb",
        [
            PARAMS,
            "import gc, weakref, holder\n"
            "class Cycle:\n    pass\n"
            "c = Cycle(); c.me = c\n"
            "holder.KEPT.append(weakref.ref(c))\n"
            "del c",
        ],
    )
    write_notebook(
        nb_dir / "02_beta.ipynb",
        [
            PARAMS,
            "import gc, holder\n"
            "print('frozen', gc.get_freeze_count() > 10000)\n"
            "print('cycle collected', holder.KEPT[0]() is None)",
        ],
    )
    monkeypatch.setenv("BRIEF_KERNELS", "1")  # both notebooks in one kernel
    build_brief("params/default.yml")
    nb = nbformat.read(project / "_build" / "default" / "notebooks" / "02_beta.ipynb", 4)
    said = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "frozen True" in said
    assert "cycle collected True" in said
