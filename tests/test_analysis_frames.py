"""frames.equals: the same rows as pandas's own comparison, for every kind of column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.compute.frames import equals


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["CHN", None, "RUS", "CHN", ""], dtype="str"),
        pd.Series(["CHN", None, "RUS", "CHN", ""], dtype=object),
        pd.Series(["CHN", None, "RUS", "CHN", ""], dtype="string").fillna("USA"),
        pd.Series(["CHN", "RUS", "CHN"], dtype="category"),
        pd.Series([], dtype="str"),
        pd.Series([1.0, np.nan]),
    ],
)
def test_equals_selects_the_rows_pandas_selects(column):
    frame = pd.DataFrame(
        {"iso3": column, "n": range(len(column))}, index=range(10, 10 + len(column))
    )
    pd.testing.assert_frame_equal(
        frame[equals(frame["iso3"], "CHN")], frame[frame["iso3"] == "CHN"]
    )
    pd.testing.assert_frame_equal(
        frame.loc[~equals(frame["iso3"], "CHN")], frame.loc[~(frame["iso3"] == "CHN")]
    )


def test_equals_on_a_str_column_is_a_numpy_mask_missing_equal_to_nothing():
    mask = equals(pd.Series(["CHN", None, "nan"], dtype="str"), "CHN")
    assert isinstance(mask, np.ndarray) and mask.dtype == bool
    assert mask.tolist() == [True, False, False]
