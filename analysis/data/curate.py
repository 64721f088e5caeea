"""``brief data curate``: raw files -> validated curated tables in ``data/`` + datapackage.json.

Runs every source in registry order (``analysis.data.sources.SOURCE_MODULES``), writes the
rows each source adds to a table several sources share (:data:`SPLIT_BY_SOURCE`: ``indicators``,
``bilateral_trade``) to ``data/<table>/<source>.csv`` (one table, split into a folder), every
other table to ``data/<name>.csv``, the country table and the union of the alias
files, validates everything, describes it in ``data/datapackage.json`` (a Frictionless Data
Package, v1 spec: ``sources`` and ``licenses`` as objects on the package and on every resource;
the raw-file provenance in the custom property ``provenance``, see :func:`datapackage`) and the
data dictionary ``data/README.md``. Everything is written to a temporary folder first and moved
into place file by file only after everything succeeded; files of the previous curation that are
no longer produced are removed. The hand-curated ``data/exercises.csv`` and ``data/events.csv``
are inputs: they are validated and described but never written or removed here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.data import countries as ctry
from analysis.data import hand
from analysis.data import validate as val
from analysis.errors import BriefError
from analysis.files import sha256_file
from analysis.tmpdirs import TmpFolder, remove_stale

INDICATORS = "indicators"
TRADE = "bilateral_trade"
VINTAGES = "vintages"  # earlier releases: data/vintages/<source>/<release>.csv
RELEASES = "releases.csv"
# Tables several sources add rows to: each source's rows are data/<table>/<source>.csv, the loader
# joins them (each file has its own source, licence and hash in datapackage.json).
SPLIT_BY_SOURCE = (INDICATORS, TRADE)
HAND_FILES = ("exercises.csv", "events.csv")  # committed by hand, never written by curate
PACKAGE = "datapackage.json"
README = "README.md"
PACKAGE_NAME = "rand-brief-curated-data"


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """The deterministic CSV writer of docs/contracts.md."""
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.10g", encoding="utf-8")


def write_json(obj, path: Path) -> None:
    path.write_text(json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n", "utf-8")


def check_raw_dir(raw_dir: Path | None) -> Path:
    raw = Path(raw_dir) if raw_dir is not None else paths.default_raw_dir()
    if not raw.is_dir():
        raise BriefError(f"raw data folder not found at {raw}; pass the folder with --raw DIR")
    return raw


def select_sources(only: Sequence[str] | None) -> list:
    """The source modules to run (all, or those named in ``only``), in registry order: every
    source, then the modules of earlier releases (``VINTAGES``)."""
    from analysis.data.sources import SOURCE_MODULES, SOURCES, VINTAGES

    every = [*SOURCES, *VINTAGES]
    if only:
        unknown = [n for n in dict.fromkeys(only) if n not in SOURCE_MODULES]
        if unknown:
            shown = ", ".join(repr(n) for n in unknown)
            raise BriefError(
                f"--only {shown}: unknown source{'s' if len(unknown) > 1 else ''}; expected one "
                f"of {list(SOURCE_MODULES)}"
            )
        return [m for m in every if m.SOURCE_ID in only]
    return every


def check_vintages_dir(vintages_dir: Path | None, raw: Path) -> Path:
    found = Path(vintages_dir) if vintages_dir is not None else paths.default_vintages_dir(raw)
    if not found.is_dir():
        raise BriefError(
            f"vintages folder not found at {found}; pass the folder of earlier releases with "
            "--vintages DIR"
        )
    return found


def sort_table(name: str, df: pd.DataFrame) -> pd.DataFrame:
    key = val.PRIMARY_KEYS.get(name) or list(df.columns)
    return df.sort_values(key, kind="mergesort", ignore_index=True)


FRICTIONLESS_TYPES = {"b": "boolean", "i": "integer", "u": "integer", "f": "number"}


def field_type(s: pd.Series) -> str:
    if isinstance(s.dtype, pd.BooleanDtype):
        return "boolean"
    if isinstance(s.dtype, pd.Int64Dtype):
        return "integer"
    return FRICTIONLESS_TYPES.get(s.dtype.kind, "string")


COLUMN_DOCS = {
    "iso3": "ISO 3166-1 alpha-3 code (historical states keep their own codes, WLD the world)",
    "year": "calendar year",
    "indicator": "indicator id (see README.md and analysis/data/registry.py)",
    "value": "value in the indicator's unit (resource 'units'; README.md)",
    "flag": "'' , 'estimate', 'projection' or 'uncertain' as marked by the source",
    "release": "the source's release the row belongs to (data/releases.csv)",
}


TRADE_COLUMN_DOCS = {
    "reporter_iso3": "the country whose figure it is (for reconciled flows: the exporter)",
    "flow": "export (reporter to partner) or import (partner to reporter)",
    "value": "US$ m, current",
    "flag": "'' , 'estimate' (the publisher's estimate) or 'incomplete' (fewer than 12 months)",
    "basis": "reported, partner-based estimate or reconciled (from both sides' reports)",
    "valuation": "fob (free on board) or cif (with cost, insurance, freight)",
}


def schema_for(name: str, df: pd.DataFrame) -> dict:
    fields = []
    required = set(val.PRIMARY_KEYS.get(name, [])) | set(val.REQUIRED.get(name, []))
    for col in df.columns:
        f = {"name": col, "type": field_type(df[col])}
        if col in COLUMN_DOCS and name in (INDICATORS, VINTAGES):
            f["description"] = COLUMN_DOCS[col]
        if col in required:
            f["constraints"] = {"required": True}
        if name in (INDICATORS, VINTAGES) and col == "flag":
            f["constraints"] = {"required": False, "enum": list(val.FLAGS)}
        if name == TRADE and col in val.TRADE_CODES:
            f["constraints"] = {"required": col in required, "enum": list(val.TRADE_CODES[col])}
        if name == TRADE and col in TRADE_COLUMN_DOCS:
            f["description"] = TRADE_COLUMN_DOCS[col]
        fields.append(f)
    out = {"fields": fields, "missingValues": [""]}
    if val.PRIMARY_KEYS.get(name):
        out["primaryKey"] = val.PRIMARY_KEYS[name]
    return out


def _entry(s: dict, files_key: str, files: list[dict]) -> dict:
    """A ``provenance.sources`` record from a module's ``SOURCE`` and its input files' records."""
    return {
        "id": s["id"],
        "title": s["title"],
        "publisher": s["publisher"],
        "version": s["version"],
        "url": s["url"],
        "licence": s["licence"],
        "retrieved": s["retrieved"],
        files_key: files,
        "caveats": list(s.get("caveats") or []),
    }


# Open Definition licence ids a source's licence text may start with, and the licence's text.
OPEN_LICENCES = (
    (
        re.compile(r"CC[- ]BY[- ]4\.0\b"),
        "CC-BY-4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    (re.compile(r"MIT\b"), "MIT", "https://opensource.org/licenses/MIT"),
)
# The tables this project builds itself (country codes, the alias files): the code's licence.
PROJECT_LICENCE = {
    "name": "MIT",
    "path": "https://opensource.org/licenses/MIT",
    "title": "MIT (this project's own table, built by its code)",
}
DERIVED_SOURCES = {
    "countries": "this project: ISO 3166 (pycountry) and the country codes and names of WDI, the "
    "IMF WEO, Voeten's ideal points and the COW state list (raw files and SHA-256 in "
    "provenance.countries_built_from)",
    "country_aliases": "this project: the alias files analysis/data/aliases/<source>.csv",
    "releases": "this project: the releases of each source and their publication dates, from "
    "analysis/data/sources/<source>.meta.yml (each date with its evidence)",
}


def licence_object(entry: dict) -> dict:
    """A Frictionless ``licenses`` item for a source: the Open Definition ``name`` when the
    licence text starts with one, else ``path`` = the source's page, where the publisher states
    its terms; ``title`` is always the licence text as the source states it."""
    text = entry["licence"]
    for pattern, name, url in OPEN_LICENCES:
        if pattern.match(text):
            return {"name": name, "path": url, "title": text}
    if not entry["url"]:
        raise BriefError(
            f"source {entry['id']!r}: licence {text!r} names no open licence and the source has "
            "no url; expected either (a datapackage licence needs a name or a path)"
        )
    return {"path": entry["url"], "title": text}


def source_object(entry: dict) -> dict:
    """A Frictionless ``sources`` item: the source's title and, when it has one, its URL."""
    return {"title": entry["title"], **({"path": entry["url"]} if entry["url"] else {})}


def _file_record(path: Path, name: str) -> dict:
    return {"path": name, "bytes": path.stat().st_size, "sha256": sha256_file(path)}


def source_entry(mod, raw_dir: Path, vintages_dir: Path | None = None) -> dict:
    """A module's ``provenance.sources`` record: its raw files and, for the earlier releases of
    a source, its files in the vintages folder (``vintage_files``), each with bytes and
    SHA-256."""
    s = mod.SOURCE
    entry = _entry(
        s, "raw_files", _records(raw_dir, s["raw_files"], f"raw file of source {s['id']!r}")
    )
    if "vintage_files" in s:
        assert vintages_dir is not None
        what = f"earlier release of source {s['id']!r}"
        entry["vintage_files"] = _records(vintages_dir, s["vintage_files"], what)
    return entry


def _records(folder: Path, files: list[str], what: str) -> list[dict]:
    """:func:`_file_record` of each of ``files`` in ``folder``; a missing one is an error
    naming it (``what``: what it is of which source)."""
    out = []
    for rel in files:
        p = folder / rel
        if not p.is_file():
            raise BriefError(f"{p}: {what} not found")
        out.append(_file_record(p, rel))
    return out


def vintage_files(sid: str, of: str, df: pd.DataFrame, countries, reg) -> dict:
    """A ``vintages`` table split by release: ``vintages/<of>/<release>.csv`` -> (table, frame
    with ``release`` then the indicator file's columns, module id), each release validated like
    an indicator file."""
    out = {}
    if "release" not in df:
        raise BriefError(f"source {sid!r}: table 'vintages' has no 'release' column")
    for release, g in df.groupby("release", sort=True):
        rel = f"{VINTAGES}/{of}/{release}.csv"
        rows = sort_table(INDICATORS, g.reset_index(drop=True)[val.INDICATOR_COLUMNS])
        val.validate_indicators(f"data/{rel}", rows, countries, reg)
        out[rel] = (
            VINTAGES,
            rows[val.FILE_COLUMNS].assign(release=release)[val.VINTAGE_COLUMNS],
            sid,
        )
    return out


def build(
    raw_dir: Path,
    only: Sequence[str] | None = None,
    echo: Callable = print,
    vintages_dir: Path | None = None,
):
    """Run the sources; returns ({relative path: (table name, frame, source id)}, source
    entries). The modules of earlier releases read ``vintages_dir`` too."""
    mods = select_sources(only)
    countries = ctry.build_countries(raw_dir)
    aliases = ctry.read_aliases()
    val.validate_table("countries", countries, None, "data/countries.csv")
    val.validate_table("country_aliases", aliases, countries, "data/country_aliases.csv")
    mapper = ctry.CountryMapper(countries, aliases)
    from analysis.data import registry

    reg = registry.indicators()
    files: dict[str, tuple[str, pd.DataFrame, str | None]] = {
        "countries.csv": ("countries", countries, None),
        "country_aliases.csv": ("country_aliases", aliases, None),
    }
    entries = []
    for mod in mods:
        sid = mod.SOURCE["id"]
        of = getattr(mod, "OF", None)
        if of is not None:
            vintages_dir = check_vintages_dir(vintages_dir, raw_dir)
            tables = mod.curate(raw_dir, mapper, vintages_dir)
        else:
            tables = mod.curate(raw_dir, mapper)
        if not isinstance(tables, dict):
            raise BriefError(
                f"source {sid!r}: curate returned {type(tables).__name__}; expected dict"
            )
        for name, df in sorted(tables.items()):
            if name == VINTAGES:
                files.update(vintage_files(sid, of or sid, df, countries, reg))
                continue
            if name == INDICATORS:
                rel, where = f"indicators/{sid}.csv", f"data/indicators/{sid}.csv"
                df = df.reset_index(drop=True)[val.INDICATOR_COLUMNS]
                df = sort_table(INDICATORS, df)
                val.validate_indicators(where, df, countries, reg)
                df = df[val.FILE_COLUMNS]
            elif name in SPLIT_BY_SOURCE:
                rel = f"{name}/{sid}.csv"
                where = f"data/{rel}"
                if "source" in df and df["source"].ne(sid).any():
                    found = df.loc[df["source"].ne(sid), "source"].iloc[0]
                    raise BriefError(
                        f"source {sid!r}: table {name!r} has a row of source {found!r}; expected "
                        f"every row of {where} from {sid!r}"
                    )
                df = sort_table(name, df.reset_index(drop=True))
                val.validate_table(name, df, countries, where)
            else:
                rel = f"{name}.csv"
                where = f"data/{rel}"
                if rel in files:
                    raise BriefError(
                        f"source {sid!r}: table {name!r} is also made by another source"
                    )
                df = sort_table(name, df.reset_index(drop=True))
                val.validate_table(name, df, countries, where)
            files[rel] = (name, df, sid)
        echo(f"{sid}: " + ", ".join(f"{n} {len(t):,} rows" for n, t in sorted(tables.items())))
        entries.append(source_entry(mod, raw_dir, vintages_dir))
    from analysis.data import releases

    table = releases.build(mods, files)
    val.validate_table("releases", table, countries, f"data/{RELEASES}")
    files[RELEASES] = ("releases", table, None)
    return files, entries


def datapackage(files: dict, out: Path, entries: list[dict], countries_raw: list[dict]) -> dict:
    """The Frictionless descriptor (Data Package v1, ``tabular-data-package``).

    Spec properties: ``sources`` and ``licenses`` are lists of objects, on the package (every
    source; every licence) and on each resource (its own). Custom properties: ``provenance`` on
    the package (``sources``: one record per source with id, title, publisher, version, url,
    licence, retrieved date, caveats and its input files with bytes and SHA-256, under
    ``raw_files`` (in the raw folder) or ``files`` (the hand-curated tables, in ``data/``);
    ``countries_built_from``: the raw files of ``countries.csv``), and ``table`` (the table a
    file belongs to) and ``units`` (indicator id -> unit) on resources.
    """
    by_id = {e["id"]: e for e in entries}
    resources = []
    for rel in sorted(files):
        name, df, sid = files[rel]
        p = out / rel
        if sid:
            sources, licences = [source_object(by_id[sid])], [licence_object(by_id[sid])]
        else:
            sources, licences = [{"title": DERIVED_SOURCES[name]}], [PROJECT_LICENCE]
        res = {
            "name": rel.removesuffix(".csv").replace("/", "-").replace("_", "-").lower(),
            "profile": "tabular-data-resource",
            "table": name,
            "path": rel,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": p.stat().st_size,
            "hash": "sha256:" + sha256_file(p),
            "schema": schema_for(name, df),
            "sources": sources,
            "licenses": licences,
        }
        if name in (INDICATORS, VINTAGES):  # unit and source are fixed per indicator
            from analysis.data import registry

            reg = registry.indicators()
            res["units"] = {k: reg[k]["unit"] for k in sorted(df["indicator"].unique())}
        resources.append(res)
    licences = []
    for lic in [*(licence_object(e) for e in entries), PROJECT_LICENCE]:
        if lic not in licences:
            licences.append(lic)
    return {
        "name": PACKAGE_NAME,
        "title": "Curated data for the RAND RR-3067 research brief",
        "profile": "tabular-data-package",
        "licenses": licences,
        "sources": [source_object(e) for e in entries],
        "resources": resources,
        "provenance": {"sources": entries, "countries_built_from": countries_raw},
    }


def hand_resources(data_dir: Path, countries: pd.DataFrame) -> dict:
    """Hand-curated files in data/ that exist: validated, described like the others."""
    out = {}
    for rel in HAND_FILES:
        p = data_dir / rel
        if p.is_file():
            name = rel.removesuffix(".csv")
            df = pd.read_csv(p, dtype="str", keep_default_na=False)
            val.validate_table(name, df, countries, f"data/{rel}")
            out[rel] = (name, hand.typed(name, df), hand.SOURCE["id"])
    return out


def hand_entry(data_dir: Path, hand_files: dict) -> dict:
    """The ``provenance.sources`` record of the hand-curated tables: their own SHA-256s stand
    where a source's raw files would (they are the inputs; every row cites its page), under
    ``files``."""
    # not "raw_files": these are checked as curated files, not in the raw folder
    files = [_file_record(data_dir / rel, f"data/{rel}") for rel in sorted(hand_files)]
    return _entry(hand.SOURCE, "files", files)


def curate(
    raw_dir: Path | None = None,
    only: Sequence[str] | None = None,
    data_dir: Path | None = None,
    echo: Callable = print,
    vintages_dir: Path | None = None,
) -> list[str]:
    """Curate into ``data_dir`` (default ``data/``); returns the relative paths written. The
    earlier releases are read from ``vintages_dir`` (default: beside the raw folder)."""
    raw = check_raw_dir(raw_dir)
    dest = Path(data_dir) if data_dir is not None else paths.data_dir()
    holder = _workspace(dest)
    try:
        return _curate_into(dest, holder.path, raw, only, echo, vintages_dir)
    except OSError as exc:
        raise BriefError(
            f"{_where(exc, dest)}: cannot write ({exc.strerror or type(exc).__name__}); expected a "
            "data/ folder the curation can write into: run `brief data curate` again once it can"
        ) from None
    finally:
        holder.discard()


def _workspace(dest: Path) -> TmpFolder:
    """``data/.tmp-curate-XXXX/``, owned by this process (:class:`analysis.tmpdirs.TmpFolder`),
    after removing what a curation that was killed left there; one BriefError when ``data/``
    cannot be written."""
    try:
        dest.mkdir(parents=True, exist_ok=True)
        remove_stale(dest)
        return TmpFolder(dest, ".tmp-curate-")
    except OSError as exc:
        raise BriefError(
            f"{_where(exc, dest)}: cannot write ({exc.strerror or type(exc).__name__}); expected a "
            "data/ folder the curation can write into (the curated files are unchanged)"
        ) from None


def _where(exc: OSError, dest: Path) -> str:
    """The file an OSError is about, as ``data/...`` when inside the data folder."""
    path = Path(os.path.abspath(exc.filename)) if exc.filename else dest
    try:
        return "data/" + path.relative_to(os.path.abspath(dest)).as_posix()
    except ValueError:
        return str(path)


def _curate_into(
    dest: Path, tmp: Path, raw: Path, only, echo: Callable, vintages_dir: Path | None
) -> list[str]:
    files, entries = build(raw, only, echo, vintages_dir)
    countries = files["countries.csv"][1]
    countries_raw = []
    for rel in ctry.RAW_FILES:
        countries_raw.append({"path": rel, "sha256": sha256_file(raw / rel)})
    for rel, (_, df, _) in files.items():
        write_csv(df, tmp / rel)
    hand_files = hand_resources(dest, countries)
    for rel in hand_files:
        shutil.copyfile(dest / rel, tmp / rel)
    allfiles = {**files, **hand_files}
    if hand_files:
        entries = [*entries, hand_entry(dest, hand_files)]
    pkg = datapackage(allfiles, tmp, entries, countries_raw)
    write_json(pkg, tmp / PACKAGE)
    from analysis.data import dictionary

    (tmp / README).write_text(dictionary.render(pkg, allfiles), encoding="utf-8")
    written = [*sorted(allfiles), PACKAGE, README]
    old = previous_files(dest)
    for rel in written:
        if rel in HAND_FILES:
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp / rel, dest / rel)
    for rel in sorted(old - set(written)):
        if rel not in HAND_FILES and (dest / rel).is_file():
            (dest / rel).unlink()
    for folder in sorted((dest / VINTAGES).glob("*/"), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    for folder in (dest / "indicators", dest / VINTAGES):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return written


def previous_files(dest: Path) -> set[str]:
    """Files the previous curation wrote (from its datapackage.json) plus any indicators/*.csv."""
    out = {p.relative_to(dest).as_posix() for p in (dest / "indicators").glob("*.csv")}
    pkg = dest / PACKAGE
    if pkg.is_file():
        try:
            meta = json.loads(pkg.read_text("utf-8"))
            out |= {r["path"] for r in meta.get("resources", []) if isinstance(r.get("path"), str)}
        except (ValueError, AttributeError, TypeError):
            pass
    return out
