"""C5 ``taylor_poly(derivs, x0, x, n) -> T``: the degree-n Taylor polynomial about x0.

Convention (stated in the notebook): ``T_n(x) = Σ_{k=0}^{n} f⁽ᵏ⁾(x0) (x − x0)^k / k!``, degree n
inclusive (n + 1 terms, n = 0 the constant f(x0)); ``derivs[k] = f⁽ᵏ⁾(x0)`` may hold more than
n + 1 entries (use only the first n + 1); x0 any number; x a 1-D array of any real dtype; T a
float array shaped like x.

Graded against the reference polynomial (not against f) at 1e-12 relative to the sum of the
absolute terms. The hidden inputs have x − x0 = ±1 in every grid (where the dropped term is
visible), x0 ≠ 0, n = 0, more derivatives than needed, alternating terms and integer dtypes.
Catches: n terms instead of n + 1, 1/k instead of 1/k!, powers of x instead of (x − x0),
every derivative used, an integer accumulator.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(derivs: Any, x0: float, x: Any, n: int) -> np.ndarray:
    """C5: T_n(x) = Σ_{k=0}^{n} f⁽ᵏ⁾(x0) (x − x0)^k / k!, by Horner's rule in (x − x0)."""
    d, t = _f(derivs), _f(x) - float(x0)
    out = np.zeros(t.shape)
    for k in range(int(n), -1, -1):
        out = out * t + d[k] / math.factorial(k)
    return out


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """C5: exp, sin, log(1+x) and polynomial derivatives; x − x₀ = ±1 in every grid."""
    def grid(x0: float, reach: float, m: int = 7) -> np.ndarray:
        x = x0 + np.linspace(-reach, reach, m)
        x[0], x[-1] = x0 - 1.0, x0 + 1.0
        return np.sort(np.r_[x, x0 + rng.uniform(-reach, reach, 2)])

    x0 = float(rng.uniform(0.2, 1.0))
    s0 = float(rng.uniform(-1.0, 1.0))
    sin_d = np.array([np.sin(s0), np.cos(s0), -np.sin(s0), -np.cos(s0)] * 3)
    l0 = float(rng.uniform(0.5, 1.5))
    log_d = np.r_[np.log1p(l0), [(-1.0) ** (k - 1) * math.factorial(k - 1) / (1 + l0) ** k
                                 for k in range(1, 10)]]
    p_d = np.array([rng.integers(-5, 6) for _ in range(4)] + [0, 0, 0, 0])
    xi0 = int(rng.integers(-3, 4))
    return [
        Case("exp about x0 = 0.5, n = 5, x - x0 = +-1", (np.ones(6), 0.5, grid(0.5, 1.5), 5)),
        Case("exp about a random x0 != 0, n = 8", (np.exp(x0) * np.ones(9), x0, grid(x0, 2.0), 8)),
        Case("sin about a random x0, n = 7", (sin_d[:8], s0, grid(s0, 2.5), 7)),
        Case("log(1+x), alternating terms, n = 9", (log_d, l0, grid(l0, 1.2), 9)),
        Case("more derivatives than needed (len 12, n = 3)", (sin_d, s0, grid(s0, 1.0), 3)),
        Case("n = 0 (the constant f(x0))", (np.exp(x0) * np.ones(3), x0, grid(x0, 1.0), 0)),
        Case("integer dtype derivatives and x, cubic with n = 5",
             (p_d, xi0, np.arange(xi0 - 3, xi0 + 4), 5)),
        Case("negative x0 = -1.5, exp, n = 6", (np.exp(-1.5) * np.ones(7), -1.5,
                                                grid(-1.5, 1.0), 6)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """C5: |T − T_ref| ≤ 1e-12·Σ_k |f⁽ᵏ⁾(x0)||x − x0|^k/k! at every point."""
    derivs, x0, x, n = _f(case.args[0]), float(case.args[1]), _f(case.args[2]), int(case.args[3])
    T = as_array(output, name="T_n(x)", shape=x.shape)
    ref = reference(derivs, x0, x, n)
    # Any evaluation order (direct sum, Horner) errs by ≤ γ_{2n+2}·Σ|terms| ≈ 5e-15·Σ|terms|
    # for n ≤ 10 (Higham §5.1), so 1e-12·Σ|terms| leaves a 200× margin and is rtol 1e-12
    # when the terms do not cancel. The dropped term at x − x0 = 1 is ≥ 1/9! ≈ 3e-6·Σ|terms|.
    bound = 1e-12 * reference(np.abs(derivs), x0, x0 + np.abs(x - x0), n)
    if np.all(np.abs(T - ref) <= bound):
        return None
    checks: list[tuple[bool, Callable[[], np.ndarray], str]] = [
        (n >= 1, lambda: reference(derivs, x0, x, n - 1),
         "n terms instead of n + 1 (degree n is inclusive: k = 0, …, n)"),
        (derivs.size > n + 1, lambda: reference(derivs, x0, x, derivs.size - 1),
         "all the derivatives were used; stop at degree n"),
        (x0 != 0, lambda: reference(derivs, 0.0, x, n),
         "expanded about 0 instead of x0: use powers of (x − x0)")]
    for applies, alt, why in checks:
        if applies and np.all(np.abs(T - alt()) <= bound + 1e-12 * np.abs(alt())):
            raise Mismatch(why)
    raise Mismatch("T_n(x) differs from the Taylor polynomial (1/k! — not 1/k — in term k; "
                   "an integer-dtype array truncating the sum?)")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # n terms (degree n - 1): drops f^(n)(x0)(x - x0)^n / n!, 1/120 for exp at n = 5.
    Wrong("n_terms",
          hint=("Degree n is inclusive: the sum runs over k = 0, 1, …, n, which is n + 1 terms, "
                "so your loop stops one term early."),
          code='''
import math

def taylor_poly(derivs, x0, x, n):
    t = np.asarray(x, dtype=float) - x0
    return sum(derivs[k] * t ** k / math.factorial(k) for k in range(n)) + 0 * t
'''),
    # 1/k instead of 1/k!.
    Wrong("one_over_k",
          hint=("Term k of a Taylor polynomial is divided by k factorial, not by k: use "
                "math.factorial(k) or update a running k! in your loop."),
          code='''
def taylor_poly(derivs, x0, x, n):
    t = np.asarray(x, dtype=float) - x0
    out = np.zeros_like(t) + derivs[0]
    for k in range(1, n + 1):
        out = out + derivs[k] * t ** k / k
    return out
'''),
    # Powers of x instead of (x - x0).
    Wrong("about_zero",
          hint=("Your polynomial is expanded about 0: the Taylor polynomial about x0 uses "
                "powers of (x − x0), not of x."),
          code='''
import math

def taylor_poly(derivs, x0, x, n):
    x = np.asarray(x, dtype=float)
    return sum(derivs[k] * x ** k / math.factorial(k) for k in range(n + 1)) + 0 * x
'''),
    # Uses every derivative supplied, ignoring n.
    Wrong("uses_len_derivs",
          hint=("You summed every derivative you were given: derivs may hold more than n + 1 "
                "entries, so use only derivs[0], …, derivs[n]."),
          code='''
import math

def taylor_poly(derivs, x0, x, n):
    t = np.asarray(x, dtype=float) - x0
    return sum(d * t ** k / math.factorial(k) for k, d in enumerate(derivs)) + 0 * t
'''),
    # np.zeros_like of an integer x accumulates in integers (truncation).
    Wrong("integer_accumulator",
          hint=("Your accumulator takes the dtype of x, so an integer x makes it an integer "
                "array that cannot hold the fractional terms: start from a float array."),
          nameable=False,
          code='''
import math

def taylor_poly(derivs, x0, x, n):
    out = np.zeros_like(x)
    for k in range(n + 1):
        out += derivs[k] * (x - x0) ** k / math.factorial(k)
    return out
'''),
)

ALTERNATIVES = (
    # Horner's rule in t = x - x0.
    Alternative("horner", code='''
import math

def taylor_poly(derivs, x0, x, n):
    t = np.asarray(x, dtype=float) - x0
    out = np.zeros_like(t)
    for k in range(n, -1, -1):
        out = out * t + derivs[k] / math.factorial(k)
    return out
'''),
    # Running term t^k / k! updated multiplicatively.
    Alternative("running_term", code='''
def taylor_poly(derivs, x0, x, n):
    t = np.asarray(x, dtype=float) - float(x0)
    term = np.ones_like(t)
    out = derivs[0] * term
    for k in range(1, n + 1):
        term = term * t / k
        out = out + derivs[k] * term
    return out
'''),
    # np.polyval on the coefficient vector (highest degree first).
    Alternative("polyval", code='''
from scipy.special import factorial

def taylor_poly(derivs, x0, x, n):
    k = np.arange(n + 1)
    coeffs = np.asarray(derivs[: n + 1], dtype=float) / factorial(k)
    return np.polyval(coeffs[::-1], np.asarray(x, dtype=float) - x0)
'''),
)

TASK = Task(
    answer_cell="c5_taylor_poly",
    checks=(CheckSpec(id="calculus.taylor_poly", unit="calculus", function="taylor_poly",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
