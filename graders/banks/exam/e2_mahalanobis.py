"""Planted wrong answers and alternative correct answers for E2 mahalanobis."""

ANSWER_CELL = "e2_mahalanobis"
CHECK = "geometry.exam_mahalanobis"

WRONG: dict[str, str] = {
    # Returns the squared distances (the quadratic form itself).
    "squared": '''
def mahalanobis(X, mu, Sigma):
    Z = np.asarray(X, dtype=float) - np.asarray(mu, dtype=float)
    return np.sum(Z * np.linalg.solve(np.asarray(Sigma, dtype=float), Z.T).T, axis=1)
''',
    # Uses Sigma where its inverse belongs.
    "sigma_not_inverse": '''
def mahalanobis(X, mu, Sigma):
    Z = np.asarray(X, dtype=float) - np.asarray(mu, dtype=float)
    return np.sqrt(np.sum((Z @ np.asarray(Sigma, dtype=float)) * Z, axis=1))
''',
    # Solves with Lᵀ instead of L: ‖L⁻ᵀz‖² = zᵀ(LᵀL)⁻¹z, not zᵀΣ⁻¹z.
    "cholesky_transpose": '''
def mahalanobis(X, mu, Sigma):
    Z = np.asarray(X, dtype=float) - np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    W = scipy.linalg.solve_triangular(L.T, Z.T, lower=False)
    return np.sqrt(np.sum(W * W, axis=0))
''',
    # Expands the quadratic form: xᵀPx − 2xᵀPμ + μᵀPμ cancels catastrophically far from 0.
    "expanded_quadratic": '''
def mahalanobis(X, mu, Sigma):
    X = np.asarray(X, dtype=float)
    mu = np.asarray(mu, dtype=float)
    P = np.linalg.inv(np.asarray(Sigma, dtype=float))
    q = np.sum((X @ P) * X, axis=1) - 2 * X @ (P @ mu) + mu @ P @ mu
    return np.sqrt(np.maximum(q, 0.0))
''',
    # Sums over the wrong axis of the whitened (D, N) array: returns D numbers.
    "wrong_axis": '''
def mahalanobis(X, mu, Sigma):
    Z = np.asarray(X, dtype=float) - np.asarray(mu, dtype=float)
    L = np.linalg.cholesky(np.asarray(Sigma, dtype=float))
    W = scipy.linalg.solve_triangular(L, Z.T, lower=True)
    return np.sqrt(np.sum(W * W, axis=1))
''',
}

ALTERNATIVES: dict[str, str] = {
    # Explicit inverse (fine for these well-conditioned Σ).
    "explicit_inverse": '''
def mahalanobis(X, mu, Sigma):
    Z = np.asarray(X, dtype=float) - np.asarray(mu, dtype=float)
    P = np.linalg.inv(np.asarray(Sigma, dtype=float))
    return np.sqrt(np.einsum("ni,ij,nj->n", Z, P, Z))
''',
    # Eigen-whitening: Σ = V Λ Vᵀ, d = ‖Λ^{-1/2} Vᵀ z‖.
    "eigh_whitening": '''
def mahalanobis(X, mu, Sigma):
    Z = np.asarray(X, dtype=float) - np.asarray(mu, dtype=float)
    w, V = np.linalg.eigh(np.asarray(Sigma, dtype=float))
    return np.linalg.norm((Z @ V) / np.sqrt(w), axis=1)
''',
    # scipy's cdist with VI = Σ⁻¹, against the single point μ.
    "scipy_cdist": '''
from scipy.spatial.distance import cdist

def mahalanobis(X, mu, Sigma):
    X = np.asarray(X, dtype=float)
    VI = np.linalg.inv(np.asarray(Sigma, dtype=float))
    return cdist(X, np.asarray(mu, dtype=float)[None, :], "mahalanobis", VI=VI)[:, 0]
''',
    # cho_factor / cho_solve, one point at a time.
    "cho_solve_loop": '''
def mahalanobis(X, mu, Sigma):
    X = np.asarray(X, dtype=float)
    mu = np.asarray(mu, dtype=float)
    cf = scipy.linalg.cho_factor(np.asarray(Sigma, dtype=float))
    out = np.empty(X.shape[0])
    for i, x in enumerate(X):
        z = x - mu
        out[i] = np.sqrt(z @ scipy.linalg.cho_solve(cf, z))
    return out
''',
}
