"""`brief render`, `brief site`, `brief fragments` and `brief prerender` commands."""

from __future__ import annotations

from pathlib import Path

import click


def _log(line: str) -> None:
    """Progress of the renders (``render``/``cached`` per part) on stderr."""
    click.echo(line, err=True)


@click.command()
@click.argument("params_file", type=click.Path(path_type=Path))
@click.option(
    "--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a parameter."
)
def render(params_file: Path, overrides: tuple[str, ...]) -> None:
    """Compute and render one brief with Quarto (default brief into _site/, others into
    _site/briefs/<name>/)."""
    from analysis.publish import render as rendering  # lazy: keeps `brief run` start fast

    target = rendering.render_one(params_file, overrides, log=_log)
    click.echo(f"rendered {params_file} into {target}/")


@click.command()
@click.option("--jobs", "-j", default=1, show_default=True, help="Quarto renders at once.")
def site(jobs: int) -> None:
    """Render every brief in params/ and an index page comparing their verdicts."""
    from analysis.publish import render as rendering  # lazy: keeps `brief run` start fast

    target = rendering.render_all(jobs=jobs, log=_log)
    click.echo(f"site written to {target}/ (flagship at the root, others under briefs/)")


@click.command()
def fragments() -> None:
    """Write report/_generated/ and report/files/ for the brief `brief run` computed (Quarto's
    pre-render step; picks the brief like `brief run` with no arguments)."""
    from analysis.publish import render as rendering  # lazy: keeps `brief run` start fast

    build = rendering.fragments_for_prerender()
    click.echo(f"report fragments written from {build}/")


@click.command()
@click.pass_context
def prerender(ctx: click.Context) -> None:
    """Quarto's pre-render step: `brief run`, `brief editions`, then `brief fragments`, for the
    brief picked from $BRIEF_PARAMS or the Quarto profile (report/prerender.py runs it in the
    project's environment)."""
    from analysis.pipeline.cli import editions, run

    ctx.invoke(run)
    ctx.invoke(editions)  # the editions page's builds (cached: an edition built re-runs nothing)
    ctx.invoke(fragments)


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="JSON for machines instead of Markdown.")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Write the diff to this file instead of standard output.",
)
def diff(old: Path, new: Path, as_json: bool, output: Path | None) -> None:
    """What changed between two built briefs (e.g. _build/as-of-2021 _build/default): each
    claim's verdict, robustness and numbers, old to new, each change with its causes (a source's
    release, a parameter, the code) from what the builds recorded."""
    from analysis.files import write_text
    from analysis.publish import diff as diffing  # lazy: keeps `brief run` start fast

    d = diffing.diff_builds(old, new)
    doc = diffing.as_json(d) if as_json else diffing.markdown(d, heading=2)
    if output is None:
        click.echo(doc, nl=False)
    else:
        write_text(output, doc)
    _log(diffing.summary_line(d))
