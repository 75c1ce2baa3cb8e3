"""Unit 5 — Probability: the mathematics that several tasks of the unit share.

* ``spd``: the SPD family ``QΛQᵀ`` with λ uniform in [lo, hi] (rule R5) of the hidden inputs
  of P3–P6. It draws Q first and then λ, the reverse of
  :func:`graders.content.units.linear_algebra.spd`, so it is a separate family;
* ``logsumexp``: the stable log-sum-exp that the references of P1 and P2 build on;
* ``close_log`` and ``log_atol``: comparison in log space (the −∞ and NaN patterns exactly,
  finite entries to an absolute tolerance), used by the judges of P1, P2 and P5.

Every generator draws from the rng it is given, in a fixed order, so the same check's stream
(:func:`graders.checks.case_rng`) always gives the same inputs.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.special

from graders.compare import EPS, as_array
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import orthogonal
from graders.errors import Mismatch

__all__ = ["NINF", "close_log", "log_atol", "logsumexp", "spd"]

NINF = -np.inf


def spd(rng: np.random.Generator, n: int, lo: float = 1.0, hi: float = 10.0) -> np.ndarray:
    """An SPD matrix ``QΛQᵀ`` with λ uniform in [lo, hi], symmetrised exactly."""
    q = orthogonal(rng, n)
    s = (q * rng.uniform(lo, hi, n)) @ q.T
    return np.asarray((s + s.T) / 2)


def logsumexp(a: Any, axis: int | None = None) -> np.ndarray:
    """``scipy.special.logsumexp`` (−∞ for empty and all −∞ reductions)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(scipy.special.logsumexp(_f(a), axis=axis))


def close_log(out: Any, ref: np.ndarray, atol: float, name: str,
              nan_msg: str = "NaN where the result is defined") -> np.ndarray:
    """Compare in log space: NaN and ±∞ patterns exactly, finite entries to ``atol``."""
    if ref.ndim == 0:
        arr = as_array(out, name=name, finite=False)
        if arr.shape != ():
            raise Mismatch(f"{name}: expected a scalar (axis=None reduces every axis), "
                           f"got shape {arr.shape}")
    else:
        arr = as_array(out, name=name, shape=ref.shape, finite=False)
    if np.any(np.isnan(arr) & ~np.isnan(ref)):
        raise Mismatch(f"{name}: {nan_msg}")
    if np.any(np.isnan(ref) & ~np.isnan(arr)):
        raise Mismatch(f"{name}: expected NaN where the quantity is undefined (see the spec)")
    if np.any(np.isinf(arr) != np.isinf(ref)) or np.any(np.sign(arr[np.isinf(arr)])
                                                        != np.sign(ref[np.isinf(arr)])):
        raise Mismatch(f"{name}: ±∞ where the result is finite, or finite where it is −∞: "
                       "overflow/underflow of exp, or log of a zero probability?")
    fin = np.isfinite(ref)
    if np.any(np.abs(arr[fin] - ref[fin]) > atol):
        raise Mismatch(f"{name}: {int(np.sum(np.abs(arr[fin] - ref[fin]) > atol))} of "
                       f"{int(fin.sum())} finite entries differ from the reference beyond "
                       f"atol={atol:.1e}")
    return arr


def log_atol(values: np.ndarray) -> float:
    """atol for a log-sum-exp of ``values``: 1e-12 + 16ε·max|finite value|.

    The max-shifted formula m + log Σ exp(aᵢ − m) rounds aᵢ − m with absolute error
    ≤ ε|aᵢ|, which exp turns into the same relative error; the sum adds ≤ nε ≤ 1e-14
    (n ≤ 60 here) and the final addition ε|m|. So |error| ≤ (2 max|aᵢ| + n)·ε ≈ 5e-13 at
    |a| = 1000: 16ε·max|a| (≥ 8× that) plus 1e-12 (syllabus) for O(1) values.
    """
    fin = values[np.isfinite(values)]
    return 1e-12 + 16 * EPS * (float(np.max(np.abs(fin))) if fin.size else 0.0)
