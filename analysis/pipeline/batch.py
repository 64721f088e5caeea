"""Many briefs at once: a process pool, or a dask.distributed cluster, through one code path.

Every params file is validated in the calling process before anything runs (so a typo fails
fast and names its file), duplicate brief names are refused (two briefs never write into the same
folder), and each brief is then built by :func:`build_one` in a worker. A brief that fails does
not stop the others; its one-line error is returned in its :class:`Outcome`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import re
import signal
import socket
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.errors import BriefError, clip
from analysis.pipeline.build import (
    NotebookRun,
    RunCounts,
    build_brief,
    load_brief_params,
)
from analysis.pipeline.execute import Settings
from analysis.pipeline.inputs import NameClash


@dataclass
class Outcome(RunCounts):
    """What happened to one brief of a batch."""

    params: str
    name: str
    ok: bool
    seconds: float
    error: str = ""
    runs: list[NotebookRun] = field(default_factory=list)


_busy = False  # a pool worker is building a brief (see _pool_worker_init)
_interrupted = False  # ... and was interrupted: it starts no further brief


def _pool_worker_init(kernels: int = 1) -> None:
    """In each process-pool worker: Ctrl-C stops the build in progress (KeyboardInterrupt: its
    temporary folder is removed) and any brief already queued to this worker, and ends an idle
    worker quietly instead of with a traceback from the pool's queue. A worker's builds run at
    most ``kernels`` kernels side by side (the workers share the cores), unless
    ``$BRIEF_KERNELS`` says otherwise."""
    os.environ.setdefault("BRIEF_KERNELS", str(kernels))

    def on_sigint(signum: int, frame: Any) -> None:
        global _interrupted
        if not _busy:
            os._exit(128 + signum)
        _interrupted = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)
    signal.signal(signal.SIGTERM, on_sigint)  # a SIGTERM to the group cleans up like Ctrl-C


def build_one(
    params_path: str,
    overrides: Sequence[str],
    root: str,
    nb_dir: str,
    force: bool,
) -> Outcome:
    """Worker entry point (a separate process or a dask worker): never raises for bad input."""
    global _busy
    if os.environ.get("BRIEF_ROOT") != root:
        os.environ["BRIEF_ROOT"] = root  # the kernels this worker starts find the same project
    t0 = time.perf_counter()
    name = Path(params_path).stem
    if _interrupted:
        raise KeyboardInterrupt
    _busy = True
    seceded, scheduler = _secede()
    try:
        settings = Settings.from_env()
        if scheduler:
            settings = replace(settings, scheduler=scheduler)
        result = build_brief(
            params_path, overrides, force=force, nb_dir=Path(nb_dir), settings=settings
        )
    except BriefError as exc:
        return Outcome(params_path, name, False, time.perf_counter() - t0, str(exc))
    except Exception as exc:  # a bug or a crash in one brief must not lose the others
        msg = " ".join(f"{type(exc).__name__}: {exc}".split())
        return Outcome(params_path, name, False, time.perf_counter() - t0, msg)
    finally:
        _busy = False
        if seceded:
            from distributed import rejoin

            rejoin()
    return Outcome(params_path, result.name, True, result.seconds, runs=result.runs)


def _secede() -> tuple[bool, str]:
    """On a dask worker: leave the worker's thread pool while the brief builds (it waits on its
    kernels, and its multiverse's blocks may be sent to this very worker, which would deadlock a
    worker of one thread): True, and the scheduler's address for its kernels ("" when another
    process cannot reach it: an in-process cluster). Elsewhere (False, "")."""
    try:
        from distributed import get_worker, secede
    except ImportError:
        return False, ""
    try:
        worker = get_worker()
    except ValueError:  # not in a dask task
        return False, ""
    secede()
    address = str(worker.scheduler.address)
    return True, "" if address.startswith("inproc://") else address


def validate_batch(params_paths: Sequence[str | Path], overrides: Sequence[str]) -> list[str]:
    """Validate every params file and refuse two files naming the same brief, before any work;
    every problem is reported at once (one BriefError), not only the first. Returns the names."""
    names: dict[str, str] = {}
    problems: list[str] = []
    clashes: set[str] = set()  # a pair of files of one name is reported once, not from each side
    for path in params_paths:
        try:
            params = load_brief_params(path, overrides)
        except NameClash as exc:
            if exc.name not in clashes:
                problems.append(str(exc))
            clashes.add(exc.name)
            continue
        except BriefError as exc:
            problems.append(str(exc))
            continue
        if params.name in names:
            problems.append(
                f"{params.source}: brief name {params.name!r} is also the name of "
                f"{names[params.name]}; expected one params file per brief (two briefs cannot "
                "share _build/<name>/)"
            )
        names.setdefault(params.name, params.source)
    if len(problems) == 1:
        raise BriefError(problems[0])
    if problems:
        raise BriefError(
            f"{len(problems)} problems in {len(params_paths)} params files: " + "; ".join(problems)
        )
    return list(names)


DEFAULT_SCHEDULER_TIMEOUT = "10s"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|m|min)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0}


def scheduler_timeout() -> tuple[float, str]:
    """``$BRIEF_SCHEDULER_TIMEOUT`` (default ``10s``) as (seconds, as written): how long reaching
    ``--scheduler`` may take, connection and handshake together. ``10s``, ``500ms``, ``2m`` or a
    plain number of seconds."""
    raw = os.environ.get("BRIEF_SCHEDULER_TIMEOUT") or DEFAULT_SCHEDULER_TIMEOUT
    match = _DURATION.match(raw)
    seconds = float(match[1]) * _UNIT_SECONDS[match[2] or "s"] if match else 0.0
    if not 0 < seconds < 86_400:
        raise BriefError(
            f"$BRIEF_SCHEDULER_TIMEOUT is {clip(repr(raw))}, expected a positive duration such "
            "as 10s, 500ms or 2m"
        )
    return seconds, raw.strip()


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return clip(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


def _parse_address(address: str, where: str) -> tuple[str, tuple[str, int] | None]:
    """(scheme, (host, port) for TCP-based schemes) of a scheduler address, or one BriefError."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    expected = "expected a scheduler address such as tcp://host:8786"
    try:
        scheme, loc = parse_address(address)
        get_backend(scheme)
        if scheme not in ("tcp", "tls", "ws", "wss"):
            return scheme, None
        host, port = parse_host_port(loc)
    except ValueError as exc:
        raise BriefError(f"{where}: not a scheduler address ({_reason(exc)}); {expected}") from None
    if not host or not 0 < int(port) < 65536:
        raise BriefError(
            f"{where}: not a scheduler address (host {host!r}, port {port}); {expected}"
        )
    return scheme, (host, int(port))


async def _identity(address: str, seconds: float) -> Any:
    """Connect to ``address`` with dask's own comm layer (handshake included) and ask who it is
    (a scheduler answers ``{"type": "Scheduler", ...}``)."""
    from distributed.comm import connect

    comm = await connect(address, timeout=seconds)
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        comm.abort()


def probe_scheduler(address: str, seconds: float, shown: str) -> None:
    """Check that a dask scheduler answers at ``address`` within ``seconds`` (connection, dask's
    handshake and one request together), or raise one BriefError saying what is there instead.

    ``distributed.Client`` bounds only the TCP connection by its timeout: a peer that accepts
    and then says nothing (a web server) hangs its handshake forever, one that sends other bytes
    can raise anything (numpy's MemoryError when the first 8 bytes read as a frame length), and
    an address it cannot parse leaves a half-built Client whose ``__del__`` prints a traceback.
    So the address is parsed first, then tried in a thread of its own that the caller waits for
    at most ``seconds`` (name resolution and a plain TCP connection, then the dask request), and
    the Client is made only once a scheduler has answered.
    """
    where = f"--scheduler {clip(address)}"
    expected = "expected the address of a running dask scheduler, e.g. tcp://host:8786"
    _, host_port = _parse_address(address, where)
    box: dict[str, Any] = {"phase": "connect" if host_port else "handshake"}
    deadline = time.monotonic() + seconds

    def target() -> None:
        try:
            while host_port is not None:  # refused: retried until the deadline (starting up?)
                try:
                    socket.create_connection(host_port, timeout=seconds).close()
                    box["phase"] = "handshake"
                    break
                except ConnectionRefusedError:
                    if time.monotonic() + 0.1 > deadline:
                        raise
                    time.sleep(0.1)
            left = max(deadline - time.monotonic(), 0.001)
            box["reply"] = asyncio.run(asyncio.wait_for(_identity(address, left), left))
        except BaseException as exc:  # reported below, in the caller's thread
            box["error"] = exc

    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # dask logs the failed handshakes reported below
    try:
        thread = threading.Thread(target=target, name="brief-scheduler-probe", daemon=True)
        thread.start()
        thread.join(seconds + 0.5)  # the thread's own limits end it by then; this is a backstop
    finally:
        quiet.setLevel(level)
    error = box.get("error")
    timed_out = thread.is_alive() or isinstance(error, TimeoutError)
    if box["phase"] == "connect" and (timed_out or isinstance(error, OSError)):
        why = f" ({_reason(error)})" if error is not None and not timed_out else ""
        raise BriefError(
            f"{where}: cannot connect to a dask scheduler within {shown}{why}; {expected} "
            "(or raise $BRIEF_SCHEDULER_TIMEOUT)"
        )
    if timed_out:
        raise BriefError(
            f"{where}: connected, but no answer to dask's handshake within {shown}: the service "
            f"there is not a dask scheduler (a web server?); {expected}"
        )
    if isinstance(error, OSError):
        raise BriefError(
            f"{where}: the peer closed the connection during dask's handshake "
            f"({_reason(error)}): not a dask scheduler; {expected}"
        )
    if isinstance(error, Exception):  # MemoryError, msgpack or pickle errors: not dask's protocol
        raise BriefError(
            f"{where}: the service there does not speak dask's protocol ({_reason(error)}); "
            f"{expected}"
        )
    if error is not None:  # KeyboardInterrupt, SystemExit
        raise error
    reply = box.get("reply")
    kind = reply.get("type") if isinstance(reply, dict) else type(reply).__name__
    if kind != "Scheduler":
        raise BriefError(
            f"{where}: the peer answered as {clip(repr(kind))}, not as a dask scheduler; {expected}"
        )


def _connect(address: str) -> Any:
    """A ``distributed.Client`` for ``address``, or one BriefError within the time limit."""
    seconds, shown = scheduler_timeout()
    probe_scheduler(address, seconds, shown)
    from distributed import Client

    try:
        return Client(address, timeout=seconds, set_as_default=False)
    except Exception as exc:  # the scheduler went away between the probe and now
        raise BriefError(
            f"--scheduler {clip(address)}: cannot connect to a dask scheduler within {shown} "
            f"({_reason(exc)}); expected a running scheduler, e.g. tcp://host:8786"
        ) from None


def _interrupt_workers(pool: ProcessPoolExecutor) -> None:
    """Ctrl-C reached only this process (e.g. ``kill -INT``): pass it on to the workers, so each
    stops its build and removes its temporary folder, instead of the pool's shutdown waiting
    for them to finish and publish. (A terminal's Ctrl-C reaches them all already.)"""
    for proc in list(getattr(pool, "_processes", {}).values()):
        with contextlib.suppress(OSError, ValueError):
            if proc.is_alive():
                os.kill(proc.pid, signal.SIGINT)
    pool.shutdown(wait=True, cancel_futures=True)


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
    from analysis.pipeline.execute import cores

    if jobs < 1:
        raise BriefError(f"--jobs: got {jobs}, expected a positive number of worker processes")
    validate_batch(params_paths, overrides)
    root = str(paths.project_root())
    nbd = str((nb_dir or notebooks_dir()).resolve())
    args = [(str(p), list(overrides), root, nbd, force) for p in params_paths]
    outcomes: dict[int, Outcome] = {}
    if scheduler:
        client = _connect(scheduler)
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
        workers = min(jobs, len(args))
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=_pool_worker_init,
            initargs=(max(1, cores() // workers),),
        ) as pool:
            pending: dict[Future[Outcome], int] = {
                pool.submit(build_one, *a): i for i, a in enumerate(args)
            }
            try:
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
            except KeyboardInterrupt:
                _interrupt_workers(pool)
                raise
    return [outcomes[i] for i in range(len(args))]
