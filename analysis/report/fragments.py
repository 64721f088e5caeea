"""Markdown/YAML fragments of the brief, generated from one build's results (no Python in .qmd).

The Quarto documents in ``report/`` hold the prose; every number, verdict, figure and source they
show is ``{{< include >}}``d from ``report/_generated/`` (text) and linked from ``report/files/``
(charts, data, notebooks, the offline Vega bundle). Both are written here, from
``_build/<brief>/`` and ``data/datapackage.json`` only. Paths inside fragments are relative to
``report/`` (Quarto resolves links in included files from the including document).

The string builders are pure functions; :func:`write_fragments` does the I/O, writing into
temporary folders that replace the old ones only when everything was written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import BriefError
from analysis.report.charthtml import chart_div, scripts_html, standalone_html, vega_bundle
from analysis.report.results import CLAIM_IDS, ChartInfo, Results, load_results

GENERATED = "_generated"
FILES = "files"
ASSETS = Path(__file__).resolve().parents[2] / "report" / "assets"
NA = "not available"  # how the brief prints a number the build could not compute

# ---------------------------------------------------------------------------------------------
# formatting helpers


def fmt(value: Any) -> str:
    """A number or value as the brief prints it (deterministic, no locale)."""
    if value is None:
        return NA
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return NA
        if value in (float("inf"), float("-inf")):
            return "∞" if value > 0 else "−∞"
        if abs(value) < 1e-9:  # zero, or floating-point noise around it (e.g. a flat slope)
            return "0"
        if abs(value) >= 1e15:
            return f"{value:.3g}"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}".rstrip("0").rstrip(".")
        if abs(value) >= 0.001:
            return f"{value:.3f}".rstrip("0").rstrip(".")
        return f"{value:.2g}"  # a small share keeps its two significant digits
    if isinstance(value, list | tuple):
        return ", ".join(fmt(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {fmt(v)}" for k, v in value.items())
    return str(value)


def cell(text: Any) -> str:
    """Text safe inside a Markdown pipe-table cell."""
    s = text if isinstance(text, str) else fmt(text)
    return " ".join(s.split()).replace("|", "\\|")


def table(header: list[str], rows: Iterable[list[Any]]) -> str:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def attr(text: str) -> str:
    """A value for a Pandoc attribute in double quotes."""
    return " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')


def label_of(chart_id: str, info: ChartInfo) -> str:
    """The cross-reference label of a chart (``fig-…``)."""
    return info.label if info.label.startswith("fig-") else f"fig-{chart_id}"


# Tokens of result keys that read better spelled out or capitalised.
TOKENS = {"tiv": "TIV", "ci": "confidence interval", "pp": "percentage points", "un": "UN"}


def humanize(key: str, codes: Iterable[str] = ()) -> str:
    """A result key in words; ``codes`` (ISO3 of the brief's members) are written in capitals."""
    upper = {c.lower() for c in codes}
    return " ".join(w.upper() if w in upper else TOKENS.get(w, w) for w in key.split("_"))


# ---------------------------------------------------------------------------------------------
# pure builders


def summary_md(res: Results) -> str:
    """The one-page summary: one row per claim with its computed verdict and finding."""
    rows = [
        [
            cid,
            res.claims[cid].title,
            f"**{res.claims[cid].shown_verdict}**",
            res.claims[cid].summary,
        ]
        for cid in CLAIM_IDS
    ]
    return (
        "::: {.brief-summary}\n\n"
        + table(
            ["Claim", "What the report argued (our paraphrase)", "Verdict", "What the data show"],
            rows,
        )
        + "\n:::\n"
    )


def figure_md(chart_id: str, info: ChartInfo, spec: dict[str, Any]) -> str:
    """One cross-referenceable figure: interactive in HTML, static PNG in the PDF."""
    label = label_of(chart_id, info)
    return (
        f"::: {{#{label}}}\n\n"
        "```{=html}\n"
        f"{chart_div(chart_id, spec, info.alt, f'{FILES}/charts/{chart_id}.svg')}\n"
        "```\n\n"
        '::: {.content-hidden when-format="html"}\n'
        f'![]({FILES}/charts/{chart_id}.png){{fig-alt="{attr(info.alt)}" width="100%"}}\n'
        ":::\n\n"
        f"{info.caption} Source: {info.source.rstrip('.')}. "
        # Relative links work on the site, not inside a PDF: the PDF names the file instead.
        f"[[Data (CSV)]({FILES}/data/{chart_id}.csv) · "
        f'[Chart alone]({FILES}/charts/{chart_id}.html)]{{.content-visible when-format="html"}}'
        f"[Data: `{FILES}/data/{chart_id}.csv` beside this brief on its website.]"
        '{.content-visible unless-format="html"}\n\n'
        ":::\n"
    )


# Plain-language names of the evidence keys the notebooks write (others are humanized).
EVIDENCE_LABELS: dict[str, str] = {
    "latest_year": "Latest year with data",
    "ratio_latest": "Ratio in the latest year",
    "ratio_report_year": "Ratio in 2021, the report's year",
    "ratio_approach_start": "Ratio at the start of the approach window",
    "central_at_horizon": "Central projection of the ratio at the horizon",
    "prob_exceed_by_horizon": "Probability of exceeding parity by the horizon",
    "measures_agreeing": "Measures giving the stated verdict",
    "measures_tested": "Measures tested",
}
# What a "since 2021" pair (``<x>_2021``/``<x>_report_year`` and ``<x>_latest``) measures.
SINCE_NAMES: dict[str, str] = {
    "ratio": "the coalition-to-benchmark ratio",
    "distance_within": "the UN voting distance between the coalition's members",
    "distance_to_benchmark": "the UN voting distance from the coalition to the benchmark",
    "tiv": "Russia's arms deliveries to China (SIPRI TIV, millions)",
    "share": "Russia's share of China's arms imports",
    "exercises": "the number of joint exercises a year",
    "dependence": "China's share of Russia's trade with China and the West",
}
PERCENT_PREFIXES = ("prob_", "share_", "p_", "dependence_")


def percent(value: float) -> str:
    """A probability or share as a whole percentage, never rounding a real chance to 0 or 100."""
    if 0 < value < 0.005:
        return "<1%"
    if 0.995 < value < 1:
        return ">99%"
    return f"{value:.0%}"


def evidence_label(
    key: str, measures: Mapping[str, Any] | None = None, codes: Iterable[str] = ()
) -> str:
    if key in EVIDENCE_LABELS:
        return EVIDENCE_LABELS[key]
    if key.startswith("verdict_"):
        mid = key[len("verdict_") :]
        m = (measures or {}).get(mid)
        return f"Verdict on {getattr(m, 'label', None) or humanize(mid)}"
    text = humanize(key, codes)
    return text[:1].upper() + text[1:]


def evidence_value(key: str, value: Any) -> Any:
    if isinstance(value, float) and key.startswith(PERCENT_PREFIXES) and 0 <= value <= 1:
        return percent(value)
    if key.endswith("_year") and isinstance(value, int):
        return str(value)
    return value


def evidence_md(
    evidence: Mapping[str, Any],
    measures: Mapping[str, Any] | None = None,
    codes: Iterable[str] = (),
) -> str:
    if not evidence:
        return ""
    codes = list(codes)
    return table(
        ["Evidence", "Value"],
        [[evidence_label(k, measures, codes), evidence_value(k, v)] for k, v in evidence.items()],
    )


def member_codes(res: Results) -> list[str]:
    """ISO3 codes of the brief's coalition and benchmark (from its parameters)."""
    params = res.brief.params
    return [str(c) for key in ("coalition", "benchmark") for c in params.get(key) or []]


REPORT_YEAR = 2021  # the RAND report's year: "how the evidence moved since 2021"


def since_report_md(evidence: Mapping[str, Any]) -> str:
    """A computed sentence per evidence pair ``<x>_report_year``/``<x>_2021`` and ``<x>_latest``."""
    latest_year = evidence.get("latest_year")
    when = f"in {fmt(latest_year)}" if latest_year is not None else "in the latest year"
    moves = []
    for key, then in evidence.items():
        for suffix in ("_report_year", f"_{REPORT_YEAR}"):
            if key.endswith(suffix):
                base = key[: -len(suffix)]
                now = evidence.get(f"{base}_latest")
                if now is not None and then is not None:
                    name = SINCE_NAMES.get(base) or f"the {humanize(base)}"
                    own_year = evidence.get(f"{base}_latest_year")
                    at = f"in {own_year}" if own_year is not None else when
                    a = cell(evidence_value(key, then))
                    b = cell(evidence_value(f"{base}_latest", now))
                    moves.append(f"{name} went from {a} in {REPORT_YEAR} to {b} {at}")
    if not moves:
        return ""
    return f"**Since {REPORT_YEAR}:** " + "; ".join(moves) + ".\n"


def claim_md(res: Results, cid: str, specs: Mapping[str, dict[str, Any]], placed: set[str]) -> str:
    """Verdict, computed sentence, figures, numbers and assumptions of one claim.

    ``placed`` collects charts already drawn, so a chart shared by two claims is drawn once and
    cross-referenced the second time.
    """
    claim = res.claims[cid]
    if not claim.computed:
        return (
            f"**Verdict: {claim.shown_verdict}.** No notebook of this brief has computed {cid} "
            "yet, so there is no chart, number or verdict for it here. The sections above state "
            "how the claim is to be tested; the claim is not counted as supported or not.\n"
        )
    parts = [f"**Verdict: {claim.verdict}.** {claim.summary}\n"]
    refs = []
    for chart_id in claim.charts:
        info = res.charts[chart_id]
        if chart_id in placed:
            refs.append(f"@{label_of(chart_id, info)}")
            continue
        placed.add(chart_id)
        parts.append(figure_md(chart_id, info, specs[chart_id]))
    if refs:
        parts.append(f"See also {', '.join(refs)}.\n")
    moved = since_report_md(claim.evidence)
    if moved:
        parts.append(moved)
    if claim.evidence:
        parts.append(evidence_md(claim.evidence, res.measures, member_codes(res)))
    if claim.assumptions:
        parts.append(
            "The verdict rests on these assumptions:\n\n"
            + "".join(f"- {a}\n" for a in claim.assumptions)
        )
    else:
        parts.append("The verdict states no assumptions beyond the brief's parameters.\n")
    return "\n".join(parts)


def _na(value: Any) -> Any:
    """A measure's number, or ``not available`` when the build had no data for it."""
    return NA if value is None or (isinstance(value, float) and value != value) else value


def _year(value: Any) -> str:
    """A year as written (never with a thousands separator)."""
    return NA if value is None else str(value)


def _crossed(m: Any) -> str:
    if m.crossover_year is not None:
        return str(m.crossover_year)
    if m.ratio_latest is None:
        return NA
    return "not by the horizon" if m.horizon is not None else "not crossed"


def measures_md(res: Results) -> str:
    """C1's numbers under every measure of power (also the core of the sensitivity section)."""
    if not res.measures:
        return "This brief computed no power measures.\n"
    params = res.brief.params
    ratio = (
        f"({params.get('coalition_label') or 'coalition'})"
        f" / ({params.get('benchmark_label') or 'benchmark'}), latest"
    )
    rows = []
    for mid, m in res.measures.items():
        rows.append(
            [
                m.label or mid,
                _year(m.latest_year),
                _na(m.ratio_latest),
                _crossed(m),
                _year(m.horizon),
                _na(m.margin_at_horizon),
                NA if m.prob_exceed_by_horizon is None else percent(m.prob_exceed_by_horizon),
            ]
        )
    return table(
        [
            "Measure",
            "Latest year",
            ratio,
            "First year at or above parity",
            "Horizon",
            "Projected ratio minus 1 at the horizon",
            "Probability of exceeding by the horizon",
        ],
        rows,
    )


SENSITIVITY_LABELS: dict[str, str] = {
    "measures_supported": "Measures on which the claim is supported",
    "measures_tested": "Measures tested",
    "simplex_share_exceeding": "Share of composite weightings in which the coalition is larger",
    "simplex_year": "Year of the weighting analysis",
    "tornado_top_input": "Input that moves the crossover year most",
}
PREFIXED_LABELS: dict[str, str] = {
    "break_even_gap_pp_": "Extra growth needed for parity by the horizon (pp a year), {}",
}


def sensitivity_row(key: str, value: Any, measures: Mapping[str, Any]) -> list[Any]:
    """A sensitivity number with a plain-language name (``c1_sensitivity_`` prefixes dropped)."""
    short = key
    for prefix in ("sensitivity_", "scenario_"):
        if prefix in short:
            short = short.split(prefix, 1)[1]
            break
    label = SENSITIVITY_LABELS.get(short)
    for prefix, template in PREFIXED_LABELS.items():
        if label is None and short.startswith(prefix):
            mid = short[len(prefix) :]
            m = measures.get(mid)
            label = template.format(getattr(m, "label", None) or humanize(mid))
    if label is None:
        text = humanize(short)
        label = text[:1].upper() + text[1:]
    if isinstance(value, float) and ("share" in short or "prob" in short) and 0 <= value <= 1:
        value = percent(value)
    elif short.endswith("year") and isinstance(value, int):
        value = str(value)
    return [label, value]


def sensitivity_md(res: Results, specs: Mapping[str, dict[str, Any]], placed: set[str]) -> str:
    """How the conclusions move with the choices: every measure, then the remaining figures."""
    parts = [measures_md(res)]
    numbers = {k: v for k, v in res.numbers.items() if "sensitiv" in k or "scenario" in k}
    if numbers:
        if any("break_even_gap" in k for k in numbers):
            parts.append(
                "The extra growth needed is how many percentage points a year faster every "
                "coalition member would have to grow for the central projection to reach parity "
                "at the horizon; a negative value means the coalition is already projected above "
                "parity.\n"
            )
        parts.append(
            table(
                ["Sensitivity result", "Value"],
                [sensitivity_row(k, v, res.measures) for k, v in numbers.items()],
            )
        )
    for chart_id, info in res.charts.items():
        if chart_id not in placed:
            placed.add(chart_id)
            parts.append(figure_md(chart_id, info, specs[chart_id]))
    return "\n".join(parts)


def _flatten(d: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key in sorted(d):
        value = d[key]
        if isinstance(value, Mapping) and value:
            out.extend(_flatten(value, f"{prefix}{key}."))
        else:
            out.append((f"{prefix}{key}", value))
    return out


def _raw(value: Any) -> str:
    """A parameter value exactly as given (no thousands separators: seeds, years, codes)."""
    if isinstance(value, list | tuple):
        return ", ".join(_raw(v) for v in value)
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# The one layout ``brief data curate`` writes (docs/contracts.md section 1): the custom property
# ``provenance.sources`` of data/datapackage.json, one record per source.
SOURCE_KEYS = ("id", "title", "publisher", "version", "url", "licence", "retrieved")


def _provenance_sources(datapackage: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    prov = datapackage.get("provenance")
    sources = prov.get("sources") if isinstance(prov, Mapping) else None
    if not isinstance(sources, list) or not sources:
        raise BriefError(
            "data/datapackage.json: key 'provenance.sources': empty or missing, expected one "
            "record per source; `brief data curate` writes it"
        )
    for i, src in enumerate(sources):
        where = f"data/datapackage.json: provenance.sources[{i}]"
        if not isinstance(src, Mapping):
            raise BriefError(f"{where}: found {type(src).__name__}; expected an object")
        missing = [k for k in SOURCE_KEYS if not isinstance(src.get(k), str)]
        if missing:
            raise BriefError(f"{where}: key {missing[0]!r} missing; expected a string")
    return sources


def _checksums(src: Mapping[str, Any]) -> list[str]:
    """``<file>: sha256 <hex>`` for every input file of a source record: ``raw_files`` (in the
    raw folder) or, for the hand-curated tables, ``files``; each ``{path, bytes, sha256}``."""
    files = src.get("raw_files", src.get("files"))
    where = f"data/datapackage.json: provenance source {src['id']!r}"
    if not isinstance(files, list):
        raise BriefError(f"{where}: key 'raw_files' (or 'files') missing; expected a list")
    sums = []
    for f in files:
        if not (isinstance(f, Mapping) and isinstance(f.get("path"), str) and f.get("sha256")):
            raise BriefError(f"{where}: file record {f!r}; expected {{path, bytes, sha256}}")
        sums.append(f"{f['path']}: sha256 {f['sha256']}")
    return sums


def source_rows(datapackage: Mapping[str, Any]) -> list[list[str]]:
    """Publisher, title, version, licence, URL and input-file checksums of every source, from
    ``provenance.sources``; an empty field is shown as "not stated"."""
    rows = []
    for src in _provenance_sources(datapackage):
        sums = _checksums(src)
        version, retrieved = src["version"], src["retrieved"]
        if retrieved:
            version = f"{version} (retrieved {retrieved})" if version else f"retrieved {retrieved}"
        rows.append(
            [
                src["publisher"] or "not stated",
                src["title"] or src["id"],
                version or "not stated",
                src["licence"] or "not stated",
                src["url"],
                "; ".join(sums) if sums else "not recorded",
            ]
        )
    return rows


def _source_cells(row: list[str]) -> list[str]:
    """Publisher, dataset (linked to its URL when it has one), version, licence."""
    publisher, title, version, licence, url, _ = row
    linked = f"[{title}]({url})" if re.match(r"^https?://\S+$", url) else title
    return [publisher, linked, version, licence]


def raw_files_md(rows: list[list[str]]) -> str:
    """Each source's raw files, one per line with its checksum below (fits a printed page)."""
    out = []
    for row in rows:
        out.append(f"**{row[1]}**\n")
        for item in row[5].split("; "):
            name, sep, digest = item.partition(": sha256 ")
            if sep:
                out.append(f"- `{name}`\\\n  SHA-256 `{digest}`")
            else:
                out.append(f"- {item}")
        out.append("")
    return "\n".join(out)


def provenance_md(res: Results, datapackage: Mapping[str, Any], manifest: Mapping[str, Any]) -> str:
    """Sources with versions, licences and checksums; this brief's parameters; code version."""
    srcs = source_rows(datapackage)
    if not srcs:
        raise BriefError(
            "data/datapackage.json: key 'sources': empty or missing, expected one entry per source"
        )
    code = res.brief.code_version or str(manifest.get("code_version", "")) or "not recorded"
    data_version = res.brief.data_version or str(manifest.get("data_version", "")) or "not recorded"
    params = res.brief.params
    parts = [
        "### Data sources {.unnumbered}\n",
        table(["Publisher", "Dataset", "Version", "Licence"], [_source_cells(r) for r in srcs]),
        "### Raw files and their SHA-256 checksums {.unnumbered}\n",
        raw_files_md(srcs),
        "### Parameters of this brief {.unnumbered}\n",
        table(["Parameter", "Value"], [[k, _raw(v)] for k, v in _flatten(params)])
        if params
        else "The brief ran with the schema's defaults.\n",
        "### Code and data versions {.unnumbered}\n",
        f"- Brief: `{res.brief.name}`\n- Code version: `{code}`\n"
        f"- Data version: `{data_version}`\n",
    ]
    return "\n".join(parts)


def notebooks_md(stems: Iterable[str]) -> str:
    stems = list(stems)
    if not stems:
        return "No executed notebooks were found for this brief.\n"
    return "".join(f"- [{s}.ipynb]({FILES}/notebooks/{s}.ipynb)\n" for s in stems)


def data_vintage(datapackage: Mapping[str, Any]) -> str:
    """The data's vintage: the latest retrieval date (ISO) among ``provenance.sources`` (the
    layout ``brief data curate`` writes), '' if none.

    It changes only when a source is re-curated, so it dates the PDF reproducibly.
    """
    prov = datapackage.get("provenance")
    sources = prov.get("sources") if isinstance(prov, Mapping) else None
    if not isinstance(sources, list):
        sources = []
    dates = [str(s.get("retrieved") or "") for s in sources if isinstance(s, Mapping)]
    return max((d for d in dates if re.match(r"^\d{4}-\d{2}-\d{2}$", d)), default="")


def pdf_date_typst(vintage: str) -> str:
    """Typst's ``set document(date: ...)``: the PDF's creation date is the data vintage, not
    the time of the render, so two renders of the same inputs give the same PDF."""
    if not vintage:
        return "#set document(date: none)"
    y, m, d = (int(x) for x in vintage.split("-"))
    return f"#set document(date: datetime(year: {y}, month: {m}, day: {d}))"


def meta_yml(res: Results, datapackage: Mapping[str, Any]) -> str:
    vintage = data_vintage(datapackage)
    meta = {
        "title": res.brief.title,
        "brief-name": res.brief.name,
        "code-version": res.brief.code_version,
        "data-vintage": vintage,
        "header-includes": f"```{{=typst}}\n{pdf_date_typst(vintage)}\n```\n",
    }
    return yaml.safe_dump(meta, sort_keys=True, allow_unicode=True)


# ---------------------------------------------------------------------------------------------
# I/O


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BriefError(f"{path}: not found") from None
    except json.JSONDecodeError as exc:
        raise BriefError(f"{path}: line {exc.lineno}: invalid JSON ({exc.msg})") from None


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


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _swap_in(tmp: Path, final: Path) -> None:
    if final.exists():
        old = final.with_name(final.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, final)


def write_fragments(
    build: Path | str, report_dir: Path | str, datapackage: Path | str
) -> dict[str, Path]:
    """Write ``report_dir/_generated/`` and ``report_dir/files/`` for one build.

    Returns the two folders. Nothing is replaced unless every file was written.
    """
    build, report_dir = Path(build), Path(report_dir)
    res = load_results(build)
    dp = _read_json(Path(datapackage))
    manifest_path = build / "manifest.json"
    manifest = _read_json(manifest_path) if manifest_path.is_file() else {}
    specs = chart_specs(res, build)
    notebooks = sorted(p.stem for p in (build / "notebooks").glob("*.ipynb"))

    report_dir.mkdir(parents=True, exist_ok=True)
    tmp_gen = Path(tempfile.mkdtemp(prefix=".gen-", dir=report_dir))
    tmp_files = Path(tempfile.mkdtemp(prefix=".files-", dir=report_dir))
    try:
        placed: set[str] = set()
        _write(tmp_gen / "summary.md", summary_md(res))
        for cid in CLAIM_IDS:
            _write(tmp_gen / "claims" / f"{cid}.md", claim_md(res, cid, specs, placed))
        _write(tmp_gen / "measures.md", measures_md(res))
        _write(tmp_gen / "sensitivity.md", sensitivity_md(res, specs, placed))
        _write(tmp_gen / "provenance.md", provenance_md(res, dp, manifest))
        _write(tmp_gen / "notebooks.md", notebooks_md(notebooks))
        _write(tmp_gen / "meta.yml", meta_yml(res, dp))
        _write(tmp_gen / "scripts.md", "```{=html}\n" + scripts_html(f"{FILES}/") + "\n```\n")

        _write(tmp_files / "vega-bundle.js", vega_bundle())
        shutil.copyfile(ASSETS / "charts.js", tmp_files / "charts.js")
        for chart_id, info in res.charts.items():
            for ext in ("png", "svg", "vl.json"):
                src = build / "charts" / f"{chart_id}.{ext}"
                if src.is_file():
                    (tmp_files / "charts").mkdir(exist_ok=True)
                    shutil.copyfile(src, tmp_files / "charts" / src.name)
            _write(
                tmp_files / "charts" / f"{chart_id}.html",
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
        (tmp_files / "data").mkdir()
        for csv in sorted((build / "tables").glob("*.csv")):
            shutil.copyfile(csv, tmp_files / "data" / csv.name)
        if notebooks:
            (tmp_files / "notebooks").mkdir()
            for stem in notebooks:
                shutil.copyfile(
                    build / "notebooks" / f"{stem}.ipynb", tmp_files / "notebooks" / f"{stem}.ipynb"
                )
        gen, files = report_dir / GENERATED, report_dir / FILES
        _swap_in(tmp_gen, gen)
        _swap_in(tmp_files, files)
    finally:
        shutil.rmtree(tmp_gen, ignore_errors=True)
        shutil.rmtree(tmp_files, ignore_errors=True)
    return {"generated": gen, "files": files}
