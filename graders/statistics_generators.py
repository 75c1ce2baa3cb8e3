"""Seeded generators of the hidden inputs of Unit 6 (statistics), rules R4–R5.

Every case is small (N ≤ 12, D ≤ 7) so a check's reference runs in well under
0.2 s. Each ``cases_*`` function takes the check's own ``np.random.Generator``
(:func:`graders.checks.case_rng`) and returns its list of :class:`Case`; the same
seed always gives the same inputs. The inputs make each convention observable:

* 1/N versus 1/(N−1) with N = 1–3, and N ≠ D for the (N, D) layout (S1);
* rank-deficient and wide designs whose minimum-norm solution differs from other
  exact solutions, with a clean singular-value gap (S2);
* σ² ≠ 1 and α² ≠ 1 so variances and standard deviations differ (S3, S4, S6);
* a' < 1, k ∈ {0, n} and the flat prior for the mode's boundary rules (S5);
* separable data and small λ, where an unregularised or under-iterated fit fails (S7);
* folds of unequal sizes in shuffled order, and a memorising model that exposes
  a leaked test fold (S8).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Case, FunctionSpec

__all__ = [
    "cases_beta_binom",
    "cases_blr_posterior",
    "cases_blr_predict",
    "cases_cv_risk",
    "cases_gaussian_mle",
    "cases_linreg_fit",
    "cases_logreg_erm",
    "cases_ridge_bias_var",
    "cases_ridge_map",
    "design",
    "duplicate_column_design",
    "unequal_folds",
]

EPS = float(np.finfo(np.float64).eps)


def design(rng: np.random.Generator, n: int, d: int, intercept: bool = True) -> np.ndarray:
    """An (n, d) design with O(1) Gaussian features; the first column is ones if ``intercept``."""
    phi = rng.standard_normal((n, d))
    if intercept:
        phi[:, 0] = 1.0
    return phi


def poly_design(rng: np.random.Generator, n: int, degree: int) -> np.ndarray:
    """Polynomial features [1, x, …, x^degree] of n sorted points x ∈ [−1, 1] (κ ≤ ~1e2)."""
    x = np.sort(rng.uniform(-1.0, 1.0, n))
    return np.vander(x, degree + 1, increasing=True)


def duplicate_column_design(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """(n, d+1): d Gaussian columns plus an exact copy of one, with a clean computed gap.

    Rounding in the SVD leaves the trailing singular value at ~ε·σ₁; redraw until it is
    ≤ 0.25·ε·σ₁, below every library's default cut-off (numpy's pinv/lstsq use
    max(n, d)·ε, scipy's lstsq ε), so every correct method finds the same rank.
    """
    while True:
        base = design(rng, n, d)
        j = int(rng.integers(1, d))
        phi = np.column_stack([base, base[:, j]])
        s = np.linalg.svd(phi, compute_uv=False)
        s_sp = scipy.linalg.svdvals(phi)
        if max(s[-1] / s[0], s_sp[-1] / s_sp[0]) <= 0.25 * EPS:
            return phi


def cases_gaussian_mle(rng: np.random.Generator) -> list[Case]:
    """S1: N = 1–3 so 1/(N−1) shows; N ≠ D for the layout; 1×D, D = 1 and integer data."""
    corr = rng.standard_normal((12, 3)) @ np.array([[2.0, 0.5, 0.0], [0.0, 1.0, -0.7],
                                                    [0.0, 0.0, 0.3]])
    return [
        Case("Coursera case [[0, 1], [2, 3]] (N = D = 2)", (np.array([[0.0, 1.0], [2.0, 3.0]]),)),
        Case("N = 3 points in D = 2", (rng.standard_normal((3, 2)),)),
        Case("single point N = 1 (Sigma = 0)", (rng.standard_normal((1, 3)),)),
        Case("one feature D = 1, N = 5 (Sigma of shape (1, 1))", (rng.standard_normal((5, 1)),)),
        Case("integer dtype 4x3", (rng.integers(-5, 6, size=(4, 3)),)),
        Case("correlated features 12x3", (corr,)),
        Case("fewer points than features N = 2 < D = 5", (rng.standard_normal((2, 5)),)),
        Case("offset mean (entries ~ 10) 6x2",
             (10.0 + rng.standard_normal((6, 2)) * np.array([1.0, 0.2]),)),
    ]


def cases_linreg_fit(rng: np.random.Generator) -> list[Case]:
    """S2: full rank, polynomial, rank-deficient (duplicate / zero column), wide, integer."""
    zero_col = design(rng, 8, 3)
    zero_col = np.column_stack([zero_col[:, :2], np.zeros(8), zero_col[:, 2:]])
    int_phi = np.column_stack([np.ones(6, dtype=np.int64), rng.integers(-4, 5, size=(6, 2))])
    while np.linalg.matrix_rank(int_phi) < 3:
        int_phi[:, 1:] = rng.integers(-4, 5, size=(6, 2))
    square = design(rng, 5, 5)
    return [
        Case("full column rank 12x4", (design(rng, 12, 4), rng.standard_normal(12))),
        Case("polynomial features of degree 5, 12 points",
             (poly_design(rng, 12, 5), rng.standard_normal(12))),
        Case("rank-deficient: duplicate feature column 10x4 (min-norm)",
             (duplicate_column_design(rng, 10, 3), rng.standard_normal(10))),
        Case("rank-deficient: all-zero feature column 8x4 (min-norm)",
             (zero_col, rng.standard_normal(8))),
        Case("wide N = 3 < D = 6 (min-norm interpolation)",
             (design(rng, 3, 6), rng.standard_normal(3))),
        Case("square 5x5 (exact interpolation)", (square, rng.standard_normal(5))),
        Case("integer dtype Phi and y 6x3", (int_phi, rng.integers(-5, 6, size=6))),
        Case("single feature 7x1", (rng.uniform(0.5, 2.0, (7, 1)), rng.standard_normal(7))),
        Case("zero targets y = 0", (design(rng, 6, 3), np.zeros(6))),
    ]


def cases_ridge_map(rng: np.random.Generator) -> list[Case]:
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


def cases_beta_binom(rng: np.random.Generator) -> list[Case]:
    """S5: interior modes, a < 1 with k ∈ {0, n}, flat and U-shaped posteriors, b' < 1."""
    n = int(rng.integers(5, 40))
    k = int(rng.integers(1, n))
    n2 = int(rng.integers(3, 10))
    return [
        Case("Beta(2, 3) prior, k = 4 of n = 10", (2.0, 3.0, 4, 10)),
        Case("random prior and counts (interior mode)",
             (float(rng.uniform(1.25, 5.0)), float(rng.uniform(1.25, 5.0)), k, n)),
        Case("Jeffreys prior a = b = 0.5, k = 0 (mode on the boundary 0)", (0.5, 0.5, 0, n2)),
        Case("Jeffreys prior a = b = 0.5, k = n (mode on the boundary 1)", (0.5, 0.5, n2, n2)),
        Case("flat prior, no data (mode NaN)", (1, 1, 0, 0)),
        Case("U-shaped posterior a' = b' = 0.5, no data (mode NaN)", (0.5, 0.5, 0, 0)),
        Case("flat prior, k = 0 of n = 5 (integer a, b; mode 0)", (1, 1, 0, 5)),
        Case("b' < 1 < a' (mode 1)", (3.0, 0.4, 0, 0)),
        Case("a' < 1 < b' with a' + b' < 2 (mode 0)", (0.5, 1.2, 0, 0)),
        Case("a' = 1 > b' (mode 1)", (1.0, 0.5, 0, 0)),
        Case("a < 1, 0 < k < n", (0.3, 2.0, 2, 7)),
    ]


def cases_ridge_bias_var(rng: np.random.Generator) -> list[Case]:
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


def _classes(rng: np.random.Generator, n: int, gap: float) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian classes in 2-D, centres ±gap/2 along a random direction; X = [1, x1, x2]."""
    y = np.zeros(n, dtype=np.int64)
    y[rng.permutation(n)[: n // 2]] = 1
    t = rng.uniform(0, 2 * np.pi)
    u = np.array([np.cos(t), np.sin(t)])
    pts = rng.standard_normal((n, 2)) * 0.5 + np.outer(y - 0.5, u) * gap
    return np.column_stack([np.ones(n), pts]), y


def _separable(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Linearly separable 2-D classes (redrawn until a margin exists along the centre line)."""
    while True:
        X, y = _classes(rng, n, 4.0)
        w = np.linalg.lstsq(X, 2.0 * y - 1.0, rcond=None)[0]
        if np.all((X @ w) * (2 * y - 1) > 0):
            return X, y


def cases_logreg_erm(rng: np.random.Generator) -> list[Case]:
    """S7: separable data (no minimiser without λ), small λ (slow gradient descent)."""
    X_sep, y_sep = _separable(rng, 12)
    X_ov, y_ov = _classes(rng, 12, 1.0)
    X_int = np.column_stack([np.ones(8, dtype=np.int64), rng.integers(-3, 4, size=(8, 2))])
    y_int = (X_int[:, 1] + rng.integers(-1, 2, size=8) > 0).astype(np.int64)
    X_w, y_w = design(rng, 4, 6), np.array([0, 1, 1, 0])
    return [
        Case("separable 2-D classes with intercept, lam = 1e-3", (X_sep, y_sep, 1e-3)),
        Case("overlapping classes, lam = 0.1", (X_ov, y_ov, 0.1)),
        Case("integer dtype X and y, lam = 0.5", (X_int, y_int, 0.5)),
        Case("all labels 1, lam = 0.05", (design(rng, 6, 2), np.ones(6, dtype=np.int64), 0.05)),
        Case("high-dimensional N = 4 < D = 6 (separable), lam = 0.01", (X_w, y_w, 0.01)),
        Case("one feature, no intercept, float labels, lam = 1",
             (rng.standard_normal((9, 1)), (rng.random(9) < 0.5).astype(float), 1.0)),
        Case("large lam = 10 (theta near 0)", (X_ov, y_ov, 10.0)),
    ]


def unequal_folds(rng: np.random.Generator, sizes: list[int]) -> tuple[np.ndarray, ...]:
    """A shuffled partition of range(sum(sizes)) into folds of the given sizes (int64)."""
    perm = rng.permutation(sum(sizes)).astype(np.int64)
    return tuple(np.sort(part) for part in np.split(perm, np.cumsum(sizes)[:-1]))


def cases_cv_risk(rng: np.random.Generator) -> list[Case]:
    """S8: unequal shuffled folds; ridge, mean and 1-nearest-neighbour learners."""
    def ridge(lam: float) -> tuple[FunctionSpec, FunctionSpec]:
        return (FunctionSpec("statistics.ridge_fit", {"lam": lam}),
                FunctionSpec("statistics.linear_predict", {}))

    mean = (FunctionSpec("statistics.mean_fit", {}), FunctionSpec("statistics.mean_predict", {}))
    nn = (FunctionSpec("statistics.nn_fit", {}), FunctionSpec("statistics.nn_predict", {}))

    def data(n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
        X = design(rng, n, d)
        return X, X @ rng.standard_normal(d) + 0.5 * rng.standard_normal(n)

    X_int = np.column_stack([np.ones(12, dtype=np.int64), rng.integers(-4, 5, size=(12, 2))])
    y_int = X_int @ np.array([1.0, -0.5, 2.0]) + rng.standard_normal(12)
    return [
        Case("ridge lam = 0.5, folds of sizes 2, 4, 6", (*ridge(0.5), *data(12, 3),
                                                          unequal_folds(rng, [2, 4, 6]))),
        Case("mean predictor, folds of sizes 1, 3, 5", (*mean, *data(9, 2),
                                                         unequal_folds(rng, [1, 3, 5]))),
        Case("1-nearest neighbour, folds of sizes 3, 7", (*nn, *data(10, 2),
                                                          unequal_folds(rng, [3, 7]))),
        Case("leave-one-out, ridge lam = 0.1, N = 6", (*ridge(0.1), *data(6, 2),
                                                       unequal_folds(rng, [1] * 6))),
        Case("integer dtype X, ridge lam = 2, folds of sizes 3, 9",
             (*ridge(2.0), X_int, y_int, unequal_folds(rng, [3, 9]))),
        Case("mean predictor, folds of sizes 4, 3, 2, 1", (*mean, *data(10, 1),
                                                           unequal_folds(rng, [4, 3, 2, 1]))),
    ]
