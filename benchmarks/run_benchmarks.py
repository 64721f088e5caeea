"""Benchmark the compute stage in one run (not a timed test; numbers go to benchmarks/README.md).

Prints:
1. cold build time, warm rebuild time (nothing changed) and their ratio, and whether the warm
   rebuild started a kernel;
2. compute-stage time (papermill, one kernel per build) against the same notebook code -- the
   library calls -- executed in one plain Python process;
3. Monte Carlo draws per second (the projection engine, via benchmarks/bench_montecarlo.py);
4. a batch of 8 briefs (8 variants of the default brief) with 1 and with 2 worker processes.

Everything is built in a temporary copy of the project (BRIEF_ROOT), never in the real _build/.

Run: .venv/bin/python benchmarks/run_benchmarks.py [--fixture] [--skip-batch]
  --fixture   use the pipeline's small fixture notebooks instead of analysis/notebooks/
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FIXTURE = REPO / "tests" / "fixtures" / "pipeline" / "project"


def make_root(tmp: Path, fixture: bool) -> tuple[Path, Path]:
    """A throw-away project: params/, the curated data/, _quarto.yml and the notebooks to run."""
    root = tmp / "project"
    src = FIXTURE if fixture else REPO
    root.mkdir()
    for name in ("params", "data"):
        if (src / name).exists():
            shutil.copytree(src / name, root / name, ignore=shutil.ignore_patterns("raw"))
    shutil.copy2(src / "_quarto.yml", root / "_quarto.yml")
    nb_dir = src / "notebooks" if fixture else REPO / "analysis" / "notebooks"
    os.environ["BRIEF_ROOT"] = str(root)
    os.environ["BRIEF_NOTEBOOKS_DIR"] = str(nb_dir)
    os.chdir(root)
    return root, nb_dir


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def cold_warm(root: Path) -> float:
    from analysis.pipeline.build import build_brief

    shutil.rmtree(root / "_build", ignore_errors=True)
    cold, r1 = timed(build_brief, "params/default.yml")
    warm, r2 = timed(build_brief, "params/default.yml")
    print("1. cold vs warm build (params/default.yml)")
    print(f"   cold build      {cold:8.2f} s  ({r1.ran} notebooks ran)")
    print(f"   warm rebuild    {warm:8.3f} s  ({r2.ran} ran, {r2.cached} cached: no kernel)")
    print(f"   warm / cold     {warm / cold:8.2%}  (goal < 5 %)")
    import subprocess

    cli = [sys.executable, "-c", "from analysis.cli import entry_point; entry_point()"]
    wall, proc = timed(subprocess.run, [*cli, "run", "params/default.yml"], capture_output=True)
    print(
        f"   warm `brief run` as a process (interpreter start + imports): {wall:.2f} s "
        f"= {wall / cold:.1%} of cold (exit {proc.returncode})"
    )
    return cold


def plain_python(root: Path, nb_dir: Path, cold: float) -> None:
    """The notebooks' code cells (their library calls) exec'd in this one process."""
    import nbformat

    from analysis.params import load_params, notebook_parameters

    flat = notebook_parameters(load_params("params/default.yml"))
    out = Path(tempfile.mkdtemp(prefix=".bench-", dir=root))
    total = 0.0
    for path in sorted(nb_dir.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        ns: dict = {"display": lambda *a, **k: None, "__name__": "__main__"}
        cells = [c for c in nb.cells if c.cell_type == "code"]
        t0 = time.perf_counter()
        for cell in cells:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell.source, f"{path.stem}", "exec"), ns)
            if "parameters" in cell.metadata.get("tags", []):
                ns.update({k: v for k, v in flat.items() if k in ns})
                ns["artifacts_dir"] = out.relative_to(root).as_posix()
        total += time.perf_counter() - t0
    shutil.rmtree(out)
    print("2. compute stage vs the same library calls in one plain Python process")
    print(f"   papermill (cold build)  {cold:8.2f} s")
    print(f"   plain Python            {total:8.2f} s  (imports paid once, no kernels)")
    print(f"   overhead                {cold - total:8.2f} s  ({cold / total:.1f}x)")


def montecarlo() -> None:
    sys.path.insert(0, str(HERE))
    try:
        import bench_montecarlo as bm  # the analysis part's benchmark (projection engine)
    except ImportError as exc:
        print(f"3. Monte Carlo: benchmarks/bench_montecarlo.py not usable ({exc})")
        return
    import numpy as np

    from analysis.compute import projection as pj

    draws, years, members = 100_000, 30, 3
    gi = bm.inputs(years, members)
    best = min(timed(pj.simulate_groups, gi, draws, np.random.default_rng(r))[0] for r in range(5))
    print("3. Monte Carlo (bench_montecarlo inputs: 3 members x 30 years, best of 5)")
    print(f"   {draws / best:,.0f} draws/second ({best:.3f} s for {draws:,} draws)")


def batch(root: Path) -> None:
    from analysis.pipeline.batch import run_batch

    files = []
    for i in range(8):
        path = root / "params" / f"bench-{i}.yml"
        path.write_text(
            f"name: bench-{i}\ntitle: Benchmark variant {i}\nhorizon: {2030 + i}\n",
            encoding="utf-8",
        )
        files.append(f"params/bench-{i}.yml")
    print("4. batch of 8 briefs (horizon 2030..2037), every notebook run (cold)")
    for jobs in (1, 2):
        seconds, outcomes = timed(run_batch, files, jobs=jobs, force=True)
        failed = [o.name for o in outcomes if not o.ok]
        note = f", failed: {', '.join(failed)}" if failed else ""
        print(f"   {jobs} worker(s)  {seconds:8.2f} s  ({8 / seconds * 60:.1f} briefs/min{note})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fixture", action="store_true", help="use the small fixture notebooks")
    ap.add_argument("--skip-batch", action="store_true")
    a = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="brief-bench-") as tmp:
        root, nb_dir = make_root(Path(tmp), a.fixture)
        names = sorted(p.stem for p in nb_dir.glob("*.ipynb"))
        print(f"notebooks: {', '.join(names)}")
        with contextlib.redirect_stderr(io.StringIO()):
            cold = cold_warm(root)
        plain_python(root, nb_dir, cold)
        montecarlo()
        if not a.skip_batch:
            batch(root)
        os.chdir(REPO)


if __name__ == "__main__":
    main()
