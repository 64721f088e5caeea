"""Text for the published pages: untrusted text made inert, numbers printed by their unit.

Every string that comes from a params file, a data file or a notebook (titles, labels, country
names, citations, sentences) reaches Markdown only through :func:`md`, which backslash-escapes
every ASCII punctuation character Pandoc's Markdown could read as markup, so it shows exactly as
written: no link, no emphasis, no raw HTML, no citation, no shortcode. The fragments are then
parsed by the `brief` shortcode without raw HTML (``_extensions/brief/brief.lua``), a second
wall. :func:`attr` and :func:`html_text` do the same for a Pandoc attribute and for HTML.
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any

from markupsafe import Markup

from analysis.formats import percent
from analysis.results import Evidence

NA = "not available"  # how the brief prints a number the build could not compute
# ASCII punctuation Pandoc Markdown may read as markup (quotes and the apostrophe stay: they are
# only ever typographic, and escaping them would block smart quotes).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~^$@&:])")


def md(value: Any) -> str:
    """Text safe in Markdown: one line, every markup character escaped."""
    if isinstance(value, Markup):
        return str(value)
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def meta(value: Any) -> str:
    """Text for a page's YAML metadata (its title). Quarto expands shortcodes in metadata after
    Pandoc has read it, so backslashes do not stop ``{{< env HOME >}}`` there: Quarto's own
    escape (one more brace each side, ``{{{< … >}}}``) is applied first, then :func:`md`."""
    if isinstance(value, Markup):
        return str(value)
    return md(str(value).replace("{{<", "{{{<").replace(">}}", ">}}}"))


def attr(value: Any) -> str:
    """A value inside a double-quoted Pandoc attribute."""
    return " ".join(str(value).split()).replace("\\", "\\\\").replace('"', '\\"')


def html_text(value: Any) -> str:
    return html.escape(" ".join(str(value).split()), quote=True)


def script_json(data: Any) -> str:
    """JSON safe inside an HTML ``<script>`` element and a Markdown raw block: one line, and no
    ``<``, ``>`` or ``&`` (escaped as JSON's ``\\u003c`` …), so no ``</script>``, comment or
    Quarto shortcode can be formed by a value; deterministic (sorted keys, no NaN)."""
    body = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)  # fmt: skip
    return body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def finalize(value: Any) -> Any:
    """Jinja2's finalize: every value printed by a template is escaped unless it is Markup."""
    if value is None:
        return ""
    return value if isinstance(value, Markup) else md(value)


# ---------------------------------------------------------------------------------------------
# Numbers


def number(value: float) -> str:
    """A plain number, deterministic, no locale."""
    if value != value:  # NaN
        return NA
    if abs(value) < 1e-9:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if abs(value) >= 0.001:
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return f"{value:.2g}"


def signed(value: float, digits: int = 2) -> str:
    if abs(value) < 10 ** -(digits + 1):
        return "0"
    return f"{value:+.{digits}f}".replace("-", "−")


def count(value: float) -> str:
    v = round(value)
    return f"{v:,}" if abs(v) >= 10000 else str(v)


def value_of(e: Evidence) -> str:
    """An evidence item's value as the brief prints it, decided by its unit."""
    v = e.value
    if v is None:
        return NA
    if e.unit == "text" or isinstance(v, str):
        return str(v)
    if isinstance(v, float) and not math.isfinite(v):
        return NA
    return {
        "ratio": lambda x: f"{x:.2f}",
        "share": percent,
        "probability": percent,
        "count": count,
        "year": lambda x: str(int(x)),
        "per_year": lambda x: f"{signed(x)} a year",
        "points_per_year": lambda x: f"{signed(x, 3 if abs(x) < 0.1 else 2)} points a year",
        "log_growth": lambda x: f"{signed(100 * math.expm1(x), 1)} % a year",
        "tiv_m": lambda x: f"{x:,.0f} million TIV",
        "tiv_m_per_year": lambda x: f"{signed(x, 0)} million TIV a year",
        "usd_bn": lambda x: f"US$ {x:,.0f} bn",
        "index": lambda x: f"{x:.2f}",
        "pp": lambda x: f"{signed(x, 1)} percentage points",
    }[e.unit](float(v))


def label_of(e: Evidence) -> str:
    """The label with its year, when it has one ("Ratio in the latest year with data, 2025")."""
    return f"{e.label}, {e.year}" if e.year is not None else e.label


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def long_date(iso: str) -> str:
    """'2026-11-29' -> '29 November 2026' (no locale)."""
    try:
        y, m, d = (int(x) for x in iso.split("-"))
        return f"{d} {MONTHS[m - 1]} {y}"
    except (ValueError, IndexError):
        return iso or "not stated"
