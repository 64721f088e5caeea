"""A brief as of a date: which release each source reads, how a source with one release is cut
back, and that a notebook's cache keys on the release it actually reads."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.data import asof, load
from analysis.errors import BriefError

D = dt.date


# --- the rules (no data) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "lag", "last"),
    [
        (D(2021, 4, 30), 4, 2019),  # SIPRI's lag: 2020 is public from 1 May 2021
        (D(2021, 5, 1), 4, 2020),
        (D(2021, 1, 1), 0, 2020),  # no lag: a year is public once it has ended
        (D(2020, 12, 31), 0, 2019),
        (D(2021, 10, 12), 54, 2016),  # COW NMC's assumed 4.5 years
        (D(2021, 10, 12), 13, 2019),  # BACI: 2020 only from February 2022
    ],
)
def test_a_year_is_public_from_the_lag_after_it_ends(day, lag, last):
    assert asof.last_public_year(day, lag) == last
    assert asof.public_from(last, lag) <= day < asof.public_from(last + 1, lag)


def table(rows) -> pd.DataFrame:
    cols = ["source", "name", "release", "label", "status", "published", "complete", "lag_months"]
    return pd.DataFrame(rows, columns=cols)


TABLE = table(
    [
        ("weo", "WEO", "2021-04", "April 2021", "earlier", "2021-04-06", False, 4),
        ("weo", "WEO", "2021-10", "October 2021", "earlier", "2021-10-12", True, 4),
        ("weo", "WEO", "2025-10", "October 2025", "current", "2025-10-14", True, 4),
        ("one", "One", "v1", "v1", "current", "2025-07-28", True, 7),
    ]
)


@pytest.mark.parametrize(
    ("day", "how", "release"),
    [
        (None, "latest", "2025-10"),
        (D(2025, 10, 14), "latest", "2025-10"),  # the day of the release counts
        (D(2025, 10, 13), "release", "2021-10"),
        (D(2021, 10, 12), "release", "2021-10"),
        (D(2021, 10, 11), "partial", "2021-04"),  # the April 2021 cut cannot serve a brief
        (D(2021, 4, 5), "unavailable", ""),
    ],
)
def test_a_source_reads_its_latest_release_published_by_the_date(day, how, release):
    use = asof.choose(TABLE, "weo", day)
    assert (use.how, use.release) == (how, release)
    assert use.first_complete == "2021-10-12"


def test_a_source_with_one_release_is_cut_back_before_it_and_read_whole_after():
    before = asof.choose(TABLE, "one", D(2021, 10, 12))
    assert (before.how, before.last_year, before.release) == ("approximated", 2020, "v1")
    assert "approximated from a later release" in before.words()
    assert asof.choose(TABLE, "one", D(2025, 7, 28)).how == "latest"


def test_a_date_a_source_cannot_serve_is_one_line_naming_it_and_the_earliest_date():
    for day in (D(2021, 10, 11), D(2020, 1, 1)):
        msg = str(asof.refuse(asof.choose(TABLE, "weo", day), day))
        assert "\n" not in msg
        assert "WEO (weo)" in msg and "on or after 2021-10-12" in msg, msg


def test_hand_rows_are_kept_when_dated_by_the_day():
    df = pd.DataFrame(
        {
            "date": ["2021-10-12", "2021-10-13", "2021-09", "2021-10", "", ""],
            "year": [2021, 2021, 2021, 2021, 2020, 2021],
        }
    )
    kept = asof.cut_dated(df, "date", D(2021, 10, 12))
    # the day itself; a month that has ended; an undated row of a year that has ended
    assert list(kept["date"]) == ["2021-10-12", "2021-09", ""]
    assert list(kept["year"]) == [2021, 2021, 2020]


def test_the_register_keeps_what_was_delivered_by_the_last_public_year():
    reg = pd.DataFrame(
        {
            "year_order": [2015, 2015, 2021, 2010],
            "delivery_years": ["2016-2019", "2019; 2020-2023", "2022", ""],
            "tiv_delivered": [400.0, 500.0, 50.0, 0.0],
            "number_delivered": pd.array([4, 5, 1, 0], dtype="Int64"),
        }
    )
    out = asof.cut_register(reg, 2020)
    assert list(out["year_order"]) == [2015, 2015, 2010]  # ordered after 2020: not known
    assert list(out["delivery_years"]) == ["2016-2019", "2019-2020", ""]
    # 2 of the second deal's 5 delivery years are kept: 2/5 of its TIV, spread as before
    assert list(out["tiv_delivered"]) == [400.0, 200.0, 0.0]
    assert list(out["number_delivered"]) == [4, 2, 0]


def test_a_date_is_parsed_once_and_anything_else_is_one_error():
    assert asof.parse_as_of("2021-10-12") == D(2021, 10, 12)
    assert asof.parse_as_of(D(2021, 10, 12)) == D(2021, 10, 12)
    assert asof.parse_as_of(None) is None
    for bad in ("soon", "2021-13-01", 20211012):
        with pytest.raises(BriefError, match="not a date; expected YYYY-MM-DD"):
            asof.parse_as_of(bad)


# --- on the committed data ---------------------------------------------------------------------


def ratio(rows: pd.DataFrame, indicator: str, year: int) -> float:
    d = rows[(rows["indicator"] == indicator) & (rows["year"] == year)].set_index("iso3")["value"]
    return (d["CHN"] + d["RUS"]) / d["USA"]


def test_the_report_day_reads_the_october_2021_weo_and_the_2021_sipri_release():
    ind = load.load_indicators(["gdp_mer", "milex_const", "unga_idealpoint"], as_of="2021-10-12")
    assert ratio(ind, "milex_const", 2020) == pytest.approx(0.407, abs=5e-4)
    weo = ind[ind["source"] == "imf_weo"]
    assert weo["year"].max() == 2026  # the October 2021 release projects to 2026
    assert ratio(weo, "gdp_mer", 2026) == pytest.approx(
        ratio(load.load_release("imf_weo", "2021-10"), "gdp_mer", 2026)
    )
    assert ind.loc[ind["source"] == "sipri_milex", "year"].max() == 2020
    assert ind.loc[ind["source"] == "voeten", "year"].max() == 2020  # approximated
    assert list(ind.columns) == list(load.load_indicators(["pop"]).columns)


def test_without_a_date_every_table_is_the_current_release():
    for name in ("indicators", "bilateral_trade", "arms_register", "exercises"):
        pd.testing.assert_frame_equal(load.load_table(name), load.load_table(name, as_of=None))


def test_the_tables_a_dated_brief_reads_are_cut_by_their_own_source():
    trade = load.load_table("bilateral_trade", as_of="2021-10-12")
    last = trade.groupby("source")["year"].max().to_dict()
    assert last == {"cepii_baci": 2019, "imf_dots": 2020, "imf_imts": 2020, "un_comtrade": 2020}
    ex = load.load_table("exercises", as_of="2021-10-12")
    assert ex["start_date"].max() <= "2021-10-12" and len(ex) < len(load.load_table("exercises"))
    # unvotes 0.3.0 appeared on 2021-03-09: read whole
    assert len(load.load_table("un_agreement", as_of="2021-10-12")) == len(
        load.load_table("un_agreement")
    )


def test_a_date_before_the_first_complete_weo_is_refused_by_the_loader():
    with pytest.raises(BriefError) as exc:
        load.load_indicators(["gdp_mer"], as_of="2021-06-01")
    msg = str(exc.value)
    assert "\n" not in msg and "imf_weo" in msg and "2021-10-12" in msg


def test_a_dated_notebook_keys_on_the_release_files_it_reads():
    files = load.data_files()
    selected = {k: v for k, v in files.items() if k.startswith("indicators/")}
    assert load.files_read(selected, files, None) == selected
    at = load.files_read(selected, files, "2021-10-12")
    assert "indicators/imf_weo.csv" not in at and "indicators/sipri_milex.csv" not in at
    assert at["vintages/imf_weo/2021-10.csv"] == files["vintages/imf_weo/2021-10.csv"]
    assert at["vintages/sipri_milex/2021.csv"] == files["vintages/sipri_milex/2021.csv"]
    assert at["releases.csv"] == files["releases.csv"]  # it decides the release and the cut
    later = load.files_read(selected, files, "2023-05-01")
    assert "vintages/imf_weo/2023-04.csv" in later and "vintages/imf_weo/2021-10.csv" not in later
    assert "vintages/sipri_milex/2021.csv" in later  # SIPRI's 2025 release came in 2025


def test_the_pipeline_keys_a_dated_brief_on_its_releases():
    from analysis.pipeline import build
    from analysis.pipeline.inputs import load_brief_params
    from tests.conftest import ROOT

    plan = build.plan_brief(load_brief_params(ROOT / "params/as-of-2021.yml"), root=ROOT)
    nb = next(n for n in plan.notebooks if n.stem == "claim-c1")
    assert "vintages/imf_weo/2021-10.csv" in nb.data and "indicators/imf_weo.csv" not in nb.data
    # C1 also reads every earlier release published by then (its expectations chart), and no
    # later one: a release published after the date cannot reach the brief
    vintages = sorted(k for k in nb.data if k.startswith("vintages/"))
    assert vintages == [
        "vintages/imf_weo/2021-04.csv",
        "vintages/imf_weo/2021-10.csv",
        "vintages/sipri_milex/2021.csv",
    ]
    default = build.plan_brief(load_brief_params(ROOT / "params/default.yml"), root=ROOT)
    nb = next(n for n in default.notebooks if n.stem == "claim-c1")
    assert "indicators/imf_weo.csv" in nb.data  # the current release, and every earlier one
    assert sum(k.startswith("vintages/") for k in nb.data) == 11
    c2 = next(n for n in default.notebooks if n.stem == "claim-c2")
    assert not any("vintages" in k for k in c2.data)  # C2 reads no earlier release
    # a claim whose sources have one release keys on the release table that cuts them back
    c5 = next(n for n in plan.notebooks if n.stem == "claim-c5")
    assert "releases.csv" in c5.data and "exercises.csv" in c5.data


def test_the_releases_a_date_reads_are_worked_out_once_per_release_table(tmp_path, monkeypatch):
    """A build's plan asks which release each source gives a date for every notebook run: the
    answer is kept per release table and date, and worked out again when the table changes."""
    import shutil

    from tests.conftest import ROOT, curated_at

    shutil.copytree(ROOT / "data", tmp_path / "data")
    with curated_at(tmp_path, monkeypatch):
        first = load.sources_as_of("2022-10-11")
        assert first["imf_weo"].release == "2022-10"
        first.clear()  # a caller's change does not reach the next answer
        assert load.sources_as_of("2022-10-11")["imf_weo"].release == "2022-10"
        path = tmp_path / "data" / "releases.csv"
        text = path.read_text(encoding="utf-8")
        row = next(
            line
            for line in text.splitlines()
            if line.startswith("imf_weo,") and ",2022-10," in line
        )
        path.write_text(
            text.replace(row, row.replace(",2022-10-11,", ",2022-10-12,")), encoding="utf-8"
        )
        assert load.sources_as_of("2022-10-11")["imf_weo"].release == "2022-04"
