"""GSDB V3: case table with single-state targets, active-case counts; raw spot checks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.data.sources import gsdb
from analysis.errors import BriefError
from tests.conftest import RAW_DIR

ALIASES = gsdb.read_aliases()
HEAD = ",".join(gsdb.RAW_COLUMNS)
ROWS = [
    "1,Russia,United States,2014,2016,1,,0,0,1,1,0,0,0,policy_change,ongoing",
    '2,"Syria, Russia, Iran",United States,2016,2017,0,,0,0,1,0,0,1,0,terrorism,failed',
    '3,"Korea, North",EU,2016,2016,1,exp_part,1,0,0,0,0,0,1,policy_change,failed',
    "4,Comecon,United States,1950,1951,1,exp_compl,0,0,0,0,0,1,0,other,failed",
    '5,"El Salvador, Honduras",United States,1969,1969,0,,1,0,0,0,0,0,0,end_war,success_part',
]


def write(tmp_path: Path, rows=ROWS) -> Path:
    path = tmp_path / "GSDB_V3.csv"
    path.write_bytes(("\n".join([HEAD, *rows, ""])).encode("utf-8-sig"))
    return path


def test_cases_single_target_iso3_and_raw_text_kept(tmp_path):
    cases = gsdb.parse_cases(gsdb.read_gsdb(write(tmp_path)), ALIASES)
    assert list(cases.columns) == gsdb.CASE_COLUMNS
    assert cases.loc[0, "case_id"] == 1  # the BOM does not leak into the first column name
    assert list(cases.target_iso3) == ["RUS", "", "PRK", "", ""]
    assert list(cases.targets_iso3) == ["RUS", "SYR;RUS;IRN", "PRK", "", "SLV;HND"]
    assert cases.loc[1, "target"] == "Syria, Russia, Iran"
    assert cases.loc[3, "target"] == "Comecon"
    assert cases.loc[2, "arms"] == 1 and cases.loc[2, "descr_trade"] == "exp_part"


def test_active_cases_begin_to_end_inclusive(tmp_path):
    cases = gsdb.parse_cases(gsdb.read_gsdb(write(tmp_path)), ALIASES)
    ind = gsdb.active_cases(cases)
    got = {(i, y): v for i, y, v in zip(ind.iso3, ind.year, ind.value, strict=True)}
    assert {k: v for k, v in got.items() if k[0] == "RUS"} == {
        ("RUS", 2014): 1,
        ("RUS", 2015): 1,
        ("RUS", 2016): 2,  # case 1 and the multi-target case 2 both in force
        ("RUS", 2017): 1,
    }
    assert got[("PRK", 2016)] == 1 and got[("SYR", 2017)] == 1 and got[("HND", 1969)] == 1
    assert not any(y in (1950, 1951) for _, y in got)  # Comecon counts for no country
    assert ind.indicator.eq("sanctions_cases_active").all() and ind.unit.eq("count").all()
    assert not ind.duplicated(["iso3", "year"]).any()


def test_unknown_target_is_one_error(tmp_path):
    rows = [*ROWS, "6,Atlantis,United States,2000,2001,1,,0,0,0,0,0,0,0,other,failed"]
    with pytest.raises(BriefError, match=r"case 6: target 'Atlantis' .* not in aliases/gsdb"):
        gsdb.parse_cases(gsdb.read_gsdb(write(tmp_path, rows)), ALIASES)


def test_end_before_begin_is_one_error(tmp_path):
    rows = [ROWS[0].replace("2014,2016", "2016,2014")]
    with pytest.raises(BriefError, match=r"case 1: end 2014 is before begin 2016"):
        gsdb.parse_cases(gsdb.read_gsdb(write(tmp_path, rows)), ALIASES)


def test_bad_dummy_and_bad_year_are_errors(tmp_path):
    rows = [ROWS[0].replace(",1,,0,0,1,1,", ",2,,0,0,1,1,")]
    with pytest.raises(BriefError, match=r"case 1, column 'trade': '2'; expected 0 or 1"):
        gsdb.parse_cases(gsdb.read_gsdb(write(tmp_path, rows)), ALIASES)
    rows = [ROWS[0].replace("2014,2016", "2014,20x6")]
    with pytest.raises(BriefError, match=r"case '1', column 'end': '20x6' is not a whole number"):
        gsdb.parse_cases(gsdb.read_gsdb(write(tmp_path, rows)), ALIASES)


def test_missing_column_is_one_error(tmp_path):
    path = write(tmp_path)
    path.write_text(path.read_text(encoding="utf-8-sig").replace("success", "outcome"))
    with pytest.raises(BriefError, match=r"missing column\(s\) \['success'\]"):
        gsdb.read_gsdb(path)


def test_alias_file_lists_groups_with_reasons():
    aliases = pd.read_csv(gsdb.ALIAS_FILE, dtype=str, keep_default_na=False)
    empty = aliases[aliases.iso3.eq("")]
    assert {"EU", "Comecon", "Terrorist Organizations (Taliban)"} <= set(empty.alias)
    assert empty.note.str.contains("no ISO3").all()
    assert ALIASES["Soviet Union"] == "SUN" and ALIASES["Russia"] == "RUS"


def test_raw_spot_checks():
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")
    out = gsdb.curate(RAW_DIR, None)
    cases, ind = out["sanctions_cases"], out["indicators"]
    assert len(cases) == 1325 and list(cases.case_id) == list(range(1, 1326))
    assert (cases.target_iso3 == "RUS").sum() == 30
    assert (cases.target_iso3 == "CHN").sum() == 32
    assert set(cases[cases.case_id.between(998, 1005)].target_iso3) == {"RUS"}
    s = ind.set_index(["iso3", "year"]).value
    assert ("RUS", 2013) not in s.index  # no case in force: no row, not a zero
    assert s[("RUS", 2014)] == 8  # cases 998-1005
    assert s[("RUS", 2022)] == 29  # incl. the joint "Syria, Russia, Iran" case and 2022's 17
    assert ind.year.between(1949, 2022).all()


def test_active_cases_values_are_floats(tmp_path):
    cases = gsdb.parse_cases(gsdb.read_gsdb(write(tmp_path)), ALIASES)
    assert gsdb.active_cases(cases)["value"].dtype == "float64"  # the indicators schema
