"""Quarto's pre-render step: compute the brief, then write the fragments its pages read.

Quarto runs this file with whatever Python it finds (its own, or ``python3`` on PATH), which
need not hold the project's packages. So this script uses the standard library only: it finds
the project's environment and runs ``brief prerender`` (``brief run`` then ``brief fragments``,
picking the brief from ``$BRIEF_PARAMS`` or the Quarto profile) inside it.

The environment is, in order: ``$BRIEF_PYTHON``; the activated conda environment named
``rand-brief`` (as the Makefile uses it); the project's ``.venv/`` made by ``make setup``; the
Python running this script if it can import the project. Without one, the render stops with
one line saying how to make it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONDA_ENV = "rand-brief"


def _can_import(python: str) -> bool:
    probe = subprocess.run(
        [python, "-c", "import analysis.cli"], cwd=ROOT, capture_output=True, check=False
    )
    return probe.returncode == 0


def find_python() -> str | None:
    """The interpreter of the project's environment, or None."""
    explicit = os.environ.get("BRIEF_PYTHON")
    if explicit:
        return explicit
    if os.environ.get("CONDA_DEFAULT_ENV") == CONDA_ENV and os.environ.get("CONDA_PREFIX"):
        return str(Path(os.environ["CONDA_PREFIX"]) / "bin" / "python")
    venv = ROOT / ".venv" / "bin" / "python"
    if venv.is_file():
        return str(venv)
    return sys.executable if _can_import(sys.executable) else None


def main() -> int:
    python = find_python()
    if python is None:
        print(
            "error: no Python environment with the brief's packages was found, so the brief "
            "cannot be computed. Run `make setup` (it creates .venv/), or activate the conda "
            "environment from environment.yml, or set BRIEF_PYTHON; then `quarto render` again.",
            file=sys.stderr,
        )
        return 2
    return subprocess.run([python, "-m", "analysis", "prerender"], cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
