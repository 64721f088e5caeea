"""``brief data check``: every curated file matches datapackage.json, validates, and (when the raw
folder exists) every raw file still has the SHA-256 recorded at curation. It also reports, without
failing, every bilateral flow-year on which two trade sources disagree
(:mod:`analysis.data.crosscheck`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from analysis.data.curate import HAND_FILES, PACKAGE
from analysis.data.load import resources
from analysis.errors import BriefError
from analysis.files import sha256_file

REBUILD = "`brief data curate` rebuilds it"


def read_package(data_dir: Path) -> dict:
    p = data_dir / PACKAGE
    if not p.is_file():
        raise BriefError(f"data/{PACKAGE}: missing; {REBUILD}")
    try:
        return json.loads(p.read_text("utf-8"))
    except ValueError as exc:
        raise BriefError(f"data/{PACKAGE}: not valid JSON ({exc}); {REBUILD}") from None


def verify_curated(data_dir: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every resource, each checked against its recorded hash."""
    pkg = read_package(data_dir)
    listed = resources(pkg)
    unlisted = sorted(
        p.relative_to(data_dir).as_posix()
        for p in data_dir.rglob("*.csv")
        if not any(part.startswith(".") for part in p.relative_to(data_dir).parts)
        and p.relative_to(data_dir).as_posix() not in {r["path"] for r in listed}
    )
    if unlisted:
        raise BriefError(
            f"data/{unlisted[0]}: not listed in data/{PACKAGE} ({len(unlisted)} curated file(s) "
            f"unlisted); expected every curated CSV listed with its hash; {REBUILD}"
        )
    out = {}
    for res in listed:
        rel = res["path"]
        p = data_dir / rel
        if not p.is_file():
            raise BriefError(f"data/{rel}: missing; {REBUILD}")
        digest = sha256_file(p)
        recorded = str(res.get("hash", "")).removeprefix("sha256:")
        if digest != recorded and rel in HAND_FILES:
            raise BriefError(
                f"data/{rel}: SHA-256 {digest[:16]}… differs from {recorded[:16]}… recorded in "
                f"data/{PACKAGE}; a hand-curated table changed: run `brief data curate` to "
                "validate it and record its checksum"
            )
        if digest != recorded:
            raise BriefError(
                f"data/{rel}: SHA-256 {digest[:16]}… differs from {recorded[:16]}… recorded in "
                f"data/{PACKAGE}; expected the curated file unchanged (edited by hand? {REBUILD})"
            )
        out[rel] = digest
    out[PACKAGE] = sha256_file(data_dir / PACKAGE)
    return dict(sorted(out.items()))


def provenance_sources(pkg: dict) -> list[dict]:
    """The ``provenance.sources`` records of datapackage.json (see ``curate.datapackage``)."""
    prov = pkg.get("provenance")
    sources = prov.get("sources") if isinstance(prov, dict) else None
    if not isinstance(sources, list):
        raise BriefError(
            f"data/{PACKAGE}: key 'provenance.sources' missing; expected a list of source "
            f"records; {REBUILD}"
        )
    return sources


def verify_raw(raw_dir: Path, pkg: dict, key: str = "raw_files") -> int:
    """Check every raw file's SHA-256 against datapackage.json; returns how many were checked.
    ``key="vintage_files"`` checks the earlier releases' files (``raw_dir``: the vintages
    folder) instead."""
    n = 0
    for i, src in enumerate(provenance_sources(pkg)):
        files = src.get(key, []) if isinstance(src, dict) else None
        if not isinstance(files, list) or not all(
            isinstance(f, dict) and isinstance(f.get("path"), str) and "sha256" in f for f in files
        ):
            raise BriefError(
                f"data/{PACKAGE}: provenance.sources[{i}] is not an object whose {key} each "
                f"have a path and a sha256; {REBUILD}"
            )
        for f in files:
            p = raw_dir / f["path"]
            if not p.is_file():
                raise BriefError(f"{p}: raw file of source {src.get('id')!r} missing")
            digest = sha256_file(p)
            if digest != f["sha256"]:
                raise BriefError(
                    f"{p}: SHA-256 {digest[:16]}… differs from {f['sha256'][:16]}… recorded for "
                    f"source {src.get('id')!r} in data/{PACKAGE}; expected the raw file curated "
                    "(re-run `brief data curate` after checking the new file)"
                )
            n += 1
    return n


def check(
    data_dir: Path,
    raw_dir: Path | None,
    echo: Callable = print,
    vintages_dir: Path | None = None,
) -> None:
    from analysis.data import load

    for left in leftovers(data_dir):
        echo(
            f"note: data/{left}: a temporary folder of a curation that was stopped (or is "
            "running now); not curated data; the next `brief data curate` removes it"
        )
    files = verify_curated(data_dir)
    pkg = read_package(data_dir)
    tables = sorted({r.get("table") or r["path"].removesuffix(".csv") for r in resources(pkg)})
    for name in tables:
        df = load.load_table(name)
        echo(f"{name}: {len(df):,} rows valid")
    echo(f"{len(files) - 1} curated files match data/{PACKAGE}")
    if "bilateral_trade" in tables:
        report_disagreements(load.load_table("bilateral_trade"), echo)
    if raw_dir is not None and Path(raw_dir).is_dir():
        n = verify_raw(Path(raw_dir), pkg)
        echo(f"{n} raw files match their recorded SHA-256 ({raw_dir})")
    else:
        echo(f"raw data not found at {raw_dir}: raw checksums not checked")
    if vintages_dir is not None and Path(vintages_dir).is_dir():
        n = verify_raw(Path(vintages_dir), pkg, "vintage_files")
        echo(f"{n} files of earlier releases match their recorded SHA-256 ({vintages_dir})")
    elif vintages_dir is not None:
        echo(f"earlier releases not found at {vintages_dir}: their checksums not checked")


def leftovers(data_dir: Path) -> list[str]:
    """The temporary folders of curations in ``data/`` (``.tmp-curate-*``; git ignores them)."""
    return sorted(p.name for p in data_dir.glob(".tmp-*") if p.is_dir() and not p.is_symlink())


def report_disagreements(trade, echo: Callable = print) -> int:
    """Print every flow-year two trade sources put more than the factor apart; returns how many.
    A report, not a failure: the brief's ``trade_series`` rule says which source it uses."""
    from analysis.data import crosscheck as cc

    found = cc.disagreements(trade)
    echo(
        f"bilateral_trade: {len(found)} flow-year(s) where two sources differ by more than "
        f"x{cc.DISAGREEMENT_FACTOR:g} (flows of US$ {cc.MATERIAL_MIN:g} m or more; reported, "
        "not an error)"
    )
    for text in cc.lines(found):
        echo(f"  {text}")
    return len(found)
