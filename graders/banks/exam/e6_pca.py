"""Planted wrong answers and alternative correct answers for E6 pca."""

ANSWER_CELL = "e6_pca"
CHECK = "statistics.exam_pca"

WRONG: dict[str, str] = {
    # np.cov's default normalisation 1/(N − 1).
    "unbiased_covariance": '''
def pca(X, k):
    C = np.cov(np.asarray(X, dtype=float).T)
    w, V = np.linalg.eigh(np.atleast_2d(C))
    return V[:, ::-1][:, :k], w[::-1][:k]
''',
    # No centring: the eigenvectors of XᵀX/N chase the mean.
    "no_centring": '''
def pca(X, k):
    X = np.asarray(X, dtype=float)
    w, V = np.linalg.eigh(X.T @ X / X.shape[0])
    return V[:, ::-1][:, :k], w[::-1][:k]
''',
    # eigh's ascending order kept: the k smallest variances.
    "ascending_order": '''
def pca(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    w, V = np.linalg.eigh(Xc.T @ Xc / X.shape[0])
    return V[:, :k], w[:k]
''',
    # Right singular vectors as rows, i.e. W of shape (k, D).
    "rows_layout": '''
def pca(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / X.shape[0]
''',
    # High-dimensional trick without renormalising X̄ᵀu (‖X̄ᵀu‖² = N·λ).
    "high_dim_unnormalised": '''
def pca(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    w, U = np.linalg.eigh(Xc @ Xc.T / X.shape[0])
    w, U = w[::-1][:k], U[:, ::-1][:, :k]
    return Xc.T @ U, w
''',
}

ALTERNATIVES: dict[str, str] = {
    # SVD of the centred data, signs flipped.
    "svd_flipped": '''
def pca(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return -Vt[:k].T, (s ** 2 / X.shape[0])[:k]
''',
    # Eigendecomposition of the 1/N covariance from np.cov(bias=True).
    "eigh_cov_bias": '''
def pca(X, k):
    C = np.atleast_2d(np.cov(np.asarray(X, dtype=float), rowvar=False, bias=True))
    w, V = scipy.linalg.eigh(C)
    idx = np.argsort(w)[::-1][:k]
    return V[:, idx], w[idx]
''',
    # High-dimensional trick: eigenvectors u of X̄X̄ᵀ/N mapped back by X̄ᵀu/‖X̄ᵀu‖.
    "high_dim_trick": '''
def pca(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    w, U = np.linalg.eigh(Xc @ Xc.T / X.shape[0])
    w, U = w[::-1][:k], U[:, ::-1][:, :k]
    W = Xc.T @ U
    return W / np.linalg.norm(W, axis=0), w
''',
}
