"""The multiverse: every claim decided under every combination of its defensible choices.

A multiverse analysis (Steegen, Tuerlinckx, Gelman and Vanpaemel, 2016) evaluates a conclusion
under every defensible analysis instead of one; a specification curve (Simonsohn, Simmons and
Nelson, 2020) shows the estimate of each, sorted, with the verdict it gives and the choices
behind it. Here a claim's choices and their values are its ``Choices`` model (the brief
parameters ``multiverse.<claim>``); the claim module decides each specification with the same
functions the notebooks use (``prepare`` once, then ``evaluate`` per specification), so the
brief's own specification gets the notebook's verdict.

:func:`run` evaluates every claim's space, in batches that an executor (e.g. a dask client's
``get_executor()``) may run in parallel; :func:`summarise` gives, per claim, the share of
specifications for each verdict, the share giving the brief's own verdict, and the choice whose
change turns the verdict most often.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

import pandas as pd

from analysis.compute import claims as claim_modules
from analysis.compute.claims.rules import own_spec
from analysis.formats import percent
from analysis.results import VERDICTS, Influence, Robustness

BATCH = 500  # specifications per batch (a unit of work an executor gets)


def space(choices: Any) -> list[dict[str, Any]]:
    """Every combination of the values of a ``Choices`` model, in a fixed order."""
    names = list(type(choices).model_fields)
    values = [list(getattr(choices, n)) for n in names]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]


def labels(choices: Any) -> dict[str, str]:
    """Each choice in words (its field's title)."""
    fields = type(choices).model_fields
    return {n: f.title or n.replace("_", " ") for n, f in fields.items()}


def value_words(cid: str) -> dict[str, dict[str, str]]:
    """Choice -> value -> words, for the choices of a claim whose values are codes (the claim
    module's ``VALUE_WORDS``; a value not listed is shown as written)."""
    return getattr(claim_modules.MODULES[cid], "VALUE_WORDS", {})


def values_in_words(cid: str, choices: Any) -> dict[str, list[str]]:
    """Each choice's values as the charts show them (its words, else as written), in the order
    the brief lists them."""
    words = value_words(cid)
    return {
        n: [words.get(n, {}).get(str(v), str(v)) for v in getattr(choices, n)]
        for n in type(choices).model_fields
    }


def in_words(rows: pd.DataFrame, cid: str) -> pd.DataFrame:
    """``rows`` with each ``choice_<name>`` column's codes replaced by their words."""
    out = rows.copy()
    for name, words in value_words(cid).items():
        col = f"choice_{name}"
        if col in out:
            out[col] = out[col].map(lambda v, w=words: w.get(v, v))
    return out


def own(cid: str, params: Any) -> dict[str, Any]:
    """The brief's own specification of a claim: its value of each choice. A claim whose choices
    are all its rules needs nothing more; one that varies other brief parameters says how to
    read them (its module's ``own``, e.g. C1's measure, horizon and growth scenario)."""
    module = claim_modules.MODULES[cid]
    if hasattr(module, "own"):
        return dict(module.own(params))
    key = cid.lower()
    return own_spec(getattr(params.rules, key), getattr(params.multiverse, key))


def _evaluate_batch(
    cid: str, inputs: Any, specs: Sequence[Mapping[str, Any]], params: Any
) -> list[tuple[float | None, str]]:
    module = claim_modules.MODULES[cid]
    return [module.evaluate(inputs, dict(spec), params) for spec in specs]


def run(
    data: Mapping[str, Any],
    params: Any,
    *,
    executor: Executor | None = None,
    only: Iterable[str] | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Every specification of every claim with a ``Choices`` model: one row each, and the
    verdict of the brief's own specification of each claim (what "holds" is measured against;
    evaluated even when the brief's own choices lie outside the space).

    Columns claim, spec (its number within the claim), one column per choice (as text),
    estimate, verdict, own (the brief's own specification). ``executor`` runs the batches (in
    order of submission; results are gathered in that order, so the table is the same).
    """
    wanted = set(only) if only is not None else None
    rows: list[dict[str, Any]] = []
    own_verdicts: dict[str, str] = {}
    for cid, module in claim_modules.MODULES.items():
        if not hasattr(module, "Choices") or (wanted is not None and cid not in wanted):
            continue
        choices = getattr(params.multiverse, cid.lower())
        specs = space(choices)
        inputs = module.prepare(data, params)
        batches = [specs[i : i + BATCH] for i in range(0, len(specs), BATCH)]
        if executor is None:
            results = [_evaluate_batch(cid, inputs, b, params) for b in batches]
        else:
            futures = [executor.submit(_evaluate_batch, cid, inputs, b, params) for b in batches]
            results = [f.result() for f in futures]
        own_choices = own(cid, params)
        own_verdicts[cid] = module.evaluate(inputs, dict(own_choices), params)[1]
        for n, (spec, (estimate, verdict)) in enumerate(
            zip(specs, itertools.chain.from_iterable(results), strict=True), start=1
        ):
            rows.append(
                {
                    "claim": cid,
                    "spec": n,
                    **{f"choice_{k}": str(v) for k, v in spec.items()},
                    "estimate": estimate,
                    "verdict": verdict,
                    "own": all(spec[k] == own_choices.get(k) for k in spec),
                }
            )
    return pd.DataFrame(rows), own_verdicts


def choice_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c.startswith("choice_")]


def influence(table: pd.DataFrame, own_verdict: str) -> tuple[str, float, str, str] | None:
    """The choice whose change turns the verdict most often, for one claim's rows.

    For each choice: group the specifications that agree on every other choice; within a
    group, the share of pairs of its values that give different verdicts; averaged over the
    groups. Returns (choice, that share, the value of it whose specifications most often differ
    from the brief's own verdict, the verdict most often reached with that value), or None when
    no choice has more than one value or no change turns the verdict.
    """
    cols = [c for c in choice_columns(table) if table[c].notna().any()]
    best: tuple[str, float] | None = None
    for c in cols:
        others = [o for o in cols if o != c and table[o].nunique() > 1]
        if table[c].nunique() < 2:
            continue
        shares = []
        for _, g in table.groupby(others, sort=True) if others else [(None, table)]:
            verdicts = g["verdict"].tolist()
            pairs = list(itertools.combinations(verdicts, 2))
            if pairs:
                shares.append(sum(a != b for a, b in pairs) / len(pairs))
        share = sum(shares) / len(shares) if shares else 0.0
        if share > 0 and (best is None or share > best[1] + 1e-12):
            best = (c, share)
    if best is None:
        return None
    c, share = best
    off = table[table["verdict"] != own_verdict]
    by_value = (off.groupby(c)["verdict"].size() / table.groupby(c)["verdict"].size()).fillna(0.0)
    value = str(by_value.sort_values(ascending=False, kind="mergesort").index[0])
    reached = table[(table[c] == value) & (table["verdict"] != own_verdict)]["verdict"]
    verdict = reached.mode().sort_values().iloc[0] if len(reached) else own_verdict
    return c.removeprefix("choice_"), share, value, str(verdict)


def summarise(
    table: pd.DataFrame, verdicts: Mapping[str, str], params: Any
) -> dict[str, Robustness]:
    """results.json ``robustness``: per claim, against the verdict the brief itself reached."""
    out = {}
    for cid, rows in table.groupby("claim", sort=True):
        module = claim_modules.MODULES[str(cid)]
        choices = getattr(params.multiverse, str(cid).lower())
        own = verdicts[str(cid)]
        n = len(rows)
        shares = {v: float((rows["verdict"] == v).sum() / n) for v in VERDICTS}
        found = influence(rows, own)
        words = labels(choices)
        out[str(cid)] = Robustness(
            specifications=n,
            verdict=own,
            holds=float((rows["verdict"] == own).sum() / n),
            shares={v: s for v, s in shares.items() if s > 0},
            choices={k: [str(v) for v in getattr(choices, k)] for k in words},
            estimate=module.ESTIMATE,
            influential=None
            if found is None
            else Influence(
                choice=found[0],
                label=words[found[0]],
                flips=found[1],
                value=found[2],
                value_label=value_words(str(cid)).get(found[0], {}).get(found[2], ""),
                verdict=found[3],
            ),
        )
    return out


def curve(rows: pd.DataFrame, limit: int = 400) -> pd.DataFrame:
    """One claim's specifications sorted by estimate (no estimate last), ranked, and thinned to
    at most ``limit`` evenly spaced ranks for drawing (the brief's own always kept)."""
    d = rows.assign(_na=rows["estimate"].isna()).sort_values(
        ["_na", "estimate", "spec"], kind="mergesort"
    )
    d = d.drop(columns="_na").reset_index(drop=True)
    d["rank"] = range(1, len(d) + 1)
    if len(d) > limit:
        step = len(d) / limit
        keep = {int(i * step) for i in range(limit)} | set(d.index[d["own"]])
        d = d.loc[sorted(keep)]
    return d.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# The finding of each specification curve, in words


def headline(cid: str, verdict: str, r: Robustness) -> str:
    text = f"{cid}: '{verdict}' holds in {percent(r.holds)} of {r.specifications:,} specifications"
    if r.influential is not None:
        text += f"; {r.influential.label} turns it most often"
    return text


def alt_text(cid: str, verdict: str, r: Robustness) -> str:
    shares = "; ".join(f"{v} {percent(s)}" for v, s in r.shares.items())
    return (
        f"Specification curve of {cid}: {r.specifications:,} specifications sorted by "
        f"{r.estimate}, coloured by verdict ({shares}), with the value of each choice marked "
        f"beneath; the brief's own specification ({verdict}) is a diamond."
    )


def save_curves(
    table: pd.DataFrame,
    robustness: Mapping[str, Robustness],
    params: Any,
    artifacts_dir: Any,
    *,
    source: str,
) -> list[Any]:
    """Draw and save one specification curve per claim (``charts/spec-<id>``, its data in
    ``tables/spec-<id>``); returns the charts, in claim order."""
    from analysis.compute import artifacts
    from analysis.compute.charts import multiverse as charts

    out = []
    for cid, r in robustness.items():
        rows = table[table["claim"] == cid]
        chart_id = f"spec-{cid.lower()}"
        choices = getattr(params.multiverse, cid.lower())
        chart = charts.spec_curve(
            in_words(curve(rows), cid),
            estimate=r.estimate,
            labels=labels(choices),
            values=values_in_words(cid, choices),
            total=len(rows),
            source=source,
        )
        artifacts.save_chart(
            chart,
            chart_id,
            artifacts_dir,
            title=headline(cid, r.verdict, r),
            caption=(
                f"Each point is one specification of {cid}'s choices ("
                f"{', '.join(labels(choices).values())}), "
                f"sorted by {r.estimate} and coloured by the verdict it gives."
            ),
            alt=alt_text(cid, r.verdict, r),
            source=source,
        )
        artifacts.save_table(
            curve(rows, limit=len(rows)),
            chart_id,
            artifacts_dir,
            title=f"{cid}: every specification, sorted by its estimate",
            source=source,
            sort_by=["rank"],
        )
        out.append(chart)
    return out
