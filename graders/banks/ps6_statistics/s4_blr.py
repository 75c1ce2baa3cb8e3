"""Planted wrong answers and alternative correct answers for S4 blr_posterior / blr_predict.

The answer cell holds both functions, so every entry defines both; a wrong entry
gets one of them wrong (the question is all-or-nothing over both checks).
"""

ANSWER_CELL = "s4_blr"
CHECK = "statistics.blr_predict"
CHECKS = ("statistics.blr_posterior", "statistics.blr_predict")

_POSTERIOR = '''
def blr_posterior(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    SN = np.linalg.inv(Phi.T @ Phi / sigma2 + np.eye(Phi.shape[1]) / alpha2)
    SN = (SN + SN.T) / 2
    return SN @ Phi.T @ np.asarray(y, dtype=float) / sigma2, SN
'''

_PREDICT = '''
def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    return Phi_star @ mN, np.sum((Phi_star @ SN) * Phi_star, axis=1) + sigma2
'''

WRONG: dict[str, str] = {
    # The predictive variance without the observation noise.
    "predict_omits_noise": _POSTERIOR + '''
def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    return Phi_star @ mN, np.sum((Phi_star @ SN) * Phi_star, axis=1)
''',
    # The mml tutorial's var_blr + sigma: a standard deviation added to a variance.
    "predict_adds_sigma": _POSTERIOR + '''
def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    return Phi_star @ mN, np.sum((Phi_star @ SN) * Phi_star, axis=1) + np.sqrt(sigma2)
''',
    # Returns the predictive standard deviation.
    "predict_returns_std": _POSTERIOR + '''
def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    return Phi_star @ mN, np.sqrt(np.sum((Phi_star @ SN) * Phi_star, axis=1) + sigma2)
''',
    # Posterior covariance of the ridge normal equations, not scaled by σ².
    "posterior_unscaled_cov": '''
def blr_posterior(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    SN = np.linalg.inv(Phi.T @ Phi + sigma2 / alpha2 * np.eye(Phi.shape[1]))
    SN = (SN + SN.T) / 2
    return SN @ Phi.T @ np.asarray(y, dtype=float), SN
''' + _PREDICT,
    # Prior precision 1/α instead of 1/α².
    "posterior_alpha_not_squared": '''
def blr_posterior(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    SN = np.linalg.inv(Phi.T @ Phi / sigma2 + np.eye(Phi.shape[1]) / np.sqrt(alpha2))
    SN = (SN + SN.T) / 2
    return SN @ Phi.T @ np.asarray(y, dtype=float) / sigma2, SN
''' + _PREDICT,
    # The full predictive covariance matrix instead of the per-point variances.
    "predict_full_covariance": _POSTERIOR + '''
def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    return Phi_star @ mN, Phi_star @ SN @ Phi_star.T + sigma2 * np.eye(len(Phi_star))
''',
}

ALTERNATIVES: dict[str, str] = {
    # Cholesky solves; the predictive variance through a triangular solve.
    "cholesky": '''
def blr_posterior(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    D = Phi.shape[1]
    c = scipy.linalg.cho_factor(Phi.T @ Phi / sigma2 + np.eye(D) / alpha2)
    SN = scipy.linalg.cho_solve(c, np.eye(D))
    return scipy.linalg.cho_solve(c, Phi.T @ np.asarray(y, float) / sigma2), (SN + SN.T) / 2

def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    L = np.linalg.cholesky(SN)
    return Phi_star @ mN, np.sum((Phi_star @ L) ** 2, axis=1) + sigma2
''',
    # Woodbury (dual) form, useful when N < D; diag of the full matrix for the variance.
    "woodbury": '''
def blr_posterior(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    N, D = Phi.shape
    K = sigma2 * np.eye(N) + alpha2 * Phi @ Phi.T
    SN = alpha2 * np.eye(D) - alpha2**2 * Phi.T @ np.linalg.solve(K, Phi)
    mN = alpha2 * Phi.T @ np.linalg.solve(K, np.asarray(y, float))
    return mN, (SN + SN.T) / 2

def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    return Phi_star @ mN, np.diag(Phi_star @ SN @ Phi_star.T) + sigma2
''',
    # Plain inverse without symmetrising; a loop over test points.
    "inverse_and_loop": '''
def blr_posterior(Phi, y, sigma2, alpha2):
    Phi = np.asarray(Phi, dtype=float)
    SN = np.linalg.inv(np.eye(Phi.shape[1]) / alpha2 + Phi.T @ Phi / sigma2)
    return SN @ (Phi.T @ np.asarray(y, float)) / sigma2, SN

def blr_predict(Phi_star, mN, SN, sigma2):
    Phi_star = np.asarray(Phi_star, dtype=float)
    mean = np.array([phi @ mN for phi in Phi_star])
    var = np.array([phi @ SN @ phi + sigma2 for phi in Phi_star])
    return mean, var
''',
}
