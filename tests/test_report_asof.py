"""What a brief as of a date says: page 1 names the releases read and those approximated from a
later release, each claim's section the ones of its own sources, the provenance appendix the
release used for every source; a brief of the latest data says none of it but the releases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis.publish import fragments as fr

FIXTURE = Path(__file__).parent / "fixtures" / "report"

RELEASES = {
    "imf_weo": {"name": "IMF World Economic Outlook", "release": "2021-10",
                "label": "October 2021", "published": "2021-10-12", "how": "release"},
    "sipri_milex": {"name": "SIPRI Military Expenditure Database", "release": "2021",
                    "label": "2021 release (1949–2020, constant 2019 US$)",
                    "published": "2021-04-26", "how": "release"},
    "cow_nmc": {"name": "COW National Material Capabilities", "release": "7.0",
                "label": "v7.0 (1816–2022)", "published": "2026-11-28", "how": "approximated",
                "last_year": 2016},
    "voeten": {"name": "UNGA ideal points (Voeten et al.)", "release": "2025-07",
               "label": "July 2025", "published": "2025-07-28", "how": "approximated",
               "last_year": 2020},
    "unvotes": {"name": "UN roll-call votes (unvotes)", "release": "0.3.0",
                "label": "0.3.0 (roll calls to 2019)", "published": "2021-03-09",
                "how": "latest"},
}  # fmt: skip


def plain(path: Path) -> str:
    """A fragment without its Markdown escapes (the text a reader sees)."""
    return path.read_text().replace("\\", "")


def write(tmp_path: Path, brief: dict) -> Path:
    build = tmp_path / "build"
    shutil.copytree(FIXTURE / "build", build)
    res = json.loads((build / "results.json").read_text())
    res["brief"].update(brief)
    (build / "results.json").write_text(json.dumps(res))
    out = tmp_path / "report"
    fr.write_fragments(build, out, FIXTURE / "datapackage.json")
    return out / "_generated"


@pytest.fixture
def dated(tmp_path: Path) -> Path:
    return write(tmp_path, {"as_of": "2021-10-12", "releases": RELEASES})


def test_page_one_names_the_releases_read_and_those_approximated(dated: Path):
    summary = plain(dated / "summary.md")
    assert "Data as of 12 October 2021. Built with the data public on 12 October 2021" in summary
    assert "IMF World Economic Outlook, October 2021" in summary
    assert "2 sources approximated from a later release" in summary
    assert "COW National Material Capabilities to 2016" in summary
    assert "UNGA ideal points (Voeten et al.) to 2020" in summary


def test_a_claim_section_names_the_releases_and_approximations_of_its_sources(dated: Path):
    claims = plain(dated / "claims.md")
    c1, c2 = claims.split("Data as of 12 October 2021")[1:3]
    assert "read from IMF World Economic Outlook, October 2021 (published 2021-10-12)" in c1
    assert "approximated from a later release: COW National Material Capabilities" in c1
    # C2 reads the ideal points (cut to 2020) and the roll calls (public before the date)
    assert "approximated from a later release: UNGA ideal points" in c2 and "unvotes" not in c2
    # C5's only source is the hand-curated exercises, kept to the rows dated by then
    assert claims.count("Data as of 12 October 2021") == 8
    assert "the hand-curated tables (rows dated by 2021-10-12)" in claims


def test_the_provenance_appendix_names_the_release_used_for_every_source(dated: Path):
    prov = plain(dated / "provenance.md")
    assert "| Publisher | Dataset | Version | Release used | Licence |" in prov
    assert "Built as of 12 October 2021" in prov
    assert "October 2021 (2021-10-12), an earlier release" in prov
    assert "2021 release (1949–2020, constant 2019 US$) (2021-04-26)" in prov
    assert "not recorded" not in prov


def test_a_dated_brief_is_dated_by_its_date(dated: Path):
    assert "data-vintage: '2021-10-12'" in (dated / "meta.yml").read_text()
    header = (dated / "header.typ").read_text()
    assert "#set document(date: datetime(year: 2021, month: 10, day: 12))" in header


def test_a_brief_of_the_latest_data_names_its_releases_and_nothing_else(tmp_path: Path):
    latest = {s: {**u, "how": "latest"} for s, u in RELEASES.items()}
    gen = write(tmp_path, {"as_of": None, "releases": latest})
    assert "Built with the data public" not in plain(gen / "summary.md")
    assert "Data as of 12 October 2021" not in plain(gen / "claims.md")
    prov = plain(gen / "provenance.md")
    assert "Each source's latest release" in prov
    assert "October 2021 (2021-10-12) |" in prov
    assert "approximated" not in prov
