"""P1 ``logsumexp(a, axis=None)`` and ``softmax(a, axis=-1)``: stable log-sum-exp and softmax.

Convention (stated in the notebook): ``logsumexp`` follows numpy's reduction convention
(``axis=None`` reduces every axis and returns a scalar; an integer axis, negative allowed,
is removed; a tuple of axes is not required, and no hidden case passes one); ``softmax``
returns an array of the same shape as ``a`` whose slices along ``axis`` sum to 1. Entries
are finite or −∞. ``logsumexp`` of an empty or all −∞ reduction is −∞; a softmax slice
whose entries are all −∞ is NaN (no distribution), an empty input gives an empty output.

Graded in log space (:func:`graders.content.units.probability.close_log`: the −∞ and NaN
patterns must match exactly, finite entries to an absolute tolerance); ``softmax`` to a
relative tolerance. The answer cell defines both functions, so it is one task with two
checks. Catches: no shift by the maximum (exp(1000) overflows), an unguarded all −∞ slice
((−∞) − (−∞) = NaN), a crash on empty reductions, kept dimensions, softmax along the wrong
axis or without the shift.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.probability import NINF, close_log, log_atol, logsumexp
from graders.errors import Mismatch

__all__ = [
    "TASK",
    "cases_logsumexp",
    "cases_softmax",
    "judge_logsumexp",
    "judge_softmax",
    "reference_logsumexp",
    "reference_softmax",
]


def reference_logsumexp(a: Any, axis: int | None = None) -> np.ndarray:
    """Reference P1: ``scipy.special.logsumexp`` (−∞ for empty and all −∞ reductions)."""
    return logsumexp(a, axis=axis)


def reference_softmax(a: Any, axis: int = -1) -> np.ndarray:
    """Reference P1: ``exp(a − logsumexp(a))``; NaN on all −∞ slices, empty stays empty."""
    x = _f(a)
    if x.size == 0:
        return x.copy()
    lse = logsumexp(x, axis=axis)
    with np.errstate(invalid="ignore"):
        return np.asarray(np.exp(x - np.expand_dims(lse, axis)))


# ---------------------------------------------------------------- hidden inputs


def cases_logsumexp(rng: np.random.Generator) -> list[Case]:
    """P1 logsumexp: ±1000, −∞ entries, all −∞, empty reductions, axis None/0/1/−1."""
    with_ninf = rng.normal(0, 3, (3, 5))
    with_ninf[0, [1, 3]] = NINF
    with_ninf[2, 0] = NINF
    all_ninf_row = rng.normal(0, 3, (3, 4))
    all_ninf_row[1] = NINF
    big = np.array([[1000.0, 999.0, 1000.0, 998.5], [-1000.0, -1001.0, -999.0, -1000.5]])
    return [
        Case("1-D, axis=None", (rng.normal(0, 3, 7), None)),
        Case("2-D (3, 5), axis=1", (rng.normal(0, 3, (3, 5)), 1)),
        Case("2-D (4, 6), axis=0", (rng.normal(0, 3, (4, 6)), 0)),
        Case("entries ±1000 (overflow/underflow of exp), axis=-1", (big + rng.uniform(0, 1), -1)),
        Case("some −∞ entries, axis=1", (with_ninf, 1)),
        Case("a row of all −∞, axis=1", (all_ninf_row, 1)),
        Case("all −∞ 1-D, axis=None", (np.full(4, NINF), None)),
        Case("empty 1-D array, axis=None", (np.zeros(0), None)),
        Case("empty reduction (3, 0), axis=1", (np.zeros((3, 0)), 1)),
        Case("3-D (2, 3, 4), axis=1", (rng.normal(0, 3, (2, 3, 4)), 1)),
        Case("integer dtype 1-D, axis=None", (rng.integers(-5, 6, 6), None)),
    ]


def cases_softmax(rng: np.random.Generator) -> list[Case]:
    """P1 softmax: default axis, axis 0 on square input, ±1000, −∞, all −∞ (NaN), empty."""
    with_ninf = rng.normal(0, 2, (3, 4))
    with_ninf[[0, 2], [1, 3]] = NINF
    all_ninf_row = rng.normal(0, 2, (3, 4))
    all_ninf_row[2] = NINF
    big = np.array([[1000.0, 999.0, 1000.0, 997.0], [-1000.0, -1001.0, -999.0, -1002.0]])
    return [
        Case("2-D (3, 5), default axis (-1)", (rng.normal(0, 2, (3, 5)),)),
        Case("2-D (4, 6), axis=0", (rng.normal(0, 2, (4, 6)), 0)),
        Case("square (5, 5), axis=0", (rng.normal(0, 2, (5, 5)), 0)),
        Case("entries ±1000 (overflow of exp), axis=1", (big, 1)),
        Case("some −∞ entries (probability 0), axis=-1", (with_ninf, -1)),
        Case("a row of all −∞ (no distribution: NaN), axis=1", (all_ninf_row, 1)),
        Case("1-D of length 1", (np.array([rng.normal()]),)),
        Case("empty (2, 0), axis=-1", (np.zeros((2, 0)), -1)),
        Case("3-D (2, 3, 4), axis=1", (rng.normal(0, 2, (2, 3, 4)), 1)),
        Case("integer dtype (2, 3)", (rng.integers(-4, 5, (2, 3)),)),
    ]


# ---------------------------------------------------------------- judge


def judge_logsumexp(case: Case, output: Any) -> str | None:
    """P1 logsumexp: log space, atol from :func:`~graders.content.units.probability.log_atol`."""
    a, axis = _f(case.args[0]), case.args[1]
    ref = reference_logsumexp(a, axis)
    close_log(output, ref, log_atol(a), "logsumexp",
              nan_msg="NaN: an all −∞ slice must give −∞ (not (−∞) − (−∞)), and large "
                      "entries must not overflow exp (subtract the maximum)")
    return None


def judge_softmax(case: Case, output: Any) -> str | None:
    """P1 softmax: probabilities to rtol 1e-9, atol 1e-15; NaN exactly on all −∞ slices."""
    a = _f(case.args[0])
    axis = case.args[1] if len(case.args) > 1 else -1
    ref = reference_softmax(a, axis)
    p = as_array(output, name="softmax", shape=ref.shape, finite=False)
    if np.any(np.isnan(p) & ~np.isnan(ref)) or np.any(np.isinf(p)):
        raise Mismatch("softmax: NaN or ∞ where probabilities are defined: overflow of exp? "
                       "(subtract the maximum of each slice first)")
    if np.any(np.isnan(ref) & ~np.isnan(p)):
        raise Mismatch("softmax: a slice whose entries are all −∞ has no distribution; the "
                       "spec asks for NaN there")
    # pᵢ = exp(aᵢ − lse) has relative error ≤ |error of lse| + 2ε ≤ 4e-12 (see log_atol),
    # so rtol 1e-9 is 250× that; atol 1e-15 covers entries that underflow to 0 differently.
    fin = ~np.isnan(ref)
    if np.any(np.abs(p[fin] - ref[fin]) > 1e-15 + 1e-9 * ref[fin]):
        sums = np.sum(p, axis=axis)
        if np.any(np.abs(sums[~np.isnan(sums)] - 1.0) > 1e-9):
            raise Mismatch("softmax: the slices along the given axis do not sum to 1: "
                           "normalised along the wrong axis?")
        raise Mismatch("softmax: probabilities differ from the reference (wrong axis?)")
    return None


# ---------------------------------------------------------------- planted answers
# The answer cell defines both functions, so every entry defines both.

_GOOD_SOFTMAX = '''
def softmax(a, axis=-1):
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    with np.errstate(invalid="ignore"):
        e = np.exp(a - m)
        return e / np.sum(e, axis=axis, keepdims=True)
'''

_GOOD_LOGSUMEXP = '''
def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out.reshape(()) if axis is None else np.squeeze(out, axis=axis)
'''

WRONG = (
    # No shift by the maximum: exp(1000) overflows to inf.
    Wrong("naive_overflow",
          hint=("Your logsumexp overflows on large entries: subtract the maximum m before "
                "exponentiating and add it back, m + log Σ exp(a − m)."),
          code='''
def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    return np.log(np.sum(np.exp(a), axis=axis))
''' + _GOOD_SOFTMAX),
    # Shifts by the maximum but does not guard an all −∞ slice: (−∞) − (−∞) = NaN.
    Wrong("unguarded_ninf",
          hint=("A slice whose entries are all −∞ has maximum −∞, and (−∞) − (−∞) is NaN: "
                "shift such slices by 0 so that logsumexp returns −∞ there."),
          code='''
def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out.reshape(()) if axis is None else np.squeeze(out, axis=axis)
''' + _GOOD_SOFTMAX),
    # np.max without `initial`: raises on empty reductions instead of returning −∞.
    Wrong("empty_raises",
          hint=("np.max raises on an empty reduction: pass initial=-np.inf so that an "
                "empty axis gives logsumexp = −∞ as specified."),
          nameable=False,
          code='''
def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out.reshape(()) if axis is None else np.squeeze(out, axis=axis)
''' + _GOOD_SOFTMAX),
    # Correct logsumexp; softmax always normalises along axis 0.
    Wrong("softmax_wrong_axis",
          hint=("Your softmax normalises along a fixed axis: take the maximum and the sum "
                "along the `axis` argument, so that the slices along it sum to 1."),
          code=_GOOD_LOGSUMEXP + '''
def softmax(a, axis=-1):
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=0, keepdims=True, initial=-np.inf)
    with np.errstate(invalid="ignore"):
        e = np.exp(a - m)
        return e / np.sum(e, axis=0, keepdims=True)
'''),
    # Correct logsumexp; softmax without the shift overflows at 1000.
    Wrong("softmax_no_shift",
          hint=("Your softmax overflows on large entries (inf/inf is NaN): subtract the "
                "maximum of each slice before exponentiating."),
          code=_GOOD_LOGSUMEXP + '''
def softmax(a, axis=-1):
    e = np.exp(np.asarray(a, dtype=float))
    return e / np.sum(e, axis=axis, keepdims=True)
'''),
    # keepdims=True leaks into the result: shape (3, 1) instead of (3,).
    Wrong("keepdims_shape",
          hint=("Your logsumexp keeps the reduced axis (keepdims=True): the result must "
                "drop it, like np.sum(a, axis=axis), and be a scalar for axis=None."),
          code='''
def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
''' + _GOOD_SOFTMAX),
)

ALTERNATIVES = (
    # scipy's implementations (softmax through logsumexp, since scipy's softmax raises
    # on empty input).
    Alternative("scipy_special", code='''
import scipy.special

def logsumexp(a, axis=None):
    with np.errstate(invalid="ignore", divide="ignore"):
        return scipy.special.logsumexp(np.asarray(a, dtype=float), axis=axis)

def softmax(a, axis=-1):
    a = np.asarray(a, dtype=float)
    if a.size == 0:
        return a.copy()
    lse = logsumexp(a, axis=axis)
    with np.errstate(invalid="ignore"):
        return np.exp(a - np.expand_dims(lse, axis))
'''),
    # numpy's pairwise log-add ufunc, reduced along the axis (−∞ is its identity).
    Alternative("logaddexp_reduce", code='''
def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    if axis is None:
        return np.logaddexp.reduce(a.ravel())
    return np.logaddexp.reduce(a, axis=axis)

def softmax(a, axis=-1):
    a = np.asarray(a, dtype=float)
    lse = np.logaddexp.reduce(a, axis=axis, keepdims=True)
    with np.errstate(invalid="ignore"):
        return np.exp(a - lse)
'''),
    # Moves the axis last and loops over the slices with explicit special cases.
    Alternative("loop_over_slices", code='''
def _lse1(v):
    if v.size == 0 or np.all(v == -np.inf):
        return -np.inf
    m = v.max()
    return m + np.log(np.sum(np.exp(v - m)))

def logsumexp(a, axis=None):
    a = np.asarray(a, dtype=float)
    if axis is None:
        return np.float64(_lse1(a.ravel()))
    b = np.moveaxis(a, axis, -1)
    flat = b.reshape(int(np.prod(b.shape[:-1])), b.shape[-1])
    return np.array([_lse1(v) for v in flat]).reshape(b.shape[:-1])

def softmax(a, axis=-1):
    a = np.asarray(a, dtype=float)
    b = np.moveaxis(a, axis, -1).copy()
    flat = b.reshape(int(np.prod(b.shape[:-1])), b.shape[-1])
    for i, v in enumerate(flat):
        flat[i] = np.exp(v - _lse1(v)) if np.any(v > -np.inf) else np.nan
    return np.moveaxis(flat.reshape(b.shape), -1, axis)
'''),
)

TASK = Task(
    answer_cell="p1_logsumexp",
    checks=(
        CheckSpec(id="probability.logsumexp", unit="probability", function="logsumexp",
                  cases=cases_logsumexp, judge=judge_logsumexp, reference=reference_logsumexp),
        CheckSpec(id="probability.softmax", unit="probability", function="softmax",
                  cases=cases_softmax, judge=judge_softmax, reference=reference_softmax),
    ),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
