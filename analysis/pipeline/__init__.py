"""The compute stage: papermill runs of the notebooks, cached, atomic, batched.

Public API: :func:`run_brief` (contract section 4), :func:`build_brief` (with per-notebook
statistics), :func:`run_batch` (many briefs on a process pool or a dask cluster). Imported lazily
so that ``brief --help`` and a fully cached ``brief run`` do not pay for papermill.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_brief", "run_batch", "run_brief"]


def __getattr__(name: str) -> Any:
    if name == "run_batch":
        from analysis.pipeline.batch import run_batch

        return run_batch
    if name in ("build_brief", "run_brief"):
        from analysis.pipeline import build

        return getattr(build, name)
    raise AttributeError(name)
