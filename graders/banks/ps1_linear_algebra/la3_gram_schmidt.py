"""Planted wrong answers and alternative correct answers for LA3 gram_schmidt."""

ANSWER_CELL = "la3_gram_schmidt"
CHECK = "linear_algebra.gram_schmidt"

WRONG: dict[str, str] = {
    # Subtracts only the projection onto the previous kept vector.
    "previous_only": '''
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
''',
    # Orthogonalises but forgets to normalise the kept vectors.
    "no_normalisation": '''
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
''',
    # The full (complete) QR factor: m x m, spans all of R^m.
    "full_qr": '''
def gram_schmidt(A, tol=1e-10):
    Q, R = np.linalg.qr(np.asarray(A, dtype=float), mode="complete")
    return Q
''',
    # Coursera's gsBasis: dependent columns are zeroed instead of dropped.
    "zero_dependent": '''
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
''',
    # np.array(A) keeps an integer dtype: in-place normalisation truncates to 0.
    "integer_inplace": '''
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
''',
}

ALTERNATIVES: dict[str, str] = {
    # Modified Gram-Schmidt: project the running residual, one vector at a time.
    "modified_gram_schmidt": '''
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
''',
    # Classical Gram-Schmidt applied twice ("twice is enough"), vectorised.
    "cgs2": '''
def gram_schmidt(A, tol=1e-10):
    A = np.asarray(A, dtype=float)
    Q = np.empty((A.shape[0], 0))
    for a in A.T:
        v = a - Q @ (Q.T @ a)
        v = v - Q @ (Q.T @ v)
        if np.linalg.norm(v) > tol:
            Q = np.hstack([Q, (v / np.linalg.norm(v))[:, None]])
    return Q
''',
    # Select the independent columns by least-squares residuals, then Householder QR
    # of the kept columns with signs fixed so that diag(R) > 0.
    "householder_selected": '''
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
''',
}
