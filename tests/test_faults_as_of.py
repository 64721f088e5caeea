"""Bad ``as_of`` values: not a date, later than today, earlier than the first release a claim
needs. Each class is one error line naming the source and the earliest date; a good date
round-trips, and "today" never enters a published file."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from analysis import dates
from analysis.params import load_params, notebook_parameters
from analysis.runparams import from_notebook
from tests.conftest import ROOT
from tests.params_files import error_of, write

EARLIEST = "2021-10-12"  # the October 2021 WEO: the April 2021 one is held only in part
NAMES = ("IMF World Economic Outlook", "imf_weo")


def assert_names_source_and_earliest(msg: str) -> None:
    assert "as_of" in msg and EARLIEST in msg, msg
    assert all(n in msg for n in NAMES), msg
    assert "needed by C1" in msg, msg


@pytest.fixture
def fixed_today(monkeypatch):
    """Today is 5 December 2026, whatever the clock says."""
    monkeypatch.setattr(dates, "today", lambda: dt.date(2026, 12, 5))


@pytest.mark.parametrize(
    "text",
    [
        "as_of: soon\n",
        "as_of: 2021-02-30\n",  # a YAML date no calendar has (PyYAML would raise ValueError)
        "as_of: 12/10/2021\n",
        "as_of: 2021-10-12T09:00:00\n",  # a time is not a date
        "as_of: [2021, 10, 12]\n",
    ],
)
def test_an_as_of_that_is_not_a_date_is_one_line(tmp_path, fixed_today, text):
    msg = error_of(write(tmp_path, text))
    assert "expected a" in msg and "date" in msg, msg
    assert "to today (2026-12-05)" in msg or "to today" in msg
    assert_names_source_and_earliest(msg)


def test_an_as_of_later_than_today_is_one_line(tmp_path, fixed_today):
    msg = error_of(write(tmp_path, "as_of: 2026-12-06\n"))
    assert "got '2026-12-06'" in msg and "no later than today (2026-12-05)" in msg, msg
    assert_names_source_and_earliest(msg)
    assert load_params(write(tmp_path, "as_of: 2026-12-05\n")).as_of == dt.date(2026, 12, 5)


@pytest.mark.parametrize("day", ["2021-10-11", "2021-04-06", "2019-01-01"])
def test_an_as_of_before_the_first_release_a_claim_needs_is_one_line(tmp_path, day):
    msg = error_of(write(tmp_path, f"as_of: {day}\n"))
    assert f"got {day}" in msg and f"on or after {EARLIEST}" in msg, msg
    assert_names_source_and_earliest(msg)


def test_an_override_is_blamed_like_any_other(tmp_path):
    msg = error_of(write(tmp_path, ""), ["as_of=2021-01-01"])
    assert msg.endswith("(from --set as_of=2021-01-01)"), msg
    assert_names_source_and_earliest(msg)


def test_a_good_date_round_trips_to_the_notebooks(tmp_path):
    p = load_params(write(tmp_path, f"as_of: {EARLIEST}\n"))
    assert p.as_of == dt.date(2021, 10, 12)
    flat = notebook_parameters(p)
    assert flat["as_of"] == EARLIEST  # JSON for papermill
    assert from_notebook(flat).as_of == p.as_of
    assert load_params(write(tmp_path, 'as_of: "2021-10-12"\n')).as_of == p.as_of
    assert load_params(write(tmp_path, "")).as_of is None  # the latest data


def test_the_cli_refuses_a_future_date_in_one_line_before_building(tmp_path):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "params/default.yml", "--explain", "--set",
         f"as_of={tomorrow}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    assert "no later than today" in lines[0] and EARLIEST in lines[0]


def test_today_never_reaches_what_a_brief_publishes(tmp_path, monkeypatch):
    """A dated brief's parameters hold the date given, not the clock; validating it on another
    day gives the same parameters."""
    path = write(tmp_path, f"as_of: {EARLIEST}\n")
    monkeypatch.setattr(dates, "today", lambda: dt.date(2026, 12, 5))
    a = notebook_parameters(load_params(path))
    monkeypatch.setattr(dates, "today", lambda: dt.date(2031, 1, 1))
    b = notebook_parameters(load_params(path))
    assert a == b and "2026-12-05" not in str(a) and "2031" not in str(a)


def test_a_base_year_the_release_of_the_date_lacks_is_one_line_before_building():
    from analysis.errors import BriefError
    from analysis.pipeline.inputs import load_brief_params

    with pytest.raises(BriefError) as exc:
        load_brief_params(ROOT / "params/default.yml", [f"as_of={EARLIEST}"])
    msg = str(exc.value)
    assert "\n" not in msg and "base_year: got 2024" in msg and "(1949-2020)" in msg, msg
    ok = load_brief_params(ROOT / "params/default.yml", [f"as_of={EARLIEST}", "base_year=2020"])
    assert ok.dump["as_of"] == EARLIEST
