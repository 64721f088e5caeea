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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.errors import BriefError, clip
from analysis.files import dump_json, sha256_file, write_text
from analysis.pipeline import keys
from analysis.pipeline.execute import KernelSession, NotebookFailed, Settings, pick_kernel
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
#: files the pipeline itself writes at the top of a brief folder
OWN_FILES = ("manifest.json", "params.json", "results.json")

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


def _snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of the artifacts in a build folder (not notebooks/ or own files)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if not path.is_file() or rel.startswith("notebooks/") or rel in OWN_FILES:
            continue
        out[rel] = sha256_file(path)
    return out


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
                if nb.claim is not None:
                    parameters["run"] = nb.stem
                try:
                    session.run(nb.path, out_nb, parameters, nb.source_nb)
                except NotebookFailed as exc:
                    kept = _save_failed(root, name, nb.stem, exc.executed, reps)
                    progress("failed", name, nb.stem, time.perf_counter() - t0, str(exc))
                    suffix = f"; executed notebook kept at {kept}" if kept else ""
                    raise BriefError(f"brief {name}: {exc}{suffix}") from None
                executed = keys.read_notebook(out_nb)
                scrubbed = scrub_notebook(executed, nb.source_nb.get("metadata", {}), reps)
                write_text(out_nb, notebook_text(scrubbed))
                status = "ran"
            seconds = time.perf_counter() - t0
            if status == "ran":
                progress("ran", name, nb.stem, seconds, "")
            after = _snapshot(tmp)
            artifacts = {k: v for k, v in after.items() if before.get(k) != v}
            if status == "ran":
                _scrub_text_artifacts(tmp, artifacts, reps)
                artifacts = {k: sha256_file(tmp / k) for k in artifacts}
            entries[nb.stem] = {
                "stem": nb.stem,
                "key": nb.key,
                "components": nb.components,
                "parameters": nb.parameters,
                "names": nb.names,
                "reads": nb.reads,
                "data_files": sorted(nb.data),
                "code_files": nb.code_files,
                "artifacts": dict(sorted(artifacts.items())),
                "notebook_sha256": sha256_file(out_nb),
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
    from analysis.runparams import value_words

    results = {
        "brief": {
            "name": params.name,
            "title": params.title,
            "params": params.dump,
            "code_version": plan.code_version,
            "data_version": plan.data_version,
            "words": value_words(),
            **releases_block(params.dump.get("as_of"), plan.root),
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
    params = load_brief_params(path, overrides)
    plan = plan_brief(params, root=root, nb_dir=nb_dir, force=force)
    progress("plan", params.name, "", 0.0, str(len(plan.notebooks)))
    return build(plan, settings=settings, progress=progress)
