"""S6 ``ridge_bias_var(X, theta, sigma2, lam, x_star) -> (bias, variance)``: ridge, analytically.

Convention (stated in the notebook): data y = Xθ + ε with ε ~ N(0, σ²I), the ridge estimate
with A = XᵀX + λI, and one test point x* of shape (D,); the function returns the pair
(bias, variance) of f̂(x*): the signed bias E[f̂(x*)] − f(x*) = −λ x*ᵀA⁻¹θ and the sampling
variance σ²‖X A⁻¹x*‖² = σ² x*ᵀA⁻¹XᵀXA⁻¹x*.

Graded at 1e-10 relative to the natural scales of bias and variance, so the solve, inverse,
SVD and effective-weights forms pass. The hidden inputs have σ² ≠ 1, λ = 0 (OLS) and large λ,
a wide X, an integer X and one feature. Catches: a squared or sign-flipped bias, the variance
without σ² or scaled by σ, the Bayesian posterior variance σ² x*ᵀA⁻¹x* instead of the sandwich.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_float, as_tuple
from graders.compare import trusted_array as _f
from graders.content.units.statistics import design, poly_design
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]

TINY = float(np.finfo(np.float64).tiny)


def reference(X: Any, theta: Any, sigma2: float, lam: float,
              x_star: Any) -> tuple[float, float]:
    """Reference S6: bias = −λ x*ᵀA⁻¹θ and var = σ²‖X A⁻¹x*‖², A = XᵀX + λI."""
    x, xs = _f(X), _f(x_star)
    A = x.T @ x + float(lam) * np.eye(x.shape[1])
    u = scipy.linalg.solve(A, xs, assume_a="sym")  # A⁻¹x* (A is symmetric)
    return float(-float(lam) * (u @ _f(theta))), float(float(sigma2) * np.sum((x @ u) ** 2))


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """S6: σ² ≠ 1, λ = 0 (OLS) and large λ, wide X, integer X, one feature."""
    def args(x: np.ndarray, s2: float, lam: float) -> tuple[Any, ...]:
        d = x.shape[1]
        return x, rng.standard_normal(d), s2, lam, rng.standard_normal(d)

    int_x = rng.integers(-3, 4, size=(7, 3))
    while np.linalg.matrix_rank(int_x) < 3:
        int_x = rng.integers(-3, 4, size=(7, 3))
    return [
        Case("10x3, sigma2 = 0.25, lam = 0.5", args(design(rng, 10, 3, False), 0.25, 0.5)),
        Case("lam = 0 (OLS: zero bias), 8x3, sigma2 = 2", args(design(rng, 8, 3), 2.0, 0.0)),
        Case("large lam = 50, 9x4, sigma2 = 0.5", args(design(rng, 9, 4), 0.5, 50.0)),
        Case("wide N = 3 < D = 5, lam = 0.3, sigma2 = 1.5",
             args(design(rng, 3, 5, False), 1.5, 0.3)),
        Case("integer dtype X 7x3, sigma2 = 4, lam = 1.5", args(int_x, 4.0, 1.5)),
        Case("one feature 6x1, sigma2 = 0.09, lam = 2", args(rng.uniform(0.5, 2, (6, 1)),
                                                              0.09, 2.0)),
        Case("polynomial features of degree 4, sigma2 = 0.04, lam = 0.1",
             args(poly_design(rng, 12, 4), 0.04, 0.1)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """S6: bias and variance at 1e-10 relative to their natural scales."""
    X, th, s2, lam, xs = (_f(case.args[0]), _f(case.args[1]), float(case.args[2]),
                          float(case.args[3]), _f(case.args[4]))
    b_ref, v_ref = reference(X, th, s2, lam, xs)
    b_out, v_out = as_tuple(output, 2, name="(bias, variance)")
    bias, var = as_float(b_out, name="bias"), as_float(v_out, name="variance")
    # |bias| ≤ ‖x*‖‖θ‖ and var ≤ σ²‖x*‖²‖X‖²/λ_min(A)-ish; κ(A) ≤ 1e3 here, so any stable
    # formula (solve, inv, SVD, or the weights w = X A⁻¹x* with bias = wᵀXθ − x*ᵀθ, which
    # cancels) is within κ·ε·scale ≈ 2e-13·scale; 1e-10 (syllabus) leaves 500×.
    b_scale = float(np.linalg.norm(xs) * np.linalg.norm(th))
    if abs(bias - b_ref) > 1e-10 * max(b_scale, TINY):
        if abs(bias - b_ref**2) <= 1e-10 * max(b_scale, TINY):
            raise Mismatch("bias looks squared: return the signed bias E[f̂(x*)] − f(x*)")
        if abs(bias + b_ref) <= 1e-10 * max(b_scale, TINY):
            raise Mismatch("bias has the wrong sign: bias = E[f̂(x*)] − f(x*)")
        raise Mismatch("bias is not −λ x*ᵀ(XᵀX + λI)⁻¹θ")
    v_scale = max(abs(v_ref), TINY)
    if abs(var - v_ref) <= 1e-10 * v_scale:
        return None
    if s2 > 0 and abs(var - v_ref / s2) <= 1e-10 * v_scale / s2:
        raise Mismatch("variance is missing the factor σ²")
    if s2 > 0 and abs(var - v_ref / np.sqrt(s2)) <= 1e-10 * v_scale:
        raise Mismatch("variance is scaled by σ instead of σ²")
    raise Mismatch("variance is not σ² x*ᵀA⁻¹XᵀXA⁻¹x* with A = XᵀX + λI (the sandwich "
                   "form, not the posterior variance σ² x*ᵀA⁻¹x*)")


# ---------------------------------------------------------------- planted answers

_A = '''
    X = np.asarray(X, dtype=float)
    x_star = np.asarray(x_star, dtype=float)
    Ainv = np.linalg.inv(X.T @ X + lam * np.eye(X.shape[1]))
'''

WRONG = (
    # The squared bias, where the signed bias was asked for.
    Wrong("squared_bias",
          hint=("Return the signed bias E[f̂(x*)] − f(x*), not its square: the squared bias "
                "is what enters the mean squared error."),
          code="def ridge_bias_var(X, theta, sigma2, lam, x_star):" + _A + '''
    bias = -lam * x_star @ Ainv @ theta
    return bias**2, sigma2 * x_star @ Ainv @ X.T @ X @ Ainv @ x_star
'''),
    # Forgets the noise variance.
    Wrong("missing_sigma2",
          hint=("The variance of the prediction scales with the noise: multiply "
                "x*ᵀA⁻¹XᵀXA⁻¹x* by sigma2."),
          code="def ridge_bias_var(X, theta, sigma2, lam, x_star):" + _A + '''
    return -lam * x_star @ Ainv @ theta, x_star @ Ainv @ X.T @ X @ Ainv @ x_star
'''),
    # σ instead of σ².
    Wrong("sigma_not_sigma2",
          hint=("sigma2 is already the noise variance: scale the variance by sigma2 itself, "
                "not by its square root."),
          code="def ridge_bias_var(X, theta, sigma2, lam, x_star):" + _A + '''
    return (-lam * x_star @ Ainv @ theta,
            np.sqrt(sigma2) * x_star @ Ainv @ X.T @ X @ Ainv @ x_star)
'''),
    # The Bayesian posterior variance σ² x*ᵀA⁻¹x* instead of the sampling variance.
    Wrong("posterior_variance",
          hint=("σ² x*ᵀA⁻¹x* is a Bayesian posterior variance; the sampling variance of the "
                "ridge prediction over noise draws is the sandwich σ² x*ᵀA⁻¹XᵀXA⁻¹x*."),
          code="def ridge_bias_var(X, theta, sigma2, lam, x_star):" + _A + '''
    return -lam * x_star @ Ainv @ theta, sigma2 * x_star @ Ainv @ x_star
'''),
    # Bias as f − E[f̂] (sign flipped).
    Wrong("bias_sign_flipped",
          hint=("The bias is E[f̂(x*)] − f(x*), the expected prediction minus the truth; your "
                "bias has the opposite sign."),
          code="def ridge_bias_var(X, theta, sigma2, lam, x_star):" + _A + '''
    return lam * x_star @ Ainv @ theta, sigma2 * x_star @ Ainv @ X.T @ X @ Ainv @ x_star
'''),
)

ALTERNATIVES = (
    # Effective weights: f̂(x*) = wᵀy with w = X A⁻¹ x*.
    Alternative("hat_weights", code='''
def ridge_bias_var(X, theta, sigma2, lam, x_star):
    X = np.asarray(X, dtype=float)
    A = X.T @ X + lam * np.eye(X.shape[1])
    w = X @ np.linalg.solve(A, np.asarray(x_star, dtype=float))
    return float(w @ (X @ theta) - x_star @ theta), float(sigma2 * w @ w)
'''),
    # Full SVD: A⁻¹ = V diag(1/(s² + λ)) Vᵀ (s padded with zeros when N < D).
    Alternative("svd", code='''
def ridge_bias_var(X, theta, sigma2, lam, x_star):
    X = np.asarray(X, dtype=float)
    N, D = X.shape
    U, s, Vt = np.linalg.svd(X, full_matrices=True)
    s2 = np.zeros(D)
    s2[:len(s)] = s**2
    z = Vt @ np.asarray(x_star, dtype=float)
    t = Vt @ np.asarray(theta, dtype=float)
    return -lam * np.sum(z * t / (s2 + lam)), sigma2 * np.sum(z**2 * s2 / (s2 + lam) ** 2)
'''),
    # Explicit inverse and the sandwich form.
    Alternative("inverse_sandwich", code="def ridge_bias_var(X, theta, sigma2, lam, x_star):"
                + _A + '''
    cov = sigma2 * Ainv @ (X.T @ X) @ Ainv
    return -lam * (x_star @ Ainv @ theta), x_star @ cov @ x_star
'''),
)

TASK = Task(
    answer_cell="s6_ridge_bias_var",
    checks=(CheckSpec(id="statistics.ridge_bias_var", unit="statistics",
                      function="ridge_bias_var", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
