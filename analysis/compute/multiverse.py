"""The multiverse: every claim decided under every combination of its defensible choices.

A multiverse analysis (Steegen, Tuerlinckx, Gelman and Vanpaemel, 2016) evaluates a conclusion
under every defensible analysis instead of one; a specification curve (Simonsohn, Simmons and
Nelson, 2020) shows the estimate of each, sorted, with the verdict it gives and the choices
behind it. Here a claim's choices and their values are its ``Choices`` model (the brief
parameters ``multiverse.<claim>``); the claim module decides each specification with the same
functions the notebooks use (``prepare`` once, then ``evaluate`` per specification), so the
brief's own specification gets the notebook's verdict.

:func:`run` evaluates every claim's space, in blocks made one at a time (so memory does not
grow with the space beyond its table) that an executor (e.g. a dask client's
``get_executor()``) may run in parallel, after checking its size against the brief's
``multiverse_limit`` (:mod:`analysis.compute.specs`, kept apart from this loop). A claim that
computes something once for many specifications (C1's projections) groups them by the choices
that decide it (its module's ``GROUP_BY``) and decides a whole block at once
(``evaluate_block``), thresholds applied to arrays;
:func:`summarise` gives, per claim, the share of specifications for each verdict, the share
giving the brief's own verdict, and the choice whose change turns the verdict most often.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any

import numpy as np
import pandas as pd

from analysis.compute import claims as claim_modules
from analysis.compute import specs
from analysis.compute.claims.rules import own_spec
from analysis.errors import BriefError
from analysis.formats import percent
from analysis.results import DEPENDS, VERDICTS, ChoiceInfluence, Robustness, ValueOutcome


def space(choices: Any) -> list[dict[str, Any]]:
    """Every combination of the values of a ``Choices`` model, in a fixed order, as a list (for
    small spaces and tests; :func:`run` makes them a block at a time:
    :func:`analysis.compute.specs.blocks`)."""
    return list(specs.space(choices))


def labels(choices: Any) -> dict[str, str]:
    """Each choice in words (its field's title)."""
    fields = type(choices).model_fields
    return {n: f.title or n.replace("_", " ") for n, f in fields.items()}


def value_words(cid: str) -> dict[str, dict[str, str]]:
    """Choice -> value -> words, for the choices of a claim whose values are codes (the claim
    module's ``VALUE_WORDS``; a value not listed is shown as written)."""
    return getattr(claim_modules.MODULES.get(cid), "VALUE_WORDS", {})


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


def evaluate_block(cid: str, inputs: Any, block: specs.Block, params: Any) -> Results:
    """Every specification of ``block``: (estimates, NaN where none; verdicts, as indices into
    :data:`~analysis.results.VERDICTS`). The claim module's ``evaluate_block`` when it has one
    (many specifications at once, each distinct thing computed once), else its ``evaluate`` on
    each specification: the reference the block evaluation must equal (tested)."""
    module = claim_modules.MODULES[cid]
    if hasattr(module, "evaluate_block"):
        estimates, verdicts = module.evaluate_block(inputs, block, params)
    else:
        estimates, verdicts = [], []
        for spec in block.specs():
            estimate, verdict = module.evaluate(inputs, spec, params)
            estimates.append(math.nan if estimate is None else float(estimate))
            verdicts.append(verdict)
    given, at = np.unique(np.asarray(verdicts, dtype=object), return_inverse=True)
    codes = np.array([VERDICTS.index(v) for v in given], dtype=np.int8)[at.reshape(-1)]
    return np.asarray(estimates, dtype=np.float64), codes


Results = tuple[np.ndarray, np.ndarray]
"""(estimates, verdict indices) of a block of specifications, in the block's order."""

#: Specifications a block holds, for a claim that does not group them (``GROUP_BY``).
BATCH = 500
#: Blocks an executor may hold at once: enough to keep a cluster's workers busy, few enough that
#: the specifications in flight stay small. A block is submitted whenever one comes back, so
#: each worker takes the next block when it finishes its own (no fixed split up front).
IN_FLIGHT = 16


#: A claim's multiverse goes to the cluster a brief is built on only from this many
#: specifications (``$BRIEF_CLUSTER_SPECS``): below, connecting to the scheduler and sending the
#: inputs to its workers cost more than deciding the blocks in the kernel.
CLUSTER_SPECS = 10_000


@contextlib.contextmanager
def executor_for(params: Any, cid: str) -> Iterator[Executor | None]:
    """Where a claim's blocks are decided: on the dask cluster the brief is built on
    (``$BRIEF_SCHEDULER``, which ``brief run --scheduler`` gives the kernels of a brief it builds
    on a worker) when the claim has at least ``$BRIEF_CLUSTER_SPECS`` specifications (default
    :data:`CLUSTER_SPECS`), a client's executor closed on leaving; else None (this process).
    The table is the same either way (:func:`run`)."""
    address = os.environ.get("BRIEF_SCHEDULER", "").strip()
    raw = os.environ.get("BRIEF_CLUSTER_SPECS", "").strip() or str(CLUSTER_SPECS)
    if not raw.isdigit():
        raise BriefError(f"$BRIEF_CLUSTER_SPECS is {raw!r}, expected a whole number")
    least = int(raw)
    choices = getattr(params.multiverse, cid.lower(), None)
    if not address or choices is None or specs.size(choices) < least:
        yield None
        return
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        yield client.get_executor()


def blocks(cid: str, choices: Any) -> Iterator[specs.Block]:
    """A claim's space in blocks, made one at a time: one per combination of the choices its
    module groups by (``GROUP_BY``: what it computes once for them), else of :data:`BATCH`."""
    by = tuple(getattr(claim_modules.MODULES[cid], "GROUP_BY", ()))
    return specs.blocks(choices, BATCH, by=by)


def _results(
    cid: str, inputs: Any, choices: Any, params: Any, executor: Executor | None
) -> Iterator[tuple[specs.Block, Results]]:
    """(block, its results) for every block of the claim's space, in the order they finish
    (their specifications' numbers place them in the table): at most :data:`IN_FLIGHT` blocks
    are in flight at once, whatever the size of the space."""
    todo = blocks(cid, choices)
    if executor is None:
        for block in todo:
            yield block, evaluate_block(cid, inputs, block, params)
        return
    pending: dict[Future[Any], specs.Block] = {}
    shared = _share(executor, inputs)
    for block in todo:
        pending[executor.submit(evaluate_block, cid, shared, block, params)] = block
        while len(pending) >= IN_FLIGHT:
            yield from _finished(pending)
    while pending:
        yield from _finished(pending)


def _share(executor: Executor, inputs: Any) -> Any:
    """The claim's inputs as the executor's blocks receive them. A dask client's executor
    scatters them to every worker once: each block names them instead of carrying them, and
    what a worker makes for one block (C1's projections) serves the next it takes. Any other
    executor gets them with each block."""
    client = getattr(executor, "_client", None)
    if client is None or not hasattr(client, "scatter"):
        return inputs
    return client.scatter([inputs], broadcast=True, hash=False)[0]


def _finished(pending: dict[Future[Any], specs.Block]) -> Iterator[tuple[specs.Block, Results]]:
    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in done:
        yield pending.pop(future), future.result()


class _Table:
    """One claim's specification table, filled in as the blocks come back, in any order: the
    estimate and the verdict of specification ``i`` at position ``i`` of two compact arrays (9
    bytes a specification); each choice's value is recovered from the number itself when the
    table is made (:meth:`frame`)."""

    def __init__(self, cid: str, choices: Any, own_choices: Mapping[str, Any]):
        self.cid = cid
        self.choices = choices
        self.names = specs.names(choices)
        self.values = {n: list(getattr(choices, n)) for n in self.names}
        self.own = {n: own_choices.get(n) for n in self.names}
        n = specs.size(choices)
        self.estimates = np.full(n, np.nan)
        self.verdicts = np.full(n, -1, dtype=np.int8)

    def put(self, block: specs.Block, results: Results) -> None:
        estimates, verdicts = results
        if len(estimates) != len(block) or len(verdicts) != len(block):
            raise ValueError(f"{self.cid}: {len(block)} specifications, results for fewer")
        self.estimates[block.index] = estimates
        self.verdicts[block.index] = verdicts

    def frame(self) -> pd.DataFrame:
        n = len(self.estimates)
        if (self.verdicts < 0).any():
            raise ValueError(f"{self.cid}: specifications left without a verdict")
        columns: dict[str, Any] = {
            "claim": np.full(n, self.cid, dtype=object),
            "spec": np.arange(1, n + 1),
        }
        block = specs.block_of(self.choices, np.arange(n))
        own = np.ones(n, dtype=bool)
        for name in self.names:  # the value's words, one shared string object per value
            words = np.array([str(v) for v in self.values[name]], dtype=object)
            codes = block.codes[name]
            columns[f"choice_{name}"] = words[codes]
            mine = [i for i, v in enumerate(self.values[name]) if v == self.own[name]]
            own &= np.isin(codes, mine)
        columns["estimate"] = self.estimates
        columns["verdict"] = np.array(VERDICTS, dtype=object)[self.verdicts]
        columns["own"] = own
        return pd.DataFrame(columns)


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
    estimate (NaN where a specification has none), verdict, own (the brief's own
    specification). The size of the multiverse is checked against ``multiverse_limit`` before
    anything is evaluated (:func:`analysis.compute.specs.require_within`); the specifications
    are made and evaluated a block at a time (:func:`blocks`), and ``executor`` (a pool, a dask
    client's ``get_executor()``) runs the blocks, each worker taking the next as it finishes;
    every result lands at its specifications' numbers, so the table is the same whatever the
    order they finish in.
    """
    wanted = [
        cid
        for cid, module in claim_modules.MODULES.items()
        if hasattr(module, "Choices") and (only is None or cid in set(only))
    ]
    specs.require_within(params, wanted)
    frames: list[pd.DataFrame] = []
    own_verdicts: dict[str, str] = {}
    for cid in wanted:
        module = claim_modules.MODULES[cid]
        choices = getattr(params.multiverse, cid.lower())
        inputs = module.prepare(data, params)
        own_choices = own(cid, params)
        table = _Table(cid, choices, own_choices)
        for block, results in _results(cid, inputs, choices, params, executor):
            table.put(block, results)
        own_verdicts[cid] = module.evaluate(inputs, dict(own_choices), params)[1]
        frames.append(table.frame())
    if not frames:
        return pd.DataFrame(), own_verdicts
    return pd.concat(frames, ignore_index=True), own_verdicts


def choice_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c.startswith("choice_")]


def most_often(verdicts: pd.Series) -> str:
    """The verdict a set of specifications most often gives (a tie goes to the verdict first in
    :data:`VERDICTS`, so the result never depends on row order)."""
    counts = verdicts.value_counts()
    top = counts.max()
    return next(v for v in VERDICTS if counts.get(v, 0) == top)


def choice_influence(
    rows: pd.DataFrame, cid: str, choices: Any, own_verdict: str
) -> list[ChoiceInfluence]:
    """For each choice with more than one value (in the claim's order): the specifications of
    each value, the share of them giving the brief's own verdict, the share per verdict and the
    verdict they most often give; and the choice's *spread*, the highest minus the lowest of
    those shares (specr's and Boba's "sensitive decisions", measured on the brief's verdict).
    Read straight off ``rows`` (one claim's specification table), nothing else."""
    words, vwords = labels(choices), value_words(cid)
    out = []
    for name in type(choices).model_fields:
        values = list(dict.fromkeys(str(v) for v in getattr(choices, name)))
        if len(values) < 2:
            continue
        column = rows[f"choice_{name}"]
        outcomes = []
        for v in values:
            given = rows.loc[column == v, "verdict"]
            n = len(given)
            if n == 0:
                continue
            outcomes.append(
                ValueOutcome(
                    value=v,
                    label=vwords.get(name, {}).get(v, ""),
                    specifications=n,
                    holds=float((given == own_verdict).sum() / n),
                    shares={
                        x: float((given == x).sum() / n) for x in VERDICTS if (given == x).any()
                    },
                    verdict=most_often(given),
                )
            )
        held = [o.holds for o in outcomes]
        out.append(
            ChoiceInfluence(
                choice=name,
                label=words[name],
                spread=(max(held) - min(held)) if held else 0.0,
                values=outcomes,
            )
        )
    return out


def turning(influence: Sequence[ChoiceInfluence]) -> ChoiceInfluence | None:
    """The choice that moves the brief's verdict most: the largest spread (the first in the
    claim's order on a tie); None when no choice alone moves it."""
    best: ChoiceInfluence | None = None
    for c in influence:
        if c.spread > SPREAD_EPS and (best is None or c.spread > best.spread + SPREAD_EPS):
            best = c
    return best


SPREAD_EPS = 1e-12  # shares are exact fractions of whole counts: anything above noise counts


def published(own_verdict: str, holds: float, threshold: float) -> str:
    """The verdict the brief publishes: its own when at least ``threshold`` of the claim's
    specifications give it, else :data:`analysis.results.DEPENDS`."""
    return own_verdict if holds >= threshold - SPREAD_EPS else DEPENDS


def summarise(
    table: pd.DataFrame, verdicts: Mapping[str, str], params: Any
) -> dict[str, Robustness]:
    """results.json ``robustness``: per claim, against the verdict the brief itself reached."""
    out = {}
    threshold = float(params.robustness_threshold)
    for cid, rows in table.groupby("claim", sort=True):
        module = claim_modules.MODULES[str(cid)]
        choices = getattr(params.multiverse, str(cid).lower())
        own = verdicts[str(cid)]
        n = len(rows)
        holds = float((rows["verdict"] == own).sum() / n)
        shares = {v: float((rows["verdict"] == v).sum() / n) for v in VERDICTS}
        influence = choice_influence(rows, str(cid), choices, own)
        out[str(cid)] = Robustness(
            specifications=n,
            verdict=own,
            holds=holds,
            threshold=threshold,
            published=published(own, holds, threshold),  # type: ignore[arg-type]
            shares={v: s for v, s in shares.items() if s > 0},
            choices={k: [str(v) for v in getattr(choices, k)] for k in labels(choices)},
            estimate=module.ESTIMATE,
            influence=influence,
            influential=turning(influence),
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
    text = (
        f"{cid}: the brief's '{verdict}' holds in {percent(r.holds)} of {r.specifications:,} "
        "specifications"
    )
    if r.influential is not None:
        text += f"; {r.influential.label} moves it most"
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
    out: Any,
    *,
    source: str,
) -> None:
    """Draw one specification curve per claim through ``out`` (the run's
    :class:`~analysis.compute.artifacts.Exhibits`): ``charts/spec-<id>``, every specification
    sorted in ``tables/spec-<id>``."""
    from analysis.compute.charts import multiverse as charts

    for cid, r in robustness.items():
        rows = table[table["claim"] == cid]
        choices = getattr(params.multiverse, cid.lower())
        out.chart(
            charts.spec_curve(
                in_words(curve(rows), cid),
                estimate=r.estimate,
                labels=labels(choices),
                values=values_in_words(cid, choices),
                total=len(rows),
                source=source,
            ),
            f"spec-{cid.lower()}",
            title=headline(cid, r.verdict, r),
            caption=(
                f"Each point is one specification of {cid}'s choices ("
                f"{', '.join(labels(choices).values())}), "
                f"sorted by {r.estimate} and coloured by the verdict it gives."
            ),
            alt=alt_text(cid, r.verdict, r),
            source=source,
            data=curve(rows, limit=len(rows)),
            data_title=f"{cid}: every specification, sorted by its estimate",
            sort_by=["rank"],
        )
