"""Values made last, kept by key to be handed out again: their arrays read-only, within a budget
of bytes, the most recently used kept.

The projections draw the same shocks (:mod:`analysis.compute.shocks`) and make the same
simulations (:mod:`analysis.compute.simulations`) again and again; each keeps what it made in a
:class:`Kept`. A value is a tuple; its NumPy arrays count against the budget and are made
read-only when kept, so a caller handed one cannot change what the next caller gets.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Any

import numpy as np


def _nbytes(value: tuple) -> int:
    return sum(a.nbytes for a in value if isinstance(a, np.ndarray))


class Kept:
    """Tuples by key, at most ``limit`` bytes of their arrays; thread-safe."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._held: OrderedDict[Hashable, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, k: Hashable | None) -> Any | None:
        """The value kept under ``k`` (None: not kept, or no key)."""
        if k is None:
            return None
        with self._lock:
            held = self._held.get(k)
            if held is not None:
                self._held.move_to_end(k)
            return held

    def put(self, k: Hashable | None, value: tuple) -> tuple:
        """Keep ``value`` (its arrays made read-only) under ``k``, unless there is no key or its
        arrays alone are larger than the limit; the least recently used go to stay within it.
        Returns ``value``."""
        if k is None or _nbytes(value) > self.limit:
            return value
        for a in value:
            if isinstance(a, np.ndarray):
                a.flags.writeable = False
        with self._lock:
            self._held[k] = value
            while sum(_nbytes(v) for v in self._held.values()) > self.limit:
                self._held.popitem(last=False)
        return value

    def values(self) -> Iterator[tuple]:
        return iter(list(self._held.values()))

    def clear(self) -> None:
        with self._lock:
            self._held.clear()

    def __len__(self) -> int:
        return len(self._held)

    def __getstate__(self) -> dict[str, Any]:  # sent to another process: nothing kept
        return {"limit": self.limit}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["limit"])  # type: ignore[misc]
