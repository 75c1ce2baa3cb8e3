"""O7 ``ineq_qp(Q, c, G, h) -> (x, mu)``: a QP with inequality constraints, graded on KKT.

Convention (stated in the notebook): minimise ½xᵀQx + cᵀx subject to Gx ≤ h, Q SPD, the
rows of G active at the solution linearly independent (LICQ, so μ is unique); the
Lagrangian is L = ½xᵀQx + cᵀx + μᵀ(Gx − h) with μ ≥ 0, so the KKT conditions are
stationarity Qx + c + Gᵀμ = 0, primal feasibility Gx ≤ h, dual feasibility μ ≥ 0 and
complementary slackness μᵢ(Gx − h)ᵢ = 0 (MML §7.2).

Graded on the four KKT conditions as residuals, each with a tolerance derived from the
rounding of the active-set solve (:func:`allowances`), so any method that ends in an
accurate solve passes: active-set enumeration, least-distance programming through
``scipy.optimize.nnls``, SLSQP polished on its active set, dual coordinate ascent run to
convergence. Catches: the opposite sign of μ (named), the unconstrained minimiser, every
constraint treated as an equality, and the constraints the unconstrained minimiser
violates taken as the active set.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array, as_tuple
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.content.units.optimisation import kkt_qp
from graders.errors import Mismatch

__all__ = ["TASK", "allowances", "cases", "judge", "reference"]


def _solve_on(Q: np.ndarray, c: np.ndarray, G: np.ndarray, h: np.ndarray,
              S: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray] | None:
    """x and μ (zero off S) with the constraints S as equalities; None if G_S is rank-deficient."""
    n, m = Q.shape[0], G.shape[0]
    GS = G[list(S)]
    if S and np.linalg.matrix_rank(GS) < len(S):
        return None
    K = np.block([[Q, GS.T], [GS, np.zeros((len(S), len(S)))]])
    z = np.linalg.solve(K, np.r_[-c, h[list(S)]])
    mu = np.zeros(m)
    mu[list(S)] = z[n:]
    return z[:n], mu


def reference(Q: Any, c: Any, G: Any, h: Any) -> tuple[np.ndarray, np.ndarray]:
    """Reference O7: enumerate the active sets S (|S| ≤ n, smallest first) and return the
    first whose equality-constrained solution is primal and dual feasible.

    The KKT conditions are necessary and sufficient for this strictly convex problem, so
    the accepted pair is the solution; the acceptance threshold 1e-9 (relative) sits far
    above the solve's rounding (≤ 1e-13 here) and far below the generator's margins (μ and
    slacks ≥ 0.5 off the weakly active constraints).
    """
    Qm, cv, Gm, hv = _f(Q), _f(c), _f(G), _f(h)
    n, m = Qm.shape[0], Gm.shape[0]
    scale = _norm2(Gm) * float(np.linalg.norm(np.linalg.solve(Qm, cv))) + float(
        np.linalg.norm(hv)) + 1.0
    for size in range(min(n, m) + 1):
        for S in itertools.combinations(range(m), size):
            sol = _solve_on(Qm, cv, Gm, hv, S)
            if sol is not None and np.max(Gm @ sol[0] - hv, initial=-1.0) <= 1e-9 * scale \
                    and np.min(sol[1], initial=0.0) >= -1e-9 * (1.0 + float(np.abs(sol[1]).max(
                        initial=0.0))):
                return sol[0], np.where(sol[1] > 0, sol[1], 0.0)
    raise ValueError("no KKT point found: the problem is infeasible or violates LICQ")


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """O7: inactive, some active, a vertex (m = n active), m > n, weakly active, 1-D box,
    integer dtype, and two hand-made cases that separate the planted active-set mistakes.

    Each case's context holds the solution (x, μ) it was built from (or worked out by hand),
    which the content tests compare with the reference.
    """
    def qp(label: str, n: int, m: int, active: int, weak: int = 0) -> Case:
        p = kkt_qp(rng, n, m, active, weak)
        return Case(label, (p.Q, p.c, p.G, p.h), context={"x": p.x, "mu": p.mu})

    return [
        qp("no constraint active (the unconstrained minimiser is feasible), n = 3, m = 4",
           3, 4, 0),
        qp("one of three constraints active, n = 3", 3, 3, 1),
        qp("two of five constraints active, n = 4 (m > n)", 4, 5, 2),
        qp("vertex: n = 3 constraints active of m = 6", 3, 6, 3),
        qp("weakly active constraint (Gx = h with μ = 0) beside an active one, n = 3", 3, 4, 1,
           weak=1),
        qp("n = 1: a box lo ≤ x ≤ hi with the upper bound active", 1, 2, 1),
        Case("integer dtype: x1 + x2 ≤ 2 active, two bounds inactive",
             (np.array([[2, 1], [1, 2]]), np.array([-4, -4]),
              np.array([[1, 1], [1, 0], [0, -1]]), np.array([2, 3, 0])),
             context={"x": np.array([1.0, 1.0]), "mu": np.array([1.0, 0.0, 0.0])}),
        Case("the unconstrained minimiser violates all three constraints, one is active",
             (np.eye(2), np.array([-2.0, -2.0]), np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
              np.array([1.0, 1.0, 1.0])),
             context={"x": np.array([0.5, 0.5]), "mu": np.array([0.0, 0.0, 1.5])}),
        Case("a constraint the unconstrained minimiser satisfies becomes active",
             (np.eye(2), np.array([-2.0, 0.0]), np.array([[1.0, 0.0], [-1.0, 1.0]]),
              np.array([1.0, -1.5])),
             context={"x": np.array([1.0, -0.5]), "mu": np.array([1.5, 0.5])}),
    ]


# ---------------------------------------------------------------- judge


def allowances(Q: np.ndarray, c: np.ndarray, G: np.ndarray, h: np.ndarray,
               x: np.ndarray, mu: np.ndarray) -> tuple[float, float, float, float]:
    """The tolerances of stationarity, primal feasibility, dual feasibility and
    complementary slackness, from the reference solution (x, μ).

    A correct answer ends with a backward-stable solve of the active set's KKT system, of
    size k = n + |S| ≤ 2n ≤ 8, with κ ≤ ~1e3 on these inputs (κ(Q) ≤ 10, σ_min(G_S) ≥ 0.3,
    unit rows). Its residuals are ≤ c·k·ε·scale with c ≤ 10, i.e. ≤ 2e-14·scale, with the
    scales s_stat = ‖Q‖‖x‖ + ‖c‖ + ‖G‖‖μ‖ and s_feas = ‖G‖‖x‖ + ‖h‖. The allowance
    τ = 1e4·k·ε ≈ 2e-11 relative leaves ≥ 1e3 for slower methods (NNLS, coordinate ascent
    run to a 1e-13 step) and is 1e10 below the planted mistakes, which violate a condition
    by ≥ 0.1 (μ and slacks ≥ 0.5 in the generator). The multipliers are known to
    s_mu = ‖μ‖ + s_stat/σ_min(G_S) ≤ ‖μ‖ + s_stat/0.3; complementary slackness
    Σ|μᵢ(Gx − h)ᵢ| then is ≤ m·τ·s_mu·s_feas (an O(1) μ times a τ-small residual, or a
    τ-small μ times an O(1) slack).
    """
    k = Q.shape[0] + int(np.count_nonzero(mu))
    tau = 1e4 * max(k, 1) * EPS
    s_stat = _norm2(Q) * float(np.linalg.norm(x)) + float(np.linalg.norm(c)) + _norm2(
        G) * float(np.linalg.norm(mu))
    s_feas = _norm2(G) * float(np.linalg.norm(x)) + float(np.linalg.norm(h))
    s_mu = float(np.linalg.norm(mu)) + s_stat / 0.3
    return tau * s_stat, tau * s_feas, tau * s_mu, G.shape[0] * tau * s_mu * s_feas


def judge(case: Case, output: Any) -> str | None:
    """O7: the four KKT conditions, each as a residual within its derived allowance."""
    Q, c, G, h = (_f(v) for v in case.args)
    n, m = Q.shape[0], G.shape[0]
    x_out, mu_out = as_tuple(output, 2, name="(x, mu)")
    x = as_array(x_out, name="x", shape=(n,))
    mu = as_array(mu_out, name="mu", shape=(m,))
    t_stat, t_feas, t_dual, t_comp = allowances(Q, c, G, h, *reference(Q, c, G, h))
    if np.max(G @ x - h) > t_feas:
        raise Mismatch("primal feasibility fails: x violates Gx ≤ h (are the constraints "
                       "ignored, or is an equality imposed that cannot hold?)")
    if np.linalg.norm(Q @ x + c + G.T @ mu) > t_stat:
        if np.linalg.norm(Q @ x + c - G.T @ mu) <= t_stat:
            raise Mismatch("μ has the opposite sign: with L = ½xᵀQx + cᵀx + μᵀ(Gx − h) "
                           "stationarity is Qx + c + Gᵀμ = 0 and μ ≥ 0")
        raise Mismatch("stationarity fails: Qx + c + Gᵀμ ≠ 0")
    if np.min(mu) < -t_dual:
        raise Mismatch("dual feasibility fails: a multiplier is negative, so that constraint "
                       "should not be active")
    if np.sum(np.abs(mu * (G @ x - h))) > t_comp:
        raise Mismatch("complementary slackness fails: a constraint with μᵢ > 0 is not tight "
                       "(Gx − h)ᵢ = 0")
    return None


# ---------------------------------------------------------------- planted answers

_EQ_SOLVE = '''
def _eq(Q, c, G, h):
    n, m = Q.shape[0], G.shape[0]
    K = np.block([[Q, G.T], [G, np.zeros((m, m))]])
    z = np.linalg.lstsq(K, np.concatenate([-c, h]), rcond=None)[0]
    return z[:n], z[n:]
'''

WRONG = (
    # The other sign convention: the correct x, the multipliers negated.
    Wrong("opposite_sign",
          hint=("Your multipliers have the opposite sign: with L = ½xᵀQx + cᵀx + μᵀ(Gx − h) "
                "stationarity reads Qx + c + Gᵀμ = 0 with μ ≥ 0."),
          code='''
import itertools

def ineq_qp(Q, c, G, h):
    Q, c, G, h = (np.asarray(v, dtype=float) for v in (Q, c, G, h))
    n, m = Q.shape[0], G.shape[0]
    for size in range(min(n, m) + 1):
        for S in itertools.combinations(range(m), size):
            S = list(S)
            K = np.block([[Q, G[S].T], [G[S], np.zeros((size, size))]])
            z = np.linalg.lstsq(K, np.concatenate([-c, h[S]]), rcond=None)[0]
            mu = np.zeros(m)
            mu[S] = z[n:]
            if np.all(G @ z[:n] <= h + 1e-9) and np.all(mu >= -1e-9):
                return z[:n], -mu
'''),
    # Ignores the constraints.
    Wrong("unconstrained",
          hint=("Your x ignores the constraints Gx ≤ h: the KKT conditions couple stationarity "
                "with feasibility, and a multiplier is positive only on an active constraint."),
          code='''
def ineq_qp(Q, c, G, h):
    Q, c = np.asarray(Q, dtype=float), np.asarray(c, dtype=float)
    return np.linalg.solve(Q, -c), np.zeros(np.shape(G)[0])
'''),
    # Every inequality as an equality, as in O3.
    Wrong("all_active",
          hint=("You imposed every constraint as an equality: only the active constraints are "
                "tight at the solution, and complementary slackness sets μᵢ = 0 on the others."),
          code=_EQ_SOLVE + '''
def ineq_qp(Q, c, G, h):
    Q, c, G, h = (np.asarray(v, dtype=float) for v in (Q, c, G, h))
    return _eq(Q, c, G, h)
'''),
    # The constraints violated by the unconstrained minimiser taken as the active set.
    Wrong("violated_as_active",
          hint=("The constraints the unconstrained minimiser violates are not in general the "
                "active set: check all four KKT conditions for the set you choose."),
          code=_EQ_SOLVE + '''
def ineq_qp(Q, c, G, h):
    Q, c, G, h = (np.asarray(v, dtype=float) for v in (Q, c, G, h))
    m = G.shape[0]
    S = np.flatnonzero(G @ np.linalg.solve(Q, -c) > h)
    x, muS = _eq(Q, c, G[S], h[S])
    mu = np.zeros(m)
    mu[S] = muS
    return x, mu
'''),
)

ALTERNATIVES = (
    # Least-distance programming: z = Lᵀx + L⁻¹c, then Lawson and Hanson's NNLS dual.
    Alternative("ldp_nnls", code='''
import scipy.optimize

def ineq_qp(Q, c, G, h):
    Q, c, G, h = (np.asarray(v, dtype=float) for v in (Q, c, G, h))
    n, m = Q.shape[0], G.shape[0]
    L = np.linalg.cholesky(Q)
    M = scipy.linalg.solve_triangular(L, G.T, lower=True).T      # G L^-T
    w = scipy.linalg.solve_triangular(L, c, lower=True)          # L^-1 c
    E, f = -M, -(h + M @ w)                                       # E z >= f
    u = scipy.optimize.nnls(np.vstack([E.T, f]), np.r_[np.zeros(n), 1.0])[0]
    r = np.vstack([E.T, f]) @ u - np.r_[np.zeros(n), 1.0]
    z = -r[:n] / r[n]
    x = scipy.linalg.solve_triangular(L.T, z - w, lower=False)
    S = np.flatnonzero(G @ x >= h - 1e-8)
    K = np.block([[Q, G[S].T], [G[S], np.zeros((len(S), len(S)))]])
    sol = np.linalg.solve(K, np.concatenate([-c, h[S]]))
    mu = np.zeros(m)
    mu[S] = np.maximum(sol[n:], 0.0)
    return sol[:n], mu
'''),
    # SLSQP, then the equality-constrained KKT solve on the constraints it found tight.
    Alternative("slsqp_polished", code='''
import scipy.optimize

def ineq_qp(Q, c, G, h):
    Q, c, G, h = (np.asarray(v, dtype=float) for v in (Q, c, G, h))
    n, m = Q.shape[0], G.shape[0]
    res = scipy.optimize.minimize(lambda x: 0.5 * x @ Q @ x + c @ x, np.zeros(n),
                                  jac=lambda x: Q @ x + c, method="SLSQP",
                                  constraints=[{"type": "ineq", "fun": lambda x: h - G @ x,
                                                "jac": lambda x: -G}],
                                  options={"ftol": 1e-12, "maxiter": 500})
    S = np.flatnonzero(G @ res.x >= h - 1e-6)
    K = np.block([[Q, G[S].T], [G[S], np.zeros((len(S), len(S)))]])
    sol = np.linalg.lstsq(K, np.concatenate([-c, h[S]]), rcond=None)[0]
    mu = np.zeros(m)
    mu[S] = np.maximum(sol[n:], 0.0)
    return sol[:n], mu
'''),
    # Hildreth's dual coordinate ascent: maximise the dual over μ ≥ 0, then x = −Q⁻¹(c + Gᵀμ).
    Alternative("dual_coordinate_ascent", code='''
def ineq_qp(Q, c, G, h):
    Q, c, G, h = (np.asarray(v, dtype=float) for v in (Q, c, G, h))
    m = G.shape[0]
    Qi_c = np.linalg.solve(Q, c)
    Qi_Gt = np.linalg.solve(Q, G.T)
    P, d = G @ Qi_Gt, h + G @ Qi_c          # dual: min over mu >= 0 of mu P mu / 2 + d mu
    mu = np.zeros(m)
    for _ in range(200000):
        old = mu.copy()
        for i in range(m):
            mu[i] = max(0.0, mu[i] - (P[i] @ mu + d[i]) / P[i, i])
        if np.max(np.abs(mu - old)) <= 1e-15 * (1.0 + np.max(np.abs(mu))):
            break
    return -Qi_c - Qi_Gt @ mu, mu
'''),
)

TASK = Task(
    answer_cell="o7_ineq_qp",
    checks=(CheckSpec(id="optimisation.ineq_qp", unit="optimisation",
                      function="ineq_qp", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
