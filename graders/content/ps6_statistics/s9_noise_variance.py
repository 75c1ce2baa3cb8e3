"""S9 ``noise_variance(Phi, y) -> sigma2``: the maximum-likelihood noise variance.

Convention (stated in the notebook): in the linear-regression model y = Φθ + ε with
ε ~ N(0, σ²I), the maximum-likelihood estimate is σ²_ML = ‖y − Φθ_ML‖²/N (MML §9.2), with
θ_ML any least-squares solution: every one has the same fitted values, so the residual and
σ²_ML are unique even when Φ is rank-deficient or wide (then σ²_ML = 0 when Φ interpolates).
``Phi`` is (N, D), ``y`` is (N,), any real dtype; ``sigma2`` is a float.

Graded against the reference to an allowance derived from the residual's rounding error, so
every backward-stable least-squares solver passes (lstsq, pinv, the SVD, QR on full-rank
designs). Catches: dividing by N − D (the unbiased estimate) or N − 1, returning σ instead of
σ², and the variance of the targets (no fit at all).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_float
from graders.compare import trusted_array as _f
from graders.content.units.statistics import design, duplicate_column_design, poly_design
from graders.errors import Mismatch

__all__ = ["TASK", "allowance", "cases", "judge", "reference"]


def reference(Phi: Any, y: Any) -> float:
    """σ²_ML = ‖y − Φθ‖²/N, θ the minimum-norm least-squares solution (scipy's lstsq)."""
    phi, yv = _f(Phi), _f(y)
    theta = scipy.linalg.lstsq(phi, yv, cond=1e-10)[0]
    residual = yv - phi @ theta
    return float(residual @ residual / len(yv))


def allowance(Phi: Any, y: Any) -> float:
    """How far a correct σ²_ML may be from the reference in floating point.

    A backward-stable least-squares solver returns the residual r = (I − P)y with an error
    ‖δr‖ ≤ c·N·κ·ε·(‖Φ‖₂‖θ‖ + ‖y‖), κ the condition number on the kept singular values
    (≤ ~1e3 on these inputs, N ≤ 12), so ‖δr‖ ≤ δ := 1e-9·(‖Φ‖₂‖θ‖ + ‖y‖) with c ≤ 30. Then
    |‖r + δr‖² − ‖r‖²| ≤ 2‖r‖δ + δ², divided by N; the reference's own r has the same bound,
    hence the factor 2. The planted mistakes differ by a factor N/(N − D), N/(N − 1) or
    1/σ, or ignore Φ, all far above this.
    """
    phi, yv = _f(Phi), _f(y)
    theta = scipy.linalg.lstsq(phi, yv, cond=1e-10)[0]
    r = float(np.linalg.norm(yv - phi @ theta))
    scale = float(np.linalg.norm(phi, 2) * np.linalg.norm(theta) + np.linalg.norm(yv))
    delta = max(1e-9 * scale, EPS)
    return 2 * (2 * r * delta + delta**2) / len(yv)


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """S9: full rank, polynomial, rank-deficient, wide and square (σ² = 0), integer, σ ≠ σ²."""
    int_phi = np.column_stack([np.ones(7, dtype=np.int64), rng.integers(-4, 5, size=(7, 2))])
    while np.linalg.matrix_rank(int_phi) < 3:
        int_phi[:, 1:] = rng.integers(-4, 5, size=(7, 2))
    full = design(rng, 12, 4)
    return [
        Case("full column rank 12x4, noise σ = 0.5",
             (full, full @ rng.standard_normal(4) + 0.5 * rng.standard_normal(12))),
        Case("polynomial features of degree 3, 10 points",
             (poly_design(rng, 10, 3), rng.standard_normal(10))),
        Case("rank-deficient: duplicate feature column 10x4",
             (duplicate_column_design(rng, 10, 3), rng.standard_normal(10))),
        Case("wide N = 3 < D = 5 (interpolates: σ² = 0)",
             (design(rng, 3, 5), rng.standard_normal(3))),
        Case("square 4x4 (interpolates: σ² = 0)", (design(rng, 4, 4), rng.standard_normal(4))),
        Case("integer dtype Phi and y 7x3", (int_phi, rng.integers(-5, 6, size=7))),
        Case("large noise σ = 3 (so σ and σ² differ clearly), 9x2",
             (design(rng, 9, 2), 3.0 * rng.standard_normal(9))),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """S9: |σ̂² − σ²_ML| within the residual's derived rounding allowance."""
    Phi, y = _f(case.args[0]), _f(case.args[1])
    n, d = Phi.shape
    sigma2 = as_float(output, name="sigma2")
    ref = reference(Phi, y)
    if abs(sigma2 - ref) <= allowance(Phi, y):
        return None
    rss = ref * n
    if n > d and abs(sigma2 - rss / (n - d)) <= allowance(Phi, y) * n:
        raise Mismatch("this is the unbiased estimate RSS/(N − D); the maximum-likelihood "
                       "estimate divides the residual sum of squares by N")
    if ref > 0 and abs(sigma2 - np.sqrt(ref)) <= 1e-8 * np.sqrt(ref):
        raise Mismatch("this looks like σ (the root mean square residual); return the variance σ²")
    raise Mismatch("sigma2 is not the mean squared residual ‖y − Φθ_ML‖²/N of the "
                   "least-squares fit")


# ---------------------------------------------------------------- planted answers

WRONG = (
    Wrong("unbiased_n_minus_d",
          hint=("You divided the residual sum of squares by N − D, the unbiased estimate; "
                "the maximum-likelihood estimate divides by N."),
          code='''
def noise_variance(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    y = np.asarray(y, dtype=float)
    theta = np.linalg.lstsq(Phi, y, rcond=None)[0]
    r = y - Phi @ theta
    return float(r @ r / (len(y) - Phi.shape[1]))
'''),
    Wrong("n_minus_one",
          hint=("You divided by N − 1 as for a sample variance; the maximum-likelihood "
                "noise variance divides the residual sum of squares by N."),
          code='''
def noise_variance(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    y = np.asarray(y, dtype=float)
    theta = np.linalg.lstsq(Phi, y, rcond=None)[0]
    r = y - Phi @ theta
    return float(r @ r / (len(y) - 1))
'''),
    Wrong("returns_sigma",
          hint=("You returned the root mean square residual σ; the question asks for the "
                "variance σ², its square."),
          code='''
def noise_variance(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    y = np.asarray(y, dtype=float)
    theta = np.linalg.lstsq(Phi, y, rcond=None)[0]
    return float(np.sqrt(np.mean((y - Phi @ theta) ** 2)))
'''),
    Wrong("variance_of_targets",
          hint=("You computed the variance of the targets y; the noise variance is the mean "
                "squared residual after the least-squares fit y ≈ Φθ."),
          code='''
def noise_variance(Phi, y):
    return float(np.var(np.asarray(y, dtype=float)))
'''),
)

ALTERNATIVES = (
    # The residual through the pseudo-inverse projection.
    Alternative("pinv_projection", code='''
def noise_variance(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    y = np.asarray(y, dtype=float)
    r = y - Phi @ (np.linalg.pinv(Phi) @ y)
    return float(np.mean(r ** 2))
'''),
    # The residual as y minus its projection onto the kept left singular vectors.
    Alternative("svd_projection", code='''
def noise_variance(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    y = np.asarray(y, dtype=float)
    U, s, _ = np.linalg.svd(Phi, full_matrices=False)
    U = U[:, s > 1e-10 * s[0]]
    r = y - U @ (U.T @ y)
    return float(r @ r) / len(y)
'''),
    # scipy's least squares, then the mean of the squared residuals.
    Alternative("scipy_lstsq", code='''
def noise_variance(Phi, y):
    Phi = np.asarray(Phi, dtype=float)
    y = np.asarray(y, dtype=float)
    theta = scipy.linalg.lstsq(Phi, y)[0]
    return float(np.mean((y - Phi @ theta) ** 2))
'''),
)

TASK = Task(
    answer_cell="s9_noise_variance",
    checks=(CheckSpec(id="statistics.noise_variance", unit="statistics",
                      function="noise_variance", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
