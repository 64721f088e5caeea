"""Vega-Lite for every stage: the brief's one Altair theme (:mod:`.theme`), the renderer that
gives each chart as HTML and SVG offline (:mod:`.render`, vl-convert), and the HTML that
places a chart in a page (:mod:`.html`).

The compute stage draws the brief's charts with it and the publish stage the comparison page's,
so it sits below both (it imports only Altair and vl-convert). Call :func:`setup` once before
building charts.
"""

from __future__ import annotations


def setup() -> None:
    """Register and enable the brief's Altair theme and its HTML+SVG renderer. (Imported here:
    what needs only :mod:`.html`, such as ``brief diff``, does not import Altair.)"""
    from analysis.vega import render, theme

    theme.register()
    render.register()


__all__ = ["setup"]
