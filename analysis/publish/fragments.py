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
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from analysis import paths
from analysis.compute import claims as claim_modules
from analysis.errors import BriefError
from analysis.files import swap_dir, write_text
from analysis.formats import phrase
from analysis.publish import provenance, releases, text, verdicts
from analysis.publish.charthtml import scripts_html, standalone_html, vega_bundle
from analysis.publish.markup import FILES, badge, code, figure, label_of, link
from analysis.results import DEPENDS, Evidence, Results, load_results

GENERATED = "_generated"
ASSETS = Path(__file__).resolve().parents[2] / "report" / "assets"
TEMPLATES = Path(__file__).resolve().parent / "templates"
CLAIM_TEMPLATES = "report/claims"  # one per claim, relative to the project root
NOT_COMPUTED = "not computed in this build"
KEY_NUMBERS = 6  # at most this many numbers in a claim's section (the rest: appendix and CSV)


# ---------------------------------------------------------------------------------------------
# Contexts: plain data for the templates


def number_row(e: Evidence) -> dict[str, str]:
    return {"label": text.label_of(e), "value": text.value_of(e)}


SPEC_CURVE = "spec-"  # the charts of the multiverse notebook: one specification curve per claim


def robustness_rows(res: Results) -> list[dict[str, Any]]:
    rows = []
    for cid in claim_modules.IDS:
        r, c = res.robustness.get(cid), res.claims.get(cid)
        if r is None or c is None:
            continue
        i = r.influential
        rows.append(
            {
                "claim": link(f"{cid} {claim_modules.TITLES[cid]}", f"#sec-{cid.lower()}"),
                "badge": badge(r.published),
                "own": badge(r.verdict),
                "n": f"{r.specifications:,}",
                "holds": text.percent(r.holds),
                "influential": (
                    f"{i.label} ({text.percent(min(v.holds for v in i.values))} to "
                    f"{text.percent(max(v.holds for v in i.values))} across its values)"
                )
                if i is not None
                else "none: no single choice moves it",
            }
        )
    return rows


def claim_context(
    res: Results, cid: str, specs: Mapping[str, dict[str, Any]], placed: set[str]
) -> dict[str, Any]:
    """One claim's section, as data (``placed`` collects charts already drawn, so a chart two
    claims share is drawn once and cross-referenced the second time)."""
    c = res.claims.get(cid)
    base = {
        "id": cid,
        "anchor": Markup(f"sec-{cid.lower()}"),  # from the claim's id, not from input
        "title": claim_modules.TITLES[cid],
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
            figures.append(figure(chart_id, info, specs[chart_id]))
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


GROWTH = {
    "trailing_cagr": "each member's trailing compound growth over {window} years",
    "weo": "IMF projections where they exist, then trailing growth over {window} years",
    "explicit": "explicit growth rates",
}


def parameters_line(res: Results) -> str:
    """The brief's parameters in one line (page 1)."""
    p = res.brief.params
    growth = p.get("growth_scenario") or {}
    method = GROWTH.get(str(growth.get("method")), str(growth.get("method")))
    parts = [
        f"{p.get('coalition_label', 'coalition')} against {p.get('benchmark_label', 'benchmark')}",
        f"power measured by {phrase(_measure_label(res, p.get('headline_measure')))}",
        f"projected to {p.get('horizon', '')} with {method.format(window=growth.get('window'))}",
    ]
    return "; ".join(parts)


def _measure_label(res: Results, mid: Any) -> str:
    m = res.measures.get(str(mid))
    return m.label if m is not None else str(mid)


def bottom_line(res: Results) -> list[str]:
    """At most three sentences, computed from the published verdicts (page 1)."""
    ids = [c for c in claim_modules.IDS if c in res.claims]
    named = [
        f"{n} {'depends' if n == 1 else 'depend'} on the analyst's choices"
        if v == DEPENDS
        else f"{n} {v}"
        for v, n in verdicts.counts(res, ids)
    ]
    first = (
        f"Of the {len(ids)} claims we split the report's argument into, "
        + ", ".join(named[:-1])
        + (" and " if len(named) > 1 else "")
        + named[-1]
        + " on the public data."
    )
    out = [first]
    c1 = res.claims.get("C1")
    if c1 is not None and c1.headline:
        out.append(f"On power (C1): {c1.headline}.")
    turned = [
        f"{cid} on {i.label}"
        for cid in ids
        if verdicts.depends(res, cid) and (i := res.robustness[cid].influential) is not None
    ]
    if turned:
        out.append(
            "What the verdicts that depend on the analyst's choices turn on most: "
            + ", ".join(turned)
            + "."
        )
    return out[:3]


def summary_context(res: Results, to_brief: str = "") -> dict[str, Any]:
    """The summary's data; ``to_brief`` leads from the page to the full brief's sections ("" on
    the brief itself, ``report/brief.qmd`` on the landing page)."""
    rows = []
    for cid in claim_modules.IDS:
        c = res.claims.get(cid)
        shown = verdicts.published_verdict(res, cid) if c else NOT_COMPUTED
        finding = (c.headline or c.summary) if c else NOT_COMPUTED
        if c is not None and shown == DEPENDS:
            r = res.robustness[cid]
            i = r.influential
            turns = (
                f" It turns on {i.label}: {verdicts.sides(i, shares=False)}."
                if i is not None
                else " No single choice turns it."
            )
            finding = f"{finding}.{turns}" if not finding.endswith(".") else f"{finding}{turns}"
        rows.append(
            {
                "id": cid,
                "link": link(f"{cid} {claim_modules.TITLES[cid]}", f"{to_brief}#sec-{cid.lower()}"),
                "badge": badge(shown),
                "own": badge(c.verdict) if c is not None and shown != c.verdict else None,
                "holds": verdicts.holds_cell(res, cid),
                "finding": finding,
            }
        )
    return {
        "rows": rows,
        "bottom_line": bottom_line(res),
        "parameters": parameters_line(res),
        "threshold": _threshold(res),
        "as_of_line": releases.summary_line(res),
    }


def _threshold(res: Results) -> str:
    shares = {r.threshold for r in res.robustness.values()}
    return text.percent(shares.pop()) if len(shares) == 1 else ""


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
    vintage (``vintage``: a brief's own, see :func:`vintage_of`), and table cells are not
    justified."""
    return "\n".join(
        [
            provenance.pdf_date_typst(vintage or provenance.data_vintage(datapackage)),
            "#show table.cell: set par(justify: false)",
            "#show table: set text(size: 8.5pt)",
            '#set bibliography(title: "References")',
            "",
        ]
    )


def fragments(
    res: Results,
    specs: Mapping[str, dict[str, Any]],
    datapackage: Mapping[str, Any],
    manifest: Mapping[str, Any],
    notebooks: Sequence[str],
    env: jinja2.Environment,
) -> dict[str, str]:
    """Every generated fragment, name -> text (pure: no file is read or written)."""
    placed: set[str] = set()
    claims = [claim_context(res, cid, specs, placed) for cid in claim_modules.IDS]
    sections = [render(env, f"{c['id']}.md.j2", claim=c) for c in claims]
    curves = [cid for cid in res.charts if cid.startswith(SPEC_CURVE) and cid not in placed]
    placed.update(curves)
    leftover = [
        figure(cid, info, specs[cid]) for cid, info in res.charts.items() if cid not in placed
    ]
    vintage = vintage_of(res, datapackage)
    headline = "c1-ratio" if "c1-ratio" in res.charts else None
    out = {
        "summary": render(
            env, "summary.md.j2", **summary_context(res), vintage=text.long_date(vintage)
        ),
        "landing": render(
            env,
            "summary.md.j2",
            **summary_context(res, "report/brief.qmd"),
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
            figures=[figure(cid, res.charts[cid], specs[cid]) for cid in curves],
        ),
        "sensitivity": render(
            env,
            "sensitivity.md.j2",
            measures=measures_context(res),
            res=res,
            numbers=[number_row(e) for e in res.numbers.values() if e.key.startswith("c1_")],
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
            numbers=[number_row(e) for e in res.numbers.values() if not e.key.startswith("c1_")],
        ),
        "notebooks": render(env, "notebooks.md.j2", notebooks=list(notebooks), files=FILES),
        "scripts": "```{=html}\n" + scripts_html(f"{FILES}/") + "\n```\n",
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


def check_results(res: Results, path: Path) -> None:
    """What the report needs of a build beyond the schema: known claims, described charts."""
    unknown = sorted(set(res.claims) - set(claim_modules.IDS))
    if unknown:
        raise BriefError(
            f"{path}: key 'claims': unknown claim {', '.join(unknown)}, expected ids among "
            f"{', '.join(claim_modules.IDS)}"
        )
    if not res.claims:
        raise BriefError(f"{path}: key 'claims': empty, expected the claims the notebooks tested")
    for cid, claim in res.claims.items():
        for chart_id in claim.charts:
            if chart_id not in res.charts:
                raise BriefError(
                    f"{path}: key 'claims.{cid}.charts': chart '{chart_id}' is not described "
                    "under 'charts', expected title, caption, alt and source for it"
                )


def read_build(build: Path) -> Results:
    res = load_results(build)
    check_results(res, build / "results.json")
    return res


def chart_specs(res: Results, build: Path) -> dict[str, dict[str, Any]]:
    """Every chart's Vega-Lite spec; a missing artifact is a BriefError naming the file."""
    specs = {}
    for chart_id in res.charts:
        for ext in ("vl.json", "svg", "png"):
            p = build / "charts" / f"{chart_id}.{ext}"
            if not p.is_file():
                raise BriefError(f"{p}: not found, expected the artifact of chart '{chart_id}'")
        csv = build / "tables" / f"{chart_id}.csv"
        if not csv.is_file():
            raise BriefError(f"{csv}: not found, expected the data behind chart '{chart_id}'")
        specs[chart_id] = _read_json(build / "charts" / f"{chart_id}.vl.json")
    return specs


def _copy_files(res: Results, build: Path, specs: Mapping[str, Any], dest: Path) -> None:
    write_text(dest / "vega-bundle.js", vega_bundle())
    shutil.copyfile(ASSETS / "charts.js", dest / "charts.js")
    (dest / "charts").mkdir(exist_ok=True)
    for chart_id, info in res.charts.items():
        for ext in ("png", "svg", "vl.json"):
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
    texts = fragments(res, specs, dp, manifest, notebooks, environment(root))
    report_dir.mkdir(parents=True, exist_ok=True)
    tmp_gen = Path(tempfile.mkdtemp(prefix=".gen-", dir=report_dir))
    tmp_files = Path(tempfile.mkdtemp(prefix=".files-", dir=report_dir))
    try:
        for name, body in texts.items():
            write_text(tmp_gen / f"{name}.md", body)
        write_text(tmp_gen / "meta.yml", meta_yml(res, dp))
        write_text(tmp_gen / "header.typ", typst_header(dp, vintage_of(res, dp)))
        _copy_files(res, build, specs, tmp_files)
        gen, files = report_dir / GENERATED, report_dir / FILES
        swap_dir(tmp_gen, gen)
        swap_dir(tmp_files, files)
    finally:
        shutil.rmtree(tmp_gen, ignore_errors=True)
        shutil.rmtree(tmp_files, ignore_errors=True)
    return {"generated": gen, "files": files}
