"""`brief run`: compute one brief or a batch, with a progress display and a one-line summary."""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from analysis import paths
from analysis.errors import BriefError, clip


def _console() -> Console:
    # stderr: stdout stays free for --explain and the summary line
    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


class _Display:
    """A rich progress bar for one brief built in this process (notebooks done / total, elapsed
    time, the notebook running), and one line per notebook with its own elapsed time."""

    def __init__(self, console: Console):
        self.console = console
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task: TaskID | None = None

    def __call__(self, event: str, brief: str, nb: str, seconds: float, detail: str) -> None:
        if event == "plan":
            self.progress.start()
            self.task = self.progress.add_task(brief, total=int(detail))
            return
        if self.task is None:
            return
        if event == "start":
            self.progress.update(self.task, description=f"{brief}: running {nb} ({detail})")
        elif event == "ran":
            self.progress.console.print(f"  [green]ran[/]    {brief}/{nb}  {seconds:6.1f} s")
        elif event == "cached":
            self.progress.console.print(f"  [cyan]cached[/] {brief}/{nb}")
        elif event == "failed":
            self.progress.console.print(f"  [red]failed[/] {brief}/{nb}  {seconds:6.1f} s")
        if event in ("ran", "cached"):
            self.progress.advance(self.task)

    def close(self) -> None:
        self.progress.stop()


def _check_overrides(overrides: tuple[str, ...]) -> None:
    for item in overrides:
        key, sep, _ = item.partition("=")
        if not sep or not key.strip():
            raise BriefError(
                f"--set {clip(repr(item))}: expected KEY=VALUE, e.g. --set horizon=2035"
            )


def _shown(path: Path) -> str:
    """The default params file as the user would type it (relative to the current folder)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


@click.command()
@click.argument("params_files", nargs=-1)
@click.option(
    "--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a parameter."
)
@click.option("--jobs", "-j", type=int, default=1, show_default=True, help="Briefs built at once.")
@click.option("--scheduler", metavar="ADDR", help="dask.distributed scheduler (tcp://host:port).")
@click.option("--explain", is_flag=True, help="Print each notebook's cache key; run nothing.")
@click.option("--force", is_flag=True, help="Re-run every notebook, ignoring the cache.")
def run(
    params_files: tuple[str, ...],
    overrides: tuple[str, ...],
    jobs: int,
    scheduler: str | None,
    explain: bool,
    force: bool,
) -> None:
    """Compute briefs: run every notebook for PARAMS_FILES into _build/<brief>/.

    With no PARAMS_FILES: $BRIEF_PARAMS, else params/<QUARTO_PROFILE>.yml if it exists, else
    params/default.yml (Quarto's pre-render runs plain `brief run`). A notebook re-runs only when
    its source, the parameters it uses, the data it reads or the library's code changed.
    """
    from analysis.pipeline import batch, build

    if jobs < 1:
        raise BriefError(f"--jobs: got {jobs}, expected a positive number of worker processes")
    if scheduler and jobs != 1:
        raise BriefError("--jobs and --scheduler: expected one of them (the cluster sets workers)")
    _check_overrides(overrides)
    files = list(params_files) or [_shown(build.default_params_path(paths.project_root()))]
    console = _console()
    if len(files) > 1:  # every file valid, names distinct, every problem at once: before any work
        batch.validate_batch(files, overrides)
    if explain:
        for f in files:
            params = build.load_brief_params(f, overrides)
            click.echo(build.explain(build.plan_brief(params, force=force)))
        return
    t0 = time.perf_counter()
    if len(files) == 1 and jobs == 1 and not scheduler:
        display = _Display(console)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = build.build_brief(files[0], overrides, force=force, progress=display)
        finally:
            display.close()
        for w in caught:
            console.print(f"warning: {w.message}")
        click.echo(
            f"{result.name}: ran {result.ran}, cached {result.cached} notebooks in "
            f"{time.perf_counter() - t0:.1f} s -> _build/{result.name}/"
        )
        return

    def on_done(o: batch.Outcome) -> None:
        if o.ok:
            console.print(
                f"  [green]built[/]  {o.name}: ran {o.ran}, cached {o.cached} ({o.seconds:.1f} s)"
            )
        else:
            console.print(f"  [red]failed[/] {o.name}: {o.error}")

    console.print(f"building {len(files)} briefs ({scheduler or f'{jobs} processes'})")
    outcomes = batch.run_batch(
        files, overrides, jobs=jobs, scheduler=scheduler, force=force, on_done=on_done
    )
    failed = [o for o in outcomes if not o.ok]
    ran = sum(o.ran for o in outcomes)
    cached = sum(o.cached for o in outcomes)
    click.echo(
        f"{len(outcomes) - len(failed)} of {len(outcomes)} briefs built: ran {ran}, cached "
        f"{cached} notebooks in {time.perf_counter() - t0:.1f} s"
    )
    if failed:
        first = failed[0]
        raise BriefError(
            f"{len(failed)} brief(s) failed: {', '.join(o.name for o in failed)} "
            f"(first: {first.params}: {first.error})"
        )


@click.command()
def editions() -> None:
    """Build the flagship's editions: the brief as of the day each autumn IMF WEO appeared,
    October 2021 to the latest (cached: an edition already built re-runs nothing)."""
    from analysis.pipeline import editions as eds

    t0 = time.perf_counter()
    console = _console()
    display = _Display(console)
    try:
        built = eds.build_editions(display)
    finally:
        display.close()
    for e, result in built:
        console.print(f"  [green]built[/]  {result.name} (as of {e.as_of})")
    click.echo(
        f"{len(built)} editions built: ran {sum(r.ran for _, r in built)}, cached "
        f"{sum(r.cached for _, r in built)} notebooks in {time.perf_counter() - t0:.1f} s"
    )
