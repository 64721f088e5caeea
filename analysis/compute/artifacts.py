"""Deterministic writers for the artifacts a notebook leaves for the report.

Layout under ``artifacts_dir`` (docs/contracts.md section 3)::

    charts/<chart_id>.vl.json   Vega-Lite spec (sorted keys)
    charts/<chart_id>.svg       the static picture by vl-convert (the HTML fallback, the PDF's)
    tables/<table_id>.csv       the data behind a chart has the chart's id
    results/<notebook_stem>.json

Every file is written to a temporary name and moved into place with ``os.replace``, so a failure
never leaves a half-written file. Re-running with the same inputs gives byte-identical files.
:class:`Exhibits` is one notebook run's record: it writes each chart and table as it is drawn,
remembers their metadata and which claim section each chart belongs in, and writes the run's
results with them (:meth:`Exhibits.save`). One object per run, passed to the code that draws;
nothing is kept between runs.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import altair
import numpy as np
import pandas as pd

from analysis.errors import BriefError
from analysis.files import write_bytes
from analysis.results import PART_KEYS, check_part
from analysis.vega import render as renderer

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RESULT_KEYS = frozenset(PART_KEYS)
FLOAT_FORMAT = "%.10g"
TITLE_WIDTH = 72  # characters per line of a chart's title (the finding it states)


def _check_id(kind: str, value: str) -> None:
    if not isinstance(value, str) or not ID.match(value):
        raise BriefError(
            f"{kind} id {value!r}: expected a slug of lowercase letters, digits and '-'"
        )


def _plain(value: Any) -> Any:
    """JSON-able copy: numpy scalars to Python, NaN/inf to None, tuples to lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        f = float(value)
        return None if not math.isfinite(f) else f
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def dumps_json(payload: Any) -> bytes:
    """The project's JSON form: sorted keys, indent 2, UTF-8, trailing newline."""
    text = json.dumps(_plain(payload), sort_keys=True, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def chart_spec(chart: altair.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec with the active theme applied, data inlined.

    Not validated here against the Vega-Lite schema: Altair's validation walks every inline
    data row (0.6 s of a cold build's 24 charts) and the charts' structure is the library's
    code, not the user's; ``tests/test_pipeline_real.py`` validates every chart of a real build,
    and vl-convert refuses a spec it cannot draw."""
    return chart.to_dict(validate=False)


def finding_title(old: Any, finding: str) -> dict[str, Any]:
    """The chart's own title becomes the finding it states (its subtitle, saying what is drawn,
    stays), so the picture and the figure say the same thing."""
    title: dict[str, Any] = dict(old) if isinstance(old, dict) else {}
    title["text"] = textwrap.wrap(finding, TITLE_WIDTH) or [finding]
    return title


class Saved:
    """A saved chart as a notebook displays it: the spec and SVG just written (its finding as
    the title), so displaying it neither rebuilds the Altair spec nor converts it again."""

    def __init__(self, spec: dict[str, Any], svg: str) -> None:
        self.spec, self.svg = spec, svg

    def _repr_mimebundle_(self, *_args: Any, **_kwargs: Any) -> dict[str, Any]:
        return renderer.bundle(self.spec, self.svg)

    def __repr__(self) -> str:
        """The notebook's plain-text form (beside the picture): the chart's finding, never an
        object's address, so an executed notebook is the same bytes in every build."""
        return f"Chart: {renderer.title_of(self.spec)}"


def save_chart(
    chart: altair.TopLevelMixin,
    chart_id: str,
    artifacts_dir: str | Path,
    *,
    title: str,
    caption: str,
    alt: str,
    source: str,
) -> tuple[dict[str, Any], Saved]:
    """Write ``charts/<id>.vl.json`` and ``.svg`` (all a page uses: the site shows the SVG
    until Vega draws the spec, the PDF places the SVG); return the chart's metadata and the
    chart as saved, to display."""
    _check_id("chart", chart_id)
    for key, text in (("title", title), ("caption", caption), ("alt", alt), ("source", source)):
        if not str(text).strip():
            raise BriefError(f"chart {chart_id}: {key} is empty; expected a sentence")
    base = Path(artifacts_dir) / "charts"
    spec = chart_spec(chart)
    spec["title"] = finding_title(spec.get("title"), title)
    svg = renderer.to_svg(spec)
    write_bytes(base / f"{chart_id}.vl.json", dumps_json(spec))
    write_bytes(base / f"{chart_id}.svg", svg.encode("utf-8"))
    return {
        "title": title,
        "caption": caption,
        "alt": alt,
        "source": source,
        "label": f"fig-{chart_id}",
    }, Saved(spec, svg)


def table_csv(df: pd.DataFrame, sort_by: list[str] | None = None) -> bytes:
    """The project's CSV form: rows sorted, no index, ``\\n`` line ends, ``%.10g`` floats."""
    out = df.copy()
    keys = sort_by if sort_by is not None else [c for c in out.columns if out[c].dtype == object]
    keys = [k for k in keys if k in out.columns]
    if keys:
        out = out.sort_values(keys, kind="mergesort").reset_index(drop=True)
    text = out.to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    return text.encode("utf-8")


def save_table(
    df: pd.DataFrame,
    table_id: str,
    artifacts_dir: str | Path,
    *,
    title: str,
    source: str,
    sort_by: list[str] | None = None,
) -> dict[str, Any]:
    """Write ``tables/<id>.csv`` (rows sorted by ``sort_by`` or the given order); return its
    metadata."""
    _check_id("table", table_id)
    if not isinstance(df, pd.DataFrame):
        raise BriefError(f"table {table_id}: expected a pandas DataFrame, got {type(df).__name__}")
    data = table_csv(df, sort_by if sort_by is not None else [])
    write_bytes(Path(artifacts_dir) / "tables" / f"{table_id}.csv", data)
    return {"title": title, "source": source}


def save_results(notebook_stem: str, payload: Mapping[str, Any], artifacts_dir: str | Path) -> Path:
    """Write ``results/<stem>.json`` (checked against the results contract first)."""
    unknown = sorted(set(payload) - RESULT_KEYS)
    if unknown:
        raise BriefError(
            f"results of {notebook_stem}: unknown keys {unknown}; expected any of "
            f"{sorted(RESULT_KEYS)}"
        )
    merged = {k: dict(v) for k, v in payload.items() if v}
    check_part(f"results of {notebook_stem}", merged)  # the contract, before anything is written
    path = Path(artifacts_dir) / "results" / f"{notebook_stem}.json"
    write_bytes(path, dumps_json(merged))
    return path


class Exhibits:
    """What one notebook run leaves for the report, recorded as it is drawn.

    :meth:`chart` and :meth:`table` write each artifact at once; the record keeps their metadata,
    the order of the charts and whether each belongs in the claim's own section or with its
    sensitivity analyses. :meth:`finish` gives a claim its charts and tables, :meth:`save`
    writes the run's ``results/<stem>.json``.
    """

    def __init__(self, artifacts_dir: str | Path, stem: str) -> None:
        self.artifacts_dir = Path(artifacts_dir)
        self.stem = stem
        self.charts: dict[str, dict[str, Any]] = {}
        self.tables: dict[str, dict[str, Any]] = {}
        self.section: list[str] = []
        self.sensitivity: list[str] = []
        self.drawn: list[tuple[str, Saved]] = []  # (title, chart as saved), to display
        self.parts: dict[str, dict[str, Any]] = {}

    def chart(
        self,
        chart: altair.TopLevelMixin,
        chart_id: str,
        *,
        title: str,
        caption: str,
        alt: str,
        source: str,
        data: pd.DataFrame | None = None,
        data_title: str = "",
        sort_by: list[str] | None = None,
        sensitivity: bool = False,
    ) -> altair.TopLevelMixin:
        """Write a chart (and, given ``data``, the table behind it under the chart's id)."""
        meta, shown = save_chart(
            chart,
            chart_id,
            self.artifacts_dir,
            title=title,
            caption=caption,
            alt=alt,
            source=source,
        )
        self.charts[chart_id] = {**meta, "notebook": self.stem}
        (self.sensitivity if sensitivity else self.section).append(chart_id)
        self.drawn.append((title, shown))
        if data is not None:
            self.table(data, chart_id, title=data_title or title, source=source, sort_by=sort_by)
        return chart

    def table(
        self,
        df: pd.DataFrame,
        table_id: str,
        *,
        title: str,
        source: str,
        sort_by: list[str] | None = None,
    ) -> pd.DataFrame:
        """Write a table (its CSV is published beside the brief)."""
        self.tables[table_id] = save_table(
            df, table_id, self.artifacts_dir, title=title, source=source, sort_by=sort_by
        )
        return df

    def part(self, key: str, items: Mapping[str, Any]) -> None:
        """A part of results.json beside the claims (e.g. ``measures``)."""
        self.parts.setdefault(key, {}).update(items)

    def finish(self, result: Any) -> Any:
        """A claim's result (an :class:`analysis.results.Claim`) with the charts and tables drawn
        for it: the section's charts in order, the sensitivity charts, every table."""
        return result.model_copy(
            update={
                "charts": list(self.section),
                "sensitivity_charts": list(self.sensitivity),
                "tables": list(self.tables),
            }
        )

    def save(self, payload: Mapping[str, Any]) -> Path:
        """Write ``results/<stem>.json``: ``payload`` with the charts and tables recorded."""
        merged = {**self.parts, **payload, "charts": self.charts, "tables": self.tables}
        return save_results(self.stem, merged, self.artifacts_dir)
