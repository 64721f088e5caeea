"""An Altair renderer whose output works in HTML pages and in Typst PDFs.

Quarto picks ``text/html`` for HTML and an image (``image/svg+xml`` or ``image/png``) for Typst;
Altair's default renderer gives only HTML, which a PDF shows as ``alt.Chart(...)``. This renderer
returns all three, rendered with vl-convert at a fixed resolution (see ../shared/QUARTO-NOTES.md).
The HTML part never loads anything from a CDN: it is the static SVG (as an image) inside a
``<div data-vega-spec>`` with the spec beside it. A page that serves the Vega bundle and
``report/assets/charts.js`` (as the brief's pages do) turns it into the interactive chart;
anywhere else (Jupyter, a Quarto embed without the scripts) the static SVG shows.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from typing import Any

import altair as alt
import vl_convert as vlc

from analysis.vega.html import chart_div, spec_json

RENDERER_NAME = "rand-brief"
PPI = 144  # pixels per inch of the PNG (72 would be blurry in print): twice the chart's size


def vl_version() -> str:
    """vl-convert's name of the Vega-Lite version Altair writes (e.g. '6.4' for v6.4.1)."""
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    version = f"{major}.{minor}"
    return version if version in vlc.get_vegalite_versions() else vlc.get_vegalite_versions()[-1]


def _key(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# A chart is converted when a notebook saves it and again when the same cell displays it (the
# executed notebook keeps both pictures): the second conversion is a lookup. Keyed by the spec's
# canonical JSON, so an equal spec gives the identical picture vl-convert made the first time.
@functools.lru_cache(maxsize=32)
def _svg(key: str) -> str:
    return vlc.vegalite_to_svg(json.loads(key), vl_version=vl_version())


@functools.lru_cache(maxsize=32)
def _png(key: str) -> bytes:
    # vl-convert scales by ppi / 72 itself; a scale of 2 on top made 4x pictures of 1-2 MB
    return vlc.vegalite_to_png(json.loads(key), vl_version=vl_version(), scale=1, ppi=PPI)


def to_svg(spec: dict[str, Any]) -> str:
    return _svg(_key(spec))


def to_png(spec: dict[str, Any]) -> bytes:
    return _png(_key(spec))


def offline_html(spec: dict[str, Any], svg: str) -> str:
    """Chart HTML with no network use: static SVG now, interactive where the page has Vega."""
    chart_id = "c" + hashlib.sha256(spec_json(spec).encode("utf-8")).hexdigest()[:12]
    alt_text = str(spec.get("description") or _title(spec) or "Chart")
    data_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    note = "<!-- drawn by vegaEmbed from the page's local Vega bundle; static SVG otherwise -->"
    return f"{note}\n{chart_div(chart_id, spec, alt_text, data_uri)}"


def _title(spec: dict[str, Any]) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    return str(title or "")


def render(spec: dict[str, Any], **metadata: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Mimebundle with text/html, image/svg+xml and image/png for one Vega-Lite spec."""
    svg = to_svg(spec)
    bundle = {
        "text/html": offline_html(spec, svg),
        "image/svg+xml": svg,
        "image/png": to_png(spec),
    }
    return bundle, {}


def register() -> None:
    """Register the renderer and make it the active one."""
    alt.renderers.register(RENDERER_NAME, render)
    alt.renderers.enable(RENDERER_NAME)
