"""How many examples a property test tries.

``make test`` runs each property test with its own fixed examples (the ``brief`` profile of
``tests/conftest.py``: derandomised, so a CI run is reproducible). ``make explore`` sets
``HYPOTHESIS_PROFILE=explore``: new random examples each run, and ten times as many, to find what
the fixed ones cannot.
"""

from __future__ import annotations

import os

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "brief")
SCALE = 10 if PROFILE == "explore" else 1


def examples(n: int) -> int:
    """A test's example count under the running profile."""
    return n * SCALE
