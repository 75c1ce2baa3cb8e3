"""P10 ``gauss_product(a, A, b, B) -> (m, C, log_z)``: the product of two Gaussian densities.

Convention (stated in the notebook): for means ``a``, ``b`` (D,) and SPD covariances ``A``,
``B`` (D, D), any real dtype, the product of the two densities is a scaled Gaussian density
(MML §6.5.2, eqs. 6.74–6.76)::

    N(x | a, A) · N(x | b, B) = z · N(x | m, C),
    C = (A⁻¹ + B⁻¹)⁻¹,   m = C (A⁻¹a + B⁻¹b),   z = N(a | b, A + B).

The output is ``(m, C, log_z)``: shapes (D,), (D, D) and a float, the scaling constant in
log space (z underflows to 0 for distant means).

Graded against a Cholesky reference to the derived allowances of :func:`allowances`, so the
precision form, the gain form C = A − A(A + B)⁻¹A and evaluating the identity at a point all
pass. Catches: C = A + B (the covariance of a *sum* of random variables), the unweighted mean
(a + b)/2, m without the factor C, log z without the (2π)^(−D/2) normaliser, and z evaluated
with C in place of A + B.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array, as_float, as_tuple
from graders.compare import trusted_array as _f
from graders.content.units.probability import spd
from graders.errors import Mismatch

__all__ = ["TASK", "allowances", "cases", "judge", "reference"]

_LOG_2PI = float(np.log(2 * np.pi))


def reference(a: Any, A: Any, b: Any, B: Any) -> tuple[np.ndarray, np.ndarray, float]:
    """Gain form with a Cholesky factor of S = A + B: C = A S⁻¹ B, m = B S⁻¹a + A S⁻¹b."""
    av, bv, am, bm = _f(a), _f(b), _f(A), _f(B)
    factor = scipy.linalg.cho_factor(am + bm, lower=True)
    cov = am @ scipy.linalg.cho_solve(factor, bm)
    mean = bm @ scipy.linalg.cho_solve(factor, av) + am @ scipy.linalg.cho_solve(factor, bv)
    d = av - bv
    logdet = 2 * float(np.sum(np.log(np.diag(factor[0]))))
    quad = float(d @ scipy.linalg.cho_solve(factor, d))
    log_z = -0.5 * (len(av) * _LOG_2PI + logdet + quad)
    return np.asarray(mean), np.asarray((cov + cov.T) / 2), log_z


def allowances(a: Any, A: Any, b: Any, B: Any) -> tuple[float, float, float]:
    """Absolute allowances ``(for m entrywise, for C entrywise, for log z)``.

    With κ = max(κ(A), κ(B), κ(A + B)), every route computes an inverse or a solve with a
    relative error ≤ c·D·κ·ε (c ≈ 3 for Cholesky or LU with pivoting) and then multiplies by a
    matrix of norm ≤ max(‖A‖, ‖B‖); the precision form goes through two inverses, so the
    bound carries κ². Hence C errs by ≤ 3D·κ²ε(‖A‖ + ‖B‖) and m by ≤ 3D·κ²ε·(‖a‖ + ‖b‖)
    times ‖A‖ + ‖B‖ over λ_min(A + B) (the gain applied to the means). log z sums D log 2π,
    a log-determinant (absolute error ≤ c·D·κε) and a quadratic form q (relative error
    ≤ c·D·κε, amplified to κ²·(1 + q) when evaluated at a point through m). The allowances
    are 16× these bounds; the planted mistakes differ by ≥ 0.1 on some case.
    """
    am, bm = _f(A), _f(B)
    s = am + bm
    kappa = max(float(np.linalg.cond(m)) for m in (am, bm, s))
    dim = len(_f(a))
    unit = 16 * 3 * dim * kappa**2 * EPS
    norms = float(np.linalg.norm(am, 2) + np.linalg.norm(bm, 2))
    gain = norms / float(np.linalg.eigvalsh(s)[0])
    means = float(np.linalg.norm(_f(a)) + np.linalg.norm(_f(b)))
    log_z = reference(a, A, b, B)[2]
    return unit * means * gain, unit * norms, unit * (dim + abs(log_z) + 1.0)


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """P10: D = 1, 3, 4, 6; equal Gaussians, equal covariances, scale mismatch, far means."""
    def case(label: str, d: int, A: np.ndarray | None = None, B: np.ndarray | None = None,
             shift: float = 0.0) -> Case:
        a = rng.normal(0, 3, d)
        return Case(label, (a, spd(rng, d) if A is None else A,
                            a + shift + rng.normal(0, 3, d), spd(rng, d) if B is None else B))

    same_a, same_cov = rng.normal(0, 3, 3), spd(rng, 3)
    shared = spd(rng, 4)
    return [
        case("D = 3, general covariances", 3),
        case("D = 1", 1),
        Case("identical Gaussians (a = b, A = B)", (same_a, same_cov, same_a.copy(),
                                                    same_cov.copy())),
        case("equal covariances A = B, different means, D = 4", 4, A=shared, B=shared.copy()),
        case("scale mismatch: A ~ 1e-2, B ~ 1e2, D = 4", 4, A=1e-2 * spd(rng, 4),
             B=1e2 * spd(rng, 4)),
        case("distant means (z underflows: log z of order −10³), D = 2", 2, shift=150.0),
        case("D = 6, general covariances", 6),
        case("diagonal covariances, D = 3", 3, A=np.diag(rng.uniform(1, 10, 3)),
             B=np.diag(rng.uniform(1, 10, 3))),
        Case("integer dtype, D = 2",
             (np.array([1, 0]), np.array([[2, 1], [1, 2]]), np.array([0, 2]),
              np.array([[3, 0], [0, 1]]))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """P10: m, C and log z within :func:`allowances`."""
    m_ref, c_ref, logz_ref = reference(*case.args)
    tol_m, tol_c, tol_z = allowances(*case.args)
    dim = len(m_ref)
    m_out, c_out, z_out = as_tuple(output, 3, name="(m, C, log_z)")
    C = as_array(c_out, name="C", shape=(dim, dim))
    m = as_array(m_out, name="m", shape=(dim,))
    log_z = as_float(z_out, name="log_z")
    if np.any(np.abs(C - c_ref) > tol_c):
        raise Mismatch("C is not (A⁻¹ + B⁻¹)⁻¹: multiplying densities adds precisions")
    if np.any(np.abs(m - m_ref) > tol_m):
        raise Mismatch("m is not C(A⁻¹a + B⁻¹b), the precision-weighted mean")
    if abs(log_z - logz_ref) > tol_z:
        raise Mismatch("log_z is not log N(a | b, A + B)")
    return None


# ---------------------------------------------------------------- planted answers

_HEAD = '''
def gauss_product(a, A, b, B):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    D = len(a)
    Ai, Bi = np.linalg.inv(A), np.linalg.inv(B)
    C = np.linalg.inv(Ai + Bi)
    m = C @ (Ai @ a + Bi @ b)
    S = A + B
    d = a - b
    log_z = -0.5 * (D * np.log(2 * np.pi) + np.linalg.slogdet(S)[1] + d @ np.linalg.solve(S, d))
'''

WRONG = (
    Wrong("sum_of_covariances",
          hint=("A + B is the covariance of a sum of independent random variables; multiplying "
                "two densities adds their precisions (inverse covariances) instead."),
          code=_HEAD + '''
    return m, A + B, log_z
'''),
    Wrong("unweighted_mean",
          hint=("The product's mean weights each mean by its precision: a plain average of a "
                "and b is right only when A = B."),
          code=_HEAD + '''
    return (a + b) / 2, C, log_z
'''),
    Wrong("mean_without_C",
          hint=("A⁻¹a + B⁻¹b is the precision-weighted sum of the means: multiply it by the "
                "product's covariance C to get the mean."),
          code=_HEAD + '''
    return Ai @ a + Bi @ b, C, log_z
'''),
    Wrong("log_z_without_normaliser",
          hint=("The scaling constant is a Gaussian density N(a | b, A + B), with its "
                "(2π)^(−D/2) normalising factor: check log z's constant term."),
          code=_HEAD + '''
    return m, C, log_z + 0.5 * D * np.log(2 * np.pi)
'''),
    Wrong("log_z_with_C",
          hint=("The scaling constant is N(a | b, A + B): the covariance in it is the sum "
                "A + B, not the product's covariance C."),
          code=_HEAD + '''
    return m, C, -0.5 * (D * np.log(2 * np.pi) + np.linalg.slogdet(C)[1]
                         + d @ np.linalg.solve(C, d))
'''),
)

ALTERNATIVES = (
    # Precision form with explicit inverses and slogdet (the solution's route).
    Alternative("precision_form", code=_HEAD + '''
    return m, (C + C.T) / 2, log_z
'''),
    # Gain form: K = A(A + B)⁻¹, C = A − KA, m = a + K(b − a); log z from a Cholesky factor.
    Alternative("gain_form", code='''
def gauss_product(a, A, b, B):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    S = A + B
    K = np.linalg.solve(S, A).T
    C = A - K @ A
    m = a + K @ (b - a)
    L = np.linalg.cholesky(S)
    w = scipy.linalg.solve_triangular(L, a - b, lower=True)
    log_z = -0.5 * (len(a) * np.log(2 * np.pi) + 2 * np.sum(np.log(np.diag(L))) + w @ w)
    return m, (C + C.T) / 2, log_z
'''),
    # The identity N(x|a,A)N(x|b,B) = z N(x|m,C) at x = m: log z = the two log densities minus
    # log N(m|m,C).
    Alternative("evaluate_at_mean", code='''
def gauss_product(a, A, b, B):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    def logpdf(x, mean, cov):
        d = x - mean
        return -0.5 * (len(x) * np.log(2 * np.pi) + np.linalg.slogdet(cov)[1]
                       + d @ np.linalg.solve(cov, d))
    C = np.linalg.inv(np.linalg.inv(A) + np.linalg.inv(B))
    m = C @ (np.linalg.solve(A, a) + np.linalg.solve(B, b))
    return m, C, logpdf(m, a, A) + logpdf(m, b, B) - logpdf(m, m, C)
'''),
)

TASK = Task(
    answer_cell="p10_gauss_product",
    checks=(CheckSpec(id="probability.gauss_product", unit="probability",
                      function="gauss_product", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
