"""Static checks of the Quarto sources, runnable without Quarto.

They resolve what Quarto would resolve: ``{{< include >}}`` files and the project's
``{{< brief NAME >}}`` fragments (``report/_generated/NAME.md``), ``{{< embed >}}`` cells of
executed notebooks, cross-references (``@fig-…``, ``@sec-…``, ``@tbl-…``) against their targets,
citation keys against the bibliography, and local links/images against existing files.
Each check returns a list of problems (empty when all is well).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import nbformat

INCLUDE = re.compile(r"^\{\{<\s*include\s+(\S+?)\s*>\}\}\s*$", re.MULTILINE)
# {{< brief NAME >}} (the project's shortcode, _extensions/brief): report/_generated/NAME.md
FRAGMENT = re.compile(r"^\{\{<\s*brief\s+(\S+?)\s*>\}\}\s*$", re.MULTILINE)
GENERATED = "report/_generated"
EMBED = re.compile(r"\{\{<\s*embed\s+([^\s#>]+)(?:#([\w-]+))?[^>]*>\}\}")
CROSSREF = re.compile(r"(?<![\w@])@((?:fig|sec|tbl|eq)-[\w-]*\w)")
TARGET = re.compile(r"\{#((?:fig|sec|tbl|eq)-[\w-]*\w)[\s}]")
CITATION = re.compile(r"(?<![\w@.])@([A-Za-z][\w:-]*\w)")
BIB_KEY = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
LABEL_LINE = re.compile(r"^#\|\s*label:\s*(\S+)\s*$", re.MULTILINE)


def _resolve(path: str, doc_dir: Path, project: Path) -> Path:
    return project / path.lstrip("/") if path.startswith("/") else doc_dir / path


def expand(doc: Path, project: Path, problems: list[str] | None = None, _depth: int = 0) -> str:
    """The document's text with every include replaced by the included text (as Quarto does:
    paths in included files resolve from the including document's folder)."""
    problems = problems if problems is not None else []
    text = doc.read_text(encoding="utf-8")
    return _expand_text(text, doc.parent, project, problems, _depth, str(doc))


def _expand_text(
    text: str, doc_dir: Path, project: Path, problems: list[str], depth: int, where: str
) -> str:
    def include(m: re.Match[str]) -> str:
        target = _resolve(m.group(1), doc_dir, project)
        if not target.is_file():
            problems.append(f"{where}: include {m.group(1)} does not exist ({target})")
            return ""
        if depth > 10:
            problems.append(f"{where}: include nesting too deep at {m.group(1)}")
            return ""
        inner = target.read_text(encoding="utf-8")
        return _expand_text(inner, doc_dir, project, problems, depth + 1, str(target))

    def fragment(m: re.Match[str]) -> str:
        # inserted as it is: Quarto expands no shortcode inside a fragment's text
        target = project / GENERATED / f"{m.group(1)}.md"
        if not target.is_file():
            problems.append(f"{where}: fragment {m.group(1)} does not exist ({target})")
            return ""
        return target.read_text(encoding="utf-8")

    return FRAGMENT.sub(fragment, INCLUDE.sub(include, text))


def _prose(text: str) -> str:
    """Text without front matter and fenced code/raw blocks (where @ is not markup)."""
    return FENCED.sub("", FRONT_MATTER.sub("", text))


def check_includes(doc: Path, project: Path) -> list[str]:
    problems: list[str] = []
    expand(doc, project, problems)
    return problems


def notebook_labels(nb_path: Path) -> dict[str, bool]:
    """Label of every labelled code cell of a notebook → whether the cell has outputs."""
    nb = nbformat.read(nb_path, as_version=4)
    labels = {}
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        m = LABEL_LINE.search(c.source)
        if m:
            labels[m.group(1)] = bool(c.get("outputs"))
    return labels


def check_embeds(text: str, doc_dir: Path, project: Path) -> list[str]:
    problems = []
    for m in EMBED.finditer(text):
        nb = _resolve(m.group(1), doc_dir, project)
        if not nb.is_file():
            problems.append(f"embed {m.group(1)}: notebook not found ({nb})")
            continue
        if m.group(2):
            labels = notebook_labels(nb)
            if m.group(2) not in labels:
                problems.append(f"embed {m.group(1)}#{m.group(2)}: no cell with that label")
            elif not labels[m.group(2)]:
                problems.append(f"embed {m.group(1)}#{m.group(2)}: the cell has no outputs")
    return problems


def check_crossrefs(text: str) -> list[str]:
    targets = set(TARGET.findall(text))
    refs = CROSSREF.findall(_prose(text))
    return [f"cross-reference @{r} has no target" for r in sorted(set(refs) - targets)]


def duplicate_targets(text: str) -> list[str]:
    seen: dict[str, int] = {}
    for t in TARGET.findall(text):
        seen[t] = seen.get(t, 0) + 1
    return [f"target #{t} defined {n} times" for t, n in sorted(seen.items()) if n > 1]


def bib_keys(bib: Path) -> set[str]:
    return set(BIB_KEY.findall(bib.read_text(encoding="utf-8")))


def citations(text: str) -> set[str]:
    keys = set(CITATION.findall(_prose(text)))
    return {k for k in keys if not re.match(r"(fig|sec|tbl|eq)-", k)}


def check_citations(text: str, bib: Path) -> list[str]:
    known = bib_keys(bib)
    return [f"citation @{k} is not in {bib.name}" for k in sorted(citations(text) - known)]


def check_links(
    text: str, doc_dir: Path, project: Path, rendered_outputs: Iterable[str] = ()
) -> list[str]:
    """Local links and images point at existing files (``.qmd`` sources count for their
    rendered ``.html``/``.pdf``; ``rendered_outputs`` lists other outputs that will exist)."""
    outputs = set(rendered_outputs)
    problems = []
    for m in LINK.finditer(_prose(text)):
        href = m.group(1).split("#", 1)[0]
        if not href or re.match(r"^[a-z]+:", href):
            continue
        target = _resolve(href, doc_dir, project)
        if target.exists():
            continue
        if target.suffix in (".html", ".pdf") and target.with_suffix(".qmd").is_file():
            continue
        rel = Path(os.path.relpath(target.resolve(), project.resolve())).as_posix()
        if rel in outputs:
            continue
        problems.append(f"link {m.group(1)} does not resolve ({target})")
    return problems


def check_document(
    doc: Path, project: Path, bib: Path, rendered_outputs: Iterable[str] = ()
) -> list[str]:
    """Every check on one Quarto document (with its includes expanded)."""
    problems: list[str] = []
    text = expand(doc, project, problems)
    problems += check_embeds(text, doc.parent, project)
    problems += check_crossrefs(text)
    problems += duplicate_targets(text)
    problems += check_citations(text, bib)
    problems += check_links(text, doc.parent, project, rendered_outputs)
    return [f"{doc.relative_to(project)}: {p}" for p in problems]
