"""Render briefs with Quarto, each in an isolated copy of the project, cached, into one site.

The site is made of *parts*, each rendered by Quarto in its own temporary copy of the project
(renders of one folder race on ``site_libs`` and temporary files):

- one part per brief: its ``index.qmd`` and ``report/brief.qmd`` with the fragments generated
  from its ``_build/<brief>/``; the flagship sits at the site root, the others under
  ``briefs/<name>/``;
- the comparison page (``compare.qmd``), rendered alone, at the site root: it depends on every
  brief, so keeping it out of the brief parts means a change to one brief re-renders only that
  brief and this page.

A copy's ``_quarto.yml`` has no ``pre-render`` (the compute stage and the fragments already
ran), renders only its part's pages, and points navbar entries for pages of other parts at their
place in the site. Each part's rendered output is cached in ``_build/_render/<part>/`` under a
key: the SHA-256 of every file of the prepared copy plus the Quarto version. An unchanged part
is not rendered again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from analysis import paths
from analysis.errors import BriefError, clip
from analysis.files import dump_json, sha256_text, swap_dir, tree_digest, write_text
from analysis.pipeline.editions import is_edition
from analysis.publish.compare import DEFAULT_BRIEF, BriefEntry, write_compare
from analysis.publish.editions import write_editions
from analysis.publish.fragments import FILES, GENERATED, read_build, write_fragments
from analysis.tmpdirs import TmpFolder, remove_stale

# What a render needs from the project (everything else stays behind).
PAGES = ("index.qmd", "compare.qmd", "editions.qmd")
BRIEF_PAGES = ("index.qmd", "report/brief.qmd")
COMPARE_PAGES = ("compare.qmd", "editions.qmd")  # and the editions page: every build
COMPARE = "_compare"  # the comparison page's part (no brief name starts with "_")
SITE_STAGING = "._site-"  # the site's staging folder, beside _site/ (one rename from its place)
REPORT_DIR = "report"
EXTENSIONS = "_extensions"  # the `brief` shortcode that reads the generated fragments
SKIP_IN_REPORT = (
    GENERATED,
    "files",
    ".gen-*",
    ".files-*",
    "*_files",
    ".quarto",
    "prerender.py",
    "claims",
)
CACHE_VERSION = "1"

INSTALL_HINT = (
    "To render it, install Quarto: create the conda environment from environment.yml (it "
    "includes quarto), or use the installer from https://quarto.org/docs/get-started/, or "
    "`pip install quarto-cli` into the environment; then run the same command again."
)

Log = Callable[[str], None]


def _silent(_line: str) -> None:
    return None


def find_quarto() -> str | None:
    """``quarto`` on PATH, else the one ``pip install quarto-cli`` put beside this Python."""
    found = shutil.which("quarto")
    if found:
        return found
    beside = Path(sys.executable).parent / "quarto"
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


@cache
def quarto_version(quarto: str) -> str:
    proc = subprocess.run([quarto, "--version"], capture_output=True, text=True, check=False)
    return proc.stdout.strip() or f"unknown (exit {proc.returncode})"


def missing_quarto_message(where: str) -> str:
    return (
        f"quarto is not on PATH, so the brief was computed but not rendered. Built in {where}: "
        "charts/ (Vega-Lite, SVG, PNG), tables/ (CSV), results.json (every measure and verdict), "
        "notebooks/ (executed notebooks), params.json and manifest.json; the report fragments "
        f"were generated and checked. {INSTALL_HINT}"
    )


def compute(params_path: Path, overrides: Sequence[str] = ()) -> Path:
    """Run the compute stage; returns ``_build/<brief>/``."""
    from analysis.pipeline.build import run_brief

    return Path(run_brief(params_path, overrides))


def built_entries(build_root: Path, names: Iterable[str] | None = None) -> list[BriefEntry]:
    """Results of ``names`` (each must read), or of every brief built in ``build_root`` for the
    comparison page: one that no longer reads (built by an earlier version of the code) is left
    off with a warning naming it and how to rebuild it, not an error in another brief's
    render."""
    if names is not None:
        return [BriefEntry(read_build(build_root / n)) for n in names]
    entries = []
    for d in sorted(build_root.glob("*")):
        if d.name.startswith((".", "_")) or is_edition(d.name):  # editions: their own page
            continue
        if not (d / "results.json").is_file():
            continue
        try:
            entries.append(BriefEntry(read_build(d)))
        except BriefError as exc:
            sys.stderr.write(
                f"warning: _build/{d.name}/ left off the comparison page: {clip(str(exc), 160)}; "
                f"run `brief run params/{d.name}.yml` to build it again\n"
            )
    return entries


# ---------------------------------------------------------------------------------------------
# Parts and their project copies


@dataclass(frozen=True)
class Part:
    """One Quarto render of the site: a brief's pages, or the comparison page."""

    name: str
    build: Path | None  # _build/<brief>/ for a brief, None for the comparison page

    @property
    def pages(self) -> tuple[str, ...]:
        return COMPARE_PAGES if self.build is None else BRIEF_PAGES

    @property
    def site_path(self) -> str:
        """Where the part's pages sit in the site, relative to its root ('' = the root)."""
        if self.build is None or self.name == DEFAULT_BRIEF:
            return ""
        return f"briefs/{self.name}/"

    @property
    def to_site_root(self) -> str:
        return "../" * self.site_path.count("/")


def brief_part(build: Path) -> Part:
    return Part(build.name, build)


COMPARE_PART = Part(COMPARE, None)


def _output_of(page: str) -> str:
    return page[: -len(".qmd")] + ".html" if page.endswith(".qmd") else page


def part_config(src: Path, part: Part) -> str:
    """``_quarto.yml`` for one part: no pre-render, only its pages, links to the other parts."""
    config = yaml.safe_load(src.read_text(encoding="utf-8"))
    project = config.setdefault("project", {})
    project.pop("pre-render", None)
    project["render"] = list(part.pages)
    own = set(part.pages)
    for side in ("left", "right"):
        for item in config.get("website", {}).get("navbar", {}).get(side, []) or []:
            href = item.get("href", "") if isinstance(item, dict) else ""
            if href.endswith(".qmd") and href not in own:
                # a page of another part: the site root's copy (the flagship's pages, or the
                # comparison page), reached from this part's root
                item["href"] = part.to_site_root + _output_of(href)
            elif href and not href.endswith(".qmd") and part.build is None:
                item["href"] = _output_of(href)  # the flagship's PDF, from the site root
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


#: Every page of the site, in whichever part renders it.
ALL_PAGES = (*BRIEF_PAGES, *COMPARE_PAGES)
_PAGE_LINK = re.compile(r"(\]\(<?)([^)\s#>]+\.qmd)(?=[#)>\s])")


def link_other_parts(text: str, page: str, part: Part) -> str:
    """A page's Markdown links to pages another part renders (the landing page's link to
    ``compare.qmd``, rendered alone) pointed at where that page sits in the site, since Quarto
    leaves a link to a page outside its render as written (``compare.qmd``, which no server has).
    Links to the part's own pages stay for Quarto to resolve."""
    here = posixpath.dirname(page)
    up = part.to_site_root + "../" * page.count("/")

    def point(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(here, m[2]))
        if target in part.pages or target not in ALL_PAGES:
            return m[0]
        return f"{m[1]}{up}{_output_of(target)}"

    return _PAGE_LINK.sub(point, text)


def prepare_project(
    dest: Path,
    build: Path | None,
    *,
    root: Path | None = None,
    entries: Sequence[BriefEntry] = (),
    datapackage: Path | None = None,
) -> Path:
    """Make ``dest`` a renderable copy of the project for one part. Returns ``dest``.

    ``build`` is the brief's ``_build/<brief>/``; None prepares the comparison page of
    ``entries``.
    """
    root = root or paths.project_root()
    datapackage = datapackage or paths.data_dir() / "datapackage.json"
    part = COMPARE_PART if build is None else brief_part(build)
    dest.mkdir(parents=True, exist_ok=True)
    write_text(dest / "_quarto.yml", part_config(root / "_quarto.yml", part))
    for profile in sorted(root.glob("_quarto-*.yml")):
        shutil.copyfile(profile, dest / profile.name)
    shutil.copytree(root / EXTENSIONS, dest / EXTENSIONS, dirs_exist_ok=True)
    shutil.copytree(
        root / REPORT_DIR,
        dest / REPORT_DIR,
        ignore=shutil.ignore_patterns(*SKIP_IN_REPORT, "*.qmd"),
        dirs_exist_ok=True,
    )
    for page in part.pages:  # only this part's pages: its key must not see the others
        text = (root / page).read_text(encoding="utf-8")
        write_text(dest / page, link_other_parts(text, page, part))
    if build is not None:
        write_fragments(build, dest / REPORT_DIR, datapackage, root=root)
    else:
        write_compare(
            dest / REPORT_DIR / GENERATED / "compare.md", entries, dest / REPORT_DIR / FILES
        )
        write_editions(dest / REPORT_DIR / GENERATED / "editions.md", paths.build_dir())
    return dest


# ---------------------------------------------------------------------------------------------
# Rendering, cached


def run_quarto(quarto: str, project: Path, expect: str = "index.html") -> Path:
    """``quarto render`` the project copy; returns its output folder (holding ``expect``).

    Quarto runs in a process group of its own: when the render is stopped (Ctrl-C, SIGTERM, an
    error) the whole group is ended (Quarto, and the Pandoc or Typst it started), so nothing
    goes on writing into the copy while it is removed."""
    with subprocess.Popen(
        [quarto, "render", str(project)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as child:
        try:
            out, err = child.communicate()
        except BaseException:
            _end_group(child)
            raise
    proc = subprocess.CompletedProcess(child.args, child.returncode, out, err)
    if proc.returncode != 0:
        tail = " ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
        raise BriefError(f"quarto render failed (exit {proc.returncode}): {tail}")
    out = project / "_site"
    if not (out / expect).is_file():
        raise BriefError(f"{out}/{expect}: not produced by quarto render, expected the site page")
    return out


def _end_group(child: subprocess.Popen[str]) -> None:
    """End a child's process group: SIGTERM, then SIGKILL what is left after five seconds."""
    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, sig)
        try:
            child.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def render_key(project: Path, quarto: str) -> str:
    """What a part's rendered output depends on: every file of its copy, Quarto, the profile."""
    inputs = {
        "cache": CACHE_VERSION,
        "files": tree_digest(project),
        "quarto": quarto_version(quarto),
        "profile": os.environ.get("QUARTO_PROFILE", ""),
    }
    return sha256_text(json.dumps(inputs, sort_keys=True))


def cache_dir() -> Path:
    """Rendered parts, each with the key it was rendered under: ``_build/_render/<part>/``."""
    return paths.build_dir() / "_render"


def render_part(
    part: Part,
    *,
    entries: Sequence[BriefEntry],
    quarto: str,
    root: Path | None = None,
    log: Log = _silent,
) -> Path:
    """The part's rendered ``_site`` folder, from the cache when its key is unchanged."""
    cached = cache_dir() / part.name
    with workspace(paths.build_dir(), f".tmp-render-{part.name}-") as tmp:
        project = prepare_project(tmp.path / "project", part.build, root=root, entries=entries)
        key = render_key(project, quarto)
        try:
            hit = (cached / "key").read_text(encoding="utf-8").strip() == key
        except OSError:
            hit = False
        if hit and (cached / "_site").is_dir():
            log(f"  cached   {part.name}")
            return cached / "_site"
        log(f"  render   {part.name}")
        rendered = run_quarto(quarto, project, _output_of(part.pages[0]))
        with workspace(cache_dir(), f".tmp-{part.name}-") as staged:
            shutil.move(str(rendered), staged.path / "_site")
            write_text(staged.path / "key", key + "\n")
            swap_dir(staged.path, cached)
    return cached / "_site"


def workspace(folder: Path, prefix: str) -> TmpFolder:
    """A temporary folder in ``folder`` owned by this process (:class:`TmpFolder`): removed when
    the ``with`` block ends, whatever ends it, and by the next render if this one is killed."""
    folder.mkdir(parents=True, exist_ok=True)
    return TmpFolder(folder, prefix)


def clean_leftovers(root: Path | None = None) -> None:
    """What renders killed outright left: their project copies and staging folders in
    ``_build/`` and ``_build/_render/``, the site's staging folder beside ``_site/``."""
    root = root or paths.project_root()
    remove_stale(paths.build_dir())
    remove_stale(cache_dir())
    remove_stale(root, SITE_STAGING, olds=f".old-{paths.site_dir().name}-")


# ---------------------------------------------------------------------------------------------
# The site


def _merge_search(into: Path, other: Path, pages: Sequence[str]) -> None:
    """Quarto's search index of the site root: the flagship's pages, then the comparison's
    (any earlier entries of the comparison's ``pages`` replaced)."""
    a, b = into / "search.json", other / "search.json"
    if not b.is_file():
        return
    items: list[Any] = json.loads(a.read_text(encoding="utf-8")) if a.is_file() else []
    items = [i for i in items if str(i.get("href", "")).split("#")[0] not in pages]
    items += json.loads(b.read_text(encoding="utf-8"))
    write_text(a, json.dumps(items, ensure_ascii=False, separators=(",", ":")))


def add_compare(site: Path, compare: Path) -> None:
    """Put the rendered comparison page (and what only it needs) into a site folder."""
    own = {_output_of(p) for p in COMPARE_PAGES}
    for path in sorted(compare.rglob("*")):
        rel = path.relative_to(compare)
        if path.is_dir() or rel.as_posix() == "search.json":
            continue
        dest = site / rel
        if dest.exists() and rel.as_posix() not in own:
            # the flagship's own file wins: its index.html (Quarto writes a redirect page
            # into a project without one), and the same libraries the brief's render wrote
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    _merge_search(site, compare, [_output_of(p) for p in COMPARE_PAGES])


def _install(staging: Path, site: Path) -> Path:
    """Replace ``_site`` by the staged folder, in one rename."""
    swap_dir(staging, site)
    return site


def assemble(rendered: dict[str, Path], compare: Path, names: Sequence[str]) -> Path:
    """A complete site in a staging folder beside ``_site``: flagship, comparison, the others."""
    site = paths.site_dir()
    with workspace(site.parent, SITE_STAGING) as holder:
        staging = holder.path / "_site"
        shutil.copytree(rendered[DEFAULT_BRIEF], staging)
        add_compare(staging, compare)
        for name in names:
            if name != DEFAULT_BRIEF:
                shutil.copytree(rendered[name], staging / "briefs" / name)
        write_text(staging / "briefs.json", dump_json({"briefs": sorted(names)}))
        return _install(staging, site)


def _require_quarto(builds: Sequence[Path], entries: Sequence[BriefEntry]) -> str:
    quarto = find_quarto()
    if quarto is None:
        # Generate and check every part's fragments so errors surface even without Quarto.
        for b in [*builds, None]:
            with workspace(paths.build_dir(), ".tmp-check-") as tmp:
                prepare_project(tmp.path, b, entries=entries)
        where = ", ".join(f"{b}/" for b in builds)
        raise BriefError(missing_quarto_message(where))
    return quarto


def render_one(params_path: Path, overrides: Sequence[str] = (), log: Log = _silent) -> Path:
    """``brief render``: compute one brief, render it (and the comparison page), install it.

    The flagship replaces the site's root pages (the alternatives under ``briefs/`` stay); an
    alternative replaces ``briefs/<name>/``. The comparison page is refreshed either way.
    """
    build = compute(params_path, overrides)
    clean_leftovers()
    entries = built_entries(build.parent)
    quarto = _require_quarto([build], entries)
    own = render_part(brief_part(build), entries=entries, quarto=quarto, log=log)
    compare = render_part(COMPARE_PART, entries=entries, quarto=quarto, log=log)
    site = paths.site_dir()
    with workspace(site.parent, SITE_STAGING) as holder:
        staging = holder.path / "_site"
        if build.name == DEFAULT_BRIEF:
            shutil.copytree(own, staging)
            if (site / "briefs").is_dir():
                shutil.copytree(site / "briefs", staging / "briefs")
            if (site / "briefs.json").is_file():
                shutil.copyfile(site / "briefs.json", staging / "briefs.json")
        else:
            if site.is_dir():
                shutil.copytree(site, staging, symlinks=True)
                shutil.rmtree(staging / "briefs" / build.name, ignore_errors=True)
            shutil.copytree(own, staging / "briefs" / build.name)
        add_compare(staging, compare)
        _install(staging, site)
    return site if build.name == DEFAULT_BRIEF else site / "briefs" / build.name


def render_all(
    params_files: Sequence[Path] | None = None,
    *,
    jobs: int = 1,
    computer: Callable[[Path], Path] | None = None,
    log: Log = _silent,
) -> Path:
    """``brief site``: every brief in params/, the comparison page, one new ``_site/``."""
    from analysis.pipeline.batch import validate_batch

    files = sorted(params_files or paths.params_dir().glob("*.yml"))
    if not files:
        raise BriefError(f"{paths.params_dir()}: no *.yml, expected at least params/default.yml")
    validate_batch(files, ())  # every file valid and one name each, every problem at once
    builds = [(computer or compute)(p) for p in files]
    if computer is None:  # the editions page's builds (cached like any brief's)
        from analysis.pipeline.editions import build_editions

        build_editions()
    clean_leftovers()
    names = [b.name for b in builds]
    if DEFAULT_BRIEF not in names:
        raise BriefError(f"{paths.params_dir()}: no brief named 'default', expected the flagship")
    entries = built_entries(builds[0].parent, names)
    quarto = _require_quarto(builds, entries)
    parts = [*(brief_part(b) for b in builds), COMPARE_PART]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outs = list(
            pool.map(
                lambda p: render_part(p, entries=entries, quarto=quarto, log=log),
                parts,
            )
        )
    rendered = dict(zip([p.name for p in parts], outs, strict=True))
    return assemble(rendered, rendered[COMPARE], names)


def fragments_for_prerender(root: Path | None = None) -> Path:
    """Quarto pre-render step: fragments of the brief ``brief run`` just computed, in place."""
    from analysis.pipeline.build import default_params_path, load_brief_params

    root = root or paths.project_root()
    build = paths.build_dir() / load_brief_params(default_params_path(root)).name
    write_fragments(build, root / REPORT_DIR, paths.data_dir() / "datapackage.json")
    entries = [  # a plain render renders the flagship's pages only: the others are not linked
        dataclasses.replace(e, rendered=e.name == build.name)
        for e in built_entries(paths.build_dir())
    ]
    write_compare(root / REPORT_DIR / GENERATED / "compare.md", entries, root / REPORT_DIR / FILES)
    write_editions(root / REPORT_DIR / GENERATED / "editions.md", paths.build_dir())
    return build
