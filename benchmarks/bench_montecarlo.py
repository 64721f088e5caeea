"""Benchmark the projection Monte Carlo: draws x years x members per second on one core.

Target (issue 4): 100,000 draws x 30 years x all members (China, Russia, USA) in about a second.
Run: .venv/bin/python benchmarks/bench_montecarlo.py [--draws N] [--years T] [--members M]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from analysis.compute import projection as pj


def inputs(years: int, members: int) -> pj.GrowthInputs:
    rng = np.random.default_rng(0)
    is_c = np.zeros(members, dtype=bool)
    is_c[: max(1, members - 1)] = True
    return pj.GrowthInputs(
        [f"M{i}" for i in range(members)],
        is_c,
        2025,
        rng.uniform(100, 1000, members),
        np.arange(2026, 2026 + years),
        np.tile(rng.uniform(0.0, 0.06, members), (years, 1)),
        rng.uniform(0.01, 0.08, members),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--members", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    gi = inputs(a.years, a.members)
    times = []
    for r in range(a.repeat):
        t0 = time.perf_counter()
        c, b = pj.simulate_groups(gi, a.draws, np.random.default_rng(r))
        pj.fan(gi.years, c / b)
        times.append(time.perf_counter() - t0)
    best = min(times)
    print(f"draws={a.draws} years={a.years} members={a.members} repeat={a.repeat}")
    print(f"best {best:.3f} s, median {sorted(times)[len(times) // 2]:.3f} s (simulate + fan)")
    print(
        f"{a.draws / best:,.0f} draws/second; "
        f"{a.draws * a.years * a.members / best:,.0f} member-years/second"
    )


if __name__ == "__main__":
    main()
