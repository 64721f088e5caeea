"""The curated-data framework: country table and mapper, curate, loader, check, refresh.

Curations run into temporary project roots (``BRIEF_ROOT``) so the committed data/ is never
touched; the small ones use only two fast sources (imf_weo, voeten).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.data import countries as ctry
from analysis.data import curate as cur
from analysis.data import hand
from analysis.data import refresh as rf
from analysis.errors import BriefError
from tests.conftest import RAW_DIR, ROOT

SMALL = ["imf_weo", "voeten"]


def need_raw() -> Path:
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")
    return RAW_DIR


# --- country mapper (no raw data needed) ------------------------------------------------------

COUNTRIES = pd.DataFrame(
    {
        "iso3": ["RUS", "SUN", "CHN", "NAM", "WLD", "DEU"],
        "name": ["Russian Federation", "Soviet Union", "China", "Namibia", "World", "Germany"],
        "iso2": ["RU", "SU", "CN", "NA", "", "DE"],
        "cow_ccode": pd.array([365, 365, 710, 565, None, 255], dtype="Int64"),
        "kind": ["country", "historical", "country", "country", "aggregate", "country"],
    }
)
ALIASES = pd.DataFrame(
    {
        "source": ["src", "src", "src", "src", "cow_nmc", "cow_nmc"],
        "alias": ["USSR", "Russia", "European Union", "Kosovo?", "260:1816-1989", "260:1990-1990"],
        "iso3": ["SUN", "RUS", "", "", "DEU", ""],
        "note": ["", "", "a union of states", "unclear", "", "unified Germany holds 1990"],
    }
)


@pytest.fixture
def mapper():
    return ctry.CountryMapper(COUNTRIES, ALIASES)


def test_mapper_resolves_aliases_codes_names_and_cow_codes_by_year(mapper):
    assert mapper.to_iso3("src", "USSR") == "SUN"
    assert mapper.to_iso3("src", "Russia") == "RUS"
    assert mapper.to_iso3("src", "CHN") == "CHN"  # ISO3 itself
    assert mapper.to_iso3("src", "NA") == "NAM"  # ISO2 (Namibia, not a missing value)
    assert mapper.to_iso3("src", "china") == "CHN"  # name, case-insensitive
    assert mapper.to_iso3("cow_nmc", 365, year=1991) == "SUN"
    assert mapper.to_iso3("cow_nmc", 365, year=1992) == "RUS"
    assert mapper.to_iso3("cow_nmc", 710) == "CHN"
    assert mapper.to_iso3("cow_nmc", 260, year=1989) == "DEU"
    assert mapper.to_iso3("cow_nmc", 260, year=1990) == ""  # no state that year (a year rule)
    with pytest.raises(BriefError) as e:
        mapper.to_iso3("src", 710)  # ccodes only for COW-coded sources
    assert str(e.value) == (
        "src: unknown country 710; add a row to analysis/data/aliases/src.csv (alias,iso3,note)"
    )


def test_mapper_non_country_is_a_distinct_error_unless_mapped_as_series(mapper):
    with pytest.raises(ctry.NotACountry, match="not a country \\(a union of states\\)"):
        mapper.to_iso3("src", "European Union")
    s = pd.Series(["Russia", "European Union", "USSR", "Russia", "Atlantis"])
    with pytest.raises(BriefError, match="unknown country 'Atlantis'"):
        mapper.map_series("src", s)
    mapped, dropped = mapper.map_series("src", s, unknown="drop")
    assert [None if pd.isna(x) else x for x in mapped] == ["RUS", None, "SUN", "RUS", None]
    assert dropped == ["Atlantis", "European Union"]


def test_alias_file_needs_a_note_for_a_deliberate_non_country(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("alias,iso3,note\nUSSR,SUN,\nEU,,\n")
    with pytest.raises(BriefError, match=r"x.csv: row 3: empty iso3 without a note"):
        ctry.read_alias_file(p)
    p.write_text("alias,iso3\nUSSR,SUN\n")
    with pytest.raises(BriefError, match="columns"):
        ctry.read_alias_file(p)


def test_every_committed_alias_file_is_well_formed_and_maps_to_known_codes():
    aliases = ctry.read_aliases()
    known = set(pd.read_csv(ROOT / "data" / "countries.csv", keep_default_na=False)["iso3"])
    bad = aliases[(aliases["iso3"] != "") & ~aliases["iso3"].isin(known)]
    assert bad.empty, bad.head().to_dict("records")


def test_build_countries_from_raw():
    df = ctry.build_countries(need_raw())
    assert df["iso3"].is_unique and list(df.columns) == ctry.COLUMNS
    by = df.set_index("iso3")
    assert by.loc["WLD", "kind"] == "aggregate" and by.loc["EUU", "kind"] == "aggregate"
    for code in ("SUN", "YUG", "CSK", "DDR", "YAR", "YMD"):
        assert by.loc[code, "kind"] == "historical", code
    assert by.loc["RUS", "cow_ccode"] == 365 and by.loc["SUN", "cow_ccode"] == 365
    assert by.loc["CHN", "cow_ccode"] == 710 and by.loc["USA", "cow_ccode"] == 2
    assert by.loc["NAM", "iso2"] == "NA" and by.loc["TWN", "kind"] == "country"
    cow = pd.read_csv(RAW_DIR / ctry.COW_FILE)
    assert set(df["cow_ccode"].dropna().astype(int)) <= set(cow["ccode"])


# --- curate ----------------------------------------------------------------------------------


def make_root(tmp: Path) -> Path:
    (tmp / "params").mkdir(parents=True)
    (tmp / "_quarto.yml").write_text("project: {}\n")
    return tmp


@pytest.fixture(scope="module")
def small_root(tmp_path_factory):
    """A project root whose data/ is a curation of two sources."""
    raw = need_raw()
    root = make_root(tmp_path_factory.mktemp("small"))
    cur.curate(raw, SMALL, data_dir=root / "data", echo=lambda *_: None)
    return root


@pytest.fixture
def root_copy(small_root, tmp_path, monkeypatch):
    root = make_root(tmp_path / "proj")
    shutil.copytree(small_root / "data", root / "data")
    monkeypatch.setenv("BRIEF_ROOT", str(root))
    return root


def files_of(d: Path) -> dict[str, bytes]:
    return {
        p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()
    }


def test_curate_twice_is_byte_identical(small_root, tmp_path):
    out = tmp_path / "again"
    cur.curate(RAW_DIR, SMALL, data_dir=out, echo=lambda *_: None)
    a, b = files_of(small_root / "data"), files_of(out)
    assert sorted(a) == sorted(b)
    assert {
        "countries.csv",
        "indicators/imf_weo.csv",
        "indicators/voeten.csv",
        "datapackage.json",
    } <= set(a)
    for rel in a:
        assert a[rel] == b[rel], rel
    text = (out / "datapackage.json").read_text()
    assert str(tmp_path) not in text and str(RAW_DIR) not in text  # no absolute paths


def test_curate_removes_stale_files_and_keeps_hand_files(small_root, tmp_path):
    out = tmp_path / "d"
    shutil.copytree(small_root / "data", out)
    from tests.test_data_hand import EXERCISE, csv_text, hand

    text = csv_text([EXERCISE], hand.EXERCISE_COLUMNS)
    (out / "exercises.csv").write_text(text)
    cur.curate(RAW_DIR, ["imf_weo"], data_dir=out, echo=lambda *_: None)
    assert not (out / "indicators" / "voeten.csv").exists()
    assert (out / "exercises.csv").read_text() == text
    pkg = json.loads((out / "datapackage.json").read_text())
    assert [s["id"] for s in pkg["provenance"]["sources"]] == ["imf_weo", "hand"]
    assert "exercises.csv" in {r["path"] for r in pkg["resources"]}


def test_datapackage_describes_schema_sources_and_raw_hashes(small_root):
    pkg = json.loads((small_root / "data" / "datapackage.json").read_text())
    res = {r["path"]: r for r in pkg["resources"]}
    ind = res["indicators/imf_weo.csv"]
    assert ind["schema"]["primaryKey"] == ["iso3", "year", "indicator"]
    assert {f["name"]: f["type"] for f in ind["schema"]["fields"]}["value"] == "number"
    assert ind["hash"] == "sha256:" + cur.sha256_file(small_root / "data" / ind["path"])
    weo = next(s for s in pkg["provenance"]["sources"] if s["id"] == "imf_weo")
    for key in ("publisher", "title", "version", "url", "licence", "retrieved"):
        assert weo[key], key
    for f in weo["raw_files"]:
        assert f["sha256"] == cur.sha256_file(RAW_DIR / f["path"])


def test_committed_data_equals_a_fresh_curate(tmp_path):
    raw = need_raw()
    committed = ROOT / "data"
    pkg = json.loads((committed / "datapackage.json").read_text())
    only = [s["id"] for s in pkg["provenance"]["sources"] if s["id"] != hand.SOURCE["id"]]
    out = tmp_path / "data"
    for rel in cur.HAND_FILES:
        if (committed / rel).exists():
            out.mkdir(exist_ok=True)
            shutil.copyfile(committed / rel, out / rel)
    cur.curate(raw, only, data_dir=out, echo=lambda *_: None)
    fresh, have = files_of(out), files_of(committed)
    assert sorted(fresh) == sorted(have)
    stale = [rel for rel in fresh if fresh[rel] != have[rel]]
    assert not stale, (
        f"committed data/ differs from a fresh curate in {stale}; run brief data curate"
    )


def test_missing_raw_dir_is_one_line_naming_path_and_option(tmp_path, capsys):
    assert main(["data", "curate", "--raw", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    expected = f"raw data folder not found at {tmp_path / 'nope'}; pass the folder with --raw DIR"
    assert err == f"error: {expected}\n"


def test_unknown_only_source_is_rejected(capsys):
    need_raw()
    assert main(["data", "curate", "--only", "nosuch"]) == 2
    assert "--only 'nosuch': unknown source" in capsys.readouterr().err


def test_every_unknown_only_source_is_named_at_once(capsys):
    need_raw()
    assert main(["data", "curate", "--only", "imf_wo", "--only", "imf_weo", "--only", "x"]) == 2
    assert "--only 'imf_wo', 'x': unknown sources; expected one of" in capsys.readouterr().err


def test_a_duplicate_key_is_printed_as_written_with_its_first_line():
    """Not ``{'year': np.int64(1992), ...}``: the value as the CSV holds it."""
    from analysis.data.validate import check_unique

    df = pd.DataFrame({"year": [1992, 1993, 1992], "event": ["a", "b", "a"]})
    with pytest.raises(BriefError) as info:
        check_unique("data/events.csv", df, ["year", "event"])
    assert str(info.value) == (
        "data/events.csv: line 4: duplicate key {'year': 1992, 'event': 'a'} (first at line 2); "
        "expected one row per year, event"
    )


# --- loader and check ------------------------------------------------------------------------


def test_loader_api(root_copy):
    from analysis.data import load

    df = load.load_indicators(["gdp_mer"])
    assert list(df.columns) == ["iso3", "year", "indicator", "value", "unit", "source", "flag"]
    assert set(df["indicator"]) == {"gdp_mer"} and set(df["unit"]) == {"US$ bn"}
    assert df["year"].dtype == "int64" and df["value"].dtype == "float64"
    assert {"", "projection"} <= set(df["flag"])
    info = load.indicator_info("gdp_mer")
    assert info["source"] == "imf_weo" and info["years"] == [df["year"].min(), df["year"].max()]
    files = load.data_files()
    assert files["indicators/imf_weo.csv"] == cur.sha256_file(
        root_copy / "data/indicators/imf_weo.csv"
    )
    assert load.load_datapackage()["name"] == cur.PACKAGE_NAME
    c = load.load_table("countries")
    assert c.set_index("iso3").loc["NAM", "iso2"] == "NA"


def test_a_load_of_some_indicators_reads_only_their_sources_files(root_copy, monkeypatch):
    """data/indicators/<source>.csv holds one source's indicators, so a claim that reads a few
    (C2 reads one) loads only their sources' files, not the whole table (0.13 s against 0.64 s
    on the curated data), and gets exactly the rows it got from the whole table."""
    from analysis.data import load

    read: list[str] = []
    real = load.read_typed
    monkeypatch.setattr(load, "read_typed", lambda p, rel, f: read.append(rel) or real(p, rel, f))
    load.clear_caches()
    some = ["unga_idealpoint"]  # of the two sources curated here, Voeten's
    narrow = load.load_indicators(some)
    assert [r for r in read if r.startswith("indicators/")] == ["indicators/voeten.csv"]
    full = load.load_indicators()
    pd.testing.assert_frame_equal(
        narrow, full[full["indicator"].isin(some)].reset_index(drop=True), check_exact=True
    )
    read.clear()
    load.load_indicators(some)
    assert read == []  # each file kept once read


def test_an_indicator_file_holding_another_sources_indicator_is_one_error(root_copy):
    from analysis.data import load

    folder = root_copy / "data" / "indicators"
    weo, voeten = folder / "imf_weo.csv", folder / "voeten.csv"
    row = voeten.read_text(encoding="utf-8").splitlines()[1]
    lines = [*weo.read_text(encoding="utf-8").splitlines(), row]
    weo.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load.clear_caches()
    with pytest.raises(BriefError) as err:
        load.load_indicators(["gdp_mer"])
    indicator = row.split(",")[2]
    assert str(err.value) == (
        f"data/indicators/imf_weo.csv: line {len(lines)}, column 'indicator': found "
        f"{indicator!r}; expected an indicator of source imf_weo (this one is of voeten)"
    )


def test_check_passes_on_a_clean_curation(root_copy, capsys):
    assert main(["data", "check", "--raw", str(RAW_DIR)]) == 0
    out = capsys.readouterr().out
    assert "indicators: " in out and "raw files match" in out


def tamper(root: Path, rel: str, edit, rehash: bool = True) -> None:
    """Edit a curated CSV; with rehash the datapackage hash is updated (a bad curation)."""
    p = root / "data" / rel
    df = pd.read_csv(p, dtype="str", keep_default_na=False)
    edit(df)
    df.to_csv(p, index=False, lineterminator="\n")
    if rehash:
        pkg_path = root / "data" / "datapackage.json"
        pkg = json.loads(pkg_path.read_text())
        for r in pkg["resources"]:
            if r["path"] == rel:
                r["hash"] = "sha256:" + cur.sha256_file(p)
        pkg_path.write_text(json.dumps(pkg))


def _first_gdp(df):
    return int((df["indicator"] == "gdp_mer").to_numpy().nonzero()[0][0])


def _set(col, value):
    def edit(df):
        df.loc[_first_gdp(df), col] = value

    return edit


def _dup(df):
    df.loc[1, ["iso3", "year", "indicator"]] = df.loc[0, ["iso3", "year", "indicator"]].to_numpy()


CASES = {
    "missing column": (lambda df: df.pop("flag"), "missing column 'flag'"),
    "wrong type": (_set("value", "lots"), "column 'value': found 'lots'; expected a number"),
    "duplicate key": (_dup, "line 3: duplicate key"),
    "negative gdp": (_set("value", "-5"), "column 'value': found -5.0; expected gdp_mer within"),
    "unknown country": (_set("iso3", "XYZ"), "column 'iso3': found 'XYZ'; expected an ISO3 code"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_class_of_bad_data_is_one_line(root_copy, capsys, case):
    edit, expected = CASES[case]
    tamper(root_copy, "indicators/imf_weo.csv", edit)
    assert main(["data", "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: data/indicators/imf_weo.csv: ") and expected in err, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_curated_file_edited_by_hand(root_copy, capsys):
    p = root_copy / "data/indicators/voeten.csv"
    p.write_text(p.read_text() + "USA,2099,unga_idealpoint,1,index,voeten,\n")
    assert main(["data", "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: data/indicators/voeten.csv: SHA-256 ") and "edited by hand" in err


def test_missing_data_file(root_copy, capsys):
    (root_copy / "data" / "countries.csv").unlink()
    assert main(["data", "check"]) == 2
    assert capsys.readouterr().err == (
        "error: data/countries.csv: missing; `brief data curate` rebuilds it\n"
    )


def test_raw_file_whose_checksum_changed(root_copy, tmp_path, capsys):
    pkg = json.loads((root_copy / "data" / "datapackage.json").read_text())
    raw = tmp_path / "raw"
    for s in pkg["provenance"]["sources"]:
        for f in s["raw_files"]:
            (raw / f["path"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(RAW_DIR / f["path"], raw / f["path"])
    changed = raw / pkg["provenance"]["sources"][0]["raw_files"][0]["path"]
    changed.write_bytes(changed.read_bytes() + b"\n")
    assert main(["data", "check", "--raw", str(raw)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {changed}: SHA-256 ") and "recorded for source 'imf_weo'" in err


# --- refresh ---------------------------------------------------------------------------------


def test_refresh_downloads_records_checksums_and_dates(tmp_path):
    import datetime as dt

    pub = tmp_path / "publisher"
    pub.mkdir()
    (pub / "a.csv").write_text("x,y\n1,2\n")
    (pub / "b.csv").write_text("z\n3\n")
    sources = [
        {"id": "one", "refresh": [{"file": "one/a.csv", "url": (pub / "a.csv").as_uri()}]},
        {"id": "two", "refresh": [{"file": "two/b.csv", "url": (pub / "b.csv").as_uri()}]},
        {"id": "three", "refresh": None, "url": "https://example.org/three"},
    ]
    said = []
    recs = rf.refresh(
        tmp_path / "raw",
        sources=sources,
        echo=said.append,
        today=dt.date(2026, 11, 28),
        recurate=False,
    )
    assert (tmp_path / "raw/one/a.csv").read_text() == "x,y\n1,2\n"
    log = json.loads((tmp_path / "raw" / rf.LOG).read_text())
    assert log == recs
    assert log["one/a.csv"]["sha256"] == cur.sha256_file(pub / "a.csv")
    assert log["two/b.csv"] == {
        "source": "two",
        "url": (pub / "b.csv").as_uri(),
        "bytes": 4,
        "sha256": cur.sha256_file(pub / "b.csv"),
        "date": "2026-11-28",
    }
    assert any("three: no stable download URL" in s for s in said)


def test_refresh_offline_is_one_clear_message_and_changes_nothing(tmp_path, monkeypatch, capsys):
    from analysis.data.sources import SOURCES

    mod = SOURCES[0]
    monkeypatch.setitem(
        mod.SOURCE, "refresh", [{"file": "x/new.csv", "url": "http://127.0.0.1:9/new.csv"}]
    )
    assert main(["data", "refresh", "--raw", str(tmp_path), "--timeout", "5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot download http://127.0.0.1:9/new.csv (")
    assert "needs a network connection" in err and err.count("\n") == 1
    assert not (tmp_path / "x").exists() and not (tmp_path / rf.LOG).exists()


def test_refresh_rejects_a_malformed_entry():
    with pytest.raises(BriefError, match=r"refresh\[0\]"):
        rf.refresh_entries({"id": "s", "refresh": [{"file": "../etc/x", "url": "http://a"}]})


def test_hand_file_with_unknown_country_stops_curate_and_changes_nothing(small_root, tmp_path):
    out = tmp_path / "d"
    shutil.copytree(small_root / "data", out)
    before = files_of(out)
    (out / "exercises.csv").write_text("exercise_id,name,host_iso3\n1,Joint Sea,XXX\n")
    with pytest.raises(BriefError, match=r"data/exercises.csv: line 2, column 'host_iso3'"):
        cur.curate(RAW_DIR, SMALL, data_dir=out, echo=lambda *_: None)
    after = files_of(out)
    after.pop("exercises.csv")
    assert after == before
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]


def test_schema_check_failure_names_line_column_and_check():
    from analysis.data import registry
    from analysis.data import validate as v

    c = pd.read_csv(ROOT / "data" / "countries.csv", keep_default_na=False)
    df = pd.DataFrame(
        {
            "iso3": ["USA", "USA"],
            "year": [2000, 2001],
            "indicator": ["gdp_mer", "gdp_mer"],
            "value": [1.0, 2.0],
            "unit": ["US$ bn", "US$ bn"],
            "source": ["imf_weo", "imf_weo"],
            "flag": ["", "guess"],
        }
    )
    with pytest.raises(BriefError) as e:
        v.validate_indicators("x.csv", df, c, registry.indicators())
    assert str(e.value).startswith("x.csv: line 3, column 'flag': found 'guess'; expected isin(")
