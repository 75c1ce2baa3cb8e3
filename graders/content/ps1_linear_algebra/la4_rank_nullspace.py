"""LA4 ``rank_nullspace(A, rtol) -> (r, N)``: numerical rank and an orthonormal null-space basis.

Convention (stated in the notebook): A is m×n of any real dtype (tall, wide or square);
r is the number of singular values ``σᵢ > rtol·σ₁`` (a relative threshold; 0 for the zero
matrix), a Python int; N is n×(n − r), its columns an orthonormal basis of the null space
``{x ∈ Rⁿ : Ax = 0}``; any such basis is accepted (signs and rotations are free).

Graded with r exact, and N through properties: ``NᵀN = I``, ``‖AN‖₂ ≤ 10⁻⁸‖A‖₂``, and the
projector ``NNᵀ`` compared with the reference's (``scipy.linalg.null_space``). The hidden
inputs have a clean gap ``σ_r/σ_{r+1} ≥ 10⁸`` with rtol in the middle of it, so r is
well defined. Catches: rows and columns confused (a basis from U), an absolute threshold,
the null-space rows of Vᵀ not transposed, ``≥`` instead of ``>`` (the zero matrix).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array, as_int, as_tuple
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import rank_r, well_conditioned
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(A: Any, rtol: float) -> tuple[int, np.ndarray]:
    """The reference: rank = #{σᵢ > rtol·σ₁}; N from ``scipy.linalg.null_space`` (same rule)."""
    a = _f(A)
    s = scipy.linalg.svdvals(a) if a.size else np.zeros(0)
    rank = int(np.count_nonzero(s > rtol * s[0])) if s.size else 0
    return rank, np.asarray(scipy.linalg.null_space(a, rcond=rtol))


# ---------------------------------------------------------------- hidden inputs


def cases(rng: np.random.Generator) -> list[Case]:
    """The hidden inputs: clean gaps only (σ_r/σ_{r+1} ≥ 10⁸, rtol in the middle of the gap)."""
    return [
        Case("square rank 3 of 6x6", (rank_r(rng, 6, 6, 3), 1e-6)),
        Case("tall full column rank 8x4 (empty null space)", (well_conditioned(rng, 8, 4), 1e-6)),
        Case("wide full row rank 3x7", (well_conditioned(rng, 3, 7), 1e-6)),
        Case("wide rank 2 of 4x9", (rank_r(rng, 4, 9, 2), 1e-6)),
        Case("tall rank 2 of 10x5", (rank_r(rng, 10, 5, 2), 1e-6)),
        Case("zero matrix 3x4", (np.zeros((3, 4)), 1e-6)),
        Case("large scale 1e8 with noise singular values 1e-2, rtol 1e-8",
             (rank_r(rng, 7, 6, 3, scale=1e8, noise=1e-2), 1e-8)),
        Case("tiny scale 1e-12, rank 2 of 5x5", (rank_r(rng, 5, 5, 2, scale=1e-12), 1e-6)),
        Case("integer dtype 3x3 rank 2", (np.array([[1, 2, 3], [2, 4, 6], [1, 0, 1]]), 1e-10)),
        Case("1x1", (np.array([[rng.uniform(1, 5)]]), 1e-10)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """LA4: exact rank; N orthonormal, A N ≈ 0, and the same projector as scipy's null_space."""
    A, rtol = _f(case.args[0]), float(case.args[1])
    r_ref, n_ref = reference(A, rtol)
    m, n = A.shape
    r_out, n_out = as_tuple(output, 2, name="(r, N)")
    if as_int(r_out, name="r") != r_ref:
        raise Mismatch("the rank r is wrong: count the singular values σᵢ > rtol·σ₁ "
                       "(a threshold relative to the largest singular value)")
    N = as_array(n_out, name="N", ndim=2)
    if N.shape != (n, n - r_ref):
        if N.shape[0] == m != n or N.shape[::-1] == (n, n - r_ref):
            raise Mismatch("N has the wrong shape: the null space lives in R^n (n = number "
                           "of columns of A), one basis vector per column; rows and columns "
                           "confused?")
        raise Mismatch("N must have n − r columns (n = number of columns of A)")
    if n == r_ref:
        return None
    # Inputs have σ_{r+1} ≤ 1e-12·σ₁ and σ_r ≥ 1e-2·σ₁. A backward-stable basis has
    # ‖AN‖ ≤ σ_{r+1} + c·n·ε‖A‖ ≤ 1e-11‖A‖, and by Davis–Kahan its subspace differs from
    # the reference by sinθ ≤ (σ_{r+1} + c·n·ε‖A‖)/σ_r ≤ 1e-9; 1e-8 bounds both.
    if _norm2(N.T @ N - np.eye(n - r_ref)) > 1e-8:
        raise Mismatch("the columns of N are not orthonormal")
    if _norm2(A @ N) > 1e-8 * _norm2(A):
        raise Mismatch("A N is not ≈ 0: the columns of N are not in the null space of A")
    if _norm2(N @ N.T - n_ref @ n_ref.T) > 1e-8:
        raise Mismatch("N spans a different subspace than the null space of A")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Rows and columns confused: the left singular vectors span null(Aᵀ), in R^m.
    Wrong("rows_cols_confused",
          hint=(
                "The null space of A lives in R^n (n = number of columns of A): take its basis from"
                " the right singular vectors (rows of Vt), not from U."),
          code='''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A)
    r = int(np.sum(s > rtol * s[0])) if s.size and s[0] > 0 else 0
    return r, U[:, r:]
'''),
    # An absolute threshold on the singular values instead of rtol * sigma_1.
    Wrong("absolute_threshold",
          hint=(
                "Count the singular values above rtol·σ₁, a threshold relative to the largest "
                "singular value, not those above rtol itself."),
          code='''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A)
    r = int(np.sum(s > rtol))
    return r, Vt[r:].T
'''),
    # Forgets to transpose: returns the null-space vectors as rows.
    Wrong("vt_rows_not_transposed",
          hint=(
                "The basis vectors must be the columns of N, of shape (n, n − r): the null-space "
                "rows of Vt need transposing."),
          code='''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A)
    r = int(np.sum(s > rtol * s[0])) if s.size else 0
    return r, Vt[r:]
'''),
    # >= instead of >: on the zero matrix every sigma_i = 0 >= 0 counts towards the rank.
    Wrong("ge_threshold",
          hint=(
                "Use the strict inequality σᵢ > rtol·σ₁: with ≥, zero singular values count towards"
                " the rank (the zero matrix must have rank 0)."),
          code='''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A)
    r = int(np.sum(s >= rtol * s[0]))
    return r, Vt[r:].T
'''),
)

ALTERNATIVES = (
    # Rank from the singular values; basis from QR with column pivoting of Aᵀ
    # (the trailing columns of Q are orthogonal to the row space).
    Alternative("qr_pivoting", code='''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    s = scipy.linalg.svdvals(A)
    r = int(np.sum(s > rtol * s[0])) if s.size and s[0] > 0 else 0
    Q, R, piv = scipy.linalg.qr(A.T, pivoting=True)
    return r, Q[:, r:]
'''),
    # Eigenvectors of the Gram matrix AᵀA for its n - r smallest eigenvalues.
    Alternative("eigh_gram", code='''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    s = np.linalg.svd(A, compute_uv=False)
    r = int(np.count_nonzero(s > rtol * s.max())) if s.size else 0
    w, V = np.linalg.eigh(A.T @ A)
    return r, V[:, :A.shape[1] - r]
'''),
    # SVD basis in reversed order with flipped signs (any orthonormal basis is fine).
    Alternative("svd_reversed_signs", code='''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A)
    r = 0 if s.size == 0 or s[0] == 0 else int(np.sum(s > rtol * s[0]))
    return r, -Vt[r:][::-1].T
'''),
)

TASK = Task(
    answer_cell="la4_rank_nullspace",
    checks=(CheckSpec(id="linear_algebra.rank_nullspace", unit="linear_algebra",
                      function="rank_nullspace", cases=cases, judge=judge,
                      reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
