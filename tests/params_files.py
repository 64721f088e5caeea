"""Params files for the schema and fault tests: write one, and read the one error it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.errors import MAX_MESSAGE, BriefError
from analysis.params import load_params

BOUND = MAX_MESSAGE + 100  # BriefError's cap plus the "message cut" note


def write(tmp_path: Path, content: str | bytes, name: str = "x.yml") -> Path:
    """``content`` as ``tmp_path/name``: text as UTF-8, bytes as they are."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def error_of(path: Path, overrides=()) -> str:
    """The BriefError that loading ``path`` (with ``--set`` ``overrides``) raises: asserts it is
    one line of at most BOUND characters."""
    with pytest.raises(BriefError) as info:
        load_params(path, overrides)
    msg = str(info.value)
    assert "\n" not in msg and len(msg) <= BOUND, msg[:300]
    return msg
