"""Make executed notebooks publishable and byte-identical across runs.

papermill and the kernel record things that change from run to run or reveal the machine:
execution timestamps and durations, the papermill parameters/paths/environment block, the
kernel's language_info (interpreter version), random Altair output ids, the temporary build
folder, absolute paths and the home folder. :func:`scrub_notebook` removes or normalises them all.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

import nbformat

#: Cell-level metadata keys written at execution time.
_CELL_META_DROP = ("papermill", "execution", "collapsed", "scrolled")
_ALTAIR_ID = re.compile(r"altair-viz-[0-9a-f]{32}")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def replace_text(value: Any, replacements: Sequence[tuple[str, str]]) -> Any:
    """Apply string replacements to every string inside nested lists/dicts."""
    if isinstance(value, str):
        for old, new in replacements:
            if old:
                value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [replace_text(v, replacements) for v in value]
    if isinstance(value, dict):
        return {k: replace_text(v, replacements) for k, v in value.items()}
    return value


def _renumber(pattern: re.Pattern[str], prefix: str, text: str) -> str:
    seen: dict[str, str] = {}

    def sub(match: re.Match[str]) -> str:
        return seen.setdefault(match.group(0), f"{prefix}{len(seen) + 1}")

    return pattern.sub(sub, text)


def scrub_notebook(
    nb: Mapping[str, Any],
    source_metadata: Mapping[str, Any] | None = None,
    replacements: Sequence[tuple[str, str]] = (),
) -> nbformat.NotebookNode:
    """A copy of an executed notebook with run-specific and personal details removed.

    - notebook metadata becomes the source notebook's (``source_metadata``) minus papermill's
      block, with ``language_info`` reduced to its name;
    - per cell: papermill/execution timing metadata dropped, ids made deterministic
      (``cell-<n>`` unless the cell already had a non-random id);
    - every string: ``replacements`` applied (longest first: temporary folder -> published
      folder, project root -> ``.``, home -> ``~``), Altair's random ``altair-viz-<uuid>`` ids
      renumbered in order of appearance.
    """
    out = copy.deepcopy(dict(nb))
    meta = copy.deepcopy(dict(source_metadata if source_metadata is not None else out["metadata"]))
    meta.pop("papermill", None)
    meta.pop("widgets", None)
    lang = meta.get("language_info") or out.get("metadata", {}).get("language_info") or {}
    meta["language_info"] = {"name": lang.get("name", "python")}
    out["metadata"] = meta
    cells = []
    for index, cell in enumerate(out.get("cells", [])):
        cell = dict(cell)
        cmeta = {k: v for k, v in cell.get("metadata", {}).items() if k not in _CELL_META_DROP}
        cell["metadata"] = cmeta
        if "injected-parameters" in cmeta.get("tags", []):
            cell["id"] = "injected-parameters"
        elif "id" in cell and (not isinstance(cell["id"], str) or _looks_random(cell["id"])):
            cell["id"] = f"cell-{index}"
        cells.append(cell)
    out["cells"] = cells
    ordered = sorted(replacements, key=lambda r: len(r[0]), reverse=True)
    out = replace_text(out, ordered)
    text = nbformat.writes(nbformat.from_dict(out))
    text = _renumber(_ALTAIR_ID, "altair-viz-", text)
    return nbformat.reads(text, as_version=4)


def _looks_random(cell_id: str) -> bool:
    """nbformat/papermill fill missing ids with uuid4 hex (or uuid strings)."""
    return bool(re.fullmatch(r"[0-9a-f]{32}|[0-9a-f]{8}", cell_id) or _UUID.fullmatch(cell_id))


def notebook_text(nb: Mapping[str, Any]) -> str:
    """The notebook as it is written to disk (nbformat's sorted-key JSON, trailing newline)."""
    text = nbformat.writes(nbformat.from_dict(dict(nb)))
    return text if text.endswith("\n") else text + "\n"
