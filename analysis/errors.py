"""The one exception type for a user's mistake or bad input.

Anything the user can fix (a bad parameter, a missing or corrupted data file, a notebook that
raised) is raised as :class:`BriefError` with a one-line message naming the file, key or row and
what was expected. The CLI prints it as ``error: <message>`` and exits with status 2, with no
traceback. Programming errors are left as ordinary exceptions.
"""

from __future__ import annotations


class BriefError(Exception):
    """A user-facing error with a one-line, actionable message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # always one line
        return " ".join(str(self.message).split())
