"""`brief data ...` commands (curate, check, refresh)."""

from __future__ import annotations

import click


@click.group()
def data() -> None:
    """Curate, validate and refresh the data in data/."""
