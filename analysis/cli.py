"""`brief`: the project's one entry point.

Each subsystem defines its own click commands in its own module; this file only assembles them
and turns a :class:`~analysis.errors.BriefError` into one line on stderr (no traceback).
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from analysis import __version__, paths
from analysis.data.cli import data
from analysis.errors import BriefError
from analysis.pipeline.cli import editions, run
from analysis.publish.cli import diff, fragments, prerender, render, site

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM


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
      brief diff _build/as-of-2021 _build/default   what changed between two builds, and why
    """


cli.add_command(data)
cli.add_command(run)
cli.add_command(editions)
cli.add_command(render)
cli.add_command(site)
cli.add_command(fragments)
cli.add_command(prerender)
cli.add_command(diff)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so everything that cleans up after Ctrl-C (a
    build's temporary folder and kernel, a curation's or a render's temporary folder, Quarto's
    process group) cleans up after it too."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a BriefError becomes ``error: <message>`` and exit status 2. SIGTERM is
    handled as Ctrl-C (exit status 143 instead of 130)."""
    previous = _handle_sigterm()
    try:
        cli.main(args=argv, prog_name="brief", standalone_mode=False)
    except BriefError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_USER_ERROR
    except OSError as exc:  # an unwritable project, a full disk: whatever command met it
        click.echo(f"error: {BriefError(os_error(exc))}", err=True)
        return EXIT_USER_ERROR
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            return _interrupted(exc.__cause__)
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:  # usage errors: click's own one-line message
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _interrupted(exc: BaseException) -> int:
    """Ctrl-C or SIGTERM: whatever was being built was discarded (builds publish only when
    complete)."""
    if isinstance(exc, Terminated):
        click.echo("terminated: nothing half-written was kept", err=True)
        return EXIT_TERMINATED
    click.echo("interrupted: nothing half-written was kept", err=True)
    return EXIT_INTERRUPTED


def _handle_sigterm() -> Any:
    """Install :func:`_on_sigterm` (main thread only: signals are delivered there); returns the
    handler it replaced, or None when it could not install one."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _on_sigterm)


WRITE_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}


def os_error(exc: OSError) -> str:
    """An OSError no command caught as one line: the file (relative to the project when inside
    it), what failed and what was expected."""
    path = Path(os.path.abspath(exc.filename)) if exc.filename else None
    shown = "the project"
    if path is not None:
        try:
            shown = path.relative_to(paths.project_root()).as_posix() or "."
        except ValueError:
            shown = str(path)
    reason = exc.strerror or type(exc).__name__
    if exc.errno in WRITE_ERRORS:
        return (
            f"{shown}: cannot write ({reason}); expected a project folder brief can write into "
            "(data/, _build/, _site/, report/), with free space; nothing half-written was kept"
        )
    return f"{shown}: {reason}; expected a readable project with its folders in place"


def entry_point() -> None:  # console_scripts target
    sys.exit(main())
