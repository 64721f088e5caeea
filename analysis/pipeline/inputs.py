"""What a build starts from, checked before any notebook runs: the curated data (present, not
empty, with the checksums ``data/datapackage.json`` records) and the validated parameters (the
horizon after the data's last year)."""

from __future__ import annotations

import contextlib
import hashlib
import json
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
    from analysis.data.load import data_files

    data_dir = root / "data"
    out = data_files(data_dir)
    verify_datapackage(data_dir)
    check_not_empty(data_dir, out)
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
    """
    package = data_dir / "datapackage.json"
    if not package.is_file():
        return
    meta = read_json(package, "data/datapackage.json")
    from analysis.data.load import resources

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


def load_brief_params(params_path: str | Path, overrides: Sequence[str] = ()) -> LoadedParams:
    """Validate a params file (+ overrides) through ``analysis.params`` (one BriefError)."""
    from analysis.params import load_params, notebook_parameters

    params = load_params(params_path, list(overrides))
    dump = params.model_dump(mode="json")
    loaded = LoadedParams(
        name=str(dump["name"]),
        title=str(dump.get("title", "")),
        dump=dump,
        flat=dict(notebook_parameters(params)),
        source=Path(params_path).as_posix(),
    )
    check_horizon(loaded, overrides)
    check_base_year(loaded, overrides)
    return loaded


def check_base_year(params: LoadedParams, overrides: Sequence[str] = ()) -> None:
    """A brief as of a date re-bases constant dollars within the SIPRI release of that date:
    its ``base_year`` must be a year that release holds (SIPRI's 2021 release ends in 2020).
    One line naming the key and the years, before any notebook runs; the flagship (no date)
    is checked by the notebook itself, as before."""
    as_of = params.dump.get("as_of")
    if as_of is None or not _has_curated_indicators(paths.data_dir()):
        return
    from analysis.data.load import load_indicators

    ind = load_indicators(["milex_const", "milex_current"], as_of=as_of)
    usa = ind[ind["iso3"] == "USA"]
    both = set(usa.loc[usa["indicator"] == "milex_const", "year"]) & set(
        usa.loc[usa["indicator"] == "milex_current", "year"]
    )
    base = int(params.dump["base_year"])
    if not both or base in both:
        return
    given = [o for o in overrides if str(o).partition("=")[0].strip() == "base_year"]
    origin = f" (from --set {clip(given[-1])})" if given else ""
    raise BriefError(
        f"{params.source}: base_year: got {base}{origin}, expected a year of the SIPRI release "
        f"read as of {as_of} ({min(both)}-{max(both)}); set base_year to {max(both)} or earlier"
    )


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
    if not (root / "data" / "releases.csv").is_file():
        return {}
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
    from analysis.data.load import data_files

    inputs = {k: dump[k] for k in ("measures", "coalition", "benchmark", "composite_weights")}
    inputs |= {k: dump[k] for k in ("milex_prices", "missing")}
    inputs["as_of"] = dump.get("as_of")
    files = {
        k: v
        for k, v in data_files().items()
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
    from analysis.compute import power
    from analysis.data.load import load_indicators
    from analysis.params import BriefParams

    ind = load_indicators(list(power.INDICATORS), as_of=dump.get("as_of"))
    series = power.brief_series(ind, BriefParams.model_validate(dump))
    return {m: int(s.table["year"].max()) for m, s in sorted(series.items()) if not s.table.empty}


def check_horizon(params: LoadedParams, overrides: Sequence[str] = ()) -> None:
    """The horizon must come after the data's last year: a projection to a year the data
    already cover is empty, and the verdicts would read "the central projection is n/a".

    Checked against the curated indicators (``data/datapackage.json`` and the ``indicators``
    table); a project without them (the pipeline's test fixtures) has no data years to check.
    """
    data_dir = paths.data_dir()
    if not _has_curated_indicators(data_dir):
        return
    horizon = int(params.dump["horizon"])
    cache = _years_cache(params.dump)
    last = data_last_years(params.dump, cache)
    if not last or horizon > max(last.values()):
        # remembered only for a brief that passed: a refused one leaves nothing behind
        if not cache.is_file():
            with contextlib.suppress(OSError):  # a cache not written costs the next run a second
                write_text(cache, dump_json(last))
        return
    year = max(last.values())
    measures = ", ".join(m for m, y in last.items() if y == year)
    given = [o for o in overrides if str(o).partition("=")[0].strip() == "horizon"]
    origin = f" (from --set {clip(given[-1])})" if given else ""
    raise BriefError(
        f"{params.source}: horizon: got {horizon}{origin}, expected a year after the data's "
        f"last year {year} ({measures}: observed data end in {year}, so projections start in "
        f"{year + 1}); set horizon to {year + 1} or later"
    )
