"""Offline HTML for Vega-Lite charts: the served Vega bundle, in-page snippets, standalone pages.

No CDN: the Vega, Vega-Lite and vega-embed code comes from vl-convert's JavaScript bundle, written
once per brief as ``files/vega-bundle.js`` and loaded by relative URL. Every chart is a ``<div>``
naming a ``<script type="application/json">`` that holds its spec; ``report/assets/charts.js``
(copied next to the bundle) draws them all with the SVG renderer.
"""

from __future__ import annotations

import html
from functools import cache
from typing import Any

from analysis.vega.html import chart_div


def vegalite_minor_version() -> str | None:
    """The Vega-Lite ``major.minor`` matching Altair's schema, if vl-convert ships it."""
    import altair as alt  # here, not at the top: `brief diff` and the fragments need neither
    import vl_convert as vlc

    minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return minor if minor in vlc.get_vegalite_versions() else None


@cache
def vega_bundle() -> str:
    """vl-convert's bundle (sets ``window.vegaEmbed``), wrapped so its top-level names stay local.

    The bundle declares many short top-level names; wrapped in a function they cannot clash with
    the page's other scripts. It assigns ``window.vegaEmbed``/``vega``/``vegaLite`` explicitly.
    """
    import vl_convert as vlc

    body = vlc.javascript_bundle(vl_version=vegalite_minor_version())
    head = "/* vega, vega-lite, vega-embed: bundled by vl-convert */\n"
    return f"{head}(function () {{\n{body}\n}})();\n"


#: The page scripts beside the bundle (report/assets/): the charts, the explorable multiverse.
SCRIPTS = ("charts.js", "explore.js")


def scripts_html(prefix: str) -> str:
    """The script tags a page with charts ends with (``prefix`` leads to the files folder)."""
    return "\n".join(
        f'<script src="{prefix}{name}"></script>' for name in ("vega-bundle.js", *SCRIPTS)
    )


def standalone_html(
    chart_id: str,
    spec: dict[str, Any],
    *,
    title: str,
    caption: str,
    alt_text: str,
    source: str,
    csv_href: str,
    files_prefix: str = "../",
    fallback_src: str | None = None,
) -> str:
    """A page holding one interactive chart; loads the bundle by relative URL (works offline)."""
    esc = html.escape
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem}.brief-chart{width:100%}</style>\n"
        "</head>\n<body>\n"
        f"<h1>{esc(title)}</h1>\n"
        f"{chart_div(chart_id, spec, alt_text, fallback_src)}\n"
        f"<p>{esc(caption)} Source: {esc(source.rstrip('.'))}. "
        f'<a href="{esc(csv_href, quote=True)}">Download the data (CSV)</a></p>\n'
        f"{scripts_html(files_prefix)}\n"
        "</body>\n</html>\n"
    )
