"""File helpers every stage shares: checksums, deterministic JSON, atomic writes and swaps.

One home for what curation, the pipeline and the publish layer all need, so a checksum or an
atomic folder swap means the same thing everywhere.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hash_tree(
    folder: Path, hasher: Callable[[Path], str] = sha256_file, *, hidden: bool = False
) -> dict[str, str]:
    """Relative path -> ``hasher(file)`` (SHA-256) of every file under ``folder``, sorted;
    names starting with '.' in any part of the path skipped unless ``hidden``; empty when
    there is no folder."""
    out: dict[str, str] = {}
    if not folder.is_dir():
        return out
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and (hidden or not any(part.startswith(".") for part in rel.parts)):
            out[rel.as_posix()] = hasher(p)
    return out


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_json(obj: Any) -> str:
    """One spelling for equal values: sorted keys, no whitespace, UTF-8 (for hashing)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dump_json(obj: Any) -> str:
    """The project's published JSON: sorted keys, indent 2, UTF-8, a trailing newline."""
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` through a temporary file in the same folder and ``os.replace``: a reader
    sees the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text as given (``\\n`` stays ``\\n``), atomically (:func:`write_bytes`)."""
    write_bytes(path, text.encode("utf-8"))


def tree_digest(folder: Path) -> str:
    """SHA-256 over every file under ``folder``: relative paths and contents, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            digest.update(sha256_file(path).encode("ascii") + b"\n")
    return digest.hexdigest()


def swap_dir(new: Path, target: Path) -> None:
    """Replace the folder ``target`` by ``new`` (same parent file system), atomically.

    The previous ``target`` is kept until the rename succeeded and restored if it failed. An
    exclusive lock on the parent folder makes two processes swapping the same target take turns
    (the last one wins) instead of failing half-way.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".old-{target.name}-", dir=target.parent))
            os.replace(target, old / target.name)
        try:
            os.replace(new, target)
        except OSError:
            if old is not None:
                os.replace(old / target.name, target)
            raise
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    finally:
        os.close(fd)  # releases the lock
