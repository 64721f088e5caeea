"""How many specifications the multiverse has, counted before anything runs, and its limit.

A claim's specification space is every combination of the values of its choices (its
``Choices`` model), so its size is the product of the number of values of each choice: a list
of 9,000 values for one choice makes millions of specifications, and five modest lists
hundreds of millions. The size is counted from the lists alone (no specification is made), and
a brief whose multiverse is larger than ``multiverse_limit`` is refused by the parameter schema
with one line naming the count, the limit and the choice that contributes most
(:func:`over_limit`). The specifications themselves are made lazily, a block at a time
(:func:`blocks`), so the evaluation never holds the whole space in memory.

Kept apart from the evaluation loop (:mod:`analysis.compute.multiverse`) on purpose: whatever
evaluates the specifications (one at a time, vectorised, on a cluster), the count, the limit and
the order of the specifications are these. A specification is also a number, its position in
that order (:func:`shape`: the order is the mixed-radix count over the choices, the last choice
fastest), so a :class:`Block` of specifications is its numbers and each choice's value as an
index into the choice's list: arrays, whatever the size of the space (:func:`blocks`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Specifications a brief may have, every claim's together, unless it raises multiverse_limit:
#: about ten times the flagship's (4,738), a few minutes of evaluation on one core.
DEFAULT_LIMIT = 50_000
#: The highest multiverse_limit a brief may set: the table of every specification (about 100
#: bytes a specification once made) stays within a few hundred megabytes.
MAX_LIMIT = 2_000_000


def names(choices: Any) -> list[str]:
    """The choices of a ``Choices`` model, in the order specifications are numbered in."""
    return list(type(choices).model_fields)


def size(choices: Any) -> int:
    """How many specifications a claim's ``Choices`` make: the product of the number of values
    of each choice (no specification is made)."""
    return math.prod(len(getattr(choices, n)) for n in names(choices))


def space(choices: Any) -> Iterator[dict[str, Any]]:
    """Every combination of the values of a ``Choices`` model, in a fixed order, one at a time."""
    fields = names(choices)
    values = [list(getattr(choices, n)) for n in fields]
    for combo in itertools.product(*values):
        yield dict(zip(fields, combo, strict=True))


def shape(choices: Any) -> tuple[int, ...]:
    """The number of values of each choice, in :func:`names` order: specification number ``i``
    (from 0, in :func:`space` order) has the values ``numpy.unravel_index(i, shape)``."""
    return tuple(len(getattr(choices, n)) for n in names(choices))


@dataclass(frozen=True, eq=False)
class Block:
    """Some specifications of one claim's space: their numbers (``index``, positions in
    :func:`space` order, from 0), each choice's value as an index into its list (``codes``) and
    the lists themselves (``values``). What an evaluation of many specifications at once
    receives (a claim module's ``evaluate_block``); :meth:`specs` gives them one at a time."""

    index: np.ndarray
    codes: dict[str, np.ndarray]
    values: dict[str, list[Any]]

    def __len__(self) -> int:
        return len(self.index)

    def column(self, name: str) -> np.ndarray:
        """Each specification's value of choice ``name`` (numbers as numbers, else objects)."""
        values = self.values[name]
        if all(isinstance(v, int | float | str) for v in values):
            return np.asarray(values)[self.codes[name]]
        held = np.empty(len(values), dtype=object)
        held[:] = values
        return held[self.codes[name]]

    def specs(self) -> Iterator[dict[str, Any]]:
        """Each specification as a dict (choice -> value), in the block's order."""
        lists = [(n, self.values[n], self.codes[n].tolist()) for n in self.values]
        for i in range(len(self.index)):
            yield {n: vs[cs[i]] for n, vs, cs in lists}


def block_of(choices: Any, index: np.ndarray) -> Block:
    """The specifications numbered ``index`` (positions in :func:`space` order, from 0)."""
    index = np.asarray(index, dtype=np.int64)
    fields = names(choices)
    codes = np.unravel_index(index, shape(choices)) if fields else ()
    return Block(
        index,
        {n: np.asarray(c, dtype=np.int64) for n, c in zip(fields, codes, strict=True)},
        {n: list(getattr(choices, n)) for n in fields},
    )


def blocks(choices: Any, n: int, by: tuple[str, ...] = ()) -> Iterator[Block]:
    """The whole space as blocks, made one at a time: with ``by`` (choices of the space), one
    block per combination of their values, holding every specification that shares it (what a
    claim computes once for them, e.g. C1's projections); else runs of at most ``n``
    consecutive specifications. Every specification is in exactly one block."""
    dims = shape(choices)
    total = math.prod(dims)
    fields = names(choices)
    unknown = [b for b in by if b not in fields]
    if unknown:
        raise ValueError(f"blocks by {unknown}: not choices of {fields}")
    if not by:
        for start in range(0, total, n):
            yield block_of(choices, np.arange(start, min(start + n, total)))
        return
    for combo in itertools.product(*(range(dims[fields.index(b)]) for b in by)):
        axes = [np.arange(d) for d in dims]
        for b, code in zip(by, combo, strict=True):
            axes[fields.index(b)] = np.array([code])
        grid = np.meshgrid(*axes, indexing="ij")
        index = np.ravel_multi_index([g.ravel() for g in grid], dims)
        yield block_of(choices, np.asarray(index, dtype=np.int64))


def claim_spaces(multiverse: Any, only: Any = None) -> dict[str, Any]:
    """Claim id (``C1``) -> its ``Choices`` in the brief's ``multiverse`` group, in claim order
    (``only``: those claims, read by name, so a claim's run reads its own choices only)."""
    keys = type(multiverse).model_fields if only is None else [c.lower() for c in only]
    return {
        key.upper(): getattr(multiverse, key)
        for key in keys
        if getattr(multiverse, key) is not None
    }


def sizes(multiverse: Any, only: Any = None) -> dict[str, int]:
    """Claim id -> the number of its specifications (``only``: those claims)."""
    return {cid: size(choices) for cid, choices in claim_spaces(multiverse, only).items()}


@dataclass(frozen=True)
class Contribution:
    """What one choice adds to the multiverse: its claim, its name, its number of values and
    the specifications it accounts for (those that would go if it had one value)."""

    claim: str
    choice: str
    values: int
    specifications: int

    @property
    def key(self) -> str:
        return f"multiverse.{self.claim.lower()}.{self.choice}"


def largest(multiverse: Any, only: Any = None) -> Contribution | None:
    """The choice that contributes most specifications: the one whose reduction to a single
    value would remove the most (the first in claim and field order on a tie)."""
    best: Contribution | None = None
    counts = sizes(multiverse, only)
    for cid, choices in claim_spaces(multiverse, only).items():
        for name in names(choices):
            n = len(getattr(choices, name))
            removed = counts[cid] - counts[cid] // n if n else 0
            if best is None or removed > best.specifications:
                best = Contribution(cid, name, n, removed)
    return best


def over_limit(multiverse: Any, limit: int, only: Any = None) -> str | None:
    """None when the multiverse (every claim's, or ``only`` those) has at most ``limit``
    specifications; else the problem in one line: the count, the limit and the choice that
    contributes most."""
    counts = sizes(multiverse, only)
    total = sum(counts.values())
    if total <= limit:
        return None
    top = largest(multiverse, only)
    assert top is not None  # more than `limit` >= 1 specifications: some choice has values
    per_claim = ", ".join(f"{cid} {n:,}" for cid, n in counts.items() if n > 1)
    return (
        f"multiverse: {total:,} specifications ({per_claim}), above the limit of {limit:,} "
        f"(multiverse_limit); the choice that contributes most is {top.key} with {top.values:,} "
        f"values ({top.specifications:,} of {top.claim}'s {counts[top.claim]:,} specifications); "
        "expected fewer values, or a higher multiverse_limit"
    )


def require_within(params: Any, only: Any = None) -> None:
    """Raise one BriefError when the brief's multiverse is over its limit (the schema already
    refuses such a brief; this guards callers that build parameters another way)."""
    from analysis.errors import BriefError

    problem = over_limit(params.multiverse, int(params.multiverse_limit), only)
    if problem:
        raise BriefError(problem)
