"""C8 ``exprel(x) -> g``: the limit form (eˣ − 1)/x, evaluated stably near its singular point.

Convention (stated in the notebook): g(x) = (eˣ − 1)/x for x ≠ 0 and g(0) = lim_{x→0} (eˣ − 1)/x
= 1, the continuous extension; ``x`` is a 1-D array of any real dtype with |x| ≤ 700 (so eˣ
neither overflows nor underflows), ``g`` a float array of the same shape, every entry within a
relative error of 1e-10 of the true value.

Graded entrywise against the reference ``expm1(x)/x`` (with 1 at 0) at that relative tolerance
(derivation at :func:`judge`). The hidden inputs hold x = 0, tiny |x| down to the subnormals,
|x| between 1e-6 and 1e-3 (where a series cut after its linear term is too short), moderate and
large |x| and an integer array. Catches: the naive quotient (catastrophic cancellation in
eˣ − 1), 0/0 = NaN at x = 0, a series truncated too early for its range, and an integer output
array. Accepts expm1, Kahan's (y − 1)/log y with y = eˣ, ``scipy.special.exprel``, and a series
below a threshold with the quotient above it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["RTOL", "TASK", "cases", "judge", "reference"]

#: The relative accuracy the question asks for (its derivation is in :func:`judge`).
RTOL = 1e-10


def reference(x: Any) -> np.ndarray:
    """C8: expm1(x)/x, no cancellation (expm1 is accurate to 1 ulp), and 1 at x = 0."""
    xv = _f(x)
    safe = np.where(xv == 0.0, 1.0, xv)
    return np.where(xv == 0.0, 1.0, np.expm1(safe) / safe)


# ---------------------------------------------------------------- hidden inputs


def _signed(rng: np.random.Generator, low: float, high: float, m: int) -> np.ndarray:
    """m points with log-uniform magnitude in [10^low, 10^high] and random signs."""
    return rng.choice([-1.0, 1.0], m) * 10.0 ** rng.uniform(low, high, m)


def cases(rng: np.random.Generator) -> list[Case]:
    """C8: zero, tiny, series-range, moderate and large |x|, integer dtype, a lone zero."""
    tiny = np.r_[0.0, 1e-8, -1e-8, 1e-12, -1e-15, 1e-16, 1e-300, 5e-324, _signed(rng, -14, -7, 3)]
    return [
        Case("x = 0 among tiny |x| (1e-16 ... subnormal 5e-324)", (tiny,)),
        Case("|x| between 1e-6 and 1e-3 (cancellation, short series)",
             (np.r_[9e-4, -7e-4, _signed(rng, -6, -3, 8)],)),
        Case("|x| between 1e-3 and 1", (_signed(rng, -3, 0, 8),)),
        Case("moderate x of both signs, |x| <= 20",
             (np.sort(rng.uniform(-20.0, 20.0, 8)),)),
        Case("large |x| up to 700 (e^x huge or tiny, no cancellation)",
             (np.r_[-700.0, -300.0, -35.5, 50.0, 300.0, 700.0, rng.uniform(100.0, 700.0)],)),
        Case("integer dtype x, -3 ... 3 (0 included)", (np.arange(-3, 4),)),
        Case("a single point x = [0]", (np.zeros(1),)),
        Case("a near-zero grid, |x| <= 1e-5", (np.linspace(-1e-5, 1e-5, 9),)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """C8: |g − g_ref| ≤ 1e-10·g_ref at every point (g_ref > 0 everywhere).

    The reference errs by ≤ 1.5 ulp (expm1 within 1 ulp, one division), as does every stable
    method (Kahan's trick within ~4 ulp, Higham §1.14.1): all ≤ 1e-15, 10⁵ below the allowance.
    A series 1 + x/2 + x²/6 + x³/24 used below |x| = t errs by t⁴/120, and the quotient used above
    t errs by ≈ 2ε/t, so every threshold in [2e-5, 1e-2] stays within 1e-10: the allowance leaves
    students room to design, and it is what the question states. The naive quotient errs by
    ≈ ε/|x| (6e-9 at 1e-8, 0.1 at 1e-15), the series 1 + x/2 by x²/6 (≥ 1e-7 at 7e-4): far out.
    """
    x = _f(case.args[0])
    g = as_array(output, name="g", shape=x.shape)
    ref = reference(x)
    err = np.abs(g - ref)
    if np.all(err <= RTOL * ref):
        return None
    bad = err > RTOL * ref
    if np.all(np.abs(x[bad]) < 1e-3):
        raise Mismatch("inaccurate for small |x| (x = 0 and near it): e^x − 1 cancels "
                       "there, or a series is cut too early for its range")
    raise Mismatch("g(x) differs from (e^x − 1)/x away from 0 (an integer output array, or a "
                   "series used where it does not converge fast?)")


# ---------------------------------------------------------------- planted answers

WRONG = (
    Wrong("naive_quotient",
          hint=("For tiny x, np.exp(x) − 1 subtracts two nearly equal numbers and loses most "
                "of its significant digits: write the numerator in a form that does not cancel."),
          code='''
def exprel(x):
    x = np.asarray(x, dtype=float)
    safe = np.where(x == 0, 1.0, x)
    return np.where(x == 0, 1.0, (np.exp(safe) - 1.0) / safe)
'''),
    Wrong("nan_at_zero",
          hint=("At x = 0 the quotient is 0/0 = NaN; the function's value there is its limit, "
                "which you must return explicitly."),
          code='''
def exprel(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.expm1(x) / x
'''),
    Wrong("series_too_short",
          hint=("Your series branch stops too early for how wide its range is: the first "
                "omitted term must stay below the required relative accuracy on the whole branch."),
          code='''
def exprel(x):
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-3
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 + x / 2, (np.exp(safe) - 1.0) / safe)
'''),
    Wrong("integer_output",
          hint=("Your output array takes the dtype of x, so an integer x makes it an integer "
                "array that truncates the values: start from a float array."),
          code='''
def exprel(x):
    x = np.asarray(x)
    out = np.ones_like(x)
    nz = x != 0
    out[nz] = np.expm1(x[nz]) / x[nz]
    return out
'''),
)

ALTERNATIVES = (
    # Kahan's trick: (y - 1)/log(y) with y = e^x, exact to a few ulps (the errors cancel).
    Alternative("kahan_log_trick", code='''
def exprel(x):
    x = np.asarray(x, dtype=float)
    y = np.exp(x)
    one = y == 1.0
    num = np.where(one, 1.0, y - 1.0)
    den = np.where(one, 1.0, np.log(np.where(one, 2.0, y)))
    return np.where(one, 1.0, num / den)
'''),
    # scipy's own function, with a plain float copy of the input.
    Alternative("scipy_exprel", code='''
from scipy.special import exprel as _exprel

def exprel(x):
    return _exprel(np.asarray(x, dtype=float))
'''),
    # A four-term series below |x| = 1e-4, the plain quotient above it, one point at a time.
    Alternative("series_then_quotient", code='''
import math

def exprel(x):
    out = []
    for t in np.asarray(x, dtype=float):
        if abs(t) < 1e-4:
            out.append(1.0 + t / 2 + t * t / 6 + t ** 3 / 24)
        else:
            out.append((math.exp(t) - 1.0) / t)
    return np.array(out, dtype=float)
'''),
)

TASK = Task(
    answer_cell="c8_exprel",
    checks=(CheckSpec(id="calculus.exprel", unit="calculus", function="exprel",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
