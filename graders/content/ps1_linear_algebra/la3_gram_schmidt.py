"""LA3 ``gram_schmidt(A, tol=1e-10) -> Q``: Gram–Schmidt with dropped dependent columns.

Convention (stated in the notebook): A is m×n of any real dtype; column a_j is kept iff its
residual after subtracting the projections onto all previously kept vectors has norm > tol
(an absolute threshold), and dropped otherwise (not kept as a zero column). Q is m×r, r the
number of kept columns, with orthonormal columns in the order of the kept columns; m×0 when
every column is dropped.

Gram–Schmidt's Q is unique once the dependent columns are dropped, so it is compared with the
QR factor of the kept columns made unique by a positive diagonal of R (what Gram–Schmidt
produces), for every input, not only full rank; orthonormality and the span are checked
first, to 10⁻⁸ each. Catches: projecting onto the previous vector only, a missing
normalisation, the full (square) QR factor, dependent columns zeroed instead of dropped,
integer truncation of an in-place normalisation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from graders.checks import Alternative, Case, CheckSpec, Task, Wrong
from graders.compare import as_array
from graders.compare import spectral_norm as _norm2
from graders.compare import trusted_array as _f
from graders.content.units.linear_algebra import well_conditioned
from graders.errors import Mismatch

__all__ = ["TASK", "cases", "judge", "reference"]


def reference(A: Any, tol: float = 1e-10) -> np.ndarray:
    """The reference: greedy column selection by projection residual, then QR with diag(R) > 0.

    Column j is kept iff its distance to the span of the previously kept columns
    exceeds ``tol``; Q is the Householder QR factor of the kept columns with the
    signs chosen so that diag(R) > 0, which is exactly Gram–Schmidt's Q.
    """
    a = _f(A)
    kept: list[int] = []
    q = np.zeros((a.shape[0], 0))
    for j in range(a.shape[1]):
        col = a[:, j]
        if np.linalg.norm(col - q @ (q.T @ col)) > tol:
            kept.append(j)
            q = np.asarray(scipy.linalg.qr(a[:, kept], mode="economic")[0])
    if not kept:
        return q
    q, r = scipy.linalg.qr(a[:, kept], mode="economic")
    return np.asarray(q * np.where(np.diag(r) < 0, -1.0, 1.0))


# ---------------------------------------------------------------- hidden inputs


def _with_dependent(rng: np.random.Generator, m: int, k: int, dep_at: list[int],
                    offset: float = 0.0) -> tuple[np.ndarray, list[int]]:
    """m×(k+len(dep_at)) matrix: k well-conditioned columns, dependent ones inserted at dep_at.

    A dependent column is a random combination of the columns before it, plus
    ``offset`` times a random unit vector (0 → exactly dependent up to rounding).
    Returns the matrix and the indices of the independent (kept) columns.
    """
    base = well_conditioned(rng, m, k) / 10.0  # singular values in [0.1, 10]
    cols: list[np.ndarray] = []
    kept: list[int] = []
    it = iter(base.T)
    for j in range(k + len(dep_at)):
        if j in dep_at:
            prev = np.array(cols).T if cols else np.zeros((m, 1))
            v = rng.standard_normal(m)
            col = prev @ rng.uniform(0.5, 1.5, prev.shape[1]) + offset * v / np.linalg.norm(v)
            cols.append(col)
        else:
            kept.append(j)
            cols.append(next(it))
    return np.array(cols).T, kept


def cases(rng: np.random.Generator) -> list[Case]:
    """The hidden inputs: full rank, dependent and zero columns (dropped), tol honoured, int."""
    return [
        Case("full column rank 6x4", (well_conditioned(rng, 6, 4) / 10,)),
        Case("square full rank 5x5", (well_conditioned(rng, 5) / 10,)),
        Case("dependent third column 5x4 (dropped)", (_with_dependent(rng, 5, 3, [2])[0],)),
        Case("zero first column and duplicate column 6x5",
             (np.column_stack([np.zeros(6), *_with_dependent(rng, 6, 3, [2])[0].T]),)),
        Case("nearly dependent column (residual ~1e-8) with tol=1e-6, 6x4",
             (_with_dependent(rng, 6, 3, [3], offset=1e-8)[0], 1e-6)),
        Case("zero matrix 3x2 (all columns dropped)", (np.zeros((3, 2)),)),
        Case("integer dtype 3x3", (np.array([[1, 1, 0], [1, 0, 1], [0, 1, 1]]),)),
        Case("single column 4x1", (rng.standard_normal((4, 1)),)),
        Case("1x1", (np.array([[rng.uniform(-3, -1)]]),)),
        Case("wide 3x5 (last two columns dropped)", (_with_dependent(rng, 3, 3, [3, 4])[0],)),
    ]


# ---------------------------------------------------------------- judge


def judge(case: Case, output: Any) -> str | None:
    """LA3: orthonormal columns, the span of A, and Gram–Schmidt's unique Q (diag R > 0)."""
    A = _f(case.args[0])
    q_ref = reference(A, *case.args[1:])
    m, r = q_ref.shape
    Q = as_array(output, name="Q", ndim=2)
    if Q.shape[0] != m:
        raise Mismatch("Q must have as many rows as A")
    if Q.shape[1] != r:
        if Q.shape[1] == A.shape[1]:
            raise Mismatch("Q has one column per column of A: dependent columns must be "
                           "dropped (not kept or zeroed)")
        if Q.shape[1] == m:
            raise Mismatch("Q is square: this looks like the full QR factor, which spans "
                           "more than the columns of A")
        raise Mismatch("Q has the wrong number of columns: keep exactly the columns whose "
                       "residual norm exceeds tol")
    if r == 0:
        return None
    # Classical GS loses orthogonality like c·κ²·ε; the kept columns have κ ≤ 10² here (by
    # construction; the int case κ = 2), so ‖QᵀQ − I‖ ≲ 1e-11 for any GS variant, and Q is
    # within ~κε of the exact factor; 1e-8 (syllabus) leaves ≥ 100× margin and is far below
    # the bugs' O(0.1–1) errors.
    if np.max(np.abs(np.linalg.norm(Q, axis=0) - 1.0)) > 1e-8:
        raise Mismatch("the columns of Q are not unit vectors: missing normalisation?")
    orth = _norm2(Q.T @ Q - np.eye(r))
    if orth > 1e-8:
        raise Mismatch(f"the columns of Q are not orthogonal (‖QᵀQ − I‖₂ = {orth:.1e}): "
                       "subtract the projections onto all previous vectors, not only the last")
    if _norm2(Q @ Q.T - q_ref @ q_ref.T) > 1e-8:
        raise Mismatch("Q spans a different subspace than the columns of A")
    if np.max(np.abs(Q - q_ref)) > 1e-8:
        raise Mismatch("Q spans the right subspace but is not the Gram–Schmidt basis: keep the "
                       "column order, and each q_j must have a positive component along a_j")
    return None


# ---------------------------------------------------------------- planted answers

WRONG = (
    # Subtracts only the projection onto the previous kept vector.
    Wrong("previous_only",
          hint=(
                "Subtract the projections of a_j onto all previously kept vectors, not only onto "
                "the last one; otherwise the columns of Q are not orthogonal."),
          code='''
def gram_schmidt(A, tol=1e-10):
    A = np.asarray(A, dtype=float)
    qs = []
    for j in range(A.shape[1]):
        v = A[:, j].copy()
        if qs:
            v -= (qs[-1] @ A[:, j]) * qs[-1]
        if np.linalg.norm(v) > tol:
            qs.append(v / np.linalg.norm(v))
    return np.array(qs).T.reshape(A.shape[0], len(qs))
'''),
    # Orthogonalises but forgets to normalise the kept vectors.
    Wrong("no_normalisation",
          hint=(
                "Divide each kept residual by its norm: the columns of Q have to be unit vectors."),
          code='''
def gram_schmidt(A, tol=1e-10):
    A = np.asarray(A, dtype=float)
    qs = []
    for j in range(A.shape[1]):
        v = A[:, j].copy()
        for q in qs:
            v -= (q @ A[:, j]) / (q @ q) * q
        if np.linalg.norm(v) > tol:
            qs.append(v)
    return np.array(qs).T.reshape(A.shape[0], len(qs))
'''),
    # The full (complete) QR factor: m x m, spans all of R^m.
    Wrong("full_qr",
          hint=(
                "The complete QR factor is m×m and spans all of R^m; Q must have exactly one column"
                " per kept (independent) column of A."),
          code='''
def gram_schmidt(A, tol=1e-10):
    Q, R = np.linalg.qr(np.asarray(A, dtype=float), mode="complete")
    return Q
'''),
    # Coursera's gsBasis: dependent columns are zeroed instead of dropped.
    Wrong("zero_dependent",
          hint=(
                "Dependent columns must be dropped from Q, not kept as zero columns (unlike "
                "Coursera's gsBasis): Q has one column per kept column of A."),
          code='''
def gram_schmidt(A, tol=1e-10):
    B = np.array(A, dtype=float)
    for i in range(B.shape[1]):
        for j in range(i):
            B[:, i] = B[:, i] - B[:, i] @ B[:, j] * B[:, j]
        if np.linalg.norm(B[:, i]) > tol:
            B[:, i] = B[:, i] / np.linalg.norm(B[:, i])
        else:
            B[:, i] = np.zeros_like(B[:, i])
    return B
'''),
    # np.array(A) keeps an integer dtype: in-place normalisation truncates to 0.
    Wrong("integer_inplace",
          hint=(
                "np.array(A) keeps an integer dtype, so dividing a column by its norm in place "
                "truncates it: convert A to float first."),
          code='''
def gram_schmidt(A, tol=1e-10):
    B = np.array(A)
    keep = []
    for i in range(B.shape[1]):
        for j in keep:
            B[:, i] = B[:, i] - (B[:, i] @ B[:, j]) * B[:, j]
        if np.linalg.norm(B[:, i]) > tol:
            B[:, i] = B[:, i] / np.linalg.norm(B[:, i])
            keep.append(i)
    return B[:, keep]
'''),
)

ALTERNATIVES = (
    # Modified Gram-Schmidt: project the running residual, one vector at a time.
    Alternative("modified_gram_schmidt", code='''
def gram_schmidt(A, tol=1e-10):
    A = np.asarray(A, dtype=float)
    Q = np.zeros((A.shape[0], 0))
    for j in range(A.shape[1]):
        v = A[:, j].copy()
        for k in range(Q.shape[1]):
            v -= (Q[:, k] @ v) * Q[:, k]
        norm = np.linalg.norm(v)
        if norm > tol:
            Q = np.column_stack([Q, v / norm])
    return Q
'''),
    # Classical Gram-Schmidt applied twice ("twice is enough"), vectorised.
    Alternative("cgs2", code='''
def gram_schmidt(A, tol=1e-10):
    A = np.asarray(A, dtype=float)
    Q = np.empty((A.shape[0], 0))
    for a in A.T:
        v = a - Q @ (Q.T @ a)
        v = v - Q @ (Q.T @ v)
        if np.linalg.norm(v) > tol:
            Q = np.hstack([Q, (v / np.linalg.norm(v))[:, None]])
    return Q
'''),
    # Select the independent columns by least-squares residuals, then Householder QR
    # of the kept columns with signs fixed so that diag(R) > 0.
    Alternative("householder_selected", code='''
def gram_schmidt(A, tol=1e-10):
    A = np.asarray(A, dtype=float)
    keep = []
    for j in range(A.shape[1]):
        if keep:
            coef = np.linalg.lstsq(A[:, keep], A[:, j], rcond=None)[0]
            res = np.linalg.norm(A[:, j] - A[:, keep] @ coef)
        else:
            res = np.linalg.norm(A[:, j])
        if res > tol:
            keep.append(j)
    if not keep:
        return np.zeros((A.shape[0], 0))
    Q, R = np.linalg.qr(A[:, keep])
    return Q * np.sign(np.diag(R))
'''),
)

TASK = Task(
    answer_cell="la3_gram_schmidt",
    checks=(CheckSpec(id="linear_algebra.gram_schmidt", unit="linear_algebra",
                      function="gram_schmidt", cases=cases, judge=judge, reference=reference),),
    wrong=WRONG,
    alternatives=ALTERNATIVES,
)
