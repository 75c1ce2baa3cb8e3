"""LA2 ``lu(A) -> (P, L, U)``: LU factorisation with partial pivoting.

Convention (stated in the notebook): ``A = P L U``, the convention of ``scipy.linalg.lu``
(textbooks that write ``PA = LU`` have the transpose of this P); A is n×n of any real dtype;
P is a permutation matrix, L unit lower triangular with ``|L_ij| ≤ 1``, U upper triangular,
all n×n float arrays.

Graded by properties (permutation, unit lower triangular with ``|L_ij| ≤ 1``, upper
triangular, reconstruction ``‖A − PLU‖_F ≤ 100 n ε ‖A‖_F``), so any valid pivot choice on
ties passes. The hidden cases include matrices whose partial-pivoting P is not symmetric,
where the PA = LU convention shows. Catches: the P of PA = LU, no pivoting (zero or tiny
leading pivot, |L| unbounded), integer truncation, Crout's unit-diagonal U.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import EPS, as_array, as_tuple
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import random_int_matrix, well_conditioned
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(A: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The reference: ``scipy.linalg.lu`` (A = P L U)."""
    P, L, U = scipy.linalg.lu(_f(A))
    return P, L, U


def _is_permutation(P: np.ndarray) -> bool:
    """Entries 0/1 (to 1e-12) with exactly one 1 in every row and column."""
    ones = np.abs(P - 1.0) <= 1e-12
    zeros = np.abs(P) <= 1e-12
    return bool(np.all(ones | zeros) and np.all(ones.sum(axis=0) == 1)
                and np.all(ones.sum(axis=1) == 1))


# ---------------------------------------------------------------- hidden inputs


def _non_involutory_pivoting(rng: np.random.Generator, n: int) -> np.ndarray:
    """A well-conditioned matrix whose partial-pivoting P is not symmetric (P ≠ Pᵀ)."""
    while True:
        a = well_conditioned(rng, n)
        p = scipy.linalg.lu(a)[0]
        if not np.array_equal(p, p.T):
            return a


def cases(rng: np.random.Generator) -> list[Case]:
    """The hidden inputs: square matrices; P ≠ Pᵀ where the PA = LU convention must show."""
    zero_pivot = _non_involutory_pivoting(rng, 3)
    zero_pivot[0, 0] = 0.0
    return [
        Case("well-conditioned 6x6 (P not symmetric)", (_non_involutory_pivoting(rng, 6),)),
        Case("zero leading pivot 3x3", (zero_pivot,)),
        Case("tiny leading pivot 2x2",
             (np.array([[1e-20, 1.0], [1.0, 1.0]]),)),
        Case("1x1", (np.array([[rng.uniform(1, 5)]]),)),
        Case("integer dtype 4x4", (random_int_matrix(rng, 4),)),
        Case("permutation matrix 5x5", (np.eye(5)[[2, 0, 4, 1, 3]],)),
        Case("tied pivots 4x4 (several valid P)",
             (np.array([[1.0, 2, 3, 1], [-1, 1, 2, 2], [1, 0, 4, 3], [-1, 3, 1, 5]]),)),
        Case("well-conditioned 12x12", (well_conditioned(rng, 12),)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """LA2: properties of (P, L, U), so every valid pivot choice on ties passes."""
    A = _f(case.args[0])
    n = A.shape[0]
    P, L, U = (as_array(v, name=k, shape=(n, n))
               for v, k in zip(as_tuple(output, 3, name="lu(A)"), "PLU", strict=True))
    # GEPP gives P L U = A + ΔA with |ΔA| ≤ γ_n|L||U| (Higham, Thm 9.3); with |L| ≤ 1 and the
    # small growth of these inputs ‖ΔA‖_F ≤ ~n·ε‖A‖_F (measured ≤ 0.2·n·ε‖A‖_F), so 100·n·ε‖A‖.
    # Structural zeros produced by arithmetic get the same relative allowance.
    bound = 100 * n * EPS * float(np.linalg.norm(A))
    if not _is_permutation(P):
        raise Mismatch("P is not a permutation matrix (0/1 entries, one 1 per row and column)")
    if (np.max(np.abs(np.triu(L, 1)), initial=0.0) > 100 * n * EPS
            or np.max(np.abs(np.diag(L) - 1.0)) > 100 * n * EPS):
        raise Mismatch("L is not unit lower triangular (ones on the diagonal, zeros above)")
    if np.max(np.abs(np.tril(U, -1)), initial=0.0) > bound:
        raise Mismatch("U is not upper triangular")
    recon_ok = np.linalg.norm(A - P @ L @ U) <= bound
    if not recon_ok and np.linalg.norm(A - P.T @ L @ U) <= bound:
        raise Mismatch("P L U ≠ A, but P A = L U: this looks like the PA = LU convention; "
                       "the spec asks for A = P L U (return P transposed)")
    # Partial pivoting divides by the largest entry of the column, so |l_ij| ≤ 1 exactly in
    # floating point (division is monotone); 1e-12 only absorbs representation noise.
    if np.max(np.abs(np.tril(L, -1)), initial=0.0) > 1.0 + 1e-12:
        raise Mismatch("L has entries larger than 1 in magnitude: no partial pivoting? "
                       "(the pivot must be an entry of largest magnitude in its column)")
    if not recon_ok:
        raise Mismatch("P L U does not reconstruct A")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Correct elimination, but returns the P of P A = L U (the transpose of the spec's P).
    Wrong("pa_equals_lu",
          hint=(
                "You returned the P of the textbook convention PA = LU; the spec asks for A = P L "
                "U, whose P is the transpose of that one."),
          code='''
def lu(A):
    U = np.array(A, dtype=float)
    n = U.shape[0]
    L = np.eye(n)
    P = np.eye(n)
    for k in range(n - 1):
        p = k + np.argmax(np.abs(U[k:, k]))
        U[[k, p]] = U[[p, k]]
        P[[k, p]] = P[[p, k]]
        L[[k, p], :k] = L[[p, k], :k]
        for i in range(k + 1, n):
            L[i, k] = U[i, k] / U[k, k]
            U[i, k:] -= L[i, k] * U[k, k:]
    return P, L, U
'''),
    # Doolittle without row exchanges: P = I, |L| unbounded, breaks on a zero pivot.
    Wrong("no_pivoting",
          hint=(
                "Elimination without row exchanges divides by a zero or tiny pivot and lets |L_ij| "
                "grow: swap in the row with the largest entry of the column (partial pivoting)."),
          code='''
def lu(A):
    U = np.array(A, dtype=float)
    n = U.shape[0]
    L = np.eye(n)
    for k in range(n - 1):
        for i in range(k + 1, n):
            L[i, k] = U[i, k] / U[k, k]
            U[i, k:] -= L[i, k] * U[k, k:]
    return np.eye(n), L, U
'''),
    # U = A.copy() keeps an integer dtype, so every row update is truncated.
    Wrong("integer_truncation",
          hint=(
                "Copying an integer A keeps its integer dtype, so every row update of U is "
                "truncated: convert A to float first."),
          code='''
def lu(A):
    U = A.copy()
    n = U.shape[0]
    L = np.eye(n)
    perm = np.arange(n)
    for k in range(n - 1):
        p = k + np.argmax(np.abs(U[k:, k]))
        U[[k, p]] = U[[p, k]]
        perm[[k, p]] = perm[[p, k]]
        L[[k, p], :k] = L[[p, k], :k]
        for i in range(k + 1, n):
            L[i, k] = U[i, k] / U[k, k]
            U[i, k:] = U[i, k:] - L[i, k] * U[k, k:]
    return np.eye(n)[:, perm], L, U
'''),
    # Crout's convention: the pivots sit on L's diagonal and U has a unit diagonal.
    Wrong("crout_unit_u",
          hint=(
                "Your factors follow Crout's convention (pivots on the diagonal of L, ones on that "
                "of U); the spec asks for a unit lower triangular L, with the pivots in U."),
          code='''
def lu(A):
    P, L, U = scipy.linalg.lu(np.asarray(A, dtype=float))
    d = np.diag(U).copy()
    return P, L * d, U / d[:, None]
'''),
)

ALTERNATIVES = (
    # Left-looking (column-oriented, "gaxpy") elimination with partial pivoting.
    Alternative("left_looking", code='''
def lu(A):
    A = np.array(A, dtype=float)
    n = A.shape[0]
    perm = np.arange(n)
    L = np.eye(n)
    U = np.zeros((n, n))
    for j in range(n):
        v = A[perm, j]
        z = np.zeros(j)
        for k in range(j):
            z[k] = v[k] - L[k, :k] @ z[:k]
        U[:j, j] = z
        v = v[j:] - L[j:, :j] @ z
        p = int(np.argmax(np.abs(v)))
        if p:
            perm[[j, j + p]] = perm[[j + p, j]]
            L[[j, j + p], :j] = L[[j + p, j], :j]
            v[[0, p]] = v[[p, 0]]
        U[j, j] = v[0]
        if v[0] != 0:
            L[j + 1:, j] = v[1:] / v[0]
    return np.eye(n)[:, perm], L, U
'''),
    # Right-looking elimination that breaks pivot ties by the LAST row of largest magnitude.
    Alternative("last_index_ties", code='''
def lu(A):
    U = np.array(A, dtype=float)
    n = U.shape[0]
    L = np.eye(n)
    perm = np.arange(n)
    for k in range(n - 1):
        col = np.abs(U[k:, k])
        p = k + (len(col) - 1 - np.argmax(col[::-1]))
        U[[k, p]] = U[[p, k]]
        perm[[k, p]] = perm[[p, k]]
        L[[k, p], :k] = L[[p, k], :k]
        if U[k, k] != 0:
            L[k + 1:, k] = U[k + 1:, k] / U[k, k]
            U[k + 1:, k:] -= np.outer(L[k + 1:, k], U[k, k:])
            U[k + 1:, k] = 0.0
    return np.eye(n)[:, perm], L, U
'''),
    # LAPACK getrf through lu_factor; the row swaps are replayed to build P.
    Alternative("lu_factor_swaps", code='''
def lu(A):
    A = np.asarray(A, dtype=float)
    n = A.shape[0]
    lu_mat, piv = scipy.linalg.lu_factor(A)
    perm = np.arange(n)
    for k, p in enumerate(piv):
        perm[[k, p]] = perm[[p, k]]
    L = np.tril(lu_mat, -1) + np.eye(n)
    U = np.triu(lu_mat)
    return np.eye(n)[:, perm], L, U
'''),
)

TASK = Task(
    answer_cell="la2_lu",
    checks=(CheckSpec(id="linear_algebra.lu", unit="linear_algebra", function="lu",
                      cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
