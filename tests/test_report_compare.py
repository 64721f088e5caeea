"""The comparison page: one row per brief, one column per claim, verdicts from each results.json."""

from __future__ import annotations

import json
from pathlib import Path

from analysis.publish.compare import BriefEntry, compare_md
from analysis.publish.results import CLAIM_IDS, parse_results

RESULTS = json.loads(
    (Path(__file__).parent / "fixtures" / "report" / "build" / "results.json").read_text()
)


def _entry(name: str, verdicts: dict[str, str] | None = None) -> BriefEntry:
    data = json.loads(json.dumps(RESULTS))
    data["brief"]["name"] = name
    data["brief"]["title"] = f"Brief {name}"
    for cid, v in (verdicts or {}).items():
        data["claims"][cid]["verdict"] = v
    return BriefEntry(parse_results(data))


def _table(md: str) -> list[list[str]]:
    rows = [line for line in md.splitlines() if line.startswith("|")]
    return [[c.strip() for c in r.strip("|").split("|")] for r in rows]


def test_one_row_per_brief_one_column_per_claim_flagship_first():
    entries = [_entry("ppp", {"C1": "not supported"}), _entry("default"), _entry("crink")]
    table = _table(compare_md(entries))
    header, body = table[0], table[2:]
    assert header == ["Brief", "PDF", *CLAIM_IDS]
    assert len(body) == 3
    assert [r[0] for r in body] == [
        "[Brief default](report/brief.html)",
        "[Brief crink](briefs/crink/report/brief.html)",
        "[Brief ppp](briefs/ppp/report/brief.html)",
    ]
    assert body[2][1] == "[PDF](briefs/ppp/report/brief.pdf)"
    by_name = {r[0]: r[2:] for r in body}
    assert by_name["[Brief ppp](briefs/ppp/report/brief.html)"][0] == "not supported"
    expected = [RESULTS["claims"][c]["verdict"] for c in CLAIM_IDS]
    assert by_name["[Brief default](report/brief.html)"] == expected


def test_links_from_inside_an_alternative_brief_lead_back_to_the_site_root():
    md = compare_md([_entry("default"), _entry("ppp")], site_root="../../")
    assert "(../../report/brief.html)" in md
    assert "(../../briefs/ppp/report/brief.pdf)" in md


def test_no_briefs_says_so():
    assert compare_md([]) == "No brief has been built yet.\n"


def test_a_claim_a_brief_has_not_computed_shows_as_such():
    data = json.loads(json.dumps(RESULTS))
    del data["claims"]["C4"]
    data["brief"]["name"] = "milex-only"
    table = _table(compare_md([_entry("default"), BriefEntry(parse_results(data))]))
    row = table[3]
    assert row[0].endswith("(briefs/milex-only/report/brief.html)")
    assert row[2 + CLAIM_IDS.index("C4")] == "not computed"
    assert row[2] == RESULTS["claims"]["C1"]["verdict"]
    assert "*not computed*: not computed in this build" in compare_md(
        [BriefEntry(parse_results(data))]
    )
    assert "*not computed*" not in compare_md([_entry("default")])
