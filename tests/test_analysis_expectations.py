"""C1's expectations release by release (analysis/compute/expectations.py): each release's ratio
computed within that release, the releases a dated brief could see, and the sentence's numbers,
on made-up releases with hand-known answers and on the committed releases."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis.compute import expectations as ex
from analysis.data import load
from tests.test_analysis_fixtures import frame, panel

C, B = ["CHN", "RUS"], ["USA"]


def params(**kw):
    base = dict(coalition=C, benchmark=B, coalition_label="China + Russia",
                benchmark_label="United States", missing="drop_year", milex_prices="constant",
                horizon=2030, as_of=None)  # fmt: skip
    return SimpleNamespace(**{**base, **kw})


def weo(values, years, projected_from):
    """GDP rows of one made-up WEO release, flagged projections from ``projected_from``."""
    df = frame(panel("gdp_mer", years, values))
    df["source"] = ex.WEO
    df["flag"] = ["projection" if y >= projected_from else "" for y in df["year"]]
    return df


RELEASES = pd.DataFrame(
    [
        (ex.WEO, "2021-10", "October 2021", "earlier", "2021-10-12"),
        (ex.WEO, "2022-10", "October 2022", "earlier", "2022-10-11"),
        (ex.WEO, "2025-10", "October 2025", "current", "2025-10-14"),
        (ex.SIPRI, "2021", "2021 release (1949–2020, constant 2019 US$)", "earlier", "2021-04-26"),
        (ex.SIPRI, "2026", "2026 release (1949–2025, constant 2024 US$)", "current", "2026-04-30"),
    ],
    columns=["source", "release", "label", "status", "published"],
)
YEARS = [2019, 2020, 2021, 2022]


def made_up() -> dict[str, pd.DataFrame]:
    """Three WEO releases and two SIPRI ones. The 2022-10 release has no USA value for 2019:
    a ratio that borrowed another release's USA would still have one."""
    old = weo({"CHN": [7, 8, 8, 8.5], "RUS": [1, 1, 1, 1], "USA": [10, 10, 10, 10]}, YEARS, 2021)
    mid = weo({"CHN": [7, 8, 11, 12], "RUS": [1, 1, 1, 1], "USA": [None, 10, 10, 10]}, YEARS, 2021)
    cur = weo({"CHN": [70, 80, 90, 95], "RUS": [10, 10, 10, 10], "USA": [200] * 4}, YEARS, 2022)
    s21 = frame(panel("milex_const", [2019, 2020], {"CHN": [2, 2], "RUS": [1, 1], "USA": [10, 10]}))
    s26 = frame(panel("milex_const", [2019, 2020, 2021],
                      {"CHN": [3, 3, 4], "RUS": [1, 1, 1], "USA": [20, 20, 20]}))  # fmt: skip
    s21["source"] = s26["source"] = ex.SIPRI
    vintages = pd.concat(
        [old.assign(release="2021-10"), mid.assign(release="2022-10"), s21.assign(release="2021")],
        ignore_index=True,
    )
    return {"vintages": vintages, "indicators": pd.concat([cur, s26]), "releases": RELEASES}


def test_each_release_ratio_is_computed_within_that_release():
    r = ex.release_ratios(made_up(), params())
    by = {(row.release, row.year): (row.ratio, row.kind) for row in r.itertuples()}
    assert by[("2021-10", 2019)] == (0.8, "observed")
    assert by[("2021-10", 2021)] == (0.9, "projected")  # flagged from 2021 in that release
    assert ("2022-10", 2019) not in by  # no USA in that release: the year is dropped, not mixed
    assert by[("2022-10", 2022)] == (1.3, "projected")
    assert by[("2025-10", 2021)] == (0.5, "observed") and by[("2025-10", 2022)][1] == "projected"
    # SIPRI: each release in its own constant dollars, its own ratio
    assert by[("2021", 2020)] == (0.3, "observed") and by[("2026", 2020)] == (0.2, "observed")


def test_a_dated_brief_sees_only_the_releases_published_by_its_date():
    r = ex.release_ratios(made_up(), params(as_of="2022-10-11"))  # the day of the second
    assert sorted(set(r["release"])) == ["2021", "2021-10", "2022-10"]
    assert sorted(set(ex.release_ratios(made_up(), params(as_of="2021-10-11"))["release"])) == [
        "2021"
    ]


def test_what_the_releases_expected_and_the_sentence_that_says_it():
    r = ex.release_ratios(made_up(), params())
    o, rev = ex.outlooks(r), ex.revisions(r)
    assert o.labels == ["October 2021", "October 2022", "October 2025"]
    assert o.best == ex.Point("October 2022", 2022, 1.3)
    assert o.latest_then == pytest.approx(0.525) and o.crossing == ["October 2022"]
    assert o.latest_peak == ex.Point("October 2025", 2022, 0.525)
    assert rev == ex.Revisions(2020, [ex.Point("2021 release", 2020, 0.3),
                                      ex.Point("2026 release", 2020, 0.2)])  # fmt: skip
    text = ex.weo_sentence(o, "China + Russia", "United States", 2030)
    assert "October 2022's projection went furthest" in text and "130%" in text
    assert "The latest, October 2025, puts 2022 at 52%, 78 points lower" in text
    assert "crosses parity by 2030 in 1 of the 3 releases (October 2022)" in text
    assert ex.sipri_sentence(rev).endswith(
        "2020, the last year all 2 hold, at 30% in the 2021 release and 20% in the 2026 release "
        "(10 points apart)."
    )


def test_no_release_crossing_one_release_and_none_are_sentences_not_crashes():
    one = ex.Outlooks(["October 2021"], ex.Point("October 2021", 2026, 0.93), None,
                      ex.Point("October 2021", 2026, 0.93), [])  # fmt: skip
    text = ex.weo_sentence(one, "China + Russia", "United States", 2030)
    assert "the one IMF WEO release then public, October 2021" in text
    assert "came closest to parity" in text and "No release's projection crosses parity" in text
    assert "The latest" not in text  # the best is the latest: nothing to compare it with
    none = ex.outlooks(pd.DataFrame(columns=ex.COLUMNS))
    assert ex.weo_sentence(none, "A", "B", 2030) == "No WEO release held here projects A to 2030."
    assert ex.sipri_sentence(ex.revisions(pd.DataFrame(columns=ex.COLUMNS))) == ""
    assert [e.key for e in ex.numbers(none, ex.Revisions(None, []), 2030)] == [
        "weo_releases_compared",
        "weo_releases_crossing",
    ]


# --- the committed releases


@pytest.fixture(scope="module")
def committed() -> dict[str, pd.DataFrame]:
    return load.tables(("indicators", "vintages", "releases"), ["gdp_mer", "milex_const"])


def _hand_ratio(release: str, year: int) -> float:
    """China + Russia over the USA, GDP at market rates, read straight from a release's file."""
    rows = load.load_release(ex.WEO, release)
    rows = rows[(rows["indicator"] == "gdp_mer") & (rows["year"] == year)]
    v = rows.set_index("iso3")["value"]
    return (v["CHN"] + v["RUS"]) / v["USA"]


def test_the_october_2022_weo_projected_parity_in_2027_and_the_latest_does_not(committed):
    r = ex.release_ratios(committed, params())
    assert r.groupby("source")["release"].nunique().to_dict() == {ex.WEO: 10, ex.SIPRI: 3}
    o = ex.outlooks(r)
    assert o.best.label == "October 2022" and o.best.year == 2027
    assert o.best.ratio == pytest.approx(_hand_ratio("2022-10", 2027)) and o.best.ratio > 1
    assert o.latest_then == pytest.approx(_hand_ratio("2025-10", 2027))
    assert o.crossing == ["October 2022"]
    # the sentence prints the numbers it was given, as computed
    text = ex.weo_sentence(o, "China + Russia", "United States", 2030)
    shown = [int(n) for n in re.findall(r"(\d+)%", text)]
    assert shown[:2] == [round(o.best.ratio * 100), round(o.latest_then * 100)]


def test_sipri_releases_put_the_same_year_apart(committed):
    rev = ex.revisions(ex.release_ratios(committed, params()))
    assert rev.year == 2020  # the 2021 release ends in 2020
    assert [p.label for p in rev.ratios] == ["2021 release", "2025 release", "2026 release"]
    first, last = rev.ratios[0].ratio, rev.ratios[-1].ratio
    assert first == pytest.approx(0.407, abs=5e-4)  # as pinned for the as-of-2021 brief
    assert first - last > 0.05  # re-based and revised: several points lower in 2026


def test_as_of_the_report_two_weo_releases_and_one_sipri_release(committed):
    dated = load.tables(("indicators", "vintages", "releases"), ["gdp_mer", "milex_const"],
                        as_of="2021-10-12")  # fmt: skip
    r = ex.release_ratios(dated, params(as_of="2021-10-12"))
    assert sorted(set(r["label"])) == ["2021 release", "April 2021", "October 2021"]
    assert r["year"].max() <= 2026  # the October 2021 release projects to 2026
