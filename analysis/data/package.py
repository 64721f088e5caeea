"""The resources ``data/datapackage.json`` lists, checked: a module without pandas, so that the
pipeline can check the curated files before every build (cached or not) without loading it."""

from __future__ import annotations

import json

from analysis.errors import BriefError, clip

REBUILD = "`brief data curate` rebuilds it"


def resources(package: object) -> list[dict]:
    """The ``resources`` of a datapackage: a non-empty list of objects with a ``path``, or one
    BriefError (an empty list would switch the integrity check off without a word)."""
    res = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(res, list) or not res:
        found = "absent" if "resources" not in (package or {}) else clip(json.dumps(res))
        raise BriefError(
            f"data/datapackage.json: 'resources' is {found}; expected a non-empty list of the "
            f"curated files (path, hash, schema); {REBUILD}"
        )
    for i, r in enumerate(res):
        if not isinstance(r, dict) or not isinstance(r.get("path"), str) or not r["path"]:
            raise BriefError(
                f"data/datapackage.json: resources[{i}] is {clip(json.dumps(r))}; expected an "
                f"object with a 'path'; {REBUILD}"
            )
    return res
