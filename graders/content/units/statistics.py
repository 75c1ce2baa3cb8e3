"""Unit 6 — Statistics: the design matrices that the hidden inputs of many tasks use.

* Gaussian designs with O(1) features and an intercept column of ones (S2–S4, S6–S8);
* polynomial features of sorted points in [−1, 1] (κ ≤ ~1e2; S2–S4, S6);
* a duplicated feature column with a clean computed singular-value gap (S2, S3);
* :func:`near`, the normwise closeness test of the regression judges (S2–S4).

Every case is small (N ≤ 12, D ≤ 7). Every function draws from the generator it is given,
in a fixed order, so the same check's stream (:func:`graders.checks.case_rng`) always gives
the same inputs.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from graders.compare import EPS

__all__ = ["design", "duplicate_column_design", "near", "poly_design"]


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


def near(x: np.ndarray, ref: np.ndarray, rtol: float, atol: float) -> bool:
    """Normwise closeness ``‖x − ref‖ ≤ rtol‖ref‖ + atol`` (same shapes)."""
    return bool(np.linalg.norm(x - ref) <= rtol * np.linalg.norm(ref) + atol)
