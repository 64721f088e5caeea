"""A claim's multiverse as the reader can explore it: one control per choice, the verdict and
number of the specification chosen, and its place on the specification curve (issue 23).

The page needs no server: every specification is precomputed in the build's specification table
(``tables/spec-<claim>.csv``: the value of each choice, the estimate, the verdict, the brief's own
specification, the rank on the curve), and :func:`explorer_data` packs it into a compact JSON
object embedded in the page beside the claim's curve. ``report/assets/explore.js`` turns it into
controls. Specifications are addressed by their choices' value indices in mixed radix (the last
choice fastest), so the page stores one verdict code and one estimate index per specification
and no keys; estimates are stored once each, with the text the brief prints
(:func:`analysis.publish.text.number`), so the page and the brief agree to the character.

Without JavaScript the block is the paragraph :func:`own_sentence` writes: the brief's own
specification, its verdict and its number. The PDF shows the static curve and the influence
table (:func:`influence_rows`) instead.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from analysis.errors import BriefError
from analysis.publish import text
from analysis.results import VERDICTS, ChoiceInfluence, Results, Robustness

#: A specification table's column of a choice: ``choice_<name>``.
CHOICE = "choice_"


def choice_label(r: Robustness, name: str) -> str:
    """A choice in words: its label in the influence record, else its name."""
    found = next((i for i in r.influence if i.choice == name), None)
    return found.label if found is not None else name.replace("_", " ")


def _value_words(r: Robustness, name: str) -> dict[str, str]:
    found: ChoiceInfluence | None = next((i for i in r.influence if i.choice == name), None)
    return {v.value: v.words for v in found.values} if found is not None else {}


def _estimate(value: Any) -> float | None:
    """A table's estimate as a number (None: the specification has none)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def explorer_data(res: Results, cid: str, rows: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """The compact record of claim ``cid``'s specifications for the page.

    ``rows``: the specification table's rows (``spec-<claim>.csv`` as text). Returns the claim,
    what its estimate is, the brief's own verdict and share, the choices (name, label, the
    values as written and in words, the index of the brief's own value or None when its own
    value lies outside the list), the verdict names, and per specification in mixed-radix order
    of the choices: ``v`` (an index into ``verdicts``), ``e`` (an index into ``texts`` and
    ``values``, the estimate as printed and as plotted) and ``r`` (its rank on the curve)."""
    r = res.robustness[cid]
    # the choices in the order of the table's columns (the claim's own order, as its curve
    # lists them), whatever order results.json keeps them in
    columns = [k.removeprefix(CHOICE) for k in (rows[0] if rows else {}) if k.startswith(CHOICE)]
    names = [n for n in columns if n in r.choices] + [n for n in r.choices if n not in columns]
    sizes = [len(r.choices[n]) for n in names]
    total = math.prod(sizes)
    if total != r.specifications or len(rows) != total:
        raise BriefError(
            f"tables/spec-{cid.lower()}.csv: {len(rows)} specifications, expected "
            f"{r.specifications} (results.json robustness.{cid}); rebuild with `brief run`"
        )
    index = {n: {v: i for i, v in enumerate(r.choices[n])} for n in names}
    verdicts = [v for v in VERDICTS if v in r.shares]
    v_of = {v: i for i, v in enumerate(verdicts)}
    texts: list[str] = []
    plotted: list[float | None] = []
    seen: dict[str, int] = {}
    v_codes, e_codes, ranks = [0] * total, [0] * total, [0] * total
    own_at: list[int | None] = [None] * len(names)
    for row in rows:
        try:
            digits = [index[n][row[CHOICE + n]] for n in names]
            verdict = v_of[row["verdict"]]
        except KeyError as exc:
            raise BriefError(
                f"tables/spec-{cid.lower()}.csv: specification {row.get('spec', '?')} has "
                f"{exc.args[0]!r}, not a value of results.json robustness.{cid}; rebuild with "
                "`brief run`"
            ) from None
        at = 0
        for d, size in zip(digits, sizes, strict=True):
            at = at * size + d
        x = _estimate(row["estimate"])
        shown = text.NA if x is None else text.number(x)
        if shown not in seen:
            seen[shown] = len(texts)
            texts.append(shown)
            plotted.append(None if x is None else float(f"{x:.4g}"))
        v_codes[at], e_codes[at], ranks[at] = verdict, seen[shown], int(row["rank"])
        if row.get("own") == "True":
            own_at = list(digits)
    words = {n: _value_words(r, n) for n in names}
    choices = [
        {
            "name": n,
            "label": choice_label(r, n),
            "values": list(r.choices[n]),
            "words": [words[n].get(v, v) for v in r.choices[n]],
            "own": own_at[k],
        }
        for k, n in enumerate(names)
    ]
    return {
        "claim": cid,
        "estimate": r.estimate,
        "own_verdict": r.verdict,
        "holds": text.percent(r.holds),
        "specifications": total,
        "choices": choices,
        "verdicts": verdicts,
        "texts": texts,
        "values": plotted,
        "v": v_codes,
        "e": e_codes,
        "r": ranks,
    }


def spec_at(data: Mapping[str, Any], picked: Sequence[int]) -> int:
    """The position in ``data``'s arrays of the specification with these value indices."""
    at = 0
    for k, c in enumerate(data["choices"]):
        at = at * len(c["values"]) + picked[k]
    return at


def own_sentence(data: Mapping[str, Any]) -> str:
    """The block without JavaScript: the brief's own specification in words (plain text)."""
    choices = data["choices"]
    varied = [c for c in choices if len(c["values"]) > 1]
    if any(c["own"] is None for c in choices):
        return (
            "The brief's own choices lie outside the values its multiverse tries, so its own "
            f"specification is not among the {data['specifications']:,} shown here."
        )
    at = spec_at(data, [c["own"] for c in choices])
    verdict = data["verdicts"][data["v"][at]]
    settings = "; ".join(f"{c['label']}: {c['words'][c['own']]}" for c in varied)
    head = (
        f"Under this brief's own choices ({settings})"
        if varied
        else "Its only specification, the brief's own"
    )
    return f"{head}: the claim is {verdict}; {data['estimate']}: {data['texts'][data['e'][at]]}."


def block_html(data: Mapping[str, Any]) -> Markup:
    """The explorable block of one claim, as a raw HTML block for the HTML brief only: its
    static paragraph (the brief's own specification) and its data; ``explore.js`` adds the
    controls, the result and the curve."""
    cid = str(data["claim"])
    if not cid.isalnum():
        raise BriefError(f"claim id {cid!r}: expected letters and digits")
    key = cid.lower()
    return Markup(
        "```{=html}\n"
        f'<div class="brief-explore" id="explore-{key}" data-explore="explore-data-{key}">\n'
        f'<p class="brief-explore-own">{text.html_text(own_sentence(data))}</p>\n'
        f'<script type="application/json" id="explore-data-{key}">'
        f"{text.script_json(data)}</script>\n"
        "</div>\n"
        "```"
    )


def influence_rows(r: Robustness) -> list[dict[str, str]]:
    """One row per choice with more than one value: the share of its specifications giving the
    brief's own verdict for each value (with the verdict they most often give where it is
    another), and the spread; the choice that moves the verdict most first."""
    out = []
    for i in sorted(r.influence, key=lambda i: -i.spread):
        cells = []
        for v in i.values:
            cell = f"{v.words}: {text.percent(v.holds)}"
            if v.verdict != r.verdict:
                cell += f" (mostly {v.verdict})"
            cells.append(cell)
        out.append(
            {
                "choice": i.label,
                "cells": " · ".join(cells),
                "spread": f"{round(i.spread * 100):d} points",
            }
        )
    return out


def robustness_claims(
    res: Results, curves: Mapping[str, Markup], data: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The robustness section's part of each claim, in the brief's order: its explorable block
    (``data``: claim -> :func:`explorer_data`, HTML only), its specification curve (``curves``:
    claim -> the figure) and its influence table; a claim without a multiverse (C6, a what-if)
    has a line saying nothing varies."""
    out = []
    for cid in res.ordered():
        c, r = res.claims[cid], res.robustness.get(cid)
        base = {"id": cid, "title": c.title, "anchor": Markup(f"sec-robust-{cid.lower()}")}
        if r is None:
            out.append({**base, "varied": False})
            continue
        out.append(
            {
                **base,
                "varied": True,
                "explore": block_html(data[cid]) if cid in data else "",
                "figure": curves.get(cid, ""),
                "influence": influence_rows(r),
                "verdict": r.verdict,
                "n": f"{r.specifications:,}",
            }
        )
    return out


def read_explorers(res: Results, build: Path) -> dict[str, dict[str, Any]]:
    """Claim -> :func:`explorer_data`, from the build's specification tables; a claim with a
    multiverse whose table is missing is a BriefError naming the file."""
    out = {}
    for cid in res.robustness:
        path = build / "tables" / f"spec-{cid.lower()}.csv"
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
        except FileNotFoundError:
            raise BriefError(
                f"{path}: not found, expected {cid}'s specification table (rebuild with "
                "`brief run`)"
            ) from None
        out[cid] = explorer_data(res, cid, rows)
    return out
