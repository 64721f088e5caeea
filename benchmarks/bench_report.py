"""How long the report steps take (run: .venv/bin/python benchmarks/bench_report.py).

Measures, on the report fixture and on the real flagship build when `_build/default/` exists:
generating the fragments and site files (`write_fragments`), preparing an isolated project copy
(`prepare_project`), and drawing one standalone chart in headless Chromium. Prints a table; asserts
nothing (timings belong here, not in tests).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from analysis.publish.charthtml import vega_bundle
from analysis.publish.compare import BriefEntry
from analysis.publish.fragments import write_fragments
from analysis.publish.render import prepare_project
from analysis.results import load_results

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "report"


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def chromium_draw(page: Path, profile: Path) -> float:
    exe = shutil.which("chromium")
    if exe is None:
        return float("nan")
    t0 = time.perf_counter()
    subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--proxy-server=127.0.0.1:9",
            "--virtual-time-budget=10000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - t0


def bench(label: str, build: Path, datapackage: Path) -> None:
    tmp = Path(tempfile.mkdtemp())
    try:
        res = load_results(build)
        frag = timed(lambda: write_fragments(build, tmp / "report", datapackage))
        proj = timed(
            lambda: prepare_project(
                tmp / "project",
                build,
                root=ROOT,
                entries=[BriefEntry(res)],
                datapackage=datapackage,
            )
        )
        first = next(iter(res.charts))
        draw = chromium_draw(tmp / "report" / "files" / "charts" / f"{first}.html", tmp / "p")
        size = sum(p.stat().st_size for p in (tmp / "report").rglob("*") if p.is_file())
        print(
            f"| {label} | {len(res.charts)} | {frag:.3f} | {proj:.3f} | {draw:.2f} | "
            f"{size / 1e6:.2f} |"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    t0 = time.perf_counter()
    bundle = vega_bundle()
    print(
        f"vega bundle: {len(bundle) / 1e6:.2f} MB, built once per process in "
        f"{time.perf_counter() - t0:.2f} s\n"
    )
    print("| build | charts | fragments s | project copy s | chromium draw s | files MB |")
    print("|---|---|---|---|---|---|")
    bench("fixture", FIXTURE / "build", FIXTURE / "datapackage.json")
    real = ROOT / "_build" / "default"
    if (real / "results.json").is_file() and (ROOT / "data" / "datapackage.json").is_file():
        bench("default", real, ROOT / "data" / "datapackage.json")


if __name__ == "__main__":
    main()
