"""Every shipped brief's conclusions on the committed data, pinned by hand.

For each brief in ``params/``: its headline ratio (coalition ÷ benchmark on its headline
measure) in the latest year with data and its central projection at the horizon, and every
claim's verdict. A change to the data, a rule or the code that moves one of them must change
this file on purpose, and the commit must say why. Ratios agree to ±0.005 (they are printed to
two decimals); verdicts exactly. Last moved: 2026-12-01, the claim modules (issue 9): see
docs/decisions.md 19 for the rule that combines a claim's parts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import BRIEFS

pytestmark = pytest.mark.slow

TOLERANCE = 0.005
SAME = {"C2": "supported", "C3": "partly supported", "C4": "supported"}
SAME |= {"C5": "partly supported", "C6": "not testable", "C7": "partly supported"}
SAME |= {"C8": "supported"}
PINNED = {
    # brief: (headline measure, latest year, ratio then, horizon, central projection), verdicts
    "default": (("milex", 2025, 0.531, 2030, 0.683), {"C1": "supported", **SAME}),
    "milex-only": (("milex", 2025, 0.531, 2030, 0.683), {"C1": "supported", **SAME}),
    "ppp": (("gdp_ppp", 2024, 1.541, 2030, 1.692), {"C1": "not supported", **SAME}),
    # the central projection crosses parity before 2040: "not exceed" fails
    "horizon-2040": (("milex", 2025, 0.531, 2040, 1.137), {"C1": "not supported", **SAME}),
    "crink": (("milex", 2025, 0.289, 2030, 0.328), {"C1": "supported", **SAME}),
}


def test_every_shipped_brief_is_pinned():
    assert sorted(PINNED) == BRIEFS


@pytest.mark.parametrize("brief", sorted(PINNED))
def test_a_shipped_brief_states_its_pinned_ratio_and_verdicts(built: Path, brief: str):
    res = json.loads((built / "_build" / brief / "results.json").read_text())
    (measure, year, ratio, horizon, central), verdicts = PINNED[brief]
    assert res["brief"]["params"]["headline_measure"] == measure
    m = res["measures"][measure]
    assert (m["latest_year"], m["horizon"]) == (year, horizon)
    assert m["ratio_latest"] == pytest.approx(ratio, abs=TOLERANCE)
    assert 1 + m["margin_at_horizon"] == pytest.approx(central, abs=TOLERANCE)
    assert {cid: c["verdict"] for cid, c in res["claims"].items()} == verdicts
