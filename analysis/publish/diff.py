"""What changed between two built briefs, and why: ``brief diff OLD NEW``.

OLD and NEW are two builds (``_build/<brief>/``): two editions of the flagship, or the flagship
and an alternative. For each claim (in either build): its published verdict and its own, old to
new, with flips marked; its robustness share; every number of its evidence and sensitivity
analyses, old to new, with the change. Each change gets its causes from what the builds
recorded, and only from the inputs that can reach it (the pipeline's cache key of each run):

- a **source release**: the release read of each source the claim names (``claims.<id>.sources``
  of results.json, against ``brief.releases``), e.g. the IMF WEO of October 2021 against that of
  October 2025;
- a **parameter**: the parameters each of the claim's runs received (``manifest.json``: a claim
  run receives what its claim declares), so a title or another claim's rule never reaches it;
- **data** revised within a file the runs read (same path, another SHA-256);
- the **code**: the library modules each run imports (their SHA-256, per run), and its notebook.

A run's role comes from what it wrote (``results/<run>.json``): ``claims`` are the claim's
verdict and numbers, ``robustness`` its robustness. A number that moved with no recorded input
changed is flagged (``unexplained``). Pure functions on the two builds (:func:`compare`), then
the Markdown of the site (:func:`markdown`, a template) and JSON for machines
(:func:`as_json`). The publish layer's rule holds: only the builds are read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from analysis.errors import BriefError
from analysis.files import dump_json
from analysis.pipeline.plan import read_manifest
from analysis.publish import text, verdicts
from analysis.publish.fragments import NOT_COMPUTED, environment, render
from analysis.publish.markup import badge
from analysis.results import Evidence, Results, claim_order, load_results

#: Parameters that name or describe a brief: they reach no run, so they cause nothing.
IDENTITY = ("name", "title", "short_name", "description")
#: What a run's part of results.json makes it: the claim's verdict and numbers, or robustness.
ROLES = {"claims": "its verdict and numbers", "robustness": "its robustness"}
TOLERANCE = 1e-9  # relative: a float that differs by less has not moved


@dataclass(frozen=True)
class Build:
    """One built brief as ``brief diff`` reads it."""

    shown: str  # the folder as the user named it
    folder: Path
    results: Results
    manifest: dict[str, Any]  # what each run read (manifest.json)


def read_build(path: str | Path, shown: str | None = None) -> Build:
    """A build folder (or its ``results.json``); anything else is one error line naming it.
    ``shown``: how the diff names it (default: the path as given)."""
    given = Path(path)
    folder = given.parent if given.name == "results.json" else given
    hint = "expected a built brief, a folder like _build/default/ (`brief run PARAMS` builds one)"
    if not folder.is_dir():
        raise BriefError(f"{path}: not found; {hint}")
    if not (folder / "results.json").is_file():
        raise BriefError(f"{path}: no results.json in it; {hint}")
    manifest = read_manifest(folder)
    if manifest is None:
        state = "missing" if not (folder / "manifest.json").is_file() else "unreadable"
        raise BriefError(
            f"{folder / 'manifest.json'}: {state}; expected the manifest `brief run` writes "
            "beside results.json (what each run read), so that a change can be given its cause; "
            "run `brief run PARAMS` again to rebuild it"
        )
    return Build(shown or str(path), folder, load_results(folder), manifest)


# ---------------------------------------------------------------------------------------------
# Inputs: what each run received, and what differs


def flatten(d: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested parameters as dotted keys (``rules.c1.tolerance``); lists stay whole."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, Mapping) and v:
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def shown(value: Any) -> str:
    """A parameter or release value in one line (``none`` for null)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {shown(v)}" for k, v in value.items()) + "}"
    return str(value)


def changed_params(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every dotted parameter whose value differs, identity keys and run names left out."""
    a, b = flatten(old), flatten(new)
    keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    skip = (*IDENTITY, "claim", "run")
    return [
        {"key": k, "old": shown(a.get(k)), "new": shown(b.get(k))}
        for k in keys
        if k.split(".")[0] not in skip
    ]


def release_words(entry: Mapping[str, Any] | None) -> str:
    """A source's release as results.json records it, in words."""
    if not entry:
        return "not read"
    label = str(entry.get("label") or entry.get("release") or "no release")
    if entry.get("how") == "approximated":
        return f"{label}, years to {entry.get('last_year')} (approximated)"
    return label


def changed_releases(old: Results, new: Results) -> dict[str, dict[str, str]]:
    """Source -> its release old and new, for every source whose release read differs."""
    a = old.brief.model_extra.get("releases") or {} if old.brief.model_extra else {}
    b = new.brief.model_extra.get("releases") or {} if new.brief.model_extra else {}
    out = {}
    for source in sorted(set(a) | set(b)):
        x, y = a.get(source), b.get(source)
        if release_words(x) != release_words(y):
            name = (y or x or {}).get("name") or source
            out[source] = {
                "source": source,
                "name": name,
                "old": release_words(x),
                "new": release_words(y),
            }
    return out


def runs_of(build: Build, cid: str) -> dict[str, dict[str, Any]]:
    """The manifest entries of the runs of claim ``cid`` (by the ``claim`` they received)."""
    entries = build.manifest.get("notebooks", {})
    return {s: e for s, e in sorted(entries.items()) if e.get("parameters", {}).get("claim") == cid}


def role_of(build: Build, stem: str) -> str:
    """What a run wrote, in words (from ``results/<run>.json``), else its name."""
    try:
        part = json.loads((build.folder / "results" / f"{stem}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return stem
    roles = [words for key, words in ROLES.items() if key in part]
    return " and ".join(roles) or stem


def _source_of(path: str) -> str:
    """The source (or table) a curated file belongs to: ``indicators/imf_weo.csv`` and
    ``vintages/imf_weo/2021-10.csv`` -> ``imf_weo``; ``exercises.csv`` -> ``exercises``."""
    parts = path.split("/")
    if len(parts) >= 3:
        return parts[1]
    return parts[-1].removesuffix(".csv")


def run_causes(
    a: Mapping[str, Any] | None,
    b: Mapping[str, Any] | None,
    files: tuple[Mapping[str, str], Mapping[str, str]],
    released: set[str],
) -> list[dict[str, str]]:
    """What differs between one run's old and new record: its parameters, the data files it
    read (a file of a source whose release changed is that release's doing), its code and its
    notebook."""
    if a is None or b is None:
        return [
            {
                "kind": "run",
                "what": "the run",
                "old": "absent" if a is None else "present",
                "new": "absent" if b is None else "present",
            }
        ]
    out = [
        {"kind": "parameter", "what": c["key"], "old": c["old"], "new": c["new"]}
        for c in changed_params(a.get("parameters", {}), b.get("parameters", {}))
    ]
    old_files, new_files = set(a.get("data_files", [])), set(b.get("data_files", []))
    for path in sorted(old_files & new_files):
        if files[0].get(path) != files[1].get(path):
            out.append({"kind": "data", "what": path, "old": "revised", "new": "revised"})
    moved = sorted((old_files ^ new_files) - {"releases.csv"})
    for path in [p for p in moved if _source_of(p) not in released]:  # no release explains it
        read = "read" if path in new_files else "not read"
        out.append({"kind": "data", "what": path, "old": _other(read), "new": read})
    oc, nc = a.get("components", {}), b.get("components", {})
    if oc.get("notebook") != nc.get("notebook"):
        out.append({"kind": "notebook", "what": "its notebook", "old": "", "new": "changed"})
    if oc.get("code") != nc.get("code"):
        out.extend(code_causes(a.get("code_files"), b.get("code_files")))
    return out


def _other(read: str) -> str:
    return "not read" if read == "read" else "read"


def code_causes(old: Mapping[str, str] | None, new: Mapping[str, str] | None) -> list[dict]:
    """The library modules a run imports that changed, were added or were dropped (the whole
    code, when a build did not record them)."""
    if not old or not new:
        return [
            {"kind": "code", "what": "the library code it imports", "old": "", "new": "changed"}
        ]
    out = []
    for path in sorted(set(old) | set(new)):
        if old.get(path) != new.get(path):
            how = "added" if path not in old else "removed" if path not in new else "changed"
            out.append({"kind": "code", "what": path, "old": "", "new": how})
    return out


# ---------------------------------------------------------------------------------------------
# Numbers


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=1e-12)
    return a == b


def delta(unit: str, old: Any, new: Any) -> tuple[float | None, str]:
    """The change of a number, and in words by its unit (ratio ``+0.12``; share ``+5 points``;
    year ``+2 years``); none between texts or a missing value."""
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (old, new)):
        return None, "changed" if old != new else ""
    d = float(new) - float(old)
    if unit in ("share", "probability"):
        words = f"{text.signed(100 * d, 1 if abs(d) < 0.1 else 0)} points"
    elif unit in ("count", "year"):
        n = round(d)
        words = f"{n:+d}".replace("-", "−") + (
            f" year{'s' if abs(n) != 1 else ''}" if unit == "year" else ""
        )
    elif unit == "ratio":
        words = text.signed(d, 3 if abs(d) < 0.005 else 2)
    else:
        words = text.signed(d, 3 if abs(d) < 0.01 else 2)
    return d, words


def number_row(key: str, group: str, a: Evidence | None, b: Evidence | None) -> dict[str, Any]:
    """One number old to new: its values printed as the brief prints them, the change, whether
    it moved (value or year), or which build lacks it."""
    e = b or a
    assert e is not None
    status = "only old" if b is None else "only new" if a is None else "both"
    moved = status != "both" or not _close(a.value, b.value) or a.year != b.year  # type: ignore[union-attr]
    change, words = (None, "") if status != "both" else delta(e.unit, a.value, b.value)  # type: ignore[union-attr]
    if status == "both" and a.year != b.year and not words:  # type: ignore[union-attr]
        words = "another year"
    return {
        "key": key,
        "group": group,
        "label": e.label,
        "unit": e.unit,
        "old": None if a is None else {"value": a.value, "year": a.year, "text": _printed(a)},
        "new": None if b is None else {"value": b.value, "year": b.year, "text": _printed(b)},
        "change": change,
        "change_text": words if moved else "",
        "moved": moved,
        "status": status,
    }


def _printed(e: Evidence) -> str:
    return text.value_of(e) + (f" ({e.year})" if e.year is not None else "")


def numbers(old: Any, new: Any) -> list[dict[str, Any]]:
    """Every evidence and sensitivity number of a claim in either build, in the new build's
    order, then those only the old one has."""
    rows = []
    for group in ("evidence", "sensitivity"):
        a = {e.key: e for e in (getattr(old, group) if old else [])}
        b = {e.key: e for e in (getattr(new, group) if new else [])}
        for key in [*b, *(k for k in a if k not in b)]:
            rows.append(number_row(key, group, a.get(key), b.get(key)))
    return rows


# ---------------------------------------------------------------------------------------------
# The comparison


def _verdicts(res: Results, cid: str) -> tuple[str | None, str | None, float | None]:
    c = res.claims.get(cid)
    if c is None:
        return None, None, None
    r = res.robustness.get(cid)
    return verdicts.published_verdict(res, cid), c.verdict, None if r is None else r.holds


def claim_diff(old: Build, new: Build, cid: str, released: Mapping[str, dict]) -> dict[str, Any]:
    """One claim: presence, verdicts, robustness, numbers, and the causes that reach it."""
    a, b = old.results.claims.get(cid), new.results.claims.get(cid)
    pa, oa, ha = _verdicts(old.results, cid)
    pb, ob, hb = _verdicts(new.results, cid)
    runs_a, runs_b = runs_of(old, cid), runs_of(new, cid)
    stems = sorted(set(runs_a) | set(runs_b))
    roles = {s: role_of(new if s in runs_b else old, s) for s in stems}
    # a source reaches the claim if the claim names it, or if its runs read another release's
    # file of it (the manifest's data files, old against new)
    swapped = {
        _source_of(p)
        for s in stems
        for p in set((runs_a.get(s) or {}).get("data_files", []))
        ^ set((runs_b.get(s) or {}).get("data_files", []))
    }
    named = {*(a.sources if a else []), *(b.sources if b else [])}
    reaching = {s: released[s] for s in sorted(named | swapped) if s in released}
    every_role = list(dict.fromkeys(roles.values())) or ["its verdict and numbers"]
    causes: list[dict[str, Any]] = [
        {"kind": "release", "what": r["name"], "old": r["old"], "new": r["new"],
         "reaches": list(every_role)}
        for r in reaching.values()
    ]  # fmt: skip
    files = (old.manifest.get("data_files", {}), new.manifest.get("data_files", {}))
    for stem in stems:
        for c in run_causes(runs_a.get(stem), runs_b.get(stem), files, set(reaching)):
            same = next((x for x in causes if _same(x, c)), None)
            if same is None:
                causes.append({**c, "reaches": [roles[stem]]})
            elif roles[stem] not in same["reaches"]:
                same["reaches"].append(roles[stem])
    rows = numbers(a, b)
    moved = (
        a is None
        or b is None
        or pa != pb
        or oa != ob
        or not _close(ha, hb)
        or any(r["moved"] for r in rows)
    )
    return {
        "id": cid,
        "title": (b or a).title,  # type: ignore[union-attr]
        "in": "both" if a and b else "old only" if a else "new only",
        "verdict": {"old": pa, "new": pb, "moved": pa != pb},
        "own_verdict": {"old": oa, "new": ob, "moved": oa != ob},
        "robustness": {"old": ha, "new": hb, "moved": not _close(ha, hb)},
        "numbers": rows,
        "moved": moved,
        "causes": causes,
        "unexplained": moved and not causes,
    }


def _same(x: Mapping[str, Any], y: Mapping[str, Any]) -> bool:
    return all(x.get(k) == y.get(k) for k in ("kind", "what", "old", "new"))


def _side(build: Build) -> dict[str, Any]:
    brief = build.results.brief
    extra = brief.model_extra or {}
    return {
        "path": build.shown,
        "name": brief.name,
        "title": brief.title,
        "as_of": extra.get("as_of") and text.long_date(str(extra["as_of"])),
        "code_version": brief.code_version,
        "data_version": brief.data_version,
    }


def compare(old: Build, new: Build) -> dict[str, Any]:
    """The whole diff, as plain data (:func:`as_json` prints it)."""
    released = changed_releases(old.results, new.results)
    ids = sorted(set(old.results.claims) | set(new.results.claims), key=claim_order)
    claims = [claim_diff(old, new, cid, released) for cid in ids]
    params = changed_params(old.results.brief.params, new.results.brief.params)
    code = old.results.brief.code_version != new.results.brief.code_version
    data = old.results.brief.data_version != new.results.brief.data_version
    rows = [r for c in claims for r in c["numbers"]]
    summary = {
        "claims": len(claims),
        "claims_moved": sum(c["moved"] for c in claims),
        "verdicts_moved": sum(c["verdict"]["moved"] for c in claims),
        "numbers": len(rows),
        "numbers_moved": sum(r["moved"] for r in rows),
        "only_old": [c["id"] for c in claims if c["in"] == "old only"],
        "only_new": [c["id"] for c in claims if c["in"] == "new only"],
    }
    inputs = {"parameters": params, "releases": list(released.values()), "code": code, "data": data}
    nothing = not summary["claims_moved"] and not params and not released and not code
    return {
        "old": _side(old),
        "new": _side(new),
        "identical": nothing and not data,
        "summary": summary,
        "inputs": inputs,
        "claims": claims,
    }


def as_json(d: Mapping[str, Any]) -> str:
    return dump_json(d)


def diff_builds(old: str | Path, new: str | Path) -> dict[str, Any]:
    """:func:`compare` of two build folders, each read (or refused) first."""
    return compare(read_build(old), read_build(new))


def markdown(d: Mapping[str, Any], *, heading: int = 3) -> str:
    """The diff as Markdown for the site (every value escaped; ``heading``: the level of each
    claim's heading)."""
    return render(
        environment(),
        "diff.md.j2",
        d=d,
        claims=[_shown_claim(c) for c in d["claims"]],
        hashes=Markup("#" * heading),
        label=label,
    )


def label(words: str) -> Markup:
    """A cell's column name, shown on a phone where a table is one card per row
    (``.cell-label``: hidden on a wide screen, where the header says it)."""
    return Markup(f"[{text.md(words)}:]{{.cell-label}} ")


def _shown_claim(c: Mapping[str, Any]) -> dict[str, Any]:
    """What the template prints of one claim: its verdicts as badges and causes in words."""

    def pair(v: Mapping[str, Any]) -> Any:
        old, new = (badge(x or NOT_COMPUTED) for x in (v["old"], v["new"]))
        return {"old": old, "new": new, "moved": v["moved"]}

    holds = c["robustness"]
    return {
        **c,
        "verdict": pair(c["verdict"]),
        "own": pair(c["own_verdict"]),
        "holds": None
        if holds["old"] is None and holds["new"] is None
        else {
            "old": "none" if holds["old"] is None else text.percent(holds["old"]),
            "new": "none" if holds["new"] is None else text.percent(holds["new"]),
            "moved": holds["moved"],
        },
        "flag": Markup("*flipped*") if c["verdict"]["moved"] and c["in"] == "both" else "",
        "moved_rows": [r for r in c["numbers"] if r["moved"]],
        "still": sum(not r["moved"] for r in c["numbers"]),
        "why": [cause_words(x) for x in c["causes"]],
    }


KIND_WORDS = {
    "release": "release of",
    "parameter": "parameter",
    "data": "data file",
    "code": "code",
    "notebook": "notebook",
    "run": "run",
}


def cause_words(c: Mapping[str, Any]) -> str:
    """One cause in words: 'release of IMF World Economic Outlook: October 2021 → October 2025
    (reaches its verdict and numbers, its robustness)'."""
    head = f"{KIND_WORDS.get(c['kind'], c['kind'])} {c['what']}"
    if c["kind"] in ("release", "parameter"):
        body = f"{c['old']} → {c['new']}"
    elif c["kind"] == "data" and c["old"] == c["new"]:
        body = "revised (same file, new content)"
    else:
        body = c["new"]
    return f"{head}: {body} (reaches {', '.join(c['reaches'])})"


def summary_line(d: Mapping[str, Any]) -> str:
    """The diff in one sentence (the CLI prints it after the document)."""
    s = d["summary"]
    if d["identical"]:
        return "nothing changed: the same inputs give the same verdicts and numbers"
    return (
        f"{s['verdicts_moved']} of {s['claims']} published verdicts moved, "
        f"{s['numbers_moved']} of {s['numbers']} numbers"
    )


def labels_of(builds: Sequence[Build]) -> list[str]:
    return [b.results.brief.name for b in builds]
