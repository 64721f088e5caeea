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
import os
import shutil
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.errors import BriefError, clip
from analysis.files import dump_json, hash_tree, sha256_file, write_text
from analysis.pipeline import keys
from analysis.pipeline.execute import NotebookFailed, Settings
from analysis.pipeline.inputs import (  # noqa: F401 (the build's public names)
    LoadedParams,
    check_horizon,
    data_checksums,
    data_last_years,
    files_read,
    load_brief_params,
    read_json,
    releases_block,
)
from analysis.pipeline.lanes import (
    Lanes,
    early_lanes,
    lane_count,
    new_lanes,
    pick,
    run_dir,
    seed,
    upstream,
)
from analysis.pipeline.plan import (  # noqa: F401 (the build's public names)
    MANIFEST_VERSION,
    BriefPlan,
    NotebookPlan,
    explain,
    list_notebooks,
    notebooks_dir,
    plan_brief,
    read_manifest,
)
from analysis.pipeline.scrub import notebook_text, scrub_notebook
from analysis.pipeline.workspace import LOCK_SUFFIX, TmpFolder, remove_stale, swap_into_place  # noqa: F401
from analysis.results import PART_KEYS

RESULT_KEYS = PART_KEYS  # the top-level keys of a notebook's results (analysis.results)

Progress = Callable[[str, str, str, float, str], None]
"""``progress(event, brief, notebook, seconds, detail)``; events: plan, start, ran, cached,
failed, done."""


def _quiet(*_args: Any) -> None:
    return None


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass
class NotebookRun:
    stem: str
    status: str  # "ran" | "cached"
    seconds: float
    reasons: list[str]


class RunCounts:
    """How many of a brief's notebooks ran and how many were taken from the cache."""

    runs: list[NotebookRun]

    @property
    def ran(self) -> int:
        return sum(r.status == "ran" for r in self.runs)

    @property
    def cached(self) -> int:
        return sum(r.status == "cached" for r in self.runs)


@dataclass
class BuildResult(RunCounts):
    name: str
    path: Path
    runs: list[NotebookRun]
    seconds: float


def merge_results(folder: Path, stems: Sequence[str]) -> dict[str, Any]:
    """Merge ``results/<stem>.json`` in notebook order (a key given twice differently: error)."""
    merged: dict[str, dict[str, Any]] = {k: {} for k in RESULT_KEYS}
    origin: dict[tuple[str, str], str] = {}
    for stem in stems:
        path = folder / "results" / f"{stem}.json"
        if not path.exists():
            continue
        part = read_json(path, f"results/{stem}.json")
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
        write_text(tmp.path / f"{stem}.ipynb", notebook_text(scrub_notebook(nb, None, reps)))
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
    lanes: Lanes | None = None,
) -> BuildResult:
    """Execute the plan into a temporary folder and swap it into ``_build/<brief>/``.

    Runs that must execute go to up to ``settings.kernels`` kernels side by side
    (:mod:`analysis.pipeline.lanes`; ``lanes``, when given, are kernels already starting, which
    the build shuts down); each run writes into a folder of its own, and their artifacts are
    linked into the build in plan order, so the build is the same whatever order they end in.
    """
    settings = settings or Settings.from_env()
    started = time.perf_counter()
    root, name = plan.root, plan.params.name
    build_dir = root / "_build"
    try:
        holder = _open_build_dir(build_dir, name)
    except BaseException:
        if lanes is not None:
            lanes.abort()
        raise
    tmp = holder.path
    target = plan.target
    reps = _replacements(root, tmp, name)
    try:
        (tmp / "notebooks").mkdir(parents=True, exist_ok=True)
        needs = _needs(plan)
        reused = {nb.stem for nb in plan.notebooks if nb.cached and _reuse(nb, target, tmp)}
        to_run = [nb for nb in plan.notebooks if nb.stem not in reused]
        if to_run:
            sources = {nb.path: nb.source_nb for nb in plan.notebooks}  # parsed by the plan
            lanes = lanes or new_lanes(settings, root, sources.values())
            lanes.count = lane_count(settings.kernels, len(to_run))
        done: dict[str, tuple[dict[str, str], NotebookRun]] = {}
        for nb in plan.notebooks:
            if nb.stem in reused:
                progress("cached", name, nb.stem, 0.0, "")
                run = NotebookRun(nb.stem, "cached", 0.0, nb.reasons)
                done[nb.stem] = (dict(nb.previous["artifacts"]), run)  # the plan checked them
        entries: dict[str, Any] = {}
        runs: list[NotebookRun] = []
        merged = 0  # plan.notebooks[:merged] are copied into the build folder
        running: dict[Future[None], tuple[NotebookPlan, float, dict[str, str]]] = {}
        owners: dict[str, object] = {}  # a claim's runs go to the kernel that ran one of them
        releases: dict[str, Any] | None = None
        while merged < len(plan.notebooks):
            while merged < len(plan.notebooks) and plan.notebooks[merged].stem in done:
                nb = plan.notebooks[merged]
                artifacts, run = done.pop(nb.stem)
                _merge(tmp, run_dir(tmp, nb.stem), artifacts)
                entries[nb.stem] = _entry(nb, artifacts, tmp)
                runs.append(run)
                merged += 1
            if merged == len(plan.notebooks):
                break
            assert lanes is not None  # something is left to run
            copied = {nb.stem for nb in plan.notebooks[:merged]}
            while ready := [nb for nb in to_run if set(needs[nb.stem]) <= copied]:
                session = lanes.free()
                if session is None:
                    break
                nb = pick(ready, session, owners)
                to_run.remove(nb)
                before = _start_run(nb, tmp, needs, entries)
                progress("start", name, nb.stem, 0.0, ", ".join(nb.reasons))
                future = lanes.submit(session, *_run_args(nb, tmp, root))
                running[future] = (nb, time.perf_counter(), before)
            if not running:  # a bug, not the user's: every run left waits for another
                raise RuntimeError(f"brief {name}: no notebook run can start: {to_run}")
            if not to_run:  # every run started: a kernel with none left goes now
                lanes.retire_idle()
            if releases is None:  # while the kernels start: not after the last run ends
                releases = releases_block(plan.params.dump.get("as_of"), plan.root)
            finished = lanes.wait()  # Ctrl-C here: _abandon stops every kernel
            for future in sorted(finished, key=lambda f: plan.notebooks.index(running[f][0])):
                nb, t0, before = running.pop(future)
                try:
                    future.result()
                except NotebookFailed as exc:  # _abandon stops the other kernels
                    raise _failed(exc, nb, tmp, root, name, reps, t0, progress) from None
                artifacts = _finish_run(nb, tmp, before, root, name, reps)
                seconds = time.perf_counter() - t0
                progress("ran", name, nb.stem, seconds, "")
                done[nb.stem] = (artifacts, NotebookRun(nb.stem, "ran", seconds, nb.reasons))
        for nb in plan.notebooks:
            shutil.rmtree(run_dir(tmp, nb.stem), ignore_errors=True)
        _write_outputs(plan, tmp, entries, releases)
        swap_into_place(tmp, target)
    except OSError as exc:  # disk full, a file where a folder should be, ...: nothing published
        _abandon(lanes, holder)
        lanes = None
        raise BriefError(
            f"brief {name}: cannot write {_shown_path(exc, root, tmp, name)} "
            f"({exc.strerror or type(exc).__name__}); "
            f"_build/{name}/ is unchanged; expected a writable _build/ folder with free space"
        ) from None
    except BaseException:  # a notebook failed, Ctrl-C, ...: the temporary folder goes
        _abandon(lanes, holder)
        lanes = None
        raise
    finally:
        if lanes is not None:
            lanes.close()
    holder.release()
    shutil.rmtree(build_dir / f"{name}.failed", ignore_errors=True)
    total = time.perf_counter() - started
    progress("done", name, "", total, "")
    return BuildResult(name, target, runs, total)


def _run_args(nb: NotebookPlan, tmp: Path, root: Path) -> tuple[Path, Path, dict, Any]:
    """What a kernel session runs: the notebook, where its executed copy goes, the parameters
    (the run's own folder as ``artifacts_dir``; a claim's run, its name) and its source."""
    parameters = {
        **nb.parameters,
        "artifacts_dir": run_dir(tmp, nb.stem).relative_to(root).as_posix(),
    }
    if nb.claim is not None:
        parameters["run"] = nb.stem
    return nb.path, tmp / "notebooks" / f"{nb.stem}.ipynb", parameters, nb.source_nb


def _failed(
    exc: NotebookFailed,
    nb: NotebookPlan,
    tmp: Path,
    root: Path,
    name: str,
    reps,
    t0: float,
    progress: Progress,
) -> BriefError:
    """A run failed: its executed notebook kept (scrubbed) for inspection; the one error."""
    kept = _save_failed(root, name, nb.stem, exc.executed, _run_reps(root, tmp, nb, name, reps))
    progress("failed", name, nb.stem, time.perf_counter() - t0, str(exc))
    suffix = f"; executed notebook kept at {kept}" if kept else ""
    return BriefError(f"brief {name}: {exc}{suffix}")


def _run_reps(root: Path, tmp: Path, nb: NotebookPlan, name: str, reps) -> list[tuple[str, str]]:
    """The build's replacements and the run's own folder's (also ``_build/<brief>``: a run's
    files and notebook name the published folder, not the folder it wrote in)."""
    return [*_replacements(root, run_dir(tmp, nb.stem), name), *reps]


def _needs(plan: BriefPlan) -> dict[str, list[str]]:
    """Each run's ``metadata.brief.needs`` (checked when planned), in plan order."""
    out: dict[str, list[str]] = {}
    for nb in plan.notebooks:
        out[nb.stem] = keys.notebook_needs(nb.path.name, nb.source_nb, list(out))
    return out


def _start_run(
    nb: NotebookPlan, tmp: Path, needs: Mapping[str, list[str]], entries: Mapping[str, Any]
) -> dict[str, str]:
    """Make the run's folder, holding copies of the artifacts of the runs it needs (from their
    own folders: what another run wrote over them does not reach it); return its files."""
    folder = run_dir(tmp, nb.stem)
    folder.mkdir()
    seed(
        folder,
        [
            (run_dir(tmp, stem), rel)
            for stem in upstream(nb.stem, needs)
            for rel in entries[stem]["artifacts"]
        ],
    )
    return hash_tree(folder, hidden=True)


def _finish_run(
    nb: NotebookPlan, tmp: Path, before: Mapping[str, str], root: Path, name: str, reps
) -> dict[str, str]:
    """Scrub the executed notebook and the run's new or changed files; return those files
    (relative path -> SHA-256)."""
    folder = run_dir(tmp, nb.stem)
    reps = _run_reps(root, tmp, nb, name, reps)
    out_nb = tmp / "notebooks" / f"{nb.stem}.ipynb"
    executed = keys.read_notebook(out_nb)
    scrubbed = scrub_notebook(executed, nb.source_nb.get("metadata", {}), reps)
    write_text(out_nb, notebook_text(scrubbed))
    after = hash_tree(folder, hidden=True)
    changed = [rel for rel, sha in after.items() if before.get(rel) != sha]
    _scrub_text_artifacts(folder, changed, reps)
    return {rel: sha256_file(folder / rel) for rel in changed}


def _merge(tmp: Path, folder: Path, artifacts: Mapping[str, str]) -> None:
    """Link a finished run's artifacts from its folder into the build folder."""
    seed(tmp, [(folder, rel) for rel in artifacts], link=True)


def _entry(nb: NotebookPlan, artifacts: Mapping[str, str], tmp: Path) -> dict[str, Any]:
    """The run's manifest entry (a reused run's notebook checksum is the previous build's,
    which the plan checked)."""
    if nb.cached and nb.previous is not None:
        notebook_sha = nb.previous["notebook_sha256"]
    else:
        notebook_sha = sha256_file(tmp / "notebooks" / f"{nb.stem}.ipynb")
    return {
        "stem": nb.stem,
        "key": nb.key,
        "components": nb.components,
        "parameters": nb.parameters,
        "names": nb.names,
        "reads": nb.reads,
        "data_files": sorted(nb.data),
        "code_files": nb.code_files,
        "artifacts": dict(sorted(artifacts.items())),
        "notebook_sha256": notebook_sha,
    }


def _abandon(lanes: Lanes | None, holder: TmpFolder) -> None:
    """A failed or interrupted build: stop its kernels first (so nothing more is written into
    the temporary folder), then remove the folder. An error while stopping a kernel must not
    hide the one that ended the build."""
    try:
        if lanes is not None:
            with contextlib.suppress(Exception):
                lanes.abort()
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
    """Copy a cached run's executed notebook into the build folder and its artifacts into the
    run's folder; False (so it re-runs) if they vanished meanwhile (e.g. another process
    replaced the folder)."""
    assert nb.previous is not None
    notebook = f"notebooks/{nb.stem}.ipynb"
    try:
        seed(tmp, [(target, notebook)], link=True)
        artifacts = [(target, rel) for rel in nb.previous["artifacts"]]
        seed(run_dir(tmp, nb.stem), artifacts, link=True)
    except OSError:
        shutil.rmtree(run_dir(tmp, nb.stem), ignore_errors=True)
        nb.reasons = ["previous artifacts unreadable"]
        return False
    return True


_TEXT_SUFFIXES = (".json", ".csv", ".svg", ".txt", ".md", ".html")


def _scrub_text_artifacts(folder: Path, artifacts: Iterable[str], reps) -> None:
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


def _write_outputs(
    plan: BriefPlan, tmp: Path, entries: dict[str, Any], releases: dict[str, Any] | None
) -> None:
    """``results.json`` (the runs' results merged, with the brief's parameters, versions and
    ``releases``: :func:`releases_block`, computed now when no run was waited for),
    ``params.json`` and ``manifest.json``."""
    params = plan.params
    if releases is None:
        releases = releases_block(params.dump.get("as_of"), plan.root)
    merged = merge_results(tmp, [nb.stem for nb in plan.notebooks])
    from analysis.runparams import value_words

    results = {
        "brief": {
            "name": params.name,
            "title": params.title,
            "params": params.dump,
            "code_version": plan.code_version,
            "data_version": plan.data_version,
            "words": value_words(),
            **releases,
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
    write_text(tmp / "results.json", dump_json(results))
    write_text(tmp / "params.json", dump_json(params.dump))
    write_text(tmp / "manifest.json", dump_json(manifest))


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
    params_path: str | Path | None = None, overrides: Sequence[str] = (), **options: Any
) -> Path:
    """Compute a brief into ``_build/<brief>/`` (contract API); returns that folder.

    ``options`` are :func:`build_brief`'s (``force``, ``progress``, ``settings``, ``nb_dir``)."""
    return build_brief(params_path, overrides, **options).path


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
    settings = settings or Settings.from_env()
    lanes = early_lanes(settings, root, path, overrides, force, nb_dir)
    try:
        params = load_brief_params(path, overrides)
        plan = plan_brief(params, root=root, nb_dir=nb_dir, force=force)
    except BaseException:
        if lanes is not None:
            lanes.abort()
        raise
    progress("plan", params.name, "", 0.0, str(len(plan.notebooks)))
    return build(plan, settings=settings, progress=progress, lanes=lanes)
