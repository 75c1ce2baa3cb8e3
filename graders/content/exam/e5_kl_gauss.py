"""E5 ``kl_gauss(mu0, S0, mu1, S1) -> float``: Gaussian KL (check ``probability.exam_kl_gauss``).

Convention (stated in the notebook): KL(N(μ₀, Σ₀) ‖ N(μ₁, Σ₁)) in nats, the expectation under
the first distribution; ``mu0``, ``mu1`` (D,), ``S0``, ``S1`` (D, D) symmetric positive
definite covariances (not precisions), any real dtype; returns a Python float (or a 0-d /
size-1 array). At D = 200 det(Σ₀) underflows and det(Σ₁) overflows.

Graded to 10⁻¹⁰ times the sum of the magnitudes of the bracket's terms (computed from
Cholesky factors), so slogdet, eigenvalues, an explicit inverse and whitening all pass; KL of
two identical distributions must be 0 to that tolerance. Catches: the reversed direction,
log(det(·)) overflowing at D = 200, the missing − D, tr(Σ₁Σ₀) without the inverse, the
missing ½.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_float
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import cond_spd, spd, sym_with_eigs
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "kl_terms", "reference"]


def reference(mu0: Any, S0: Any, mu1: Any, S1: Any) -> float:
    """Reference E5: ½[tr(Σ₁⁻¹Σ₀) + (μ₁−μ₀)ᵀΣ₁⁻¹(μ₁−μ₀) − D + log|Σ₁| − log|Σ₀|]."""
    t = kl_terms(mu0, S0, mu1, S1)
    return 0.5 * (t["trace"] + t["quad"] - t["dim"] + t["logdet1"] - t["logdet0"])


def kl_terms(mu0: Any, S0: Any, mu1: Any, S1: Any) -> dict[str, float]:
    """The four terms of E5's KL, by Cholesky: tr(Σ₁⁻¹Σ₀), Mahalanobis², log|Σ₁|, log|Σ₀|."""
    l0 = scipy.linalg.cholesky(_f(S0), lower=True)
    l1 = scipy.linalg.cholesky(_f(S1), lower=True)
    m = scipy.linalg.solve_triangular(l1, l0, lower=True)
    v = scipy.linalg.solve_triangular(l1, _f(mu1) - _f(mu0), lower=True)
    return {"trace": float(np.sum(m * m)), "quad": float(v @ v),
            "logdet1": float(2 * np.sum(np.log(np.diag(l1)))),
            "logdet0": float(2 * np.sum(np.log(np.diag(l0)))), "dim": float(len(v))}


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """E5: identical, D = 1, shared Σ, shared μ, D = 200 (det overflows), int dtype."""
    def mean(d: int) -> np.ndarray:
        return rng.uniform(-2, 2, d)

    s, m = spd(rng, 3), mean(3)
    shared_cov = cond_spd(rng, 4, 50.0)
    shared_mean = mean(5)
    big0 = sym_with_eigs(rng, rng.uniform(1e-3, 1e-2, 200))   # det(S0) underflows to 0
    big1 = sym_with_eigs(rng, rng.uniform(50.0, 500.0, 200))  # det(S1) overflows to inf
    return [
        Case("D = 3, different means and covariances",
             (mean(3), spd(rng, 3), mean(3), spd(rng, 3))),
        Case("identical distributions (KL = 0)", (m, s, m.copy(), s.copy())),
        Case("D = 1 (σ₀² = 0.5, σ₁² = 3)",
             (np.array([0.3]), np.array([[0.5]]), np.array([-1.2]), np.array([[3.0]]))),
        Case("shared covariance, different means, D = 4",
             (mean(4), shared_cov, mean(4), shared_cov.copy())),
        Case("shared mean, covariances of different scale, D = 5",
             (shared_mean, 0.2 * spd(rng, 5), shared_mean.copy(), 4.0 * spd(rng, 5))),
        Case("D = 200 (det(Σ₀) underflows, det(Σ₁) overflows)", (mean(200), big0, mean(200), big1)),
        Case("integer dtype, D = 2",
             (np.array([1, 0]), np.array([[2, 1], [1, 2]]), np.array([0, 2]),
              np.array([[5, -2], [-2, 3]]))),
        Case("asymmetric pair, D = 6 (KL(p‖q) ≠ KL(q‖p))",
             (mean(6), 0.1 * spd(rng, 6), mean(6), cond_spd(rng, 6, 100.0))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """E5: |KL − KL_ref| ≤ 1e-10 × (sum of the magnitudes of the formula's terms)."""
    kl = as_float(output, name="KL", finite=False)
    if not np.isfinite(kl):
        raise Mismatch("KL is NaN or infinite: for large D, det(Σ) overflows or underflows; "
                       "compute log-determinants from a Cholesky factor or slogdet")
    t = kl_terms(*case.args)
    ref = 0.5 * (t["trace"] + t["quad"] - t["dim"] + t["logdet1"] - t["logdet0"])
    # Each term comes from a backward-stable factorisation (Cholesky, LU, eigh, solve) with
    # relative error ≤ c·D·ε·κ(Σ) ≤ 5e-12 at the extremes here (D = 200 with κ = 10, D = 6
    # with κ = 100; measured ≤ 3e-16 of the scale), so 1e-10 of the sum of the terms' magnitudes.
    scale = t["trace"] + t["quad"] + t["dim"] + abs(t["logdet1"]) + abs(t["logdet0"])
    tol = 1e-10 * scale
    if abs(kl - ref) <= tol:
        return None
    if abs(kl - reference(*case.args[2:], *case.args[:2])) <= tol:
        raise Mismatch("this is KL(p₁ ‖ p₀): the spec asks for KL(p₀ ‖ p₁) (the expectation "
                       "is under the first distribution)")
    if abs(kl - 2 * ref) <= tol:
        raise Mismatch("the result is twice the KL divergence: missing the factor ½")
    if abs(kl - (ref + t["dim"] / 2)) <= tol:
        raise Mismatch("missing the − D term")
    raise Mismatch("the KL divergence is wrong: check each term of ½[tr(Σ₁⁻¹Σ₀) + "
                   "(μ₁−μ₀)ᵀΣ₁⁻¹(μ₁−μ₀) − D + log|Σ₁| − log|Σ₀|]")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # The reverse direction KL(p1 ‖ p0).
    Wrong("reversed_direction",
          hint=(
                "You computed KL(p₁ ‖ p₀): the expectation is under the first distribution, so "
                "use Σ₁⁻¹ in the trace and quadratic terms and log|Σ₁| − log|Σ₀|."),
          code='''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    d = mu0 - mu1
    _, ld0 = np.linalg.slogdet(S0)
    _, ld1 = np.linalg.slogdet(S1)
    return 0.5 * (np.trace(np.linalg.solve(S0, S1)) + d @ np.linalg.solve(S0, d)
                  - len(d) + ld0 - ld1)
'''),
    # log(det(·)) overflows (D = 200: det(S1) = inf, det(S0) = 0).
    Wrong("log_det_overflow",
          hint=(
                "In high dimension det(Σ) overflows or underflows, so log(det(Σ)) is infinite: "
                "compute log-determinants from a Cholesky factor (2 Σ log L_ii) or "
                "np.linalg.slogdet."),
          code='''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    d = mu1 - mu0
    return 0.5 * (np.trace(np.linalg.solve(S1, S0)) + d @ np.linalg.solve(S1, d)
                  - len(d) + np.log(np.linalg.det(S1)) - np.log(np.linalg.det(S0)))
'''),
    # Forgets the − D term.
    Wrong("missing_minus_d",
          hint=(
                "You left out the − D term of the bracket: the KL divergence of a distribution "
                "from itself must be 0, and tr(Σ₁⁻¹Σ₀) alone contributes D there."),
          code='''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    d = mu1 - mu0
    _, ld0 = np.linalg.slogdet(S0)
    _, ld1 = np.linalg.slogdet(S1)
    return 0.5 * (np.trace(np.linalg.solve(S1, S0)) + d @ np.linalg.solve(S1, d) + ld1 - ld0)
'''),
    # tr(Σ₁Σ₀) instead of tr(Σ₁⁻¹Σ₀).
    Wrong("trace_without_inverse",
          hint=(
                "The trace term is tr(Σ₁⁻¹Σ₀), not tr(Σ₁Σ₀): solve with Σ₁ (or its Cholesky "
                "factor) instead of multiplying by it."),
          code='''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    d = mu1 - mu0
    _, ld0 = np.linalg.slogdet(S0)
    _, ld1 = np.linalg.slogdet(S1)
    return 0.5 * (np.trace(S1 @ S0) + d @ np.linalg.solve(S1, d) - len(d) + ld1 - ld0)
'''),
    # Drops the factor ½.
    Wrong("missing_half",
          hint=(
                "You dropped the factor ½ in front of the bracket: KL = ½[tr(Σ₁⁻¹Σ₀) + "
                "(μ₁−μ₀)ᵀΣ₁⁻¹(μ₁−μ₀) − D + log|Σ₁| − log|Σ₀|]."),
          code='''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    d = mu1 - mu0
    _, ld0 = np.linalg.slogdet(S0)
    _, ld1 = np.linalg.slogdet(S1)
    return np.trace(np.linalg.solve(S1, S0)) + d @ np.linalg.solve(S1, d) - len(d) + ld1 - ld0
'''),
)

ALTERNATIVES = (
    # slogdet and solve.
    Alternative("slogdet_solve", code='''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    d = mu1 - mu0
    _, ld0 = np.linalg.slogdet(S0)
    _, ld1 = np.linalg.slogdet(S1)
    return float(0.5 * (np.trace(np.linalg.solve(S1, S0)) + d @ np.linalg.solve(S1, d)
                        - len(d) + ld1 - ld0))
'''),
    # Eigenvalues for the log-determinants, an explicit inverse for the rest.
    Alternative("eigvalsh_inverse", code='''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    P1 = np.linalg.inv(S1)
    d = mu1 - mu0
    ld0 = np.sum(np.log(np.linalg.eigvalsh(S0)))
    ld1 = np.sum(np.log(np.linalg.eigvalsh(S1)))
    return 0.5 * (np.sum(P1 * S0) + d @ P1 @ d - len(d) + ld1 - ld0)
'''),
    # Whitening by the Cholesky factor of S1: KL = ½ Σ (λ_i − 1 − log λ_i) + ½‖L1⁻¹d‖²,
    # with λ_i the eigenvalues of L1⁻¹ S0 L1⁻ᵀ.
    Alternative("whitened_eigenvalues", code='''
def kl_gauss(mu0, S0, mu1, S1):
    mu0, S0, mu1, S1 = (np.asarray(a, dtype=float) for a in (mu0, S0, mu1, S1))
    L1 = np.linalg.cholesky(S1)
    M = scipy.linalg.solve_triangular(L1, S0, lower=True)
    M = scipy.linalg.solve_triangular(L1, M.T, lower=True)
    lam = np.linalg.eigvalsh((M + M.T) / 2)
    v = scipy.linalg.solve_triangular(L1, mu1 - mu0, lower=True)
    return 0.5 * (np.sum(lam - 1 - np.log(lam)) + v @ v)
'''),
)


TASK = Task(
    answer_cell="e5_kl_gauss",
    checks=(CheckSpec(id="probability.exam_kl_gauss", unit="probability", function="kl_gauss",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
