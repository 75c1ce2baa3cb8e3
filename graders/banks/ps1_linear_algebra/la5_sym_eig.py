"""Planted wrong answers and alternative correct answers for LA5 sym_eig."""

ANSWER_CELL = "la5_sym_eig"
CHECK = "linear_algebra.sym_eig"

WRONG: dict[str, str] = {
    # eigh's own order is ascending.
    "ascending": '''
def sym_eig(S):
    return np.linalg.eigh(np.asarray(S, dtype=float))
''',
    # General eig: on a repeated eigenvalue its eigenvectors need not be orthogonal.
    "general_eig": '''
def sym_eig(S):
    w, V = np.linalg.eig(np.asarray(S, dtype=float))
    idx = np.argsort(w)[::-1]
    return w[idx], V[:, idx]
''',
    # scipy's eig returns complex arrays; sorted by the real part.
    "eig_complex": '''
def sym_eig(S):
    w, V = scipy.linalg.eig(S)
    idx = np.argsort(-w.real)
    return w[idx], V[:, idx]
''',
    # Eigenvectors scaled so that their first entry is 1 (not unit length).
    "first_entry_one": '''
def sym_eig(S):
    w, V = np.linalg.eigh(np.asarray(S, dtype=float))
    w, V = w[::-1], V[:, ::-1]
    return w, V / V[0]
''',
    # Sorts the eigenvalues but not the eigenvector columns with them.
    "values_sorted_vectors_not": '''
def sym_eig(S):
    w, V = np.linalg.eigh(np.asarray(S, dtype=float))
    return np.sort(w)[::-1], V
''',
}

ALTERNATIVES: dict[str, str] = {
    # eigh with every other eigenvector negated (signs are free).
    "sign_flipped": '''
def sym_eig(S):
    w, V = np.linalg.eigh(np.asarray(S, dtype=float))
    signs = (-1.0) ** np.arange(len(w))
    return w[::-1], V[:, ::-1] * signs
''',
    # A rotated orthonormal basis inside each repeated eigenspace.
    "rotated_eigenspace": '''
def sym_eig(S):
    S = np.asarray(S, dtype=float)
    w, V = np.linalg.eigh(S)
    w, V = w[::-1].copy(), V[:, ::-1].copy()
    tol = 1e-9 * max(np.abs(w).max(), 1.0)
    i = 0
    while i < len(w):
        j = i + 1
        while j < len(w) and abs(w[j] - w[i]) <= tol:
            j += 1
        k = j - i
        if k > 1:
            R, _ = np.linalg.qr(np.arange(1.0, k * k + 1).reshape(k, k) + np.eye(k) * k)
            V[:, i:j] = V[:, i:j] @ R
        i = j
    return w, V
''',
    # Cyclic Jacobi rotations until the off-diagonal part is negligible.
    "jacobi": '''
def sym_eig(S):
    A = np.array(S, dtype=float)
    n = A.shape[0]
    V = np.eye(n)
    scale = np.linalg.norm(A)
    for sweep in range(50):
        if np.linalg.norm(np.tril(A, -1)) <= 1e-17 * scale or scale == 0:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                if A[p, q] == 0.0:
                    continue
                theta = (A[q, q] - A[p, p]) / (2.0 * A[p, q])
                t = 1.0 / (abs(theta) + np.sqrt(theta * theta + 1.0))
                t = -t if theta < 0 else t
                c = 1.0 / np.sqrt(t * t + 1.0)
                s = t * c
                J = np.eye(n)
                J[p, p] = J[q, q] = c
                J[p, q], J[q, p] = s, -s
                A = J.T @ A @ J
                V = V @ J
    w = np.diag(A)
    idx = np.argsort(w, kind="stable")[::-1]
    return w[idx], V[:, idx]
''',
}
