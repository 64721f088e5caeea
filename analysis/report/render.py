"""Render briefs with Quarto, each in an isolated copy of the project, and assemble the site.

Quarto renders of one project folder race on shared output (``site_libs``, temporary files), so
every brief is rendered in its own temporary copy holding only the Quarto sources (``_quarto.yml``,
the pages, ``report/``) plus the fragments generated from that brief's ``_build/<brief>/``. The
copy's ``_quarto.yml`` has no ``pre-render``: the compute stage and the fragments already ran.
The rendered ``_site/`` of the copy is then moved into the real site: ``_site/`` for the default
brief (keeping ``_site/briefs/``), ``_site/briefs/<name>/`` for the others.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from analysis import paths
from analysis.errors import BriefError
from analysis.report.compare import DEFAULT_BRIEF, BriefEntry, compare_md
from analysis.report.fragments import GENERATED, _write, write_fragments
from analysis.report.results import load_results

# What a render needs from the project (everything else stays behind).
PAGES = ("index.qmd", "compare.qmd")
REPORT_DIR = "report"
EXTENSIONS = "_extensions"  # the `brief` shortcode that reads the generated fragments
SKIP_IN_REPORT = (GENERATED, "files", ".gen-*", ".files-*", "*_files", ".quarto")

INSTALL_HINT = (
    "To render it, install Quarto: create the conda environment from environment.yml (it "
    "includes quarto), or use the installer from https://quarto.org/docs/get-started/, or "
    "`pip install quarto-cli` into the environment; then run the same command again."
)


def find_quarto() -> str | None:
    """``quarto`` on PATH, else the one ``pip install quarto-cli`` put beside this Python."""
    found = shutil.which("quarto")
    if found:
        return found
    beside = Path(sys.executable).parent / "quarto"
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


def missing_quarto_message(where: str) -> str:
    return (
        f"quarto is not on PATH, so the brief was computed but not rendered. Built in {where}: "
        "charts/ (Vega-Lite, SVG, PNG), tables/ (CSV), results.json (every measure and verdict), "
        "notebooks/ (executed notebooks), params.json and manifest.json; the report fragments "
        f"were generated and checked. {INSTALL_HINT}"
    )


def brief_name(params_path: Path) -> str:
    """The brief's name as the params schema resolves it (``name`` key, else the file's stem)."""
    from analysis.params import load_params

    return load_params(params_path).name


def compute(params_path: Path, overrides: Sequence[str] = ()) -> Path:
    """Run the compute stage through the pipeline's API; returns ``_build/<brief>/``."""
    try:
        from analysis.pipeline.build import run_brief  # type: ignore[import-not-found]
    except ImportError:
        raise BriefError(
            "analysis.pipeline.build: run_brief not available, expected the compute stage "
            "(docs/contracts.md section 4)"
        ) from None
    return Path(run_brief(params_path, overrides))


def built_entries(build_root: Path, names: Iterable[str] | None = None) -> list[BriefEntry]:
    """Results of every built brief (or of ``names``) for the comparison page."""
    entries = []
    dirs = (
        [build_root / n for n in names]
        if names is not None
        else sorted(
            p
            for p in build_root.glob("*")
            if not p.name.startswith((".", "_")) and (p / "results.json").is_file()
        )
    )
    for d in dirs:
        entries.append(BriefEntry(load_results(d)))
    return entries


def _quarto_yml_without_prerender(src: Path) -> str:
    config = yaml.safe_load(src.read_text(encoding="utf-8"))
    config.get("project", {}).pop("pre-render", None)
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def prepare_project(
    dest: Path,
    build: Path,
    *,
    root: Path | None = None,
    entries: Sequence[BriefEntry] = (),
    datapackage: Path | None = None,
) -> Path:
    """Make ``dest`` a renderable copy of the project for one build. Returns ``dest``."""
    root = root or paths.project_root()
    datapackage = datapackage or paths.data_dir() / "datapackage.json"
    dest.mkdir(parents=True, exist_ok=True)
    _write(dest / "_quarto.yml", _quarto_yml_without_prerender(root / "_quarto.yml"))
    for profile in sorted(root.glob("_quarto-*.yml")):
        shutil.copyfile(profile, dest / profile.name)
    for page in PAGES:
        if (root / page).is_file():
            shutil.copyfile(root / page, dest / page)
    shutil.copytree(root / EXTENSIONS, dest / EXTENSIONS, dirs_exist_ok=True)
    shutil.copytree(
        root / REPORT_DIR,
        dest / REPORT_DIR,
        ignore=shutil.ignore_patterns(*SKIP_IN_REPORT),
        dirs_exist_ok=True,
    )
    write_fragments(build, dest / REPORT_DIR, datapackage)
    # Links on the comparison page lead from this brief's site root to the whole site's root.
    site_root = "" if build.name == DEFAULT_BRIEF else "../../"
    write_compare(dest / REPORT_DIR / GENERATED / "compare.md", entries, site_root)
    return dest


def write_compare(path: Path, entries: Sequence[BriefEntry], site_root: str = "") -> None:
    _write(path, compare_md(entries, site_root))


def run_quarto(quarto: str, project: Path) -> Path:
    """``quarto render`` the project copy; returns its output folder."""
    proc = subprocess.run(
        [quarto, "render", str(project)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        tail = " ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
        raise BriefError(f"quarto render failed (exit {proc.returncode}): {tail}")
    out = project / "_site"
    if not (out / "index.html").is_file():
        raise BriefError(f"{out}/index.html: not produced by quarto render, expected the site page")
    return out


def install_site(rendered: Path, site: Path, name: str) -> Path:
    """Move one rendered brief into the site; replaced only once complete."""
    site.parent.mkdir(parents=True, exist_ok=True)
    if name == DEFAULT_BRIEF:
        old_briefs = site / "briefs"
        if old_briefs.is_dir() and not (rendered / "briefs").exists():
            shutil.copytree(old_briefs, rendered / "briefs")
        target = site
    else:
        target = site / "briefs" / name
        target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.new")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(rendered, staged)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def render_build(
    build: Path,
    *,
    entries: Sequence[BriefEntry] = (),
    quarto: str | None = None,
    root: Path | None = None,
) -> Path:
    """Render one computed build into a temporary project copy; returns the copy's ``_site``.

    The caller removes ``rendered.parent`` (the temporary copy) when done.
    """
    tmp = Path(tempfile.mkdtemp(prefix=f"brief-{build.name}-"))
    try:
        project = prepare_project(tmp / "project", build, root=root, entries=entries)
        quarto = quarto or find_quarto()
        if quarto is None:
            raise BriefError(missing_quarto_message(f"{build}/"))
        return run_quarto(quarto, project)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def render_one(params_path: Path, overrides: Sequence[str] = ()) -> Path:
    """``brief render``: compute, generate fragments, render in isolation, install in the site."""
    build = compute(params_path, overrides)
    entries = built_entries(build.parent)
    rendered = render_build(build, entries=entries)
    try:
        return install_site(rendered, paths.site_dir(), build.name)
    finally:
        shutil.rmtree(rendered.parent.parent, ignore_errors=True)


def render_all(
    params_files: Sequence[Path] | None = None,
    *,
    jobs: int = 1,
    computer: Callable[[Path], Path] | None = None,
) -> Path:
    """``brief site``: every brief in params/, the comparison page, one new ``_site/``."""
    files = sorted(params_files or paths.params_dir().glob("*.yml"))
    if not files:
        raise BriefError(f"{paths.params_dir()}: no *.yml, expected at least params/default.yml")
    builds = [(computer or compute)(p) for p in files]
    names = [b.name for b in builds]
    if DEFAULT_BRIEF not in names:
        raise BriefError(f"{paths.params_dir()}: no brief named 'default', expected the flagship")
    entries = built_entries(builds[0].parent, names)
    quarto = find_quarto()
    if quarto is None:
        # Generate and check every brief's fragments so errors surface even without Quarto.
        for b in builds:
            with tempfile.TemporaryDirectory() as tmp:
                prepare_project(Path(tmp), b, entries=entries)
        where = ", ".join(f"{b}/" for b in builds)
        raise BriefError(missing_quarto_message(where))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        rendered = list(pool.map(lambda b: render_build(b, entries=entries, quarto=quarto), builds))
    try:
        staging = Path(tempfile.mkdtemp(prefix="brief-site-"))
        site_new = staging / "_site"
        shutil.copytree(rendered[names.index(DEFAULT_BRIEF)], site_new)
        for name, out in zip(names, rendered, strict=True):
            if name != DEFAULT_BRIEF:
                shutil.copytree(out, site_new / "briefs" / name)
        _write(
            site_new / "briefs.json",
            json.dumps({"briefs": sorted(names)}, indent=2, sort_keys=True) + "\n",
        )
        site = paths.site_dir()
        shutil.rmtree(site.with_name("._site.new"), ignore_errors=True)
        shutil.copytree(site_new, site.with_name("._site.new"))
        old = site.with_name("._site.old")
        shutil.rmtree(old, ignore_errors=True)
        if site.exists():
            os.replace(site, old)
        os.replace(site.with_name("._site.new"), site)
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        return site
    finally:
        for out in rendered:
            shutil.rmtree(out.parent.parent, ignore_errors=True)


def fragments_for_prerender(root: Path | None = None) -> Path:
    """Quarto pre-render step: fragments of the brief ``brief run`` just computed, in place."""
    from analysis.pipeline.build import default_params_path

    root = root or paths.project_root()
    params_path = default_params_path(root)
    build = paths.build_dir() / brief_name(params_path)
    write_fragments(build, root / REPORT_DIR, paths.data_dir() / "datapackage.json")
    write_compare(root / REPORT_DIR / GENERATED / "compare.md", built_entries(paths.build_dir()))
    return build
