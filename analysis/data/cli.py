"""`brief data ...` commands (curate, check, refresh)."""

from __future__ import annotations

from pathlib import Path

import click

RAW_OPTION = click.option(
    "--raw",
    "raw",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Raw data folder (default: ../shared/data/raw, or $BRIEF_RAW_DIR).",
)


@click.group()
def data() -> None:
    """Curate, validate and refresh the data in data/."""


VINTAGES_OPTION = click.option(
    "--vintages",
    "vintages",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of earlier releases (default: 'vintages' beside the raw folder, or "
    "$BRIEF_VINTAGES_DIR).",
)


@data.command()
@RAW_OPTION
@VINTAGES_OPTION
@click.option("--only", multiple=True, help="Curate only this source (repeatable).")
def curate(raw: Path | None, vintages: Path | None, only: tuple[str, ...]) -> None:
    """Rebuild data/ from the raw files and earlier releases (deterministic; all or nothing)."""
    from analysis.data.curate import curate as run

    written = run(raw, only or None, echo=click.echo, vintages_dir=vintages)
    click.echo(f"wrote {len(written)} files to data/")


@data.command()
@RAW_OPTION
@VINTAGES_OPTION
def check(raw: Path | None, vintages: Path | None) -> None:
    """Validate every curated table and checksum (and raw checksums when the raw folder exists)."""
    from analysis import paths
    from analysis.data.check import check as run

    raw = raw if raw is not None else paths.default_raw_dir()
    vintages = vintages if vintages is not None else paths.default_vintages_dir(raw)
    run(paths.data_dir(), raw, echo=click.echo, vintages_dir=vintages)


@data.command()
@RAW_OPTION
@click.option("--timeout", default=60.0, show_default=True, help="Seconds per download.")
def refresh(raw: Path | None, timeout: float) -> None:
    """Download the raw files again from the publishers' URLs, record SHA-256s, re-curate."""
    from analysis.data.refresh import refresh as run

    run(raw, timeout=timeout, echo=click.echo)
