"""C7 ``newton(f, df, x0, tol, maxit) -> (x, n_iter)``: Newton's method for a root of f.

Convention (stated in the notebook): ``x_{k+1} = x_k − f(x_k)/f'(x_k)`` from x0, stopping as
soon as |f(x_k)| ≤ tol with ``(x_k, k)``, k the number of updates (0 if |f(x0)| ≤ tol); a
needed step with f'(x_k) = 0 raises ``ZeroDivisionError`` (or ``ValueError``); |f| > tol after
maxit updates raises ``RuntimeError``, never a silent non-converged x.

Graded: |f(x)| ≤ tol, the same root as reference Newton from x0, and quadratic convergence
observed through the count: ``|n_iter − n_ref| ≤ 1``. One step of slack absorbs counting
conventions (a loop that tests f(x0) after a first update); secant steps need ≥ 2 more steps
on the cubic, quartic and double-root cases and chord steps many more, so both fail. f and df
are polynomials and ``exp(a t) − b``, built in the sandbox by
``graders/runtime/factories/calculus.py``; shifts and scales are dyadic so the hidden
f'(x0) = 0 and the 2-cycle are exact. The hidden inputs have simple, double and triple roots,
df = 0 at x0, a 2-cycle, x0 already a root and a maxit too small. Catches: the step
inverted, secant and chord steps, a silent return after maxit, a swallowed zero derivative.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, FunctionSpec, Task, Wrong
from graders.compare import as_float, as_int, as_tuple
from graders.compare import trusted_array as _f
from graders.content.units.calculus import Fn, build_fn
from graders.errors import Mismatch

__all__ = ["DF_ZERO_ERRORS", "TASK", "cases", "judge", "real_roots", "reference"]


def reference(f: Fn, df: Fn, x0: float, tol: float, maxit: int) -> tuple[float, int]:
    """C7: x ← x − f(x)/df(x) until |f(x)| ≤ tol; n_iter = number of updates.

    Raises ZeroDivisionError if df(x_k) == 0 and RuntimeError after maxit updates.
    """
    x = float(x0)
    for k in range(int(maxit) + 1):
        fx = float(f(x))
        if abs(fx) <= tol:
            return x, k
        if k == maxit:
            break
        d = float(df(x))
        if d == 0.0:
            raise ZeroDivisionError("df(x) = 0")
        x -= fx / d
    raise RuntimeError("Newton's method did not converge within maxit steps")


def real_roots(spec: FunctionSpec) -> list[float]:
    """The real roots of a C7 test function, from its parameters."""
    if spec.factory == "calculus.exp_shift":
        return [math.log(float(spec.params["b"])) / float(spec.params["a"])]
    if spec.factory == "calculus.poly_roots":
        return [float(r) for r in _f(spec.params["roots"])]
    return []


# ---------------------------------------------------------------- hidden inputs


def _poly(roots: list[float], scale: float) -> tuple[FunctionSpec, FunctionSpec]:
    params = {"roots": np.asarray(roots, dtype=float), "scale": float(scale)}
    return (FunctionSpec("calculus.poly_roots", params),
            FunctionSpec("calculus.poly_roots_deriv", params))


#: Exceptions the question text allows when df(x_k) == 0.
DF_ZERO_ERRORS = ("ZeroDivisionError", "ValueError", "FloatingPointError")


def cases(rng: np.random.Generator) -> list[Case]:
    """C7: shifts and scales are dyadic (k/4, 2^j) so the df = 0 and cycle cases are exact."""
    def shift() -> float:
        return float(rng.integers(-8, 9)) / 4.0

    s1, s2, s3, s4, s5 = (shift() for _ in range(5))
    scale = float(2.0 ** rng.integers(-1, 2))
    r = float(rng.integers(2, 9)) / 4.0
    a = float(rng.uniform(0.5, 1.5))
    b = float(rng.uniform(2.0, 6.0))
    exp_fns = (FunctionSpec("calculus.exp_shift", {"a": a, "b": b}),
               FunctionSpec("calculus.exp_shift_deriv", {"a": a, "b": b}))
    cycle = {"coeffs": np.array([2.0, -2.0, 0.0, 1.0])}  # x^3 - 2x + 2: 0 -> 1 -> 0 exactly
    cubic = [-2.0 + s1, 0.5 + s1, 3.0 + s1]
    return [
        Case("cubic, simple roots, x0 to the right", (*_poly(cubic, scale), 4.0 + s1, 1e-10, 50)),
        Case("quartic, far start", (*_poly([-3 + s2, -1 + s2, 2 + s2, 5 + s2], 0.1),
                                    10.0 + s2, 1e-10, 50)),
        Case("double root (linear convergence)", (*_poly([1 + s3, 1 + s3, -2 + s3], scale),
                                                  2.0 + s3, 1e-10, 100)),
        Case("triple root", (*_poly([0.75 + s4, 0.75 + s4, 0.75 + s4, -1 + s4], 2.0),
                             2.0 + s4, 1e-10, 100)),
        Case("exp(a x) - b", (*exp_fns, float(rng.uniform(-1.0, 3.0)), 1e-12, 50)),
        Case("x0 is already a root", (*_poly(cubic, scale), 0.5 + s1, 1e-10, 50)),
        Case("df = 0 at x0 (must raise)", (*_poly([s5 - r, s5 + r], scale), s5, 1e-10, 50),
             raises=DF_ZERO_ERRORS),
        Case("2-cycle x^3 - 2x + 2 from x0 = 0 (must raise RuntimeError)",
             (FunctionSpec("calculus.poly_coeffs", cycle),
              FunctionSpec("calculus.poly_coeffs_deriv", cycle), 0.0, 1e-10, 30),
             raises=("RuntimeError",)),
        Case("maxit too small (must raise RuntimeError)",
             (*_poly([-3 + s2, -1 + s2, 2 + s2, 5 + s2], 0.1), 10.0 + s2, 1e-10, 4),
             raises=("RuntimeError",)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """C7: |f(x)| ≤ tol, the reference's root, and |n_iter − n_ref| ≤ 1 (quadratic rate)."""
    f_spec, df_spec, x0, tol, maxit = case.args
    f = build_fn(f_spec)
    x_out, k_out = as_tuple(output, 2, name="(x, n_iter)")
    x = as_float(x_out, name="x")
    k = as_int(k_out, name="n_iter")
    x_ref, k_ref = reference(f, build_fn(df_spec), x0, tol, maxit)
    if abs(float(f(x))) > tol:
        raise Mismatch("|f(x)| > tol at the returned x: iterate until |f(x)| <= tol "
                       "(the step is x - f(x)/df(x))")
    roots = real_roots(f_spec)
    if roots:
        def nearest(t: float) -> int:
            return int(np.argmin(np.abs(np.asarray(roots) - t)))
        if nearest(x) != nearest(x_ref):
            raise Mismatch("converged to a different root than Newton's method from x0")
    # Newton's iteration is deterministic: a different correct implementation reproduces the
    # iterates up to rounding, which cannot move |f(x_k)| across tol here (tol ≫ the rounding
    # noise of f, 1e-14), so its count equals n_ref; ±1 absorbs counting conventions only.
    if k > k_ref + 1:
        raise Mismatch("n_iter is larger than Newton's method needs from x0: the convergence "
                       "is not quadratic (secant or fixed-slope steps?)")
    if k < k_ref - 1:
        raise Mismatch("n_iter is smaller than the number of Newton updates x <- x - f/df "
                       "performed from x0")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # The step inverted: x - df/f.
    Wrong("df_over_f",
          hint=("Your step is inverted: Newton's update is x − f(x)/df(x), the root of the "
                "tangent line, not x − df(x)/f(x)."),
          nameable=False,
          code='''
def newton(f, df, x0, tol, maxit):
    x = x0
    for k in range(maxit + 1):
        if abs(f(x)) <= tol:
            return x, k
        if k == maxit:
            break
        x = x - df(x) / f(x)
    raise RuntimeError("no convergence")
'''),
    # Secant steps after a first Newton step (superlinear, not quadratic).
    Wrong("secant",
          hint=("Your steps after the first use a secant slope through the last two iterates: "
                "Newton's method evaluates the derivative df at every iterate, which converges "
                "faster."),
          code='''
def newton(f, df, x0, tol, maxit):
    x_old, f_old = x0, f(x0)
    if abs(f_old) <= tol:
        return x0, 0
    d = df(x0)
    if d == 0:
        raise ZeroDivisionError("df(x0) = 0")
    x = x0 - f_old / d
    for k in range(1, maxit + 1):
        fx = f(x)
        if abs(fx) <= tol:
            return x, k
        x, x_old, f_old = x - fx * (x - x_old) / (fx - f_old), x, fx
    raise RuntimeError("no convergence")
'''),
    # Chord method: the slope df(x0) for every step (linear convergence).
    Wrong("chord",
          hint=("You keep the slope df(x0) for every step (the chord method), which converges "
                "only linearly: evaluate df at the current iterate in each update."),
          code='''
def newton(f, df, x0, tol, maxit):
    d = df(x0)
    if d == 0:
        raise ZeroDivisionError("df(x0) = 0")
    x = x0
    for k in range(maxit + 1):
        if abs(f(x)) <= tol:
            return x, k
        x = x - f(x) / d
    raise RuntimeError("no convergence")
'''),
    # Returns the last iterate after maxit steps without flagging failure.
    Wrong("silent_maxit",
          hint=("When |f(x)| > tol still holds after maxit updates you return the last iterate: "
                "raise RuntimeError instead of a non-converged x."),
          code='''
def newton(f, df, x0, tol, maxit):
    x = x0
    k = 0
    while abs(f(x)) > tol and k < maxit:
        x = x - f(x) / df(x)
        k += 1
    return x, k
'''),
    # Swallows df = 0 and returns x0 as if it were a root.
    Wrong("swallow_df_zero",
          hint=("When df(x) = 0 at an iterate where a step is needed you return that iterate as "
                "if it were a root: let the ZeroDivisionError propagate, or raise ValueError."),
          code='''
def newton(f, df, x0, tol, maxit):
    x = x0
    for k in range(maxit + 1):
        if abs(f(x)) <= tol:
            return x, k
        if k == maxit:
            raise RuntimeError("no convergence")
        try:
            x = x - f(x) / df(x)
        except ZeroDivisionError:
            return x, k
'''),
)

ALTERNATIVES = (
    # Update first, then test: n_iter = 1 when x0 is already a root (within the ±1 slack).
    Alternative("update_then_test", code='''
def newton(f, df, x0, tol, maxit):
    x = float(x0)
    for k in range(1, maxit + 1):
        d = df(x)
        if d == 0:
            raise ZeroDivisionError("zero derivative")
        x = x - f(x) / d
        if abs(f(x)) <= tol:
            return x, k
    raise RuntimeError("Newton did not converge in maxit steps")
'''),
    # While loop with numpy floats and a ValueError on a zero slope.
    Alternative("while_numpy", code='''
def newton(f, df, x0, tol, maxit):
    x = np.float64(x0)
    n_iter = 0
    fx = f(x)
    while abs(fx) > tol:
        if n_iter >= maxit:
            raise RuntimeError("maximum number of iterations reached")
        slope = df(x)
        if slope == 0:
            raise ValueError("df(x) = 0: Newton step undefined")
        x = x - fx * (1.0 / slope)
        n_iter += 1
        fx = f(x)
    return float(x), n_iter
'''),
    # Recursive formulation.
    Alternative("recursive", code='''
def newton(f, df, x0, tol, maxit):
    def step(x, k):
        fx = f(x)
        if abs(fx) <= tol:
            return x, k
        if k >= maxit:
            raise RuntimeError("not converged")
        return step(x - fx / df(x), k + 1)
    return step(x0, 0)
'''),
)

TASK = Task(
    answer_cell="c7_newton",
    checks=(CheckSpec(id="calculus.newton", unit="calculus", function="newton",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
