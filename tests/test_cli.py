"""The `brief` entry point: help, version, and one-line errors instead of tracebacks."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from analysis import __version__
from analysis.cli import cli, main
from analysis.errors import BriefError


def test_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("data", "run", "render", "site"):
        assert f"  {command}" in out, f"`brief --help` does not list {command}"


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"brief, version {__version__}"


def test_brief_error_is_one_line_without_traceback(capsys):
    @cli.command("boom-for-test")
    def boom() -> None:
        raise BriefError("params/x.yml: key 'horizon': got 'soon', expected a year\n(2025-2100)")

    try:
        assert main(["boom-for-test"]) == 2
    finally:
        cli.commands.pop("boom-for-test")
    err = capsys.readouterr().err
    assert err == ("error: params/x.yml: key 'horizon': got 'soon', expected a year (2025-2100)\n")
    assert "Traceback" not in err


def test_unknown_command_is_a_usage_error(capsys):
    assert main(["no-such-command"]) == click.UsageError.exit_code
    assert "No such command" in capsys.readouterr().err


def test_console_script_runs_as_a_process():
    """The installed console script (not just the function) works."""
    out = subprocess.run(
        [sys.executable, "-c", "from analysis.cli import entry_point; entry_point()", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "Usage: brief" in out.stdout


@pytest.mark.parametrize("message", ["a\nb", "  a   b  "])
def test_brief_error_message_is_folded_to_one_line(message):
    assert str(BriefError(message)) == "a b"
