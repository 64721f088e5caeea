"""Plan one brief's build: every notebook run, its cache key, and whether it can be reused.

A notebook runs once, or once per claim (``metadata.brief.per``): ``claim.ipynb`` as
``claim-c1``, ``claim-c2`` …, ``multiverse.ipynb`` for each claim with choices. Each run's key
hashes four components (:mod:`analysis.pipeline.keys`): the notebook, the parameters it
receives (a claim's run: what the claim declares, :mod:`analysis.runparams`), the data it reads
and the code it imports (a claim's run: that claim's module, none of the others). A run whose
key and artifacts match the previous build's manifest is reused.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.errors import BriefError
from analysis.files import canonical_json, sha256_text
from analysis.pipeline import filehash, keys
from analysis.pipeline.inputs import LoadedParams, data_checksums, files_read

MANIFEST_VERSION = 1


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


# ---------------------------------------------------------------------------------------------
# Plan


@dataclass
class NotebookPlan:
    """One run of a notebook: the notebook itself, or one claim's run of a per-claim notebook
    (``claim-c8`` of ``claim.ipynb``)."""

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
    claim: str | None = None
    code_files: dict[str, str] = field(default_factory=dict)  # path -> SHA-256 (manifest)

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
        return sha256_text(canonical_json(self.data_files))


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
        if not path.is_file() or filehash.sha256(path) != sha:
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
    filehash.load()  # the file hashes a previous process kept
    index = keys.CodeIndex(paths.PACKAGE_DIR)  # this plan's view of the library's code
    code = keys.code_version(paths.PACKAGE_DIR, index)
    checksums = data_checksums(root)
    target = root / "_build" / params.name
    manifest = read_manifest(target) or {}
    previous = manifest.get("notebooks", {})
    asks = _Registry(code, params.flat)
    dated = _Dated(code, checksums, params.flat.get("as_of"))

    plans: list[NotebookPlan] = []
    for path in nb_paths:
        nb = keys.read_notebook(path)
        nb_hash = keys.notebook_hash(nb)
        per = keys.notebook_per(path.name, nb)
        runs = [(path.stem, None)] if per is None else [
            (f"{path.stem}-{cid.lower()}", cid) for cid in asks.claim_runs(per)
        ]  # fmt: skip
        for stem, cid in runs:
            old = previous.get(stem)
            if cid is not None:
                extra = keys.notebook_params(path.name, nb)
                received = asks.run_parameters(cid, extra)
                names = sorted([*received, "run"])
                reads: list[str] | None = asks.claim_reads(cid)
            else:
                same = old and old.get("components", {}).get("notebook") == nb_hash
                if same and old.get("names"):
                    names = list(old["names"])  # same source: papermill's inspection would agree
                else:
                    names = keys.parameter_names(path, nb)
                received = keys.select_parameters(names, params.flat)
                reads = keys.notebook_reads(path.name, nb)
            data = keys.select_data(path.name, checksums, reads)
            if "as_of" in received:  # the files of the releases it reads as of that date
                data = dated.files_read(data)
            components = keys.component_hashes(
                nb_hash, received, data, keys.notebook_code(paths.PACKAGE_DIR, nb, cid, index)
            )
            plan = NotebookPlan(
                path=path,
                stem=stem,
                source_nb=nb,
                parameters=received,
                names=names,
                reads=reads,
                data=data,
                components=components,
                key=keys.cache_key(components),
                previous=old,
                claim=cid,
                code_files=keys.notebook_code_files(paths.PACKAGE_DIR, nb, cid, index),
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
    asks.value_words()  # for results.json (analysis.runparams.value_words)
    filehash.save()
    return BriefPlan(root, params, code, checksums, plans)


class _Registry:
    """What a plan asks the claim registry (:mod:`analysis.runparams`): which claims a per-claim
    notebook runs for, what each run receives and reads, and the words for coded values.

    Importing the registry costs a process half a second (every claim module, pandas), so a
    process that has not imported it takes the answers it gave before, remembered with
    everything they depend on: the question (with the brief's parameters, ``flat``), the
    library's code (``code``: all of it) and this file. A process that has imported it asks it
    (cheaper than the lookup) and remembers what is not yet remembered, for the next process.
    A question the registry refuses (a BriefError) is asked again every time."""

    def __init__(self, code: str, flat: Mapping[str, Any]):
        from analysis.pipeline.inputs import schema_imported

        self.flat = flat
        self.base = [code, filehash.own_hash(__file__)]
        self.with_flat = sha256_text(canonical_json([*self.base, dict(flat)]))
        # decided once: the first answer computed imports the registry, and every later
        # question of this plan must still be answered from the memo when it can
        self.direct = schema_imported()

    def _ask(self, kind: str, question: list[Any], answer: Any, flat: bool = False) -> Any:
        base = [self.with_flat] if flat else self.base
        memo = sha256_text(canonical_json([*base, kind, *question]))
        known = filehash.fact(kind, memo)
        if self.direct:
            found = answer()
            if not isinstance(known, str):
                filehash.remember(kind, memo, canonical_json(found))
            return found
        if not isinstance(known, str):
            known = canonical_json(answer())
            filehash.remember(kind, memo, known)
        return json.loads(known)

    def claim_runs(self, per: str) -> list[str]:
        from analysis import runparams

        return list(self._ask("claim_runs", [per], lambda: runparams.claim_runs(per)))

    def claim_reads(self, cid: str) -> list[str]:
        from analysis import runparams

        return list(self._ask("claim_reads", [cid], lambda: runparams.claim_reads(cid)))

    def run_parameters(self, cid: str, extra: list[str]) -> dict[str, Any]:
        """:func:`analysis.runparams.run_parameters` of the brief's parameters."""
        from analysis import runparams

        def answer() -> dict[str, Any]:
            return runparams.run_parameters(self.flat, cid, extra)

        return dict(self._ask("run_parameters", [cid, extra], answer, flat=True))

    def value_words(self) -> None:
        """Remember the words and hand them to :func:`analysis.runparams.value_words`."""
        from analysis import runparams

        runparams.known_words = self._ask("value_words", [], runparams.computed_value_words)


class _Dated:
    """:func:`~analysis.pipeline.inputs.files_read` for one plan: with a date, which release
    files a run reads is decided by the release table (``analysis.data.load``, which imports
    pandas), so a process that has not imported the loader takes the answer it gave before,
    keyed by everything it depends on: the files asked about, every curated file's SHA-256,
    the date, the library's code (``code``: all of it) and this file and ``inputs.py``."""

    def __init__(self, code: str, checksums: Mapping[str, str], as_of: Any):
        import sys

        self.code, self.checksums, self.as_of = code, checksums, as_of
        self.direct = "analysis.data.load" in sys.modules
        self.base: str | None = None

    def _base(self) -> str:
        if self.base is None:
            from analysis.pipeline import inputs

            own = [filehash.own_hash(__file__), filehash.own_hash(inputs.__file__)]
            known = [self.code, dict(self.checksums), self.as_of, own]
            self.base = sha256_text(canonical_json(known))
        return self.base

    def files_read(self, data: Mapping[str, str]) -> dict[str, str]:
        if self.as_of is None or "releases.csv" not in self.checksums:
            return dict(data)  # no date: the files it selects (nothing to ask the loader)
        memo = sha256_text(canonical_json([self._base(), dict(data)]))
        known = filehash.fact("files_read", memo)
        if self.direct or not isinstance(known, str):
            found = files_read(data, self.checksums, self.as_of)
            if not isinstance(known, str):
                filehash.remember("files_read", memo, canonical_json(found))
            return found
        return dict(json.loads(known))


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
                detail = " " + canonical_json(nb.parameters)
            elif comp == "data":
                reads = "all files" if nb.reads is None else ", ".join(nb.reads)
                detail = f" [{reads}: {len(nb.data)} files]"
            lines.append(f"    {comp:<10} {nb.components[comp][:16]}{mark}{detail}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Build
