"""Planted wrong answers and alternative correct answers for S3 ridge_map."""

ANSWER_CELL = "s3_ridge_map"
CHECK = "statistics.ridge_map"

WRONG: dict[str, str] = {
    # Standard deviations instead of variances: λ = σ/α.
    "sigma_over_alpha": '''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    lam = np.sqrt(sigma2) / np.sqrt(alpha2)
    return np.linalg.solve(Phi.T @ Phi + lam * np.eye(Phi.shape[1]), Phi.T @ np.asarray(y, float))
''',
    # pyprobml's augmented-data trick with λ rows instead of √λ rows: penalty λ².
    "augmented_lambda_rows": '''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    lam = sigma2 / alpha2
    D = Phi.shape[1]
    A = np.vstack([Phi, lam * np.eye(D)])
    b = np.concatenate([np.asarray(y, float), np.zeros(D)])
    return np.linalg.lstsq(A, b, rcond=None)[0]
''',
    # A 1/N on the data term (sklearn-style averaging), i.e. λ·N.
    "one_over_n": '''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    N, D = Phi.shape
    lam = sigma2 / alpha2
    return np.linalg.solve(Phi.T @ Phi / N + lam * np.eye(D), Phi.T @ np.asarray(y, float) / N)
''',
    # Leaves the intercept (first column) unpenalised.
    "unpenalised_intercept": '''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    P = np.eye(Phi.shape[1])
    P[0, 0] = 0.0
    return np.linalg.solve(Phi.T @ Phi + sigma2 / alpha2 * P, Phi.T @ np.asarray(y, float))
''',
    # λ = α²/σ².
    "inverted_ratio": '''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    lam = alpha2 / sigma2
    return np.linalg.solve(Phi.T @ Phi + lam * np.eye(Phi.shape[1]), Phi.T @ np.asarray(y, float))
''',
}

ALTERNATIVES: dict[str, str] = {
    # pyprobml's augmented least squares, done right: √λ rows.
    "augmented_sqrt_lambda": '''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    D = Phi.shape[1]
    A = np.vstack([Phi, np.sqrt(sigma2 / alpha2) * np.eye(D)])
    b = np.concatenate([np.asarray(y, float), np.zeros(D)])
    return np.linalg.lstsq(A, b, rcond=None)[0]
''',
    # SVD shrinkage: θ = V diag(s/(s² + λ)) Uᵀ y.
    "svd_shrinkage": '''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    U, s, Vt = np.linalg.svd(Phi, full_matrices=False)
    lam = sigma2 / alpha2
    return Vt.T @ (s / (s**2 + lam) * (U.T @ np.asarray(y, float)))
''',
    # Dual (kernel) form: θ = Φᵀ(ΦΦᵀ + λI)⁻¹y.
    "dual_form": '''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    K = Phi @ Phi.T + (sigma2 / alpha2) * np.eye(Phi.shape[0])
    return Phi.T @ np.linalg.solve(K, np.asarray(y, float))
''',
    # Cholesky of the regularised Gram matrix.
    "cholesky": '''
def ridge_map(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    A = Phi.T @ Phi + (sigma2 / alpha2) * np.eye(Phi.shape[1])
    return scipy.linalg.cho_solve(scipy.linalg.cho_factor(A), Phi.T @ np.asarray(y, float))
''',
}
