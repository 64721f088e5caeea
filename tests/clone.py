"""What a user who just cloned the repository has, copied elsewhere.

Shared by the real-render fixtures (tests/conftest.py) and benchmarks/bench_site.py; it needs
nothing beyond the standard library and git.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ("_site", "_build", ".quarto", "report/_generated", "report/files")


def project_files() -> list[str]:
    """What a clone holds: tracked files plus new ones not ignored (a change under test)."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return [f for f in out if f and (ROOT / f).is_file()]


def fresh_copy(dest: Path) -> Path:
    """What a user who just cloned the repository has, copied to ``dest`` (nothing generated)."""
    for f in project_files():
        (dest / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, dest / f)
    for name in GENERATED:
        assert not (dest / name).exists(), name
    return dest
