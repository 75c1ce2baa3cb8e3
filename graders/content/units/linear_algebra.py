"""Unit 1 — Linear algebra: the matrix families that the hidden inputs of many tasks use.

* well-conditioned ``A = Q₁ diag(s) Q₂ᵀ`` with ``s`` log-spaced in ``[1, 10²]``;
* SPD ``QΛQᵀ`` with ``λ ∈ [1, 10]``;
* prescribed singular values (rank-r with a clean gap ``σ_r/σ_{r+1} ≥ 10⁸``);
* prescribed eigenvalues (repeated eigenvalues, gaps ≥ 10⁻³‖S‖ otherwise);
* nonsingular integer matrices (entries in [-9, 9], κ₂ ≤ 10³), for the integer-dtype cases.

Every function draws from the generator it is given, in a fixed order, so the same
check's stream (:func:`graders.checks.case_rng`) always gives the same inputs.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "cond_spd",
    "orthogonal",
    "random_int_matrix",
    "rank_r",
    "spd",
    "sym_with_eigs",
    "well_conditioned",
    "with_singular_values",
]


def orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    """A Haar-distributed n×n orthogonal matrix (QR of a Gaussian, signs fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


def with_singular_values(rng: np.random.Generator, m: int, n: int,
                         s: np.ndarray) -> np.ndarray:
    """An m×n matrix ``U diag(s) Vᵀ`` with random orthogonal U, V (len(s) ≤ min(m, n))."""
    k = len(s)
    left = orthogonal(rng, m)[:, :k] * np.asarray(s, dtype=float)
    return np.asarray(left @ orthogonal(rng, n)[:, :k].T)


def well_conditioned(rng: np.random.Generator, m: int, n: int | None = None) -> np.ndarray:
    """``Q₁ diag(s) Q₂ᵀ`` with s log-spaced in [1, 10²] (κ₂ = 100 when min(m, n) > 1)."""
    n = m if n is None else n
    k = min(m, n)
    s = np.logspace(2, 0, k) if k > 1 else np.array([10.0])
    return with_singular_values(rng, m, n, s)


def spd(rng: np.random.Generator, n: int) -> np.ndarray:
    """An SPD matrix ``QΛQᵀ`` with λ uniform in [1, 10], symmetrised exactly."""
    return sym_with_eigs(rng, rng.uniform(1.0, 10.0, n))


def sym_with_eigs(rng: np.random.Generator, eigs: np.ndarray) -> np.ndarray:
    """A symmetric matrix with the given eigenvalues in a random orthonormal basis."""
    q = orthogonal(rng, len(eigs))
    s = (q * np.asarray(eigs, dtype=float)) @ q.T
    return np.asarray((s + s.T) / 2)


def rank_r(rng: np.random.Generator, m: int, n: int, r: int,
           scale: float = 1.0, noise: float = 0.0) -> np.ndarray:
    """Rank-r m×n matrix with signal σ log-spaced in scale·[1, 10²] and optional noise σ's.

    With ``noise = 0`` the trailing singular values are rounding-level (≈ ε·σ₁),
    so ``σ_r/σ_{r+1} ≈ 1/(100ε) ≫ 10⁸``; a nonzero ``noise`` sets them to
    ``noise`` exactly, which the caller keeps ≤ 10⁻⁸·σ_r.
    """
    k = min(m, n)
    s = np.full(k, float(noise))
    s[:r] = scale * (np.logspace(2, 0, r) if r > 1 else np.array([10.0]))
    return with_singular_values(rng, m, n, s)


def random_int_matrix(rng: np.random.Generator, n: int, max_cond: float = 1e3) -> np.ndarray:
    """A nonsingular integer matrix with entries in [-9, 9] and κ₂ ≤ max_cond."""
    while True:
        a = rng.integers(-9, 10, size=(n, n))
        if np.linalg.cond(a) <= max_cond:
            return a


def cond_spd(rng: np.random.Generator, d: int, cond: float) -> np.ndarray:
    """An SPD matrix with eigenvalues log-spaced in [1, cond] (exactly symmetric)."""
    return sym_with_eigs(rng, np.logspace(0, np.log10(cond), d) if d > 1 else np.array([2.0]))
