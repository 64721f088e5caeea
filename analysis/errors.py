"""The one exception type for a user's mistake or bad input.

Anything the user can fix (a bad parameter, a missing or corrupted data file, a notebook that
raised) is raised as :class:`BriefError` with a one-line message naming the file, key or row and
what was expected. The CLI prints it as ``error: <message>`` and exits with status 2, with no
traceback. Programming errors are left as ordinary exceptions.

The message is one line of at most :data:`MAX_MESSAGE` characters whatever the input: whitespace
runs (newlines included) become one space, and a longer message is cut, saying so. Code that
quotes user input in a message should cut it first (:func:`quote`), so the cut here
is a last resort that never hides the start of the message.
"""

from __future__ import annotations

#: The longest message a BriefError prints (characters).
MAX_MESSAGE = 4000
#: A value, key or reason quoted in a message is cut to this many characters (:func:`clip`).
MAX_QUOTED = 200


def printable(text: str) -> str:
    """``text`` with every character that prints nothing or moves other text (controls, bidi
    overrides, zero-width characters) written as its escape (``\u202e``), as ``repr`` does: an
    error line quoting user input must not reorder or hide itself on the terminal."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)


def clip(text: object, limit: int = MAX_QUOTED) -> str:
    """``text`` cut to ``limit`` characters (saying how long it was), for quoting in a message;
    characters that would not print are escaped (:func:`printable`)."""
    text = printable(str(text))
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def quote(value: object) -> str:
    """``repr(value)`` cut to :data:`MAX_QUOTED` characters."""
    return clip(repr(value))


def one_line(text: object, limit: int = MAX_MESSAGE) -> str:
    """``text`` on one line (whitespace collapsed), cut to ``limit`` characters."""
    line = " ".join(str(text).split())
    if len(line) > limit:
        line = f"{line[:limit]}… (message cut at {limit:,} of {len(line):,} characters)"
    return line


class BriefError(Exception):
    """A user-facing error with a one-line, actionable message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # always one line, bounded, nothing that would not print
        return printable(one_line(self.message))
