"""`brief run` command."""

from __future__ import annotations

import click

from analysis.errors import BriefError


@click.command()
@click.argument("params_files", nargs=-1, required=True)
@click.option(
    "--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override a parameter."
)
def run(params_files: tuple[str, ...], overrides: tuple[str, ...]) -> None:
    """Compute a brief: run every notebook for PARAMS_FILES into _build/<brief>/."""
    raise BriefError("`brief run` is not available yet in this version")
