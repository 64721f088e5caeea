"""An Altair renderer whose output works in HTML pages and in Typst PDFs.

Quarto picks ``text/html`` for HTML and an image (``image/svg+xml`` or ``image/png``) for Typst;
Altair's default renderer gives only HTML, which a PDF shows as ``alt.Chart(...)``. This renderer
returns HTML and SVG, rendered with vl-convert (see ../shared/QUARTO-NOTES.md): Typst places the
SVG itself, so no page needs a PNG and none is made (:func:`to_png` is there for whoever asks).

A chart is converted once per spec: an SVG is kept, keyed by the spec's canonical JSON and the
vl-convert and Vega-Lite versions, in this process (the same chart saved, then displayed) and on
disk between processes (:func:`cache_dir`), so a chart whose spec did not change is never
converted again, by any build.
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
import os
import tempfile
from pathlib import Path
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


def cache_dir() -> Path | None:
    """Where SVGs are kept between processes: ``$BRIEF_CHART_CACHE`` (empty: nowhere), else
    ``rand-brief/charts`` in ``$XDG_CACHE_HOME`` or ``~/.cache``."""
    given = os.environ.get("BRIEF_CHART_CACHE")
    if given is not None:
        return Path(given) if given.strip() else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = Path.home() / ".cache"
        except (RuntimeError, KeyError):  # no home directory: nothing is kept
            return None
    return Path(base) / "rand-brief" / "charts"


def _kept(key: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    made_by = f"vl-convert {vlc.__version__}, Vega-Lite {vl_version()}\n{key}"
    return folder / f"{hashlib.sha256(made_by.encode('utf-8')).hexdigest()}.svg"


# A chart is converted when a notebook saves it and again when the same cell displays it (the
# executed notebook keeps the picture): the second conversion is a lookup. Keyed by the spec's
# canonical JSON, so an equal spec gives the identical picture vl-convert made the first time,
# in this process or (read back from :func:`cache_dir`) in an earlier one.
@functools.lru_cache(maxsize=64)
def _svg(key: str) -> str:
    path = _kept(key)
    try:
        if path is not None and path.is_file():
            return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass  # unreadable: converted again
    svg = vlc.vegalite_to_svg(json.loads(key), vl_version=vl_version())
    if path is not None:
        _keep(path, svg)
    return svg


def _keep(path: Path, svg: str) -> None:
    """Write ``svg`` whole or not at all (a cache: a folder that cannot be written is skipped)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".svg")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(svg)
        os.replace(tmp, path)
    except OSError:
        return


@functools.lru_cache(maxsize=32)
def _png(key: str) -> bytes:
    # vl-convert scales by ppi / 72 itself; a scale of 2 on top made 4x pictures of 1-2 MB
    return vlc.vegalite_to_png(json.loads(key), vl_version=vl_version(), scale=1, ppi=PPI)


def warm() -> None:
    """Start vl-convert's engine (its first conversion in a process costs about 0.3 s, the
    next ones milliseconds): a kernel calls it before its first notebook
    (``metadata.brief.preload``). Nothing is kept or written."""
    vlc.vegalite_to_svg({"mark": "point"}, vl_version=vl_version())


def to_svg(spec: dict[str, Any]) -> str:
    return _svg(_key(spec))


def to_png(spec: dict[str, Any]) -> bytes:
    return _png(_key(spec))


def offline_html(spec: dict[str, Any], svg: str) -> str:
    """Chart HTML with no network use: static SVG now, interactive where the page has Vega."""
    chart_id = "c" + hashlib.sha256(spec_json(spec).encode("utf-8")).hexdigest()[:12]
    alt_text = str(spec.get("description") or title_of(spec) or "Chart")
    data_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    note = "<!-- drawn by vegaEmbed from the page's local Vega bundle; static SVG otherwise -->"
    return f"{note}\n{chart_div(chart_id, spec, alt_text, data_uri)}"


def title_of(spec: dict[str, Any]) -> str:
    """A spec's title as one line of text."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    return str(title or "")


def render(spec: dict[str, Any], **metadata: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Mimebundle with text/html and image/svg+xml for one Vega-Lite spec (Typst places the
    SVG; a PNG would only make the executed notebook heavier)."""
    return bundle(spec, to_svg(spec)), {}


def bundle(spec: dict[str, Any], svg: str) -> dict[str, Any]:
    """The mimebundle of a spec whose SVG is already made."""
    return {"text/html": offline_html(spec, svg), "image/svg+xml": svg}


def register() -> None:
    """Register the renderer and make it the active one."""
    alt.renderers.register(RENDERER_NAME, render)
    alt.renderers.enable(RENDERER_NAME)
