"""Seeded generators of the exam's hidden inputs (one ``cases_*`` per exam task), rule R5.

Every input is a plain array or number (the exam has no function-valued or random
inputs). Sizes stay ≤ 12 except the deliberately large KL case (D = 200, where a
determinant overflows), so each check's reference runs in well under 0.2 s.
The same seed always gives the same inputs; the judges in :mod:`graders.exam`
recompute the references from ``case.args``.
"""

from __future__ import annotations

import numpy as np

from graders.checks import Case
from graders.linalg_generators import orthogonal, spd, sym_with_eigs, with_singular_values

__all__ = [
    "cases_ista",
    "cases_kl_gauss",
    "cases_mahalanobis",
    "cases_mlp_jacobian",
    "cases_pca",
    "cases_qr_solve",
    "pca_data",
]

_LINALG_ERROR = ("LinAlgError",)


# ---------------------------------------------------------------- E1 qr_solve


def _ls_system(rng: np.random.Generator, m: int, n: int, cond: float,
               resid: float, k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A (m, n) matrix with κ₂ = cond and b = A x + r, r ⟂ col(A) with ‖r‖ = resid·‖Ax‖."""
    s = np.logspace(0, -np.log10(cond), n) if n > 1 else np.array([1.0])
    u = orthogonal(rng, m)
    a = (u[:, :n] * s) @ orthogonal(rng, n).T
    shape = (n,) if k is None else (n, k)
    ax = a @ rng.standard_normal(shape)
    r = u[:, n:] @ rng.standard_normal((m - n, *shape[1:])) if m > n else np.zeros_like(ax)
    scale = resid * np.linalg.norm(ax) / max(float(np.linalg.norm(r)), 1e-300)
    return a, ax + scale * r


def _dependent(rng: np.random.Generator, m: int, n: int, at: int) -> np.ndarray:
    """A well-conditioned (m, n) matrix whose column ``at`` is a combination of earlier ones."""
    a = with_singular_values(rng, m, n, np.logspace(1, 0, n))
    v = rng.standard_normal(m)
    # A rounding-level offset (σ_min ≈ 1e-15·σ_max ≤ 1e-14·σ_max): R's pivot is tiny but never
    # exactly 0, so a solver without a rank test returns a huge x instead of failing by luck.
    a[:, at] = a[:, :at] @ rng.uniform(0.5, 1.5, at) + 1e-15 * 10 * v / np.linalg.norm(v)
    return a


def cases_qr_solve(rng: np.random.Generator) -> list[Case]:
    """E1: κ₂ from 1 to 10⁷, zero/small/large residuals, multiple RHS, rank-deficient A."""
    int_a = rng.integers(-9, 10, size=(5, 3))
    while np.linalg.cond(int_a) > 1e2:
        int_a = rng.integers(-9, 10, size=(5, 3))
    dep = _dependent(rng, 6, 4, 2)
    tiny = _ls_system(rng, 6, 3, 10.0, 0.5)
    return [
        Case("tall 8x4, κ = 10², large residual", _ls_system(rng, 8, 4, 1e2, 1.0)),
        Case("square 5x5 (consistent system)", _ls_system(rng, 5, 5, 1e2, 0.0)),
        Case("ill-conditioned 10x4, κ = 10⁷, consistent b", _ls_system(rng, 10, 4, 1e7, 0.0)),
        Case("single column 6x1", _ls_system(rng, 6, 1, 1.0, 0.3)),
        Case("integer dtype 5x3", (int_a, rng.integers(-9, 10, size=5))),
        Case("multiple right-hand sides 7x3, b of shape (7, 2)",
             _ls_system(rng, 7, 3, 1e2, 0.2, k=2)),
        Case("1x1", (np.array([[rng.uniform(-4, -1)]]), np.array([rng.uniform(1, 4)]))),
        Case("tiny scale 1e-12 (relative rank test) 6x3", (1e-12 * tiny[0], tiny[1])),
        Case("rank-deficient 6x4 (third column a combination of the first two)",
             (dep, rng.standard_normal(6)), raises=_LINALG_ERROR),
        Case("rank-deficient 5x3 (zero column)",
             (np.column_stack([rng.standard_normal(5), np.zeros(5), rng.standard_normal(5)]),
              rng.standard_normal(5)), raises=_LINALG_ERROR),
    ]


# ---------------------------------------------------------------- E2 mahalanobis


def _cond_spd(rng: np.random.Generator, d: int, cond: float) -> np.ndarray:
    """An SPD matrix with eigenvalues log-spaced in [1, cond] (exactly symmetric)."""
    return sym_with_eigs(rng, np.logspace(0, np.log10(cond), d) if d > 1 else np.array([2.0]))


def cases_mahalanobis(rng: np.random.Generator) -> list[Case]:
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
        Case("N = D = 4, non-diagonal Σ", data(4, 4, _cond_spd(rng, 4, 30.0))),
        Case("D = 1 (σ² = 4, so σ and σ² differ)", data(6, 1, np.array([[4.0]]))),
        Case("N = 1, D = 3", data(1, 3, spd(rng, 3))),
        Case("one point equal to μ (distance 0)", (x_mu, mu0, s0)),
        Case("far from the origin, ‖μ‖ ≈ 1e6 (cancellation)", big),
        Case("integer dtype X, μ and Σ",
             (rng.integers(-5, 6, size=(5, 2)), np.array([1, -1]), np.array([[4, 1], [1, 3]]))),
        Case("anisotropic Σ, κ(Σ) = 10³, N = 6, D = 5", data(6, 5, _cond_spd(rng, 5, 1e3))),
        Case("diagonal Σ = diag(4, 9, 0.25)", data(5, 3, np.diag([4.0, 9.0, 0.25]))),
    ]


# ---------------------------------------------------------------- E3 mlp_jacobian


def _net(rng: np.random.Generator, n: int, h: int, m: int,
         x_scale: float = 1.0) -> tuple[np.ndarray, ...]:
    """Weights W1 (h, n), b1 (h,), W2 (m, h) and an input x (n,), pre-activations O(1)."""
    w1 = rng.standard_normal((h, n)) / np.sqrt(n)
    return (w1, 0.3 * rng.standard_normal(h), rng.standard_normal((m, h)),
            x_scale * rng.standard_normal(n))


def cases_mlp_jacobian(rng: np.random.Generator) -> list[Case]:
    """E3: m ≠ n, square non-symmetric J, m = 1, n = 1, h = 1, saturated units, int dtype."""
    sat = list(_net(rng, 3, 5, 2))
    sat[1] = np.array([40.0, -35.0, 800.0, 0.2, -0.1])  # three saturated units
    return [
        Case("n = 3 inputs, h = 5 hidden, m = 2 outputs (m ≠ n)", _net(rng, 3, 5, 2)),
        Case("square n = m = 4 (J not symmetric)", _net(rng, 4, 6, 4)),
        Case("m = 1 output (a 1 x n Jacobian)", _net(rng, 5, 4, 1)),
        Case("n = 1 input (an m x 1 Jacobian)", _net(rng, 1, 4, 3)),
        Case("h = 1 hidden unit", _net(rng, 3, 1, 2)),
        Case("saturated hidden units (|z| up to 800)", tuple(sat)),
        Case("integer dtype weights and input",
             (rng.integers(-2, 3, size=(4, 3)), rng.integers(-1, 2, size=4),
              rng.integers(-3, 4, size=(2, 4)), rng.integers(-1, 2, size=3))),
        Case("zero input and zero bias", (*_net(rng, 4, 5, 3)[:1], np.zeros(5),
                                          rng.standard_normal((3, 5)), np.zeros(4))),
        Case("wide hidden layer h = 12, n = 6, m = 5", _net(rng, 6, 12, 5, x_scale=2.0)),
    ]


# ---------------------------------------------------------------- E4 ista


def _lasso(rng: np.random.Generator, m: int, n: int, lam_frac: float, t: int,
           step_factor: float = 1.0) -> tuple[np.ndarray, np.ndarray, float, float, int]:
    """(A, b, λ, step, T) with λ = lam_frac·‖Aᵀb‖∞ and step = step_factor/‖A‖₂²."""
    a = rng.standard_normal((m, n))
    b = a @ (rng.standard_normal(n) * (rng.random(n) < 0.5)) + 0.1 * rng.standard_normal(m)
    lam = lam_frac * float(np.max(np.abs(a.T @ b)))
    return a, b, lam, step_factor / float(np.linalg.norm(a, 2) ** 2), t


def cases_ista(rng: np.random.Generator) -> list[Case]:
    """E4: tall and wide A, λ = 0, λ above ‖Aᵀb‖∞, T = 0 and 1, int dtype, step near 2/L."""
    ai = rng.integers(-3, 4, size=(6, 4))
    bi = rng.integers(-5, 6, size=6)
    return [
        Case("tall 8x5, T = 10", _lasso(rng, 8, 5, 0.2, 10)),
        Case("wide 4x8 (more unknowns than equations), T = 20", _lasso(rng, 4, 8, 0.1, 20)),
        Case("λ = 0 (plain gradient descent), T = 5", _lasso(rng, 6, 4, 0.0, 5)),
        Case("λ = 1.5‖Aᵀb‖∞ (the iterates stay at 0), T = 8", _lasso(rng, 6, 4, 1.5, 8)),
        Case("T = 0 (return x0 = 0)", _lasso(rng, 5, 3, 0.2, 0)),
        Case("T = 1 (a single step)", _lasso(rng, 5, 6, 0.3, 1)),
        Case("integer dtype A and b, T = 6",
             (ai, bi, 2.0, 0.5 / float(np.linalg.norm(ai, 2) ** 2), 6)),
        Case("step 1.8/L (oscillating iterates), T = 12", _lasso(rng, 7, 5, 0.15, 12, 1.8)),
        Case("1x1, step = 0.25, T = 3", (np.array([[2.0]]), np.array([3.0]), 1.0, 0.25, 3)),
    ]


# ---------------------------------------------------------------- E5 kl_gauss


def cases_kl_gauss(rng: np.random.Generator) -> list[Case]:
    """E5: identical, D = 1, shared Σ, shared μ, D = 200 (det overflows), int dtype."""
    def mean(d: int) -> np.ndarray:
        return rng.uniform(-2, 2, d)

    s, m = spd(rng, 3), mean(3)
    shared_cov = _cond_spd(rng, 4, 50.0)
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
             (mean(6), 0.1 * spd(rng, 6), mean(6), _cond_spd(rng, 6, 100.0))),
    ]


# ---------------------------------------------------------------- E6 pca


def pca_data(rng: np.random.Generator, n: int, variances: np.ndarray,
             offset: float = 0.0) -> np.ndarray:
    """(n, D) data whose 1/N sample covariance has exactly the given eigenvalues (D = len).

    Needs n − 1 ≥ r, the number of nonzero variances. The r columns of a centred Gaussian
    (n, r) matrix are orthonormalised (they stay centred), so the centred data is
    ``√n · Z diag(√λ) Vᵀ`` with V the matching columns of a random orthogonal matrix.
    """
    lam = np.asarray(variances, dtype=float)
    d, r = len(lam), int(np.count_nonzero(lam))
    z = rng.standard_normal((n, r))
    z -= z.mean(axis=0)
    q = np.linalg.qr(z)[0]
    x = np.sqrt(n) * (q * np.sqrt(lam[lam > 0])) @ orthogonal(rng, d)[:, lam > 0].T
    return np.asarray(x + offset + rng.uniform(-5, 5, d))


def _int_pca_data(rng: np.random.Generator, n: int, d: int, k: int) -> np.ndarray:
    """Integer (n, d) data whose covariance has a gap ≥ 5 % of λ₁ after the k-th eigenvalue."""
    while True:
        x = rng.integers(-6, 7, size=(n, d)) * np.array([3, 2, 1, 1][:d])
        w = np.sort(np.linalg.eigvalsh(np.cov(x.T, bias=True)))[::-1]
        if w[k - 1] - w[k] >= 0.05 * w[0]:
            return np.asarray(x)


def cases_pca(rng: np.random.Generator) -> list[Case]:
    """E6: N < D, k = D, k = 1, N = 3, mean offset 1e3, repeated top eigenvalues, int dtype."""
    return [
        Case("N = 40, D = 5, k = 2", (pca_data(rng, 40, np.array([9.0, 4, 1, 0.5, 0.2])), 2)),
        Case("N = 6 < D = 10 (high-dimensional), k = 3",
             (pca_data(rng, 6, np.r_[[8.0, 5, 3, 0.5, 0.3], np.zeros(5)]), 3)),
        Case("k = D = 3 (full basis), N = 20", (pca_data(rng, 20, np.array([5.0, 2, 1])), 3)),
        Case("k = 1, N = 15, D = 4", (pca_data(rng, 15, np.array([6.0, 1, 0.5, 0.1])), 1)),
        Case("N = 3 (1/N and 1/(N-1) differ by 1.5x), D = 2, k = 1",
             (pca_data(rng, 3, np.array([4.0, 1.0])), 1)),
        Case("mean offset 1e3, N = 12, D = 3, k = 2",
             (pca_data(rng, 12, np.array([3.0, 2.0, 0.1]), offset=1e3), 2)),
        Case("repeated top variance (λ₁ = λ₂), N = 25, D = 4, k = 2",
             (pca_data(rng, 25, np.array([5.0, 5.0, 1.0, 0.3])), 2)),
        Case("integer dtype data, N = 10, D = 3, k = 2", (_int_pca_data(rng, 10, 3, 2), 2)),
    ]
