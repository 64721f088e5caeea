"""Execute notebooks with papermill, one kernel per build, every failure one BriefError."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import signal
import subprocess
import threading
import warnings
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.errors import BriefError

KERNEL_NAME = "rand-brief"
FALLBACK_KERNEL = "python3"


@dataclass(frozen=True)
class Settings:
    """How kernels are run. From the environment: ``BRIEF_START_TIMEOUT`` (seconds to wait for a
    kernel, default 60), ``BRIEF_EXECUTION_TIMEOUT`` (seconds per cell, default 900),
    ``BRIEF_KERNEL`` (kernel name, default ``rand-brief``), ``BRIEF_KERNELS`` (at most how many
    kernels a build runs side by side, default the processor cores this process may use),
    ``BRIEF_SCHEDULER`` (a dask scheduler's address the kernels are given: a brief built on a
    cluster sends a large multiverse's blocks there, analysis.compute.multiverse)."""

    start_timeout: float = 60.0
    execution_timeout: float = 900.0
    kernel: str = KERNEL_NAME
    kernels: int = 1
    scheduler: str = ""

    @classmethod
    def from_env(cls) -> Settings:
        def number(var: str, default: float) -> float:
            raw = os.environ.get(var)
            if raw is None or raw == "":
                return default
            try:
                value = float(raw)
            except ValueError:
                value = -1.0
            if value <= 0:
                raise BriefError(f"${var} is {raw!r}, expected a positive number of seconds")
            return value

        raw = os.environ.get("BRIEF_KERNELS") or ""
        if raw.strip():
            if not raw.strip().isdigit() or int(raw) < 1:
                raise BriefError(f"$BRIEF_KERNELS is {raw!r}, expected a positive whole number")
            kernels = int(raw)
        else:
            kernels = cores()
        return cls(
            start_timeout=number("BRIEF_START_TIMEOUT", cls.start_timeout),
            execution_timeout=number("BRIEF_EXECUTION_TIMEOUT", cls.execution_timeout),
            kernel=os.environ.get("BRIEF_KERNEL") or KERNEL_NAME,
            kernels=kernels,
            scheduler=os.environ.get("BRIEF_SCHEDULER", "").strip(),
        )


def cores() -> int:
    """The processor cores this process may run on (its affinity where the system says)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def pick_kernel(wanted: str = KERNEL_NAME) -> str:
    """``wanted`` if that Jupyter kernel is installed, else ``python3`` with a warning."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    if wanted in specs:
        return wanted
    if FALLBACK_KERNEL in specs:
        warnings.warn(
            f"Jupyter kernel {wanted!r} not found (run `make setup`); using {FALLBACK_KERNEL!r}",
            stacklevel=2,
        )
        return FALLBACK_KERNEL
    raise BriefError(
        f"no Jupyter kernel {wanted!r} or {FALLBACK_KERNEL!r} installed (run `make setup`)"
    )


class NotebookFailed(BriefError):
    """A notebook raised; ``executed`` is the partly executed notebook path (for inspection)."""

    def __init__(self, message: str, executed: Path | None):
        super().__init__(message)
        self.executed = executed


def describe_cell(source_nb: Any, cell_source: str, fallback_index: int) -> str:
    """``cell 4 (fig-c1-ratio)`` or ``cell 4 (`x = compute(...)`)``: the 1-based index among the
    source notebook's cells, then its Quarto label or first non-blank source line."""
    cells = source_nb["cells"] if source_nb is not None else []
    number = next(
        (i + 1 for i, c in enumerate(cells) if _text(c.get("source", "")) == cell_source),
        None,
    )
    lines = [ln.strip() for ln in cell_source.splitlines() if ln.strip()]
    where = f"cell {number}" if number is not None else f"executed cell {fallback_index + 1}"
    if number is None and cells is not None and not lines:
        return where
    for line in lines:
        if line.startswith("#| label:"):
            return f"{where} ({line.split(':', 1)[1].strip()})"
    first = lines[0] if lines else ""
    if len(first) > 60:
        first = first[:57] + "..."
    return f"{where} (`{first}`)"


def _text(src: Any) -> str:
    return "".join(src) if isinstance(src, list) else str(src)


def _quiet_kernel_manager() -> type:
    """A kernel manager whose kernel process writes nothing to our stderr: cell output reaches
    the notebook through Jupyter's messages anyway, and a failure is reported in one line, so the
    kernel's own log (e.g. a traceback when a timed-out kernel is killed) is noise."""
    import subprocess

    from jupyter_client import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            kw.setdefault("stderr", subprocess.DEVNULL)
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


class _SessionThreadsOnly(logging.Filter):
    """Drops papermill's log records made in a session's thread: nbclient logs a timeout there,
    which the session reports in one line, and papermill each parameter a notebook does not
    declare (a claim's run receives what its claim declares). Records of other threads pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.threadName.startswith(THREAD_PREFIX)


def _quiet_papermill() -> None:
    """Attach :class:`_SessionThreadsOnly` to papermill's logger, once. (A logger level set and
    restored around each notebook is shared by threads: two kernels side by side left it
    restored while the other notebook ran.)"""
    log = logging.getLogger("papermill")
    if not any(isinstance(f, _SessionThreadsOnly) for f in log.filters):
        log.addFilter(_SessionThreadsOnly())


class _SharedKernelEngine:
    """The papermill engine for :class:`KernelSession`: nbclient's, on a kernel and a client it
    is given.

    papermill's own engine makes a client for every notebook, and nbclient then waits for the
    kernel to be ready (a round trip, then 0.2 s of listening for stray messages); the session's
    client is started once, with its kernel, and kept (its channels stay open between
    notebooks: nbclient ignores messages that answer another request).
    """

    @classmethod
    def engine(cls) -> Any:
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.engines import NBClientEngine

        class Engine(NBClientEngine):
            @classmethod
            def execute_managed_notebook(  # type: ignore[override]
                cls,
                nb_man: Any,
                kernel_name: str,
                log_output: bool = False,
                start_timeout: float = 60,
                execution_timeout: float | None = None,
                km: Any = None,
                kc: Any = None,
                **_: Any,
            ) -> Any:
                client = PapermillNotebookClient(
                    nb_man,
                    km=km,
                    kernel_name=kernel_name,
                    timeout=execution_timeout,
                    startup_timeout=start_timeout,
                    log=logging.getLogger("papermill"),
                    log_output=log_output,
                )
                client.kc = kc  # ready: nbclient makes no client of its own
                return client.execute()

        return Engine


ENGINE_NAME = "brief-shared-kernel"
#: The kernel's own start-up chatter (e.g. ipykernel's TCP notice) is not the user's business
#: (errors still surface through the notebook); and no input history: a build's cells are in its
#: notebooks, and IPython's history database (``~/.ipython``) is written on every reset.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]
# Before each notebook after the first: an empty namespace and execution counts from 1, as in a
# fresh kernel. Imported modules stay loaded: that is the point (imports are most of a kernel's
# start-up cost), and the library is pure functions, so no state passes between notebooks (each
# run records its charts in its own analysis.compute.artifacts.Exhibits object).
_RESET = "get_ipython().reset(new_session=True)\n"
# ... and each notebook sees warnings as in a fresh process: Python shows a warning once per place
# in the code and process, so one issued by the library would otherwise show in whichever
# notebook of the kernel reached that place first (with kernels side by side, not always the
# same one). Resetting the filters invalidates every module's record of what it has shown; the
# filters themselves are put back as they were.
FRESH_WARNINGS = (
    "import warnings as __w\n__f = list(__w.filters)\n__w.resetwarnings()\n"
    "__w.filters[:] = __f\ndel __w, __f\n"
)
# ... and what is loaded by then is set aside from the garbage collector (gc.freeze): the
# modules, their caches and the tables of earlier notebooks live as long as the kernel, yet every
# full collection walked them all again, 0.1 s each with pandas, Altair and scipy loaded: the
# reset's own gc.collect before each notebook and the collections a notebook's allocations set
# off. Frozen after the reset's collection, so nothing collectable is kept; a kernel lives only
# as long as its build.
SET_ASIDE = "__import__('gc').freeze()\n"


# One build's kernels at a time in a process. Two builds in threads of one process (a dask
# worker with two threads running two briefs) each ran a kernel, and one kernel's start could
# hang for good while the other's shut down (seen in CI, not reproducible on demand; 50 kernels
# started and shut down in two threads of one process with distinct thread names did not hang).
# Builds in separate processes (the --jobs pool, dask workers with one thread each) still run
# side by side; threads of one process take turns. A build's own kernels (its lanes,
# analysis.pipeline.lanes) run side by side within its turn.
_ONE_SESSION_AT_A_TIME = threading.Lock()
_thread_numbers = itertools.count(1)
THREAD_PREFIX = "brief-kernel-"  # each session's thread: brief-kernel-1_0, brief-kernel-2_0, ...


class KernelSession:
    """One Jupyter kernel for every notebook a build runs, started on first use.

    A kernel start plus the imports of pandas, Altair and vl-convert cost about 2 s a notebook;
    reusing the kernel pays them once per build. Between notebooks the kernel's namespace is
    reset (:data:`_RESET`), so each notebook sees what it would in a fresh kernel except modules
    already imported. Everything runs in one worker thread of the session's own (a fresh context
    and asyncio loop: papermill/nbclient keep their loop in a context variable, and threads that
    share one -- e.g. a dask worker running two briefs -- fail with "event loop is already
    running"; each thread has a name of its own, as jupyter_core keys its loops by thread name).
    A process runs one build's kernels at a time (:data:`_ONE_SESSION_AT_A_TIME`): a session
    takes that turn when its kernel starts and gives it back when it is shut down, unless it
    runs within the turn of its build (``own_turn=False``: a lane beside another).
    """

    def __init__(
        self,
        settings: Settings,
        kernel: str,
        cwd: Path,
        *,
        own_turn: bool = True,
        preload: str = "",
    ):
        from concurrent.futures import ThreadPoolExecutor

        self.settings, self.kernel, self.cwd = settings, kernel, cwd
        self.own_turn = own_turn
        self.preload = preload  # code the kernel runs, silently, once it has started
        self._pool = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f"{THREAD_PREFIX}{next(_thread_numbers)}"
        )
        self._km: Any = None
        self._kc: Any = None  # the client of the kernel, its channels open while it runs
        self._stopping = False  # interrupted: start no notebook (see run)
        self._phase = "idle"  # what the worker thread does: idle, start, reset or notebook
        self._holds_lock = False
        self.notebooks_run = 0
        self._retired: Future[None] | None = None

    def __enter__(self) -> KernelSession:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Shut the kernel down (if one was started) and end the worker thread."""
        try:
            self.retire().result()
        finally:
            self._pool.shutdown(wait=True)

    def retire(self) -> Future[None]:
        """Start shutting the kernel down, in the worker thread, after what it was given; the
        same future on every call (:meth:`close` waits for it)."""
        if self._retired is None:
            self._retired = self._pool.submit(self._shutdown)
        return self._retired

    def start(self) -> Future[None]:
        """Start the kernel now, in the background (else the first notebook starts it)."""
        return self._pool.submit(self._start_once)

    def submit(
        self, source: Path, output: Path, parameters: dict[str, Any], source_nb: Any = None
    ) -> Future[None]:
        """Start running ``source`` into ``output`` with papermill; the future raises
        NotebookFailed on any failure."""
        return self._pool.submit(self._run, source, output, parameters, source_nb)

    def run(
        self, source: Path, output: Path, parameters: dict[str, Any], source_nb: Any = None
    ) -> None:
        """Run ``source`` into ``output`` with papermill; raise NotebookFailed on any failure."""
        future = self.submit(source, output, parameters, source_nb)
        try:
            future.result()
        except BaseException:  # Ctrl-C while the notebook runs (or its kernel starts)
            if not future.done():
                self.stop()
            raise

    def stop(self) -> None:
        """Stop what the session does (Ctrl-C, or another lane's notebook failed): a start or
        reset in progress ends soon and no notebook follows it; a notebook running is killed."""
        self._stopping = True
        if self._phase == "notebook":
            self.kill()

    def kill(self) -> None:
        """Kill the kernel process now, from the calling thread: the notebook it runs stops
        writing into the build's folder, and :meth:`close` need not wait for it to end (nbclient
        notices the dead kernel within a second; a reset would wait for its timeout instead,
        which is why :meth:`run` kills only while a notebook runs)."""
        process = getattr(getattr(self._km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)

    def death(self) -> str:
        """Why the kernel is gone, from its exit status: a cell that ended the process
        (``os._exit(3)``) is not a lack of memory; a SIGKILL may be (the out-of-memory killer)."""
        process = getattr(getattr(self._km, "provisioner", None), "process", None)
        code = None
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = process.wait(timeout=5)
        if code is None:
            return "its kernel died (its exit status is unknown)"
        if code >= 0:
            return (
                f"its kernel exited with status {code} (a cell ended the Python process, e.g. "
                "os._exit or a crash in compiled code)"
            )
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if -code == signal.SIGKILL:
            return (
                f"its kernel was killed by {name} (out of memory? the system's out-of-memory "
                "killer sends it; or it was stopped from outside)"
            )
        return f"its kernel was killed by {name} (stopped from outside, or a crash)"

    # -- in the worker thread -------------------------------------------------------------

    def _start(self) -> None:
        from jupyter_core.utils import run_sync

        if self.own_turn and not self._holds_lock:
            _ONE_SESSION_AT_A_TIME.acquire()
            self._holds_lock = True
        km = _quiet_kernel_manager()(kernel_name=self.kernel)
        env = dict(os.environ)
        if self.settings.scheduler:
            env["BRIEF_SCHEDULER"] = self.settings.scheduler
        run_sync(km.start_kernel)(extra_arguments=KERNEL_ARGUMENTS, cwd=str(self.cwd), env=env)
        self._km = km
        kc = km.client()
        kc.start_channels()
        self._kc = kc
        run_sync(kc.wait_for_ready)(timeout=self.settings.start_timeout)
        kc.allow_stdin = False
        if self.preload:
            self._execute(self.preload + FRESH_WARNINGS + SET_ASIDE)

    def _start_once(self) -> None:
        if self._km is None and not self._stopping:
            self._phase = "start"
            try:
                self._start()
            finally:
                self._phase = "idle"

    def _execute(self, code: str) -> None:
        """Run ``code`` silently (no output, no execution count) in the kernel."""
        from jupyter_core.utils import run_sync

        reply = run_sync(self._kc.execute_interactive)(
            code, silent=True, store_history=False, timeout=self.settings.start_timeout
        )
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"the kernel could not run {code!r}: {reply['content']}")

    def _reset(self) -> None:
        self._execute(_RESET + FRESH_WARNINGS + SET_ASIDE)

    def _shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        km, self._km = self._km, None
        kc, self._kc = self._kc, None
        try:
            if kc is not None:
                kc.stop_channels()
            if km is not None:
                try:
                    run_sync(km.shutdown_kernel)(now=True)
                finally:
                    run_sync(km.cleanup_resources)()
            try:
                loop = asyncio.get_event_loop_policy().get_event_loop()
            except RuntimeError:
                loop = None
            if loop is not None and not loop.is_running():
                loop.close()
            asyncio.get_event_loop_policy().set_event_loop(None)
        finally:
            if self._holds_lock:
                self._holds_lock = False
                _ONE_SESSION_AT_A_TIME.release()

    def _run(self, source: Path, output: Path, parameters: dict[str, Any], source_nb: Any) -> None:
        import papermill  # imported here: a fully cached build never needs it
        from papermill.engines import papermill_engines
        from papermill.exceptions import PapermillExecutionError

        name = source.stem
        settings = self.settings
        _quiet_papermill()
        try:
            if self._km is None:
                self._phase = "start"
                self._start()
            elif self.notebooks_run:
                self._phase = "reset"
                self._reset()
            self._phase = "notebook"
            if self._stopping:  # interrupted while the kernel started or reset: run nothing
                raise KeyboardInterrupt
            papermill_engines.register(ENGINE_NAME, _SharedKernelEngine.engine())
            self.notebooks_run += 1
            papermill.execute_notebook(
                str(source),
                str(output),
                parameters=parameters,
                kernel_name=self.kernel,
                engine_name=ENGINE_NAME,
                km=self._km,
                kc=self._kc,
                log_output=False,
                progress_bar=False,
                request_save_on_cell_execute=False,
                start_timeout=settings.start_timeout,
                execution_timeout=settings.execution_timeout,
            )
        except PapermillExecutionError as exc:
            where = describe_cell(source_nb, _text(exc.source), exc.cell_index)
            evalue = " ".join(str(exc.evalue).split()) or "(no message)"
            raise NotebookFailed(
                f"notebook {name} failed in {where}: {exc.ename}: {evalue}",
                output if output.exists() else None,
            ) from None
        except Exception as exc:  # kernel died, timed out, could not start, ...
            kind = type(exc).__name__
            kept = output if output.exists() else None
            if kind == "CellTimeoutError":
                raise NotebookFailed(
                    f"notebook {name} timed out: a cell ran longer than "
                    f"{settings.execution_timeout:g} s (raise $BRIEF_EXECUTION_TIMEOUT if "
                    "expected)",
                    kept,
                ) from None
            if kind == "DeadKernelError":
                raise NotebookFailed(
                    f"notebook {name} could not run: {self.death()}", kept
                ) from None
            message = " ".join(str(exc).split()) or type(exc).__name__
            if len(message) > 300:
                message = message[:297] + "..."
            raise NotebookFailed(
                f"notebook {name} could not run: {type(exc).__name__}: {message}", kept
            ) from None
        finally:
            self._phase = "idle"


def execute_notebook(
    source: Path,
    output: Path,
    parameters: dict[str, Any],
    cwd: Path,
    settings: Settings,
    kernel: str,
    source_nb: Any = None,
) -> None:
    """Run one notebook in a kernel of its own (see :class:`KernelSession` for a build)."""
    with KernelSession(settings, kernel, cwd) as session:
        session.run(source, output, parameters, source_nb)
