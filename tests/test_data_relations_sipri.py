"""SIPRI arms source: broken register records re-joined, TIV tables parsed; raw spot checks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.data.sources import sipri_arms
from analysis.errors import BriefError
from tests.conftest import RAW_DIR
from tests.fakes import FakeMapper


def alias_mapper() -> FakeMapper:
    aliases = pd.read_csv(sipri_arms.ALIAS_FILE, dtype=str, keep_default_na=False)
    return FakeMapper(dict(zip(aliases.alias, aliases.iso3, strict=True)))


MAPPER = FakeMapper(
    {"China": "CHN", "Russia": "RUS", "Soviet Union": "SUN", "India": "IND", "Biafra": ""}
)
HEADER = ",".join(sipri_arms.REGISTER_HEADER)
GOOD = [
    "China,Soviet Union,1955,,100,?,MiG-15,fighter aircraft,100,,1955-1956,,,1.2,120,120",
    "China,Russia,1992,,24,,Su-27SK,FGA aircraft,24,,1992; 1996,,,30,720,720",
    "Mujahedin (Afghanistan)*,United States,1986,?,,,FIM-92 Stinger,portable SAM,250,?,1986,,"
    "Gift,0.04,,10",
]
# one record broken by a line break inside its unquoted Comments field
BROKEN = [
    "India,Russia,2001,,3,,Talwar,frigate,3,,2003-2004,New,Part of a deal",
    "worth $1 bn,300,900,900",
]


def write_register(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "trade-register.csv"
    head = [f"header line {i}" for i in range(sipri_arms.REGISTER_SKIPROWS)]
    path.write_bytes("\n".join([*head, HEADER, *lines, ""]).encode("iso-8859-1"))
    return path


def test_broken_record_is_rejoined_not_dropped(tmp_path):
    rows = sipri_arms.read_register_rows(write_register(tmp_path, [*GOOD[:2], *BROKEN, GOOD[2]]))
    assert len(rows) == 4
    df = sipri_arms.parse_register(rows)
    talwar = df[df.weapon_designation == "Talwar"].iloc[0]
    assert talwar.comments == "Part of a deal worth $1 bn"
    assert talwar.tiv_unit == 300 and talwar.tiv_delivered == 900
    assert talwar.status == "New" and talwar.deal_id == 3
    assert list(df.deal_id) == [1, 2, 3, 4]


def test_register_flags_and_numbers(tmp_path):
    df = sipri_arms.parse_register(sipri_arms.read_register_rows(write_register(tmp_path, GOOD)))
    mig, su, stinger = (df.iloc[i] for i in range(3))
    assert mig.number_ordered_uncertain and not mig.year_order_uncertain
    assert su.delivery_years == "1992; 1996" and su.year_order == 1992
    assert pd.isna(stinger.number_ordered) and stinger.year_order_uncertain
    assert pd.isna(stinger.tiv_order) and stinger.tiv_delivered == 10


def test_register_mapping_keeps_suppliers_apart_and_non_state_empty(tmp_path):
    df = sipri_arms.parse_register(sipri_arms.read_register_rows(write_register(tmp_path, GOOD)))
    out = sipri_arms.map_register(df, FakeMapper({**MAPPER.table, "United States": "USA"}))
    assert list(out.columns) == sipri_arms.REGISTER_COLUMNS
    assert list(out.supplier_iso3) == ["SUN", "RUS", "USA"]
    assert list(out.recipient_iso3) == ["CHN", "CHN", ""]
    assert out.recipient.iloc[2] == "Mujahedin (Afghanistan)*"


def test_unfixable_broken_record_is_one_error(tmp_path):
    path = write_register(tmp_path, [GOOD[0], "India,Russia,2001,,3"])
    with pytest.raises(BriefError, match=r"record at data line 2 has \d+ fields.*expected 16"):
        sipri_arms.read_register_rows(path)


def test_non_numeric_register_cell_names_record_and_column(tmp_path):
    bad = GOOD[1].replace(",1992,", ",199x,")
    rows = sipri_arms.read_register_rows(write_register(tmp_path, [GOOD[0], bad]))
    with pytest.raises(BriefError, match=r"record 2, column 'Year of order': '199x'"):
        sipri_arms.parse_register(rows)


def test_wrong_register_header_is_one_error(tmp_path):
    path = write_register(tmp_path, GOOD)
    path.write_text(path.read_text().replace("Recipient,Supplier", "Buyer,Seller"))
    with pytest.raises(BriefError, match="should be the register header"):
        sipri_arms.read_register_rows(path)


def write_tiv(tmp_path: Path, rows: list[str], first: str = "Recipient") -> Path:
    path = tmp_path / "tiv.csv"
    head = [f"note {i}" for i in range(sipri_arms.TIV_SKIPROWS)]
    cols = f"{first},2021,2022,2023,2024,2021-2024,Percentage,Sum total years,Percentage of total"
    path.write_text("\n".join([*head, cols, *rows, ""]), encoding="iso-8859-1")
    return path


TIV_ROWS = [
    "China,500,0 ,,,500,1%,500,1%",
    "Soviet Union,,,,,0,0%,0,0%",
    "Mujahedin (Afghanistan)*,0 ,,,,0,0%,0,0%",
    "Biafra,3,,,,3,0%,3,0%",
    "Total world import,900,800,700,,2400,100%,2400,100%",
]


def test_tiv_table_zero_uncertain_blank_no_row_2024_dropped(tmp_path):
    long = sipri_arms.parse_tiv_table(write_tiv(tmp_path, TIV_ROWS))
    assert 2024 not in set(long.year)
    china = long[long.name == "China"].set_index("year")
    assert china.loc[2021, "value"] == 500 and china.loc[2021, "flag"] == ""
    assert china.loc[2022, "value"] == 0 and china.loc[2022, "flag"] == "uncertain"
    assert 2023 not in china.index  # blank cell: no deliveries identified, no row (not a zero)
    assert "Soviet Union" not in set(long.name)

    ind = sipri_arms.tiv_indicator(long, "arms_imports_tiv", MAPPER, "tiv.csv", {"Biafra"})
    assert set(ind.iso3) == {"CHN", "WLD"}  # non-state actor and Biafra left out
    assert list(ind.columns) == ["iso3", "year", "indicator", "value", "unit", "source", "flag"]
    assert ind.unit.eq("TIV m").all() and ind.source.eq("sipri_arms").all()
    assert ind[ind.iso3 == "WLD"].value.tolist() == [900, 800, 700]


def test_tiv_2024_column_with_values_is_rejected(tmp_path):
    path = write_tiv(tmp_path, ["China,500,0 ,,12,500,1%,500,1%"])
    with pytest.raises(BriefError, match="column '2024' expected empty"):
        sipri_arms.parse_tiv_table(path)


def test_tiv_text_cell_is_rejected(tmp_path):
    path = write_tiv(tmp_path, ["China,500,n/a,,,500,1%,500,1%"])
    with pytest.raises(BriefError, match=r"row 'China', year 2022: 'n/a' is not a number"):
        sipri_arms.parse_tiv_table(path)


def test_tiv_two_names_one_code_is_rejected(tmp_path):
    long = sipri_arms.parse_tiv_table(write_tiv(tmp_path, [*TIV_ROWS[:1], "PRC,1,,,,1,0%,1,0%"]))
    mapper = FakeMapper({"China": "CHN", "PRC": "CHN"})
    with pytest.raises(BriefError, match="map to the same ISO3 code 'CHN'"):
        sipri_arms.tiv_indicator(long, "arms_imports_tiv", mapper, "tiv.csv", set())


def test_alias_file_lists_not_countries_with_reasons():
    dropped = sipri_arms.not_countries()
    assert {"Biafra", "Katanga", "Northern Cyprus", "Libya GNC"} == dropped
    table = alias_mapper().table
    assert table["Soviet Union"] == "SUN" and table["Russia"] == "RUS"


@pytest.fixture(scope="module")
def curated():
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")
    return sipri_arms.curate(RAW_DIR, alias_mapper())


def test_raw_register_counts_and_russia_china(curated):
    reg = curated["arms_register"]
    assert len(reg) == 29_515  # 29,519 physical rows minus the 4 continuation lines
    assert reg.deal_id.is_unique
    to_china = reg[(reg.recipient_iso3 == "CHN") & reg.supplier_iso3.isin(["SUN", "RUS"])]
    assert len(to_china) == 181
    assert to_china.groupby("supplier_iso3").size().to_dict() == {"RUS": 97, "SUN": 84}
    # Soviet deals end with the Soviet Union, Russian ones start after it
    assert to_china[to_china.supplier_iso3 == "SUN"].year_order.max() <= 1991
    assert to_china[to_china.supplier_iso3 == "RUS"].year_order.min() >= 1991
    non_state = reg[reg.recipient.str.endswith("*")]
    assert len(non_state) > 0 and non_state.recipient_iso3.eq("").all()


def test_raw_tiv_indicators(curated):
    ind = curated["indicators"]
    assert not ind.duplicated(["iso3", "year", "indicator"]).any()
    assert ind.year.between(1950, 2023).all()
    assert ind[ind.value == 0].flag.eq("uncertain").all()
    assert ind[ind.value > 0].flag.eq("").all()
    v = ind.set_index(["iso3", "year", "indicator"]).value
    assert v[("CHN", 2020, "arms_imports_tiv")] == 779
    assert v[("RUS", 2020, "arms_exports_tiv")] == 3523
    assert v[("WLD", 2020, "arms_imports_tiv")] == v[("WLD", 2020, "arms_exports_tiv")]
    assert ("SUN", 1985, "arms_exports_tiv") in v.index and (
        "RUS",
        1985,
        "arms_exports_tiv",
    ) not in v.index
