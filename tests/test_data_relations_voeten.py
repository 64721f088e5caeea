"""Voeten ideal points: each quirk of the file handled explicitly; raw spot checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data.sources import voeten
from analysis.errors import BriefError
from tests.conftest import RAW_DIR

RULES = voeten.read_alias_rules()
NAN = np.nan


def frame(rows):
    return pd.DataFrame(rows, columns=voeten.COLUMNS).astype({"year": "float32"})


RAW_ROWS = [
    (2, "USA", 2022, 2.146105),
    (365, "RUS", 1991, 0.7),  # Soviet Union
    (365, "RUS", 1992, 0.5),
    (680, "YAR", 1980, -1.2),  # South Yemen, mislabelled
    (678, "YAR", 1980, -0.4),
    (260, "DEU", 1989, 1.86),
    (260, "", 1990, NAN),  # empty filler row
    (255, "DEU", 1990, 1.81),
    (345, "YUG", 1991, -0.57),
    (345, "YUG", 2000, 0.76),
    (345, "YUG", 2006, 0.4),
    (740, "", 1956, NAN),
    (710, "CHN", 2024, NAN),
]


def test_quirks_mapped_explicitly():
    out = voeten.to_indicators(frame(RAW_ROWS), RULES)
    got = dict(zip(zip(out.iso3, out.year, strict=True), out.value, strict=True))
    assert got == {
        ("USA", 2022): 2.146105,
        ("SUN", 1991): 0.7,
        ("RUS", 1992): 0.5,
        ("YMD", 1980): -1.2,
        ("YAR", 1980): -0.4,
        ("DEU", 1989): 1.86,
        ("DEU", 1990): 1.81,
        ("YUG", 1991): -0.57,
        ("SCG", 2000): 0.76,
        ("SRB", 2006): 0.4,
    }
    assert out.indicator.eq("unga_idealpoint").all() and out.unit.eq("index").all()
    assert out.flag.eq("").all() and out.source.eq("voeten").all()


def test_empty_code_with_a_value_is_an_error():
    with pytest.raises(BriefError, match=r"ccode 740, year 1956 has an ideal point but no iso3c"):
        voeten.to_indicators(frame([(740, "", 1956, 0.3)]), RULES)


def test_two_ccodes_one_code_one_year_is_an_error():
    rows = [(260, "DEU", 1990, 1.7), (255, "DEU", 1990, 1.8)]
    with pytest.raises(BriefError, match=r"ccodes \[255, 260\] both give DEU in 1990"):
        voeten.to_indicators(frame(rows), RULES)


def test_missing_column_is_an_error():
    with pytest.raises(BriefError, match=r"missing column\(s\) \['idealpointfp'\]"):
        voeten.to_indicators(frame(RAW_ROWS).drop(columns="idealpointfp"), RULES)


def test_bad_alias_key_is_an_error(tmp_path):
    path = tmp_path / "voeten.csv"
    path.write_text("alias,iso3,note\n345:x-y,YUG,bad\n")
    with pytest.raises(BriefError, match=r"alias '345:x-y' is not 'ccode' or 'ccode:from-to'"):
        voeten.read_alias_rules(path)


def test_reads_a_stata_file(tmp_path):
    (tmp_path / "voeten_unga").mkdir()
    df = frame(RAW_ROWS[:3]).assign(countryname="x", idealpointall=0.0)
    df.to_stata(tmp_path / voeten.DTA_FILE, write_index=False)
    out = voeten.curate(tmp_path, None)["indicators"]
    assert list(out.iso3) == ["RUS", "SUN", "USA"]


def test_unreadable_file_is_one_error(tmp_path):
    (tmp_path / "voeten_unga").mkdir()
    (tmp_path / voeten.DTA_FILE).write_bytes(b"not stata")
    with pytest.raises(BriefError, match="cannot read the Voeten ideal points"):
        voeten.curate(tmp_path, None)


def test_raw_spot_checks():
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw data not found at {RAW_DIR}")
    out = voeten.curate(RAW_DIR, None)["indicators"]
    assert not out.duplicated(["iso3", "year"]).any()
    assert (out.year.min(), out.year.max()) == (1946, 2024)
    v = out.set_index(["iso3", "year"]).value
    assert v[("USA", 2022)] == pytest.approx(2.146, abs=1e-3)
    assert v[("CHN", 2022)] == pytest.approx(-1.351, abs=1e-3)
    assert v[("RUS", 2022)] == pytest.approx(-0.809, abs=1e-3)
    assert out[out.iso3 == "SUN"].year.max() == 1991
    assert out[out.iso3 == "RUS"].year.min() == 1992
    assert out[out.iso3 == "YMD"].year.agg(["min", "max"]).tolist() == [1967, 1989]
    assert out[out.iso3 == "YUG"].year.max() == 1991
    assert out[out.iso3 == "CHN"].year.min() == 1971
    assert out.year.eq(2024).sum() == 191  # idealpointfp has 191 countries in 2024
