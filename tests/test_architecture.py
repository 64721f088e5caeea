"""The layout is the pipeline: no module imports the publish layer but the publish layer, no
import cycles, no module too long to read."""

from __future__ import annotations

import ast
from pathlib import Path

from analysis import paths

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
