"""Text a reader sees is the text that was written: the characters a brief's text may not hold.

A title, a label or a description is printed in the HTML pages, the PDF and the comparison page.
Some characters print nothing and still change what a reader sees: a right-to-left override
(U+202E) reverses the text after it, an isolate or embedding reorders it, a zero-width space or
a soft hyphen hides a break, and a NUL (``"\\0"`` in YAML) or another control character is
dropped by one renderer and kept by another. The parameter schema refuses every text value that
holds one (:func:`check`), naming the character, its code point and where it is, so the brief
never prints text other than what its author sees in the file.

Refused: the Unicode categories Cc (controls; tab, line feed and carriage return are ordinary
whitespace and stay), Cf (format characters: bidirectional controls, zero-width spaces, the byte
order mark, soft hyphen...), Cs (lone surrogates, which YAML's ``"\\ud800"`` makes), Zl and Zp
(line and paragraph separators). Kept: the zero-width joiner and non-joiner (U+200D, U+200C),
which scripts such as Persian and Devanagari and emoji sequences need to be written correctly and
which never reorder or hide text; right-to-left scripts written as they are (Hebrew, Arabic)
need no control character.
"""

from __future__ import annotations

import unicodedata

#: Unicode general categories refused in a brief's text.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
#: Characters of those categories that are ordinary text.
ALLOWED = frozenset({"\t", "\n", "\r", "\u200c", "\u200d"})
#: The bidirectional controls (embeddings, overrides, isolates, marks), named as such.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def hidden(text: str) -> list[tuple[int, str]]:
    """(1-based position, character) of every refused character of ``text``."""
    return [
        (i, ch)
        for i, ch in enumerate(text, start=1)
        if ch not in ALLOWED and unicodedata.category(ch) in REFUSED_CATEGORIES
    ]


def name_of(ch: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: the code point and its Unicode name."""
    code = f"U+{ord(ch):04X}"
    if ch == "\0":
        return f"{code} NUL (written \\0 in YAML?)"
    name = unicodedata.name(ch, "")
    if not name and unicodedata.category(ch) == "Cc":
        name = "a control character"
    elif not name:
        name = "a lone surrogate" if unicodedata.category(ch) == "Cs" else "unnamed"
    return f"{code} {name}"


def kind_of(ch: str) -> str:
    if ch in BIDI:
        return "a bidirectional control, which reorders the text a reader sees"
    category = unicodedata.category(ch)
    if category == "Cc":
        return "a control character, which one renderer drops and another keeps"
    if category in ("Zl", "Zp"):
        return "a line or paragraph separator, which the pages print differently"
    return "an invisible character, which hides in the text a reader sees"


def check(text: str) -> str:
    """``text`` unchanged, or ValueError naming its first refused character, where it is, and
    how many there are in all."""
    found = hidden(text)
    if not found:
        return text
    position, ch = found[0]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    raise ValueError(
        f"character {position} is {name_of(ch)}{more}, {kind_of(ch)}; expected text without "
        "invisible or control characters (remove it; write right-to-left scripts as they are)"
    )
