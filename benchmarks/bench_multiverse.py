"""How fast the multiverse decides specifications (`python benchmarks/bench_multiverse.py`).

Loads the curated data once, then runs ``analysis.compute.multiverse.run`` for the default
brief: every claim's space, serially, and through a 2-process executor (what a dask client's
``get_executor()`` would be on a cluster). Prints specifications, seconds and specifications per
second per claim and in all; asserts nothing.

``--stress`` runs the stress multiverse instead (``benchmarks/stress-multiverse.yml``: 108,000
specifications of C1, over the default ``multiverse_limit``, which it raises) and prints its
time and the process's peak memory, to show that memory grows with the table of specifications
and nothing else (the specifications are made and evaluated a block at a time).
"""

from __future__ import annotations

import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from analysis.compute import multiverse as mv
from analysis.compute import specs
from analysis.data import load as data_load
from analysis.params import BriefParams, load_params

STRESS = Path(__file__).with_name("stress-multiverse.yml")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stress(data: dict) -> None:
    params = load_params(STRESS)
    n = sum(specs.sizes(params.multiverse).values())
    print(f"stress multiverse: {n:,} specifications (limit {params.multiverse_limit:,})")
    before = peak_mb()
    t0 = time.perf_counter()
    table, _ = mv.run(data, params)
    s = time.perf_counter() - t0
    print(
        f"{len(table):,} specifications in {s:.1f} s ({len(table) / s:.0f} specs/s); peak "
        f"memory {peak_mb():.0f} MB ({before:.0f} MB with the data loaded)"
    )


def main() -> None:
    data = {
        "indicators": data_load.load_indicators(),
        **{
            t: data_load.load_table(t)
            for t in ("un_agreement", "bilateral_trade", "arms_register", "exercises")
        },
    }
    if "--stress" in sys.argv[1:]:
        stress(data)
        return
    params = BriefParams()
    print(f"{'claim':6} {'specs':>6} {'seconds':>8} {'specs/s':>8}")
    total_n, total_s = 0, 0.0
    for cid in ("C1", "C2", "C3", "C4", "C5", "C7", "C8"):
        t0 = time.perf_counter()
        table, _ = mv.run(data, params, only=[cid])
        s = time.perf_counter() - t0
        total_n, total_s = total_n + len(table), total_s + s
        print(f"{cid:6} {len(table):6,} {s:8.2f} {len(table) / s:8.0f}")
    print(f"{'all':6} {total_n:6,} {total_s:8.2f} {total_n / total_s:8.0f}  (serial)")
    with ProcessPoolExecutor(2) as pool:
        t0 = time.perf_counter()
        table, _ = mv.run(data, params, executor=pool)
        s = time.perf_counter() - t0
    print(f"{'all':6} {len(table):6,} {s:8.2f} {len(table) / s:8.0f}  (2 processes)")


if __name__ == "__main__":
    main()
