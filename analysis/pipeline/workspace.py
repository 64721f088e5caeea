"""The build's workspace in ``_build/``: temporary folders each owned (``flock``) by a live
process, stale ones left by a killed build removed by the next (:mod:`analysis.tmpdirs`), and the
atomic swap of a finished folder into place."""

from __future__ import annotations

from pathlib import Path

from analysis.files import swap_dir
from analysis.tmpdirs import LOCK_SUFFIX as LOCK_SUFFIX
from analysis.tmpdirs import TmpFolder as TmpFolder
from analysis.tmpdirs import remove_stale as remove_stale


def swap_into_place(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` to ``target``; the previous ``target`` is kept until that rename succeeded.

    The swap holds an exclusive lock on the parent folder (the one :func:`remove_stale` takes),
    so two processes finishing the same brief at once swap one after the other (the last one
    wins) instead of failing half-way.
    """
    swap_dir(tmp, target)
