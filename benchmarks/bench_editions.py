"""Benchmark the editions page's builds and `brief diff` (issue 22, parts 4-5).

In a temporary copy of the project (never the real _build/), prints:

1. the flagship's cold build (every notebook runs), the yardstick;
2. the editions' builds (the flagship as of each autumn WEO, `brief editions`), cold and warm
   (nothing changed: every run cached), and the page's fragment made from them;
3. `brief diff` of two flagship builds (the report's day against today): in process (read both
   builds, compare, Markdown and JSON; best of 5) and as the command (`brief diff`, a process:
   interpreter start and imports included), each as a share of the cold build (goal: under 5 %).

Run: .venv/bin/python benchmarks/bench_editions.py
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # run as a script: benchmarks/ is on the path, not the root
    from tests.clone import fresh_copy

    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="brief-bench-editions-") as tmp:
        root = fresh_copy(Path(tmp) / "project")
        os.environ["BRIEF_ROOT"] = str(root)
        os.chdir(root)
        from analysis.pipeline.build import build_brief
        from analysis.pipeline.editions import build_editions
        from analysis.publish import diff
        from analysis.publish.editions import editions_md

        quiet = contextlib.redirect_stderr(io.StringIO())
        with quiet:
            cold, flagship = timed(lambda: build_brief(root / "params" / "default.yml"))
            runs = {}
            for label in ("cold", "warm"):
                runs[label] = timed(build_editions)
        print(f"flagship, cold build            {cold:8.2f} s ({flagship.ran} notebooks run)")
        for label, (seconds, built) in runs.items():
            ran = sum(r.ran for _, r in built)
            print(
                f"editions ({len(built)}), {label:<4} builds    {seconds:8.2f} s "
                f"({ran} notebooks run, {sum(r.cached for _, r in built)} cached)"
            )
        print(f"   warm / cold                  {runs['warm'][0] / runs['cold'][0]:8.2%}")
        page, _ = timed(lambda: editions_md(root / "_build"))
        print(f"the page's fragment             {page:8.3f} s")
        first = runs["warm"][1][0][1].path
        best = min(
            timed(
                lambda: (
                    d := diff.diff_builds(first, flagship.path),
                    diff.markdown(d),
                    diff.as_json(d),
                )
            )[0]
            for _ in range(5)
        )
        print(f"brief diff, in process (best 5) {best:8.3f} s  {best / cold:7.2%} of a cold build")
        cmd = [sys.executable, "-m", "analysis", "diff", str(first), str(flagship.path)]
        proc, _ = timed(lambda: subprocess.run(cmd, capture_output=True, check=True))
        print(f"brief diff, as a process        {proc:8.3f} s  {proc / cold:7.2%} (goal < 5 %)")


if __name__ == "__main__":
    main()
