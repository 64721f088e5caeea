"""Build one brief: plan (cache keys), execute what changed, merge, swap into place atomically.

Layout of ``_build/`` (all paths relative to the project root):

- ``_build/<brief>/`` the published artifacts: ``notebooks/<stem>.ipynb`` (executed, scrubbed),
  ``charts/``, ``tables/``, ``results/<stem>.json``, ``results.json``, ``params.json``,
  ``manifest.json``;
- ``_build/.tmp-<brief>-XXXX/`` the folder a build writes into, renamed to ``_build/<brief>/``
  only when every notebook succeeded (the previous folder is kept until that rename succeeded);
- ``_build/<brief>.failed/<stem>.ipynb`` the executed notebook of the last failed build, for
  inspection (removed by the next successful build).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.errors import BriefError, clip
from analysis.files import write_text
from analysis.pipeline import keys
from analysis.pipeline.execute import KernelSession, NotebookFailed, Settings, pick_kernel
from analysis.pipeline.scrub import notebook_text, scrub_notebook
from analysis.results import PART_KEYS

MANIFEST_VERSION = 1
RESULT_KEYS = PART_KEYS  # the top-level keys of a notebook's results (analysis.results)
#: files the pipeline itself writes at the top of a brief folder
OWN_FILES = ("manifest.json", "params.json", "results.json")

Progress = Callable[[str, str, str, float, str], None]
"""``progress(event, brief, notebook, seconds, detail)``; events: plan, start, ran, cached,
failed, done."""


def _quiet(*_args: Any) -> None:
    return None


# ---------------------------------------------------------------------------------------------
# Inputs


def notebooks_dir() -> Path:
    """``$BRIEF_NOTEBOOKS_DIR`` when set (tests, experiments), else ``analysis/notebooks/``."""
    env = os.environ.get("BRIEF_NOTEBOOKS_DIR")
    return Path(env).resolve() if env else paths.notebooks_dir()


def list_notebooks(nb_dir: Path) -> list[Path]:
    if not nb_dir.is_dir():
        raise BriefError(f"{nb_dir}: notebook folder not found; expected a folder of *.ipynb")
    found = sorted(p for p in nb_dir.glob("*.ipynb") if not p.name.startswith("."))
    if not found:
        raise BriefError(f"{nb_dir}: no notebooks (*.ipynb) found; expected at least one")
    return found


def data_checksums(root: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every curated data file.

    ``analysis.data.load.data_files()`` when the data part provides it (it also validates), else
    a hash of every file under ``data/``.
    """
    try:
        from analysis.data.load import data_files  # type: ignore[import-not-found]
    except ImportError:
        data_files = None
    data_dir = root / "data"
    if data_files is not None and paths.project_root() == root:
        out = dict(sorted(data_files().items()))
    else:
        out = {}
        if data_dir.is_dir():
            for path in sorted(data_dir.rglob("*")):
                rel = path.relative_to(data_dir)
                if path.is_file() and not any(part.startswith(".") for part in rel.parts):
                    out[rel.as_posix()] = keys.sha256_file(path)
    verify_datapackage(data_dir)
    check_not_empty(data_dir, out)
    return out


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
    try:
        meta = json.loads(package.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BriefError(f"data/datapackage.json: not valid JSON ({exc})") from None
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
    return loaded


def _has_curated_indicators(data_dir: Path) -> bool:
    return (data_dir / "datapackage.json").is_file() and (
        (data_dir / "indicators.csv").is_file() or (data_dir / "indicators").is_dir()
    )


def data_last_years(dump: Mapping[str, Any]) -> dict[str, int]:
    """Measure -> last year with observed data for both the coalition and the benchmark, for
    the brief's measures (what the projections start after), from the curated indicators.

    Loading and validating the indicators takes about a second, so the answer is kept in
    ``_build/.data-years/<key>.json``, keyed by the indicator files' checksums and the
    parameters it depends on: a warm ``brief run`` reads it instead.
    """
    from analysis.compute import power
    from analysis.data.load import data_files, load_indicators

    inputs = {k: dump[k] for k in ("measures", "coalition", "benchmark", "composite_weights")}
    inputs |= {k: dump[k] for k in ("milex_prices", "missing")}
    files = {k: v for k, v in data_files().items() if k.startswith("indicators")}
    key = keys.sha256_text(keys.canonical_json({"inputs": inputs, "files": files}))
    cached = paths.build_dir() / ".data-years" / f"{key}.json"
    try:
        return {str(k): int(v) for k, v in json.loads(cached.read_text("utf-8")).items()}
    except (OSError, ValueError, AttributeError):
        pass
    ind = load_indicators(list(power.INDICATORS))
    series = power.all_measures(
        ind,
        list(dump["measures"]),
        list(dump["coalition"]),
        list(dump["benchmark"]),
        weights=dict(dump["composite_weights"]),
        milex_prices=str(dump["milex_prices"]),
        missing=str(dump["missing"]),
    )
    years = {m: int(s.table["year"].max()) for m, s in sorted(series.items()) if not s.table.empty}
    with contextlib.suppress(OSError):  # a cache not written only costs the next run a second
        write_text(cached, dump_json(years))
    return years


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
    last = data_last_years(params.dump)
    if not last or horizon > max(last.values()):
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


# ---------------------------------------------------------------------------------------------
# Plan


@dataclass
class NotebookPlan:
    path: Path
    stem: str
    source_nb: Any
    parameters: dict[str, Any]
    names: list[str]
    reads: list[str] | None
    data: dict[str, str]
    components: dict[str, str]
    key: str
    previous: dict[str, Any] | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def cached(self) -> bool:
        return not self.reasons


@dataclass
class BriefPlan:
    root: Path
    params: LoadedParams
    code_version: str
    data_files: dict[str, str]
    notebooks: list[NotebookPlan]

    @property
    def target(self) -> Path:
        return self.root / "_build" / self.params.name

    @property
    def data_version(self) -> str:
        return keys.sha256_text(keys.canonical_json(self.data_files))


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The previous build's manifest, or None (absent or unreadable: nothing is reused)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("version") != MANIFEST_VERSION:
        return None
    return manifest


def _artifacts_intact(folder: Path, entry: Mapping[str, Any]) -> bool:
    files = dict(entry.get("artifacts", {}))
    files[f"notebooks/{entry.get('stem', '')}.ipynb"] = entry.get("notebook_sha256", "")
    for rel, sha in files.items():
        path = folder / rel
        if not path.is_file() or keys.sha256_file(path) != sha:
            return False
    return True


def plan_brief(
    params: LoadedParams,
    *,
    root: Path | None = None,
    nb_dir: Path | None = None,
    force: bool = False,
) -> BriefPlan:
    """Compute every notebook's cache key and compare it with the previous build's manifest."""
    root = (root or paths.project_root()).resolve()
    nb_paths = list_notebooks(nb_dir or notebooks_dir())
    code = keys.code_version(paths.PACKAGE_DIR)
    checksums = data_checksums(root)
    target = root / "_build" / params.name
    manifest = read_manifest(target) or {}
    previous = manifest.get("notebooks", {})
    plans = []
    for path in nb_paths:
        nb = keys.read_notebook(path)
        nb_hash = keys.notebook_hash(nb)
        old = previous.get(path.stem)
        if old and old.get("components", {}).get("notebook") == nb_hash and old.get("names"):
            names = list(old["names"])  # same source: papermill's inspection would agree
        else:
            names = keys.parameter_names(path, nb)
        received = keys.select_parameters(names, params.flat)
        reads = keys.notebook_reads(path.name, nb)
        data = keys.select_data(path.name, checksums, reads)
        components = keys.component_hashes(
            nb_hash, received, data, keys.notebook_code(paths.PACKAGE_DIR, nb)
        )
        plan = NotebookPlan(
            path=path,
            stem=path.stem,
            source_nb=nb,
            parameters=received,
            names=names,
            reads=reads,
            data=data,
            components=components,
            key=keys.cache_key(components),
            previous=old,
        )
        if force:
            plan.reasons = ["forced (--force)"]
        elif old is None:
            plan.reasons = ["no previous build"]
        else:
            changed = keys.changed_components(old.get("components"), components)
            if changed:
                plan.reasons = [f"{c} changed" for c in changed]
            elif not _artifacts_intact(target, old):
                plan.reasons = ["previous artifacts missing or modified"]
        needs = keys.notebook_needs(path.name, nb, [p.stem for p in plans])
        rerun = [p.stem for p in plans if p.stem in needs and not p.cached]
        if not plan.reasons and rerun:
            plan.reasons = [f"upstream {', '.join(rerun)} re-runs (metadata.brief.needs)"]
        plans.append(plan)
    return BriefPlan(root, params, code, checksums, plans)


def explain(plan: BriefPlan) -> str:
    """Per notebook: cached or what invalidated it, then the key and its components."""
    lines = [f"brief {plan.params.name} ({plan.params.source}) -> _build/{plan.params.name}/"]
    for nb in plan.notebooks:
        verdict = "cached" if nb.cached else "will run: " + ", ".join(nb.reasons)
        lines.append(f"  {nb.stem}: {verdict}")
        lines.append(f"    key {nb.key[:16]}")
        old = (nb.previous or {}).get("components", {})
        for comp in keys.COMPONENTS:
            mark = "" if old.get(comp) == nb.components[comp] else "  (changed)"
            if not old:
                mark = ""
            detail = ""
            if comp == "parameters":
                detail = " " + keys.canonical_json(nb.parameters)
            elif comp == "data":
                reads = "all files" if nb.reads is None else ", ".join(nb.reads)
                detail = f" [{reads}: {len(nb.data)} files]"
            lines.append(f"    {comp:<10} {nb.components[comp][:16]}{mark}{detail}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Build


@dataclass
class NotebookRun:
    stem: str
    status: str  # "ran" | "cached"
    seconds: float
    reasons: list[str]


@dataclass
class BuildResult:
    name: str
    path: Path
    runs: list[NotebookRun]
    seconds: float

    @property
    def ran(self) -> int:
        return sum(r.status == "ran" for r in self.runs)

    @property
    def cached(self) -> int:
        return sum(r.status == "cached" for r in self.runs)


def _snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of the artifacts in a build folder (not notebooks/ or own files)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if not path.is_file() or rel.startswith("notebooks/") or rel in OWN_FILES:
            continue
        out[rel] = keys.sha256_file(path)
    return out


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def dump_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def merge_results(folder: Path, stems: Sequence[str]) -> dict[str, Any]:
    """Merge ``results/<stem>.json`` in notebook order (a key given twice differently: error)."""
    merged: dict[str, dict[str, Any]] = {k: {} for k in RESULT_KEYS}
    origin: dict[tuple[str, str], str] = {}
    for stem in stems:
        path = folder / "results" / f"{stem}.json"
        if not path.exists():
            continue
        try:
            part = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise BriefError(f"results/{stem}.json: not valid JSON ({exc})") from None
        if not isinstance(part, dict):
            raise BriefError(f"results/{stem}.json: expected an object, got {type(part).__name__}")
        for top, value in part.items():
            if top not in RESULT_KEYS:
                raise BriefError(
                    f"results/{stem}.json: unknown top-level key {top!r}; expected any of "
                    f"{', '.join(RESULT_KEYS)}"
                )
            if not isinstance(value, dict):
                raise BriefError(f"results/{stem}.json: {top!r} is not an object")
            for k, v in value.items():
                if k in merged[top] and merged[top][k] != v:
                    raise BriefError(
                        f"results/{stem}.json: {top}.{k} differs from the value written by "
                        f"{origin[(top, k)]}; expected each key from one notebook"
                    )
                merged[top][k] = v
                origin[(top, k)] = stem
    return merged


def _replacements(root: Path, tmp: Path, name: str) -> list[tuple[str, str]]:
    published = f"_build/{name}"
    rel_tmp = tmp.relative_to(root).as_posix()
    reps = [
        (str(tmp), published),
        (rel_tmp, published),
        (str(root), "."),
        (str(Path.home()), "~"),
    ]
    real = Path(os.path.realpath(root))
    if str(real) != str(root):
        reps.append((str(real), "."))
        reps.append((os.path.realpath(tmp), published))
    import sys

    reps.append((sys.prefix, "<env>"))
    reps.append((sys.base_prefix, "<python>"))
    return reps


# ---------------------------------------------------------------------------------------------
# Temporary folders: each owned by a live process, stale ones removed by the next build

LOCK_SUFFIX = ".lock"
_LIVE: set[str] = set()  # this process's temporary folders (never stale to itself)


class TmpFolder:
    """``_build/.tmp-<brief>-XXXX/`` plus its lock file ``_build/.tmp-<brief>-XXXX.lock``, held
    (``flock``) for as long as this process builds into the folder. The lock is made and held
    before the folder exists, so a folder whose lock file is missing or free belongs to a
    process that is gone (killed: SIGKILL, power loss) and any later build may remove it."""

    def __init__(self, build_dir: Path, prefix: str):
        for _ in range(100):
            fd, lock = tempfile.mkstemp(prefix=prefix, suffix=LOCK_SUFFIX, dir=build_dir)
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:  # a cleaner may have removed the lock file before we locked it: take another
                same = os.stat(lock).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            path = Path(lock[: -len(LOCK_SUFFIX)])
            if same:
                try:
                    path.mkdir()
                except FileExistsError:
                    same = False
                    Path(lock).unlink(missing_ok=True)
            if same:
                os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
                self.path, self.lock, self._fd = path, Path(lock), fd
                _LIVE.add(str(path))
                return
            os.close(fd)
        raise OSError(f"cannot create a temporary folder in {build_dir}")  # pragma: no cover

    def release(self) -> None:
        """Remove the lock file and let it go (the folder itself is renamed or removed first)."""
        if self._fd < 0:
            return
        _LIVE.discard(str(self.path))
        self.lock.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = -1

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self.release()


def _take_if_free(lock: Path) -> int | None:
    """An fd holding ``lock`` if no live process holds it (None if one does, or it vanished)."""
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.stat(lock).st_ino == os.fstat(fd).st_ino:
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def remove_stale(build_dir: Path) -> list[str]:
    """Remove what killed builds left in ``_build/``; returns the names removed.

    - ``.tmp-*`` folders whose lock file is free or missing (their process is gone), and lock
      files left without a folder; a folder whose lock is held (a build running, here or in
      another process) is not touched;
    - ``.old-*`` folders of a swap killed half-way, under the same lock as the swap: the
      previous build they hold is put back where it was if nothing replaced it, else removed.
    """
    removed: list[str] = []
    if not build_dir.is_dir():
        return removed
    for entry in sorted(build_dir.glob(".tmp-*")):
        if entry.name.endswith(LOCK_SUFFIX) or str(entry) in _LIVE or entry.is_symlink():
            continue
        if not entry.is_dir():
            continue
        lock = entry.with_name(entry.name + LOCK_SUFFIX)
        fd = _take_if_free(lock) if lock.exists() else -1
        if fd is None:
            continue  # a running build
        try:
            shutil.rmtree(entry, ignore_errors=True)
            lock.unlink(missing_ok=True)
            removed.append(entry.name)
        finally:
            if fd >= 0:
                os.close(fd)
    for lock in sorted(build_dir.glob(f".tmp-*{LOCK_SUFFIX}")):
        folder = lock.with_name(lock.name[: -len(LOCK_SUFFIX)])
        if folder.exists() or str(folder) in _LIVE:
            continue
        fd = _take_if_free(lock)
        if fd is not None:
            lock.unlink(missing_ok=True)
            os.close(fd)
            removed.append(lock.name)
    olds = sorted(p for p in build_dir.glob(".old-*") if p.is_dir() and not p.is_symlink())
    if olds:
        with _locked(build_dir):
            for old in olds:
                if not old.exists():
                    continue
                for child in sorted(old.iterdir()):
                    target = build_dir / child.name
                    if not target.exists() and not target.is_symlink():
                        os.replace(child, target)  # the swap was killed between its renames
                shutil.rmtree(old, ignore_errors=True)
                removed.append(old.name)
    return removed


class _locked:
    """An exclusive ``flock`` on a folder for the ``with`` block (swaps, cleaning)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self) -> None:
        self.fd = os.open(self.folder, os.O_RDONLY)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)  # releases the lock


def swap_into_place(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` to ``target``; the previous ``target`` is kept until that rename succeeded.

    The swap holds an exclusive lock on the parent folder, so two processes finishing the same
    brief at once swap one after the other (the last one wins) instead of failing half-way.
    """
    with _locked(target.parent):
        _swap(tmp, target)


def _swap(tmp: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".old-{target.name}-", dir=target.parent))
        os.replace(target, old / target.name)
    try:
        os.replace(tmp, target)
    except OSError:
        if old is not None:
            os.replace(old / target.name, target)
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _save_failed(root: Path, name: str, stem: str, executed: Path | None, reps) -> str | None:
    """Keep the failed executed notebook at ``_build/<brief>.failed/<stem>.ipynb``."""
    if executed is None or not executed.exists():
        return None
    build = root / "_build"
    try:
        tmp = TmpFolder(build, f".tmp-{name}.failed-")
    except OSError:
        return None
    try:
        import nbformat

        nb = nbformat.read(executed, as_version=4)
        _write_text(tmp.path / f"{stem}.ipynb", notebook_text(scrub_notebook(nb, None, reps)))
        swap_into_place(tmp.path, build / f"{name}.failed")
    except Exception:
        tmp.discard()
        return None
    tmp.release()
    return f"_build/{name}.failed/{stem}.ipynb"


def build(
    plan: BriefPlan,
    *,
    settings: Settings | None = None,
    progress: Progress = _quiet,
) -> BuildResult:
    """Execute the plan into a temporary folder and swap it into ``_build/<brief>/``."""
    settings = settings or Settings.from_env()
    started = time.perf_counter()
    root, name = plan.root, plan.params.name
    build_dir = root / "_build"
    holder = _open_build_dir(build_dir, name)
    tmp = holder.path
    target = plan.target
    session: KernelSession | None = None  # one kernel for every notebook that runs
    reps = _replacements(root, tmp, name)
    runs: list[NotebookRun] = []
    entries: dict[str, Any] = {}
    try:
        for nb in plan.notebooks:
            before = _snapshot(tmp)
            t0 = time.perf_counter()
            out_nb = tmp / "notebooks" / f"{nb.stem}.ipynb"
            out_nb.parent.mkdir(parents=True, exist_ok=True)
            if nb.cached and _reuse(nb, target, tmp):
                status = "cached"
                progress("cached", name, nb.stem, 0.0, "")
            else:
                if session is None:
                    session = KernelSession(settings, pick_kernel(settings.kernel), root)
                progress("start", name, nb.stem, 0.0, ", ".join(nb.reasons))
                parameters = {**nb.parameters, "artifacts_dir": tmp.relative_to(root).as_posix()}
                try:
                    session.run(nb.path, out_nb, parameters, nb.source_nb)
                except NotebookFailed as exc:
                    kept = _save_failed(root, name, nb.stem, exc.executed, reps)
                    progress("failed", name, nb.stem, time.perf_counter() - t0, str(exc))
                    suffix = f"; executed notebook kept at {kept}" if kept else ""
                    raise BriefError(f"brief {name}: {exc}{suffix}") from None
                executed = keys.read_notebook(out_nb)
                scrubbed = scrub_notebook(executed, nb.source_nb.get("metadata", {}), reps)
                _write_text(out_nb, notebook_text(scrubbed))
                status = "ran"
            seconds = time.perf_counter() - t0
            if status == "ran":
                progress("ran", name, nb.stem, seconds, "")
            after = _snapshot(tmp)
            artifacts = {k: v for k, v in after.items() if before.get(k) != v}
            if status == "ran":
                _scrub_text_artifacts(tmp, artifacts, reps)
                artifacts = {k: keys.sha256_file(tmp / k) for k in artifacts}
            entries[nb.stem] = {
                "stem": nb.stem,
                "key": nb.key,
                "components": nb.components,
                "parameters": nb.parameters,
                "names": nb.names,
                "reads": nb.reads,
                "data_files": sorted(nb.data),
                "artifacts": dict(sorted(artifacts.items())),
                "notebook_sha256": keys.sha256_file(out_nb),
            }
            runs.append(NotebookRun(nb.stem, status, seconds, nb.reasons))
        _write_outputs(plan, tmp, entries)
        swap_into_place(tmp, target)
    except OSError as exc:  # disk full, a file where a folder should be, ...: nothing published
        _abandon(session, holder)
        session = None
        raise BriefError(
            f"brief {name}: cannot write {_shown_path(exc, root, tmp, name)} "
            f"({exc.strerror or type(exc).__name__}); "
            f"_build/{name}/ is unchanged; expected a writable _build/ folder with free space"
        ) from None
    except BaseException:  # a notebook failed, Ctrl-C, ...: the temporary folder goes
        _abandon(session, holder)
        session = None
        raise
    finally:
        if session is not None:
            session.close()
    holder.release()
    shutil.rmtree(build_dir / f"{name}.failed", ignore_errors=True)
    total = time.perf_counter() - started
    progress("done", name, "", total, "")
    return BuildResult(name, target, runs, total)


def _abandon(session: KernelSession | None, holder: TmpFolder) -> None:
    """A failed or interrupted build: stop its kernel first (so nothing more is written into
    the temporary folder), then remove the folder. An error while stopping the kernel must not
    hide the one that ended the build."""
    try:
        if session is not None:
            with contextlib.suppress(Exception):
                session.close()
    finally:
        holder.discard()


def _open_build_dir(build_dir: Path, name: str) -> TmpFolder:
    """Make ``_build/`` if needed, remove what killed builds left there, and make this build's
    temporary folder; a ``_build`` that cannot be written is one BriefError."""
    if build_dir.is_symlink() and not build_dir.exists():
        raise BriefError(
            "_build: a broken symbolic link; expected a folder the build can write into "
            "(remove the link or point it at a folder)"
        )
    if build_dir.exists() and not build_dir.is_dir():
        raise BriefError(
            "_build: is a file, not a folder; expected a folder the build can write into "
            "(move the file away)"
        )
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        remove_stale(build_dir)
        return TmpFolder(build_dir, f".tmp-{name}-")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise BriefError(
            f"_build: cannot write the build folder ({reason}); expected a folder the build "
            "can write into"
        ) from None


def _shown_path(exc: OSError, root: Path, tmp: Path, brief: str) -> str:
    """The file an OSError is about: inside the temporary folder as the file of the new build,
    else relative to the project root when inside it."""
    if not exc.filename:
        return f"the new _build/{brief}/"
    path = Path(os.path.abspath(exc.filename))
    for base, shown in ((tmp, f"_build/{brief}/ (new)"), (root, "")):
        try:
            rel = path.relative_to(os.path.abspath(base)).as_posix()
        except ValueError:
            continue
        return f"{rel} of {shown}" if shown else rel
    return clip(str(exc.filename))


def _reuse(nb: NotebookPlan, target: Path, tmp: Path) -> bool:
    """Copy a cached notebook's executed copy and artifacts; False (so it re-runs) if they
    vanished meanwhile (e.g. another process replaced the folder)."""
    assert nb.previous is not None
    try:
        for rel in [f"notebooks/{nb.stem}.ipynb", *nb.previous["artifacts"]]:
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target / rel, tmp / rel)
    except OSError:
        nb.reasons = ["previous artifacts unreadable"]
        return False
    return True


_TEXT_SUFFIXES = (".json", ".csv", ".svg", ".txt", ".md", ".html")


def _scrub_text_artifacts(folder: Path, artifacts: Mapping[str, str], reps) -> None:
    """Artifacts must not carry the temporary folder, the project root or the home folder."""
    for rel in artifacts:
        path = folder / rel
        if not rel.endswith(_TEXT_SUFFIXES):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        new = text
        for old, repl in sorted(reps, key=lambda r: len(r[0]), reverse=True):
            if old:
                new = new.replace(old, repl)
        if new != text:
            path.write_text(new, encoding="utf-8", newline="")


def _write_outputs(plan: BriefPlan, tmp: Path, entries: dict[str, Any]) -> None:
    params = plan.params
    merged = merge_results(tmp, [nb.stem for nb in plan.notebooks])
    results = {
        "brief": {
            "name": params.name,
            "title": params.title,
            "params": params.dump,
            "code_version": plan.code_version,
            "data_version": plan.data_version,
        },
        **merged,
    }
    manifest = {
        "version": MANIFEST_VERSION,
        "brief": params.name,
        "code_version": plan.code_version,
        "data_version": plan.data_version,
        "data_files": plan.data_files,
        "notebooks": entries,
    }
    _write_text(tmp / "results.json", dump_json(results))
    _write_text(tmp / "params.json", dump_json(params.dump))
    _write_text(tmp / "manifest.json", dump_json(manifest))


# ---------------------------------------------------------------------------------------------
# Public API


def default_params_path(root: Path | None = None) -> Path:
    """``$BRIEF_PARAMS``, else ``params/<QUARTO_PROFILE>.yml`` if it exists, else default.yml."""
    root = root or paths.project_root()
    env = os.environ.get("BRIEF_PARAMS")
    if env:
        path = Path(env)
        return path if path.is_absolute() else root / path
    profile = os.environ.get("QUARTO_PROFILE", "").split(",")[0].strip()
    if profile:
        candidate = root / "params" / f"{profile}.yml"
        if candidate.is_file():
            return candidate
    return root / "params" / "default.yml"


def run_brief(
    params_path: str | Path | None = None,
    overrides: Sequence[str] = (),
    *,
    force: bool = False,
    progress: Progress = _quiet,
    settings: Settings | None = None,
) -> Path:
    """Compute a brief into ``_build/<brief>/`` (contract API); returns that folder."""
    return build_brief(
        params_path, overrides, force=force, progress=progress, settings=settings
    ).path


def build_brief(
    params_path: str | Path | None = None,
    overrides: Sequence[str] = (),
    *,
    force: bool = False,
    progress: Progress = _quiet,
    settings: Settings | None = None,
    nb_dir: Path | None = None,
) -> BuildResult:
    root = paths.project_root()
    path = Path(params_path) if params_path is not None else default_params_path(root)
    params = load_brief_params(path, overrides)
    plan = plan_brief(params, root=root, nb_dir=nb_dir, force=force)
    progress("plan", params.name, "", 0.0, str(len(plan.notebooks)))
    return build(plan, settings=settings, progress=progress)
