"""The loader API of docs/contracts.md section 1: validated curated tables, cached per process.

A table ``name`` is ``data/<name>.csv`` or the folder ``data/<name>/*.csv`` (one table split by
source, e.g. ``indicators``). Column types come from ``data/datapackage.json``. Every read is
validated (:mod:`analysis.data.validate`) and cached on the files' paths, sizes and mtimes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.data import asof as asof_rules
from analysis.data import validate as val
from analysis.data.package import REBUILD, resources
from analysis.errors import BriefError, clip, one_line

DTYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "str"}


def _data_dir() -> Path:
    return paths.data_dir()


def _stamp(files: list[Path]) -> tuple:
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)


def table_files(name: str, data_dir: Path | None = None) -> list[Path]:
    d = data_dir or _data_dir()
    single, folder = d / f"{name}.csv", d / name
    if single.is_file():
        return [single]
    if folder.is_dir():
        # one file per source, or (vintages) one folder per source and a file per release
        found = sorted(folder.glob("*.csv")) or sorted(folder.glob("*/*.csv"))
        if found:
            return found
    raise BriefError(f"data/{name}.csv: missing; {REBUILD}")


def load_datapackage() -> dict:
    p = _data_dir() / "datapackage.json"
    if not p.is_file():
        raise BriefError(f"data/datapackage.json: missing; {REBUILD}")
    return _package(_stamp([p]))


@functools.lru_cache(maxsize=4)
def _package(stamp: tuple) -> dict:
    path = Path(stamp[0][0])
    try:
        return json.loads(path.read_text("utf-8"))
    except ValueError as exc:
        raise BriefError(f"data/datapackage.json: not valid JSON ({exc}); {REBUILD}") from None


def _fields(rel: str) -> dict[str, str]:
    for res in resources(load_datapackage()):
        if res["path"] == rel:
            schema = res.get("schema")
            fields = schema.get("fields") if isinstance(schema, dict) else None
            if not isinstance(fields, list) or not all(
                isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
            ):
                raise BriefError(
                    f"data/datapackage.json: the resource data/{rel} has no schema.fields list "
                    f"of named columns; {REBUILD}"
                )
            return {f["name"]: str(f.get("type", "string")) for f in fields}
    raise BriefError(f"data/{rel}: not described in data/datapackage.json; {REBUILD}")


MAX_INTEGER = 1e18  # every integer of at most 18 digits fits a 64-bit integer column
INTEGER = "an integer of at most 18 digits"


def read_typed(path: Path, rel: str, fields: dict[str, str]) -> pd.DataFrame:
    """Read one CSV as strings and convert each column to its datapackage type; a value that
    does not convert is a one-line error naming the file, line and column."""
    try:
        df = pd.read_csv(path, dtype="str", keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise BriefError(
            f"data/{rel}: empty file; expected a CSV with the header line "
            f"{clip(','.join(fields))}; {REBUILD}"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise BriefError(f"data/{rel}: not a readable CSV ({clip(one_line(exc))})") from None
    val.check_columns(f"data/{rel}", df, list(fields))
    for col, typ in fields.items():
        s = df[col]
        if typ in ("integer", "number"):
            num = pd.to_numeric(s.where(s != ""), errors="coerce")
            bad = num.isna() & (s != "")
            if typ == "integer":  # a whole number a 64-bit integer holds (1e100 is not one)
                bad |= num.notna() & ((num % 1 != 0) | (num.abs() >= MAX_INTEGER))
            if bad.any():
                i = int(bad.to_numpy().nonzero()[0][0])
                raise BriefError(
                    f"data/{rel}: line {i + 2}, column {col!r}: found {clip(repr(s.iloc[i]))}; "
                    f"expected {INTEGER if typ == 'integer' else 'a number'}"
                )
            df[col] = num.astype("Int64") if typ == "integer" else num.astype("float64")
        elif typ == "boolean":
            m = {"true": True, "false": False, "": pd.NA}
            low = s.str.lower()
            bad = ~low.isin(list(m))
            if bad.any():
                i = int(bad.to_numpy().nonzero()[0][0])
                raise BriefError(
                    f"data/{rel}: line {i + 2}, column {col!r}: found {clip(repr(s.iloc[i]))}; "
                    "expected true or false"
                )
            df[col] = low.map(m).astype("boolean")
    return df


@functools.lru_cache(maxsize=32)
def _load(name: str, stamp: tuple) -> pd.DataFrame:
    if name in ("indicators", "vintages"):
        full = pd.concat([_indicator_file(name, entry) for entry in stamp], ignore_index=True)
        val.check_unique(f"data/{name}", full, val.PRIMARY_KEYS[name])
        return full
    d = _data_dir()
    frames = []
    for path_s, _, _ in stamp:
        path = Path(path_s)
        rel = path.relative_to(d).as_posix()
        frames.append((rel, read_typed(path, rel, _fields(rel))))
    countries = None if name == "countries" else load_table("countries")
    for rel, df in frames:  # each file on its own, so an error names its file and line
        val.validate_table(name, df, countries, f"data/{rel}")
    if len(frames) == 1:
        return frames[0][1]
    full = pd.concat([df for _, df in frames], ignore_index=True)
    val.check_unique(f"data/{name}", full, val.PRIMARY_KEYS.get(name, list(full.columns)))
    return full


@functools.lru_cache(maxsize=64)
def _indicator_file(name: str, entry: tuple) -> pd.DataFrame:
    """One file of the ``indicators`` (or ``vintages``) table, read and validated: each file is
    kept on its own, so a claim that reads a few indicators loads only their sources' files
    (:func:`load_indicators`) and a later load of the others reads only theirs."""
    from analysis.data import registry

    path = Path(entry[0])
    rel = path.relative_to(_data_dir()).as_posix()
    df = read_typed(path, rel, _fields(rel))
    release = df.pop("release") if name == "vintages" else None
    df = val.with_registry(df, registry.indicators())
    df["year"] = df["year"].astype("int64")
    val.validate_indicators(f"data/{rel}", df, load_table("countries"), registry.indicators())
    if name == "indicators" and path.parent.name == "indicators":  # data/indicators/<source>.csv
        val.check_file_source(f"data/{rel}", df, path.stem)
    return df if release is None else df.assign(release=release.to_numpy())


def clear_caches() -> None:
    """Forget every table read in this process (they are kept by their files' paths, sizes and
    modification times: a file rewritten with the same size within the same clock tick is not
    noticed otherwise)."""
    for cached in (_load, _indicator_file, _package, _sources_as_of):
        cached.cache_clear()


def _files_of(files: list[Path], ids: list[str]) -> list[Path]:
    """Of the indicator ``files``, those of the sources that give ``ids`` (each file holds one
    source's indicators, checked when it loads); all of them when the table is one file, an id
    is not in the registry, or no file is of those sources (the rows are then none either way)."""
    from analysis.data import registry

    known = registry.indicators()
    if len(files) < 2 or any(i not in known for i in ids):
        return files
    wanted = {known[i]["source"] for i in ids}
    chosen = [f for f in files if f.parent.name == "indicators" and f.stem in wanted]
    return chosen or files


def load_table(name: str, *, as_of: object = None) -> pd.DataFrame:
    """A curated table (a copy: callers may modify it); with ``as_of`` (a date) the table as a
    brief dated then reads it (:func:`table_as_of`)."""
    if name == "indicators" and as_of is not None:
        return load_indicators(as_of=as_of)
    when = asof_rules.parse_as_of(as_of)
    files = table_files(name)
    if name == "vintages" and when is not None:  # the earlier releases published by then
        public = set(_published_by(when))
        files = [f for f in files if f.relative_to(_data_dir()).as_posix() in public]
        if not files:
            return _load(name, _stamp(table_files(name))).iloc[0:0].copy()
    df = _load(name, _stamp(files)).copy()
    return df if when is None else table_as_of(name, df, when)


def _published_by(when) -> list[str]:
    """``vintages/<source>/<release>.csv`` of every earlier release published on or before
    ``when`` (a brief dated then could have read it)."""
    table = releases()
    rows = table[(table["status"] != "current") & (table["published"] <= when.isoformat())]
    return [f"vintages/{s}/{r}.csv" for s, r in zip(rows["source"], rows["release"], strict=True)]


def load_indicators(ids: list[str] | None = None, *, as_of: object = None) -> pd.DataFrame:
    """The tidy indicator table ``iso3, year, indicator, value, unit, source, flag``.

    With ``as_of`` (a date, or ``YYYY-MM-DD``) each source's rows are those of the release a
    brief dated then reads (:func:`release_use`): an earlier release from ``data/vintages``, or
    the current one cut back to the years public then; None: the current releases."""
    files = table_files("indicators")
    if ids is not None:
        ids = [ids] if isinstance(ids, str) else list(ids)
        files = _files_of(files, ids)
    df = _load("indicators", _stamp(files)).copy()
    if ids is not None:
        df = df[df["indicator"].isin(ids)].reset_index(drop=True)
    when = asof_rules.parse_as_of(as_of)
    if when is None:
        return df
    parts = []
    for source in sorted(df["source"].unique()):
        rows = df[df["source"] == source]
        use = release_use(source, when)
        if use.how in ("partial", "unavailable"):
            raise asof_rules.refuse(use, when)
        if use.how == "release":
            rows = load_release(source, use.release)
            if ids is not None:
                rows = rows[rows["indicator"].isin(ids)]
        elif use.how == "approximated":
            rows = rows[rows["year"] <= use.last_year]
        parts.append(rows)
    if not parts:
        return df
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["iso3", "year", "indicator"], kind="mergesort", ignore_index=True)


# --- releases ---------------------------------------------------------------------------------


def releases(source: str | None = None) -> pd.DataFrame:
    """``data/releases.csv``: every release of every source, with its publication date and
    evidence (``analysis.data.releases``); one source's rows, oldest first, when named."""
    table = load_table("releases")
    table["published"] = table["published"].astype(str)
    if source is None:
        return table
    rows = table[table["source"] == source].reset_index(drop=True)
    if rows.empty:
        known = sorted(table["source"].unique())
        raise BriefError(f"source {source!r} has no release in data/releases.csv; expected one "
                         f"of {known}")  # fmt: skip
    return rows


def release_use(source: str, as_of: object = None) -> asof_rules.Use:
    """Which release of ``source`` a brief dated ``as_of`` reads, and how
    (:func:`analysis.data.asof.choose`)."""
    return asof_rules.choose(releases(), source, asof_rules.parse_as_of(as_of))


def sources_as_of(as_of: object = None) -> dict[str, asof_rules.Use]:
    """Source id -> the release a brief dated ``as_of`` reads, for every source with a release."""
    when = asof_rules.parse_as_of(as_of)
    return dict(_sources_as_of(_stamp(table_files("releases")), when))


@functools.lru_cache(maxsize=16)
def _sources_as_of(stamp: tuple, when: object) -> dict[str, asof_rules.Use]:
    """:func:`sources_as_of` of the release table of ``stamp``, worked out once per date: a
    build's plan asks it for every notebook run (the files each reads), 40 ms a time."""
    table = releases()
    return {s: asof_rules.choose(table, s, when) for s in sorted(table["source"].unique())}


def release_words(as_of: object = None) -> dict[str, str]:
    """Source id -> the release a brief dated ``as_of`` reads, in words for a source line
    (``October 2021``; ``July 2025, years to 2020 only (approximated from a later release)``);
    empty without a date, where the library's own source lines name the current releases."""
    if asof_rules.parse_as_of(as_of) is None:
        return {}
    return {s: use.words() for s, use in sources_as_of(as_of).items()}


def approximated_note(sources: list[str], as_of: object = None) -> str:
    """``"; approximated from a later release: <name> (<release>, years to <year>)"`` for the
    sources among ``sources`` a brief dated ``as_of`` cuts back (hand: the rows dated by then),
    to end a source line; ``""`` when none is (always without a date)."""
    when = asof_rules.parse_as_of(as_of)
    if when is None:
        return ""
    uses = sources_as_of(when)
    cut = [
        f"{u.name} ({u.label}, years to {u.last_year})"
        for s in sources
        if (u := uses.get(s)) is not None and u.approximated
    ]
    if asof_rules.HAND in sources:
        cut.append(f"hand-curated rows dated on or before {when.isoformat()}")
    return "; approximated from a later release: " + ", ".join(cut) if cut else ""


def load_release(source: str, release: str) -> pd.DataFrame:
    """The indicator rows (``iso3, year, indicator, value, unit, source, flag``) of one release
    of a source: an earlier one from ``data/vintages/<source>/<release>.csv``, the current one
    from ``data/indicators``. Each release's values are in its own units (SIPRI's constant
    dollars move with every release): compare ratios within a release, never levels across."""
    rows = releases(source)
    row = rows[rows["release"] == release]
    if row.empty:
        raise BriefError(f"{source}: release {release!r} not in data/releases.csv; expected one "
                         f"of {list(rows['release'])}")  # fmt: skip
    if row["status"].iloc[0] == "current":
        df = _load("indicators", _stamp(table_files("indicators")))
        return df[df["source"] == source].reset_index(drop=True)
    path = _data_dir() / "vintages" / source / f"{release}.csv"
    if not path.is_file():
        raise BriefError(f"data/vintages/{source}/{release}.csv: missing; {REBUILD}")
    df = _load("vintages", _stamp([path]))
    return df.drop(columns="release").reset_index(drop=True)


def table_as_of(name: str, df: pd.DataFrame, when) -> pd.DataFrame:
    """A curated table (not ``indicators``) as a brief dated ``when`` reads it: each source with
    one release cut to the years public then, the hand-curated tables to the rows dated by then
    (:mod:`analysis.data.asof`)."""
    if name in asof_rules.DATE_COLUMN:
        return asof_rules.cut_dated(df, asof_rules.DATE_COLUMN[name], when)
    if name in asof_rules.SOURCE_COLUMN:
        parts = []
        for source in sorted(df["source"].unique()):
            parts.append(_cut_source(name, df[df["source"] == source], source, when))
        return pd.concat(parts, ignore_index=True) if parts else df
    if name in asof_rules.TABLE_SOURCE:
        return _cut_source(name, df, asof_rules.TABLE_SOURCE[name], when)
    return df


def tables(
    names: Sequence[str], indicators: Sequence[str] | None = None, *, as_of: object = None
) -> dict[str, pd.DataFrame]:
    """The curated tables a claim reads (its ``READS``), by name; ``indicators`` is the tidy
    indicator table, narrowed to ``indicators`` (a claim's ``INDICATORS``) when given; with
    ``as_of``, each as a brief dated then reads it (:func:`load_table`)."""
    return {
        name: load_indicators(list(indicators) if indicators else None, as_of=as_of)
        if name == "indicators"
        else load_table(name, as_of=as_of)
        for name in names
    }


def _cut_source(name: str, df: pd.DataFrame, source: str, when) -> pd.DataFrame:
    use = release_use(source, when)
    if use.how in ("partial", "unavailable"):
        raise asof_rules.refuse(use, when)
    if use.how != "approximated":  # an earlier release of a table's source is not held
        return df.reset_index(drop=True)
    if name == "arms_register":
        return asof_rules.cut_register(df, use.last_year)
    return asof_rules.cut_years(df, asof_rules.YEAR_COLUMN[name], use.last_year)


def files_read(selected: dict[str, str], checksums: dict[str, str], as_of: object) -> dict:
    """The curated files a notebook reads under ``as_of``: ``selected`` (relative path ->
    SHA-256, the files of the tables it reads) with each source read from an earlier release
    swapped for that release's file, plus ``releases.csv`` (which decides the release and the
    cut); ``selected`` itself without a date. ``checksums``: every curated file's SHA-256."""
    when = asof_rules.parse_as_of(as_of)
    if when is None or "releases.csv" not in checksums:
        return dict(selected)
    public = set(_published_by(when))  # a release published after the date cannot reach it
    out = {k: v for k, v in selected.items() if not k.startswith("vintages/") or k in public}
    out["releases.csv"] = checksums["releases.csv"]
    table = releases()
    for source, use in sources_as_of(when).items():
        if use.how != "release":
            continue
        current = table[(table["source"] == source) & (table["status"] == "current")]
        for rel in "; ".join(current["files"]).split("; "):
            if rel in out:
                del out[rel]
                vintage = f"vintages/{source}/{use.release}.csv"
                out[vintage] = checksums[vintage]
    return dict(sorted(out.items()))


def indicator_info(ind: str) -> dict:
    """label, unit, source, description, years ([first, last] in the data, or None)."""
    from analysis.data import registry

    out = registry.info(ind)
    out.pop("range", None)
    df = load_indicators([ind])
    out["years"] = [int(df["year"].min()), int(df["year"].max())] if len(df) else None
    return out


def data_files(folder: Path | None = None) -> dict[str, str]:
    """Relative path -> SHA-256 of every file in data/ (or ``folder``; names starting with '.'
    skipped), sorted.

    It does not verify them: ``brief data check`` (and the pipeline's datapackage check) compare
    them with datapackage.json, so a data folder without one (a test project) still works.
    """
    from analysis.files import hash_tree

    return hash_tree(_data_dir() if folder is None else folder)
