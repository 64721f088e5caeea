"""Cache keys: what a notebook's result depends on, hashed component by component.

A notebook re-runs only when one of four components changes:

- ``notebook``: its source cells (type, source, tags), not its outputs;
- ``parameters``: the values it receives (only the names its ``parameters`` cell defines);
- ``data``: the SHA-256 of the curated files it reads (``metadata.brief.reads``; all when absent);
- ``code``: the analysis library's code (``analysis/**/*.py`` minus the pipeline and notebooks,
  with each module's metadata beside it, ``<module>.meta.yml``: a data source's labels and units
  reach the notebooks through its module).

Every function here is pure or reads only the files it is given.
"""

from __future__ import annotations

import ast
import functools
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat

from analysis.errors import BriefError
from analysis.files import canonical_json, sha256_text

#: The component names, in the order they are printed.
COMPONENTS = ("notebook", "parameters", "data", "code")
#: What a notebook's ``artifacts_dir`` is replaced by in keys and published files.
ARTIFACTS_PLACEHOLDER = "_build/<brief>"


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a notebook, or one BriefError naming it."""
    try:
        return nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise BriefError(f"{path.name}: notebook not found at {path}") from None
    except Exception as exc:  # nbformat raises several types for unreadable JSON
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BriefError(f"{path.name}: not a readable Jupyter notebook ({first})") from None


def notebook_hash(nb: Mapping[str, Any]) -> str:
    """Hash of what a notebook *is*: its cells' type, source and tags, and its brief metadata."""
    cells = [
        [
            cell.get("cell_type", ""),
            _source(cell),
            sorted(cell.get("metadata", {}).get("tags", [])),
        ]
        for cell in nb.get("cells", [])
    ]
    brief_meta = nb.get("metadata", {}).get("brief", {})
    return sha256_text(canonical_json({"cells": cells, "brief": brief_meta}))


def _source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def parameter_names(nb_path: Path, nb: Mapping[str, Any]) -> list[str]:
    """Names defined by the notebook's cell tagged ``parameters`` (via papermill's inspection)."""
    tagged = [
        c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    if not tagged:
        raise BriefError(
            f"{nb_path.name}: no cell tagged 'parameters' "
            "(expected one code cell tagged 'parameters' defining artifacts_dir)"
        )
    import papermill  # imported here: a fully cached build never needs it

    try:
        names = list(papermill.inspect_notebook(str(nb_path)))
    except Exception as exc:
        raise BriefError(f"{nb_path.name}: cannot read its parameters cell ({exc})") from None
    if "artifacts_dir" not in names:
        raise BriefError(
            f"{nb_path.name}: its 'parameters' cell does not define artifacts_dir "
            '(expected artifacts_dir = "_build/default")'
        )
    return sorted(names)


def select_parameters(names: Iterable[str], flat: Mapping[str, Any]) -> dict[str, Any]:
    """The brief parameters a notebook receives: those its parameters cell defines."""
    return {n: flat[n] for n in sorted(names) if n != "artifacts_dir" and n in flat}


def notebook_reads(nb_name: str, nb: Mapping[str, Any]) -> list[str] | None:
    """``metadata.brief.reads`` (table names), or None when absent (then it reads everything)."""
    reads = nb.get("metadata", {}).get("brief", {}).get("reads")
    if reads is None:
        return None
    if not isinstance(reads, list) or not all(isinstance(r, str) and r for r in reads):
        raise BriefError(
            f"{nb_name}: metadata.brief.reads is {reads!r}, expected a list of table names"
        )
    return sorted(set(reads))


def notebook_needs(nb_name: str, nb: Mapping[str, Any], earlier: Sequence[str]) -> list[str]:
    """``metadata.brief.needs``: stems of earlier notebooks whose artifacts this one reads
    (it re-runs whenever one of them does). Absent: none."""
    needs = nb.get("metadata", {}).get("brief", {}).get("needs", [])
    if not isinstance(needs, list) or not all(isinstance(n, str) for n in needs):
        raise BriefError(
            f"{nb_name}: metadata.brief.needs is {needs!r}, expected a list of notebook names"
        )
    unknown = [n for n in needs if n not in earlier]
    if unknown:
        raise BriefError(
            f"{nb_name}: metadata.brief.needs names {', '.join(unknown)}; expected notebooks "
            f"that run before it ({', '.join(earlier) or 'none'})"
        )
    return needs


def table_of(relpath: str) -> str:
    """The table name of a curated file: its stem (``indicators.csv`` -> ``indicators``)."""
    name = Path(relpath).name
    return name.split(".", 1)[0]


def _tables_of(relpath: str) -> set[str]:
    """Names a file answers to: its stem, and its folders (``indicators/gdp.csv`` belongs to
    ``indicators`` and is table ``gdp``)."""
    parts = Path(relpath).parts
    return {table_of(relpath), *(p for p in parts[:-1] if p != "data")}


def select_data(
    nb_name: str, checksums: Mapping[str, str], reads: list[str] | None
) -> dict[str, str]:
    """The checksums of the files a notebook reads (all files when ``reads`` is None)."""
    if reads is None:
        return dict(sorted(checksums.items()))
    chosen = {}
    for table in reads:
        files = {p: h for p, h in checksums.items() if table in _tables_of(p)}
        if not files:
            known = sorted({table_of(p) for p in checksums})
            raise BriefError(
                f"{nb_name}: metadata.brief.reads names table {table!r}, which is not in data/ "
                f"(expected one of: {', '.join(known) or 'no tables found'})"
            )
        chosen.update(files)
    return dict(sorted(chosen.items()))


META_SUFFIX = ".meta.yml"  # a module's metadata, beside it (analysis/data/sources/<id>.meta.yml)


def with_metadata(files: Iterable[Path]) -> list[Path]:
    """``files`` and the metadata file beside each module that has one."""
    out = set(files)
    out |= {m for f in out if (m := f.with_name(f.stem + META_SUFFIX)).is_file()}
    return sorted(out)


def code_files(package_dir: Path) -> list[Path]:
    """The analysis library's source files: every ``*.py`` except the pipeline and notebooks,
    with their metadata files."""
    out = []
    for path in sorted(package_dir.rglob("*.py")):
        rel = path.relative_to(package_dir).parts
        if rel[0] in ("pipeline", "notebooks") or "__pycache__" in rel:
            continue
        out.append(path)
    return with_metadata(out)


def _hash_files(package_dir: Path, files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(set(files)):
        digest.update(path.relative_to(package_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def code_version(package_dir: Path) -> str:
    """Hash of the whole library's code (relative paths and contents): the brief's code version."""
    return _hash_files(package_dir, code_files(package_dir))


def _module_file(package_dir: Path, module: str) -> Path | None:
    """The source file of ``analysis.x.y`` (a module or a package's ``__init__``)."""
    parts = module.split(".")[1:]
    base = package_dir.joinpath(*parts)
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def _imported(tree: ast.AST, package: str, current: str) -> set[str]:
    """``analysis.*`` modules a module imports (absolute and relative), and for ``from X import
    y`` also ``X.y`` (y may be a submodule)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == package}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = current.split(".")[: -node.level]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            if mod.split(".")[0] != package:
                continue
            out.add(mod)
            out |= {f"{mod}.{a.name}" for a in node.names}
    return out


@functools.lru_cache(maxsize=1024)
def _imports_of_text(text: str, package: str, current: str) -> frozenset[str]:
    """:func:`_imported` of a module's text, remembered by the text itself (an edited module is
    parsed again): the notebooks of a build share most of their modules."""
    return frozenset(_imported(ast.parse(text), package, current))


# A package that imports its modules by discovery (not by import statements): reaching it reaches
# every module it finds. The claim registry finds c1.py, c2.py, ... by name.
DISCOVERED = {"analysis.compute.claims": "c*.py"}


def imported_files(
    package_dir: Path, sources: Iterable[str], claim: str | None = None
) -> list[Path]:
    """Every library file the code in ``sources`` reaches through imports (transitively), with
    the ``__init__`` of every package on the way and each module's metadata file; the
    pipeline's own files excluded. A run for one ``claim`` reaches, of the claim modules the
    registry discovers, that claim's only: the registry imports every claim, but the run
    decides one."""
    package = package_dir.name
    seen: dict[str, Path] = {}
    todo: set[str] = set()
    for src in sources:
        try:
            todo |= _imported(ast.parse(src), package, package)
        except SyntaxError:  # a cell with IPython magics: count every library file
            return code_files(package_dir)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        parts = module.split(".")
        todo |= {".".join(parts[:i]) for i in range(1, len(parts))} - set(seen)
        path = _module_file(package_dir, module)
        if path is None:  # a name imported from a module, not a module
            continue
        seen[module] = path
        if path.relative_to(package_dir).parts[0] == "pipeline":
            continue
        if module in DISCOVERED:
            found = {f.stem for f in path.parent.glob(DISCOVERED[module])}
            if claim is not None:
                found &= {claim.lower()}
            todo |= {f"{module}.{stem}" for stem in found}
        current = module if path.name == "__init__.py" else module.rsplit(".", 1)[0] + ".x"
        todo |= _imports_of_text(path.read_text(encoding="utf-8"), package, current)
    return with_metadata(
        p for p in seen.values() if p.relative_to(package_dir).parts[0] != "pipeline"
    )


def _run_files(package_dir: Path, nb: Mapping[str, Any], claim: str | None) -> list[Path]:
    sources = [_source(c) for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    if claim is not None:  # the claim module itself, which the registry reaches by discovery
        sources.append(f"import analysis.compute.claims.{claim.lower()}")
    return imported_files(package_dir, sources, claim)


def notebook_code(package_dir: Path, nb: Mapping[str, Any], claim: str | None = None) -> str:
    """The ``code`` component of one notebook run: the library files its code imports (for a
    run per claim, with that claim's module and none of the others), hashed."""
    return _hash_files(package_dir, _run_files(package_dir, nb, claim))


def notebook_code_files(
    package_dir: Path, nb: Mapping[str, Any], claim: str | None = None
) -> dict[str, str]:
    """The files of :func:`notebook_code`, each with its SHA-256 (``analysis/compute/power.py``
    -> hex): the manifest records them, so ``brief diff`` can name the code that changed."""
    root = package_dir.parent
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in _run_files(package_dir, nb, claim)
    }


#: What ``metadata.brief.per`` may say: the notebook runs once per claim, or once per claim with
#: a specification space (``Choices``).
PER = ("claim", "varied claim")


def notebook_per(nb_name: str, nb: Mapping[str, Any]) -> str | None:
    """``metadata.brief.per``: None (the notebook runs once) or one of :data:`PER`."""
    per = nb.get("metadata", {}).get("brief", {}).get("per")
    if per is not None and per not in PER:
        raise BriefError(
            f"{nb_name}: metadata.brief.per is {per!r}, expected one of {', '.join(PER)} "
            "(or none: the notebook runs once)"
        )
    return per


def notebook_params(nb_name: str, nb: Mapping[str, Any]) -> list[str]:
    """``metadata.brief.params``: brief parameters a per-claim notebook's own code reads."""
    names = nb.get("metadata", {}).get("brief", {}).get("params", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise BriefError(
            f"{nb_name}: metadata.brief.params is {names!r}, expected a list of parameter names"
        )
    return sorted(set(names))


def component_hashes(
    nb_hash: str, parameters: Mapping[str, Any], data: Mapping[str, str], code: str
) -> dict[str, str]:
    """The four components as hashes (``parameters`` includes the placeholder artifacts_dir)."""
    received = {**parameters, "artifacts_dir": ARTIFACTS_PLACEHOLDER}
    return {
        "notebook": nb_hash,
        "parameters": sha256_text(canonical_json(received)),
        "data": sha256_text(canonical_json(data)),
        "code": code,
    }


def cache_key(components: Mapping[str, str]) -> str:
    return sha256_text(canonical_json({k: components[k] for k in COMPONENTS}))


def changed_components(old: Mapping[str, str] | None, new: Mapping[str, str]) -> list[str]:
    """Which components differ from the previous build's (all when there was none)."""
    if not old:
        return list(COMPONENTS)
    return [k for k in COMPONENTS if old.get(k) != new.get(k)]
