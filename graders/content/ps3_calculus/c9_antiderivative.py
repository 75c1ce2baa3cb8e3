"""C9 ``antiderivative(p, a, w, x0, x) -> F``: the antiderivative of f with F(x0) = 0 (the FTC).

Convention (stated in the notebook): f(t) = Σ_j p_j t^j + Σ_k a_k e^{w_k t} (p lowest degree
first, at least one entry; a and w of equal length, possibly empty; w_k = 0 allowed, the term
then being the constant a_k), and F(x) = ∫_{x0}^{x} f(t) dt = G(x) − G(x0) for any antiderivative
G (G' = f), so F' = f and F(x0) = 0. ``x`` is a 1-D array of any real dtype (x < x0 allowed),
``F`` a float array of the same shape.

Graded entrywise against the reference to an allowance derived from rounding (see
:func:`allowance`); the content tests check the reference against adaptive quadrature
(``scipy.integrate.quad``: the definite integrals F(b) − F(a)) and F' against f at judge-chosen
points. Catches: no base point (G(x) instead of G(x) − G(x0)), the chain-rule factor 1/w_k
missing, ``np.polyint`` fed lowest-degree-first coefficients, and w_k = 0 left as 0/0.
Accepts the closed form written any stable way (``polyint(lbnd=x0)``, G(x) − G(x0),
``expm1``) and Gauss–Legendre quadrature.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array
from graders.compare import trusted_array as _f
from graders.errors import Mismatch

__all__ = ["TASK", "allowance", "cases", "integrand", "judge", "reference"]


def _exp_part(a: np.ndarray, w: np.ndarray, x0: float, x: np.ndarray) -> np.ndarray:
    """Σ_k a_k ∫_{x0}^{x} e^{w_k t} dt = Σ_k a_k e^{w_k x0}·expm1(w_k d)/w_k with d = x − x0.

    expm1 keeps the difference e^{w x} − e^{w x0} free of cancellation; w_k = 0 gives a_k d.
    """
    d = x - x0
    out = np.zeros_like(d)
    for ak, wk in zip(a, w, strict=True):
        out = out + (ak * d if wk == 0.0 else ak * np.exp(wk * x0) * np.expm1(wk * d) / wk)
    return out


def reference(p: Any, a: Any, w: Any, x0: float, x: Any) -> np.ndarray:
    """C9: Σ_j p_j (x^{j+1} − x0^{j+1})/(j + 1) plus the exponential terms without cancellation."""
    pv, av, wv, xv, x0f = _f(p), _f(a), _f(w), _f(x), float(x0)
    poly = sum((pj * (xv ** (j + 1) - x0f ** (j + 1)) / (j + 1) for j, pj in enumerate(pv)),
               np.zeros_like(xv))
    return np.asarray(poly + _exp_part(av, wv, x0f, xv))


def integrand(p: Any, a: Any, w: Any, t: Any) -> np.ndarray:
    """f(t) = Σ_j p_j t^j + Σ_k a_k e^{w_k t}, elementwise (for the tests' quadrature)."""
    tv = _f(t)
    out = sum((pj * tv**j for j, pj in enumerate(_f(p))), np.zeros_like(tv))
    return np.asarray(out + sum((ak * np.exp(wk * tv) for ak, wk in zip(_f(a), _f(w), strict=True)),
                                np.zeros_like(tv)))


def allowance(p: Any, a: Any, w: Any, x0: float, x: Any) -> np.ndarray:
    """How far a correct F(x) may be from the reference in floating point, entrywise.

    On [−R, R] with R = max(|x|, |x0|), let M = Σ|p_j|R^j + Σ|a_k|e^{|w_k|R} bound |f| and
    M' = Σ j|p_j|R^{j−1} + Σ|a_k||w_k|e^{|w_k|R} bound |f'|, and T = Σ|p_j|R^{j+1}/(j+1) +
    Σ|a_k|e^{|w_k|R}(1/|w_k| + R) bound the terms of G (with the rounding of the argument w·t,
    relative ε|w|R, folded in; |a_k|R when w_k = 0). A closed form G(x) − G(x0) of ≤ 12 terms
    errs by ≤ γ₂₄·2T ≈ 3e-15·T; a quadrature rule errs by ≤ c·ε·|x − x0|(M + R·M') (each node's
    f within ε|f| plus the node's own rounding ε·R·|f'|, weights summing to |x − x0|). The
    allowance 1e-11·(2T + |x − x0|(M + R·M')) is > 1000× both. Each planted mistake changes a
    whole term of F, and on some hidden case differs from the reference by more than 1e6
    allowances (tests/content/test_calculus.py).
    """
    pv, av, wv, xv = _f(p), _f(a), _f(w), _f(x)
    R = np.maximum(np.abs(xv), abs(float(x0)))
    j = np.arange(pv.size)
    M = sum((abs(pj) * R**k for k, pj in zip(j, pv, strict=True)), np.zeros_like(R))
    dM = sum((k * abs(pj) * R ** max(k - 1, 0) for k, pj in zip(j, pv, strict=True)),
             np.zeros_like(R))
    T = sum((abs(pj) * R ** (k + 1) / (k + 1) for k, pj in zip(j, pv, strict=True)),
            np.zeros_like(R))
    for ak, wk in zip(av, wv, strict=True):
        grow = abs(ak) * np.exp(abs(wk) * R)
        M, dM = M + grow, dM + abs(wk) * grow
        T = T + (abs(ak) * R if wk == 0.0 else grow * (1.0 / abs(wk) + R))
    return np.asarray(1e-11 * (2 * T + np.abs(xv - float(x0)) * (M + R * dM)) + EPS)


# ---------------------------------------------------------------- hidden inputs


def _points(rng: np.random.Generator, x0: float, m: int = 7) -> np.ndarray:
    """m points in [−3, 3] on both sides of x0, x0 itself included (F(x0) = 0)."""
    return np.sort(np.r_[x0, rng.uniform(-3.0, 3.0, m - 1)])


def cases(rng: np.random.Generator) -> list[Case]:
    """C9: polynomial only, mixed with x0 ≠ 0, w = 0, w < 0, x < x0, integers, constant f."""
    def poly(deg: int) -> np.ndarray:
        out = rng.uniform(0.5, 2.0, deg + 1) * rng.choice([-1.0, 1.0], deg + 1)
        out[-1] = 2.5 * out[0] + np.sign(out[0])  # never palindromic: np.polyint order shows
        return np.asarray(out)

    x0 = float(rng.uniform(0.5, 1.5))
    return [
        Case("polynomial only (no exponential terms), x0 = 0",
             (poly(3), np.zeros(0), np.zeros(0), 0.0, _points(rng, 0.0))),
        Case("polynomial and exponentials, x0 != 0",
             (poly(2), rng.uniform(0.5, 2.0, 2), np.array([0.5, 1.75]), x0, _points(rng, x0))),
        Case("a rate w = 0 (the constant a) beside w = 2",
             (poly(1), np.array([1.5, -0.75]), np.array([0.0, 2.0]), -0.5, _points(rng, -0.5))),
        Case("negative rates w < 0, x < x0 and x = x0",
             (poly(2), rng.uniform(0.5, 2.0, 2), np.array([-1.0, -2.0]), 2.0,
              np.array([2.0, 1.0, -0.5, -2.0, -3.0]))),
        Case("p = [0] (exponential terms only), x0 = -1",
             (np.zeros(1), np.array([2.0]), np.array([1.5]), -1.0, _points(rng, -1.0))),
        Case("integer dtype p, a, w, x and x0",
             (np.array([1, -2, 3]), np.array([2]), np.array([-1]), 1, np.arange(-3, 4))),
        Case("a constant f = p0 (F = p0 (x - x0)), x0 = 0.75",
             (np.array([-1.25]), np.zeros(0), np.zeros(0), 0.75, _points(rng, 0.75))),
        Case("degree 4 and three exponentials, x0 = -2",
             (poly(4), rng.uniform(-1.0, 1.0, 3), np.array([0.25, -1.5, 1.0]), -2.0,
              _points(rng, -2.0, 9))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """C9: |F − F_ref| ≤ :func:`allowance` at every point."""
    p, a, w, x0, x = case.args
    xv = _f(x)
    F = as_array(output, name="F", shape=xv.shape)
    ref, tol = reference(p, a, w, x0, x), allowance(p, a, w, x0, x)
    if np.all(np.abs(F - ref) <= tol):
        return None
    shift = F - ref
    if np.all(np.abs(shift - shift[0]) <= tol + tol[0]):
        raise Mismatch("F differs from the integral by a constant: the antiderivative must "
                       "satisfy F(x0) = 0 (subtract G(x0))")
    raise Mismatch("F is not the integral of f from x0 to x (check each term's antiderivative "
                   "by differentiating it, and the coefficient order of p)")


# ---------------------------------------------------------------- planted answers

WRONG = (
    Wrong("no_base_point",
          hint=("You returned an antiderivative G(x) with an arbitrary constant; the integral "
                "from x0 is G(x) − G(x0), which is 0 at x = x0."),
          code='''
def antiderivative(p, a, w, x0, x):
    x = np.asarray(x, dtype=float)
    F = np.zeros_like(x)
    for j, pj in enumerate(np.asarray(p, dtype=float)):
        F = F + pj * x ** (j + 1) / (j + 1)
    for ak, wk in zip(np.asarray(a, dtype=float), np.asarray(w, dtype=float)):
        F = F + (ak * x if wk == 0 else ak * np.exp(wk * x) / wk)
    return F
'''),
    Wrong("missing_chain_factor",
          hint=("Differentiate your term for a·e^{w t}: the chain rule brings out a factor w, so "
                "the antiderivative needs a factor 1/w to cancel it."),
          code='''
def antiderivative(p, a, w, x0, x):
    x = np.asarray(x, dtype=float)
    def G(t):
        out = sum(pj * t ** (j + 1) / (j + 1) for j, pj in enumerate(np.asarray(p, float)))
        for ak, wk in zip(np.asarray(a, dtype=float), np.asarray(w, dtype=float)):
            out = out + (ak * t if wk == 0 else ak * np.exp(wk * t))
        return out
    return G(x) - G(float(x0))
'''),
    Wrong("polyint_order",
          hint=("np.polyint and np.polyval take the highest-degree coefficient first, but p "
                "lists the lowest degree first: reverse it, or use np.polynomial.polynomial."),
          code='''
def antiderivative(p, a, w, x0, x):
    x = np.asarray(x, dtype=float)
    P = np.polyint(np.asarray(p, dtype=float))
    F = np.polyval(P, x) - np.polyval(P, float(x0))
    for ak, wk in zip(np.asarray(a, dtype=float), np.asarray(w, dtype=float)):
        F = F + (ak * (x - x0) if wk == 0 else ak * (np.exp(wk * x) - np.exp(wk * x0)) / wk)
    return F
'''),
    Wrong("zero_rate_nan",
          hint=("A rate w = 0 makes (e^{w x} − e^{w x0})/w the undefined 0/0: that term is the "
                "constant a, whose integral must be handled separately."),
          code='''
def antiderivative(p, a, w, x0, x):
    x = np.asarray(x, dtype=float)
    F = np.zeros_like(x)
    for j, pj in enumerate(np.asarray(p, dtype=float)):
        F = F + pj * (x ** (j + 1) - float(x0) ** (j + 1)) / (j + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        for ak, wk in zip(np.asarray(a, dtype=float), np.asarray(w, dtype=float)):
            F = F + ak * (np.exp(wk * x) - np.exp(wk * x0)) / wk
    return F
'''),
)

ALTERNATIVES = (
    # numpy's polynomial integral with the lower bound x0, and G(x) - G(x0) for the exponentials.
    Alternative("polyint_lbnd", code='''
from numpy.polynomial import polynomial as P

def antiderivative(p, a, w, x0, x):
    x = np.asarray(x, dtype=float)
    F = P.polyval(x, P.polyint(np.asarray(p, dtype=float), lbnd=float(x0)))
    for ak, wk in zip(np.asarray(a, dtype=float), np.asarray(w, dtype=float)):
        if wk == 0:
            F = F + ak * (x - x0)
        else:
            F = F + ak / wk * (np.exp(wk * x) - np.exp(wk * x0))
    return F
'''),
    # Gauss-Legendre quadrature with 40 nodes on each [x0, x]: f is entire, so it is exact to
    # rounding on these short intervals.
    Alternative("gauss_legendre", code='''
def antiderivative(p, a, w, x0, x):
    x = np.asarray(x, dtype=float)
    p, a, w = (np.asarray(v, dtype=float) for v in (p, a, w))
    nodes, weights = np.polynomial.legendre.leggauss(40)

    def f(t):
        out = np.polynomial.polynomial.polyval(t, p)
        for ak, wk in zip(a, w):
            out = out + ak * np.exp(wk * t)
        return out

    half, mid = (x - x0) / 2, (x + x0) / 2
    return np.array([h * np.dot(weights, f(m + h * nodes)) for h, m in zip(half, mid)])
'''),
)

TASK = Task(
    answer_cell="c9_antiderivative",
    checks=(CheckSpec(id="calculus.antiderivative", unit="calculus", function="antiderivative",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
