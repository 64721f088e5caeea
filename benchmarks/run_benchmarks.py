"""Benchmark a cold brief in one run (not a timed test; the figures go to benchmarks/README.md).

Prints, all measured in this one run:
1. the floor: a process that imports the libraries a build uses and loads and validates every
   curated table through ``analysis.data.load`` (what no build can avoid);
2. the cold build as a process (``brief run params/default.yml --force``) as a multiple of the
   floor, and the warm rebuild (``brief run params/default.yml``, nothing changed) as a share of
   it, in process too;
3. the multiverse of the default brief (every claim's ``multiverse.run``, in this process) as a
   share of the cold build;
4. the stress multiverse (``benchmarks/stress-multiverse.yml``, 108,000 specifications of C1),
   serially and on a two-worker dask cluster (``LocalCluster``, the executor ``--scheduler``
   gives);
5. the same notebook runs in one plain Python process (no kernel, imports paid once), with the
   multiverse's share as its notebooks call it there (after the claims' own runs, whose
   memos a kernel keeps too), profiled: the top lines of what remains;
6. Monte Carlo draws per second (the projection engine, via benchmarks/bench_montecarlo.py);
7. with ``--batch``: a batch of 8 briefs with 1 and with 2 worker processes.

Everything is built in a temporary copy of the project (BRIEF_ROOT), never in the real _build/.

Run: .venv/bin/python benchmarks/run_benchmarks.py [--batch] [--no-dask] [--top N]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
STRESS = HERE / "stress-multiverse.yml"
#: In-process measurements (the warm rebuild, each claim's multiverse) are the best of this many
#: runs: the machine is shared, and the fastest run is the one least slowed by the others.
REPEAT = 3

#: The floor: the libraries a build imports, then every curated table loaded and validated.
FLOOR = """
import altair, numpy, pandas, scipy.stats, vl_convert
import analysis.compute.claims, analysis.compute.multiverse, analysis.vega
from analysis.data import load
names = sorted({r["path"].split("/")[0].removesuffix(".csv")
                for r in load.resources(load.load_datapackage())})
rows = sum(len(load.load_table(n)) for n in names)
print(len(names), rows)
"""


def make_root(tmp: Path) -> Path:
    """A throw-away project: params/, the curated data/ and _quarto.yml."""
    root = tmp / "project"
    root.mkdir()
    for name in ("params", "data"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("raw"))
    shutil.copy2(REPO / "_quarto.yml", root / "_quarto.yml")
    os.environ["BRIEF_ROOT"] = str(root)
    os.environ["BRIEF_NOTEBOOKS_DIR"] = str(REPO / "analysis" / "notebooks")
    os.environ["BRIEF_CHART_CACHE"] = str(tmp / "chart-cache")  # cold: no chart converted yet
    os.environ["BRIEF_HASH_CACHE"] = str(tmp / "file-hashes.json")  # ... and no file hashed
    os.chdir(root)
    return root


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def process(args: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    return timed(subprocess.run, [sys.executable, *args], capture_output=True, text=True)


def floor() -> float:
    seconds, proc = process(["-c", FLOOR])
    tables, rows = proc.stdout.split() if proc.returncode == 0 else ("?", "?")
    print("1. the floor: a process importing the libraries and loading every curated table")
    print(f"   {seconds:8.2f} s  ({tables} tables, {rows} rows, exit {proc.returncode})")
    return seconds


def cold_warm(root: Path, floor_s: float) -> float:
    from analysis.pipeline.build import build_brief

    cli = ["-c", "from analysis.cli import entry_point; entry_point()", "run", "params/default.yml"]
    cold, proc = process([*cli, "--force"])
    warm, proc_w = process(cli)
    again, proc_a = process([*cli, "--force"])  # every notebook again, every chart on disk
    with contextlib.redirect_stderr(io.StringIO()):
        build_brief("params/default.yml")  # this process's imports, paid once
        runs = [timed(build_brief, "params/default.yml") for _ in range(REPEAT)]
        warm_in, r = min(runs, key=lambda run: run[0])
    print("2. cold and warm builds of params/default.yml, as processes")
    print(
        f"   cold `brief run --force`  {cold:8.2f} s  = {cold / floor_s:.1f}x the floor "
        f"(goal <= 3x; exit {proc.returncode})"
    )
    print(
        f"   warm `brief run`          {warm:8.2f} s  = {warm / cold:.1%} of cold "
        f"(exit {proc_w.returncode})"
    )
    print(
        f"   cold again, charts cached {again:8.2f} s  = {again / floor_s:.1f}x the floor "
        f"(every notebook runs, no chart is converted; exit {proc_a.returncode})"
    )
    print(
        f"   warm rebuild in process   {warm_in:8.3f} s  = {warm_in / cold:.2%} of cold "
        f"(goal < 1 %; best of {REPEAT}; {r.ran} ran, {r.cached} cached)"
    )
    said = (proc.stdout + proc.stderr).splitlines()
    lines = [x for x in said if x.strip().startswith("ran ") and "/" in x]
    print("   notebooks of the cold build: " + "; ".join(" ".join(x.split()[1:]) for x in lines))
    return cold


def claim_data(cid: str, params) -> dict:
    from analysis.compute import claims
    from analysis.data import load

    module = claims.MODULES[cid]
    return load.tables(module.READS, getattr(module, "INDICATORS", None), as_of=params.as_of)


def multiverse(cold: float) -> None:
    from analysis.compute import multiverse as mv
    from analysis.compute import specs
    from analysis.params import load_params

    params = load_params("params/default.yml")
    spaces = list(specs.claim_spaces(params.multiverse))
    data = {cid: claim_data(cid, params) for cid in spaces}
    import scipy.stats  # noqa: F401  (imported by the floor too: not the multiverse's time)

    total, n, parts = 0.0, 0, []
    for cid in spaces:
        runs = [timed(mv.run, data[cid], params, only=[cid]) for _ in range(REPEAT)]
        seconds, (table, _) = min(runs, key=lambda run: run[0])
        total, n = total + seconds, n + len(table)
        parts.append(f"{cid} {len(table):,} in {seconds:.2f} s")
    print(
        f"3. the multiverse of the default brief (every claim's multiverse.run, in process, "
        f"best of {REPEAT})"
    )
    print(
        f"   {n:,} specifications in {total:.2f} s = {total / cold:.1%} of the cold build "
        f"(goal <= 5 %)"
    )
    print("   " + "; ".join(parts))


def stress(dask: bool) -> None:
    from analysis.compute import multiverse as mv
    from analysis.params import load_params

    params = load_params(STRESS)
    data = claim_data("C1", params)
    print("4. the stress multiverse of C1 (benchmarks/stress-multiverse.yml)")
    seconds, (table, _) = timed(mv.run, data, params, only=["C1"])
    print(
        f"   serial              {len(table):,} specifications in {seconds:7.2f} s "
        f"({len(table) / seconds:,.0f} specs/s)"
    )
    if not dask:
        return
    from distributed import Client, LocalCluster

    with (
        contextlib.redirect_stderr(io.StringIO()),
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: __import__("analysis.compute.claims"))  # workers import once
        seconds, (table_d, _) = timed(
            mv.run, data, params, only=["C1"], executor=client.get_executor()
        )
    same = "identical table" if table_d.equals(table) else "TABLE DIFFERS"
    print(
        f"   2 dask workers      {len(table_d):,} specifications in {seconds:7.2f} s "
        f"({len(table_d) / seconds:,.0f} specs/s; {same})"
    )


def plain_python(root: Path, cold: float, top: int) -> None:
    """Every notebook run of the cold build, its code cells exec'd in this one process: once
    as is (the time), once under cProfile (the profile)."""
    from analysis.pipeline.build import load_brief_params
    from analysis.pipeline.plan import plan_brief

    plan = plan_brief(load_brief_params("params/default.yml"), force=True)
    out = Path(tempfile.mkdtemp(prefix=".bench-", dir=root))
    profile = cProfile.Profile()
    total = {}
    from analysis.compute import arms, shocks
    from analysis.compute import multiverse as mv
    from analysis.vega import render

    real_run, in_runs = mv.run, []

    def timed_run(*args, **kwargs):  # each multiverse notebook's mv.run, as the build calls it
        seconds, out = timed(real_run, *args, **kwargs)
        in_runs.append(seconds)
        return out

    for profiled in (False, True):
        os.environ["BRIEF_CHART_CACHE"] = tempfile.mkdtemp(prefix=".charts-", dir=root)
        render._svg.cache_clear()  # every chart converted in each pass, as in a cold build
        mv.run = real_run if profiled else timed_run
        shocks._kept_shocks.clear()  # nothing kept from section 3's multiverse runs: each pass
        arms._spreads.clear()  # starts with what a kernel starts with
        t0 = time.perf_counter()
        for nb in plan.notebooks:
            parameters = {**nb.parameters, "artifacts_dir": out.relative_to(root).as_posix()}
            if nb.claim is not None:
                parameters["run"] = nb.stem
            ns: dict = {"display": lambda *a, **k: None, "__name__": "__main__"}
            for cell in (c for c in nb.source_nb.cells if c.cell_type == "code"):
                code = compile(cell.source, nb.stem, "exec")
                with contextlib.redirect_stdout(io.StringIO()):
                    if profiled:
                        profile.runctx("exec(code, ns)", {"code": code, "ns": ns}, {})
                    else:
                        exec(code, ns)
                if "parameters" in cell.metadata.get("tags", []):
                    ns.update(parameters)
        total[profiled] = time.perf_counter() - t0
    mv.run = real_run
    shutil.rmtree(out)
    plain = total[False]
    print("5. the cold build's notebook runs in one plain Python process (no kernel)")
    print(
        f"   {len(plan.notebooks)} runs in {plain:.2f} s (every chart converted) against "
        f"{cold:.2f} s cold as a process; profiled: {total[True]:.2f} s"
    )
    spent = sum(in_runs)
    print(
        f"   of which the multiverse, as its {len(in_runs)} notebooks call it (each after its "
        f"claim's own run, as in a kernel): {spent:.2f} s = {spent / cold:.1%} of the cold build"
    )
    for order in ("tottime", "cumulative"):
        stream = io.StringIO()
        stats = pstats.Stats(profile, stream=stream).sort_stats(order)
        stats.print_stats(r"analysis|vl_convert|altair|pandas", top)
        body = stream.getvalue().split("filename:lineno(function)", 1)[-1]
        print(f"   profile, top {top} by {order}:")
        for line in body.strip().splitlines():
            print("   " + line.strip().replace(str(REPO) + "/", "").replace(sys.prefix + "/", ""))


def montecarlo() -> None:
    sys.path.insert(0, str(HERE))
    import bench_montecarlo as bm  # the analysis part's benchmark (projection engine)
    import numpy as np

    from analysis.compute import projection as pj

    draws, years, members = 100_000, 30, 3
    gi = bm.inputs(years, members)
    best = min(timed(pj.simulate_groups, gi, draws, np.random.default_rng(r))[0] for r in range(5))
    print("6. Monte Carlo (bench_montecarlo inputs: 3 members x 30 years, best of 5)")
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
    print("7. batch of 8 briefs (horizon 2030..2037), every notebook run (cold)")
    for jobs in (1, 2):
        seconds, outcomes = timed(run_batch, files, jobs=jobs, force=True)
        failed = [o.name for o in outcomes if not o.ok]
        note = f", failed: {', '.join(failed)}" if failed else ""
        print(f"   {jobs} worker(s)  {seconds:8.2f} s  ({8 / seconds * 60:.1f} briefs/min{note})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", action="store_true", help="also time a batch of 8 briefs")
    ap.add_argument("--no-dask", action="store_true", help="no two-worker dask cluster")
    ap.add_argument("--top", type=int, default=15, help="profile lines shown")
    a = ap.parse_args()
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine: {os.cpu_count()} "
        f"CPUs, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="brief-bench-") as tmp:
        root = make_root(Path(tmp))
        floor_s = floor()
        cold = cold_warm(root, floor_s)
        multiverse(cold)
        stress(not a.no_dask)
        plain_python(root, cold, a.top)
        montecarlo()
        if a.batch:
            batch(root)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        os.chdir(REPO)


if __name__ == "__main__":
    main()
