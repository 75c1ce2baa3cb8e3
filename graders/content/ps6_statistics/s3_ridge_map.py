"""S3 ``ridge_map(Phi, y, sigma2, alpha2) -> theta``: the MAP estimate under a Gaussian prior.

Convention (stated in the notebook): likelihood N(Φθ, σ²I) and prior N(0, α²I), so
θ = (ΦᵀΦ + λI)⁻¹Φᵀy with λ = σ²/α²: ``sigma2`` and ``alpha2`` are variances, there is no 1/N
on the data term, and the intercept column is penalised like the others.

Graded normwise to 1e-8 against a Cholesky solve, so the augmented least-squares system, SVD
shrinkage and the dual (kernel) form pass. The hidden inputs have σ² ≠ 1 and α² ≠ 1 (so σ/α,
σ²/α² and α²/σ² all differ), an intercept column, N > 1, wide and duplicate-column designs.
Catches: λ = σ/α, λ = α²/σ², a 1/N on the data term, an unpenalised intercept, the augmented
trick with λ rows instead of √λ rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import trusted_array as _f
from graders.content.units.statistics import design, duplicate_column_design, poly_design
from graders.content.units.statistics import near as _near
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(Phi: Any, y: Any, sigma2: float, alpha2: float) -> np.ndarray:
    """Reference S3: θ = (ΦᵀΦ + λI)⁻¹Φᵀy with λ = σ²/α² (Cholesky solve)."""
    phi = _f(Phi)
    lam = float(sigma2) / float(alpha2)
    gram = phi.T @ phi + lam * np.eye(phi.shape[1])
    return np.asarray(scipy.linalg.solve(gram, phi.T @ _f(y), assume_a="pos"))


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """S3: σ² ≠ 1 and α² ≠ 1 (σ/α ≠ σ²/α²), an intercept column (penalised), N > 1."""
    int_phi = np.column_stack([np.ones(6, dtype=np.int64), rng.integers(-4, 5, size=(6, 2))])
    return [
        Case("sigma2 = 0.25, alpha2 = 4 (λ = 1/16), intercept column 10x4",
             (design(rng, 10, 4), rng.standard_normal(10), 0.25, 4.0)),
        Case("sigma2 = 2, alpha2 = 0.5 (λ = 4), intercept column 8x3",
             (design(rng, 8, 3), 3.0 + rng.standard_normal(8), 2.0, 0.5)),
        Case("wide N = 4 < D = 7, sigma2 = 0.5, alpha2 = 2",
             (design(rng, 4, 7), rng.standard_normal(4), 0.5, 2.0)),
        Case("integer dtype Phi and y, sigma2 = 3, alpha2 = 1.5",
             (int_phi, rng.integers(-5, 6, size=6), 3, 1.5)),
        Case("large λ = 36 (sigma2 = 9, alpha2 = 0.25)",
             (design(rng, 9, 3), rng.standard_normal(9), 9.0, 0.25)),
        Case("single feature 6x1, sigma2 = 0.3, alpha2 = 0.7",
             (rng.uniform(0.5, 2.0, (6, 1)), rng.standard_normal(6), 0.3, 0.7)),
        Case("duplicate feature column (ridge stays unique), sigma2 = 0.5, alpha2 = 3",
             (duplicate_column_design(rng, 7, 3), rng.standard_normal(7), 0.5, 3.0)),
        Case("polynomial features of degree 4, sigma2 = 0.04, alpha2 = 10",
             (poly_design(rng, 11, 4), rng.standard_normal(11), 0.04, 10.0)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """S3: θ to 1e-8, with diagnostics for the λ parameterisations that go wrong."""
    Phi, y, s2, a2 = _f(case.args[0]), _f(case.args[1]), *map(float, case.args[2:4])
    D = Phi.shape[1]
    th = as_array(output, name="theta", ndim=1)
    if th.shape != (D,):
        raise Mismatch("theta must have shape (D,), one weight per column of Phi")
    # κ(ΦᵀΦ + λI) ≤ ~1e4 on these inputs, so any backward-stable solve (Cholesky, QR of the
    # augmented system, SVD, dual form) agrees to κε ≈ 2e-12; 1e-8 normwise leaves 5000×, while
    # the wrong λ's of the bank change θ by ≥ 1e-3 relative (checked in the tests).
    tol = (1e-8, 1e-12)
    if _near(th, reference(Phi, y, s2, a2), *tol):
        return None
    diagnoses = [
        (np.sqrt(s2 / a2), "uses λ = σ/α (standard deviations); the spec's λ is σ²/α²"),
        (a2 / s2, "uses λ = α²/σ² (inverted); the spec's λ is σ²/α²"),
        (s2 / a2 * len(y), "looks like a 1/N factor on the data term; the spec has none"),
    ]
    for lam, why in diagnoses:
        if _near(th, reference(Phi, y, lam, 1.0), *tol):
            raise Mismatch(f"theta {why}")
    raise Mismatch("theta is not (PhiᵀPhi + λI)⁻¹Phiᵀy with λ = σ²/α² (is the first, "
                   "intercept, column penalised like the others?)")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Standard deviations instead of variances: λ = σ/α.
    Wrong("sigma_over_alpha",
          hint=("sigma2 and alpha2 are variances: the ridge parameter is λ = sigma2/alpha2, "
                "not the ratio of their square roots."),
          code='''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    lam = np.sqrt(sigma2) / np.sqrt(alpha2)
    return np.linalg.solve(Phi.T @ Phi + lam * np.eye(Phi.shape[1]), Phi.T @ np.asarray(y, float))
'''),
    # pyprobml's augmented-data trick with λ rows instead of √λ rows: penalty λ².
    Wrong("augmented_lambda_rows",
          hint=("In the augmented least-squares system the extra rows are √λ·I, not λ·I: with "
                "λ·I rows the penalty becomes λ²‖theta‖²."),
          code='''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    lam = sigma2 / alpha2
    D = Phi.shape[1]
    A = np.vstack([Phi, lam * np.eye(D)])
    b = np.concatenate([np.asarray(y, float), np.zeros(D)])
    return np.linalg.lstsq(A, b, rcond=None)[0]
'''),
    # A 1/N on the data term (sklearn-style averaging), i.e. λ·N.
    Wrong("one_over_n",
          hint=("The MAP objective has no 1/N on the data term: averaging the squared errors "
                "multiplies the effective λ by N."),
          code='''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    N, D = Phi.shape
    lam = sigma2 / alpha2
    return np.linalg.solve(Phi.T @ Phi / N + lam * np.eye(D), Phi.T @ np.asarray(y, float) / N)
'''),
    # Leaves the intercept (first column) unpenalised.
    Wrong("unpenalised_intercept",
          hint=("The prior N(0, alpha2·I) covers every weight, the intercept too: add λ to "
                "every diagonal entry of PhiᵀPhi, the first one included."),
          code='''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    P = np.eye(Phi.shape[1])
    P[0, 0] = 0.0
    return np.linalg.solve(Phi.T @ Phi + sigma2 / alpha2 * P, Phi.T @ np.asarray(y, float))
'''),
    # λ = α²/σ².
    Wrong("inverted_ratio",
          hint=("The ridge parameter is the noise variance over the prior variance, "
                "λ = sigma2/alpha2; you have the ratio upside down."),
          code='''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    lam = alpha2 / sigma2
    return np.linalg.solve(Phi.T @ Phi + lam * np.eye(Phi.shape[1]), Phi.T @ np.asarray(y, float))
'''),
)

ALTERNATIVES = (
    # pyprobml's augmented least squares, done right: √λ rows.
    Alternative("augmented_sqrt_lambda", code='''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    D = Phi.shape[1]
    A = np.vstack([Phi, np.sqrt(sigma2 / alpha2) * np.eye(D)])
    b = np.concatenate([np.asarray(y, float), np.zeros(D)])
    return np.linalg.lstsq(A, b, rcond=None)[0]
'''),
    # SVD shrinkage: θ = V diag(s/(s² + λ)) Uᵀ y.
    Alternative("svd_shrinkage", code='''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    U, s, Vt = np.linalg.svd(Phi, full_matrices=False)
    lam = sigma2 / alpha2
    return Vt.T @ (s / (s**2 + lam) * (U.T @ np.asarray(y, float)))
'''),
    # Dual (kernel) form: θ = Φᵀ(ΦΦᵀ + λI)⁻¹y.
    Alternative("dual_form", code='''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    K = Phi @ Phi.T + (sigma2 / alpha2) * np.eye(Phi.shape[0])
    return Phi.T @ np.linalg.solve(K, np.asarray(y, float))
'''),
    # Cholesky of the regularised Gram matrix.
    Alternative("cholesky", code='''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    A = Phi.T @ Phi + (sigma2 / alpha2) * np.eye(Phi.shape[1])
    return scipy.linalg.cho_solve(scipy.linalg.cho_factor(A), Phi.T @ np.asarray(y, float))
'''),
)

TASK = Task(
    answer_cell="s3_ridge_map",
    checks=(CheckSpec(id="statistics.ridge_map", unit="statistics", function="ridge_map",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
