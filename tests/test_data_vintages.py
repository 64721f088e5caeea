"""Earlier releases as curated data: the IMF-code concordance (built from the data, checked, and
right for every country a shipped brief uses), the release table, and a missing or corrupt
release file as one error line with nothing half-written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import concordance as conc
from analysis.data import curate as cur
from analysis.data import load
from analysis.data.sources import imf_weo_vintages as weo_v
from analysis.data.sources import sipri_milex_vintages as milex_v
from analysis.errors import BriefError
from analysis.params import load_params
from tests.conftest import RAW_DIR, ROOT

VINTAGES_DIR = RAW_DIR.parent / "vintages"
DATA = ROOT / "data"


def need_vintages() -> Path:
    if not VINTAGES_DIR.is_dir() or not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")
    return VINTAGES_DIR


def one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert "\n" not in msg, msg
    return msg


# --- the concordance: method (synthetic releases) -------------------------------------------


def release(areas: dict[str, list[float]], concept: str = "LP") -> pd.DataFrame:
    rows = [
        {"ref_area": a, "concept": concept, "year": 1990 + i, "value": v}
        for a, values in areas.items()
        for i, v in enumerate(values)
    ]
    return pd.DataFrame(rows)


def series(start: float, n: int = 80) -> list[float]:
    return [round(start + 0.37 * i, 3) for i in range(n)]


ANCHORS = {"111": "USA", "924": "CHN", "922": "RUS", "001": "G001"}


def pair(extra_old=None, extra_new=None):
    old = {code: series(10 * (i + 1)) for i, code in enumerate(ANCHORS)}
    new = {iso: series(10 * (i + 1)) for i, iso in enumerate(ANCHORS.values())}
    old.update(extra_old or {})
    new.update(extra_new or {})
    return release(old), release(new)


def test_each_code_matches_the_area_it_shares_its_history_with():
    old, new = pair({"512": series(900)}, {"AFG": series(900)})
    table = conc.concordance(old, new, {}, "test")
    assert dict(zip(table["imf_code"], table["weo_code"], strict=True)) == {
        **ANCHORS,
        "512": "AFG",
    }
    assert (table["shared_values"] == 80).all()


def test_a_code_matching_two_areas_equally_is_refused():
    old, new = pair({"512": series(900)}, {"AFG": series(900), "AGO": series(900)})
    with pytest.raises(BriefError, match="512 matches AFG on only 80") as exc:
        conc.concordance(old, new, {}, "test")
    one_line(exc)


def test_a_code_with_too_little_shared_history_is_refused():
    old, new = pair({"512": series(900, n=20)}, {"AFG": series(900, n=20)})
    with pytest.raises(BriefError, match="512 matches AFG on only 20"):
        conc.concordance(old, new, {}, "test")


def test_two_codes_matching_one_area_are_refused():
    old, new = pair({"512": series(900), "513": series(900)}, {"AFG": series(900)})
    with pytest.raises(BriefError, match="512 and 513 both match AFG"):
        conc.concordance(old, new, {}, "test")


def test_a_code_without_a_match_must_be_listed_with_why():
    old, new = pair({"511": series(5000)})
    with pytest.raises(BriefError, match="IMF code 511 shares no value"):
        conc.concordance(old, new, {}, "test")
    table = conc.concordance(old, new, {"511": "a group with no successor"}, "test")
    assert "511" not in set(table["imf_code"])


def test_an_anchor_the_data_contradict_is_refused():
    old, new = pair()
    old.loc[old["ref_area"] == "111", "ref_area"] = "112"  # the United States under another code
    old2 = pd.concat([old, release({"111": series(7000)})], ignore_index=True)
    new2 = pd.concat([new, release({"GBR": series(7000)})], ignore_index=True)
    with pytest.raises(BriefError, match="IMF code 111 matches 'GBR'; expected USA"):
        conc.concordance(old2, new2, {}, "test")


# --- the concordance: the committed table and every country a shipped brief uses -------------


def brief_countries() -> dict[str, list[str]]:
    out = {}
    for path in sorted((ROOT / "params").glob("*.yml")):
        p = load_params(path)
        out[path.name] = [*p.coalition, *p.benchmark]
    return out


def test_the_committed_concordance_is_one_to_one_and_strong():
    table = load.load_table("weo_codes")
    matched = table[table["weo_code"] != ""]
    assert matched["imf_code"].is_unique and matched["weo_code"].is_unique
    assert (matched["shared_values"] >= conc.MIN_SHARED).all()
    assert (matched["shared_values"] >= conc.SEPARATION * matched["runner_up_values"]).all()
    got = dict(zip(table["imf_code"], table["weo_code"], strict=True))
    assert {k: got[k] for k in conc.ANCHORS} == conc.ANCHORS
    assert set(table.loc[table["weo_code"] == "", "imf_code"]) == set(weo_v.unmatched_codes())


@pytest.mark.parametrize(("brief", "members"), sorted(brief_countries().items()))
def test_every_country_of_a_shipped_brief_has_one_code_and_its_history(brief, members):
    """Each member the WEO covers has exactly one IMF code; every complete earlier release holds
    its GDP, and its population agrees with October 2025's (a wrong code would put another
    country's). A member the WEO does not cover (North Korea) has no code and no rows."""
    table = load.load_table("weo_codes")
    latest = load.load_indicators(["pop", "gdp_mer"])
    rel = load.releases("imf_weo")
    earlier = rel[(rel["status"] == "earlier") & rel["complete"].astype(bool)]
    assert len(earlier) == 8
    covered = [m for m in members if m in set(latest["iso3"])]
    for iso3 in members:
        codes = table.loc[table["area_iso3"] == iso3, "imf_code"]
        assert len(codes) == (1 if iso3 in covered else 0), (brief, iso3, list(codes))
    for r in earlier["release"]:
        rows = load.load_release("imf_weo", r)
        assert not set(members) - set(covered) & set(rows["iso3"])
        for iso3 in covered:
            gdp = rows[(rows["iso3"] == iso3) & (rows["indicator"] == "gdp_mer")]
            assert gdp["year"].min() <= 2000 and gdp["year"].max() >= int(r[:4]), (r, iso3)
            pop = rows[(rows["iso3"] == iso3) & (rows["indicator"] == "pop")]
            both = pop.merge(
                latest[(latest["iso3"] == iso3) & (latest["indicator"] == "pop")],
                on="year",
                suffixes=("", "_latest"),
            )
            both = both[both["year"].between(2000, 2015)]
            if both.empty:  # MNE has no population in October 2024; its GDP is checked above
                continue
            ratio = (both["value"] / both["value_latest"]).median()
            # within the curation's tolerance: censuses move some (Paraguay: -8 % in 2022)
            assert abs(ratio - 1) < weo_v.POP_TOLERANCE, (brief, r, iso3, ratio)


def test_the_numeric_codes_mean_the_same_in_the_first_and_the_last_numeric_release():
    """The concordance is built on April 2025; the October 2021 release (the as-of-2021 brief's)
    must use the same codes: its areas match themselves on identical history."""
    v = need_vintages()
    old = weo_v.common.read_rda(v / "imf_weo" / weo_v.RELEASES["2021-10"])
    new = weo_v.common.read_rda(v / "imf_weo" / weo_v.RELEASES["2025-04"])
    found = conc.match_areas(old[old["year"] <= 2015], new[new["year"] <= 2015])
    table = load.load_table("weo_codes")
    countries = set(table.loc[~table["area_iso3"].isin(["", "WLD"]), "imf_code"])
    found = found[found["imf_code"].isin(countries)]
    assert len(found) == len(countries)
    assert (found["imf_code"] == found["weo_code"]).all(), found[
        found["imf_code"] != found["weo_code"]
    ]


def test_a_release_whose_codes_put_the_wrong_country_is_refused():
    latest = load.load_indicators(["pop"])
    rows = load.load_release("imf_weo", "2021-10")
    swapped = rows.assign(iso3=rows["iso3"].map(lambda c: {"CHN": "RUS", "RUS": "CHN"}.get(c, c)))
    weo_v.check_release("2021-10", rows, latest, "x")  # the real one passes
    with pytest.raises(BriefError, match=r"x: (CHN|RUS).s population is") as exc:
        weo_v.check_release("2021-10", swapped, latest, "x")
    one_line(exc)


def test_scales_are_read_as_powers_of_ten():
    assert weo_v.scale_power("1000000000", "x") == 9
    assert weo_v.scale_power(1e6, "x") == 6
    assert weo_v.scale_power("NULL", "x") == 0
    with pytest.raises(BriefError, match="expected a power of ten"):
        weo_v.scale_power(2500.0, "x")


# --- what the earlier releases hold ----------------------------------------------------------


def ratio(rows: pd.DataFrame, indicator: str, year: int) -> float:
    d = rows[(rows["indicator"] == indicator) & (rows["year"] == year)].set_index("iso3")["value"]
    return (d["CHN"] + d["RUS"]) / d["USA"]


def test_the_releases_hold_the_ratios_the_vintages_folder_reports():
    """The spot checks of ../shared/data/vintages/SOURCES.md, from the curated tables."""
    assert ratio(load.load_release("imf_weo", "2021-04"), "gdp_mer", 2026) == pytest.approx(
        0.945, abs=5e-4
    )
    assert ratio(load.load_release("imf_weo", "2022-10"), "gdp_mer", 2027) == pytest.approx(
        1.007, abs=5e-4
    )
    assert ratio(load.load_release("imf_weo", "2025-04"), "gdp_mer", 2025) == pytest.approx(
        0.698, abs=5e-4
    )
    assert ratio(load.load_release("sipri_milex", "2021"), "milex_const", 2020) == pytest.approx(
        0.407, abs=5e-4
    )
    assert ratio(load.load_release("sipri_milex", "2025"), "milex_const", 2020) == pytest.approx(
        0.357, abs=5e-4
    )


def test_the_release_table_lists_every_release_with_its_date_and_evidence():
    table = load.releases()
    assert table.groupby("source")["status"].apply(lambda s: (s == "current").sum()).eq(1).all()
    weo = load.releases("imf_weo")
    assert list(weo["published"]) == [
        "2021-04-06", "2021-10-12", "2022-04-19", "2022-10-11", "2023-04-11", "2023-10-10",
        "2024-04-16", "2024-10-22", "2025-04-22", "2025-10-14",
    ]  # fmt: skip
    assert list(load.releases("sipri_milex")["published"]) == [
        "2021-04-26",
        "2025-04-28",
        "2026-04-30",
    ]
    announced = table[table["date_basis"] == "announcement"]
    assert (announced["date_url"].str.startswith("https://")).all()
    assert table["date_note"].str.len().gt(20).all()
    assert not weo.loc[weo["release"] == "2021-04", "complete"].iloc[0]


# --- a missing or corrupt release file: one line, nothing half-written ------------------------


@pytest.fixture(scope="module")
def small_data(tmp_path_factory):
    """A data/ folder curated from one fast source, to curate over."""
    need_vintages()
    out = tmp_path_factory.mktemp("vint") / "data"
    cur.curate(RAW_DIR, ["voeten"], data_dir=out, echo=lambda *_: None)
    return out


def files_of(d: Path) -> dict[str, bytes]:
    return {
        p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()
    }


def broken_copy(tmp_path: Path, folder: str, name: str, content: bytes | None) -> Path:
    copy = tmp_path / "vintages"
    shutil.copytree(need_vintages(), copy)
    target = copy / folder / name
    target.chmod(0o644)
    if content is None:
        target.unlink()
    else:
        target.write_bytes(content)
    return copy


@pytest.mark.parametrize(
    ("source", "folder", "name", "content", "expected"),
    [
        ("sipri_milex_vintages", "sipri_milex", milex_v.RELEASES["2021"][0], None, "not found"),
        ("sipri_milex_vintages", "sipri_milex", milex_v.RELEASES["2025"][0], b"PK\x03\x04 no",
         "cannot read SIPRI milex workbook"),
        ("imf_weo_vintages", "imf_weo", weo_v.RELEASES["2021-10"], None, "not found"),
        ("imf_weo_vintages", "imf_weo", weo_v.RELEASES["2022-04"], b"RDX2\nnot R data",
         "cannot read IMF WEO release"),
    ],
)  # fmt: skip
def test_a_missing_or_corrupt_release_is_one_line_naming_it(
    small_data, tmp_path, source, folder, name, content, expected
):
    copy = broken_copy(tmp_path, folder, name, content)
    out = tmp_path / "data"
    shutil.copytree(small_data, out)
    before = files_of(out)
    with pytest.raises(BriefError) as exc:
        cur.curate(RAW_DIR, [source], data_dir=out, echo=lambda *_: None, vintages_dir=copy)
    msg = one_line(exc)
    assert f"{folder}/{name}" in msg and expected in msg, msg
    assert files_of(out) == before  # nothing written, nothing removed
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp")]


def test_a_missing_vintages_folder_is_one_line(small_data, tmp_path):
    with pytest.raises(BriefError, match=r"vintages folder not found at .*--vintages DIR") as exc:
        cur.curate(
            RAW_DIR,
            ["sipri_milex_vintages"],
            data_dir=tmp_path / "d",
            echo=lambda *_: None,
            vintages_dir=tmp_path / "absent",
        )
    one_line(exc)


def test_a_release_file_changed_after_curation_fails_the_data_check(tmp_path):
    from analysis.data.check import verify_raw

    copy = broken_copy(tmp_path, "sipri_milex", milex_v.RELEASES["2021"][0], b"changed")
    pkg = json.loads((DATA / "datapackage.json").read_text())
    assert verify_raw(need_vintages(), pkg, "vintage_files") == 11
    with pytest.raises(BriefError, match=r"SIPRI-Milex-data-1949-2020_0\.xlsx: SHA-256") as exc:
        verify_raw(copy, pkg, "vintage_files")
    one_line(exc)


def test_earlier_releases_curate_into_their_own_files_with_provenance(small_data, tmp_path):
    out = tmp_path / "data"
    shutil.copytree(small_data, out)
    cur.curate(RAW_DIR, ["voeten", "sipri_milex_vintages"], data_dir=out, echo=lambda *_: None)
    assert (out / "vintages/sipri_milex/2021.csv").read_bytes() == (
        DATA / "vintages/sipri_milex/2021.csv"
    ).read_bytes()
    pkg = json.loads((out / "datapackage.json").read_text())
    entry = next(s for s in pkg["provenance"]["sources"] if s["id"] == "sipri_milex_vintages")
    assert [f["path"] for f in entry["vintage_files"]] == milex_v.VINTAGE_FILES
    res = {r["path"]: r for r in pkg["resources"]}["vintages/sipri_milex/2021.csv"]
    assert res["table"] == "vintages" and res["schema"]["primaryKey"][0] == "release"
    table = pd.read_csv(out / "releases.csv", dtype=str, keep_default_na=False)
    assert list(table["source"]) == ["sipri_milex", "sipri_milex", "voeten"]
