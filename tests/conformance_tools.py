"""Where the conformance tests find the ecosystem's own validators (README: "Conformance").

frictionless, zizmor and playwright are dev dependencies (pyproject.toml, environment.yml), so they
sit beside the interpreter; cffconvert needs a jsonschema older than frictionless accepts, so
`make tools` gives it an environment of its own in ``.tools/cffconvert/``, and puts the npm package
axe-core in ``.tools/node_modules/``. A missing tool skips its test, naming the tool.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

TOOLS = ROOT / ".tools"
AXE_JS = TOOLS / "node_modules" / "axe-core" / "axe.min.js"


def tool(name: str) -> str:
    """Path of a validator CLI: on PATH, beside this interpreter, or in ``.tools/<name>/bin``."""
    for candidate in (
        shutil.which(name),
        shutil.which(name, path=str(Path(sys.executable).parent)),
        shutil.which(name, path=str(TOOLS / name / "bin")),
    ):
        if candidate:
            return candidate
    pytest.skip(f"{name} not on PATH (`make tools` installs the validators)")


def axe_js() -> Path:
    if not AXE_JS.is_file():
        pytest.skip(f"axe-core not found at {AXE_JS.relative_to(ROOT)} (`make tools` installs it)")
    return AXE_JS
