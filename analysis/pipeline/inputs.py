"""What a build starts from, checked before any notebook runs: the curated data (present, not
empty, with the checksums ``data/datapackage.json`` records) and the validated parameters (the
horizon after the data's last year)."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.errors import BriefError, clip
from analysis.files import canonical_json, dump_json, sha256_text, write_text


def data_checksums(root: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every curated data file under ``root/data``, after checking
    them against ``data/datapackage.json`` and refusing an empty CSV."""
    from analysis.pipeline import filehash

    data_dir = root / "data"
    out = filehash.tree(data_dir)  # analysis.data.load.data_files, through the stat memo
    check_not_empty(data_dir, out)  # the more useful message when a file was emptied
    verify_datapackage(data_dir)
    return out


def read_json(path: Path, name: str) -> Any:
    """The JSON document in ``path``; not valid JSON: a BriefError naming the file ``name``."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BriefError(f"{name}: not valid JSON ({exc})") from None


def check_not_empty(data_dir: Path, files: Mapping[str, str]) -> None:
    """A curated CSV with nothing in it (not even a header line) is one error naming it, before
    any notebook runs (pandas would raise EmptyDataError without the file's name)."""
    for rel in sorted(files):
        path = data_dir / rel
        if not rel.endswith(".csv"):
            continue
        with open(path, "rb") as fh:
            head = fh.read(4096)
        if not head.strip() and len(head) < 4096:
            raise BriefError(
                f"data/{rel}: empty file; expected a CSV with a header line (restore it from git "
                "or re-run `brief data curate`)"
            )


def verify_datapackage(data_dir: Path) -> None:
    """Every resource ``datapackage.json`` lists exists and has the SHA-256 recorded there.

    Resources are read as Frictionless does: ``path`` relative to ``data/`` and ``hash`` as
    ``sha256:<hex>`` (or bare hex); resources without a hash are only checked for existence.
    A missing ``datapackage.json`` is an error, for a cached build too: without it nothing
    says the files are the curated ones.
    """
    package = data_dir / "datapackage.json"
    if not package.is_file():
        what = "a folder" if package.is_dir() else "missing"
        raise BriefError(
            f"data/datapackage.json: {what}; expected the curated data's descriptor, which lists "
            "every curated file with its SHA-256 and is checked before every build, cached or "
            "not (restore it from git, or run `brief data curate`)"
        )
    meta = read_json(package, "data/datapackage.json")
    from analysis.data.package import resources

    for res in resources(meta):
        rel = res["path"]
        path = data_dir / rel
        if not path.is_file():
            raise BriefError(
                f"data/{rel}: listed in data/datapackage.json but missing; expected the curated "
                "file (restore it from git or re-run the curation)"
            )
        recorded = res.get("hash")
        if not isinstance(recorded, str) or not recorded:
            continue
        algo, _, digest = recorded.rpartition(":")
        algo = algo or {64: "sha256", 32: "md5"}.get(len(digest), "")  # Frictionless: bare = md5
        if algo not in ("sha256", "md5"):
            continue
        if algo == "sha256":
            from analysis.pipeline import filehash

            actual = filehash.sha256(path)
        else:
            actual = hashlib.new(algo, path.read_bytes()).hexdigest()
        if actual != digest.lower():
            raise BriefError(
                f"data/{rel}: {algo.upper()} {actual[:12]}… does not match data/datapackage.json "
                f"({digest[:12]}…); the file is corrupted or was edited by hand"
            )


@dataclass
class LoadedParams:
    name: str
    title: str
    dump: dict[str, Any]
    flat: dict[str, Any]
    source: str


def shown_path(path: str | Path) -> str:
    """A params file as the user would name it: relative to the project root when inside it
    (``params/ppp.yml``), else as given."""
    path = Path(path)
    try:
        return path.resolve().relative_to(paths.project_root().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_brief_params(params_path: str | Path, overrides: Sequence[str] = ()) -> LoadedParams:
    """Validate a params file (+ overrides) through ``analysis.params`` (one BriefError), and
    refuse it when another params file of the project is the same brief (:func:`check_one_name`).

    A process that has not imported the parameter schema (a warm ``brief run``: importing it
    imports every claim module and pandas, half a second) takes parameters that passed every
    check before from the memo (:func:`_params_memo`, keyed by everything the checks read);
    :func:`check_one_name` runs every time, as it reads the other params files."""
    from analysis.pipeline import filehash

    filehash.load()  # the file hashes a previous process kept
    shown = shown_path(params_path)
    memo = None if schema_imported() else _params_memo(params_path, overrides, shown)
    known = filehash.fact("brief_params", memo) if memo else None
    if isinstance(known, str):
        loaded = LoadedParams(**json.loads(known))
        check_one_name(loaded, Path(params_path), overrides)
        return loaded
    from analysis.params import load_params, notebook_parameters

    params = load_params(params_path, list(overrides), shown=shown)
    dump = params.model_dump(mode="json")
    loaded = LoadedParams(
        name=str(dump["name"]),
        title=str(dump.get("title", "")),
        dump=dump,
        flat=dict(notebook_parameters(params)),
        source=shown,
    )
    check_one_name(loaded, Path(params_path), overrides)
    check_horizon(loaded, overrides)
    check_base_year(loaded, overrides)
    if memo is None:  # asked directly: remembered by the processes that need it
        return loaded
    text = canonical_json(dataclasses.asdict(loaded))
    if LoadedParams(**json.loads(text)) == loaded:  # JSON keeps it exactly
        filehash.remember("brief_params", memo, text)
    return loaded


def schema_imported() -> bool:
    """Whether this process has imported the parameter schema and the claim registry (then
    asking them is cheaper than looking up what they answered before)."""
    return "analysis.params" in sys.modules


def _params_memo(params_path: str | Path, overrides: Sequence[str], shown: str) -> str | None:
    """The memo key of a brief's checked parameters: everything :func:`load_brief_params`'s
    checks read but the other params files (checked every time): the file (path and SHA-256),
    the overrides, the library's code (all of it: the schema imports every claim), the curated
    data (the country codes, the data's last years) and the repository's country table, today
    (a date may not be in the future) and this file. None when the file cannot be hashed."""
    from analysis import dates
    from analysis.pipeline import filehash, keys

    try:
        path = Path(params_path)
        shipped = paths.PACKAGE_DIR.parent / "data" / "countries.csv"
        parts = [
            str(path.resolve()),
            filehash.sha256(path),
            [str(o) for o in overrides],
            shown,
            str(paths.project_root()),
            keys.code_version(paths.PACKAGE_DIR),
            filehash.tree(paths.data_dir()),
            filehash.sha256(shipped) if shipped.is_file() else None,
            dates.today().isoformat(),
            filehash.own_hash(__file__),
        ]
    except OSError:
        return None
    return sha256_text(canonical_json(parts))


def brief_name(path: Path) -> str | None:
    """The brief a params file is: its ``name``, else its file name's stem (None when the file
    cannot be read as a mapping: its own command reports that). Remembered by the file's path
    and SHA-256: every command reads every params file of the project for
    :func:`check_one_name`."""
    from analysis.pipeline import filehash

    try:
        memo = (str(path), filehash.sha256(path))
    except OSError:
        return _brief_name(path)
    if memo not in _BRIEF_NAMES:
        _BRIEF_NAMES[memo] = _brief_name(path)
    return _BRIEF_NAMES[memo]


_BRIEF_NAMES: dict[tuple[str, str], str | None] = {}


def _brief_name(path: Path) -> str | None:
    from analysis.paramfile import read_params_file

    try:
        data = read_params_file(path, path.as_posix())
    except BriefError:
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None
    name = data.get("name", path.stem)
    return name if isinstance(name, str) else None


class NameClash(BriefError):
    """Two params files of the project are one brief (:func:`check_one_name`); ``name`` is it."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def check_one_name(params: LoadedParams, path: Path, overrides: Sequence[str] = ()) -> None:
    """One brief, one name: a params file whose brief name is also that of another params file
    of the project (``params/*.yml``) is refused, naming both, whatever the command. Two files
    of one name would share ``_build/<name>/`` and their place in the site: a copy of
    ``params/default.yml`` that kept ``name: default`` replaced the flagship's build and the
    site's root."""
    here = path.resolve()
    others = [
        other
        for other in sorted(paths.params_dir().glob("*.yml"))
        if other.resolve() != here and brief_name(other) == params.name
    ]
    if not others:
        return
    given = _origin("name", overrides)  # " (from --set name=...)" or ""
    why: dict[str, str] = {}  # file -> how it comes to be this brief
    named: list[str] = []  # files whose `name:` makes them this brief
    for other, shown in [(path, params.source), *((o, shown_path(o)) for o in others)]:
        if other == path and given:
            why[shown] = f"with --set name={params.name}"
        elif params.name != other.stem:
            why[shown] = "by its `name:`"
            named.append(shown)
        else:
            why[shown] = "by its file name"
    if given:
        advice = "choose another name with --set name=..."
    elif named:
        advice = (
            f"change or remove the `name:` in {_and(named)} (a brief without one is named "
            "after its file)"
        )
    else:
        advice = "rename one of the files (a brief without a `name:` is named after its file)"
    raise NameClash(
        params.name,
        f"{_and(list(why))} are each the brief {params.name!r} "
        f"({', '.join(f'{f} {w}' for f, w in why.items())}); expected one params file per "
        f"brief (two briefs cannot share _build/{params.name}/ or their place in _site/): "
        f"{advice}",
    )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def check_base_year(params: LoadedParams, overrides: Sequence[str] = ()) -> None:
    """A brief as of a date re-bases constant dollars within the SIPRI release of that date:
    its ``base_year`` must be a year that release holds (SIPRI's 2021 release ends in 2020).
    One line naming the key and the years, before any notebook runs; the flagship (no date)
    is checked by the notebook itself, as before."""
    as_of = params.dump.get("as_of")
    if as_of is None or not _has_curated_indicators(paths.data_dir()):
        return
    both = sipri_years(as_of)
    base = int(params.dump["base_year"])
    if not both or base in both:
        return
    given = [o for o in overrides if str(o).partition("=")[0].strip() == "base_year"]
    origin = f" (from --set {clip(given[-1])})" if given else ""
    raise BriefError(
        f"{params.source}: base_year: got {base}{origin}, expected a year of the SIPRI release "
        f"read as of {as_of} ({min(both)}-{max(both)}); set base_year to {max(both)} or earlier"
    )


def sipri_years(as_of: Any) -> set[int]:
    """The years of the SIPRI release read as of ``as_of`` that hold the USA's military
    expenditure in current and constant dollars: those a ``base_year`` may be."""
    from analysis.data.load import load_indicators

    ind = load_indicators(["milex_const", "milex_current"], as_of=as_of)
    usa = ind[ind["iso3"] == "USA"]
    return {
        int(y)
        for y in set(usa.loc[usa["indicator"] == "milex_const", "year"])
        & set(usa.loc[usa["indicator"] == "milex_current", "year"])
    }


def _has_curated_indicators(data_dir: Path) -> bool:
    return (data_dir / "datapackage.json").is_file() and (
        (data_dir / "indicators.csv").is_file() or (data_dir / "indicators").is_dir()
    )


def files_read(data: Mapping[str, str], checksums: Mapping[str, str], as_of: Any) -> dict:
    """The curated files a notebook that receives ``as_of`` reads: with a date, each source read
    from an earlier release is keyed on that release's file (not the current one) and the
    release table is added (it decides the release and the cut); without one, ``data``. So a
    notebook's cache keys on the release it actually reads."""
    if as_of is None or "releases.csv" not in checksums:
        return dict(data)
    from analysis.data.load import files_read as read

    return read(dict(data), dict(checksums), as_of)


def releases_block(as_of: Any, root: Path) -> dict[str, Any]:
    """What results.json records of the data a brief read: ``as_of`` (null: the latest data)
    and, for every source with a release, the release read and how (``latest``, ``release``,
    ``approximated`` with the last year kept); nothing for a project without a release table."""
    table = root / "data" / "releases.csv"
    if not table.is_file():
        return {}
    from analysis.pipeline import filehash, keys

    data_dir = paths.data_dir()
    if not (data_dir / "releases.csv").is_file():
        return _releases_block(as_of)
    # The same curated data (by SHA-256: the release table, its schema and the tables that
    # validate it) read as of the same date by the same code (the library's, all of it, and
    # this file): the same block. Remembered for the next process too: reading and validating
    # the release table costs a warm `brief run` 0.1 s.
    code = keys.code_version(paths.PACKAGE_DIR)
    inputs = [as_of, filehash.tree(data_dir), code, filehash.own_hash(__file__)]
    memo = sha256_text(canonical_json(inputs))
    known = filehash.fact("releases_block", memo)
    if not isinstance(known, str):
        known = canonical_json(_releases_block(as_of))
        filehash.remember("releases_block", memo, known)
        filehash.save()
    return json.loads(known)


def _releases_block(as_of: Any) -> dict[str, Any]:
    from analysis.data.load import sources_as_of

    releases = {}
    for source, use in sources_as_of(as_of).items():
        entry = {"name": use.name, "release": use.release, "label": use.label}
        entry["published"] = use.published
        entry["how"] = use.how
        if use.last_year is not None:
            entry["last_year"] = use.last_year
        releases[source] = entry
    return {"as_of": as_of, "releases": releases}


def _years_cache(dump: Mapping[str, Any]) -> Path:
    """Where the data's last years for these parameters are kept (see :func:`data_last_years`)."""
    from analysis.pipeline import filehash

    inputs = {k: dump[k] for k in ("measures", "coalition", "benchmark", "composite_weights")}
    inputs |= {k: dump[k] for k in ("milex_prices", "missing")}
    inputs["as_of"] = dump.get("as_of")
    files = {
        k: v
        for k, v in filehash.tree(paths.data_dir()).items()
        if k.startswith(("indicators", "vintages", "releases"))
    }
    key = sha256_text(canonical_json({"inputs": inputs, "files": files}))
    return paths.build_dir() / ".data-years" / f"{key}.json"


def data_last_years(dump: Mapping[str, Any], cache: Path | None = None) -> dict[str, int]:
    """Measure -> last year with observed data for both the coalition and the benchmark, for
    the brief's measures (what the projections start after), from the curated indicators.

    Loading and validating the indicators takes about a second, so once a horizon has passed
    :func:`check_horizon` the answer is kept in ``cache`` (``_build/.data-years/<key>.json``,
    keyed by the indicator files' checksums and the parameters it depends on): a warm
    ``brief run`` reads it.
    """
    try:
        cached = json.loads((cache or _years_cache(dump)).read_text("utf-8"))
        return {str(k): int(v) for k, v in cached.items()}
    except (OSError, ValueError, AttributeError):
        pass
    from analysis.params import last_observed_years

    return last_observed_years(dump)


def observed_years_bound(data_dir: Path) -> int | None:
    """The last year of any observed row (not flagged a projection) in the curated indicator
    files: no measure's last observed year (:func:`data_last_years`) can come after it, since
    the measures are made of those rows. Two columns read, unvalidated: 0.1 s, where loading and
    validating the indicators and making the measures takes 1.5 s of a first build. None when a
    file does not read as expected (the full check then says what is wrong)."""
    import pandas as pd

    from analysis.data.load import table_files
    from analysis.data.validate import PROJECTION

    last = None
    try:
        for path in table_files("indicators", data_dir):
            rows = pd.read_csv(path, usecols=["year", "flag"], dtype={"year": "int64", "flag": str})
            observed = rows.loc[rows["flag"].ne(PROJECTION), "year"]
            if len(observed):
                year = int(observed.max())
                last = year if last is None else max(last, year)
    except (OSError, ValueError, BriefError):
        return None
    return last


def check_horizon(params: LoadedParams, overrides: Sequence[str] = ()) -> None:
    """The horizon must come after the data's last year: a projection to a year the data
    already cover is empty, and the verdicts would read "the central projection is n/a". The
    same holds for every horizon the multiverse tries (``multiverse.c1.horizon``).

    Checked against the curated indicators (``data/datapackage.json`` and the ``indicators``
    table); a project without them (the pipeline's test fixtures) has no data years to check.
    """
    from analysis.params import choices_varying

    data_dir = paths.data_dir()
    if not _has_curated_indicators(data_dir):
        return
    horizon = int(params.dump["horizon"])
    alternatives = {
        f"multiverse.{key}.{name}": [int(y) for y in params.dump["multiverse"][key][name]]
        for key, name in choices_varying("horizon")
    }
    cache = _years_cache(params.dump)
    earliest = min([horizon, *(y for ys in alternatives.values() for y in ys)])
    if params.dump.get("as_of") is None and not cache.is_file():
        bound = observed_years_bound(data_dir)
        if bound is not None and earliest > bound:
            return  # after every observed year of the files: after every measure's last year
    last = data_last_years(params.dump, cache)
    if not last or earliest > max(last.values()):
        # remembered only for a brief that passed: a refused one leaves nothing behind
        if not cache.is_file():
            with contextlib.suppress(OSError):  # a cache not written costs the next run a second
                write_text(cache, dump_json(last))
        return
    year = max(last.values())
    measures = ", ".join(m for m, y in last.items() if y == year)
    why = (
        f"the data's last year {year} ({measures}: observed data end in {year}, so "
        f"projections start in {year + 1})"
    )
    problems = []
    if horizon <= year:
        problems.append(
            f"horizon: got {horizon}{_origin('horizon', overrides)}, expected a year after {why}; "
            f"set horizon to {year + 1} or later"
        )
    for key, years in alternatives.items():
        early = [y for y in years if y <= year]
        if early:
            shown = ", ".join(str(y) for y in early)
            problems.append(
                f"{key}: got {shown}{_origin(key, overrides)}, expected horizons after {why}; "
                f"use {year + 1} or later"
            )
    raise BriefError(f"{params.source}: " + "; ".join(problems))


def _origin(key: str, overrides: Sequence[str]) -> str:
    """`` (from --set KEY=...)`` when the last override of ``key`` set it, else nothing."""
    given = [o for o in overrides if str(o).partition("=")[0].strip() == key]
    return f" (from --set {clip(given[-1])})" if given else ""
