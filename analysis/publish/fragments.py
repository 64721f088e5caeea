"""The brief's generated fragments: one build's results laid out by Jinja2 templates.

The Quarto pages in ``report/`` hold the prose that does not change between briefs; every
number, verdict, figure and source they show comes from ``report/_generated/`` (Markdown and
YAML, read by the ``{{< brief NAME >}}`` shortcode and ``metadata-files``) and ``report/files/``
(charts, data, notebooks, the offline Vega bundle), both written here from ``_build/<brief>/``
and ``data/datapackage.json`` only.

Templates: the generic ones in ``analysis/publish/templates/``; one per claim in
``report/claims/<id>.md.j2`` (the claim's section: what the report argued, what tests it, then
the computed part). Every value a template prints is escaped for Markdown (:func:`text.finalize`)
unless it is markup this module built (``Markup``). Paths inside fragments are relative to
``report/``. :func:`write_fragments` does the I/O, replacing the old folders only when every
file was written.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from analysis import paths
from analysis.errors import BriefError
from analysis.files import swap_dir, write_text
from analysis.publish import claimreview, explore, provenance, releases, text, verdicts
from analysis.publish.charthtml import SCRIPTS, scripts_html, standalone_html, vega_bundle
from analysis.publish.markup import FILES, badge, code, figure, label_of, link, pdf_width
from analysis.publish.summary import (  # noqa: F401 (the fragments' public names)
    NOT_COMPUTED,
    _title,
    bottom_line,
    parameters_line,
    robustness_rows,
    summary_context,
)
from analysis.results import Evidence, Results, claim_order, load_results
from analysis.tmpdirs import TmpFolder, remove_stale

GENERATED = "_generated"
ASSETS = Path(__file__).resolve().parents[2] / "report" / "assets"
TEMPLATES = Path(__file__).resolve().parent / "templates"
CLAIM_TEMPLATES = "report/claims"  # one per claim, relative to the project root
KEY_NUMBERS = 6  # at most this many numbers in a claim's section (the rest: appendix and CSV)


# ---------------------------------------------------------------------------------------------
# Contexts: plain data for the templates


def number_row(e: Evidence) -> dict[str, str]:
    return {"label": text.label_of(e), "value": text.value_of(e)}


SPEC_CURVE = "spec-"  # the charts of the multiverse notebook: one specification curve per claim
#: A claim's template in report/claims/: its id (letters and a number) and ``.md.j2``.
CLAIM_TEMPLATE = re.compile(r"^([A-Z]+[0-9]+)\.md\.j2$")


def template_ids(env: jinja2.Environment) -> list[str]:
    """The claims the report has a section template for (report/claims/<id>.md.j2), in order."""
    found = {m.group(1) for t in env.list_templates() if (m := CLAIM_TEMPLATE.match(t))}
    return sorted(found, key=claim_order)


def claim_ids(res: Results, env: jinja2.Environment) -> list[str]:
    """The claims a brief shows, in order: those its build computed and those the report has a
    template for (a claim with a template the build did not compute is shown as such)."""
    return sorted(set(res.claims) | set(template_ids(env)), key=claim_order)


def claim_context(
    res: Results,
    cid: str,
    specs: Mapping[str, dict[str, Any]],
    placed: set[str],
    aspects: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """One claim's section, as data (``placed`` collects charts already drawn, so a chart two
    claims share is drawn once and cross-referenced the second time)."""
    c = res.claims.get(cid)
    base = {
        "id": cid,
        "anchor": Markup(f"sec-{cid.lower()}"),  # from the claim's id, not from input
        "title": _title(res, cid),
    }
    if c is None:
        return {**base, "computed": False, "verdict": NOT_COMPUTED}
    figures, refs = [], []
    for chart_id in c.charts:
        info = res.charts[chart_id]
        if chart_id in placed:
            refs.append(Markup(f"@{label_of(chart_id, info)}"))
        else:
            placed.add(chart_id)
            figures.append(
                figure(chart_id, info, specs[chart_id], pdf_size=_size(aspects, chart_id))
            )
    shown = verdicts.published_verdict(res, cid)
    return {
        **base,
        "computed": True,
        "verdict": shown,
        "badge": badge(shown),
        "own_badge": badge(c.verdict) if shown != c.verdict else None,
        "summary": c.summary,
        "as_of_note": releases.claim_note(res, cid),
        "robustness": verdicts.robustness_sentence(res, cid),
        "figures": figures,
        "refs": refs,
        "numbers": [number_row(e) for e in c.decisive[:KEY_NUMBERS]],
        "parts": [p.model_dump() for p in c.parts],
        "untested": [p.name for p in c.parts if p.outcome == "untested"],
        "evidence": [number_row(e) for e in c.evidence],
        "assumptions": c.assumptions,
        "tables": c.tables,
    }


def _flatten(d: Mapping[str, Any], prefix: str = "", depth: int = 0) -> list[tuple[str, Any]]:
    """Parameters as (dotted key, value) rows; a claim's own group (``rules.c1``,
    ``multiverse.c1``) is one row, its settings joined, so the table stays short."""
    out: list[tuple[str, Any]] = []
    for key in sorted(d):
        value = d[key]
        if isinstance(value, Mapping) and value and (depth == 0 or not prefix.startswith(GROUPED)):
            out.extend(_flatten(value, f"{prefix}{key}.", depth + 1))
        elif isinstance(value, Mapping):
            out.append((f"{prefix}{key}", "; ".join(f"{k} {raw(v)}" for k, v in value.items())))
        else:
            out.append((f"{prefix}{key}", value))
    return out


GROUPED = ("rules.", "multiverse.")


def raw(value: Any) -> str:
    """A parameter value exactly as given (no thousands separators: seeds, years, codes)."""
    if isinstance(value, list | tuple):
        return ", ".join(raw(v) for v in value)
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def measures_context(res: Results) -> list[dict[str, str]]:
    rows = []
    for mid, m in res.measures.items():
        crossed = (
            str(m.crossover_year)
            if m.crossover_year is not None
            else (text.NA if m.ratio_latest is None else "not by the horizon")
        )
        rows.append(
            {
                "label": m.label or mid,
                "latest_year": text.NA if m.latest_year is None else str(m.latest_year),
                "ratio": text.NA if m.ratio_latest is None else f"{m.ratio_latest:.2f}",
                "crossed": crossed,
                "horizon": text.NA if m.horizon is None else str(m.horizon),
                "margin": text.NA if m.margin_at_horizon is None else f"{m.margin_at_horizon:+.2f}",
                "prob": text.NA
                if m.prob_exceed_by_horizon is None
                else text.percent(m.prob_exceed_by_horizon),
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Rendering


def environment(root: Path | None = None) -> jinja2.Environment:
    """Jinja2 with the project's templates; ``{##`` comments, since ``{#`` opens a Pandoc id."""
    root = root or paths.project_root()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(root / CLAIM_TEMPLATES), str(TEMPLATES)]),
        autoescape=False,
        finalize=text.finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters["md"] = text.md
    env.globals.update(link=link, code=code)
    return env


def render(env: jinja2.Environment, name: str, **context: Any) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound:
        raise BriefError(
            f"{name}: template not found in {CLAIM_TEMPLATES}/ or the publish layer"
        ) from None
    except jinja2.TemplateError as exc:
        raise BriefError(f"{name}: template error: {exc}") from None


def vintage_of(res: Results, datapackage: Mapping[str, Any]) -> str:
    """The date the brief's data are of: its ``as_of`` for a brief as of a date, else the data
    vintage (the latest retrieval date); it dates the PDF, so two renders agree."""
    return releases.as_of(res) or provenance.data_vintage(datapackage)


def meta_yml(res: Results, datapackage: Mapping[str, Any]) -> str:
    """The page metadata: the title (escaped: YAML metadata is read as Markdown) and the data
    vintage."""
    vintage = vintage_of(res, datapackage)
    meta = {
        "title": text.meta(res.brief.title),
        "brief-name": res.brief.name,
        "code-version": res.brief.code_version,
        "data-vintage": vintage,
    }
    return yaml.safe_dump(meta, sort_keys=True, allow_unicode=True)


def typst_header(datapackage: Mapping[str, Any], vintage: str | None = None) -> str:
    """Typst set-up of the PDF (``include-in-header`` of report/brief.qmd): its date is the data
    vintage (``vintage``: a brief's own, see :func:`vintage_of`), table cells are not
    justified, and tables (with tighter rows) and references are set a size smaller: the PDF
    keeps to its page budget (tests/test_quarto_real.py)."""
    return "\n".join(
        [
            provenance.pdf_date_typst(vintage or provenance.data_vintage(datapackage)),
            "#show table.cell: set par(justify: false)",
            "#show table: set text(size: 8.5pt)",
            "#set table(inset: (x: 4pt, y: 3pt))",
            '#set bibliography(title: "References")',
            "#show bibliography: set text(size: 8.5pt)",
            "",
        ]
    )


def _size(aspects: Mapping[str, float] | None, chart_id: str) -> str:
    return pdf_width((aspects or {}).get(chart_id))


def fragments(
    res: Results,
    specs: Mapping[str, dict[str, Any]],
    datapackage: Mapping[str, Any],
    manifest: Mapping[str, Any],
    notebooks: Sequence[str],
    env: jinja2.Environment,
    aspects: Mapping[str, float] | None = None,
    explorers: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, str]:
    """Every generated fragment, name -> text (pure: no file is read or written); ``aspects``
    (chart id -> height / width of its PNG) sizes each chart in the PDF; ``explorers`` (claim ->
    :func:`analysis.publish.explore.explorer_data`) makes each claim's multiverse explorable."""
    placed: set[str] = set()
    ids = claim_ids(res, env)
    claims = [claim_context(res, cid, specs, placed, aspects) for cid in ids]
    sections = [render(env, f"{c['id']}.md.j2", claim=c) for c in claims]
    curves = [cid for cid in res.charts if cid.startswith(SPEC_CURVE) and cid not in placed]
    placed.update(curves)
    curve_figures = {
        x: figure(x, res.charts[x], specs[x], pdf_size=_size(aspects, x)) for x in curves
    }
    own_curve = {f"{SPEC_CURVE}{cid.lower()}": cid for cid in res.robustness}
    curve_of = {  # each claim's own curve, drawn in its part of the robustness section
        own_curve[x]: f for x, f in curve_figures.items() if x in own_curve
    }
    sensitivity = []
    for cid in res.ordered():
        c = res.claims[cid]
        charts = [x for x in c.sensitivity_charts if x not in placed]
        placed.update(charts)
        if c.sensitivity or charts:
            sensitivity.append(
                {
                    "id": cid,
                    "numbers": [number_row(e) for e in c.sensitivity],
                    "figures": [
                        figure(x, res.charts[x], specs[x], pdf_size=_size(aspects, x))
                        for x in charts
                    ],
                }
            )
    leftover = [
        figure(cid, info, specs[cid], pdf_size=_size(aspects, cid))
        for cid, info in res.charts.items()
        if cid not in placed
    ]
    vintage = vintage_of(res, datapackage)
    lead = res.lead()
    headline = res.claims[lead].headline_chart if lead is not None else ""
    headline = headline if headline in res.charts else None
    out = {
        "summary": render(
            env, "summary.md.j2", **summary_context(res, ids), vintage=text.long_date(vintage)
        ),
        "landing": render(
            env,
            "summary.md.j2",
            **summary_context(res, ids, "report/brief.qmd"),
            vintage=text.long_date(vintage),
        )
        + (
            "\n" + figure(headline, res.charts[headline], specs[headline], "report/")
            if headline
            else ""
        ),
        "landing-scripts": "```{=html}\n" + scripts_html(f"report/{FILES}/") + "\n```\n",
        "claims": "\n".join(sections),
        "robustness": render(
            env,
            "robustness.md.j2",
            rows=robustness_rows(res),
            claims=explore.robustness_claims(res, curve_of, explorers or {}),
            figures=[f for x, f in curve_figures.items() if x not in own_curve],
        ),
        "sensitivity": render(
            env,
            "sensitivity.md.j2",
            measures=measures_context(res),
            lead=(lead or "").lower(),
            claims=sensitivity,
            figures=leftover,
            coalition=res.brief.params.get("coalition_label") or "coalition",
            benchmark=res.brief.params.get("benchmark_label") or "benchmark",
        ),
        "appendix": render(env, "appendix.md.j2", claims=[c for c in claims if c["computed"]]),
        "provenance": render(
            env,
            "provenance.md.j2",
            sources=provenance.sources(datapackage, lambda sid: releases.release_used(res, sid)),
            as_of=text.long_date(releases.as_of(res)) if releases.as_of(res) else "",
            params=[(k, raw(v)) for k, v in _flatten(res.brief.params)],
            brief=res.brief,
            code_version=res.brief.code_version or manifest.get("code_version") or "not recorded",
            data_version=res.brief.data_version or manifest.get("data_version") or "not recorded",
            notes=data_notes(res),
        ),
        "notebooks": render(env, "notebooks.md.j2", notebooks=list(notebooks), files=FILES),
        "scripts": "```{=html}\n"
        + scripts_html(f"{FILES}/")
        + "\n"
        + claimreview.script_html(res)
        + "\n```\n",
    }
    return {k: v if v.endswith("\n") else v + "\n" for k, v in out.items()}


# ---------------------------------------------------------------------------------------------
# I/O


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BriefError(f"{path}: not found") from None
    except json.JSONDecodeError as exc:
        raise BriefError(f"{path}: line {exc.lineno}: invalid JSON ({exc.msg})") from None


def check_results(res: Results, path: Path, env: jinja2.Environment | None = None) -> None:
    """What the report needs of a build beyond the schema: claims, each with its template in
    report/claims/, and every chart a claim places described."""
    if not res.claims:
        raise BriefError(f"{path}: key 'claims': empty, expected the claims the notebooks tested")
    templates = template_ids(env or environment())
    missing = [cid for cid in res.ordered() if cid not in templates]
    if missing:
        raise BriefError(
            f"{path}: key 'claims': no template for {', '.join(missing)}; expected "
            f"{', '.join(f'{CLAIM_TEMPLATES}/{cid}.md.j2' for cid in missing)} (a claim's section: "
            "what the report argued, what tests it)"
        )
    for cid, claim in res.claims.items():
        for chart_id in [
            *claim.charts,
            *claim.sensitivity_charts,
            *filter(None, [claim.headline_chart]),
        ]:
            if chart_id not in res.charts:
                raise BriefError(
                    f"{path}: key 'claims.{cid}.charts': chart '{chart_id}' is not described "
                    "under 'charts', expected title, caption, alt and source for it"
                )


def data_notes(res: Results) -> list[dict[str, str]]:
    """Every claim's notes on its data, once each (two claims may note the same thing), with
    the claims that note it."""
    seen: dict[tuple[str, str], list[str]] = {}
    for cid in res.ordered():
        for e in res.claims[cid].notes:
            row = number_row(e)
            seen.setdefault((row["label"], row["value"]), []).append(cid)
    return [
        {"label": label, "value": value, "claims": ", ".join(cids)}
        for (label, value), cids in seen.items()
    ]


def read_build(build: Path) -> Results:
    res = load_results(build)
    check_results(res, build / "results.json")
    return res


def chart_specs(res: Results, build: Path) -> dict[str, dict[str, Any]]:
    """Every chart's Vega-Lite spec; a missing artifact is a BriefError naming the file."""
    specs = {}
    for chart_id in res.charts:
        for ext in ("vl.json", "svg"):
            p = build / "charts" / f"{chart_id}.{ext}"
            if not p.is_file():
                raise BriefError(f"{p}: not found, expected the artifact of chart '{chart_id}'")
        csv = build / "tables" / f"{chart_id}.csv"
        if not csv.is_file():
            raise BriefError(f"{csv}: not found, expected the data behind chart '{chart_id}'")
        specs[chart_id] = _read_json(build / "charts" / f"{chart_id}.vl.json")
    return specs


SVG_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([0-9.]+)"[^>]*?\sheight="([0-9.]+)"')


def svg_aspect(path: Path) -> float:
    """Height / width of an SVG, from its root element's ``width`` and ``height`` (vl-convert
    writes both, in pixels); a broken file is one error naming it."""
    head = path.read_bytes()[:2048].decode("utf-8", errors="replace")
    found = SVG_SIZE.search(head)
    if found is None:
        raise BriefError(
            f"{path}: not an SVG image with a width and height, expected the chart's static picture"
        )
    width, height = float(found[1]), float(found[2])
    if not width or not height:
        raise BriefError(f"{path}: an SVG of {found[1]} x {found[2]} pixels, expected a picture")
    return height / width


def chart_aspects(res: Results, build: Path) -> dict[str, float]:
    return {cid: svg_aspect(build / "charts" / f"{cid}.svg") for cid in res.charts}


def _copy_files(res: Results, build: Path, specs: Mapping[str, Any], dest: Path) -> None:
    write_text(dest / "vega-bundle.js", vega_bundle())
    for script in SCRIPTS:
        shutil.copyfile(ASSETS / script, dest / script)
    shutil.copyfile(build / "results.json", dest / "results.json")  # every number, for machines
    (dest / "charts").mkdir(exist_ok=True)
    for chart_id, info in res.charts.items():
        for ext in ("svg", "vl.json"):
            name = f"{chart_id}.{ext}"
            shutil.copyfile(build / "charts" / name, dest / "charts" / name)
        write_text(
            dest / "charts" / f"{chart_id}.html",
            standalone_html(
                chart_id,
                specs[chart_id],
                title=info.title,
                caption=info.caption,
                alt_text=info.alt,
                source=info.source,
                csv_href=f"../data/{chart_id}.csv",
                fallback_src=f"{chart_id}.svg",
            ),
        )
    (dest / "data").mkdir()
    for csv in sorted((build / "tables").glob("*.csv")):
        shutil.copyfile(csv, dest / "data" / csv.name)
    notebooks = sorted((build / "notebooks").glob("*.ipynb"))
    if notebooks:
        (dest / "notebooks").mkdir()
        for nb in notebooks:
            shutil.copyfile(nb, dest / "notebooks" / nb.name)


def write_fragments(
    build: Path | str,
    report_dir: Path | str,
    datapackage: Path | str,
    *,
    root: Path | None = None,
) -> dict[str, Path]:
    """Write ``report_dir/_generated/`` and ``report_dir/files/`` for one build.

    Returns the two folders. Nothing is replaced unless every file was written.
    """
    build, report_dir = Path(build), Path(report_dir)
    res = read_build(build)
    dp = _read_json(Path(datapackage))
    manifest_path = build / "manifest.json"
    manifest = _read_json(manifest_path) if manifest_path.is_file() else {}
    specs = chart_specs(res, build)
    notebooks = sorted(p.stem for p in (build / "notebooks").glob("*.ipynb"))
    aspects = chart_aspects(res, build)
    explorers = explore.read_explorers(res, build)
    texts = fragments(res, specs, dp, manifest, notebooks, environment(root), aspects, explorers)
    report_dir.mkdir(parents=True, exist_ok=True)
    gen, files = report_dir / GENERATED, report_dir / FILES
    # what a pre-render killed outright left (owned folders: see analysis.tmpdirs)
    remove_stale(report_dir, ".gen-", olds=f".old-{GENERATED}-")
    remove_stale(report_dir, ".files-", olds=f".old-{FILES}-")
    with TmpFolder(report_dir, ".gen-") as tmp_gen, TmpFolder(report_dir, ".files-") as tmp_files:
        for name, body in texts.items():
            write_text(tmp_gen.path / f"{name}.md", body)
        write_text(tmp_gen.path / "meta.yml", meta_yml(res, dp))
        write_text(tmp_gen.path / "header.typ", typst_header(dp, vintage_of(res, dp)))
        _copy_files(res, build, specs, tmp_files.path)
        swap_dir(tmp_gen.path, gen)
        swap_dir(tmp_files.path, files)
    return {"generated": gen, "files": files}
