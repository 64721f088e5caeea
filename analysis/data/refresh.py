"""``brief data refresh``: download the raw files again from the publishers' own URLs.

Each source lists ``SOURCE["refresh"]``: ``[{"file": <path under the raw dir>, "url": ...}]``, or
``None`` when the publisher has no stable download URL (then the source is reported and skipped).
Every download goes to a temporary folder first; only when all succeeded are the files moved into
the raw folder, their SHA-256, size, URL and date recorded in ``<raw>/refresh-log.json``, and
``brief data curate`` re-run. Offline, the first failing download is one clear error and nothing
changes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from analysis.data.curate import sha256_file
from analysis.errors import BriefError
from analysis.tmpdirs import TmpFolder, remove_stale

LOG = "refresh-log.json"


def refresh_entries(source: dict) -> list[dict] | None:
    """The source's refresh list, checked: each entry has a relative ``file`` and a ``url``."""
    entries = source.get("refresh")
    if entries is None:
        return None
    sid = source.get("id", "?")
    if not isinstance(entries, list):
        raise BriefError(f"source {sid!r}: refresh is {type(entries).__name__}; expected a list")
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not e.get("file") or not e.get("url"):
            raise BriefError(f"source {sid!r}: refresh[{i}] = {e!r}; expected {{file, url}}")
        if Path(e["file"]).is_absolute() or ".." in Path(e["file"]).parts:
            raise BriefError(f"source {sid!r}: refresh[{i}] file {e['file']!r}; expected a path")
    return entries


def download(url: str, dest: Path, timeout: float) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp, open(dest, "wb") as f:
            shutil.copyfileobj(resp, f)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise BriefError(
            f"cannot download {url} ({reason}); `brief data refresh` needs a network connection "
            "to the publisher - nothing was changed and the committed data/ still works offline"
        ) from None


def record(path: Path, url: str, when: dt.date) -> dict:
    """What the log keeps for one downloaded file."""
    return {
        "url": url,
        "sha256": sha256_file(path),
        "bytes": path.stat().st_size,
        "date": when.isoformat(),
    }


def refresh(
    raw_dir: Path | None = None,
    *,
    timeout: float = 60.0,
    echo: Callable = print,
    sources: list | None = None,
    today: dt.date | None = None,
    recurate: bool = True,
) -> dict[str, dict]:
    """Download every refreshable raw file; returns {file: record}. See the module docstring."""
    from analysis import paths

    if sources is None:
        from analysis.data.sources import SOURCES

        sources = [m.SOURCE for m in SOURCES]
    raw = Path(raw_dir) if raw_dir is not None else paths.default_raw_dir()
    when = today or dt.date.today()
    todo = []
    for s in sources:
        entries = refresh_entries(s)
        if entries is None:
            echo(
                f"{s['id']}: no stable download URL from the publisher; refresh by hand from "
                f"{s.get('url', 'the publisher')}"
            )
            continue
        todo += [(s["id"], e["file"], e["url"]) for e in entries]
    if not todo:
        echo("nothing to download")
        return {}
    raw.mkdir(parents=True, exist_ok=True)
    remove_stale(raw, ".tmp-refresh-", olds=".old-refresh-")  # what a killed refresh left
    holder = TmpFolder(raw, ".tmp-refresh-")
    tmp = holder.path
    records = {}
    try:
        for sid, rel, url in todo:
            download(url, tmp / rel, timeout)
            records[rel] = {"source": sid, **record(tmp / rel, url, when)}
            echo(
                f"{sid}: {rel} {records[rel]['bytes']:,} bytes sha256 {records[rel]['sha256'][:16]}"
            )
        for rel in records:
            (raw / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / rel, raw / rel)
    finally:
        holder.discard()
    log_path = raw / LOG
    log = json.loads(log_path.read_text("utf-8")) if log_path.is_file() else {}
    log.update(records)
    log_path.write_text(json.dumps(log, sort_keys=True, indent=2) + "\n", "utf-8")
    echo(f"recorded {len(records)} downloads in {log_path}")
    if recurate:
        from analysis.data.curate import curate

        curate(raw, echo=echo)
    return records
