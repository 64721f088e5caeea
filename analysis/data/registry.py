"""The data dictionary's single source: indicator id -> label, unit, source, description.

Each source module declares its indicators in ``INDICATORS = {id: {label, unit, description}}``;
this module collects them (source id from the module's ``SOURCE["id"]``) and adds the plausible
range each indicator's values must lie in, used by :mod:`analysis.data.validate`.
"""

from __future__ import annotations

import functools
import math

from analysis.errors import BriefError

INF = math.inf
# Plausible ranges (inclusive). Every indicator not listed must be >= 0 (levels, counts).
RANGES: dict[str, tuple[float, float]] = {
    "gdp_growth": (-100.0, INF),  # real growth can be large (e.g. oil discoveries), not < -100 %
    "wdi_gdp_growth": (-100.0, INF),
    # wartime spending can exceed GDP: Kuwait 1991 (Gulf War) is 117 % in SIPRI
    "milex_gdp": (0.0, 200.0),
    "wdi_milex_gdp": (0.0, 200.0),
    "wdi_rd_gdp": (0.0, 100.0),
    # kept by the wdi source above 100 and flagged uncertain (Lao PDR 1962-73, Qatar 1972)
    "wdi_fuel_exports": (0.0, 1000.0),  # Lao PDR 1962 is 492 %
    "nmc_cinc": (0.0, 1.0),
    "unga_idealpoint": (-10.0, 10.0),  # a latent scale centred on 0, in practice within +-4
}
DEFAULT_RANGE = (0.0, INF)


@functools.cache
def indicators() -> dict[str, dict]:
    """Every indicator id -> {label, unit, source, description, range}, in source order."""
    from analysis.data.sources import SOURCES

    out: dict[str, dict] = {}
    for mod in SOURCES:
        src = mod.SOURCE["id"]
        for ind, meta in getattr(mod, "INDICATORS", {}).items():
            if ind in out:
                raise BriefError(
                    f"indicator {ind!r} declared by sources {out[ind]['source']!r} and {src!r}; "
                    "expected one source per indicator id"
                )
            out[ind] = {
                "label": meta["label"],
                "unit": meta["unit"],
                "source": src,
                "description": meta.get("description", ""),
                "range": RANGES.get(ind, DEFAULT_RANGE),
            }
    return out


def info(ind: str) -> dict:
    reg = indicators()
    if ind not in reg:
        raise BriefError(f"indicator {ind!r} is not in the registry; expected one of {sorted(reg)}")
    return dict(reg[ind])
