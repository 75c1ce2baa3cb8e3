"""Planted wrong answers and alternative correct answers for S1 gaussian_mle."""

ANSWER_CELL = "s1_gaussian_mle"
CHECK = "statistics.gaussian_mle"

WRONG: dict[str, str] = {
    # np.cov's default normalisation 1/(N-1) (and NaN for N = 1).
    "np_cov_default": '''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    return X.mean(axis=0), np.atleast_2d(np.cov(X, rowvar=False))
''',
    # The (D, N) layout: rows treated as variables.
    "transposed_layout": '''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    return X.mean(axis=1), np.atleast_2d(np.cov(X, bias=True))
''',
    # Forgets to centre: the second moment about the origin.
    "uncentred": '''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    return X.mean(axis=0), X.T @ X / X.shape[0]
''',
    # Variances only: drops the covariances.
    "diagonal_only": '''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    return X.mean(axis=0), np.diag(X.var(axis=0))
''',
}

ALTERNATIVES: dict[str, str] = {
    # np.cov with bias=True (1/N); atleast_2d because np.cov returns a 0-d array for D = 1.
    "np_cov_bias": '''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    return np.mean(X, axis=0), np.atleast_2d(np.cov(X, rowvar=False, bias=True))
''',
    # A loop over the data points, summing outer products.
    "outer_product_loop": '''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    N, D = X.shape
    mu = np.zeros(D)
    for x in X:
        mu += x
    mu /= N
    S = np.zeros((D, D))
    for x in X:
        S += np.outer(x - mu, x - mu)
    return mu, S / N
''',
    # One pass: E[x xᵀ] − μ μᵀ (fine at these scales).
    "one_pass_moments": '''
def gaussian_mle(X):
    X = np.asarray(X, dtype=float)
    mu = X.mean(axis=0)
    return mu, np.einsum("ni,nj->ij", X, X) / len(X) - np.outer(mu, mu)
''',
}
