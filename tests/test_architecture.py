"""The layout is the pipeline: every import of the package is one the import table of
docs/architecture.md allows, no import cycles, no module too long to read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from analysis import paths
from tests.clone import ROOT

PKG = paths.PACKAGE_DIR
MAX_LINES = 600


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The analysis modules ``name`` imports at module level or in functions (any import)."""
    out = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            targets = [base, *(f"{base}.{a.name}" for a in node.names)]
        else:
            continue
        out |= {t for t in targets if t in known and t != name}
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def import_table() -> tuple[dict[str, str], dict[str, set[str]]]:
    """docs/architecture.md's import table: module prefix -> layer, layer -> layers it may
    import."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## The import table", 1)[1].split("\n## ", 1)[0]
    layers, allowed = {}, {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[1].startswith("`"):
            continue
        layer, mods, may = cells
        for m in re.findall(r"`([\w.]+)`", mods):
            layers[m] = layer
        allowed[layer] = {x.strip() for x in may.split(",") if x.strip()}
    return layers, allowed


def layer_of(module: str, layers: dict[str, str]) -> str:
    """The layer of the longest prefix of ``module`` that the table names (the bare package
    name, ``analysis``, names only the package's own ``__init__``)."""
    matches = [p for p in layers if module == p or ("." in p and module.startswith(p + "."))]
    assert matches, f"{module} is in no layer of docs/architecture.md's import table"
    return layers[max(matches, key=len)]


def test_the_import_table_is_read_whole():
    layers, allowed = import_table()
    assert set(allowed) == set(layers.values())
    assert {"base", "data", "library", "claims", "pipeline", "publish"} <= set(allowed)
    assert all(may <= set(allowed) for may in allowed.values())  # every layer named is one
    assert layer_of("analysis.compute.claims.c8", layers) == "claims"
    assert layer_of("analysis.compute.trade", layers) == "library"


def test_every_import_is_one_the_table_allows():
    layers, allowed = import_table()
    offenders = sorted(
        (src, dst)
        for src, dsts in graph().items()
        for dst in dsts
        if (a := layer_of(src, layers)) != (b := layer_of(dst, layers)) and b not in allowed[a]
    )
    assert offenders == []


def test_nothing_outside_the_publish_layer_imports_it():
    offenders = {
        (src, dst)
        for src, dsts in graph().items()
        for dst in dsts
        if dst.startswith("analysis.publish")
        and not src.startswith("analysis.publish")
        and src != "analysis.cli"  # the CLI assembles every stage's commands
    }
    assert offenders == set()


def test_the_compute_library_does_not_import_the_pipeline():
    offenders = {
        (src, dst)
        for src, dsts in graph().items()
        for dst in dsts
        if src.startswith(("analysis.compute", "analysis.data"))
        and dst.startswith("analysis.pipeline")
    }
    assert offenders == set()


def test_there_is_no_import_cycle():
    g = graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(g[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for n in sorted(g):
        if n not in state:
            visit(n, [n])
    # a package's __init__ importing its own submodules by discovery is not a cycle of code
    real = [c for c in cycles if not all(x.startswith(c[0]) or c[0].startswith(x) for x in c)]
    assert real == []


def test_no_module_is_longer_than_600_lines():
    long = {
        path.relative_to(PKG).as_posix(): n
        for path in PKG.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_tracked_file_keeps_a_merge_conflict_marker():
    import subprocess

    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    marker = re.compile(rb"^(<{7}|>{7}) ", re.M)
    text = {".py", ".md", ".qmd", ".yml", ".j2", ".lua", ".css", ".ipynb", ".csv"}
    paths_ = [ROOT / n.decode() for n in tracked if n]
    kept = [
        str(p.relative_to(ROOT))
        for p in paths_
        if p.suffix in text and p.is_file() and marker.search(p.read_bytes())
    ]
    assert kept == [], f"merge conflict markers left in {kept}"
