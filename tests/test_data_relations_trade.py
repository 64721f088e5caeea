"""The trade sources beside IMF DOTS: IMF IMTS (Russia, every partner), UN Comtrade (China's
imports from Russia, monthly) and CEPII BACI (reconciled China-Russia flows by product). Each on
made-up raw files (answers known by hand), each bad raw file one error naming it, and spot checks
on the raw snapshot; the DOTS rows are pinned to the file they were before the table held more
than one source."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import validate as val
from analysis.data.sources import cepii_baci, common, imf_dots, imf_imts, un_comtrade
from analysis.errors import BriefError
from tests.conftest import RAW_DIR

TRADE_SOURCES = [imf_imts, un_comtrade, cepii_baci]


def need_raw() -> Path:
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")
    return RAW_DIR


def write(tmp_path: Path, rel: str, text: str | bytes) -> Path:
    p = tmp_path / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return tmp_path


# --- IMF IMTS -------------------------------------------------------------------------------

IMTS_HEAD = (
    '\ufeff"DATASET","COUNTRY.ID","INDICATOR.ID","COUNTERPART_COUNTRY.ID","COUNTERPART_COUNTRY",'
    '"FREQUENCY.ID","SCALE","2021","2022","2023"\n'
)


def imts_row(ind: str, partner: str, *values: str, scale: str = "Millions") -> str:
    cells = ["IMF.STA:IMTS(1.0.0)", "RUS", ind, partner, partner, "A", scale, *values]
    return ",".join(f'"{c}"' for c in cells) + "\n"


IMTS_ROWS = [
    imts_row("XG_FOB_USD", "CHN", "68422.666052", "98004.80377930295", "111455.3151000893"),
    imts_row("MG_CIF_USD", "CHN", "72685.740904", "82007.51241088703", ""),
    imts_row("XG_FOB_USD", "G001", "492048.058897", "594337.0752153641", "471105.37"),
    imts_row("XG_FOB_USD", "G998", "1.0", "2.0", "3.0"),  # the EU: a group, dropped
    imts_row("XG_FOB_USD", "WBG", "0.5", "", ""),  # West Bank and Gaza: PSE
    imts_row("XG_FOB_USD", "TX126", "", "", ""),  # Belgium-Luxembourg: no values, dropped
]


def imts_raw(tmp_path: Path, rows=IMTS_ROWS, head=IMTS_HEAD) -> Path:
    return write(tmp_path, imf_imts.RAW_FILE, head + "".join(rows))


def test_imts_fixture_rows_flags_and_codes(tmp_path):
    out = imf_imts.curate(imts_raw(tmp_path), None)["bilateral_trade"]
    assert list(out.columns) == val.TRADE_COLUMNS
    val.validate_trade("t", out)
    assert set(out.partner_iso3) == {"CHN", "WLD", "PSE"}  # G998 and TX126 dropped
    s = out.set_index(["partner_iso3", "year", "flow"])
    assert s.loc[("CHN", 2022, "export"), "value"] == pytest.approx(98004.803779)
    assert ("CHN", 2023, "import") not in s.index  # an empty cell gives no row
    # from 2022 the IMF's estimates from partners' reports, before that Russia's own
    assert s.loc[("CHN", 2021, "export"), ["flag", "basis"]].tolist() == ["", "reported"]
    assert s.loc[("CHN", 2022, "import"), ["flag", "basis"]].tolist() == [
        "estimate",
        "partner-based estimate",
    ]
    assert s.loc[("CHN", 2021, "import"), "valuation"] == "cif"
    assert s.loc[("CHN", 2021, "export"), "valuation"] == "fob"
    assert out.reporter_iso3.eq("RUS").all() and out.source.eq("imf_imts").all()


@pytest.mark.parametrize(
    "rows, message",
    [
        ([imts_row("XG_FOB_USD", "CHN", "1", "-2", "3")], r"partner 'CHN', year 2022: '-2'"),
        ([imts_row("XG_FOB_USD", "CHN", "1", "lots", "3")], r"year 2022: 'lots'; expected a non"),
        ([imts_row("XG_FOB_USD", "CHN", "1", "2", "3", scale="Billions")], r"column 'SCALE'"),
        ([imts_row("XM_USD", "CHN", "1", "2", "3")], r"line 2, column 'INDICATOR.ID': 'XM_USD'"),
        ([imts_row("XG_FOB_USD", "CHN", "1", "", "")] * 2, r"XG_FOB_USD for partner 'CHN' appears"),
        ([imts_row("XG_FOB_USD", "G9999", "1", "", "")], r"partner 'G9999' is neither an ISO3"),
        ([], r"no rows; expected one row per indicator and partner"),
    ],
)
def test_imts_bad_rows_are_one_error_naming_the_file(tmp_path, rows, message):
    with pytest.raises(BriefError, match=message) as err:
        imf_imts.curate(imts_raw(tmp_path, rows), None)
    assert str(err.value).startswith(imf_imts.RAW_FILE)


def test_imts_missing_column_and_years(tmp_path):
    head = IMTS_HEAD.replace('"SCALE",', "")
    row = imts_row("XG_FOB_USD", "CHN", "1", "2", "3").replace('"Millions",', "")
    with pytest.raises(BriefError, match=r"RU_trade.csv: missing column\(s\) \['SCALE'\]"):
        imf_imts.curate(imts_raw(tmp_path, [row], head), None)
    head = IMTS_HEAD.replace('"2021","2022","2023"', '"y1","y2","y3"')
    with pytest.raises(BriefError, match=r"RU_trade.csv: no year columns"):
        imf_imts.curate(imts_raw(tmp_path, IMTS_ROWS[:1], head), None)


# --- UN Comtrade ----------------------------------------------------------------------------

CT_COLUMNS = [
    "freqCode", "refYear", "refMonth", "reporterCode", "partnerCode", "partner2Code", "flowCode",
    "cmdCode", "customsCode", "motCode", "cifvalue", "primaryValue",
]  # fmt: skip


def ct_rows(year: int, months, value: float = 1_000_000.0, **over) -> list[dict]:
    base = {
        "freqCode": "M", "reporterCode": "156", "partnerCode": "643", "partner2Code": "0",
        "flowCode": "M", "cmdCode": "TOTAL", "customsCode": "C00", "motCode": "0",
    }  # fmt: skip
    return [
        {**base, "refYear": str(year), "refMonth": str(m), "cifvalue": str(value),
         "primaryValue": str(value), **over}
        for m in months
    ]  # fmt: skip


def comtrade_raw(tmp_path: Path, rows: list[dict], columns=CT_COLUMNS) -> Path:
    text = pd.DataFrame(rows, columns=columns).to_csv(index=False, lineterminator="\n")
    return write(tmp_path, un_comtrade.RAW_FILE, text)


def test_comtrade_months_sum_to_years_and_a_short_year_is_flagged(tmp_path):
    rows = ct_rows(2021, range(1, 13), 2_500_000.0) + ct_rows(2022, range(1, 12), 3_000_000.0)
    out = un_comtrade.curate(comtrade_raw(tmp_path, rows), None)["bilateral_trade"]
    val.validate_trade("t", out)
    assert out[["reporter_iso3", "partner_iso3", "flow", "valuation", "basis"]].drop_duplicates(
    ).values.tolist() == [["CHN", "RUS", "import", "cif", "reported"]]  # fmt: skip
    s = out.set_index("year")
    assert s.loc[2021, "value"] == pytest.approx(30.0)  # 12 x US$ 2.5 m
    assert s.loc[2022, "value"] == pytest.approx(33.0)  # 11 months: kept, flagged
    assert s.loc[2021, "flag"] == "" and s.loc[2022, "flag"] == "incomplete"


@pytest.mark.parametrize(
    "rows, message",
    [
        (ct_rows(2021, [1, 1]), r"month 2021-01 appears twice"),
        (ct_rows(2021, [13]), r"line 2, column 'refMonth': '13'; expected a month 1-12"),
        (ct_rows(2021, [1], cmdCode="27"), r"column 'cmdCode': '27'; expected 'TOTAL'"),
        (ct_rows(2021, [1], motCode="1000"), r"column 'motCode': '1000'; expected '0'"),
        (ct_rows(2021, [1], flowCode="RX"), r"column 'flowCode': 'RX'; expected one of"),
        (ct_rows(2021, [1], primaryValue="-1"), r"column 'primaryValue': '-1'; expected a non"),
        (ct_rows(2021, [1], partnerCode="999"), r"country code '999' is not in aliases/un_comtr"),
        ([], r"no rows; expected one row per month"),
    ],
)
def test_comtrade_bad_rows_are_one_error_naming_the_file(tmp_path, rows, message):
    with pytest.raises(BriefError, match=message) as err:
        un_comtrade.curate(comtrade_raw(tmp_path, rows), None)
    assert str(err.value).startswith(un_comtrade.RAW_FILE)


def test_comtrade_missing_column(tmp_path):
    columns = [c for c in CT_COLUMNS if c != "primaryValue"]
    rows = [{k: v for k, v in r.items() if k != "primaryValue"} for r in ct_rows(2021, [1])]
    with pytest.raises(BriefError, match=r"missing column\(s\) \['primaryValue'\]"):
        un_comtrade.curate(comtrade_raw(tmp_path, rows, columns), None)


# --- CEPII BACI -----------------------------------------------------------------------------

BACI = """t,i,j,k,v,q
2021,156,643,10620,48.641,3.124
2021,156,643,20810,951.359,
2021,643,156,270900,2000.5,10.0
2022,643,156,270900,3000.0,12.0
"""


def test_baci_products_sum_to_a_total_per_direction_in_usd_m(tmp_path):
    out = cepii_baci.curate(write(tmp_path, cepii_baci.RAW_FILE, BACI), None)["bilateral_trade"]
    val.validate_trade("t", out)
    s = out.set_index(["reporter_iso3", "partner_iso3", "year"])["value"]
    assert s[("CHN", "RUS", 2021)] == pytest.approx(1.0)  # 48.641 + 951.359 thousand US$
    assert s[("RUS", "CHN", 2021)] == pytest.approx(2.0005)
    assert s[("RUS", "CHN", 2022)] == pytest.approx(3.0)
    assert set(out.flow) == {"export"} and set(out.basis) == {"reconciled"}
    assert set(out.valuation) == {"fob"} and set(out.flag) == {""}


@pytest.mark.parametrize(
    "text, message",
    [
        (BACI + "2021,156,643,10620,1.0,1.0\n", r"product 10620 from 156 to 643 in 2021 appears"),
        (BACI + "2021,156,643,30000,,1.0\n", r"line 6, column 'v': ''; expected a non-negative"),
        (BACI + "2021,156,276,30000,1.0,1.0\n", r"country code '276' is not in aliases/cepii"),
        ("t,i,j,k,v,q\n", r"no rows; expected one row per year"),
        ("t,i,j,v,q\n2021,156,643,1,1\n", r"missing column\(s\) \['k'\]"),
    ],
)
def test_baci_bad_rows_are_one_error_naming_the_file(tmp_path, text, message):
    with pytest.raises(BriefError, match=message) as err:
        cepii_baci.curate(write(tmp_path, cepii_baci.RAW_FILE, text), None)
    assert str(err.value).startswith(cepii_baci.RAW_FILE)


# --- every trade source: missing, empty, corrupt raw file -----------------------------------


@pytest.mark.parametrize("mod", TRADE_SOURCES, ids=lambda m: m.SOURCE_ID)
def test_a_missing_raw_file_is_one_error_naming_it(tmp_path, mod):
    with pytest.raises(BriefError, match=r"raw file not found") as err:
        mod.curate(tmp_path, None)
    assert str(err.value).startswith(mod.RAW_FILE)


@pytest.mark.parametrize("mod", TRADE_SOURCES, ids=lambda m: m.SOURCE_ID)
@pytest.mark.parametrize(
    "content, what",
    [(b"", "No columns to parse"), (b"\xff\xfe\x00\x81abc\n\x00\x9f", "codec")],
    ids=["empty", "not utf-8"],
)
def test_an_empty_or_corrupt_raw_file_is_one_error_naming_it(tmp_path, mod, content, what):
    with pytest.raises(BriefError, match=r"cannot read the .* CSV") as err:
        mod.curate(write(tmp_path, mod.RAW_FILE, content), None)
    message = str(err.value)
    assert message.startswith(mod.RAW_FILE) and what in message and "\n" not in message


@pytest.mark.parametrize("mod", TRADE_SOURCES, ids=lambda m: m.SOURCE_ID)
def test_trade_source_metadata(mod):
    src = mod.SOURCE
    assert src["id"] == mod.SOURCE_ID and src["retrieved"] == "2026-12-05"
    assert src["url"].startswith("https://") and src["caveats"]
    assert src["raw_files"] == [mod.RAW_FILE]
    for flow, info in src["series"].items():
        assert flow in val.TRADE_CODES["flow"] and info["unit"] == val.TRADE_UNIT
        assert info["label"].strip() and info["description"].strip()
    assert imf_dots.SOURCE["series"].keys() == {"export", "import"}


def test_a_meta_file_must_describe_exactly_the_flows_the_code_gives():
    with pytest.raises(BriefError, match=r"imf_imts.meta.yml: series \['export', 'import'\]; "):
        common.source_metadata("imf_imts", [imf_imts.RAW_FILE], series=["export"])


def test_trade_table_values_are_checked_by_column(tmp_path):
    out = cepii_baci.curate(write(tmp_path, cepii_baci.RAW_FILE, BACI), None)["bilateral_trade"]
    bad = out.assign(basis=["reconciled", "mirror", "reconciled"])
    with pytest.raises(BriefError, match=r"t.csv: line 3, column 'basis': found 'mirror'; exp"):
        val.validate_trade("t.csv", bad)
    with pytest.raises(BriefError, match=r"line 2, column 'value': found -1.0; expected a num"):
        val.validate_trade("t.csv", out.assign(value=[-1.0, 1, 1]))
    with pytest.raises(BriefError, match=r"missing column 'valuation'"):
        val.validate_trade("t.csv", out.drop(columns="valuation"))


# --- the raw snapshot ------------------------------------------------------------------------


def test_raw_spot_checks_against_the_provenance_register():
    """The values SOURCES.md (sections 14-16) quotes for each file."""
    raw = need_raw()
    imts = imf_imts.curate(raw, None)["bilateral_trade"]
    s = imts.set_index(["partner_iso3", "year", "flow"])
    assert s.loc[("CHN", 2022, "export"), "value"] == pytest.approx(98004.8, abs=0.1)
    assert s.loc[("CHN", 2024, "import"), "value"] == pytest.approx(124272.1, abs=0.1)
    assert s.loc[("CHN", 2021, "export"), "flag"] == ""
    assert (imts.year >= 2022).eq(imts.flag.eq("estimate")).all()
    ct = un_comtrade.curate(raw, None)["bilateral_trade"].set_index("year")["value"]
    assert [round(ct[y] / 1000, 1) for y in (2021, 2022, 2023, 2024)] == [79.6, 114.4, 128.9, 129.9]
    baci = cepii_baci.curate(raw, None)["bilateral_trade"]
    b = baci.set_index(["reporter_iso3", "year"])["value"] / 1000
    assert [round(b[("CHN", y)], 1) for y in (2021, 2022, 2023)] == [69.6, 75.4, 110.0]
    assert [round(b[("RUS", y)], 1) for y in (2021, 2022, 2023)] == [72.1, 114.1, 129.0]


def test_imts_equals_dots_where_russia_reported_both():
    """2016-2021: the IMTS file holds the DOTS values, partner by partner (what lets the brief's
    rule switch series in 2016 without a seam)."""
    raw = need_raw()
    key = ["partner_iso3", "year", "flow"]
    dots = imf_dots.curate(raw, None)["bilateral_trade"].set_index(key)["value"]
    imts = imf_imts.curate(raw, None)["bilateral_trade"]
    imts = imts[imts.year <= 2021].set_index(key)["value"]
    both = dots.index.intersection(imts.index)
    assert len(both) > 2000
    diff = (imts[both] - dots[both]).abs()
    # equal within US$ 20 (values are US$ m with six decimals; world totals differ by US$ 5-14
    # of rounding, a few flows of a few thousand dollars by US$ 1)
    assert diff.max() < 2e-5
    assert (diff / dots[both]).max() < 1e-3


# The committed data/bilateral_trade.csv before the table held several sources: the DOTS rows,
# written with those eight columns, must be this file byte for byte.
DOTS_BEFORE_SHA256 = "042f9a015a9589e0d6327b2cdafc86e9bb044fac523ba6fc87550ceef6954b98"
DOTS_BEFORE_COLUMNS = [
    "reporter_iso3", "partner_iso3", "year", "flow", "value", "unit", "source", "flag",
]  # fmt: skip


def test_dots_rows_unchanged_by_the_move_to_a_table_of_sources():
    from tests.conftest import ROOT

    committed = pd.read_csv(
        ROOT / "data" / "bilateral_trade" / "imf_dots.csv", dtype=str, keep_default_na=False
    )
    buf = io.StringIO()
    committed[DOTS_BEFORE_COLUMNS].to_csv(buf, index=False, lineterminator="\n")
    assert hashlib.sha256(buf.getvalue().encode()).hexdigest() == DOTS_BEFORE_SHA256
    assert set(committed.basis) == {"reported"}
    assert committed.groupby("flow").valuation.unique().map(list).to_dict() == {
        "export": ["fob"],
        "import": ["cif"],
    }
