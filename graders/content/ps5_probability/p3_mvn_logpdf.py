"""P3 ``mvn_logpdf(X, mu, Sigma) -> (N,)``: the multivariate Gaussian log density via Cholesky.

Convention (stated in the notebook): ``X`` is (N, D) with data as rows, ``mu`` (D,), ``Sigma``
(D, D) SPD, any real dtype; the output is a float array of shape (N,), also for N = 1.
Method asked for: ``Σ = LLᵀ``, ``log|Σ| = 2 Σ log L_ii`` and the Mahalanobis term
``‖L⁻¹(x − μ)‖²``, never ``det Σ`` or the density itself.

Graded against a Cholesky reference to atol 1e-8 in log space; every output must be finite.
The hidden cases include D = 200 where ``det Σ`` over- or underflows and the density
underflows. Catches: a missing −½log|Σ|, Σ in place of Σ⁻¹, ``log(det Σ)`` (overflow),
the density computed then logged (underflow), solving with Lᵀ instead of L.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.probability import spd
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(X: Any, mu: Any, Sigma: Any) -> np.ndarray:
    """Reference P3: Cholesky, ``−½(D log 2π + 2Σ log L_ii + ‖L⁻¹(x − μ)‖²)``."""
    x, m, s = _f(X), _f(mu), _f(Sigma)
    chol = scipy.linalg.cholesky(s, lower=True)
    white = scipy.linalg.solve_triangular(chol, (x - m).T, lower=True)
    logdet = 2.0 * float(np.sum(np.log(np.diag(chol))))
    return np.asarray(-0.5 * (len(m) * np.log(2 * np.pi) + logdet + np.sum(white**2, axis=0)))


# ---------------------------------------------------------------- hidden inputs


def _mvn_points(rng: np.random.Generator, mu: np.ndarray, cov: np.ndarray,
                n: int) -> np.ndarray:
    return np.asarray(mu + rng.standard_normal((n, len(mu))) @ np.linalg.cholesky(cov).T)


def cases(rng: np.random.Generator) -> list[Case]:
    """P3: D = 200 with det Σ overflowing and underflowing, far points, 1×1, int dtype."""
    def case(label: str, d: int, n: int, scale: float = 1.0, far: float = 0.0) -> Case:
        mu = rng.normal(0, 2, d)
        cov = scale * spd(rng, d)
        x = _mvn_points(rng, mu, cov, n)
        if far:
            x = mu + far * (x - mu) / np.linalg.norm(x - mu, axis=1, keepdims=True)
        return Case(label, (x, mu, cov))

    diag = np.diag([0.01, 1.0, 25.0, 400.0])
    return [
        case("D = 3, N = 10", 3, 10),
        case("D = 1, N = 6", 1, 6),
        Case("diagonal Σ with variances 0.01 … 400, N = 8",
             (rng.normal(0, 3, (8, 4)), rng.normal(0, 1, 4), diag)),
        case("a single point (N = 1), D = 5", 5, 1),
        case("far points (log density < −1000: exp underflows), D = 4", 4, 5, far=150.0),
        case("D = 200, Σ = 100·SPD (det Σ overflows, density underflows)", 200, 3, scale=100.0),
        case("D = 200, Σ = 0.001·SPD (det Σ underflows)", 200, 3, scale=1e-3),
        Case("integer dtype, D = 2",
             (rng.integers(-3, 4, (5, 2)), np.array([1, -1]), np.array([[4, 2], [2, 3]]))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """P3: (N,) finite log densities to atol 1e-8."""
    ref = reference(*case.args)
    out = as_array(output, name="log density", finite=False, shape=ref.shape)
    if not np.all(np.isfinite(out)):
        raise Mismatch("log density is −∞, ∞ or NaN: computing the density (or det Σ) in "
                       "probability space under/overflows; use log|Σ| = 2 Σ log L_ii")
    # Cholesky of κ ≤ 10 SPD matrices, D ≤ 200: log det errs by ≲ D²κε ≈ 1e-10, the
    # Mahalanobis term (≤ 2e4) by ≲ Dκε relative ≈ 1e-10; atol 1e-8 (syllabus) ≥ 50×.
    if np.any(np.abs(out - ref) > 1e-8):
        raise Mismatch("log density differs beyond atol 1e-8: a missing −½log|Σ| or "
                       "−(D/2)log 2π, or Σ in place of Σ⁻¹?")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Drops the −½ log|Σ| term.
    Wrong("missing_logdet",
          hint=("Your log density lacks the normalising term −½ log|Σ|: add it, computed as "
                "−Σ log L_ii from the Cholesky factor."),
          code='''
def mvn_logpdf(X, mu, Sigma):
    X, mu = np.asarray(X, dtype=float), np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    Z = scipy.linalg.solve_triangular(L, (X - mu).T, lower=True)
    return -0.5 * (len(mu) * np.log(2 * np.pi) + np.sum(Z**2, axis=0))
'''),
    # Mahalanobis distance with Σ instead of Σ⁻¹.
    Wrong("sigma_not_inverse",
          hint=("The quadratic form uses Σ⁻¹, not Σ: compute (x − μ)ᵀΣ⁻¹(x − μ) as "
                "‖L⁻¹(x − μ)‖² with a triangular solve."),
          code='''
def mvn_logpdf(X, mu, Sigma):
    X, mu, S = np.asarray(X, float), np.asarray(mu, float), np.asarray(Sigma, float)
    d = X - mu
    logdet = np.linalg.slogdet(S)[1]
    return -0.5 * (len(mu) * np.log(2 * np.pi) + logdet + np.einsum("ij,jk,ik->i", d, S, d))
'''),
    # log(det Σ): det overflows to inf (or underflows to 0) at D = 200.
    Wrong("det_overflow",
          hint=("det Σ overflows or underflows in high dimension, so log(det Σ) is ±∞: "
                "compute log|Σ| as 2 Σ log L_ii from the Cholesky factor."),
          code='''
def mvn_logpdf(X, mu, Sigma):
    X, mu, S = np.asarray(X, float), np.asarray(mu, float), np.asarray(Sigma, float)
    d = X - mu
    maha = np.einsum("ij,ij->i", d, np.linalg.solve(S, d.T).T)
    with np.errstate(divide="ignore"):
        return -0.5 * (len(mu) * np.log(2 * np.pi) + np.log(np.linalg.det(S)) + maha)
'''),
    # Evaluates the density itself, then takes the log: underflows to log(0) = −∞.
    Wrong("probability_space",
          hint=("Computing the density and then its log underflows to log(0) = −∞ far from "
                "the mean or in high dimension: assemble the log density term by term."),
          code='''
def mvn_logpdf(X, mu, Sigma):
    X, mu, S = np.asarray(X, float), np.asarray(mu, float), np.asarray(Sigma, float)
    d = X - mu
    maha = np.einsum("ij,ij->i", d, np.linalg.solve(S, d.T).T)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        dens = np.exp(-0.5 * maha) / np.sqrt((2 * np.pi) ** len(mu) * np.linalg.det(S))
        return np.log(dens)
'''),
    # Solves with Lᵀ instead of L: ‖L⁻ᵀ(x − μ)‖² is not the Mahalanobis distance.
    Wrong("transposed_factor",
          hint=("With Σ = LLᵀ the Mahalanobis term is ‖L⁻¹(x − μ)‖²: solve with the "
                "lower-triangular L, not with Lᵀ."),
          code='''
def mvn_logpdf(X, mu, Sigma):
    X, mu = np.asarray(X, dtype=float), np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    Z = scipy.linalg.solve_triangular(L.T, (X - mu).T, lower=False)
    logdet = 2 * np.sum(np.log(np.diag(L)))
    return -0.5 * (len(mu) * np.log(2 * np.pi) + logdet + np.sum(Z**2, axis=0))
'''),
)

ALTERNATIVES = (
    # slogdet and a general solve.
    Alternative("slogdet_solve", code='''
def mvn_logpdf(X, mu, Sigma):
    X, mu, S = np.asarray(X, float), np.asarray(mu, float), np.asarray(Sigma, float)
    d = X - mu
    sign, logdet = np.linalg.slogdet(S)
    maha = np.sum(d * np.linalg.solve(S, d.T).T, axis=1)
    return -0.5 * (len(mu) * np.log(2 * np.pi) + logdet + maha)
'''),
    # Eigendecomposition Σ = V Λ Vᵀ.
    Alternative("eigh", code='''
def mvn_logpdf(X, mu, Sigma):
    X, mu = np.asarray(X, float), np.asarray(mu, float)
    w, V = np.linalg.eigh(np.asarray(Sigma, float))
    Z = (X - mu) @ V / np.sqrt(w)
    return -0.5 * (len(mu) * np.log(2 * np.pi) + np.sum(np.log(w)) + np.sum(Z**2, axis=1))
'''),
    # scipy.stats, reshaped because it returns a scalar for a single point.
    Alternative("scipy_stats", code='''
import scipy.stats

def mvn_logpdf(X, mu, Sigma):
    X = np.asarray(X, dtype=float)
    out = scipy.stats.multivariate_normal(np.asarray(mu, float), np.asarray(Sigma, float))
    return np.asarray(out.logpdf(X), dtype=float).reshape(X.shape[0])
'''),
)

TASK = Task(
    answer_cell="p3_mvn_logpdf",
    checks=(CheckSpec(id="probability.mvn_logpdf", unit="probability", function="mvn_logpdf",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
