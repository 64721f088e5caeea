"""A chart as offline HTML: a ``<div>`` that names the ``<script>`` holding its Vega-Lite spec.

The notebooks' renderer and the published pages both place charts this way; the page's own
scripts (``report/assets/charts.js`` with vl-convert's Vega bundle) draw them, and the static
SVG inside the ``<div>`` shows until then, or where scripts do not run.
"""

from __future__ import annotations

import html
import json
from typing import Any


def spec_json(spec: dict[str, Any]) -> str:
    """Compact, deterministic JSON safe inside ``<script>`` and inside Quarto raw blocks.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, so escaping them as ``\\u003c`` etc.
    keeps the JSON equal while ruling out ``</script>`` and Quarto's ``{{<`` shortcode opener.
    """
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_div(
    chart_id: str, spec: dict[str, Any], alt_text: str, fallback_src: str | None = None
) -> str:
    """The HTML that places one interactive chart (needs the bundle and charts.js on the page).

    ``fallback_src`` (a URL or data URI of the static SVG) is shown until the chart is drawn,
    and stays when scripts do not run.
    """
    alt_attr = html.escape(alt_text, quote=True)
    fallback = (
        f'<img class="brief-chart-static" src="{html.escape(fallback_src, quote=True)}" '
        f'alt="{alt_attr}">'
        if fallback_src
        else ""
    )
    return (
        f'<div class="brief-chart" id="vis-{chart_id}" data-vega-spec="spec-{chart_id}" '
        f'role="img" aria-label="{alt_attr}">{fallback}</div>\n'
        f'<script type="application/json" id="spec-{chart_id}">{spec_json(spec)}</script>'
    )
