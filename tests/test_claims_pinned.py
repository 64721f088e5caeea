"""Every claim, decided in full on the committed data, equals what was pinned on purpose.

``tests/claims_pinned.py`` decides each claim as the brief and the multiverse do (the brief's
own specification, three others of its space, C1 and C6 as their notebooks do) and
``tests/fixtures/claims/pinned.json`` holds the result: verdicts, every part's outcome, every
evidence item (label, value, unit, year), the sentences. A change to the data, a rule or the
code that moves any of it fails here, naming where; regenerate with
``.venv/bin/python -m tests.claims_pinned`` and say in the commit why it moved. Numbers agree
to a relative 1e-5 (they are pinned to 6 significant digits).

Last moved: issue 22, part 3 (decision 58). C1 gained its expectations chart
(``c1-expectations``: the ratio as each WEO and SIPRI release saw it, its title, caption and alt
text) and five evidence items after its others (WEO releases compared and crossing parity, the
highest projection, the latest release's ratio for its year, the spread across SIPRI releases);
nothing that was pinned before moved.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from analysis.compute import claims as claim_modules
from tests.claims_pinned import PINNED, compute_claim

REL = 1e-5


def differences(got: Any, want: Any, where: str = "") -> list[str]:
    if isinstance(want, float) and isinstance(got, int | float) and not isinstance(got, bool):
        if math.isclose(got, want, rel_tol=REL, abs_tol=1e-12):
            return []
        return [f"{where}: {got!r} != pinned {want!r}"]
    if isinstance(want, dict) and isinstance(got, dict):
        out = [f"{where}.{k}: missing" for k in want if k not in got]
        out += [f"{where}.{k}: not pinned" for k in got if k not in want]
        for k in want:
            if k in got:
                out += differences(got[k], want[k], f"{where}.{k}")
        return out
    if isinstance(want, list) and isinstance(got, list):
        if len(got) != len(want):
            return [f"{where}: {len(got)} items, pinned {len(want)}"]
        pairs = enumerate(zip(got, want, strict=True))
        return [d for i, (g, w) in pairs for d in differences(g, w, f"{where}[{i}]")]
    return [] if got == want else [f"{where}: {got!r} != pinned {want!r}"]


def test_every_claim_is_pinned():
    assert sorted(json.loads(PINNED.read_text())) == sorted(claim_modules.IDS)


@pytest.mark.parametrize("cid", claim_modules.IDS)
def test_a_claim_decided_on_the_committed_data_is_as_pinned(cid: str):
    pinned = json.loads(PINNED.read_text())[cid]
    assert differences(compute_claim(cid), pinned, cid) == []


def test_the_comparison_sees_a_moved_number_and_a_moved_word():
    pinned = {"a": [{"value": 0.25, "label": "x"}]}
    assert differences({"a": [{"value": 0.25 * (1 + 1e-7), "label": "x"}]}, pinned) == []
    assert differences({"a": [{"value": 0.2501, "label": "x"}]}, pinned) == [
        ".a[0].value: 0.2501 != pinned 0.25"
    ]
    assert differences({"a": [{"value": 0.25, "label": "y"}]}, pinned) == [
        ".a[0].label: 'y' != pinned 'x'"
    ]
