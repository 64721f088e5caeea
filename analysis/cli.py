"""`brief`: the project's one entry point.

Each subsystem defines its own click commands in its own module; this file only assembles them
and turns a :class:`~analysis.errors.BriefError` into one line on stderr (no traceback).
"""

from __future__ import annotations

import sys

import click

from analysis import __version__
from analysis.data.cli import data
from analysis.errors import BriefError
from analysis.pipeline.cli import run
from analysis.publish.cli import fragments, prerender, render, site

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="brief")
def cli() -> None:
    """Build research briefs: curate data, run the parameterized notebooks, render with Quarto.

    \b
    Typical use:
      brief data check                  validate the curated tables in data/
      brief run params/default.yml      compute every chart, table and verdict into _build/default/
      brief render params/default.yml   compute, then render the brief with Quarto into _site/
      brief site                        render every brief in params/ plus a comparison page
    """


cli.add_command(data)
cli.add_command(run)
cli.add_command(render)
cli.add_command(site)
cli.add_command(fragments)
cli.add_command(prerender)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a BriefError becomes ``error: <message>`` and exit status 2."""
    try:
        cli.main(args=argv, prog_name="brief", standalone_mode=False)
    except BriefError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return _interrupted()
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            return _interrupted()
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:  # usage errors: click's own one-line message
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


def _interrupted() -> int:
    """Ctrl-C: whatever was being built was discarded (builds publish only when complete)."""
    click.echo("interrupted: nothing half-written was kept", err=True)
    return EXIT_INTERRUPTED


def entry_point() -> None:  # console_scripts target
    sys.exit(main())
