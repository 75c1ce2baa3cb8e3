"""Planted wrong answers and alternative correct answers for S6 ridge_bias_var."""

ANSWER_CELL = "s6_ridge_bias_var"
CHECK = "statistics.ridge_bias_var"

_A = '''
    X = np.asarray(X, dtype=float)
    x_star = np.asarray(x_star, dtype=float)
    Ainv = np.linalg.inv(X.T @ X + lam * np.eye(X.shape[1]))
'''

WRONG: dict[str, str] = {
    # The squared bias, where the signed bias was asked for.
    "squared_bias": "def ridge_bias_var(X, theta, sigma2, lam, x_star):" + _A + '''
    bias = -lam * x_star @ Ainv @ theta
    return bias**2, sigma2 * x_star @ Ainv @ X.T @ X @ Ainv @ x_star
''',
    # Forgets the noise variance.
    "missing_sigma2": "def ridge_bias_var(X, theta, sigma2, lam, x_star):" + _A + '''
    return -lam * x_star @ Ainv @ theta, x_star @ Ainv @ X.T @ X @ Ainv @ x_star
''',
    # σ instead of σ².
    "sigma_not_sigma2": "def ridge_bias_var(X, theta, sigma2, lam, x_star):" + _A + '''
    return (-lam * x_star @ Ainv @ theta,
            np.sqrt(sigma2) * x_star @ Ainv @ X.T @ X @ Ainv @ x_star)
''',
    # The Bayesian posterior variance σ² x*ᵀA⁻¹x* instead of the sampling variance.
    "posterior_variance": "def ridge_bias_var(X, theta, sigma2, lam, x_star):" + _A + '''
    return -lam * x_star @ Ainv @ theta, sigma2 * x_star @ Ainv @ x_star
''',
    # Bias as f − E[f̂] (sign flipped).
    "bias_sign_flipped": "def ridge_bias_var(X, theta, sigma2, lam, x_star):" + _A + '''
    return lam * x_star @ Ainv @ theta, sigma2 * x_star @ Ainv @ X.T @ X @ Ainv @ x_star
''',
}

ALTERNATIVES: dict[str, str] = {
    # Effective weights: f̂(x*) = wᵀy with w = X A⁻¹ x*.
    "hat_weights": '''
def ridge_bias_var(X, theta, sigma2, lam, x_star):
    X = np.asarray(X, dtype=float)
    A = X.T @ X + lam * np.eye(X.shape[1])
    w = X @ np.linalg.solve(A, np.asarray(x_star, dtype=float))
    return float(w @ (X @ theta) - x_star @ theta), float(sigma2 * w @ w)
''',
    # Full SVD: A⁻¹ = V diag(1/(s² + λ)) Vᵀ (s padded with zeros when N < D).
    "svd": '''
def ridge_bias_var(X, theta, sigma2, lam, x_star):
    X = np.asarray(X, dtype=float)
    N, D = X.shape
    U, s, Vt = np.linalg.svd(X, full_matrices=True)
    s2 = np.zeros(D)
    s2[:len(s)] = s**2
    z = Vt @ np.asarray(x_star, dtype=float)
    t = Vt @ np.asarray(theta, dtype=float)
    return -lam * np.sum(z * t / (s2 + lam)), sigma2 * np.sum(z**2 * s2 / (s2 + lam) ** 2)
''',
    # Explicit inverse and the sandwich form.
    "inverse_sandwich": "def ridge_bias_var(X, theta, sigma2, lam, x_star):" + _A + '''
    cov = sigma2 * Ainv @ (X.T @ X) @ Ainv
    return -lam * (x_star @ Ainv @ theta), x_star @ cov @ x_star
''',
}
