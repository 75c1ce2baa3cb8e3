"""S4 Bayesian linear regression: one answer cell, two functions, two checks.

* ``blr_posterior(Phi, y, sigma2, alpha2) -> (mN, SN)``: SN = (ΦᵀΦ/σ² + I/α²)⁻¹ and
  mN = SN Φᵀy/σ²;
* ``blr_predict(Phi_star, mN, SN, sigma2) -> (mean, var)``: mean = Φ* mN and, for each row φ
  of Φ*, var = φᵀSNφ + σ² (shape (M,), not the full covariance).

Convention (stated in the notebook): the syllabus leaves the prior of ``blr_posterior`` open;
it is N(0, α²I) with the same (Phi, y, sigma2, alpha2) arguments as S3, so mN is the ridge
solution. ``sigma2`` and ``alpha2`` are variances.

Graded against Cholesky references: SN must be symmetric, positive definite and equal to the
reference to 1e-8 normwise, mN to 1e-8; the predictive mean and variance entrywise to 1e-8.
Inverse, Cholesky and Woodbury (dual) forms pass. The hidden inputs have σ² ≠ 1 and α² ≠ 1 so
variances and standard deviations differ, wide and one-feature designs, and integer data; the
posteriors given to ``blr_predict`` are exactly symmetric. The question is all-or-nothing
over both checks. Catches: the predictive variance without σ², with σ added, as a standard
deviation or as the full M×M covariance; SN not scaled by σ²; a prior precision of 1/α.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array, as_tuple
from graders.compare import trusted_array as _f
from graders.content.units.statistics import design, poly_design
from graders.content.units.statistics import near as _near
from graders.errors import Mismatch

__all__ = [
    "TASK",
    "cases_blr_posterior",
    "cases_blr_predict",
    "judge_blr_posterior",
    "judge_blr_predict",
    "reference_blr_posterior",
    "reference_blr_predict",
]


def reference_blr_posterior(Phi: Any, y: Any, sigma2: float,
                            alpha2: float) -> tuple[np.ndarray, np.ndarray]:
    """Reference S4: SN = (ΦᵀΦ/σ² + I/α²)⁻¹, mN = SN Φᵀy/σ² (prior N(0, α²I))."""
    phi, s2 = _f(Phi), float(sigma2)
    prec = phi.T @ phi / s2 + np.eye(phi.shape[1]) / float(alpha2)
    cho = scipy.linalg.cho_factor(prec)
    SN = scipy.linalg.cho_solve(cho, np.eye(phi.shape[1]))
    return np.asarray(scipy.linalg.cho_solve(cho, phi.T @ _f(y) / s2)), (SN + SN.T) / 2


def reference_blr_predict(Phi_star: Any, mN: Any, SN: Any,
                          sigma2: float) -> tuple[np.ndarray, np.ndarray]:
    """Reference S4: mean = Φ* mN, var = diag(Φ* SN Φ*ᵀ) + σ² (one entry per row of Φ*)."""
    ps = _f(Phi_star)
    return ps @ _f(mN), np.einsum("md,de,me->m", ps, _f(SN), ps) + float(sigma2)


# ---------------------------------------------------------------- hidden inputs


def cases_blr_posterior(rng: np.random.Generator) -> list[Case]:
    """S4 posterior: σ² ≠ 1 and α² ≠ 1, wide and one-feature designs, integer data."""
    int_phi = np.column_stack([np.ones(5, dtype=np.int64), rng.integers(-3, 4, size=(5, 1))])
    return [
        Case("sigma2 = 0.3, alpha2 = 2.5, 10x3",
             (design(rng, 10, 3), rng.standard_normal(10), 0.3, 2.5)),
        Case("sigma2 = 4, alpha2 = 0.5, 8x4",
             (design(rng, 8, 4), rng.standard_normal(8), 4.0, 0.5)),
        Case("wide N = 3 < D = 5, sigma2 = 0.5, alpha2 = 2",
             (design(rng, 3, 5), rng.standard_normal(3), 0.5, 2.0)),
        Case("single feature 6x1, sigma2 = 0.09, alpha2 = 3",
             (rng.uniform(0.5, 2.0, (6, 1)), rng.standard_normal(6), 0.09, 3.0)),
        Case("integer dtype Phi and y, sigma2 = 2, alpha2 = 0.25",
             (int_phi, rng.integers(-4, 5, size=5), 2, 0.25)),
        Case("polynomial features of degree 3, sigma2 = 0.04, alpha2 = 5",
             (poly_design(rng, 12, 3), rng.standard_normal(12), 0.04, 5.0)),
    ]


def _posterior(phi: np.ndarray, y: np.ndarray, s2: float,
               a2: float) -> tuple[np.ndarray, np.ndarray]:
    """(mN, SN) of the reference posterior, symmetrised exactly (inputs to blr_predict)."""
    prec = phi.T @ phi / s2 + np.eye(phi.shape[1]) / a2
    SN = np.linalg.inv(prec)
    return SN @ phi.T @ y / s2, (SN + SN.T) / 2


def cases_blr_predict(rng: np.random.Generator) -> list[Case]:
    """S4 predictive: posteriors of random data; σ² ≠ 1 so σ versus σ² shows."""
    def args(n: int, d: int, m: int, s2: float, a2: float) -> tuple[Any, ...]:
        mN, SN = _posterior(design(rng, n, d), rng.standard_normal(n), s2, a2)
        return design(rng, m, d), mN, SN, s2

    int_star = np.column_stack([np.ones(4, dtype=np.int64), rng.integers(-3, 4, size=(4, 2))])
    mN, SN = _posterior(design(rng, 8, 3), rng.standard_normal(8), 0.5, 2.0)
    return [
        Case("5 test points, D = 3, sigma2 = 0.3", args(10, 3, 5, 0.3, 2.5)),
        Case("one test point M = 1, D = 4, sigma2 = 4", args(8, 4, 1, 4.0, 0.5)),
        Case("single feature D = 1, M = 6, sigma2 = 0.09", args(6, 1, 6, 0.09, 3.0)),
        Case("integer dtype Phi_star 4x3, sigma2 = 0.5", (int_star, mN, SN, 0.5)),
        Case("7 test points, D = 5 from N = 3 (wide posterior), sigma2 = 2",
             args(3, 5, 7, 2.0, 1.5)),
        Case("small noise sigma2 = 0.01, M = 4", args(12, 2, 4, 0.01, 10.0)),
    ]


# ---------------------------------------------------------------- judge


def judge_blr_posterior(case: Case, output: Any) -> str | None:
    """S4: SN symmetric positive definite and equal to the reference, mN to 1e-8."""
    Phi, y, s2, a2 = _f(case.args[0]), _f(case.args[1]), *map(float, case.args[2:4])
    D = Phi.shape[1]
    m_ref, S_ref = reference_blr_posterior(Phi, y, s2, a2)
    m_out, s_out = as_tuple(output, 2, name="(mN, SN)")
    mN = as_array(m_out, name="mN", shape=(D,))
    SN = as_array(s_out, name="SN", shape=(D, D))
    # κ(ΦᵀΦ/σ² + I/α²) ≤ ~1e4: inv/solve/Cholesky agree to κε ≈ 2e-12 and inv's asymmetry is
    # of the same order, so 1e-10 (symmetry) and 1e-8 (values) leave ≥ 50× margins.
    if np.max(np.abs(SN - SN.T)) > 1e-10 * np.max(np.abs(SN)):
        raise Mismatch("SN is not symmetric")
    if np.linalg.eigvalsh((SN + SN.T) / 2)[0] <= 0:
        raise Mismatch("SN is not positive definite")
    if not _near(SN, S_ref, 1e-8, 0.0):
        if _near(SN, reference_blr_posterior(Phi, y, 1.0, a2 / s2)[1], 1e-8, 0.0):
            raise Mismatch("SN looks like (PhiᵀPhi + (σ²/α²) I)⁻¹: the covariance must be "
                           "scaled by σ², SN = (PhiᵀPhi/σ² + I/α²)⁻¹")
        raise Mismatch("SN is not (PhiᵀPhi/σ² + I/α²)⁻¹ (σ² and α² are variances)")
    if not _near(mN, m_ref, 1e-8, 1e-12 * max(float(np.linalg.norm(m_ref)), 1.0)):
        raise Mismatch("mN is not SN Phiᵀy/σ²")
    return None


def judge_blr_predict(case: Case, output: Any) -> str | None:
    """S4: predictive mean Φ*mN and variance φᵀSNφ + σ², one entry per row of Phi_star."""
    Ps, mN, SN, s2 = _f(case.args[0]), _f(case.args[1]), _f(case.args[2]), float(case.args[3])
    M = Ps.shape[0]
    mean_ref, var_ref = reference_blr_predict(Ps, mN, SN, s2)
    mean_out, var_out = as_tuple(output, 2, name="(mean, var)")
    mean = as_array(mean_out, name="mean", ndim=1)
    var = as_array(var_out, name="var")
    if mean.shape != (M,):
        raise Mismatch("mean must have shape (M,), one entry per row of Phi_star")
    if var.shape == (M, M):
        raise Mismatch("var must have shape (M,): the predictive variance of each test "
                       "point (the diagonal), not the full covariance matrix")
    if var.shape != (M,):
        raise Mismatch("var must have shape (M,), one entry per row of Phi_star")
    # A few dot products of length D ≤ 8 with O(1) entries: rounding ≤ 1e-14 relative;
    # rtol 1e-8 entrywise (R2), atol 1e-12·scale for means that happen to be near zero.
    scale = max(float(np.max(np.abs(mean_ref))), 1.0)
    if np.any(np.abs(mean - mean_ref) > 1e-8 * np.abs(mean_ref) + 1e-12 * scale):
        raise Mismatch("mean is not Phi_star @ mN")
    if np.all(np.abs(var - var_ref) <= 1e-8 * var_ref):
        return None
    candidates = [(var_ref - s2, "var omits the noise variance σ²: the predictive variance "
                                 "is φᵀSNφ + σ²"),
                  (var_ref - s2 + np.sqrt(s2), "var adds σ (a standard deviation) instead "
                                               "of the variance σ²"),
                  (np.sqrt(var_ref), "var looks like a standard deviation: return the variance")]
    for cand, why in candidates:
        if np.all(np.abs(var - cand) <= 1e-8 * np.abs(cand) + 1e-14):
            raise Mismatch(why)
    raise Mismatch("var is not φᵀSNφ + σ² for each row φ of Phi_star")


# ---------------------------------------------------------------- planted answers
# The answer cell holds both functions, so every entry defines both; a wrong entry
# gets one of them wrong (the question is all-or-nothing over both checks).

_POSTERIOR = '''
def blr_posterior(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    SN = np.linalg.inv(Phi.T @ Phi / sigma2 + np.eye(Phi.shape[1]) / alpha2)
    SN = (SN + SN.T) / 2
    return SN @ Phi.T @ np.asarray(y, dtype=float) / sigma2, SN
'''

_PREDICT = '''
def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    return Phi_star @ mN, np.sum((Phi_star @ SN) * Phi_star, axis=1) + sigma2
'''

WRONG = (
    # The predictive variance without the observation noise.
    Wrong("predict_omits_noise",
          hint=("The predictive variance of a new observation adds the noise variance sigma2 "
                "to φᵀSNφ, the uncertainty of the weights."),
          code=_POSTERIOR + '''
def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    return Phi_star @ mN, np.sum((Phi_star @ SN) * Phi_star, axis=1)
'''),
    # The mml tutorial's var_blr + sigma: a standard deviation added to a variance.
    Wrong("predict_adds_sigma",
          hint=("You added the noise standard deviation to a variance: the predictive variance "
                "is φᵀSNφ + sigma2, and sigma2 is already a variance."),
          code=_POSTERIOR + '''
def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    return Phi_star @ mN, np.sum((Phi_star @ SN) * Phi_star, axis=1) + np.sqrt(sigma2)
'''),
    # Returns the predictive standard deviation.
    Wrong("predict_returns_std",
          hint=("blr_predict returns the predictive variance φᵀSNφ + sigma2, not its square "
                "root (the standard deviation)."),
          code=_POSTERIOR + '''
def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    return Phi_star @ mN, np.sqrt(np.sum((Phi_star @ SN) * Phi_star, axis=1) + sigma2)
'''),
    # Posterior covariance of the ridge normal equations, not scaled by σ².
    Wrong("posterior_unscaled_cov",
          hint=("The inverse of the ridge matrix PhiᵀPhi + λI is not the posterior covariance: "
                "SN = (PhiᵀPhi/sigma2 + I/alpha2)⁻¹ carries the noise scale sigma2."),
          code='''
def blr_posterior(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    SN = np.linalg.inv(Phi.T @ Phi + sigma2 / alpha2 * np.eye(Phi.shape[1]))
    SN = (SN + SN.T) / 2
    return SN @ Phi.T @ np.asarray(y, dtype=float), SN
''' + _PREDICT),
    # Prior precision 1/α instead of 1/α².
    Wrong("posterior_alpha_not_squared",
          hint=("alpha2 is already the prior variance: the prior precision is I/alpha2, "
                "without a square root."),
          code='''
def blr_posterior(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    SN = np.linalg.inv(Phi.T @ Phi / sigma2 + np.eye(Phi.shape[1]) / np.sqrt(alpha2))
    SN = (SN + SN.T) / 2
    return SN @ Phi.T @ np.asarray(y, dtype=float) / sigma2, SN
''' + _PREDICT),
    # The full predictive covariance matrix instead of the per-point variances.
    Wrong("predict_full_covariance",
          hint=("var has one entry per test point, shape (M,): take the diagonal of "
                "Phi_star SN Phi_starᵀ, not the whole M×M covariance matrix."),
          code=_POSTERIOR + '''
def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    return Phi_star @ mN, Phi_star @ SN @ Phi_star.T + sigma2 * np.eye(len(Phi_star))
'''),
)

ALTERNATIVES = (
    # Cholesky solves; the predictive variance through a triangular solve.
    Alternative("cholesky", code='''
def blr_posterior(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    D = Phi.shape[1]
    c = scipy.linalg.cho_factor(Phi.T @ Phi / sigma2 + np.eye(D) / alpha2)
    SN = scipy.linalg.cho_solve(c, np.eye(D))
    return scipy.linalg.cho_solve(c, Phi.T @ np.asarray(y, float) / sigma2), (SN + SN.T) / 2

def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    L = np.linalg.cholesky(SN)
    return Phi_star @ mN, np.sum((Phi_star @ L) ** 2, axis=1) + sigma2
'''),
    # Woodbury (dual) form, useful when N < D; diag of the full matrix for the variance.
    Alternative("woodbury", code='''
def blr_posterior(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    N, D = Phi.shape
    K = sigma2 * np.eye(N) + alpha2 * Phi @ Phi.T
    SN = alpha2 * np.eye(D) - alpha2**2 * Phi.T @ np.linalg.solve(K, Phi)
    mN = alpha2 * Phi.T @ np.linalg.solve(K, np.asarray(y, float))
    return mN, (SN + SN.T) / 2

def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    return Phi_star @ mN, np.diag(Phi_star @ SN @ Phi_star.T) + sigma2
'''),
    # Plain inverse without symmetrising; a loop over test points.
    Alternative("inverse_and_loop", code='''
def blr_posterior(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    SN = np.linalg.inv(np.eye(Phi.shape[1]) / alpha2 + Phi.T @ Phi / sigma2)
    return SN @ (Phi.T @ np.asarray(y, float)) / sigma2, SN

def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    mean = np.array([phi @ mN for phi in Phi_star])
    var = np.array([phi @ SN @ phi + sigma2 for phi in Phi_star])
    return mean, var
'''),
)

TASK = Task(
    answer_cell="s4_blr",
    checks=(
        CheckSpec(id="statistics.blr_posterior", unit="statistics", function="blr_posterior",
                  cases=cases_blr_posterior, judge=judge_blr_posterior,
                  reference=reference_blr_posterior),
        CheckSpec(id="statistics.blr_predict", unit="statistics", function="blr_predict",
                  cases=cases_blr_predict, judge=judge_blr_predict,
                  reference=reference_blr_predict),
    ),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
