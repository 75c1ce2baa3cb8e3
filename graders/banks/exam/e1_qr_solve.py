"""Planted wrong answers and alternative correct answers for E1 qr_solve."""

ANSWER_CELL = "e1_qr_solve"
CHECK = "linear_algebra.exam_qr_solve"

WRONG: dict[str, str] = {
    # The normal equations square the condition number: error ~κ²ε = 2e-2 at κ = 1e7.
    "normal_equations": '''
def qr_solve(A, b):
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    if np.linalg.matrix_rank(A, rtol=1e-10) < A.shape[1]:
        raise np.linalg.LinAlgError("rank-deficient")
    return np.linalg.solve(A.T @ A, A.T @ b)
''',
    # No rank test: solve_triangular only fails on an exactly zero pivot, so an
    # O(eps) pivot of a dependent column returns a huge x instead of raising.
    "no_rank_check": '''
def qr_solve(A, b):
    Q, R = np.linalg.qr(np.asarray(A, dtype=float))
    return scipy.linalg.solve_triangular(R, Q.T @ np.asarray(b, dtype=float))
''',
    # An absolute threshold on the pivots: a well-conditioned matrix of scale 1e-12 "is singular".
    "absolute_threshold": '''
def qr_solve(A, b):
    Q, R = np.linalg.qr(np.asarray(A, dtype=float))
    if np.min(np.abs(np.diag(R))) <= 1e-10:
        raise np.linalg.LinAlgError("rank-deficient")
    return scipy.linalg.solve_triangular(R, Q.T @ np.asarray(b, dtype=float))
''',
    # Back substitution written for a single right-hand side: fails on b of shape (m, k).
    "vector_back_substitution": '''
def qr_solve(A, b):
    Q, R = np.linalg.qr(np.asarray(A, dtype=float))
    d = np.abs(np.diag(R))
    if d.min() <= 1e-10 * d.max():
        raise np.linalg.LinAlgError("rank-deficient")
    c = Q.T @ np.asarray(b, dtype=float)
    n = R.shape[0]
    x = np.zeros(n)
    for k in range(n - 1, -1, -1):
        x[k] = (c[k] - R[k, k + 1:] @ x[k + 1:]) / R[k, k]
    return x
''',
    # Solves with the lower triangle of R (lower=True): not the least-squares solution.
    "lower_triangle": '''
def qr_solve(A, b):
    Q, R = np.linalg.qr(np.asarray(A, dtype=float))
    d = np.abs(np.diag(R))
    if d.min() <= 1e-10 * d.max():
        raise np.linalg.LinAlgError("rank-deficient")
    return scipy.linalg.solve_triangular(R.T, Q.T @ np.asarray(b, dtype=float), lower=True)
''',
}

ALTERNATIVES: dict[str, str] = {
    # Householder QR written out by hand (reflectors applied to b as well).
    "householder_by_hand": '''
def qr_solve(A, b):
    R = np.array(A, dtype=float)
    c = np.array(b, dtype=float)
    m, n = R.shape
    for k in range(n):
        v = R[k:, k].copy()
        alpha = -np.copysign(np.linalg.norm(v), v[0]) if v[0] != 0 else -np.linalg.norm(v)
        v[0] -= alpha
        nv = np.linalg.norm(v)
        if nv > 0:
            v /= nv
            R[k:, k:] -= 2.0 * np.outer(v, v @ R[k:, k:])
            c[k:] -= 2.0 * np.outer(v, v @ c[k:].reshape(m - k, -1)).reshape(c[k:].shape)
    d = np.abs(np.diag(R[:n]))
    if d.min() <= 1e-10 * d.max():
        raise np.linalg.LinAlgError("A does not have full column rank")
    return scipy.linalg.solve_triangular(R[:n], c[:n])
''',
    # SVD: x = V diag(1/s) Uᵀ b, with the relative rank test on the singular values.
    "svd": '''
def qr_solve(A, b):
    U, s, Vt = np.linalg.svd(np.asarray(A, dtype=float), full_matrices=False)
    if s[-1] <= 1e-10 * s[0]:
        raise np.linalg.LinAlgError("A does not have full column rank")
    c = U.T @ np.asarray(b, dtype=float)
    return Vt.T @ (c / s if c.ndim == 1 else c / s[:, None])
''',
    # LAPACK's least squares with an explicit relative cutoff and a rank test.
    "scipy_lstsq": '''
import scipy.linalg as sla

def qr_solve(A, b):
    x, _, rank, _ = sla.lstsq(np.asarray(A, dtype=float), np.asarray(b, dtype=float),
                              cond=1e-10)
    if rank < np.shape(A)[1]:
        raise np.linalg.LinAlgError("A does not have full column rank")
    return x
''',
    # QR with column pivoting: rank test on the (sorted) diagonal of R, then undo the permutation.
    "pivoted_qr": '''
def qr_solve(A, b):
    A = np.asarray(A, dtype=float)
    Q, R, piv = scipy.linalg.qr(A, mode="economic", pivoting=True)
    d = np.abs(np.diag(R))
    if d[-1] <= 1e-10 * d[0]:
        raise np.linalg.LinAlgError("A does not have full column rank")
    y = scipy.linalg.solve_triangular(R, Q.T @ np.asarray(b, dtype=float))
    x = np.empty_like(y)
    x[piv] = y
    return x
''',
}
