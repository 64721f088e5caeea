"""IMF DOTS (Russia as reporter): web-table slicing, groups dropped, vintages; raw spot checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from analysis.data.sources import imf_dots
from analysis.errors import BriefError
from tests.conftest import RAW_DIR

ALIASES = imf_dots.read_aliases()


def web_table(title: str, years: list[int], rows: list[tuple]) -> list[list]:
    """The IMF web-table layout: title rows, years in row 7 from column C, partners in B."""
    head = [
        [None],
        [None, title],
        [None],
        [None, "Russian Federation"],
        [None, "US Dollars, Millions"],
        [None],
        [None, None, *years],
    ]
    width = 2 + len(years)
    return [(r + [None] * width)[:width] for r in head + [[None, *r] for r in rows]]


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


EXPORTS = [
    ("Australia", 65.0, 106.7),
    ("World", 503413.6, 524482.7),
    ("China, P.R.: Mainland", 32019.6, 44000.0),
    ("China, P.R.: Hong Kong", 500.0, None),
    ("Australia", 65.0, 106.7),  # repeated verbatim, as in the 2023 workbook
    ("European Union", 216469.8, 262497.0),
    ("Memorandum Items", None, None),
]
IMPORTS_LATER = [("China, P.R.: Mainland", 46011.0, 51000.0), ("World", 253972.3, 316848.3)]
IMPORTS_EARLIER = [
    ("China, P.R.: Mainland", 39059.0, 46011.5, 51001.0),
    ("World", 228911.6, 253972.3, 316848.0),
]


def build(tmp_path: Path, earlier=IMPORTS_EARLIER) -> Path:
    write_xlsx(
        tmp_path / imf_dots.EXPORTS_FILE,
        {
            "Exports, FOB": web_table("Exports, FOB to Partner Countries", [2011, 2012], EXPORTS),
            "Imports, CIF": web_table("Imports, CIF", [2011, 2012], IMPORTS_LATER),
        },
    )
    write_xlsx(
        tmp_path / imf_dots.IMPORTS_FILE,
        {"Imports, CIF": web_table("Imports, CIF", [2010, 2011, 2012], earlier)},
    )
    return tmp_path


def test_curate_fixture(tmp_path):
    out = imf_dots.curate(build(tmp_path), None)["bilateral_trade"]
    assert list(out.columns) == imf_dots.COLUMNS
    assert out.reporter_iso3.eq("RUS").all() and out.unit.eq("US$ m").all()
    assert out.flag.eq("").all() and out.source.eq("imf_dots").all()
    s = out.set_index(["partner_iso3", "year", "flow"]).value
    assert s[("CHN", 2011, "export")] == 32019.6
    assert s[("HKG", 2011, "export")] == 500.0 and ("HKG", 2012, "export") not in s.index
    assert s[("WLD", 2012, "export")] == 524482.7
    # imports: the later workbook for 2011-2012, the earlier one only for 2010
    assert s[("CHN", 2011, "import")] == 46011.0 and s[("CHN", 2010, "import")] == 39059.0
    assert set(out.partner_iso3) == {"AUS", "CHN", "HKG", "WLD"}  # EU, heading dropped
    assert not out.duplicated(["partner_iso3", "year", "flow"]).any()


def test_vintages_that_disagree_are_an_error(tmp_path):
    earlier = [("China, P.R.: Mainland", 39059.0, 40000.0, 51001.0)]
    with pytest.raises(BriefError, match=r"partner CHN, year 2011: 46011.000 against 40000.000"):
        imf_dots.curate(build(tmp_path, earlier), None)


def test_unknown_partner_is_an_error():
    raw = pd.DataFrame(web_table("x", [2011], [("Atlantis", 1.0)]))
    long = imf_dots.parse_web_table(raw, "t.xlsx")
    with pytest.raises(BriefError, match=r"t.xlsx: partner 'Atlantis' is not in aliases/imf_dots"):
        imf_dots.map_partners(long, ALIASES, "t.xlsx")


def test_repeated_partner_with_other_values_is_an_error():
    raw = pd.DataFrame(web_table("x", [2011], [("Australia", 1.0), ("Australia", 2.0)]))
    with pytest.raises(BriefError, match=r"partner 'Australia' appears twice with different"):
        imf_dots.parse_web_table(raw, "t.xlsx")


def test_year_row_and_cells_checked():
    raw = pd.DataFrame(web_table("x", [2011], [("Australia", 1.0)]), dtype=object)
    raw.iloc[6, 2] = "Year"
    with pytest.raises(BriefError, match=r"row 7 should hold the years from column C"):
        imf_dots.parse_web_table(raw, "t.xlsx")
    raw = pd.DataFrame(web_table("x", [2011], [("Australia", -5.0)]))
    with pytest.raises(
        BriefError, match=r"'Australia', year 2011: '-5.0'; expected a non-negative"
    ):
        imf_dots.parse_web_table(raw, "t.xlsx")


def test_missing_sheet_is_one_error(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"Other": [[1]]})
    with pytest.raises(BriefError, match=r"a.xlsx: cannot read sheet 'Exports, FOB'"):
        imf_dots.read_sheet(path, "Exports, FOB")


def test_alias_file_groups_dropped_world_kept():
    assert ALIASES["World"] == "WLD"
    assert ALIASES["China, P.R.: Mainland"] == "CHN" and ALIASES["China, P.R.: Hong Kong"] == "HKG"
    for group in ["European Union", "Euro Area", "Advanced Economies", "Sub-Saharan Africa"]:
        assert ALIASES[group] == ""
    codes = [c for c in ALIASES.values() if c]
    assert len(codes) == len(set(codes))  # one partner name per code


def test_raw_spot_checks():
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")
    out = imf_dots.curate(RAW_DIR, None)["bilateral_trade"]
    s = out.set_index(["partner_iso3", "year", "flow"]).value
    assert s[("CHN", 2011, "export")] == pytest.approx(32020, abs=1)
    assert s[("CHN", 2023, "export")] == pytest.approx(49430, abs=1)
    assert s[("CHN", 2021, "export")] == pytest.approx(68423, abs=1)
    assert s[("CHN", 2011, "import")] == pytest.approx(46011, abs=1)
    assert s[("CHN", 2022, "import")] == pytest.approx(57699, abs=1)
    assert ("CHN", 2010, "import") in s.index and ("CHN", 2010, "export") not in s.index
    years = out.groupby("flow").year.agg(["min", "max"])
    assert years.loc["export"].tolist() == [2011, 2023]
    assert years.loc["import"].tolist() == [2010, 2022]
    # partners add up to less than the world total (groups are not double counted)
    exp22 = out[(out.flow == "export") & (out.year == 2022)]
    partners = exp22[exp22.partner_iso3 != "WLD"].value.sum()
    world = exp22[exp22.partner_iso3 == "WLD"].value.iloc[0]
    assert partners <= world * 1.001 and partners > 0.8 * world
    assert np.isfinite(out.value).all()
