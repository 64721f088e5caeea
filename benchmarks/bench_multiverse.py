"""How fast the multiverse decides specifications (`python benchmarks/bench_multiverse.py`).

Loads the curated data once, then runs ``analysis.compute.multiverse.run`` for the default
brief: every claim's space, serially, and through a 2-process executor (what a dask client's
``get_executor()`` would be on a cluster). Prints specifications, seconds and specifications per
second per claim and in all; asserts nothing.
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor

from analysis.compute import multiverse as mv
from analysis.data import load as data_load
from analysis.params import BriefParams


def main() -> None:
    data = {
        "indicators": data_load.load_indicators(),
        **{
            t: data_load.load_table(t)
            for t in ("un_agreement", "bilateral_trade", "arms_register", "exercises")
        },
    }
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
