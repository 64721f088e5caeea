"""Charts of the brief: one theme (:mod:`.theme`), one renderer (:mod:`.renderer`), builders.

Call :func:`setup` once (each notebook does) before building charts.
"""

from __future__ import annotations

from analysis.compute.charts import renderer, theme


def setup() -> None:
    """Register and enable the brief's Altair theme and its HTML+SVG+PNG renderer."""
    theme.register()
    renderer.register()


__all__ = ["setup"]
