"""A build's notebook runs side by side: up to N kernels (lanes), each run in a folder of its own.

A run writes into ``<build folder>/.run-<stem>/`` (its ``artifacts_dir``), which starts with
the artifacts of the runs it needs (``metadata.brief.needs``, and theirs) and nothing else, so
what a run reads does not depend on which other runs happened to finish first. When it ends, its
new or changed files are its artifacts; :func:`analysis.pipeline.build.build` links them into the
build folder in plan order (a later run's file replaces an earlier one's, as when the runs ran
one after another), so the build is the same bytes whatever order the kernels finish in. Which
kernel takes which run (:func:`pick`: a claim's runs where its tables are already loaded)
changes only the time.

How many lanes: at most ``Settings.kernels`` (``$BRIEF_KERNELS``, default the cores), and one
per :data:`RUNS_PER_KERNEL` runs to execute: a kernel's start and imports cost about what three
or four small runs do, so a build that re-runs one claim (two runs) uses one kernel.

Each kernel first imports, silently, the modules the notebooks import (:func:`preloads`): a
build with nothing to reuse starts its kernels that way while it plans, and in every kernel an
import's warnings go nowhere instead of into whichever notebook happened to run first.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from pathlib import Path
from typing import Any

from analysis.errors import BriefError
from analysis.paramfile import parse_overrides
from analysis.pipeline.execute import (
    _ONE_SESSION_AT_A_TIME,
    KernelSession,
    Settings,
    pick_kernel,
)
from analysis.pipeline.inputs import brief_name
from analysis.pipeline.plan import list_notebooks, notebooks_dir

RUNS_PER_KERNEL = 4


def lane_count(kernels: int, runs: int) -> int:
    """How many kernels ``runs`` notebook runs get: one per :data:`RUNS_PER_KERNEL` runs, at
    most ``kernels``, at least one."""
    return max(1, min(kernels, -(-runs // RUNS_PER_KERNEL)))


def preloads(notebooks: Iterable[Mapping[str, Any]]) -> list[str]:
    """What a kernel does before its first notebook, sorted: the modules the notebooks' code
    cells import at their top level (``import a.b``: ``a.b``; ``from a.b import c``: ``a.b``
    and ``a.b.c``, which may be a module or a name; a cell that is not Python, a magic, is
    skipped), and what their ``metadata.brief.preload`` lists (a module imported lazily by the
    library, e.g. ``scipy.stats``, or ``module:function`` to call, e.g. to start an engine)."""
    found: set[str] = set()
    for nb in notebooks:
        cells = nb.get("cells", [])
        listed = _brief(nb).get("preload", [])
        if isinstance(listed, list):
            found.update(x for x in listed if isinstance(x, str))
        for cell in cells:
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            try:
                tree = ast.parse("".join(source) if isinstance(source, list) else str(source))
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    found.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    found.add(node.module)
                    found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(found)


def preload_code(preloads: Iterable[str]) -> str:
    """Code that imports each module (calls each ``module:function``) of ``preloads`` and
    leaves nothing in the namespace; what fails is left for the notebook to report."""
    names = json.dumps(list(preloads))
    return (
        "def __brief_preload():\n"
        "    import importlib\n"
        f"    for name in {names}:\n"
        "        module, _, function = name.partition(':')\n"
        "        try:\n"
        "            loaded = importlib.import_module(module)\n"
        "            if function:\n"
        "                getattr(loaded, function)()\n"
        "        except Exception:\n"
        "            pass\n"
        "__brief_preload()\n"
        "del __brief_preload\n"
    )


def pick(ready: Sequence[Any], session: object, owners: dict[str, object]) -> Any:
    """The run a free kernel takes among those ready (plan order): one of a claim it has run
    before (the claim's tables are loaded in that kernel), else one of a claim no kernel has
    started, else the first; the kernel then owns the run's claim (``owners``; a run of no
    claim is its own). Which kernel runs what never changes the build, only its time."""

    def claim(nb: Any) -> str:
        return nb.claim or nb.stem

    chosen = (
        next((nb for nb in ready if owners.get(claim(nb)) is session), None)
        or next((nb for nb in ready if claim(nb) not in owners), None)
        or ready[0]
    )
    owners.setdefault(claim(chosen), session)
    return chosen


def expected_runs(notebooks: Iterable[Mapping[str, Any]]) -> int:
    """How many runs the notebooks will make, before the plan says: one each, and
    :data:`RUNS_PER_KERNEL` for a notebook that runs once per claim (``metadata.brief.per``;
    it makes several) -- enough to start the kernels they will need."""
    return sum(RUNS_PER_KERNEL if _brief(nb).get("per") else 1 for nb in notebooks)


def _brief(nb: Mapping[str, Any]) -> Mapping[str, Any]:
    """A notebook's ``metadata.brief`` (empty when absent or not a mapping)."""
    metadata = nb.get("metadata")
    brief = metadata.get("brief") if isinstance(metadata, Mapping) else None
    return brief if isinstance(brief, Mapping) else {}


def _read(path: Path) -> dict[str, Any]:
    """A notebook file as JSON; empty when unreadable (the plan reports it)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return nb if isinstance(nb, dict) else {}


def run_dir(tmp: Path, stem: str) -> Path:
    """The folder one run writes into, inside the build's temporary folder."""
    return tmp / f".run-{stem}"


def upstream(stem: str, needs: Mapping[str, list[str]]) -> list[str]:
    """Every run ``stem`` needs, directly or through another, in plan order (``needs`` lists
    the runs in plan order, each with the earlier runs it names)."""
    wanted = set(needs.get(stem, []))
    for other in reversed(list(needs)):
        if other in wanted:
            wanted.update(needs[other])
    return [s for s in needs if s in wanted]


def seed(folder: Path, sources: Iterable[tuple[Path, str]], *, link: bool = False) -> None:
    """Copy each ``(folder, relative path)`` into ``folder`` (later ones replace earlier).

    ``link``: a hard link instead of a copy where the file system allows, for files nothing
    writes again (a finished run's, the previous build's); a run's own folder always gets
    copies, as a notebook may rewrite a file in place."""
    for source, rel in sources:
        dest = folder / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if link:
            dest.unlink(missing_ok=True)
            try:
                os.link(source / rel, dest)
                continue
            except OSError:
                pass  # another file system, or no hard links: a copy
        shutil.copy2(source / rel, dest)


class Lanes:
    """Up to ``count`` kernel sessions for one build, started as runs need them.

    The build takes its process's turn (:data:`analysis.pipeline.execute._ONE_SESSION_AT_A_TIME`)
    when its first kernel starts and gives it back in :meth:`close`; its own kernels run side by
    side within it.
    """

    def __init__(
        self, settings: Settings, kernel: str, cwd: Path, count: int, preload: str = ""
    ) -> None:
        self.settings, self.kernel, self.cwd, self.count = settings, kernel, cwd, count
        self.preload = preload
        self.sessions: list[KernelSession] = []
        self.busy: dict[Future[None], KernelSession] = {}
        self._turn = False

    def free(self) -> KernelSession | None:
        """A session with nothing to do (a new one while fewer than ``count``), else None."""
        working = set(map(id, self.busy.values()))
        for session in self.sessions:
            if id(session) not in working:
                return session
        if len(self.sessions) >= self.count:
            return None
        return self._new()

    def warm(self, count: int) -> None:
        """Start ``count`` kernels now (at most :attr:`count`), in the background: a build with
        nothing to reuse does while it plans."""
        while len(self.sessions) < min(count, self.count):
            self._new().start()

    def _new(self) -> KernelSession:
        if not self._turn:
            _ONE_SESSION_AT_A_TIME.acquire()
            self._turn = True
        session = KernelSession(
            self.settings, self.kernel, self.cwd, own_turn=False, preload=self.preload
        )
        self.sessions.append(session)
        return session

    def submit(self, session: KernelSession, *args: object) -> Future[None]:
        future = session.submit(*args)  # type: ignore[arg-type]
        self.busy[future] = session
        return future

    def wait(self) -> set[Future[None]]:
        """Wait until at least one running notebook ends; those that did, no longer busy."""
        done, _ = wait(list(self.busy), return_when=FIRST_COMPLETED)
        for future in done:
            del self.busy[future]
        return done

    def stop(self) -> None:
        """Stop every kernel's work (another notebook failed, bad parameters, Ctrl-C): a
        notebook running is killed, a kernel starting runs nothing after."""
        for session in self.sessions:
            session.stop()

    def abort(self) -> None:
        """The build ends without running what is left (an error, Ctrl-C): stop every kernel's
        work, then shut them down."""
        self.stop()
        self.close()

    def retire_idle(self) -> None:
        """Start shutting down every kernel with nothing to do: the build calls it once no run
        is left to start, so a kernel that ran its last notebook goes while the others finish
        theirs, not after them."""
        working = set(map(id, self.busy.values()))
        for session in self.sessions:
            if id(session) not in working:
                session.retire()

    def close(self) -> None:
        """Shut every kernel down, side by side (each, even if another's shutdown fails: the
        first error is raised after) and give the process's turn back."""
        error: Exception | None = None
        try:
            for session in self.sessions:
                session.retire()
            for session in self.sessions:
                try:
                    session.close()
                except Exception as exc:
                    error = error or exc
            if error is not None:
                raise error
        finally:
            self.sessions = []
            if self._turn:
                self._turn = False
                _ONE_SESSION_AT_A_TIME.release()


def new_lanes(settings: Settings, root: Path, notebooks: Iterable[Mapping[str, Any]]) -> Lanes:
    """Kernels for a build's runs (none started yet), each importing first what the notebooks
    (parsed) import."""
    preload = preload_code(preloads(notebooks))
    return Lanes(settings, pick_kernel(settings.kernel), root, settings.kernels, preload)


def early_lanes(
    settings: Settings,
    root: Path,
    path: Path,
    overrides: Sequence[str],
    force: bool,
    nb_dir: Path | None,
) -> Lanes | None:
    """A build with nothing to reuse (``--force``, or no earlier build of the brief) starts its
    kernels before it reads its parameters and plans, so their start and imports overlap them;
    a build that may reuse runs starts none until its plan says what runs."""
    parsed, problems = parse_overrides(overrides)
    if problems:  # the parameters' check reports them: nothing will run
        return None
    given = [o.value for o in parsed if o.key == "name"]  # the last one counts, as a YAML value
    name = str(given[-1]) if given else brief_name(path if path.is_absolute() else root / path)
    if not force and (name is None or (root / "_build" / name / "manifest.json").is_file()):
        return None
    try:
        notebooks = [_read(path) for path in list_notebooks(nb_dir or notebooks_dir())]
        lanes = new_lanes(settings, root, notebooks)
    except BriefError:  # reported by the plan
        return None
    lanes.warm(lane_count(settings.kernels, expected_runs(notebooks)))
    return lanes
