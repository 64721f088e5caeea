"""Benchmark `brief site`: cold, warm (nothing changed) and after one brief changed.

Builds in a temporary copy of the project (never the real _build/ or _site/), with every brief of
params/ and real Quarto, and prints the three wall-clock times, the warm/cold ratio (goal: at most
5 %) and how many parts Quarto rendered each time (a part is one brief, or the comparison page).

Run: .venv/bin/python benchmarks/bench_site.py [--briefs default,ppp]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def copy_project(dest: Path, briefs: list[str] | None) -> Path:
    """A fresh clone's files copied to ``dest`` (as the real-render tests make it), keeping only
    the ``briefs`` of params/ when given."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # run as a script: benchmarks/ is on the path, not the root
    from tests.clone import fresh_copy

    fresh_copy(dest)
    if briefs:
        for p in (dest / "params").glob("*.yml"):
            if p.stem not in briefs:
                p.unlink()
    return dest


def site(log: list[str]) -> float:
    from analysis.publish.render import render_all

    t0 = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):
        render_all(jobs=1, log=log.append)
    return time.perf_counter() - t0


def change_description(path: Path) -> None:
    """Change one brief's description in place (every brief has one: appending a second
    ``description:`` key is a duplicate key the params loader refuses)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["description"] = f"{data.get('description') or ''} Changed for the benchmark.".strip()
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--briefs", help="comma-separated brief names (default: every params/*.yml)")
    a = ap.parse_args()
    briefs = a.briefs.split(",") if a.briefs else None
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="brief-bench-site-") as tmp:
        root = copy_project(Path(tmp) / "project", briefs)
        os.environ["BRIEF_ROOT"] = str(root)
        os.chdir(root)
        names = sorted(p.stem for p in (root / "params").glob("*.yml"))
        print(f"briefs: {', '.join(names)}")
        runs = {}
        for label in ("cold", "warm"):
            log: list[str] = []
            runs[label] = (site(log), sum(line.strip().startswith("render") for line in log))
        change_description(root / "params" / f"{names[-1]}.yml")
        log = []
        runs["one brief changed"] = (site(log), sum(" render " in f" {ln}" for ln in log))
        cold = runs["cold"][0]
        for label, (seconds, rendered) in runs.items():
            print(f"   {label:<18} {seconds:8.2f} s  ({rendered} parts rendered)")
        print(f"   warm / cold        {runs['warm'][0] / cold:8.2%}  (goal <= 5 %)")
        os.chdir(REPO)


if __name__ == "__main__":
    main()
