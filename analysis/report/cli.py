"""`brief render` and `brief site` commands."""

from __future__ import annotations

import click

from analysis.errors import BriefError


@click.command()
@click.argument("params_file")
def render(params_file: str) -> None:
    """Compute and render one brief with Quarto (default brief into _site/)."""
    raise BriefError("`brief render` is not available yet in this version")


@click.command()
def site() -> None:
    """Render every brief in params/ and an index page comparing their verdicts."""
    raise BriefError("`brief site` is not available yet in this version")
