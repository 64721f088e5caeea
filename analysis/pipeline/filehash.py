"""SHA-256 of files, remembered by their ``stat`` the way git's index remembers them.

A warm build hashes the same curated data (tens of MB) and library files on every plan. Here a
file's SHA-256 is kept with its *signature* (size, mtime, ctime, inode and device, all in
nanoseconds where the file system has them) and reused while ``stat`` still reports that
signature. An edit changes the size or the mtime; an edit that keeps both (same size, mtime
set back with ``touch -d`` or ``os.utime``) still changes the ctime, which no program can set,
and replacing the file changes the inode.

The *racily clean* case (git's term): a file edited within the file system's timestamp
granularity after it was hashed can keep its whole signature. So an entry is trusted only when
the file's mtime and ctime are at least :data:`RACY_NS` older than the moment its hash was taken;
a file changed more recently than that is hashed again on every call until it has settled.
What remains, as for git: on a file system without a ctime, an edit that restores size and
mtime after the hash has settled; and on a file system whose clock runs behind this machine's
by more than :data:`RACY_NS` (a network share), a file written just before it was hashed looks
settled, so a second edit within the same timestamp tick that keeps the size could be missed.

The memo lives in this process and, through :func:`load` / :func:`save`, in
``~/.cache/rand-brief/file-hashes.json`` (:func:`store`) for the next process (entries are
checked as above when read back, so a stale or foreign file can only cost a re-hash, never a
wrong hash). Beside the hashes it keeps *facts* (:func:`fact`, :func:`remember`): values keyed
by the content hashes and values they were derived from (what a module of a given SHA-256
imports), so they can never be stale.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

from analysis.files import hash_tree, sha256_file, write_text

#: How much older than its hash a file's mtime and ctime must be for the hash to be reused (2 s:
#: FAT's mtime granularity, and far above Linux's coarse clock tick of a few milliseconds).
RACY_NS = 2_000_000_000
#: The persisted memo's format; another version is ignored.
VERSION = 1
FILE_NAME = "file-hashes.json"

Signature = tuple[int, int, int, int, int]

# absolute path -> (signature, when the hash was taken (ns since the epoch), hex SHA-256)
_memo: dict[str, tuple[Signature, int, str]] = {}
_dirty = False
_loaded: set[str] = set()  # the persisted memos already read in this process
# kind -> key -> a JSON value: facts derived from content hashes alone (what a module of a given
# SHA-256 imports, ...), kept beside the hashes; only those used in this process are persisted.
_facts: dict[str, dict[str, Any]] = {}
_used: dict[str, set[str]] = {}


def _now() -> int:
    """The wall clock in nanoseconds, the clock file timestamps are set from (tests move it)."""
    return time.time_ns()


def signature(st: os.stat_result) -> Signature:
    """What must stay the same for a file's hash to be reused."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def settled(sig: Signature, recorded_ns: int) -> bool:
    """True when the file's last change (mtime and ctime) is safely older than its hash, so a
    later edit could not have kept its signature (see the module's docstring)."""
    return max(sig[1], sig[2]) + RACY_NS <= recorded_ns


def sha256(path: Path | str) -> str:
    """Hex SHA-256 of ``path``, from the memo when its signature is unchanged and settled."""
    global _dirty
    key = os.path.abspath(path)
    sig = signature(os.stat(key))
    hit = _memo.get(key)
    if hit is not None and hit[0] == sig and settled(sig, hit[1]):
        return hit[2]
    taken = _now()  # before reading: an edit during the read is newer than this
    digest = sha256_file(Path(key))
    if signature(os.stat(key)) == sig:  # not changed while it was read
        _memo[key] = (sig, taken, digest)
        _dirty = _dirty or settled(sig, taken)  # only settled entries are persisted
    else:
        _memo.pop(key, None)
    return digest


def tree(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder`` (names starting with '.' in any
    part of the path skipped), sorted: :func:`analysis.data.load.data_files`, memoised."""
    return hash_tree(folder, sha256)


def own_hash(module_file: str) -> str:
    """SHA-256 of a pipeline module's own source, for the key of a fact that module derives:
    the pipeline is not part of any code key, so a fact must name the code that made it."""
    return sha256(module_file)


def fact(kind: str, key: str) -> Any | None:
    """A remembered fact (None when unknown). ``key`` must name everything the fact depends
    on, by content: a SHA-256 of each file, the values it was computed from."""
    found = _facts.get(kind, {}).get(key)
    if found is not None:
        _used.setdefault(kind, set()).add(key)
    return found


def remember(kind: str, key: str, value: Any) -> None:
    """Keep a fact (a JSON value) for :func:`fact`, persisted by the next :func:`save`."""
    global _dirty
    _facts.setdefault(kind, {})[key] = value
    _used.setdefault(kind, set()).add(key)
    _dirty = True


def forget() -> None:
    """Empty the in-process memo (tests; the persisted one is read again by :func:`load`)."""
    global _dirty
    _memo.clear()
    _loaded.clear()
    _facts.clear()
    _used.clear()
    _dirty = False


def store() -> Path | None:
    """Where the memo is kept between processes: ``$BRIEF_HASH_CACHE/file-hashes.json``
    (empty: nowhere), else ``rand-brief/file-hashes.json`` in ``$XDG_CACHE_HOME`` or
    ``~/.cache`` (beside the chart cache; not in ``_build/``, which a warm build leaves
    byte-identical). Keys are absolute paths, so one file serves every project."""
    given = os.environ.get("BRIEF_HASH_CACHE")
    if given is not None:
        return Path(given) / FILE_NAME if given.strip() else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # no home directory: nothing is kept
            return None
    return Path(base) / "rand-brief" / FILE_NAME


def _read(path: Path) -> tuple[dict[str, tuple[Signature, int, str]], dict[str, dict[str, Any]]]:
    """The entries and facts of a persisted memo (nothing when absent, unreadable, foreign)."""
    files: dict[str, tuple[Signature, int, str]] = {}
    facts: dict[str, dict[str, Any]] = {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return files, facts
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return files, facts
    with contextlib.suppress(TypeError, ValueError, AttributeError):
        for key, (size, mtime, ctime, ino, dev, taken, digest) in data["files"].items():
            sig = (int(size), int(mtime), int(ctime), int(ino), int(dev))
            if isinstance(digest, str) and len(digest) == 64:
                files[str(key)] = (sig, int(taken), digest)
        for kind, known in data["facts"].items():
            facts[str(kind)] = {str(k): v for k, v in known.items()}
    return files, facts


def load() -> None:
    """Add the persisted entries and facts (once per process; an entry in memory wins)."""
    path = store()
    if path is None or str(path) in _loaded:
        return
    _loaded.add(str(path))
    files, facts = _read(path)
    for key, entry in files.items():
        _memo.setdefault(key, entry)
    for kind, known in facts.items():
        for key, value in known.items():
            _facts.setdefault(kind, {}).setdefault(key, value)


#: At most this many files and facts of each kind are persisted (the most recent files).
MAX_KEPT = 20_000


def save() -> None:
    """Persist the memo's settled entries and the facts used in this process, merged into
    what the store holds (other projects' entries), when something was added. Best effort: a
    memo not written costs the next process a re-hash."""
    global _dirty
    path = store()
    if not _dirty or path is None:
        return
    files, facts = _read(path)
    # copies first: another thread's plan (a threaded batch) may be adding entries meanwhile
    files.update((k, e) for k, e in list(_memo.items()) if settled(e[0], e[1]))
    for kind, keys in list(_used.items()):
        known = _facts.get(kind, {})
        facts.setdefault(kind, {}).update((k, known[k]) for k in list(keys) if k in known)
    recent = sorted(files.items(), key=lambda item: item[1][1])[-MAX_KEPT:]
    document = {
        "version": VERSION,
        "files": {k: [*sig, taken, digest] for k, (sig, taken, digest) in sorted(recent)},
        "facts": {kind: dict(list(known.items())[-MAX_KEPT:]) for kind, known in facts.items()},
    }
    with contextlib.suppress(OSError):
        write_text(path, json.dumps(document, separators=(",", ":")))
        _dirty = False
