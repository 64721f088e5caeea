"""Execute one notebook with papermill and turn every failure into one BriefError."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import warnings
import weakref
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
    ``BRIEF_KERNEL`` (kernel name, default ``rand-brief``)."""

    start_timeout: float = 60.0
    execution_timeout: float = 900.0
    kernel: str = KERNEL_NAME

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

        return cls(
            start_timeout=number("BRIEF_START_TIMEOUT", cls.start_timeout),
            execution_timeout=number("BRIEF_EXECUTION_TIMEOUT", cls.execution_timeout),
            kernel=os.environ.get("BRIEF_KERNEL") or KERNEL_NAME,
        )


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
            _LAUNCHED.add(self)

    return QuietKernelManager


_LAUNCHED: weakref.WeakSet[Any] = weakref.WeakSet()  # kernel managers this process started


def kill_kernels() -> None:
    """Kill every kernel this process started that still runs (on Ctrl-C: a kernel left running
    would go on writing into the build's temporary folder after it was removed)."""
    for km in list(_LAUNCHED):
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()


def _in_fresh_thread(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` in a new thread: its own (empty) context and its own asyncio loop, closed after.

    papermill/nbclient keep their event loop in a context variable (jupyter_core). Threads that
    inherit one context -- e.g. a dask worker running two briefs in two threads -- would share one
    loop and fail with "This event loop is already running"; a fresh thread never does.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        policy = asyncio.get_event_loop_policy()
        try:
            box["result"] = fn(*args, **kwargs)
        except BaseException as exc:
            box["error"] = exc
        finally:
            try:
                loop = policy.get_event_loop()
            except RuntimeError:
                loop = None
            if loop is not None and not loop.is_running():
                loop.close()
            policy.set_event_loop(None)

    thread = threading.Thread(target=target, name="brief-papermill", daemon=True)
    thread.start()
    try:
        thread.join()
    except BaseException:  # Ctrl-C in this thread: stop the kernel, let papermill's thread end
        kill_kernels()
        thread.join(timeout=10)
        raise
    if "error" in box:
        raise box["error"]
    return box.get("result")


def execute_notebook(
    source: Path,
    output: Path,
    parameters: dict[str, Any],
    cwd: Path,
    settings: Settings,
    kernel: str,
    source_nb: Any = None,
) -> None:
    """Run ``source`` into ``output`` with papermill; raise NotebookFailed on any failure."""
    import papermill  # imported here: a fully cached build never needs it
    from papermill.exceptions import PapermillExecutionError

    name = source.stem
    pm_log = logging.getLogger("papermill")  # nbclient logs timeouts there; we report them
    level = pm_log.level
    pm_log.setLevel(logging.CRITICAL)
    try:
        _in_fresh_thread(
            papermill.execute_notebook,
            str(source),
            str(output),
            parameters=parameters,
            kernel_name=kernel,
            cwd=str(cwd),
            log_output=False,
            progress_bar=False,
            request_save_on_cell_execute=False,
            start_timeout=settings.start_timeout,
            execution_timeout=settings.execution_timeout,
            # the kernel's own start-up chatter (e.g. ipykernel's TCP notice) is not the user's
            # business; errors still surface through the notebook
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
            kernel_manager_class=_quiet_kernel_manager(),
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
                f"{settings.execution_timeout:g} s (raise $BRIEF_EXECUTION_TIMEOUT if expected)",
                kept,
            ) from None
        if kind == "DeadKernelError":
            raise NotebookFailed(
                f"notebook {name} could not run: its kernel died (out of memory?)", kept
            ) from None
        message = " ".join(str(exc).split()) or type(exc).__name__
        if len(message) > 300:
            message = message[:297] + "..."
        raise NotebookFailed(
            f"notebook {name} could not run: {type(exc).__name__}: {message}",
            output if output.exists() else None,
        ) from None
    finally:
        pm_log.setLevel(level)
