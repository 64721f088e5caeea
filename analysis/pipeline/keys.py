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
from typing import TYPE_CHECKING, Any

from analysis.errors import BriefError
from analysis.files import canonical_json, sha256_text

#: The component names, in the order they are printed.
COMPONENTS = ("notebook", "parameters", "data", "code")
#: What a notebook's ``artifacts_dir`` is replaced by in keys and published files.
ARTIFACTS_PLACEHOLDER = "_build/<brief>"

if TYPE_CHECKING:
    import nbformat


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a notebook, or one BriefError naming it."""
    import nbformat  # here: a process that reads only manifests (`brief diff`) does without it

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


@functools.lru_cache(maxsize=4096)
def table_of(relpath: str) -> str:
    """The table name of a curated file: its stem (``indicators.csv`` -> ``indicators``)."""
    name = Path(relpath).name
    return name.split(".", 1)[0]


@functools.lru_cache(maxsize=4096)
def _tables_of(relpath: str) -> frozenset[str]:
    """Names a file answers to: its stem, and its folders (``indicators/gdp.csv`` belongs to
    ``indicators`` and is table ``gdp``)."""
    parts = Path(relpath).parts
    return frozenset({table_of(relpath), *(p for p in parts[:-1] if p != "data")})


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


def code_version(package_dir: Path, index: CodeIndex | None = None) -> str:
    """Hash of the whole library's code (relative paths and contents): the brief's code version.
    ``index``: the plan's :class:`CodeIndex` (one per call when absent)."""
    index = index or CodeIndex(package_dir)
    return index.digest(index.all_files())


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


@functools.lru_cache(maxsize=4096)
def _imports_of_source(text: str, package: str) -> frozenset[str] | None:
    """:func:`_imported` of a notebook cell's code, remembered by its text; None when it does
    not parse (a cell with IPython magics)."""
    try:
        return frozenset(_imported(ast.parse(text), package, package))
    except SyntaxError:
        return None


# (module file's SHA-256, package, current) -> what it imports: :func:`_imports_of_text`
# remembered by the file's hash, so a warm plan neither reads nor parses an unchanged module.
_IMPORTS_BY_SHA: dict[tuple[str, str, str], frozenset[str]] = {}
# ((relative path, SHA-256), ...) -> :meth:`CodeIndex.digest` of those files (a hash of their
# contents, so a function of their SHA-256s): a warm plan does not read the files again.
_DIGESTS: dict[tuple[tuple[str, str], ...], str] = {}


# A package that imports its modules by discovery (not by import statements): reaching it reaches
# every module it finds. The claim registry finds c1.py, c2.py, ... by name.
DISCOVERED = {"analysis.compute.claims": "c*.py"}


def _path_order(path: Path) -> tuple[str, ...]:
    """The order of ``sorted(paths)`` (paths compare by their parts), computed once a path."""
    return path.parts


class CodeIndex:
    """The library's code as one plan sees it: which file a module is, what it imports, each
    file's SHA-256 and metadata file, looked up once per plan (a plan's fifteen runs share most
    of their modules) and hashed through the stat memo of :mod:`analysis.pipeline.filehash`.

    Nothing outlives the index except what is keyed on a file's content (its hash): a module
    added, removed or edited between two plans is seen by the next plan's index.
    """

    def __init__(self, package_dir: Path):
        self.package_dir = package_dir
        self.package = package_dir.name
        self._files: dict[str, Path | None] = {}
        self._sha: dict[Path, str] = {}
        self._meta: dict[Path, Path | None] = {}
        self._found: dict[str, set[str]] = {}
        self._all: list[Path] | None = None
        self._reached: dict[tuple[tuple[str, ...], str | None], list[Path]] = {}
        self._nodes: dict[str, tuple[Path | None, bool, frozenset[str]]] = {}
        self._rel: dict[Path, str] = {}
        self._paths: dict[Path, Path] = {}
        # (the code cells' sources, claim) -> (digest, files with their SHA-256)
        self._runs: dict[tuple[tuple[str, ...], str | None], tuple[str, dict[str, str]]] = {}

    def _one(self, path: Path) -> Path:
        """One object per file (dictionaries look an identical key up without comparing)."""
        return self._paths.setdefault(path, path)

    def sha(self, path: Path) -> str:
        found = self._sha.get(path)
        if found is None:
            from analysis.pipeline import filehash

            found = self._sha[self._one(path)] = filehash.sha256(path)
        return found

    def rel(self, path: Path) -> str:
        """``path`` relative to the package folder, as text."""
        found = self._rel.get(path)
        if found is None:
            found = self._rel[self._one(path)] = path.relative_to(self.package_dir).as_posix()
        return found

    def module_file(self, module: str) -> Path | None:
        if module not in self._files:
            path = _module_file(self.package_dir, module)
            self._files[module] = None if path is None else self._one(path)
        return self._files[module]

    def imports(self, path: Path, current: str) -> frozenset[str]:
        from analysis.pipeline import filehash

        key = (self.sha(path), self.package, current)
        if key in _IMPORTS_BY_SHA:
            return _IMPORTS_BY_SHA[key]
        # parsed by an earlier process, with this file's _imported (its own hash in the key)
        name = "\0".join([*key, filehash.own_hash(__file__)])
        known = filehash.fact("imports", name)
        if isinstance(known, list):
            _IMPORTS_BY_SHA[key] = frozenset(str(m) for m in known)
            return _IMPORTS_BY_SHA[key]
        data = path.read_bytes()
        found = _imports_of_text(data.decode("utf-8"), self.package, current)
        if hashlib.sha256(data).hexdigest() == key[0]:  # not edited since it was hashed
            _IMPORTS_BY_SHA[key] = found
            filehash.remember("imports", name, sorted(found))
        return found

    def discovered(self, module: str, path: Path) -> set[str]:
        if module not in self._found:
            self._found[module] = {f.stem for f in path.parent.glob(DISCOVERED[module])}
        return self._found[module]

    def with_metadata(self, files: Iterable[Path]) -> list[Path]:
        """:func:`with_metadata`, each module's metadata file looked up once."""
        out = set(files)
        for f in list(out):
            if f not in self._meta:
                m = f.with_name(f.stem + META_SUFFIX)
                self._meta[f] = self._one(m) if m.is_file() else None
            if (meta := self._meta[f]) is not None:
                out.add(meta)
        return sorted(out, key=_path_order)

    def all_files(self) -> list[Path]:
        if self._all is None:
            self._all = [self._one(p) for p in code_files(self.package_dir)]
        return self._all

    def digest(self, files: Iterable[Path]) -> str:
        """SHA-256 over ``files`` in sorted order: each one's path relative to the package, NUL,
        its bytes, NUL. Remembered by the files' SHA-256s (so read once per content)."""
        chosen = sorted(set(files), key=_path_order)
        key = tuple([(self.rel(p), self.sha(p)) for p in chosen])
        if key in _DIGESTS:
            return _DIGESTS[key]
        digest = hashlib.sha256()
        same = True  # every file still what its SHA-256 says (not edited during the plan)
        for (rel, sha), path in zip(key, chosen, strict=True):
            data = path.read_bytes()
            same = same and hashlib.sha256(data).hexdigest() == sha
            digest.update(rel.encode() + b"\0" + data + b"\0")
        if same:
            _DIGESTS[key] = digest.hexdigest()
        return digest.hexdigest()

    def reached(self, sources: Iterable[str], claim: str | None = None) -> list[Path]:
        """:func:`imported_files`."""
        sources = tuple(sources)
        if (sources, claim) not in self._reached:
            self._reached[sources, claim] = self._reach(sources, claim)
        return list(self._reached[sources, claim])

    def _node(self, module: str) -> tuple[Path | None, bool, frozenset[str]]:
        """A module's file (None: a name imported from a module, not a module), whether it is
        the pipeline's, and what it imports (nothing for the pipeline's: not followed)."""
        if module not in self._nodes:
            path = self.module_file(module)
            pipeline = path is not None and (
                path.relative_to(self.package_dir).parts[0] == "pipeline"
            )
            imports: frozenset[str] = frozenset()
            if path is not None and not pipeline:
                init = path.name == "__init__.py"
                current = module if init else module.rsplit(".", 1)[0] + ".x"
                imports = self.imports(path, current)
            self._nodes[module] = (path, pipeline, imports)
        return self._nodes[module]

    def _reach(self, sources: tuple[str, ...], claim: str | None) -> list[Path]:
        package = self.package
        seen: dict[str, Path] = {}  # module -> file, of the library's (not the pipeline's)
        visited: set[str] = set()
        todo: set[str] = set()
        for src in sources:
            found = _imports_of_source(src, package)
            if found is None:  # a cell with IPython magics: count every library file
                return self.all_files()
            todo |= found
        while todo:
            module = todo.pop()
            if module in visited:
                continue
            visited.add(module)
            parts = module.split(".")
            todo.update(
                p for i in range(1, len(parts)) if (p := ".".join(parts[:i])) not in visited
            )
            path, pipeline, imports = self._node(module)
            if path is None or pipeline:  # not a module, or the pipeline's (not followed)
                continue
            seen[module] = path
            if module in DISCOVERED:
                found_stems = self.discovered(module, path)
                if claim is not None:
                    found_stems = found_stems & {claim.lower()}
                todo |= {f"{module}.{stem}" for stem in found_stems}
            todo |= imports
        return self.with_metadata(seen.values())

    def run_files(self, nb: Mapping[str, Any], claim: str | None) -> list[Path]:
        sources = [_source(c) for c in nb.get("cells", []) if c.get("cell_type") == "code"]
        if claim is not None:  # the claim module itself, which the registry reaches by discovery
            sources.append(f"import analysis.compute.claims.{claim.lower()}")
        return self.reached(sources, claim)

    def run(self, nb: Mapping[str, Any], claim: str | None) -> tuple[str, dict[str, str]]:
        """A run's code: :func:`notebook_code` and :func:`notebook_code_files`, computed once."""
        sources = [_source(c) for c in nb.get("cells", []) if c.get("cell_type") == "code"]
        key = (tuple(sources), claim)
        if key not in self._runs:
            files = self.run_files(nb, claim)
            prefix = self.package + "/"  # relative to the package's parent (the project)
            shas = {prefix + self.rel(p): self.sha(p) for p in files}
            self._runs[key] = (self.digest(files), shas)
        digest, shas = self._runs[key]
        return digest, dict(shas)


def imported_files(
    package_dir: Path, sources: Iterable[str], claim: str | None = None
) -> list[Path]:
    """Every library file the code in ``sources`` reaches through imports (transitively), with
    the ``__init__`` of every package on the way and each module's metadata file; the
    pipeline's own files excluded. A run for one ``claim`` reaches, of the claim modules the
    registry discovers, that claim's only: the registry imports every claim, but the run
    decides one."""
    return CodeIndex(package_dir).reached(sources, claim)


def notebook_code(
    package_dir: Path,
    nb: Mapping[str, Any],
    claim: str | None = None,
    index: CodeIndex | None = None,
) -> str:
    """The ``code`` component of one notebook run: the library files its code imports (for a
    run per claim, with that claim's module and none of the others), hashed. ``index``: the
    plan's :class:`CodeIndex` (one per call when absent)."""
    return (index or CodeIndex(package_dir)).run(nb, claim)[0]


def notebook_code_files(
    package_dir: Path,
    nb: Mapping[str, Any],
    claim: str | None = None,
    index: CodeIndex | None = None,
) -> dict[str, str]:
    """The files of :func:`notebook_code`, each with its SHA-256 (``analysis/compute/power.py``
    -> hex): the manifest records them, so ``brief diff`` can name the code that changed."""
    return (index or CodeIndex(package_dir)).run(nb, claim)[1]


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
