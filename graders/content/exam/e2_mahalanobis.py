"""E2 ``mahalanobis(X, mu, Sigma) -> d``: distances to μ (check ``geometry.exam_mahalanobis``).

Convention (stated in the notebook): ``X`` is (N, D), one point per row, ``mu`` is (D,) and
``Sigma`` (D, D) symmetric positive definite, any real dtype; ``d`` has shape (N,) and holds
the distances (not squared) of the rows of X to μ under ⟨u, v⟩ = uᵀΣ⁻¹v.

Graded to a relative tolerance 10⁻⁸ plus an absolute allowance for the rounding of the
inputs, so the Cholesky route, an explicit inverse and eigen-whitening all pass. Catches:
squared distances, Σ in place of Σ⁻¹, solving with Lᵀ instead of L, the expanded quadratic
form (cancellation at ‖μ‖ ≈ 10⁶), summing over the wrong axis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import cond_spd, spd
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "parameters", "reference", "variant_cases"]


def reference(X: Any, mu: Any, Sigma: Any) -> np.ndarray:
    """Reference E2: with Σ = L Lᵀ (Cholesky), d_i = ‖L⁻¹(x_i − μ)‖₂."""
    z = (_f(X) - _f(mu)).T
    chol = scipy.linalg.cholesky(_f(Sigma), lower=True)
    w = scipy.linalg.solve_triangular(chol, z, lower=True)
    return np.asarray(np.sqrt(np.sum(w * w, axis=0)))


# ---------------------------------------------------------------- hidden inputs


def _base_cases(rng: np.random.Generator) -> list[Case]:
    """E2: N ≠ D both ways, D = 1, N = 1, x = μ, ‖μ‖ ≈ 1e6, integer dtype, κ(Σ) = 10³."""
    def data(n: int, d: int, sigma: np.ndarray, offset: float = 0.0) -> tuple[np.ndarray, ...]:
        mu = offset + rng.uniform(-3, 3, d)
        x = mu + rng.standard_normal((n, d)) @ np.linalg.cholesky(sigma).T
        return x, mu, sigma

    x_mu, mu0, s0 = data(5, 3, spd(rng, 3))
    x_mu[2] = mu0
    big = data(6, 3, spd(rng, 3), offset=1e6)
    return [
        Case("N = 7, D = 3", data(7, 3, spd(rng, 3))),
        Case("N = 2, D = 5 (N < D)", data(2, 5, spd(rng, 5))),
        Case("N = D = 4, non-diagonal Σ", data(4, 4, cond_spd(rng, 4, 30.0))),
        Case("D = 1 (σ² = 4, so σ and σ² differ)", data(6, 1, np.array([[4.0]]))),
        Case("N = 1, D = 3", data(1, 3, spd(rng, 3))),
        Case("one point equal to μ (distance 0)", (x_mu, mu0, s0)),
        Case("far from the origin, ‖μ‖ ≈ 1e6 (cancellation)", big),
        Case("integer dtype X, μ and Σ",
             (rng.integers(-5, 6, size=(5, 2)), np.array([1, -1]), np.array([[4, 1], [1, 3]]))),
        Case("anisotropic Σ, κ(Σ) = 10³, N = 6, D = 5", data(6, 5, cond_spd(rng, 5, 1e3))),
        Case("diagonal Σ = diag(4, 9, 0.25)", data(5, 3, np.diag([4.0, 9.0, 0.25]))),
    ]


def parameters(rng: np.random.Generator) -> dict[str, Any]:
    """One student's E2 example (shown in the question): small integers, Σ = LLᵀ + I SPD.

    D ∈ {2, 3}, N ∈ {3, 4}; Σ = L Lᵀ + I with L unit lower triangular with entries in
    [−2, 2] (so Σ is SPD with λ_min ≥ 1 and integer); μ and X in [−4, 4].
    """
    d, n = int(rng.integers(2, 4)), int(rng.integers(3, 5))
    low = np.tril(rng.integers(-2, 3, size=(d, d)), -1) + np.eye(d, dtype=np.int64)
    return {"e2_Sigma": low @ low.T + np.eye(d, dtype=np.int64),
            "e2_mu": rng.integers(-4, 5, size=d), "e2_X": rng.integers(-4, 5, size=(n, d))}


def _example_case(params: Mapping[str, Any]) -> Case:
    """The student's own example (its values are in their question text)."""
    x = np.asarray(params["e2_X"])
    return Case(f"your exam's example, N = {x.shape[0]}, D = {x.shape[1]}",
                (x, np.asarray(params["e2_mu"]), np.asarray(params["e2_Sigma"])))


def variant_cases(rng: np.random.Generator, params: Mapping[str, Any]) -> list[Case]:
    """E2 for one student: the course-wide kinds of input, then the student's own example."""
    return [*_base_cases(rng), _example_case(params)]


def cases(rng: np.random.Generator) -> list[Case]:
    """E2's hidden cases for a variant drawn from ``rng`` (``mml check``, content tests)."""
    base = _base_cases(rng)
    return [*base, _example_case(parameters(rng))]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """E2: distances to rtol 1e-8 plus an absolute allowance for the rounding of the inputs."""
    X, mu, S = _f(case.args[0]), _f(case.args[1]), _f(case.args[2])
    n_pts, dim = X.shape
    d_ref = reference(X, mu, S)
    d = as_array(output, name="d", ndim=1)
    if d.shape != (n_pts,):
        raise Mismatch("d must have shape (N,): one distance per row of X (rows are points)")
    # Cholesky route: relative error ≲ c·D·ε·κ(L) = c·D·ε·√κ(Σ) ≤ 1e-13 (κ(Σ) ≤ 1e3); the inv(Σ)
    # route ≲ c·D·ε·κ(Σ) ≤ 1e-11 (measured ≤ 6e-14 here): rtol 1e-8 keeps ≥ 1e3 margin.
    # Absolute part: each coordinate of x_i − μ may carry ε·(|x| + |μ|) of rounding, which
    # moves d by ≤ √D·ε·(max|X| + max|μ|)/√λ_min(Σ); 100× that. The expanded form
    # xᵀΣ⁻¹x − 2xᵀΣ⁻¹μ + μᵀΣ⁻¹μ loses ε·‖x‖²/λ_min ≈ 1e-4 at ‖μ‖ ≈ 1e6, far above.
    lam_min = float(np.linalg.eigvalsh(S)[0])
    atol = 100 * np.sqrt(dim) * EPS * (np.max(np.abs(X)) + np.max(np.abs(mu))) / np.sqrt(lam_min)
    if np.all(np.abs(d - d_ref) <= atol + 1e-8 * d_ref):
        return None
    if np.all(np.abs(d - d_ref**2) <= atol + 1e-8 * d_ref**2):
        raise Mismatch("these are squared distances: return d_i = sqrt((x_i − μ)ᵀ Σ⁻¹ (x_i − μ))")
    if np.abs(np.max(np.abs(mu))) > 1e5:
        raise Mismatch("distances are inaccurate for points far from the origin: compute "
                       "x_i − μ first (expanding the quadratic form cancels catastrophically)")
    raise Mismatch("the distances are wrong: d_i² = (x_i − μ)ᵀ Σ⁻¹ (x_i − μ); with Σ = L Lᵀ "
                   "this is ‖L⁻¹(x_i − μ)‖² (solve with L, not Lᵀ)")


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Returns the squared distances (the quadratic form itself).
    Wrong("squared",
          hint=(
                "You returned squared distances (the quadratic form itself): take the square "
                "root, d_i = sqrt((x_i − μ)ᵀ Σ⁻¹ (x_i − μ))."),
          code='''
def mahalanobis(X, mu, Sigma):
    Z = np.asarray(X, dtype=float) - np.asarray(mu, dtype=float)
    return np.sum(Z * np.linalg.solve(np.asarray(Sigma, dtype=float), Z.T).T, axis=1)
'''),
    # Uses Sigma where its inverse belongs.
    Wrong("sigma_not_inverse",
          hint=(
                "You multiplied by Σ where its inverse belongs: the distance uses (x_i − μ)ᵀ "
                "Σ⁻¹ (x_i − μ), so solve with Σ or its Cholesky factor."),
          code='''
def mahalanobis(X, mu, Sigma):
    Z = np.asarray(X, dtype=float) - np.asarray(mu, dtype=float)
    return np.sqrt(np.sum((Z @ np.asarray(Sigma, dtype=float)) * Z, axis=1))
'''),
    # Solves with Lᵀ instead of L: ‖L⁻ᵀz‖² = zᵀ(LᵀL)⁻¹z, not zᵀΣ⁻¹z.
    Wrong("cholesky_transpose",
          hint=(
                "With Σ = L Lᵀ the distance is ‖L⁻¹(x_i − μ)‖: solve with the lower factor L "
                "(lower=True), not with Lᵀ."),
          code='''
def mahalanobis(X, mu, Sigma):
    Z = np.asarray(X, dtype=float) - np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    W = scipy.linalg.solve_triangular(L.T, Z.T, lower=False)
    return np.sqrt(np.sum(W * W, axis=0))
'''),
    # Expands the quadratic form: xᵀPx − 2xᵀPμ + μᵀPμ cancels catastrophically far from 0.
    Wrong("expanded_quadratic",
          hint=(
                "Expanding the quadratic form into xᵀΣ⁻¹x − 2xᵀΣ⁻¹μ + μᵀΣ⁻¹μ cancels "
                "catastrophically for points far from the origin: subtract μ from each point "
                "first."),
          code='''
def mahalanobis(X, mu, Sigma):
    X = np.asarray(X, dtype=float)
    mu = np.asarray(mu, dtype=float)
    P = np.linalg.inv(np.asarray(Sigma, dtype=float))
    q = np.sum((X @ P) * X, axis=1) - 2 * X @ (P @ mu) + mu @ P @ mu
    return np.sqrt(np.maximum(q, 0.0))
'''),
    # Sums over the wrong axis of the whitened (D, N) array: returns D numbers.
    Wrong("wrong_axis",
          hint=(
                "Your sum runs over the wrong axis and gives one number per coordinate: the "
                "whitened array is (D, N), so sum over the D coordinates, one distance per row "
                "of X."),
          code='''
def mahalanobis(X, mu, Sigma):
    Z = np.asarray(X, dtype=float) - np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    W = scipy.linalg.solve_triangular(L, Z.T, lower=True)
    return np.sqrt(np.sum(W * W, axis=1))
'''),
)

ALTERNATIVES = (
    # Explicit inverse (fine for these well-conditioned Σ).
    Alternative("explicit_inverse", code='''
def mahalanobis(X, mu, Sigma):
    Z = np.asarray(X, dtype=float) - np.asarray(mu, dtype=float)
    P = np.linalg.inv(np.asarray(Sigma, dtype=float))
    return np.sqrt(np.einsum("ni,ij,nj->n", Z, P, Z))
'''),
    # Eigen-whitening: Σ = V Λ Vᵀ, d = ‖Λ^{-1/2} Vᵀ z‖.
    Alternative("eigh_whitening", code='''
def mahalanobis(X, mu, Sigma):
    Z = np.asarray(X, dtype=float) - np.asarray(mu, dtype=float)
    w, V = np.linalg.eigh(np.asarray(Sigma, dtype=float))
    return np.linalg.norm((Z @ V) / np.sqrt(w), axis=1)
'''),
    # scipy's cdist with VI = Σ⁻¹, against the single point μ.
    Alternative("scipy_cdist", code='''
from scipy.spatial.distance import cdist

def mahalanobis(X, mu, Sigma):
    X = np.asarray(X, dtype=float)
    VI = np.linalg.inv(np.asarray(Sigma, dtype=float))
    return cdist(X, np.asarray(mu, dtype=float)[None, :], "mahalanobis", VI=VI)[:, 0]
'''),
    # cho_factor / cho_solve, one point at a time.
    Alternative("cho_solve_loop", code='''
def mahalanobis(X, mu, Sigma):
    X = np.asarray(X, dtype=float)
    mu = np.asarray(mu, dtype=float)
    cf = scipy.linalg.cho_factor(np.asarray(Sigma, dtype=float))
    out = np.empty(X.shape[0])
    for i, x in enumerate(X):
        z = x - mu
        out[i] = np.sqrt(z @ scipy.linalg.cho_solve(cf, z))
    return out
'''),
)


TASK = Task(
    answer_cell="e2_mahalanobis",
    checks=(CheckSpec(id="geometry.exam_mahalanobis", unit="geometry", function="mahalanobis",
                      cases=cases, judge=judge, reference=reference, parameters=parameters,
                      variant_cases=variant_cases),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
