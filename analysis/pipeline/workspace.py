"""The build's workspace in ``_build/``: temporary folders each owned (``flock``) by a live
process, stale ones left by a killed build removed by the next, and the atomic swap of a
finished folder into place."""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import tempfile
from pathlib import Path

from analysis.files import swap_dir

LOCK_SUFFIX = ".lock"
_LIVE: set[str] = set()  # this process's temporary folders (never stale to itself)


class TmpFolder:
    """``_build/.tmp-<brief>-XXXX/`` plus its lock file ``_build/.tmp-<brief>-XXXX.lock``, held
    (``flock``) for as long as this process builds into the folder. The lock is made and held
    before the folder exists, so a folder whose lock file is missing or free belongs to a
    process that is gone (killed: SIGKILL, power loss) and any later build may remove it."""

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


def remove_stale(build_dir: Path) -> list[str]:
    """Remove what killed builds left in ``_build/``; returns the names removed.

    - ``.tmp-*`` folders whose lock file is free or missing (their process is gone), and lock
      files left without a folder; a folder whose lock is held (a build running, here or in
      another process) is not touched;
    - ``.old-*`` folders of a swap killed half-way, under the same lock as the swap: the
      previous build they hold is put back where it was if nothing replaced it, else removed.
    """
    removed: list[str] = []
    if not build_dir.is_dir():
        return removed
    for entry in sorted(build_dir.glob(".tmp-*")):
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
    for lock in sorted(build_dir.glob(f".tmp-*{LOCK_SUFFIX}")):
        folder = lock.with_name(lock.name[: -len(LOCK_SUFFIX)])
        if folder.exists() or str(folder) in _LIVE:
            continue
        fd = _take_if_free(lock)
        if fd is not None:
            lock.unlink(missing_ok=True)
            os.close(fd)
            removed.append(lock.name)
    olds = sorted(p for p in build_dir.glob(".old-*") if p.is_dir() and not p.is_symlink())
    if olds:
        with _locked(build_dir):
            for old in olds:
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


def swap_into_place(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` to ``target``; the previous ``target`` is kept until that rename succeeded.

    The swap holds an exclusive lock on the parent folder (the one :func:`remove_stale` takes),
    so two processes finishing the same brief at once swap one after the other (the last one
    wins) instead of failing half-way.
    """
    swap_dir(tmp, target)
