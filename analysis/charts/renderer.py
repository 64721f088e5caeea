"""An Altair renderer whose output works in HTML pages and in Typst PDFs.

Quarto picks ``text/html`` for HTML and an image (``image/svg+xml`` or ``image/png``) for Typst;
Altair's default renderer gives only HTML, which a PDF shows as ``alt.Chart(...)``. This renderer
returns all three, rendered with vl-convert at a fixed resolution (see ../shared/QUARTO-NOTES.md).
The HTML part is Altair's own (it loads vega from a CDN); the report part makes it offline.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert as vlc
from altair.vegalite.v6.display import html_renderer

RENDERER_NAME = "rand-brief"
PPI = 144  # pixels per inch of the PNG (72 would be blurry in print)
SCALE = PPI / 72


def vl_version() -> str:
    """vl-convert's name of the Vega-Lite version Altair writes (e.g. '6.4' for v6.4.1)."""
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    version = f"{major}.{minor}"
    return version if version in vlc.get_vegalite_versions() else vlc.get_vegalite_versions()[-1]


def to_svg(spec: dict[str, Any]) -> str:
    return vlc.vegalite_to_svg(spec, vl_version=vl_version())


def to_png(spec: dict[str, Any]) -> bytes:
    return vlc.vegalite_to_png(spec, vl_version=vl_version(), scale=SCALE, ppi=PPI)


def render(spec: dict[str, Any], **metadata: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Mimebundle with text/html, image/svg+xml and image/png for one Vega-Lite spec."""
    html_out = html_renderer(spec, **metadata)
    bundle = dict(html_out[0] if isinstance(html_out, tuple) else html_out)
    bundle["image/svg+xml"] = to_svg(spec)
    bundle["image/png"] = to_png(spec)
    return bundle, {}


def register() -> None:
    """Register the renderer and make it the active one."""
    alt.renderers.register(RENDERER_NAME, render)
    alt.renderers.enable(RENDERER_NAME)
