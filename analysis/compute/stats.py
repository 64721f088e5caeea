"""The statistics every claim uses, stated once (and checked against statsmodels in tests).

* Trends are ordinary least squares slopes (:func:`ols_trend`, ``scipy.stats.linregress``) with
  their standard error and a two-sided t confidence interval (``n - 2`` degrees of freedom).
* A break in trend (:func:`break_in_trend`) is a segmented regression
  ``y = a + b*t + c*D + d*D*(t - break)`` with ``D = 1`` from the break year on, fitted by OLS
  (numpy) on the window between the neighbouring breaks (at most ``span`` years a side);
  ``d`` is the change of slope, reported with its OLS standard error and t interval (``n - 4``
  degrees of freedom), ``c`` the level shift. On ``log=True`` the slopes are log-growth rates
  (0.05 ~ 5 % a year).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

CONFIDENCE = 0.95


def _scipy_stats() -> Any:
    """``scipy.stats``, imported when a trend is first fitted: its import (over a second) is
    not paid by a process that only reads the parameters (``brief run`` before any notebook)."""
    from scipy import stats

    return stats


@functools.lru_cache(maxsize=256)
def t_quantile(conf: float, dof: int) -> float:
    """The two-sided ``conf`` quantile of Student's t with ``dof`` degrees of freedom (scipy's,
    kept per level and degrees of freedom: a fit asks for a few dozen of them, and the
    multiverse fits the same windows hundreds of times, each ``ppf`` call costing more than the
    fit's least squares)."""
    return float(_scipy_stats().t.ppf(0.5 + conf / 2, dof))


def ols_trend(years: Sequence[float], values: Sequence[float], conf: float = CONFIDENCE) -> dict:
    """OLS slope of ``values`` on ``years`` with standard error and t interval.

    Returns ``{"slope", "se", "ci_low", "ci_high", "n"}``; all None (n given) with fewer than three
    finite points or no spread in years.
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = len(x)
    empty = {"slope": None, "se": None, "ci_low": None, "ci_high": None, "n": n}
    if n < 3 or np.ptp(x) == 0:
        return empty
    stats = _scipy_stats()
    fit = stats.linregress(x, y)
    t = t_quantile(conf, n - 2)
    se = float(fit.stderr)
    return {
        "slope": float(fit.slope),
        "se": se,
        "ci_low": float(fit.slope - t * se),
        "ci_high": float(fit.slope + t * se),
        "n": n,
    }


def break_in_trend(
    years: Sequence[float],
    values: Sequence[float],
    break_year: int,
    *,
    log: bool = False,
    conf: float = CONFIDENCE,
) -> dict:
    """Slope before vs from ``break_year`` on, by segmented OLS (see the module docstring).

    Returns slope_before, slope_after, slope_change (with se, ci_low, ci_high), level_shift,
    n_before, n_after and ``log``. Slopes are None with fewer than two points on a side or fewer
    than five in all (no residual degree of freedom), or with non-positive values when ``log``.
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if log:
        ok &= y > 0
    x, y = x[ok], y[ok]
    if log:
        y = np.log(y)
    d = (x >= break_year).astype(float)
    nb, na = int((d == 0).sum()), int((d == 1).sum())
    out: dict[str, Any] = {
        "break_year": int(break_year),
        "log": bool(log),
        "n_before": nb,
        "n_after": na,
        "slope_before": None,
        "slope_after": None,
        "slope_change": None,
        "slope_change_se": None,
        "slope_change_ci_low": None,
        "slope_change_ci_high": None,
        "level_shift": None,
    }
    if nb < 2 or na < 2 or nb + na < 5:
        return out
    X = np.column_stack([np.ones_like(x), x - break_year, d, d * (x - break_year)])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    dof = len(y) - 4
    sigma2 = float(resid @ resid) / dof
    cov = sigma2 * np.linalg.pinv(X.T @ X)
    se = math.sqrt(max(float(cov[3, 3]), 0.0))
    t = t_quantile(conf, dof)
    out.update(
        slope_before=float(beta[1]),
        slope_after=float(beta[1] + beta[3]),
        slope_change=float(beta[3]),
        slope_change_se=se,
        slope_change_ci_low=float(beta[3] - t * se),
        slope_change_ci_high=float(beta[3] + t * se),
        level_shift=float(beta[2]),
    )
    return out


BREAK_SPAN = 10  # years at most on each side of a break in its test window


def break_windows(
    first: int, last: int, break_years: Sequence[int], span: int = BREAK_SPAN
) -> list[tuple[int, int, int]]:
    """(break, window start, window end) per break inside (first, last]: between neighbouring
    breaks, and at most ``span`` years before and ``span - 1`` after the break."""
    inside = sorted(b for b in set(break_years) if first < b <= last)
    out = []
    for i, b in enumerate(inside):
        start = inside[i - 1] if i > 0 else first
        end = inside[i + 1] - 1 if i + 1 < len(inside) else last
        out.append((b, max(start, b - span), min(end, b + span - 1)))
    return out
