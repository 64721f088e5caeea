"""The compute stage: papermill runs of the notebooks, cached, atomic, batched.

Public API: :func:`run_brief` (contract section 4), :func:`build_brief` (with per-notebook
statistics), :func:`run_batch` (many briefs on a process pool or a dask cluster).
"""

from analysis.pipeline.batch import run_batch
from analysis.pipeline.build import build_brief, run_brief

__all__ = ["build_brief", "run_batch", "run_brief"]
