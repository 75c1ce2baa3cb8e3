"""Function-valued inputs of Unit 5 (probability), built inside the sandbox.

Task P5 ``transformed_logpdf(logp_x, g_inv, logabsdet_jac_inv, y)`` receives three
functions. The hidden cases pass them as ``FunctionSpec("probability.<name>", params)``
and this table builds them (numpy only, deterministic, from plain parameters).

Conventions (stated to the students in the question text), for ``y`` of shape (M, D):

* a **log density** ``logp_x(x)`` takes ``x`` of shape ``(..., D)`` and returns shape
  ``(...)``; it is ``-inf`` outside the support of X and at any row that is not finite
  (a NaN preimage, see below), never NaN;
* an **inverse map** ``g_inv(y)`` returns an array of shape ``(K, M, D)``: the preimages
  ``x_k = g_k^{-1}(y)`` on each of the K branches of g (K = 1 for an invertible map,
  K = 2 for ``x ↦ x²``). Where y has no preimage on a branch, that row is NaN;
* ``logabsdet_jac_inv(y)`` returns shape ``(K, M)``: ``log|det ∂g_k^{-1}/∂y|``, and
  ``-inf`` where y has no preimage on branch k (that branch contributes nothing).

So ``logp_x(g_inv(y)) + logabsdet_jac_inv(y)`` has shape (K, M), contains no NaN, and
its log-sum-exp over the branches (axis 0) is ``log p_Y(y)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Fn = Callable[[Any], np.ndarray]


def _rows_finite(x: np.ndarray) -> np.ndarray:
    """Whether each row (last axis) is entirely finite."""
    return np.asarray(np.all(np.isfinite(x), axis=-1))


def gauss_logpdf(mean: Any, cov: Any) -> Fn:
    """log N(x; mean, cov) for x of shape (..., D); -inf at non-finite rows."""
    mu = np.asarray(mean, dtype=np.float64)
    chol = np.linalg.cholesky(np.asarray(cov, dtype=np.float64))
    d = mu.shape[0]
    const = -0.5 * d * np.log(2 * np.pi) - float(np.sum(np.log(np.diag(chol))))

    def logp_x(x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        ok = _rows_finite(x)
        diff = np.where(ok[..., None], x - mu, 0.0).reshape(-1, d)
        white = np.linalg.solve(chol, diff.T).T
        maha = np.sum(white**2, axis=-1).reshape(ok.shape)
        return np.where(ok, const - 0.5 * maha, -np.inf)

    return logp_x


def uniform_logpdf(low: Any, high: Any) -> Fn:
    """Uniform density on the open box (low, high) in R^D; -inf outside and at NaN."""
    lo = np.asarray(low, dtype=np.float64)
    hi = np.asarray(high, dtype=np.float64)
    logvol = float(np.sum(np.log(hi - lo)))

    def logp_x(x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        inside = np.all((x > lo) & (x < hi), axis=-1)  # False for NaN
        return np.where(inside, -logvol, -np.inf)

    return logp_x


def affine_inv(A: Any, b: Any) -> Fn:
    """Inverse of y = A x + b (A invertible): one branch, shape (1, M, D)."""
    a = np.asarray(A, dtype=np.float64)
    shift = np.asarray(b, dtype=np.float64)

    def g_inv(y: Any) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        return np.asarray(np.linalg.solve(a, (y - shift).T).T[None])

    return g_inv


def affine_logabsdet(A: Any) -> Fn:
    """log|det ∂g⁻¹/∂y| = -log|det A| for y = A x + b, shape (1, M)."""
    logabs = -float(np.linalg.slogdet(np.asarray(A, dtype=np.float64))[1])

    def logabsdet_jac_inv(y: Any) -> np.ndarray:
        return np.full((1, np.asarray(y).shape[0]), logabs)

    return logabsdet_jac_inv


def square_inv() -> Fn:
    """Inverse branches of y = x² (D = 1): (+√y, −√y), NaN for y < 0; shape (2, M, 1)."""

    def g_inv(y: Any) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        root = np.sqrt(np.where(y >= 0, y, np.nan))
        return np.stack([root, -root])

    return g_inv


def square_logabsdet() -> Fn:
    """log|d(±√y)/dy| = −log(2√y) on both branches for y > 0, −inf otherwise; shape (2, M)."""

    def logabsdet_jac_inv(y: Any) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)[:, 0]
        pos = y > 0
        val = np.where(pos, -np.log(2.0) - 0.5 * np.log(np.where(pos, y, 1.0)), -np.inf)
        return np.stack([val, val])

    return logabsdet_jac_inv


def exp_inv() -> Fn:
    """Inverse of y = exp(x) (D = 1): log y, NaN for y ≤ 0; shape (1, M, 1)."""

    def g_inv(y: Any) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        return np.log(np.where(y > 0, y, np.nan))[None]

    return g_inv


def exp_logabsdet() -> Fn:
    """log|d(log y)/dy| = −log y for y > 0, −inf otherwise; shape (1, M)."""

    def logabsdet_jac_inv(y: Any) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)[:, 0]
        pos = y > 0
        return np.where(pos, -np.log(np.where(pos, y, 1.0)), -np.inf)[None]

    return logabsdet_jac_inv


def tanh_inv() -> Fn:
    """Inverse of y = tanh(x) (D = 1): artanh y on (−1, 1), NaN elsewhere; shape (1, M, 1)."""

    def g_inv(y: Any) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        return np.arctanh(np.where(np.abs(y) < 1, y, np.nan))[None]

    return g_inv


def tanh_logabsdet() -> Fn:
    """log|d artanh(y)/dy| = −log(1 − y²) on (−1, 1), −inf elsewhere; shape (1, M)."""

    def logabsdet_jac_inv(y: Any) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)[:, 0]
        inside = np.abs(y) < 1
        safe = np.where(inside, y, 0.0)
        return np.where(inside, -(np.log1p(-safe) + np.log1p(safe)), -np.inf)[None]

    return logabsdet_jac_inv


FACTORIES: dict[str, Callable[..., Any]] = {
    "gauss_logpdf": gauss_logpdf,
    "uniform_logpdf": uniform_logpdf,
    "affine_inv": affine_inv,
    "affine_logabsdet": affine_logabsdet,
    "square_inv": square_inv,
    "square_logabsdet": square_logabsdet,
    "exp_inv": exp_inv,
    "exp_logabsdet": exp_logabsdet,
    "tanh_inv": tanh_inv,
    "tanh_logabsdet": tanh_logabsdet,
}
