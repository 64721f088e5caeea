"""Many briefs at once: a process pool, or a dask.distributed cluster, through one code path.

Every params file is validated in the calling process before anything runs (so a typo fails
fast and names its file), duplicate brief names are refused (two briefs never write into the same
folder), and each brief is then built by :func:`build_one` in a worker. A brief that fails does
not stop the others; its one-line error is returned in its :class:`Outcome`.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from analysis import paths
from analysis.errors import BriefError
from analysis.pipeline.build import (
    NotebookRun,
    build_brief,
    load_brief_params,
)


@dataclass
class Outcome:
    """What happened to one brief of a batch."""

    params: str
    name: str
    ok: bool
    seconds: float
    error: str = ""
    runs: list[NotebookRun] = field(default_factory=list)

    @property
    def ran(self) -> int:
        return sum(r.status == "ran" for r in self.runs)

    @property
    def cached(self) -> int:
        return sum(r.status == "cached" for r in self.runs)


def build_one(
    params_path: str,
    overrides: Sequence[str],
    root: str,
    nb_dir: str,
    force: bool,
) -> Outcome:
    """Worker entry point (a separate process or a dask worker): never raises for bad input."""
    if os.environ.get("BRIEF_ROOT") != root:
        os.environ["BRIEF_ROOT"] = root  # the kernels this worker starts find the same project
    t0 = time.perf_counter()
    name = Path(params_path).stem
    try:
        result = build_brief(params_path, overrides, force=force, nb_dir=Path(nb_dir))
    except BriefError as exc:
        return Outcome(params_path, name, False, time.perf_counter() - t0, str(exc))
    except Exception as exc:  # a bug or a crash in one brief must not lose the others
        msg = " ".join(f"{type(exc).__name__}: {exc}".split())
        return Outcome(params_path, name, False, time.perf_counter() - t0, msg)
    return Outcome(params_path, result.name, True, result.seconds, runs=result.runs)


def validate_batch(params_paths: Sequence[str], overrides: Sequence[str]) -> list[str]:
    """Validate every params file; refuse two files naming the same brief. Returns the names."""
    names: dict[str, str] = {}
    for path in params_paths:
        params = load_brief_params(path, overrides)
        if params.name in names:
            raise BriefError(
                f"{path}: brief name {params.name!r} is also the name of {names[params.name]}; "
                "expected one params file per brief (two briefs cannot share _build/<name>/)"
            )
        names[params.name] = path
    return list(names)


def _connect(address: str, timeout: str):
    from distributed import Client

    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        if len(reason) > 200:
            reason = reason[:197] + "..."
        raise BriefError(
            f"--scheduler {address}: cannot connect to a dask scheduler within {timeout} "
            f"({reason}); expected a running scheduler, e.g. tcp://host:8786"
        ) from None


def run_batch(
    params_paths: Sequence[str],
    overrides: Sequence[str] = (),
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    force: bool = False,
    nb_dir: Path | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Build every brief; return one Outcome each, in the order given.

    ``scheduler`` (a dask.distributed address) runs the briefs on that cluster; otherwise a
    process pool of ``jobs`` workers (spawned processes: no state shared with the caller).
    The timeout for reaching the scheduler is ``$BRIEF_SCHEDULER_TIMEOUT`` (default ``10s``).
    """
    from analysis.pipeline.build import notebooks_dir

    if jobs < 1:
        raise BriefError(f"--jobs: got {jobs}, expected a positive number of worker processes")
    validate_batch(params_paths, overrides)
    root = str(paths.project_root())
    nbd = str((nb_dir or notebooks_dir()).resolve())
    args = [(str(p), list(overrides), root, nbd, force) for p in params_paths]
    outcomes: dict[int, Outcome] = {}
    if scheduler:
        timeout = os.environ.get("BRIEF_SCHEDULER_TIMEOUT", "10s")
        client = _connect(scheduler, timeout)
        try:
            futures = [
                client.submit(build_one, *a, key=f"brief-{i}-{Path(a[0]).stem}", pure=False)
                for i, a in enumerate(args)
            ]
            for i, fut in enumerate(futures):  # in order given (a cluster finishes them in any)
                try:
                    outcomes[i] = fut.result()
                except Exception as exc:  # worker lost, etc.
                    outcomes[i] = Outcome(
                        args[i][0], Path(args[i][0]).stem, False, 0.0, f"dask: {exc}"
                    )
                if on_done:
                    on_done(outcomes[i])
        finally:
            client.close()
    else:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(jobs, len(args)), mp_context=ctx) as pool:
            pending: dict[Future[Outcome], int] = {
                pool.submit(build_one, *a): i for i, a in enumerate(args)
            }
            for fut in as_completed(pending):
                i = pending[fut]
                try:
                    outcomes[i] = fut.result()
                except Exception as exc:  # the worker process died
                    outcomes[i] = Outcome(
                        args[i][0], Path(args[i][0]).stem, False, 0.0, f"worker: {exc}"
                    )
                if on_done:
                    on_done(outcomes[i])
    return [outcomes[i] for i in range(len(args))]
