"""Paths, defined once.

The project root is the folder holding ``_quarto.yml`` and ``params/``. It is found from the
``BRIEF_ROOT`` environment variable, else by walking up from the current directory, else from this
package's location (an editable install inside the repository).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _looks_like_root(p: Path) -> bool:
    return (p / "_quarto.yml").is_file() and (p / "params").is_dir()


def project_root() -> Path:
    env = os.environ.get("BRIEF_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for cand in (here, *here.parents):
        if _looks_like_root(cand):
            return cand
    return PACKAGE_DIR.parent


def data_dir() -> Path:
    """Curated, committed tables and their datapackage.json."""
    return project_root() / "data"


def params_dir() -> Path:
    return project_root() / "params"


def notebooks_dir() -> Path:
    return PACKAGE_DIR / "notebooks"


def build_dir() -> Path:
    """Where the compute stage writes ``<brief>/`` folders (executed notebooks, charts, results)."""
    return project_root() / "_build"


def site_dir() -> Path:
    return project_root() / "_site"


def default_raw_dir() -> Path:
    """The shared raw datasets, ``../shared/data/raw`` beside the repository, if present."""
    env = os.environ.get("BRIEF_RAW_DIR")
    if env:
        return Path(env).resolve()
    return (project_root().parent / "shared" / "data" / "raw").resolve()


def default_vintages_dir(raw_dir: Path | None = None) -> Path:
    """Earlier releases of the sources that have them (``../shared/data/vintages``): beside the
    raw folder (``raw_dir``, default :func:`default_raw_dir`), or ``$BRIEF_VINTAGES_DIR``."""
    env = os.environ.get("BRIEF_VINTAGES_DIR")
    if env:
        return Path(env).resolve()
    return (
        (Path(raw_dir) if raw_dir is not None else default_raw_dir()).parent / "vintages"
    ).resolve()
