"""Planted wrong answers and alternative correct answers for LA2 lu."""

ANSWER_CELL = "la2_lu"
CHECK = "linear_algebra.lu"

WRONG: dict[str, str] = {
    # Correct elimination, but returns the P of P A = L U (the transpose of the spec's P).
    "pa_equals_lu": '''
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
''',
    # Doolittle without row exchanges: P = I, |L| unbounded, breaks on a zero pivot.
    "no_pivoting": '''
def lu(A):
    U = np.array(A, dtype=float)
    n = U.shape[0]
    L = np.eye(n)
    for k in range(n - 1):
        for i in range(k + 1, n):
            L[i, k] = U[i, k] / U[k, k]
            U[i, k:] -= L[i, k] * U[k, k:]
    return np.eye(n), L, U
''',
    # U = A.copy() keeps an integer dtype, so every row update is truncated.
    "integer_truncation": '''
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
''',
    # Crout's convention: the pivots sit on L's diagonal and U has a unit diagonal.
    "crout_unit_u": '''
def lu(A):
    P, L, U = scipy.linalg.lu(np.asarray(A, dtype=float))
    d = np.diag(U).copy()
    return P, L * d, U / d[:, None]
''',
}

ALTERNATIVES: dict[str, str] = {
    # Left-looking (column-oriented, "gaxpy") elimination with partial pivoting.
    "left_looking": '''
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
''',
    # Right-looking elimination that breaks pivot ties by the LAST row of largest magnitude.
    "last_index_ties": '''
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
''',
    # LAPACK getrf through lu_factor; the row swaps are replayed to build P.
    "lu_factor_swaps": '''
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
''',
}
