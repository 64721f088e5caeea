"""SIPRI milex source: colour flags, '...'/'xxx', share as percent, headings; raw spot checks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from analysis.data.sources import sipri_milex
from analysis.errors import BriefError
from tests.conftest import RAW_DIR
from tests.fakes import FakeMapper
from tests.macro_checks import assert_sorted_and_deterministic, get, raises_one_line
from tests.test_data_macro_sources import units_match

BLUE = Font(color="FF0000FF")
RED = Font(color="FFFF0000")
GREEN = Font(color="FF00FF00")


MAPPER = FakeMapper({"China": "CHN", "Russia": "RUS", "USSR": "SUN", "Kuwait": "KWT"})


def add_sheet(wb, title, *, notes_cols=1, rows=(), note=sipri_milex.COLOUR_NOTE):
    ws = wb.create_sheet(title)
    ws.append([f"{title}, 1990–1993 © SIPRI 2026"])
    ws.append(["Figures are in US $m."])
    ws.append([note])
    ws.append(['"..." = data unavailable. "xxx" = country did not exist.'])
    ws.append([""])
    ws.append(["Country", *([""] * (notes_cols - 1)), "Notes", 1990, 1991, 1992, 1993])
    ws.append([])
    for name, cells in rows:
        ws.append([name, *([None] * notes_cols)])
        r = ws.max_row
        for j, cell in enumerate(cells):
            value, font = cell if isinstance(cell, tuple) else (cell, None)
            c = ws.cell(row=r, column=2 + notes_cols + j, value=value)
            if font is not None:
                c.font = font
    return ws


CONST_ROWS = [
    ("Europe", [None, None, None, None]),
    ("Eastern Europe", ["...", "...", "...", "..."]),
    ("Russia", ["xxx", "xxx", (60000.0, BLUE), (50000.0, RED)]),
    ("USSR", [(300000.0, BLUE), 250000.0, "xxx", "xxx"]),
    ("East Asia", [None, None, None, None]),
    ("China", ["...", "…", "", 20000]),
    ("European Union", ["xxx", "xxx", "xxx", 1000.0]),
]
SHARE_ROWS = [
    ("Kuwait", [0.05, 1.173, "...", 0.08]),
    ("China", [(0.02, BLUE), "...", "...", "..."]),
]


def build(tmp_path: Path, *, const=CONST_ROWS, share=SHARE_ROWS, note=None) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    wb.create_sheet("Front page")
    kw = {} if note is None else {"note": note}
    add_sheet(wb, "Constant (2024) US$", notes_cols=2, rows=const, **kw)
    add_sheet(wb, "Current US$", rows=[("China", [100.0, 110.0, "...", "xxx"])])
    add_sheet(wb, "Share of GDP", rows=share)
    path = tmp_path / sipri_milex.XLSX_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def curate(path: Path) -> pd.DataFrame:
    return sipri_milex.curate_workbook(path, MAPPER, {"European Union"})


def test_values_flags_and_missing_markers(tmp_path):
    df = curate(build(tmp_path))
    assert list(df.columns) == ["iso3", "year", "indicator", "value", "unit", "source", "flag"]
    assert get(df, "RUS", "milex_const", 1992).flag == "estimate"
    assert get(df, "RUS", "milex_const", 1993).flag == "uncertain"
    assert get(df, "RUS", "milex_const", 1993).value == 50000.0
    assert get(df, "SUN", "milex_const", 1990).flag == "estimate"
    assert get(df, "SUN", "milex_const", 1991).flag == ""
    # '...', '…', '' and 'xxx' give no row at all (not zeros)
    const = df[df.indicator == "milex_const"]
    assert sorted(const[const.iso3 == "CHN"].year) == [1993]
    assert sorted(const[const.iso3 == "RUS"].year) == [1992, 1993]
    assert sorted(const[const.iso3 == "SUN"].year) == [1990, 1991]
    assert (df.value != 0).all()
    assert get(df, "CHN", "milex_current", 1991).value == 110.0
    assert get(df, "CHN", "milex_const", 1993).unit == "US$ m"


def test_share_is_converted_to_percent(tmp_path):
    df = curate(build(tmp_path))
    assert get(df, "KWT", "milex_gdp", 1991).value == pytest.approx(117.3)
    assert get(df, "KWT", "milex_gdp", 1990).value == pytest.approx(5.0)
    assert get(df, "KWT", "milex_gdp", 1990).unit == "%"
    assert get(df, "CHN", "milex_gdp", 1990).flag == "estimate"


def test_not_a_state_is_dropped_and_headings_skipped(tmp_path):
    df = curate(build(tmp_path))
    assert set(df.iso3) == {"CHN", "RUS", "SUN", "KWT"}
    assert "European Union" in sipri_milex.not_countries()


def test_zeros_kept_dropped_or_rejected(tmp_path):
    const = [("Iceland", [0, 0, 0, 0]), ("China", [1.0, 2.0, 3.0, 4.0])]
    mapper = FakeMapper({**MAPPER.table, "Iceland": "ISL", "Yugoslavia": "YUG"})
    wb_path = build(tmp_path, const=const)
    df = sipri_milex.curate_workbook(wb_path, mapper, set())
    assert get(df, "ISL", "milex_const", 1990).value == 0
    long = pd.DataFrame(
        {
            "name": ["Yugoslavia", "Yugoslavia"],
            "year": [1980, 1991],
            "value": [0.0, 5.0],
            "flag": "",
        }
    )
    kept = sipri_milex.screen_zeros(long, "Current US$", "x")
    assert list(kept.year) == [1991]
    with pytest.raises(BriefError, match=r"'Yugoslavia' 1980: military expenditure printed as 0"):
        sipri_milex.screen_zeros(long, "Constant (2024) US$", "x")


def test_sorted_and_deterministic(tmp_path):
    path = build(tmp_path)
    assert_sorted_and_deterministic(lambda: curate(path))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"const": [("China", [1.0, "n/a", 2.0, 3.0])]}, r"'China' 1991: 'n/a' is neither"),
        ({"const": [("China", [(1.0, GREEN), 2.0, 3.0, 4.0])]}, r"font colour 00FF00"),
        ({"const": [("East Asia", [1.0, None, None, None])]}, r"region heading 'East Asia'"),
        ({"const": [("Narnia", [1.0, None, None, None])]}, r"unknown country 'Narnia'"),
        ({"const": [("China", [1.0]), ("China", [2.0])]}, r"'China' appears twice"),
        ({"note": "Figures in green are guesses."}, r"row 3 reads"),
    ],
)
def test_bad_input_one_line_error(tmp_path, kwargs, match):
    with raises_one_line(match):
        curate(build(tmp_path, **kwargs))


def test_missing_sheet(tmp_path):
    wb = Workbook()
    path = tmp_path / "x.xlsx"
    wb.save(path)
    with pytest.raises(BriefError, match=r"sheet\(s\) \['Constant \(2024\) US\$'"):
        curate(path)


@pytest.mark.parametrize("name", ["broken.xlsx", "missing.xlsx"])
def test_unreadable_workbook(tmp_path, name):
    path = tmp_path / name
    if name == "broken.xlsx":
        path.write_bytes(b"not a zip file")
    with pytest.raises(BriefError, match=f"{name}: cannot read SIPRI milex workbook"):
        curate(path)


def test_alias_file_shape():
    aliases = pd.read_csv(sipri_milex.ALIAS_FILE, dtype=str, keep_default_na=False)
    assert list(aliases.columns) == ["alias", "iso3", "note"]
    assert aliases.alias.is_unique
    assert aliases.note.str.strip().ne("").all()
    codes = aliases.iso3[aliases.iso3 != ""]
    assert codes.str.fullmatch(r"[A-Z]{3}").all()
    assert codes.is_unique
    assert dict(zip(aliases.alias, aliases.iso3, strict=True))["USSR"] == "SUN"


# --- spot checks against the real raw file ---------------------------------------------


@pytest.fixture(scope="module")
def real():
    path = RAW_DIR / sipri_milex.XLSX_FILE
    if not path.is_file():
        pytest.skip(f"raw data not found at {path}")
    aliases = pd.read_csv(sipri_milex.ALIAS_FILE, dtype=str, keep_default_na=False)
    table = {a: c for a, c in zip(aliases.alias, aliases.iso3, strict=True) if c}
    return sipri_milex.curate_workbook(path, FakeMapper(table))


def test_real_spot_values(real):
    # SOURCES.md spot check: constant 2024 US$ m, 2025
    assert get(real, "USA", "milex_const", 2025).value == pytest.approx(929163, abs=1)
    assert get(real, "CHN", "milex_const", 2025).value == pytest.approx(335018, abs=1)
    assert get(real, "RUS", "milex_const", 2025).value == pytest.approx(158236, abs=1)
    assert get(real, "CHN", "milex_const", 2024).flag == "estimate"
    assert get(real, "USA", "milex_const", 2024).flag == ""
    assert get(real, "USA", "milex_gdp", 2024).value == pytest.approx(3.43, abs=0.01)
    assert get(real, "KWT", "milex_gdp", 1991).value == pytest.approx(117.35, abs=0.01)


def test_real_ussr_and_russia_do_not_overlap(real):
    assert units_match(real, sipri_milex)
    const = real[real.indicator == "milex_const"]
    assert const[const.iso3 == "SUN"].year.max() <= 1991
    assert const[const.iso3 == "RUS"].year.min() >= 1992
    assert set(real.flag) == {"", "estimate", "uncertain"}
    assert not real.duplicated(["iso3", "year", "indicator"]).any()
    assert "EUU" not in set(real.iso3)
    assert set(real[real.value == 0].iso3) == {"CRI", "ISL", "PAN"}
    assert set(real.indicator) == {"milex_const", "milex_current", "milex_gdp"}
