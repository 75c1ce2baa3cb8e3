"""O8 ``qp_dual(Q, c, G, h, x, mu) -> (g, gap)``: the Lagrange dual function and the duality gap.

Convention (stated in the notebook): for the primal problem of O7, minimise
f(x) = ½xᵀQx + cᵀx subject to Gx ≤ h with Q SPD, and L = f(x) + μᵀ(Gx − h), the dual
function is g(μ) = min_x L(x, μ) = −½(c + Gᵀμ)ᵀQ⁻¹(c + Gᵀμ) − hᵀμ (MML §7.2), attained at
x(μ) = −Q⁻¹(c + Gᵀμ). Given a primal feasible x and a dual feasible μ ≥ 0, return g(μ) and
the duality gap f(x) − g(μ), which is ≥ 0 (weak duality) and 0 exactly at an optimal
pair (strong duality: a convex problem with affine constraints).

Graded against the reference to an allowance derived from the rounding of a quadratic form
with an SPD matrix of condition ≤ 10 (:func:`allowance`), so every backward-stable evaluation
passes: the closed form through a solve or a Cholesky factor, L evaluated at the minimiser
x(μ), and the numerical minimisation of L. Hidden cases include optimal pairs (gap 0), μ = 0,
μ > 0 on slack constraints and integer dtype. Catches: the −hᵀμ term dropped, the sign of
Gᵀμ, the ½ dropped, f(x(μ)) in place of L(x(μ), μ), and L(x, μ) in place of f(x) in the gap.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_float, as_tuple
from graders.compare import trusted_array as _f
from graders.content.units.optimisation import kkt_qp
from graders.errors import Mismatch

__all__ = ["TASK", "allowance", "cases", "judge", "reference"]


def reference(Q: Any, c: Any, G: Any, h: Any, x: Any, mu: Any) -> tuple[float, float]:
    """Reference O8: g(μ) through the Cholesky factor Q = LLᵀ, z = L⁻¹(c + Gᵀμ):
    g = −½‖z‖² − hᵀμ; gap = f(x) − g."""
    Qm, cv, Gm, hv, xv, mv = (_f(v) for v in (Q, c, G, h, x, mu))
    z = np.linalg.solve(np.linalg.cholesky(Qm), cv + Gm.T @ mv)
    g = float(-0.5 * z @ z - hv @ mv)
    return g, float(0.5 * xv @ Qm @ xv + cv @ xv) - g


def allowance(Q: Any, c: Any, G: Any, h: Any, x: Any, mu: Any) -> float:
    """How far a correct g or gap may be from the reference in floating point.

    A backward-stable evaluation of wᵀQ⁻¹w (w = c + Gᵀμ) errs by ≤ c₁·n·κ(Q)·ε·wᵀQ⁻¹w, and
    L evaluated at x(μ) (½xᵀQx + wᵀx cancel to −½wᵀQ⁻¹w) by the same order; the sums hᵀμ
    and f(x) = ½xᵀQx + cᵀx err by ≤ c₁·n·ε times their absolute sums. With c₁ ≤ 10 the
    total is ≤ 10·n·κ·ε·S, S = wᵀQ⁻¹w + |h|ᵀ|μ| + |x|ᵀ|Q||x| + |c|ᵀ|x|; the allowance
    1e3·n·κ·ε·S (≈ 1e-11·S, κ ≤ 10 on these inputs) leaves a factor 100 for the difference
    of both errors and for a numerical minimisation of L (whose error in g is quadratic in
    its gradient tolerance). The planted mistakes change g or the gap by ≥ 0.01·S.
    """
    Qm, cv, Gm, hv, xv, mv = (_f(v) for v in (Q, c, G, h, x, mu))
    w = cv + Gm.T @ mv
    s = (float(w @ np.linalg.solve(Qm, w)) + float(np.abs(hv) @ np.abs(mv))
         + float(np.abs(xv) @ np.abs(Qm) @ np.abs(xv)) + float(np.abs(cv) @ np.abs(xv)))
    return float(1e3 * Qm.shape[0] * float(np.linalg.cond(Qm)) * EPS * max(s, 1.0))


# ---------------------------------------------------------------- hidden inputs


def _optimal(rng: np.random.Generator, label: str, n: int, m: int, active: int) -> Case:
    p = kkt_qp(rng, n, m, active)
    return Case(label, (p.Q, p.c, p.G, p.h, p.x, p.mu))


def _off_optimum(rng: np.random.Generator, label: str, n: int, m: int, zero_mu: bool) -> Case:
    """A feasible x away from the optimum and a μ ≥ 0 positive on slack constraints."""
    p = kkt_qp(rng, n, m, min(n, m) // 2)
    x = p.x + 0.5 * rng.standard_normal(n)
    h = np.maximum(p.h, p.G @ x + rng.uniform(0.2, 1.0, m))   # x strictly feasible
    mu = np.zeros(m) if zero_mu else rng.uniform(0.2, 2.0, m)
    return Case(label, (p.Q, p.c, p.G, h, x, mu))


def cases(rng: np.random.Generator) -> list[Case]:
    """O8: optimal pairs (gap 0), off-optimum pairs (gap > 0), μ = 0, n = m = 1, integer dtype."""
    return [
        _optimal(rng, "optimal pair, two of four constraints active, n = 3 (gap 0)", 3, 4, 2),
        _optimal(rng, "optimal pair at a vertex, n = 3 active of m = 5 (gap 0)", 3, 5, 3),
        _off_optimum(rng, "feasible x and μ > 0 on slack constraints, n = 3, m = 4", 3, 4,
                     False),
        _off_optimum(rng, "feasible x and μ > 0, m = 6 > n = 2", 2, 6, False),
        _off_optimum(rng, "μ = 0: g is the unconstrained minimum, n = 4, m = 3", 4, 3, True),
        _off_optimum(rng, "n = m = 1", 1, 1, False),
        Case("integer dtype, x = 0 feasible, μ = (2, 1, 0)",
             (np.array([[2, 1], [1, 2]]), np.array([-4, -4]), np.array([[1, 1], [1, 0], [0, -1]]),
              np.array([2, 3, 0]), np.array([0, 0]), np.array([2, 1, 0]))),
        Case("integer dtype optimal pair x = (1, 1), μ = (1, 0, 0) (gap 0)",
             (np.array([[2, 1], [1, 2]]), np.array([-4, -4]), np.array([[1, 1], [1, 0], [0, -1]]),
              np.array([2, 3, 0]), np.array([1, 1]), np.array([1, 0, 0]))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """O8: g and the gap within the derived allowance; the diagnoses name the usual slips."""
    Q, c, G, h, x, mu = (_f(v) for v in case.args)
    g_out, gap_out = as_tuple(output, 2, name="(g, gap)")
    g, gap = as_float(g_out, name="g"), as_float(gap_out, name="gap")
    g_ref, gap_ref = reference(Q, c, G, h, x, mu)
    tol = allowance(Q, c, G, h, x, mu)
    if abs(g - g_ref) > tol:
        w_minus = c - G.T @ mu
        if abs(g - float(-0.5 * w_minus @ np.linalg.solve(Q, w_minus) - h @ mu)) <= tol:
            raise Mismatch("g uses c − Gᵀμ: with L = f(x) + μᵀ(Gx − h) the minimiser of L is "
                           "x(μ) = −Q⁻¹(c + Gᵀμ)")
        raise Mismatch("g is not min over x of L(x, μ) = ½xᵀQx + cᵀx + μᵀ(Gx − h): check "
                       "the ½, the term −hᵀμ and that you evaluate L, not f, at x(μ)")
    if abs(gap - gap_ref) > tol:
        if abs(gap + gap_ref) <= tol:
            raise Mismatch("the gap has the wrong sign: it is f(x) − g(μ) ≥ 0 (weak duality)")
        if abs(gap_ref) <= tol:
            raise Mismatch("at an optimal primal-dual pair the gap f(x) − g(μ) must vanish "
                           "(strong duality)")
        raise Mismatch("gap is not f(x) − g(μ) with the primal objective f(x) = ½xᵀQx + cᵀx")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    Wrong("missing_h_term",
          hint=("Your g(μ) lacks a term of the Lagrangian: evaluate all of "
                "L(x, μ) = ½xᵀQx + cᵀx + μᵀ(Gx − h) at its minimiser over x."),
          code='''
def qp_dual(Q, c, G, h, x, mu):
    Q, c, G, h, x, mu = (np.asarray(v, dtype=float) for v in (Q, c, G, h, x, mu))
    w = c + G.T @ mu
    g = -0.5 * w @ np.linalg.solve(Q, w)
    return float(g), float(0.5 * x @ Q @ x + c @ x - g)
'''),
    Wrong("sign_of_G",
          hint=("Check the sign of Gᵀμ: setting the gradient of L(x, μ) to zero gives "
                "Qx + c + Gᵀμ = 0."),
          code='''
def qp_dual(Q, c, G, h, x, mu):
    Q, c, G, h, x, mu = (np.asarray(v, dtype=float) for v in (Q, c, G, h, x, mu))
    w = c - G.T @ mu
    g = -0.5 * w @ np.linalg.solve(Q, w) - h @ mu
    return float(g), float(0.5 * x @ Q @ x + c @ x - g)
'''),
    Wrong("missing_half",
          hint=("Recompute the minimum of the quadratic ½xᵀQx + wᵀx: substituting its "
                "minimiser does not give −wᵀQ⁻¹w."),
          code='''
def qp_dual(Q, c, G, h, x, mu):
    Q, c, G, h, x, mu = (np.asarray(v, dtype=float) for v in (Q, c, G, h, x, mu))
    w = c + G.T @ mu
    g = -w @ np.linalg.solve(Q, w) - h @ mu
    return float(g), float(0.5 * x @ Q @ x + c @ x - g)
'''),
    Wrong("objective_at_minimiser",
          hint=("The dual function is the Lagrangian at its minimiser x(μ), not the objective "
                "f there: the term μᵀ(Gx(μ) − h) belongs to it."),
          code='''
def qp_dual(Q, c, G, h, x, mu):
    Q, c, G, h, x, mu = (np.asarray(v, dtype=float) for v in (Q, c, G, h, x, mu))
    xm = np.linalg.solve(Q, -(c + G.T @ mu))
    g = 0.5 * xm @ Q @ xm + c @ xm
    return float(g), float(0.5 * x @ Q @ x + c @ x - g)
'''),
    Wrong("lagrangian_gap",
          hint=("The duality gap compares the primal objective f(x) with g(μ), not the "
                "Lagrangian L(x, μ)."),
          code='''
def qp_dual(Q, c, G, h, x, mu):
    Q, c, G, h, x, mu = (np.asarray(v, dtype=float) for v in (Q, c, G, h, x, mu))
    w = c + G.T @ mu
    g = -0.5 * w @ np.linalg.solve(Q, w) - h @ mu
    return float(g), float(0.5 * x @ Q @ x + c @ x + mu @ (G @ x - h) - g)
'''),
)

ALTERNATIVES = (
    # The Lagrangian evaluated at its minimiser x(μ) = −Q⁻¹(c + Gᵀμ).
    Alternative("lagrangian_at_minimiser", code='''
def qp_dual(Q, c, G, h, x, mu):
    Q, c, G, h, x, mu = (np.asarray(v, dtype=float) for v in (Q, c, G, h, x, mu))
    xm = scipy.linalg.solve(Q, -(c + G.T @ mu), assume_a="pos")
    g = 0.5 * xm @ Q @ xm + c @ xm + mu @ (G @ xm - h)
    f = 0.5 * x @ Q @ x + c @ x
    return float(g), float(f - g)
'''),
    # The closed form with an explicit inverse.
    Alternative("closed_form_inverse", code='''
def qp_dual(Q, c, G, h, x, mu):
    Q, c, G, h, x, mu = (np.asarray(v, dtype=float) for v in (Q, c, G, h, x, mu))
    Qi = np.linalg.inv(Q)
    g = -0.5 * (c + G.T @ mu) @ Qi @ (c + G.T @ mu) - h @ mu
    return float(g), float(x @ (0.5 * Q @ x + c) - g)
'''),
    # Minimising the Lagrangian numerically (its error in g is quadratic in the gradient's).
    Alternative("numerical_minimisation", code='''
import scipy.optimize

def qp_dual(Q, c, G, h, x, mu):
    Q, c, G, h, x, mu = (np.asarray(v, dtype=float) for v in (Q, c, G, h, x, mu))
    w = c + G.T @ mu
    res = scipy.optimize.minimize(lambda z: 0.5 * z @ Q @ z + w @ z, np.zeros(len(c)),
                                  jac=lambda z: Q @ z + w, hess=lambda z: Q,
                                  method="trust-exact", options={"gtol": 1e-12})
    g = res.fun - h @ mu
    return float(g), float(0.5 * x @ Q @ x + c @ x - g)
'''),
)

TASK = Task(
    answer_cell="o8_qp_dual",
    checks=(CheckSpec(id="optimisation.qp_dual", unit="optimisation",
                      function="qp_dual", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
