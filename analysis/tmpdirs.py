"""Temporary folders owned by a live process, and the removal of those a killed one left.

Every command that writes through a temporary folder (a build in ``_build/``, a curation in
``data/``, a render's project copy in ``_build/``, the site's staging folder beside ``_site/``)
makes it with :class:`TmpFolder`: the folder has a lock file beside it, held (``flock``) for as
long as its process works in it. Ctrl-C and SIGTERM remove it on the way out; a process killed
outright (SIGKILL, power loss) cannot, but its lock is released with it, so the next command of
the same kind removes the folder (:func:`remove_stale`). Every such folder's name starts with a
dot and is git-ignored.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import tempfile
from pathlib import Path

LOCK_SUFFIX = ".lock"
_LIVE: set[str] = set()  # this process's temporary folders (never stale to itself)


class TmpFolder:
    """``<folder>/<prefix>XXXX/`` (``_build/.tmp-<brief>-XXXX/``) plus its lock file
    ``<folder>/<prefix>XXXX.lock``, held (``flock``) for as long as this process works in it.
    The lock is made and held before the folder exists, so a folder whose lock file is missing
    or free belongs to a process that is gone (killed: SIGKILL, power loss) and any later
    command may remove it (:func:`remove_stale`)."""

    def __init__(self, build_dir: Path, prefix: str):
        for _ in range(100):
            fd, lock = tempfile.mkstemp(prefix=prefix, suffix=LOCK_SUFFIX, dir=build_dir)
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:  # a cleaner may have removed the lock file before we locked it: take another
                same = os.stat(lock).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            path = Path(lock[: -len(LOCK_SUFFIX)])
            if same:
                try:
                    path.mkdir()
                except FileExistsError:
                    same = False
                    Path(lock).unlink(missing_ok=True)
            if same:
                os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
                self.path, self.lock, self._fd = path, Path(lock), fd
                _LIVE.add(str(path))
                return
            os.close(fd)
        raise OSError(f"cannot create a temporary folder in {build_dir}")  # pragma: no cover

    def __enter__(self) -> TmpFolder:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.discard()

    def release(self) -> None:
        """Remove the lock file and let it go (the folder itself is renamed or removed first)."""
        if self._fd < 0:
            return
        _LIVE.discard(str(self.path))
        self.lock.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = -1

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self.release()


def _take_if_free(lock: Path) -> int | None:
    """An fd holding ``lock`` if no live process holds it (None if one does, or it vanished)."""
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.stat(lock).st_ino == os.fstat(fd).st_ino:
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def remove_stale(build_dir: Path, prefix: str = ".tmp-", olds: str = ".old-") -> list[str]:
    """Remove what killed commands left in a folder (``_build/``, ``data/``); returns the names
    removed.

    - ``<prefix>*`` folders (``.tmp-*``) whose lock file is free or missing (their process is
      gone), and lock files left without a folder; a folder whose lock is held (a command
      running, here or in another process) is not touched;
    - ``<olds>*`` folders (``.old-*``) of a swap killed half-way, under the same lock as the
      swap: the previous folder they hold is put back where it was if nothing replaced it, else
      removed (in the project's root only those of ``_site``: ``.old-_site-*``).
    """
    removed: list[str] = []
    if not build_dir.is_dir():
        return removed
    for entry in sorted(build_dir.glob(f"{prefix}*")):
        if entry.name.endswith(LOCK_SUFFIX) or str(entry) in _LIVE or entry.is_symlink():
            continue
        if not entry.is_dir():
            continue
        lock = entry.with_name(entry.name + LOCK_SUFFIX)
        fd = _take_if_free(lock) if lock.exists() else -1
        if fd is None:
            continue  # a running build
        try:
            shutil.rmtree(entry, ignore_errors=True)
            lock.unlink(missing_ok=True)
            removed.append(entry.name)
        finally:
            if fd >= 0:
                os.close(fd)
    for lock in sorted(build_dir.glob(f"{prefix}*{LOCK_SUFFIX}")):
        folder = lock.with_name(lock.name[: -len(LOCK_SUFFIX)])
        if folder.exists() or str(folder) in _LIVE:
            continue
        fd = _take_if_free(lock)
        if fd is not None:
            lock.unlink(missing_ok=True)
            os.close(fd)
            removed.append(lock.name)
    halfway = sorted(p for p in build_dir.glob(f"{olds}*") if p.is_dir() and not p.is_symlink())
    if halfway:
        with _locked(build_dir):
            for old in halfway:
                if not old.exists():
                    continue
                for child in sorted(old.iterdir()):
                    target = build_dir / child.name
                    if not target.exists() and not target.is_symlink():
                        os.replace(child, target)  # the swap was killed between its renames
                shutil.rmtree(old, ignore_errors=True)
                removed.append(old.name)
    return removed


class _locked:
    """An exclusive ``flock`` on a folder for the ``with`` block (swaps, cleaning)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self) -> None:
        self.fd = os.open(self.folder, os.O_RDONLY)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)  # releases the lock
