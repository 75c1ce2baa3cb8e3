"""Planted wrong answers and alternative correct answers for LA4 rank_nullspace."""

ANSWER_CELL = "la4_rank_nullspace"
CHECK = "linear_algebra.rank_nullspace"

WRONG: dict[str, str] = {
    # Rows and columns confused: the left singular vectors span null(Aᵀ), in R^m.
    "rows_cols_confused": '''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A)
    r = int(np.sum(s > rtol * s[0])) if s.size and s[0] > 0 else 0
    return r, U[:, r:]
''',
    # An absolute threshold on the singular values instead of rtol * sigma_1.
    "absolute_threshold": '''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A)
    r = int(np.sum(s > rtol))
    return r, Vt[r:].T
''',
    # Forgets to transpose: returns the null-space vectors as rows.
    "vt_rows_not_transposed": '''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A)
    r = int(np.sum(s > rtol * s[0])) if s.size else 0
    return r, Vt[r:]
''',
    # >= instead of >: on the zero matrix every sigma_i = 0 >= 0 counts towards the rank.
    "ge_threshold": '''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A)
    r = int(np.sum(s >= rtol * s[0]))
    return r, Vt[r:].T
''',
}

ALTERNATIVES: dict[str, str] = {
    # Rank from the singular values; basis from QR with column pivoting of Aᵀ
    # (the trailing columns of Q are orthogonal to the row space).
    "qr_pivoting": '''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    s = scipy.linalg.svdvals(A)
    r = int(np.sum(s > rtol * s[0])) if s.size and s[0] > 0 else 0
    Q, R, piv = scipy.linalg.qr(A.T, pivoting=True)
    return r, Q[:, r:]
''',
    # Eigenvectors of the Gram matrix AᵀA for its n - r smallest eigenvalues.
    "eigh_gram": '''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    s = np.linalg.svd(A, compute_uv=False)
    r = int(np.count_nonzero(s > rtol * s.max())) if s.size else 0
    w, V = np.linalg.eigh(A.T @ A)
    return r, V[:, :A.shape[1] - r]
''',
    # SVD basis in reversed order with flipped signs (any orthonormal basis is fine).
    "svd_reversed_signs": '''
def rank_nullspace(A, rtol):
    A = np.asarray(A, dtype=float)
    U, s, Vt = np.linalg.svd(A)
    r = 0 if s.size == 0 or s[0] == 0 else int(np.sum(s > rtol * s[0]))
    return r, -Vt[r:][::-1].T
''',
}
