"""The brief's chart builders (Altair), on the shared theme and renderer of :mod:`analysis.vega`.

Call :func:`setup` once (each notebook does) before building charts.
"""

from __future__ import annotations

from analysis.vega import setup

__all__ = ["setup"]
