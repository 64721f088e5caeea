"""The data dictionary ``data/README.md``, generated from the registry and the curated tables.

``render(package, files)`` is called by ``brief data curate``; the test compares the committed
README with a fresh render, so the dictionary cannot drift from the data.
"""

from __future__ import annotations

import pandas as pd

CAVEATS = [
    "**SIPRI constant dollars.** `milex_const` is in constant **2024** US$ (SIPRI Milex "
    "1949-2025 v1.2); the base year moves with every SIPRI release, so never mix editions "
    "(the earlier releases in `vintages/sipri_milex/` are in 2019 and 2023 US$).",
    "**Soviet Union vs Russia.** Historical states keep their own codes: `SUN` (Soviet Union) up "
    "to 1991 and `RUS` from 1992; COW ccode 365 is mapped by year (365 -> `SUN` through 1991, "
    "`RUS` from 1992). Likewise `YUG` / `SCG` / `SRB`, `CSK`, `DDR`, `YAR` / `YMD`. A series that "
    "needs Russia before 1992 must say whether it uses the Soviet Union.",
    "**PPP benchmark revisions.** `gdp_ppp` (WEO Oct 2025) uses the ICP 2021 benchmark; PWT "
    "(2017 intl$) and Maddison (2011 intl$) use other benchmarks. Levels differ between sources "
    "and vintages: compare ratios within one source.",
    "**WEO projections.** `gdp_mer`, `gdp_ppp`, `gdp_growth` and `pop` carry "
    "`flag=projection` after each country's last actual year (to 2030).",
    "**NMC v6 vs v7 energy.** `nmc_pec` is NMC v7.0; v6.0's series is kept as `nmc6_pec` "
    "because the two differ. NMC ends in 2022.",
    "**Urban population break.** NMC `nmc_upop` has a source break between 2016 and 2017.",
    "**Missing years are never interpolated.** A country-year without a value has no row; the "
    "analysis reports such gaps instead of filling them.",
    "**Flags.** `estimate` and `uncertain` mark values the source marks as such (SIPRI by cell "
    "colour); `projection` marks forecasts.",
]

GAPS = [
    "GDP at PPP in constant prices from WDI, and WDI military series in US$ (not in the raw "
    "WDI mirror): `gdp_ppp` comes from the IMF WEO instead.",
    "Maddison Project Database 2023 and Penn World Table 11.0: MPD 2020 and PWT 10.01 are used.",
    "SIPRI bilateral arms-transfer values by year (e.g. Russia -> China TIV per year): only "
    "the register and the per-country totals exist; any per-year bilateral series is an "
    "approximation spread over delivery years.",
    "Voeten dyadic agreement scores: agreement is computed from the roll calls (to 2019) instead.",
    "GSDB V4 (sanctions to 2023): V3 (to 2022) is used.",
    "China-Russia trade before 2010, and China's exports to Russia as China's customs report "
    "them: not available (China's imports from Russia are in UN Comtrade; China's exports to "
    "Russia only as CEPII BACI's reconciled flow, 2017-2023).",
    "A structured dataset of China-Russia joint exercises: hand-curated with a citation per "
    "row where available.",
    "Energy and steel after 2022 (to extend CINC): not available.",
    "R&D spending in levels (GERD in PPP$): not available; only the WDI share of GDP.",
    "Earlier releases of sources other than the IMF WEO and SIPRI military expenditure: a brief "
    "dated before such a source's release cuts that release back to the years public then "
    "(approximated from a later release; `data/releases.csv`, `lag_months`).",
]


TABLE_DOCS = {
    "indicators": "tidy country-year values, one row per iso3, year and indicator",
    "countries": "ISO3 code, name, ISO2, COW ccode and kind (country, historical, aggregate)",
    "country_aliases": "every source's names/codes and the ISO3 they map to (empty = not a state)",
    "arms_register": "SIPRI arms trade register, one row per deal (non-state parties: empty ISO3)",
    "un_agreement": "UN roll-call agreement per dyad and year (to 2019), dyads with USA/CHN/RUS",
    "bilateral_trade": "trade by source, reporter, partner, flow and year (US$ m), with its "
    "basis (reported, partner-based estimate, reconciled) and valuation (FOB, CIF)",
    "sanctions_cases": "GSDB V3 sanctions cases, one row per case",
    "exercises": "hand-curated China-Russia joint exercises, a citation on every row",
    "events": "hand-curated timeline of events, a citation on every row",
    "vintages": "an earlier release of a source, in the indicators' ids and units (each "
    "release its own file; never mixed with another)",
    "releases": "every release of every source: publication date with its evidence, years, "
    "files, the source's usual publication lag",
    "weo_codes": "the IMF's numeric area codes (WEO releases to April 2025) and their October "
    "2025 code and ISO3, matched on identical history, with the counts",
}


def _md_cell(x) -> str:
    return str(x).replace("|", "\\|").replace("\n", " ")


def indicator_rows(files: dict) -> list[str]:
    from analysis.data import registry

    reg = registry.indicators()
    frames = [df for (name, df, _) in files.values() if name == "indicators"]
    if not frames:
        return []
    ind = pd.concat(frames, ignore_index=True)
    cov = ind.groupby("indicator").agg(
        first=("year", "min"), last=("year", "max"), n=("iso3", "nunique"), rows=("year", "size")
    )
    out = [
        "| id | label | unit | source | years | countries | rows | definition |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for k, meta in reg.items():
        if k in cov.index:
            c = cov.loc[k]
            years, n, rows = f"{c['first']}-{c['last']}", f"{c['n']}", f"{c['rows']:,}"
        else:
            years, n, rows = "not curated", "0", "0"
        cells = [
            f"`{k}`",
            meta["label"],
            meta["unit"],
            f"`{meta['source']}`",
            years,
            n,
            rows,
            meta["description"],
        ]
        out.append("| " + " | ".join(_md_cell(x) for x in cells) + " |")
    return out


def releases_rows(files: dict) -> list[str]:
    """The releases of each source, their dates and evidence, and how a dated brief reads them."""
    table = next((df for (name, df, _) in files.values() if name == "releases"), None)
    if table is None:
        return []
    out = [
        "## Releases, and a brief as of a date",
        "",
        "`releases.csv` lists every release the curation holds. A brief with the parameter "
        "`as_of` (a date) reads each source's latest release published on or before it (the "
        "earlier releases are in `vintages/<source>/<release>.csv`, the current ones in the "
        "other tables); a source whose only release came later is cut back to the years public "
        "then, by its usual publication lag (year Y is public from 1 January of Y+1 plus "
        "`lag_months`), and the brief says so (approximated from a later release). A release "
        "held only in part (`complete` false) cannot serve a brief. The hand-curated tables keep "
        "the rows dated on or before the date. Rules: `analysis/data/asof.py`.",
        "",
        "`date_basis`: `announcement` (a cited page reports the publisher's release that day), "
        "`release` (the release states its date), `bound` (only a date by which it was "
        "certainly public is known: a month's last day, or the day it was retrieved).",
        "",
        "| source | release | status | published | date basis | years | lag (months) | evidence |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table.itertuples(index=False):
        years = f"{r.first_year}-{r.last_year}" + (f" ({r.holds})" if r.holds else "")
        note = r.date_note + (f" <{r.date_url}>" if r.date_url else "")
        cells = [f"`{r.source}`", f"`{r.release}` {r.label}", r.status, r.published,
                 r.date_basis, years, r.lag_months, note]  # fmt: skip
        out.append("| " + " | ".join(_md_cell(x) for x in cells) + " |")
    codes = next((df for (name, df, _) in files.values() if name == "weo_codes"), None)
    if codes is not None:
        matched = codes[codes["weo_code"] != ""]
        alone = codes[codes["weo_code"] == ""]
        pairs = zip(alone["imf_code"], alone["note"], strict=True)
        unmatched = "; ".join(f"`{c}` ({n})" for c, n in pairs)
        out += [
            "",
            "**IMF area codes.** Up to April 2025 the WEO names areas by the IMF's numeric codes; "
            f"`weo_codes.csv` matches each of them ({len(matched)} codes) to its October 2025 "
            "code by the identical values the April and October 2025 releases share "
            f"(`shared_values`; the fewest is {int(matched['shared_values'].min()):,}, and every "
            "match shares at least five times as many as the runner-up), checked one-to-one and "
            "against the codes the IMF publishes for the United States (111), China (924), "
            "Russia (922) and World (001); every earlier release's population is checked "
            "against October 2025's, country by country. Codes without a match: "
            f"{unmatched or 'none'}. Method: `analysis/data/concordance.py`.",
        ]
    return [*out, ""]


def hand_rows(files: dict) -> list[str]:
    """How the hand-curated tables are made and what their coded columns allow."""
    from analysis.data import hand

    have = sorted(name for (name, _, _) in files.values() if name in hand.COLUMNS)
    if not have:
        return []
    return [
        "## Hand-curated tables",
        "",
        f"{', '.join(f'`{n}.csv`' for n in have)}: written by hand, one row per fact, each row "
        "citing the public page that states it (`citation_publisher, citation_title, "
        "citation_url, citation_date`; `n.d.` for a page that shows no date). Only what the "
        "cited page confirms is entered; a field it "
        "does not state is blank. `brief data curate` validates them and records their SHA-256 "
        "but never rewrites them (rules: `analysis/data/hand.py`).",
        "",
        f"- `exercises.domains`: `;`-separated from {', '.join(hand.DOMAINS)}.",
        f"- `exercises.format`: one of {', '.join(hand.FORMATS)} (`russian_strategic`: one of "
        "Russia's strategic exercises, the annual Vostok, Tsentr, Kavkaz or Zapad or the naval "
        "Ocean, with China among the invited).",
        "- `exercises.host_iso3`: the country where the cited page places the main phase; blank "
        "for international waters or airspace (joint patrols) or a page that names only a sea.",
        "- `exercises.troops_total`: the total the host announced; `exercises.troops_china`: "
        "China's contingent; each blank when the cited page does not state it, never computed. "
        "`troops_total_qualifier` / `troops_china_qualifier`: the page's qualifier, one of "
        f"{', '.join(repr(q) for q in hand.QUALIFIERS)}, only beside a number.",
        "- `exercises.participants`: every country the page names as taking part, ISO3 in "
        "alphabetical order. Inclusion rule (every year): the PLA and the Russian Armed Forces "
        "both take part; paramilitary, police, border and coast-guard drills are left out.",
        "- `exercises.notes`: on every row, what the last audit found against the cited page "
        "(`checked YYYY-MM-DD: matches the cited page`, or each changed field, its old and new "
        "value and why; a page not in the store is said so).",
        f"- `events.category`: one of {', '.join(hand.CATEGORIES)}; `date` is `YYYY-MM-DD`, or "
        "`YYYY-MM` when only the month is known.",
        "",
        "### Audit of the hand-curated tables",
        "",
        *hand.AUDIT,
        "",
    ]


def trade_rows(files: dict) -> list[str]:
    """The trade series each source gives, and every flow-year two of them disagree on."""
    from analysis.data import crosscheck as cc
    from analysis.data.sources import SOURCES

    frames = [df for (name, df, _) in files.values() if name == "bilateral_trade"]
    if not frames:
        return []
    trade = pd.concat(frames, ignore_index=True)
    series = {m.SOURCE["id"]: m.SOURCE.get("series", {}) for m in SOURCES}
    out = [
        "## Trade: the sources and where they disagree",
        "",
        "`bilateral_trade` holds each source's own figures side by side (primary key `source, "
        "reporter_iso3, partner_iso3, year, flow`). `basis`: `reported` (the reporter's "
        "customs), `partner-based estimate` (the publisher's estimate from the partners' "
        "reports), `reconciled` (CEPII BACI, from both sides' reports); `valuation`: `fob` or "
        "`cif` (an import valued CIF includes freight and insurance). Which series the brief "
        "uses is the parameter `trade_series` (`analysis/params.py`).",
        "",
        "| source | flow | series | unit | basis | years | rows |",
        "|---|---|---|---|---|---|---|",
    ]
    for (src, flow), g in trade.groupby(["source", "flow"], sort=True):
        info = series.get(src, {}).get(flow, {})
        years = g.groupby("basis")["year"].agg(["min", "max"]).sort_values("min")
        basis = "; ".join(f"{b} {r['min']}-{r['max']}" for b, r in years.iterrows())
        cells = [f"`{src}`", flow, info.get("label", ""), info.get("unit", ""), basis,
                 f"{g['year'].min()}-{g['year'].max()}", f"{len(g):,}"]  # fmt: skip
        out.append("| " + " | ".join(_md_cell(x) for x in cells) + " |")
    found = cc.disagreements(trade)
    out += [
        "",
        f"**Where two sources disagree** (`brief data check` lists the same): every flow-year "
        f"(exporter to importer, whichever side reports it) on which two sources differ by more "
        f"than a factor {cc.DISAGREEMENT_FACTOR:g} (`analysis.data.crosscheck."
        f"DISAGREEMENT_FACTOR`: CIF/FOB margins and timing differences account for about 5-10 "
        f"%, so beyond that the sources disagree on what was traded), where either value is "
        f"at least US$ {cc.MATERIAL_MIN:g} m: **{len(found):,}** flow-years. Reported, not an "
        "error. Counts by pair of sources and year:",
        "",
    ]
    if found.empty:
        return [*out, "None.", ""]
    out += ["| source a | source b | year | flow-years |", "|---|---|---|---|"]
    for r in cc.summary(found).itertuples(index=False):
        out.append(f"| `{r.source_a}` | `{r.source_b}` | {r.year} | {r.flows:,} |")
    out += [
        "",
        "Every one (US$ m; the reporter in brackets):",
        "",
        "| flow | year | source a | value a | source b | value b | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in found.itertuples(index=False):
        out.append(
            f"| {r.exporter} to {r.importer} | {r.year} | `{r.source_a}` ({r.reporter_a}) | "
            f"{cc.amount(r.value_a)} | `{r.source_b}` ({r.reporter_b}) | {cc.amount(r.value_b)} "
            f"| {cc.times(r.ratio)} |"
        )
    return [*out, ""]


def render(package: dict, files: dict) -> str:
    lines = [
        "# Curated data (data dictionary)",
        "",
        "Generated by `brief data curate` from the raw public datasets (`../shared/data/raw`) and",
        "the indicator registry (`analysis/data/registry.py`, which collects each source module's",
        "`INDICATORS`). Do not edit by hand: `brief data curate` rewrites it and a test checks it.",
        "`brief data check` validates every table and checksum; `datapackage.json` describes each",
        "file (schema, primary key, SHA-256) and each source (publisher, version, URL, licence,",
        "retrieval date, SHA-256 of every raw file).",
        "",
        "`datapackage.json` is a Frictionless Data Package (v1, `tabular-data-package`; checked",
        "with `frictionless validate data/datapackage.json`). `sources` and `licenses` are lists",
        "of objects on the package and on each resource (a licence has its Open Definition",
        "`name` where the source's terms are one, else `path`, the source's page stating its",
        "terms; `title` is the terms as the source states them). Custom properties:",
        "",
        "- `provenance.sources`: one record per source: `id, title, publisher, version, url,",
        "  licence, retrieved, caveats` and its input files (`path, bytes, sha256`) under",
        "  `raw_files` (relative to the raw folder) or, for the hand-curated tables, `files`",
        "  (relative to the project); the earlier releases' files under `vintage_files`",
        "  (relative to the vintages folder, `../shared/data/vintages`).",
        "- `provenance.countries_built_from`: the raw files (`path, sha256`) `countries.csv` is",
        "  built from.",
        "- on each resource, `table` (the table the file belongs to) and, on `indicators/*.csv`,",
        "  `units` (indicator id -> unit).",
        "",
        "Country codes: ISO 3166 alpha-3 in every table (`countries.csv`: `iso3, name, iso2,",
        "cow_ccode, kind`). Aggregates are dropped from the indicator tables except `WLD` (world).",
        "Each source maps its names and codes through `analysis/data/aliases/<source>.csv`; the",
        "union is published as `country_aliases.csv` (an empty `iso3` marks a deliberate",
        "non-country, with the reason in `note`).",
        "",
        "## Tables",
        "",
        "| file | table | what | rows | primary key | columns |",
        "|---|---|---|---|---|---|",
    ]
    for res in package["resources"]:
        name, df, _ = files[res["path"]]
        key = ", ".join(res["schema"].get("primaryKey", [])) or "-"
        cols = ", ".join(f["name"] for f in res["schema"]["fields"])
        what = _md_cell(TABLE_DOCS.get(name, ""))
        lines.append(
            f"| `{res['path']}` | {name} | {what} | {len(df):,} | {key} | {_md_cell(cols)} |"
        )
    lines += [
        "",
        "`indicators/*.csv` together form the one `indicators` table (`analysis.data.load."
        "load_indicators`): columns `iso3, year, indicator, value, unit, source, flag`; "
        "`bilateral_trade/*.csv` the one `bilateral_trade` table (`load_table`), one file per "
        "source; `vintages/<source>/<release>.csv` hold earlier releases "
        "(`load_release(source, release)`).",
        "",
        "## Indicators",
        "",
        *indicator_rows(files),
        "",
        "## Caveats",
        "",
        *[f"- {c}" for c in CAVEATS],
        "",
        *releases_rows(files),
        *hand_rows(files),
        *trade_rows(files),
        "## Sources",
        "",
    ]
    for s in package["provenance"]["sources"]:
        lines.append(f"### `{s['id']}`: {_md_cell(s['title'])}")
        lines.append("")
        where = f"; <{s['url']}>" if s["url"] else ""
        lines.append(
            f"{_md_cell(s['publisher'])}; version {_md_cell(s['version'])}; "
            f"licence: {_md_cell(s['licence'])}; retrieved {s['retrieved']}{where}."
        )
        lines.append("")
        for c in s["caveats"]:
            lines.append(f"- {_md_cell(c)}")
        if s["caveats"]:
            lines.append("")
    lines += [
        "## Not available (gaps the raw data cannot fill)",
        "",
        'The brief shows "not available" for measures that need these; nothing is invented.',
        "",
        *[f"- {g}" for g in GAPS],
        "",
    ]
    return "\n".join(lines)
